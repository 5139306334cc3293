//! Tests emitted into the generated crate (`src/generated_tests.rs`, `#[cfg(test)]`).
//!
//! For every structure with a sensitive member (shared types, operation inputs and outputs,
//! errors), a test builds a value whose sensitive members hold a marker, and checks that
//! neither the value's nor its builder's `Debug` output contains the marker.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::shapes::{field_ident, rust_type};
use crate::ir::{Home, Service, ShapeId, ShapeKind};
use crate::naming;

/// The marker written into sensitive members.
pub const MARKER: &str = "SENSITIVE-MARKER-9f3a";

const MAX_DEPTH: usize = 6;

/// A sample value of shape `id`; `marker` puts the marker into strings and blobs.
fn sample(svc: &Service, id: ShapeId, marker: bool, depth: usize) -> Option<TokenStream> {
    if depth > MAX_DEPTH {
        return None;
    }
    let text = if marker { MARKER } else { "x" };
    let shape = svc.shape(id);
    Some(match &shape.kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            let ty = rust_type(svc, id);
            quote! { #ty::Unknown(#text.to_owned()) }
        }
        ShapeKind::String(_) => quote! { #text.to_owned() },
        ShapeKind::Integer(_) => quote! { 1i32 },
        ShapeKind::Long(_) => quote! { 1i64 },
        ShapeKind::Float(_) => quote! { 1.0f32 },
        ShapeKind::Double(_) => quote! { 1.0f64 },
        ShapeKind::Boolean => quote! { true },
        ShapeKind::Timestamp { .. } => quote! { ::stsgen_runtime::DateTime::UNIX_EPOCH },
        ShapeKind::Blob { .. } => quote! { ::stsgen_runtime::Blob::from(#text) },
        ShapeKind::List(l) => {
            let item = sample(svc, l.member, marker, depth + 1)?;
            quote! { ::std::vec![#item] }
        }
        ShapeKind::Map(m) => {
            let k = sample(svc, m.key, false, depth + 1)?;
            let v = sample(svc, m.value, marker, depth + 1)?;
            quote! { ::std::collections::BTreeMap::from([(#k, #v)]) }
        }
        ShapeKind::Structure(_) => {
            let path = rust_type(svc, id);
            struct_literal(svc, id, path, shape.home == Home::Error, false, marker, depth)?
        }
    })
}

/// A literal of the structure `id` at `path`: sensitive members hold the marker.
fn struct_literal(
    svc: &Service,
    id: ShapeId,
    path: TokenStream,
    is_error: bool,
    is_output: bool,
    marker: bool,
    depth: usize,
) -> Option<TokenStream> {
    let ShapeKind::Structure(s) = &svc.shape(id).kind else { return None };
    let mut fields = Vec::new();
    for m in &s.members {
        let f = field_ident(m);
        let is_struct = matches!(svc.shape(m.target).kind, ShapeKind::Structure(_));
        let wants_value = m.required || m.sensitive || is_struct;
        let value = if wants_value {
            match sample(svc, m.target, marker || m.sensitive, depth + 1) {
                Some(v) => Some(if m.boxed { quote! { ::std::boxed::Box::new(#v) } } else { v }),
                None if m.required && !is_error => return None,
                None => None,
            }
        } else {
            None
        };
        let value = match value {
            Some(v) if m.required && !is_error => v,
            Some(v) => quote! { ::std::option::Option::Some(#v) },
            None => quote! { ::std::option::Option::None },
        };
        fields.push(quote! { #f: #value, });
    }
    if is_error {
        fields.push(quote! { meta: ::stsgen_runtime::ErrorMetadata::new("Test"), });
    }
    if is_output {
        fields.push(quote! { _request_id: ::std::option::Option::None, });
    }
    Some(quote! { #path { #(#fields)* } })
}

/// The builder literal of a structure: every member set as in [`struct_literal`].
fn builder_literal(svc: &Service, id: ShapeId, path: TokenStream) -> Option<TokenStream> {
    let ShapeKind::Structure(s) = &svc.shape(id).kind else { return None };
    let mut fields = Vec::new();
    for m in s.members.iter().filter(|m| m.sensitive) {
        let f = field_ident(m);
        let v = sample(svc, m.target, true, 1)?;
        fields.push(quote! { #f: ::std::option::Option::Some(#v), });
    }
    Some(quote! { #path { #(#fields)* ..::std::default::Default::default() } })
}

/// The contents of `src/generated_tests.rs`.
pub fn emit_tests(svc: &Service) -> Option<TokenStream> {
    let mut tests = Vec::new();
    let has_sensitive = |id: ShapeId| svc.structure(id).is_some_and(|s| s.members.iter().any(|m| m.sensitive));
    // (test name, value literal, builder literal)
    let mut cases: Vec<(String, Option<TokenStream>, Option<TokenStream>)> = Vec::new();
    for (i, shape) in svc.shapes.iter().enumerate() {
        let id = ShapeId(i);
        if !has_sensitive(id) {
            continue;
        }
        match shape.home {
            Home::Types => {
                let name = format_ident!("{}", shape.rust_name);
                let builder = format_ident!("{}Builder", shape.rust_name);
                cases.push((
                    format!("types_{}", naming::field_name(&shape.wire_name)),
                    struct_literal(svc, id, quote! { crate::types::#name }, false, false, false, 0),
                    builder_literal(svc, id, quote! { crate::types::builders::#builder }),
                ));
            }
            Home::Error => {
                let name = format_ident!("{}", shape.rust_name);
                cases.push((
                    format!("error_{}", naming::field_name(&shape.wire_name)),
                    struct_literal(svc, id, quote! { crate::types::error::#name }, true, false, false, 0),
                    None,
                ));
            }
            _ => {}
        }
    }
    for op in &svc.operations {
        let module = naming::ident(&op.module);
        for (id, suffix, is_output) in
            op.input.map(|i| (i, "Input", false)).into_iter().chain(op.output.map(|o| (o, "Output", true)))
        {
            if !has_sensitive(id) {
                continue;
            }
            let name = format_ident!("{}{}", op.rust_name, suffix);
            let builder = format_ident!("{}{}Builder", op.rust_name, suffix);
            cases.push((
                format!("{}_{}", op.module, suffix.to_lowercase()),
                struct_literal(svc, id, quote! { crate::operation::#module::#name }, false, is_output, false, 0),
                builder_literal(svc, id, quote! { crate::operation::#module::builders::#builder }),
            ));
        }
    }
    for (name, value, builder) in cases {
        let Some(value) = value else { continue };
        let test = format_ident!("debug_redacts_{}", name);
        let builder_check = builder.map(|b| {
            quote! {
                let builder = #b;
                let text = format!("{builder:?}");
                assert!(!text.contains(MARKER), "builder Debug leaks a sensitive member: {text}");
                assert!(text.contains(::stsgen_runtime::sensitive::REDACTED), "{text}");
            }
        });
        tests.push(quote! {
            #[test]
            fn #test() {
                let value = #value;
                let text = format!("{value:?}");
                assert!(!text.contains(MARKER), "Debug leaks a sensitive member: {text}");
                assert!(text.contains(::stsgen_runtime::sensitive::REDACTED), "{text}");
                #builder_check
            }
        });
    }
    if tests.is_empty() {
        return None;
    }
    Some(quote! {
        //! Generated tests: `Debug` of every structure with a sensitive member never shows it.
        #![allow(clippy::redundant_clone, deprecated)]

        const MARKER: &str = #MARKER;

        #(#tests)*
    })
}
