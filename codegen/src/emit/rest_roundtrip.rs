//! Round-trip property tests for restJson1 crates (`src/roundtrip_tests.rs`, `#[cfg(test)]`),
//! the counterpart of [`crate::emit::json_roundtrip`]'s awsJson ones.
//!
//! For every operation, a property test generates output values, writes each as a whole
//! response (status code, headers and body) with a test-only writer, reads it with the
//! operation's `parse_output(status, headers, body)` and checks it gets the same value back
//! (the request id, sent as `x-amzn-requestid`, included).
//!
//! What the writer puts where follows the model's bindings, independently of the generated
//! reader:
//! - a member bound to a header: its text in the header's format (HTTP dates for timestamps
//!   unless the member says otherwise, base64 for blobs and `jsonvalue` strings, shortest
//!   decimals for floats); a list as one header of comma-separated items, quoted (with `"` and
//!   `\` escaped) when an item holds a comma, a double quote or outer whitespace, HTTP dates
//!   never quoted; a map bound to `headers` as one header per entry, named by the prefix and
//!   the key;
//! - the `statusCode` member: the response status;
//! - the `payload` member: the whole body (a structure or document as JSON, a blob as its
//!   bytes, a string as its UTF-8 text; unset: no body);
//! - the other members: a JSON object, with [`crate::emit::json_roundtrip`]'s writers.
//!
//! Values come from the awsJson tests' strategies, narrowed where the wire cannot carry every
//! value: header text has no control characters and no outer whitespace (HTTP drops it), list
//! header items are not empty, header map keys are lower-case header-name text and a map holds
//! at least one entry (no header reads as unset), status codes have three digits, and a blob or
//! string payload is not empty (an empty body reads as unset).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::json_roundtrip::{arb_document_fn, shape_fns, struct_writer_body, write_value};
use crate::emit::roundtrip::{
    common_helpers, is_composite, reachable, strategy, struct_strategy_body_with,
};
use crate::emit::shapes::{field_ident, rust_type, timestamp_format};
use crate::ir::{Location, Member, Operation, Service, ShapeId, ShapeKind, TimestampFormat};
use crate::naming;

/// The header names the reader takes the request id from.
const REQUEST_ID_HEADERS: [&str; 2] = ["x-amzn-requestid", "x-amz-request-id"];

/// A strategy (`BoxedStrategy<T>`) for a scalar of shape `id` bound to a header; `item`: an
/// item of a list header.
fn header_scalar_strategy(
    svc: &Service,
    id: ShapeId,
    ts: Option<TimestampFormat>,
    json_value: bool,
    item: bool,
) -> TokenStream {
    let text = if item {
        quote! { arb_header_item() }
    } else {
        quote! { arb_header_text() }
    };
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            let ty = rust_type(svc, id);
            quote! {
                prop_oneof![3 => ::proptest::sample::select(#ty::VALUES).prop_map(::std::borrow::ToOwned::to_owned), 1 => #text]
                    .prop_map(#ty::from)
                    .boxed()
            }
        }
        // Base64 carries any text.
        ShapeKind::String(_) if json_value => quote! { arb_string() },
        ShapeKind::String(_) => text,
        ShapeKind::Timestamp { .. } => {
            let whole = ts.unwrap_or(TimestampFormat::Rfc822) == TimestampFormat::Rfc822;
            quote! { arb_timestamp(#whole) }
        }
        ShapeKind::Document => {
            quote! { #text.prop_map(::stsgen_runtime::json::JsonValue::String).boxed() }
        }
        _ => strategy(svc, id, None, 0),
    }
}

/// An expression of type `String`: the header text of scalar `v` (an expression of type `&T`).
fn header_text(
    svc: &Service,
    id: ShapeId,
    v: TokenStream,
    ts: Option<TimestampFormat>,
    json_value: bool,
) -> TokenStream {
    let w = quote! { ::stsgen_runtime::types::wire };
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            quote! { ::std::borrow::ToOwned::to_owned(#v.as_str()) }
        }
        ShapeKind::String(_) if json_value => quote! { #w::encode_base64(#v.as_bytes()) },
        ShapeKind::Float(_) => quote! { #w::format_f32(*#v) },
        ShapeKind::Double(_) => quote! { #w::format_f64(*#v) },
        ShapeKind::Timestamp { .. } => {
            let fmt = timestamp_format(Some(ts.unwrap_or(TimestampFormat::Rfc822)));
            quote! { #w::format_timestamp(#v, #fmt) }
        }
        ShapeKind::Blob { .. } => quote! { #w::encode_base64(#v.as_bytes()) },
        ShapeKind::Document => quote! {
            match #v {
                ::stsgen_runtime::json::JsonValue::String(s) => ::std::clone::Clone::clone(s),
                other => other.to_compact_string(),
            }
        },
        _ => quote! { ::std::string::ToString::to_string(#v) },
    }
}

/// Whether the reader can read member `m` (bound to a header, headers or the status code) back.
fn readable(svc: &Service, m: &Member) -> bool {
    let scalar = |id: ShapeId| !is_composite(svc, id);
    match (m.location, &svc.shape(m.target).kind) {
        (Location::StatusCode, ShapeKind::Integer(_) | ShapeKind::Long(_)) => true,
        (Location::Headers, ShapeKind::Map(mp)) => scalar(mp.value),
        (Location::Header, ShapeKind::List(l)) => scalar(l.member),
        (Location::Header, _) => scalar(m.target),
        _ => false,
    }
}

/// The field strategy of member `m` when it is bound to a header, headers or the status code.
fn bound_member_strategy(svc: &Service, m: &Member, optional: bool) -> Option<TokenStream> {
    let inner = match (m.location, &svc.shape(m.target).kind) {
        (Location::Body, _) => return None,
        _ if !readable(svc, m) => {
            // Nothing the reader reads: always unset (or, when required, as the body says).
            return optional.then(|| quote! { Just(::std::option::Option::None).boxed() });
        }
        (Location::StatusCode, _) => {
            // Always read, so always set.
            let status = quote! { (100u16..1000).prop_map(::std::convert::From::from) };
            return Some(if optional {
                quote! { #status.prop_map(::std::option::Option::Some).boxed() }
            } else {
                quote! { #status.boxed() }
            });
        }
        (Location::Headers, ShapeKind::Map(mp)) => {
            let key = if svc.is_enum(mp.key) {
                let kty = rust_type(svc, mp.key);
                quote! { arb_header_key().prop_map(#kty::from) }
            } else {
                quote! { arb_header_key() }
            };
            let value = header_scalar_strategy(svc, mp.value, None, false, false);
            // No header reads as unset: a set map has an entry.
            quote! { ::proptest::collection::btree_map(#key, #value, 1..3).boxed() }
        }
        (Location::Header, ShapeKind::List(l)) => {
            let item =
                header_scalar_strategy(svc, l.member, m.location_timestamp_format, false, true);
            quote! { ::proptest::collection::vec(#item, 0..3).boxed() }
        }
        _ => header_scalar_strategy(
            svc,
            m.target,
            m.location_timestamp_format,
            m.json_value,
            false,
        ),
    };
    Some(if optional {
        quote! { ::proptest::option::of(#inner).boxed() }
    } else {
        inner
    })
}

/// The field strategy of the `payload` member `m`: a blob or string is never empty.
fn payload_strategy(svc: &Service, m: &Member, optional: bool) -> Option<TokenStream> {
    let inner = match &svc.shape(m.target).kind {
        ShapeKind::Blob { .. } => quote! {
            ::proptest::collection::vec(any::<u8>(), 1..24).prop_map(::stsgen_runtime::Blob::new).boxed()
        },
        ShapeKind::String(_) => {
            let base = strategy(svc, m.target, None, 0);
            let text = if svc.is_enum(m.target) {
                quote! { v.as_str() }
            } else {
                quote! { v }
            };
            quote! { #base.prop_filter("an empty body reads as unset", |v| !#text.is_empty()).boxed() }
        }
        _ => return None,
    };
    Some(if optional {
        quote! { ::proptest::option::of(#inner).boxed() }
    } else {
        inner
    })
}

/// `body` run with `x: &T` bound to member `m`'s value of output `v`, when set.
fn with_member(m: &Member, required: bool, body: TokenStream) -> TokenStream {
    let f = field_ident(m);
    if required {
        quote! { { let x = &v.#f; #body } }
    } else {
        quote! { if let ::std::option::Option::Some(x) = &v.#f { #body } }
    }
}

/// Statements writing member `m` of output `v` to `status` or `headers`.
fn write_bound_member(svc: &Service, m: &Member, required: bool) -> Option<TokenStream> {
    if m.location == Location::Body || !readable(svc, m) {
        return None;
    }
    let name = m.serialized_name().to_ascii_lowercase();
    let body = match (m.location, &svc.shape(m.target).kind) {
        (Location::StatusCode, _) => quote! {
            status = u16::try_from(*x).expect("a generated status");
        },
        (Location::Headers, ShapeKind::Map(mp)) => {
            let text = header_text(svc, mp.value, quote! { value }, None, false);
            quote! {
                for (key, value) in x {
                    put(&mut headers, &::std::format!("{}{}", #name, key.as_str()), #text);
                }
            }
        }
        (Location::Header, ShapeKind::List(l)) => {
            let text = header_text(
                svc,
                l.member,
                quote! { item },
                m.location_timestamp_format,
                false,
            );
            // HTTP dates hold the commas their reader expects.
            let quoted = !matches!(svc.shape(l.member).kind, ShapeKind::Timestamp { .. });
            quote! {
                let items: ::std::vec::Vec<::std::string::String> = x.iter().map(|item| #text).collect();
                put(&mut headers, #name, list_header(&items, #quoted));
            }
        }
        _ => {
            let text = header_text(
                svc,
                m.target,
                quote! { x },
                m.location_timestamp_format,
                m.json_value,
            );
            quote! { put(&mut headers, #name, #text); }
        }
    };
    Some(with_member(m, required, body))
}

/// An expression of type `Vec<u8>`: the body of output `v` (its payload member, or a JSON
/// object of its body members, or nothing).
fn write_body(svc: &Service, id: ShapeId) -> TokenStream {
    let Some(s) = svc.structure(id) else {
        return quote! { ::std::vec::Vec::new() };
    };
    let payload = s
        .payload
        .as_deref()
        .and_then(|p| s.members.iter().find(|m| m.wire_name == p));
    match payload {
        Some(m) => {
            let bytes = match &svc.shape(m.target).kind {
                ShapeKind::Structure(_) | ShapeKind::Document => {
                    let write = write_value(svc, m.target, quote! { x }, None);
                    quote! {
                        let mut writer = ::stsgen_runtime::json::JsonWriter::compact();
                        {
                            let w = &mut writer;
                            #write
                        }
                        writer.finish().into_bytes()
                    }
                }
                ShapeKind::Blob { .. } => quote! { x.as_bytes().to_vec() },
                ShapeKind::String(st) if !st.enum_values.is_empty() => {
                    quote! { x.as_str().as_bytes().to_vec() }
                }
                ShapeKind::String(_) => quote! { x.as_bytes().to_vec() },
                _ => quote! { ::std::vec::Vec::new() },
            };
            let f = field_ident(m);
            if m.required {
                quote! { { let x = &v.#f; #bytes } }
            } else {
                quote! {
                    match &v.#f {
                        ::std::option::Option::Some(x) => { #bytes }
                        ::std::option::Option::None => ::std::vec::Vec::new(),
                    }
                }
            }
        }
        None if s.members.iter().any(|m| m.location == Location::Body) => {
            let members = struct_writer_body(svc, id, &|m| m.location == Location::Body);
            quote! {
                {
                    let mut writer = ::stsgen_runtime::json::JsonWriter::compact();
                    {
                        let w = &mut writer;
                        w.begin_object();
                        #members
                        w.end_object();
                    }
                    writer.finish().into_bytes()
                }
            }
        }
        None => quote! { ::std::vec::Vec::new() },
    }
}

/// Strategy, writer and test of one operation's output.
fn operation_fns(svc: &Service, op: &Operation) -> (TokenStream, TokenStream) {
    let module = naming::ident(&op.module);
    let output = naming::suffixed_ident(&op.rust_name, "Output");
    let path = quote! { crate::operation::#module::#output };
    let arb = format_ident!("op_arb_{}", op.module);
    let write = format_ident!("op_write_{}", op.module);
    let test = format_ident!("{}_output_round_trips", op.module);
    let structure = op.output.and_then(|id| svc.structure(id));
    let members: Vec<&Member> = structure
        .map(|s| s.members.iter().collect())
        .unwrap_or_default();
    // A member bound to the request id's header: the request id reads as its text.
    let rid_member = members.iter().copied().find(|m| {
        m.location == Location::Header
            && REQUEST_ID_HEADERS.contains(&m.serialized_name().to_ascii_lowercase().as_str())
            && matches!(svc.shape(m.target).kind, ShapeKind::String(ref s) if s.enum_values.is_empty())
            && !m.json_value
    });
    let request_id = if rid_member.is_some() {
        quote! { Just(::std::option::Option::None).boxed() }
    } else {
        quote! { ::proptest::option::of(arb_request_id()).boxed() }
    };
    let request_id = (format_ident!("_request_id"), request_id);
    let payload = structure.and_then(|s| s.payload.as_deref());
    let strategy_body = match op.output {
        Some(id) => struct_strategy_body_with(svc, id, &path, vec![request_id], &|m, optional| {
            if Some(m.wire_name.as_str()) == payload {
                payload_strategy(svc, m, optional)
            } else {
                bound_member_strategy(svc, m, optional)
            }
        }),
        None => {
            let (f, s) = request_id;
            quote! { #s.prop_map(|x0| #path { #f: x0 }).boxed() }
        }
    };
    let fix_request_id = rid_member.map(|m| {
        let f = field_ident(m);
        let value = if m.required {
            quote! { ::std::option::Option::Some(::std::clone::Clone::clone(&v.#f)) }
        } else {
            quote! { ::std::clone::Clone::clone(&v.#f) }
        };
        quote! { .prop_map(|mut v| { v._request_id = #value; v }).boxed() }
    });
    let strategy_body = match fix_request_id {
        Some(fix) => quote! { (#strategy_body) #fix },
        None => strategy_body,
    };
    // Members bound elsewhere than the body have flat strategies.
    let uses_depth = members
        .iter()
        .any(|m| m.location == Location::Body && is_composite(svc, m.target));
    let depth = uses_depth.then(|| quote! { let depth = MAX_DEPTH; });
    let bound = members
        .iter()
        .filter_map(|m| write_bound_member(svc, m, m.required));
    let body = match op.output {
        Some(id) => write_body(svc, id),
        None => quote! { ::std::vec::Vec::new() },
    };
    let fns = quote! {
        fn #arb() -> BoxedStrategy<#path> {
            #depth
            #strategy_body
        }

        fn #write(v: &#path) -> Response {
            let mut status: u16 = 200;
            let mut headers = ::stsgen_runtime::http::HeaderMap::new();
            if let ::std::option::Option::Some(id) = &v._request_id {
                put(&mut headers, "x-amzn-requestid", ::std::clone::Clone::clone(id));
            }
            #(#bound)*
            let body = #body;
            (status, headers, body)
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

/// The contents of a restJson crate's `src/roundtrip_tests.rs`, or `None` without operations.
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
    Some(quote! {
        //! Generated round-trip properties: for every operation, output values written as a
        //! restJson response (status code, headers and body) by a test-only writer parse back
        //! to the same value.
        #![allow(dead_code, unused_imports, unused_mut, clippy::redundant_clone, clippy::redundant_closure, clippy::needless_borrow, deprecated)]

        #common

        #document

        /// Header text: no control characters and no outer whitespace (HTTP drops it),
        /// non-ASCII included.
        fn arb_header_text() -> BoxedStrategy<::std::string::String> {
            "([!-~\\x{a1}-\\x{ff}\\x{3b1}-\\x{3c9}\\x{4e00}-\\x{4e0f}]([ !-~\\x{a1}-\\x{ff}\\x{3b1}-\\x{3c9}\\x{4e00}-\\x{4e0f}]{0,10}[!-~\\x{a1}-\\x{ff}\\x{3b1}-\\x{3c9}\\x{4e00}-\\x{4e0f}])?)?".boxed()
        }

        /// An item of a list header: printable text with commas, quotes, backslashes and outer
        /// spaces, never empty.
        fn arb_header_item() -> BoxedStrategy<::std::string::String> {
            "[ -~\\x{a1}-\\x{ff}\\x{3b1}-\\x{3c9}]{1,12}".boxed()
        }

        /// The rest of a header name after a `headers` prefix.
        fn arb_header_key() -> BoxedStrategy<::std::string::String> {
            "[a-z0-9][a-z0-9-]{0,6}".boxed()
        }

        /// A response as `parse_output` reads it.
        type Response = (u16, ::stsgen_runtime::http::HeaderMap, ::std::vec::Vec<u8>);

        /// Adds header `name` with `value` (both valid by construction of the strategies).
        fn put(headers: &mut ::stsgen_runtime::http::HeaderMap, name: &str, value: ::std::string::String) {
            let name = ::stsgen_runtime::http::HeaderName::from_bytes(name.as_bytes()).expect("a header name");
            let value = ::stsgen_runtime::http::HeaderValue::from_bytes(value.as_bytes()).expect("a header value");
            headers.append(name, value);
        }

        /// A list header's value: items joined with `, `, those with a comma, a double quote or
        /// outer whitespace quoted (with `"` and `\` escaped) when `quoted`.
        fn list_header(items: &[::std::string::String], quoted: bool) -> ::std::string::String {
            let mut out = ::std::string::String::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if quoted && (item.contains([',', '"']) || item.trim() != item) {
                    out.push('"');
                    for c in item.chars() {
                        if c == '"' || c == '\\' {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push('"');
                } else {
                    out.push_str(item);
                }
            }
            out
        }

        #(#shape_fns)*

        #(#op_fns)*

        /// The property: `parse(write(value)) == value` for values from `strategy`; a failure
        /// panics with the shrunk value and the response it was written as.
        fn round_trip<T: ::std::fmt::Debug + ::std::cmp::PartialEq>(
            strategy: BoxedStrategy<T>,
            write: fn(&T) -> Response,
            parse: fn(u16, &::stsgen_runtime::http::HeaderMap, &[u8]) -> ::std::result::Result<T, ::stsgen_runtime::ParseError>,
        ) {
            let mut runner = ::proptest::test_runner::TestRunner::new(config());
            let result = runner.run(&strategy, |value| {
                let (status, headers, body) = write(&value);
                let parsed = parse(status, &headers, &body);
                prop_assert_eq!(parsed, Ok(value), "status: {}, headers: {:?}, body: {}", status, headers, ::std::string::String::from_utf8_lossy(&body));
                Ok(())
            });
            if let ::std::result::Result::Err(e) = result {
                panic!("{e}");
            }
        }

        #(#props)*
    })
}
