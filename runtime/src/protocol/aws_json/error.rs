//! Reading an awsJson error response: the code (from `X-Amzn-Errortype`, else the body's `code`,
//! else `__type`; namespace and URI stripped), the message, the request id, and for
//! `awsQueryCompatible` services the awsQuery code and type from `x-amzn-query-error`.

use crate::error::{ErrorMetadata, ErrorType};
use crate::json::JsonValue;
use crate::xml::{ParseError, ParseErrorKind};

use super::reader::parse_body;

/// The error name in an error type: the part after the last `#` (a Smithy namespace) of the
/// part before the first `:` (a URI some services append).
///
/// `aws.protocoltests.json10#FooError:http://internal.amazon.com/coral/` -> `FooError`.
pub fn sanitize_error_code(raw: &str) -> &str {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    before_colon
        .rsplit('#')
        .next()
        .unwrap_or(before_colon)
        .trim()
}

fn member<'a>(body: &'a JsonValue, names: &[&str]) -> Option<&'a str> {
    let JsonValue::Object(members) = body else {
        return None;
    };
    names.iter().find_map(|name| {
        members
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_str())
    })
}

/// Reads an error response into its metadata and the parsed body (from which generated code
/// reads the modeled error's members). With `query_compatible` (the model's
/// `awsQueryCompatible`), an `x-amzn-query-error: Code;Sender` header gives the code and type.
/// A body that is not JSON is ignored when a header names the error.
///
/// # Errors
/// [`ParseErrorKind::NoErrorCode`] when neither the headers nor the body name the error, or
/// the body's JSON error when it is malformed and no header names the error.
pub fn parse_error_metadata(
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
    query_compatible: bool,
) -> Result<(ErrorMetadata, JsonValue), ParseError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let header_code = header("x-amzn-errortype")
        .map(sanitize_error_code)
        .filter(|c| !c.is_empty());
    let parsed = match parse_body(body) {
        Ok(v) => v,
        Err(_) if header_code.is_some() => JsonValue::Object(Vec::new()),
        Err(e) => return Err(e.with_response(status, body)),
    };
    let body_code = member(&parsed, &["code", "__type"])
        .map(sanitize_error_code)
        .filter(|c| !c.is_empty());
    let mut code = header_code.or(body_code).map(str::to_owned);
    let mut error_type = None;
    if query_compatible {
        if let Some((query_code, kind)) =
            header("x-amzn-query-error").and_then(|v| v.split_once(';'))
        {
            if !query_code.is_empty() {
                code = Some(query_code.to_owned());
                error_type = ErrorType::parse(kind);
            }
        }
    }
    let code = code
        .ok_or_else(|| ParseError::new(ParseErrorKind::NoErrorCode).with_response(status, body))?;
    let message = member(&parsed, &["message", "Message", "errorMessage"]).map(str::to_owned);
    let request_id = header("x-amzn-requestid").map(str::to_owned);
    let meta = ErrorMetadata::new(code)
        .with_message(message)
        .with_error_type(error_type)
        .with_request_id(request_id)
        .with_http_status(Some(status));
    Ok((meta, parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, http::HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn codes_are_sanitized() {
        assert_eq!(sanitize_error_code("FooError"), "FooError");
        assert_eq!(
            sanitize_error_code(
                "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"
            ),
            "FooError"
        );
        assert_eq!(
            sanitize_error_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            "FooError"
        );
        assert_eq!(
            sanitize_error_code("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"),
            "ResourceNotFoundException"
        );
    }

    #[test]
    fn code_from_header_then_code_then_type() {
        let (m, _) = parse_error_metadata(
            500,
            &headers(&[("x-amzn-errortype", "FooError:http://x/")]),
            b"",
            false,
        )
        .unwrap();
        assert_eq!(m.code(), "FooError");
        assert_eq!(m.http_status(), Some(500));
        let (m, _) =
            parse_error_metadata(400, &headers(&[]), br#"{"code":"ns#Bar"}"#, false).unwrap();
        assert_eq!(m.code(), "Bar");
        let body = br#"{"__type":"aws.protocoltests.json10#InvalidGreeting","Message":"Hi"}"#;
        let (m, parsed) =
            parse_error_metadata(400, &headers(&[("x-amzn-requestid", "req-1")]), body, false)
                .unwrap();
        assert_eq!(
            (m.code(), m.message(), m.request_id()),
            ("InvalidGreeting", Some("Hi"), Some("req-1"))
        );
        assert!(matches!(parsed, JsonValue::Object(ref members) if members.len() == 2));
        let (m, _) = parse_error_metadata(
            400,
            &headers(&[]),
            br#"{"__type":"X","message":"lower"}"#,
            false,
        )
        .unwrap();
        assert_eq!(m.message(), Some("lower"));
    }

    #[test]
    fn query_compatible_codes_come_from_the_header() {
        let h = headers(&[(
            "x-amzn-query-error",
            "AWS.SimpleQueueService.NonExistentQueue;Sender",
        )]);
        let body = br#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}"#;
        let (m, _) = parse_error_metadata(400, &h, body, true).unwrap();
        assert_eq!(m.code(), "AWS.SimpleQueueService.NonExistentQueue");
        assert_eq!(m.error_type(), Some(ErrorType::Sender));
        let (m, _) = parse_error_metadata(400, &h, body, false).unwrap();
        assert_eq!(m.code(), "QueueDoesNotExist");
    }

    #[test]
    fn no_code_and_bad_bodies_are_typed_errors() {
        let e = parse_error_metadata(503, &headers(&[]), b"{}", false).unwrap_err();
        assert_eq!(e.kind(), &ParseErrorKind::NoErrorCode);
        assert_eq!(e.status(), Some(503));
        let e = parse_error_metadata(503, &headers(&[]), b"<html>busy</html>", false).unwrap_err();
        assert!(
            matches!(e.kind(), ParseErrorKind::MalformedJson { .. }),
            "{e:?}"
        );
        let (m, _) = parse_error_metadata(
            503,
            &headers(&[("x-amzn-errortype", "Busy")]),
            b"<html>",
            false,
        )
        .unwrap();
        assert_eq!(m.code(), "Busy");
    }
}
