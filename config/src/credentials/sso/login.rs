//! The IAM Identity Center sign-in (`sts sso-login --profile NAME`): the OAuth device
//! authorization flow, writing the token cache file the AWS CLI writes at `aws sso login`.
//!
//! 1. `RegisterClient` (a public client; for `sso_session` profiles with the session's
//!    `sso_registration_scopes`, default `sso:account:access`, and the device and refresh grants);
//! 2. `StartDeviceAuthorization` with the start URL; the verification URL and user code go to
//!    the caller's prompt, to show the user;
//! 3. `CreateToken` (device grant) polled: at once, then every `interval` seconds (default 5)
//!    while the answer is `AuthorizationPendingException`, 5 s more after each
//!    `SlowDownException`; `ExpiredTokenException`, or the device code's `expiresIn` spent
//!    waiting, ends it;
//! 4. the token written to `~/.aws/sso/cache/<SHA-1 hex of the session name or start URL>.json`
//!    (atomically, mode 0600) with `startUrl`, `region`, `accessToken`, `expiresAt`, `clientId`,
//!    `clientSecret`, `registrationExpiresAt` and `refreshToken`.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sts::client::Config;
use stsgen_runtime::config::{Env, ProcessEnv, ProfileSet};
use stsgen_runtime::credentials::profile::sso_session_settings;
use stsgen_runtime::credentials::ServiceClock;
use stsgen_runtime::future::BoxFuture;

use super::token::{cache_file, write_token, SsoToken};
use super::{
    default_api, CreateTokenRequest, RegisterClientRequest, SsoApi, SsoApiError,
    StartDeviceAuthorizationRequest, DEVICE_GRANT, REFRESH_GRANT,
};

/// The scope asked for when an `sso_session` names none.
pub const DEFAULT_SCOPE: &str = "sso:account:access";
/// Seconds between polls when `StartDeviceAuthorization` gives no `interval`.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// What each `SlowDownException` adds to the interval.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// Waits between polls.
pub type Sleep = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

/// What to show the user: open the URL and confirm the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePrompt {
    /// `verificationUri`.
    pub verification_uri: String,
    /// `verificationUriComplete` (the URI with the code filled in), when the service gives one.
    pub verification_uri_complete: Option<String>,
    /// `userCode`.
    pub user_code: String,
}

/// A finished sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginOutcome {
    /// The token cache file written.
    pub file: PathBuf,
    /// When the access token expires.
    pub expires_at: SystemTime,
    /// How many `CreateToken` calls the polling took.
    pub polls: u32,
}

/// Why a sign-in failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum SsoLoginError {
    /// The profile is missing, or has no (or wrong) IAM Identity Center settings.
    Profile {
        /// The profile.
        profile: String,
        /// What is wrong.
        reason: String,
    },
    /// A call failed.
    Api {
        /// The operation (`RegisterClient`, `StartDeviceAuthorization`, `CreateToken`).
        operation: &'static str,
        /// The error.
        error: SsoApiError,
    },
    /// The device code expired before the user approved it.
    Expired {
        /// How long the flow waited.
        waited: Duration,
    },
    /// The token cache file could not be written.
    Write {
        /// The file.
        file: PathBuf,
        /// The error.
        error: std::io::Error,
    },
}

impl fmt::Display for SsoLoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SsoLoginError::Profile { profile, reason } => {
                write!(f, "profile `{profile}`: {reason}")
            }
            SsoLoginError::Api { operation, error } => {
                write!(f, "sso-oidc {operation} failed: {error}")
            }
            SsoLoginError::Expired { waited } => write!(
                f,
                "the device authorization expired after {} s without being approved; sign in again",
                waited.as_secs()
            ),
            SsoLoginError::Write { file, error } => {
                write!(
                    f,
                    "could not write the token cache file `{}`: {error}",
                    file.display()
                )
            }
        }
    }
}

impl std::error::Error for SsoLoginError {}

/// The device-authorization sign-in for one profile (see the [module docs](self)).
#[derive(Clone)]
pub struct SsoLogin {
    profile: String,
    env: Arc<dyn Env>,
    api: Option<Arc<dyn SsoApi>>,
    clock: ServiceClock,
    sleep: Sleep,
}

impl fmt::Debug for SsoLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoLogin")
            .field("profile", &self.profile)
            .field("api", &self.api)
            .finish_non_exhaustive()
    }
}

fn default_sleep() -> Sleep {
    Arc::new(|d| {
        Box::pin(async move {
            if stsgen_runtime::client::in_async_context() {
                tokio::time::sleep(d).await;
            } else {
                std::thread::sleep(d);
            }
        })
    })
}

impl SsoLogin {
    /// The sign-in of `profile`, with the process environment, [`default_api`] (with the
    /// environment's configuration), the system clock and real sleeps.
    pub fn new(profile: impl Into<String>) -> Self {
        SsoLogin {
            profile: profile.into(),
            env: Arc::new(ProcessEnv),
            api: None,
            clock: ServiceClock::new(),
            sleep: default_sleep(),
        }
    }

    /// Where the profile files and `HOME` are read from (the token file is written to the file
    /// system).
    pub fn env(mut self, env: Arc<dyn Env>) -> Self {
        self.env = env;
        self
    }

    /// The remote calls.
    pub fn api(mut self, api: Arc<dyn SsoApi>) -> Self {
        self.api = Some(api);
        self
    }

    /// The clock the token's `expiresAt` is computed with.
    pub fn clock(mut self, clock: ServiceClock) -> Self {
        self.clock = clock;
        self
    }

    /// How to wait between polls (tests pass one that returns at once).
    pub fn sleep(mut self, sleep: Sleep) -> Self {
        self.sleep = sleep;
        self
    }

    fn profile_error(&self, reason: impl Into<String>) -> SsoLoginError {
        SsoLoginError::Profile {
            profile: self.profile.clone(),
            reason: reason.into(),
        }
    }

    /// Signs in: `prompt` is called once with what to show the user.
    ///
    /// # Errors
    /// See [`SsoLoginError`].
    pub async fn run(
        &self,
        prompt: impl FnOnce(&DevicePrompt),
    ) -> Result<LoginOutcome, SsoLoginError> {
        let set = ProfileSet::load(&*self.env).map_err(|e| self.profile_error(e.to_string()))?;
        let profile = set
            .get(&self.profile)
            .ok_or_else(|| self.profile_error("does not exist"))?;
        let (session, start_url, region, scopes) = sso_session_settings(&set, profile)
            .map_err(|e| SsoLoginError::Profile { profile: self.profile.clone(), reason: strip_profile(&e.to_string()) })?
            .ok_or_else(|| self.profile_error("has no IAM Identity Center settings (sso_session, or sso_start_url and sso_region)"))?;
        let key = session.clone().unwrap_or_else(|| start_url.clone());
        let file = cache_file(&*self.env, &key).map_err(|reason| self.profile_error(reason))?;
        let api = |operation| move |error| SsoLoginError::Api { operation, error };
        let service = self.api.clone().unwrap_or_else(|| {
            let mut config = Config::from_env_with(sts::meta::SERVICE_ID, &*self.env)
                .unwrap_or_else(|_| Config::new());
            config.clock = self.clock.clone();
            default_api(&config, self.env.clone())
        });

        let (scopes, grant_types) = if session.is_some() {
            let scopes = if scopes.is_empty() {
                vec![DEFAULT_SCOPE.to_owned()]
            } else {
                scopes
            };
            (
                scopes,
                vec![DEVICE_GRANT.to_owned(), REFRESH_GRANT.to_owned()],
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let started = self.clock.now();
        let seconds = started
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let registration = service
            .register_client(
                &region,
                RegisterClientRequest {
                    client_name: format!("stsgen-{seconds}"),
                    client_type: "public".to_owned(),
                    scopes,
                    grant_types,
                },
            )
            .await
            .map_err(api("RegisterClient"))?;
        let authorization = service
            .start_device_authorization(
                &region,
                StartDeviceAuthorizationRequest {
                    client_id: registration.client_id.clone(),
                    client_secret: registration.client_secret.clone(),
                    start_url: start_url.clone(),
                },
            )
            .await
            .map_err(api("StartDeviceAuthorization"))?;
        prompt(&DevicePrompt {
            verification_uri: authorization.verification_uri.clone(),
            verification_uri_complete: authorization.verification_uri_complete.clone(),
            user_code: authorization.user_code.clone(),
        });

        let mut interval = authorization
            .interval
            .and_then(|i| u64::try_from(i).ok())
            .filter(|i| *i > 0)
            .map_or(DEFAULT_INTERVAL, Duration::from_secs);
        let lifetime = Duration::from_secs(u64::try_from(authorization.expires_in).unwrap_or(0));
        let request = CreateTokenRequest {
            client_id: registration.client_id.clone(),
            client_secret: registration.client_secret.clone(),
            grant_type: DEVICE_GRANT.to_owned(),
            device_code: Some(authorization.device_code.clone()),
            ..Default::default()
        };
        let mut waited = Duration::ZERO;
        let mut polls = 0u32;
        let token = loop {
            polls += 1;
            match service.create_token(&region, request.clone()).await {
                Ok(token) => break token,
                Err(SsoApiError::AuthorizationPending) => {}
                Err(SsoApiError::SlowDown) => interval += SLOW_DOWN_STEP,
                Err(SsoApiError::ExpiredToken) => return Err(SsoLoginError::Expired { waited }),
                Err(error) => {
                    return Err(SsoLoginError::Api {
                        operation: "CreateToken",
                        error,
                    })
                }
            }
            if waited + interval > lifetime {
                return Err(SsoLoginError::Expired { waited });
            }
            (self.sleep)(interval).await;
            waited += interval;
        };

        let expires_at =
            self.clock.now() + Duration::from_secs(u64::try_from(token.expires_in).unwrap_or(0));
        let registration_expires_at = u64::try_from(registration.client_secret_expires_at)
            .ok()
            .filter(|s| *s > 0)
            .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        let cached = SsoToken::new(
            token.access_token,
            expires_at,
            token.refresh_token,
            Some(registration.client_id),
            Some(registration.client_secret),
            registration_expires_at,
            Some(region),
            Some(start_url),
        );
        write_token(&file, &cached).map_err(|error| SsoLoginError::Write {
            file: file.clone(),
            error,
        })?;
        Ok(LoginOutcome {
            file,
            expires_at,
            polls,
        })
    }
}

/// A profile error's text without its "profile `NAME`: " prefix (the login error adds it).
fn strip_profile(text: &str) -> String {
    match text.split_once("`: ") {
        Some((head, rest)) if head.starts_with("profile `") => rest.to_owned(),
        _ => text.to_owned(),
    }
}
