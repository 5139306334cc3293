//! awsJson 1.0 / 1.1 emitters: the `protocol/ser.rs` and `protocol/de.rs` modules and each
//! operation's `serialize_body`, `request`, `parse_output` and `parse_error`.
//!
//! Requests are JSON objects written with the runtime's `JsonWriter` (member keys are the
//! members' `jsonName`, else `locationName`, else their names; timestamps epoch seconds unless
//! `timestampFormat` says otherwise; blobs base64; documents as they are). Responses are parsed
//! into the runtime's `JsonValue` and read with `protocol::aws_json::reader`; `null` members,
//! list items and map values are treated as absent, unknown keys are skipped.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::deserialize::{de_fn, output_shapes};
use crate::emit::serialize::{input_structures, ser_fn};
use crate::emit::shapes::{field_ident, rust_type, timestamp_format};
use crate::ir::{
    Home, JsonVersion, Member, Operation, Protocol, Service, ShapeId, ShapeKind, TimestampFormat,
};
use crate::naming;

/// The runtime's awsJson reader helpers.
fn reader() -> TokenStream {
    quote! { ::stsgen_runtime::protocol::aws_json::reader }
}

/// The runtime wire format of a timestamp: the member's format, else the shape's, else epoch
/// seconds (the awsJson default).
pub(crate) fn ts_format(
    svc: &Service,
    id: ShapeId,
    member_ts: Option<TimestampFormat>,
) -> TokenStream {
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

/// Statements writing value `v` (an expression of type `&T`) of shape `id` to `w`.
pub(crate) fn ser_value(
    svc: &Service,
    id: ShapeId,
    v: TokenStream,
    member_ts: Option<TimestampFormat>,
    depth: usize,
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
        ShapeKind::Document => quote! { #rt::write_document(w, #v); },
        ShapeKind::Structure(_) => {
            let f = ser_fn(svc, id);
            quote! { crate::protocol::ser::#f(w, #v); }
        }
        ShapeKind::List(l) => {
            let item = format_ident!("item{}", depth);
            let inner = ser_value(svc, l.member, quote! { #item }, None, depth + 1);
            quote! {
                w.begin_array();
                for #item in #v.iter() {
                    #inner
                }
                w.end_array();
            }
        }
        ShapeKind::Map(m) => {
            let k = format_ident!("k{}", depth);
            let val = format_ident!("val{}", depth);
            let key = if svc.is_enum(m.key) {
                quote! { #k.as_str() }
            } else {
                quote! { #k }
            };
            let inner = ser_value(svc, m.value, quote! { #val }, None, depth + 1);
            quote! {
                w.begin_object();
                for (#k, #val) in #v.iter() {
                    w.key(#key);
                    #inner
                }
                w.end_object();
            }
        }
    }
}

/// Statements writing every set member of structure `v` (an expression of type `&T`) as object
/// members (the caller writes the braces). Unset idempotency tokens are filled.
pub(crate) fn ser_members<'a>(
    svc: &Service,
    members: impl IntoIterator<Item = &'a Member>,
    v: TokenStream,
) -> TokenStream {
    let stmts = members.into_iter().map(|m| {
        let f = field_ident(m);
        let key = m.json_key();
        let write = ser_value(svc, m.target, quote! { value }, m.timestamp_format, 0);
        if m.required {
            quote! {
                {
                    let value = &#v.#f;
                    w.key(#key);
                    #write
                }
            }
        } else if m.idempotency_token {
            quote! {
                match &#v.#f {
                    ::std::option::Option::Some(value) => {
                        w.key(#key);
                        #write
                    }
                    ::std::option::Option::None => {
                        w.key(#key);
                        w.string(&::stsgen_runtime::idempotency::token());
                    }
                }
            }
        } else {
            quote! {
                if let ::std::option::Option::Some(value) = &#v.#f {
                    w.key(#key);
                    #write
                }
            }
        }
    });
    quote! { #(#stmts)* }
}

/// The `src/protocol/ser.rs` module: one writer per structure reachable from an input.
pub fn ser_module(svc: &Service) -> TokenStream {
    let fns = input_structures(svc).into_iter().filter_map(|id| {
        let shape = svc.shape(id);
        let ShapeKind::Structure(s) = &shape.kind else {
            return None;
        };
        if svc.operations.iter().any(|o| o.input == Some(id)) && shape.home != Home::Types {
            return None; // operation inputs are written in their operation module
        }
        let f = ser_fn(svc, id);
        let ty = rust_type(svc, id);
        let body = ser_members(svc, &s.members, quote! { v });
        let doc = format!(" Writes a `{}` as a JSON object.", shape.wire_name);
        Some(quote! {
            #[doc = #doc]
            pub(crate) fn #f(w: &mut ::stsgen_runtime::json::JsonWriter, v: &#ty) {
                w.begin_object();
                #body
                w.end_object();
            }
        })
    });
    quote! {
        //! awsJson writers for structures shared between operations.
        #![allow(unused_variables, clippy::needless_borrow)]
        #(#fns)*
    }
}

/// An expression of type `T` reading `v` (an expression of type `&JsonValue`) as shape `id`.
pub(crate) fn de_value(
    svc: &Service,
    id: ShapeId,
    v: TokenStream,
    shape_name: &str,
    member: &str,
    member_ts: Option<TimestampFormat>,
) -> TokenStream {
    let r = reader();
    match &svc.shape(id).kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            let ty = rust_type(svc, id);
            quote! { #ty::from(#r::string(#v, #shape_name, #member)?) }
        }
        ShapeKind::String(_) => quote! { #r::string(#v, #shape_name, #member)? },
        ShapeKind::Boolean => quote! { #r::boolean(#v, #shape_name, #member)? },
        ShapeKind::Integer(_) => quote! { #r::i32(#v, #shape_name, #member)? },
        ShapeKind::Long(_) => quote! { #r::i64(#v, #shape_name, #member)? },
        ShapeKind::Float(_) => quote! { #r::f32(#v, #shape_name, #member)? },
        ShapeKind::Double(_) => quote! { #r::f64(#v, #shape_name, #member)? },
        ShapeKind::Blob { .. } => quote! { #r::blob(#v, #shape_name, #member)? },
        ShapeKind::Timestamp { .. } => {
            let fmt = ts_format(svc, id, member_ts);
            quote! { #r::timestamp(#v, #fmt, #shape_name, #member)? }
        }
        ShapeKind::Document => quote! { #r::document(#v) },
        ShapeKind::Structure(_) | ShapeKind::List(_) | ShapeKind::Map(_) => {
            let f = de_fn(svc, id);
            quote! { crate::protocol::de::#f(#v)? }
        }
    }
}

/// Statements reading the object `v` (a `&JsonValue` in scope) into the structure literal
/// `path { ... }` (with `extra` fields appended), ending in `Ok(...)`. Required members are
/// errors when missing unless `lenient_required` (error structures).
fn de_struct_body(
    svc: &Service,
    id: ShapeId,
    path: TokenStream,
    extra: TokenStream,
    lenient_required: bool,
) -> TokenStream {
    let locals = de_locals(svc, id);
    let read = de_read_object(svc, id, &|_| true);
    let inits = de_inits(svc, id, lenient_required);
    quote! {
        #locals
        #read
        Ok(#path { #inits #extra })
    }
}

/// `let mut f_<member> = None;` for every member of structure `id`.
pub(crate) fn de_locals(svc: &Service, id: ShapeId) -> TokenStream {
    let ShapeKind::Structure(s) = &svc.shape(id).kind else {
        return quote! {};
    };
    let locals = s.members.iter().map(|m| {
        let local = naming::prefixed_ident("f_", &m.rust_name);
        let ty = rust_type(svc, m.target);
        quote! { let mut #local: ::std::option::Option<#ty> = ::std::option::Option::None; }
    });
    quote! { #(#locals)* }
}

/// Statements reading the JSON object `v` (a `&JsonValue` in scope) into the locals of the
/// members of structure `id` that `in_body` selects.
pub(crate) fn de_read_object(
    svc: &Service,
    id: ShapeId,
    in_body: &dyn Fn(&Member) -> bool,
) -> TokenStream {
    let shape = svc.shape(id);
    let ShapeKind::Structure(s) = &shape.kind else {
        return quote! {};
    };
    let shape_name = shape.wire_name.as_str();
    let r = reader();
    let mut seen_keys = std::collections::BTreeSet::new();
    // (the keys a member answers to, the assignment that reads it)
    let arms: Vec<(Vec<String>, TokenStream)> = s
        .members
        .iter()
        .filter(|m| in_body(m))
        .filter_map(|m| {
            let local = naming::prefixed_ident("f_", &m.rust_name);
            let mut keys = vec![m.json_key().to_owned()];
            // Error structures read their `message` member from `message` or `Message`.
            if shape.home == Home::Error && m.rust_name == "message" {
                keys.extend(["message".to_owned(), "Message".to_owned()]);
            }
            keys.retain(|k| seen_keys.insert(k.clone()));
            if keys.is_empty() {
                return None;
            }
            let value = de_value(
                svc,
                m.target,
                quote! { value },
                shape_name,
                &m.wire_name,
                m.timestamp_format,
            );
            Some((
                keys,
                quote! { #local = ::std::option::Option::Some(#value) },
            ))
        })
        .collect();
    let dispatch = match arms.as_slice() {
        // One member: an `if` (a one-arm `match` is clippy's `single_match`).
        [(keys, read)] => quote! {
            if matches!(key.as_str(), #(#keys)|*) {
                #read;
            }
        },
        _ => {
            let arms = arms
                .iter()
                .map(|(keys, read)| quote! { #(#keys)|* => #read, });
            quote! {
                match key.as_str() {
                    #(#arms)*
                    _ => {}
                }
            }
        }
    };
    if arms.is_empty() {
        quote! { let _ = #r::object(v, #shape_name, "")?; }
    } else {
        quote! {
            for (key, value) in #r::object(v, #shape_name, "")? {
                if matches!(value, ::stsgen_runtime::json::JsonValue::Null) {
                    continue;
                }
                #dispatch
            }
        }
    }
}

/// The field initialisers of structure `id` from the locals (required members missing are
/// errors unless `lenient_required`).
pub(crate) fn de_inits(svc: &Service, id: ShapeId, lenient_required: bool) -> TokenStream {
    let shape = svc.shape(id);
    let ShapeKind::Structure(s) = &shape.kind else {
        return quote! {};
    };
    let shape_name = shape.wire_name.as_str();
    let inits = s.members.iter().map(|m| {
        let f = field_ident(m);
        let local = naming::prefixed_ident("f_", &m.rust_name);
        let wire = &m.wire_name;
        let mut value = if m.required && !lenient_required {
            quote! { #local.ok_or_else(|| ::stsgen_runtime::ParseError::missing(#shape_name, #wire))? }
        } else {
            quote! { #local }
        };
        if m.boxed {
            value = if m.required && !lenient_required {
                quote! { ::std::boxed::Box::new(#value) }
            } else {
                quote! { #value.map(::std::boxed::Box::new) }
            };
        }
        quote! { #f: #value, }
    });
    quote! { #(#inits)* }
}

/// The `src/protocol/de.rs` module: readers for the structures, lists and maps reachable from
/// operation outputs and errors.
pub fn de_module(svc: &Service) -> TokenStream {
    let r = reader();
    let mut fns = Vec::new();
    for id in output_shapes(svc) {
        let shape = svc.shape(id);
        let f = de_fn(svc, id);
        let ty = rust_type(svc, id);
        let doc = format!(" Reads a `{}`.", shape.wire_name);
        let wire = shape.wire_name.as_str();
        let body = match &shape.kind {
            ShapeKind::Structure(_) if shape.home == Home::Types => {
                de_struct_body(svc, id, ty.clone(), quote! {}, false)
            }
            ShapeKind::Structure(_) if shape.home == Home::Error => de_struct_body(
                svc,
                id,
                ty.clone(),
                quote! { meta: ::stsgen_runtime::ErrorMetadata::default(), },
                true,
            ),
            ShapeKind::List(l) => {
                let value = de_value(svc, l.member, quote! { item }, wire, "member", None);
                quote! {
                    let items = #r::array(v, #wire, "member")?;
                    let mut out = ::std::vec::Vec::with_capacity(items.len());
                    for item in items {
                        if matches!(item, ::stsgen_runtime::json::JsonValue::Null) {
                            continue;
                        }
                        out.push(#value);
                    }
                    Ok(out)
                }
            }
            ShapeKind::Map(m) => {
                let key = if svc.is_enum(m.key) {
                    let kty = rust_type(svc, m.key);
                    quote! { #kty::from(key.as_str()) }
                } else {
                    quote! { ::std::clone::Clone::clone(key) }
                };
                let value = de_value(svc, m.value, quote! { value }, wire, "value", None);
                quote! {
                    let mut out = ::std::collections::BTreeMap::new();
                    for (key, value) in #r::object(v, #wire, "entry")? {
                        if matches!(value, ::stsgen_runtime::json::JsonValue::Null) {
                            continue;
                        }
                        out.insert(#key, #value);
                    }
                    Ok(out)
                }
            }
            _ => continue, // scalars are read inline; operation outputs in their module
        };
        fns.push(quote! {
            #[doc = #doc]
            pub(crate) fn #f(v: &::stsgen_runtime::json::JsonValue) -> ::std::result::Result<#ty, ::stsgen_runtime::ParseError> {
                #body
            }
        });
    }
    quote! {
        //! awsJson readers for shapes shared between operations.
        #![allow(dead_code, unused_mut, clippy::match_single_binding)]
        #(#fns)*
    }
}

/// The operation's `X-Amz-Target` value and `Content-Type`.
fn target_and_content_type(svc: &Service, op: &Operation) -> (String, TokenStream) {
    match &svc.protocol {
        Protocol::AwsJson {
            version,
            target_prefix,
        } => {
            let ct = match version {
                JsonVersion::V1_0 => {
                    quote! { ::stsgen_runtime::protocol::aws_json::CONTENT_TYPE_1_0 }
                }
                JsonVersion::V1_1 => {
                    quote! { ::stsgen_runtime::protocol::aws_json::CONTENT_TYPE_1_1 }
                }
            };
            (format!("{target_prefix}.{}", op.wire_name), ct)
        }
        Protocol::AwsQuery | Protocol::RestJson1 => (
            op.wire_name.clone(),
            quote! { "application/x-amz-json-1.0" },
        ),
    }
}

/// The body of a JSON protocol's `parse_error` after `let (meta, doc) = ...parse_error_metadata(...)?`
/// (awsJson and restJson read the code the same way, in the runtime's
/// `protocol::aws_json::parse_error_metadata`): the modeled error `meta.code()` names, read
/// from `doc` with its message filled from the metadata and `extra(shape)` run on it (restJson
/// reads members bound to headers there), else `Unhandled`.
///
/// awsQuery-compatible services name errors by their awsQuery code in `x-amzn-query-error`;
/// without that header the code is the shape name from `__type`, which then selects the same
/// variant (unless another variant already answers to that name).
pub(crate) fn classify_error(
    svc: &Service,
    op: &Operation,
    extra: &dyn Fn(ShapeId) -> TokenStream,
) -> TokenStream {
    let error_ty = naming::suffixed_ident(&op.rust_name, "Error");
    let codes: std::collections::BTreeSet<&str> =
        op.error_variants.iter().map(|v| v.code.as_str()).collect();
    let arms = op
        .error_variants
        .iter()
        .filter_map(|variant| {
            let e = variant.shape;
            let shape_name = svc.shape(e).wire_name.as_str();
            let also = (svc.aws_query_compatible && !codes.contains(shape_name))
                .then(|| quote! { | #shape_name });
            let ty = rust_type(svc, e);
            let name: Ident = naming::ident(&variant.name);
            let f = de_fn(svc, e);
            let fill_message = svc
                .structure(e)?
                .members
                .iter()
                .any(|m| m.rust_name == "message")
                .then(|| {
                    quote! {
                        if e.message.is_none() {
                            e.message = e.meta.message().map(::std::borrow::ToOwned::to_owned);
                        }
                    }
                });
            let extra = extra(e);
            Some(quote! {
                #ty::CODE #also => {
                    let mut e = crate::protocol::de::#f(&doc).map_err(|e| e.with_response(status, body))?;
                    e.meta = meta;
                    #fill_message
                    #extra
                    #error_ty::#name(e)
                }
            })
        })
        .collect::<Vec<_>>();
    if arms.is_empty() {
        quote! {
            let _ = doc;
            #error_ty::Unhandled(::stsgen_runtime::UnhandledError::new(meta))
        }
    } else {
        quote! {
            match meta.code() {
                #(#arms)*
                _ => #error_ty::Unhandled(::stsgen_runtime::UnhandledError::new(meta)),
            }
        }
    }
}

/// The operation's sans-IO protocol functions: `serialize_body`, `request`, `parse_output`,
/// `parse_error` (the same signatures as awsQuery's, so the client glue is shared).
pub fn protocol_fns(svc: &Service, op: &Operation) -> TokenStream {
    let input_ty = naming::suffixed_ident(&op.rust_name, "Input");
    let output_ty = naming::suffixed_ident(&op.rust_name, "Output");
    let error_ty = naming::suffixed_ident(&op.rust_name, "Error");
    let (target, content_type) = target_and_content_type(svc, op);
    let ser = match op.input.and_then(|i| svc.structure(i)) {
        Some(s) if !s.members.is_empty() => ser_members(svc, &s.members, quote! { input }),
        _ => quote! { let _ = input; },
    };
    let r = reader();
    let output_name = op
        .output
        .map(|o| svc.shape(o).wire_name.clone())
        .unwrap_or_else(|| format!("{}Output", op.wire_name));
    let read_output = match op.output {
        Some(id) => de_struct_body(
            svc,
            id,
            quote! { #output_ty },
            quote! { _request_id: ::std::option::Option::None, },
            false,
        ),
        None => quote! {
            let _ = #r::object(v, #output_name, "")?;
            Ok(#output_ty { _request_id: ::std::option::Option::None })
        },
    };
    let classify = classify_error(svc, op, &|_| quote! {});
    let query_compatible = svc.aws_query_compatible;
    quote! {
        /// The `X-Amz-Target` header of the operation's requests.
        pub const TARGET: &str = #target;

        /// The JSON body for `input` (every set member; unset idempotency tokens are filled).
        pub fn serialize_body(input: &#input_ty) -> ::std::string::String {
            let mut writer = ::stsgen_runtime::json::JsonWriter::compact();
            {
                let w = &mut writer;
                w.begin_object();
                #ser
                w.end_object();
            }
            writer.finish()
        }

        /// The unsigned HTTP request for `input`: method, URI, `content-type`, `x-amz-target`,
        /// `content-length` and body. The client adds `host`, `user-agent` and the signature.
        pub fn request(input: &#input_ty) -> ::stsgen_runtime::http::Request<::std::vec::Vec<u8>> {
            ::stsgen_runtime::protocol::aws_json::json_request(HTTP_METHOD, HTTP_URI, #content_type, TARGET, serialize_body(input), REQUEST_COMPRESSION)
        }

        /// Reads a successful response body.
        ///
        /// # Errors
        /// A [`ParseError`](::stsgen_runtime::ParseError) naming what was malformed or missing.
        pub fn parse_output(body: &[u8]) -> ::std::result::Result<#output_ty, ::stsgen_runtime::ParseError> {
            let document = ::stsgen_runtime::protocol::aws_json::parse_body(body)?;
            let v = &document;
            #read_output
        }

        /// Reads an error response: the modeled error its code names, or `Unhandled`.
        ///
        /// # Errors
        /// A [`ParseError`](::stsgen_runtime::ParseError) with the status and the start of the
        /// body when no error code can be found.
        pub fn parse_error(
            status: u16,
            headers: &::stsgen_runtime::http::HeaderMap,
            body: &[u8],
        ) -> ::std::result::Result<#error_ty, ::stsgen_runtime::ParseError> {
            let (meta, doc) = ::stsgen_runtime::protocol::aws_json::parse_error_metadata(status, headers, body, #query_compatible)?;
            Ok({ #classify })
        }
    }
}
