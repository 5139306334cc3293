//! The access token of an IAM Identity Center session: the AWS CLI's token cache file, its
//! refresh, and writing it back.

use std::fmt;
use std::future::poll_fn;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Poll, Waker};
use std::time::{Duration, SystemTime};

use stsgen_runtime::config::{home_dir, Env};
use stsgen_runtime::credentials::profile::SsoLink;
use stsgen_runtime::credentials::{CredentialsError, ServiceClock};
use stsgen_runtime::json::{self, JsonValue, JsonWriter};
use stsgen_runtime::sensitive::{Redacted, RedactedOption};
use stsgen_runtime::types::datetime::DateTime;

use super::api::{login_hint, CreateTokenRequest, SsoApi, PROVIDER_NAME, REFRESH_GRANT};

/// A token is refreshed when it expires within this window.
pub const REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);
/// At most one refresh attempt per this long (per token cache file).
pub const REFRESH_THROTTLE: Duration = Duration::from_secs(30);
/// The largest token cache file read (real ones are under 2 KiB).
const MAX_CACHE_FILE: usize = 64 * 1024;

/// What the token cache file is named by: the `sso_session` name, else (legacy) the start URL.
pub fn cache_key(link: &SsoLink) -> String {
    link.session
        .clone()
        .unwrap_or_else(|| link.start_url.clone())
}

/// `~/.aws/sso/cache/<SHA-1 hex of key>.json`, as the AWS CLI names it.
///
/// # Errors
/// No home directory (or one that is not UTF-8).
pub fn cache_file(env: &dyn Env, key: &str) -> Result<PathBuf, String> {
    let home = home_dir(env).map_err(|e| e.to_string())?.ok_or_else(|| {
        "no home directory (HOME is not set) to find ~/.aws/sso/cache in".to_owned()
    })?;
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Path::new(&home)
        .join(".aws")
        .join("sso")
        .join("cache")
        .join(format!("{hex}.json")))
}

/// A token cache file's contents, as the AWS CLI writes it. `Debug` redacts the access token,
/// refresh token and client secret. Members the file has besides these are kept when it is
/// written back.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoToken {
    access_token: String,
    expires_at: SystemTime,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    registration_expires_at: Option<SystemTime>,
    region: Option<String>,
    start_url: Option<String>,
    other: Vec<(String, JsonValue)>,
}

impl fmt::Debug for SsoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoToken")
            .field("access_token", &Redacted(&self.access_token))
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &RedactedOption(&self.refresh_token))
            .field("client_id", &self.client_id)
            .field("client_secret", &RedactedOption(&self.client_secret))
            .field("registration_expires_at", &self.registration_expires_at)
            .field("region", &self.region)
            .field("start_url", &self.start_url)
            .finish_non_exhaustive()
    }
}

fn timestamp(t: SystemTime) -> String {
    // Whole seconds, as the AWS CLI writes them: `2024-05-01T12:00:00Z`.
    let secs = DateTime::from(t).unix_timestamp();
    DateTime::from_unix_timestamp(secs)
        .map(DateTime::format_rfc3339)
        .unwrap_or_default()
}

impl SsoToken {
    /// A token as the sign-in writes it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        access_token: String,
        expires_at: SystemTime,
        refresh_token: Option<String>,
        client_id: Option<String>,
        client_secret: Option<String>,
        registration_expires_at: Option<SystemTime>,
        region: Option<String>,
        start_url: Option<String>,
    ) -> Self {
        SsoToken {
            access_token,
            expires_at,
            refresh_token,
            client_id,
            client_secret,
            registration_expires_at,
            region,
            start_url,
            other: Vec::new(),
        }
    }

    /// `accessToken`.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// `expiresAt`.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// `refreshToken`.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// `clientId`.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// `clientSecret`.
    pub fn client_secret(&self) -> Option<&str> {
        self.client_secret.as_deref()
    }

    /// `registrationExpiresAt`.
    pub fn registration_expires_at(&self) -> Option<SystemTime> {
        self.registration_expires_at
    }

    /// `region`.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// `startUrl`.
    pub fn start_url(&self) -> Option<&str> {
        self.start_url.as_deref()
    }

    /// Parses a token cache file's contents. The error names the member that is wrong, never a
    /// value.
    ///
    /// # Errors
    /// Not UTF-8 JSON, not an object, `accessToken` or `expiresAt` missing, a member of the
    /// wrong type, a time that is not RFC 3339.
    pub fn parse(bytes: &[u8]) -> Result<SsoToken, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8".to_owned())?;
        let doc =
            json::parse(text).map_err(|e| format!("is not valid JSON (at byte {})", e.offset()))?;
        let JsonValue::Object(members) = doc else {
            return Err(format!(
                "holds JSON {} instead of an object",
                doc.type_name()
            ));
        };
        let get = |key: &str| members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v);
        let string = |key: &str| -> Result<Option<String>, String> {
            match get(key) {
                None | Some(JsonValue::Null) => Ok(None),
                Some(JsonValue::String(s)) => Ok(Some(s.clone())),
                Some(v) => Err(format!(
                    "has `{key}` of type {} (expected a string)",
                    v.type_name()
                )),
            }
        };
        let time = |key: &str| -> Result<Option<SystemTime>, String> {
            string(key)?
                .map(|t| {
                    // Early AWS CLI v2 releases wrote `2019-11-14T04:05:45UTC`.
                    let t = t.trim();
                    let t = t
                        .strip_suffix("UTC")
                        .map_or_else(|| t.to_owned(), |head| format!("{head}Z"));
                    DateTime::parse_rfc3339_lenient(&t)
                        .ok()
                        .and_then(DateTime::to_system_time)
                        .ok_or_else(|| format!("has `{key}` that is not an RFC 3339 date-time"))
                })
                .transpose()
        };
        let access_token = string("accessToken")?
            .filter(|t| !t.is_empty())
            .ok_or_else(|| "has no `accessToken`".to_owned())?;
        let expires_at = time("expiresAt")?.ok_or_else(|| "has no `expiresAt`".to_owned())?;
        const KNOWN: [&str; 8] = [
            "accessToken",
            "expiresAt",
            "refreshToken",
            "clientId",
            "clientSecret",
            "registrationExpiresAt",
            "region",
            "startUrl",
        ];
        let mut other: Vec<(String, JsonValue)> = Vec::new();
        for (k, v) in &members {
            if !KNOWN.contains(&k.as_str()) {
                other.retain(|(o, _)| o != k);
                other.push((k.clone(), v.clone()));
            }
        }
        Ok(SsoToken {
            access_token,
            expires_at,
            refresh_token: string("refreshToken")?.filter(|s| !s.is_empty()),
            client_id: string("clientId")?.filter(|s| !s.is_empty()),
            client_secret: string("clientSecret")?.filter(|s| !s.is_empty()),
            registration_expires_at: time("registrationExpiresAt")?,
            region: string("region")?,
            start_url: string("startUrl")?,
            other,
        })
    }

    /// The file's contents: compact JSON with the AWS CLI's member names.
    pub fn to_json(&self) -> String {
        let mut w = JsonWriter::compact();
        w.begin_object();
        let opt = |w: &mut JsonWriter, key: &str, v: Option<&str>| {
            if let Some(v) = v {
                w.key(key);
                w.string(v);
            }
        };
        opt(&mut w, "startUrl", self.start_url.as_deref());
        opt(&mut w, "region", self.region.as_deref());
        opt(&mut w, "accessToken", Some(&self.access_token));
        opt(&mut w, "expiresAt", Some(&timestamp(self.expires_at)));
        opt(&mut w, "clientId", self.client_id.as_deref());
        opt(&mut w, "clientSecret", self.client_secret.as_deref());
        opt(
            &mut w,
            "registrationExpiresAt",
            self.registration_expires_at.map(timestamp).as_deref(),
        );
        opt(&mut w, "refreshToken", self.refresh_token.as_deref());
        for (k, v) in &self.other {
            w.key(k);
            v.write(&mut w);
        }
        w.end_object();
        w.finish()
    }
}

/// Reads and parses a token cache file; errors name the file and say how to sign in.
pub(crate) fn read_token(
    env: &dyn Env,
    path: &Path,
    profile: &str,
) -> Result<SsoToken, CredentialsError> {
    let fail = |reason: String| CredentialsError::ProviderError {
        provider: PROVIDER_NAME,
        reason,
    };
    let bytes = env.read_file_limited(path, MAX_CACHE_FILE).map_err(|e| {
        fail(format!(
            "profile `{profile}`: failed to read the IAM Identity Center token cache `{}`: {e}; {}",
            path.display(),
            login_hint(profile)
        ))
    })?;
    SsoToken::parse(&bytes).map_err(|reason| {
        fail(format!(
            "profile `{profile}`: the IAM Identity Center token cache `{}` {reason}; {}",
            path.display(),
            login_hint(profile)
        ))
    })
}

/// Writes `token` to `path` atomically (a temporary file in the same directory, then a rename),
/// readable by the user only (mode 0600; the directory is created with 0700).
pub(crate) fn write_token(path: &Path, token: &SsoToken) -> std::io::Result<()> {
    crate::private_file::write_atomically(path, token.to_json().as_bytes())
}

// ---------------------------------------------------------------------------------------------
// One caller at a time, without an async runtime

#[derive(Debug, Default)]
struct Gate(Mutex<GateState>);

#[derive(Debug, Default)]
struct GateState {
    busy: bool,
    waiters: Vec<Waker>,
}

struct GateGuard<'a>(&'a Gate);

impl Gate {
    fn lock(&self) -> MutexGuard<'_, GateState> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn acquire(&self) -> GateGuard<'_> {
        poll_fn(|cx| {
            let mut s = self.lock();
            if s.busy {
                s.waiters.push(cx.waker().clone());
                Poll::Pending
            } else {
                s.busy = true;
                Poll::Ready(())
            }
        })
        .await;
        GateGuard(self)
    }
}

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        let waiters = {
            let mut s = self.0.lock();
            s.busy = false;
            std::mem::take(&mut s.waiters)
        };
        for w in waiters {
            w.wake();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The provider

#[derive(Debug, Default)]
struct State {
    /// When the last refresh was attempted (service time).
    last_attempt: Option<SystemTime>,
    /// The token the last refresh returned (served if the file could not be written).
    latest: Option<SsoToken>,
    /// `CreateToken` calls made.
    refreshes: u64,
}

/// The access token of an [`SsoLink`]'s session: read from the token cache file at every call,
/// refreshed for `sso_session` settings when it expires within [`REFRESH_WINDOW`] (at most once
/// per [`REFRESH_THROTTLE`], one caller at a time), and written back.
#[derive(Debug)]
pub struct SsoTokenProvider {
    link: SsoLink,
    env: Arc<dyn Env>,
    api: Arc<dyn SsoApi>,
    clock: ServiceClock,
    gate: Gate,
    state: Mutex<State>,
}

impl SsoTokenProvider {
    /// The token of `link`, with `env` for `HOME` and the file, `api` for the refresh and
    /// `clock` for every expiry.
    pub fn new(
        link: SsoLink,
        env: Arc<dyn Env>,
        api: Arc<dyn SsoApi>,
        clock: ServiceClock,
    ) -> Self {
        SsoTokenProvider {
            link,
            env,
            api,
            clock,
            gate: Gate::default(),
            state: Mutex::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many `CreateToken` refresh calls this provider has made.
    pub fn refresh_count(&self) -> u64 {
        self.state().refreshes
    }

    /// The token cache file.
    ///
    /// # Errors
    /// No home directory.
    pub fn cache_file(&self) -> Result<PathBuf, CredentialsError> {
        cache_file(&*self.env, &cache_key(&self.link)).map_err(|reason| {
            CredentialsError::ProviderError {
                provider: PROVIDER_NAME,
                reason: format!("profile `{}`: {reason}", self.link.profile),
            }
        })
    }

    /// A valid access token (see the type's docs).
    ///
    /// # Errors
    /// The file missing or malformed; the token expired and not refreshed (both say how to sign
    /// in again).
    pub async fn token(&self) -> Result<SsoToken, CredentialsError> {
        let _one_at_a_time = self.gate.acquire().await;
        let profile = self.link.profile.as_str();
        let path = self.cache_file()?;
        let mut token = read_token(&*self.env, &path, profile)?;
        // A refreshed token that could not be written back is still the newest.
        if let Some(latest) = &self.state().latest {
            if latest.expires_at > token.expires_at {
                token = latest.clone();
            }
        }
        let now = self.clock.now();
        if token.expires_at > now + REFRESH_WINDOW {
            return Ok(token);
        }
        if self.link.session.is_some() {
            if let Some(fresh) = self.refresh(&token, &path, now).await {
                return Ok(fresh);
            }
        }
        if token.expires_at > now {
            return Ok(token);
        }
        Err(CredentialsError::ProviderError {
            provider: PROVIDER_NAME,
            reason: format!(
                "profile `{profile}`: the IAM Identity Center access token in `{}` expired at {}; {}",
                path.display(),
                timestamp(token.expires_at),
                login_hint(profile)
            ),
        })
    }

    /// Tries one refresh; `None` when none is possible or allowed yet, or it failed.
    async fn refresh(&self, token: &SsoToken, path: &Path, now: SystemTime) -> Option<SsoToken> {
        let profile = self.link.profile.as_str();
        let (Some(refresh_token), Some(client_id), Some(client_secret)) =
            (&token.refresh_token, &token.client_id, &token.client_secret)
        else {
            tracing::debug!(profile, "the IAM Identity Center token cannot be refreshed: no refresh token or client registration");
            return None;
        };
        if token.registration_expires_at.is_some_and(|t| t <= now) {
            tracing::debug!(profile, "the IAM Identity Center client registration has expired; the token cannot be refreshed");
            return None;
        }
        {
            let mut st = self.state();
            if st
                .last_attempt
                .is_some_and(|t| now < t + REFRESH_THROTTLE && t <= now + REFRESH_THROTTLE)
            {
                return None;
            }
            st.last_attempt = Some(now);
            st.refreshes += 1;
        }
        let request = CreateTokenRequest {
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            grant_type: REFRESH_GRANT.to_owned(),
            refresh_token: Some(refresh_token.clone()),
            ..Default::default()
        };
        let region = token.region.as_deref().unwrap_or(&self.link.region);
        let response = match self.api.create_token(region, request).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(profile, error = %e, "refreshing the IAM Identity Center access token failed");
                return None;
            }
        };
        let expires_in = u64::try_from(response.expires_in).unwrap_or(0);
        let mut fresh = token.clone();
        fresh.access_token = response.access_token;
        fresh.expires_at = self.clock.now() + Duration::from_secs(expires_in);
        if let Some(r) = response.refresh_token {
            fresh.refresh_token = Some(r);
        }
        if let Err(e) = write_token(path, &fresh) {
            tracing::warn!(profile, file = %path.display(), error = %e, "could not write the refreshed IAM Identity Center token back");
        }
        self.state().latest = Some(fresh.clone());
        Some(fresh)
    }
}
