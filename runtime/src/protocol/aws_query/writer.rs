//! The awsQuery request body: `Action=...&Version=...&Key=Value...`, form-urlencoded.
//!
//! Generated serializers call [`QueryWriter`] with full parameter names
//! (`Tags.member.1.Key`); the writer only encodes.

use crate::types::datetime::DateTime;
use crate::types::wire::{
    encode_base64, format_f32, format_f64, format_timestamp, TimestampFormat,
};

/// Builds an awsQuery form body.
#[derive(Debug, Clone)]
pub struct QueryWriter {
    out: String,
}

impl QueryWriter {
    /// Starts a body with `Action` and `Version`.
    pub fn new(action: &str, version: &str) -> Self {
        let mut w = QueryWriter {
            out: String::with_capacity(256),
        };
        w.out.push_str("Action=");
        encode_into(&mut w.out, action);
        w.out.push_str("&Version=");
        encode_into(&mut w.out, version);
        w
    }

    fn key(&mut self, key: &str) {
        self.out.push('&');
        encode_into(&mut self.out, key);
        self.out.push('=');
    }

    /// `key=value` for a string.
    pub fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        encode_into(&mut self.out, value);
    }

    /// `key=` (an empty list is sent this way).
    pub fn empty(&mut self, key: &str) {
        self.key(key);
    }

    /// `key=true|false`.
    pub fn boolean(&mut self, key: &str, value: bool) {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
    }

    /// An integer.
    pub fn integer(&mut self, key: &str, value: i64) {
        self.key(key);
        self.out.push_str(&value.to_string());
    }

    /// A double (`NaN`, `Infinity`, `-Infinity` as words).
    pub fn double(&mut self, key: &str, value: f64) {
        self.key(key);
        self.out.push_str(&format_f64(value));
    }

    /// A float (`NaN`, `Infinity`, `-Infinity` as words).
    pub fn float(&mut self, key: &str, value: f32) {
        self.key(key);
        self.out.push_str(&format_f32(value));
    }

    /// A timestamp in the given format.
    pub fn timestamp(&mut self, key: &str, value: &DateTime, format: TimestampFormat) {
        let text = format_timestamp(value, format);
        self.string(key, &text);
    }

    /// Bytes, base64-encoded.
    pub fn blob(&mut self, key: &str, value: &[u8]) {
        let text = encode_base64(value);
        self.string(key, &text);
    }

    /// The finished body.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Bodies at least this long are compressed for operations that accept compression
/// (the Smithy `requestCompression` default).
pub const MIN_COMPRESSION_SIZE: usize = 10_240;

/// An HTTP request carrying an awsQuery body (`content-type` and `content-length` set; the
/// client adds `host`, `user-agent` and the signature). A method or URI the model spells
/// wrongly falls back to `POST /` instead of panicking.
///
/// When `compression` lists `gzip` (the operation's modeled encodings) and the body is at
/// least [`MIN_COMPRESSION_SIZE`] bytes, the body is gzipped and `content-encoding: gzip` set.
pub fn form_request(
    method: &str,
    uri: &str,
    body: String,
    compression: &[&str],
) -> http::Request<Vec<u8>> {
    #[cfg_attr(not(feature = "gzip"), allow(unused_mut))]
    let mut body = body.into_bytes();
    #[cfg_attr(not(feature = "gzip"), allow(unused_mut))]
    let mut encoding = None;
    #[cfg(feature = "gzip")]
    if body.len() >= MIN_COMPRESSION_SIZE && compression.contains(&"gzip") {
        if let Ok(compressed) = gzip(&body) {
            body = compressed;
            encoding = Some("gzip");
        }
    }
    #[cfg(not(feature = "gzip"))]
    let _ = (compression, MIN_COMPRESSION_SIZE);
    let len = body.len();
    let mut req = http::Request::new(body);
    *req.method_mut() = crate::protocol::method_named(method);
    *req.uri_mut() = uri.parse().unwrap_or_else(|_| http::Uri::from_static("/"));
    let headers = req.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
    if let Some(e) = encoding {
        headers.insert(
            http::header::CONTENT_ENCODING,
            http::HeaderValue::from_static(e),
        );
    }
    req
}

/// Gzips bytes.
#[cfg(feature = "gzip")]
pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::default(),
    );
    enc.write_all(bytes)?;
    enc.finish()
}

/// Joins a parameter prefix and a name: `("", "A") -> "A"`, `("A", "B") -> "A.B"`.
pub fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        let mut s = String::with_capacity(prefix.len() + 1 + name.len());
        s.push_str(prefix);
        s.push('.');
        s.push_str(name);
        s
    }
}

/// Percent-encodes as RFC 3986 requires (unreserved characters stay; everything else is `%XX`),
/// which is also the canonical form SigV4 expects.
pub fn encode_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

/// Percent-encodes a value (see [`encode_into`]).
pub fn encode(value: &str) -> String {
    let mut s = String::with_capacity(value.len());
    encode_into(&mut s, value);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_body() {
        let mut w = QueryWriter::new("AssumeRole", "2011-06-15");
        w.string(&join("", "RoleSessionName"), "a b&c=d/é");
        w.boolean("Flag", true);
        w.integer("DurationSeconds", 900);
        w.double("Ratio", f64::NAN);
        w.blob("Qux", b"value");
        w.empty("ListArg");
        assert_eq!(
            w.finish(),
            "Action=AssumeRole&Version=2011-06-15&RoleSessionName=a%20b%26c%3Dd%2F%C3%A9&Flag=true\
             &DurationSeconds=900&Ratio=NaN&Qux=dmFsdWU%3D&ListArg="
        );
        assert_eq!(join("Tags.member.1", "Key"), "Tags.member.1.Key");
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn large_bodies_are_gzipped_when_the_operation_allows() {
        use std::io::Read as _;
        let body = format!(
            "Action=Put&Version=1&Data={}",
            "a".repeat(MIN_COMPRESSION_SIZE)
        );
        let plain = form_request("POST", "/", body.clone(), &[]);
        assert!(plain.headers().get("content-encoding").is_none());
        let req = form_request("POST", "/", body.clone(), &["gzip"]);
        assert_eq!(req.headers()["content-encoding"], "gzip");
        assert_eq!(
            req.headers()["content-length"],
            req.body().len().to_string().as_str()
        );
        let mut out = String::new();
        flate2::read::GzDecoder::new(req.body().as_slice())
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, body);
        let small = form_request("POST", "/", "Action=Put".to_owned(), &["gzip"]);
        assert!(small.headers().get("content-encoding").is_none());
    }
}
