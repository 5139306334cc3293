//! EC2 instance metadata (IMDSv2): [`ImdsCredentialsProvider`].

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use stsgen_runtime::client::{HttpClient, HttpResponse};
use stsgen_runtime::config::{Env, ProcessEnv, ProfileSet};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stsgen_runtime::error::TransportErrorKind;
use stsgen_runtime::future::BoxFuture;
use stsgen_runtime::http;

use super::common::{cached, invalid, CacheSettings, DEFAULT_LOAD_TIMEOUT};
use super::metadata_http::{
    error_body, jitter, parse_credentials, system_clock, Clock, DocumentError, MetadataHttp,
    NoAnswer, Timeouts,
};

/// The provider name in credentials and errors.
pub(crate) const PROVIDER: &str = "instance-metadata";

/// The IPv4 endpoint.
pub const IMDS_IPV4_ENDPOINT: &str = "http://169.254.169.254";
/// The IPv6 endpoint.
pub const IMDS_IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";
/// The session token's lifetime asked for (seconds), as the SDKs ask.
const TOKEN_TTL: u64 = 21_600;
/// A token is renewed this long before it expires.
const TOKEN_RENEW_AHEAD: Duration = Duration::from_secs(120);
/// The default connect and read timeout.
pub const DEFAULT_IMDS_TIMEOUT: Duration = Duration::from_secs(1);
/// The default number of attempts per request (a 5xx or 401 answer is tried again; a timeout or
/// a connection failure only when the number of attempts is set).
pub const DEFAULT_IMDS_ATTEMPTS: u32 = 4;
/// Static stability: credentials served past their expiry get at least this long...
const EXTENSION: Duration = Duration::from_secs(10 * 60);
/// ... plus up to this much jitter.
const EXTENSION_JITTER: Duration = Duration::from_secs(5 * 60);

const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// The settings: each a variable and the profile key it overrides.
const ENDPOINT: (&str, &str) = (
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "ec2_metadata_service_endpoint",
);
const ENDPOINT_MODE: (&str, &str) = (
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "ec2_metadata_service_endpoint_mode",
);
const TIMEOUT: (&str, &str) = ("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout");
const ATTEMPTS: (&str, &str) = (
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
    "metadata_service_num_attempts",
);
const V1_DISABLED: (&str, &str) = ("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled");

/// A setting's value that is wrong: `{from}: `{value}` {what}`.
fn bad(from: &str, value: &str, what: &str) -> CredentialsError {
    invalid(PROVIDER, format!("{from}: `{value}` {what}"))
}

/// Settings read at each load from the environment and the selected profile.
#[derive(Debug, Clone, PartialEq)]
struct Settings {
    endpoint: String,
    timeouts: Timeouts,
    attempts: u32,
    /// Whether timeouts and connection failures are tried again too: only when the number of
    /// attempts was set (botocore's meaning of `metadata_service_num_attempts`). By default, as
    /// in aws-config, only 5xx and 401 answers are, so that off EC2 the chain gives up after one
    /// timeout instead of `attempts` of them.
    retry_transport: bool,
    v1_fallback: bool,
}

/// Overrides given to the builder (they win over the environment and the profile).
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    endpoint: Option<String>,
    timeout: Option<Duration>,
    attempts: Option<u32>,
    v1_fallback: Option<bool>,
}

#[derive(Default)]
struct State {
    /// The session token, the endpoint it is for and when it expires.
    token: Option<(String, String, SystemTime)>,
    /// The instance profile's role name and the endpoint it came from.
    role: Option<(String, String)>,
    /// The last credentials the service returned (static stability).
    last: Option<Credentials>,
}

/// Loads instance-profile credentials; uncached, but keeps the session token, the role name
/// and the last good credentials.
pub(crate) struct ImdsLoader {
    pub(crate) env: Arc<dyn Env>,
    pub(crate) profile: Option<String>,
    pub(crate) http: MetadataHttp,
    pub(crate) clock: Clock,
    pub(crate) overrides: Overrides,
    state: Mutex<State>,
}

impl fmt::Debug for ImdsLoader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the session token or the credentials.
        f.debug_struct("ImdsLoader")
            .field("env", &self.env)
            .field("profile", &self.profile)
            .field("overrides", &self.overrides)
            .finish_non_exhaustive()
    }
}

/// How one request ended, short of a body.
enum Failure {
    /// An answer that ends the request (403, 404, another 4xx, a bad body).
    Status(u16, String),
    /// The endpoint could not be reached or kept failing (5xx, timeouts); the last reason.
    Unreachable(String),
    /// A setting or a request that can never work.
    Fatal(String),
}

impl ImdsLoader {
    pub(crate) fn new(
        env: Arc<dyn Env>,
        profile: Option<String>,
        http_client: Option<Arc<dyn HttpClient>>,
    ) -> Self {
        ImdsLoader {
            env,
            profile,
            http: MetadataHttp::new(http_client),
            clock: system_clock(),
            overrides: Overrides::default(),
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn var(&self, name: &str) -> Result<Option<String>, CredentialsError> {
        self.env.var(name).map_err(|e| invalid(PROVIDER, e))
    }

    /// `None` when `AWS_EC2_METADATA_DISABLED` is `true`.
    fn settings(&self) -> Result<Option<Settings>, CredentialsError> {
        if self
            .var("AWS_EC2_METADATA_DISABLED")?
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return Ok(None);
        }
        let set = ProfileSet::load(&*self.env).map_err(|e| invalid(PROVIDER, e))?;
        let set = match &self.profile {
            Some(name) => set.with_selected(name.clone()),
            None => set,
        };
        let o = &self.overrides;
        let endpoint = match &o.endpoint {
            Some(e) => e.clone(),
            None => match self.setting(&set, ENDPOINT)? {
                Some((e, from)) => {
                    let uri: http::Uri = e.parse().map_err(|_| bad(&from, &e, "is not a URL"))?;
                    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
                        return Err(bad(
                            &from,
                            &e,
                            "must be an http:// or https:// URL with a host",
                        ));
                    }
                    e
                }
                None => match self.setting(&set, ENDPOINT_MODE)? {
                    None => IMDS_IPV4_ENDPOINT.to_owned(),
                    Some((m, _)) if m.eq_ignore_ascii_case("ipv4") => IMDS_IPV4_ENDPOINT.to_owned(),
                    Some((m, _)) if m.eq_ignore_ascii_case("ipv6") => IMDS_IPV6_ENDPOINT.to_owned(),
                    Some((m, from)) => return Err(bad(&from, &m, "is not IPv4 or IPv6")),
                },
            },
        };
        let timeout = match o.timeout {
            Some(t) => t,
            None => match self.setting(&set, TIMEOUT)? {
                None => DEFAULT_IMDS_TIMEOUT,
                Some((t, from)) => decimal_seconds(&t)
                    .filter(|d| !d.is_zero() && *d <= Duration::from_secs(3600))
                    .ok_or_else(|| bad(&from, &t, "is not a positive number of seconds"))?,
            },
        };
        let attempts = match o.attempts {
            Some(a) => Some(a),
            None => match self.setting(&set, ATTEMPTS)? {
                None => None,
                Some((a, from)) => Some(
                    a.parse::<u32>()
                        .ok()
                        .filter(|a| (1..=100).contains(a))
                        .ok_or_else(|| bad(&from, &a, "is not a whole number from 1 to 100"))?,
                ),
            },
        };
        let v1_fallback = match o.v1_fallback {
            Some(f) => f,
            None => match self.setting(&set, V1_DISABLED)? {
                None => false,
                Some((v, _)) if v.eq_ignore_ascii_case("false") => true,
                Some((v, _)) if v.eq_ignore_ascii_case("true") => false,
                Some((v, from)) => return Err(bad(&from, &v, "is not true or false")),
            },
        };
        Ok(Some(Settings {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            timeouts: Timeouts {
                connect: timeout,
                read: timeout,
            },
            attempts: attempts.unwrap_or(DEFAULT_IMDS_ATTEMPTS),
            retry_transport: attempts.is_some(),
            v1_fallback,
        }))
    }

    /// The variable, else the selected profile's key (trimmed); with where it came from, for
    /// errors.
    fn setting(
        &self,
        set: &ProfileSet,
        (var, key): (&str, &str),
    ) -> Result<Option<(String, String)>, CredentialsError> {
        if let Some(v) = self.var(var)? {
            return Ok(Some((v, format!("environment variable {var}"))));
        }
        Ok(set.selected_profile().and_then(|p| p.get(key)).map(|v| {
            (
                v.trim().to_owned(),
                format!("profile `{}` key {key}", set.selected()),
            )
        }))
    }

    /// One request with retries on 5xx (and connection failures when so set); 401 is handed
    /// back. Boxed (as are [`get`](Self::get) and [`role`](Self::role), each awaited from more
    /// than one place) so that its state machine is compiled once rather than inlined into each
    /// caller's.
    fn exchange<'a>(
        &'a self,
        s: &'a Settings,
        method: http::Method,
        path: &'a str,
        token: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Result<String, u16>, Failure>> {
        Box::pin(self.exchange_inner(s, method, path, token))
    }

    async fn exchange_inner(
        &self,
        s: &Settings,
        method: http::Method,
        path: &str,
        token: Option<&str>,
    ) -> Result<Result<String, u16>, Failure> {
        let url = format!("{}{path}", s.endpoint);
        let invalid_url = || Failure::Fatal(format!("`{url}` is not a valid request URL"));
        let uri: http::Uri = url.parse().map_err(|_| invalid_url())?;
        let agent = stsgen_runtime::client::user_agent(None);
        let ttl = TOKEN_TTL.to_string();
        let mut headers = vec![("user-agent", agent.as_str())];
        if method == http::Method::PUT {
            headers.push(("x-aws-ec2-metadata-token-ttl-seconds", ttl.as_str()));
        }
        if let Some(t) = token {
            headers.push(("x-aws-ec2-metadata-token", t));
        }
        let attempts = s.attempts.max(1);
        let sent = self
            .http
            .exchange(
                &method,
                &uri,
                &headers,
                s.timeouts,
                attempts,
                s.retry_transport,
            )
            .await;
        answer(s, &method, path, attempts, sent)
    }

    /// The kept session token, unless `renew` or it is for another endpoint or about to expire.
    fn kept_token(&self, s: &Settings, renew: bool, now: SystemTime) -> Option<String> {
        let mut state = self.lock();
        if !renew {
            if let Some((token, endpoint, expires)) = &state.token {
                if *endpoint == s.endpoint && now + TOKEN_RENEW_AHEAD < *expires {
                    return Some(token.clone());
                }
            }
        }
        state.token = None;
        None
    }

    /// The answer to `PUT /latest/api/token` as a token to use (and keep); `None` for IMDSv1
    /// when the settings allow falling back to it.
    fn new_token(
        &self,
        s: &Settings,
        now: SystemTime,
        answer: Result<Result<String, u16>, Failure>,
    ) -> Result<Option<String>, Failure> {
        match answer {
            Ok(Ok(token)) => {
                let token = token.trim().to_owned();
                if token.is_empty() || token.chars().any(|c| c.is_control()) {
                    return Err(Failure::Status(200, "PUT /latest/api/token: the token is empty or not a header value".to_owned()));
                }
                self.lock().token = Some((token.clone(), s.endpoint.clone(), now + Duration::from_secs(TOKEN_TTL)));
                Ok(Some(token))
            }
            Err(Failure::Status(403..=405, _)) | Ok(Err(_)) if s.v1_fallback => Ok(None),
            Ok(Err(status)) => Err(Failure::Status(status, format!("PUT /latest/api/token: HTTP {status}"))),
            Err(Failure::Status(403, _)) => Err(Failure::Status(
                403,
                "PUT /latest/api/token: HTTP 403, request forbidden: IMDS is disabled on this instance, or a proxy \
                 or the hop limit blocks the token request"
                    .to_owned(),
            )),
            Err(e) => Err(e),
        }
    }

    /// A GET with the session token (kept until shortly before it expires; none for IMDSv1 when
    /// the settings allow falling back to it); a 401 renews the token and tries again (within
    /// the attempt budget).
    fn get<'a>(&'a self, s: &'a Settings, path: &'a str) -> BoxFuture<'a, Result<String, Failure>> {
        Box::pin(self.get_inner(s, path))
    }

    async fn get_inner(&self, s: &Settings, path: &str) -> Result<String, Failure> {
        let mut renew = false;
        for _ in 0..s.attempts.max(1) {
            let now = (self.clock)();
            let token = match self.kept_token(s, renew, now) {
                Some(token) => Some(token),
                None => {
                    let answer = self
                        .exchange(s, http::Method::PUT, "/latest/api/token", None)
                        .await;
                    self.new_token(s, now, answer)?
                }
            };
            match self
                .exchange(s, http::Method::GET, path, token.as_deref())
                .await?
            {
                Ok(body) => return Ok(body),
                Err(_) => renew = true,
            }
        }
        Err(Failure::Status(
            401,
            format!("GET {path}: HTTP 401 even with a new session token"),
        ))
    }

    /// The instance profile's role name: the kept one unless `fresh`, else asked for.
    fn role<'a>(&'a self, s: &'a Settings, fresh: bool) -> BoxFuture<'a, Result<String, Failure>> {
        Box::pin(async move {
            if !fresh {
                if let Some(role) = self.kept_role(s) {
                    return Ok(role);
                }
            }
            let body = self.get(s, CREDENTIALS_PATH).await;
            self.new_role(s, body?)
        })
    }

    fn kept_role(&self, s: &Settings) -> Option<String> {
        match &self.lock().role {
            Some((role, endpoint)) if *endpoint == s.endpoint => Some(role.clone()),
            _ => None,
        }
    }

    /// The first role name of the list (kept).
    fn new_role(&self, s: &Settings, body: String) -> Result<String, Failure> {
        let role = body
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_owned);
        let role = role.ok_or_else(|| {
            Failure::Status(
                404,
                format!("GET {CREDENTIALS_PATH}: no instance profile role listed"),
            )
        })?;
        if role.contains(['/', '?', '#']) || role.chars().any(|c| c.is_control() || c == ' ') {
            return Err(Failure::Status(
                200,
                format!("GET {CREDENTIALS_PATH}: `{role}` is not a role name"),
            ));
        }
        self.lock().role = Some((role.clone(), s.endpoint.clone()));
        Ok(role)
    }

    /// Asks the service: token, role name, role credentials.
    async fn fetch(&self, s: &Settings) -> Result<Credentials, CredentialsError> {
        let had_role = self.kept_role(s).is_some();
        let role = self.role(s, false).await.map_err(role_error)?;
        let path = format!("{CREDENTIALS_PATH}{role}");
        let mut body = self.get(s, &path).await;
        // The role attached to the instance changed: ask for its name again.
        if had_role && matches!(body, Err(Failure::Status(404, _))) {
            let role = self.role(s, true).await.map_err(role_error)?;
            body = self.get(s, &format!("{CREDENTIALS_PATH}{role}")).await;
        }
        document(&path, body)
    }

    /// Pushes the expiry of credentials served past it (or about to be) 10 to 15 minutes ahead.
    fn extend(&self, mut c: Credentials, why: &str) -> Credentials {
        let now = (self.clock)();
        let ahead = now + EXTENSION + jitter(now, EXTENSION_JITTER);
        if c.expiry().is_some_and(|e| e < now + EXTENSION) {
            // Tenths of a minute in integers: float formatting would add its tables to the binary.
            let tenths = ahead.duration_since(now).unwrap_or_default().as_secs() / 6;
            tracing::warn!(
                provider = PROVIDER,
                "{why}; serving the last instance credentials with their expiry extended by {}.{} minutes (static stability)",
                tenths / 10,
                tenths % 10
            );
            let account = c.account_id().map(str::to_owned);
            c = Credentials::new(
                c.access_key_id(),
                c.secret_access_key(),
                c.session_token().map(str::to_owned),
                Some(ahead),
                c.provider(),
            );
            if let Some(a) = account {
                c = c.with_account_id(a);
            }
        }
        c
    }

    pub(crate) async fn load(&self) -> Result<Credentials, CredentialsError> {
        let Some(settings) = self.settings()? else {
            return Err(CredentialsError::NotLoaded {
                provider: PROVIDER,
                reason: "disabled by AWS_EC2_METADATA_DISABLED=true".to_owned(),
            });
        };
        let fetched = self.fetch(&settings).await;
        self.served(fetched)
    }

    /// What a load serves: new credentials (kept; extended when already expired), else the
    /// last ones extended, else the error.
    fn served(
        &self,
        fetched: Result<Credentials, CredentialsError>,
    ) -> Result<Credentials, CredentialsError> {
        match fetched {
            Ok(c) => {
                self.lock().last = Some(c.clone());
                let now = (self.clock)();
                Ok(if c.is_expired_at(now) {
                    self.extend(c, "IMDS returned expired credentials")
                } else {
                    c
                })
            }
            Err(e) => match self.lock().last.clone() {
                // Any failure keeps the last credentials in service.
                Some(last) => {
                    Ok(self.extend(last, "IMDS could not be used to refresh credentials"))
                }
                None => Err(e),
            },
        }
    }
}

fn not_loaded(reason: String) -> CredentialsError {
    CredentialsError::NotLoaded {
        provider: PROVIDER,
        reason,
    }
}

fn failed(reason: String) -> CredentialsError {
    CredentialsError::ProviderError {
        provider: PROVIDER,
        reason,
    }
}

fn credentials_error(f: Failure) -> CredentialsError {
    match f {
        Failure::Status(_, why) | Failure::Unreachable(why) => failed(why),
        Failure::Fatal(why) => invalid(PROVIDER, why),
    }
}

/// Asking for the role name failed: unreachable or no role means nothing here.
fn role_error(f: Failure) -> CredentialsError {
    match f {
        Failure::Unreachable(why) => not_loaded(format!("could not communicate with IMDS: {why}")),
        Failure::Status(404, why) => not_loaded(format!(
            "{why}: the instance has no IAM role (instance profile) attached"
        )),
        other => credentials_error(other),
    }
}

/// What an exchange's answer means: the body of a 200, `Err(401)`, or a failure.
fn answer(
    s: &Settings,
    method: &http::Method,
    path: &str,
    attempts: u32,
    sent: Result<HttpResponse, NoAnswer>,
) -> Result<Result<String, u16>, Failure> {
    match sent {
        Ok(r) if r.status == 200 => String::from_utf8(r.body).map(Ok).map_err(|_| {
            Failure::Status(200, format!("{method} {path}: the response is not UTF-8"))
        }),
        Ok(r) if r.status == 401 => Ok(Err(401)),
        Ok(r) => Err(Failure::Status(
            r.status,
            format!(
                "{method} {path}: HTTP {} ({})",
                r.status,
                error_body(&r.body)
            ),
        )),
        Err(NoAnswer::Request) => Err(Failure::Fatal(format!(
            "`{}{path}` is not a valid request URL",
            s.endpoint
        ))),
        Err(NoAnswer::Transport(e)) if matches!(e.kind(), TransportErrorKind::InvalidRequest) => {
            Err(Failure::Fatal(e.to_string()))
        }
        Err(NoAnswer::Transport(e)) => Err(Failure::Unreachable(format!(
            "{method} {path} at {}: {e}",
            s.endpoint
        ))),
        Err(NoAnswer::Exhausted(last)) => Err(Failure::Unreachable(format!(
            "{method} {path} at {}: {last} (after {attempts} attempts)",
            s.endpoint
        ))),
    }
}

/// The role's credentials document (`path` names it in errors).
fn document(path: &str, body: Result<String, Failure>) -> Result<Credentials, CredentialsError> {
    let body = body.map_err(credentials_error)?;
    parse_credentials(body.as_bytes(), PROVIDER).map_err(|e| match e {
        DocumentError::Code(code, message) => {
            let hint = if code == "AssumeRoleUnauthorizedAccess" {
                " (does the role trust ec2.amazonaws.com?)"
            } else {
                ""
            };
            let message = message.unwrap_or_default();
            failed(format!("GET {path}: {code}: {message}{hint}"))
        }
        // The account id IMDS returns is not used by the SDKs yet; kept when present.
        DocumentError::Bad(why) => failed(format!("GET {path}: {why}")),
    })
}

/// A decimal number of seconds (`1`, `2.5`, `.5`, `+3.`; at most nanosecond precision, finer
/// digits are dropped) as a duration, read with integers: parsing it as `f64` put the float
/// parser and its tables into every program with the default chain. Exponents are not read.
fn decimal_seconds(text: &str) -> Option<Duration> {
    let text = text.strip_prefix('+').unwrap_or(text);
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let secs = if whole.is_empty() {
        0
    } else {
        whole.parse::<u64>().ok()?
    };
    let nanos = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    Some(Duration::new(secs, nanos))
}

impl ProvideCredentials for ImdsLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn name(&self) -> &'static str {
        PROVIDER
    }
}

/// Credentials of the EC2 instance profile, from the instance metadata service with IMDSv2
/// session tokens (see the [module docs](crate::credentials)).
#[derive(Debug)]
pub struct ImdsCredentialsProvider {
    cache: CachingProvider,
}

provider_impl!(ImdsCredentialsProvider, "instance-metadata");

impl ImdsCredentialsProvider {
    /// A builder reading the process environment and the selected profile.
    pub fn builder() -> ImdsCredentialsProviderBuilder {
        ImdsCredentialsProviderBuilder {
            loader: ImdsLoader::new(Arc::new(ProcessEnv), None, None),
            cache: CacheSettings::default(),
        }
    }
}

/// Builds an [`ImdsCredentialsProvider`].
#[derive(Debug)]
pub struct ImdsCredentialsProviderBuilder {
    loader: ImdsLoader,
    cache: CacheSettings,
}

impl ImdsCredentialsProviderBuilder {
    /// Where variables and profile files are read from (default: the process and the file system).
    pub fn env(mut self, env: Arc<dyn Env>) -> Self {
        self.loader.env = env;
        self
    }

    /// The profile whose `ec2_metadata_service_endpoint`, `..._endpoint_mode`,
    /// `metadata_service_timeout`, `metadata_service_num_attempts` and `ec2_metadata_v1_disabled`
    /// apply (default: `AWS_PROFILE`, else `default`).
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.loader.profile = Some(name.into());
        self
    }

    /// The transport (default: the crate's HTTP client, never through a proxy).
    pub fn http_client(mut self, client: Arc<dyn HttpClient>) -> Self {
        self.loader.http = MetadataHttp::new(Some(client));
        self
    }

    /// The endpoint, over `AWS_EC2_METADATA_SERVICE_ENDPOINT` and the mode settings.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.loader.overrides.endpoint = Some(url.into());
        self
    }

    /// The connect and the read timeout of one attempt, over `AWS_METADATA_SERVICE_TIMEOUT`
    /// (default 1 s each).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.loader.overrides.timeout = Some(timeout);
        self
    }

    /// Attempts per request, over `AWS_METADATA_SERVICE_NUM_ATTEMPTS` (default 4 for 5xx and
    /// 401 answers, with no retry of timeouts and connection failures; set here or there, every
    /// failure counts against it; at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.loader.overrides.attempts = Some(attempts.max(1));
        self
    }

    /// Whether to fall back to IMDSv1 (requests without a session token) when the token
    /// request is refused with 403, 404 or 405, over `AWS_EC2_METADATA_V1_DISABLED` (default:
    /// no fallback).
    pub fn imdsv1_fallback(mut self, fallback: bool) -> Self {
        self.loader.overrides.v1_fallback = Some(fallback);
        self
    }

    /// The clock that token lifetimes and static stability are measured with (default
    /// `SystemTime::now`); for tests.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.loader.clock = Arc::new(clock);
        self
    }

    /// How long before expiry credentials are refreshed (default 5 minutes).
    pub fn refresh_ahead(mut self, window: Duration) -> Self {
        self.cache.refresh_ahead = window;
        self
    }

    /// How long one load may take, attempts included (default 30 s).
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.cache.load_timeout = Some(timeout);
        self
    }

    /// The provider.
    pub fn build(self) -> ImdsCredentialsProvider {
        let timeout = self.cache.load_timeout.unwrap_or(DEFAULT_LOAD_TIMEOUT);
        let clock = self.loader.clock.clone();
        let cache = cached(self.loader, self.cache.refresh_ahead, timeout).clock(move || clock());
        ImdsCredentialsProvider { cache }
    }
}

#[cfg(test)]
mod tests {
    use super::decimal_seconds;
    use std::time::Duration;

    #[test]
    fn timeouts_are_decimal_seconds() {
        let ms = Duration::from_millis;
        for (text, want) in [
            ("1", ms(1000)),
            ("2.5", ms(2500)),
            (".5", ms(500)),
            ("+3.", ms(3000)),
            ("0.2", ms(200)),
            ("0", ms(0)),
        ] {
            assert_eq!(decimal_seconds(text), Some(want), "{text}");
        }
        assert_eq!(
            decimal_seconds("0.0000000019"),
            Some(Duration::from_nanos(1))
        );
        for bad in [
            "",
            ".",
            "-1",
            "1e3",
            "1,5",
            " 1",
            "inf",
            "NaN",
            "1.2.3",
            "99999999999999999999999",
        ] {
            assert_eq!(decimal_seconds(bad), None, "{bad}");
        }
    }
}
