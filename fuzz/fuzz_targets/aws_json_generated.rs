//! Fuzzes the deserializers the generator emits for awsJson, in the `json_sink` fixture crate
//! (`tests/fixtures/models/json_sink.json`, generated into `target/fuzz-crates/json_sink` by
//! `cargo xtask fuzz` before it builds): a document member, a map, an enum, epoch-second
//! timestamps, a list of structures, required members, and modeled errors (one matched by its
//! `error.code`, one retryable).
//!
//! Input: a selector byte (bit 0: `parse_output` or `parse_error`; bit 1: `PutItem` or `Ping`;
//! bit 2: an `X-Amzn-Errortype` header naming `ItemNotFound`), a status byte (`400 + byte`),
//! then the body. Parsing must never panic, hang or overflow the stack, and every outcome must
//! format (`Debug`, and `Display` for errors) without panicking.
#![no_main]

use json_sink::operation::{ping, put_item};
use libfuzzer_sys::fuzz_target;
use stsgen_runtime::http::{HeaderMap, HeaderValue};

fn show<T: std::fmt::Debug, E: std::fmt::Debug + std::fmt::Display>(outcome: Result<T, E>) {
    match outcome {
        Ok(v) => drop(format!("{v:?}")),
        Err(e) => drop(format!("{e} {e:?}")),
    }
}

fuzz_target!(|data: &[u8]| {
    let [selector, status, body @ ..] = data else { return };
    let status = 400 + u16::from(*status);
    let mut headers = HeaderMap::new();
    if selector & 4 == 4 {
        headers.insert("x-amzn-errortype", HeaderValue::from_static("ItemNotFound:http://internal/"));
    }
    match (selector & 1 == 1, selector & 2 == 2) {
        (false, false) => show(put_item::parse_output(body)),
        (false, true) => show(ping::parse_output(body)),
        (true, false) => match put_item::parse_error(status, &headers, body) {
            Ok(e) => drop(format!("{e} {e:?} {:?} {}", e.code(), e.is_retryable())),
            Err(e) => drop(format!("{e} {e:?}")),
        },
        (true, true) => show(ping::parse_error(status, &headers, body)),
    }
});
