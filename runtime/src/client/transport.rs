//! The transport trait and the default HTTPS client (hyper + rustls).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

use crate::client::error::{TimeoutKind, TransportError, TransportErrorKind};
use crate::credentials::BoxFuture;

/// A response read whole (bounded by the body cap).
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: http::HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

/// Sends one request and reads the whole response, failing once the body passes `max_body`.
/// Implement it to carry requests over another HTTP stack.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends `request` (absolute URI, all headers set) and reads the response.
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

type Connector = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// The default transport: HTTP/1.1 over TLS (rustls with ring, Mozilla roots) or plain HTTP
/// for `http://` endpoints, with connection pooling.
#[derive(Clone)]
pub struct HyperClient {
    inner: hyper_util::client::legacy::Client<Connector, Full<Bytes>>,
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HyperClient")
    }
}

impl HyperClient {
    /// A client with the given connect timeout.
    ///
    /// # Errors
    /// When the TLS configuration cannot be built.
    pub fn new(connect_timeout: Option<Duration>) -> Result<Self, TransportError> {
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(connect_timeout);
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| TransportError::new(TransportErrorKind::Connect, format!("TLS setup: {e}")))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let inner = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(20))
            .build(https);
        Ok(HyperClient { inner })
    }
}

fn classify(e: &hyper_util::client::legacy::Error) -> TransportError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_connect() {
        let kind = if message.contains("timed out") || message.contains("timeout") {
            TransportErrorKind::Timeout(TimeoutKind::Connect)
        } else {
            TransportErrorKind::Connect
        };
        TransportError::new(kind, message)
    } else {
        TransportError::new(TransportErrorKind::Io, message)
    }
}

impl HttpClient for HyperClient {
    fn send(&self, request: http::Request<Vec<u8>>, max_body: usize) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
            let response = self.inner.request(request).await.map_err(|e| classify(&e))?;
            let (parts, mut body) = response.into_parts();
            if let Some(len) = parts.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok()) {
                if len > max_body {
                    return Err(TransportError::new(TransportErrorKind::BodyTooLarge { limit: max_body }, ""));
                }
            }
            let mut out = Vec::new();
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| TransportError::new(TransportErrorKind::Io, format!("reading the body: {e}")))?;
                if let Ok(data) = frame.into_data() {
                    if out.len() + data.len() > max_body {
                        return Err(TransportError::new(TransportErrorKind::BodyTooLarge { limit: max_body }, ""));
                    }
                    out.extend_from_slice(&data);
                }
            }
            Ok(HttpResponse { status: parts.status.as_u16(), headers: parts.headers, body: out })
        })
    }
}
