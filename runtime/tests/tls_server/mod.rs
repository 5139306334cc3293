//! A TLS server on 127.0.0.1 for the TLS tests of both transports. A test binary that sets
//! `SSL_CERT_FILE` does so for its whole process, before the first client loads the system's
//! roots (once per process), and holds that one test.
#![allow(dead_code)] // each test binary uses some of these

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use stsgen_runtime::client::{rustls, HttpClient, HttpsClient};
use stsgen_runtime::error::TransportError;

pub const TIMEOUT: Option<Duration> = Some(Duration::from_secs(5));

/// A certificate authority's certificate as PEM and a TLS server configuration for
/// `localhost` with a certificate it issued, speaking only `versions`.
pub fn pki(
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> (String, Arc<rustls::ServerConfig>) {
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
    .with_protocol_versions(versions)
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .unwrap();
    (ca.pem(), Arc::new(config))
}

/// Serves HTTPS with `config` on 127.0.0.1: every connection gets a `200` to its first
/// request. Returns the port.
pub fn serve(config: Arc<rustls::ServerConfig>) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { return };
            let config = config.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut stream = rustls::StreamOwned::new(conn, tcp);
                let (mut request, mut buf) = (Vec::new(), [0u8; 1024]);
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
                stream.conn.send_close_notify();
                let _ = stream.flush();
            });
        }
    });
    port
}

/// Points `SSL_CERT_FILE` at `file` (and unsets `SSL_CERT_DIR`) for this process.
pub fn use_cert_file(file: &std::path::Path) {
    // Only this test runs in this process, and no thread reads the environment yet.
    std::env::set_var("SSL_CERT_FILE", file);
    std::env::remove_var("SSL_CERT_DIR");
}

pub fn request(port: u16) -> http::Request<Vec<u8>> {
    http::Request::post(format!("https://localhost:{port}/"))
        .body(Vec::new())
        .unwrap()
}

/// One request to `https://localhost:{port}/` with `client`: the response's status.
pub async fn send(client: &HttpsClient, port: u16) -> Result<u16, TransportError> {
    Ok(client.send(request(port), 1024).await?.status)
}

/// The same with the blocking transport (run it outside the async runtime).
#[cfg(feature = "blocking")]
pub fn send_blocking(
    client: &stsgen_runtime::client::blocking::StdClient,
    port: u16,
) -> Result<u16, TransportError> {
    use stsgen_runtime::client::blocking::BlockingHttpClient;
    Ok(client.send(request(port), 1024, TIMEOUT)?.status)
}
