//! Fuzzes the readers the generator emits for restJson1, in the `rest_sink` fixture crate
//! (`tests/fixtures/models/rest_sink.json`, generated into `target/fuzz-crates/rest_sink` by
//! `cargo xtask fuzz` before it builds): `parse_output` and `parse_error` of every operation,
//! with members bound to the status code, single headers (strings, enums, booleans, integers,
//! floats, base64 blobs and `jsonvalue` text, HTTP-date and RFC 3339 timestamps), list headers
//! (quoted strings, enums, integers, HTTP dates), prefixed header maps, structure, blob and
//! string payloads, JSON bodies, and a modeled error with a member bound to a header.
//!
//! Input: a selector byte (bits 0-2: the operation, modulo 6, in the order of `OPS`; bit 3:
//! `parse_error` rather than `parse_output`), two status bytes (big-endian: any `u16`), a
//! header count byte (modulo 8), then per header a name byte (modulo the length of `NAMES`)
//! and a length byte followed by that many value bytes (a value a header cannot hold is left
//! out), then the body. Parsing must never panic, hang or overflow the stack, and every
//! outcome must format (`Debug`, and `Display` for errors) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rest_sink::operation::{get_blob, get_report, get_text, get_thing, put_thing, upload_part};
use stsgen_runtime::http::{HeaderMap, HeaderName, HeaderValue};

/// The header names the generated readers look at, one they do not, and an upper-case one.
const NAMES: &[&str] = &[
    "x-amzn-errortype",
    "x-amzn-requestid",
    "x-amz-request-id",
    "last-modified",
    "x-labels",
    "x-meta-a",
    "x-meta-",
    "x-version",
    "x-resource",
    "x-flag",
    "x-count",
    "x-ratio",
    "x-digest",
    "x-policy",
    "x-dates",
    "x-stamp",
    "x-kinds",
    "x-sizes",
    "content-type",
    "x-kind",
    "x-other",
    "X-Meta-Upper",
];

fn show<T: std::fmt::Debug, E: std::fmt::Debug + std::fmt::Display>(outcome: Result<T, E>) {
    match outcome {
        Ok(v) => drop(format!("{v:?}")),
        Err(e) => drop(format!("{e} {e:?}")),
    }
}

/// Formats a modeled or unhandled error as a caller would.
macro_rules! show_error {
    ($outcome:expr) => {
        match $outcome {
            Ok(e) => drop(format!("{e} {e:?} {:?} {} {:?}", e.code(), e.is_retryable(), e.meta())),
            Err(e) => drop(format!("{e} {e:?}")),
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let [selector, s0, s1, count, rest @ ..] = data else { return };
    let status = u16::from_be_bytes([*s0, *s1]);
    let mut rest: &[u8] = rest;
    let mut headers = HeaderMap::new();
    for _ in 0..count % 8 {
        let &[name, len, ref tail @ ..] = rest else { break };
        let len = usize::from(len).min(tail.len());
        let (value, tail) = tail.split_at(len);
        rest = tail;
        let name = NAMES[usize::from(name) % NAMES.len()];
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(value)) {
            headers.append(name, value);
        }
    }
    let body = rest;
    let error = selector & 8 == 8;
    match (selector & 7) % 6 {
        0 if error => show_error!(get_thing::parse_error(status, &headers, body)),
        0 => show(get_thing::parse_output(status, &headers, body)),
        1 if error => show_error!(put_thing::parse_error(status, &headers, body)),
        1 => show(put_thing::parse_output(status, &headers, body)),
        2 if error => show_error!(upload_part::parse_error(status, &headers, body)),
        2 => show(upload_part::parse_output(status, &headers, body)),
        3 if error => show_error!(get_report::parse_error(status, &headers, body)),
        3 => show(get_report::parse_output(status, &headers, body)),
        4 if error => show_error!(get_blob::parse_error(status, &headers, body)),
        4 => show(get_blob::parse_output(status, &headers, body)),
        _ if error => show_error!(get_text::parse_error(status, &headers, body)),
        _ => show(get_text::parse_output(status, &headers, body)),
    }
});
