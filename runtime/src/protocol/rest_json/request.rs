//! Building a restJson request from its HTTP bindings.

use crate::error::{BuildError, Violation};

/// `Content-Type` of JSON bodies.
pub const CONTENT_TYPE_JSON: &str = "application/json";
/// `Content-Type` of a string `payload`.
pub const CONTENT_TYPE_TEXT: &str = "text/plain";
/// `Content-Type` of a blob `payload`.
pub const CONTENT_TYPE_BINARY: &str = "application/octet-stream";

fn percent_encode(value: &str, keep: &[u8], out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Whether a list header item must be quoted to read back as itself: it holds a delimiter or
/// a quote, or it would lose outer whitespace (any, not only the spaces and tabs of HTTP, for
/// readers that trim more) or it is empty (a lone empty element reads as no items).
fn needs_quotes(item: &str) -> bool {
    item.is_empty() || item.contains([',', '"']) || item.trim() != item
}

/// A URI label: everything but unreserved characters (`A-Za-z0-9-._~`) percent-encoded; a
/// greedy label (`{Key+}`) keeps its `/`.
pub fn encode_label(value: &str, greedy: bool) -> String {
    let mut out = String::with_capacity(value.len());
    push_label(value, greedy, &mut out);
    out
}

/// Appends `value` to `out` encoded as [`encode_label`] says: the one label encoding, which
/// [`RequestBuilder::label`] uses too.
fn push_label(value: &str, greedy: bool, out: &mut String) {
    percent_encode(value, if greedy { b"-._~/" } else { b"-._~" }, out);
}

/// A query parameter name or value: everything but unreserved characters percent-encoded.
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_query(value, &mut out);
    out
}

/// Appends `value` to `out` encoded as [`encode_query`] says (used by
/// [`RequestBuilder::query`] too).
fn push_query(value: &str, out: &mut String) {
    percent_encode(value, b"-._~", out);
}

/// The body of a restJson request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// No body (no `Content-Type`).
    Empty,
    /// A JSON document (`application/json`).
    Json(String),
    /// A `payload` member's bytes, with the content type used when no member sets one.
    Payload(Vec<u8>, &'static str),
}

/// A restJson request under construction: the path with its labels, the query string and the
/// headers, then [`finish`](Self::finish) with the body.
#[derive(Debug)]
pub struct RequestBuilder {
    shape: &'static str,
    path: String,
    query: String,
    query_names: Vec<String>,
    headers: http::HeaderMap,
}

impl RequestBuilder {
    /// A request for the input shape `shape` (named in errors).
    pub fn new(shape: &'static str) -> Self {
        RequestBuilder {
            shape,
            path: String::new(),
            query: String::new(),
            query_names: Vec::new(),
            headers: http::HeaderMap::new(),
        }
    }

    /// Appends literal path text from the request URI.
    pub fn literal(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// Appends a label's value, percent-encoded ([`encode_label`]).
    ///
    /// # Errors
    /// An empty value (the path would lose a segment), naming `member`.
    pub fn label(&mut self, value: &str, greedy: bool, member: &str) -> Result<(), BuildError> {
        if value.is_empty() {
            return Err(BuildError::new(
                self.shape,
                member,
                Violation::TooShort { min: 1, actual: 0 },
            ));
        }
        push_label(value, greedy, &mut self.path);
        Ok(())
    }

    /// The error for a label member that is not set.
    pub fn missing_label(&self, member: &str) -> BuildError {
        BuildError::missing(self.shape, member)
    }

    /// Appends a literal query parameter of the request URI, as it is (`foo=bar`, or `baz`
    /// without a value).
    pub fn query_literal(&mut self, name: &str, value: Option<&str>) {
        self.query
            .push(if self.query.is_empty() { '?' } else { '&' });
        self.query.push_str(name);
        if let Some(v) = value {
            self.query.push('=');
            self.query.push_str(v);
        }
    }

    /// Whether a query parameter of this name was added with [`query`](Self::query) (a named
    /// member's parameter wins over a map entry of the same name).
    pub fn has_query(&self, name: &str) -> bool {
        self.query_names.iter().any(|n| n == name)
    }

    /// Appends a query parameter, name and value percent-encoded.
    pub fn query(&mut self, name: &str, value: &str) {
        if !self.has_query(name) {
            self.query_names.push(name.to_owned());
        }
        self.query
            .push(if self.query.is_empty() { '?' } else { '&' });
        push_query(name, &mut self.query);
        self.query.push('=');
        push_query(value, &mut self.query);
    }

    /// Whether a header is set already (a member of the input set it).
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.contains_key(name)
    }

    /// Sets a header.
    ///
    /// # Errors
    /// When the name or value cannot be sent in a header (a line break, a control character),
    /// naming `member`.
    pub fn header(&mut self, name: &str, value: &str, member: &str) -> Result<(), BuildError> {
        let bad = |length: usize| {
            BuildError::new(
                self.shape,
                member,
                Violation::NotAHeaderValue {
                    length: length as u64,
                },
            )
        };
        let name =
            http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad(name.chars().count()))?;
        let value = http::HeaderValue::from_bytes(value.as_bytes())
            .map_err(|_| bad(value.chars().count()))?;
        self.headers.insert(name, value);
        Ok(())
    }

    /// Sets a header to a list: items joined with `, `, each quoted (with `"` and `\` escaped)
    /// when it holds a comma or a double quote, starts or ends with whitespace (which a reader
    /// trims) or is empty, unless `quote` is false (HTTP dates, whose comma readers expect).
    /// [`headers::split_list`](super::headers::split_list) reads the items back.
    ///
    /// # Errors
    /// As [`header`](Self::header).
    pub fn header_list<I, S>(
        &mut self,
        name: &str,
        items: I,
        quote: bool,
        member: &str,
    ) -> Result<(), BuildError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut value = String::new();
        for (i, item) in items.into_iter().enumerate() {
            let item = item.as_ref();
            if i > 0 {
                value.push_str(", ");
            }
            if quote && needs_quotes(item) {
                value.push('"');
                for c in item.chars() {
                    if matches!(c, '"' | '\\') {
                        value.push('\\');
                    }
                    value.push(c);
                }
                value.push('"');
            } else {
                value.push_str(item);
            }
        }
        self.header(name, &value, member)
    }

    /// The unsigned request: `method` to the path and query built, with the headers set, the
    /// body and its `Content-Type` (unless a member set one), `Content-Length` (when there is a
    /// body, or the method sends one), `Content-MD5` when `checksum_required`, and gzip as the
    /// awsQuery and awsJson requests do when the operation accepts it (appended to any
    /// `Content-Encoding` a member set).
    pub fn finish(
        self,
        method: &str,
        body: Body,
        compression: &[&str],
        checksum_required: bool,
    ) -> http::Request<Vec<u8>> {
        let RequestBuilder {
            path,
            query,
            mut headers,
            ..
        } = self;
        let (body, content_type) = match body {
            Body::Empty => (Vec::new(), None),
            Body::Json(text) => (text.into_bytes(), Some(CONTENT_TYPE_JSON)),
            Body::Payload(bytes, ct) => (bytes, Some(ct)),
        };
        if let Some(ct) = content_type {
            if !headers.contains_key(http::header::CONTENT_TYPE) {
                headers.insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static(ct),
                );
            }
        }
        if checksum_required {
            let digest = super::md5(&body);
            if let Ok(v) = http::HeaderValue::from_str(&crate::types::wire::encode_base64(&digest))
            {
                headers.insert("content-md5", v);
            }
        }
        #[cfg_attr(not(feature = "gzip"), allow(unused_mut))]
        let mut body = body;
        #[cfg(feature = "gzip")]
        if body.len() >= crate::protocol::aws_query::MIN_COMPRESSION_SIZE
            && compression.contains(&"gzip")
        {
            if let Ok(compressed) = crate::protocol::aws_query::gzip(&body) {
                body = compressed;
                let encoding = match headers
                    .get(http::header::CONTENT_ENCODING)
                    .and_then(|v| v.to_str().ok())
                {
                    Some(existing) if !existing.is_empty() => format!("{existing}, gzip"),
                    _ => "gzip".to_owned(),
                };
                if let Ok(v) = http::HeaderValue::from_str(&encoding) {
                    headers.insert(http::header::CONTENT_ENCODING, v);
                }
            }
        }
        #[cfg(not(feature = "gzip"))]
        let _ = compression;
        let method = crate::protocol::method_named(method);
        if !body.is_empty()
            || matches!(
                method,
                http::Method::POST | http::Method::PUT | http::Method::PATCH
            )
        {
            headers.insert(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from(body.len()),
            );
        }
        let mut uri = if path.is_empty() {
            "/".to_owned()
        } else {
            path
        };
        uri.push_str(&query);
        let mut req = http::Request::new(body);
        *req.method_mut() = method;
        *req.uri_mut() = uri.parse().unwrap_or_else(|_| http::Uri::from_static("/"));
        *req.headers_mut() = headers;
        req
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_queries_are_percent_encoded() {
        let text = " %:/?#[]@!$&'()*+,;=\u{1F639}";
        let expected = "%20%25%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%F0%9F%98%B9";
        assert_eq!(encode_label(text, false), expected);
        assert_eq!(encode_query(text), expected);
        assert_eq!(encode_label("there/guy", true), "there/guy");
        assert_eq!(encode_label("hello/escape", false), "hello%2Fescape");
    }

    #[test]
    fn a_request_has_path_query_headers_and_body() {
        let mut b = RequestBuilder::new("In");
        b.literal("/things/");
        b.label("a b", false, "Name").unwrap();
        let e = b.label("", false, "Name").unwrap_err();
        assert_eq!(
            (e.field(), e.violation()),
            ("Name", &Violation::TooShort { min: 1, actual: 0 })
        );
        assert_eq!(b.missing_label("Key").violation(), &Violation::Missing);
        b.query_literal("list-type", Some("2"));
        b.query_literal("flag", None);
        b.query("q", "x y");
        b.header("x-one", "1", "One").unwrap();
        b.header_list("x-list", ["b,c", "\"def\"", "a"], true, "List")
            .unwrap();
        let req = b.finish("PUT", Body::Json("{}".into()), &[], false);
        assert_eq!(req.method(), http::Method::PUT);
        assert_eq!(
            req.uri().to_string(),
            "/things/a%20b?list-type=2&flag&q=x%20y"
        );
        assert_eq!(req.headers()["x-list"], r#""b,c", "\"def\"", a"#);
        assert_eq!(req.headers()["content-type"], "application/json");
        assert_eq!(req.headers()["content-length"], "2");
        assert_eq!(req.body(), b"{}");
    }

    #[test]
    fn list_items_with_outer_whitespace_or_nothing_are_quoted() {
        let mut b = RequestBuilder::new("In");
        let items = [" a", "b ", "\tc", "", "d e", "\u{a0}f", "g\\h"];
        b.header_list("x-list", items, true, "List").unwrap();
        b.header_list("x-one", [""], true, "One").unwrap();
        let req = b.finish("GET", Body::Empty, &[], false);
        let list = std::str::from_utf8(req.headers()["x-list"].as_bytes()).unwrap();
        assert_eq!(
            list,
            "\" a\", \"b \", \"\tc\", \"\", d e, \"\u{a0}f\", g\\h"
        );
        assert_eq!(super::super::headers::split_list(list), items);
        assert_eq!(req.headers()["x-one"], r#""""#);
    }

    proptest::proptest! {
        /// A label and a query parameter are written with the module's one encoding
        /// ([`encode_label`], [`encode_query`]), so the builder and the encoders cannot drift.
        #[test]
        fn the_builder_uses_the_shared_encoders(text in "\\PC{1,30}", greedy: bool) {
            let mut b = RequestBuilder::new("In");
            b.literal("/p/");
            b.label(&text, greedy, "Key").unwrap();
            b.query(&text, &text);
            let req = b.finish("GET", Body::Empty, &[], false);
            let encoded = encode_query(&text);
            let expected = format!("/p/{}?{encoded}={encoded}", encode_label(&text, greedy));
            proptest::prop_assert_eq!(req.uri().to_string(), expected);
        }
    }

    #[test]
    fn empty_get_requests_have_no_body_headers() {
        let req = RequestBuilder::new("In").finish("GET", Body::Empty, &[], false);
        assert_eq!(req.uri().path(), "/");
        assert!(req.headers().get("content-length").is_none());
        assert!(req.headers().get("content-type").is_none());
    }

    #[test]
    fn a_member_content_type_wins_and_checksums_are_md5() {
        let mut b = RequestBuilder::new("In");
        b.header("content-type", "image/jpg", "ContentType")
            .unwrap();
        let req = b.finish(
            "POST",
            Body::Payload(b"1234".to_vec(), CONTENT_TYPE_BINARY),
            &[],
            true,
        );
        assert_eq!(req.headers()["content-type"], "image/jpg");
        assert_eq!(req.headers()["content-md5"], "gdyb21LQTcIANtvYMT7QVQ==");
    }

    #[test]
    fn header_values_that_cannot_be_sent_are_build_errors() {
        let mut b = RequestBuilder::new("In");
        let e = b.header("x-a", "hunter\n2222", "A").unwrap_err();
        assert_eq!((e.shape(), e.field()), ("In", "A"));
        assert_eq!(e.violation(), &Violation::NotAHeaderValue { length: 11 });
        assert!(!e.to_string().contains("hunter"), "{e}");
    }
}
