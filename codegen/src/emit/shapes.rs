//! Shared helpers: Rust types of shapes, member docs, and deprecation attributes.

use proc_macro2::TokenStream;
use quote::quote;

use std::collections::BTreeSet;

use crate::ir::{Deprecation, Home, Member, Service, ShapeId, ShapeKind, TimestampFormat};
use crate::naming;

/// The Rust type of a value of shape `id` (fully qualified, so shape names never clash with std).
pub fn rust_type(svc: &Service, id: ShapeId) -> TokenStream {
    let shape = svc.shape(id);
    match &shape.kind {
        ShapeKind::Structure(_) => {
            let name = naming::ident(&shape.rust_name);
            match shape.home {
                Home::Error => quote! { crate::types::error::#name },
                _ => quote! { crate::types::#name },
            }
        }
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            let name = naming::ident(&shape.rust_name);
            quote! { crate::types::#name }
        }
        ShapeKind::String(_) => quote! { ::std::string::String },
        ShapeKind::Integer(_) => quote! { i32 },
        ShapeKind::Long(_) => quote! { i64 },
        ShapeKind::Float(_) => quote! { f32 },
        ShapeKind::Double(_) => quote! { f64 },
        ShapeKind::Boolean => quote! { bool },
        ShapeKind::Timestamp { .. } => quote! { ::stsgen_runtime::DateTime },
        ShapeKind::Blob { .. } => quote! { ::stsgen_runtime::Blob },
        ShapeKind::Document => quote! { ::stsgen_runtime::json::JsonValue },
        ShapeKind::List(l) => {
            let item = rust_type(svc, l.member);
            quote! { ::std::vec::Vec<#item> }
        }
        ShapeKind::Map(m) => {
            let k = rust_type(svc, m.key);
            let v = rust_type(svc, m.value);
            quote! { ::std::collections::BTreeMap<#k, #v> }
        }
    }
}

/// The type of a member's field in its structure: `Option<T>` unless required, boxed when recursive.
pub fn field_type(svc: &Service, member: &Member) -> TokenStream {
    let mut ty = rust_type(svc, member.target);
    if member.boxed {
        ty = quote! { ::std::boxed::Box<#ty> };
    }
    if member.required {
        ty
    } else {
        quote! { ::std::option::Option<#ty> }
    }
}

/// Whether values of this shape are `Copy` (returned by value from getters).
pub fn is_copy(svc: &Service, id: ShapeId) -> bool {
    matches!(
        svc.shape(id).kind,
        ShapeKind::Integer(_)
            | ShapeKind::Long(_)
            | ShapeKind::Float(_)
            | ShapeKind::Double(_)
            | ShapeKind::Boolean
            | ShapeKind::Timestamp { .. }
    )
}

/// Markdown docs for a member: its own docs, else its target's, plus constraint notes.
pub fn member_docs(svc: &Service, member: &Member) -> String {
    let target = svc.shape(member.target);
    let mut docs = if !member.docs.trim().is_empty() {
        member.docs.clone()
    } else if !target.docs.trim().is_empty() && target.home == Home::Inline {
        target.docs.clone()
    } else {
        format!("The `{}` member.", member.wire_name)
    };
    let mut notes = Vec::new();
    if member.required {
        notes.push("Required.".to_owned());
    }
    if member.sensitive {
        notes.push("Sensitive: redacted in `Debug` output.".to_owned());
    }
    if let ShapeKind::String(s) = &target.kind {
        if let Some(p) = &s.unchecked_pattern {
            notes.push(format!(
                "The model's pattern `{}` is not checked client-side (unsupported regex syntax).",
                p.replace('`', "'")
            ));
        }
    }
    if !notes.is_empty() {
        docs.push_str("\n\n");
        docs.push_str(&notes.join(" "));
    }
    docs
}

/// `#[deprecated]` for a deprecation note.
pub fn deprecated_attr(dep: &Option<Deprecation>) -> TokenStream {
    match dep {
        None => quote! {},
        Some(d) => {
            let note = match (&d.message, &d.since) {
                (Some(m), Some(s)) => format!("{m} (since {s})"),
                (Some(m), None) => m.clone(),
                (None, Some(s)) => format!("deprecated since {s}"),
                (None, None) => String::new(),
            };
            if note.is_empty() {
                quote! { #[deprecated] }
            } else {
                quote! { #[deprecated(note = #note)] }
            }
        }
    }
}

/// The field identifier of a member.
pub fn field_ident(member: &Member) -> proc_macro2::Ident {
    naming::ident(&member.rust_name)
}

/// The runtime's wire format for a modeled timestamp format (awsQuery's default is ISO 8601).
pub fn timestamp_format(fmt: Option<TimestampFormat>) -> TokenStream {
    match fmt {
        Some(TimestampFormat::UnixTimestamp) => {
            quote! { ::stsgen_runtime::types::wire::TimestampFormat::EpochSeconds }
        }
        Some(TimestampFormat::Rfc822) => {
            quote! { ::stsgen_runtime::types::wire::TimestampFormat::HttpDate }
        }
        Some(TimestampFormat::Iso8601) | None => {
            quote! { ::stsgen_runtime::types::wire::TimestampFormat::DateTime }
        }
    }
}

/// Every shape reachable from `roots` through structure members, list items and map keys/values.
pub fn reachable(svc: &Service, roots: impl IntoIterator<Item = ShapeId>) -> BTreeSet<ShapeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<ShapeId> = roots.into_iter().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        match &svc.shape(id).kind {
            ShapeKind::Structure(s) => stack.extend(s.members.iter().map(|m| m.target)),
            ShapeKind::List(l) => stack.push(l.member),
            ShapeKind::Map(m) => {
                stack.push(m.key);
                stack.push(m.value);
            }
            _ => {}
        }
    }
    seen
}
