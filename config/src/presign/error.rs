//! Why presigning failed: [`PresignError`].

use std::fmt;

use stsgen_runtime::credentials::CredentialsError;
use stsgen_runtime::sigv4::SigningError;

/// Why a URL could not be presigned.
#[derive(Debug)]
#[non_exhaustive]
pub enum PresignError {
    /// The endpoint could not be resolved from the configuration.
    Endpoint(String),
    /// No credentials could be had.
    Credentials(CredentialsError),
    /// A header name or value cannot be sent, or the expiry is out of range.
    Signing(SigningError),
    /// The configuration has no credentials provider.
    NoCredentialsProvider,
    /// The configuration has no region (database tokens are signed for one).
    NoRegion,
    /// An input to a database token is empty or malformed.
    InvalidInput {
        /// Which input (`host name`, `port`, `user name`, `region`).
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for PresignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PresignError::Endpoint(e) => write!(f, "presigning: endpoint: {e}"),
            PresignError::Credentials(e) => write!(f, "presigning: credentials: {e}"),
            PresignError::Signing(e) => write!(f, "presigning: {e}"),
            PresignError::NoCredentialsProvider => f.write_str("presigning: the configuration has no credentials provider"),
            PresignError::NoRegion => {
                f.write_str("presigning: no region (pass --region REGION, set AWS_REGION, or set `region` in the profile)")
            }
            PresignError::InvalidInput { what, reason } => write!(f, "presigning a database token: the {what} is invalid: {reason}"),
        }
    }
}

impl std::error::Error for PresignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PresignError::Credentials(e) => Some(e),
            PresignError::Signing(e) => Some(e),
            _ => None,
        }
    }
}
