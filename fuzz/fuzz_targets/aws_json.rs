//! Fuzzes the runtime's awsJson readers: the input is an HTTP status byte (`400 + byte`), a
//! header selector byte (bit 0: an `X-Amzn-Errortype` header, bit 1: `x-amzn-query-error` with
//! awsQuery compatibility on) and the body. The body goes through `parse_body`, every typed
//! reader on every value of the document, and `parse_error_metadata`. Nothing may panic, hang
//! or overflow the stack; outcomes must format without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stsgen_runtime::http::{HeaderMap, HeaderValue};
use stsgen_runtime::json::JsonValue;
use stsgen_runtime::protocol::aws_json::{self, reader};
use stsgen_runtime::types::wire::TimestampFormat;

/// Every typed reader on `v` and, recursively, on its items and members.
fn read_all(v: &JsonValue, depth: usize) {
    let _ = reader::string(v, "S", "m");
    let _ = reader::boolean(v, "S", "m");
    let _ = reader::i32(v, "S", "m");
    let _ = reader::i64(v, "S", "m");
    let _ = reader::f32(v, "S", "m");
    let _ = reader::f64(v, "S", "m");
    let _ = reader::blob(v, "S", "m");
    for format in [TimestampFormat::EpochSeconds, TimestampFormat::DateTime, TimestampFormat::HttpDate] {
        if let Ok(t) = reader::timestamp(v, format, "S", "m") {
            drop(format!("{t:?}"));
        }
    }
    if depth > 200 {
        return;
    }
    if let Ok(items) = reader::array(v, "S", "m") {
        items.iter().for_each(|i| read_all(i, depth + 1));
    }
    if let Ok(members) = reader::object(v, "S", "m") {
        members.iter().for_each(|(_, m)| read_all(m, depth + 1));
    }
}

fuzz_target!(|data: &[u8]| {
    let [status, selector, body @ ..] = data else { return };
    let status = 400 + u16::from(*status);
    let mut headers = HeaderMap::new();
    if selector & 1 == 1 {
        headers.insert("x-amzn-errortype", HeaderValue::from_static("aws.protocoltests#FooError:http://internal/"));
    }
    let query_compatible = selector & 2 == 2;
    if query_compatible {
        headers.insert("x-amzn-query-error", HeaderValue::from_static("AWS.Foo.Bar;Sender"));
    }
    match aws_json::parse_body(body) {
        Ok(doc) => read_all(&doc, 0),
        Err(e) => drop(format!("{e} {e:?}")),
    }
    match aws_json::parse_error_metadata(status, &headers, body, query_compatible) {
        Ok((meta, doc)) => drop(format!("{meta:?} {doc:?}")),
        Err(e) => drop(format!("{e} {e:?}")),
    }
});
