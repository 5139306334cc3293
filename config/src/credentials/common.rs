//! What the providers share: the MFA token source, sending an STS call from a provider,
//! converting STS credentials, and cache settings with the builders' setters.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use stsgen_runtime::config::Env;
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider,
};
use stsgen_runtime::error::SdkError;
use stsgen_runtime::future::BoxFuture;

use sts::client::{Config, OperationInput};

/// How long a provider that calls STS may take to load credentials (default).
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a provider that asks for an MFA token code may take (the callback may wait for a
/// person).
pub const DEFAULT_MFA_LOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// The callback that produces an MFA token code for a device serial number (or ARN).
pub(crate) type TokenFn = dyn Fn(&str) -> Result<String, String> + Send + Sync;

/// A source of MFA token codes: called with the device's serial number once per refresh.
/// `Debug` shows nothing of the codes.
#[derive(Clone)]
pub struct MfaTokenSource(Arc<TokenFn>);

impl MfaTokenSource {
    /// Wraps a callback. It returns the six-digit code, or an error message that ends the
    /// refresh (for example, "no terminal to ask on").
    pub fn new(f: impl Fn(&str) -> Result<String, String> + Send + Sync + 'static) -> Self {
        MfaTokenSource(Arc::new(f))
    }

    pub(crate) fn code(
        &self,
        provider: &'static str,
        serial: &str,
    ) -> Result<String, CredentialsError> {
        (self.0)(serial)
            .map(|c| c.trim().to_owned())
            .map_err(|reason| CredentialsError::ProviderError {
                provider,
                reason: format!("no MFA token code for {serial}: {reason}"),
            })
    }
}

impl fmt::Debug for MfaTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaTokenSource(..)")
    }
}

// ---------------------------------------------------------------------------------------------
// Calling STS from a provider

/// Sends an operation with `config`, on the async client inside a tokio runtime and on the
/// blocking client elsewhere.
pub(crate) async fn send<I: OperationInput>(
    config: &Config,
    input: I,
) -> Result<I::Output, SendError<I::Error>> {
    if stsgen_runtime::client::in_async_context() {
        let client =
            sts::Client::new(config.clone()).map_err(|e| SendError::Setup(e.to_string()))?;
        return client.send(input).await.map_err(SendError::Sdk);
    }
    #[cfg(feature = "blocking")]
    {
        sts::blocking::Client::new(config.clone())
            .send(input)
            .map_err(SendError::Sdk)
    }
    #[cfg(not(feature = "blocking"))]
    {
        let _ = input;
        Err(SendError::Setup(
            "credentials were requested outside a tokio runtime; call from inside one, or enable the `blocking` feature"
                .to_owned(),
        ))
    }
}

/// An STS call whose answer is credentials, as the chain makes them.
pub(crate) enum CredentialsCall {
    AssumeRole(sts::operation::assume_role::AssumeRoleInput),
    WebIdentity(sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityInput),
}

/// Sends `call` with `config` and `source` as its credentials (STS's global region when the
/// configuration has none) and converts the credentials of the answer; `what` names the call in
/// errors. One boxed state machine for the AssumeRole and web identity calls of every provider.
pub(crate) fn call_for_credentials<'a>(
    config: &'a Config,
    source: Option<SharedCredentialsProvider>,
    call: CredentialsCall,
    provider: &'static str,
    what: String,
) -> BoxFuture<'a, Result<Credentials, CredentialsError>> {
    Box::pin(async move {
        let config = with_credentials(config, source);
        match call {
            CredentialsCall::AssumeRole(input) => match send(&config, input).await {
                Ok(o) => convert(
                    o.credentials(),
                    o.assumed_role_user().map(|u| u.arn()),
                    provider,
                    &what,
                ),
                Err(e) => Err(e.into_credentials_error(provider, &what)),
            },
            CredentialsCall::WebIdentity(input) => match send(&config, input).await {
                Ok(o) => convert(
                    o.credentials(),
                    o.assumed_role_user().map(|u| u.arn()),
                    provider,
                    &what,
                ),
                Err(e) => Err(e.into_credentials_error(provider, &what)),
            },
        }
    })
}

pub(crate) enum SendError<E> {
    Setup(String),
    Sdk(SdkError<E>),
}

impl<E: fmt::Display> SendError<E> {
    pub(crate) fn into_credentials_error(
        self,
        provider: &'static str,
        what: &str,
    ) -> CredentialsError {
        let reason = match self {
            SendError::Setup(e) => format!("{what}: {e}"),
            SendError::Sdk(e) => format!("{what}: {e}"),
        };
        CredentialsError::ProviderError { provider, reason }
    }
}

pub(crate) fn invalid(provider: &'static str, reason: impl fmt::Display) -> CredentialsError {
    CredentialsError::InvalidConfiguration {
        provider,
        reason: reason.to_string(),
    }
}

/// STS credentials as runtime credentials, with the account of `arn` (the assumed role's ARN,
/// `arn:PARTITION:sts::ACCOUNT:assumed-role/...`) when there is one.
pub(crate) fn convert(
    c: Option<&sts::types::Credentials>,
    arn: Option<&str>,
    provider: &'static str,
    what: &str,
) -> Result<Credentials, CredentialsError> {
    let c = c.ok_or_else(|| CredentialsError::ProviderError {
        provider,
        reason: format!("{what}: the response has no credentials"),
    })?;
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        Some(SystemTime::from(c.expiration())),
        provider,
    );
    Ok(match arn.and_then(arn_account) {
        Some(account) => credentials.with_account_id(account),
        None => credentials,
    })
}

/// The account field of an ARN (`arn:aws:sts::123456789012:assumed-role/r/s` -> `123456789012`);
/// `None` when the ARN has no account or is not an ARN.
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    if parts.next() != Some("arn") {
        return None;
    }
    let account = parts.nth(3)?;
    parts.next()?;
    (!account.is_empty()).then_some(account)
}

/// A session name for when none is configured: `stsgen-<milliseconds since 1970>`.
pub(crate) fn generated_session_name() -> String {
    let ms = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        // Whole seconds and milliseconds in `u64`: formatting a `u128` brings its own code.
        .map(|d| {
            d.as_secs()
                .saturating_mul(1000)
                .saturating_add(u64::from(d.subsec_millis()))
        })
        .unwrap_or(0);
    format!("stsgen-{ms}")
}

pub(crate) fn duration_seconds(
    provider: &'static str,
    d: Option<Duration>,
) -> Result<Option<i32>, CredentialsError> {
    d.map(|d| {
        i32::try_from(d.as_secs())
            .map_err(|_| invalid(provider, format!("duration {d:?} is too long")))
    })
    .transpose()
}

/// A config for provider calls: `config`, or the environment's.
pub(crate) fn base_config(
    config: Option<Config>,
    env: &dyn Env,
) -> Result<Config, CredentialsError> {
    match config {
        Some(c) => Ok(c),
        None => Config::from_env_with(sts::meta::SERVICE_ID, env),
    }
}

pub(crate) fn with_credentials(
    config: &Config,
    credentials: Option<SharedCredentialsProvider>,
) -> Config {
    let mut c = config.clone();
    c.credentials = credentials;
    if c.region.is_none() {
        // STS has a global endpoint; calls made to get credentials need some region.
        c.region = Some("us-east-1".to_owned());
    }
    c
}

/// Caches `loader` with the given settings.
pub(crate) fn cached(
    loader: impl ProvideCredentials + 'static,
    refresh_ahead: Duration,
    load_timeout: Duration,
) -> CachingProvider {
    CachingProvider::new(Arc::new(loader))
        .refresh_ahead(refresh_ahead)
        .load_timeout(load_timeout)
}

/// Cache settings shared by the builders.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CacheSettings {
    pub(crate) refresh_ahead: Duration,
    pub(crate) load_timeout: Option<Duration>,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            refresh_ahead: stsgen_runtime::credentials::cache::DEFAULT_REFRESH_AHEAD,
            load_timeout: None,
        }
    }
}

impl CacheSettings {
    pub(crate) fn build(
        self,
        loader: impl ProvideCredentials + 'static,
        mfa: bool,
    ) -> CachingProvider {
        let timeout = self.load_timeout.unwrap_or(if mfa {
            DEFAULT_MFA_LOAD_TIMEOUT
        } else {
            DEFAULT_LOAD_TIMEOUT
        });
        cached(loader, self.refresh_ahead, timeout)
    }
}

macro_rules! provider_impl {
    ($ty:ident, $name:expr) => {
        impl ProvideCredentials for $ty {
            fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
                self.cache.provide_credentials()
            }

            fn name(&self) -> &'static str {
                $name
            }
        }

        impl $ty {
            /// Forgets the cached credentials, so the next caller loads new ones.
            pub fn invalidate(&self) {
                self.cache.invalidate();
            }
        }
    };
}

macro_rules! cache_setters {
    () => {
        /// How long before expiry credentials are refreshed (default 5 minutes).
        pub fn refresh_ahead(mut self, window: Duration) -> Self {
            self.cache.refresh_ahead = window;
            self
        }

        /// How long one load may take before it fails (default 30 s, or 5 minutes when an MFA
        /// token is asked for).
        pub fn load_timeout(mut self, timeout: Duration) -> Self {
            self.cache.load_timeout = Some(timeout);
            self
        }

        /// The configuration of the STS calls (region, endpoint, retries, timeouts, transport);
        /// default: the environment's ([`Config::from_env`]). Its `credentials` are replaced by
        /// the provider's source credentials.
        pub fn config(mut self, config: Config) -> Self {
            self.config = Some(config);
            self
        }
    };
}
