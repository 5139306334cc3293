//! The blocking client core: the same request building, signing, classification and retry
//! policy as the async orchestrator, over a blocking transport (ureq with rustls by default).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::client::config::ClientConfig;
use crate::client::error::{SdkError, TimeoutKind, TransportError, TransportErrorKind};
use crate::client::invoke::{build_uri, classify, next_wait, operation_timeout, prepare, ClientHandle, OperationCall, Outcome, ServiceError};
use crate::client::transport::HttpResponse;
use crate::credentials::{block_on, CredentialsError};

/// Sends one request and reads the whole response, blocking the thread.
pub trait BlockingHttpClient: Send + Sync + fmt::Debug {
    /// Sends `request` with at most `timeout` for the whole exchange.
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize, timeout: Option<Duration>) -> Result<HttpResponse, TransportError>;
}

/// The default blocking transport: ureq over rustls (ring, Mozilla roots).
#[derive(Debug)]
pub struct UreqClient {
    agent: ureq::Agent,
}

impl UreqClient {
    /// A client with the given connect timeout.
    pub fn new(connect_timeout: Option<Duration>) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(connect_timeout)
            .build();
        UreqClient { agent: ureq::Agent::new_with_config(config) }
    }
}

fn classify_ureq(e: ureq::Error) -> TransportError {
    match e {
        ureq::Error::Timeout(t) => {
            let kind = if format!("{t:?}").contains("Connect") { TimeoutKind::Connect } else { TimeoutKind::Attempt };
            TransportError::new(TransportErrorKind::Timeout(kind), t.to_string())
        }
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => TransportError::new(TransportErrorKind::Connect, e.to_string()),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            TransportError::new(TransportErrorKind::Connect, io.to_string())
        }
        ureq::Error::BodyExceedsLimit(limit) => TransportError::new(TransportErrorKind::BodyTooLarge { limit: limit as usize }, ""),
        ureq::Error::BadUri(u) => TransportError::new(TransportErrorKind::InvalidRequest, u),
        other => TransportError::new(TransportErrorKind::Io, other.to_string()),
    }
}

impl BlockingHttpClient for UreqClient {
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize, timeout: Option<Duration>) -> Result<HttpResponse, TransportError> {
        let request = self.agent.configure_request(request).timeout_global(timeout).build();
        let response = self.agent.run(request).map_err(classify_ureq)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.into_body().with_config().limit(max_body as u64).read_to_vec().map_err(classify_ureq)?;
        Ok(HttpResponse { status, headers, body })
    }
}

/// Shared state of a blocking client.
#[derive(Debug)]
pub struct BlockingClientHandle {
    core: ClientHandle,
    http: Arc<dyn BlockingHttpClient>,
}

impl BlockingClientHandle {
    /// A handle for `config` with the default (ureq) transport, or `http` when given.
    pub fn new(config: ClientConfig, http: Option<Arc<dyn BlockingHttpClient>>) -> Self {
        let http = http.unwrap_or_else(|| Arc::new(UreqClient::new(config.timeouts.connect)));
        BlockingClientHandle { core: ClientHandle::without_transport(config), http }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.core.config
    }
}

/// Runs one operation on the calling thread: the blocking counterpart of [`invoke`](crate::client::invoke).
pub fn invoke_blocking<O, E: ServiceError>(handle: &BlockingClientHandle, call: OperationCall<O, E>) -> Result<O, SdkError<E>> {
    let core = &handle.core;
    let cfg = &core.config;
    let started = Instant::now();
    let deadline = cfg.timeouts.operation.map(|d| started + d);
    let mut skew_retried = false;
    let url = build_uri(&call.endpoint, call.request.uri()).map_err(SdkError::Endpoint)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let credentials = if call.unsigned {
            None
        } else {
            let provider = cfg.credentials.as_ref().ok_or_else(|| {
                SdkError::Credentials(CredentialsError::NotLoaded {
                    provider: "client",
                    reason: "no credentials provider is configured and the operation must be signed".to_owned(),
                })
            })?;
            let creds = block_on(provider.provide_credentials()).map_err(SdkError::Credentials)?;
            if creds.is_expired_at(core.service_time()) {
                return Err(SdkError::Credentials(CredentialsError::ProviderError {
                    provider: creds.provider(),
                    reason: "the credentials have expired".to_owned(),
                }));
            }
            Some(creds)
        };
        let request = prepare(core, &call, &url, credentials.as_ref())?;
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let budget = match (cfg.timeouts.attempt, remaining) {
            (Some(a), Some(r)) => Some(a.min(r)),
            (a, r) => a.or(r),
        };
        let sent = handle.http.send(request, cfg.max_response_body, budget);
        if let Some(e) = operation_timeout(cfg, &sent, deadline, attempt) {
            return Err(e);
        }
        let error = match classify(core, &call, sent, attempt, &mut skew_retried) {
            Outcome::Done(result) => return result,
            Outcome::Retry(e) => e,
        };
        let wait = next_wait(cfg, error, attempt, deadline)?;
        std::thread::sleep(wait);
    }
}
