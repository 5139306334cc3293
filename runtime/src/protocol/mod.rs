//! Wire protocols: how a modeled input becomes a request body and how a response or error
//! body becomes an output or error metadata. One folder per protocol; each but awsQuery (which
//! STS speaks) is behind a feature of its name that generated crates of that protocol enable.

#[cfg(feature = "aws-json")]
pub mod aws_json;
pub mod aws_query;
#[cfg(feature = "rest-json")]
pub mod rest_json;

/// The `x-amzn-RequestId` header of a response, when its value is visible ASCII (awsJson's
/// only request id, awsQuery's fallback). Looked up by a constant name, so no header name is
/// parsed at run time; compiled once here rather than in every generated operation.
pub fn amzn_request_id(headers: &http::HeaderMap) -> Option<&str> {
    const NAME: http::HeaderName = http::HeaderName::from_static("x-amzn-requestid");
    headers.get(&NAME).and_then(|v| v.to_str().ok())
}
