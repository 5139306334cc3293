//! [`SsoApi`] over the generated `sso` and `ssooidc` clients (feature `sso`): what
//! [`default_api`](super::default_api) returns.

use std::fmt;
use std::sync::Arc;

use stsgen_runtime::client::config::configured_endpoint_url;
use stsgen_runtime::config::{Env, ProfileSet};
use stsgen_runtime::error::SdkError;
use stsgen_runtime::future::BoxFuture;

use sts::client::Config;

use super::api::*;

/// The [`SsoApi`] of [`default_api`](super::default_api) with the `sso` feature, with the
/// endpoint settings of `profile` (else the environment's selected profile).
pub(super) fn new(config: &Config, env: Arc<dyn Env>, profile: Option<&str>) -> Arc<dyn SsoApi> {
    let mut config = config.clone();
    // Unsigned operations: never resolve (or recurse into) the caller's credentials.
    config.credentials = None;
    let (sso_endpoint, oidc_endpoint) = match ProfileSet::load(&*env) {
        Ok(set) => {
            let name = profile.unwrap_or(set.selected());
            (
                endpoint_override(&set, name, &*env, sso::meta::SERVICE_ID),
                endpoint_override(&set, name, &*env, ssooidc::meta::SERVICE_ID),
            )
        }
        Err(e) => {
            let reason = format!("the endpoint settings cannot be read: {e}");
            (Err(reason.clone()), Err(reason))
        }
    };
    Arc::new(GeneratedApi {
        config,
        sso_endpoint,
        oidc_endpoint,
    })
}

/// The endpoint URL configured for a service, as the runtime reads it for every client
/// ([`configured_endpoint_url`]: `AWS_ENDPOINT_URL_<SERVICE ID>`, `AWS_ENDPOINT_URL`, the
/// profile's `[services]` entry, its `endpoint_url`), or why it cannot be read.
fn endpoint_override(
    set: &ProfileSet,
    profile: &str,
    env: &dyn Env,
    service_id: &str,
) -> Result<Option<String>, String> {
    configured_endpoint_url(set, profile, service_id, env)
        .map_err(|e| format!("the {service_id} endpoint setting cannot be read: {e}"))
}

/// [`SsoApi`] over the generated `sso` and `ssooidc` clients.
#[derive(Debug)]
struct GeneratedApi {
    /// The caller's configuration, without credentials.
    config: Config,
    /// The portal's endpoint override.
    sso_endpoint: Result<Option<String>, String>,
    /// SSO-OIDC's endpoint override.
    oidc_endpoint: Result<Option<String>, String>,
}

impl GeneratedApi {
    /// The configuration of one call: `region`, and the endpoint override.
    fn config_for(
        &self,
        region: &str,
        endpoint: &Result<Option<String>, String>,
    ) -> Result<Config, SsoApiError> {
        let mut config = self.config.clone();
        config.region = Some(region.to_owned());
        config.endpoint_url = endpoint
            .clone()
            .map_err(|reason| SsoApiError::Transport { reason })?;
        Ok(config)
    }
}

/// Why a generated client's call failed before the service classified it.
enum Failed<E> {
    /// No client could be made (or none outside a runtime without the `blocking` feature).
    Setup(String),
    /// The call's own error.
    Sdk(SdkError<E>),
}

/// One function per generated crate, since each has its own `OperationInput` trait: the async
/// client inside a tokio runtime, the blocking one elsewhere (as the STS calls of the chain do).
macro_rules! sender {
    ($name:ident, $krate:ident) => {
        async fn $name<I: $krate::client::OperationInput>(
            config: Config,
            input: I,
        ) -> Result<I::Output, Failed<I::Error>> {
            if stsgen_runtime::client::in_async_context() {
                let client = $krate::Client::new(config).map_err(|e| Failed::Setup(e.to_string()))?;
                return client.send(input).await.map_err(Failed::Sdk);
            }
            #[cfg(feature = "blocking")]
            {
                $krate::blocking::Client::new(config)
                    .send(input)
                    .map_err(Failed::Sdk)
            }
            #[cfg(not(feature = "blocking"))]
            {
                let _ = (config, input);
                Err(Failed::Setup(
                    "IAM Identity Center was called outside a tokio runtime; call from inside one, or enable the `blocking` feature"
                        .to_owned(),
                ))
            }
        }
    };
}
sender!(send_sso, sso);
sender!(send_oidc, ssooidc);

/// An [`SsoApiError`] from a failed call; `service` classifies the operation's own errors.
fn api_error<E: fmt::Display>(
    operation: &'static str,
    failed: Failed<E>,
    service: impl FnOnce(E) -> SsoApiError,
) -> SsoApiError {
    match failed {
        Failed::Setup(reason) => SsoApiError::Transport { reason },
        Failed::Sdk(SdkError::Construction(e)) => invalid_request(operation, e),
        Failed::Sdk(SdkError::Service { error, .. }) => service(error),
        Failed::Sdk(other) => SsoApiError::Transport {
            reason: other.to_string(),
        },
    }
}

/// `InvalidRequest`: the input builder (or the request's serializer) refused a member. The
/// error names the shape, the member and the constraint, never the value.
fn invalid_request(operation: &'static str, e: stsgen_runtime::BuildError) -> SsoApiError {
    SsoApiError::InvalidRequest {
        operation,
        reason: e.to_string(),
    }
}

/// `Service` with the error's code and message.
fn service_error(code: &str, message: Option<&str>) -> SsoApiError {
    SsoApiError::Service {
        code: code.to_owned(),
        message: message.unwrap_or_default().to_owned(),
    }
}

/// A member the service must return but did not.
fn missing(operation: &str, member: &str) -> SsoApiError {
    SsoApiError::Transport {
        reason: format!("the {operation} response has no `{member}`"),
    }
}

impl SsoApi for GeneratedApi {
    fn get_role_credentials<'a>(
        &'a self,
        region: &'a str,
        request: GetRoleCredentialsRequest,
    ) -> BoxFuture<'a, Result<RoleCredentials, SsoApiError>> {
        use sso::operation::get_role_credentials::{
            GetRoleCredentialsError as E, GetRoleCredentialsInput,
        };
        Box::pin(async move {
            const OP: &str = "sso:GetRoleCredentials";
            let config = self.config_for(region, &self.sso_endpoint)?;
            let input = GetRoleCredentialsInput::builder()
                .access_token(request.access_token)
                .account_id(request.account_id)
                .role_name(request.role_name)
                .build()
                .map_err(|e| invalid_request(OP, e))?;
            let output = send_sso(config, input).await.map_err(|f| {
                api_error(OP, f, |e| match &e {
                    E::UnauthorizedException(u) => SsoApiError::Unauthorized {
                        message: u.message().unwrap_or_default().to_owned(),
                    },
                    _ => service_error(e.code(), e.message()),
                })
            })?;
            let op = "GetRoleCredentials";
            let c = output
                .role_credentials()
                .ok_or_else(|| missing(op, "roleCredentials"))?;
            Ok(RoleCredentials {
                access_key_id: c
                    .access_key_id()
                    .ok_or_else(|| missing(op, "roleCredentials.accessKeyId"))?
                    .to_owned(),
                secret_access_key: c
                    .secret_access_key()
                    .ok_or_else(|| missing(op, "roleCredentials.secretAccessKey"))?
                    .to_owned(),
                session_token: c
                    .session_token()
                    .ok_or_else(|| missing(op, "roleCredentials.sessionToken"))?
                    .to_owned(),
                expiration: c
                    .expiration()
                    .ok_or_else(|| missing(op, "roleCredentials.expiration"))?,
            })
        })
    }

    fn create_token<'a>(
        &'a self,
        region: &'a str,
        request: CreateTokenRequest,
    ) -> BoxFuture<'a, Result<CreateTokenResponse, SsoApiError>> {
        use ssooidc::operation::create_token::{CreateTokenError as E, CreateTokenInput};
        Box::pin(async move {
            const OP: &str = "sso-oidc:CreateToken";
            let config = self.config_for(region, &self.oidc_endpoint)?;
            let input = CreateTokenInput::builder()
                .client_id(request.client_id)
                .client_secret(request.client_secret)
                .grant_type(request.grant_type)
                .set_device_code(request.device_code)
                .set_refresh_token(request.refresh_token)
                .set_scope((!request.scope.is_empty()).then_some(request.scope))
                .build()
                .map_err(|e| invalid_request(OP, e))?;
            let output = send_oidc(config, input).await.map_err(|f| {
                api_error(OP, f, |e| match &e {
                    E::AuthorizationPendingException(_) => SsoApiError::AuthorizationPending,
                    E::SlowDownException(_) => SsoApiError::SlowDown,
                    E::ExpiredTokenException(_) => SsoApiError::ExpiredToken,
                    E::InvalidGrantException(g) => SsoApiError::Unauthorized {
                        message: g.message().unwrap_or_default().to_owned(),
                    },
                    _ => service_error(e.code(), e.message()),
                })
            })?;
            let op = "CreateToken";
            Ok(CreateTokenResponse {
                access_token: output
                    .access_token()
                    .ok_or_else(|| missing(op, "accessToken"))?
                    .to_owned(),
                token_type: output.token_type().map(str::to_owned),
                expires_in: output
                    .expires_in()
                    .ok_or_else(|| missing(op, "expiresIn"))?,
                refresh_token: output.refresh_token().map(str::to_owned),
            })
        })
    }

    fn register_client<'a>(
        &'a self,
        region: &'a str,
        request: RegisterClientRequest,
    ) -> BoxFuture<'a, Result<RegisterClientResponse, SsoApiError>> {
        use ssooidc::operation::register_client::{RegisterClientError as E, RegisterClientInput};
        Box::pin(async move {
            const OP: &str = "sso-oidc:RegisterClient";
            let config = self.config_for(region, &self.oidc_endpoint)?;
            let input = RegisterClientInput::builder()
                .client_name(request.client_name)
                .client_type(request.client_type)
                .set_scopes((!request.scopes.is_empty()).then_some(request.scopes))
                .set_grant_types((!request.grant_types.is_empty()).then_some(request.grant_types))
                .build()
                .map_err(|e| invalid_request(OP, e))?;
            let output = send_oidc(config, input).await.map_err(|f| {
                api_error(OP, f, |e| match &e {
                    E::SlowDownException(_) => SsoApiError::SlowDown,
                    _ => service_error(e.code(), e.message()),
                })
            })?;
            let op = "RegisterClient";
            Ok(RegisterClientResponse {
                client_id: output
                    .client_id()
                    .ok_or_else(|| missing(op, "clientId"))?
                    .to_owned(),
                client_secret: output
                    .client_secret()
                    .ok_or_else(|| missing(op, "clientSecret"))?
                    .to_owned(),
                client_id_issued_at: output.client_id_issued_at(),
                client_secret_expires_at: output
                    .client_secret_expires_at()
                    .ok_or_else(|| missing(op, "clientSecretExpiresAt"))?,
            })
        })
    }

    fn start_device_authorization<'a>(
        &'a self,
        region: &'a str,
        request: StartDeviceAuthorizationRequest,
    ) -> BoxFuture<'a, Result<StartDeviceAuthorizationResponse, SsoApiError>> {
        use ssooidc::operation::start_device_authorization::{
            StartDeviceAuthorizationError as E, StartDeviceAuthorizationInput,
        };
        Box::pin(async move {
            const OP: &str = "sso-oidc:StartDeviceAuthorization";
            let config = self.config_for(region, &self.oidc_endpoint)?;
            let input = StartDeviceAuthorizationInput::builder()
                .client_id(request.client_id)
                .client_secret(request.client_secret)
                .start_url(request.start_url)
                .build()
                .map_err(|e| invalid_request(OP, e))?;
            let output = send_oidc(config, input).await.map_err(|f| {
                api_error(OP, f, |e| match &e {
                    E::SlowDownException(_) => SsoApiError::SlowDown,
                    _ => service_error(e.code(), e.message()),
                })
            })?;
            let op = "StartDeviceAuthorization";
            Ok(StartDeviceAuthorizationResponse {
                device_code: output
                    .device_code()
                    .ok_or_else(|| missing(op, "deviceCode"))?
                    .to_owned(),
                user_code: output
                    .user_code()
                    .ok_or_else(|| missing(op, "userCode"))?
                    .to_owned(),
                verification_uri: output
                    .verification_uri()
                    .ok_or_else(|| missing(op, "verificationUri"))?
                    .to_owned(),
                verification_uri_complete: output.verification_uri_complete().map(str::to_owned),
                expires_in: output
                    .expires_in()
                    .ok_or_else(|| missing(op, "expiresIn"))?,
                interval: output.interval(),
            })
        })
    }
}
