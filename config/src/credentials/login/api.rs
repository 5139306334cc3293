//! The refresh call of console sign-in ([`SigninTokenApi`]: the `signin` model's
//! `CreateOAuth2Token`), its request, its error and the DPoP proofs given to it. The response is
//! the cache file's [`CreateOAuth2TokenResponse`], which writes it back.

use std::fmt;
use std::sync::Arc;

use sts::client::Config;
use stsgen_runtime::config::Env;
use stsgen_runtime::credentials::ServiceClock;
use stsgen_runtime::future::BoxFuture;

use super::cache::CreateOAuth2TokenResponse;
use super::dpop::DpopKey;

/// `CreateOAuth2TokenRequestBody` (the request's JSON payload, `tokenInput`). `Debug` hides the
/// refresh token.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CreateOAuth2TokenRequest {
    /// `clientId`: the `clientId` of the cached token
    /// (`arn:aws:signin:::devtools/same-device` or `.../cross-device`).
    pub(crate) client_id: String,
    /// `grantType`: `refresh_token`.
    pub(crate) grant_type: String,
    /// `refreshToken` (sensitive).
    pub(crate) refresh_token: Option<String>,
}

impl fmt::Debug for CreateOAuth2TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateOAuth2TokenRequest")
            .field("client_id", &self.client_id)
            .field("grant_type", &self.grant_type)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// Why `CreateOAuth2Token` failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SigninError {
    /// `AccessDeniedException`: its `error` code (`TOKEN_EXPIRED`, `USER_CREDENTIALS_CHANGED`,
    /// `INSUFFICIENT_PERMISSIONS`, `AUTHCODE_EXPIRED`) and `message`.
    AccessDenied { error: String, message: String },
    /// Another modeled error (`TooManyRequestsError`, `ValidationException`,
    /// `InternalServerException`) or an unmodeled one: the error shape or code, and the message.
    Service { code: String, message: String },
    /// The input was refused before anything was sent (a member the model does not accept):
    /// the operation's input builder or serializer, naming the member, never its value.
    InvalidRequest(String),
    /// No answer, an unreadable one, or the request could not be made (what happened).
    Request(String),
}

impl SigninError {
    /// Whether only a new `aws login` can help.
    fn needs_login(&self) -> bool {
        matches!(self, SigninError::AccessDenied { error, .. }
            if matches!(error.as_str(), "TOKEN_EXPIRED" | "USER_CREDENTIALS_CHANGED" | "AUTHCODE_EXPIRED"))
    }
}

impl fmt::Display for SigninError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = |s: &str| -> String {
            let s: String = s
                .chars()
                .take(200)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            s
        };
        match self {
            SigninError::AccessDenied { error, .. } if error == "INSUFFICIENT_PERMISSIONS" => f.write_str(
                "access denied (INSUFFICIENT_PERMISSIONS): the signed-in identity may lack permission for the \
                 `signin:CreateOAuth2Token` action",
            ),
            SigninError::AccessDenied { error, message } if self.needs_login() => {
                write!(f, "the sign-in session has expired or its credentials changed ({error}: {})", short(message))
            }
            SigninError::AccessDenied { error, message } => write!(f, "access denied ({error}: {})", short(message)),
            SigninError::Service { code, message } => write!(f, "{code}: {}", short(message)),
            SigninError::InvalidRequest(what) => {
                write!(f, "the request was not sent: invalid request: {}", short(what))
            }
            SigninError::Request(what) => write!(f, "{}", short(what)),
        }
    }
}

impl std::error::Error for SigninError {}

/// Makes the `DPoP` header of the refresh request. Given to [`SigninTokenApi`] so the header is
/// made for the URL each attempt really goes to.
#[derive(Clone)]
pub(crate) struct DpopProofs {
    key: Arc<DpopKey>,
    clock: ServiceClock,
}

impl fmt::Debug for DpopProofs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DpopProofs(..)")
    }
}

impl DpopProofs {
    /// Proofs signed with `key`, at the times of `clock`.
    pub(crate) fn new(key: DpopKey, clock: ServiceClock) -> Self {
        DpopProofs {
            key: Arc::new(key),
            clock,
        }
    }

    /// The `DPoP` header value for a request with method `htm` to `url` (the final URL of the
    /// operation, `https://<region>.signin.aws.amazon.com/v1/token` in the `aws` partition),
    /// now by the configuration's clock.
    pub(crate) fn header_for(&self, htm: &str, url: &str) -> Result<String, SigninError> {
        self.key
            .proof(htm, url, self.clock.now())
            .map_err(|e| SigninError::Request(format!("DPoP proof: {e}")))
    }
}

/// What a refresh call is made with besides its input: the region, the provider's
/// configuration (transport, proxies, CA bundle, timeouts, retries, clock) and environment
/// (the sign-in endpoint override).
#[derive(Clone, Copy)]
pub(crate) struct SigninCall<'a> {
    pub(crate) region: Option<&'a str>,
    pub(crate) config: &'a Config,
    pub(crate) env: &'a dyn Env,
    /// The profile whose endpoint settings apply (`None`: the environment's selected one).
    pub(crate) profile: Option<&'a str>,
}

impl fmt::Debug for SigninCall<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigninCall")
            .field("region", &self.region)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// The sign-in service's token endpoint, as the refresh needs it.
pub(crate) trait SigninTokenApi: Send + Sync + fmt::Debug {
    /// `signin:CreateOAuth2Token` of the `signin` model (`Signin`, 2023-01-01, restJson1):
    /// `POST /v1/token` with `input` as the JSON payload (`tokenInput`), **unsigned**
    /// (`smithy.api#noAuth`), endpoint parameters `Region` = `call.region` and
    /// `IsControlPlane = false`, and the header `DPoP: <dpop.header_for("POST", url)>` for the
    /// request's final URL. The output is the payload `tokenOutput`; `AccessDeniedException`
    /// (with its `error` member) is [`SigninError::AccessDenied`], other errors
    /// [`SigninError::Service`] or [`SigninError::Request`].
    fn create_oauth2_token<'a>(
        &'a self,
        call: SigninCall<'a>,
        input: CreateOAuth2TokenRequest,
        dpop: DpopProofs,
    ) -> BoxFuture<'a, Result<CreateOAuth2TokenResponse, SigninError>>;
}
