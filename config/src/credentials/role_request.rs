//! The `AssumeRole` call itself ([`RoleRequest`]): shared by [`AssumeRoleProvider`](super::AssumeRoleProvider)
//! and the role chains of profiles.

use super::common::{
    call_for_credentials, duration_seconds, generated_session_name, invalid, CredentialsCall,
    MfaTokenSource,
};
use std::sync::Arc;
use std::time::Duration;
use sts::client::Config;
use stsgen_runtime::credentials::{Credentials, CredentialsError, StaticCredentials};
use stsgen_runtime::future::BoxFuture;

/// What to ask `AssumeRole` for (everything but the credentials to ask with).
#[derive(Clone, Debug, Default)]
pub(crate) struct RoleRequest {
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) duration: Option<Duration>,
    pub(crate) mfa_serial: Option<String>,
    /// What only [`AssumeRoleProvider`](super::AssumeRoleProvider) sets.
    pub(crate) extras: Option<Box<RoleExtras>>,
}

type Builder = sts::operation::assume_role::builders::AssumeRoleInputBuilder;

/// The session policies, tags and source identity of an `AssumeRole` call, which only
/// [`AssumeRoleProvider`](super::AssumeRoleProvider) sets. They are applied through the
/// function pointer in here, so that a program whose roles all come from profiles does not link
/// their builders.
#[derive(Clone, Debug)]
pub(crate) struct RoleExtras {
    pub(crate) policy: Option<String>,
    pub(crate) policy_arns: Vec<String>,
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) transitive_tag_keys: Vec<String>,
    pub(crate) source_identity: Option<String>,
    apply: fn(&RoleExtras, Builder) -> Result<Builder, CredentialsError>,
}

impl Default for RoleExtras {
    fn default() -> Self {
        RoleExtras {
            policy: None,
            policy_arns: Vec::new(),
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            source_identity: None,
            apply: apply_extras,
        }
    }
}

fn apply_extras(x: &RoleExtras, b: Builder) -> Result<Builder, CredentialsError> {
    let p = RoleRequest::PROVIDER;
    let mut b = b
        .set_policy(x.policy.clone())
        .set_source_identity(x.source_identity.clone());
    for arn in &x.policy_arns {
        b = b.policy_arns(
            sts::types::PolicyDescriptorType::builder()
                .arn(arn)
                .build()
                .map_err(|e| invalid(p, e))?,
        );
    }
    for (k, v) in &x.tags {
        b = b.tags(
            sts::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(p, e))?,
        );
    }
    for k in &x.transitive_tag_keys {
        b = b.transitive_tag_keys(k);
    }
    Ok(b)
}

impl RoleRequest {
    pub(crate) const PROVIDER: &'static str = "assume-role";

    pub(crate) fn input(
        &self,
        session_name: &str,
        token_code: Option<String>,
    ) -> Result<sts::operation::assume_role::AssumeRoleInput, CredentialsError> {
        let p = Self::PROVIDER;
        let mut b = sts::operation::assume_role::AssumeRoleInput::builder()
            .role_arn(&self.role_arn)
            .role_session_name(session_name)
            .set_external_id(self.external_id.clone())
            .set_duration_seconds(duration_seconds(p, self.duration)?)
            .set_serial_number(self.mfa_serial.clone())
            .set_token_code(token_code);
        if let Some(x) = &self.extras {
            b = (x.apply)(x, b)?;
        }
        b.build()
            .map_err(|e| invalid(p, format!("AssumeRole {}: {e}", self.role_arn)))
    }

    /// Checks the request as far as it can be checked before any call (constraints of every
    /// member; the token code is a placeholder of the right form).
    pub(crate) fn validate(&self) -> Result<(), CredentialsError> {
        let name = self
            .session_name
            .clone()
            .unwrap_or_else(generated_session_name);
        self.input(&name, self.mfa_serial.as_ref().map(|_| "000000".to_owned()))
            .map(|_| ())
    }

    /// Boxed (one state machine for every provider's AssumeRole and web identity calls).
    pub(crate) fn call<'a>(
        &'a self,
        config: &'a Config,
        source: Credentials,
        mfa: Option<&'a MfaTokenSource>,
        provider: &'static str,
    ) -> BoxFuture<'a, Result<Credentials, CredentialsError>> {
        match self.prepare(mfa, provider) {
            Ok(input) => call_for_credentials(
                config,
                Some(Arc::new(StaticCredentials::from(source))),
                CredentialsCall::AssumeRole(input),
                provider,
                format!("AssumeRole {}", self.role_arn),
            ),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    /// The input: the MFA token code asked for, the session name generated when unset.
    fn prepare(
        &self,
        mfa: Option<&MfaTokenSource>,
        provider: &'static str,
    ) -> Result<sts::operation::assume_role::AssumeRoleInput, CredentialsError> {
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
        let session_name = self
            .session_name
            .clone()
            .unwrap_or_else(generated_session_name);
        self.input(&session_name, token)
    }
}
