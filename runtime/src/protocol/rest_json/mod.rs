//! restJson1: each operation has its own method and request URI; input members go to URI
//! labels, query parameters, headers or the JSON body (or, as the `payload`, the whole body),
//! as the model's HTTP bindings say ([`RequestBuilder`]). Responses are read the same way:
//! headers and the status code with the helpers in [`headers`], JSON bodies with the awsJson
//! [`reader`](crate::protocol::aws_json::reader) (the JSON forms are the same), and errors name
//! their code in `X-Amzn-Errortype` or the body's `code` / `__type`
//! ([`parse_error_metadata`]).
//!
//! Behind the `rest-json` feature, which turns on `aws-json` for the shared JSON code.

pub mod headers;
mod md5;
mod request;

pub use md5::md5;
pub use request::{
    encode_label, encode_query, Body, RequestBuilder, CONTENT_TYPE_BINARY, CONTENT_TYPE_JSON,
    CONTENT_TYPE_TEXT,
};

use crate::error::ErrorMetadata;
use crate::json::JsonValue;
use crate::xml::ParseError;

/// Reads a restJson error response: the code from `X-Amzn-Errortype`, else the body's `code`,
/// else its `__type` (namespace and `:` suffix stripped), the message and the request id; the
/// parsed body is returned for the modeled error's members.
///
/// # Errors
/// As [`aws_json::parse_error_metadata`](crate::protocol::aws_json::parse_error_metadata).
pub fn parse_error_metadata(
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<(ErrorMetadata, JsonValue), ParseError> {
    crate::protocol::aws_json::parse_error_metadata(status, headers, body, false)
}

/// The request id of a response (`x-amzn-requestid`, else `x-amz-request-id`).
pub fn request_id(headers: &http::HeaderMap) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::headers::{split_http_dates, split_list};
    use super::*;

    proptest::proptest! {
        /// A list header written by the request builder reads back as the same items, whatever
        /// commas, quotes, backslashes and outer whitespace they hold, empty items and empty
        /// lists included.
        #[test]
        fn list_headers_round_trip(items in proptest::collection::vec("[ \t!-~\u{a0}\u{2003}é]{0,12}", 0..6)) {
            let mut b = RequestBuilder::new("In");
            b.header_list("x-list", &items, true, "List").unwrap();
            let req = b.finish("GET", Body::Empty, &[], false);
            let value = std::str::from_utf8(req.headers()["x-list"].as_bytes()).unwrap();
            proptest::prop_assert_eq!(split_list(value), items);
        }

        /// The header readers never panic, whatever the text.
        #[test]
        fn header_readers_never_panic(text in "\\PC{0,60}") {
            let _ = split_list(&text);
            let _ = split_http_dates(&text);
            let _ = headers::i32(&text, "S", "m");
            let _ = headers::f64(&text, "S", "m");
            let _ = headers::timestamp(&text, crate::types::wire::TimestampFormat::HttpDate, "S", "m");
            let _ = headers::json_text(&text, "S", "m");
        }

        /// Labels and query values keep only unreserved characters (and `/` in greedy labels)
        /// unescaped, and decode back to the text.
        #[test]
        fn labels_are_reversible(text in "\\PC{0,30}") {
            for encoded in [encode_label(&text, false), encode_query(&text)] {
                proptest::prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
                let mut bytes = Vec::new();
                let raw = encoded.as_bytes();
                let mut i = 0;
                while i < raw.len() {
                    if raw[i] == b'%' {
                        bytes.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).unwrap());
                        i += 3;
                    } else {
                        bytes.push(raw[i]);
                        i += 1;
                    }
                }
                proptest::prop_assert_eq!(String::from_utf8(bytes).unwrap(), text.clone());
            }
        }
    }
}
