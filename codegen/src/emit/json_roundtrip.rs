//! Round-trip property tests for awsJson crates (`src/roundtrip_tests.rs`, `#[cfg(test)]`), the
//! counterpart of [`crate::emit::roundtrip`]'s awsQuery ones.
//!
//! For every operation, a property test generates output values (with the same strategies as
//! the awsQuery tests: the `arb_<shape>` functions, recursion bounded by depth, enums with known
//! and unknown values, floats without NaN, whole-millisecond timestamps), writes each as a JSON
//! response body with a test-only writer, parses it with the operation's `parse_output` and
//! checks it gets the same value back.
//!
//! The test writer (`write_<shape>(w, value)` per structure, list and map reachable from an
//! output) writes exactly what the generated deserializer reads, independently of the generated
//! serializer: member keys (`jsonName`, else `locationName`, else the member name), timestamps
//! in the member's or shape's format (epoch seconds by default), blobs base64, floats as
//! shortest decimals or the strings `"Infinity"` and `"-Infinity"`, enum map keys by their
//! value, documents as they are. Unset optional members are left out. A change to
//! [`crate::emit::aws_json`]'s readers that is not mirrored here fails these tests.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::roundtrip::{
    arb_fn, common_helpers, is_composite, reachable, strategy, struct_strategy_body,
};
use crate::emit::shapes::{field_ident, rust_type, timestamp_format};
use crate::ir::{Home, Member, Service, ShapeId, ShapeKind, TimestampFormat};
use crate::naming;

fn write_fn(svc: &Service, id: ShapeId) -> Ident {
    format_ident!("write_{}", naming::field_name(&svc.shape(id).wire_name))
}

/// The wire format of a timestamp of shape `id` under a member with format `member_ts`.
fn ts_format(svc: &Service, id: ShapeId, member_ts: Option<TimestampFormat>) -> TokenStream {
    let shape_ts = match &svc.shape(id).kind {
        ShapeKind::Timestamp { format } => *format,
        _ => None,
    };
    timestamp_format(Some(
        member_ts
            .or(shape_ts)
            .unwrap_or(svc.protocol.default_timestamp_format()),
    ))
}

/// Whether timestamps of shape `id` under a member with format `member_ts` carry whole seconds
/// only on the wire (HTTP dates).
fn whole_seconds(svc: &Service, id: ShapeId, member_ts: Option<TimestampFormat>) -> bool {
    let shape_ts = match &svc.shape(id).kind {
        ShapeKind::Timestamp { format } => *format,
        _ => None,
    };
    member_ts.or(shape_ts) == Some(TimestampFormat::Rfc822)
}

/// A strategy for a member's value: like [`strategy`], but HTTP-date timestamps get whole seconds
/// wherever their format comes from.
pub(super) fn value_strategy(
    svc: &Service,
    id: ShapeId,
    member_ts: Option<TimestampFormat>,
) -> TokenStream {
    if matches!(svc.shape(id).kind, ShapeKind::Timestamp { .. }) {
        let whole = whole_seconds(svc, id, member_ts);
        return quote! { arb_timestamp(#whole) };
    }
    strategy(svc, id, member_ts, 0)
}

/// Statements writing `v` (an expression of type `&T`) of shape `id` to `w`.
pub(super) fn write_value(
    svc: &Service,
    id: ShapeId,
    v: TokenStream,
    member_ts: Option<TimestampFormat>,
) -> TokenStream {
    let rt = quote! { ::stsgen_runtime::protocol::aws_json };
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => quote! { w.string(#v.as_str()); },
        ShapeKind::String(_) => quote! { w.string(#v); },
        ShapeKind::Boolean => quote! { w.boolean(*#v); },
        ShapeKind::Integer(_) => quote! { w.integer(i64::from(*#v)); },
        ShapeKind::Long(_) => quote! { w.integer(*#v); },
        ShapeKind::Float(_) => quote! { #rt::write_f32(w, *#v); },
        ShapeKind::Double(_) => quote! { #rt::write_f64(w, *#v); },
        ShapeKind::Blob { .. } => quote! { w.blob(#v.as_bytes()); },
        ShapeKind::Timestamp { .. } => {
            let fmt = ts_format(svc, id, member_ts);
            quote! { #rt::write_timestamp(w, #v, #fmt); }
        }
        ShapeKind::Document => quote! { #v.write(w); },
        ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_) => {
            let f = write_fn(svc, id);
            quote! { #f(w, #v); }
        }
    }
}

/// The strategy and writer of one structure, list or map.
pub(super) fn shape_fns(svc: &Service, id: ShapeId) -> TokenStream {
    let arb = arb_fn(svc, id);
    let write = write_fn(svc, id);
    let ty = rust_type(svc, id);
    match &svc.shape(id).kind {
        ShapeKind::Structure(s) => {
            let body = struct_strategy_body(svc, id, &ty, Vec::new());
            let uses_depth = s.members.iter().any(|m| is_composite(svc, m.target));
            let depth = if uses_depth {
                quote! { depth }
            } else {
                quote! { _depth }
            };
            let writer = struct_writer_body(svc, id, &|_| true);
            let v = if s.members.is_empty() {
                quote! { _v }
            } else {
                quote! { v }
            };
            quote! {
                fn #arb(#depth: u32) -> BoxedStrategy<#ty> {
                    #body
                }

                fn #write(w: &mut ::stsgen_runtime::json::JsonWriter, #v: &#ty) {
                    w.begin_object();
                    #writer
                    w.end_object();
                }
            }
        }
        ShapeKind::List(l) => {
            let item = value_strategy(svc, l.member, None);
            let write_item = write_value(svc, l.member, quote! { item }, None);
            quote! {
                fn #arb(depth: u32, min_len: usize) -> BoxedStrategy<#ty> {
                    if depth == 0 && min_len == 0 {
                        return Just(::std::vec::Vec::new()).boxed();
                    }
                    let max_len = if depth == 0 { min_len } else { min_len.max(2) };
                    ::proptest::collection::vec(#item, min_len..=max_len).boxed()
                }

                fn #write(w: &mut ::stsgen_runtime::json::JsonWriter, v: &#ty) {
                    w.begin_array();
                    for item in v {
                        #write_item
                    }
                    w.end_array();
                }
            }
        }
        ShapeKind::Map(m) => {
            let key = value_strategy(svc, m.key, None);
            let value = value_strategy(svc, m.value, None);
            let key_text = if svc.is_enum(m.key) {
                quote! { k.as_str() }
            } else {
                quote! { k }
            };
            let write_value = write_value(svc, m.value, quote! { v }, None);
            quote! {
                fn #arb(depth: u32, min_len: usize) -> BoxedStrategy<#ty> {
                    if depth == 0 && min_len == 0 {
                        return Just(::std::collections::BTreeMap::new()).boxed();
                    }
                    let max_len = if depth == 0 { min_len } else { min_len.max(2) };
                    ::proptest::collection::btree_map(#key, #value, min_len..=max_len).boxed()
                }

                fn #write(w: &mut ::stsgen_runtime::json::JsonWriter, v: &#ty) {
                    w.begin_object();
                    for (k, v) in v {
                        w.key(#key_text);
                        #write_value
                    }
                    w.end_object();
                }
            }
        }
        _ => quote! {},
    }
}

/// Statements writing the members of structure `v` (in scope, `&T`) that `keep` selects as
/// object members (restJson bodies hold only the members without another location).
pub(super) fn struct_writer_body(
    svc: &Service,
    id: ShapeId,
    keep: &dyn Fn(&Member) -> bool,
) -> TokenStream {
    let Some(s) = svc.structure(id) else {
        return quote! { compile_error!("not a structure") };
    };
    let lenient = svc.shape(id).home == Home::Error;
    let members = s.members.iter().filter(|m| keep(m)).map(|m| {
        let f = field_ident(m);
        let key = m.json_key();
        let write = write_value(svc, m.target, quote! { x }, m.timestamp_format);
        if m.required && !lenient {
            quote! { { let x = &v.#f; w.key(#key); #write } }
        } else {
            quote! { if let ::std::option::Option::Some(x) = &v.#f { w.key(#key); #write } }
        }
    });
    quote! { #(#members)* }
}

/// Strategy, writer and test of one operation's output.
fn operation_fns(svc: &Service, op: &crate::ir::Operation) -> (TokenStream, TokenStream) {
    let module = naming::ident(&op.module);
    let output = naming::suffixed_ident(&op.rust_name, "Output");
    let path = quote! { crate::operation::#module::#output };
    let arb = format_ident!("op_arb_{}", op.module);
    let write = format_ident!("op_write_{}", op.module);
    let test = format_ident!("{}_output_round_trips", op.module);
    // `parse_output` reads the body only; the request id comes from a header.
    let request_id = (
        format_ident!("_request_id"),
        quote! { Just(::std::option::Option::None).boxed() },
    );
    let (strategy_body, writer, uses_depth) = match op.output {
        Some(id) => (
            struct_strategy_body(svc, id, &path, vec![request_id]),
            struct_writer_body(svc, id, &|_| true),
            svc.structure(id)
                .is_some_and(|s| s.members.iter().any(|m| is_composite(svc, m.target))),
        ),
        None => {
            let (f, s) = request_id;
            (
                quote! { #s.prop_map(|x0| #path { #f: x0 }).boxed() },
                quote! {},
                false,
            )
        }
    };
    let depth = uses_depth.then(|| quote! { let depth = MAX_DEPTH; });
    let v = if op
        .output
        .and_then(|id| svc.structure(id))
        .is_some_and(|s| !s.members.is_empty())
    {
        quote! { v }
    } else {
        quote! { _v }
    };
    let fns = quote! {
        fn #arb() -> BoxedStrategy<#path> {
            #depth
            #strategy_body
        }

        fn #write(#v: &#path) -> ::std::string::String {
            let w = &mut ::stsgen_runtime::json::JsonWriter::compact();
            w.begin_object();
            #writer
            w.end_object();
            ::std::mem::replace(w, ::stsgen_runtime::json::JsonWriter::compact()).finish()
        }
    };
    let prop = quote! {
        #[test]
        fn #test() {
            round_trip(#arb(), #write, crate::operation::#module::parse_output);
        }
    };
    (fns, prop)
}

/// The contents of an awsJson crate's `src/roundtrip_tests.rs`, or `None` without operations.
pub fn emit_roundtrip(svc: &Service) -> Option<TokenStream> {
    if svc.operations.is_empty() {
        return None;
    }
    let shape_fns = reachable(svc).into_iter().map(|id| shape_fns(svc, id));
    let (op_fns, props): (Vec<_>, Vec<_>) = svc
        .operations
        .iter()
        .map(|op| operation_fns(svc, op))
        .unzip();
    let common = common_helpers();
    let document = arb_document_fn();
    let round_trip = super::roundtrip::body_round_trip_fn();
    Some(quote! {
        //! Generated round-trip properties: for every operation, output values written as an
        //! awsJson response body by a test-only JSON writer parse back to the same value.
        #![allow(dead_code, unused_imports, clippy::redundant_clone, clippy::needless_borrow, deprecated)]

        #common

        #document

        #(#shape_fns)*

        #(#op_fns)*

        #round_trip

        #(#props)*
    })
}

/// `arb_document()`: the strategy of document values, shared with the restJson round trips.
pub(super) fn arb_document_fn() -> TokenStream {
    quote! {
        /// A small document: strings, booleans, integers, and arrays and objects of them (never
        /// `null` at the top, which reads as an unset member).
        fn arb_document() -> BoxedStrategy<::stsgen_runtime::json::JsonValue> {
            use ::stsgen_runtime::json::JsonValue;
            let leaf = prop_oneof![
                arb_string().prop_map(JsonValue::String),
                any::<bool>().prop_map(JsonValue::Bool),
                any::<i64>().prop_map(|n| JsonValue::Number(n.to_string())),
            ];
            leaf.prop_recursive(2, 8, 3, |inner| {
                prop_oneof![
                    ::proptest::collection::vec(inner.clone(), 0..3).prop_map(JsonValue::Array),
                    ::proptest::collection::vec(("[a-zA-Z]{1,4}", inner), 0..3).prop_map(|members| {
                        // Object keys are unique, as the parser requires.
                        let mut seen = ::std::collections::BTreeSet::new();
                        JsonValue::Object(members.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect())
                    }),
                ]
            })
            .boxed()
        }
    }
}
