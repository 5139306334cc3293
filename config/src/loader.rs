//! [`ConfigLoader`]: a client configuration from the environment and the selected profile.

use std::sync::Arc;

use sts::client::Config;
use stsgen_runtime::client::config::apply_to_config;
use stsgen_runtime::config::{Env, ProcessEnv, ProfileSet};
use stsgen_runtime::credentials::profile;
use stsgen_runtime::credentials::CredentialsError;

use crate::credentials::{invalid, DefaultCredentialsChain, MfaTokenSource};

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
        ConfigLoader {
            profile: None,
            env: Arc::new(ProcessEnv),
            mfa: None,
        }
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
        let mut config = Config::from_env_with(sts::meta::SERVICE_ID, env)?;
        let mut set = ProfileSet::load(env)?;
        if let Some(name) = &self.profile {
            set = set.with_selected(name.clone());
            if set.get(name).is_none() {
                let mut names = String::new();
                for n in set.names() {
                    if !names.is_empty() {
                        names.push_str(", ");
                    }
                    names.push_str(n);
                }
                if names.is_empty() {
                    names.push_str("none");
                }
                return Err(invalid(
                    profile::PROVIDER_NAME,
                    format!("profile `{name}` does not exist (profiles: {names})"),
                ));
            }
        }
        let name = set.selected().to_owned();
        apply_to_config(&set, &name, sts::meta::SERVICE_ID, env, &mut config)
            .map_err(|e| invalid(profile::PROVIDER_NAME, e))?;
        Ok(config)
    }

    /// The configuration with the default chain as credentials.
    ///
    /// # Errors
    /// As [`load_without_credentials`](Self::load_without_credentials).
    pub fn load(&self) -> Result<Config, CredentialsError> {
        let mut config = self.load_without_credentials()?;
        let mut chain = DefaultCredentialsChain::builder()
            .env(self.env.clone())
            .config(config.clone());
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
