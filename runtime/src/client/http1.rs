//! A small sans-IO HTTP/1.1 client codec: request encoding and an incremental response reader
//! (status line, headers, `Content-Length`, `chunked` and read-to-close bodies), shared by the
//! async and the blocking transports.
//!
//! AWS query APIs need a small subset of HTTP/1.1: one request, one whole response, keep-alive.
//! Writing that subset here instead of depending on hyper, hyper-util, http-body and their
//! futures crates removes about fifteen crates from a build (README, design section); the
//! code is covered by the unit tests below, the fault-injection suite (resets, stalls,
//! truncation, oversized and garbage bodies) and the end-to-end tests against moto.

use crate::error::{TransportError, TransportErrorKind};

/// A response read whole (bounded by the body cap).
///
/// `Debug` shows the status, the headers (the values of those that can carry secrets
/// redacted) and the body's length, never the body (an STS response holds credentials).
#[derive(Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: http::HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

/// Response headers whose values `Debug` never shows.
const SECRET_HEADERS: &[&str] = &[
    "set-cookie",
    "authorization",
    "proxy-authorization",
    "x-amz-security-token",
    "cookie",
];

impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Headers<'a>(&'a http::HeaderMap);
        impl std::fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut m = f.debug_map();
                for (name, value) in self.0 {
                    if SECRET_HEADERS.contains(&name.as_str()) {
                        m.entry(&name.as_str(), &crate::sensitive::REDACTED);
                    } else {
                        m.entry(&name.as_str(), value);
                    }
                }
                m.finish()
            }
        }
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &Headers(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The most bytes a response head (status line and headers) may take.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// The most header lines a response may have.
pub(crate) const MAX_HEADERS: usize = 128;
/// The most bytes a chunk-size line (size and extensions) may take.
const MAX_CHUNK_LINE: usize = 4 * 1024;
/// The most bytes the trailer section after the last chunk may take (all its lines together).
const MAX_TRAILERS: usize = 16 * 1024;
/// The most interim (1xx) responses accepted before the final one. Servers send at most one
/// `100 Continue` and a few `103 Early Hints`; more is a server that never answers.
const MAX_INTERIM: usize = 10;

fn too_large(limit: usize, what: String) -> TransportError {
    TransportError::new(TransportErrorKind::BodyTooLarge { limit }, what)
}

fn invalid(message: impl Into<String>) -> TransportError {
    TransportError::new(
        TransportErrorKind::Io,
        format!("invalid HTTP response: {}", message.into()),
    )
}

/// Where a request goes: scheme, host (without brackets) and port, the pool key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub tls: bool,
    pub host: String,
    pub port: u16,
}

impl Target {
    /// The target of an absolute `http` or `https` URI.
    pub fn of(uri: &http::Uri) -> Result<Target, TransportError> {
        let bad = |why: &str| {
            TransportError::new(
                TransportErrorKind::InvalidRequest,
                format!("URL `{uri}` {why}"),
            )
        };
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(bad("must start with http:// or https://")),
        };
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("has no host"))?;
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let port = match uri.port_u16() {
            Some(p) => p,
            None if uri.authority().is_some_and(|a| {
                a.as_str()
                    .rsplit_once(':')
                    .is_some_and(|(_, p)| !p.contains(']'))
            }) =>
            {
                return Err(bad("has an invalid port"))
            }
            None if tls => 443,
            None => 80,
        };
        Ok(Target {
            tls,
            host: host.to_owned(),
            port,
        })
    }

    /// No address of the host accepted a connection; `last` is the last address's failure.
    pub fn unreachable(&self, last: Option<String>) -> TransportError {
        let why = last.unwrap_or_else(|| "no addresses".to_owned());
        TransportError::new(
            TransportErrorKind::Connect,
            format!("connecting to `{}`: {why}", self.host),
        )
    }
}

/// Writes `request` as an HTTP/1.1 message: request line, headers (a `host` header from the
/// URI when the request has none, `content-length` for a body), blank line, body.
pub(crate) fn encode_request(
    request: &http::Request<Vec<u8>>,
    out: &mut Vec<u8>,
) -> Result<(), TransportError> {
    let method = request.method().as_str();
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .filter(|p| !p.is_empty())
        .unwrap_or("/");
    out.reserve(256 + request.body().len());
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    let headers = request.headers();
    if !headers.contains_key(http::header::HOST) {
        let authority = request.uri().authority().ok_or_else(|| {
            TransportError::new(
                TransportErrorKind::InvalidRequest,
                "the request has neither a host header nor an absolute URI",
            )
        })?;
        out.extend_from_slice(b"host: ");
        out.extend_from_slice(authority.as_str().as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    for (name, value) in headers {
        if name == http::header::CONTENT_LENGTH || name == http::header::TRANSFER_ENCODING {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    let body = request.body();
    if !body.is_empty()
        || !matches!(
            *request.method(),
            http::Method::GET | http::Method::HEAD | http::Method::OPTIONS
        )
    {
        out.extend_from_slice(b"content-length: ");
        out.extend_from_slice(body.len().to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    Ok(())
}

/// How the body of a response is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// Exactly this many bytes.
    Length(usize),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the server closes the connection.
    UntilClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// Reading a chunk-size line.
    Size,
    /// Inside a chunk's data, this many bytes left.
    Data(usize),
    /// The CRLF after a chunk's data.
    DataEnd,
    /// The trailer section after the last (zero-size) chunk.
    Trailers,
}

#[derive(Debug)]
enum State {
    Head,
    Body { framing: Framing, chunk: Chunk },
}

/// What [`ResponseReader::feed`] found.
#[derive(Debug)]
pub(crate) enum Progress {
    /// More bytes are needed.
    NeedMore,
    /// The response is complete; `reusable` says whether the connection can carry another request.
    Done {
        response: HttpResponse,
        reusable: bool,
    },
}

/// Reads one response from the bytes a connection delivers, bounding the head and the body.
#[derive(Debug)]
pub(crate) struct ResponseReader {
    max_body: usize,
    head_request: bool,
    buf: Vec<u8>,
    state: State,
    status: u16,
    headers: http::HeaderMap,
    keep_alive: bool,
    /// The response is HTTP/1.1 (not 1.0).
    http11: bool,
    body: Vec<u8>,
    /// How much of `buf` was already searched for the end of the head.
    scanned: usize,
    /// Interim (1xx) responses skipped so far.
    interim: usize,
    /// Trailer-section bytes read so far.
    trailer_bytes: usize,
    /// Set when a response completed: whether its connection may carry another request.
    reusable: bool,
    /// Whether any byte of the response arrived (a reused connection that closes before
    /// answering can be retried on a new one).
    pub started: bool,
}

impl ResponseReader {
    /// A reader for the response to a request with `method`, failing once the body passes `max_body`.
    pub fn new(method: &http::Method, max_body: usize) -> Self {
        ResponseReader {
            max_body,
            head_request: *method == http::Method::HEAD,
            buf: Vec::new(),
            state: State::Head,
            status: 0,
            headers: http::HeaderMap::new(),
            keep_alive: true,
            http11: true,
            body: Vec::new(),
            scanned: 0,
            interim: 0,
            trailer_bytes: 0,
            reusable: false,
            started: false,
        }
    }

    /// Whether the connection that carried the response may carry another request: `true` only
    /// after [`feed`](Self::feed) returned [`Progress::Done`] for a response whose framing was
    /// unambiguous (`Content-Length`, or `chunked` on HTTP/1.1 without a `Content-Length`),
    /// that allows keep-alive (HTTP/1.1 without `Connection: close`, or HTTP/1.0 with
    /// `Connection: keep-alive`), and after which no byte was left over. `false` before the
    /// response is complete, after an error and after a read-to-close body. The same verdict as
    /// `Progress::Done::reusable`; the pool consults it before parking a connection (it still
    /// has to check that nothing else arrived on the socket since).
    #[cfg_attr(not(any(test, feature = "fuzzing")), allow(dead_code))]
    pub fn reusable(&self) -> bool {
        self.reusable
    }

    /// Takes the next bytes from the connection.
    pub fn feed(&mut self, data: &[u8]) -> Result<Progress, TransportError> {
        if !data.is_empty() {
            self.started = true;
        }
        self.buf.extend_from_slice(data);
        loop {
            match self.state {
                State::Head => {
                    // Resume the search where the last one stopped (a terminator is at most 3 bytes).
                    let Some(end) = find_head_end(&self.buf, self.scanned.saturating_sub(3)) else {
                        if self.buf.len() > MAX_HEAD {
                            return Err(invalid(format!(
                                "the response head is larger than {MAX_HEAD} bytes"
                            )));
                        }
                        self.scanned = self.buf.len();
                        return Ok(Progress::NeedMore);
                    };
                    if end > MAX_HEAD {
                        return Err(invalid(format!(
                            "the response head is larger than {MAX_HEAD} bytes"
                        )));
                    }
                    self.scanned = 0;
                    let head: Vec<u8> = self.buf.drain(..end).collect();
                    self.parse_head(&head)?;
                    if (100..200).contains(&self.status) {
                        if self.status == 101 {
                            return Err(invalid("the server switched protocols (101)"));
                        }
                        // An interim response (100 Continue, 103 Early Hints): the real one follows.
                        self.interim += 1;
                        if self.interim > MAX_INTERIM {
                            return Err(invalid(format!(
                                "more than {MAX_INTERIM} interim (1xx) responses"
                            )));
                        }
                        self.headers.clear();
                        continue;
                    }
                    let framing = self.framing()?;
                    if let Framing::Length(n) = framing {
                        if n > self.max_body {
                            return Err(too_large(
                                self.max_body,
                                format!(
                                    "content-length announces {n} bytes (status {})",
                                    self.status
                                ),
                            ));
                        }
                        // No reservation from the announced length: the body grows as bytes arrive.
                    }
                    if framing == Framing::UntilClose {
                        self.keep_alive = false;
                    }
                    self.state = State::Body {
                        framing,
                        chunk: Chunk::Size,
                    };
                }
                State::Body { framing, chunk } => return self.body_progress(framing, chunk),
            }
        }
    }

    /// The connection was closed by the peer: completes a read-to-close body, or fails.
    pub fn eof(&mut self) -> Result<HttpResponse, TransportError> {
        match self.state {
            State::Body {
                framing: Framing::UntilClose,
                ..
            } => {
                let mut body = std::mem::take(&mut self.buf);
                if self.body.len() + body.len() > self.max_body {
                    return Err(too_large(
                        self.max_body,
                        format!(
                            "the body read until close has {} bytes",
                            self.body.len() + body.len()
                        ),
                    ));
                }
                let mut all = std::mem::take(&mut self.body);
                all.append(&mut body);
                Ok(self.finish(all))
            }
            State::Head if !self.started => Err(TransportError::new(
                TransportErrorKind::Io,
                "the connection was closed before a response arrived",
            )),
            State::Head => Err(TransportError::new(
                TransportErrorKind::Io,
                "the connection was closed in the middle of the response head",
            )),
            State::Body {
                framing: Framing::Length(n),
                ..
            } => Err(TransportError::new(
                TransportErrorKind::Io,
                format!(
                    "the connection was closed after {} of {n} body bytes (status {})",
                    self.body.len() + self.buf.len(),
                    self.status
                ),
            )),
            State::Body {
                framing: Framing::Chunked,
                ..
            } => Err(TransportError::new(
                TransportErrorKind::Io,
                format!(
                    "the connection was closed in the middle of a chunked body (status {})",
                    self.status
                ),
            )),
        }
    }

    fn finish(&mut self, body: Vec<u8>) -> HttpResponse {
        HttpResponse {
            status: self.status,
            headers: std::mem::take(&mut self.headers),
            body,
        }
    }

    fn parse_head(&mut self, head: &[u8]) -> Result<(), TransportError> {
        let text =
            std::str::from_utf8(head).map_err(|_| invalid("the response head is not UTF-8"))?;
        let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let status_line = lines.next().unwrap_or_default();
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default();
        let http11 = match version {
            "HTTP/1.1" => true,
            "HTTP/1.0" => false,
            _ => {
                return Err(invalid(format!(
                    "the status line `{}` is not HTTP/1.x",
                    preview(status_line)
                )))
            }
        };
        let code = parts.next().unwrap_or_default();
        self.status = match code.parse::<u16>() {
            Ok(c) if code.len() == 3 && (100..=999).contains(&c) => c,
            _ => {
                return Err(invalid(format!(
                    "the status line `{}` has no valid status code",
                    preview(status_line)
                )))
            }
        };
        let mut count = 0;
        for line in lines {
            if line.is_empty() {
                break;
            }
            count += 1;
            if count > MAX_HEADERS {
                return Err(invalid(format!("more than {MAX_HEADERS} header lines")));
            }
            if line.starts_with([' ', '\t']) {
                return Err(invalid("obsolete header line folding"));
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| invalid(format!("header line `{}` has no colon", preview(line))))?;
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(format!("bad header name `{}`", preview(name))))?;
            let value = http::HeaderValue::from_str(value.trim_matches([' ', '\t']))
                .map_err(|_| invalid(format!("bad value for header `{name}`")))?;
            self.headers.append(name, value);
        }
        let connection = header_tokens(&self.headers, http::header::CONNECTION);
        self.keep_alive = if http11 {
            !connection.iter().any(|t| t == "close")
        } else {
            connection.iter().any(|t| t == "keep-alive")
        };
        self.http11 = http11;
        Ok(())
    }

    /// The body's framing (RFC 9112, section 6.3). A `Transfer-Encoding` overrides any
    /// `Content-Length`; a response with both, or with a `Transfer-Encoding` on HTTP/1.0, has
    /// ambiguous framing (a sign of response splitting), so its connection is not reused.
    fn framing(&mut self) -> Result<Framing, TransportError> {
        if self.head_request || self.status == 204 || self.status == 304 {
            return Ok(Framing::Length(0));
        }
        let codings = header_tokens(&self.headers, http::header::TRANSFER_ENCODING);
        if let Some(last) = codings.last() {
            if self.headers.contains_key(http::header::CONTENT_LENGTH) || !self.http11 {
                self.keep_alive = false;
            }
            return Ok(if last == "chunked" {
                Framing::Chunked
            } else {
                Framing::UntilClose
            });
        }
        let mut length = None;
        for value in self.headers.get_all(http::header::CONTENT_LENGTH) {
            for part in value.to_str().unwrap_or("x").split(',') {
                let part = part.trim();
                let n = if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                    part.parse::<u64>().ok()
                } else {
                    None
                };
                let n =
                    n.ok_or_else(|| invalid(format!("bad content-length `{}`", preview(part))))?;
                if length.is_some_and(|l| l != n) {
                    return Err(invalid("conflicting content-length headers"));
                }
                length = Some(n);
            }
        }
        match length {
            Some(n) => Ok(Framing::Length(usize::try_from(n).unwrap_or(usize::MAX))),
            None => Ok(Framing::UntilClose),
        }
    }

    fn body_progress(
        &mut self,
        framing: Framing,
        mut chunk: Chunk,
    ) -> Result<Progress, TransportError> {
        match framing {
            Framing::Length(n) => {
                if self.body.len() + self.buf.len() < n {
                    let mut data = std::mem::take(&mut self.buf);
                    self.body.append(&mut data);
                    return Ok(Progress::NeedMore);
                }
                let need = n - self.body.len();
                let rest = self.buf.split_off(need);
                let mut data = std::mem::replace(&mut self.buf, rest);
                let mut body = std::mem::take(&mut self.body);
                body.append(&mut data);
                // Bytes after the body mean the stream is out of step: do not reuse it.
                self.reusable = self.keep_alive && self.buf.is_empty();
                Ok(Progress::Done {
                    response: self.finish(body),
                    reusable: self.reusable,
                })
            }
            Framing::UntilClose => {
                if self.body.len() + self.buf.len() > self.max_body {
                    return Err(too_large(
                        self.max_body,
                        format!(
                            "the body read until close passed {} bytes",
                            self.body.len() + self.buf.len()
                        ),
                    ));
                }
                let mut data = std::mem::take(&mut self.buf);
                self.body.append(&mut data);
                Ok(Progress::NeedMore)
            }
            Framing::Chunked => {
                let mut pos = 0;
                let progress = loop {
                    match chunk {
                        Chunk::Size => {
                            let Some(nl) = self.buf[pos..].iter().position(|&b| b == b'\n') else {
                                if self.buf.len() - pos > MAX_CHUNK_LINE {
                                    return Err(invalid("a chunk-size line is too long"));
                                }
                                break Progress::NeedMore;
                            };
                            if nl > MAX_CHUNK_LINE {
                                // The same verdict as when the line arrives in pieces.
                                return Err(invalid("a chunk-size line is too long"));
                            }
                            let line = &self.buf[pos..pos + nl];
                            let line = line.strip_suffix(b"\r").unwrap_or(line);
                            let size = chunk_size(line).ok_or_else(|| {
                                invalid(format!(
                                    "bad chunk size `{}`",
                                    preview(&String::from_utf8_lossy(line))
                                ))
                            })?;
                            pos += nl + 1;
                            if size == 0 {
                                chunk = Chunk::Trailers;
                            } else {
                                let size = usize::try_from(size).unwrap_or(usize::MAX);
                                if self.body.len().saturating_add(size) > self.max_body {
                                    return Err(too_large(
                                        self.max_body,
                                        format!("a chunk of {size} bytes after {} body bytes (status {})", self.body.len(), self.status),
                                    ));
                                }
                                chunk = Chunk::Data(size);
                            }
                        }
                        Chunk::Data(left) => {
                            let take = left.min(self.buf.len() - pos);
                            self.body.extend_from_slice(&self.buf[pos..pos + take]);
                            pos += take;
                            if take < left {
                                chunk = Chunk::Data(left - take);
                                break Progress::NeedMore;
                            }
                            chunk = Chunk::DataEnd;
                        }
                        Chunk::DataEnd => {
                            let rest = &self.buf[pos..];
                            if rest.starts_with(b"\r\n") {
                                pos += 2;
                            } else if rest.starts_with(b"\n") {
                                pos += 1;
                            } else if rest.is_empty() || rest == b"\r" {
                                break Progress::NeedMore;
                            } else {
                                return Err(invalid("chunk data is not followed by CRLF"));
                            }
                            chunk = Chunk::Size;
                        }
                        Chunk::Trailers => {
                            let too_long = || {
                                invalid(format!(
                                    "the trailer section is larger than {MAX_TRAILERS} bytes"
                                ))
                            };
                            let Some(nl) = self.buf[pos..].iter().position(|&b| b == b'\n') else {
                                if self.trailer_bytes + (self.buf.len() - pos) > MAX_TRAILERS {
                                    return Err(too_long());
                                }
                                break Progress::NeedMore;
                            };
                            let line = &self.buf[pos..pos + nl];
                            pos += nl + 1;
                            self.trailer_bytes += nl + 1;
                            if self.trailer_bytes > MAX_TRAILERS {
                                return Err(too_long());
                            }
                            if line.is_empty() || line == b"\r" {
                                self.reusable = self.keep_alive && pos == self.buf.len();
                                let body = std::mem::take(&mut self.body);
                                self.buf.clear();
                                return Ok(Progress::Done {
                                    response: self.finish(body),
                                    reusable: self.reusable,
                                });
                            }
                        }
                    }
                };
                self.buf.drain(..pos);
                self.state = State::Body { framing, chunk };
                Ok(progress)
            }
        }
    }
}

/// The size of a chunk-size line (without its line end), RFC 9112 section 7.1:
/// `1*HEXDIG [ BWS ";" chunk-ext ]`. No sign, no leading whitespace, no whitespace unless an
/// extension follows; at most 16 hex digits.
fn chunk_size(line: &[u8]) -> Option<u64> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 || digits > 16 {
        return None;
    }
    let rest = &line[digits..];
    let ext = rest
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .map(|i| &rest[i..]);
    match ext {
        None if rest.is_empty() => {}
        Some([b';', ..]) => {}
        _ => return None,
    }
    let text = std::str::from_utf8(&line[..digits]).ok()?;
    u64::from_str_radix(text, 16).ok()
}

/// The end of the head (just past its blank line), searching from `from`.
fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    // Tolerates bare LF line ends, as most clients do.
    let mut i = from.min(buf.len());
    while let Some(nl) = buf[i..].iter().position(|&b| b == b'\n') {
        let at = i + nl;
        let rest = &buf[at + 1..];
        if rest.starts_with(b"\r\n") {
            return Some(at + 3);
        }
        if rest.starts_with(b"\n") {
            return Some(at + 2);
        }
        i = at + 1;
    }
    None
}

fn header_tokens(headers: &http::HeaderMap, name: http::header::HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

fn preview(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(60)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// A keep-alive test server for the transports' tests, over plain TCP or TLS.
#[cfg(test)]
pub(crate) mod test_server {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;

    /// The test certificate (self-signed, `localhost` and `127.0.0.1`) and its key, DER.
    pub const CERT: &[u8] = include_bytes!("testdata/localhost-cert.der");
    const KEY: &[u8] = include_bytes!("testdata/localhost-key.der");

    /// A client TLS configuration that trusts only the test certificate.
    pub fn trusting_client_config() -> Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(CERT.to_vec()))
            .unwrap();
        // The transports' own algorithms, so the TLS tests hand-shake as the client does.
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            crate::client::tls::crypto_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        Arc::new(config)
    }

    /// The URL of a server from [`start`]: by name over TLS (the certificate's name), by
    /// address over plain TCP.
    pub fn url(port: u16, tls: bool) -> String {
        if tls {
            format!("https://localhost:{port}")
        } else {
            format!("http://127.0.0.1:{port}")
        }
    }

    trait Stream: Read + Write + Send {}
    impl<T: Read + Write + Send> Stream for T {}

    /// Serves on 127.0.0.1: each connection answers up to `per_connection` requests with a
    /// `200` whose body is `conn=<connection index> req=<request index on it>`, then closes
    /// without announcing it (no `Connection: close`), as servers do with idle connections.
    /// Returns the port.
    pub fn start(per_connection: usize, tls: bool) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tls.then(|| {
            let key = rustls::pki_types::PrivateKeyDer::Pkcs8(KEY.to_vec().into());
            let config = rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![CERT.to_vec().into()], key)
            .unwrap();
            Arc::new(config)
        });
        std::thread::spawn(move || {
            for (conn, stream) in listener.incoming().enumerate() {
                let Ok(tcp) = stream else { return };
                let server = server.clone();
                std::thread::spawn(move || {
                    let stream: Box<dyn Stream> = match server {
                        Some(config) => {
                            let Ok(session) = rustls::ServerConnection::new(config) else {
                                return;
                            };
                            Box::new(rustls::StreamOwned::new(session, tcp))
                        }
                        None => Box::new(tcp),
                    };
                    serve(stream, conn, per_connection);
                });
            }
        });
        port
    }

    fn serve(mut stream: Box<dyn Stream>, conn: usize, per_connection: usize) {
        let mut buf = Vec::new();
        for req in 0..per_connection {
            // Read one request: head, then `content-length` bytes.
            let head_end = loop {
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
                let mut chunk = [0; 4096];
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |v| v.trim().parse().unwrap());
            while buf.len() < head_end + len {
                let mut chunk = [0; 4096];
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            buf.drain(..head_end + len);
            let body = format!("conn={conn} req={req}");
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            if stream
                .write_all(reply.as_bytes())
                .and_then(|()| stream.flush())
                .is_err()
            {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(chunks: &[&[u8]], max: usize) -> Result<(HttpResponse, bool), TransportError> {
        let mut r = ResponseReader::new(&http::Method::POST, max);
        for c in chunks {
            if let Progress::Done { response, reusable } = r.feed(c)? {
                return Ok((response, reusable));
            }
        }
        r.eof().map(|resp| (resp, false))
    }

    fn bytewise(raw: &[u8], max: usize) -> Result<(HttpResponse, bool), TransportError> {
        let pieces: Vec<&[u8]> = raw.chunks(1).collect();
        read_all(&pieces, max)
    }

    #[test]
    fn content_length_body_in_any_split() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 5\r\nx-amzn-requestid: r1\r\n\r\nhello";
        for split in 0..raw.len() {
            let (resp, reusable) = read_all(&[&raw[..split], &raw[split..]], 100).unwrap();
            assert_eq!(resp.status, 200);
            assert_eq!(resp.body, b"hello");
            assert_eq!(resp.headers["x-amzn-requestid"], "r1");
            assert!(reusable);
        }
        assert_eq!(bytewise(raw, 100).unwrap().0.body, b"hello");
    }

    #[test]
    fn chunked_bodies_with_extensions_and_trailers() {
        let raw = b"HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nx-trailer: t\r\n\r\n";
        let (resp, reusable) = bytewise(raw, 100).unwrap();
        assert_eq!(
            (resp.status, resp.body.as_slice(), reusable),
            (500, &b"hello world"[..], true)
        );
        let (resp, _) = read_all(&[raw], 100).unwrap();
        assert_eq!(resp.body, b"hello world");
    }

    #[test]
    fn interim_responses_are_skipped() {
        let raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        let (resp, _) = bytewise(raw, 100).unwrap();
        assert_eq!((resp.status, resp.body.as_slice()), (200, &b"ok"[..]));
    }

    #[test]
    fn read_to_close_and_connection_close_are_not_reused() {
        let (resp, reusable) = read_all(&[b"HTTP/1.0 200 OK\r\n\r\nall of it"], 100).unwrap();
        assert_eq!((resp.body.as_slice(), reusable), (&b"all of it"[..], false));
        let (_, reusable) = read_all(
            &[b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"],
            100,
        )
        .unwrap();
        assert!(!reusable);
        let (_, reusable) = read_all(
            &[b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxEXTRA"],
            100,
        )
        .unwrap();
        assert!(!reusable, "bytes after the body");
    }

    #[test]
    fn bodies_beyond_the_cap_fail_early() {
        let e = read_all(&[b"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n"], 100).unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::BodyTooLarge { limit: 100 });
        let e = read_all(
            &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n"],
            100,
        )
        .unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::BodyTooLarge { limit: 100 });
        let big = vec![b'a'; 200];
        let e = read_all(&[b"HTTP/1.1 200 OK\r\n\r\n", &big], 100).unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::BodyTooLarge { limit: 100 });
        let e = read_all(&[&vec![b'a'; MAX_HEAD + 10]], 100).unwrap_err();
        assert!(e.to_string().contains("head is larger"), "{e}");
    }

    #[test]
    fn body_too_large_says_what_happened() {
        let e = read_all(&[b"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n"], 100).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("exceeded the 100-byte cap")
                && text.contains("content-length announces 101 bytes"),
            "{text}"
        );
        let e = read_all(&[b"HTTP/1.1 200 OK\r\n\r\n", &[b'a'; 200]], 100).unwrap_err();
        assert!(
            e.to_string().contains("exceeded the 100-byte cap")
                && e.to_string().contains("read until close"),
            "{e}"
        );
        let e = read_all(
            &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n"],
            100,
        )
        .unwrap_err();
        assert!(e.to_string().contains("a chunk of 101 bytes"), "{e}");
    }

    #[test]
    fn the_body_buffer_grows_as_bytes_arrive_not_from_content_length() {
        // 4 TiB announced, cap raised to the maximum: nothing is reserved up front.
        let mut r = ResponseReader::new(&http::Method::POST, usize::MAX);
        let progress = r
            .feed(b"HTTP/1.1 200 OK\r\nContent-Length: 4398046511104\r\n\r\nfirst bytes")
            .unwrap();
        assert!(matches!(progress, Progress::NeedMore));
        assert!(
            r.body.capacity() < 1024 * 1024,
            "capacity {}",
            r.body.capacity()
        );
        let e = r.eof().unwrap_err();
        assert!(
            e.to_string()
                .contains("after 11 of 4398046511104 body bytes"),
            "{e}"
        );
    }

    #[test]
    fn chunk_sizes_follow_rfc_9112() {
        for bad in [
            "+5",
            " 5",
            " 5 ",
            "\t5",
            "5 ",
            "5\t",
            "0x5",
            "-5",
            "5 x",
            "",
            "12345678901234567",
        ] {
            let raw = format!(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{bad}\r\nhello\r\n0\r\n\r\n"
            );
            let e = read_all(&[raw.as_bytes()], 100).unwrap_err();
            assert!(e.to_string().contains("bad chunk size"), "{bad:?}: {e}");
        }
        for good in ["5", "05", "5;ext", "5 ;ext=\"v\"", "5\t; a=b"] {
            let raw = format!(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{good}\r\nhello\r\n0\r\n\r\n"
            );
            let (resp, reusable) =
                bytewise(raw.as_bytes(), 100).unwrap_or_else(|e| panic!("{good:?}: {e}"));
            assert_eq!(
                (resp.body.as_slice(), reusable),
                (&b"hello"[..], true),
                "{good:?}"
            );
        }
    }

    #[test]
    fn ambiguous_framing_is_read_as_chunked_and_not_reused() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        let mut r = ResponseReader::new(&http::Method::POST, 100);
        match r.feed(raw).unwrap() {
            Progress::Done { response, reusable } => {
                assert_eq!((response.body.as_slice(), reusable), (&b"hello"[..], false))
            }
            Progress::NeedMore => panic!("complete"),
        }
        assert!(!r.reusable(), "Transfer-Encoding with Content-Length");
        let raw = b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        let (resp, reusable) = bytewise(raw, 100).unwrap();
        assert_eq!(
            (resp.body.as_slice(), reusable),
            (&b"hello"[..], false),
            "HTTP/1.0 with chunked"
        );
        let raw = b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello";
        assert!(
            bytewise(raw, 100).unwrap().1,
            "HTTP/1.0 keep-alive with a length is reusable"
        );
    }

    #[test]
    fn the_reusable_verdict_is_exposed_on_the_reader() {
        let mut r = ResponseReader::new(&http::Method::POST, 100);
        assert!(!r.reusable(), "nothing read yet");
        assert!(matches!(
            r.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\no")
                .unwrap(),
            Progress::NeedMore
        ));
        assert!(!r.reusable(), "incomplete");
        assert!(matches!(
            r.feed(b"k").unwrap(),
            Progress::Done { reusable: true, .. }
        ));
        assert!(r.reusable());
        let mut r = ResponseReader::new(&http::Method::POST, 100);
        r.feed(b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n")
            .unwrap();
        assert!(!r.reusable(), "bytes after a 204");
    }

    #[test]
    fn interim_responses_and_trailers_are_bounded() {
        let head = "HTTP/1.1 100 Continue\r\n\r\n";
        let ok = format!(
            "{}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            head.repeat(MAX_INTERIM)
        );
        assert_eq!(bytewise(ok.as_bytes(), 100).unwrap().0.body, b"ok");
        let bad = format!(
            "{}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            head.repeat(MAX_INTERIM + 1)
        );
        let e = read_all(&[bad.as_bytes()], 100).unwrap_err();
        assert!(e.to_string().contains("more than 10 interim"), "{e}");
        let trailers = "x-t: 0123456789abcdef0123456789abcdef\r\n".repeat(MAX_TRAILERS / 38 + 1);
        let raw = format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n{trailers}\r\n"
        );
        for result in [
            read_all(&[raw.as_bytes()], 100),
            bytewise(raw.as_bytes(), 100),
        ] {
            assert!(result
                .unwrap_err()
                .to_string()
                .contains("trailer section is larger"));
        }
        let raw = format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n{}\r\n",
            "x-t: 1\r\n".repeat(100)
        );
        assert_eq!(read_all(&[raw.as_bytes()], 100).unwrap().0.body, b"ok");
    }

    #[test]
    fn truncation_is_an_io_error_naming_what_was_missing() {
        let e = read_all(&[b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"], 100).unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Io);
        assert!(
            e.to_string()
                .contains("after 3 of 10 body bytes (status 200)"),
            "{e}"
        );
        let e = read_all(&[b"HTTP/1.1 200 OK\r\nContent-"], 100).unwrap_err();
        assert!(e.to_string().contains("middle of the response head"), "{e}");
        let e = read_all(&[], 100).unwrap_err();
        assert!(e.to_string().contains("before a response arrived"), "{e}");
        let e = read_all(
            &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"],
            100,
        )
        .unwrap_err();
        assert!(e.to_string().contains("chunked"), "{e}");
    }

    #[test]
    fn malformed_heads_are_typed_errors() {
        for raw in [
            &b"<html>hello</html>\r\n\r\n"[..],
            b"HTTP/1.1 2000 OK\r\n\r\n",
            b"HTTP/2 200\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
            b"HTTP/1.1 101 Switching Protocols\r\n\r\n",
        ] {
            let e = read_all(&[raw], 100).unwrap_err();
            assert_eq!(
                e.kind(),
                &TransportErrorKind::Io,
                "{}",
                String::from_utf8_lossy(raw)
            );
            assert!(
                e.to_string()
                    .starts_with("connection failed: invalid HTTP response"),
                "{e}"
            );
        }
    }

    #[test]
    fn head_and_no_content_responses_have_no_body() {
        let mut r = ResponseReader::new(&http::Method::HEAD, 10);
        match r
            .feed(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            .unwrap()
        {
            Progress::Done { response, reusable } => assert!(response.body.is_empty() && reusable),
            Progress::NeedMore => panic!("a HEAD response has no body"),
        }
        let (resp, _) = read_all(&[b"HTTP/1.1 204 No Content\r\n\r\n"], 10).unwrap();
        assert_eq!(resp.status, 204);
    }

    #[test]
    fn requests_carry_host_and_length() {
        let request = http::Request::post("https://sts.amazonaws.com/?x=1")
            .header("content-type", "a/b")
            .body(b"k=v".to_vec())
            .unwrap();
        let mut out = Vec::new();
        encode_request(&request, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "POST /?x=1 HTTP/1.1\r\nhost: sts.amazonaws.com\r\ncontent-type: a/b\r\ncontent-length: 3\r\n\r\nk=v"
        );
        let request = http::Request::get("http://h:8080")
            .header("host", "h:8080")
            .body(Vec::new())
            .unwrap();
        let mut out = Vec::new();
        encode_request(&request, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "GET / HTTP/1.1\r\nhost: h:8080\r\n\r\n"
        );
    }

    #[test]
    fn targets() {
        let t = Target::of(&"https://[::1]:8443/x".parse().unwrap()).unwrap();
        assert_eq!((t.tls, t.host.as_str(), t.port), (true, "::1", 8443));
        assert_eq!(
            Target::of(&"http://localhost/".parse().unwrap())
                .unwrap()
                .port,
            80
        );
        assert_eq!(
            Target::of(&"https://sts.amazonaws.com".parse().unwrap())
                .unwrap()
                .port,
            443
        );
        assert!(Target::of(&"ftp://x/".parse().unwrap()).is_err());
        assert!(Target::of(&"http://h:99999/".parse().unwrap()).is_err());
    }
}
