//! The error of reading a response body, and the bound on nesting.

use std::fmt;

use crate::types::wire::InvalidValue;

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
    /// An error response that names no error code (no `<Error><Code>`, or for JSON protocols
    /// no `X-Amzn-Errortype`, `code` or `__type`).
    NoErrorCode,
    /// The body is not valid JSON (or not UTF-8), for the JSON protocols.
    MalformedJson {
        /// The JSON parser's message (with the path of the value being read).
        message: String,
        /// Byte offset where it failed.
        position: u64,
    },
    /// Elements nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// A response could not be read. Carries the HTTP status and the start of the body when the
/// caller knows them (see [`ParseError::with_response`]).
///
/// One pointer wide (the parts are boxed): every reader returns `Result<_, ParseError>`, and
/// a small error keeps those results, and the code moving them, small.
#[derive(Clone, PartialEq, Eq)]
pub struct ParseError(Box<Parts>);

#[derive(Clone, PartialEq, Eq)]
struct Parts {
    kind: ParseErrorKind,
    status: Option<u16>,
    body_start: Option<String>,
}

impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseError")
            .field("kind", &self.0.kind)
            .field("status", &self.0.status)
            .field("body_start", &self.0.body_start)
            .finish()
    }
}

impl ParseError {
    /// A new error.
    pub fn new(kind: ParseErrorKind) -> Self {
        ParseError(Box::new(Parts {
            kind,
            status: None,
            body_start: None,
        }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.0.kind
    }

    /// The HTTP status of the response, when known.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The start of the body (at most 200 characters, cut before anything that looks like a
    /// secret element), when known.
    pub fn body_start(&self) -> Option<&str> {
        self.0.body_start.as_deref()
    }

    /// Records the response this error came from.
    pub fn with_response(mut self, status: u16, body: &[u8]) -> Self {
        self.0.status = Some(status);
        self.0.body_start = Some(safe_body_prefix(body));
        self
    }

    pub(crate) fn malformed(e: impl fmt::Display, position: u64) -> Self {
        ParseError::new(ParseErrorKind::Malformed {
            message: e.to_string(),
            position,
        })
    }

    /// An invalid value for `member` of `shape`.
    pub fn invalid(shape: &'static str, member: &'static str, e: InvalidValue, text: &str) -> Self {
        ParseError::new(ParseErrorKind::InvalidValue {
            shape,
            member,
            expected: e.expected,
            length: text.len(),
        })
    }

    /// A missing required `member` of `shape`.
    pub fn missing(shape: &'static str, member: &'static str) -> Self {
        ParseError::new(ParseErrorKind::MissingMember { shape, member })
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ParseErrorKind::Malformed { message, position } => write!(
                f,
                "response is not well-formed XML at byte {position}: {message}"
            )?,
            ParseErrorKind::UnexpectedEof => {
                write!(f, "response XML ends before its root element closes")?
            }
            ParseErrorKind::NoRoot => write!(f, "response body has no XML root element")?,
            ParseErrorKind::UnexpectedRoot { expected, found } => write!(
                f,
                "response root element is <{found}>, expected <{expected}>"
            )?,
            ParseErrorKind::MissingMember { shape, member } => write!(
                f,
                "response is missing required member `{member}` of `{shape}`"
            )?,
            ParseErrorKind::InvalidValue {
                shape,
                member,
                expected,
                length,
            } => write!(
                f,
                "response member `{member}` of `{shape}` is not a valid {expected} ({length} bytes)"
            )?,
            ParseErrorKind::NoErrorCode => write!(f, "error response names no error code")?,
            ParseErrorKind::MalformedJson { message, position } => write!(
                f,
                "response is not valid JSON at byte {position}: {message}"
            )?,
            ParseErrorKind::TooDeep => {
                write!(f, "response XML nests deeper than {MAX_DEPTH} elements")?
            }
        }
        if let Some(status) = self.0.status {
            write!(f, " (HTTP {status}")?;
            match &self.0.body_start {
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
    let mut end = text
        .char_indices()
        .nth(200)
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let lower = text[..end].to_ascii_lowercase();
    for marker in [
        "<credentials",
        "\"credentials",
        "secret",
        "token",
        "password",
        "<assertion",
    ] {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_prefix_hides_secrets() {
        let body = b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>s3cr3t";
        let p = safe_body_prefix(body);
        assert!(!p.contains("s3cr3t") && !p.contains("ASIA"), "{p}");
        assert!(p.starts_with("<AssumeRoleResponse>"));
        let body = br#"{"Credentials":{"AccessKeyId":"ASIA","SecretAccessKey":"s3cr3t"}}"#;
        let p = safe_body_prefix(body);
        assert!(!p.contains("s3cr3t") && !p.contains("ASIA"), "{p}");
    }
}
