//! What the command line's emitters share: subcommand and option names, the shapes that
//! need writers, and the [`Emitter`] that knows the generated crate's paths.

use std::collections::BTreeSet;

use heck::ToKebabCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{Home, Member, Operation, Service, ShapeId, ShapeKind};
use crate::naming;

/// The kebab-case command-line name of a wire name (`AssumeRoleWithSAML` -> `assume-role-with-saml`).
pub fn cli_name(wire: &str) -> String {
    let spaced: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    spaced.to_kebab_case()
}

/// One input member's option.
pub(super) struct Opt<'a> {
    pub(super) member: &'a Member,
    /// `--kebab-name`.
    pub(super) flag: String,
}

/// The options of an operation's input members: kebab-case names, deduplicated (a clash falls
/// back to the lower-cased wire name; `--help` is never a member option).
pub(super) fn options<'a>(svc: &'a Service, op: &Operation) -> Vec<Opt<'a>> {
    let Some(s) = op.input.and_then(|i| svc.structure(i)) else {
        return Vec::new();
    };
    let mut used: BTreeSet<String> = ["--help".to_owned()].into_iter().collect();
    let mut out = Vec::new();
    for m in &s.members {
        let candidates = [
            format!("--{}", cli_name(&m.wire_name)),
            format!("--{}", m.wire_name.to_ascii_lowercase()),
        ];
        if let Some(flag) = candidates.into_iter().find(|f| !used.contains(f)) {
            used.insert(flag.clone());
            out.push(Opt { member: m, flag });
        }
    }
    out
}

/// Structures reachable from `id` through members, list items and map values.
pub(super) fn collect_structures(svc: &Service, id: ShapeId, out: &mut BTreeSet<ShapeId>) {
    match &svc.shape(id).kind {
        ShapeKind::Structure(s) => {
            if !out.insert(id) {
                return;
            }
            for m in &s.members {
                collect_structures(svc, m.target, out);
            }
        }
        ShapeKind::List(l) => collect_structures(svc, l.member, out),
        ShapeKind::Map(m) => {
            collect_structures(svc, m.key, out);
            collect_structures(svc, m.value, out);
        }
        _ => {}
    }
}

/// Whether a shape is a scalar (one command-line value).
pub(super) fn is_scalar(svc: &Service, id: ShapeId) -> bool {
    !matches!(
        svc.shape(id).kind,
        ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_)
    )
}

pub(super) struct Emitter<'a> {
    pub(super) svc: &'a Service,
    pub(super) krate: &'a Ident,
}

impl Emitter<'_> {
    /// The path of a structure or enum type in the generated crate, as the example names it.
    pub(super) fn type_path(&self, id: ShapeId) -> TokenStream {
        let shape = self.svc.shape(id);
        let krate = self.krate;
        let name = naming::ident(&shape.rust_name);
        match shape.home {
            Home::Error => quote! { #krate::types::error::#name },
            _ => quote! { #krate::types::#name },
        }
    }

    /// An expression of the scalar shape `id`'s Rust type read from `text` (a `&str`; `owned`,
    /// when given, is the same text as a `String`). Uses `?` with an [`Exit::Usage`] naming `label`.
    pub(super) fn scalar(
        &self,
        id: ShapeId,
        text: &TokenStream,
        owned: Option<&TokenStream>,
        label: &TokenStream,
        sensitive: bool,
    ) -> TokenStream {
        let krate = self.krate;
        let shown = if sensitive {
            quote! { ::std::option::Option::None }
        } else {
            quote! { ::std::option::Option::Some(#text) }
        };
        let parse = |f: TokenStream, expected: &str| {
            quote! { ::stsgen_runtime::types::wire::#f.map_err(|_| invalid(#label, #shown, #expected))? }
        };
        match &self.svc.shape(id).kind {
            ShapeKind::String(s) if !s.enum_values.is_empty() => {
                let ty = self.type_path(id);
                match owned {
                    Some(o) => quote! { #ty::from(#o) },
                    None => quote! { #ty::from(#text) },
                }
            }
            ShapeKind::String(_) => match owned {
                Some(o) => quote! { #o },
                None => quote! { ::std::string::String::from(#text) },
            },
            ShapeKind::Integer(_) => parse(quote! { parse_i32(#text) }, "32-bit integer"),
            ShapeKind::Long(_) => parse(quote! { parse_i64(#text) }, "64-bit integer"),
            ShapeKind::Float(_) => parse(quote! { parse_f32(#text) }, "number"),
            ShapeKind::Double(_) => parse(quote! { parse_f64(#text) }, "number"),
            ShapeKind::Boolean => parse(quote! { parse_bool(#text) }, "boolean (true or false)"),
            ShapeKind::Timestamp { .. } => parse(
                quote! { parse_timestamp(#text, ::stsgen_runtime::types::wire::TimestampFormat::DateTime) },
                "timestamp (ISO 8601 such as 2024-01-31T12:00:00Z, or epoch seconds)",
            ),
            ShapeKind::Blob { .. } => match owned {
                Some(o) => quote! { #krate::primitives::Blob::new(#o) },
                None => quote! { #krate::primitives::Blob::new(#text.as_bytes()) },
            },
            ShapeKind::Document => quote! {
                ::stsgen_runtime::json::parse(#text).map_err(|_| invalid(#label, #shown, "JSON document"))?
            },
            ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_) => {
                unreachable!("scalar() is only called for scalar shapes")
            }
        }
    }

    /// A short description of a non-scalar shape for "not supported" messages.
    pub(super) fn what(&self, id: ShapeId) -> &'static str {
        match &self.svc.shape(id).kind {
            ShapeKind::Structure(_) => "a structure",
            ShapeKind::List(_) => "a list",
            ShapeKind::Map(_) => "a map",
            _ => "a value",
        }
    }
}

pub(super) fn shorthand_ident(svc: &Service, id: ShapeId) -> Ident {
    naming::prefixed_ident("shorthand_", &naming::field_name(&svc.shape(id).rust_name))
}

pub(super) fn writer_ident(svc: &Service, id: ShapeId) -> Ident {
    naming::prefixed_ident(
        "write_shape_",
        &naming::field_name(&svc.shape(id).rust_name),
    )
}
