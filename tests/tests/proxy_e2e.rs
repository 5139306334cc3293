//! End to end through a proxy: the generated client (async and blocking), configured from the
//! environment (`HTTPS_PROXY` with credentials, `AWS_CA_BUNDLE`), calls `GetCallerIdentity`
//! on a local TLS server whose certificate comes from a CA made here, through a `CONNECT`
//! tunnel of the recording [`TestProxy`]; plain-HTTP calls go to the proxy in absolute form
//! and are retried through it; a proxy that refuses is a typed transport error, not retried.
//! (`STSGEN_FAULTS_VIA_PROXY=1 cargo test -p stsgen-tests --test faults` runs the whole
//! fault-injection suite through the proxy.)

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use sts::operation::get_caller_identity::{
    GetCallerIdentityError, GetCallerIdentityInput, GetCallerIdentityOutput,
};
use sts::runtime::error::{SdkError, TransportErrorKind};
use stsgen_runtime::client::rustls;
use stsgen_runtime::config::MemoryEnv;
use stsgen_runtime::credentials::StaticCredentials;
use stsgen_tests::proxy::TestProxy;
use stsgen_tests::{Fault, FaultServer};

const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/p</Arn>\
<UserId>AIDP</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>rp</RequestId>\
</ResponseMetadata></GetCallerIdentityResponse>";

const NAME: &str = "sts.proxied.test";

type CallResult = Result<GetCallerIdentityOutput, SdkError<GetCallerIdentityError>>;

/// Two calls with one client of each kind.
fn calls(config: &sts::Config) -> Vec<CallResult> {
    let input = || GetCallerIdentityInput::builder().build().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = sts::Client::new(config.clone()).unwrap();
    let blocking = sts::blocking::Client::new(config.clone());
    let mut out: Vec<CallResult> = (0..2).map(|_| rt.block_on(client.send(input()))).collect();
    out.extend((0..2).map(|_| blocking.send(input())));
    out
}

/// A keep-alive TLS server for [`NAME`] answering every request with the identity, and the
/// PEM of the CA that issued its certificate.
fn tls_server() -> (u16, String) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec![NAME.to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { continue };
            let config = config.clone();
            std::thread::spawn(move || {
                let mut tls =
                    rustls::StreamOwned::new(rustls::ServerConnection::new(config).unwrap(), tcp);
                let mut buf = Vec::new();
                loop {
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
                    else {
                        let mut chunk = [0; 4096];
                        match tls.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length: "))
                        .map_or(0, |v| v.trim().parse().unwrap());
                    if buf.len() < end + len {
                        let mut chunk = [0; 4096];
                        match tls.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    }
                    buf.drain(..end + len);
                    let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{IDENTITY}", IDENTITY.len());
                    if tls
                        .write_all(reply.as_bytes())
                        .and_then(|()| tls.flush())
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (port, ca.pem())
}

fn credentials(config: &mut sts::Config) {
    config.credentials = Some(Arc::new(StaticCredentials::new(
        "AKIDPROXY",
        "proxy-test-secret",
        None,
    )));
    config.retry.initial_backoff = Duration::from_millis(5);
    config.retry.max_backoff = Duration::from_millis(20);
    config.timeouts.attempt = Some(Duration::from_secs(10));
}

#[test]
fn the_generated_client_reaches_a_private_ca_server_through_a_connect_tunnel() {
    let (port, ca) = tls_server();
    let proxy = TestProxy::start();
    let env = MemoryEnv::new()
        .with_var("AWS_REGION", "us-east-1")
        .with_var("AWS_ENDPOINT_URL", format!("https://{NAME}:{port}"))
        .with_var(
            "HTTPS_PROXY",
            format!("http://alice:s3cret@127.0.0.1:{}", proxy.port),
        )
        .with_var("AWS_CA_BUNDLE", "/corp/ca.pem")
        .with_file("/corp/ca.pem", ca);
    let mut config = sts::Config::from_env_with("STS", &env).unwrap();
    credentials(&mut config);
    assert!(
        !format!("{config:?}").contains("s3cret"),
        "proxy credentials are redacted in Debug"
    );
    for result in calls(&config) {
        assert_eq!(
            result.unwrap().arn(),
            Some("arn:aws:iam::123456789012:user/p")
        );
    }
    let heads = proxy.heads();
    assert_eq!(
        heads.len(),
        2,
        "one tunnel per client, reused for its second call: {heads:?}"
    );
    for head in heads {
        assert!(
            head.starts_with(&format!("CONNECT {NAME}:{port} HTTP/1.1\r\n")),
            "{head}"
        );
        assert!(
            head.contains("proxy-authorization: Basic YWxpY2U6czNjcmV0\r\n"),
            "{head}"
        );
    }
}

#[test]
fn without_the_ca_bundle_the_call_fails_at_the_handshake() {
    let (port, _) = tls_server();
    let proxy = TestProxy::start();
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(format!("https://{NAME}:{port}"));
    config.proxy.https = Some(stsgen_runtime::client::ProxyUrl::parse(&proxy.url()).unwrap());
    config.retry.max_attempts = 1;
    credentials(&mut config);
    for result in calls(&config) {
        match result {
            Err(SdkError::Transport { error, .. }) => {
                assert!(error.to_string().contains("UnknownIssuer"), "{error}")
            }
            other => panic!("expected a TLS failure, got {other:?}"),
        }
    }
}

#[test]
fn plain_http_calls_are_proxied_in_absolute_form_and_retried_through_the_proxy() {
    let server = FaultServer::sequence(vec![
        Fault::html(500, "<html>oops</html>"),
        Fault::xml(200, IDENTITY),
        Fault::html(503, "<html>busy</html>"),
        Fault::xml(200, IDENTITY),
        Fault::xml(200, IDENTITY),
        Fault::xml(200, IDENTITY),
    ]);
    let proxy = TestProxy::start();
    let upstream = server.url.replace("127.0.0.1", "faults.proxied.test");
    let env = MemoryEnv::new()
        .with_var("AWS_REGION", "us-east-1")
        .with_var("AWS_ENDPOINT_URL", &upstream)
        .with_var("http_proxy", proxy.url());
    let mut config = sts::Config::from_env_with("STS", &env).unwrap();
    credentials(&mut config);
    for result in calls(&config) {
        assert!(result.is_ok(), "{result:?}");
    }
    assert_eq!(
        server.requests(),
        6,
        "two calls retried once each, two served at once"
    );
    let heads = proxy.heads();
    assert_eq!(
        heads.len(),
        6,
        "the server closes every connection: one proxied request per connection"
    );
    assert!(
        heads
            .iter()
            .all(|h| h.starts_with(&format!("POST {upstream}/ HTTP/1.1\r\n"))),
        "{heads:?}"
    );
    assert!(server.received().iter().all(|r| r
        .header("authorization")
        .is_some_and(|a| a.contains("AKIDPROXY"))));
}

#[test]
fn a_refusing_proxy_is_a_typed_transport_error_and_not_retried() {
    let proxy = TestProxy::refusing(407);
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(format!("https://{NAME}:443"));
    config.proxy.https = Some(
        stsgen_runtime::client::ProxyUrl::parse(&format!(
            "http://bob:hunter2@127.0.0.1:{}",
            proxy.port
        ))
        .unwrap(),
    );
    credentials(&mut config);
    for result in calls(&config) {
        match result {
            Err(SdkError::Transport { error, attempts: 1 }) => {
                assert_eq!(
                    error.kind(),
                    &TransportErrorKind::ProxyRejected { status: 407 }
                );
                let text = error.to_string();
                assert!(
                    text.contains(&proxy.url())
                        && text.contains("407")
                        && !text.contains("hunter2"),
                    "{text}"
                );
            }
            other => panic!("expected a proxy error after one attempt, got {other:?}"),
        }
    }
    assert_eq!(proxy.heads().len(), 4);
}
