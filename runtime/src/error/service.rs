//! Service error metadata shared by every generated error type.

use std::fmt;

/// Who is at fault, as awsQuery error bodies say in `<Type>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// The request was wrong (`Sender`).
    Sender,
    /// The service failed (`Receiver`).
    Receiver,
}

impl ErrorType {
    /// Parses the `<Type>` text (`Sender` / `Receiver`, case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("sender") {
            Some(ErrorType::Sender)
        } else if text.eq_ignore_ascii_case("receiver") {
            Some(ErrorType::Receiver)
        } else {
            None
        }
    }
}

/// What every service error carries: code, message, type, request id and HTTP status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    code: String,
    message: Option<String>,
    error_type: Option<ErrorType>,
    request_id: Option<String>,
    http_status: Option<u16>,
}

impl ErrorMetadata {
    /// Metadata with the given error code.
    pub fn new(code: impl Into<String>) -> Self {
        ErrorMetadata {
            code: code.into(),
            ..Default::default()
        }
    }

    /// Sets the message.
    pub fn with_message(mut self, message: Option<String>) -> Self {
        self.message = message;
        self
    }

    /// Sets the error type.
    pub fn with_error_type(mut self, error_type: Option<ErrorType>) -> Self {
        self.error_type = error_type;
        self
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// Sets the HTTP status.
    pub fn with_http_status(mut self, status: Option<u16>) -> Self {
        self.http_status = status;
        self
    }

    /// The awsQuery error code (`AccessDenied`, `MalformedPolicyDocument`, ...).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The error message, when the service sent one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// `Sender` or `Receiver`, when the service said.
    pub fn error_type(&self) -> Option<ErrorType> {
        self.error_type
    }

    /// The request id, when known.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status of the response, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.http_status
    }
}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Escaped(&self.code))?;
        if let Some(m) = &self.message {
            write!(f, ": {}", Escaped(m))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", Escaped(id))?;
        }
        Ok(())
    }
}

/// Text a server sent (an error code, message or request id), for `Display`: control
/// characters (a terminal escape sequence, a line break that would forge a log line) and the
/// bidirectional-text controls are written escaped (`\u{1b}`, `\n`, `\u{202e}`), everything else
/// as it is. Service errors' `Display` (the runtime's and the generated ones) writes server
/// text through it; the accessors (`message()`, ...) return the text unchanged.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        for c in self.0.chars() {
            if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// An error code the model does not describe for this operation (`AccessDenied`,
/// `Throttling`, `InvalidClientTokenId`, ...), with all its metadata kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnhandledError {
    meta: ErrorMetadata,
}

impl UnhandledError {
    /// Wraps metadata.
    pub fn new(meta: ErrorMetadata) -> Self {
        UnhandledError { meta }
    }

    /// The metadata.
    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

impl fmt::Display for UnhandledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.meta.fmt(f)
    }
}

impl std::error::Error for UnhandledError {}

/// Access to the request id of an output or error.
pub trait RequestId {
    /// The `x-amzn-RequestId` / `<RequestId>` of the response, when known.
    fn request_id(&self) -> Option<&str>;
}
