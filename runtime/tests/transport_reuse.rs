//! Connection reuse of both transports against scripted servers on 127.0.0.1: a pooled
//! connection carries the next request only when its last response ended cleanly with
//! nothing pending (regression tests for the "response desync on pooled connections" defect:
//! each of the first three failed before the fix, the second request reading a response
//! nobody asked for).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use stsgen_runtime::client::{rustls, CaBundle, HttpClient, HttpsClient};

/// A TLS server configuration for `localhost` and a CA bundle that trusts it.
fn tls_pair() -> (Arc<rustls::ServerConfig>, CaBundle) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .unwrap();
    (
        Arc::new(config),
        CaBundle::from_pem(ca.pem().as_bytes(), "test CA").unwrap(),
    )
}

/// What the server writes for request `req` on connection `conn`: (delay before, bytes).
type Script = fn(usize, usize) -> Vec<(u64, Vec<u8>)>;

fn response(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn default_reply(conn: usize, req: usize) -> Vec<(u64, Vec<u8>)> {
    vec![(0, response(&format!("conn={conn} req={req}")))]
}

/// Reads one request (head and `content-length` body) from `stream`; false at EOF.
fn read_request(stream: &mut dyn Stream, buf: &mut Vec<u8>) -> bool {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4) {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |v| v.trim().parse().unwrap());
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

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// Serves `script` on 127.0.0.1; returns the port and the count of accepted connections.
fn serve(script: Script) -> (u16, Arc<AtomicUsize>) {
    serve_on(script, None)
}

/// [`serve`], over TLS when `tls` is given.
fn serve_on(script: Script, tls: Option<Arc<rustls::ServerConfig>>) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(tcp) = stream else { return };
            let conn = count.fetch_add(1, Ordering::SeqCst);
            let tls = tls.clone();
            std::thread::spawn(move || {
                let mut stream: Box<dyn Stream> = match tls {
                    Some(config) => Box::new(rustls::StreamOwned::new(
                        rustls::ServerConnection::new(config).unwrap(),
                        tcp,
                    )),
                    None => Box::new(tcp),
                };
                let mut buf = Vec::new();
                let mut req = 0;
                while read_request(stream.as_mut(), &mut buf) {
                    for (delay, bytes) in script(conn, req) {
                        std::thread::sleep(Duration::from_millis(delay));
                        if stream
                            .write_all(&bytes)
                            .and_then(|()| stream.flush())
                            .is_err()
                        {
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
        (0, 0) => vec![
            (0, b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()),
            (30, response("unsolicited")),
        ],
        _ => default_reply(conn, req),
    }
}

fn request(port: u16) -> http::Request<Vec<u8>> {
    http::Request::post(format!("http://127.0.0.1:{port}/"))
        .body(b"Action=X".to_vec())
        .unwrap()
}

async fn send_async(client: &HttpsClient, port: u16) -> (u16, String) {
    let r = client
        .send(request(port), 64 * 1024)
        .await
        .expect("the request succeeds");
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
    assert_eq!(
        (body.as_str(), conns),
        ("first", 2),
        "the second request went on a new connection"
    );
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

#[tokio::test]
async fn async_over_tls_an_unsolicited_response_is_never_read_and_clean_connections_are_kept() {
    let (server, bundle) = tls_pair();
    for (script, pause, want) in [
        (unsolicited_later as Script, 150, ("first", 2)),
        (default_reply, 50, ("conn=0 req=1", 1)),
    ] {
        let (port, accepted) = serve_on(script, Some(server.clone()));
        let client =
            HttpsClient::with_ca_bundle(Some(Duration::from_secs(5)), Some(&bundle)).unwrap();
        let url = format!("https://localhost:{port}/");
        let request = || http::Request::post(url.as_str()).body(Vec::new()).unwrap();
        client.send(request(), 1024).await.unwrap();
        tokio::time::sleep(Duration::from_millis(pause)).await;
        let second = String::from_utf8(client.send(request(), 1024).await.unwrap().body).unwrap();
        assert_eq!((second.as_str(), accepted.load(Ordering::SeqCst)), want);
    }
}

/// The first response stalls after part of its body.
fn stalls_mid_body(conn: usize, req: usize) -> Vec<(u64, Vec<u8>)> {
    match (conn, req) {
        (0, 0) => vec![
            (
                0,
                b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".to_vec(),
            ),
            (400, b"defghij".to_vec()),
        ],
        _ => default_reply(conn, req),
    }
}

#[tokio::test]
async fn async_a_response_dropped_mid_read_never_returns_its_connection() {
    let (port, accepted) = serve(stalls_mid_body);
    let client = HttpsClient::new(Some(Duration::from_secs(5))).unwrap();
    let dropped =
        tokio::time::timeout(Duration::from_millis(100), client.send(request(port), 1024)).await;
    assert!(dropped.is_err(), "the caller gave up mid-body");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, body) = send_async(&client, port).await;
    assert_eq!(
        (body.as_str(), accepted.load(Ordering::SeqCst)),
        ("conn=1 req=0", 2)
    );
}

#[cfg(feature = "blocking")]
mod blocking {
    use super::*;
    use stsgen_runtime::client::blocking::{BlockingHttpClient, StdClient};

    fn scenario(script: Script, pause: Duration) -> (String, usize) {
        let (port, accepted) = serve(script);
        let client = StdClient::new(Some(Duration::from_secs(5)));
        let timeout = Some(Duration::from_secs(5));
        client
            .send(request(port), 64 * 1024, timeout)
            .expect("the first request succeeds");
        std::thread::sleep(pause);
        let second = client
            .send(request(port), 64 * 1024, timeout)
            .expect("the second request succeeds");
        assert_eq!(second.status, 200);
        (
            String::from_utf8(second.body).unwrap(),
            accepted.load(Ordering::SeqCst),
        )
    }

    #[test]
    fn a_later_unsolicited_response_is_never_read_as_the_next_one() {
        assert_eq!(
            scenario(unsolicited_later, Duration::from_millis(150)),
            ("first".to_owned(), 2)
        );
    }

    #[test]
    fn a_response_after_the_first_at_the_read_boundary_is_never_read_as_the_next_one() {
        assert_eq!(
            scenario(extra_at_read_boundary, Duration::ZERO),
            ("conn=1 req=0".to_owned(), 2)
        );
    }

    #[test]
    fn bytes_after_a_204_are_never_read_as_the_next_response() {
        assert_eq!(
            scenario(bytes_after_no_content, Duration::from_millis(100)),
            ("conn=1 req=0".to_owned(), 2)
        );
    }

    #[test]
    fn clean_responses_keep_the_connection() {
        assert_eq!(
            scenario(default_reply, Duration::from_millis(50)),
            ("conn=0 req=1".to_owned(), 1)
        );
    }

    #[test]
    fn over_tls_an_unsolicited_response_is_never_read_and_clean_connections_are_kept() {
        let (server, bundle) = tls_pair();
        for (script, pause, want) in [
            (unsolicited_later as Script, 150, ("first", 2)),
            (default_reply, 50, ("conn=0 req=1", 1)),
        ] {
            let (port, accepted) = serve_on(script, Some(server.clone()));
            let client =
                StdClient::new(Some(Duration::from_secs(5))).with_ca_bundle(Some(bundle.clone()));
            let url = format!("https://localhost:{port}/");
            let send = || {
                client.send(
                    http::Request::post(url.as_str()).body(Vec::new()).unwrap(),
                    1024,
                    Some(Duration::from_secs(5)),
                )
            };
            send().unwrap();
            std::thread::sleep(Duration::from_millis(pause));
            let second = String::from_utf8(send().unwrap().body).unwrap();
            assert_eq!((second.as_str(), accepted.load(Ordering::SeqCst)), want);
        }
    }

    #[test]
    fn a_response_cut_by_the_timeout_never_returns_its_connection() {
        let (port, accepted) = serve(stalls_mid_body);
        let client = StdClient::new(Some(Duration::from_secs(5)));
        let e = client
            .send(request(port), 1024, Some(Duration::from_millis(100)))
            .unwrap_err();
        assert!(e.to_string().contains("timed out"), "{e}");
        std::thread::sleep(Duration::from_millis(500));
        let ok = client
            .send(request(port), 1024, Some(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(
            (
                String::from_utf8(ok.body).unwrap().as_str(),
                accepted.load(Ordering::SeqCst)
            ),
            ("conn=1 req=0", 2)
        );
    }
}
