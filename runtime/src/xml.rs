//! A streaming XML reader for awsQuery responses (no DOM), and awsQuery error-body parsing.
//!
//! Generated deserializers walk elements with [`XmlReader::next_child`], read leaf text with
//! [`XmlReader::read_text`] and skip what they do not know with [`XmlReader::skip`].
//! Element names are matched by local name (namespace prefixes are ignored).

use std::borrow::Cow;
use std::fmt;

use crate::error::{ErrorMetadata, ErrorType};
use crate::primitives::InvalidValue;

mod lexer;

use lexer::{Lexer, Token};

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
    name: &'a str,
    attrs: &'a str,
    depth: usize,
    empty: bool,
}

impl<'a> StartTag<'a> {
    /// The element's local name (without any namespace prefix).
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The value of an attribute, by local name, with references resolved and whitespace
    /// normalized as XML specifies for attribute values.
    pub fn attribute(&self, name: &str) -> Option<Cow<'a, str>> {
        lexer::Attributes::new(self.attrs).find(|(k, _)| local(k) == name).map(|(_, v)| lexer::attribute_value(v))
    }
}

fn local(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// A pull reader over one response body.
pub struct XmlReader<'a> {
    lexer: Lexer<'a>,
}

impl<'a> XmlReader<'a> {
    /// A reader over `body`, which must be UTF-8 (checked once, here).
    pub fn new(body: &'a [u8]) -> Result<Self, ParseError> {
        let text = std::str::from_utf8(body).map_err(|e| ParseError::malformed(e, e.valid_up_to() as u64))?;
        Ok(XmlReader { lexer: Lexer::new(text) })
    }

    /// A start tag for a `Start` token the lexer has just read.
    fn tag(&self, name: &'a str, attrs: &'a str, empty: bool) -> StartTag<'a> {
        let depth = self.lexer.depth() + usize::from(empty);
        StartTag { name, attrs, depth, empty }
    }

    /// The root element (skipping the XML declaration, comments and whitespace).
    pub fn root(&mut self) -> Result<StartTag<'a>, ParseError> {
        loop {
            match self.lexer.next_token()? {
                Token::Start { name, attrs, empty } => return Ok(self.tag(name, attrs, empty)),
                Token::Eof => return Err(ParseError::new(ParseErrorKind::NoRoot)),
                Token::Text { raw, .. } if raw.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) => {}
                Token::Text { raw, .. } => {
                    let at = self.lexer.position().saturating_sub(raw.len());
                    return Err(ParseError::malformed("text before the root element", at as u64));
                }
                Token::CData(raw) => {
                    let at = self.lexer.position().saturating_sub(raw.len() + "<![CDATA[]]>".len());
                    return Err(ParseError::malformed("CDATA before the root element", at as u64));
                }
                // The lexer rejects an end tag without an open element.
                Token::End => return Err(ParseError::malformed("end tag before the root element", self.lexer.position() as u64)),
            }
        }
    }

    /// The next child element of `parent`, or `None` once `parent` has closed.
    /// Text directly inside `parent` is ignored.
    pub fn next_child(&mut self, parent: &StartTag<'a>) -> Result<Option<StartTag<'a>>, ParseError> {
        if parent.empty || self.lexer.depth() < parent.depth {
            return Ok(None);
        }
        loop {
            match self.lexer.next_markup()? {
                Token::Start { name, attrs, empty } => {
                    let tag = self.tag(name, attrs, empty);
                    if tag.depth == parent.depth + 1 {
                        return Ok(Some(tag));
                    }
                }
                Token::End => {
                    if self.lexer.depth() < parent.depth {
                        return Ok(None);
                    }
                }
                Token::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                Token::Text { .. } | Token::CData(_) => {}
            }
        }
    }

    /// All text inside `tag` (text, CDATA and entity references; nested elements are skipped),
    /// consuming the element. Borrowed from the body unless it had to be put together.
    pub fn read_text(&mut self, tag: &StartTag<'a>) -> Result<Cow<'a, str>, ParseError> {
        if tag.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut out: Cow<'a, str> = Cow::Borrowed("");
        loop {
            match self.lexer.next_token()? {
                Token::Text { raw, refs } if self.lexer.depth() == tag.depth => {
                    if refs {
                        lexer::unescape_into(raw, out.to_mut());
                    } else if out.is_empty() {
                        out = Cow::Borrowed(raw);
                    } else {
                        out.to_mut().push_str(raw);
                    }
                }
                Token::CData(raw) if self.lexer.depth() == tag.depth => {
                    if out.is_empty() {
                        out = Cow::Borrowed(raw);
                    } else {
                        out.to_mut().push_str(raw);
                    }
                }
                Token::End => {
                    if self.lexer.depth() < tag.depth {
                        return Ok(out);
                    }
                }
                Token::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                Token::Start { .. } | Token::Text { .. } | Token::CData(_) => {}
            }
        }
    }

    /// Skips `tag` and everything inside it.
    pub fn skip(&mut self, tag: &StartTag<'a>) -> Result<(), ParseError> {
        if tag.empty {
            return Ok(());
        }
        loop {
            match self.lexer.next_markup()? {
                Token::End => {
                    if self.lexer.depth() < tag.depth {
                        return Ok(());
                    }
                }
                Token::Eof => return Err(ParseError::new(ParseErrorKind::UnexpectedEof)),
                Token::Start { .. } | Token::Text { .. } | Token::CData(_) => {}
            }
        }
    }

    /// Reads to the end of the document, failing on malformed or truncated XML.
    pub fn finish(&mut self) -> Result<(), ParseError> {
        loop {
            if let Token::Eof = self.lexer.next_markup()? {
                return if self.lexer.depth() == 0 { Ok(()) } else { Err(ParseError::new(ParseErrorKind::UnexpectedEof)) };
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
    let empty = StartTag { name: "", attrs: "", depth: 1, empty: true };
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
            format!("expected an `…Response` root element, found `<{}>`", local(root.name())),
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
        assert_eq!(two.attribute("attr").as_deref(), Some("v"));
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

    /// The text of each child of the root, in order, or the first error.
    fn texts(body: &str) -> Result<Vec<String>, ParseError> {
        let mut r = XmlReader::new(body.as_bytes())?;
        let root = r.root()?;
        let mut out = Vec::new();
        while let Some(child) = r.next_child(&root)? {
            out.push(r.read_text(&child)?.into_owned());
        }
        r.finish()?;
        Ok(out)
    }

    fn is_malformed(body: &str) -> bool {
        matches!(texts(body).map_err(|e| e.kind().clone()), Err(ParseErrorKind::Malformed { .. }))
    }

    #[test]
    fn references_resolve_and_bad_ones_are_malformed() {
        let t = texts("<R><a>&lt;&gt;&amp;&quot;&apos;</a><b>&#65;&#x42;&#x1F600;&#0065;</b><c>x &amp;amp; y</c></R>").unwrap();
        assert_eq!(t, ["<>&\"'", "AB\u{1F600}A", "x &amp; y"]);
        for bad in ["&nbsp;", "&#0;", "&#xD800;", "&#x110000;", "&#;", "&#x;", "&#+65;", "&#-1;", "&#1a;", "& b", "a &", "&amp"] {
            assert!(is_malformed(&format!("<R><a>{bad}</a></R>")), "{bad}");
            // Also where the text is only skipped, and in attribute values.
            assert!(is_malformed(&format!("<R><a><b>{bad}</b></a></R>")), "{bad}");
            assert!(is_malformed(&format!("<R><a x=\"{bad}\"/></R>")), "{bad}");
        }
        // A reference to a huge number does not overflow.
        assert!(is_malformed("<R><a>&#99999999999999999999;</a></R>"));
    }

    #[test]
    fn cdata_comments_and_processing_instructions() {
        let t = texts("<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- a -- comment --><R><a>x<!-- <b>not</b> -->y<?pi <z>?>z</a><b><![CDATA[<&amp;]]]]></b><c>p<![CDATA[]]>q</c></R><!-- after -->").unwrap();
        assert_eq!(t, ["xyz", "<&amp;]]", "pq"]);
        assert!(is_malformed("<R><a><![CDATA[x</a></R>"));
        assert!(is_malformed("<R><a><!-- x</a></R>"));
        assert!(is_malformed("<R><a><?pi x</a></R>"));
        assert!(is_malformed("<R><a><!ELEMENT x></a></R>"));
        assert!(is_malformed("<![CDATA[x]]><R/>"), "CDATA before the root");
    }

    #[test]
    fn doctype_is_skipped_but_declares_nothing() {
        let t = texts("<?xml version=\"1.0\"?>\n<!DOCTYPE R [ <!ENTITY e \"a>b\"> <!-- ] > --> ]>\n<R><a>t</a></R>").unwrap();
        assert_eq!(t, ["t"]);
        assert!(is_malformed("<!DOCTYPE R [<!ENTITY e \"x\">]><R><a>&e;</a></R>"));
        assert!(is_malformed("<!DOCTYPE R [ <R/>"));
    }

    #[test]
    fn whitespace_is_kept_as_written() {
        let t = texts("<R>\n  <a>  two\r\n lines \t</a>\n<b> </b><c/></R>\n").unwrap();
        assert_eq!(t, ["  two\r\n lines \t", " ", ""]);
        assert!(is_malformed("  x <R/>"), "text before the root");
        let e = texts("<!--c--> x <R/>").unwrap_err();
        assert!(matches!(e.kind(), ParseErrorKind::Malformed { position: 8, .. }), "{e:?}");
        let e = texts("<?pi?><![CDATA[x]]><R/>").unwrap_err();
        assert!(matches!(e.kind(), ParseErrorKind::Malformed { position: 6, .. }), "{e:?}");
        texts(" \r\n\t<R/> trailing text is ignored").unwrap();
    }

    #[test]
    fn names_prefixes_and_end_tags() {
        let body = "<p:R xmlns:p=\"urn:p\"><p:a>1</p:a><q:é.ñ-2 >2</q:é.ñ-2 ><b\n/><c></c ><3D/></p:R>";
        let mut r = XmlReader::new(body.as_bytes()).unwrap();
        let root = r.root().unwrap();
        assert_eq!(root.name(), "R");
        let mut names = Vec::new();
        while let Some(c) = r.next_child(&root).unwrap() {
            names.push(c.name());
            r.skip(&c).unwrap();
        }
        assert_eq!(names, ["a", "é.ñ-2", "b", "c", "3D"], "digits may start names, as model names do");
        r.finish().unwrap();
        for bad in ["<R></r>", "<p:R></q:R>", "<R><a></R></a>", "<R/></R>", "</R>", "<R></R >x</R>", "< R/>", "<-R/>", "<>", "<R", "<R/", "<R></R", "<R></>", "<p:/>", "<R><a></a x></R>"] {
            let r = XmlReader::new(bad.as_bytes()).and_then(|mut r| {
                let root = r.root()?;
                r.skip(&root)?;
                r.finish()
            });
            assert!(matches!(r.as_ref().map_err(ParseError::kind), Err(ParseErrorKind::Malformed { .. })), "{bad}: {r:?}");
        }
    }

    #[test]
    fn attributes_are_checked_and_read_lazily() {
        let body = "<R xmlns=\"urn:a\" xmlns:x='urn:x' x:Id = \"&lt;1&#x41;\" tab=\"a\tb\r\nc&#10;d\" gt=\"a>b\" single='say \"hi\"'><a k=\"v\"/></R>";
        let mut r = XmlReader::new(body.as_bytes()).unwrap();
        let root = r.root().unwrap();
        assert_eq!(root.attribute("Id").as_deref(), Some("<1A"));
        assert_eq!(root.attribute("tab").as_deref(), Some("a b c\nd"));
        assert_eq!(root.attribute("gt").as_deref(), Some("a>b"));
        assert_eq!(root.attribute("single").as_deref(), Some("say \"hi\""));
        assert_eq!(root.attribute("xmlns").as_deref(), Some("urn:a"));
        assert_eq!(root.attribute("missing"), None);
        assert!(matches!(root.attribute("gt"), Some(Cow::Borrowed(_))));
        let a = r.next_child(&root).unwrap().unwrap();
        assert_eq!((a.name(), a.attribute("k").as_deref()), ("a", Some("v")));
        for bad in ["<R a/>", "<R a=b/>", "<R a=\"b/>", "<R a=\"1\"b=\"2\"/>", "<R a=\"1\" a=\"2\"/>", "<R a=\"<\"/>", "<R =\"1\"/>", "<R a=\"1\" / >", "<R a:b=\"1\" c=\"\" a:b='2'/>"] {
            assert!(is_malformed(bad), "{bad}");
        }
        // Same local name under two prefixes is not a duplicate.
        texts("<R a:b=\"1\" c:b=\"2\"/>").unwrap();
    }

    #[test]
    fn self_closing_elements_at_every_level() {
        let t = texts("<R><a/><b /><c x=\"1\"/><d><e/></d></R>").unwrap();
        assert_eq!(t, ["", "", "", ""]);
        let mut r = XmlReader::new(b"<R/>").unwrap();
        let root = r.root().unwrap();
        assert!(r.next_child(&root).unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn depth_bound_counts_self_closing_elements() {
        let ok = format!("{}<x/>{}", "<a>".repeat(MAX_DEPTH - 1), "</a>".repeat(MAX_DEPTH - 1));
        let mut r = XmlReader::new(ok.as_bytes()).unwrap();
        let root = r.root().unwrap();
        r.skip(&root).unwrap();
        r.finish().unwrap();
        let deep = format!("{}<x/>{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        let mut r = XmlReader::new(deep.as_bytes()).unwrap();
        let root = r.root().unwrap();
        assert_eq!(r.skip(&root).unwrap_err().kind(), &ParseErrorKind::TooDeep);
    }

    /// Every prefix of a document (cut anywhere, including inside multi-byte characters) and
    /// every single-byte corruption reads as an error or a value, never a panic or a hang.
    #[test]
    fn truncations_and_corruptions_never_panic() {
        let body = "<?xml version=\"1.0\"?><!DOCTYPE R><p:R xmlns:p=\"u&amp;\"><!--c--><a k='v'>x&#233;é<![CDATA[<]]></a><b/></p:R>";
        for cut in 0..body.len() {
            let r = XmlReader::new(&body.as_bytes()[..cut]).and_then(|mut r| {
                let root = r.root()?;
                while let Some(c) = r.next_child(&root)? {
                    r.read_text(&c)?;
                }
                r.finish()
            });
            assert!(r.is_err(), "prefix {cut} parsed");
        }
        for i in 0..body.len() {
            for b in [b'<', b'>', b'&', b';', b'/', b'"', b'\'', b'!', b'?', b'[', b']', b'-', b' ', 0, 0xff] {
                let mut v = body.as_bytes().to_vec();
                v[i] = b;
                let _ = texts_bytes(&v);
            }
        }
    }

    fn texts_bytes(body: &[u8]) -> Result<(), ParseError> {
        let mut r = XmlReader::new(body)?;
        let root = r.root()?;
        while let Some(c) = r.next_child(&root)? {
            let _ = c.attribute("k");
            r.read_text(&c)?;
        }
        r.finish()
    }

    #[test]
    fn error_positions_point_at_the_problem() {
        let e = texts("<R><a>x &bogus; y</a></R>").unwrap_err();
        assert_eq!(e.kind(), &ParseErrorKind::Malformed { message: "unknown entity (only the five predefined ones exist without a DTD)".into(), position: 8 });
        let e = texts("<R><a></b></R>").unwrap_err();
        assert!(matches!(e.kind(), ParseErrorKind::Malformed { position: 6, .. }), "{e:?}");
    }
}
