//! Fuzzes the runtime's restJson readers: the input is an HTTP status byte (`400 + byte`), a
//! length byte splitting the rest into a header value and a body. The header value (when a
//! header can hold it) is read as every header-bound member would be (single values, lists,
//! HTTP-date lists, prefixed maps, every typed reader on every item), and the status, an
//! `X-Amzn-Errortype` header of that value and the body go through `parse_error_metadata`.
//! Nothing may panic or hang; outcomes must format without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stsgen_runtime::http::{HeaderMap, HeaderValue};
use stsgen_runtime::protocol::rest_json::{self, headers};
use stsgen_runtime::types::wire::TimestampFormat;

fn read_text(text: &str) {
    let _ = headers::boolean(text, "S", "m");
    let _ = headers::i32(text, "S", "m");
    let _ = headers::i64(text, "S", "m");
    let _ = headers::f32(text, "S", "m");
    let _ = headers::f64(text, "S", "m");
    let _ = headers::blob(text, "S", "m");
    let _ = headers::json_text(text, "S", "m");
    for format in [TimestampFormat::EpochSeconds, TimestampFormat::DateTime, TimestampFormat::HttpDate] {
        if let Ok(t) = headers::timestamp(text, format, "S", "m") {
            drop(format!("{t:?}"));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [status, split, rest @ ..] = data else { return };
    let status = 400 + u16::from(*status);
    let at = usize::from(*split).min(rest.len());
    let (value, body) = rest.split_at(at);
    let mut map = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_bytes(value) {
        map.append("x-meta-a", v.clone());
        map.append("x-meta-a", v.clone());
        map.insert("x-amzn-errortype", v);
    }
    if let Ok(Some(text)) = headers::get(&map, "x-meta-a", "S", "m") {
        read_text(&text);
        headers::split_list(&text).iter().for_each(|item| read_text(item));
        headers::split_http_dates(&text).iter().for_each(|item| read_text(item));
    }
    if let Ok(entries) = headers::prefixed(&map, "X-Meta-", "S", "m") {
        drop(format!("{entries:?}"));
    }
    match rest_json::parse_error_metadata(status, &map, body) {
        Ok((meta, doc)) => drop(format!("{meta:?} {doc:?} {:?}", rest_json::request_id(&map))),
        Err(e) => drop(format!("{e} {e:?}")),
    }
});
