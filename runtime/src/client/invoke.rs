//! The orchestrator: one operation call with retries, timeouts and clock-skew correction.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tracing::Instrument as _;

use crate::client::config::ClientConfig;
use crate::client::http1::HttpResponse;
use crate::client::retry::{is_retryable_code, CLOCK_SKEW_CODES};
use crate::client::transport::HttpClient;
use crate::credentials::{CredentialsError, Learned, MAX_CLOCK_OFFSET};
use crate::endpoint::Endpoint;
use crate::error::ErrorMetadata;
use crate::error::{SdkError, TimeoutKind, TransportError, TransportErrorKind};
use crate::future::BoxFuture;
use crate::sigv4::{Signer, SigningParams};
use crate::xml::ParseError;

/// What the orchestrator needs to know of a modeled error enum.
pub trait ServiceError: std::fmt::Debug + std::fmt::Display {
    /// Code, message, type, request id, status.
    fn meta(&self) -> &ErrorMetadata;
    /// Whether the model marks the error retryable.
    fn is_modeled_retryable(&self) -> bool;
}

/// Shared per-client state: the transport, signing-key cache and the service clock (the
/// configuration's, with the offset learned from skew errors).
#[derive(Debug)]
pub struct ClientHandle {
    /// The configuration.
    pub config: ClientConfig,
    http: Option<Arc<dyn HttpClient>>,
    signer: Signer,
}

impl ClientHandle {
    /// A handle for `config`, creating the default transport when none is configured (with
    /// the configuration's proxies, CA bundle and connection limits).
    ///
    /// # Errors
    /// When the default transport cannot be created.
    pub fn new(config: ClientConfig) -> Result<Self, TransportError> {
        let http: Arc<dyn HttpClient> = match &config.http_client {
            Some(h) => h.clone(),
            None => Arc::new(
                crate::client::transport::HttpsClient::with_ca_bundle(
                    config.timeouts.connect,
                    config.ca_bundle.as_ref(),
                )?
                .with_proxy(config.proxy.clone())
                .with_connections(config.connections),
            ),
        };
        Ok(ClientHandle {
            config,
            http: Some(http),
            signer: Signer::new(),
        })
    }

    /// A handle without an async transport (for the blocking client, which brings its own).
    #[cfg(feature = "blocking")]
    pub(crate) fn without_transport(config: ClientConfig) -> Self {
        ClientHandle {
            config,
            http: None,
            signer: Signer::new(),
        }
    }

    /// The current time as the service sees it (local time corrected by the learned offset).
    pub fn service_time(&self) -> SystemTime {
        self.config.clock.now()
    }

    /// Checks that `creds` have not expired by the time signing uses (the service time).
    ///
    /// Credentials that have expired only because of the learned clock offset (they are still
    /// valid by the local clock) do not fail the call: the offset, learned from one response's
    /// `Date` header, is the doubtful part, so it is dropped and the request is signed at local
    /// time; a skew error in answer re-learns it. Failing instead would fail every later call
    /// as "expired" without sending anything, so an offset too far ahead could never be
    /// corrected.
    pub(crate) fn check_expiry(
        &self,
        creds: &crate::credentials::Credentials,
    ) -> Result<(), CredentialsError> {
        let Some(expiry) = creds.expiry() else {
            return Ok(());
        };
        let local = self.config.clock.local_now();
        let service = self.config.clock.at(local);
        if expiry > service {
            return Ok(());
        }
        if expiry > local {
            tracing::warn!(
                offset_ms = self.config.clock.offset_ms(),
                "the credentials expire before the service time learned from a skew error; dropping the learned clock offset"
            );
            self.config.clock.forget();
            return Ok(());
        }
        let at = |t: SystemTime| {
            crate::types::wire::format_timestamp(
                &crate::types::datetime::DateTime::from(t),
                crate::types::wire::TimestampFormat::DateTime,
            )
        };
        Err(CredentialsError::ProviderError {
            provider: creds.provider(),
            reason: format!(
                "the credentials have expired (at {}, now {})",
                at(expiry),
                at(service)
            ),
        })
    }
}

/// One operation call, as the generated client describes it.
pub struct OperationCall<O, E> {
    /// The operation name (for spans and errors).
    pub name: &'static str,
    /// The service's SigV4 signing name (the endpoint may override it).
    pub signing_name: &'static str,
    /// Sent unsigned (no credentials needed).
    pub unsigned: bool,
    /// The unsigned request from the operation's `request()` (path-relative URI).
    pub request: http::Request<Vec<u8>>,
    /// The resolved endpoint.
    pub endpoint: Endpoint,
    /// Reads a 2xx response: status, headers and body (awsQuery and awsJson read only the body;
    /// restJson binds output members to headers and the status code too).
    pub parse_output: ParseOutputFn<O>,
    /// Reads an error response.
    pub parse_error: fn(u16, &http::HeaderMap, &[u8]) -> Result<E, ParseError>,
}

/// The `user-agent` sent with every request.
pub fn user_agent(app_name: Option<&str>) -> String {
    let mut ua = format!("stsgen/{} lang/rust", env!("CARGO_PKG_VERSION"));
    if let Some(app) = app_name {
        ua.push_str(" app/");
        ua.push_str(app);
    }
    ua
}

/// What an attempt's response (or transport failure) means for the call ([`classify`]).
pub(crate) enum Outcome {
    /// The call is over: `Ok` when the output was read (it is in the [`Parse`] slot).
    Done(Result<(), Failure>),
    /// The attempt failed in a way another attempt could fix.
    Retry(Failure),
}

/// A failed attempt, without the operation's types: a service error is kept, typed, in the
/// call's [`Parse`] slot, so that retry decisions are compiled once rather than per operation.
pub(crate) enum Failure {
    /// The service answered with an error (the one the slot holds).
    Service {
        /// Attempts made.
        attempts: u32,
        /// Whether its code is a clock-skew code (a corrected clock earns one extra attempt).
        skew: bool,
    },
    /// Anything else.
    Other(SdkError<Infallible>),
}

impl From<SdkError<Infallible>> for Failure {
    fn from(e: SdkError<Infallible>) -> Self {
        Failure::Other(e)
    }
}

/// The typed half of a call: reads responses into the operation's output and error types and
/// keeps the result. The orchestrator sees it as a trait object, so only these two methods
/// are compiled per operation.
pub(crate) trait Parse {
    /// Reads a 2xx response and keeps the output.
    fn output(
        &mut self,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<(), ParseError>;
    /// Reads an error response and keeps the error; returns its metadata and whether the
    /// model marks it retryable.
    fn error(
        &mut self,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<(&ErrorMetadata, bool), ParseError>;
}

/// The [`Parse`] slot of an [`OperationCall`].
pub(crate) struct Slot<O, E> {
    parse_output: ParseOutputFn<O>,
    parse_error: ParseErrorFn<E>,
    output: Option<O>,
    error: Option<E>,
}

impl<O, E> Slot<O, E> {
    pub(crate) fn new(parse_output: ParseOutputFn<O>, parse_error: ParseErrorFn<E>) -> Self {
        Slot {
            parse_output,
            parse_error,
            output: None,
            error: None,
        }
    }

    /// The call's result from how it ended and what the slot holds.
    pub(crate) fn finish(self, ended: Result<(), Failure>) -> Result<O, SdkError<E>> {
        match (ended, self.output, self.error) {
            (Ok(()), Some(output), _) => Ok(output),
            (Err(Failure::Service { attempts, .. }), _, Some(error)) => {
                Err(SdkError::Service { error, attempts })
            }
            (Err(Failure::Other(e)), _, _) => Err(widen(e)),
            // `Parse` fills the slot before `classify` reports an output or a service error.
            _ => Err(SdkError::Transport {
                error: TransportError::new(TransportErrorKind::Io, "no attempt was made"),
                attempts: 0,
            }),
        }
    }
}

impl<O, E: ServiceError> Parse for Slot<O, E> {
    fn output(
        &mut self,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<(), ParseError> {
        self.output = Some((self.parse_output)(status, headers, body)?);
        Ok(())
    }

    fn error(
        &mut self,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<(&ErrorMetadata, bool), ParseError> {
        let error = self
            .error
            .insert((self.parse_error)(status, headers, body)?);
        Ok((error.meta(), error.is_modeled_retryable()))
    }
}

/// Runs one operation: resolves credentials, signs, sends, parses; retries transient
/// failures with backoff within the configured attempts and operation timeout.
///
/// Only reading the responses into the output and error types is generic (a `Slot`); the
/// async retry loop (`run_attempts`) and every decision in it are compiled once, not once
/// per operation.
pub async fn invoke<O: Send, E: ServiceError + Send>(
    handle: &ClientHandle,
    call: OperationCall<O, E>,
) -> Result<O, SdkError<E>> {
    let OperationCall {
        name,
        signing_name,
        unsigned,
        request,
        endpoint,
        parse_output,
        parse_error,
    } = call;
    let attempts = Attempts {
        name,
        signing_name,
        unsigned,
        request: &request,
        endpoint: &endpoint,
    };
    let mut slot = Slot::new(parse_output, parse_error);
    let ended = run_attempts(handle, &attempts, &mut slot).await;
    slot.finish(ended)
}

/// The parts of an [`OperationCall`] the retry loop needs: no output or error types.
struct Attempts<'a> {
    name: &'static str,
    signing_name: &'static str,
    unsigned: bool,
    request: &'a http::Request<Vec<u8>>,
    endpoint: &'a Endpoint,
}

/// The retry loop: credentials, signing, the send with its attempt and operation budgets,
/// classifying each response and the backoff sleep; the output or service error it ends with
/// is in `parse`.
///
/// Boxed: the future's `poll` (and tracing's `Instrumented` around it) is compiled once, in
/// this crate, rather than once in every crate that instantiates [`invoke`] (a generated crate
/// and each crate that calls it, such as a credentials crate calling STS).
fn run_attempts<'a>(
    handle: &'a ClientHandle,
    call: &'a Attempts<'a>,
    parse: &'a mut (dyn Parse + Send),
) -> BoxFuture<'a, Result<(), Failure>> {
    let span = tracing::debug_span!(
        "operation",
        operation = call.name,
        attempt = tracing::field::Empty,
        request_id = tracing::field::Empty
    );
    Box::pin(
        async move {
            let cfg = &handle.config;
            let started = Instant::now();
            let deadline = cfg.timeouts.operation.map(|d| started + d);
            let mut attempt = 0;
            let mut skew_retried = false;
            let url = build_uri(call.endpoint, call.request.uri()).map_err(SdkError::Endpoint)?;
            loop {
                attempt += 1;
                tracing::Span::current().record("attempt", attempt);
                let credentials = if call.unsigned {
                    None
                } else {
                    Some(load_credentials(handle, deadline).await?)
                };
                let request = prepare_request(
                    handle,
                    call.name,
                    call.signing_name,
                    call.request,
                    call.endpoint,
                    &url,
                    credentials.as_ref(),
                )
                .map_err(PrepareError::into_sdk)?;
                let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                let attempt_budget = match (cfg.timeouts.attempt, remaining) {
                    (Some(a), Some(r)) => Some(a.min(r)),
                    (a, r) => a.or(r),
                };
                let Some(http) = &handle.http else {
                    return Err(Failure::Other(SdkError::Transport {
                        error: TransportError::new(
                            TransportErrorKind::InvalidRequest,
                            "this client has no async transport",
                        ),
                        attempts: attempt - 1,
                    }));
                };
                let sent = match attempt_budget {
                    Some(budget) => match tokio::time::timeout(
                        budget,
                        http.send(request, cfg.max_response_body),
                    )
                    .await
                    {
                        Ok(r) => r,
                        Err(_) => {
                            let operation_expired = deadline.is_some_and(|d| Instant::now() >= d);
                            let kind = if operation_expired {
                                TimeoutKind::Operation
                            } else {
                                TimeoutKind::Attempt
                            };
                            Err(TransportError::new(
                                TransportErrorKind::Timeout(kind),
                                format!("{budget:?} elapsed"),
                            ))
                        }
                    },
                    None => http.send(request, cfg.max_response_body).await,
                };
                if let Some(e) = operation_timeout(cfg, &sent, deadline, attempt) {
                    return Err(Failure::Other(e));
                }
                let failure = match classify(handle, parse, sent, attempt, &mut skew_retried) {
                    Outcome::Done(result) => return result,
                    Outcome::Retry(failure) => failure,
                };
                let wait = next_wait(cfg, failure, attempt, deadline)?;
                tracing::debug!(retry_in_ms = wait.as_millis() as u64, attempt, "retrying");
                tokio::time::sleep(wait).await;
            }
        }
        .instrument(span),
    )
}

/// An error from the part of a call that has no service error, as the call's error type.
fn widen<E>(e: SdkError<Infallible>) -> SdkError<E> {
    match e {
        SdkError::Construction(e) => SdkError::Construction(e),
        SdkError::Credentials(e) => SdkError::Credentials(e),
        SdkError::Endpoint(m) => SdkError::Endpoint(m),
        SdkError::Signing(m) => SdkError::Signing(m),
        SdkError::Transport { error, attempts } => SdkError::Transport { error, attempts },
        SdkError::Timeout {
            kind,
            after,
            attempts,
        } => SdkError::Timeout {
            kind,
            after,
            attempts,
        },
        SdkError::Response { error, attempts } => SdkError::Response { error, attempts },
        SdkError::Service { error, .. } => match error {},
    }
}

/// After a retryable failure on `attempt`: how long to wait before the next attempt, or the
/// failure to end the call with (attempts used up, or the wait would pass the operation
/// deadline). A clock-skew correction earns one extra attempt without backoff (classify
/// allows it once).
pub(crate) fn next_wait(
    cfg: &ClientConfig,
    failure: Failure,
    attempt: u32,
    deadline: Option<Instant>,
) -> Result<Duration, Failure> {
    let skew_bonus = matches!(failure, Failure::Service { skew: true, .. });
    match wait_before(cfg, skew_bonus, attempt, deadline) {
        Ok(wait) => Ok(wait),
        Err(WaitEnd::Exhausted) => Err(failure),
        Err(WaitEnd::PastDeadline) => Err(match failure {
            Failure::Other(SdkError::Transport { error, attempts })
                if matches!(error.kind(), TransportErrorKind::Timeout(_)) =>
            {
                Failure::Other(SdkError::Timeout {
                    kind: TimeoutKind::Operation,
                    after: cfg.timeouts.operation.unwrap_or_default(),
                    attempts,
                })
            }
            other => other,
        }),
    }
}

/// Why no further attempt is made.
enum WaitEnd {
    /// The attempts are used up.
    Exhausted,
    /// The wait would pass the operation deadline.
    PastDeadline,
}

/// When [`next_wait`] allows another attempt, and after how long.
fn wait_before(
    cfg: &ClientConfig,
    skew_bonus: bool,
    attempt: u32,
    deadline: Option<Instant>,
) -> Result<Duration, WaitEnd> {
    if attempt >= cfg.retry.max_attempts.max(1) + u32::from(skew_bonus) {
        return Err(WaitEnd::Exhausted);
    }
    let wait = if skew_bonus {
        Duration::ZERO
    } else {
        cfg.retry.backoff(attempt)
    };
    if deadline.is_some_and(|d| Instant::now() + wait >= d) {
        return Err(WaitEnd::PastDeadline);
    }
    Ok(wait)
}

/// The operation timeout, when this attempt ended in a timeout at or past the operation
/// deadline: whichever timer fired, the whole operation's budget is what ran out.
pub(crate) fn operation_timeout(
    cfg: &ClientConfig,
    sent: &Result<HttpResponse, TransportError>,
    deadline: Option<Instant>,
    attempts: u32,
) -> Option<SdkError<Infallible>> {
    let timed_out = matches!(sent, Err(e) if matches!(e.kind(), TransportErrorKind::Timeout(_)));
    let expired = deadline.is_some_and(|d| Instant::now() >= d);
    (timed_out && expired).then(|| SdkError::Timeout {
        kind: TimeoutKind::Operation,
        after: cfg.timeouts.operation.unwrap_or_default(),
        attempts,
    })
}

pub(crate) fn is_skew_code(code: &str) -> bool {
    CLOCK_SKEW_CODES.contains(&code)
}

pub(crate) async fn load_credentials(
    handle: &ClientHandle,
    deadline: Option<Instant>,
) -> Result<crate::credentials::Credentials, SdkError<Infallible>> {
    load_credentials_raw(handle, deadline)
        .await
        .map_err(SdkError::Credentials)
}

async fn load_credentials_raw(
    handle: &ClientHandle,
    deadline: Option<Instant>,
) -> Result<crate::credentials::Credentials, CredentialsError> {
    let provider =
        handle
            .config
            .credentials
            .as_ref()
            .ok_or_else(|| CredentialsError::NotLoaded {
                provider: "client",
                reason: "no credentials provider is configured and the operation must be signed"
                    .to_owned(),
            })?;
    let fut = provider.provide_credentials();
    let creds = match deadline {
        Some(d) => {
            match tokio::time::timeout(d.saturating_duration_since(Instant::now()), fut).await {
                Ok(r) => r,
                Err(_) => Err(CredentialsError::Timeout {
                    provider: provider.name(),
                    after: handle.config.timeouts.operation.unwrap_or_default(),
                }),
            }
        }
        None => fut.await,
    }?;
    handle.check_expiry(&creds)?;
    Ok(creds)
}

/// The absolute request URI: the endpoint URL with the operation's path appended.
pub(crate) fn build_uri(endpoint: &Endpoint, path: &http::Uri) -> Result<http::Uri, String> {
    let base = endpoint.url().trim_end_matches('/');
    let path = path.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let full = format!("{base}{path}");
    let uri: http::Uri = full
        .parse()
        .map_err(|e| format!("endpoint URL `{}` is not a valid URI: {e}", endpoint.url()))?;
    match uri.scheme_str() {
        Some("https") | Some("http") if uri.host().is_some_and(|h| !h.is_empty()) => {}
        _ => {
            return Err(format!(
                "endpoint URL `{}` must be an absolute http(s) URL with a host",
                endpoint.url()
            ))
        }
    }
    // `http` parses `host:99999` and then reports no port; a transport would connect to the default one.
    let port = uri
        .authority()
        .and_then(|a| a.as_str().rsplit_once(':'))
        .map(|(_, p)| p)
        .filter(|p| !p.contains(']'));
    if port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
        return Err(format!(
            "endpoint URL `{}` has an invalid port (1-65535)",
            endpoint.url()
        ));
    }
    Ok(uri)
}

pub(crate) enum PrepareError {
    Endpoint(String),
    Signing(String),
    Insecure(TransportError),
}

impl PrepareError {
    pub(crate) fn into_sdk<E>(self) -> SdkError<E> {
        match self {
            PrepareError::Endpoint(m) => SdkError::Endpoint(m),
            PrepareError::Signing(m) => SdkError::Signing(m),
            PrepareError::Insecure(error) => SdkError::Transport { error, attempts: 0 },
        }
    }
}

/// Whether `host` (from a URL, IPv6 without brackets) is this machine: `localhost` (or a name
/// under `.localhost`) or a loopback address.
fn is_loopback(host: &str) -> bool {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let lower = host.to_ascii_lowercase();
    lower == "localhost"
        || lower.ends_with(".localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| match ip {
            std::net::IpAddr::V6(v6) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
            ip => ip.is_loopback(),
        })
}

/// Refuses to send temporary credentials' session token over plain HTTP to anything but this
/// machine (README, design notes): the token travels in the clear, and so does the response,
/// which for STS holds new credentials. Loopback stays allowed for local test servers.
fn check_transport_security(
    url: &http::Uri,
    credentials: Option<&crate::credentials::Credentials>,
) -> Result<(), PrepareError> {
    let has_token = credentials.is_some_and(|c| c.session_token().is_some());
    let host = url.host().unwrap_or_default();
    if has_token && url.scheme_str() == Some("http") && !is_loopback(host) {
        return Err(PrepareError::Insecure(TransportError::new(
            TransportErrorKind::InsecureEndpoint { host: host.to_owned() },
            format!("refusing to send a session token over plain HTTP to `{host}`; use an https:// endpoint (plain http:// is allowed only to localhost and loopback addresses)"),
        )));
    }
    Ok(())
}

pub(crate) fn prepare_request(
    handle: &ClientHandle,
    name: &'static str,
    signing_name: &'static str,
    unsigned: &http::Request<Vec<u8>>,
    endpoint: &Endpoint,
    url: &http::Uri,
    credentials: Option<&crate::credentials::Credentials>,
) -> Result<http::Request<Vec<u8>>, PrepareError> {
    check_transport_security(url, credentials)?;
    let mut request = http::Request::new(unsigned.body().clone());
    *request.method_mut() = unsigned.method().clone();
    *request.uri_mut() = url.clone();
    *request.headers_mut() = unsigned.headers().clone();
    let host = match (url.host(), url.port_u16(), url.scheme_str()) {
        (Some(h), Some(p), Some("https")) if p != 443 => format!("{h}:{p}"),
        (Some(h), Some(p), Some("http")) if p != 80 => format!("{h}:{p}"),
        (Some(h), _, _) => h.to_owned(),
        _ => {
            return Err(PrepareError::Endpoint(format!(
                "endpoint URL `{url}` has no host"
            )))
        }
    };
    let headers = request.headers_mut();
    headers.insert(
        http::header::HOST,
        http::HeaderValue::from_str(&host).map_err(|e| PrepareError::Endpoint(e.to_string()))?,
    );
    let ua = user_agent(handle.config.app_name.as_deref());
    headers.insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_str(&ua).map_err(|e| PrepareError::Signing(e.to_string()))?,
    );
    for (name, values) in endpoint.headers() {
        for v in values {
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| PrepareError::Endpoint(e.to_string()))?;
            let v = http::HeaderValue::from_str(v)
                .map_err(|e| PrepareError::Endpoint(e.to_string()))?;
            headers.append(name, v);
        }
    }
    if let Some(creds) = credentials {
        let (scheme_name, scheme_region) = endpoint.sigv4_scope();
        let region = scheme_region
            .or(handle.config.region.as_deref())
            .unwrap_or("us-east-1");
        let service = scheme_name.unwrap_or(signing_name);
        let params =
            SigningParams::new(region.to_owned(), service.to_owned(), handle.service_time());
        // The body being signed is the unsigned request's (the request holds a copy of it).
        handle
            .signer
            .sign_request(&mut request, unsigned.body(), creds, &params)
            .map_err(|e| PrepareError::Signing(e.to_string()))?;
    }
    tracing::trace!(
        operation = name,
        body_len = request.body().len(),
        "sending request"
    );
    Ok(request)
}

/// Reads a successful response (the generated `parse_output`, or a closure calling it).
pub type ParseOutputFn<O> = fn(u16, &http::HeaderMap, &[u8]) -> Result<O, ParseError>;

/// Reads an error response (the generated `parse_error`).
pub(crate) type ParseErrorFn<E> = fn(u16, &http::HeaderMap, &[u8]) -> Result<E, ParseError>;

pub(crate) fn classify(
    handle: &ClientHandle,
    parse: &mut dyn Parse,
    sent: Result<HttpResponse, TransportError>,
    attempts: u32,
    skew_retried: &mut bool,
) -> Outcome {
    let response = match sent {
        Err(error) => {
            let transient = error.is_transient();
            let e = Failure::Other(SdkError::Transport { error, attempts });
            return if transient {
                Outcome::Retry(e)
            } else {
                Outcome::Done(Err(e))
            };
        }
        Ok(r) => r,
    };
    record_request_id(&response.headers);
    let (status, headers, body) = (response.status, &response.headers, &response.body[..]);
    if (200..300).contains(&status) {
        return Outcome::Done(parse.output(status, headers, body).map_err(|e| {
            Failure::Other(SdkError::Response {
                error: e.with_response(status, body),
                attempts,
            })
        }));
    }
    let (retry, e) = match parse.error(status, headers, body) {
        Ok((meta, modeled_retryable)) => (
            service_error_retry(
                handle,
                status,
                headers,
                meta,
                modeled_retryable,
                skew_retried,
            ),
            Failure::Service {
                attempts,
                skew: is_skew_code(meta.code()),
            },
        ),
        Err(parse) => (
            crate::client::retry::is_transient_status(status) || status == 429,
            Failure::Other(SdkError::Response {
                error: parse.with_response(status, body),
                attempts,
            }),
        ),
    };
    if retry {
        Outcome::Retry(e)
    } else {
        Outcome::Done(Err(e))
    }
}

/// Notes the response's request id on the operation span.
fn record_request_id(headers: &http::HeaderMap) {
    if let Some(id) = crate::protocol::amzn_request_id(headers) {
        tracing::Span::current().record("request_id", id);
    }
}

/// Whether a modeled or unhandled service error is worth another attempt (the part of
/// [`classify`] that does not depend on the error type, compiled once).
fn service_error_retry(
    handle: &ClientHandle,
    status: u16,
    headers: &http::HeaderMap,
    meta: &ErrorMetadata,
    modeled_retryable: bool,
    skew_retried: &mut bool,
) -> bool {
    let code = meta.code();
    // Every skew error re-learns the offset; only the first one in a call earns a retry.
    if is_skew_code(code) && learn_skew(handle, headers) && !*skew_retried {
        *skew_retried = true;
        return true;
    }
    is_retryable_code(code, Some(status)) || modeled_retryable
}

/// Re-learns the clock offset from the `Date` header of a response with a skew code (see
/// [`ServiceClock::learn`](crate::credentials::ServiceClock::learn): bounded by
/// [`MAX_CLOCK_OFFSET`](crate::credentials::MAX_CLOCK_OFFSET), upwards or downwards); returns
/// whether the offset changed, so that a retry can help.
fn learn_skew(handle: &ClientHandle, headers: &http::HeaderMap) -> bool {
    let Some(date) = headers
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Ok(server) =
        crate::types::wire::parse_timestamp(date, crate::types::wire::TimestampFormat::HttpDate)
    else {
        return false;
    };
    let Some(server) = server.to_system_time() else {
        return false;
    };
    match handle
        .config
        .clock
        .learn(server, handle.config.clock.local_now())
    {
        Learned::Changed(offset_ms) => {
            tracing::debug!(
                offset_ms,
                "learned the service's clock offset from a skew error"
            );
            true
        }
        Learned::Unchanged => false,
        Learned::OutOfBounds(offset_ms) => {
            tracing::warn!(
                offset_ms,
                bound_s = MAX_CLOCK_OFFSET.as_secs(),
                "a skew error's Date header is further from local time than the bound; ignored"
            );
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(endpoint: &str) -> Result<http::Uri, String> {
        build_uri(&Endpoint::new(endpoint), &http::Uri::from_static("/"))
    }

    #[test]
    fn service_time_follows_the_configured_clock_and_the_learned_offset() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_628_193_000);
        let config = ClientConfig {
            clock: crate::credentials::ServiceClock::fixed(at),
            ..ClientConfig::new()
        };
        let handle = ClientHandle {
            config,
            http: None,
            signer: Signer::new(),
        };
        assert_eq!(handle.service_time(), at);
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::DATE,
            http::HeaderValue::from_static("Thu, 05 Aug 2021 20:00:00 GMT"),
        );
        assert!(learn_skew(&handle, &headers));
        let expected = SystemTime::UNIX_EPOCH + Duration::from_secs(1_628_193_600);
        assert_eq!(handle.service_time(), expected);
    }

    #[test]
    fn endpoint_urls_need_a_scheme_a_host_and_a_valid_port() {
        assert_eq!(
            uri("https://sts.amazonaws.com").unwrap().to_string(),
            "https://sts.amazonaws.com/"
        );
        assert_eq!(
            uri("http://127.0.0.1:4566/").unwrap().to_string(),
            "http://127.0.0.1:4566/"
        );
        assert_eq!(uri("http://[::1]:8080").unwrap().port_u16(), Some(8080));
        assert!(uri("http://[::1]").is_ok());
        for bad in [
            "sts.amazonaws.com",
            "ftp://sts.amazonaws.com",
            "https://user@:443",
            "http://",
        ] {
            let e = uri(bad).unwrap_err();
            assert!(e.contains(bad), "{e}");
        }
        for bad in [
            "https://sts.amazonaws.com:99999",
            "https://sts.amazonaws.com:0",
            "https://sts.amazonaws.com:x1",
        ] {
            let e = uri(bad).unwrap_err();
            assert!(
                e.contains(bad) && (e.contains("port") || e.contains("valid URI")),
                "{e}"
            );
        }
    }

    #[test]
    fn a_timeout_past_the_deadline_is_the_operation_timeout() {
        let mut cfg = ClientConfig::new();
        cfg.timeouts.operation = Some(Duration::from_secs(1));
        let timeout = || {
            Err(TransportError::new(
                TransportErrorKind::Timeout(TimeoutKind::Attempt),
                "elapsed",
            ))
        };
        let past = Some(Instant::now() - Duration::from_millis(1));
        let future = Some(Instant::now() + Duration::from_secs(60));
        let e = operation_timeout(&cfg, &timeout(), past, 2).expect("the operation budget ran out");
        assert!(
            matches!(e, SdkError::Timeout { kind: TimeoutKind::Operation, attempts: 2, after } if after == Duration::from_secs(1))
        );
        assert!(operation_timeout(&cfg, &timeout(), future, 2).is_none());
        assert!(operation_timeout(&cfg, &timeout(), None, 2).is_none());
        let io = Err(TransportError::new(TransportErrorKind::Io, "reset"));
        assert!(operation_timeout(&cfg, &io, past, 2).is_none());
    }
}
