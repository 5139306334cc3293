//! [`TestProxy`]: an HTTP proxy on 127.0.0.1 for the transport tests. `CONNECT host:port`
//! opens a tunnel to 127.0.0.1:port whatever the host, and absolute-form requests
//! (`POST http://host:port/path HTTP/1.1`) are passed on to 127.0.0.1:port in that form
//! (servers accept it), without their `Proxy-Authorization` (the proxy consumes it, as real
//! proxies do). [`ProxyOptions::hosts`] maps names to other ports, as a proxy that resolves
//! names the client cannot; [`ProxyOptions::authorization`] makes it demand credentials. It
//! records the `CONNECT` of every tunnel (it sees nothing inside) and the head of every
//! proxied request, so tests can see what a proxy sees: the target, the `Host` header,
//! `Proxy-Authorization`.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// How a [`TestProxy`] behaves beyond passing everything on.
#[derive(Debug, Clone, Default)]
pub struct ProxyOptions {
    /// Host names (matched without regard to case, any port) the proxy sends to another port of
    /// 127.0.0.1: a tunnel or request for `name` goes to `127.0.0.1:port`. Other names go to
    /// 127.0.0.1 and the port of the target.
    pub hosts: Vec<(String, u16)>,
    /// The `Proxy-Authorization` value (e.g. `Basic dTpw`) the proxy demands of every tunnel and
    /// request; one without it is answered 407 and its connection closed.
    pub authorization: Option<String>,
}

/// A recording HTTP proxy on 127.0.0.1 (a thread per connection, two per tunnel or proxied
/// connection). It runs until the test process ends.
#[derive(Debug, Clone)]
pub struct TestProxy {
    /// The port it listens on.
    pub port: u16,
    heads: Arc<Mutex<Vec<String>>>,
}

/// What the proxy does with each connection.
#[derive(Debug)]
enum Mode {
    Forward(ProxyOptions),
    Refuse(u16),
}

impl TestProxy {
    /// A proxy that opens every tunnel and passes every request on.
    pub fn start() -> Self {
        Self::spawn(Mode::Forward(ProxyOptions::default()))
    }

    /// A proxy that passes requests on as `options` say.
    pub fn with(options: ProxyOptions) -> Self {
        Self::spawn(Mode::Forward(options))
    }

    /// A proxy that answers every request with `status` (e.g. 407) and closes.
    pub fn refusing(status: u16) -> Self {
        Self::spawn(Mode::Refuse(status))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The head of each `CONNECT` and of each proxied request so far, in order, as received.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().expect("lock").clone()
    }
    fn spawn(mode: Mode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        let mode = Arc::new(mode);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let (seen, mode) = (seen.clone(), mode.clone());
                std::thread::spawn(move || handle(client, &mode, &seen));
            }
        });
        TestProxy { port, heads }
    }
}

/// One request head read from a connection, and how many body bytes follow it.
struct Head {
    text: String,
    body_len: usize,
}

impl Head {
    /// The method and the request target.
    fn target(&self) -> (&str, &str) {
        let mut parts = self.text.lines().next().unwrap_or_default().split(' ');
        (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        )
    }

    /// A header's value (name matched without regard to case).
    fn header(&self, name: &str) -> Option<&str> {
        self.text.lines().skip(1).find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
        })
    }

    /// The head as passed on: without `Proxy-Authorization`, which is for the proxy.
    fn forwarded(&self) -> String {
        self.text
            .split_inclusive("\r\n")
            .filter(|l| !l.to_ascii_lowercase().starts_with("proxy-authorization:"))
            .collect()
    }
}

/// Reads up to the end of a request head into `buf` and takes the head out of it; `None` when
/// the connection ends first.
fn read_head(client: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Head> {
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0; 4096];
        match client.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let text = String::from_utf8_lossy(&buf[..end]).into_owned();
    buf.drain(..end);
    let mut head = Head { text, body_len: 0 };
    head.body_len = head
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some(head)
}

fn refuse(client: &mut TcpStream, status: u16) {
    let answer = format!("HTTP/1.1 {status} Refused\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
    let _ = client.write_all(answer.as_bytes());
}

fn handle(mut client: TcpStream, mode: &Mode, seen: &Mutex<Vec<String>>) {
    let mut buf = Vec::new();
    let Some(head) = read_head(&mut client, &mut buf) else {
        return;
    };
    seen.lock().expect("lock").push(head.text.clone());
    let options = match mode {
        Mode::Refuse(status) => return refuse(&mut client, *status),
        Mode::Forward(options) => options,
    };
    if options
        .authorization
        .as_deref()
        .is_some_and(|want| head.header("proxy-authorization") != Some(want))
    {
        return refuse(&mut client, 407);
    }
    let (method, target) = head.target();
    let authority = match method {
        "CONNECT" => target,
        _ => target
            .strip_prefix("http://")
            .and_then(|t| t.split('/').next())
            .unwrap_or_default(),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().ok()),
        None => (authority, Some(80)),
    };
    let mapped = options
        .hosts
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(host))
        .map(|&(_, port)| port);
    let Some(port) = mapped.or(port) else { return };
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if method == "CONNECT" {
        if client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .is_ok()
        {
            pipe(client, upstream);
        }
        return;
    }
    // Responses flow back as they come; requests are read one by one, recorded and passed on.
    let (Ok(client_out), Ok(upstream_in)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    let down = std::thread::spawn(move || copy(upstream_in, client_out));
    let mut head = Some(head);
    while let Some(request) = head.take() {
        if upstream.write_all(request.forwarded().as_bytes()).is_err()
            || !pass_body(&mut client, &mut upstream, &mut buf, request.body_len)
        {
            break;
        }
        let Some(next) = read_head(&mut client, &mut buf) else {
            break;
        };
        seen.lock().expect("lock").push(next.text.clone());
        if options
            .authorization
            .as_deref()
            .is_some_and(|want| next.header("proxy-authorization") != Some(want))
        {
            refuse(&mut client, 407);
            break;
        }
        head = Some(next);
    }
    let _ = upstream.shutdown(Shutdown::Both);
    let _ = client.shutdown(Shutdown::Both);
    let _ = down.join();
}

/// Passes `len` body bytes on, those already in `buf` first; false when a side closed.
fn pass_body(
    client: &mut TcpStream,
    upstream: &mut TcpStream,
    buf: &mut Vec<u8>,
    mut len: usize,
) -> bool {
    let buffered = len.min(buf.len());
    if upstream.write_all(&buf[..buffered]).is_err() {
        return false;
    }
    buf.drain(..buffered);
    len -= buffered;
    let mut chunk = [0; 16 * 1024];
    while len > 0 {
        match client.read(&mut chunk[..len.min(16 * 1024)]) {
            Ok(0) | Err(_) => return false,
            Ok(n) => {
                if upstream.write_all(&chunk[..n]).is_err() {
                    return false;
                }
                len -= n;
            }
        }
    }
    true
}

/// Copies bytes both ways until either side closes, then closes both.
fn pipe(client: TcpStream, upstream: TcpStream) {
    let (Ok(client_in), Ok(upstream_in)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A keep-alive server that answers each request on its connection with `204` and sends
    /// the heads it got (as the proxy passed them on) to the test.
    fn keep_alive_server() -> (u16, std::sync::mpsc::Receiver<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let Ok((mut conn, _)) = listener.accept() else {
                return;
            };
            let mut buf = Vec::new();
            while let Some(head) = read_head(&mut conn, &mut buf) {
                let mut chunk = [0; 4096];
                while buf.len() < head.body_len {
                    match conn.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                buf.drain(..head.body_len);
                let _ = tx.send(head.text);
                if conn.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").is_err() {
                    return;
                }
            }
        });
        (port, rx)
    }

    #[test]
    fn every_request_of_a_kept_alive_connection_is_recorded_and_passed_on_without_proxy_authorization(
    ) {
        let (port, upstream) = keep_alive_server();
        let proxy = TestProxy::with(ProxyOptions {
            hosts: vec![("up.test".into(), port)],
            authorization: Some("Basic dTpw".into()),
        });
        let mut conn = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
        let request = |body: &str| {
            format!("POST http://up.test/ HTTP/1.1\r\nhost: up.test\r\nproxy-authorization: Basic dTpw\r\ncontent-length: {}\r\n\r\n{body}", body.len())
        };
        // Both requests in one write: the second one's head arrives with the first one's body.
        conn.write_all(format!("{}{}", request("first"), request("")).as_bytes())
            .unwrap();
        let mut answers = Vec::new();
        let mut answer = || {
            read_head(&mut conn, &mut answers)
                .map(|h| h.text)
                .unwrap_or_default()
        };
        assert!(answer().starts_with("HTTP/1.1 204"));
        assert!(answer().starts_with("HTTP/1.1 204"));
        conn.write_all(
            b"POST http://up.test/ HTTP/1.1\r\nhost: up.test\r\ncontent-length: 0\r\n\r\n",
        )
        .unwrap();
        assert!(
            read_head(&mut conn, &mut answers).is_some_and(|h| h.text.starts_with("HTTP/1.1 407")),
            "a request without the credentials is refused"
        );

        let heads = proxy.heads();
        assert_eq!(heads.len(), 3, "{heads:?}");
        assert!(
            heads[..2]
                .iter()
                .all(|h| h.contains("proxy-authorization: Basic dTpw\r\n")),
            "{heads:?}"
        );
        let passed: Vec<String> = upstream.try_iter().collect();
        assert_eq!(
            passed,
            [
                "POST http://up.test/ HTTP/1.1\r\nhost: up.test\r\ncontent-length: 5\r\n\r\n",
                "POST http://up.test/ HTTP/1.1\r\nhost: up.test\r\ncontent-length: 0\r\n\r\n"
            ]
        );
    }
}
