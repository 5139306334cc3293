//! The awsJson request: `POST` with `Content-Type: application/x-amz-json-1.x`, `X-Amz-Target`
//! and the JSON body, and the value forms the protocol writes.

use crate::json::{JsonValue, JsonWriter};
use crate::types::datetime::DateTime;
use crate::types::wire::{format_f32, format_f64, format_timestamp, TimestampFormat};

/// `Content-Type` of awsJson 1.0 requests.
pub const CONTENT_TYPE_1_0: &str = "application/x-amz-json-1.0";
/// `Content-Type` of awsJson 1.1 requests.
pub const CONTENT_TYPE_1_1: &str = "application/x-amz-json-1.1";

/// A timestamp: epoch seconds as a JSON number (with a fraction when not whole), or a string in
/// the other formats.
pub fn write_timestamp(w: &mut JsonWriter, value: &DateTime, format: TimestampFormat) {
    match format {
        TimestampFormat::EpochSeconds => w.raw_number(&value.format_epoch_seconds()),
        other => w.string(&format_timestamp(value, other)),
    }
}

/// A 32-bit float: its shortest decimal form, or `"NaN"`, `"Infinity"`, `"-Infinity"` as strings.
pub fn write_f32(w: &mut JsonWriter, value: f32) {
    if value.is_finite() {
        w.raw_number(&format_f32(value));
    } else {
        w.string(&format_f32(value));
    }
}

/// A 64-bit float: its shortest decimal form, or `"NaN"`, `"Infinity"`, `"-Infinity"` as strings.
pub fn write_f64(w: &mut JsonWriter, value: f64) {
    if value.is_finite() {
        w.raw_number(&format_f64(value));
    } else {
        w.string(&format_f64(value));
    }
}

/// A document (an untyped JSON value), written as it is.
pub fn write_document(w: &mut JsonWriter, value: &JsonValue) {
    value.write(w);
}

/// The unsigned awsJson request: `method` (always `POST` in the models) to `uri`, with
/// `content-type`, `x-amz-target: <target>`, `content-length` and `body`. When the operation
/// accepts gzip (`compression`), the runtime has the `gzip` feature and the body is at least
/// [`MIN_COMPRESSION_SIZE`](crate::protocol::aws_query::MIN_COMPRESSION_SIZE) bytes, the body is
/// gzipped and `content-encoding: gzip` set.
pub fn json_request(
    method: &str,
    uri: &str,
    content_type: &'static str,
    target: &str,
    body: String,
    compression: &[&str],
) -> http::Request<Vec<u8>> {
    #[cfg_attr(not(feature = "gzip"), allow(unused_mut))]
    let mut body = body.into_bytes();
    #[cfg_attr(not(feature = "gzip"), allow(unused_mut))]
    let mut encoding = None;
    #[cfg(feature = "gzip")]
    if body.len() >= crate::protocol::aws_query::MIN_COMPRESSION_SIZE
        && compression.contains(&"gzip")
    {
        if let Ok(compressed) = crate::protocol::aws_query::gzip(&body) {
            body = compressed;
            encoding = Some("gzip");
        }
    }
    #[cfg(not(feature = "gzip"))]
    let _ = compression;
    let len = body.len();
    let mut req = http::Request::new(body);
    *req.method_mut() = crate::protocol::method_named(method);
    *req.uri_mut() = uri.parse().unwrap_or_else(|_| http::Uri::from_static("/"));
    let headers = req.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    if let Ok(v) = http::HeaderValue::from_str(target) {
        headers.insert("x-amz-target", v);
    }
    headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
    if let Some(e) = encoding {
        headers.insert(
            http::header::CONTENT_ENCODING,
            http::HeaderValue::from_static(e),
        );
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_has_the_protocol_headers() {
        let req = json_request(
            "POST",
            "/",
            CONTENT_TYPE_1_1,
            "JsonProtocol.Op",
            "{}".to_owned(),
            &[],
        );
        assert_eq!(req.method(), http::Method::POST);
        assert_eq!(req.uri().path(), "/");
        assert_eq!(req.headers()["content-type"], "application/x-amz-json-1.1");
        assert_eq!(req.headers()["x-amz-target"], "JsonProtocol.Op");
        assert_eq!(req.headers()["content-length"], "2");
        assert_eq!(req.body(), b"{}");
    }

    #[test]
    fn values_take_the_protocol_forms() {
        let mut w = JsonWriter::compact();
        w.begin_array();
        write_timestamp(
            &mut w,
            &DateTime::from_unix_timestamp(1_398_796_238).unwrap(),
            TimestampFormat::EpochSeconds,
        );
        write_timestamp(
            &mut w,
            &DateTime::from_unix_timestamp_nanos(1_500_000_000).unwrap(),
            TimestampFormat::EpochSeconds,
        );
        write_timestamp(
            &mut w,
            &DateTime::from_unix_timestamp(0).unwrap(),
            TimestampFormat::DateTime,
        );
        write_f32(&mut w, 1.1);
        write_f64(&mut w, f64::NAN);
        write_f64(&mut w, f64::NEG_INFINITY);
        w.end_array();
        assert_eq!(
            w.finish(),
            r#"[1398796238,1.500,"1970-01-01T00:00:00Z",1.1,"NaN","-Infinity"]"#
        );
    }
}
