//! Emitters: IR -> `proc_macro2::TokenStream`, one module per concern.

pub(crate) mod client;
pub(crate) mod constraints;
pub(crate) mod deserialize;
pub(crate) mod doc;
pub(crate) mod enums;
pub(crate) mod endpoints;
pub(crate) mod errors;
pub mod example;
pub(crate) mod files;
pub mod iam;
pub(crate) mod operation;
pub(crate) mod roundtrip;
pub(crate) mod serialize;
pub(crate) mod shapes;
pub(crate) mod structure;
pub(crate) mod tests;

use std::collections::BTreeMap;

use anyhow::Result;
use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Home, Service, ShapeId, ShapeKind};
use crate::{naming, render, GeneratedCrate, Options};

// `emit::example` still imports this one as `crate::emit::inner_doc_attrs`.
pub(crate) use doc::inner_doc_attrs;

/// Emits every file of the generated crate.
pub(crate) fn emit_crate(svc: &Service, options: &Options) -> Result<GeneratedCrate> {
    let constraints = constraints::Constraints::new(svc);
    let mut files = BTreeMap::new();
    files.insert("README.md".to_owned(), files::readme(svc)?);

    // types/: shared structures and enums, their builders, and modeled errors.
    let mut types_items = Vec::new();
    let mut builder_items = Vec::new();
    let mut error_items = Vec::new();
    for (i, shape) in svc.shapes.iter().enumerate() {
        let id = ShapeId(i);
        match (shape.home, &shape.kind) {
            (Home::Types, ShapeKind::Structure(_)) => {
                let builder_name = format!("{}Builder", shape.rust_name);
                let spec = structure::StructSpec {
                    id,
                    name: &shape.rust_name,
                    builder_name: &builder_name,
                    builder_path: quote! { crate::types::builders },
                    value_path: quote! { crate::types },
                    docs: shape.docs.clone(),
                    is_output: false,
                };
                types_items.push(structure::emit_value(svc, &spec, &constraints));
                builder_items.push(structure::emit_builder(svc, &spec));
            }
            (Home::Types, ShapeKind::String(_)) => types_items.push(enums::emit_enum(svc, id)),
            (Home::Error, ShapeKind::Structure(_)) => error_items.push(errors::emit_error_struct(svc, id)),
            _ => {}
        }
    }
    let types_doc = format!("Shapes shared between {} operations: structures (with builders in [`builders`]) and enums.", svc.full_name);
    let types_mod_doc = inner_doc_attrs(&types_doc, "");
    files.insert(
        "src/types/mod.rs".to_owned(),
        render::rust_file(
            quote! {
                #types_mod_doc
                pub mod builders;
                pub mod error;
                #(#types_items)*
            },
            "src/types/mod.rs",
        )?,
    );
    files.insert(
        "src/types/builders.rs".to_owned(),
        render::rust_file(
            quote! {
                //! Builders for the shared structures in [`types`](crate::types).
                #(#builder_items)*
            },
            "src/types/builders.rs",
        )?,
    );
    files.insert(
        "src/types/error.rs".to_owned(),
        render::rust_file(
            quote! {
                //! Modeled service errors, matched by their awsQuery error code.
                #(#error_items)*
            },
            "src/types/error.rs",
        )?,
    );

    // operation/: one module per operation.
    let mut op_mods = Vec::new();
    for op in &svc.operations {
        let path = format!("src/operation/{}.rs", op.module);
        files.insert(path.clone(), render::rust_file(operation::emit_operation(svc, op, &constraints), &path)?);
        let m = naming::ident(&op.module);
        let d = format!(" `{}`: {}", op.wire_name, first_sentence(&op.docs));
        op_mods.push(quote! { #[doc = #d] pub mod #m; });
    }
    files.insert(
        "src/operation/mod.rs".to_owned(),
        render::rust_file(
            quote! {
                //! One module per operation: its input, output, builders and error enum.
                #(#op_mods)*
            },
            "src/operation/mod.rs",
        )?,
    );
    files.insert(
        "src/protocol/mod.rs".to_owned(),
        render::rust_file(
            quote! {
                //! awsQuery (de)serializers shared between operations; each operation module has
                //! its own `serialize_body`, `request`, `parse_output` and `parse_error`.
                pub(crate) mod de;
                pub(crate) mod ser;
            },
            "src/protocol/mod.rs",
        )?,
    );
    files.insert("src/protocol/ser.rs".to_owned(), render::rust_file(serialize::module(svc), "src/protocol/ser.rs")?);
    files.insert("src/protocol/de.rs".to_owned(), render::rust_file(deserialize::module(svc), "src/protocol/de.rs")?);
    files.insert("src/client.rs".to_owned(), render::rust_file(client::emit_client(svc), "src/client.rs")?);
    files.insert("src/blocking.rs".to_owned(), render::rust_file(client::emit_blocking(svc), "src/blocking.rs")?);
    files.insert("src/constraints.rs".to_owned(), render::rust_file(constraints.module(svc), "src/constraints.rs")?);
    let example_path = format!("examples/{}.rs", svc.crate_name);
    files.insert(example_path.clone(), render::rust_file(example::emit_example(svc), &example_path)?);
    let has_tests = match tests::emit_tests(svc) {
        Some(t) => {
            files.insert("src/generated_tests.rs".to_owned(), render::rust_file(t, "src/generated_tests.rs")?);
            true
        }
        None => false,
    };
    let has_roundtrip = match roundtrip::emit_roundtrip(svc) {
        Some(t) => {
            files.insert("src/roundtrip_tests.rs".to_owned(), render::rust_file(t, "src/roundtrip_tests.rs")?);
            true
        }
        None => false,
    };
    files.insert("Cargo.toml".to_owned(), files::cargo_toml(svc, options, has_roundtrip)?);
    if let Some(model) = &svc.endpoints {
        files.insert("src/endpoint.rs".to_owned(), render::rust_file(endpoints::emit(svc, model), "src/endpoint.rs")?);
        if let Some(t) = endpoints::emit_tests(model) {
            files.insert("src/endpoint_tests.rs".to_owned(), render::rust_file(t, "src/endpoint_tests.rs")?);
        }
    }
    if let Some(iam_model) = &svc.iam {
        files.insert("src/iam.rs".to_owned(), render::rust_file(iam::emit(iam_model), "src/iam.rs")?);
    }
    files.insert("src/lib.rs".to_owned(), render::rust_file(lib_rs(svc, options, has_tests, has_roundtrip), "src/lib.rs")?);
    Ok(GeneratedCrate { files })
}

/// The first sentence of Markdown docs, for one-line summaries.
fn first_sentence(md: &str) -> String {
    let para = md.trim().split("\n\n").next().unwrap_or("").replace('\n', " ");
    let end = para.find(". ").map(|i| i + 1).unwrap_or(para.len());
    let s = para[..end].trim().to_owned();
    if s.is_empty() { "see the module docs.".to_owned() } else { s }
}

fn lib_rs(svc: &Service, options: &Options, has_tests: bool, has_roundtrip: bool) -> TokenStream {
    let docs = format!(
        "{}\n\n{}\n\nGenerated by stsgen from the AWS service model (API version `{}`). \
         Operations live in [`operation`], shared shapes in [`types`], modeled errors in [`types::error`].",
        svc.full_name,
        svc.docs,
        svc.api_version
    );
    let crate_docs = inner_doc_attrs(&docs, "");
    let iam_mod = svc.iam.as_ref().map(|_| {
        quote! {
            pub mod iam;
        }
    });
    let custom = options.custom_modules.iter().map(|m| {
        let m = naming::ident(m);
        quote! { pub mod #m; }
    });
    let tests_mod = has_tests.then(|| quote! { #[cfg(test)] mod generated_tests; });
    let endpoint_mods = svc.endpoints.as_ref().map(|e| {
        let tests = (!e.tests.is_empty()).then(|| quote! { #[cfg(test)] mod endpoint_tests; });
        quote! { pub mod endpoint; #tests }
    });
    let roundtrip_mod = has_roundtrip.then(|| quote! { #[cfg(test)] mod roundtrip_tests; });
    let api_version = &svc.api_version;
    let service_id = &svc.service_id;
    let signing_name = &svc.signing_name;
    let endpoint_prefix = &svc.endpoint_prefix;
    let ns = svc.xml_namespace.clone().unwrap_or_default();
    quote! {
        #crate_docs
        #![deny(missing_docs)]
        #![allow(deprecated)]
        #![allow(clippy::large_enum_variant, clippy::result_large_err, clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]

        /// Build and service errors.
        pub mod error {
            pub use ::stsgen_runtime::{BuildError, ErrorMetadata, ErrorType, ParseError, ParseErrorKind, UnhandledError, Violation};
        }
        /// Primitive value types used by the generated shapes.
        pub mod primitives {
            pub use ::stsgen_runtime::{Blob, DateTime};
        }
        pub use ::stsgen_runtime::RequestId;
        /// The service-agnostic runtime this crate is built on (HTTP types, XML reader, query writer).
        pub use ::stsgen_runtime as runtime;

        #[cfg(feature = "blocking")]
        pub mod blocking;
        pub mod client;
        pub mod operation;
        pub mod types;
        pub use client::{Client, Config};
        #iam_mod
        #endpoint_mods
        mod constraints;
        mod protocol;
        #tests_mod
        #roundtrip_mod
        #(#custom)*

        /// Facts about the service from the model's metadata.
        pub mod meta {
            /// The API version sent as `Version=`.
            pub const API_VERSION: &str = #api_version;
            /// The model's `serviceId`.
            pub const SERVICE_ID: &str = #service_id;
            /// The SigV4 signing name.
            pub const SIGNING_NAME: &str = #signing_name;
            /// The endpoint prefix.
            pub const ENDPOINT_PREFIX: &str = #endpoint_prefix;
            /// The XML namespace of responses.
            pub const XML_NAMESPACE: &str = #ns;
        }
    }
}
