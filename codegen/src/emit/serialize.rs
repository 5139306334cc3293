//! awsQuery request serializers: form parameters for every set member, following the
//! protocol's naming rules (`Parent.Child`, `List.member.N`, flattened `List.N`,
//! `Map.entry.N.key` / `.value`, locationName renames).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::shapes::{field_ident, reachable, rust_type, timestamp_format};
use crate::ir::{Member, Service, ShapeId, ShapeKind, TimestampFormat};
use crate::naming;

/// Name of the shared serializer function for a structure shape.
pub fn ser_fn(svc: &Service, id: ShapeId) -> proc_macro2::Ident {
    format_ident!("ser_{}", naming::field_name(&svc.shape(id).wire_name))
}

/// Structures reachable from operation inputs (each gets a shared serializer).
pub fn input_structures(svc: &Service) -> BTreeSet<ShapeId> {
    reachable(svc, svc.operations.iter().filter_map(|o| o.input))
        .into_iter()
        .filter(|&id| matches!(svc.shape(id).kind, ShapeKind::Structure(_)))
        .collect()
}

/// How a struct member's list value is flattened: not at all, or with its items repeating
/// under a key (an expression of type `&str`).
enum Flat {
    No,
    Under(TokenStream),
}

/// Statements writing value `v` (an expression of type `&T`) of shape `id` at parameter `key`
/// (an expression of type `&str`). `member_flat` is the referencing member's flattening.
fn ser_value(
    svc: &Service,
    id: ShapeId,
    v: TokenStream,
    key: TokenStream,
    member_ts: Option<TimestampFormat>,
    member_flat: Flat,
    depth: usize,
) -> TokenStream {
    let shape = svc.shape(id);
    match &shape.kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            quote! { w.string(#key, #v.as_str()); }
        }
        ShapeKind::String(_) => quote! { w.string(#key, #v); },
        ShapeKind::Boolean => quote! { w.boolean(#key, *#v); },
        ShapeKind::Integer(_) => quote! { w.integer(#key, i64::from(*#v)); },
        ShapeKind::Long(_) => quote! { w.integer(#key, *#v); },
        ShapeKind::Float(_) => quote! { w.float(#key, *#v); },
        ShapeKind::Double(_) => quote! { w.double(#key, *#v); },
        ShapeKind::Blob { .. } => quote! { w.blob(#key, #v.as_bytes()); },
        ShapeKind::Document => quote! { compile_error!("documents are not awsQuery values"); },
        ShapeKind::Timestamp { format } => {
            let fmt = timestamp_format(member_ts.or(*format));
            quote! { w.timestamp(#key, #v, #fmt); }
        }
        ShapeKind::Structure(_) => {
            let f = ser_fn(svc, id);
            quote! { crate::protocol::ser::#f(w, #key, #v); }
        }
        ShapeKind::List(l) => {
            let item = format_ident!("item{}", depth);
            let i = format_ident!("i{}", depth);
            let item_key = format_ident!("item_key{}", depth);
            let key_expr = if let Flat::Under(items_key) = member_flat {
                quote! { format!("{}.{}", #items_key, #i + 1) }
            } else if l.flattened {
                quote! { format!("{}.{}", #key, #i + 1) }
            } else {
                let name = l
                    .member_location_name
                    .clone()
                    .unwrap_or_else(|| "member".to_owned());
                quote! { format!("{}.{}.{}", #key, #name, #i + 1) }
            };
            let inner = ser_value(
                svc,
                l.member,
                quote! { #item },
                quote! { &#item_key },
                None,
                Flat::No,
                depth + 1,
            );
            quote! {
                if #v.is_empty() {
                    w.empty(#key);
                }
                for (#i, #item) in #v.iter().enumerate() {
                    let #item_key = #key_expr;
                    #inner
                }
            }
        }
        ShapeKind::Map(m) => {
            let k = format_ident!("k{}", depth);
            let val = format_ident!("val{}", depth);
            let i = format_ident!("i{}", depth);
            let entry = format_ident!("entry{}", depth);
            let entry_expr = if m.flattened || matches!(member_flat, Flat::Under(_)) {
                quote! { format!("{}.{}", #key, #i + 1) }
            } else {
                quote! { format!("{}.entry.{}", #key, #i + 1) }
            };
            let key_name = m
                .key_location_name
                .clone()
                .unwrap_or_else(|| "key".to_owned());
            let value_name = m
                .value_location_name
                .clone()
                .unwrap_or_else(|| "value".to_owned());
            let kk = format_ident!("key_key{}", depth);
            let vk = format_ident!("value_key{}", depth);
            let ser_k = ser_value(
                svc,
                m.key,
                quote! { #k },
                quote! { &#kk },
                None,
                Flat::No,
                depth + 1,
            );
            let ser_v = ser_value(
                svc,
                m.value,
                quote! { #val },
                quote! { &#vk },
                None,
                Flat::No,
                depth + 1,
            );
            quote! {
                for (#i, (#k, #val)) in #v.iter().enumerate() {
                    let #entry = #entry_expr;
                    let #kk = format!("{}.{}", #entry, #key_name);
                    let #vk = format!("{}.{}", #entry, #value_name);
                    #ser_k
                    #ser_v
                }
            }
        }
    }
}

/// Statements writing every set member of structure `v` (an expression of type `&T`) under `prefix`.
pub fn ser_members(svc: &Service, members: &[Member], v: TokenStream) -> TokenStream {
    let stmts = members.iter().map(|m| {
        let f = field_ident(m);
        let name = m.serialized_name();
        let mut bind_key = quote! { let key = ::stsgen_runtime::protocol::aws_query::join(prefix, #name); };
        // A flattened list's items repeat under the member's name, or under the list member's
        // when the IR decided so (an empty list is still written under the member's name).
        let flat = match &m.flattened_item_name {
            Some(item) => {
                bind_key.extend(quote! { let items_key = ::stsgen_runtime::protocol::aws_query::join(prefix, #item); });
                Flat::Under(quote! { &items_key })
            }
            None if m.flattened => Flat::Under(quote! { &key }),
            None => Flat::No,
        };
        // A boxed member is `&Box<T>`: deref coercion makes it the `&T` the serializer takes.
        let value_ref = quote! { value };
        let write = ser_value(svc, m.target, value_ref, quote! { &key }, m.timestamp_format, flat, 0);
        if m.required {
            quote! {
                {
                    #bind_key
                    let value = &#v.#f;
                    #write
                }
            }
        } else if m.idempotency_token {
            quote! {
                {
                    #bind_key
                    match &#v.#f {
                        ::std::option::Option::Some(value) => { #write }
                        ::std::option::Option::None => w.string(&key, &::stsgen_runtime::idempotency::token()),
                    }
                }
            }
        } else {
            quote! {
                if let ::std::option::Option::Some(value) = &#v.#f {
                    #bind_key
                    #write
                }
            }
        }
    });
    quote! { #(#stmts)* }
}

/// The `src/protocol/ser.rs` module: one serializer per structure reachable from an input.
pub fn module(svc: &Service) -> TokenStream {
    let fns = input_structures(svc).into_iter().filter_map(|id| {
        let shape = svc.shape(id);
        let ShapeKind::Structure(s) = &shape.kind else { return None };
        if svc.operations.iter().any(|o| o.input == Some(id)) && shape.home != crate::ir::Home::Types {
            return None; // operation inputs are serialized in their operation module
        }
        let f = ser_fn(svc, id);
        let ty = rust_type(svc, id);
        let body = ser_members(svc, &s.members, quote! { v });
        let doc = format!(" Writes a `{}` under `prefix`.", shape.wire_name);
        Some(quote! {
            #[doc = #doc]
            pub(crate) fn #f(w: &mut ::stsgen_runtime::protocol::aws_query::QueryWriter, prefix: &str, v: &#ty) {
                #body
            }
        })
    });
    quote! {
        //! awsQuery serializers for structures shared between operations.
        #![allow(unused_variables, clippy::needless_borrow)]
        #(#fns)*
    }
}
