//! A streaming XML reader for awsQuery responses (no DOM), and awsQuery error-body parsing.
//!
//! Generated deserializers walk elements with [`XmlReader::next_child`], read leaf text with
//! [`XmlReader::read_text`] and skip what they do not know with [`XmlReader::skip`].
//! Element names are matched by local name (namespace prefixes are ignored).

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::Event;

use crate::error::{ErrorMetadata, ErrorType};
use crate::primitives::InvalidValue;

/// The deepest element nesting accepted (bounds recursion in generated deserializers).
pub const MAX_DEPTH: usize = 128;

/// What went wrong reading a response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The body is not well-formed XML (or not UTF-8).
    Malformed {
        /// The XML parser's message.
        message: String,
        /// Byte offset where it failed.
        position: u64,
    },
    /// The document ended before the root element closed.
    UnexpectedEof,
    /// The body has no root element (empty, or only whitespace/comments).
    NoRoot,
    /// The root element is not the expected one.
    UnexpectedRoot {
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A required member is missing.
    MissingMember {
        /// The shape being read.
        shape: &'static str,
        /// The member's wire name.
        member: &'static str,
    },
    /// A value could not be read as its type (the text is not kept: it may be secret).
    InvalidValue {
        /// The shape being read.
        shape: &'static str,
        /// The member's wire name.
        member: &'static str,
        /// What was expected.
        expected: &'static str,
        /// Length of the offending text.
        length: usize,
    },
    /// An error response without an `<Error><Code>`.
    NoErrorCode,
    /// Elements nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// A response could not be read. Carries the HTTP status and the start of the body when the
/// caller knows them (see [`ParseError::with_response`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    status: Option<u16>,
    body_start: Option<String>,
}

impl ParseError {
    /// A new error.
    pub fn new(kind: ParseErrorKind) -> Self {
        ParseError { kind, status: None, body_start: None }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// The HTTP status of the response, when known.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The start of the body (at most 200 characters, cut before anything that looks like a
    /// secret element), when known.
    pub fn body_start(&self) -> Option<&str> {
        self.body_start.as_deref()
    }

    /// Records the response this error came from.
    pub fn with_response(mut self, status: u16, body: &[u8]) -> Self {
        self.status = Some(status);
        self.body_start = Some(safe_body_prefix(body));
        self
    }

    fn malformed(e: impl fmt::Display, position: u64) -> Self {
        ParseError::new(ParseErrorKind::Malformed { message: e.to_string(), position })
    }

    /// An invalid value for `member` of `shape`.
    pub fn invalid(shape: &'static str, member: &'static str, e: InvalidValue, text: &str) -> Self {
        ParseError::new(ParseErrorKind::InvalidValue { shape, member, expected: e.expected, length: text.len() })
    }

    /// A missing required `member` of `shape`.
    pub fn missing(shape: &'static str, member: &'static str) -> Self {
        ParseError::new(ParseErrorKind::MissingMember { shape, member })
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ParseErrorKind::Malformed { message, position } => {
                write!(f, "response is not well-formed XML at byte {position}: {message}")?
            }
            ParseErrorKind::UnexpectedEof => write!(f, "response XML ends before its root element closes")?,
            ParseErrorKind::NoRoot => write!(f, "response body has no XML root element")?,
            ParseErrorKind::UnexpectedRoot { expected, found } => {
                write!(f, "response root element is <{found}>, expected <{expected}>")?
            }
            ParseErrorKind::MissingMember { shape, member } => {
                write!(f, "response is missing required member `{member}` of `{shape}`")?
            }
            ParseErrorKind::InvalidValue { shape, member, expected, length } => write!(
                f,
                "response member `{member}` of `{shape}` is not a valid {expected} ({length} bytes)"
            )?,
            ParseErrorKind::NoErrorCode => write!(f, "error response has no <Error><Code>")?,
            ParseErrorKind::TooDeep => write!(f, "response XML nests deeper than {MAX_DEPTH} elements")?,
        }
        if let Some(status) = self.status {
            write!(f, " (HTTP {status}")?;
            match &self.body_start {
                Some(b) if !b.is_empty() => write!(f, ", body starts {b:?})")?,
                _ => write!(f, ", empty body)")?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// At most 200 characters of the body, cut before the first element whose name suggests a
/// secret (`SecretAccessKey`, `SessionToken`, `Credentials`, `Password`, ...).
pub fn safe_body_prefix(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut end = text.char_indices().nth(200).map(|(i, _)| i).unwrap_or(text.len());
    let lower = text[..end].to_ascii_lowercase();
    for marker in ["<credentials", "secret", "token", "password", "<assertion"] {
        if let Some(i) = lower.find(marker) {
            let cut = lower[..=i].rfind('<').unwrap_or(i);
            end = end.min(cut);
        }
    }
    let mut s = text[..end].to_string();
    if end < text.len() {
        s.push('…');
    }
    s
}

/// An element start, as seen by generated code.
#[derive(Debug, Clone)]
pub struct StartTag<'a> {
    name: Cow<'a, str>,
    attributes: Vec<(String, String)>,
    depth: usize,
    empty: bool,
}

impl<'a> StartTag<'a> {
    /// The element's local name (without any namespace prefix).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value of an attribute, by local name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn local(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// `part` as a slice of `whole` with `whole`'s lifetime, when `part` lies inside `whole`
/// (found by address; `get` checks the bounds and character boundaries, no `unsafe`).
fn within<'a>(whole: &'a str, part: &str) -> Option<&'a str> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    whole.get(start..start.checked_add(part.len())?)
}

/// A pull reader over one response body.
pub struct XmlReader<'a> {
    body: &'a str,
    reader: quick_xml::Reader<&'a [u8]>,
    depth: usize,
}

impl<'a> XmlReader<'a> {
    /// A reader over `body`, which must be UTF-8.
    pub fn new(body: &'a [u8]) -> Result<Self, ParseError> {
        let text = std::str::from_utf8(body).map_err(|e| ParseError::malformed(e, e.valid_up_to() as u64))?;
        let mut reader = quick_xml::Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        Ok(XmlReader { body: text, reader, depth: 0 })
    }

    fn event(&mut self) -> Result<Event<'a>, ParseError> {
        let pos = self.reader.buffer_position();
        self.reader.read_event().map_err(|e| ParseError::malformed(e, pos))
    }

    fn start_tag(&self, e: &quick_xml::events::BytesStart<'a>, empty: bool) -> Result<StartTag<'a>, ParseError> {
        let pos = self.reader.buffer_position();
        let raw = e.name().into_inner();
        // Borrow the name from the body when it is a slice of it (always, for this reader);
        // copying only as a fallback avoids an allocation per element.
        let name = match within(self.body, raw) {
            Some(n) => Cow::Borrowed(local(n)),
            None => Cow::Owned(local(raw).to_owned()),
        };
        let mut attributes = Vec::new();
        for attr in e.attributes() {
            let attr = attr.map_err(|err| ParseError::malformed(err, pos))?;
            let key = attr.key.into_inner();
            let value = attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|err| ParseError::malformed(err, pos))?;
            attributes.push((local(key).to_owned(), value.into_owned()));
        }
        let depth = if empty { self.depth + 1 } else { self.depth };
        if depth > MAX_DEPTH {
            return Err(ParseError::new(ParseErrorKind::TooDeep));
        }
        Ok(StartTag { name, attributes, depth, empty })
    }

    /// The root element (skipping the XML declaration, comments and whitespace).
    pub fn root(&mut self) -> Result<StartTag<'a>, ParseError> {
        loop {
            match self.event()? {
                Event::Start(e) => {
                    self.depth += 1;
                    return self.start_tag(&e, false);
                }
                Event::Empty(e) => return self.start_tag(&e, true),
                Event::Eof => return Err(ParseError::new(ParseErrorKind::NoRoot)),
                Event::Text(t) if !t.borrow().into_inner().trim().is_empty() => {
                    let pos = self.reader.buffer_position();
                    return Err(ParseError::malformed("text before the root element", pos));
                }
                _ => {}
            }
        }
    }

    /// The next child element of `parent`, or `None` once `parent` has closed.
    /// Text directly inside `parent` is ignored.
    pub fn next_child(&mut self, parent: &StartTag<'a>) -> Result<Option<StartTag<'a>>, ParseError> {
        if parent.empty || self.depth < parent.depth {
            return Ok(None);
        }
        loop {
            match self.event()? {
                Event::Start(e) => {
                    self.depth += 1;
                    let tag = self.start_tag(&e, false)?;
                    if self.depth == parent.depth + 1 {
                        return Ok(Some(tag));
                    }
                }
                Event::Empty(e) if self.depth == parent.depth => {
                    return Ok(Some(self.start_tag(&e, true)?));
                }
                Event::End(_) => {
                    self.depth -= 1;
                    if self.depth < parent.depth {
                        return Ok(None);
                    }
                }
                Event::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// All text inside `tag` (text, CDATA and entity references; nested elements are skipped),
    /// consuming the element.
    pub fn read_text(&mut self, tag: &StartTag<'a>) -> Result<Cow<'a, str>, ParseError> {
        if tag.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut out: Option<Cow<'a, str>> = None;
        let push = |out: &mut Option<Cow<'a, str>>, s: Cow<'a, str>| match out {
            None => *out = Some(s),
            Some(existing) => existing.to_mut().push_str(&s),
        };
        let text_depth = tag.depth;
        loop {
            match self.event()? {
                Event::Text(t) if self.depth == text_depth => push(&mut out, t.into_inner()),
                Event::CData(c) if self.depth == text_depth => push(&mut out, c.into_inner()),
                Event::GeneralRef(r) if self.depth == text_depth => {
                    let pos = self.reader.buffer_position();
                    let c = match r.resolve_char_ref().map_err(|e| ParseError::malformed(e, pos))? {
                        Some(c) => c,
                        None => match &*r.into_inner() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => {
                                return Err(ParseError::malformed(format!("unknown entity &{other};"), pos));
                            }
                        },
                    };
                    push(&mut out, Cow::Owned(c.to_string()));
                }
                Event::Start(_) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(ParseError::new(ParseErrorKind::TooDeep));
                    }
                }
                Event::End(_) => {
                    self.depth -= 1;
                    if self.depth < text_depth {
                        return Ok(out.unwrap_or(Cow::Borrowed("")));
                    }
                }
                Event::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// Skips `tag` and everything inside it.
    pub fn skip(&mut self, tag: &StartTag<'a>) -> Result<(), ParseError> {
        if tag.empty {
            return Ok(());
        }
        loop {
            match self.event()? {
                Event::Start(_) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(ParseError::new(ParseErrorKind::TooDeep));
                    }
                }
                Event::End(_) => {
                    self.depth -= 1;
                    if self.depth < tag.depth {
                        return Ok(());
                    }
                }
                Event::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
    }

    /// Reads to the end of the document, failing on malformed or truncated XML.
    pub fn finish(&mut self) -> Result<(), ParseError> {
        loop {
            match self.event()? {
                Event::Eof if self.depth == 0 => return Ok(()),
                Event::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                Event::Start(_) => self.depth += 1,
                Event::End(_) => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
    }
}

/// Reads a `<ResponseMetadata><RequestId>` element (the reader is positioned at its start).
pub fn read_response_metadata<'a>(r: &mut XmlReader<'a>, tag: &StartTag<'a>) -> Result<Option<String>, ParseError> {
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
/// output has no members; otherwise it is [`ParseErrorKind::NoRoot`].
/// Returns the result and the request id.
pub fn parse_response<'a, T>(
    body: &'a [u8],
    wrapper: &str,
    allow_empty: bool,
    mut read_result: impl FnMut(&mut XmlReader<'a>, &StartTag<'a>) -> Result<T, ParseError>,
) -> Result<(T, Option<String>), ParseError> {
    let mut r = XmlReader::new(body)?;
    let empty = StartTag { name: Cow::Borrowed(""), attributes: Vec::new(), depth: 1, empty: true };
    // Operations without output members may answer 200 with an empty body.
    if allow_empty && body.iter().all(u8::is_ascii_whitespace) {
        return Ok((read_result(&mut r, &empty)?, None));
    }
    let root = r.root()?;
    let mut result = None;
    let mut request_id = None;
    while let Some(child) = r.next_child(&root)? {
        if child.name() == wrapper && result.is_none() {
            result = Some(read_result(&mut r, &child)?);
        } else if child.name() == "ResponseMetadata" {
            request_id = read_response_metadata(&mut r, &child)?;
        } else if child.name() == "RequestId" {
            request_id = Some(r.read_text(&child)?.trim().to_owned());
        } else {
            r.skip(&child)?;
        }
    }
    r.finish()?;
    let result = match result {
        Some(v) => v,
        None => read_result(&mut r, &empty)?,
    };
    Ok((result, request_id))
}

/// The `<Error>` element of an awsQuery error body, for generated code that reads modeled
/// error members: calls `read` with the reader at the element.
pub fn with_error_element<'a, T>(
    body: &'a [u8],
    mut read: impl FnMut(&mut XmlReader<'a>, &StartTag<'a>) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
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
pub fn parse_error_metadata(status: u16, header_request_id: Option<&str>, body: &[u8]) -> Result<ErrorMetadata, ParseError> {
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
                    "RequestId" | "RequestID" => request_id = Some(r.read_text(&child)?.trim().to_owned()),
                    "ResponseMetadata" => request_id = read_response_metadata(&mut r, &child)?,
                    _ => r.skip(&child)?,
                }
            }
        }
        r.finish()?;
        let code = fields.code.filter(|c| !c.is_empty()).ok_or_else(|| ParseError::new(ParseErrorKind::NoErrorCode))?;
        let request_id = request_id.filter(|s| !s.is_empty()).or_else(|| header_request_id.map(str::to_owned));
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
    fn walks_children_and_text() {
        let body = br#"<?xml version="1.0"?><a:Root xmlns:a="urn:x"><One>1 &amp; <![CDATA[<2>]]> &#x41;</One><Empty/><Two attr="v"><Deep><Er/></Deep></Two><Three>t</Three></a:Root>"#;
        let mut r = XmlReader::new(body).unwrap();
        let root = r.root().unwrap();
        assert_eq!(root.name(), "Root");
        let one = r.next_child(&root).unwrap().unwrap();
        assert_eq!(one.name(), "One");
        assert_eq!(r.read_text(&one).unwrap(), "1 & <2> A");
        let empty = r.next_child(&root).unwrap().unwrap();
        assert_eq!(empty.name(), "Empty");
        assert_eq!(r.read_text(&empty).unwrap(), "");
        let two = r.next_child(&root).unwrap().unwrap();
        assert_eq!(two.attribute("attr"), Some("v"));
        r.skip(&two).unwrap();
        let three = r.next_child(&root).unwrap().unwrap();
        assert_eq!(r.read_text(&three).unwrap(), "t");
        assert!(r.next_child(&root).unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn truncated_and_garbage_bodies_are_errors() {
        let mut r = XmlReader::new(b"<Root><A>x</A>").unwrap();
        let root = r.root().unwrap();
        let a = r.next_child(&root).unwrap().unwrap();
        r.read_text(&a).unwrap();
        assert_eq!(r.next_child(&root).unwrap_err().kind(), &ParseErrorKind::UnexpectedEof);
        assert_eq!(XmlReader::new(b"").unwrap().root().unwrap_err().kind(), &ParseErrorKind::NoRoot);
        assert!(XmlReader::new(b"\xff\xfe").is_err());
        let e = parse_error_metadata(500, None, b"<html><body>Bad Gateway</body></html>").unwrap_err();
        assert_eq!(e.status(), Some(500));
        assert_eq!(e.body_start(), Some("<html><body>Bad Gateway</body></html>"));
    }

    #[test]
    fn error_bodies_of_both_shapes() {
        let a = br#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"#;
        let m = parse_error_metadata(403, Some("hdr"), a).unwrap();
        assert_eq!((m.code(), m.message(), m.request_id(), m.http_status()), ("AccessDenied", Some("no"), Some("r-1"), Some(403)));
        assert_eq!(m.error_type(), Some(ErrorType::Sender));
        let b = br#"<?xml version="1.0"?><ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>bad</Message></Error></Errors></ErrorResponse>"#;
        let m = parse_error_metadata(403, Some("hdr-id"), b).unwrap();
        assert_eq!((m.code(), m.request_id()), ("InvalidClientTokenId", Some("hdr-id")));
        assert_eq!(parse_error_metadata(400, None, b"<ErrorResponse/>").unwrap_err().kind(), &ParseErrorKind::NoErrorCode);
    }

    #[test]
    fn body_prefix_hides_secrets() {
        let body = b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>s3cr3t";
        let p = safe_body_prefix(body);
        assert!(!p.contains("s3cr3t") && !p.contains("ASIA"), "{p}");
        assert!(p.starts_with("<AssumeRoleResponse>"));
    }

    #[test]
    fn nesting_is_bounded() {
        let body = "<a>".repeat(MAX_DEPTH + 10);
        let mut r = XmlReader::new(body.as_bytes()).unwrap();
        let root = r.root().unwrap();
        let mut err = None;
        let mut tag = root;
        loop {
            match r.next_child(&tag) {
                Ok(Some(t)) => tag = t,
                Ok(None) => break,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        assert_eq!(err.unwrap().kind(), &ParseErrorKind::TooDeep);
    }
}
