//! What the container and instance-metadata providers share: one HTTP exchange with short
//! timeouts, over the chain's transport ([`Config::http_client`](sts::Config)) when it has one,
//! else the default async client inside a tokio runtime and the blocking client (feature
//! `blocking`) elsewhere; a sleep between attempts; host name resolution.
//!
//! Neither provider goes through a proxy: the endpoints are link-local or loopback.

use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use stsgen_runtime::credentials::Credentials;
use stsgen_runtime::http;
use stsgen_runtime::json::JsonValue;
use stsgen_runtime::types::wire;

use stsgen_runtime::client::{in_async_context, HttpClient, HttpResponse, HttpsClient};
use stsgen_runtime::error::{TimeoutKind, TransportError, TransportErrorKind};
use stsgen_runtime::future::BoxFuture;

/// The largest response body read from a metadata endpoint.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// A source of the current time, for providers whose behaviour depends on it.
pub(crate) type Clock = Arc<dyn Fn() -> std::time::SystemTime + Send + Sync>;

/// The system clock.
pub(crate) fn system_clock() -> Clock {
    Arc::new(std::time::SystemTime::now)
}

/// Connect and read timeouts of one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) read: Duration,
}

/// Sends single requests to a metadata endpoint (see the [module docs](self)).
pub(crate) struct MetadataHttp {
    custom: Option<Arc<dyn HttpClient>>,
    /// The default transports, built on first use for the connect timeout of the time.
    default_async: Mutex<Option<(Duration, Arc<dyn HttpClient>)>>,
    #[cfg(feature = "blocking")]
    default_blocking: Mutex<Option<(Duration, Arc<stsgen_runtime::client::blocking::StdClient>)>>,
}

impl fmt::Debug for MetadataHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataHttp")
            .field("custom_client", &self.custom.is_some())
            .finish_non_exhaustive()
    }
}

impl MetadataHttp {
    /// `custom`: the chain's transport (`Config::http_client`), when it has one.
    pub(crate) fn new(custom: Option<Arc<dyn HttpClient>>) -> Self {
        MetadataHttp {
            custom,
            default_async: Mutex::new(None),
            #[cfg(feature = "blocking")]
            default_blocking: Mutex::new(None),
        }
    }

    fn default_async(&self, connect: Duration) -> Result<Arc<dyn HttpClient>, TransportError> {
        let mut slot = self
            .default_async
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((t, c)) = &*slot {
            if *t == connect {
                return Ok(c.clone());
            }
        }
        let c: Arc<dyn HttpClient> = Arc::new(HttpsClient::new(Some(connect))?);
        *slot = Some((connect, c.clone()));
        Ok(c)
    }

    /// One request tried up to `attempts` times (at least once), pausing 100 ms before the
    /// second and twice as long before each further one: again after a 5xx answer, and after a
    /// timeout or connection failure when `retry_transport`. The first answer below 500 is
    /// returned. Boxed: the container and IMDS loaders share one copy.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn exchange<'a>(
        &'a self,
        method: &'a http::Method,
        uri: &'a http::Uri,
        headers: &'a [(&'static str, &'a str)],
        timeouts: Timeouts,
        attempts: u32,
        retry_transport: bool,
    ) -> BoxFuture<'a, Result<HttpResponse, NoAnswer>> {
        Box::pin(async move {
            let mut last = String::new();
            for attempt in 0..attempts.max(1) {
                if attempt > 0 {
                    sleep(BACKOFF * 2u32.saturating_pow(attempt - 1)).await;
                }
                let request = stsgen_runtime::credentials::bodiless_request(method, uri, headers)
                    .ok_or(NoAnswer::Request)?;
                match self.send(request, timeouts).await {
                    Ok(r) if r.status < 500 => return Ok(r),
                    Ok(r) => last = format!("HTTP {} ({})", r.status, error_body(&r.body)),
                    Err(e)
                        if !retry_transport
                            || matches!(e.kind(), TransportErrorKind::InvalidRequest) =>
                    {
                        return Err(NoAnswer::Transport(e))
                    }
                    Err(e) => last = e.to_string(),
                }
            }
            Err(NoAnswer::Exhausted(last))
        })
    }

    /// One exchange, bounded by the connect plus the read timeout (the default transports also
    /// bound connecting on its own).
    async fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeouts: Timeouts,
    ) -> Result<HttpResponse, TransportError> {
        let limit = timeouts.connect + timeouts.read;
        if in_async_context() {
            let client = match &self.custom {
                Some(c) => c.clone(),
                None => self.default_async(timeouts.connect)?,
            };
            let host = request_host(&request);
            return match tokio::time::timeout(limit, client.send(request, MAX_BODY)).await {
                Ok(r) => r,
                Err(_) => Err(TransportError::new(
                    TransportErrorKind::Timeout(TimeoutKind::Attempt),
                    format!("no response from `{host}` within {limit:?}"),
                )),
            };
        }
        // Outside a tokio runtime: the caller's own transport (driven by the caller's executor),
        // else the blocking one.
        if let Some(c) = &self.custom {
            return c.send(request, MAX_BODY).await;
        }
        #[cfg(feature = "blocking")]
        {
            use stsgen_runtime::client::blocking::{BlockingHttpClient, StdClient};
            let client = {
                let mut slot = self
                    .default_blocking
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                match &*slot {
                    Some((t, c)) if *t == timeouts.connect => c.clone(),
                    _ => {
                        let c = Arc::new(StdClient::new(Some(timeouts.connect)));
                        *slot = Some((timeouts.connect, c.clone()));
                        c
                    }
                }
            };
            client.send(request, MAX_BODY, Some(limit))
        }
        #[cfg(not(feature = "blocking"))]
        {
            let _ = request;
            Err(TransportError::new(
                TransportErrorKind::InvalidRequest,
                "credentials were requested outside a tokio runtime; call from inside one, or enable the `blocking` feature",
            ))
        }
    }
}

/// Why [`MetadataHttp::exchange`] has no answer to hand back.
pub(crate) enum NoAnswer {
    /// A header value that is not one.
    Request,
    /// A transport failure not tried again: an invalid request, or any failure when transport
    /// failures are not retried.
    Transport(TransportError),
    /// Every attempt failed; why the last one did.
    Exhausted(String),
}

/// The first pause between attempts (doubled after each).
const BACKOFF: Duration = Duration::from_millis(100);

fn request_host(request: &http::Request<Vec<u8>>) -> String {
    request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default()
}

/// Waits `delay` (on the tokio timer inside a runtime, else by sleeping the thread).
pub(crate) fn sleep(delay: Duration) -> BoxFuture<'static, ()> {
    Box::pin(async move {
        if delay.is_zero() {
            return;
        }
        if in_async_context() {
            tokio::time::sleep(delay).await;
        } else {
            std::thread::sleep(delay);
        }
    })
}

/// The addresses `host` resolves to.
pub(crate) fn resolve(host: &str, port: u16) -> BoxFuture<'_, Result<Vec<IpAddr>, String>> {
    Box::pin(resolve_inner(host, port))
}

async fn resolve_inner(host: &str, port: u16) -> Result<Vec<IpAddr>, String> {
    let addrs: Vec<IpAddr> = if in_async_context() {
        tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| e.to_string())?
            .map(|a| a.ip())
            .collect()
    } else {
        use std::net::ToSocketAddrs;
        (host, port)
            .to_socket_addrs()
            .map_err(|e| e.to_string())?
            .map(|a| a.ip())
            .collect()
    };
    if addrs.is_empty() {
        return Err("it has no addresses".to_owned());
    }
    Ok(addrs)
}

/// A little jitter (0 to `max`), from the clock's sub-second digits.
pub(crate) fn jitter(now: std::time::SystemTime, max: Duration) -> Duration {
    let nanos = now
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let span = max.as_millis().max(1) as u64;
    Duration::from_millis(u64::from(nanos) % (span + 1))
}

/// An error body's `Code` and `Message` (JSON), or a short excerpt of it as text. Never more
/// than a line, and only from error responses (which carry no credentials).
pub(crate) fn error_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if let Ok(JsonValue::Object(members)) = stsgen_runtime::json::parse(&text) {
        let get = |k: &str| {
            members
                .iter()
                .rev()
                .find(|(m, _)| m == k)
                .and_then(|(_, v)| v.as_str())
        };
        match (get("Code"), get("Message")) {
            (Some(c), Some(m)) => return format!("{c}: {m}"),
            (Some(c), None) => return c.to_owned(),
            (None, Some(m)) => return m.to_owned(),
            (None, None) => {}
        }
    }
    let text = text.trim();
    if text.is_empty() {
        return "no body".to_owned();
    }
    if text.starts_with('<') {
        // IMDS answers errors with an HTML page that says nothing the status does not.
        return "an HTML or XML page".to_owned();
    }
    let mut excerpt = String::new();
    for c in text.chars().take(120) {
        excerpt.push(if c.is_control() { ' ' } else { c });
    }
    excerpt
}

/// Why a credentials document gave no credentials.
pub(crate) enum DocumentError {
    /// An error `Code` (anything but `Success`) and its `Message`.
    Code(String, Option<String>),
    /// A body that is not a credentials document, or lacks a member.
    Bad(String),
}

impl From<String> for DocumentError {
    fn from(reason: String) -> Self {
        DocumentError::Bad(reason)
    }
}

impl From<&str> for DocumentError {
    fn from(reason: &str) -> Self {
        DocumentError::Bad(reason.to_owned())
    }
}

/// Reads credentials as the container and instance-metadata endpoints return them: all
/// members but `AccountId` are required (these are temporary credentials), an error `Code`
/// (anything but `Success`) comes back with its `Message`. The error never quotes the body (it
/// may hold secrets).
pub(crate) fn parse_credentials(
    body: &[u8],
    provider: &'static str,
) -> Result<Credentials, DocumentError> {
    let text = std::str::from_utf8(body).map_err(|_| "the response is not UTF-8")?;
    let doc = stsgen_runtime::json::parse(text)
        .map_err(|e| format!("the response is not valid JSON (at byte {})", e.offset()))?;
    let JsonValue::Object(members) = doc else {
        return Err(format!("the response is a JSON {}, not an object", doc.type_name()).into());
    };
    let get = |key: &str| -> Result<Option<String>, String> {
        // Member names in any letter case, as the SDKs read them.
        match members
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
        {
            None | Some(JsonValue::Null) => Ok(None),
            Some(JsonValue::String(s)) if s.is_empty() => Ok(None),
            Some(JsonValue::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!(
                "`{key}` is a JSON {}, not a string",
                other.type_name()
            )),
        }
    };
    let expiration = match get("Expiration")? {
        None => None,
        Some(t) => Some(SystemTime::from(
            wire::parse_timestamp(&t, wire::TimestampFormat::DateTime)
                .map_err(|_| "`Expiration` is not an RFC 3339 date-time")?,
        )),
    };
    let code = get("Code")?;
    let message = get("Message")?;
    let id = get("AccessKeyId")?;
    let secret = get("SecretAccessKey")?;
    let token = get("Token")?;
    let account_id = get("AccountId")?;
    if let Some(code) = code.filter(|c| c != "Success") {
        return Err(DocumentError::Code(code, message));
    }
    let id = id.ok_or("the response has no `AccessKeyId`")?;
    let secret = secret.ok_or("the response has no `SecretAccessKey`")?;
    let token = token.ok_or("the response has no `Token`")?;
    let expiration = expiration.ok_or("the response has no `Expiration`")?;
    let c = Credentials::new(id, secret, Some(token), Some(expiration), provider);
    Ok(match account_id {
        Some(a) => c.with_account_id(a),
        None => c,
    })
}
