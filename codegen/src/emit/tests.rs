//! Tests emitted into the generated crate (`src/generated_tests.rs`, `#[cfg(test)]`).
//!
//! - **Redaction.** For every structure with a sensitive member (shared types, operation inputs
//!   and outputs, errors), a test builds a value whose sensitive members hold a marker, and
//!   checks that neither the value's nor its builder's `Debug` output contains the marker.
//! - **Constraints.** For every operation whose input has constrained members (length, range,
//!   pattern, list sizes; nested members too), a test derives from the model one violating value
//!   per constraint, sends each through a client whose transport counts requests (and panics),
//!   and checks the call fails with `SdkError::Construction` naming the member path and the
//!   violated constraint, before any request is made.

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
        ShapeKind::Document => {
            quote! { ::stsgen_runtime::json::JsonValue::String(#text.to_owned()) }
        }
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
            struct_literal(
                svc,
                id,
                path,
                shape.home == Home::Error,
                false,
                marker,
                depth,
            )?
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
    let ShapeKind::Structure(s) = &svc.shape(id).kind else {
        return None;
    };
    let mut fields = Vec::new();
    for m in &s.members {
        let f = field_ident(m);
        let is_struct = matches!(svc.shape(m.target).kind, ShapeKind::Structure(_));
        let wants_value = m.required || m.sensitive || is_struct;
        let value = if wants_value {
            match sample(svc, m.target, marker || m.sensitive, depth + 1) {
                Some(v) => Some(if m.boxed {
                    quote! { ::std::boxed::Box::new(#v) }
                } else {
                    v
                }),
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
    let ShapeKind::Structure(s) = &svc.shape(id).kind else {
        return None;
    };
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
    let has_sensitive = |id: ShapeId| {
        svc.structure(id)
            .is_some_and(|s| s.members.iter().any(|m| m.sensitive))
    };
    // (test name, value literal, builder literal)
    let mut cases: Vec<(String, Option<TokenStream>, Option<TokenStream>)> = Vec::new();
    for (i, shape) in svc.shapes.iter().enumerate() {
        let id = ShapeId(i);
        if !has_sensitive(id) {
            continue;
        }
        match shape.home {
            Home::Types => {
                let name = naming::ident(&shape.rust_name);
                let builder = naming::suffixed_ident(&shape.rust_name, "Builder");
                cases.push((
                    format!("types_{}", naming::field_name(&shape.wire_name)),
                    struct_literal(
                        svc,
                        id,
                        quote! { crate::types::#name },
                        false,
                        false,
                        false,
                        0,
                    ),
                    builder_literal(svc, id, quote! { crate::types::builders::#builder }),
                ));
            }
            Home::Error => {
                let name = naming::ident(&shape.rust_name);
                cases.push((
                    format!("error_{}", naming::field_name(&shape.wire_name)),
                    struct_literal(
                        svc,
                        id,
                        quote! { crate::types::error::#name },
                        true,
                        false,
                        false,
                        0,
                    ),
                    None,
                ));
            }
            _ => {}
        }
    }
    for op in &svc.operations {
        let module = naming::ident(&op.module);
        for (id, suffix, is_output) in op
            .input
            .map(|i| (i, "Input", false))
            .into_iter()
            .chain(op.output.map(|o| (o, "Output", true)))
        {
            if !has_sensitive(id) {
                continue;
            }
            let name = format_ident!("{}{}", op.rust_name, suffix);
            let builder = format_ident!("{}{}Builder", op.rust_name, suffix);
            cases.push((
                format!("{}_{}", op.module, suffix.to_lowercase()),
                struct_literal(
                    svc,
                    id,
                    quote! { crate::operation::#module::#name },
                    false,
                    is_output,
                    false,
                    0,
                ),
                builder_literal(
                    svc,
                    id,
                    quote! { crate::operation::#module::builders::#builder },
                ),
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
    let constraint_tests = constraint_tests(svc);
    if tests.is_empty() && constraint_tests.is_empty() {
        return None;
    }
    let marker = (!tests.is_empty()).then(|| quote! { const MARKER: &str = #MARKER; });
    let helpers = (!constraint_tests.is_empty()).then(constraint_helpers);
    Some(quote! {
        //! Generated tests: `Debug` of every structure with a sensitive member never shows it;
        //! every modeled input constraint rejects a violating value before anything is sent.
        #![allow(clippy::redundant_clone, clippy::type_complexity, clippy::vec_init_then_push, deprecated)]

        #marker
        #helpers

        #(#tests)*
        #(#constraint_tests)*
    })
}

/// Helpers of the constraint tests: a transport that counts (and fails) every request, and a
/// one-poll executor (validation fails before the call first awaits anything).
fn constraint_helpers() -> TokenStream {
    quote! {
        /// Counts requests; a request reaching it fails the test.
        #[derive(Debug, Default)]
        struct NoNetwork(::std::sync::atomic::AtomicUsize);

        impl ::stsgen_runtime::client::HttpClient for NoNetwork {
            fn send(
                &self,
                _request: ::stsgen_runtime::http::Request<::std::vec::Vec<u8>>,
                _max_body: usize,
            ) -> ::stsgen_runtime::future::BoxFuture<'_, ::std::result::Result<::stsgen_runtime::client::HttpResponse, ::stsgen_runtime::error::TransportError>> {
                self.0.fetch_add(1, ::std::sync::atomic::Ordering::SeqCst);
                panic!("an invalid input reached the transport");
            }
        }

        /// A client over [`NoNetwork`], with credentials and a region so that only validation can stop a call.
        fn no_network_client() -> (crate::Client, ::std::sync::Arc<NoNetwork>) {
            let transport = ::std::sync::Arc::new(NoNetwork::default());
            let mut config = crate::Config::new();
            config.region = ::std::option::Option::Some("us-east-1".to_owned());
            config.credentials = ::std::option::Option::Some(::std::sync::Arc::new(
                ::stsgen_runtime::credentials::StaticCredentials::new("AKIDEXAMPLE", "secret", ::std::option::Option::None),
            ));
            config.http_client = ::std::option::Option::Some(transport.clone());
            (crate::Client::new(config).expect("a client"), transport)
        }

        /// Polls `f` once: a call rejected by validation is ready at once.
        fn now<F: ::std::future::Future>(f: F) -> F::Output {
            let mut f = ::std::pin::pin!(f);
            match ::std::future::Future::poll(f.as_mut(), &mut ::std::task::Context::from_waker(::std::task::Waker::noop())) {
                ::std::task::Poll::Ready(v) => v,
                ::std::task::Poll::Pending => panic!("the call waited for I/O instead of failing validation"),
            }
        }

        fn violation_name(v: &::stsgen_runtime::Violation) -> &'static str {
            match v {
                ::stsgen_runtime::Violation::Missing => "Missing",
                ::stsgen_runtime::Violation::TooShort { .. } => "TooShort",
                ::stsgen_runtime::Violation::TooLong { .. } => "TooLong",
                ::stsgen_runtime::Violation::TooSmall { .. } => "TooSmall",
                ::stsgen_runtime::Violation::TooLarge { .. } => "TooLarge",
                ::stsgen_runtime::Violation::PatternMismatch { .. } => "PatternMismatch",
                _ => "other",
            }
        }
    }
}

/// Characters tried (repeated) for values that must match a pattern.
const VALID_CHARS: &[char] = &['a', 'A', '0', '1', 'x', '_', '-', '.'];
/// Characters tried (repeated) for values that must not match a pattern.
const INVALID_CHARS: &[char] = &[
    '\u{0}', ' ', '!', '<', '{', '\n', '\u{7f}', '\u{e9}', '#', '~',
];
/// The longest list or string built to exceed a maximum.
const MAX_BUILT_LEN: u64 = 1 << 20;

fn pattern_matches(pattern: &str, value: &str) -> bool {
    regex_lite::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|re| re.is_match(value))
}

/// A string of `len` copies of the first of `chars` whose repetition matches (`want` true) or
/// fails (`want` false) the pattern; without a pattern, any length passes.
fn repeated_string(
    pattern: Option<&str>,
    len: u64,
    chars: &[char],
    want: bool,
) -> Option<TokenStream> {
    let c = match pattern {
        None => chars[0],
        Some(p) => {
            // Check on a short probe: a repetition of one character matches a character-class
            // pattern at any length within the bounds, which the length checks cover.
            let probe = len.clamp(1, 64) as usize;
            *chars
                .iter()
                .find(|c| pattern_matches(p, &c.to_string().repeat(probe)) == want)?
        }
    };
    if len > MAX_BUILT_LEN {
        return None;
    }
    let len = len as usize;
    if len <= 64 {
        let text = c.to_string().repeat(len);
        return Some(quote! { #text.to_owned() });
    }
    let unit = c.to_string();
    Some(quote! { #unit.repeat(#len) })
}

/// A value of shape `id` that passes every modeled constraint: required members only for
/// structures, minimal lengths, in-range numbers.
fn valid_value(svc: &Service, id: ShapeId, depth: usize) -> Option<TokenStream> {
    if depth > MAX_DEPTH {
        return None;
    }
    let shape = svc.shape(id);
    Some(match &shape.kind {
        ShapeKind::String(s) if !s.enum_values.is_empty() => {
            let ty = rust_type(svc, id);
            let variant = naming::ident(&s.enum_values[0].rust);
            quote! { #ty::#variant }
        }
        ShapeKind::String(s) => {
            let len = s
                .length
                .min
                .unwrap_or(1)
                .max(1)
                .min(s.length.max.unwrap_or(u64::MAX));
            repeated_string(s.pattern.as_deref(), len, VALID_CHARS, true)?
        }
        ShapeKind::Integer(r) => {
            let v = i32::try_from(in_range(r)).ok()?;
            quote! { #v }
        }
        ShapeKind::Long(r) => {
            let v = in_range(r);
            quote! { #v }
        }
        ShapeKind::Float(r) => {
            let v = proc_macro2::Literal::f32_suffixed(in_range_f64(r) as f32);
            quote! { #v }
        }
        ShapeKind::Double(r) => {
            let v = proc_macro2::Literal::f64_suffixed(in_range_f64(r));
            quote! { #v }
        }
        ShapeKind::Boolean => quote! { true },
        ShapeKind::Timestamp { .. } => quote! { ::stsgen_runtime::DateTime::UNIX_EPOCH },
        ShapeKind::Blob { length } => {
            let len = length
                .min
                .unwrap_or(1)
                .max(1)
                .min(length.max.unwrap_or(u64::MAX)) as usize;
            quote! { ::stsgen_runtime::Blob::from(::std::vec![b'a'; #len]) }
        }
        ShapeKind::Document => quote! { ::stsgen_runtime::json::JsonValue::Null },
        ShapeKind::List(l) => {
            let n = l
                .length
                .min
                .unwrap_or(1)
                .max(1)
                .min(l.length.max.unwrap_or(u64::MAX)) as usize;
            let item = valid_value(svc, l.member, depth + 1)?;
            quote! { ::std::vec![#item; #n] }
        }
        ShapeKind::Map(m) => {
            if m.length.min.unwrap_or(0) > 1 || m.length.max == Some(0) {
                return None;
            }
            let k = valid_value(svc, m.key, depth + 1)?;
            let v = valid_value(svc, m.value, depth + 1)?;
            quote! { ::std::collections::BTreeMap::from([(#k, #v)]) }
        }
        ShapeKind::Structure(_) => struct_with(svc, id, rust_type(svc, id), None, depth)?,
    })
}

fn in_range(r: &crate::ir::Range<i64>) -> i64 {
    match (r.min, r.max) {
        (Some(min), _) => min,
        (None, Some(max)) => max.min(0),
        (None, None) => 0,
    }
}

fn in_range_f64(r: &crate::ir::Range<f64>) -> f64 {
    match (r.min, r.max) {
        (Some(min), _) => min,
        (None, Some(max)) => max.min(0.0),
        (None, None) => 0.0,
    }
}

/// A literal of structure `id`: required members valid, optional ones unset, except member
/// `over.0` which holds `over.1`.
fn struct_with(
    svc: &Service,
    id: ShapeId,
    path: TokenStream,
    over: Option<(usize, TokenStream)>,
    depth: usize,
) -> Option<TokenStream> {
    let ShapeKind::Structure(s) = &svc.shape(id).kind else {
        return None;
    };
    let mut fields = Vec::new();
    for (i, m) in s.members.iter().enumerate() {
        let f = field_ident(m);
        let value = match &over {
            Some((j, v)) if *j == i => Some(v.clone()),
            _ if m.required => Some(valid_value(svc, m.target, depth + 1)?),
            _ => None,
        };
        let value = match value {
            Some(v) => {
                let v = if m.boxed {
                    quote! { ::std::boxed::Box::new(#v) }
                } else {
                    v
                };
                if m.required {
                    v
                } else {
                    quote! { ::std::option::Option::Some(#v) }
                }
            }
            None => quote! { ::std::option::Option::None },
        };
        fields.push(quote! { #f: #value, });
    }
    Some(quote! { #path { #(#fields)* } })
}

/// Appends a nested path (`Key`, `[0]`, `[0].Key`) to a member path.
fn join_path(head: &str, rest: &str) -> String {
    if rest.is_empty() {
        head.to_owned()
    } else if rest.starts_with('[') || head.is_empty() {
        format!("{head}{rest}")
    } else {
        format!("{head}.{rest}")
    }
}

/// One violating value.
struct Violating {
    value: TokenStream,
    /// The member path below the value (empty for the value itself).
    path: String,
    /// The `Violation` variant expected.
    kind: &'static str,
}

/// Values of shape `id` that each violate exactly one modeled constraint. `open` holds the
/// structures being descended into: a recursive structure's constraints are covered at its
/// shallowest place only.
fn violating_values(
    svc: &Service,
    id: ShapeId,
    depth: usize,
    open: &mut Vec<ShapeId>,
) -> Vec<Violating> {
    let mut out = Vec::new();
    if depth > MAX_DEPTH || open.contains(&id) {
        return out;
    }
    let own = |value: TokenStream, kind: &'static str| Violating {
        value,
        path: String::new(),
        kind,
    };
    match &svc.shape(id).kind {
        ShapeKind::String(s) if s.enum_values.is_empty() => {
            let p = s.pattern.as_deref();
            if let Some(min) = s.length.min.filter(|m| *m > 0) {
                // An empty string may fail the pattern too, but the length is checked first.
                if let Some(v) = repeated_string(p, min - 1, VALID_CHARS, true)
                    .or_else(|| (min == 1).then(|| quote! { ::std::string::String::new() }))
                {
                    out.push(own(v, "TooShort"));
                }
            }
            if let Some(max) = s.length.max {
                if let Some(v) = repeated_string(p, max + 1, VALID_CHARS, true) {
                    out.push(own(v, "TooLong"));
                }
            }
            if p.is_some() {
                let len = s.length.min.unwrap_or(1).max(1);
                if s.length.max.is_none_or(|max| len <= max) {
                    if let Some(v) = repeated_string(p, len, INVALID_CHARS, false) {
                        out.push(own(v, "PatternMismatch"));
                    }
                }
            }
        }
        ShapeKind::Integer(r) | ShapeKind::Long(r) => {
            let is_int = matches!(svc.shape(id).kind, ShapeKind::Integer(_));
            let lit = |v: i64| -> Option<TokenStream> {
                if is_int {
                    i32::try_from(v).ok().map(|v| quote! { #v })
                } else {
                    Some(quote! { #v })
                }
            };
            if let Some(v) = r.min.and_then(|m| m.checked_sub(1)).and_then(lit) {
                out.push(own(v, "TooSmall"));
            }
            if let Some(v) = r.max.and_then(|m| m.checked_add(1)).and_then(lit) {
                out.push(own(v, "TooLarge"));
            }
        }
        ShapeKind::Float(r) | ShapeKind::Double(r) => {
            let is_f32 = matches!(svc.shape(id).kind, ShapeKind::Float(_));
            let lit = |v: f64| {
                let l = if is_f32 {
                    proc_macro2::Literal::f32_suffixed(v as f32)
                } else {
                    proc_macro2::Literal::f64_suffixed(v)
                };
                quote! { #l }
            };
            if let Some(min) = r.min {
                out.push(own(lit(min - 1.0), "TooSmall"));
            }
            if let Some(max) = r.max {
                out.push(own(lit(max + 1.0), "TooLarge"));
            }
        }
        ShapeKind::Blob { length } => {
            if let Some(min) = length.min.filter(|m| *m > 0) {
                let n = (min - 1) as usize;
                out.push(own(
                    quote! { ::stsgen_runtime::Blob::from(::std::vec![b'a'; #n]) },
                    "TooShort",
                ));
            }
            if let Some(max) = length.max.filter(|m| *m < MAX_BUILT_LEN) {
                let n = (max + 1) as usize;
                out.push(own(
                    quote! { ::stsgen_runtime::Blob::from(::std::vec![b'a'; #n]) },
                    "TooLong",
                ));
            }
        }
        ShapeKind::List(l) => {
            if l.length.min.is_some_and(|m| m > 0) {
                out.push(own(quote! { ::std::vec::Vec::new() }, "TooShort"));
            }
            if let Some(max) = l.length.max.filter(|m| *m < MAX_BUILT_LEN) {
                if let Some(item) = valid_value(svc, l.member, depth + 1) {
                    let n = (max + 1) as usize;
                    out.push(own(quote! { ::std::vec![#item; #n] }, "TooLong"));
                }
            }
            // One element that violates a constraint, padded with valid ones up to the minimum.
            let pad = l.length.min.unwrap_or(1).max(1) as usize - 1;
            let filler = if pad > 0 {
                valid_value(svc, l.member, depth + 1)
            } else {
                Some(quote! {})
            };
            if let Some(filler) = filler {
                for v in violating_values(svc, l.member, depth + 1, open) {
                    let value = &v.value;
                    let rest = (pad > 0).then(|| quote! { ::std::iter::repeat_n(#filler, #pad) });
                    let list = match rest {
                        Some(rest) => {
                            quote! { ::std::iter::once(#value).chain(#rest).collect::<::std::vec::Vec<_>>() }
                        }
                        None => quote! { ::std::vec![#value] },
                    };
                    out.push(Violating {
                        value: list,
                        path: join_path("[0]", &v.path),
                        kind: v.kind,
                    });
                }
            }
        }
        ShapeKind::Map(m) => {
            if m.length.min.is_some_and(|m| m > 0) {
                out.push(own(
                    quote! { ::std::collections::BTreeMap::new() },
                    "TooShort",
                ));
            }
        }
        ShapeKind::Structure(s) => {
            let path = rust_type(svc, id);
            open.push(id);
            for (i, m) in s.members.iter().enumerate() {
                for v in violating_values(svc, m.target, depth + 1, open) {
                    if let Some(value) =
                        struct_with(svc, id, path.clone(), Some((i, v.value)), depth)
                    {
                        out.push(Violating {
                            value,
                            path: join_path(&m.wire_name, &v.path),
                            kind: v.kind,
                        });
                    }
                }
            }
            open.pop();
        }
        ShapeKind::String(_)
        | ShapeKind::Boolean
        | ShapeKind::Timestamp { .. }
        | ShapeKind::Document => {}
    }
    out
}

/// One test per operation whose input has constrained members.
fn constraint_tests(svc: &Service) -> Vec<TokenStream> {
    let mut tests = Vec::new();
    for op in &svc.operations {
        let Some(input) = op.input else { continue };
        let ShapeKind::Structure(s) = &svc.shape(input).kind else {
            continue;
        };
        let module = naming::ident(&op.module);
        let name = naming::suffixed_ident(&op.rust_name, "Input");
        let path = quote! { crate::operation::#module::#name };
        let Some(base) = struct_with(svc, input, path.clone(), None, 0) else {
            continue;
        };
        let mut cases = Vec::new();
        for (i, m) in s.members.iter().enumerate() {
            for v in violating_values(svc, m.target, 1, &mut vec![input]) {
                let Some(value) = struct_with(svc, input, path.clone(), Some((i, v.value)), 0)
                else {
                    continue;
                };
                let field = join_path(&m.wire_name, &v.path);
                let kind = v.kind;
                cases.push(quote! { cases.push((#value, #field, #kind)); });
            }
        }
        if cases.is_empty() {
            continue;
        }
        let test = format_ident!("constraints_reject_before_sending_{}", op.module);
        tests.push(quote! {
            #[test]
            fn #test() {
                let base = #base;
                assert_eq!(base.validate(), ::std::result::Result::Ok(()), "the valid sample passes");
                let mut cases: ::std::vec::Vec<(#path, &str, &str)> = ::std::vec::Vec::new();
                #(#cases)*
                let (client, transport) = no_network_client();
                for (input, field, kind) in cases {
                    match now(client.send(input)) {
                        ::std::result::Result::Err(::stsgen_runtime::error::SdkError::Construction(e)) => {
                            assert_eq!(e.field(), field, "{e}");
                            assert_eq!(violation_name(e.violation()), kind, "{field}: {e}");
                            let text = e.to_string();
                            assert!(text.contains(field), "the message names the member: {text}");
                        }
                        other => panic!("{field} ({kind}): expected a construction error, got {other:?}"),
                    }
                }
                assert_eq!(transport.0.load(::std::sync::atomic::Ordering::SeqCst), 0, "no request was sent");
            }
        });
    }
    tests
}
