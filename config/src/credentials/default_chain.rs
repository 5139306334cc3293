//! The default chain: [`DefaultCredentialsChain`].

use super::common::{base_config, CacheSettings, MfaTokenSource};
use super::profile_provider::ProfileLoader;
use super::sso::{self, SsoApi, SsoSource};
use super::web_identity::{web_identity_from_env, WebIdentityRequest};
use std::sync::Arc;
use std::time::Duration;
use sts::client::Config;
use stsgen_runtime::config::{Env, ProcessEnv};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::chain::ProviderChain;
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, EnvironmentCredentials, ProvideCredentials,
};
use stsgen_runtime::future::BoxFuture;

#[derive(Debug)]
pub(crate) struct EnvLoader(Arc<dyn Env>);

impl ProvideCredentials for EnvLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move { EnvironmentCredentials::load_from(&*self.0) })
    }

    fn name(&self) -> &'static str {
        "environment"
    }
}

#[derive(Debug)]
pub(crate) struct WebIdentityEnvLoader {
    env: Arc<dyn Env>,
    config: Option<Config>,
}

impl ProvideCredentials for WebIdentityEnvLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let request = web_identity_from_env(&*self.env)?;
            let config = base_config(self.config.clone(), &*self.env)?;
            request
                .call(&config, &*self.env, WebIdentityRequest::PROVIDER)
                .await
        })
    }

    fn name(&self) -> &'static str {
        WebIdentityRequest::PROVIDER
    }
}

/// Environment variables, then the selected profile, then web identity from the environment,
/// then the container endpoint, then EC2 instance metadata (see the
/// [module docs](crate::credentials)).
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    cache: CachingProvider,
}

provider_impl!(DefaultCredentialsChain, "default-chain");

impl DefaultCredentialsChain {
    /// A builder.
    pub fn builder() -> DefaultCredentialsChainBuilder {
        DefaultCredentialsChainBuilder {
            profile: None,
            env: Arc::new(ProcessEnv),
            config: None,
            mfa: None,
            sso: None,
            cache: CacheSettings::default(),
        }
    }
}

/// Builds a [`DefaultCredentialsChain`].
#[derive(Debug)]
pub struct DefaultCredentialsChainBuilder {
    profile: Option<String>,
    env: Arc<dyn Env>,
    config: Option<Config>,
    mfa: Option<MfaTokenSource>,
    sso: Option<Arc<dyn SsoSource>>,
    cache: CacheSettings,
}

impl DefaultCredentialsChainBuilder {
    /// The profile to use at the end of the chain (default: `AWS_PROFILE`, else `default`).
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Where variables and files are read from (default: the process and the file system).
    pub fn env(mut self, env: Arc<dyn Env>) -> Self {
        self.env = env;
        self
    }

    /// Where MFA token codes come from, for profiles with `mfa_serial`.
    pub fn mfa_tokens(mut self, tokens: MfaTokenSource) -> Self {
        self.mfa = Some(tokens);
        self
    }

    /// The IAM Identity Center calls of `sso_session` and `sso_start_url` profiles (default:
    /// [`default_api`](crate::credentials::sso::default_api)).
    pub fn sso_api(mut self, api: Arc<dyn SsoApi>) -> Self {
        self.sso = Some(sso::profile_source(api));
        self
    }

    /// The configuration of the STS calls the chain makes (default: the environment's, then
    /// the selected profile's).
    pub fn config(mut self, config: Config) -> Self {
        self.config = Some(config);
        self
    }

    /// How long before expiry credentials are refreshed (default 5 minutes).
    pub fn refresh_ahead(mut self, window: Duration) -> Self {
        self.cache.refresh_ahead = window;
        self
    }

    /// How long one load may take (default 30 s, or 5 minutes with an MFA token source).
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.cache.load_timeout = Some(timeout);
        self
    }

    /// The chain: [`ProviderChain`] of the environment, profile, web identity, container and
    /// instance-metadata providers, in that order.
    ///
    /// # Errors
    /// None today; kept so that providers with eager checks can be added.
    pub fn build(self) -> Result<DefaultCredentialsChain, CredentialsError> {
        let mut config = self.config;
        if let Some(c) = &mut config {
            c.credentials = None;
        }
        // Expiry is judged by the client's clock (clones share its learned skew).
        let clock = config.as_ref().map(|c| c.clock.clone());
        let mut profile = ProfileLoader::new(
            self.profile,
            self.env.clone(),
            config.clone(),
            self.mfa.clone(),
        );
        if let Some(s) = self.sso {
            profile.sso = Some(s);
        }
        let (container, imds) = (profile.container.clone(), profile.imds.clone());
        let chain = ProviderChain::first_try(EnvLoader(self.env.clone()))
            .or_else(profile)
            .or_else(WebIdentityEnvLoader {
                env: self.env,
                config,
            })
            .or_else_shared(container)
            .or_else_shared(imds);
        let mfa = self.mfa.is_some();
        let mut cache = self.cache.build(chain, mfa);
        if let Some(clock) = clock {
            cache = cache.service_clock(clock);
        }
        Ok(DefaultCredentialsChain { cache })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::SystemTime;
    use stsgen_runtime::config::MemoryEnv;
    use stsgen_runtime::credentials::ServiceClock;

    /// Counts how often the environment provider reads the access key.
    #[derive(Debug)]
    struct Counting(MemoryEnv, AtomicUsize);

    impl Env for Counting {
        fn var_os(&self, name: &str) -> Option<std::ffi::OsString> {
            if name == "AWS_ACCESS_KEY_ID" {
                self.1.fetch_add(1, Ordering::SeqCst);
            }
            self.0.var_os(name)
        }

        fn read_file(&self, path: &std::path::Path) -> std::io::Result<Vec<u8>> {
            self.0.read_file(path)
        }
    }

    fn loads_for_two_calls(clock: ServiceClock) -> usize {
        let env = Arc::new(Counting(
            MemoryEnv::new()
                .with_var("AWS_ACCESS_KEY_ID", "AKID")
                .with_var("AWS_SECRET_ACCESS_KEY", "SECRET")
                .with_var("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z"),
            AtomicUsize::new(0),
        ));
        let config = Config {
            clock,
            ..Config::new()
        };
        let chain = DefaultCredentialsChain::builder()
            .env(env.clone())
            .config(config)
            .build()
            .unwrap();
        for _ in 0..2 {
            chain.provide_credentials_blocking().unwrap();
        }
        env.1.load(Ordering::SeqCst)
    }

    #[test]
    fn expiry_is_judged_by_the_configurations_clock() {
        let before = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let after = SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000);
        assert_eq!(
            loads_for_two_calls(ServiceClock::fixed(before)),
            1,
            "valid credentials are served from the cache"
        );
        assert_eq!(
            loads_for_two_calls(ServiceClock::fixed(after)),
            2,
            "expired by the client's clock: loaded again"
        );
    }
}
