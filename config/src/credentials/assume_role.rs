//! `AssumeRole`: [`AssumeRoleProvider`].

use super::common::{base_config, CacheSettings, MfaTokenSource};
use super::default_chain::DefaultCredentialsChain;
use std::sync::Arc;
use std::time::Duration;
use sts::client::Config;
use stsgen_runtime::config::ProcessEnv;
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider,
};
use stsgen_runtime::future::BoxFuture;

use super::role_request::RoleRequest;

#[derive(Debug)]
pub(crate) struct AssumeRoleLoader {
    request: RoleRequest,
    source: SharedCredentialsProvider,
    config: Config,
    mfa: Option<MfaTokenSource>,
}

impl ProvideCredentials for AssumeRoleLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let source = self.source.provide_credentials().await?;
            self.request
                .call(
                    &self.config,
                    source,
                    self.mfa.as_ref(),
                    RoleRequest::PROVIDER,
                )
                .await
        })
    }

    fn name(&self) -> &'static str {
        RoleRequest::PROVIDER
    }
}

/// Credentials of an assumed role, refreshed with `AssumeRole` (see the [module docs](crate::credentials)).
#[derive(Debug)]
pub struct AssumeRoleProvider {
    cache: CachingProvider,
}

provider_impl!(AssumeRoleProvider, "assume-role");

impl AssumeRoleProvider {
    /// A builder for the role with this ARN.
    pub fn builder(role_arn: impl Into<String>) -> AssumeRoleProviderBuilder {
        AssumeRoleProviderBuilder {
            request: RoleRequest {
                role_arn: role_arn.into(),
                ..Default::default()
            },
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

    fn extras(&mut self) -> &mut super::role_request::RoleExtras {
        self.request.extras.get_or_insert_with(Default::default)
    }

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
        self.extras().policy = Some(policy.into());
        self
    }

    /// Adds a managed session policy ARN (`PolicyArns`).
    pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.extras().policy_arns.push(arn.into());
        self
    }

    /// Adds a session tag (`Tags`). Passing tags needs `sts:TagSession` in the role's trust policy.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extras().tags.push((key.into(), value.into()));
        self
    }

    /// Adds a transitive tag key (`TransitiveTagKeys`).
    pub fn transitive_tag_key(mut self, key: impl Into<String>) -> Self {
        self.extras().transitive_tag_keys.push(key.into());
        self
    }

    /// `SourceIdentity`. Setting it needs `sts:SetSourceIdentity`.
    pub fn source_identity(mut self, identity: impl Into<String>) -> Self {
        self.extras().source_identity = Some(identity.into());
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
            None => Arc::new(
                DefaultCredentialsChain::builder()
                    .config(config.clone())
                    .build()?,
            ),
        };
        let mfa = self.mfa.is_some();
        let clock = config.clock.clone();
        let loader = AssumeRoleLoader {
            request: self.request,
            source,
            config,
            mfa: self.mfa,
        };
        Ok(AssumeRoleProvider {
            cache: self.cache.build(loader, mfa).service_clock(clock),
        })
    }
}
