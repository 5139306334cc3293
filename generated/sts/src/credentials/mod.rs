//! Credential providers that call STS, and the default chain.
//!
//! Hand-written: the generator does not own this module (it has no `@generated` header);
//! `cargo xtask codegen` only declares it in `lib.rs`.
//!
//! - [`AssumeRoleProvider`]: `AssumeRole` with a role ARN, session name (generated when unset),
//!   external id, duration, inline and managed session policies, session tags, transitive tag
//!   keys, source identity and MFA (a serial number plus a callback asked for a fresh token
//!   code at every refresh).
//! - [`WebIdentityProvider`]: `AssumeRoleWithWebIdentity`, sent unsigned, with the token file
//!   read again at every refresh (EKS IRSA rotates it); [`WebIdentityProvider::from_env`] reads
//!   `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`.
//! - [`SessionTokenProvider`]: `GetSessionToken`, with optional MFA.
//! - [`ProfileProvider`]: a named profile of `~/.aws/config` and `~/.aws/credentials`, with
//!   `role_arn` + `source_profile` chains of any length, `credential_source = Environment`,
//!   `web_identity_token_file`, `credential_process`, `external_id`, `role_session_name`,
//!   `duration_seconds` and `mfa_serial`.
//! - [`DefaultCredentialsChain`]: environment variables, then web identity from the
//!   environment, then the selected profile; when none has credentials the error lists what
//!   was tried and why each declined. Adding a provider (container, instance metadata) is one
//!   more link in [`DefaultCredentialsChain`]'s [`ProviderChain`].
//! - [`ConfigLoader`]: a [`Config`] from the environment and the selected profile (`region`,
//!   `endpoint_url`, `sts_regional_endpoints`, ...) with the default chain as its credentials.
//!
//! Every provider here caches its credentials ([`CachingProvider`]): it refreshes ahead of expiry
//! (default 5 minutes), runs one STS call however many callers wait, keeps serving credentials
//! that are still valid when a refresh fails (and retries it with backoff), and gives callers the
//! error once they have expired.
//!
//! The STS calls go through the async [`Client`](crate::Client) when the caller runs inside a
//! tokio runtime, and through the blocking client (feature `blocking`) otherwise, so the same
//! provider serves both clients.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use std::time::Duration;
//! use sts::credentials::{AssumeRoleProvider, ConfigLoader, MfaTokenSource};
//!
//! // Region, endpoint and credentials as the AWS SDKs read them, for a named profile.
//! let config = ConfigLoader::new().profile_name("dev").load()?;
//! let client = sts::Client::new(config.clone())?;
//!
//! // A role assumed with the profile's credentials, MFA asked once per refresh.
//! let deploy = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/deploy")
//!     .config(config)
//!     .session_name("ci-run-42")
//!     .duration(Duration::from_secs(3600))
//!     .mfa("arn:aws:iam::123456789012:mfa/me", MfaTokenSource::new(|_serial| Ok("123456".into())))
//!     .build()?;
//!
//! // An EKS token, as `aws eks get-token` prints it.
//! let token = client.eks_token("my-cluster").await?;
//! println!("{}", token.exec_credential_json());
//! # let _ = deploy; Ok(()) }
//! ```

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use stsgen_runtime::client::config::apply_to_config;
use stsgen_runtime::config::{Env, ProcessEnv, ProfileError, ProfileSet};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::chain::ProviderChain;
use stsgen_runtime::credentials::process::CredentialProcessProvider;
use stsgen_runtime::credentials::profile::{self, AssumeRoleLink, ChainLink, CredentialSource};
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, EnvironmentCredentials, ProvideCredentials, SharedCredentialsProvider,
    StaticCredentials,
};
use stsgen_runtime::error::SdkError;
use stsgen_runtime::future::BoxFuture;

use crate::client::{Config, OperationInput};

/// How long a provider that calls STS may take to load credentials (default).
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a provider that asks for an MFA token code may take (the callback may wait for a
/// person).
pub const DEFAULT_MFA_LOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// The callback that produces an MFA token code for a device serial number (or ARN).
type TokenFn = dyn Fn(&str) -> Result<String, String> + Send + Sync;

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

    fn code(&self, provider: &'static str, serial: &str) -> Result<String, CredentialsError> {
        (self.0)(serial).map(|c| c.trim().to_owned()).map_err(|reason| CredentialsError::ProviderError {
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
async fn send<I: OperationInput>(config: &Config, input: I) -> Result<I::Output, SendError<I::Error>> {
    if stsgen_runtime::client::in_async_context() {
        let client = crate::Client::new(config.clone()).map_err(|e| SendError::Setup(e.to_string()))?;
        return client.send(input).await.map_err(SendError::Sdk);
    }
    #[cfg(feature = "blocking")]
    {
        crate::blocking::Client::new(config.clone()).send(input).map_err(SendError::Sdk)
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

enum SendError<E> {
    Setup(String),
    Sdk(SdkError<E>),
}

impl<E: fmt::Display> SendError<E> {
    fn into_credentials_error(self, provider: &'static str, what: &str) -> CredentialsError {
        let reason = match self {
            SendError::Setup(e) => format!("{what}: {e}"),
            SendError::Sdk(e) => format!("{what}: {e}"),
        };
        CredentialsError::ProviderError { provider, reason }
    }
}

fn invalid(provider: &'static str, reason: impl fmt::Display) -> CredentialsError {
    CredentialsError::InvalidConfiguration { provider, reason: reason.to_string() }
}

/// STS credentials as runtime credentials.
fn convert(
    c: Option<&crate::types::Credentials>,
    provider: &'static str,
    what: &str,
) -> Result<Credentials, CredentialsError> {
    let c = c.ok_or_else(|| CredentialsError::ProviderError {
        provider,
        reason: format!("{what}: the response has no credentials"),
    })?;
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        Some(SystemTime::from(c.expiration())),
        provider,
    ))
}

/// A session name for when none is configured: `stsgen-<milliseconds since 1970>`.
fn generated_session_name() -> String {
    let ms = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    format!("stsgen-{ms}")
}

fn duration_seconds(provider: &'static str, d: Option<Duration>) -> Result<Option<i32>, CredentialsError> {
    d.map(|d| i32::try_from(d.as_secs()).map_err(|_| invalid(provider, format!("duration {d:?} is too long"))))
        .transpose()
}

/// A config for provider calls: `config`, or the environment's.
fn base_config(config: Option<Config>, env: &dyn Env) -> Result<Config, CredentialsError> {
    match config {
        Some(c) => Ok(c),
        None => Config::from_env_with(crate::meta::SERVICE_ID, env),
    }
}

fn with_credentials(config: &Config, credentials: Option<SharedCredentialsProvider>) -> Config {
    let mut c = config.clone();
    c.credentials = credentials;
    if c.region.is_none() {
        // STS has a global endpoint; calls made to get credentials need some region.
        c.region = Some("us-east-1".to_owned());
    }
    c
}

/// Caches `loader` with the given settings.
fn cached(loader: impl ProvideCredentials + 'static, refresh_ahead: Duration, load_timeout: Duration) -> CachingProvider {
    CachingProvider::new(Arc::new(loader)).refresh_ahead(refresh_ahead).load_timeout(load_timeout)
}

/// Cache settings shared by the builders.
#[derive(Debug, Clone, Copy)]
struct CacheSettings {
    refresh_ahead: Duration,
    load_timeout: Option<Duration>,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings { refresh_ahead: stsgen_runtime::credentials::cache::DEFAULT_REFRESH_AHEAD, load_timeout: None }
    }
}

impl CacheSettings {
    fn build(self, loader: impl ProvideCredentials + 'static, mfa: bool) -> CachingProvider {
        let timeout = self.load_timeout.unwrap_or(if mfa { DEFAULT_MFA_LOAD_TIMEOUT } else { DEFAULT_LOAD_TIMEOUT });
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

// ---------------------------------------------------------------------------------------------
// AssumeRole

/// What to ask `AssumeRole` for (everything but the credentials to ask with).
#[derive(Clone, Debug, Default)]
struct RoleRequest {
    role_arn: String,
    session_name: Option<String>,
    external_id: Option<String>,
    duration: Option<Duration>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    tags: Vec<(String, String)>,
    transitive_tag_keys: Vec<String>,
    source_identity: Option<String>,
    mfa_serial: Option<String>,
}

impl RoleRequest {
    const PROVIDER: &'static str = "assume-role";

    fn input(
        &self,
        session_name: &str,
        token_code: Option<String>,
    ) -> Result<crate::operation::assume_role::AssumeRoleInput, CredentialsError> {
        let p = Self::PROVIDER;
        let mut b = crate::operation::assume_role::AssumeRoleInput::builder()
            .role_arn(&self.role_arn)
            .role_session_name(session_name)
            .set_external_id(self.external_id.clone())
            .set_duration_seconds(duration_seconds(p, self.duration)?)
            .set_policy(self.policy.clone())
            .set_source_identity(self.source_identity.clone())
            .set_serial_number(self.mfa_serial.clone())
            .set_token_code(token_code);
        for arn in &self.policy_arns {
            b = b.policy_arns(crate::types::PolicyDescriptorType::builder().arn(arn).build().map_err(|e| invalid(p, e))?);
        }
        for (k, v) in &self.tags {
            b = b.tags(crate::types::Tag::builder().key(k).value(v).build().map_err(|e| invalid(p, e))?);
        }
        for k in &self.transitive_tag_keys {
            b = b.transitive_tag_keys(k);
        }
        b.build().map_err(|e| invalid(p, format!("AssumeRole {}: {e}", self.role_arn)))
    }

    /// Checks the request as far as it can be checked before any call (constraints of every
    /// member; the token code is a placeholder of the right form).
    fn validate(&self) -> Result<(), CredentialsError> {
        let name = self.session_name.clone().unwrap_or_else(generated_session_name);
        self.input(&name, self.mfa_serial.as_ref().map(|_| "000000".to_owned())).map(|_| ())
    }

    async fn call(
        &self,
        config: &Config,
        source: Credentials,
        mfa: Option<&MfaTokenSource>,
        provider: &'static str,
    ) -> Result<Credentials, CredentialsError> {
        let token = match (&self.mfa_serial, mfa) {
            (Some(serial), Some(m)) => Some(m.code(provider, serial)?),
            (Some(serial), None) => {
                return Err(invalid(
                    provider,
                    format!(
                        "role {} needs an MFA token code for {serial}, and no MFA token source is configured",
                        self.role_arn
                    ),
                ))
            }
            (None, _) => None,
        };
        let session_name = self.session_name.clone().unwrap_or_else(generated_session_name);
        let input = self.input(&session_name, token)?;
        let config = with_credentials(config, Some(Arc::new(StaticCredentials::from(source))));
        let what = format!("AssumeRole {}", self.role_arn);
        let out = send(&config, input).await.map_err(|e| e.into_credentials_error(provider, &what))?;
        convert(out.credentials(), provider, &what)
    }
}

#[derive(Debug)]
struct AssumeRoleLoader {
    request: RoleRequest,
    source: SharedCredentialsProvider,
    config: Config,
    mfa: Option<MfaTokenSource>,
}

impl ProvideCredentials for AssumeRoleLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let source = self.source.provide_credentials().await?;
            self.request.call(&self.config, source, self.mfa.as_ref(), RoleRequest::PROVIDER).await
        })
    }

    fn name(&self) -> &'static str {
        RoleRequest::PROVIDER
    }
}

/// Credentials of an assumed role, refreshed with `AssumeRole` (see the [module docs](self)).
#[derive(Debug)]
pub struct AssumeRoleProvider {
    cache: CachingProvider,
}

provider_impl!(AssumeRoleProvider, "assume-role");

impl AssumeRoleProvider {
    /// A builder for the role with this ARN.
    pub fn builder(role_arn: impl Into<String>) -> AssumeRoleProviderBuilder {
        AssumeRoleProviderBuilder {
            request: RoleRequest { role_arn: role_arn.into(), ..Default::default() },
            source: None,
            config: None,
            mfa: None,
            cache: CacheSettings::default(),
        }
    }
}

/// Builds an [`AssumeRoleProvider`].
#[derive(Debug)]
pub struct AssumeRoleProviderBuilder {
    request: RoleRequest,
    source: Option<SharedCredentialsProvider>,
    config: Option<Config>,
    mfa: Option<MfaTokenSource>,
    cache: CacheSettings,
}

impl AssumeRoleProviderBuilder {
    cache_setters!();

    /// The credentials `AssumeRole` is called with (default: the config's credentials, else the
    /// [`DefaultCredentialsChain`]).
    pub fn source(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.source = Some(Arc::new(provider));
        self
    }

    /// [`source`](Self::source) with a shared provider.
    pub fn source_shared(mut self, provider: SharedCredentialsProvider) -> Self {
        self.source = Some(provider);
        self
    }

    /// `RoleSessionName` (default: `stsgen-<milliseconds>`, new at every refresh).
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.request.session_name = Some(name.into());
        self
    }

    /// `ExternalId`.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.request.external_id = Some(id.into());
        self
    }

    /// `DurationSeconds` (whole seconds).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.request.duration = Some(duration);
        self
    }

    /// `Policy`: an inline session policy (JSON).
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.request.policy = Some(policy.into());
        self
    }

    /// Adds a managed session policy ARN (`PolicyArns`).
    pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.request.policy_arns.push(arn.into());
        self
    }

    /// Adds a session tag (`Tags`). Passing tags needs `sts:TagSession` in the role's trust policy.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.request.tags.push((key.into(), value.into()));
        self
    }

    /// Adds a transitive tag key (`TransitiveTagKeys`).
    pub fn transitive_tag_key(mut self, key: impl Into<String>) -> Self {
        self.request.transitive_tag_keys.push(key.into());
        self
    }

    /// `SourceIdentity`. Setting it needs `sts:SetSourceIdentity`.
    pub fn source_identity(mut self, identity: impl Into<String>) -> Self {
        self.request.source_identity = Some(identity.into());
        self
    }

    /// MFA: the device's serial number (or ARN) and where token codes come from; the source is
    /// asked once per refresh.
    pub fn mfa(mut self, serial_number: impl Into<String>, tokens: MfaTokenSource) -> Self {
        self.request.mfa_serial = Some(serial_number.into());
        self.mfa = Some(tokens);
        self
    }

    /// The provider.
    ///
    /// # Errors
    /// A member that breaks the model's constraints (named, with the constraint), or an invalid
    /// environment when no config was given.
    pub fn build(self) -> Result<AssumeRoleProvider, CredentialsError> {
        self.request.validate()?;
        let env = ProcessEnv;
        let config = base_config(self.config, &env)?;
        let source = match self.source.or_else(|| config.credentials.clone()) {
            Some(s) => s,
            None => Arc::new(DefaultCredentialsChain::builder().config(config.clone()).build()?),
        };
        let mfa = self.mfa.is_some();
        let loader = AssumeRoleLoader { request: self.request, source, config, mfa: self.mfa };
        Ok(AssumeRoleProvider { cache: self.cache.build(loader, mfa) })
    }
}

// ---------------------------------------------------------------------------------------------
// AssumeRoleWithWebIdentity

/// What to ask `AssumeRoleWithWebIdentity` for.
#[derive(Clone, Debug, Default)]
struct WebIdentityRequest {
    role_arn: String,
    token_file: PathBuf,
    session_name: Option<String>,
    duration: Option<Duration>,
    policy: Option<String>,
    policy_arns: Vec<String>,
}

impl WebIdentityRequest {
    const PROVIDER: &'static str = "web-identity";

    fn input(
        &self,
        session_name: &str,
        token: String,
    ) -> Result<crate::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityInput, CredentialsError> {
        let p = Self::PROVIDER;
        let mut b = crate::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityInput::builder()
            .role_arn(&self.role_arn)
            .role_session_name(session_name)
            .web_identity_token(token)
            .set_duration_seconds(duration_seconds(p, self.duration)?)
            .set_policy(self.policy.clone());
        for arn in &self.policy_arns {
            b = b.policy_arns(crate::types::PolicyDescriptorType::builder().arn(arn).build().map_err(|e| invalid(p, e))?);
        }
        b.build().map_err(|e| invalid(p, format!("AssumeRoleWithWebIdentity {}: {e}", self.role_arn)))
    }

    fn read_token(&self, env: &dyn Env) -> Result<String, CredentialsError> {
        let path = self.token_file.display();
        let bytes = env.read_file(&self.token_file).map_err(|e| CredentialsError::ProviderError {
            provider: Self::PROVIDER,
            reason: format!("could not read the web identity token file {path}: {e}"),
        })?;
        let text = String::from_utf8(bytes)
            .map_err(|_| invalid(Self::PROVIDER, format!("the web identity token file {path} is not UTF-8")))?;
        let token = text.trim();
        if token.is_empty() {
            return Err(invalid(Self::PROVIDER, format!("the web identity token file {path} is empty")));
        }
        Ok(token.to_owned())
    }

    async fn call(&self, config: &Config, env: &dyn Env, provider: &'static str) -> Result<Credentials, CredentialsError> {
        let token = self.read_token(env)?;
        let session_name = self.session_name.clone().unwrap_or_else(generated_session_name);
        let input = self.input(&session_name, token)?;
        let config = with_credentials(config, None);
        let what = format!("AssumeRoleWithWebIdentity {}", self.role_arn);
        let out = send(&config, input).await.map_err(|e| e.into_credentials_error(provider, &what))?;
        convert(out.credentials(), provider, &what)
    }
}

#[derive(Debug)]
struct WebIdentityLoader {
    request: WebIdentityRequest,
    config: Config,
    env: Arc<dyn Env>,
}

impl ProvideCredentials for WebIdentityLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.request.call(&self.config, &*self.env, WebIdentityRequest::PROVIDER))
    }

    fn name(&self) -> &'static str {
        WebIdentityRequest::PROVIDER
    }
}

/// Credentials from `AssumeRoleWithWebIdentity` with a token file (see the [module docs](self)).
#[derive(Debug)]
pub struct WebIdentityProvider {
    cache: CachingProvider,
}

provider_impl!(WebIdentityProvider, "web-identity");

impl WebIdentityProvider {
    /// A builder for this role and token file.
    pub fn builder(role_arn: impl Into<String>, token_file: impl Into<PathBuf>) -> WebIdentityProviderBuilder {
        WebIdentityProviderBuilder {
            request: WebIdentityRequest { role_arn: role_arn.into(), token_file: token_file.into(), ..Default::default() },
            config: None,
            env: Arc::new(ProcessEnv),
            cache: CacheSettings::default(),
        }
    }

    /// The provider EKS (IRSA) configures through `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`
    /// and `AWS_ROLE_SESSION_NAME`.
    ///
    /// # Errors
    /// [`CredentialsError::NotLoaded`] when `AWS_WEB_IDENTITY_TOKEN_FILE` is unset;
    /// [`CredentialsError::InvalidConfiguration`] when it is set without `AWS_ROLE_ARN`, or a
    /// variable is not UTF-8.
    pub fn from_env() -> Result<WebIdentityProvider, CredentialsError> {
        Self::from_env_with(Arc::new(ProcessEnv), None)
    }

    /// [`from_env`](Self::from_env) with the variables and files of `env` and the STS calls
    /// configured by `config` (default: from `env`).
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_env_with(env: Arc<dyn Env>, config: Option<Config>) -> Result<WebIdentityProvider, CredentialsError> {
        let request = web_identity_from_env(&*env)?;
        let config = base_config(config, &*env)?;
        let loader = WebIdentityLoader { request, config, env };
        Ok(WebIdentityProvider { cache: CacheSettings::default().build(loader, false) })
    }
}

fn web_identity_from_env(env: &dyn Env) -> Result<WebIdentityRequest, CredentialsError> {
    let p = WebIdentityRequest::PROVIDER;
    let var = |name: &str| env.var(name).map_err(|e| invalid(p, e));
    let Some(token_file) = var("AWS_WEB_IDENTITY_TOKEN_FILE")? else {
        return Err(CredentialsError::NotLoaded { provider: p, reason: "AWS_WEB_IDENTITY_TOKEN_FILE is not set".to_owned() });
    };
    let role_arn = var("AWS_ROLE_ARN")?
        .ok_or_else(|| invalid(p, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"))?;
    Ok(WebIdentityRequest {
        role_arn,
        token_file: PathBuf::from(token_file),
        session_name: var("AWS_ROLE_SESSION_NAME")?,
        ..Default::default()
    })
}

/// Builds a [`WebIdentityProvider`].
#[derive(Debug)]
pub struct WebIdentityProviderBuilder {
    request: WebIdentityRequest,
    config: Option<Config>,
    env: Arc<dyn Env>,
    cache: CacheSettings,
}

impl WebIdentityProviderBuilder {
    cache_setters!();

    /// `RoleSessionName` (default: `stsgen-<milliseconds>`).
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.request.session_name = Some(name.into());
        self
    }

    /// `DurationSeconds` (whole seconds).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.request.duration = Some(duration);
        self
    }

    /// `Policy`: an inline session policy (JSON).
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.request.policy = Some(policy.into());
        self
    }

    /// Adds a managed session policy ARN.
    pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.request.policy_arns.push(arn.into());
        self
    }

    /// Where the token file is read from (default: the file system).
    pub fn env(mut self, env: Arc<dyn Env>) -> Self {
        self.env = env;
        self
    }

    /// The provider.
    ///
    /// # Errors
    /// A member that breaks the model's constraints, or an invalid environment.
    pub fn build(self) -> Result<WebIdentityProvider, CredentialsError> {
        self.request.input(self.request.session_name.as_deref().unwrap_or("stsgen-check"), "token".to_owned())?;
        let config = base_config(self.config, &*self.env)?;
        let loader = WebIdentityLoader { request: self.request, config, env: self.env };
        Ok(WebIdentityProvider { cache: self.cache.build(loader, false) })
    }
}

// ---------------------------------------------------------------------------------------------
// GetSessionToken

#[derive(Debug)]
struct SessionTokenLoader {
    duration: Option<Duration>,
    mfa: Option<(String, MfaTokenSource)>,
    source: SharedCredentialsProvider,
    config: Config,
}

impl SessionTokenLoader {
    const PROVIDER: &'static str = "session-token";

    fn input(&self, token: Option<String>) -> Result<crate::operation::get_session_token::GetSessionTokenInput, CredentialsError> {
        let p = Self::PROVIDER;
        crate::operation::get_session_token::GetSessionTokenInput::builder()
            .set_duration_seconds(duration_seconds(p, self.duration)?)
            .set_serial_number(self.mfa.as_ref().map(|(s, _)| s.clone()))
            .set_token_code(token)
            .build()
            .map_err(|e| invalid(p, format!("GetSessionToken: {e}")))
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let p = Self::PROVIDER;
        let token = match &self.mfa {
            Some((serial, m)) => Some(m.code(p, serial)?),
            None => None,
        };
        let input = self.input(token)?;
        let source = self.source.provide_credentials().await?;
        let config = with_credentials(&self.config, Some(Arc::new(StaticCredentials::from(source))));
        let out = send(&config, input).await.map_err(|e| e.into_credentials_error(p, "GetSessionToken"))?;
        convert(out.credentials(), p, "GetSessionToken")
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

/// Session credentials from `GetSessionToken`, optionally with MFA (see the [module docs](self)).
#[derive(Debug)]
pub struct SessionTokenProvider {
    cache: CachingProvider,
}

provider_impl!(SessionTokenProvider, "session-token");

impl SessionTokenProvider {
    /// A builder.
    pub fn builder() -> SessionTokenProviderBuilder {
        SessionTokenProviderBuilder { duration: None, mfa: None, source: None, config: None, cache: CacheSettings::default() }
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
            None => Arc::new(DefaultCredentialsChain::builder().config(config.clone()).build()?),
        };
        let mfa = self.mfa.is_some();
        let loader = SessionTokenLoader { duration: self.duration, mfa: self.mfa, source, config };
        loader.input(loader.mfa.as_ref().map(|_| "000000".to_owned()))?;
        Ok(SessionTokenProvider { cache: self.cache.build(loader, mfa) })
    }
}

// ---------------------------------------------------------------------------------------------
// Profiles

/// Loads the profile files, resolves the chain and runs it; uncached.
#[derive(Debug)]
struct ProfileLoader {
    profile: Option<String>,
    env: Arc<dyn Env>,
    config: Option<Config>,
    mfa: Option<MfaTokenSource>,
}

impl ProfileLoader {
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let env = &*self.env;
        let mut set = ProfileSet::load(env)?;
        if let Some(name) = &self.profile {
            set = set.with_selected(name.clone());
        }
        let name = set.selected().to_owned();
        let links = profile::resolve_chain(&set, &name).map_err(|e| {
            // A profile asked for by name that does not exist is an error, not "nothing here".
            match (&e, &self.profile) {
                (ProfileError::ProfileNotFound { referenced_from: None, .. }, Some(_)) => {
                    invalid(profile::PROVIDER_NAME, e)
                }
                _ => CredentialsError::from(e),
            }
        })?;
        let config = match &self.config {
            Some(c) => c.clone(),
            None => {
                let mut c = Config::from_env_with(crate::meta::SERVICE_ID, env)?;
                apply_to_config(&set, &name, crate::meta::SERVICE_ID, env, &mut c)
                    .map_err(|e| invalid(profile::PROVIDER_NAME, e))?;
                c
            }
        };
        let (base, roles) = links.split_first().ok_or_else(|| invalid(profile::PROVIDER_NAME, "empty profile chain"))?;
        let mut credentials = self.base(base, &config).await?;
        for link in roles {
            if let ChainLink::AssumeRole(role) = link {
                credentials = role_request(role).call(&config, credentials, self.mfa.as_ref(), profile::PROVIDER_NAME).await?;
            }
        }
        Ok(credentials)
    }

    async fn base(&self, link: &ChainLink, config: &Config) -> Result<Credentials, CredentialsError> {
        let p = profile::PROVIDER_NAME;
        match link {
            ChainLink::StaticKeys { credentials, .. } => Ok(credentials.clone()),
            ChainLink::CredentialSource { source: CredentialSource::Environment, .. } => {
                EnvironmentCredentials::load_from(&*self.env).map_err(|e| match e {
                    CredentialsError::NotLoaded { reason, .. } => {
                        invalid(p, format!("{}: credential_source = Environment, but {reason}", link.profile()))
                    }
                    other => other,
                })
            }
            ChainLink::CredentialSource { source, profile } => Err(invalid(
                p,
                format!(
                    "profile `{profile}`: credential_source = {} is not supported by this crate yet (use Environment, \
                     source_profile or credential_process)",
                    source.as_str()
                ),
            )),
            ChainLink::WebIdentity { role_arn, token_file, session_name, .. } => {
                let request = WebIdentityRequest {
                    role_arn: role_arn.clone(),
                    token_file: PathBuf::from(token_file),
                    session_name: session_name.clone(),
                    ..Default::default()
                };
                request.call(config, &*self.env, p).await
            }
            ChainLink::Process { command, .. } => CredentialProcessProvider::new(command.clone()).provide_credentials().await,
            ChainLink::AssumeRole(role) => Err(invalid(p, format!("profile `{}` has no base credentials", role.profile))),
            #[allow(unreachable_patterns)]
            other => Err(invalid(p, format!("profile `{}`: unsupported credential settings", other.profile()))),
        }
    }
}

fn role_request(link: &AssumeRoleLink) -> RoleRequest {
    RoleRequest {
        role_arn: link.role_arn.clone(),
        session_name: link.session_name.clone(),
        external_id: link.external_id.clone(),
        duration: link.duration_seconds.map(|s| Duration::from_secs(u64::from(s))),
        mfa_serial: link.mfa_serial.clone(),
        ..Default::default()
    }
}

impl ProvideCredentials for ProfileLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn name(&self) -> &'static str {
        profile::PROVIDER_NAME
    }
}

/// Credentials of a named profile, with its whole chain (see the [module docs](self)).
///
/// The files are read at every refresh, so edits are picked up.
#[derive(Debug)]
pub struct ProfileProvider {
    cache: CachingProvider,
}

provider_impl!(ProfileProvider, "profile");

impl ProfileProvider {
    /// A builder for the selected profile (`AWS_PROFILE`, else `default`).
    pub fn builder() -> ProfileProviderBuilder {
        ProfileProviderBuilder {
            loader: ProfileLoader { profile: None, env: Arc::new(ProcessEnv), config: None, mfa: None },
            cache: CacheSettings::default(),
        }
    }
}

/// Builds a [`ProfileProvider`].
#[derive(Debug)]
pub struct ProfileProviderBuilder {
    loader: ProfileLoader,
    cache: CacheSettings,
}

impl ProfileProviderBuilder {
    /// The profile (default: `AWS_PROFILE`, else `default`).
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.loader.profile = Some(name.into());
        self
    }

    /// Where variables and files are read from (default: the process and the file system).
    pub fn env(mut self, env: Arc<dyn Env>) -> Self {
        self.loader.env = env;
        self
    }

    /// Where MFA token codes come from, for profiles with `mfa_serial`.
    pub fn mfa_tokens(mut self, tokens: MfaTokenSource) -> Self {
        self.loader.mfa = Some(tokens);
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

    /// The configuration of the STS calls (default: the environment, then the profile's
    /// `region`, `endpoint_url`, `sts_regional_endpoints`, ...).
    pub fn config(mut self, config: Config) -> Self {
        self.loader.config = Some(config);
        self
    }

    /// The provider.
    pub fn build(self) -> ProfileProvider {
        let mfa = self.loader.mfa.is_some();
        ProfileProvider { cache: self.cache.build(self.loader, mfa) }
    }
}

// ---------------------------------------------------------------------------------------------
// The default chain

#[derive(Debug)]
struct EnvLoader(Arc<dyn Env>);

impl ProvideCredentials for EnvLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move { EnvironmentCredentials::load_from(&*self.0) })
    }

    fn name(&self) -> &'static str {
        "environment"
    }
}

#[derive(Debug)]
struct WebIdentityEnvLoader {
    env: Arc<dyn Env>,
    config: Option<Config>,
}

impl ProvideCredentials for WebIdentityEnvLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let request = web_identity_from_env(&*self.env)?;
            let config = base_config(self.config.clone(), &*self.env)?;
            request.call(&config, &*self.env, WebIdentityRequest::PROVIDER).await
        })
    }

    fn name(&self) -> &'static str {
        WebIdentityRequest::PROVIDER
    }
}

/// Environment variables, then web identity from the environment, then the selected profile
/// (see the [module docs](self)).
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

    /// The chain: [`ProviderChain`] of the environment, web identity and profile providers.
    ///
    /// # Errors
    /// None today; kept so that providers with eager checks can be added.
    pub fn build(self) -> Result<DefaultCredentialsChain, CredentialsError> {
        let mut config = self.config;
        if let Some(c) = &mut config {
            c.credentials = None;
        }
        let chain = ProviderChain::first_try(EnvLoader(self.env.clone()))
            .or_else(WebIdentityEnvLoader { env: self.env.clone(), config: config.clone() })
            .or_else(ProfileLoader { profile: self.profile, env: self.env, config, mfa: self.mfa.clone() });
        let mfa = self.mfa.is_some();
        Ok(DefaultCredentialsChain { cache: self.cache.build(chain, mfa) })
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration

/// Loads a [`Config`] the way the AWS SDKs do: the environment, then the selected profile's
/// `region`, `endpoint_url` (and `[services]` section), `sts_regional_endpoints`,
/// `use_fips_endpoint`, `use_dualstack_endpoint` and `max_attempts`, with the
/// [`DefaultCredentialsChain`] (for the same profile) as credentials.
#[derive(Debug, Clone)]
pub struct ConfigLoader {
    profile: Option<String>,
    env: Arc<dyn Env>,
    mfa: Option<MfaTokenSource>,
}

impl Default for ConfigLoader {
    fn default() -> Self {
        ConfigLoader { profile: None, env: Arc::new(ProcessEnv), mfa: None }
    }
}

impl ConfigLoader {
    /// The process environment and files, the selected profile.
    pub fn new() -> Self {
        Self::default()
    }

    /// The profile (default: `AWS_PROFILE`, else `default`).
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Where variables and files are read from.
    pub fn env(mut self, env: Arc<dyn Env>) -> Self {
        self.env = env;
        self
    }

    /// Where MFA token codes come from, for profiles with `mfa_serial`.
    pub fn mfa_tokens(mut self, tokens: MfaTokenSource) -> Self {
        self.mfa = Some(tokens);
        self
    }

    /// The configuration without credentials (what the default chain's STS calls use too).
    ///
    /// # Errors
    /// Invalid variables or profile values (named), unreadable or malformed profile files, or a
    /// profile asked for by name that does not exist.
    pub fn load_without_credentials(&self) -> Result<Config, CredentialsError> {
        let env = &*self.env;
        let mut config = Config::from_env_with(crate::meta::SERVICE_ID, env)?;
        let mut set = ProfileSet::load(env)?;
        if let Some(name) = &self.profile {
            set = set.with_selected(name.clone());
            if set.get(name).is_none() {
                let names: Vec<&str> = set.names().collect();
                return Err(invalid(
                    profile::PROVIDER_NAME,
                    format!("profile `{name}` does not exist (profiles: {})", if names.is_empty() { "none".to_owned() } else { names.join(", ") }),
                ));
            }
        }
        let name = set.selected().to_owned();
        apply_to_config(&set, &name, crate::meta::SERVICE_ID, env, &mut config)
            .map_err(|e| invalid(profile::PROVIDER_NAME, e))?;
        Ok(config)
    }

    /// The configuration with the default chain as credentials.
    ///
    /// # Errors
    /// As [`load_without_credentials`](Self::load_without_credentials).
    pub fn load(&self) -> Result<Config, CredentialsError> {
        let mut config = self.load_without_credentials()?;
        let mut chain = DefaultCredentialsChain::builder().env(self.env.clone()).config(config.clone());
        if let Some(p) = &self.profile {
            chain = chain.profile_name(p.clone());
        }
        if let Some(m) = &self.mfa {
            chain = chain.mfa_tokens(m.clone());
        }
        config.credentials = Some(Arc::new(chain.build()?));
        Ok(config)
    }
}

