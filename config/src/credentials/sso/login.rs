//! The IAM Identity Center sign-in (`sts sso-login --profile NAME`): the OAuth device
//! authorization flow, writing the token cache file the AWS CLI writes at `aws sso login`.
//!
//! 1. The **client registration**: the one cached in `~/.aws/sso/cache/<SHA-1 hex of the
//!    registration key>.json` (the AWS CLI's file and key, see [`RegistrationKey`]) while it is
//!    valid for 15 more minutes and was not made for the authorization code flow; else
//!    `RegisterClient` (a public client; for `sso_session` sign-ins with the session's
//!    `sso_registration_scopes`, default `sso:account:access`, and the device and refresh
//!    grants), cached there (atomically, mode 0600). A cached registration the service rejects
//!    (`InvalidClientException`) is registered anew once;
//! 2. `StartDeviceAuthorization` with the start URL;
//! 3. `CreateToken` (device grant): one attempt at once (a pre-approved device needs no
//!    prompt), then the verification URL and user code go to the caller's prompt and the call
//!    is repeated every `interval` seconds (default 5) while the answer is
//!    `AuthorizationPendingException`, 5 s more after each `SlowDownException`.
//!    `ExpiredTokenException`, or the device code's `expiresIn` spent waiting, ends it with
//!    [`SsoLoginError::Expired`]; the whole wait is bounded by [`SsoLogin::max_wait`] too
//!    ([`SsoLoginError::TimedOut`]); a [`CancelLogin`] ends it at once
//!    ([`SsoLoginError::Cancelled`]), and so does dropping the future. Time spent is the larger
//!    of the clock's and the sum of the waits, so neither a stopped clock nor slow calls make it
//!    wait longer;
//! 4. the token written to `~/.aws/sso/cache/<SHA-1 hex of the session name or start URL>.json`
//!    (atomically, mode 0600) with `startUrl`, `region`, `accessToken`, `expiresAt`, `clientId`,
//!    `clientSecret`, `registrationExpiresAt` and `refreshToken`, as the AWS CLI writes it: the
//!    SSO credentials provider reads it and refreshes it with the refresh token.
//!
//! [`logout`] removes the cached access tokens, as `aws sso logout` does (the registrations
//! stay).
//!
//! Nothing here opens a browser: the prompt shows the URL and the code.

use std::fmt;
use std::future::{poll_fn, Future};
use std::path::PathBuf;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};
use std::time::{Duration, SystemTime};

use sts::client::Config;
use stsgen_runtime::config::{Env, ProcessEnv, ProfileSet};
use stsgen_runtime::credentials::profile::sso_session_settings;
use stsgen_runtime::credentials::ServiceClock;
use stsgen_runtime::future::BoxFuture;
use stsgen_runtime::json::{self, JsonValue};

use super::registration::{read_registration, write_registration};
use super::token::{cache_file, write_token, SsoToken};
use super::{
    default_api, default_api_for_profile, CreateTokenRequest, RegisterClientRequest, SsoApi,
    SsoApiError, StartDeviceAuthorizationRequest, DEVICE_GRANT, REFRESH_GRANT,
};

pub use super::registration::{ClientRegistration, RegistrationKey, REGISTRATION_EXPIRY_WINDOW};

/// The scope asked for when an `sso_session` names none.
pub const DEFAULT_SCOPE: &str = "sso:account:access";
/// Seconds between polls when `StartDeviceAuthorization` gives no `interval`.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// What each `SlowDownException` adds to the interval.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// How long a device code is taken to live when `StartDeviceAuthorization` gives no positive
/// `expiresIn` (the service's own is 10 minutes).
pub const DEFAULT_DEVICE_LIFETIME: Duration = Duration::from_secs(600);
/// The longest the sign-in waits for the user, whatever the device code's lifetime.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// The largest token cache file [`logout`] reads.
const MAX_CACHE_FILE: usize = 64 * 1024;

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
    /// How long the code can be confirmed.
    pub expires_in: Duration,
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
    /// The start URL signed in to.
    pub start_url: String,
    /// The `sso_session` signed in for (`None` for a legacy profile).
    pub session: Option<String>,
    /// Whether a cached client registration was used (no `RegisterClient` call).
    pub registration_reused: bool,
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
    /// The `[sso-session NAME]` section is missing or incomplete.
    Session {
        /// The session name.
        session: String,
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
    /// The wait reached [`SsoLogin::max_wait`] before the device code expired.
    TimedOut {
        /// How long the flow waited.
        waited: Duration,
    },
    /// The sign-in was cancelled through its [`CancelLogin`].
    Cancelled,
    /// The token cache file could not be written.
    Write {
        /// The file.
        file: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// A token cache file (or the cache directory) could not be read or removed by [`logout`].
    Logout {
        /// The file or directory.
        path: PathBuf,
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
            SsoLoginError::Session { session, reason } => {
                write!(f, "sso-session `{session}`: {reason}")
            }
            SsoLoginError::Api { operation, error } => {
                write!(f, "sso-oidc {operation} failed: {error}")
            }
            SsoLoginError::Expired { waited } => write!(
                f,
                "the device authorization expired after {} s without being approved; sign in again",
                waited.as_secs()
            ),
            SsoLoginError::TimedOut { waited } => write!(
                f,
                "gave up waiting for the device authorization to be approved after {} s; sign in again",
                waited.as_secs()
            ),
            SsoLoginError::Cancelled => f.write_str("the sign-in was cancelled"),
            SsoLoginError::Write { file, error } => {
                write!(
                    f,
                    "could not write the token cache file `{}`: {error}",
                    file.display()
                )
            }
            SsoLoginError::Logout { path, error } => {
                write!(
                    f,
                    "could not remove the cached tokens in `{}`: {error}",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for SsoLoginError {}

/// Cancels a sign-in from elsewhere (another task, a signal handler's thread): the waiting
/// [`SsoLogin::run`] ends with [`SsoLoginError::Cancelled`] at once, between polls or during a
/// call, and writes nothing.
#[derive(Clone, Default)]
pub struct CancelLogin(Arc<CancelState>);

#[derive(Default)]
struct CancelState {
    cancelled: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl fmt::Debug for CancelLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CancelLogin")
            .field(&self.is_cancelled())
            .finish()
    }
}

impl CancelLogin {
    /// A handle not yet cancelled.
    pub fn new() -> Self {
        CancelLogin::default()
    }

    /// Cancels every sign-in given this handle (or a clone of it).
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        let wakers =
            std::mem::take(&mut *self.0.wakers.lock().unwrap_or_else(PoisonError::into_inner));
        for w in wakers {
            w.wake();
        }
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// `future`'s output, or `None` as soon as the handle is cancelled.
    async fn race<T>(&self, future: impl Future<Output = T>) -> Option<T> {
        let mut future = pin!(future);
        poll_fn(|cx| {
            if self.is_cancelled() {
                return Poll::Ready(None);
            }
            {
                let mut wakers = self.0.wakers.lock().unwrap_or_else(PoisonError::into_inner);
                if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                    wakers.push(cx.waker().clone());
                }
            }
            if self.is_cancelled() {
                return Poll::Ready(None);
            }
            future.as_mut().poll(cx).map(Some)
        })
        .await
    }
}

/// Whom the sign-in is for.
#[derive(Debug, Clone)]
enum Target {
    Profile(String),
    Session(String),
}

/// The device-authorization sign-in for one profile or `sso-session` (see the
/// [module docs](self)).
#[derive(Clone)]
pub struct SsoLogin {
    target: Target,
    env: Arc<dyn Env>,
    api: Option<Arc<dyn SsoApi>>,
    clock: ServiceClock,
    sleep: Sleep,
    cancel: CancelLogin,
    max_wait: Duration,
}

impl fmt::Debug for SsoLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoLogin")
            .field("target", &self.target)
            .field("api", &self.api)
            .field("cancel", &self.cancel)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

/// Real waits, on a timer thread: they work under any executor (a tokio runtime without its
/// time driver included), and a wait dropped (the sign-in cancelled) ends its thread at once.
pub(super) fn default_sleep() -> Sleep {
    Arc::new(thread_sleep)
}

/// A wait of `d` on its own thread, which wakes the task when it ends.
pub(super) fn thread_sleep(d: Duration) -> BoxFuture<'static, ()> {
    Box::pin(ThreadSleep {
        duration: d,
        shared: Arc::default(),
        started: false,
    })
}

#[derive(Default)]
struct TimerState {
    done: bool,
    dropped: bool,
    waker: Option<Waker>,
}

struct ThreadSleep {
    duration: Duration,
    shared: Arc<(Mutex<TimerState>, std::sync::Condvar)>,
    started: bool,
}

impl Future for ThreadSleep {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
        {
            let mut t = self.shared.0.lock().unwrap_or_else(PoisonError::into_inner);
            if t.done {
                return Poll::Ready(());
            }
            t.waker = Some(cx.waker().clone());
        }
        if !self.started {
            self.started = true;
            let (shared, duration) = (self.shared.clone(), self.duration);
            let spawned = std::thread::Builder::new()
                .name("sso-login-wait".to_owned())
                .spawn(move || {
                    let (lock, ended) = &*shared;
                    let t = lock.lock().unwrap_or_else(PoisonError::into_inner);
                    let (mut t, _) = ended
                        .wait_timeout_while(t, duration, |t| !t.dropped)
                        .unwrap_or_else(PoisonError::into_inner);
                    t.done = true;
                    let waker = t.waker.take();
                    drop(t);
                    if let Some(w) = waker {
                        w.wake();
                    }
                });
            if spawned.is_err() {
                // No thread to spare: wait here.
                std::thread::sleep(self.duration);
                return Poll::Ready(());
            }
        }
        Poll::Pending
    }
}

impl Drop for ThreadSleep {
    fn drop(&mut self) {
        let (lock, ended) = &*self.shared;
        lock.lock().unwrap_or_else(PoisonError::into_inner).dropped = true;
        ended.notify_all();
    }
}

/// The settings a sign-in needs.
struct Settings {
    session: Option<String>,
    start_url: String,
    region: String,
    /// `sso_registration_scopes` as configured (`None` when absent: the registration key
    /// says `null`, as the AWS CLI's does).
    scopes: Option<Vec<String>>,
}

fn parse_scopes(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl SsoLogin {
    /// The sign-in of `profile`, with the process environment, [`default_api`] (with the
    /// environment's configuration), the system clock and real sleeps.
    pub fn new(profile: impl Into<String>) -> Self {
        SsoLogin {
            target: Target::Profile(profile.into()),
            env: Arc::new(ProcessEnv),
            api: None,
            clock: ServiceClock::new(),
            sleep: default_sleep(),
            cancel: CancelLogin::new(),
            max_wait: DEFAULT_MAX_WAIT,
        }
    }

    /// The sign-in of the `[sso-session NAME]` section itself, without a profile (as
    /// `aws sso login --sso-session NAME`).
    pub fn for_session(session: impl Into<String>) -> Self {
        SsoLogin {
            target: Target::Session(session.into()),
            ..SsoLogin::new(String::new())
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

    /// The clock expiries and time spent waiting are computed with.
    pub fn clock(mut self, clock: ServiceClock) -> Self {
        self.clock = clock;
        self
    }

    /// How to wait between polls (tests pass one that returns at once).
    pub fn sleep(mut self, sleep: Sleep) -> Self {
        self.sleep = sleep;
        self
    }

    /// A handle that cancels the sign-in (keep a clone and call [`CancelLogin::cancel`]).
    pub fn cancel_with(mut self, cancel: CancelLogin) -> Self {
        self.cancel = cancel;
        self
    }

    /// The longest the sign-in waits for the user (default [`DEFAULT_MAX_WAIT`]; the device
    /// code's own lifetime ends it earlier).
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    fn profile_error(&self, reason: impl Into<String>) -> SsoLoginError {
        match &self.target {
            Target::Profile(profile) => SsoLoginError::Profile {
                profile: profile.clone(),
                reason: reason.into(),
            },
            Target::Session(session) => SsoLoginError::Session {
                session: session.clone(),
                reason: reason.into(),
            },
        }
    }

    fn settings(&self) -> Result<Settings, SsoLoginError> {
        let set = ProfileSet::load(&*self.env).map_err(|e| self.profile_error(e.to_string()))?;
        let session_scopes = |name: &str| {
            set.sso_session(name)
                .and_then(|s| s.get("sso_registration_scopes"))
                .map(parse_scopes)
        };
        match &self.target {
            Target::Profile(name) => {
                let profile = set
                    .get(name)
                    .ok_or_else(|| self.profile_error("does not exist"))?;
                let (session, start_url, region, _) = sso_session_settings(&set, profile)
                    .map_err(|e| self.profile_error(strip_profile(&e.to_string())))?
                    .ok_or_else(|| self.profile_error("has no IAM Identity Center settings (sso_session, or sso_start_url and sso_region)"))?;
                let scopes = session.as_deref().and_then(session_scopes);
                Ok(Settings {
                    session,
                    start_url,
                    region,
                    scopes,
                })
            }
            Target::Session(name) => {
                let section = set.sso_session(name).ok_or_else(|| {
                    self.profile_error("has no [sso-session] section in the config file")
                })?;
                let value = |key: &str| {
                    section
                        .get(key)
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(str::to_owned)
                        .ok_or_else(|| self.profile_error(format!("has no {key}")))
                };
                Ok(Settings {
                    session: Some(name.clone()),
                    start_url: value("sso_start_url")?,
                    region: value("sso_region")?,
                    scopes: session_scopes(name),
                })
            }
        }
    }

    /// `future`, unless the sign-in is cancelled first.
    async fn cancellable<T>(&self, future: impl Future<Output = T>) -> Result<T, SsoLoginError> {
        self.cancel
            .race(future)
            .await
            .ok_or(SsoLoginError::Cancelled)
    }

    /// `RegisterClient`, and the registration cached (a failed write is logged: the token
    /// file keeps the registration too).
    async fn register(
        &self,
        service: &dyn SsoApi,
        settings: &Settings,
        file: Option<&PathBuf>,
    ) -> Result<ClientRegistration, SsoLoginError> {
        let (scopes, grant_types) = if settings.session.is_some() {
            let scopes = match &settings.scopes {
                Some(s) if !s.is_empty() => s.clone(),
                _ => vec![DEFAULT_SCOPE.to_owned()],
            };
            (
                scopes,
                vec![DEVICE_GRANT.to_owned(), REFRESH_GRANT.to_owned()],
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let client_name = match &settings.session {
            Some(session) => format!("stsgen-client-{session}"),
            None => {
                let seconds = self
                    .clock
                    .now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                format!("stsgen-client-{seconds}")
            }
        };
        let response = self
            .cancellable(service.register_client(
                &settings.region,
                RegisterClientRequest {
                    client_name,
                    client_type: "public".to_owned(),
                    scopes: scopes.clone(),
                    grant_types: grant_types.clone(),
                },
            ))
            .await?
            .map_err(|error| SsoLoginError::Api {
                operation: "RegisterClient",
                error,
            })?;
        let expires_at = u64::try_from(response.client_secret_expires_at)
            .ok()
            .and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)))
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let registration = ClientRegistration {
            client_id: response.client_id,
            client_secret: response.client_secret,
            expires_at,
            scopes: (!scopes.is_empty()).then_some(scopes),
            grant_types: (!grant_types.is_empty()).then_some(grant_types),
        };
        if let Some(file) = file {
            if let Err(e) = write_registration(file, &registration) {
                tracing::warn!(file = %file.display(), error = %e, "could not cache the IAM Identity Center client registration");
            }
        }
        Ok(registration)
    }

    /// Signs in: `prompt` is called once with what to show the user (not at all when the
    /// device is approved already).
    ///
    /// # Errors
    /// See [`SsoLoginError`].
    pub async fn run(
        &self,
        prompt: impl FnOnce(&DevicePrompt),
    ) -> Result<LoginOutcome, SsoLoginError> {
        let settings = self.settings()?;
        let key = settings
            .session
            .clone()
            .unwrap_or_else(|| settings.start_url.clone());
        let file = cache_file(&*self.env, &key).map_err(|reason| self.profile_error(reason))?;
        let registration_file = RegistrationKey {
            start_url: &settings.start_url,
            region: &settings.region,
            scopes: settings.scopes.as_deref(),
            session_name: settings.session.as_deref(),
        }
        .file(&*self.env)
        .ok();
        let service = self.api.clone().unwrap_or_else(|| {
            let mut config = Config::from_env_with(sts::meta::SERVICE_ID, &*self.env)
                .unwrap_or_else(|_| Config::new());
            config.clock = self.clock.clone();
            match &self.target {
                Target::Profile(profile) => {
                    default_api_for_profile(&config, self.env.clone(), profile)
                }
                Target::Session(_) => default_api(&config, self.env.clone()),
            }
        });
        let region = settings.region.as_str();

        let cached = registration_file
            .as_ref()
            .and_then(|f| read_registration(&*self.env, f))
            .filter(|r| r.usable_at(self.clock.now()));
        let mut registration_reused = cached.is_some();
        let mut registration = match cached {
            Some(r) => r,
            None => {
                self.register(&*service, &settings, registration_file.as_ref())
                    .await?
            }
        };
        let authorize = |registration: &ClientRegistration| {
            service.start_device_authorization(
                region,
                StartDeviceAuthorizationRequest {
                    client_id: registration.client_id.clone(),
                    client_secret: registration.client_secret.clone(),
                    start_url: settings.start_url.clone(),
                },
            )
        };
        let mut authorization = self.cancellable(authorize(&registration)).await?;
        let rejected = |e: &SsoApiError| match e {
            SsoApiError::Unauthorized { .. } => true,
            SsoApiError::Service { code, .. } => code == "InvalidClientException",
            _ => false,
        };
        if registration_reused && authorization.as_ref().is_err_and(rejected) {
            tracing::debug!(
                "the cached IAM Identity Center client registration was rejected; registering anew"
            );
            registration = self
                .register(&*service, &settings, registration_file.as_ref())
                .await?;
            registration_reused = false;
            authorization = self.cancellable(authorize(&registration)).await?;
        }
        let authorization = authorization.map_err(|error| SsoLoginError::Api {
            operation: "StartDeviceAuthorization",
            error,
        })?;

        let mut interval = authorization
            .interval
            .and_then(|i| u64::try_from(i).ok())
            .filter(|i| *i > 0)
            .map_or(DEFAULT_INTERVAL, Duration::from_secs);
        let lifetime = u64::try_from(authorization.expires_in)
            .ok()
            .filter(|s| *s > 0)
            .map_or(DEFAULT_DEVICE_LIFETIME, Duration::from_secs);
        let request = CreateTokenRequest {
            client_id: registration.client_id.clone(),
            client_secret: registration.client_secret.clone(),
            grant_type: DEVICE_GRANT.to_owned(),
            device_code: Some(authorization.device_code.clone()),
            ..Default::default()
        };
        let mut prompt = Some(prompt);
        let started = self.clock.now();
        // Time spent: the clock's, or the waits' when the clock says less (a stopped clock).
        let spent = |waited: Duration| {
            self.clock
                .now()
                .duration_since(started)
                .unwrap_or_default()
                .max(waited)
        };
        let mut waited = Duration::ZERO;
        let mut polls = 0u32;
        let token = loop {
            polls += 1;
            match self
                .cancellable(service.create_token(region, request.clone()))
                .await?
            {
                Ok(token) => break token,
                Err(SsoApiError::AuthorizationPending) => {}
                Err(SsoApiError::SlowDown) => interval += SLOW_DOWN_STEP,
                Err(SsoApiError::ExpiredToken) => {
                    return Err(SsoLoginError::Expired {
                        waited: spent(waited),
                    })
                }
                Err(error) => {
                    return Err(SsoLoginError::Api {
                        operation: "CreateToken",
                        error,
                    })
                }
            }
            if let Some(show) = prompt.take() {
                show(&DevicePrompt {
                    verification_uri: authorization.verification_uri.clone(),
                    verification_uri_complete: authorization.verification_uri_complete.clone(),
                    user_code: authorization.user_code.clone(),
                    expires_in: lifetime,
                });
            }
            let so_far = spent(waited);
            if so_far + interval > lifetime {
                return Err(SsoLoginError::Expired { waited: so_far });
            }
            if so_far + interval > self.max_wait {
                return Err(SsoLoginError::TimedOut { waited: so_far });
            }
            self.cancellable((self.sleep)(interval)).await?;
            waited += interval;
        };

        let expires_at =
            self.clock.now() + Duration::from_secs(u64::try_from(token.expires_in).unwrap_or(0));
        let cached = SsoToken::new(
            token.access_token,
            expires_at,
            token.refresh_token,
            Some(registration.client_id),
            Some(registration.client_secret),
            Some(registration.expires_at).filter(|t| *t > SystemTime::UNIX_EPOCH),
            Some(settings.region),
            Some(settings.start_url.clone()),
        );
        write_token(&file, &cached).map_err(|error| SsoLoginError::Write {
            file: file.clone(),
            error,
        })?;
        Ok(LoginOutcome {
            file,
            expires_at,
            polls,
            start_url: settings.start_url,
            session: settings.session,
            registration_reused,
        })
    }
}

/// Signs out as `aws sso logout` does: removes every file of `~/.aws/sso/cache` that holds an
/// access token (`accessToken`), and returns them. Client registrations stay. The tokens are
/// not revoked with the service (SSO `Logout` is not among the [`SsoApi`] calls); they expire
/// on their own.
///
/// # Errors
/// No home directory; the directory or a file that cannot be read or removed (a file that is
/// not JSON is left alone).
pub fn logout(env: &dyn Env) -> Result<Vec<PathBuf>, SsoLoginError> {
    let any = cache_file(env, "").map_err(|reason| SsoLoginError::Logout {
        path: PathBuf::from("~/.aws/sso/cache"),
        error: std::io::Error::new(std::io::ErrorKind::NotFound, reason),
    })?;
    let Some(dir) = any.parent().map(PathBuf::from) else {
        return Ok(Vec::new());
    };
    let fail = |path: &PathBuf| {
        let path = path.clone();
        move |error| SsoLoginError::Logout { path, error }
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(fail(&dir)(e)),
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = entry.map_err(fail(&dir))?.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    let mut removed = Vec::new();
    for path in files {
        let bytes = env
            .read_file_limited(&path, MAX_CACHE_FILE)
            .map_err(fail(&path))?;
        let holds_token = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| json::parse(t).ok())
            .is_some_and(|doc| match doc {
                JsonValue::Object(members) => members.iter().any(|(k, _)| k == "accessToken"),
                _ => false,
            });
        if holds_token {
            std::fs::remove_file(&path).map_err(fail(&path))?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// A profile error's text without its "profile `NAME`: " prefix (the login error adds it).
fn strip_profile(text: &str) -> String {
    match text.split_once("`: ") {
        Some((head, rest)) if head.starts_with("profile `") => rest.to_owned(),
        _ => text.to_owned(),
    }
}
