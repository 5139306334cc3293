//! The blocking client core: the same request building, signing, classification and retry
//! policy as the async orchestrator, over a blocking transport (the crate's HTTP/1.1 codec over `std::net` and rustls by default).

use std::fmt;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::client::config::ClientConfig;
use crate::client::http1::{encode_request, server_name, tls_config, HttpResponse, Pool, Progress, ResponseReader, Target};
use crate::error::{SdkError, TimeoutKind, TransportError, TransportErrorKind};
use crate::client::invoke::{build_uri, classify, next_wait, operation_timeout, prepare_request, ClientHandle, PrepareError, OperationCall, Outcome, ServiceError};
use crate::credentials::CredentialsError;
use crate::future::block_on;

/// Sends one request and reads the whole response, blocking the thread.
pub trait BlockingHttpClient: Send + Sync + fmt::Debug {
    /// Sends `request` with at most `timeout` for the whole exchange.
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize, timeout: Option<Duration>) -> Result<HttpResponse, TransportError>;
}

/// How long an idle pooled connection is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(20);
/// The most idle connections kept per endpoint.
const MAX_IDLE: usize = 8;

enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Conn {
    fn socket(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => &s.sock,
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

/// The default blocking transport: the crate's HTTP/1.1 codec over `std::net` and rustls
/// (ring, Mozilla roots), with a pool of keep-alive connections per endpoint.
pub struct StdClient {
    /// Built on the first TLS connection.
    tls: std::sync::OnceLock<Result<Arc<rustls::ClientConfig>, TransportError>>,
    pool: Arc<Pool<Conn>>,
    connect_timeout: Option<Duration>,
}

impl fmt::Debug for StdClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StdClient").field("connect_timeout", &self.connect_timeout).finish_non_exhaustive()
    }
}

fn timed_out(kind: TimeoutKind, what: String) -> TransportError {
    TransportError::new(TransportErrorKind::Timeout(kind), what)
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
}

impl StdClient {
    /// A client with the given connect timeout (TCP connect and TLS handshake).
    pub fn new(connect_timeout: Option<Duration>) -> Self {
        StdClient { tls: std::sync::OnceLock::new(), pool: Pool::new(IDLE_TIMEOUT, MAX_IDLE), connect_timeout }
    }

    /// A client with its own rustls configuration, e.g. trusting a corporate or test CA
    /// (keep ALPN `http/1.1` or empty: the client speaks HTTP/1.1 only).
    pub fn with_tls_config(connect_timeout: Option<Duration>, tls: Arc<rustls::ClientConfig>) -> Self {
        StdClient { tls: std::sync::OnceLock::from(Ok(tls)), pool: Pool::new(IDLE_TIMEOUT, MAX_IDLE), connect_timeout }
    }

    fn connect(&self, target: &Target, deadline: Option<Instant>) -> Result<Conn, TransportError> {
        let started = Instant::now();
        let connect_deadline = match (self.connect_timeout.map(|t| started + t), deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let kind = |at: Option<Instant>| if at == deadline && deadline.is_some() { TimeoutKind::Attempt } else { TimeoutKind::Connect };
        let addrs = (target.host.as_str(), target.port)
            .to_socket_addrs()
            .map_err(|e| TransportError::new(TransportErrorKind::Connect, format!("resolving `{}`: {e}", target.host)))?;
        let mut last = None;
        let mut tcp = None;
        for addr in addrs {
            let attempt = match connect_deadline {
                Some(at) => {
                    let left = at.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(timed_out(kind(connect_deadline), format!("connecting to `{}:{}` timed out", target.host, target.port)));
                    }
                    TcpStream::connect_timeout(&addr, left)
                }
                None => TcpStream::connect(addr),
            };
            match attempt {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) if is_timeout(&e) => {
                    return Err(timed_out(kind(connect_deadline), format!("connecting to `{}:{}` timed out", target.host, target.port)))
                }
                Err(e) => last = Some(format!("{addr}: {e}")),
            }
        }
        let tcp = tcp.ok_or_else(|| target.unreachable(last))?;
        let _ = tcp.set_nodelay(true);
        if !target.tls {
            return Ok(Conn::Plain(tcp));
        }
        let name = server_name(&target.host)?;
        let config = self.tls.get_or_init(tls_config).clone()?;
        let tls = rustls::ClientConnection::new(config, name)
            .map_err(|e| TransportError::new(TransportErrorKind::Connect, format!("TLS setup for `{}`: {e}", target.host)))?;
        let mut stream = rustls::StreamOwned::new(tls, tcp);
        set_timeout(stream.get_ref(), connect_deadline).map_err(|e| timed_out(kind(connect_deadline), e))?;
        while stream.conn.is_handshaking() {
            if let Err(e) = stream.conn.complete_io(&mut stream.sock) {
                return Err(if is_timeout(&e) {
                    timed_out(kind(connect_deadline), format!("TLS handshake with `{}` timed out", target.host))
                } else {
                    TransportError::new(TransportErrorKind::Connect, format!("TLS handshake with `{}`: {e}", target.host))
                });
            }
        }
        Ok(Conn::Tls(Box::new(stream)))
    }

    /// One exchange on `conn`; see the async transport for `retry_on_new`.
    fn exchange(
        conn: &mut Conn,
        wire: &[u8],
        method: &http::Method,
        max_body: usize,
        deadline: Option<Instant>,
        reused: bool,
    ) -> Result<(HttpResponse, bool), (TransportError, bool)> {
        let fail = |what: &str, e: std::io::Error| {
            if is_timeout(&e) {
                timed_out(TimeoutKind::Attempt, format!("{what}: the attempt timed out"))
            } else {
                TransportError::new(TransportErrorKind::Io, format!("{what}: {e}"))
            }
        };
        set_timeout(conn.socket(), deadline).map_err(|e| (timed_out(TimeoutKind::Attempt, e), false))?;
        if let Err(e) = conn.write_all(wire).and_then(|()| conn.flush()) {
            let stale = reused && !is_timeout(&e);
            return Err((fail("sending the request", e), stale));
        }
        let mut reader = ResponseReader::new(method, max_body);
        let mut buf = vec![0; 16 * 1024];
        loop {
            set_timeout(conn.socket(), deadline).map_err(|e| (timed_out(TimeoutKind::Attempt, e), false))?;
            let n = match conn.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let stale = reused && !reader.started && !is_timeout(&e);
                    return Err((fail("reading the response", e), stale));
                }
            };
            if n == 0 {
                let started = reader.started;
                return reader.eof().map(|r| (r, false)).map_err(|e| (e, reused && !started));
            }
            match reader.feed(&buf[..n]) {
                Ok(Progress::NeedMore) => {}
                Ok(Progress::Done { response, reusable }) => return Ok((response, reusable)),
                Err(e) => return Err((e, false)),
            }
        }
    }
}

/// Sets the socket's read and write timeouts to what is left until `deadline`.
fn set_timeout(socket: &TcpStream, deadline: Option<Instant>) -> Result<(), String> {
    let left = match deadline {
        Some(at) => {
            let left = at.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err("the attempt timed out".to_owned());
            }
            Some(left)
        }
        None => None,
    };
    socket.set_read_timeout(left).and_then(|()| socket.set_write_timeout(left)).map_err(|e| format!("setting a socket timeout: {e}"))
}

impl BlockingHttpClient for StdClient {
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize, timeout: Option<Duration>) -> Result<HttpResponse, TransportError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let target = Target::of(request.uri())?;
        let mut wire = Vec::new();
        encode_request(&request, &mut wire)?;
        while let Some(mut conn) = self.pool.take(&target) {
            match Self::exchange(&mut conn, &wire, request.method(), max_body, deadline, true) {
                Ok((response, reusable)) => {
                    if reusable {
                        self.pool.put(target, conn);
                    }
                    return Ok(response);
                }
                Err((_, true)) => continue,
                Err((e, false)) => return Err(e),
            }
        }
        let mut conn = self.connect(&target, deadline)?;
        let (response, reusable) = Self::exchange(&mut conn, &wire, request.method(), max_body, deadline, false).map_err(|(e, _)| e)?;
        if reusable {
            self.pool.put(target, conn);
        }
        Ok(response)
    }
}

/// Shared state of a blocking client.
#[derive(Debug)]
pub struct BlockingClientHandle {
    core: ClientHandle,
    http: Arc<dyn BlockingHttpClient>,
}

impl BlockingClientHandle {
    /// A handle for `config` with the default ([`StdClient`]) transport, or `http` when given.
    pub fn new(config: ClientConfig, http: Option<Arc<dyn BlockingHttpClient>>) -> Self {
        let http = http.unwrap_or_else(|| Arc::new(StdClient::new(config.timeouts.connect)));
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
            core.check_expiry(&creds).map_err(SdkError::Credentials)?;
            Some(creds)
        };
        let request = prepare_request(core, call.name, call.signing_name, &call.request, &call.endpoint, &url, credentials.as_ref())
            .map_err(PrepareError::into_sdk)?;
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let budget = match (cfg.timeouts.attempt, remaining) {
            (Some(a), Some(r)) => Some(a.min(r)),
            (a, r) => a.or(r),
        };
        let sent = handle.http.send(request, cfg.max_response_body, budget);
        if let Some(e) = operation_timeout(cfg, &sent, deadline, attempt) {
            return Err(e);
        }
        let error = match classify(core, call.parse_output, call.parse_error, sent, attempt, &mut skew_retried) {
            Outcome::Done(result) => return result,
            Outcome::Retry(e) => e,
        };
        let wait = next_wait(cfg, error, attempt, deadline)?;
        std::thread::sleep(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::http1::test_server::{self, url};

    fn body(client: &StdClient, url: &str) -> String {
        let request = http::Request::post(format!("{url}/")).body(b"Action=X".to_vec()).unwrap();
        let response = client.send(request, 1024, Some(Duration::from_secs(5))).expect("the request succeeds");
        assert_eq!(response.status, 200);
        String::from_utf8(response.body).unwrap()
    }

    #[test]
    fn keep_alive_connections_are_reused() {
        for tls in [false, true] {
            let url = url(test_server::start(100, tls), tls);
            let client = StdClient::with_tls_config(Some(Duration::from_secs(5)), test_server::trusting_client_config());
            for req in 0..3 {
                assert_eq!(body(&client, &url), format!("conn=0 req={req}"), "tls: {tls}");
            }
        }
    }

    #[test]
    fn connections_the_server_closed_while_idle_are_replaced_transparently() {
        for tls in [false, true] {
            let url = url(test_server::start(1, tls), tls);
            let client = StdClient::with_tls_config(Some(Duration::from_secs(5)), test_server::trusting_client_config());
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(body(&client, &url));
                std::thread::sleep(Duration::from_millis(20));
            }
            assert_eq!(seen, ["conn=0 req=0", "conn=1 req=0", "conn=2 req=0"], "tls: {tls}");
        }
    }

    #[test]
    fn untrusted_certificates_fail_the_handshake() {
        let url = url(test_server::start(1, true), true);
        let client = StdClient::new(Some(Duration::from_secs(5)));
        let request = http::Request::post(format!("{url}/")).body(Vec::new()).unwrap();
        let e = client.send(request, 1024, Some(Duration::from_secs(5))).unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Connect, "{e}");
        assert!(e.to_string().contains("TLS handshake with `localhost`") && e.to_string().contains("UnknownIssuer"), "{e}");
    }

    #[test]
    fn a_silent_server_hits_the_attempt_timeout() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let client = StdClient::new(Some(Duration::from_secs(5)));
        let started = Instant::now();
        let request = http::Request::post(url).body(Vec::new()).unwrap();
        let e = client.send(request, 1024, Some(Duration::from_millis(200))).unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Timeout(TimeoutKind::Attempt), "{e}");
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(listener);
    }
}
