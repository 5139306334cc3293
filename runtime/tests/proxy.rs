//! Both transports through an HTTP proxy written here (127.0.0.1; it records what it saw):
//! HTTPS through a `CONNECT` tunnel to a TLS server whose certificate comes from a test CA
//! trusted only through a CA bundle file, plain HTTP in absolute form, proxy credentials sent
//! and never shown, a refusing proxy as a typed error, loopback going direct.

#![cfg(feature = "blocking")]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stsgen_runtime::client::blocking::{BlockingHttpClient, StdClient};
use stsgen_runtime::client::{
    CaBundle, ClientConfig, HttpClient, HttpResponse, HttpsClient, ProxyConfig, ProxyUrl,
};
use stsgen_runtime::config::MemoryEnv;
use stsgen_runtime::error::{TransportError, TransportErrorKind};

/// The name the test server's certificate is issued for; only the proxy knows where it is.
const NAME: &str = "sts.proxied.test";
/// base64("alice:s3cret")
const BASIC: &str = "Basic YWxpY2U6czNjcmV0";

/// A test CA (PEM) and a server configuration with a certificate for [`NAME`] signed by it.
fn pki() -> (String, Arc<rustls::ServerConfig>) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "stsgen test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec![NAME.to_owned()])
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
    (ca.pem(), Arc::new(config))
}

/// Writes `pem` to a fresh file under the temporary directory.
fn bundle_file(pem: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path =
        std::env::temp_dir().join(format!("stsgen-proxy-test-{}-{n}.pem", std::process::id()));
    std::fs::write(&path, pem).unwrap();
    path
}

/// Reads one message head (and its `content-length` body); `None` at EOF.
fn read_message(stream: &mut impl Read, buf: &mut Vec<u8>) -> Option<String> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4) {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let lower = head.to_ascii_lowercase();
            let len: usize = lower
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .map_or(0, |v| v.trim().parse().unwrap());
            if buf.len() >= end + len {
                buf.drain(..end + len);
                return Some(head);
            }
        }
        let mut chunk = [0; 4096];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn reply(stream: &mut impl Write, body: &str) -> bool {
    let r = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(r.as_bytes())
        .and_then(|()| stream.flush())
        .is_ok()
}

/// A keep-alive server on 127.0.0.1 (TLS when `tls` is given) answering each request with
/// `ok: <request line>`.
fn server(tls: Option<Arc<rustls::ServerConfig>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { return };
            let tls = tls.clone();
            std::thread::spawn(move || {
                let mut stream: Box<dyn ReadWrite> = match tls {
                    Some(config) => Box::new(rustls::StreamOwned::new(
                        rustls::ServerConnection::new(config).unwrap(),
                        tcp,
                    )),
                    None => Box::new(tcp),
                };
                let mut buf = Vec::new();
                while let Some(head) = read_message(&mut stream, &mut buf) {
                    if !reply(
                        &mut stream,
                        &format!("ok: {}", head.lines().next().unwrap_or_default()),
                    ) {
                        return;
                    }
                }
            });
        }
    });
    port
}

trait ReadWrite: Read + Write + Send {}
impl<T: Read + Write + Send> ReadWrite for T {}

/// What the proxy saw.
#[derive(Default, Debug)]
struct Seen {
    /// Every request head, in order.
    heads: Vec<String>,
    /// The bytes the client sent inside tunnels.
    tunnelled: Vec<u8>,
}

/// An HTTP proxy on 127.0.0.1: `CONNECT host:port` opens a tunnel to 127.0.0.1:port (any
/// host); an absolute-form request is answered by the proxy itself with `proxied: <request
/// line>`; with `refuse`, every request is answered with that status.
fn proxy(refuse: Option<u16>) -> (u16, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let seen = record.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                while let Some(head) = read_message(&mut client, &mut buf) {
                    seen.lock().unwrap().heads.push(head.clone());
                    if let Some(status) = refuse {
                        let r = format!("HTTP/1.1 {status} Refused\r\nProxy-Authenticate: Basic realm=\"t\"\r\nContent-Length: 0\r\n\r\n");
                        let _ = client.write_all(r.as_bytes());
                        return;
                    }
                    let line = head.lines().next().unwrap_or_default().to_owned();
                    if let Some(rest) = line.strip_prefix("CONNECT ") {
                        let authority = rest.split(' ').next().unwrap_or_default();
                        let port = authority
                            .rsplit_once(':')
                            .map(|(_, p)| p.parse::<u16>().unwrap())
                            .unwrap();
                        let upstream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                        client
                            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                            .unwrap();
                        tunnel(client, upstream, seen);
                        return;
                    }
                    if !reply(&mut client, &format!("proxied: {line}")) {
                        return;
                    }
                }
            });
        }
    });
    (port, seen)
}

/// Copies bytes both ways until either side closes, recording what the client sent.
fn tunnel(client: TcpStream, upstream: TcpStream, seen: Arc<Mutex<Seen>>) {
    let (mut c_read, mut c_write) = (client.try_clone().unwrap(), client);
    let (mut u_read, mut u_write) = (upstream.try_clone().unwrap(), upstream);
    std::thread::spawn(move || {
        let mut chunk = [0; 8192];
        while let Ok(n) = u_read.read(&mut chunk) {
            if n == 0 || c_write.write_all(&chunk[..n]).is_err() {
                break;
            }
        }
        let _ = c_write.shutdown(Shutdown::Both);
    });
    let mut chunk = [0; 8192];
    while let Ok(n) = c_read.read(&mut chunk) {
        if n == 0 {
            break;
        }
        seen.lock()
            .unwrap()
            .tunnelled
            .extend_from_slice(&chunk[..n]);
        if u_write.write_all(&chunk[..n]).is_err() {
            break;
        }
    }
    let _ = u_write.shutdown(Shutdown::Both);
}

#[derive(Debug)]
enum Client {
    Async(HttpsClient, tokio::runtime::Runtime),
    Blocking(StdClient),
}

impl Client {
    /// Both transports as `ClientHandle::new` / `BlockingClientHandle::new` build them from `config`.
    fn both(config: &ClientConfig) -> [Client; 2] {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let http = HttpsClient::with_ca_bundle(config.timeouts.connect, config.ca_bundle.as_ref())
            .unwrap()
            .with_proxy(config.proxy.clone())
            .with_connections(config.connections);
        let std = StdClient::new(config.timeouts.connect)
            .with_ca_bundle(config.ca_bundle.clone())
            .with_proxy(config.proxy.clone())
            .with_connections(config.connections);
        [Client::Async(http, runtime), Client::Blocking(std)]
    }

    fn send(&self, url: &str) -> Result<HttpResponse, TransportError> {
        let request = http::Request::post(url)
            .body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec())
            .unwrap();
        match self {
            Client::Async(c, rt) => rt.block_on(c.send(request, 1 << 20)),
            Client::Blocking(c) => c.send(request, 1 << 20, Some(Duration::from_secs(10))),
        }
    }
}

fn body(r: HttpResponse) -> String {
    assert_eq!(r.status, 200);
    String::from_utf8(r.body).unwrap()
}

/// A configuration as `from_env` reads it: the proxy and the CA bundle from the environment.
fn config_from_env(vars: &[(&str, String)]) -> ClientConfig {
    let env = vars
        .iter()
        .fold(MemoryEnv::new(), |env, (k, v)| env.with_var(*k, v));
    // A real file for the bundle: `MemoryEnv` reads only its own files, so read it through
    // the process here and check `from_env_with` reads the same path through `Env`.
    let env = match vars.iter().find(|(k, _)| *k == "AWS_CA_BUNDLE") {
        Some((_, path)) => env.with_file(path, std::fs::read(path).unwrap()),
        None => env,
    };
    ClientConfig::from_env_with("STS", &env).unwrap()
}

#[test]
fn https_goes_through_a_connect_tunnel_to_a_server_trusted_only_through_the_ca_bundle() {
    let (ca, server_tls) = pki();
    let tls_port = server(Some(server_tls));
    let bundle = bundle_file(&ca);
    let (proxy_port, seen) = proxy(None);
    let config = config_from_env(&[
        (
            "HTTPS_PROXY",
            format!("http://alice:s3cret@127.0.0.1:{proxy_port}"),
        ),
        ("AWS_CA_BUNDLE", bundle.display().to_string()),
    ]);
    assert_eq!(
        config.ca_bundle.as_ref().map(|b| b.certificates().len()),
        Some(1)
    );
    let url = format!("https://{NAME}:{tls_port}/");
    for client in Client::both(&config) {
        seen.lock().unwrap().heads.clear();
        for _ in 0..2 {
            assert_eq!(
                body(client.send(&url).unwrap()),
                "ok: POST / HTTP/1.1",
                "{client:?}"
            );
        }
        let seen = seen.lock().unwrap();
        assert_eq!(
            seen.heads.len(),
            1,
            "one tunnel carried both requests: {:?}",
            seen.heads
        );
        let head = &seen.heads[0];
        assert!(
            head.starts_with(&format!("CONNECT {NAME}:{tls_port} HTTP/1.1\r\n")),
            "{head}"
        );
        assert!(
            head.contains(&format!("proxy-authorization: {BASIC}\r\n")),
            "{head}"
        );
        let tunnelled = String::from_utf8_lossy(&seen.tunnelled);
        assert!(
            !tunnelled.contains("GetCallerIdentity") && !tunnelled.contains("POST /"),
            "the proxy sees only TLS records"
        );
        let debug = format!("{client:?} {config:?}");
        assert!(
            !debug.contains("s3cret") && !debug.contains(&BASIC[6..]),
            "credentials are redacted: {debug}"
        );
    }
    let _ = std::fs::remove_file(bundle);
}

#[test]
fn without_the_bundle_the_tunnelled_handshake_fails() {
    let (_, server_tls) = pki();
    let tls_port = server(Some(server_tls));
    let (proxy_port, seen) = proxy(None);
    let config = config_from_env(&[("HTTPS_PROXY", format!("127.0.0.1:{proxy_port}"))]);
    for client in Client::both(&config) {
        let e = client
            .send(&format!("https://{NAME}:{tls_port}/"))
            .unwrap_err();
        assert_eq!(e.kind(), &TransportErrorKind::Connect, "{e}");
        assert!(e.to_string().contains("UnknownIssuer"), "{e}");
    }
    assert!(seen
        .lock()
        .unwrap()
        .heads
        .iter()
        .all(|h| h.starts_with("CONNECT ")));
}

#[test]
fn a_proxy_refusing_the_tunnel_is_a_typed_error_naming_it_without_credentials() {
    let (proxy_port, seen) = proxy(Some(407));
    let mut config = ClientConfig::new();
    config.proxy.https =
        Some(ProxyUrl::parse(&format!("http://alice:s3cret@127.0.0.1:{proxy_port}")).unwrap());
    for client in Client::both(&config) {
        let e = client.send(&format!("https://{NAME}:443/")).unwrap_err();
        assert_eq!(
            e.kind(),
            &TransportErrorKind::ProxyRejected { status: 407 },
            "{e}"
        );
        let text = e.to_string();
        assert!(
            text.contains(&format!("http://127.0.0.1:{proxy_port}")) && text.contains("407"),
            "{text}"
        );
        assert!(
            !text.contains("s3cret") && !format!("{e:?}").contains("s3cret"),
            "{text}"
        );
        assert!(!e.is_transient());
    }
    assert_eq!(seen.lock().unwrap().heads.len(), 2);
    // A 407 to a plain-HTTP request is the proxy's too.
    let mut config = ClientConfig::new();
    config.proxy.http =
        Some(ProxyUrl::parse(&format!("http://alice:s3cret@127.0.0.1:{proxy_port}")).unwrap());
    for client in Client::both(&config) {
        let e = client.send("http://plain.proxied.test/").unwrap_err();
        assert_eq!(
            e.kind(),
            &TransportErrorKind::ProxyRejected { status: 407 },
            "{e}"
        );
        assert!(
            e.to_string().contains("plain.proxied.test:80") && !e.to_string().contains("s3cret"),
            "{e}"
        );
    }
}

#[test]
fn plain_http_goes_to_the_proxy_in_absolute_form_with_credentials() {
    let (proxy_port, seen) = proxy(None);
    let config = config_from_env(&[(
        "http_proxy",
        format!("http://alice:s3cret@127.0.0.1:{proxy_port}/"),
    )]);
    for client in Client::both(&config) {
        let answer = body(client.send("http://plain.proxied.test:8080/?a=1").unwrap());
        assert_eq!(
            answer,
            "proxied: POST http://plain.proxied.test:8080/?a=1 HTTP/1.1"
        );
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.heads.len(), 2);
    assert!(seen
        .heads
        .iter()
        .all(|h| h.contains(&format!("proxy-authorization: {BASIC}\r\n"))
            && h.contains("host: plain.proxied.test:8080\r\n")));
}

#[test]
fn loopback_and_no_proxy_hosts_go_direct() {
    let port = server(None);
    let (proxy_port, seen) = proxy(None);
    let config = config_from_env(&[
        ("HTTPS_PROXY", format!("http://127.0.0.1:{proxy_port}")),
        ("HTTP_PROXY", format!("http://127.0.0.1:{proxy_port}")),
        ("NO_PROXY", "plain.proxied.test".to_owned()),
    ]);
    for client in Client::both(&config) {
        assert_eq!(
            body(client.send(&format!("http://127.0.0.1:{port}/")).unwrap()),
            "ok: POST / HTTP/1.1"
        );
        assert_eq!(
            body(client.send(&format!("http://localhost:{port}/")).unwrap()),
            "ok: POST / HTTP/1.1"
        );
    }
    assert!(
        seen.lock().unwrap().heads.is_empty(),
        "the proxy saw nothing"
    );
    assert_eq!(
        config.proxy.proxy_for("http://plain.proxied.test:8080/"),
        None,
        "NO_PROXY"
    );
    for metadata in [
        "http://169.254.169.254/latest/api/token",
        "http://169.254.170.2/v2/credentials",
        "http://[fd00:ec2::254]/",
    ] {
        assert_eq!(config.proxy.proxy_for(metadata), None, "{metadata}");
    }
    assert!(config
        .proxy
        .proxy_for("https://sts.amazonaws.com/")
        .is_some());
}

#[test]
fn a_code_set_proxy_replaces_the_environments_and_no_proxy_still_applies() {
    let mut config = config_from_env(&[
        ("HTTPS_PROXY", "http://env-proxy:1".to_owned()),
        ("NO_PROXY", ".internal".to_owned()),
    ]);
    config.proxy.https = Some(ProxyUrl::parse("http://code-proxy:2").unwrap());
    assert_eq!(
        config
            .proxy
            .proxy_for("https://sts.amazonaws.com/")
            .map(ProxyUrl::host),
        Some("code-proxy")
    );
    assert_eq!(config.proxy.proxy_for("https://sts.internal/"), None);
    config.proxy = ProxyConfig::none();
    assert_eq!(config.proxy.proxy_for("https://sts.amazonaws.com/"), None);
}

#[test]
fn a_bad_ca_bundle_fails_when_the_configuration_is_built() {
    let empty = bundle_file("not a certificate\n");
    let env = MemoryEnv::new()
        .with_var("AWS_CA_BUNDLE", empty.display().to_string())
        .with_file(&empty, b"not a certificate\n".to_vec());
    let e = ClientConfig::from_env_with("STS", &env)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("AWS_CA_BUNDLE")
            && e.contains(&empty.display().to_string())
            && e.contains("no PEM certificate"),
        "{e}"
    );
    let missing = MemoryEnv::new().with_var("AWS_CA_BUNDLE", "/nonexistent/ca.pem");
    let e = ClientConfig::from_env_with("STS", &missing)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`/nonexistent/ca.pem`") && e.contains("cannot be read"),
        "{e}"
    );
    let e = CaBundle::from_file(&empty).unwrap_err().to_string();
    assert!(e.contains(&empty.display().to_string()), "{e}");
    let _ = std::fs::remove_file(empty);
}
