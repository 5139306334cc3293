//! Named profiles: [`ProfileProvider`] over the runtime's profile files and role chains.

use super::common::{invalid, CacheSettings, MfaTokenSource};
use super::container::ContainerLoader;
use super::imds::ImdsLoader;
#[cfg(feature = "login")]
use super::login::{default_signin, LoginProvider, SigninTokenApi};
use super::role_request::RoleRequest;
use super::sso::{self, SsoApi, SsoSource};
use super::web_identity::WebIdentityRequest;
use std::path::PathBuf;
use std::sync::Arc;
#[cfg(feature = "login")]
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use sts::client::Config;
use stsgen_runtime::client::config::apply_to_config;
use stsgen_runtime::config::{Env, ProcessEnv, ProfileError, ProfileSet};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::process::CredentialProcessProvider;
use stsgen_runtime::credentials::profile::{self, AssumeRoleLink, ChainLink, CredentialSource};
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, EnvironmentCredentials, ProvideCredentials,
};
use stsgen_runtime::future::BoxFuture;

/// Loads the profile files, resolves the chain and runs it; uncached.
#[derive(Debug)]
pub(crate) struct ProfileLoader {
    pub(crate) profile: Option<String>,
    pub(crate) env: Arc<dyn Env>,
    pub(crate) config: Option<Config>,
    pub(crate) mfa: Option<MfaTokenSource>,
    /// `credential_source = EcsContainer` (shared with the default chain's own link).
    pub(crate) container: Arc<ContainerLoader>,
    /// `credential_source = Ec2InstanceMetadata` (shared with the default chain's own link, so
    /// the session token and static stability are shared too).
    pub(crate) imds: Arc<ImdsLoader>,
    /// IAM Identity Center links: the calls (default [`default_api`](crate::credentials::sso::default_api) with the
    /// configuration of the first load) and the token of each session, kept so that refreshes
    /// are throttled. `None` without the `sso` feature and a given API.
    pub(crate) sso: Option<Arc<dyn SsoSource>>,
    /// The refresh call of `login_session` profiles.
    #[cfg(feature = "login")]
    pub(crate) signin: Arc<dyn SigninTokenApi>,
    /// One provider per console sign-in session, kept across loads (so its refresh state is).
    #[cfg(feature = "login")]
    pub(crate) login: Mutex<Vec<(String, Arc<LoginProvider>)>>,
}

impl ProfileLoader {
    /// A loader whose container and instance-metadata sources read `env` and use the
    /// transport of `config`, when it has one.
    pub(crate) fn new(
        profile: Option<String>,
        env: Arc<dyn Env>,
        config: Option<Config>,
        mfa: Option<MfaTokenSource>,
    ) -> Self {
        let http = config.as_ref().and_then(|c| c.http_client.clone());
        let container = Arc::new(ContainerLoader::new(env.clone(), http.clone()));
        let mut imds = ImdsLoader::new(env.clone(), profile.clone(), http);
        // Token lifetimes and static stability follow the configuration's clock, as signing does.
        if let Some(config) = &config {
            let clock = config.clock.clone();
            imds.clock = Arc::new(move || clock.local_now());
        }
        let imds = Arc::new(imds);
        ProfileLoader {
            profile,
            env,
            config,
            mfa,
            container,
            imds,
            sso: sso::default_profile_source(),
            #[cfg(feature = "login")]
            signin: default_signin(),
            #[cfg(feature = "login")]
            login: Mutex::default(),
        }
    }

    pub(crate) async fn load(&self) -> Result<Credentials, CredentialsError> {
        let env = &*self.env;
        let mut set = ProfileSet::load(env)?;
        if let Some(name) = &self.profile {
            set = set.with_selected(name.clone());
        }
        let name = set.selected().to_owned();
        let links = profile::resolve_chain(&set, &name).map_err(|e| {
            // A profile asked for by name that does not exist is an error, not "nothing here".
            match (&e, &self.profile) {
                (
                    ProfileError::ProfileNotFound {
                        referenced_from: None,
                        ..
                    },
                    Some(_),
                ) => invalid(profile::PROVIDER_NAME, e),
                _ => CredentialsError::from(e),
            }
        })?;
        let config = match &self.config {
            Some(c) => c.clone(),
            None => {
                let mut c = Config::from_env_with(sts::meta::SERVICE_ID, env)?;
                apply_to_config(&set, &name, sts::meta::SERVICE_ID, env, &mut c)
                    .map_err(|e| invalid(profile::PROVIDER_NAME, e))?;
                c
            }
        };
        let (base, roles) = links
            .split_first()
            .ok_or_else(|| invalid(profile::PROVIDER_NAME, "empty profile chain"))?;
        let mut credentials = self.base(base, &set, &config).await?;
        for link in roles {
            if let ChainLink::AssumeRole(role) = link {
                credentials = role_request(role)
                    .call(
                        &config,
                        credentials,
                        self.mfa.as_ref(),
                        profile::PROVIDER_NAME,
                    )
                    .await?;
            }
        }
        Ok(credentials)
    }

    pub(crate) async fn base(
        &self,
        link: &ChainLink,
        set: &ProfileSet,
        config: &Config,
    ) -> Result<Credentials, CredentialsError> {
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
            ChainLink::CredentialSource {
                source: source @ (CredentialSource::EcsContainer | CredentialSource::Ec2InstanceMetadata),
                profile,
            } => {
                // Through the providers' boxed futures: their state machines are compiled once,
                // for the default chain's own links, not again inside this one.
                let loaded = if *source == CredentialSource::EcsContainer {
                    self.container.provide_credentials().await
                } else {
                    self.imds.provide_credentials().await
                };
                // Named explicitly, a source with nothing to offer is an error, not a fall-through.
                loaded.map_err(|e| match e {
                    CredentialsError::NotLoaded { reason, .. } => {
                        invalid(p, format!("profile `{profile}`: credential_source = {}, but {reason}", source.as_str()))
                    }
                    other => other,
                })
            }
            ChainLink::WebIdentity { role_arn, token_file, session_name, .. } => {
                let request = WebIdentityRequest {
                    role_arn: role_arn.clone(),
                    token_file: PathBuf::from(token_file),
                    session_name: session_name.clone(),
                    ..Default::default()
                };
                request.call(config, &*self.env, p).await
            }
            #[cfg(feature = "login")]
            ChainLink::Login { profile, session } => {
                let provider = self.login_provider(profile, session, config);
                provider.provide_credentials().await
            }
            #[cfg(not(feature = "login"))]
            ChainLink::Login { profile, .. } => Err(invalid(
                p,
                format!(
                    "profile `{profile}` uses `login_session` (console sign-in), but stsgen-config was built without \
                     its `login` feature"
                ),
            )),
            ChainLink::Process { command, profile } => {
                let c = CredentialProcessProvider::new(command.clone()).provide_credentials().await?;
                // The profile's `aws_account_id` when the process does not say.
                let account = set.get(profile).and_then(|p| p.get("aws_account_id"));
                Ok(match (c.account_id(), account) {
                    (None, Some(a)) => c.with_account_id(a),
                    _ => c,
                })
            }
            ChainLink::Sso(link) => match &self.sso {
                Some(source) => source.credentials(link, config, &self.env).await,
                None => Err(sso::not_wired(link)),
            },
            ChainLink::AssumeRole(role) => Err(invalid(p, format!("profile `{}` has no base credentials", role.profile))),
            #[allow(unreachable_patterns)]
            other => Err(invalid(p, format!("profile `{}`: unsupported credential settings", other.profile()))),
        }
    }
}

#[cfg(feature = "login")]
impl ProfileLoader {
    /// The provider of a console sign-in session, made on first use with this loader's
    /// environment and the clock and region of `config`.
    fn login_provider(&self, profile: &str, session: &str, config: &Config) -> Arc<LoginProvider> {
        let mut sessions = self.login.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, p)) = sessions.iter().find(|(s, _)| s == session) {
            return p.clone();
        }
        let provider = Arc::new(
            LoginProvider::builder(session)
                .profile_name(profile)
                .env(self.env.clone())
                .config(config.clone())
                .signin_api(self.signin.clone())
                .build(),
        );
        sessions.push((session.to_owned(), provider.clone()));
        provider
    }
}

pub(crate) fn role_request(link: &AssumeRoleLink) -> RoleRequest {
    RoleRequest {
        role_arn: link.role_arn.clone(),
        session_name: link.session_name.clone(),
        external_id: link.external_id.clone(),
        duration: link
            .duration_seconds
            .map(|s| Duration::from_secs(u64::from(s))),
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

/// Credentials of a named profile, with its whole chain (see the [module docs](crate::credentials)).
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
            loader: ProfileLoader::new(None, Arc::new(ProcessEnv), None, None),
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

    /// The IAM Identity Center calls of `sso_session` and `sso_start_url` profiles (default:
    /// [`default_api`](crate::credentials::sso::default_api)).
    pub fn sso_api(mut self, api: Arc<dyn SsoApi>) -> Self {
        self.loader.sso = Some(sso::profile_source(api));
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
        let l = self.loader;
        // Again, so the container and instance-metadata sources see the final env and config.
        let mut loader = ProfileLoader::new(l.profile, l.env, l.config, l.mfa);
        loader.sso = l.sso;
        ProfileProvider {
            cache: self.cache.build(loader, mfa),
        }
    }
}

#[cfg(all(test, not(feature = "login")))]
mod tests {
    use super::*;
    use stsgen_runtime::config::MemoryEnv;

    #[test]
    fn without_the_login_feature_a_login_session_profile_names_the_feature() {
        let env = MemoryEnv::new().with_var("HOME", "/h").with_file(
            "/h/.aws/config",
            "[profile dev]\nlogin_session = arn:aws:iam::123456789012:user/A\n",
        );
        let p = ProfileProvider::builder()
            .profile_name("dev")
            .env(Arc::new(env))
            .config(Config::default())
            .build();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let e = rt
            .block_on(p.provide_credentials())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("profile `dev`") && e.contains("`login` feature"),
            "{e}"
        );
    }
}

#[cfg(all(test, not(feature = "sso")))]
mod without_sso_tests {
    use super::*;
    use stsgen_runtime::config::MemoryEnv;

    #[test]
    fn without_the_sso_feature_an_sso_profile_names_the_feature_without_reading_a_token() {
        // No token cache file at all: the error is still the missing feature, not a sign-in hint.
        let env = MemoryEnv::new().with_var("HOME", "/h").with_file(
            "/h/.aws/config",
            "[profile dev]\nsso_session = s\nsso_account_id = 123456789012\nsso_role_name = R\n\
             [sso-session s]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
        );
        let p = ProfileProvider::builder()
            .profile_name("dev")
            .env(Arc::new(env))
            .config(Config::default())
            .build();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let e = rt
            .block_on(p.provide_credentials())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("profile `dev`")
                && e.contains("sso:GetRoleCredentials cannot be called")
                && e.contains("`sso` feature is off")
                && !e.contains("aws sso login"),
            "{e}"
        );
    }
}
