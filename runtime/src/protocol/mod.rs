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

/// The HTTP method a model names. The generator refuses a model that names anything but the
/// standard methods (`codegen`'s IR), so the `POST` fallback is never reached by generated code. A match rather than `Method::from_bytes`:
/// no method-name parser is compiled in for text that is always one of these constants.
pub(crate) fn method_named(name: &str) -> http::Method {
    match name {
        "GET" => http::Method::GET,
        "PUT" => http::Method::PUT,
        "DELETE" => http::Method::DELETE,
        "HEAD" => http::Method::HEAD,
        "PATCH" => http::Method::PATCH,
        "OPTIONS" => http::Method::OPTIONS,
        "TRACE" => http::Method::TRACE,
        "CONNECT" => http::Method::CONNECT,
        _ => http::Method::POST,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn model_methods_are_the_standard_ones_and_anything_else_is_post() {
        for m in [
            "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE", "CONNECT",
        ] {
            assert_eq!(super::method_named(m).as_str(), m);
        }
        for other in ["", "post", "FOO", "GET "] {
            assert_eq!(super::method_named(other), http::Method::POST, "{other:?}");
        }
    }

    #[test]
    fn the_request_id_header_is_read_by_its_constant_name() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(super::amzn_request_id(&headers), None);
        headers.insert("x-amzn-RequestId", http::HeaderValue::from_static("r-1"));
        assert_eq!(super::amzn_request_id(&headers), Some("r-1"));
        headers.insert(
            "x-amzn-requestid",
            http::HeaderValue::from_bytes(b"\xff").unwrap(),
        );
        assert_eq!(super::amzn_request_id(&headers), None);
    }
}
