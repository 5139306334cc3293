//! restJson1 emitters: each operation's `request`, `parse_output` and `parse_error`, from the
//! HTTP bindings the IR decided (`Operation::http_binding`, `Member::location`,
//! `Structure::payload`, `Member::location_timestamp_format`).
//!
//! The JSON inside bodies is the awsJson one, so the shared `protocol/ser.rs` and
//! `protocol/de.rs` modules are awsJson's ([`aws_json::ser_module`], [`aws_json::de_module`]);
//! this module adds the URI, query string, headers, status code and payload around them, with
//! the runtime's `protocol::rest_json`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::aws_json;
use crate::emit::serialize::ser_fn;
use crate::emit::shapes::{field_ident, rust_type, timestamp_format};
use crate::ir::{
    Location, Member, Operation, PathPart, Service, ShapeId, ShapeKind, Structure, TimestampFormat,
};
use crate::naming;

fn rt() -> TokenStream {
    quote! { ::stsgen_runtime::protocol::rest_json }
}

fn wire() -> TokenStream {
    quote! { ::stsgen_runtime::types::wire }
}

/// An expression of type `String`: the text of scalar `v` (an expression of type `&T`) of shape
/// `id` in a URI label, query parameter or header.
fn text_of(
    svc: &Service,
    id: ShapeId,
    v: TokenStream,
    ts: Option<TimestampFormat>,
    json_value: bool,
) -> TokenStream {
    let w = wire();
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            quote! { ::std::borrow::ToOwned::to_owned(#v.as_str()) }
        }
        ShapeKind::String(_) if json_value => quote! { #w::encode_base64(#v.as_bytes()) },
        ShapeKind::String(_) => quote! { ::std::string::ToString::to_string(#v) },
        ShapeKind::Boolean | ShapeKind::Integer(_) | ShapeKind::Long(_) => {
            quote! { ::std::string::ToString::to_string(#v) }
        }
        ShapeKind::Float(_) => quote! { #w::format_f32(*#v) },
        ShapeKind::Double(_) => quote! { #w::format_f64(*#v) },
        ShapeKind::Timestamp { .. } => {
            let fmt = timestamp_format(Some(ts.unwrap_or(TimestampFormat::Iso8601)));
            quote! { #w::format_timestamp(#v, #fmt) }
        }
        ShapeKind::Blob { .. } => quote! { #w::encode_base64(#v.as_bytes()) },
        ShapeKind::Document => quote! { #v.to_compact_string() },
        ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_) => {
            quote! { ::std::string::String::new() }
        }
    }
}

/// `body` run with `value: &T` bound to the member's value when it is set (unset idempotency
/// tokens are filled).
fn with_value(m: &Member, input: &TokenStream, body: TokenStream) -> TokenStream {
    let f = field_ident(m);
    if m.required {
        quote! { { let value = &#input.#f; #body } }
    } else if m.idempotency_token {
        quote! {
            {
                let token;
                let value = match &#input.#f {
                    ::std::option::Option::Some(value) => value,
                    ::std::option::Option::None => {
                        token = ::stsgen_runtime::idempotency::token();
                        &token
                    }
                };
                #body
            }
        }
    } else {
        quote! { if let ::std::option::Option::Some(value) = &#input.#f { #body } }
    }
}

/// The operation's request function.
fn request_fn(svc: &Service, op: &Operation) -> TokenStream {
    let r = rt();
    let input_ty = naming::suffixed_ident(&op.rust_name, "Input");
    let input = quote! { input };
    let s: Option<&Structure> = op.input.and_then(|i| svc.structure(i));
    let shape_name = op
        .input
        .map(|i| svc.shape(i).wire_name.clone())
        .unwrap_or_else(|| format!("{}Request", op.wire_name));
    let members: Vec<&Member> = s.map(|s| s.members.iter().collect()).unwrap_or_default();
    let member = |wire: &str| members.iter().copied().find(|m| m.wire_name == wire);

    let mut stmts = Vec::new();
    let binding = op.http_binding.as_ref();
    for part in binding.map(|b| b.path.as_slice()).unwrap_or_default() {
        match part {
            PathPart::Literal(text) => stmts.push(quote! { b.literal(#text); }),
            PathPart::Label {
                member: wire,
                greedy,
            } => {
                let Some(m) = member(wire) else { continue };
                let text = text_of(
                    svc,
                    m.target,
                    quote! { value },
                    m.location_timestamp_format,
                    m.json_value,
                );
                let f = field_ident(m);
                let wire_name = &m.wire_name;
                // A label is never left out: unset (or empty) is a build error naming it.
                stmts.push(if m.required {
                    quote! { { let value = &input.#f; b.label(&#text, #greedy, #wire_name)?; } }
                } else {
                    quote! {
                        match &input.#f {
                            ::std::option::Option::Some(value) => b.label(&#text, #greedy, #wire_name)?,
                            ::std::option::Option::None => return ::std::result::Result::Err(b.missing_label(#wire_name)),
                        }
                    }
                });
            }
        }
    }
    for (name, value) in binding.map(|b| b.query.as_slice()).unwrap_or_default() {
        let value = match value {
            Some(v) => quote! { ::std::option::Option::Some(#v) },
            None => quote! { ::std::option::Option::None },
        };
        stmts.push(quote! { b.query_literal(#name, #value); });
    }
    // Named query parameters first: they win over map entries of the same name.
    let mut maps = Vec::new();
    for m in members.iter().filter(|m| m.location == Location::Query) {
        let name = m.serialized_name();
        match &svc.shape(m.target).kind {
            ShapeKind::List(l) => {
                let text = text_of(
                    svc,
                    l.member,
                    quote! { item },
                    m.location_timestamp_format,
                    false,
                );
                stmts.push(with_value(
                    m,
                    &input,
                    quote! { for item in value.iter() { b.query(#name, &#text); } },
                ));
            }
            ShapeKind::Map(mp) => {
                // `as_str` reads a `String` key and an enum key alike.
                let key = quote! { k.as_str() };
                let add = match &svc.shape(mp.value).kind {
                    ShapeKind::List(l) => {
                        let text = text_of(svc, l.member, quote! { item }, None, false);
                        quote! { for item in v.iter() { b.query(#key, &#text); } }
                    }
                    _ => {
                        let text = text_of(svc, mp.value, quote! { v }, None, false);
                        quote! { b.query(#key, &#text); }
                    }
                };
                maps.push(with_value(
                    m,
                    &input,
                    quote! {
                        for (k, v) in value.iter() {
                            if !b.has_query(#key) {
                                #add
                            }
                        }
                    },
                ));
            }
            _ => {
                let text = text_of(
                    svc,
                    m.target,
                    quote! { value },
                    m.location_timestamp_format,
                    m.json_value,
                );
                stmts.push(with_value(m, &input, quote! { b.query(#name, &#text); }));
            }
        }
    }
    stmts.extend(maps);
    for m in members
        .iter()
        .filter(|m| matches!(m.location, Location::Header | Location::Headers))
    {
        let name = m.serialized_name();
        let wire_name = &m.wire_name;
        let set = match (&svc.shape(m.target).kind, m.location) {
            (ShapeKind::Map(mp), Location::Headers) => {
                let text = text_of(svc, mp.value, quote! { v }, None, false);
                quote! {
                    for (k, v) in value.iter() {
                        let name = ::std::format!("{}{}", #name, k.as_str());
                        b.header(&name, &#text, #wire_name)?;
                    }
                }
            }
            (ShapeKind::List(l), _) => {
                let text = text_of(
                    svc,
                    l.member,
                    quote! { item },
                    m.location_timestamp_format,
                    false,
                );
                let quote_items = !matches!(svc.shape(l.member).kind, ShapeKind::Timestamp { .. });
                quote! { b.header_list(#name, value.iter().map(|item| #text), #quote_items, #wire_name)?; }
            }
            _ => {
                let text = text_of(
                    svc,
                    m.target,
                    quote! { value },
                    m.location_timestamp_format,
                    m.json_value,
                );
                quote! { b.header(#name, &#text, #wire_name)?; }
            }
        };
        stmts.push(with_value(m, &input, set));
    }

    let payload = s.and_then(|s| s.payload.as_deref()).and_then(member);
    let body = match payload {
        Some(m) => {
            let f = field_ident(m);
            let get = if m.required {
                quote! { ::std::option::Option::Some(&input.#f) }
            } else {
                quote! { input.#f.as_ref() }
            };
            match &svc.shape(m.target).kind {
                ShapeKind::Structure(st) => {
                    let ser = ser_fn(svc, m.target);
                    let unset = if st.union {
                        quote! { #r::Body::Empty }
                    } else {
                        quote! { #r::Body::Json(::std::borrow::ToOwned::to_owned("{}")) }
                    };
                    quote! {
                        match #get {
                            ::std::option::Option::Some(v) => {
                                let mut writer = ::stsgen_runtime::json::JsonWriter::compact();
                                crate::protocol::ser::#ser(&mut writer, v);
                                #r::Body::Json(writer.finish())
                            }
                            ::std::option::Option::None => #unset,
                        }
                    }
                }
                ShapeKind::Document => quote! {
                    match #get {
                        ::std::option::Option::Some(v) => #r::Body::Json(v.to_compact_string()),
                        ::std::option::Option::None => #r::Body::Empty,
                    }
                },
                ShapeKind::Blob { .. } => quote! {
                    match #get {
                        ::std::option::Option::Some(v) => #r::Body::Payload(v.as_bytes().to_vec(), #r::CONTENT_TYPE_BINARY),
                        ::std::option::Option::None => #r::Body::Empty,
                    }
                },
                ShapeKind::String(st) => {
                    let text = if st.enum_values.is_empty() {
                        quote! { v.as_bytes() }
                    } else {
                        quote! { v.as_str().as_bytes() }
                    };
                    quote! {
                        match #get {
                            ::std::option::Option::Some(v) => #r::Body::Payload(#text.to_vec(), #r::CONTENT_TYPE_TEXT),
                            ::std::option::Option::None => #r::Body::Empty,
                        }
                    }
                }
                _ => quote! { #r::Body::Empty },
            }
        }
        None => {
            let body_members: Vec<&Member> = members
                .iter()
                .copied()
                .filter(|m| m.location == Location::Body)
                .collect();
            if body_members.is_empty() {
                quote! { #r::Body::Empty }
            } else {
                let ser = aws_json::ser_members(svc, body_members, quote! { input });
                quote! {
                    {
                        let mut writer = ::stsgen_runtime::json::JsonWriter::compact();
                        {
                            let w = &mut writer;
                            w.begin_object();
                            #ser
                            w.end_object();
                        }
                        #r::Body::Json(writer.finish())
                    }
                }
            }
        }
    };
    let checksum = op.checksum_required;
    let unused = members.is_empty().then(|| quote! { let _ = input; });
    quote! {
        /// The unsigned HTTP request for `input`: method, path with its labels, query string,
        /// headers, `content-type`, `content-length` and body. The client adds `host`,
        /// `user-agent` and the signature.
        ///
        /// # Errors
        /// A member bound to a header whose text a header cannot carry.
        #[allow(unused_mut, clippy::needless_borrow, clippy::useless_conversion)]
        pub fn request(input: &#input_ty) -> ::std::result::Result<::stsgen_runtime::http::Request<::std::vec::Vec<u8>>, ::stsgen_runtime::BuildError> {
            #unused
            let mut b = #r::RequestBuilder::new(#shape_name);
            #(#stmts)*
            let body = #body;
            Ok(b.finish(HTTP_METHOD, body, REQUEST_COMPRESSION, #checksum))
        }
    }
}

/// An expression of type `T` reading `text` (a `&str` in scope) as scalar shape `id`.
fn from_text(
    svc: &Service,
    id: ShapeId,
    ts: Option<TimestampFormat>,
    json_value: bool,
    shape: &str,
    member: &str,
) -> TokenStream {
    let h = quote! { ::stsgen_runtime::protocol::rest_json::headers };
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            let ty = rust_type(svc, id);
            quote! { #ty::from(text) }
        }
        ShapeKind::String(_) if json_value => quote! { #h::json_text(text, #shape, #member)? },
        ShapeKind::String(_) => quote! { ::std::borrow::ToOwned::to_owned(text) },
        ShapeKind::Boolean => quote! { #h::boolean(text, #shape, #member)? },
        ShapeKind::Integer(_) => quote! { #h::i32(text, #shape, #member)? },
        ShapeKind::Long(_) => quote! { #h::i64(text, #shape, #member)? },
        ShapeKind::Float(_) => quote! { #h::f32(text, #shape, #member)? },
        ShapeKind::Double(_) => quote! { #h::f64(text, #shape, #member)? },
        ShapeKind::Timestamp { .. } => {
            let fmt = timestamp_format(Some(ts.unwrap_or(TimestampFormat::Rfc822)));
            quote! { #h::timestamp(text, #fmt, #shape, #member)? }
        }
        ShapeKind::Blob { .. } => quote! { #h::blob(text, #shape, #member)? },
        ShapeKind::Document => {
            quote! { ::stsgen_runtime::json::JsonValue::String(::std::borrow::ToOwned::to_owned(text)) }
        }
        ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_) => {
            quote! { return ::std::result::Result::Err(::stsgen_runtime::ParseError::missing(#shape, #member)) }
        }
    }
}

/// Statements setting `target` (an `Option<T>` place) from member `m`'s header (or headers, or
/// the status code) when present.
fn read_header_member(
    svc: &Service,
    m: &Member,
    shape: &str,
    target: TokenStream,
) -> Option<TokenStream> {
    let h = quote! { ::stsgen_runtime::protocol::rest_json::headers };
    let member = m.wire_name.as_str();
    let name = m.serialized_name().to_ascii_lowercase();
    Some(match (m.location, &svc.shape(m.target).kind) {
        (Location::StatusCode, _) => {
            quote! { #target = ::std::option::Option::Some(::std::convert::From::from(status)); }
        }
        (Location::Headers, ShapeKind::Map(mp)) => {
            let key = if svc.is_enum(mp.key) {
                let kty = rust_type(svc, mp.key);
                quote! { #kty::from(k.as_str()) }
            } else {
                quote! { k }
            };
            let value = from_text(svc, mp.value, None, false, shape, member);
            quote! {
                let entries = #h::prefixed(headers, #name, #shape, #member)?;
                if !entries.is_empty() {
                    let mut map = ::std::collections::BTreeMap::new();
                    for (k, v) in entries {
                        let text = v.as_str();
                        map.insert(#key, #value);
                    }
                    #target = ::std::option::Option::Some(map);
                }
            }
        }
        (Location::Header, ShapeKind::List(l)) => {
            let http_dates = matches!(svc.shape(l.member).kind, ShapeKind::Timestamp { .. })
                && m.location_timestamp_format
                    .unwrap_or(TimestampFormat::Rfc822)
                    == TimestampFormat::Rfc822;
            let split = if http_dates {
                quote! { split_http_dates }
            } else {
                quote! { split_list }
            };
            let value = from_text(
                svc,
                l.member,
                m.location_timestamp_format,
                false,
                shape,
                member,
            );
            quote! {
                if let ::std::option::Option::Some(all) = #h::get(headers, #name, #shape, #member)? {
                    let mut items = ::std::vec::Vec::new();
                    for item in #h::#split(&all) {
                        let text = item.as_str();
                        items.push(#value);
                    }
                    #target = ::std::option::Option::Some(items);
                }
            }
        }
        (Location::Header, _) => {
            let value = from_text(
                svc,
                m.target,
                m.location_timestamp_format,
                m.json_value,
                shape,
                member,
            );
            quote! {
                if let ::std::option::Option::Some(text) = #h::get(headers, #name, #shape, #member)? {
                    let text = text.as_str();
                    #target = ::std::option::Option::Some(#value);
                }
            }
        }
        _ => return None,
    })
}

/// The operation's `parse_output`.
fn parse_output_fn(svc: &Service, op: &Operation) -> TokenStream {
    let r = rt();
    let reader = quote! { ::stsgen_runtime::protocol::aws_json::reader };
    let output_ty = naming::suffixed_ident(&op.rust_name, "Output");
    let rid = quote! { _request_id: #r::request_id(headers), };
    let Some(id) = op.output else {
        return quote! {
            /// Reads a successful response (the operation has no output members).
            ///
            /// # Errors
            /// Never; the signature matches every operation's.
            pub fn parse_output(status: u16, headers: &::stsgen_runtime::http::HeaderMap, body: &[u8]) -> ::std::result::Result<#output_ty, ::stsgen_runtime::ParseError> {
                let _ = (status, body);
                Ok(#output_ty { #rid })
            }
        };
    };
    let shape = svc.shape(id);
    let shape_name = shape.wire_name.as_str();
    let s = svc.structure(id).expect("outputs are structures");
    let locals = aws_json::de_locals(svc, id);
    let inits = aws_json::de_inits(svc, id, false);
    let payload = s
        .payload
        .as_deref()
        .and_then(|p| s.members.iter().find(|m| m.wire_name == p));
    let read_body = match payload {
        Some(m) => {
            let local = naming::prefixed_ident("f_", &m.rust_name);
            let member = m.wire_name.as_str();
            match &svc.shape(m.target).kind {
                ShapeKind::Structure(_) | ShapeKind::Document => {
                    let value =
                        aws_json::de_value(svc, m.target, quote! { v }, shape_name, member, None);
                    quote! {
                        if !body.iter().all(u8::is_ascii_whitespace) {
                            let document = #reader::parse_body(body)?;
                            let v = &document;
                            #local = ::std::option::Option::Some(#value);
                        }
                    }
                }
                ShapeKind::Blob { .. } => quote! {
                    if !body.is_empty() {
                        #local = ::std::option::Option::Some(::stsgen_runtime::Blob::new(body.to_vec()));
                    }
                },
                ShapeKind::String(st) => {
                    let value = if st.enum_values.is_empty() {
                        quote! { text }
                    } else {
                        let ty = rust_type(svc, m.target);
                        quote! { #ty::from(text.as_str()) }
                    };
                    quote! {
                        if !body.is_empty() {
                            let text = ::std::string::String::from_utf8(body.to_vec()).map_err(|_| {
                                ::stsgen_runtime::ParseError::new(::stsgen_runtime::ParseErrorKind::InvalidValue {
                                    shape: #shape_name,
                                    member: #member,
                                    expected: "UTF-8 text",
                                    length: body.len(),
                                })
                            })?;
                            #local = ::std::option::Option::Some(#value);
                        }
                    }
                }
                _ => quote! {},
            }
        }
        None if s.members.iter().any(|m| m.location == Location::Body) => {
            let read = aws_json::de_read_object(svc, id, &|m| m.location == Location::Body);
            quote! {
                let document = #reader::parse_body(body)?;
                let v = &document;
                #read
            }
        }
        None => quote! {},
    };
    let headers_read = s.members.iter().filter_map(|m| {
        let local = naming::prefixed_ident("f_", &m.rust_name);
        read_header_member(svc, m, shape_name, quote! { #local })
    });
    quote! {
        /// Reads a successful response: members bound to headers and the status code, and the
        /// body (a JSON document, or the `payload` member).
        ///
        /// # Errors
        /// A [`ParseError`](::stsgen_runtime::ParseError) naming what was malformed or missing.
        #[allow(unused_mut, unused_variables, unused_assignments)]
        pub fn parse_output(status: u16, headers: &::stsgen_runtime::http::HeaderMap, body: &[u8]) -> ::std::result::Result<#output_ty, ::stsgen_runtime::ParseError> {
            #locals
            #read_body
            #(#headers_read)*
            Ok(#output_ty { #inits #rid })
        }
    }
}

/// The operation's `parse_error`.
fn parse_error_fn(svc: &Service, op: &Operation) -> TokenStream {
    let r = rt();
    let error_ty = naming::suffixed_ident(&op.rust_name, "Error");
    let classify = aws_json::classify_error(svc, op, &|e| {
        let Some(st) = svc.structure(e) else {
            return quote! {};
        };
        let shape_name = svc.shape(e).wire_name.as_str();
        let header_members = st.members.iter().filter_map(|m| {
            let field = field_ident(m);
            let place = if m.boxed {
                return None;
            } else {
                quote! { e.#field }
            };
            read_header_member(svc, m, shape_name, place)
        });
        quote! { #(#header_members)* }
    });
    quote! {
        /// Reads an error response: the modeled error its code names (with its members bound
        /// to headers), or `Unhandled`.
        ///
        /// # Errors
        /// A [`ParseError`](::stsgen_runtime::ParseError) with the status and the start of the
        /// body when no error code can be found.
        pub fn parse_error(
            status: u16,
            headers: &::stsgen_runtime::http::HeaderMap,
            body: &[u8],
        ) -> ::std::result::Result<#error_ty, ::stsgen_runtime::ParseError> {
            let (meta, doc) = #r::parse_error_metadata(status, headers, body)?;
            Ok({ #classify })
        }
    }
}

/// The operation's sans-IO protocol functions: `request`, `parse_output`, `parse_error`.
pub fn protocol_fns(svc: &Service, op: &Operation) -> TokenStream {
    let request = request_fn(svc, op);
    let output = parse_output_fn(svc, op);
    let error = parse_error_fn(svc, op);
    quote! {
        #request
        #output
        #error
    }
}
