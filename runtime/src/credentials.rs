//! AWS credentials and the provider trait the client asks for them.
//!
//! This module has the static and environment providers; the assume-role, web-identity,
//! profile and caching providers build on [`ProvideCredentials`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

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
        }
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
            .field("session_token", &self.session_token.as_ref().map(|_| REDACTED))
            .field("expiry", &self.expiry)
            .field("provider", &self.provider)
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
            CredentialsError::NotLoaded { provider, reason } => write!(f, "{provider}: no credentials: {reason}"),
            CredentialsError::InvalidConfiguration { provider, reason } => {
                write!(f, "{provider}: invalid configuration: {reason}")
            }
            CredentialsError::ProviderError { provider, reason } => write!(f, "{provider}: {reason}"),
            CredentialsError::Timeout { provider, after } => {
                write!(f, "{provider}: did not provide credentials within {after:?}")
            }
        }
    }
}

impl std::error::Error for CredentialsError {}

/// A boxed future, as returned by providers.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

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

/// Drives a future to completion on the calling thread, parking it while the future waits.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    struct ThreadWaker(std::thread::Thread);
    impl std::task::Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let mut fut = std::pin::pin!(fut);
    let waker = std::task::Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    loop {
        if let std::task::Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

/// A shared credentials provider.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

/// Fixed credentials.
#[derive(Clone, Debug)]
pub struct StaticCredentials(Credentials);

impl StaticCredentials {
    /// Serves these credentials.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>, session_token: Option<String>) -> Self {
        StaticCredentials(Credentials::new(access_key_id, secret_access_key, session_token, None, "static"))
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

/// Reads an environment variable; a non-UTF-8 value is an error naming the variable.
pub fn env_var(name: &str, provider: &'static str) -> Result<Option<String>, CredentialsError> {
    match std::env::var(name) {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => Ok(Some(v.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(CredentialsError::InvalidConfiguration {
            provider,
            reason: format!("environment variable {name} is not valid UTF-8"),
        }),
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`.
#[derive(Clone, Debug, Default)]
pub struct EnvironmentCredentials;

impl EnvironmentCredentials {
    const NAME: &'static str = "environment";

    /// Reads the variables now, from the process environment.
    ///
    /// # Errors
    /// See [`load_from`](Self::load_from).
    pub fn load() -> Result<Credentials, CredentialsError> {
        Self::load_from(&crate::profile::ProcessEnv)
    }

    /// Reads the variables from `env` (the process, or memory in tests).
    ///
    /// # Errors
    /// [`CredentialsError::NotLoaded`] when neither key variable is set (a chain moves on);
    /// [`CredentialsError::InvalidConfiguration`] naming the variable when only one of them is
    /// set, a value is not UTF-8, or `AWS_CREDENTIAL_EXPIRATION` is not an RFC 3339 date-time.
    pub fn load_from(env: &dyn crate::profile::Env) -> Result<Credentials, CredentialsError> {
        let var = |name: &str| {
            env.var(name).map_err(|e| CredentialsError::InvalidConfiguration { provider: Self::NAME, reason: e.to_string() })
        };
        let id = var("AWS_ACCESS_KEY_ID")?;
        let secret = var("AWS_SECRET_ACCESS_KEY")?;
        let (id, secret) = match (id, secret) {
            (Some(i), Some(s)) => (i, s),
            (None, None) => {
                return Err(CredentialsError::NotLoaded {
                    provider: Self::NAME,
                    reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".to_owned(),
                })
            }
            (Some(_), None) => {
                return Err(CredentialsError::InvalidConfiguration {
                    provider: Self::NAME,
                    reason: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".to_owned(),
                })
            }
            (None, Some(_)) => {
                return Err(CredentialsError::InvalidConfiguration {
                    provider: Self::NAME,
                    reason: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".to_owned(),
                })
            }
        };
        let token = var("AWS_SESSION_TOKEN")?;
        let expiry = match var("AWS_CREDENTIAL_EXPIRATION")? {
            None => None,
            Some(text) => {
                let t = crate::primitives::parse_timestamp(&text, crate::primitives::TimestampFormat::DateTime)
                    .map_err(|_| CredentialsError::InvalidConfiguration {
                        provider: Self::NAME,
                        reason: "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 date-time".to_owned(),
                    })?;
                Some(SystemTime::from(t))
            }
        };
        Ok(Credentials::new(id, secret, token, expiry, Self::NAME))
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async { Self::load() })
    }

    fn name(&self) -> &'static str {
        Self::NAME
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::profile::MemoryEnv;

    #[test]
    fn environment_from_memory() {
        let env = MemoryEnv::new()
            .with_var("AWS_ACCESS_KEY_ID", "AKID")
            .with_var("AWS_SECRET_ACCESS_KEY", "SECRET")
            .with_var("AWS_SESSION_TOKEN", "TOKEN")
            .with_var("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z");
        let c = EnvironmentCredentials::load_from(&env).unwrap();
        assert_eq!((c.access_key_id(), c.secret_access_key(), c.session_token()), ("AKID", "SECRET", Some("TOKEN")));
        assert_eq!(c.expiry(), Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_893_553_445)));
    }

    #[test]
    fn environment_errors_name_the_variable() {
        let none = EnvironmentCredentials::load_from(&MemoryEnv::new()).unwrap_err();
        assert!(matches!(none, CredentialsError::NotLoaded { .. }), "{none}");
        let half = EnvironmentCredentials::load_from(&MemoryEnv::new().with_var("AWS_ACCESS_KEY_ID", "AKID")).unwrap_err();
        assert!(half.to_string().contains("AWS_SECRET_ACCESS_KEY is not"), "{half}");
        let bad_expiry = MemoryEnv::new()
            .with_var("AWS_ACCESS_KEY_ID", "AKID")
            .with_var("AWS_SECRET_ACCESS_KEY", "SECRET")
            .with_var("AWS_CREDENTIAL_EXPIRATION", "tomorrow");
        let e = EnvironmentCredentials::load_from(&bad_expiry).unwrap_err();
        assert!(e.to_string().contains("AWS_CREDENTIAL_EXPIRATION"), "{e}");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let env = MemoryEnv::new()
                .with_var("AWS_ACCESS_KEY_ID", std::ffi::OsString::from_vec(vec![0xff, 0xfe]))
                .with_var("AWS_SECRET_ACCESS_KEY", "SECRET");
            let e = EnvironmentCredentials::load_from(&env).unwrap_err();
            assert!(e.to_string().contains("AWS_ACCESS_KEY_ID is not valid UTF-8"), "{e}");
        }
    }

    #[test]
    fn blocking_counterpart_and_from_credentials() {
        let c = Credentials::new("AKID", "SECRET", None, Some(SystemTime::UNIX_EPOCH), "fixed");
        let provider = StaticCredentials::from(c.clone());
        assert_eq!(provider.provide_credentials_blocking(), Ok(c));
    }

    #[test]
    fn debug_redacts() {
        let c = Credentials::new("AKID", "s3cr3t", Some("t0k3n".into()), None, "static");
        let d = format!("{c:?}");
        assert!(d.contains("AKID") && !d.contains("s3cr3t") && !d.contains("t0k3n"), "{d}");
    }
}
