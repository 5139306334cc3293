//! The blocking client core: the same request building, signing, classification and retry
//! policy as the async orchestrator, over a blocking transport (the crate's HTTP/1.1 codec over `std::net` and rustls by default).

use std::fmt;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::client::config::ClientConfig;
use crate::client::http1::{encode_request, HttpResponse, Progress, ResponseReader, Target};
use crate::client::invoke::{
    build_uri, classify, next_wait, operation_timeout, prepare_request, ClientHandle, Failure,
    OperationCall, Outcome, Parse, PrepareError, ServiceError, Slot,
};
use crate::client::pool::{Pool, PoolConfig};
use crate::client::proxy::{
    absolute_form, check_proxied_status, connect_request, ConnectReader, ProxyConfig, ProxyUrl,
};
use crate::client::tls::{handshake_error, server_name, tls_config, CaBundle};
use crate::credentials::CredentialsError;
use crate::error::{SdkError, TimeoutKind, TransportError, TransportErrorKind};
use crate::future::block_on;

/// Sends one request and reads the whole response, blocking the thread.
pub trait BlockingHttpClient: Send + Sync + fmt::Debug {
    /// Sends `request` with at most `timeout` for the whole exchange.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        max_body: usize,
        timeout: Option<Duration>,
    ) -> Result<HttpResponse, TransportError>;
}

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

    /// Whether the connection has bytes no request asked for, or was closed by the peer: a
    /// connection in either state must not carry another request. Reads once without waiting.
    fn has_pending(&mut self) -> bool {
        if self.socket().set_nonblocking(true).is_err() {
            return true;
        }
        let mut byte = [0u8; 1];
        let idle =
            matches!(self.read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
        self.socket().set_nonblocking(false).is_err() || !idle
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
/// (ring, the system's roots and an optional CA bundle), directly or through an HTTP proxy, with a
/// bounded pool of keep-alive connections per endpoint.
pub struct StdClient {
    /// Built on the first TLS connection.
    tls: std::sync::OnceLock<Result<Arc<rustls::ClientConfig>, TransportError>>,
    ca_bundle: Option<CaBundle>,
    pool: Arc<Pool<Conn>>,
    connect_timeout: Option<Duration>,
    proxy: ProxyConfig,
}

impl fmt::Debug for StdClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StdClient")
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy)
            .field("ca_bundle", &self.ca_bundle)
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

fn timed_out(kind: TimeoutKind, what: String) -> TransportError {
    TransportError::new(TransportErrorKind::Timeout(kind), what)
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

impl StdClient {
    /// A client with the given connect timeout (TCP connect and TLS handshake).
    pub fn new(connect_timeout: Option<Duration>) -> Self {
        StdClient {
            tls: std::sync::OnceLock::new(),
            ca_bundle: None,
            pool: Pool::new(PoolConfig::default()),
            connect_timeout,
            proxy: ProxyConfig::none(),
        }
    }

    /// A client with its own rustls configuration, e.g. trusting a corporate or test CA
    /// (keep ALPN `http/1.1` or empty: the client speaks HTTP/1.1 only).
    pub fn with_tls_config(
        connect_timeout: Option<Duration>,
        tls: Arc<rustls::ClientConfig>,
    ) -> Self {
        StdClient {
            tls: std::sync::OnceLock::from(Ok(tls)),
            ..Self::new(connect_timeout)
        }
    }

    /// Trusts the certificate authorities of `ca_bundle` besides the system's roots (replacing
    /// a configuration given to [`with_tls_config`](Self::with_tls_config)); `None` changes
    /// nothing.
    pub fn with_ca_bundle(mut self, ca_bundle: Option<CaBundle>) -> Self {
        if ca_bundle.is_some() {
            self.ca_bundle = ca_bundle;
            self.tls = std::sync::OnceLock::new();
        }
        self
    }

    /// Sends requests through the proxies of `proxy` (none by default).
    pub fn with_proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = proxy;
        self
    }

    /// Bounds connections as `limits` says (a new, empty pool).
    pub fn with_connections(mut self, limits: PoolConfig) -> Self {
        self.pool = Pool::new(limits);
        self
    }

    /// A connection to `target`: TCP to the target or to its proxy, a `CONNECT` tunnel
    /// through the proxy for TLS targets, then TLS with the target.
    fn connect(
        &self,
        target: &Target,
        route: Option<&ProxyUrl>,
        deadline: Option<Instant>,
    ) -> Result<Conn, TransportError> {
        let hop = route.map_or_else(|| target.clone(), ProxyUrl::target);
        let connect_deadline = self.connect_deadline(Instant::now(), deadline);
        let tcp = Self::tcp(&hop, connect_deadline, deadline).map_err(|e| match route {
            Some(proxy) => {
                TransportError::new(e.kind().clone(), format!("proxy {proxy}: {}", e.message()))
            }
            None => e,
        })?;
        self.secure(tcp, target, route, connect_deadline, deadline)
    }

    fn connect_deadline(&self, started: Instant, deadline: Option<Instant>) -> Option<Instant> {
        match (self.connect_timeout.map(|t| started + t), deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// A TCP connection to `target` by `connect_deadline` (the earlier of the connect timeout
    /// and the attempt's `deadline`).
    fn tcp(
        target: &Target,
        connect_deadline: Option<Instant>,
        deadline: Option<Instant>,
    ) -> Result<TcpStream, TransportError> {
        let kind = |at: Option<Instant>| {
            if at == deadline && deadline.is_some() {
                TimeoutKind::Attempt
            } else {
                TimeoutKind::Connect
            }
        };
        let addrs = (target.host.as_str(), target.port)
            .to_socket_addrs()
            .map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Connect,
                    format!("resolving `{}`: {e}", target.host),
                )
            })?;
        let mut last = None;
        let mut tcp = None;
        for addr in addrs {
            let attempt = match connect_deadline {
                Some(at) => {
                    let left = at.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(timed_out(
                            kind(connect_deadline),
                            format!("connecting to `{}:{}` timed out", target.host, target.port),
                        ));
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
                    return Err(timed_out(
                        kind(connect_deadline),
                        format!("connecting to `{}:{}` timed out", target.host, target.port),
                    ))
                }
                Err(e) => last = Some(format!("{addr}: {e}")),
            }
        }
        let tcp = tcp.ok_or_else(|| target.unreachable(last))?;
        let _ = tcp.set_nodelay(true);
        Ok(tcp)
    }

    /// Tunnels through `route` for TLS targets, then runs the TLS handshake with `target`.
    fn secure(
        &self,
        mut tcp: TcpStream,
        target: &Target,
        route: Option<&ProxyUrl>,
        connect_deadline: Option<Instant>,
        deadline: Option<Instant>,
    ) -> Result<Conn, TransportError> {
        if !target.tls {
            return Ok(Conn::Plain(tcp));
        }
        let kind = |at: Option<Instant>| {
            if at == deadline && deadline.is_some() {
                TimeoutKind::Attempt
            } else {
                TimeoutKind::Connect
            }
        };
        if let Some(proxy) = route {
            set_timeout(&tcp, connect_deadline)
                .map_err(|e| timed_out(kind(connect_deadline), e))?;
            let fail = |e: std::io::Error| {
                if is_timeout(&e) {
                    timed_out(
                        kind(connect_deadline),
                        format!("proxy {proxy}: no answer to CONNECT in time"),
                    )
                } else {
                    TransportError::new(TransportErrorKind::Connect, format!("proxy {proxy}: {e}"))
                }
            };
            tcp.write_all(&connect_request(target, proxy))
                .map_err(fail)?;
            let mut reader = ConnectReader::default();
            let mut buf = [0; 1024];
            loop {
                let n = match tcp.read(&mut buf) {
                    Ok(0) => {
                        return Err(fail(std::io::Error::new(
                            std::io::ErrorKind::UnexpectedEof,
                            "closed the connection before answering CONNECT",
                        )))
                    }
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(fail(e)),
                };
                if reader.feed(&buf[..n], target, proxy)? {
                    break;
                }
            }
        }
        let name = server_name(&target.host)?;
        let config = self
            .tls
            .get_or_init(|| tls_config(self.ca_bundle.as_ref()))
            .clone()?;
        let tls = rustls::ClientConnection::new(config, name).map_err(|e| {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("TLS setup for `{}`: {e}", target.host),
            )
        })?;
        let mut stream = rustls::StreamOwned::new(tls, tcp);
        set_timeout(stream.get_ref(), connect_deadline)
            .map_err(|e| timed_out(kind(connect_deadline), e))?;
        while stream.conn.is_handshaking() {
            if let Err(e) = stream.conn.complete_io(&mut stream.sock) {
                return Err(if is_timeout(&e) {
                    timed_out(
                        kind(connect_deadline),
                        format!("TLS handshake with `{}` timed out", target.host),
                    )
                } else {
                    handshake_error(&target.host, &e)
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
                timed_out(
                    TimeoutKind::Attempt,
                    format!("{what}: the attempt timed out"),
                )
            } else {
                TransportError::new(TransportErrorKind::Io, format!("{what}: {e}"))
            }
        };
        set_timeout(conn.socket(), deadline)
            .map_err(|e| (timed_out(TimeoutKind::Attempt, e), false))?;
        if let Err(e) = conn.write_all(wire).and_then(|()| conn.flush()) {
            let stale = reused && !is_timeout(&e);
            return Err((fail("sending the request", e), stale));
        }
        let mut reader = ResponseReader::new(method, max_body);
        let mut buf = vec![0; 16 * 1024];
        loop {
            set_timeout(conn.socket(), deadline)
                .map_err(|e| (timed_out(TimeoutKind::Attempt, e), false))?;
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
                return reader
                    .eof()
                    .map(|r| (r, false))
                    .map_err(|e| (e, reused && !started));
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
    socket
        .set_read_timeout(left)
        .and_then(|()| socket.set_write_timeout(left))
        .map_err(|e| format!("setting a socket timeout: {e}"))
}

impl BlockingHttpClient for StdClient {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        max_body: usize,
        timeout: Option<Duration>,
    ) -> Result<HttpResponse, TransportError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let target = Target::of(request.uri())?;
        let route = self.proxy.route(&target);
        let mut wire = Vec::new();
        encode_request(&request, &mut wire)?;
        if let (Some(proxy), false) = (route, target.tls) {
            wire = absolute_form(&wire, &target, proxy);
        }
        // A slot of the endpoint (see the async transport); beyond the limit this waits until
        // the deadline. The lease frees the slot when dropped, whatever happens below.
        let mut lease = self.pool.acquire_blocking(&target, deadline).ok_or_else(|| {
            timed_out(
                TimeoutKind::Attempt,
                format!("waiting for one of the connections to `{}:{}` (all in use): the attempt timed out", target.host, target.port),
            )
        })?;
        loop {
            let parked = lease
                .take()
                .and_then(|mut conn| (!conn.has_pending()).then_some(conn));
            let reused = parked.is_some();
            let mut conn = match parked {
                Some(conn) => conn,
                None => self.connect(&target, route, deadline)?,
            };
            match Self::exchange(
                &mut conn,
                &wire,
                request.method(),
                max_body,
                deadline,
                reused,
            ) {
                Ok((response, reusable)) => {
                    if reusable && !conn.has_pending() {
                        lease.put_back(conn);
                    }
                    if let (Some(proxy), false) = (route, target.tls) {
                        check_proxied_status(response.status, &target, proxy)?;
                    }
                    return Ok(response);
                }
                Err((_, true)) => continue,
                Err((e, false)) => return Err(e),
            }
        }
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
        let http = http.unwrap_or_else(|| {
            Arc::new(
                StdClient::new(config.timeouts.connect)
                    .with_ca_bundle(config.ca_bundle.clone())
                    .with_proxy(config.proxy.clone())
                    .with_connections(config.connections),
            )
        });
        BlockingClientHandle {
            core: ClientHandle::without_transport(config),
            http,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.core.config
    }
}

/// Runs one operation on the calling thread: the blocking counterpart of [`invoke`](crate::client::invoke).
pub fn invoke_blocking<O, E: ServiceError>(
    handle: &BlockingClientHandle,
    call: OperationCall<O, E>,
) -> Result<O, SdkError<E>> {
    let mut slot = Slot::new(call.parse_output, call.parse_error);
    let ended = run_attempts_blocking(
        handle,
        &call.request,
        &call.endpoint,
        call.name,
        call.signing_name,
        call.unsigned,
        &mut slot,
    );
    slot.finish(ended)
}

/// The retry loop of [`invoke_blocking`], without the operation's types (compiled once).
fn run_attempts_blocking(
    handle: &BlockingClientHandle,
    request: &http::Request<Vec<u8>>,
    endpoint: &crate::endpoint::Endpoint,
    name: &'static str,
    signing_name: &'static str,
    unsigned: bool,
    parse: &mut dyn Parse,
) -> Result<(), Failure> {
    let core = &handle.core;
    let cfg = &core.config;
    let started = Instant::now();
    let deadline = cfg.timeouts.operation.map(|d| started + d);
    let mut skew_retried = false;
    let url = build_uri(endpoint, request.uri()).map_err(SdkError::Endpoint)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let credentials = if unsigned {
            None
        } else {
            let provider = cfg.credentials.as_ref().ok_or_else(|| {
                SdkError::Credentials(CredentialsError::NotLoaded {
                    provider: "client",
                    reason:
                        "no credentials provider is configured and the operation must be signed"
                            .to_owned(),
                })
            })?;
            let creds = block_on(provider.provide_credentials()).map_err(SdkError::Credentials)?;
            core.check_expiry(&creds).map_err(SdkError::Credentials)?;
            Some(creds)
        };
        let prepared = prepare_request(
            core,
            name,
            signing_name,
            request,
            endpoint,
            &url,
            credentials.as_ref(),
        )
        .map_err(PrepareError::into_sdk)?;
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let budget = match (cfg.timeouts.attempt, remaining) {
            (Some(a), Some(r)) => Some(a.min(r)),
            (a, r) => a.or(r),
        };
        let sent = handle.http.send(prepared, cfg.max_response_body, budget);
        if let Some(e) = operation_timeout(cfg, &sent, deadline, attempt) {
            return Err(Failure::Other(e));
        }
        let failure = match classify(core, parse, sent, attempt, &mut skew_retried) {
            Outcome::Done(result) => return result,
            Outcome::Retry(failure) => failure,
        };
        let wait = next_wait(cfg, failure, attempt, deadline)?;
        std::thread::sleep(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::http1::test_server::{self, url};

    fn body(client: &StdClient, url: &str) -> String {
        let request = http::Request::post(format!("{url}/"))
            .body(b"Action=X".to_vec())
            .unwrap();
        let response = client
            .send(request, 1024, Some(Duration::from_secs(5)))
            .expect("the request succeeds");
        assert_eq!(response.status, 200);
        String::from_utf8(response.body).unwrap()
    }

    #[test]
    fn keep_alive_connections_are_reused() {
        for tls in [false, true] {
            let url = url(test_server::start(100, tls), tls);
            let client = StdClient::with_tls_config(
                Some(Duration::from_secs(5)),
                test_server::trusting_client_config(),
            );
            for req in 0..3 {
                assert_eq!(
                    body(&client, &url),
                    format!("conn=0 req={req}"),
                    "tls: {tls}"
                );
            }
        }
    }

    #[test]
    fn connections_the_server_closed_while_idle_are_replaced_transparently() {
        for tls in [false, true] {
            let url = url(test_server::start(1, tls), tls);
            let client = StdClient::with_tls_config(
                Some(Duration::from_secs(5)),
                test_server::trusting_client_config(),
            );
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(body(&client, &url));
                std::thread::sleep(Duration::from_millis(20));
            }
            assert_eq!(
                seen,
                ["conn=0 req=0", "conn=1 req=0", "conn=2 req=0"],
                "tls: {tls}"
            );
        }
    }

    #[test]
    fn untrusted_certificates_fail_the_handshake() {
        let url = url(test_server::start(1, true), true);
        let client = StdClient::new(Some(Duration::from_secs(5)));
        let request = http::Request::post(format!("{url}/"))
            .body(Vec::new())
            .unwrap();
        let e = client
            .send(request, 1024, Some(Duration::from_secs(5)))
            .unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Connect, "{e}");
        assert!(
            e.to_string().contains("TLS handshake with `localhost`")
                && e.to_string().contains("UnknownIssuer"),
            "{e}"
        );
    }

    #[test]
    fn a_silent_server_hits_the_attempt_timeout() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let client = StdClient::new(Some(Duration::from_secs(5)));
        let started = Instant::now();
        let request = http::Request::post(url).body(Vec::new()).unwrap();
        let e = client
            .send(request, 1024, Some(Duration::from_millis(200)))
            .unwrap_err();
        assert_eq!(
            e.kind(),
            &TransportErrorKind::Timeout(TimeoutKind::Attempt),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(listener);
    }
}
