//! The transport trait and the default HTTPS client: the crate's HTTP/1.1 codec
//! (`http1.rs`) over tokio and rustls, with connection pooling.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use std::future::poll_fn;
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::error::{TimeoutKind, TransportError, TransportErrorKind};
use crate::client::http1::{encode_request, server_name, tls_config, HttpResponse, Pool, Progress, ResponseReader, Target};
use crate::future::BoxFuture;

/// Sends one request and reads the whole response, failing once the body passes `max_body`.
/// Implement it to carry requests over another HTTP stack.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends `request` (absolute URI, all headers set) and reads the response.
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// How long an idle pooled connection is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(20);
/// The most idle connections kept per endpoint.
const MAX_IDLE: usize = 8;

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
}

/// The default transport: HTTP/1.1 over TLS (rustls with ring, Mozilla roots) or plain HTTP
/// for `http://` endpoints, with a pool of keep-alive connections per endpoint.
#[derive(Clone)]
pub struct HttpsClient {
    tls: tokio_rustls::TlsConnector,
    pool: Arc<Pool<Conn>>,
    connect_timeout: Option<Duration>,
}

impl fmt::Debug for HttpsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpsClient").field("connect_timeout", &self.connect_timeout).finish_non_exhaustive()
    }
}

impl HttpsClient {
    /// A client with the given connect timeout (TCP connect and TLS handshake).
    ///
    /// # Errors
    /// When the TLS configuration cannot be built.
    pub fn new(connect_timeout: Option<Duration>) -> Result<Self, TransportError> {
        Ok(Self::with_tls_config(connect_timeout, tls_config()?))
    }

    /// A client with its own rustls configuration, e.g. trusting a corporate or test CA
    /// (keep ALPN `http/1.1` or empty: the client speaks HTTP/1.1 only).
    pub fn with_tls_config(connect_timeout: Option<Duration>, tls: Arc<rustls::ClientConfig>) -> Self {
        HttpsClient { tls: tokio_rustls::TlsConnector::from(tls), pool: Pool::new(IDLE_TIMEOUT, MAX_IDLE), connect_timeout }
    }

    async fn connect(&self, target: &Target) -> Result<Conn, TransportError> {
        let connect = async {
            let addrs = tokio::net::lookup_host((target.host.as_str(), target.port)).await.map_err(|e| {
                TransportError::new(TransportErrorKind::Connect, format!("resolving `{}`: {e}", target.host))
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
            if !target.tls {
                return Ok(Conn::Plain(tcp));
            }
            let name = server_name(&target.host)?;
            let tls = self.tls.connect(name, tcp).await.map_err(|e| {
                TransportError::new(TransportErrorKind::Connect, format!("TLS handshake with `{}`: {e}", target.host))
            })?;
            Ok(Conn::Tls(Box::new(tls)))
        };
        match self.connect_timeout {
            Some(limit) => tokio::time::timeout(limit, connect).await.unwrap_or_else(|_| {
                Err(TransportError::new(
                    TransportErrorKind::Timeout(TimeoutKind::Connect),
                    format!("connecting to `{}:{}` took longer than {limit:?}", target.host, target.port),
                ))
            }),
            None => connect.await,
        }
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
        let io = |what: &str, e: std::io::Error| TransportError::new(TransportErrorKind::Io, format!("{what}: {e}"));
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

impl HttpClient for HttpsClient {
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let target = Target::of(request.uri())?;
            let mut wire = Vec::new();
            encode_request(&request, &mut wire)?;
            // A pooled connection may have been closed by the server while idle; that shows as
            // a failure before any response byte, and the request then goes on a new connection.
            while let Some(mut conn) = self.pool.take(&target) {
                match Self::exchange(&mut conn, &wire, request.method(), max_body, true).await {
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
            let mut conn = self.connect(&target).await?;
            let (response, reusable) = Self::exchange(&mut conn, &wire, request.method(), max_body, false).await.map_err(|(e, _)| e)?;
            if reusable {
                self.pool.put(target, conn);
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::http1::test_server::{self, url};

    async fn body(client: &HttpsClient, url: &str) -> String {
        let request = http::Request::post(format!("{url}/")).body(b"Action=X".to_vec()).unwrap();
        let response = client.send(request, 1024).await.expect("the request succeeds");
        assert_eq!(response.status, 200);
        String::from_utf8(response.body).unwrap()
    }

    #[tokio::test]
    async fn keep_alive_connections_are_reused() {
        for tls in [false, true] {
            let url = url(test_server::start(100, tls), tls);
            let client = HttpsClient::with_tls_config(Some(Duration::from_secs(5)), test_server::trusting_client_config());
            for req in 0..3 {
                assert_eq!(body(&client, &url).await, format!("conn=0 req={req}"), "tls: {tls}");
            }
        }
    }

    #[tokio::test]
    async fn connections_the_server_closed_while_idle_are_replaced_transparently() {
        for tls in [false, true] {
            let url = url(test_server::start(1, tls), tls);
            let client = HttpsClient::with_tls_config(Some(Duration::from_secs(5)), test_server::trusting_client_config());
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(body(&client, &url).await);
                // Let the server's close arrive, so the next send meets a dead pooled connection.
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            assert_eq!(seen, ["conn=0 req=0", "conn=1 req=0", "conn=2 req=0"], "tls: {tls}");
        }
    }

    #[tokio::test]
    async fn untrusted_certificates_fail_the_handshake() {
        let url = url(test_server::start(1, true), true);
        let client = HttpsClient::new(Some(Duration::from_secs(5))).unwrap();
        let request = http::Request::post(format!("{url}/")).body(Vec::new()).unwrap();
        let e = client.send(request, 1024).await.unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Connect, "{e}");
        assert!(e.to_string().contains("TLS handshake with `localhost`") && e.to_string().contains("UnknownIssuer"), "{e}");
    }

    #[tokio::test]
    async fn refused_connections_are_connect_errors() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let client = HttpsClient::new(Some(Duration::from_secs(5))).unwrap();
        let request = http::Request::post(format!("http://127.0.0.1:{port}/")).body(Vec::new()).unwrap();
        let e = client.send(request, 1024).await.unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Connect, "{e}");
        assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
    }
}
