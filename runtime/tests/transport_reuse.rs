//! Connection reuse of both transports against scripted servers on 127.0.0.1: a pooled
//! connection carries the next request only when its last response ended cleanly with
//! nothing pending (regression tests for the "response desync on pooled connections" defect:
//! each of the first three failed before the fix, the second request reading a response
//! nobody asked for).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use stsgen_runtime::client::{HttpClient, HttpsClient};

/// What the server writes for request `req` on connection `conn`: (delay before, bytes).
type Script = fn(usize, usize) -> Vec<(u64, Vec<u8>)>;

fn response(body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn default_reply(conn: usize, req: usize) -> Vec<(u64, Vec<u8>)> {
    vec![(0, response(&format!("conn={conn} req={req}")))]
}

/// Reads one request (head and `content-length` body) from `stream`; false at EOF.
fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4) {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head.lines().find_map(|l| l.strip_prefix("content-length: ")).map_or(0, |v| v.trim().parse().unwrap());
            if buf.len() >= end + len {
                buf.drain(..end + len);
                return true;
            }
        }
        let mut chunk = [0; 4096];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Serves `script` on 127.0.0.1; returns the port and the count of accepted connections.
fn serve(script: Script) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let conn = count.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut req = 0;
                while read_request(&mut stream, &mut buf) {
                    for (delay, bytes) in script(conn, req) {
                        std::thread::sleep(Duration::from_millis(delay));
                        if stream.write_all(&bytes).is_err() {
                            return;
                        }
                    }
                    req += 1;
                }
            });
        }
    });
    (port, accepted)
}

/// The first response is followed, 50 ms later, by a second one nobody asked for.
fn unsolicited_later(conn: usize, req: usize) -> Vec<(u64, Vec<u8>)> {
    match req {
        0 => vec![(0, response("first")), (50, response("unsolicited"))],
        _ => default_reply(conn, req),
    }
}

/// The first response is exactly 16 KiB (the transports' read size), and a second response
/// follows in the same write.
fn extra_at_read_boundary(conn: usize, req: usize) -> Vec<(u64, Vec<u8>)> {
    if conn > 0 || req > 0 {
        return default_reply(conn, req);
    }
    let head_len = "HTTP/1.1 200 OK\r\nContent-Length: 16346\r\n\r\n".len();
    let body = "x".repeat(16 * 1024 - head_len);
    let mut bytes = response(&body);
    assert_eq!(bytes.len(), 16 * 1024);
    bytes.extend_from_slice(&response("unsolicited"));
    vec![(0, bytes)]
}

/// A 204 (no body) followed by bytes in a later segment.
fn bytes_after_no_content(conn: usize, req: usize) -> Vec<(u64, Vec<u8>)> {
    match (conn, req) {
        (0, 0) => vec![(0, b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()), (30, response("unsolicited"))],
        _ => default_reply(conn, req),
    }
}

fn request(port: u16) -> http::Request<Vec<u8>> {
    http::Request::post(format!("http://127.0.0.1:{port}/")).body(b"Action=X".to_vec()).unwrap()
}

async fn send_async(client: &HttpsClient, port: u16) -> (u16, String) {
    let r = client.send(request(port), 64 * 1024).await.expect("the request succeeds");
    (r.status, String::from_utf8(r.body).unwrap())
}

/// Runs the two requests of a scenario on the async transport: (second body, connections).
async fn scenario_async(script: Script, pause: Duration) -> (String, usize) {
    let (port, accepted) = serve(script);
    let client = HttpsClient::new(Some(Duration::from_secs(5))).unwrap();
    let _first = send_async(&client, port).await;
    tokio::time::sleep(pause).await;
    let (status, second) = send_async(&client, port).await;
    assert_eq!(status, 200);
    (second, accepted.load(Ordering::SeqCst))
}

#[tokio::test]
async fn async_a_later_unsolicited_response_is_never_read_as_the_next_one() {
    let (body, conns) = scenario_async(unsolicited_later, Duration::from_millis(150)).await;
    assert_eq!((body.as_str(), conns), ("first", 2), "the second request went on a new connection");
}

#[tokio::test]
async fn async_a_response_after_the_first_at_the_read_boundary_is_never_read_as_the_next_one() {
    let (body, conns) = scenario_async(extra_at_read_boundary, Duration::ZERO).await;
    assert_eq!((body.as_str(), conns), ("conn=1 req=0", 2));
}

#[tokio::test]
async fn async_bytes_after_a_204_are_never_read_as_the_next_response() {
    let (body, conns) = scenario_async(bytes_after_no_content, Duration::from_millis(100)).await;
    assert_eq!((body.as_str(), conns), ("conn=1 req=0", 2));
}

#[tokio::test]
async fn async_clean_responses_keep_the_connection() {
    let (body, conns) = scenario_async(default_reply, Duration::from_millis(50)).await;
    assert_eq!((body.as_str(), conns), ("conn=0 req=1", 1));
}

/// The first response stalls after part of its body.
fn stalls_mid_body(conn: usize, req: usize) -> Vec<(u64, Vec<u8>)> {
    match (conn, req) {
        (0, 0) => vec![(0, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".to_vec()), (400, b"defghij".to_vec())],
        _ => default_reply(conn, req),
    }
}

#[tokio::test]
async fn async_a_response_dropped_mid_read_never_returns_its_connection() {
    let (port, accepted) = serve(stalls_mid_body);
    let client = HttpsClient::new(Some(Duration::from_secs(5))).unwrap();
    let dropped = tokio::time::timeout(Duration::from_millis(100), client.send(request(port), 1024)).await;
    assert!(dropped.is_err(), "the caller gave up mid-body");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, body) = send_async(&client, port).await;
    assert_eq!((body.as_str(), accepted.load(Ordering::SeqCst)), ("conn=1 req=0", 2));
}

#[cfg(feature = "blocking")]
mod blocking {
    use super::*;
    use stsgen_runtime::client::blocking::{BlockingHttpClient, StdClient};

    fn scenario(script: Script, pause: Duration) -> (String, usize) {
        let (port, accepted) = serve(script);
        let client = StdClient::new(Some(Duration::from_secs(5)));
        let timeout = Some(Duration::from_secs(5));
        client.send(request(port), 64 * 1024, timeout).expect("the first request succeeds");
        std::thread::sleep(pause);
        let second = client.send(request(port), 64 * 1024, timeout).expect("the second request succeeds");
        assert_eq!(second.status, 200);
        (String::from_utf8(second.body).unwrap(), accepted.load(Ordering::SeqCst))
    }

    #[test]
    fn a_later_unsolicited_response_is_never_read_as_the_next_one() {
        assert_eq!(scenario(unsolicited_later, Duration::from_millis(150)), ("first".to_owned(), 2));
    }

    #[test]
    fn a_response_after_the_first_at_the_read_boundary_is_never_read_as_the_next_one() {
        assert_eq!(scenario(extra_at_read_boundary, Duration::ZERO), ("conn=1 req=0".to_owned(), 2));
    }

    #[test]
    fn bytes_after_a_204_are_never_read_as_the_next_response() {
        assert_eq!(scenario(bytes_after_no_content, Duration::from_millis(100)), ("conn=1 req=0".to_owned(), 2));
    }

    #[test]
    fn clean_responses_keep_the_connection() {
        assert_eq!(scenario(default_reply, Duration::from_millis(50)), ("conn=0 req=1".to_owned(), 1));
    }

    #[test]
    fn a_response_cut_by_the_timeout_never_returns_its_connection() {
        let (port, accepted) = serve(stalls_mid_body);
        let client = StdClient::new(Some(Duration::from_secs(5)));
        let e = client.send(request(port), 1024, Some(Duration::from_millis(100))).unwrap_err();
        assert!(e.to_string().contains("timed out"), "{e}");
        std::thread::sleep(Duration::from_millis(500));
        let ok = client.send(request(port), 1024, Some(Duration::from_secs(5))).unwrap();
        assert_eq!((String::from_utf8(ok.body).unwrap().as_str(), accepted.load(Ordering::SeqCst)), ("conn=1 req=0", 2));
    }
}
