//! The remote calls of IAM Identity Center ([`SsoApi`]), their request and response structs,
//! and the names and messages the providers share.

use std::fmt;

use stsgen_runtime::future::BoxFuture;
use stsgen_runtime::sensitive::{Redacted, RedactedOption};

/// The provider name in credentials and errors.
pub const PROVIDER_NAME: &str = "sso";

// ---------------------------------------------------------------------------------------------
// The remote calls

/// The remote calls IAM Identity Center needs, one method per operation of the `sso`
/// (`GetRoleCredentials`) and `sso-oidc` (`CreateToken`, `RegisterClient`,
/// `StartDeviceAuthorization`) models, all restJson1. `region` is the session's `sso_region`:
/// the endpoints are `https://portal.sso.{region}.amazonaws.com` and
/// `https://oidc.{region}.amazonaws.com` (or their partition's). None of the calls is signed
/// with AWS credentials.
pub trait SsoApi: Send + Sync + fmt::Debug {
    /// SSO `GetRoleCredentials`: `GET /federation/credentials?role_name=..&account_id=..` with
    /// the access token in the `x-amz-sso_bearer_token` header.
    fn get_role_credentials<'a>(
        &'a self,
        region: &'a str,
        request: GetRoleCredentialsRequest,
    ) -> BoxFuture<'a, Result<RoleCredentials, SsoApiError>>;

    /// SSO-OIDC `CreateToken`: `POST /token`. The providers send the refresh grant
    /// (`grantType = refresh_token`), the sign-in the device grant
    /// (`urn:ietf:params:oauth:grant-type:device_code`).
    fn create_token<'a>(
        &'a self,
        region: &'a str,
        request: CreateTokenRequest,
    ) -> BoxFuture<'a, Result<CreateTokenResponse, SsoApiError>>;

    /// SSO-OIDC `RegisterClient`: `POST /client/register`.
    fn register_client<'a>(
        &'a self,
        region: &'a str,
        request: RegisterClientRequest,
    ) -> BoxFuture<'a, Result<RegisterClientResponse, SsoApiError>>;

    /// SSO-OIDC `StartDeviceAuthorization`: `POST /device_authorization`.
    fn start_device_authorization<'a>(
        &'a self,
        region: &'a str,
        request: StartDeviceAuthorizationRequest,
    ) -> BoxFuture<'a, Result<StartDeviceAuthorizationResponse, SsoApiError>>;
}

/// The [`SsoApi`] with no service behind it: every call is [`SsoApiError::NotWired`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NotWired;

impl NotWired {
    fn fail<'a, T: Send + 'a>(operation: &'static str) -> BoxFuture<'a, Result<T, SsoApiError>> {
        Box::pin(async move { Err(SsoApiError::NotWired { operation }) })
    }
}

impl SsoApi for NotWired {
    fn get_role_credentials<'a>(
        &'a self,
        _: &'a str,
        _: GetRoleCredentialsRequest,
    ) -> BoxFuture<'a, Result<RoleCredentials, SsoApiError>> {
        Self::fail("sso:GetRoleCredentials")
    }

    fn create_token<'a>(
        &'a self,
        _: &'a str,
        _: CreateTokenRequest,
    ) -> BoxFuture<'a, Result<CreateTokenResponse, SsoApiError>> {
        Self::fail("sso-oidc:CreateToken")
    }

    fn register_client<'a>(
        &'a self,
        _: &'a str,
        _: RegisterClientRequest,
    ) -> BoxFuture<'a, Result<RegisterClientResponse, SsoApiError>> {
        Self::fail("sso-oidc:RegisterClient")
    }

    fn start_device_authorization<'a>(
        &'a self,
        _: &'a str,
        _: StartDeviceAuthorizationRequest,
    ) -> BoxFuture<'a, Result<StartDeviceAuthorizationResponse, SsoApiError>> {
        Self::fail("sso-oidc:StartDeviceAuthorization")
    }
}

/// Why a call of [`SsoApi`] failed. The variants the providers act on are typed (the modeled
/// errors of `CreateToken` the device flow polls through); the rest keep the error code and
/// message the service sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SsoApiError {
    /// `AuthorizationPendingException`: the user has not approved the device yet.
    AuthorizationPending,
    /// `SlowDownException`: poll less often (5 s more between attempts).
    SlowDown,
    /// `ExpiredTokenException`: the device code (or refresh token) has expired.
    ExpiredToken,
    /// `UnauthorizedException` (`GetRoleCredentials`) or `InvalidGrantException` (`CreateToken`):
    /// the token is no longer accepted.
    Unauthorized {
        /// The service's message.
        message: String,
    },
    /// Any other error the service answered with.
    Service {
        /// The error code (`AccessDeniedException`, `InvalidClientException`, ...).
        code: String,
        /// The service's message.
        message: String,
    },
    /// The request could not be made from its input: a member the operation's model refuses
    /// (missing, too long, or text a header cannot carry). Nothing was sent; sending the same
    /// input again fails the same way.
    InvalidRequest {
        /// The operation, `sso:GetRoleCredentials` or `sso-oidc:...`.
        operation: &'static str,
        /// What was wrong, naming the member (never its value).
        reason: String,
    },
    /// The request did not get an answer (connection, timeout, unreadable or incomplete
    /// response), or could not be sent (no endpoint for the region, an unreadable endpoint
    /// setting).
    Transport {
        /// What went wrong.
        reason: String,
    },
    /// No client of the service is behind the [`SsoApi`] ([`NotWired`], for callers that want
    /// no remote calls).
    NotWired {
        /// The operation, `sso:GetRoleCredentials` or `sso-oidc:...`.
        operation: &'static str,
    },
}

impl fmt::Display for SsoApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SsoApiError::AuthorizationPending => f.write_str("AuthorizationPendingException: the authorization is pending"),
            SsoApiError::SlowDown => f.write_str("SlowDownException: polling too fast"),
            SsoApiError::ExpiredToken => f.write_str("ExpiredTokenException: the token or device code has expired"),
            SsoApiError::Unauthorized { message } => write!(f, "Unauthorized: {message}"),
            SsoApiError::Service { code, message } => write!(f, "{code}: {message}"),
            SsoApiError::InvalidRequest { operation, reason } => {
                write!(f, "{operation} was not sent: invalid request: {reason}")
            }
            SsoApiError::Transport { reason } => write!(f, "no answer: {reason}"),
            SsoApiError::NotWired { operation } => write!(
                f,
                "{operation} cannot be called: this build has no IAM Identity Center (sso/sso-oidc) client \
                 (stsgen-config's `sso` feature is off)"
            ),
        }
    }
}

impl std::error::Error for SsoApiError {}

/// The input of SSO `GetRoleCredentials`. `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct GetRoleCredentialsRequest {
    /// `accessToken` (header `x-amz-sso_bearer_token`).
    pub access_token: String,
    /// `accountId` (query `account_id`).
    pub account_id: String,
    /// `roleName` (query `role_name`).
    pub role_name: String,
}

impl fmt::Debug for GetRoleCredentialsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetRoleCredentialsRequest")
            .field("access_token", &Redacted(&self.access_token))
            .field("account_id", &self.account_id)
            .field("role_name", &self.role_name)
            .finish()
    }
}

/// `roleCredentials` of the `GetRoleCredentials` output. `Debug` redacts the secret and token.
#[derive(Clone, PartialEq, Eq)]
pub struct RoleCredentials {
    /// `accessKeyId`.
    pub access_key_id: String,
    /// `secretAccessKey`.
    pub secret_access_key: String,
    /// `sessionToken`.
    pub session_token: String,
    /// `expiration`: milliseconds since 1970.
    pub expiration: i64,
}

impl fmt::Debug for RoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &Redacted(&self.secret_access_key))
            .field("session_token", &Redacted(&self.session_token))
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// The grant type of a `CreateToken` refresh.
pub const REFRESH_GRANT: &str = "refresh_token";
/// The grant type of a `CreateToken` after device authorization.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The input of SSO-OIDC `CreateToken` (the members the two grants use). `Debug` redacts the
/// client secret, refresh token and device code.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CreateTokenRequest {
    /// `clientId`.
    pub client_id: String,
    /// `clientSecret`.
    pub client_secret: String,
    /// `grantType`: [`REFRESH_GRANT`] or [`DEVICE_GRANT`].
    pub grant_type: String,
    /// `deviceCode` (device grant).
    pub device_code: Option<String>,
    /// `refreshToken` (refresh grant).
    pub refresh_token: Option<String>,
    /// `scope`.
    pub scope: Vec<String>,
}

impl fmt::Debug for CreateTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateTokenRequest")
            .field("client_id", &self.client_id)
            .field("client_secret", &Redacted(&self.client_secret))
            .field("grant_type", &self.grant_type)
            .field("device_code", &RedactedOption(&self.device_code))
            .field("refresh_token", &RedactedOption(&self.refresh_token))
            .field("scope", &self.scope)
            .finish()
    }
}

/// The output of SSO-OIDC `CreateToken`. `Debug` redacts the tokens.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CreateTokenResponse {
    /// `accessToken`.
    pub access_token: String,
    /// `tokenType` (`Bearer`).
    pub token_type: Option<String>,
    /// `expiresIn`: seconds from now.
    pub expires_in: i32,
    /// `refreshToken`: a new refresh token, when the service rotates it.
    pub refresh_token: Option<String>,
}

impl fmt::Debug for CreateTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateTokenResponse")
            .field("access_token", &Redacted(&self.access_token))
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &RedactedOption(&self.refresh_token))
            .finish()
    }
}

/// The input of SSO-OIDC `RegisterClient`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterClientRequest {
    /// `clientName`.
    pub client_name: String,
    /// `clientType` (`public`).
    pub client_type: String,
    /// `scopes`.
    pub scopes: Vec<String>,
    /// `grantTypes` (`sso_session` sign-ins ask for the device and refresh grants).
    pub grant_types: Vec<String>,
}

/// The output of SSO-OIDC `RegisterClient`. `Debug` redacts the client secret.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RegisterClientResponse {
    /// `clientId`.
    pub client_id: String,
    /// `clientSecret`.
    pub client_secret: String,
    /// `clientIdIssuedAt`: seconds since 1970.
    pub client_id_issued_at: Option<i64>,
    /// `clientSecretExpiresAt`: seconds since 1970.
    pub client_secret_expires_at: i64,
}

impl fmt::Debug for RegisterClientResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterClientResponse")
            .field("client_id", &self.client_id)
            .field("client_secret", &Redacted(&self.client_secret))
            .field("client_id_issued_at", &self.client_id_issued_at)
            .field("client_secret_expires_at", &self.client_secret_expires_at)
            .finish()
    }
}

/// The input of SSO-OIDC `StartDeviceAuthorization`. `Debug` redacts the client secret.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StartDeviceAuthorizationRequest {
    /// `clientId`.
    pub client_id: String,
    /// `clientSecret`.
    pub client_secret: String,
    /// `startUrl`.
    pub start_url: String,
}

impl fmt::Debug for StartDeviceAuthorizationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartDeviceAuthorizationRequest")
            .field("client_id", &self.client_id)
            .field("client_secret", &Redacted(&self.client_secret))
            .field("start_url", &self.start_url)
            .finish()
    }
}

/// The output of SSO-OIDC `StartDeviceAuthorization`. `Debug` redacts the device code.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StartDeviceAuthorizationResponse {
    /// `deviceCode`: what `CreateToken` is polled with.
    pub device_code: String,
    /// `userCode`: what the user confirms in the browser.
    pub user_code: String,
    /// `verificationUri`.
    pub verification_uri: String,
    /// `verificationUriComplete`: the URI with the user code in it.
    pub verification_uri_complete: Option<String>,
    /// `expiresIn`: seconds the device code is valid.
    pub expires_in: i32,
    /// `interval`: seconds between polls (default 5).
    pub interval: Option<i32>,
}

impl fmt::Debug for StartDeviceAuthorizationResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartDeviceAuthorizationResponse")
            .field("device_code", &Redacted(&self.device_code))
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("verification_uri_complete", &self.verification_uri_complete)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Credentials

/// The message that ends every "no usable token" error.
pub(crate) fn login_hint(profile: &str) -> String {
    format!(
        "run `aws sso login --profile {profile}` or `sts sso-login --profile {profile}` to sign in"
    )
}
