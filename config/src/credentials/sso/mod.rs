//! IAM Identity Center (SSO): credentials from a signed-in session, and the sign-in itself.
//!
//! A profile with IAM Identity Center settings (see
//! [`resolve_chain`](stsgen_runtime::credentials::profile::resolve_chain) and
//! [`SsoLink`]) gets its credentials in two steps:
//!
//! 1. the **access token** of the session, from the file the AWS CLI writes at `aws sso login`:
//!    `~/.aws/sso/cache/<SHA-1 hex>.json`, of the `sso_session` name, or of the `sso_start_url`
//!    for the legacy form ([`SsoTokenProvider`]). For `sso_session` profiles a token within 5
//!    minutes of its expiry is refreshed with SSO-OIDC `CreateToken` (refresh grant): at most once
//!    per 30 s, one call however many callers wait, the file written back atomically with mode
//!    0600; when the refresh fails and the token is still valid, the token is used;
//! 2. the **role credentials**: SSO `GetRoleCredentials` with the token, `sso_account_id` and
//!    `sso_role_name` ([`SsoCredentialsProvider`]); the credentials carry the account id.
//!
//! A missing or expired token is an error that says to run `aws sso login --profile NAME` or
//! `sts sso-login --profile NAME`. The sign-in ([`login::SsoLogin`], behind
//! `sts sso-login`) is the OAuth device authorization flow: `RegisterClient` (its result cached
//! and reused where the AWS CLI caches it), `StartDeviceAuthorization`, then `CreateToken` polled
//! until the user approves; [`login::logout`] removes the cached tokens.
//!
//! The remote calls go through the [`SsoApi`] trait: one method per operation of the `sso` and
//! `sso-oidc` models, with plain request and response structs that mirror them. [`default_api`]
//! is what the providers use unless given another: the generated `sso` and `ssooidc` clients,
//! unsigned, with the configuration's transport. The services' errors arrive as typed
//! [`SsoApiError`]s, which the providers report naming the profile and the operation.
//!
//! Access tokens, refresh tokens, client secrets, device codes and role credentials never appear
//! in `Debug`, `Display`, errors or logs.

pub mod login;
mod registration;
mod token;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use stsgen_runtime::config::{Env, ProcessEnv};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::profile::SsoLink;
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, ProvideCredentials, ServiceClock,
};
use stsgen_runtime::future::BoxFuture;

use sts::client::Config;

use super::common::CacheSettings;

pub use token::{
    cache_file, cache_key, SsoToken, SsoTokenProvider, REFRESH_THROTTLE, REFRESH_WINDOW,
};

mod api;
pub use api::*;
#[cfg(feature = "sso")]
mod generated_api;

/// The [`SsoApi`] the providers and `sts sso-login` use unless given another, for calls made
/// with `config` (its transport, proxies, CA bundle, timeouts, retries, FIPS and dual-stack
/// settings and clock) and `env` (for the endpoint settings below): the generated `sso` and
/// `ssooidc` clients.
///
/// Each call is sent to the region it is given (the session's `sso_region`), unsigned (the
/// operations are `noAuth`: the configuration's credentials are never asked for). The endpoint
/// is the service's own for that region, unless one is configured for the service, as the SDKs
/// read it for service-specific endpoints (first found wins): `AWS_ENDPOINT_URL_SSO` (portal)
/// or `AWS_ENDPOINT_URL_SSO_OIDC` (SSO-OIDC); `AWS_ENDPOINT_URL`; the `sso` or `sso_oidc` entry
/// of the profile's `[services NAME]` section; the profile's `endpoint_url`. None of them
/// applies when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (else the profile's
/// `ignore_configured_endpoint_urls`) is `true`. The profile is the environment's selected one
/// (`AWS_PROFILE`, else `default`; see [`default_api_for_profile`] for another), read from the
/// files `env` names when this is called. The configuration's own `endpoint_url` is STS's and
/// is not used. Inside a tokio runtime the async clients send; elsewhere the blocking ones do
/// (feature `blocking`).
///
/// Without the crate's `sso` feature (opt-in: the generated clients are about 270 KB of
/// the stripped default-chain hello-world) this is [`NotWired`]: every call fails with
/// [`SsoApiError::NotWired`], which names the feature.
pub fn default_api(config: &Config, env: Arc<dyn Env>) -> Arc<dyn SsoApi> {
    default_api_inner(config, env, None)
}

/// [`default_api`] with the endpoint settings of `profile` (the profile the credentials or the
/// sign-in are for) instead of the selected profile's.
pub fn default_api_for_profile(
    config: &Config,
    env: Arc<dyn Env>,
    profile: &str,
) -> Arc<dyn SsoApi> {
    default_api_inner(config, env, Some(profile))
}

fn default_api_inner(config: &Config, env: Arc<dyn Env>, profile: Option<&str>) -> Arc<dyn SsoApi> {
    #[cfg(feature = "sso")]
    {
        generated_api::new(config, env, profile)
    }
    #[cfg(not(feature = "sso"))]
    {
        let _ = (config, env, profile);
        Arc::new(NotWired)
    }
}

/// The IAM Identity Center credentials of profile links (see [`ProfileSso`]), behind a trait
/// object so that a program only links the token cache and its refresh (about 64 KB of the
/// stripped default-chain hello-world) when something can call the service: the `sso`
/// feature, or an [`SsoApi`] given to a builder.
pub(crate) trait SsoSource: Send + Sync + std::fmt::Debug {
    /// Token, then `GetRoleCredentials`, with the calls of `config` (for the default API).
    fn credentials<'a>(
        &'a self,
        link: &'a SsoLink,
        config: &'a Config,
        env: &'a Arc<dyn Env>,
    ) -> BoxFuture<'a, Result<Credentials, CredentialsError>>;
}

/// The [`SsoSource`] of a profile provider or default chain: `api`, else
/// [`default_api_for_profile`] of the link's profile, made with the configuration of its first
/// load; one token provider per cache file (it refreshes through the API of the first profile
/// that used it).
#[derive(Debug, Default)]
struct ProfileSso {
    api: Option<Arc<dyn SsoApi>>,
    /// The default APIs, by profile name.
    default: Mutex<Vec<(String, Arc<dyn SsoApi>)>>,
    tokens: TokenProviders,
}

/// The source of profiles' IAM Identity Center links calling `api`.
pub(crate) fn profile_source(api: Arc<dyn SsoApi>) -> Arc<dyn SsoSource> {
    Arc::new(ProfileSso {
        api: Some(api),
        ..ProfileSso::default()
    })
}

/// The source of profiles' IAM Identity Center links when no API was given: [`default_api`]
/// with the `sso` feature, else none (the link fails as a call of [`NotWired`] would, without
/// reading the token).
pub(crate) fn default_profile_source() -> Option<Arc<dyn SsoSource>> {
    #[cfg(feature = "sso")]
    {
        Some(Arc::new(ProfileSso::default()))
    }
    #[cfg(not(feature = "sso"))]
    {
        None
    }
}

/// What a link gets without an [`SsoSource`]: the error `GetRoleCredentials` through
/// [`NotWired`] gives.
pub(crate) fn not_wired(link: &SsoLink) -> CredentialsError {
    role_credentials_error(
        link,
        SsoApiError::NotWired {
            operation: "sso:GetRoleCredentials",
        },
    )
}

impl SsoSource for ProfileSso {
    fn credentials<'a>(
        &'a self,
        link: &'a SsoLink,
        config: &'a Config,
        env: &'a Arc<dyn Env>,
    ) -> BoxFuture<'a, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let api = match &self.api {
                Some(api) => api.clone(),
                None => {
                    let mut all = self.default.lock().unwrap_or_else(PoisonError::into_inner);
                    match all.iter().find(|(p, _)| *p == link.profile) {
                        Some((_, api)) => api.clone(),
                        None => {
                            let api = default_api_for_profile(config, env.clone(), &link.profile);
                            all.push((link.profile.clone(), api.clone()));
                            api
                        }
                    }
                }
            };
            let token = self.tokens.get(link, env, &api, &config.clock);
            role_credentials(link, &token, &*api).await
        })
    }
}

/// The token providers of one credentials source, one per cache file, so that the refresh
/// throttle and single flight hold across refreshes and across profiles of one session.
#[derive(Debug, Default)]
pub(crate) struct TokenProviders(Mutex<Vec<(String, Arc<SsoTokenProvider>)>>);

impl TokenProviders {
    pub(crate) fn get(
        &self,
        link: &SsoLink,
        env: &Arc<dyn Env>,
        api: &Arc<dyn SsoApi>,
        clock: &ServiceClock,
    ) -> Arc<SsoTokenProvider> {
        let key = cache_key(link);
        let mut all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, p)) = all.iter().find(|(k, _)| *k == key) {
            return p.clone();
        }
        let p = Arc::new(SsoTokenProvider::new(
            link.clone(),
            env.clone(),
            api.clone(),
            clock.clone(),
        ));
        all.push((key, p.clone()));
        p
    }
}

/// Loads credentials of an [`SsoLink`]: token, then `GetRoleCredentials`; uncached.
pub(crate) async fn role_credentials(
    link: &SsoLink,
    token: &SsoTokenProvider,
    api: &dyn SsoApi,
) -> Result<Credentials, CredentialsError> {
    let t = token.token().await?;
    let request = GetRoleCredentialsRequest {
        access_token: t.access_token().to_owned(),
        account_id: link.account_id.clone(),
        role_name: link.role_name.clone(),
    };
    let profile = &link.profile;
    let c = api
        .get_role_credentials(&link.region, request)
        .await
        .map_err(|e| role_credentials_error(link, e))?;
    let expiry = u64::try_from(c.expiration)
        .ok()
        .and_then(|ms| SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms)))
        .ok_or_else(|| CredentialsError::ProviderError {
            provider: PROVIDER_NAME,
            reason: format!("profile `{profile}`: GetRoleCredentials returned an expiration that is not a time ({})", c.expiration),
        })?;
    Ok(Credentials::new(
        c.access_key_id,
        c.secret_access_key,
        Some(c.session_token),
        Some(expiry),
        PROVIDER_NAME,
    )
    .with_account_id(link.account_id.clone()))
}

fn role_credentials_error(link: &SsoLink, e: SsoApiError) -> CredentialsError {
    let profile = &link.profile;
    let hint = match e {
        SsoApiError::Unauthorized { .. } => format!("; {}", login_hint(profile)),
        _ => String::new(),
    };
    CredentialsError::ProviderError {
        provider: PROVIDER_NAME,
        reason: format!(
            "profile `{profile}`: GetRoleCredentials for role {} in account {} failed: {e}{hint}",
            link.role_name, link.account_id
        ),
    }
}

#[derive(Debug)]
struct SsoLoader {
    link: SsoLink,
    token: Arc<SsoTokenProvider>,
    api: Arc<dyn SsoApi>,
}

impl ProvideCredentials for SsoLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(role_credentials(&self.link, &self.token, &*self.api))
    }

    fn name(&self) -> &'static str {
        PROVIDER_NAME
    }
}

/// Credentials of IAM Identity Center settings (see the [module docs](self)), cached: refreshed
/// 5 minutes before they expire, one `GetRoleCredentials` however many callers wait.
///
/// Profiles with these settings get the same through [`ProfileProvider`](super::ProfileProvider)
/// and the default chain; this provider is for settings that do not come from a profile.
#[derive(Debug)]
pub struct SsoCredentialsProvider {
    cache: CachingProvider,
    token: Arc<SsoTokenProvider>,
}

provider_impl!(SsoCredentialsProvider, "sso");

impl SsoCredentialsProvider {
    /// A builder for `link` (the profile name in it is used in messages, and by the default API
    /// for that profile's endpoint settings when the configuration files have it).
    pub fn builder(link: SsoLink) -> SsoCredentialsProviderBuilder {
        SsoCredentialsProviderBuilder {
            link,
            env: Arc::new(ProcessEnv),
            api: None,
            clock: ServiceClock::new(),
            cache: CacheSettings::default(),
        }
    }

    /// The token provider behind it.
    pub fn token_provider(&self) -> &SsoTokenProvider {
        &self.token
    }
}

/// Builds an [`SsoCredentialsProvider`].
#[derive(Debug)]
pub struct SsoCredentialsProviderBuilder {
    link: SsoLink,
    env: Arc<dyn Env>,
    api: Option<Arc<dyn SsoApi>>,
    clock: ServiceClock,
    cache: CacheSettings,
}

impl SsoCredentialsProviderBuilder {
    /// Where `HOME` and the token cache are read from (default: the process and the file system).
    pub fn env(mut self, env: Arc<dyn Env>) -> Self {
        self.env = env;
        self
    }

    /// The remote calls (default: [`default_api`] with the environment's configuration).
    pub fn api(mut self, api: Arc<dyn SsoApi>) -> Self {
        self.api = Some(api);
        self
    }

    /// The clock every expiry is judged by (default: the system clock); give it the
    /// configuration's `clock` so that a learned clock correction applies.
    pub fn clock(mut self, clock: ServiceClock) -> Self {
        self.clock = clock;
        self
    }

    /// How long before expiry credentials are refreshed (default 5 minutes).
    pub fn refresh_ahead(mut self, window: Duration) -> Self {
        self.cache.refresh_ahead = window;
        self
    }

    /// The provider.
    pub fn build(self) -> SsoCredentialsProvider {
        let api = self.api.unwrap_or_else(|| {
            let mut config = Config::from_env_with(sts::meta::SERVICE_ID, &*self.env)
                .unwrap_or_else(|_| Config::new());
            config.clock = self.clock.clone();
            default_api_for_profile(&config, self.env.clone(), &self.link.profile)
        });
        let token = Arc::new(SsoTokenProvider::new(
            self.link.clone(),
            self.env,
            api.clone(),
            self.clock.clone(),
        ));
        let loader = SsoLoader {
            link: self.link,
            token: token.clone(),
            api,
        };
        let cache = self.cache.build(loader, false).service_clock(self.clock);
        SsoCredentialsProvider { cache, token }
    }
}

#[cfg(all(test, feature = "sso"))]
mod endpoint_tests;
#[cfg(test)]
mod tests;
