//! The transport trait and the default HTTPS client: the crate's HTTP/1.1 codec
//! (`http1.rs`) over tokio and rustls, with connection pooling.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::client::http1::{encode_request, HttpResponse, Progress, ResponseReader, Target};
use crate::client::pool::{Pool, PoolConfig};
use crate::client::proxy::{
    absolute_form, check_proxied_status, connect_request, ConnectReader, ProxyConfig, ProxyUrl,
};
use crate::client::tls::{handshake_error, server_name, tls_config, CaBundle};
use crate::error::{TimeoutKind, TransportError, TransportErrorKind};
use crate::future::BoxFuture;

/// Sends one request and reads the whole response, failing once the body passes `max_body`.
/// Implement it to carry requests over another HTTP stack.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends `request` (absolute URI, all headers set) and reads the response.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        max_body: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

// Reads and writes through the poll methods, so tokio's `io-util` feature is not needed.
impl Conn {
    async fn write_all(&mut self, mut data: &[u8]) -> std::io::Result<()> {
        while !data.is_empty() {
            let n = poll_fn(|cx| match self {
                Conn::Plain(s) => Pin::new(s).poll_write(cx, data),
                Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, data),
            })
            .await?;
            if n == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            data = &data[n..];
        }
        poll_fn(|cx| match self {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        })
        .await
    }

    async fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut buf = ReadBuf::new(buf);
        poll_fn(|cx| match self {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, &mut buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, &mut buf),
        })
        .await?;
        Ok(buf.filled().len())
    }

    /// Whether the connection has bytes no request asked for, or was closed by the peer: a
    /// connection in either state must not carry another request. Polls once, never waits.
    fn has_pending(&mut self) -> bool {
        let mut cx = Context::from_waker(Waker::noop());
        let mut byte = [0u8; 1];
        let mut buf = ReadBuf::new(&mut byte);
        let polled = match self {
            Conn::Plain(s) => Pin::new(s).poll_read(&mut cx, &mut buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(&mut cx, &mut buf),
        };
        !matches!(polled, Poll::Pending)
    }
}

/// The default transport: HTTP/1.1 over TLS (rustls with ring, the system's roots and an optional
/// CA bundle) or plain HTTP for `http://` endpoints, directly or through an HTTP proxy, with
/// a bounded pool of keep-alive connections per endpoint.
#[derive(Clone)]
pub struct HttpsClient {
    tls: tokio_rustls::TlsConnector,
    pool: Arc<Pool<Conn>>,
    connect_timeout: Option<Duration>,
    proxy: ProxyConfig,
}

impl fmt::Debug for HttpsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpsClient")
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy)
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

impl HttpsClient {
    /// A client with the given connect timeout (TCP connect and TLS handshake).
    ///
    /// # Errors
    /// When the TLS configuration cannot be built.
    pub fn new(connect_timeout: Option<Duration>) -> Result<Self, TransportError> {
        Self::with_ca_bundle(connect_timeout, None)
    }

    /// A client that trusts the certificate authorities of `ca_bundle` besides the system's roots.
    ///
    /// # Errors
    /// When the TLS configuration cannot be built.
    pub fn with_ca_bundle(
        connect_timeout: Option<Duration>,
        ca_bundle: Option<&CaBundle>,
    ) -> Result<Self, TransportError> {
        Ok(Self::with_tls_config(
            connect_timeout,
            tls_config(ca_bundle)?,
        ))
    }

    /// A client with its own rustls configuration, e.g. trusting a corporate or test CA
    /// (keep ALPN `http/1.1` or empty: the client speaks HTTP/1.1 only).
    pub fn with_tls_config(
        connect_timeout: Option<Duration>,
        tls: Arc<rustls::ClientConfig>,
    ) -> Self {
        HttpsClient {
            tls: tokio_rustls::TlsConnector::from(tls),
            pool: Pool::new(PoolConfig::default()),
            connect_timeout,
            proxy: ProxyConfig::none(),
        }
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
    async fn connect(
        &self,
        target: &Target,
        route: Option<&ProxyUrl>,
    ) -> Result<Conn, TransportError> {
        let connect = async {
            let hop = route.map_or_else(|| target.clone(), ProxyUrl::target);
            let via = |e: TransportError| match route {
                Some(proxy) => {
                    TransportError::new(e.kind().clone(), format!("proxy {proxy}: {}", e.message()))
                }
                None => e,
            };
            let tcp = Self::tcp(&hop).await.map_err(via)?;
            if !target.tls {
                return Ok(Conn::Plain(tcp));
            }
            let tcp = match route {
                Some(proxy) => Self::tunnel(tcp, target, proxy).await?,
                None => tcp,
            };
            let name = server_name(&target.host)?;
            let tls = self.tls.connect(name, tcp).await;
            let tls = tls.map_err(|e| handshake_error(&target.host, &e))?;
            Ok(Conn::Tls(Box::new(tls)))
        };
        match self.connect_timeout {
            Some(limit) => tokio::time::timeout(limit, connect)
                .await
                .unwrap_or_else(|_| {
                    Err(TransportError::new(
                        TransportErrorKind::Timeout(TimeoutKind::Connect),
                        format!(
                            "connecting to `{}:{}` took longer than {limit:?}",
                            target.host, target.port
                        ),
                    ))
                }),
            None => connect.await,
        }
    }

    /// Opens a `CONNECT` tunnel to `target` on `tcp`, a connection to `proxy`.
    async fn tunnel(
        tcp: TcpStream,
        target: &Target,
        proxy: &ProxyUrl,
    ) -> Result<TcpStream, TransportError> {
        let io = |e: std::io::Error| {
            TransportError::new(TransportErrorKind::Connect, format!("proxy {proxy}: {e}"))
        };
        let mut conn = Conn::Plain(tcp);
        conn.write_all(&connect_request(target, proxy))
            .await
            .map_err(io)?;
        let mut reader = ConnectReader::default();
        let mut buf = [0; 1024];
        loop {
            let n = conn.read(&mut buf).await.map_err(io)?;
            if n == 0 {
                return Err(io(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "closed the connection before answering CONNECT",
                )));
            }
            if reader.feed(&buf[..n], target, proxy)? {
                break;
            }
        }
        match conn {
            Conn::Plain(tcp) => Ok(tcp),
            Conn::Tls(_) => Err(io(std::io::ErrorKind::InvalidInput.into())),
        }
    }

    /// A TCP connection to the first address of `target` that accepts one.
    async fn tcp(target: &Target) -> Result<TcpStream, TransportError> {
        let addrs = tokio::net::lookup_host((target.host.as_str(), target.port))
            .await
            .map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Connect,
                    format!("resolving `{}`: {e}", target.host),
                )
            })?;
        let mut last = None;
        let mut tcp = None;
        for addr in addrs {
            match TcpStream::connect(addr).await {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => last = Some(format!("{addr}: {e}")),
            }
        }
        let tcp = tcp.ok_or_else(|| target.unreachable(last))?;
        // Requests are small and answered at once: do not wait to coalesce segments.
        let _ = tcp.set_nodelay(true);
        Ok(tcp)
    }

    /// One exchange on `conn`. `Err((error, retry_on_new))`: `retry_on_new` when a reused
    /// connection failed before any byte of the response arrived (the server had closed it).
    async fn exchange(
        conn: &mut Conn,
        wire: &[u8],
        method: &http::Method,
        max_body: usize,
        reused: bool,
    ) -> Result<(HttpResponse, bool), (TransportError, bool)> {
        let io = |what: &str, e: std::io::Error| {
            TransportError::new(TransportErrorKind::Io, format!("{what}: {e}"))
        };
        if let Err(e) = conn.write_all(wire).await {
            return Err((io("sending the request", e), reused));
        }
        let mut reader = ResponseReader::new(method, max_body);
        let mut buf = vec![0; 16 * 1024];
        loop {
            let n = match conn.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => return Err((io("reading the response", e), reused && !reader.started)),
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

impl HttpClient for HttpsClient {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        max_body: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let target = Target::of(request.uri())?;
            let route = self.proxy.route(&target);
            let mut wire = Vec::new();
            encode_request(&request, &mut wire)?;
            if let (Some(proxy), false) = (route, target.tls) {
                wire = absolute_form(&wire, &target, proxy);
            }
            // A slot of the endpoint: a parked connection or room for a new one; beyond the
            // limit this waits (the caller's attempt timeout bounds it by dropping the future).
            // The lease frees the slot when dropped, also when this future is dropped mid-read.
            let mut lease = self.pool.acquire(&target).await;
            loop {
                // A parked connection with bytes waiting (a response nobody asked for) or
                // closed by the server is discarded; the request then goes on a new one.
                let parked = lease
                    .take()
                    .and_then(|mut conn| (!conn.has_pending()).then_some(conn));
                let reused = parked.is_some();
                let mut conn = match parked {
                    Some(conn) => conn,
                    None => self.connect(&target, route).await?,
                };
                match Self::exchange(&mut conn, &wire, request.method(), max_body, reused).await {
                    Ok((response, reusable)) => {
                        // Only a response that ended cleanly with nothing after it frees the
                        // connection for the next request.
                        if reusable && !conn.has_pending() {
                            lease.put_back(conn);
                        }
                        if let (Some(proxy), false) = (route, target.tls) {
                            check_proxied_status(response.status, &target, proxy)?;
                        }
                        return Ok(response);
                    }
                    // A parked connection failed before any response byte (the server had
                    // closed it): the request goes on a new connection.
                    Err((_, true)) => continue,
                    Err((e, false)) => return Err(e),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::http1::test_server::{self, url};

    async fn body(client: &HttpsClient, url: &str) -> String {
        let request = http::Request::post(format!("{url}/"))
            .body(b"Action=X".to_vec())
            .unwrap();
        let response = client
            .send(request, 1024)
            .await
            .expect("the request succeeds");
        assert_eq!(response.status, 200);
        String::from_utf8(response.body).unwrap()
    }

    #[tokio::test]
    async fn keep_alive_connections_are_reused() {
        for tls in [false, true] {
            let url = url(test_server::start(100, tls), tls);
            let client = HttpsClient::with_tls_config(
                Some(Duration::from_secs(5)),
                test_server::trusting_client_config(),
            );
            for req in 0..3 {
                assert_eq!(
                    body(&client, &url).await,
                    format!("conn=0 req={req}"),
                    "tls: {tls}"
                );
            }
        }
    }

    #[tokio::test]
    async fn connections_the_server_closed_while_idle_are_replaced_transparently() {
        for tls in [false, true] {
            let url = url(test_server::start(1, tls), tls);
            let client = HttpsClient::with_tls_config(
                Some(Duration::from_secs(5)),
                test_server::trusting_client_config(),
            );
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(body(&client, &url).await);
                // Let the server's close arrive, so the next send meets a dead pooled connection.
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            assert_eq!(
                seen,
                ["conn=0 req=0", "conn=1 req=0", "conn=2 req=0"],
                "tls: {tls}"
            );
        }
    }

    #[tokio::test]
    async fn untrusted_certificates_fail_the_handshake() {
        let url = url(test_server::start(1, true), true);
        let client = HttpsClient::new(Some(Duration::from_secs(5))).unwrap();
        let request = http::Request::post(format!("{url}/"))
            .body(Vec::new())
            .unwrap();
        let e = client.send(request, 1024).await.unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Connect, "{e}");
        assert!(
            e.to_string().contains("TLS handshake with `localhost`")
                && e.to_string().contains("UnknownIssuer"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn refused_connections_are_connect_errors() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = HttpsClient::new(Some(Duration::from_secs(5))).unwrap();
        let request = http::Request::post(format!("http://127.0.0.1:{port}/"))
            .body(Vec::new())
            .unwrap();
        let e = client.send(request, 1024).await.unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Connect, "{e}");
        assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
    }
}
