//! [`TestProxy`]: an HTTP proxy on 127.0.0.1 for the transport tests. `CONNECT host:port`
//! opens a tunnel to 127.0.0.1:port whatever the host, and an absolute-form request
//! (`POST http://host:port/path HTTP/1.1`) is passed on, with the rest of its connection, to
//! 127.0.0.1:port as it is (servers accept the absolute form). It records the first request
//! head of every connection (the `CONNECT`, or the proxied request), so tests can see what a
//! proxy sees: the target, `Proxy-Authorization`, and for tunnels nothing else.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A recording HTTP proxy on 127.0.0.1 (a thread per connection, two per tunnel). It runs
/// until the test process ends.
#[derive(Debug, Clone)]
pub struct TestProxy {
    /// The port it listens on.
    pub port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

impl TestProxy {
    /// A proxy that opens every tunnel and passes every request on.
    pub fn start() -> Self {
        Self::spawn(None)
    }

    /// A proxy that answers every request with `status` (e.g. 407) and closes.
    pub fn refusing(status: u16) -> Self {
        Self::spawn(Some(status))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The first request head of each connection so far, in order.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().expect("lock").clone()
    }

    fn spawn(refuse: Option<u16>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let seen = seen.clone();
                std::thread::spawn(move || handle(client, refuse, &seen));
            }
        });
        TestProxy { port, heads }
    }
}

fn handle(mut client: TcpStream, refuse: Option<u16>, seen: &Mutex<Vec<String>>) {
    let mut buf = Vec::new();
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0; 4096];
        match client.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    seen.lock().expect("lock").push(head.clone());
    if let Some(status) = refuse {
        let answer = format!("HTTP/1.1 {status} Refused\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
        let _ = client.write_all(answer.as_bytes());
        return;
    }
    let line = head.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let authority = match method {
        "CONNECT" => target,
        _ => target.strip_prefix("http://").and_then(|t| t.split('/').next()).unwrap_or_default(),
    };
    let Some(port) = authority.rsplit_once(':').and_then(|(_, p)| p.parse::<u16>().ok()) else { return };
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let sent = if method == "CONNECT" {
        client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
    } else {
        upstream.write_all(&buf)
    };
    if sent.is_ok() {
        pipe(client, upstream);
    }
}

/// Copies bytes both ways until either side closes, then closes both.
fn pipe(client: TcpStream, upstream: TcpStream) {
    let (Ok(client_in), Ok(upstream_in)) = (client.try_clone(), upstream.try_clone()) else { return };
    let down = std::thread::spawn(move || copy(upstream_in, client));
    copy(client_in, upstream);
    let _ = down.join();
}

fn copy(mut from: TcpStream, mut to: TcpStream) {
    let mut chunk = [0; 16 * 1024];
    while let Ok(n) = from.read(&mut chunk) {
        if n == 0 || to.write_all(&chunk[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}
