//! Round-trip property tests emitted into the generated crate (`src/roundtrip_tests.rs`,
//! `#[cfg(test)]`, using `proptest`).
//!
//! For every operation, a property test (a `#[test]` driving proptest's `TestRunner`, which
//! shrinks failures like `proptest!` does but keeps the generated code formattable) generates
//! output values, writes them as an awsQuery response with a test-only XML writer, parses the
//! body with the operation's `parse_output` and checks it gets the same value back (request id
//! included).
//!
//! The module has, for every structure, list and map reachable from an operation output:
//! - `arb_<shape>(depth)`: a `proptest` strategy. `depth` bounds nesting (recursive shapes
//!   stop at optional members and empty collections); lists and maps hold at most two items.
//! - `write_<shape>(out, name, value)`: writes the value as element `name`, in exactly the
//!   layout the generated deserializer reads: member element names (`locationName`), wrapped
//!   lists (`member` or the list's `locationName`), flattened lists and maps, `entry`/`key`/
//!   `value` maps (with their `locationName`s), XML attributes, timestamps in the member's
//!   format, base64 blobs, and escaped text.
//!
//! Scalars are generated inline: strings from a printable set with XML-special and non-ASCII
//! characters, enums with known and unknown values, timestamps with whole milliseconds (whole
//! seconds for `rfc822`) between 1970 and 2100, floats without NaN (values are compared with
//! `PartialEq`), any integer, bytes for blobs.
//!
//! The test writer mirrors the parser's choices in [`crate::emit::deserialize`]; a change there
//! that is not mirrored here fails these tests.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::shapes::{self, field_ident, rust_type, timestamp_format};
use crate::ir::{Home, Member, Service, ShapeId, ShapeKind, TimestampFormat};
use crate::naming;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
pub const DEFAULT_CASES: u32 = 64;

/// Nesting budget for structures, lists and maps below an operation output.
const MAX_DEPTH: u32 = 5;

/// Proptest tuples go up to 12 elements; group members by this many.
const TUPLE_CHUNK: usize = 10;

pub(super) fn arb_fn(svc: &Service, id: ShapeId) -> Ident {
    format_ident!("arb_{}", naming::field_name(&svc.shape(id).wire_name))
}

fn write_fn(svc: &Service, id: ShapeId) -> Ident {
    format_ident!("write_{}", naming::field_name(&svc.shape(id).wire_name))
}

pub(super) fn is_composite(svc: &Service, id: ShapeId) -> bool {
    matches!(
        svc.shape(id).kind,
        ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_)
    )
}

/// Structures, lists and maps reachable from the members of operation outputs.
pub(super) fn reachable(svc: &Service) -> BTreeSet<ShapeId> {
    let roots = svc
        .operations
        .iter()
        .filter_map(|o| o.output.and_then(|id| svc.structure(id)))
        .flat_map(|s| s.members.iter().map(|m| m.target));
    shapes::reachable(svc, roots)
        .into_iter()
        .filter(|&id| is_composite(svc, id))
        .collect()
}

/// The effective timestamp format of a value of `id` read with the member's format `member_ts`
/// (as the deserializer resolves it).
fn effective_ts(
    svc: &Service,
    id: ShapeId,
    member_ts: Option<TimestampFormat>,
) -> Option<TimestampFormat> {
    match &svc.shape(id).kind {
        ShapeKind::Timestamp { format } => member_ts.or(*format),
        _ => None,
    }
}

/// A strategy expression (of type `BoxedStrategy<T>`) for a value of shape `id`; composite
/// shapes use the `depth` in scope, minus one, and `min_len` for lists and maps.
pub(super) fn strategy(
    svc: &Service,
    id: ShapeId,
    member_ts: Option<TimestampFormat>,
    min_len: usize,
) -> TokenStream {
    match &svc.shape(id).kind {
        ShapeKind::Structure(_) => {
            let f = arb_fn(svc, id);
            quote! { #f(depth.saturating_sub(1)) }
        }
        ShapeKind::List(_) | ShapeKind::Map(_) => {
            let f = arb_fn(svc, id);
            quote! { #f(depth.saturating_sub(1), #min_len) }
        }
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            let ty = rust_type(svc, id);
            quote! { arb_enum_text(#ty::VALUES).prop_map(#ty::from).boxed() }
        }
        ShapeKind::String(_) => quote! { arb_string() },
        ShapeKind::Integer(_) => quote! { any::<i32>().boxed() },
        ShapeKind::Long(_) => quote! { any::<i64>().boxed() },
        ShapeKind::Float(_) => quote! { arb_f32() },
        ShapeKind::Double(_) => quote! { arb_f64() },
        ShapeKind::Boolean => quote! { any::<bool>().boxed() },
        ShapeKind::Timestamp { .. } => {
            let whole_seconds = effective_ts(svc, id, member_ts) == Some(TimestampFormat::Rfc822);
            quote! { arb_timestamp(#whole_seconds) }
        }
        ShapeKind::Blob { .. } => quote! { arb_blob() },
        // Only the awsJson module defines it (awsQuery has no documents).
        ShapeKind::Document => quote! { arb_document() },
    }
}

/// The wire text of a scalar `v` (an expression of type `&T`), as an expression of type `&str`.
fn scalar_text(
    svc: &Service,
    id: ShapeId,
    v: &TokenStream,
    member_ts: Option<TimestampFormat>,
) -> TokenStream {
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => quote! { #v.as_str() },
        ShapeKind::String(_) => quote! { #v.as_str() },
        ShapeKind::Integer(_) | ShapeKind::Long(_) => quote! { &#v.to_string() },
        ShapeKind::Float(_) => quote! { &::stsgen_runtime::types::wire::format_f32(*#v) },
        ShapeKind::Double(_) => quote! { &::stsgen_runtime::types::wire::format_f64(*#v) },
        ShapeKind::Boolean => quote! { if *#v { "true" } else { "false" } },
        ShapeKind::Timestamp { .. } => {
            let fmt = timestamp_format(effective_ts(svc, id, member_ts));
            quote! { &::stsgen_runtime::types::wire::format_timestamp(#v, #fmt) }
        }
        ShapeKind::Blob { .. } => {
            quote! { &::stsgen_runtime::types::wire::encode_base64(#v.as_bytes()) }
        }
        _ => quote! { compile_error!("not a scalar") },
    }
}

/// Statements writing `v` (an expression of type `&T`) as element `name` (an expression of type `&str`).
fn write_value(
    svc: &Service,
    id: ShapeId,
    name: TokenStream,
    v: TokenStream,
    member_ts: Option<TimestampFormat>,
) -> TokenStream {
    if is_composite(svc, id) {
        let f = write_fn(svc, id);
        quote! { #f(out, #name, #v); }
    } else {
        let text = scalar_text(svc, id, &v, member_ts);
        quote! { leaf(out, #name, #text); }
    }
}

/// `(strategy, pattern)` pairs grouped into nested tuples of at most [`TUPLE_CHUNK`]
/// (proptest implements `Strategy` for tuples of up to 12), with the matching pattern.
fn nest(mut items: Vec<(TokenStream, TokenStream)>) -> (TokenStream, TokenStream) {
    if items.len() == 1 {
        return items.remove(0);
    }
    if items.len() <= TUPLE_CHUNK {
        let (ss, ps): (Vec<_>, Vec<_>) = items.into_iter().unzip();
        return (quote! { (#(#ss,)*) }, quote! { (#(#ps,)*) });
    }
    let mut groups = Vec::new();
    while !items.is_empty() {
        let rest = items.split_off(items.len().min(TUPLE_CHUNK));
        groups.push(nest(std::mem::replace(&mut items, rest)));
    }
    nest(groups)
}

/// A struct member's value as the deserializer reads it: flattened lists and maps repeat and
/// so must not be empty.
fn member_is_flattened(svc: &Service, m: &Member) -> bool {
    match &svc.shape(m.target).kind {
        ShapeKind::List(l) => l.flattened || m.flattened,
        ShapeKind::Map(mp) => mp.flattened || m.flattened,
        _ => false,
    }
}

/// The strategy for one member's field (`BoxedStrategy<FieldType>`).
fn member_strategy(svc: &Service, m: &Member, optional: bool) -> TokenStream {
    let min_len = usize::from(member_is_flattened(svc, m));
    let mut inner = strategy(svc, m.target, m.timestamp_format, min_len);
    if m.boxed {
        inner = quote! { #inner.prop_map(::std::boxed::Box::new).boxed() };
    }
    match (optional, is_composite(svc, m.target)) {
        (false, _) => inner,
        (true, false) => quote! { ::proptest::option::of(#inner).boxed() },
        (true, true) => quote! {
            if depth == 0 { Just(::std::option::Option::None).boxed() } else { ::proptest::option::of(#inner).boxed() }
        },
    }
}

/// A function body returning `BoxedStrategy<path>` for the structure `id`: every member, plus
/// the `extra` fields (name, strategy) such as an output's request id.
pub(super) fn struct_strategy_body(
    svc: &Service,
    id: ShapeId,
    path: &TokenStream,
    extra: Vec<(Ident, TokenStream)>,
) -> TokenStream {
    struct_strategy_body_with(svc, id, path, extra, &|_, _| None)
}

/// [`struct_strategy_body`] with some members' field strategies chosen by `field` (given the
/// member and whether its field is an `Option`), such as restJson members bound to headers.
pub(super) fn struct_strategy_body_with(
    svc: &Service,
    id: ShapeId,
    path: &TokenStream,
    extra: Vec<(Ident, TokenStream)>,
    field: &dyn Fn(&Member, bool) -> Option<TokenStream>,
) -> TokenStream {
    let Some(s) = svc.structure(id) else {
        return quote! { compile_error!("not a structure") };
    };
    let lenient = svc.shape(id).home == Home::Error;
    let mut items = Vec::new();
    let mut fields = Vec::new();
    for (i, m) in s.members.iter().enumerate() {
        let f = field_ident(m);
        let b = format_ident!("m{}", i);
        let optional = lenient || !m.required;
        let strategy = field(m, optional).unwrap_or_else(|| member_strategy(svc, m, optional));
        items.push((strategy, quote! { #b }));
        fields.push(quote! { #f: #b });
    }
    for (i, (f, strat)) in extra.into_iter().enumerate() {
        let b = format_ident!("x{}", i);
        items.push((strat, quote! { #b }));
        fields.push(quote! { #f: #b });
    }
    if lenient {
        fields.push(quote! { meta: ::stsgen_runtime::ErrorMetadata::default() });
    }
    if items.is_empty() {
        return quote! { Just(#path { #(#fields),* }).boxed() };
    }
    let (strategies, pattern) = nest(items);
    quote! {
        #strategies.prop_map(|#pattern| #path { #(#fields),* }).boxed()
    }
}

/// Statements writing the attributes and child elements of structure `id` from `v`, between
/// the already-written `<name` and the closing tag.
fn struct_writer_body(svc: &Service, id: ShapeId) -> TokenStream {
    let Some(s) = svc.structure(id) else {
        return quote! { compile_error!("not a structure") };
    };
    let lenient = svc.shape(id).home == Home::Error;
    let attrs = s.members.iter().filter(|m| m.xml_attribute).map(|m| {
        let f = field_ident(m);
        let name = m.serialized_name();
        let text = scalar_text(svc, m.target, &quote! { x }, m.timestamp_format);
        if m.required && !lenient {
            quote! { { let x = &v.#f; attribute(out, #name, #text); } }
        } else {
            quote! { if let ::std::option::Option::Some(x) = &v.#f { attribute(out, #name, #text); } }
        }
    });
    let children = s.members.iter().filter(|m| !m.xml_attribute).map(|m| {
        let f = field_ident(m);
        let name = m.serialized_name();
        let body = match &svc.shape(m.target).kind {
            ShapeKind::List(l) if l.flattened || m.flattened => {
                let item_name = m.item_name();
                let item = write_value(svc, l.member, quote! { #item_name }, quote! { item }, None);
                quote! { for item in x { #item } }
            }
            ShapeKind::Map(mp) if mp.flattened || m.flattened => {
                let entry = map_entry(svc, m.target);
                quote! { for (k, v) in x { open(out, #name); #entry close(out, #name); } }
            }
            _ => write_value(
                svc,
                m.target,
                quote! { #name },
                quote! { x },
                m.timestamp_format,
            ),
        };
        if m.required && !lenient {
            quote! { { let x = &v.#f; #body } }
        } else {
            quote! { if let ::std::option::Option::Some(x) = &v.#f { #body } }
        }
    });
    quote! {
        #(#attrs)*
        out.push('>');
        #(#children)*
    }
}

/// Statements writing the key and value elements of one map entry (`k`, `v` in scope).
fn map_entry(svc: &Service, id: ShapeId) -> TokenStream {
    let ShapeKind::Map(m) = &svc.shape(id).kind else {
        return quote! { compile_error!("not a map") };
    };
    let key_name = m
        .key_location_name
        .clone()
        .unwrap_or_else(|| "key".to_owned());
    let value_name = m
        .value_location_name
        .clone()
        .unwrap_or_else(|| "value".to_owned());
    let k = write_value(svc, m.key, quote! { #key_name }, quote! { k }, None);
    let v = write_value(svc, m.value, quote! { #value_name }, quote! { v }, None);
    quote! { #k #v }
}

/// The strategy and writer functions of one reachable composite shape.
fn shape_fns(svc: &Service, id: ShapeId) -> TokenStream {
    let shape = svc.shape(id);
    let arb = arb_fn(svc, id);
    let write = write_fn(svc, id);
    let ty = rust_type(svc, id);
    match &shape.kind {
        ShapeKind::Structure(s) => {
            let body = struct_strategy_body(svc, id, &ty, Vec::new());
            let uses_depth = s.members.iter().any(|m| is_composite(svc, m.target));
            let depth = if uses_depth {
                quote! { depth }
            } else {
                quote! { _depth }
            };
            let writer = struct_writer_body(svc, id);
            let v = if s.members.is_empty() {
                quote! { _v }
            } else {
                quote! { v }
            };
            quote! {
                fn #arb(#depth: u32) -> BoxedStrategy<#ty> {
                    #body
                }

                fn #write(out: &mut ::std::string::String, name: &str, #v: &#ty) {
                    out.push('<');
                    out.push_str(name);
                    #writer
                    close(out, name);
                }
            }
        }
        ShapeKind::List(l) => {
            let item = strategy(svc, l.member, None, 0);
            let item_name = l
                .member_location_name
                .clone()
                .unwrap_or_else(|| "member".to_owned());
            let write_item =
                write_value(svc, l.member, quote! { #item_name }, quote! { item }, None);
            quote! {
                fn #arb(depth: u32, min_len: usize) -> BoxedStrategy<#ty> {
                    if depth == 0 && min_len == 0 {
                        return Just(::std::vec::Vec::new()).boxed();
                    }
                    let max_len = if depth == 0 { min_len } else { min_len.max(2) };
                    ::proptest::collection::vec(#item, min_len..=max_len).boxed()
                }

                fn #write(out: &mut ::std::string::String, name: &str, v: &#ty) {
                    open(out, name);
                    for item in v {
                        #write_item
                    }
                    close(out, name);
                }
            }
        }
        ShapeKind::Map(m) => {
            let key = strategy(svc, m.key, None, 0);
            let value = strategy(svc, m.value, None, 0);
            let entry = map_entry(svc, id);
            quote! {
                fn #arb(depth: u32, min_len: usize) -> BoxedStrategy<#ty> {
                    if depth == 0 && min_len == 0 {
                        return Just(::std::collections::BTreeMap::new()).boxed();
                    }
                    let max_len = if depth == 0 { min_len } else { min_len.max(2) };
                    ::proptest::collection::btree_map(#key, #value, min_len..=max_len).boxed()
                }

                fn #write(out: &mut ::std::string::String, name: &str, v: &#ty) {
                    open(out, name);
                    for (k, v) in v {
                        open(out, "entry");
                        #entry
                        close(out, "entry");
                    }
                    close(out, name);
                }
            }
        }
        _ => quote! {},
    }
}

/// Strategy, writer and test of one operation's output.
fn operation_fns(svc: &Service, op: &crate::ir::Operation) -> (TokenStream, TokenStream) {
    let module = naming::ident(&op.module);
    let output = naming::suffixed_ident(&op.rust_name, "Output");
    let path = quote! { crate::operation::#module::#output };
    let arb = format_ident!("op_arb_{}", op.module);
    let write = format_ident!("op_write_{}", op.module);
    let test = format_ident!("{}_output_round_trips", op.module);
    let wrapper = op
        .result_wrapper
        .clone()
        .unwrap_or_else(|| format!("{}Result", op.wire_name));
    let root = format!("{}Response", op.wire_name);
    let open_root = match &svc.xml_namespace {
        Some(ns) => format!("<{root} xmlns=\"{ns}\">"),
        None => format!("<{root}>"),
    };
    let request_id = (
        format_ident!("_request_id"),
        quote! { ::proptest::option::of(arb_request_id()).boxed() },
    );
    let (strategy_body, writer, uses_depth) = match op.output {
        Some(id) => (
            struct_strategy_body(svc, id, &path, vec![request_id]),
            struct_writer_body(svc, id),
            svc.structure(id)
                .is_some_and(|s| s.members.iter().any(|m| is_composite(svc, m.target))),
        ),
        None => {
            let (f, s) = request_id;
            (
                quote! { #s.prop_map(|x0| #path { #f: x0 }).boxed() },
                quote! { out.push('>'); },
                false,
            )
        }
    };
    let depth = uses_depth.then(|| quote! { let depth = MAX_DEPTH; });
    let fns = quote! {
        fn #arb() -> BoxedStrategy<#path> {
            #depth
            #strategy_body
        }

        fn #write(v: &#path) -> ::std::string::String {
            let out = &mut ::std::string::String::new();
            out.push_str(#open_root);
            out.push('<');
            out.push_str(#wrapper);
            #writer
            close(out, #wrapper);
            if let ::std::option::Option::Some(id) = &v._request_id {
                out.push_str("<ResponseMetadata>");
                leaf(out, "RequestId", id);
                out.push_str("</ResponseMetadata>");
            }
            close(out, #root);
            ::std::mem::take(out)
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

/// The helpers every round-trip module starts with: the proptest prelude, the depth budget, the
/// case count and the scalar strategies.
pub(super) fn common_helpers() -> TokenStream {
    let max_depth = MAX_DEPTH;
    let cases = DEFAULT_CASES;
    quote! {
        use ::proptest::prelude::*;

        /// Nesting budget for structures, lists and maps below an output.
        const MAX_DEPTH: u32 = #max_depth;

        /// Cases per property (`PROPTEST_CASES` overrides); failures are not persisted.
        fn config() -> ProptestConfig {
            let cases = ::std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(#cases);
            ProptestConfig { failure_persistence: ::std::option::Option::None, ..ProptestConfig::with_cases(cases) }
        }

        /// Printable text with XML-special characters, whitespace and non-ASCII (2- to 4-byte UTF-8).
        fn arb_string() -> BoxedStrategy<::std::string::String> {
            "[ -~\\t\\n\\r<>&\"'\\x{a0}-\\x{ff}\\x{3b1}-\\x{3c9}\\x{4e00}-\\x{4e0f}\\x{1f600}-\\x{1f60f}]{0,12}".boxed()
        }

        /// A request id as services send them (the reader trims it).
        fn arb_request_id() -> BoxedStrategy<::std::string::String> {
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9A-Za-z-]{1,16}".boxed()
        }

        /// One of an enum's values, or (one time in four) any text: mostly values it does not know.
        fn arb_enum_text(values: &'static [&'static str]) -> BoxedStrategy<::std::string::String> {
            prop_oneof![
                3 => ::proptest::sample::select(values).prop_map(::std::borrow::ToOwned::to_owned),
                1 => arb_string(),
            ]
            .boxed()
        }

        /// Whole milliseconds (or seconds) between 1970 and 2100.
        fn arb_timestamp(whole_seconds: bool) -> BoxedStrategy<::stsgen_runtime::DateTime> {
            let millis = if whole_seconds { 0..1u16 } else { 0..1000u16 };
            (0i64..4_102_444_800, millis)
                .prop_map(|(secs, ms)| {
                    ::stsgen_runtime::DateTime::from_unix_timestamp(secs).expect("in range")
                        + ::std::time::Duration::from_millis(u64::from(ms))
                })
                .boxed()
        }

        fn arb_blob() -> BoxedStrategy<::stsgen_runtime::Blob> {
            ::proptest::collection::vec(any::<u8>(), 0..24).prop_map(::stsgen_runtime::Blob::new).boxed()
        }

        /// Any `f32` but NaN (infinities and subnormals included).
        fn arb_f32() -> BoxedStrategy<f32> {
            use ::proptest::num::f32::{INFINITE, NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
            (POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO | INFINITE).boxed()
        }

        /// Any `f64` but NaN (infinities and subnormals included).
        fn arb_f64() -> BoxedStrategy<f64> {
            use ::proptest::num::f64::{INFINITE, NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
            (POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO | INFINITE).boxed()
        }
    }
}

/// The contents of `src/roundtrip_tests.rs`, or `None` for a service without operations.
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
    let round_trip = body_round_trip_fn();
    Some(quote! {
        //! Generated round-trip properties: for every operation, output values written as an
        //! awsQuery response by a test-only XML writer parse back to the same value.
        #![allow(dead_code, unused_imports, clippy::redundant_clone, clippy::needless_borrow, deprecated)]

        #common

        /// Escapes text for element content or (with `attribute`) an attribute value: markup
        /// characters and quotes as entities, and as character references the carriage return
        /// (line-end normalisation) and, in attributes, tab and newline (value normalisation).
        fn escape(out: &mut ::std::string::String, text: &str, attribute: bool) {
            for c in text.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&apos;"),
                    '\r' => out.push_str("&#13;"),
                    '\t' if attribute => out.push_str("&#9;"),
                    '\n' if attribute => out.push_str("&#10;"),
                    c => out.push(c),
                }
            }
        }

        fn open(out: &mut ::std::string::String, name: &str) {
            out.push('<');
            out.push_str(name);
            out.push('>');
        }

        fn close(out: &mut ::std::string::String, name: &str) {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }

        fn leaf(out: &mut ::std::string::String, name: &str, text: &str) {
            open(out, name);
            escape(out, text, false);
            close(out, name);
        }

        fn attribute(out: &mut ::std::string::String, name: &str, text: &str) {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            escape(out, text, true);
            out.push('"');
        }

        #(#shape_fns)*

        #(#op_fns)*

        #round_trip

        #(#props)*
    })
}

/// The generated `round_trip` helper of the awsQuery and awsJson round-trip tests, whose
/// responses are a body only: `parse(write(value)) == value` for values from a strategy.
pub(crate) fn body_round_trip_fn() -> TokenStream {
    quote! {
            /// The property: `parse(write(value)) == value` for values from `strategy`; a failure
            /// panics with the shrunk value and the body it was written as.
            fn round_trip<T: ::std::fmt::Debug + ::std::cmp::PartialEq>(
                strategy: BoxedStrategy<T>,
                write: fn(&T) -> ::std::string::String,
                parse: fn(&[u8]) -> ::std::result::Result<T, ::stsgen_runtime::ParseError>,
            ) {
                let mut runner = ::proptest::test_runner::TestRunner::new(config());
                let result = runner.run(&strategy, |value| {
                    let body = write(&value);
                    let parsed = parse(body.as_bytes());
                    prop_assert_eq!(parsed, Ok(value), "body: {}", body);
                    Ok(())
                });
                if let ::std::result::Result::Err(e) = result {
                    panic!("{e}");
                }
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<(TokenStream, TokenStream)> {
        (0..n)
            .map(|i| {
                let b = format_ident!("m{}", i);
                (quote! { s(#i) }, quote! { #b })
            })
            .collect()
    }

    /// The widest tuple in an expression (proptest implements tuples up to 12).
    fn widest(e: &syn::Expr) -> usize {
        match e {
            syn::Expr::Tuple(t) => t
                .elems
                .iter()
                .map(widest)
                .max()
                .unwrap_or(0)
                .max(t.elems.len()),
            _ => 0,
        }
    }

    #[test]
    fn members_nest_into_small_tuples_with_matching_patterns() {
        for n in [1, 2, 10, 11, 25, 100, 101, 250] {
            let (s, p) = nest(items(n));
            let s: syn::Expr = syn::parse2(s).expect("strategy parses");
            let p = syn::parse2::<syn::Expr>(p).expect("pattern parses");
            assert!(widest(&s) <= TUPLE_CHUNK, "{n}: {}", widest(&s));
            // The pattern has the same shape, binding every member once, in order.
            let text = quote! { #p }.to_string();
            let bound: Vec<_> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.starts_with('m'))
                .collect();
            assert_eq!(
                bound,
                (0..n).map(|i| format!("m{i}")).collect::<Vec<_>>(),
                "{n}"
            );
            assert_eq!(widest(&s), widest(&p), "{n}");
        }
    }
}
