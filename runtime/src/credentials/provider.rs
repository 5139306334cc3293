//! What credentials are ([`Credentials`]), why they can be missing ([`CredentialsError`]), the
//! provider trait the client asks for them ([`ProvideCredentials`]), fixed credentials
//! ([`StaticCredentials`]) which requests are signed with.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::future::{block_on, BoxFuture};
use crate::sensitive::REDACTED;

/// An access key, secret key and optional session token, with an optional expiry.
/// `Debug` never shows the secret key or the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
    provider: &'static str,
    account_id: Option<String>,
}

impl Credentials {
    /// New credentials; `provider` names where they came from (for errors and logs).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiry: Option<SystemTime>,
        provider: &'static str,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiry,
            provider,
            account_id: None,
        }
    }

    /// The same credentials with the AWS account id they belong to (`AWS_ACCOUNT_ID`, a
    /// profile's `aws_account_id`, `AccountId` of a container or `credential_process` response,
    /// the account of an assumed role's ARN). An empty id is treated as none.
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Self {
        let id = account_id.into();
        self.account_id = if id.is_empty() { None } else { Some(id) };
        self
    }

    /// The AWS account id the credentials belong to, when the provider knew it (not secret;
    /// shown in `Debug`).
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// The access key id (not secret; shown in `Debug`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When the credentials expire, if they do.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Which provider produced them.
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// Whether they have expired at `now`.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        self.expiry.is_some_and(|e| e <= now)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expiry", &self.expiry)
            .field("provider", &self.provider)
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// Why credentials could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The provider has nothing to offer (for example, the variables are unset); a chain moves on.
    NotLoaded {
        /// The provider.
        provider: &'static str,
        /// Why.
        reason: String,
    },
    /// The provider's source is present but wrong (a malformed file, a non-UTF-8 variable, ...).
    InvalidConfiguration {
        /// The provider.
        provider: &'static str,
        /// What is wrong, naming the file, line or variable.
        reason: String,
    },
    /// The provider tried and failed (for example, an STS call was refused).
    ProviderError {
        /// The provider.
        provider: &'static str,
        /// What happened.
        reason: String,
    },
    /// The provider did not answer within its load timeout.
    Timeout {
        /// The provider.
        provider: &'static str,
        /// The timeout.
        after: std::time::Duration,
    },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotLoaded { provider, reason } => {
                write!(f, "{provider}: no credentials: {reason}")
            }
            CredentialsError::InvalidConfiguration { provider, reason } => {
                write!(f, "{provider}: invalid configuration: {reason}")
            }
            CredentialsError::ProviderError { provider, reason } => {
                write!(f, "{provider}: {reason}")
            }
            CredentialsError::Timeout { provider, after } => {
                write!(
                    f,
                    "{provider}: did not provide credentials within {after:?}"
                )
            }
        }
    }
}

impl std::error::Error for CredentialsError {}
/// Something that produces credentials (async). Providers compose: a chain or a cache wraps others.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Produces credentials.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;

    /// A short name for errors and logs.
    fn name(&self) -> &'static str;

    /// The blocking counterpart of [`provide_credentials`](Self::provide_credentials): produces
    /// credentials on the calling thread, which must not be running an async runtime's tasks.
    /// Providers that call a service use a blocking transport when called this way.
    fn provide_credentials_blocking(&self) -> Result<Credentials, CredentialsError> {
        block_on(self.provide_credentials())
    }
}
/// A shared credentials provider.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

/// Fixed credentials.
#[derive(Clone, Debug)]
pub struct StaticCredentials(Credentials);

impl StaticCredentials {
    /// Serves these credentials.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        StaticCredentials(Credentials::new(
            access_key_id,
            secret_access_key,
            session_token,
            None,
            "static",
        ))
    }
}

impl From<Credentials> for StaticCredentials {
    /// Serves these credentials as they are (expiry and provider name included).
    fn from(c: Credentials) -> Self {
        StaticCredentials(c)
    }
}

impl ProvideCredentials for StaticCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let c = self.0.clone();
        Box::pin(async move { Ok(c) })
    }

    fn name(&self) -> &'static str {
        "static"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_counterpart_and_from_credentials() {
        let c = Credentials::new(
            "AKID",
            "SECRET",
            None,
            Some(SystemTime::UNIX_EPOCH),
            "fixed",
        );
        let provider = StaticCredentials::from(c.clone());
        assert_eq!(provider.provide_credentials_blocking(), Ok(c));
    }

    #[test]
    fn account_id_is_carried_and_shown() {
        let c = Credentials::new("AKID", "s3cr3t", None, None, "static");
        assert_eq!(c.account_id(), None);
        let c = c.with_account_id("123456789012");
        assert_eq!(c.account_id(), Some("123456789012"));
        assert!(format!("{c:?}").contains("123456789012"));
        assert_eq!(c.with_account_id("").account_id(), None);
    }

    #[test]
    fn debug_redacts() {
        let c = Credentials::new("AKID", "s3cr3t", Some("t0k3n".into()), None, "static");
        let d = format!("{c:?}");
        assert!(
            d.contains("AKID") && !d.contains("s3cr3t") && !d.contains("t0k3n"),
            "{d}"
        );
    }
}
