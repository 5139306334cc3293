//! `AssumeRoleWithWebIdentity`: [`WebIdentityProvider`], with the token file read again at every refresh.

use super::common::{
    base_config, call_for_credentials, duration_seconds, generated_session_name, invalid,
    CacheSettings, CredentialsCall,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use sts::client::Config;
use stsgen_runtime::config::{Env, FileTooLarge, ProcessEnv, MAX_SETTINGS_FILE};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stsgen_runtime::future::BoxFuture;

/// What to ask `AssumeRoleWithWebIdentity` for.
#[derive(Clone, Debug, Default)]
pub(crate) struct WebIdentityRequest {
    pub(crate) role_arn: String,
    pub(crate) token_file: PathBuf,
    pub(crate) session_name: Option<String>,
    pub(crate) duration: Option<Duration>,
    /// What only [`WebIdentityProvider`]'s builder sets.
    pub(crate) extras: Option<Box<WebIdentityExtras>>,
}

type Builder =
    sts::operation::assume_role_with_web_identity::builders::AssumeRoleWithWebIdentityInputBuilder;

/// The session policies of an `AssumeRoleWithWebIdentity` call, which only
/// [`WebIdentityProvider`]'s builder sets. They are applied through the function pointer in
/// here, so that the default chain and profiles do not link their builders.
#[derive(Clone, Debug)]
pub(crate) struct WebIdentityExtras {
    pub(crate) policy: Option<String>,
    pub(crate) policy_arns: Vec<String>,
    apply: fn(&WebIdentityExtras, Builder) -> Result<Builder, CredentialsError>,
}

impl Default for WebIdentityExtras {
    fn default() -> Self {
        WebIdentityExtras {
            policy: None,
            policy_arns: Vec::new(),
            apply: apply_extras,
        }
    }
}

fn apply_extras(x: &WebIdentityExtras, b: Builder) -> Result<Builder, CredentialsError> {
    let mut b = b.set_policy(x.policy.clone());
    for arn in &x.policy_arns {
        b = b.policy_arns(
            sts::types::PolicyDescriptorType::builder()
                .arn(arn)
                .build()
                .map_err(|e| invalid(WebIdentityRequest::PROVIDER, e))?,
        );
    }
    Ok(b)
}

impl WebIdentityRequest {
    pub(crate) const PROVIDER: &'static str = "web-identity";

    pub(crate) fn input(
        &self,
        session_name: &str,
        token: String,
    ) -> Result<
        sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityInput,
        CredentialsError,
    > {
        let p = Self::PROVIDER;
        let mut b =
            sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityInput::builder(
            )
            .role_arn(&self.role_arn)
            .role_session_name(session_name)
            .web_identity_token(token)
            .set_duration_seconds(duration_seconds(p, self.duration)?);
        if let Some(x) = &self.extras {
            b = (x.apply)(x, b)?;
        }
        b.build().map_err(|e| {
            invalid(
                p,
                format!("AssumeRoleWithWebIdentity {}: {e}", self.role_arn),
            )
        })
    }

    pub(crate) fn read_token(&self, env: &dyn Env) -> Result<String, CredentialsError> {
        let path = self.token_file.display();
        let bytes = env.read_file_limited(&self.token_file, MAX_SETTINGS_FILE).map_err(|e| match e.get_ref() {
            Some(inner) if inner.is::<FileTooLarge>() => {
                invalid(Self::PROVIDER, format!("the web identity token file {path} is larger than {MAX_SETTINGS_FILE} bytes"))
            }
            _ => CredentialsError::ProviderError {
                provider: Self::PROVIDER,
                reason: format!("could not read the web identity token file {path}: {e}"),
            },
        })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            invalid(
                Self::PROVIDER,
                format!("the web identity token file {path} is not UTF-8"),
            )
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(invalid(
                Self::PROVIDER,
                format!("the web identity token file {path} is empty"),
            ));
        }
        Ok(token.to_owned())
    }

    /// Boxed (one state machine for every provider's AssumeRole and web identity calls).
    pub(crate) fn call<'a>(
        &'a self,
        config: &'a Config,
        env: &'a dyn Env,
        provider: &'static str,
    ) -> BoxFuture<'a, Result<Credentials, CredentialsError>> {
        let input = self.read_token(env).and_then(|token| {
            let session_name = self
                .session_name
                .clone()
                .unwrap_or_else(generated_session_name);
            self.input(&session_name, token)
        });
        match input {
            Ok(input) => call_for_credentials(
                config,
                None,
                CredentialsCall::WebIdentity(input),
                provider,
                format!("AssumeRoleWithWebIdentity {}", self.role_arn),
            ),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }
}

#[derive(Debug)]
pub(crate) struct WebIdentityLoader {
    request: WebIdentityRequest,
    config: Config,
    env: Arc<dyn Env>,
}

impl ProvideCredentials for WebIdentityLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(
            self.request
                .call(&self.config, &*self.env, WebIdentityRequest::PROVIDER),
        )
    }

    fn name(&self) -> &'static str {
        WebIdentityRequest::PROVIDER
    }
}

/// Credentials from `AssumeRoleWithWebIdentity` with a token file (see the [module docs](crate::credentials)).
#[derive(Debug)]
pub struct WebIdentityProvider {
    cache: CachingProvider,
}

provider_impl!(WebIdentityProvider, "web-identity");

impl WebIdentityProvider {
    /// A builder for this role and token file.
    pub fn builder(
        role_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> WebIdentityProviderBuilder {
        WebIdentityProviderBuilder {
            request: WebIdentityRequest {
                role_arn: role_arn.into(),
                token_file: token_file.into(),
                ..Default::default()
            },
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
    pub fn from_env_with(
        env: Arc<dyn Env>,
        config: Option<Config>,
    ) -> Result<WebIdentityProvider, CredentialsError> {
        let request = web_identity_from_env(&*env)?;
        let config = base_config(config, &*env)?;
        let loader = WebIdentityLoader {
            request,
            config,
            env,
        };
        Ok(WebIdentityProvider {
            cache: CacheSettings::default().build(loader, false),
        })
    }
}

pub(crate) fn web_identity_from_env(env: &dyn Env) -> Result<WebIdentityRequest, CredentialsError> {
    let p = WebIdentityRequest::PROVIDER;
    let var = |name: &str| env.var(name).map_err(|e| invalid(p, e));
    let Some(token_file) = var("AWS_WEB_IDENTITY_TOKEN_FILE")? else {
        return Err(CredentialsError::NotLoaded {
            provider: p,
            reason: "AWS_WEB_IDENTITY_TOKEN_FILE is not set".to_owned(),
        });
    };
    let role_arn = var("AWS_ROLE_ARN")?.ok_or_else(|| {
        invalid(
            p,
            "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
        )
    })?;
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

    fn extras(&mut self) -> &mut WebIdentityExtras {
        self.request.extras.get_or_insert_with(Default::default)
    }

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
        self.extras().policy = Some(policy.into());
        self
    }

    /// Adds a managed session policy ARN.
    pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.extras().policy_arns.push(arn.into());
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
        self.request.input(
            self.request
                .session_name
                .as_deref()
                .unwrap_or("stsgen-check"),
            "token".to_owned(),
        )?;
        let config = base_config(self.config, &*self.env)?;
        let loader = WebIdentityLoader {
            request: self.request,
            config,
            env: self.env,
        };
        Ok(WebIdentityProvider {
            cache: self.cache.build(loader, false),
        })
    }
}
