//! `GetSessionToken`: [`SessionTokenProvider`], with optional MFA.

use super::common::{
    base_config, convert, duration_seconds, invalid, send, with_credentials, CacheSettings,
    MfaTokenSource,
};
use super::default_chain::DefaultCredentialsChain;
use std::sync::Arc;
use std::time::Duration;
use sts::client::Config;
use stsgen_runtime::config::ProcessEnv;
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider, StaticCredentials,
};
use stsgen_runtime::future::BoxFuture;

#[derive(Debug)]
pub(crate) struct SessionTokenLoader {
    duration: Option<Duration>,
    mfa: Option<(String, MfaTokenSource)>,
    source: SharedCredentialsProvider,
    config: Config,
}

impl SessionTokenLoader {
    pub(crate) const PROVIDER: &'static str = "session-token";

    pub(crate) fn input(
        &self,
        token: Option<String>,
    ) -> Result<sts::operation::get_session_token::GetSessionTokenInput, CredentialsError> {
        let p = Self::PROVIDER;
        sts::operation::get_session_token::GetSessionTokenInput::builder()
            .set_duration_seconds(duration_seconds(p, self.duration)?)
            .set_serial_number(self.mfa.as_ref().map(|(s, _)| s.clone()))
            .set_token_code(token)
            .build()
            .map_err(|e| invalid(p, format!("GetSessionToken: {e}")))
    }

    pub(crate) async fn load(&self) -> Result<Credentials, CredentialsError> {
        let p = Self::PROVIDER;
        let token = match &self.mfa {
            Some((serial, m)) => Some(m.code(p, serial)?),
            None => None,
        };
        let input = self.input(token)?;
        let source = self.source.provide_credentials().await?;
        let config = with_credentials(
            &self.config,
            Some(Arc::new(StaticCredentials::from(source))),
        );
        let out = send(&config, input)
            .await
            .map_err(|e| e.into_credentials_error(p, "GetSessionToken"))?;
        convert(out.credentials(), None, p, "GetSessionToken")
    }
}

impl ProvideCredentials for SessionTokenLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn name(&self) -> &'static str {
        Self::PROVIDER
    }
}

/// Session credentials from `GetSessionToken`, optionally with MFA (see the [module docs](crate::credentials)).
#[derive(Debug)]
pub struct SessionTokenProvider {
    cache: CachingProvider,
}

provider_impl!(SessionTokenProvider, "session-token");

impl SessionTokenProvider {
    /// A builder.
    pub fn builder() -> SessionTokenProviderBuilder {
        SessionTokenProviderBuilder {
            duration: None,
            mfa: None,
            source: None,
            config: None,
            cache: CacheSettings::default(),
        }
    }
}

/// Builds a [`SessionTokenProvider`].
#[derive(Debug)]
pub struct SessionTokenProviderBuilder {
    duration: Option<Duration>,
    mfa: Option<(String, MfaTokenSource)>,
    source: Option<SharedCredentialsProvider>,
    config: Option<Config>,
    cache: CacheSettings,
}

impl SessionTokenProviderBuilder {
    cache_setters!();

    /// The long-term credentials `GetSessionToken` is called with (default: the config's
    /// credentials, else the [`DefaultCredentialsChain`]).
    pub fn source(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.source = Some(Arc::new(provider));
        self
    }

    /// `DurationSeconds` (whole seconds).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = Some(duration);
        self
    }

    /// MFA: the device's serial number (or ARN) and where token codes come from.
    pub fn mfa(mut self, serial_number: impl Into<String>, tokens: MfaTokenSource) -> Self {
        self.mfa = Some((serial_number.into(), tokens));
        self
    }

    /// The provider.
    ///
    /// # Errors
    /// A member that breaks the model's constraints, or an invalid environment.
    pub fn build(self) -> Result<SessionTokenProvider, CredentialsError> {
        let config = base_config(self.config, &ProcessEnv)?;
        let source = match self.source.or_else(|| config.credentials.clone()) {
            Some(s) => s,
            None => Arc::new(
                DefaultCredentialsChain::builder()
                    .config(config.clone())
                    .build()?,
            ),
        };
        let mfa = self.mfa.is_some();
        let loader = SessionTokenLoader {
            duration: self.duration,
            mfa: self.mfa,
            source,
            config,
        };
        loader.input(loader.mfa.as_ref().map(|_| "000000".to_owned()))?;
        Ok(SessionTokenProvider {
            cache: self.cache.build(loader, mfa),
        })
    }
}
