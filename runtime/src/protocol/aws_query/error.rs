//! Reading an awsQuery error body: code, message, type and request id, and the `<Error>`
//! element for modeled error members.

use super::response::read_response_metadata;
use crate::error::{ErrorMetadata, ErrorType};
use crate::xml::{ParseError, ParseErrorKind, StartTag, XmlReader};

/// The `<Error>` element of an awsQuery error body, for generated code that reads modeled
/// error members: calls `read` with the reader at the element.
pub fn with_error_element<'a, T>(
    body: &'a [u8],
    mut read: impl FnMut(&mut XmlReader<'a>, &StartTag<'a>) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    let mut result = None;
    find_error_element(body, &mut |r, tag| {
        result = Some(read(r, tag)?);
        Ok(())
    })?;
    result.ok_or_else(|| ParseError::new(ParseErrorKind::NoErrorCode))
}

fn find_error_element<'a>(
    body: &'a [u8],
    read: &mut dyn FnMut(&mut XmlReader<'a>, &StartTag<'a>) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    let mut r = XmlReader::new(body)?;
    let root = r.root()?;
    if root.name() == "Error" {
        return read(&mut r, &root);
    }
    while let Some(child) = r.next_child(&root)? {
        match child.name() {
            "Error" => return read(&mut r, &child),
            "Errors" => {
                while let Some(inner) = r.next_child(&child)? {
                    if inner.name() == "Error" {
                        return read(&mut r, &inner);
                    }
                    r.skip(&inner)?;
                }
            }
            _ => r.skip(&child)?,
        }
    }
    Err(ParseError::new(ParseErrorKind::NoErrorCode))
}

#[derive(Default)]
struct ErrorFields {
    code: Option<String>,
    message: Option<String>,
    error_type: Option<ErrorType>,
}

impl ErrorFields {
    fn read<'a>(&mut self, r: &mut XmlReader<'a>, tag: &StartTag<'a>) -> Result<(), ParseError> {
        while let Some(f) = r.next_child(tag)? {
            match f.name() {
                "Code" => self.code = Some(r.read_text(&f)?.trim().to_owned()),
                "Message" | "message" => self.message = Some(r.read_text(&f)?.into_owned()),
                "Type" => self.error_type = ErrorType::parse(r.read_text(&f)?.trim()),
                _ => r.skip(&f)?,
            }
        }
        Ok(())
    }
}

/// Reads code, message, type and request id from an awsQuery error body. Both shapes seen
/// in the wild are accepted: `<ErrorResponse><Error>...</Error><RequestId>` and
/// `<ErrorResponse><Errors><Error>...</Error></Errors>` (or `<Response>`), with or without
/// namespace and XML declaration. `header_request_id` (`x-amzn-RequestId`) is the fallback.
pub fn parse_error_metadata(
    status: u16,
    header_request_id: Option<&str>,
    body: &[u8],
) -> Result<ErrorMetadata, ParseError> {
    let parse = || -> Result<ErrorMetadata, ParseError> {
        let mut r = XmlReader::new(body)?;
        let root = r.root()?;
        let mut fields = ErrorFields::default();
        let mut request_id = None;
        if root.name() == "Error" {
            fields.read(&mut r, &root)?;
        } else {
            while let Some(child) = r.next_child(&root)? {
                match child.name() {
                    "Error" if fields.code.is_none() => fields.read(&mut r, &child)?,
                    "Errors" => {
                        while let Some(inner) = r.next_child(&child)? {
                            if inner.name() == "Error" && fields.code.is_none() {
                                fields.read(&mut r, &inner)?;
                            } else {
                                r.skip(&inner)?;
                            }
                        }
                    }
                    "RequestId" | "RequestID" => {
                        request_id = Some(r.read_text(&child)?.trim().to_owned())
                    }
                    "ResponseMetadata" => request_id = read_response_metadata(&mut r, &child)?,
                    _ => r.skip(&child)?,
                }
            }
        }
        r.finish()?;
        let code = fields
            .code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| ParseError::new(ParseErrorKind::NoErrorCode))?;
        let request_id = request_id
            .filter(|s| !s.is_empty())
            .or_else(|| header_request_id.map(str::to_owned));
        Ok(ErrorMetadata::new(code)
            .with_message(fields.message)
            .with_error_type(fields.error_type)
            .with_request_id(request_id)
            .with_http_status(Some(status)))
    };
    parse().map_err(|e| e.with_response(status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_and_garbage_bodies_are_errors() {
        let mut r = XmlReader::new(b"<Root><A>x</A>").unwrap();
        let root = r.root().unwrap();
        let a = r.next_child(&root).unwrap().unwrap();
        r.read_text(&a).unwrap();
        assert_eq!(
            r.next_child(&root).unwrap_err().kind(),
            &ParseErrorKind::UnexpectedEof
        );
        assert_eq!(
            XmlReader::new(b"").unwrap().root().unwrap_err().kind(),
            &ParseErrorKind::NoRoot
        );
        assert!(XmlReader::new(b"\xff\xfe").is_err());
        let e =
            parse_error_metadata(500, None, b"<html><body>Bad Gateway</body></html>").unwrap_err();
        assert_eq!(e.status(), Some(500));
        assert_eq!(
            e.body_start(),
            Some("<html><body>Bad Gateway</body></html>")
        );
    }

    #[test]
    fn error_bodies_of_both_shapes() {
        let a = br#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"#;
        let m = parse_error_metadata(403, Some("hdr"), a).unwrap();
        assert_eq!(
            (m.code(), m.message(), m.request_id(), m.http_status()),
            ("AccessDenied", Some("no"), Some("r-1"), Some(403))
        );
        assert_eq!(m.error_type(), Some(ErrorType::Sender));
        let b = br#"<?xml version="1.0"?><ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>bad</Message></Error></Errors></ErrorResponse>"#;
        let m = parse_error_metadata(403, Some("hdr-id"), b).unwrap();
        assert_eq!(
            (m.code(), m.request_id()),
            ("InvalidClientTokenId", Some("hdr-id"))
        );
        assert_eq!(
            parse_error_metadata(400, None, b"<ErrorResponse/>")
                .unwrap_err()
                .kind(),
            &ParseErrorKind::NoErrorCode
        );
    }
}
