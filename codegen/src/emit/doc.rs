//! Documentation attributes and the Markdown the emitters put in them.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Operation, Service};

/// `#[doc = " line"]` attributes for Markdown text, one per line.
///
/// Empty text still yields one line (`fallback`), so every item is documented.
pub(crate) fn doc_attrs(markdown: &str, fallback: &str) -> TokenStream {
    let text = if markdown.trim().is_empty() {
        fallback
    } else {
        markdown
    };
    let lines = text.trim().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Inner `#![doc = " line"]` attributes (module or crate docs).
pub(crate) fn inner_doc_attrs(markdown: &str, fallback: &str) -> TokenStream {
    let text = if markdown.trim().is_empty() {
        fallback
    } else {
        markdown
    };
    let lines = text.trim().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #![doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Markdown summary of an operation: docs, required inputs, output and errors.
pub(crate) fn operation_docs(svc: &Service, op: &Operation) -> String {
    let mut out = String::new();
    if op.docs.trim().is_empty() {
        out.push_str(&format!("The `{}` operation.", op.wire_name));
    } else {
        out.push_str(op.docs.trim());
    }
    out.push_str("\n\n**Inputs**: ");
    let required: Vec<String> = op
        .input
        .and_then(|i| svc.structure(i))
        .map(|s| {
            s.members
                .iter()
                .filter(|m| m.required)
                .map(|m| format!("`{}`", m.wire_name))
                .collect()
        })
        .unwrap_or_default();
    if required.is_empty() {
        out.push_str("none required.");
    } else {
        out.push_str(&format!("required: {}.", required.join(", ")));
    }
    out.push_str(&format!(
        "\n\n**Returns**: [`{0}Output`](crate::operation::{1}::{0}Output).",
        op.rust_name, op.module
    ));
    let errors: Vec<String> = op
        .error_variants
        .iter()
        .map(|v| format!("`{}`", v.code))
        .collect();
    out.push_str(&format!(
        "\n\n**Errors**: [`{0}Error`](crate::operation::{1}::{0}Error){2}.",
        op.rust_name,
        op.module,
        if errors.is_empty() {
            String::new()
        } else {
            format!(": {}", errors.join(", "))
        }
    ));
    if op.unsigned {
        out.push_str("\n\nThis operation is sent unsigned: it needs no AWS credentials.");
    }
    out
}
