//! Errors of a whole operation call.

use std::fmt;
use std::time::Duration;

use super::build::BuildError;
use crate::credentials::CredentialsError;
use crate::xml::ParseError;

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Connecting took too long.
    Connect,
    /// One attempt (send and read the response) took too long.
    Attempt,
    /// The whole operation, retries included, took too long.
    Operation,
}

/// What went wrong on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Could not connect (refused, DNS, TLS handshake).
    Connect,
    /// The connection broke while sending or reading.
    Io,
    /// A timeout fired.
    Timeout(TimeoutKind),
    /// The response body is larger than the configured cap.
    BodyTooLarge {
        /// The cap in bytes.
        limit: usize,
    },
    /// The request could not be built for the wire (bad endpoint URL, header value).
    InvalidRequest,
    /// The request would carry a session token over plain HTTP to a host other than this
    /// machine, and was not sent.
    InsecureEndpoint {
        /// The endpoint's host.
        host: String,
    },
    /// The HTTP proxy refused to open a tunnel (`CONNECT` answered with a non-2xx status,
    /// e.g. 407 when it wants other credentials); the message names the proxy and the target.
    ProxyRejected {
        /// The proxy's status code.
        status: u16,
    },
    /// The server speaks no TLS version this program offers: without the runtime's feature
    /// `tls12`, a server that speaks only TLS 1.2 (the message names the feature).
    TlsVersionUnsupported {
        /// The server's host.
        host: String,
    },
    /// There is no root certificate to verify the server's certificate with: the system's
    /// trust store is empty or missing and no CA bundle is configured (the message names the
    /// remedies).
    NoRootCertificates {
        /// The server's host.
        host: String,
    },
}

/// A transport failure.
///
/// One pointer wide (the parts are boxed): the transport's results and futures, and every
/// [`SdkError`], stay small.
#[derive(Clone, PartialEq, Eq)]
pub struct TransportError(Box<TransportParts>);

#[derive(Clone, PartialEq, Eq)]
struct TransportParts {
    kind: TransportErrorKind,
    message: String,
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .finish()
    }
}

impl TransportError {
    /// A new error.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError::from_parts(kind, message.into())
    }

    /// [`new`](Self::new) without the generic argument (compiled once).
    fn from_parts(kind: TransportErrorKind, message: String) -> Self {
        TransportError(Box::new(TransportParts { kind, message }))
    }

    /// What kind of failure.
    pub fn kind(&self) -> &TransportErrorKind {
        &self.0.kind
    }

    /// The underlying message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Whether another attempt could succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.0.kind,
            TransportErrorKind::Connect
                | TransportErrorKind::Io
                | TransportErrorKind::Timeout(TimeoutKind::Attempt | TimeoutKind::Connect)
                | TransportErrorKind::ProxyRejected { status: 502..=504 }
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The kind always says what happened; the message (when there is one) adds the detail.
        match &self.0.kind {
            TransportErrorKind::Connect => f.write_str("could not connect")?,
            TransportErrorKind::Io => f.write_str("connection failed")?,
            TransportErrorKind::Timeout(k) => write!(f, "{k:?} timeout")?,
            TransportErrorKind::BodyTooLarge { limit } => write!(
                f,
                "the response body exceeded the {limit}-byte cap (max_response_body)"
            )?,
            TransportErrorKind::InvalidRequest => f.write_str("invalid request")?,
            TransportErrorKind::InsecureEndpoint { host } => {
                write!(f, "insecure endpoint `{host}`")?
            }
            TransportErrorKind::ProxyRejected { status } => {
                write!(f, "the proxy refused the connection (HTTP {status})")?
            }
            TransportErrorKind::TlsVersionUnsupported { host } => {
                write!(f, "`{host}` speaks no TLS version this program offers")?
            }
            TransportErrorKind::NoRootCertificates { host } => {
                write!(f, "no root certificate to verify `{host}` with")?
            }
        }
        if self.0.message.is_empty() {
            Ok(())
        } else {
            write!(f, ": {}", self.0.message)
        }
    }
}

impl std::error::Error for TransportError {}

/// The error of one operation call: `E` is the operation's modeled error enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The input was invalid (checked before any network traffic).
    Construction(BuildError),
    /// No credentials could be had.
    Credentials(CredentialsError),
    /// The endpoint could not be resolved.
    Endpoint(String),
    /// Signing failed.
    Signing(String),
    /// The transport failed on every attempt.
    Transport {
        /// The last failure.
        error: TransportError,
        /// Attempts made.
        attempts: u32,
    },
    /// The operation's time budget ran out.
    Timeout {
        /// Which budget.
        kind: TimeoutKind,
        /// The configured duration.
        after: Duration,
        /// Attempts made.
        attempts: u32,
    },
    /// The response could not be read (not XML, truncated, missing members).
    Response {
        /// What was wrong, with the status and the start of the body.
        error: ParseError,
        /// Attempts made.
        attempts: u32,
    },
    /// The service answered with an error.
    Service {
        /// The error, classified by the model.
        error: E,
        /// Attempts made.
        attempts: u32,
    },
}

impl<E> SdkError<E> {
    /// The service error, if that is what this is.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            SdkError::Service { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Consumes into the service error, if that is what this is.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            SdkError::Service { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Attempts made before giving up (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            SdkError::Transport { attempts, .. }
            | SdkError::Timeout { attempts, .. }
            | SdkError::Response { attempts, .. }
            | SdkError::Service { attempts, .. } => *attempts,
            _ => 0,
        }
    }
}

impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Formatting happens in a non-generic function: one copy, not one per error type.
        let view = match self {
            SdkError::Construction(e) => View::Construction(e),
            SdkError::Credentials(e) => View::Credentials(e),
            SdkError::Endpoint(e) => View::Endpoint(e),
            SdkError::Signing(e) => View::Signing(e),
            SdkError::Transport { error, attempts } => View::Transport(error, *attempts),
            SdkError::Timeout {
                kind,
                after,
                attempts,
            } => View::Timeout(*kind, *after, *attempts),
            SdkError::Response { error, attempts } => View::Response(error, *attempts),
            SdkError::Service { error, attempts } => View::Service(error, *attempts),
        };
        view.fmt(f)
    }
}

enum View<'a> {
    Construction(&'a BuildError),
    Credentials(&'a CredentialsError),
    Endpoint(&'a str),
    Signing(&'a str),
    Transport(&'a TransportError, u32),
    Timeout(TimeoutKind, Duration, u32),
    Response(&'a ParseError, u32),
    Service(&'a dyn fmt::Display, u32),
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            View::Construction(e) => write!(f, "invalid input: {e}"),
            View::Credentials(e) => write!(f, "no credentials: {e}"),
            View::Endpoint(e) => write!(f, "endpoint resolution failed: {e}"),
            View::Signing(e) => write!(f, "signing failed: {e}"),
            View::Transport(error, attempts) => write!(f, "{error} (after {attempts} attempt(s))"),
            View::Timeout(kind, after, attempts) => write!(
                f,
                "{kind:?} timeout of {after:?} elapsed (after {attempts} attempt(s))"
            ),
            View::Response(error, attempts) => write!(
                f,
                "unreadable response: {error} (after {attempts} attempt(s))"
            ),
            View::Service(error, attempts) => {
                write!(f, "{error}")?;
                if *attempts > 1 {
                    write!(f, " (after {attempts} attempts)")?;
                }
                Ok(())
            }
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for SdkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SdkError::Construction(e) => Some(e),
            SdkError::Credentials(e) => Some(e),
            SdkError::Transport { error, .. } => Some(error),
            SdkError::Response { error, .. } => Some(error),
            SdkError::Service { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl<E> From<BuildError> for SdkError<E> {
    fn from(e: BuildError) -> Self {
        SdkError::Construction(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transport_error_says_what_happened() {
        let cases = [
            (
                TransportErrorKind::BodyTooLarge { limit: 0 },
                "the response body exceeded the 0-byte cap (max_response_body)",
            ),
            (TransportErrorKind::Connect, "could not connect"),
            (TransportErrorKind::Io, "connection failed"),
            (
                TransportErrorKind::Timeout(TimeoutKind::Attempt),
                "Attempt timeout",
            ),
            (TransportErrorKind::InvalidRequest, "invalid request"),
            (
                TransportErrorKind::InsecureEndpoint { host: "h".into() },
                "insecure endpoint `h`",
            ),
            (
                TransportErrorKind::ProxyRejected { status: 407 },
                "the proxy refused the connection (HTTP 407)",
            ),
            (
                TransportErrorKind::TlsVersionUnsupported { host: "h".into() },
                "`h` speaks no TLS version this program offers",
            ),
            (
                TransportErrorKind::NoRootCertificates { host: "h".into() },
                "no root certificate to verify `h` with",
            ),
        ];
        for (kind, text) in cases {
            assert_eq!(TransportError::new(kind.clone(), "").to_string(), text);
            assert_eq!(
                TransportError::new(kind, "detail").to_string(),
                format!("{text}: detail")
            );
        }
    }
}
