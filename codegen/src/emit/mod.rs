//! Emitters: IR -> `proc_macro2::TokenStream`, one module per concern.

pub(crate) mod aws_json;
pub(crate) mod cli;
pub(crate) mod client;
pub(crate) mod constraints;
pub(crate) mod deserialize;
pub(crate) mod doc;
pub(crate) mod endpoints;
pub(crate) mod enums;
pub(crate) mod errors;
pub(crate) mod files;
pub mod iam;
pub(crate) mod json_roundtrip;
pub(crate) mod operation;
pub(crate) mod rest_json;
pub(crate) mod rest_roundtrip;
pub(crate) mod roundtrip;
pub(crate) mod serialize;
pub(crate) mod shapes;
pub(crate) mod structure;
pub(crate) mod tests;

use std::collections::BTreeMap;

use anyhow::Result;
use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Home, Protocol, Service, ShapeId, ShapeKind};
use crate::{naming, render, GeneratedCrate, Options};

use doc::inner_doc_attrs;

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
            (Home::Error, ShapeKind::Structure(_)) => {
                error_items.push(errors::emit_error_struct(svc, id))
            }
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
    let errors_doc = match svc.protocol {
        Protocol::AwsQuery => {
            quote! { //! Modeled service errors, matched by their awsQuery error code.
            }
        }
        Protocol::AwsJson { .. } | Protocol::RestJson1 => {
            quote! { //! Modeled service errors, matched by their error code.
            }
        }
    };
    files.insert(
        "src/types/error.rs".to_owned(),
        render::rust_file(
            quote! {
                #errors_doc
                #(#error_items)*
            },
            "src/types/error.rs",
        )?,
    );

    // operation/: one module per operation.
    let mut op_mods = Vec::new();
    for op in &svc.operations {
        let path = format!("src/operation/{}.rs", op.module);
        files.insert(
            path.clone(),
            render::rust_file(operation::emit_operation(svc, op, &constraints), &path)?,
        );
        let m = naming::ident(&op.module);
        let d = format!(" `{}`: {}", op.wire_name, first_sentence(&op.docs));
        op_mods.push((op.wire_name.clone(), quote! { #[doc = #d] pub mod #m; }));
    }
    for op in &svc.unsupported {
        let path = format!("src/operation/{}.rs", op.module);
        files.insert(
            path.clone(),
            render::rust_file(operation::emit_unsupported(op), &path)?,
        );
        let m = naming::ident(&op.module);
        let d = format!(
            " `{}`: not supported by this generator yet ({}); the client has no method for it.",
            op.wire_name, op.reason
        );
        op_mods.push((op.wire_name.clone(), quote! { #[doc = #d] pub mod #m; }));
    }
    op_mods.sort_by(|a, b| a.0.cmp(&b.0));
    let op_mods = op_mods.into_iter().map(|(_, tokens)| tokens);
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
    let (protocol_doc, ser, de) = match svc.protocol {
        Protocol::AwsQuery => (
            quote! {
                //! awsQuery (de)serializers shared between operations; each operation module has
                //! its own `serialize_body`, `request`, `parse_output` and `parse_error`.
            },
            serialize::module(svc),
            deserialize::module(svc),
        ),
        Protocol::AwsJson { .. } => (
            quote! {
                //! awsJson (de)serializers shared between operations; each operation module has
                //! its own `serialize_body`, `request`, `parse_output` and `parse_error`.
            },
            aws_json::ser_module(svc),
            aws_json::de_module(svc),
        ),
        Protocol::RestJson1 => (
            quote! {
                //! JSON (de)serializers shared between operations (restJson bodies are awsJson's
                //! JSON); each operation module has its own `request`, `parse_output` and
                //! `parse_error`, which add the URI, query string, headers and status code.
            },
            aws_json::ser_module(svc),
            aws_json::de_module(svc),
        ),
    };
    files.insert(
        "src/protocol/mod.rs".to_owned(),
        render::rust_file(
            quote! {
                #protocol_doc
                pub(crate) mod de;
                pub(crate) mod ser;
            },
            "src/protocol/mod.rs",
        )?,
    );
    files.insert(
        "src/protocol/ser.rs".to_owned(),
        render::rust_file(ser, "src/protocol/ser.rs")?,
    );
    files.insert(
        "src/protocol/de.rs".to_owned(),
        render::rust_file(de, "src/protocol/de.rs")?,
    );
    files.insert(
        "src/client.rs".to_owned(),
        render::rust_file(client::emit_client(svc), "src/client.rs")?,
    );
    files.insert(
        "src/blocking.rs".to_owned(),
        render::rust_file(client::emit_blocking(svc), "src/blocking.rs")?,
    );
    files.insert(
        "src/constraints.rs".to_owned(),
        render::rust_file(constraints.module(svc), "src/constraints.rs")?,
    );
    files.insert(
        "cli/Cargo.toml".to_owned(),
        files::cli_cargo_toml(svc, options)?,
    );
    files.insert(
        "cli/src/lib.rs".to_owned(),
        render::rust_file(cli::emit_cli(svc), "cli/src/lib.rs")?,
    );
    let has_tests = match tests::emit_tests(svc) {
        Some(t) => {
            files.insert(
                "src/generated_tests.rs".to_owned(),
                render::rust_file(t, "src/generated_tests.rs")?,
            );
            true
        }
        None => false,
    };
    // Round-trip property tests: output values written as a response (awsQuery XML, awsJson
    // JSON, or restJson status, headers and body, by a test-only writer) parse back to the
    // same value.
    let roundtrip = match svc.protocol {
        Protocol::AwsQuery => roundtrip::emit_roundtrip(svc),
        Protocol::AwsJson { .. } => json_roundtrip::emit_roundtrip(svc),
        Protocol::RestJson1 => rest_roundtrip::emit_roundtrip(svc),
    };
    let has_roundtrip = match roundtrip {
        Some(t) => {
            files.insert(
                "src/roundtrip_tests.rs".to_owned(),
                render::rust_file(t, "src/roundtrip_tests.rs")?,
            );
            true
        }
        None => false,
    };
    files.insert(
        "Cargo.toml".to_owned(),
        files::cargo_toml(svc, options, has_roundtrip)?,
    );
    if let Some(model) = &svc.endpoints {
        files.insert(
            "src/endpoint.rs".to_owned(),
            render::rust_file(endpoints::emit(svc, model), "src/endpoint.rs")?,
        );
        if let Some(t) = endpoints::emit_tests(model) {
            files.insert(
                "src/endpoint_tests.rs".to_owned(),
                render::rust_file(t, "src/endpoint_tests.rs")?,
            );
        }
    }
    if let Some(iam_model) = &svc.iam {
        files.insert(
            "src/iam.rs".to_owned(),
            render::rust_file(iam::emit(iam_model), "src/iam.rs")?,
        );
    }
    files.insert(
        "src/lib.rs".to_owned(),
        render::rust_file(lib_rs(svc, has_tests, has_roundtrip), "src/lib.rs")?,
    );
    Ok(GeneratedCrate { files })
}

/// The first sentence of Markdown docs, for one-line summaries.
fn first_sentence(md: &str) -> String {
    let para = md
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .replace('\n', " ");
    let end = para.find(". ").map(|i| i + 1).unwrap_or(para.len());
    let s = para[..end].trim().to_owned();
    if s.is_empty() {
        "see the module docs.".to_owned()
    } else {
        s
    }
}

/// The crate's front page: a quick start (dependency lines, a client with the default
/// credentials chain of the hand-written `stsgen-config` crate, one call, a typed error), then
/// the model's description of the service and a map of the modules.
fn front_page(svc: &Service) -> String {
    let krate = &svc.crate_name;
    let package = krate.replace('_', "-");
    let required = |op: &crate::ir::Operation| {
        op.input
            .and_then(|i| svc.structure(i))
            .is_some_and(|s| s.members.iter().any(|m| m.required))
    };
    // The example call: an operation that needs no input and has a modeled error, else one
    // that needs no input, else the first.
    let op = svc
        .operations
        .iter()
        .find(|op| !required(op) && !op.error_variants.is_empty())
        .or_else(|| svc.operations.iter().find(|op| !required(op)))
        .or(svc.operations.first());
    let example = match op {
        Some(op) => {
            let call = if required(op) {
                format!("client.{}() /* .required_member(...) */", op.module)
            } else {
                format!("client.{}()", op.module)
            };
            let error_arm = match op.error_variants.first() {
                Some(v) => format!(
                    "    Err(SdkError::Service {{ error: {}Error::{}(e), .. }}) => eprintln!(\"{}: {{e}}\"),\n",
                    op.rust_name,
                    v.name,
                    svc.shape(v.shape).wire_name
                ),
                None => String::new(),
            };
            format!(
                "```rust,ignore\n\
                 use {krate}::operation::{module}::{rust}Error;\n\
                 use {krate}::runtime::error::SdkError;\n\n\
                 # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {{\n\
                 // Region, endpoint and credentials as every AWS SDK reads them: the environment, then\n\
                 // the profile (role chains, web identity, credential_process, MFA, ...).\n\
                 let config = stsgen_config::load_from_env()?;\n\
                 let client = {krate}::Client::new(config)?;\n\n\
                 match {call}.send().await {{\n\
                 \x20   Ok(output) => println!(\"{{output:?}}\"),\n\
                 {error_arm}\
                 \x20   Err(SdkError::Service {{ error, .. }}) => eprintln!(\"{{error}}\"),\n\
                 \x20   Err(other) => return Err(other.into()),\n\
                 }}\n\
                 # Ok(()) }}\n\
                 ```\n\n\
                 (Not compiled here: this crate does not depend on `stsgen-config`, which depends on it; \
                 the `stsgen-config` crate's front page compiles the same steps.)",
                module = op.module,
                rust = op.rust_name,
            )
        }
        None => String::new(),
    };
    format!(
        "{full}\n\n\
         A typed client for {full} (API version `{api}`), generated by stsgen from AWS's own model.\n\n\
         # Quick start\n\n\
         ```toml\n\
         [dependencies]\n\
         {package} = {{ path = \"generated/{package}\" }}\n\
         stsgen-config = {{ path = \"config\" }}  # the default credentials chain and profiles\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n\
         ```\n\n\
         {example}\n\n\
         Every operation is a method of [`Client`] returning a fluent builder; `send()` returns the \
         operation's output or an [`SdkError`](runtime::error::SdkError) whose `Service` variant holds \
         the operation's error enum (one variant per modeled error, `Unhandled` with the code, message \
         and request id for the rest). With the `blocking` feature, `blocking::Client` sends the same \
         inputs without an async runtime.\n\n\
         # The service\n\n\
         {docs}\n\n\
         # Modules\n\n\
         - [`operation`]: one module per operation: its input (with a builder), output and error enum;\n\
         - [`types`]: shapes shared between operations, [`types::error`] for modeled errors;\n\
         - [`client`]: [`Client`] and [`Config`] (the runtime's client configuration);\n\
         - [`error`], [`primitives`]: build errors and value types; [`meta`]: the model's metadata{iam}.",
        full = svc.full_name,
        api = svc.api_version,
        docs = svc.docs,
        iam = if svc.iam.is_some() {
            ";\n- [`iam`]: the service's IAM actions, resource types (with ARN builders) and condition keys"
        } else {
            ""
        },
    )
}

fn lib_rs(svc: &Service, has_tests: bool, has_roundtrip: bool) -> TokenStream {
    let docs = front_page(svc);
    let crate_docs = inner_doc_attrs(&docs, "");
    let iam_mod = svc.iam.as_ref().map(|_| {
        quote! {
            pub mod iam;
        }
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
        // `should_implement_trait`: a builder setter is named after its member, and a member can be
        // named like an operator method (`sub`, the subject claim of Signin's token introspection).
        #![allow(clippy::large_enum_variant, clippy::result_large_err, clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::should_implement_trait)]

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
