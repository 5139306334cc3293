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
pub use request::{encode_label, encode_query, Body, RequestBuilder, CONTENT_TYPE_BINARY, CONTENT_TYPE_JSON, CONTENT_TYPE_TEXT};

use crate::error::ErrorMetadata;
use crate::json::JsonValue;
use crate::xml::ParseError;

/// Reads a restJson error response: the code from `X-Amzn-Errortype`, else the body's `code`,
/// else its `__type` (namespace and `:` suffix stripped), the message and the request id; the
/// parsed body is returned for the modeled error's members.
///
/// # Errors
/// As [`aws_json::parse_error_metadata`](crate::protocol::aws_json::parse_error_metadata).
pub fn parse_error_metadata(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Result<(ErrorMetadata, JsonValue), ParseError> {
    crate::protocol::aws_json::parse_error_metadata(status, headers, body, false)
}

/// The request id of a response (`x-amzn-requestid`, else `x-amz-request-id`).
pub fn request_id(headers: &http::HeaderMap) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
        .map(str::to_owned)
}
