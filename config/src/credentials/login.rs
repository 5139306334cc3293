//! Console sign-in credentials: [`LoginProvider`], the session `aws login` caches.
//!
//! A profile with `login_session = <session>` (what `aws login` writes into `~/.aws/config`)
//! takes its credentials from the token file `aws login` keeps (see [`cache`] for where it is
//! and what it holds). The access token in the file is a set of temporary credentials (with the
//! account id) that lasts up to 15 minutes; within 5 minutes of its expiry the provider
//! refreshes it with the sign-in service's `CreateOAuth2Token` (grant `refresh_token`), which
//! needs a DPoP proof (RFC 9449) signed with the P-256 key in the file (see [`dpop`]), and
//! writes the new token back to the file (atomically, mode 0600), as the AWS CLI and botocore do.
//!
//! - The file is read again at every load, so a token another process refreshed (or a new
//!   `aws login`) is picked up without a call; it is read once more after a failed refresh, in
//!   case another process refreshed first (spending the refresh token this one sent).
//! - One refresh at a time per provider (the loads go through a
//!   [`CachingProvider`](stsgen_runtime::credentials::cache::CachingProvider)), and at most one
//!   refresh attempt per 30 s: within that time the token in the file is used while it is valid.
//! - A refresh that fails while the token is still valid keeps the token (with a warning); once
//!   it has expired and cannot be refreshed, the error says to run `aws login`.
//! - Expiry is judged by the configuration's [`ServiceClock`], and the proof's `iat` is
//!   its time too.
//! - Nothing of the tokens, keys or the DPoP key appears in `Debug`, errors or logs.
//!
//! The refresh call goes through a crate-private trait (`SigninTokenApi`), mapped onto the
//! `signin` model's `CreateOAuth2Token`; the generated `signin` crate backs it (see [`client`]),
//! tests give fakes.

mod api;
mod cache;
mod client;
mod dpop;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use sts::client::Config;
use stsgen_runtime::config::{Env, ProcessEnv};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, ProvideCredentials, ServiceClock,
};
use stsgen_runtime::future::BoxFuture;

pub(crate) use self::api::{CreateOAuth2TokenRequest, DpopProofs, SigninCall, SigninTokenApi};
use self::cache::{CacheError, LoginToken};
use self::dpop::DpopKey;
use super::common::{cached, CacheSettings, DEFAULT_LOAD_TIMEOUT};

pub(crate) use cache::PROVIDER_NAME;
/// The least time between two refresh attempts.
pub(crate) const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(30);
/// The `grantType` of a refresh.
const REFRESH_GRANT: &str = "refresh_token";

/// The refresh call every login provider uses unless a test gives another: the generated
/// `signin` client, with the provider's configuration.
pub(crate) fn default_signin() -> Arc<dyn SigninTokenApi> {
    Arc::new(client::GeneratedSignin)
}

// ---------------------------------------------------------------------------------------------
// The loader

/// Reads the session's token file, refreshes it when due, and returns its credentials; uncached.
pub(crate) struct LoginLoader {
    session: String,
    /// The profile naming the session, for the `aws login --profile` hint.
    profile: Option<String>,
    env: Arc<dyn Env>,
    signin: Arc<dyn SigninTokenApi>,
    clock: ServiceClock,
    /// The configuration of the refresh call (its region is used when the token names none in
    /// `signInRegion`); `None`: the environment's, read at the refresh.
    config: Option<Config>,
    /// Refresh when the access token expires within this (5 minutes unless the builder's
    /// `refresh_ahead` says otherwise, so the outer cache and the file agree).
    refresh_window: Duration,
    /// When the last refresh was attempted (service time), and why it failed if it did.
    last_attempt: Mutex<Option<(SystemTime, Option<String>)>>,
}

impl fmt::Debug for LoginLoader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginLoader")
            .field("session", &self.session)
            .field("profile", &self.profile)
            .field(
                "region",
                &self.config.as_ref().and_then(|c| c.region.as_deref()),
            )
            .finish_non_exhaustive()
    }
}

impl LoginLoader {
    fn login_hint(&self) -> String {
        match &self.profile {
            Some(p) if p != "default" => format!("run `aws login --profile {p}`"),
            _ => "run `aws login`".to_owned(),
        }
    }

    fn cache_error(&self, e: CacheError) -> CredentialsError {
        match e {
            CacheError::NotFound { path } => CredentialsError::ProviderError {
                provider: PROVIDER_NAME,
                reason: format!(
                    "console sign-in session `{}` is not signed in ({} does not exist): {}",
                    self.session,
                    path.display(),
                    self.login_hint()
                ),
            },
            CacheError::NoDirectory | CacheError::Environment(_) => {
                CredentialsError::InvalidConfiguration {
                    provider: PROVIDER_NAME,
                    reason: e.to_string(),
                }
            }
            other => CredentialsError::InvalidConfiguration {
                provider: PROVIDER_NAME,
                reason: format!(
                    "the sign-in token cache is unusable: {other} ({} to write it again)",
                    self.login_hint()
                ),
            },
        }
    }

    /// The token file of the session.
    pub(crate) fn path(&self) -> Result<PathBuf, CredentialsError> {
        cache::cache_dir(&*self.env)
            .map(|d| d.join(cache::file_name(&self.session)))
            .map_err(|e| self.cache_error(e))
    }

    /// Whether a refresh may be attempted at `now` (none in the last 30 s); if so, records it.
    /// When not, the reason the last attempt failed, if it did.
    fn take_refresh_slot(&self, now: SystemTime) -> Result<(), Option<String>> {
        let mut last = self
            .last_attempt
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &*last {
            // A clock that went back also allows it.
            Some((t, failure))
                if now
                    .duration_since(*t)
                    .is_ok_and(|d| d < MIN_REFRESH_INTERVAL) =>
            {
                Err(failure.clone())
            }
            _ => {
                *last = Some((now, None));
                Ok(())
            }
        }
    }

    fn record_failure(&self, why: &str) {
        let mut last = self
            .last_attempt
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, failure)) = &mut *last {
            *failure = Some(why.to_owned());
        }
    }

    pub(crate) async fn load(&self) -> Result<Credentials, CredentialsError> {
        let path = self.path()?;
        let token = LoginToken::load(&*self.env, &path).map_err(|e| self.cache_error(e))?;
        let now = self.clock.now();
        let expired = token.expires_at <= now;
        let due = now
            .checked_add(self.refresh_window)
            .is_none_or(|t| t >= token.expires_at);
        if !due {
            return Ok(token.credentials());
        }
        if let Err(last_failure) = self.take_refresh_slot(now) {
            if !expired {
                return Ok(token.credentials());
            }
            let why = match last_failure {
                Some(f) => format!("the last refresh, less than 30 s ago, failed: {f}"),
                None => "a refresh was attempted less than 30 s ago".to_owned(),
            };
            return Err(self.expired(&token, &why));
        }
        let refreshed = self.refresh(&token, now).await;
        if let Err(why) = &refreshed {
            self.record_failure(why);
        }
        match refreshed {
            Ok(new) => Ok(new.credentials()),
            Err(why) => {
                // Another process (or provider) may have refreshed the file meanwhile: the
                // refresh token we sent was then already spent. Its token is as good as ours.
                match LoginToken::load(&*self.env, &path) {
                    Ok(other)
                        if other.access_key_id != token.access_key_id
                            && other.expires_at > self.clock.now() =>
                    {
                        tracing::debug!(session = %self.session, "using the sign-in token another process refreshed");
                        Ok(other.credentials())
                    }
                    _ => self.refresh_failed(&token, expired, why),
                }
            }
        }
    }

    /// The token while it is valid (with a warning), else the error.
    fn refresh_failed(
        &self,
        token: &LoginToken,
        expired: bool,
        why: String,
    ) -> Result<Credentials, CredentialsError> {
        if expired {
            return Err(self.expired(token, &why));
        }
        tracing::warn!(
            session = %self.session,
            "console sign-in credentials could not be refreshed; using the cached ones until they expire: {why}"
        );
        Ok(token.credentials())
    }

    fn expired(&self, token: &LoginToken, why: &str) -> CredentialsError {
        let at = stsgen_runtime::DateTime::from(token.expires_at).format_rfc3339();
        CredentialsError::ProviderError {
            provider: PROVIDER_NAME,
            reason: format!(
                "the credentials of console sign-in session `{}` expired at {at} and could not be refreshed ({why}): {} to sign in again",
                self.session,
                self.login_hint()
            ),
        }
    }

    /// Refreshes the token with `CreateOAuth2Token` and writes it back; the reason on failure.
    async fn refresh(&self, token: &LoginToken, now: SystemTime) -> Result<LoginToken, String> {
        let key = DpopKey::from_pem(&token.dpop_key)
            .map_err(|e| format!("{}: `dpopKey` cannot be used: {e}", token.path.display()))?;
        let input = CreateOAuth2TokenRequest {
            client_id: token.client_id.clone(),
            grant_type: REFRESH_GRANT.to_owned(),
            refresh_token: Some(token.refresh_token.clone()),
        };
        let from_env;
        let config = match &self.config {
            Some(c) => c,
            None => {
                let mut c = Config::from_env_with("Signin", &*self.env)
                    .map_err(|e| format!("CreateOAuth2Token: {e}"))?;
                c.clock = self.clock.clone();
                from_env = c;
                &from_env
            }
        };
        let region = token.sign_in_region.as_deref().or(config.region.as_deref());
        tracing::debug!(session = %self.session, region = ?region, "refreshing console sign-in credentials");
        let proofs = DpopProofs::new(key, self.clock.clone());
        let call = SigninCall {
            region,
            config,
            env: &*self.env,
            profile: self.profile.as_deref(),
        };
        let out = self
            .signin
            .create_oauth2_token(call, input, proofs)
            .await
            .map_err(|e| format!("CreateOAuth2Token: {e}"))?;
        if out.access_token.access_key_id.is_empty()
            || out.access_token.secret_access_key.is_empty()
        {
            return Err("CreateOAuth2Token: the response has no credentials".to_owned());
        }
        if out.expires_in <= 0 {
            return Err("CreateOAuth2Token: the response's expiresIn is not positive".to_owned());
        }
        let new = token.refreshed(&out, now);
        if let Err(e) = new.save() {
            // The new token is good for this process; another one will refresh again.
            tracing::warn!(session = %self.session, "the refreshed sign-in token could not be saved: {e}");
        }
        Ok(new)
    }
}

impl ProvideCredentials for LoginLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn name(&self) -> &'static str {
        PROVIDER_NAME
    }
}

// ---------------------------------------------------------------------------------------------
// The provider

/// Credentials of a console sign-in session: what `aws login` cached for a profile's
/// `login_session` (see the [module docs](crate::credentials)).
///
/// The token file (`~/.aws/login/cache/<hex SHA-256 of the session>.json`, or in
/// `AWS_LOGIN_CACHE_DIRECTORY`) is read at every load; within 5 minutes of the access token's
/// expiry it is refreshed (one refresh however many callers wait, at most one attempt per 30 s)
/// and written back atomically, readable by the owner only. Expiry and the DPoP proof's time
/// follow the configuration's clock. A refresh that fails keeps a still-valid token; an
/// expired one that cannot be refreshed is an error that says to run `aws login`.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// use stsgen_config::credentials::LoginProvider;
/// use stsgen_runtime::credentials::ProvideCredentials;
///
/// let provider = LoginProvider::builder("arn:aws:iam::123456789012:user/Admin").build();
/// let credentials = provider.provide_credentials().await?;
/// println!("account {:?}", credentials.account_id());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct LoginProvider {
    cache: CachingProvider,
}

provider_impl!(LoginProvider, "login");

impl LoginProvider {
    /// A builder for the session `session` (a profile's `login_session` value).
    pub fn builder(session: impl Into<String>) -> LoginProviderBuilder {
        LoginProviderBuilder {
            session: session.into().trim().to_owned(),
            profile: None,
            env: Arc::new(ProcessEnv),
            config: None,
            cache: CacheSettings::default(),
            signin: default_signin(),
        }
    }
}

/// Builds a [`LoginProvider`].
#[derive(Debug)]
pub struct LoginProviderBuilder {
    session: String,
    profile: Option<String>,
    env: Arc<dyn Env>,
    config: Option<Config>,
    cache: CacheSettings,
    signin: Arc<dyn SigninTokenApi>,
}

impl LoginProviderBuilder {
    cache_setters!();

    /// Where variables (`AWS_LOGIN_CACHE_DIRECTORY`, `HOME`) and the token file are read from
    /// (default: the process and the file system). The refreshed token is always written to
    /// the file system.
    pub fn env(mut self, env: Arc<dyn Env>) -> Self {
        self.env = env;
        self
    }

    /// The profile that names the session, for the `aws login --profile NAME` hint in errors.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// The refresh call (default: [`default_signin`]).
    pub(crate) fn signin_api(mut self, signin: Arc<dyn SigninTokenApi>) -> Self {
        self.signin = signin;
        self
    }

    /// The provider.
    pub fn build(self) -> LoginProvider {
        let clock = self
            .config
            .as_ref()
            .map(|c| c.clock.clone())
            .unwrap_or_default();
        let loader = LoginLoader {
            session: self.session,
            profile: self.profile,
            env: self.env,
            signin: self.signin,
            clock: clock.clone(),
            config: self.config,
            refresh_window: self.cache.refresh_ahead,
            last_attempt: Mutex::new(None),
        };
        let timeout = self.cache.load_timeout.unwrap_or(DEFAULT_LOAD_TIMEOUT);
        LoginProvider {
            cache: cached(loader, self.cache.refresh_ahead, timeout).service_clock(clock),
        }
    }
}

#[cfg(test)]
mod server_tests;
#[cfg(test)]
mod tests;
