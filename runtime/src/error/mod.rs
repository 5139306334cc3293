//! The errors a generated client's caller sees, in one place: an input that failed
//! client-side validation ([`BuildError`]), a service's error response ([`ErrorMetadata`],
//! [`UnhandledError`]) and the error of a whole call ([`SdkError`], with the transport's
//! [`TransportError`]). Errors of one concern stay next to it: reading a response body is
//! [`crate::xml::ParseError`], credentials are [`crate::credentials::CredentialsError`], the
//! shared files are [`crate::config::ProfileError`].

mod build;
mod sdk;
mod service;

pub use build::{BuildError, Violation};
pub use sdk::{SdkError, TimeoutKind, TransportError, TransportErrorKind};
pub use service::{ErrorMetadata, ErrorType, Escaped, RequestId, UnhandledError};
