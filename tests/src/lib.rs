//! Shared helpers for the stsgen test suites.
//!
//! [`ScriptServer`] is a tiny HTTP/1.1 server on 127.0.0.1 (std only, one thread) that answers
//! each connection's request with the next scripted reply and records what it received.
//!
//! [`FaultServer`] is its fault-injecting sibling (a thread per connection): it answers each
//! request with a scripted [`Fault`] (a response, a reset before or in the middle of the body,
//! headers or a body that never arrive, raw bytes, an oversized body) and records each request
//! with its arrival time, so tests can count attempts and check what each one carried.

pub mod proxy;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A full response.
    Respond {
        /// Status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: String,
    },
    /// Close the connection without answering.
    Close,
}

impl Reply {
    /// A response with a text/xml body.
    pub fn xml(status: u16, body: &str) -> Self {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), "text/xml".into())],
            body: body.to_owned(),
        }
    }
}

/// A request the server received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request line, e.g. `POST / HTTP/1.1`.
    pub request_line: String,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Received {
    /// A header value by (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A scripted server; stops when dropped (after the script runs out it closes connections).
pub struct ScriptServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    _thread: JoinHandle<()>,
}

impl ScriptServer {
    /// Starts serving `script`, one reply per connection (clients are told `Connection: close`).
    pub fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let thread = std::thread::spawn(move || {
            let mut script = script.into_iter();
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let reply = script.next();
                let done = reply.is_none();
                serve(stream, reply, &log);
                if done {
                    break;
                }
            }
        });
        ScriptServer {
            url,
            received,
            _thread: thread,
        }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

fn serve(mut stream: TcpStream, reply: Option<Reply>, log: &Mutex<Vec<Received>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    log.lock().expect("lock").push(Received {
        request_line: request_line.trim_end().to_owned(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    match reply {
        Some(Reply::Respond {
            status,
            headers,
            body,
        }) => {
            let mut out = format!(
                "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            out.push_str(&body);
            let _ = stream.write_all(out.as_bytes());
        }
        Some(Reply::Close) | None => {}
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// What the [`FaultServer`] does with one request (read whole, unless the fault says otherwise).
#[derive(Debug, Clone)]
pub enum Fault {
    /// A complete response (`Content-Length` set, `Connection: close`).
    Respond {
        /// Status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: Vec<u8>,
    },
    /// Close the connection (FIN) without answering.
    Close,
    /// Reset the connection (RST: closed with the request still unread) without answering.
    Reset,
    /// Send the status line, headers announcing `declared_len` body bytes and `sent` of them,
    /// then reset the connection.
    ResetMidBody {
        /// Status code.
        status: u16,
        /// The `Content-Length` announced.
        declared_len: usize,
        /// The part of the body actually sent.
        sent: Vec<u8>,
    },
    /// Read the request and never answer (until the server stops).
    StallHeaders,
    /// Send headers announcing `declared_len` bytes, then `sent`, then nothing more.
    StallBody {
        /// Status code.
        status: u16,
        /// The `Content-Length` announced.
        declared_len: usize,
        /// The part of the body actually sent.
        sent: Vec<u8>,
    },
    /// Write these bytes as they are, then close.
    Raw(Vec<u8>),
    /// A 200 whose body is `total` bytes of `fill`, written in 64 KiB pieces; with
    /// `content_length` false the body is delimited by closing the connection.
    Large {
        /// Body size in bytes.
        total: usize,
        /// The byte repeated.
        fill: u8,
        /// Announce the size in `Content-Length`.
        content_length: bool,
    },
}

impl Fault {
    /// A response with a `text/xml` body.
    pub fn xml(status: u16, body: &str) -> Self {
        Fault::Respond {
            status,
            headers: vec![("Content-Type".into(), "text/xml".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// A response with a `text/html` body.
    pub fn html(status: u16, body: &str) -> Self {
        Fault::Respond {
            status,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// A request the [`FaultServer`] received, with when it arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The request.
    pub request: Received,
    /// When its last byte had arrived.
    pub at: std::time::Instant,
}

type FaultScript = dyn Fn(usize, &Received) -> Fault + Send + Sync;

struct FaultShared {
    received: Mutex<Vec<Arrival>>,
    stop: std::sync::atomic::AtomicBool,
    body_bytes_written: std::sync::atomic::AtomicUsize,
    script: Box<FaultScript>,
}

/// A fault-injecting HTTP/1.1 server on 127.0.0.1 (std threads, one per connection, so a
/// stalled connection does not hold up the next). Each request is answered by the script,
/// called with the request's index (0-based) and the request. Every response carries
/// `Connection: close`, so the number of requests is the number of attempts. Stops (and
/// releases every stalled connection) when dropped.
pub struct FaultServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    addr: std::net::SocketAddr,
    shared: Arc<FaultShared>,
    acceptor: Option<JoinHandle<()>>,
}

impl FaultServer {
    /// Answers request `n` with `script(n, &request)`.
    pub fn start(script: impl Fn(usize, &Received) -> Fault + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(FaultShared {
            received: Mutex::new(Vec::new()),
            stop: std::sync::atomic::AtomicBool::new(false),
            body_bytes_written: std::sync::atomic::AtomicUsize::new(0),
            script: Box::new(script),
        });
        let state = shared.clone();
        let acceptor = std::thread::spawn(move || {
            let mut workers = Vec::new();
            for stream in listener.incoming() {
                if state.stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let state = state.clone();
                workers.push(std::thread::spawn(move || serve_fault(stream, &state)));
            }
            for w in workers {
                let _ = w.join();
            }
        });
        FaultServer {
            url: format!("http://{addr}"),
            addr,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// Answers the requests with `faults` in order; the last one answers every later request.
    pub fn sequence(faults: Vec<Fault>) -> Self {
        assert!(
            !faults.is_empty(),
            "a fault sequence needs at least one fault"
        );
        Self::start(move |n, _| faults[n.min(faults.len() - 1)].clone())
    }

    /// Every request received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.arrivals().into_iter().map(|a| a.request).collect()
    }

    /// Every request received so far, with arrival times.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.shared.received.lock().expect("lock").clone()
    }

    /// How many requests arrived (the client's attempts).
    pub fn requests(&self) -> usize {
        self.shared.received.lock().expect("lock").len()
    }

    /// Response body bytes of [`Fault::Large`] replies written into the socket (the client stops
    /// taking them once it gives up).
    pub fn body_bytes_written(&self) -> usize {
        self.shared
            .body_bytes_written
            .load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.shared
            .stop
            .store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the acceptor so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.acceptor.take() {
            let _ = t.join();
        }
    }
}

/// Reads one request without consuming it (peek), so that closing the socket afterwards
/// resets the connection when the fault asks for that. Returns the request and its size.
fn peek_request(stream: &TcpStream, shared: &FaultShared) -> Option<(Received, usize)> {
    let mut buf = vec![0u8; 1 << 20];
    let started = std::time::Instant::now();
    loop {
        if shared.stop.load(std::sync::atomic::Ordering::SeqCst)
            || started.elapsed() > Duration::from_secs(10)
        {
            return None;
        }
        let n = match stream.peek(&mut buf) {
            Ok(0) => return None,
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                0
            }
            Err(_) => return None,
        };
        if let Some(parsed) = parse_request(&buf[..n]) {
            return Some(parsed);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Parses a complete request from `data`; `None` until all of it has arrived.
fn parse_request(data: &[u8]) -> Option<(Received, usize)> {
    let end = data.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    if data.len() < end + len {
        return None;
    }
    let body = String::from_utf8_lossy(&data[end..end + len]).into_owned();
    Some((
        Received {
            request_line,
            headers,
            body,
        },
        end + len,
    ))
}

fn head(status: u16, headers: &[(String, String)], content_length: Option<usize>) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Fault\r\nConnection: close\r\n");
    if let Some(len) = content_length {
        out.push_str(&format!("Content-Length: {len}\r\n"));
    }
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// Holds the connection open until the server stops (or 30 s pass).
fn stall(shared: &FaultShared) {
    let started = std::time::Instant::now();
    while !shared.stop.load(std::sync::atomic::Ordering::SeqCst)
        && started.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn serve_fault(mut stream: TcpStream, shared: &FaultShared) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let Some((request, size)) = peek_request(&stream, shared) else {
        return;
    };
    let n = {
        let mut log = shared.received.lock().expect("lock");
        log.push(Arrival {
            request: request.clone(),
            at: std::time::Instant::now(),
        });
        log.len() - 1
    };
    let fault = (shared.script)(n, &request);
    let consume = |stream: &mut TcpStream| {
        let mut sink = vec![0u8; size];
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = stream.read_exact(&mut sink);
    };
    match fault {
        Fault::Reset => {
            // Dropping the socket with unread data makes the kernel send RST.
        }
        Fault::ResetMidBody {
            status,
            declared_len,
            sent,
        } => {
            let _ = stream.write_all(&head(status, &[], Some(declared_len)));
            let _ = stream.write_all(&sent);
            let _ = stream.flush();
            std::thread::sleep(Duration::from_millis(20));
        }
        Fault::Close => {
            consume(&mut stream);
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        Fault::Respond {
            status,
            headers,
            body,
        } => {
            consume(&mut stream);
            let mut out = head(status, &headers, Some(body.len()));
            out.extend_from_slice(&body);
            let _ = stream.write_all(&out);
            let _ = stream.shutdown(std::net::Shutdown::Write);
            drain(&mut stream);
        }
        Fault::StallHeaders => {
            consume(&mut stream);
            stall(shared);
        }
        Fault::StallBody {
            status,
            declared_len,
            sent,
        } => {
            consume(&mut stream);
            let _ = stream.write_all(&head(
                status,
                &[("Content-Type".into(), "text/xml".into())],
                Some(declared_len),
            ));
            let _ = stream.write_all(&sent);
            let _ = stream.flush();
            stall(shared);
        }
        Fault::Raw(bytes) => {
            consume(&mut stream);
            let _ = stream.write_all(&bytes);
            let _ = stream.shutdown(std::net::Shutdown::Write);
            drain(&mut stream);
        }
        Fault::Large {
            total,
            fill,
            content_length,
        } => {
            consume(&mut stream);
            let headers = [("Content-Type".to_owned(), "text/xml".to_owned())];
            if stream
                .write_all(&head(200, &headers, content_length.then_some(total)))
                .is_err()
            {
                return;
            }
            let piece = vec![fill; 64 * 1024];
            let mut left = total;
            while left > 0 && !shared.stop.load(std::sync::atomic::Ordering::SeqCst) {
                let n = left.min(piece.len());
                if stream.write_all(&piece[..n]).is_err() {
                    break;
                }
                shared
                    .body_bytes_written
                    .fetch_add(n, std::sync::atomic::Ordering::SeqCst);
                left -= n;
            }
            let _ = stream.shutdown(std::net::Shutdown::Write);
        }
    }
}

/// Reads until the client closes (briefly), so a close after a complete response is a FIN.
fn drain(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
    }
}

/// The environment variable through which `cargo xtask test` passes the `sts` binary it built.
pub const STS_BINARY_VAR: &str = "STSGEN_STS_BIN";

/// The `sts` command's executable (package `stsgen-cli`, `config/cli`): [`STS_BINARY_VAR`]
/// when set, else built here once per test process with `cargo build --workspace --bin sts`
/// (`--workspace` resolves features as `cargo test --workspace` does, which has built it
/// already). The variables cargo sets for a test process are removed from the build's
/// environment: build scripts track some of them, and with them every dependency would be rebuilt.
///
/// # Panics
/// When the build fails or cargo reports no executable: the calling test cannot run.
pub fn sts_binary() -> &'static std::path::Path {
    static BINARY: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os(STS_BINARY_VAR).filter(|p| !p.is_empty()) {
            return path.into();
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("tests/ has a parent");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut command = std::process::Command::new(cargo);
        command
            .args([
                "build",
                "--quiet",
                "--workspace",
                "--bin",
                "sts",
                "--message-format=json-render-diagnostics",
            ])
            .current_dir(root)
            .stderr(std::process::Stdio::inherit());
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            let set_for_tests = [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref())
                || name.starts_with("CARGO_PKG_")
                || name.starts_with("CARGO_BIN_");
            if set_for_tests {
                command.env_remove(name.as_ref());
            }
        }
        let output = command
            .output()
            .expect("running cargo build for the sts binary");
        assert!(
            output.status.success(),
            "building the sts binary failed ({})",
            output.status
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| {
                m["reason"] == "compiler-artifact"
                    && m["target"]["name"] == "sts"
                    && m["target"]["kind"][0] == "bin"
            })
            .find_map(|m| m["executable"].as_str().map(std::path::PathBuf::from))
            .expect("cargo reported no executable for the sts binary")
    })
}
