//! Reading a successful awsQuery response: the `<{Op}Response>` envelope, its result wrapper
//! and the request id in `<ResponseMetadata>`.

use crate::xml::local;
use crate::xml::{ParseError, StartTag, XmlReader};

/// Reads a `<ResponseMetadata><RequestId>` element (the reader is positioned at its start).
pub fn read_response_metadata<'a>(
    r: &mut XmlReader<'a>,
    tag: &StartTag<'a>,
) -> Result<Option<String>, ParseError> {
    let mut id = None;
    while let Some(child) = r.next_child(tag)? {
        if child.name() == "RequestId" || child.name() == "RequestID" {
            id = Some(r.read_text(&child)?.trim().to_owned());
        } else {
            r.skip(&child)?;
        }
    }
    Ok(id)
}

/// Parses a successful awsQuery response: `<{Op}Response><{wrapper}>...</{wrapper}>
/// <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata></{Op}Response>`.
///
/// `read_result` is called with the reader positioned at the wrapper element; when the body
/// has no wrapper element it is called with an empty element (so a result without required
/// members reads as empty, and one with required members reports the first one missing).
/// An empty body is accepted (as a result with nothing set) only when `allow_empty` says the
/// output has no members; otherwise it is [`ParseErrorKind::NoRoot`](crate::xml::ParseErrorKind::NoRoot).
/// Returns the result and the request id.
pub fn parse_response<'a, T>(
    body: &'a [u8],
    wrapper: &str,
    allow_empty: bool,
    mut read_result: impl FnMut(&mut XmlReader<'a>, &StartTag<'a>) -> Result<T, ParseError>,
) -> Result<(T, Option<String>), ParseError> {
    // The walk is not generic (one copy in the binary, not one per operation); only this shim is.
    let mut result = None;
    let request_id = walk_response(body, wrapper, allow_empty, &mut |r, tag| {
        result = Some(read_result(r, tag)?);
        Ok(())
    })?;
    match result {
        Some(v) => Ok((v, request_id)),
        None => Err(ParseError::malformed("the response result was not read", 0)),
    }
}

fn walk_response<'a>(
    body: &'a [u8],
    wrapper: &str,
    allow_empty: bool,
    read_result: &mut dyn FnMut(&mut XmlReader<'a>, &StartTag<'a>) -> Result<(), ParseError>,
) -> Result<Option<String>, ParseError> {
    let mut r = XmlReader::new(body)?;
    let empty = StartTag::empty();
    // Operations without output members may answer 200 with an empty body.
    if allow_empty && body.iter().all(u8::is_ascii_whitespace) {
        read_result(&mut r, &empty)?;
        return Ok(None);
    }
    let root = r.root()?;
    // Every awsQuery answer is an `<OperationResponse>`; anything else (a proxy's HTML page,
    // another service's document) is not this operation's output, even with a 200.
    if !local(root.name()).ends_with("Response") {
        return Err(ParseError::malformed(
            format!(
                "expected an `…Response` root element, found `<{}>`",
                local(root.name())
            ),
            0,
        ));
    }
    let mut read = false;
    let mut request_id = None;
    while let Some(child) = r.next_child(&root)? {
        if child.name() == wrapper && !read {
            read_result(&mut r, &child)?;
            read = true;
        } else if child.name() == "ResponseMetadata" {
            request_id = read_response_metadata(&mut r, &child)?;
        } else if child.name() == "RequestId" {
            request_id = Some(r.read_text(&child)?.trim().to_owned());
        } else {
            r.skip(&child)?;
        }
    }
    r.finish()?;
    if !read {
        read_result(&mut r, &empty)?;
    }
    Ok(request_id)
}
