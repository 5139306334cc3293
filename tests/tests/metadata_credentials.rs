//! The container and instance-metadata (IMDSv2) credential providers against local stand-ins
//! on 127.0.0.1 (and ::1 when the host has it), and the default chain's order with them:
//! the requests each provider sends, token renewal on 401, 403 and 404 ending a request,
//! bounded retries, static stability, the full-URI host check before any request, the
//! authorization token file read at every load, IPv6 mode, `credential_source`, and which
//! provider wins when several are configured.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sts::Config;
use stsgen_config::credentials::{
    ContainerCredentialsProvider, DefaultCredentialsChain, ImdsCredentialsProvider, ProfileProvider,
};
use stsgen_runtime::client::{HttpClient, HttpResponse};
use stsgen_runtime::config::{Env, MemoryEnv};
use stsgen_runtime::credentials::{CredentialsError, ProvideCredentials};
use stsgen_runtime::error::TransportError;
use stsgen_runtime::future::BoxFuture;
use stsgen_runtime::http;
use stsgen_tests::{Fault, FaultServer, Received};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Variables in memory, files from the real file system (so a test can rewrite one).
#[derive(Debug, Default, Clone)]
struct FsEnv {
    vars: BTreeMap<String, String>,
}

impl FsEnv {
    fn var(mut self, k: &str, v: &str) -> Self {
        self.vars.insert(k.to_owned(), v.to_owned());
        self
    }
}

impl Env for FsEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        self.vars.get(name).map(OsString::from)
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

const FAR: &str = "2099-01-01T00:00:00Z";

fn creds_json(key: &str, expiration: &str) -> String {
    format!(
        r#"{{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"{key}","SecretAccessKey":"secret-{key}","Token":"token-{key}","Expiration":"{expiration}","AccountId":"123456789012"}}"#
    )
}

fn json(status: u16, body: &str) -> Fault {
    Fault::Respond {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn text(status: u16, body: &str) -> Fault {
    Fault::Respond {
        status,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn method_path(r: &Received) -> (String, String) {
    let mut parts = r.request_line.split(' ');
    (
        parts.next().unwrap_or_default().to_owned(),
        parts.next().unwrap_or_default().to_owned(),
    )
}

/// A well-behaved IMDS: token `tok-N` (N counts token requests), role `web`, credentials
/// `ASIAIMDS` expiring at `expiration`; requests with any other token get 401.
fn imds(expiration: &'static str) -> FaultServer {
    let tokens = Arc::new(AtomicU64::new(0));
    FaultServer::start(move |_, r| {
        let (method, path) = method_path(r);
        if method == "PUT" && path == "/latest/api/token" {
            assert_eq!(
                r.header("x-aws-ec2-metadata-token-ttl-seconds"),
                Some("21600")
            );
            let n = tokens.fetch_add(1, Ordering::SeqCst);
            return text(200, &format!("tok-{n}"));
        }
        let current = format!("tok-{}", tokens.load(Ordering::SeqCst).saturating_sub(1));
        if r.header("x-aws-ec2-metadata-token") != Some(current.as_str()) {
            return text(401, "");
        }
        match path.as_str() {
            "/latest/meta-data/iam/security-credentials/" => text(200, "web\n"),
            "/latest/meta-data/iam/security-credentials/web" => {
                json(200, &creds_json("ASIAIMDS", expiration))
            }
            _ => text(404, "not found"),
        }
    })
}

fn requests(server: &FaultServer) -> Vec<String> {
    server
        .received()
        .iter()
        .map(method_path)
        .map(|(m, p)| format!("{m} {p}"))
        .collect()
}

fn imds_env(server: &FaultServer) -> MemoryEnv {
    MemoryEnv::new()
        .with_var("HOME", "/nowhere")
        .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url.as_str())
}

fn imds_provider(env: MemoryEnv) -> ImdsCredentialsProvider {
    ImdsCredentialsProvider::builder()
        .env(Arc::new(env))
        .build()
}

// -------------------------------------------------------------------------------------------
// Instance metadata

#[test]
fn imds_sends_the_v2_sequence_and_keeps_token_and_role() {
    let server = imds(FAR);
    let provider = imds_provider(imds_env(&server));
    let rt = rt();
    let c = rt.block_on(provider.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("ASIAIMDS", "secret-ASIAIMDS", Some("token-ASIAIMDS"))
    );
    assert_eq!(
        c.expiry(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_070_908_800))
    );
    assert_eq!(c.account_id(), Some("123456789012"));
    assert_eq!(c.provider(), "instance-metadata");
    assert_eq!(
        requests(&server),
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/web"
        ]
    );
    let get = &server.received()[1];
    assert_eq!(get.header("x-aws-ec2-metadata-token"), Some("tok-0"));
    assert!(get.header("x-aws-ec2-metadata-token-ttl-seconds").is_none());
    // A second load reuses the session token and the role name.
    provider.invalidate();
    rt.block_on(provider.provide_credentials()).unwrap();
    assert_eq!(
        requests(&server)[3..],
        ["GET /latest/meta-data/iam/security-credentials/web"]
    );
}

#[test]
fn imds_renews_the_token_on_401() {
    // The first token is refused once (as after the service restarted), the next accepted.
    let server = FaultServer::start(|n, r| {
        let (method, path) = method_path(r);
        match (method.as_str(), n) {
            ("PUT", 0) => text(200, "old"),
            ("PUT", _) => text(200, "new"),
            _ if r.header("x-aws-ec2-metadata-token") != Some("new") => text(401, ""),
            _ if path.ends_with("/security-credentials/") => text(200, "web"),
            _ => json(200, &creds_json("ASIARENEWED", FAR)),
        }
    });
    let c = rt()
        .block_on(imds_provider(imds_env(&server)).provide_credentials())
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIARENEWED");
    assert_eq!(
        requests(&server),
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/web"
        ]
    );
}

#[test]
fn imds_403_ends_the_request_and_404_means_no_role() {
    // 403 on the role document: one request, no retry, an error naming the status.
    let server = FaultServer::start(|_, r| match method_path(r) {
        (m, _) if m == "PUT" => text(200, "t"),
        (_, p) if p.ends_with("/security-credentials/") => text(200, "web"),
        _ => text(403, "Forbidden"),
    });
    let e = rt()
        .block_on(imds_provider(imds_env(&server)).provide_credentials())
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::ProviderError { .. }) && e.to_string().contains("403"),
        "{e}"
    );
    assert_eq!(
        requests(&server)
            .iter()
            .filter(|r| r.ends_with("/web"))
            .count(),
        1
    );

    // 403 on the token: IMDS is disabled; no fallback to IMDSv1 unless asked for.
    let server = FaultServer::sequence(vec![text(403, "")]);
    let e = rt()
        .block_on(imds_provider(imds_env(&server)).provide_credentials())
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("request forbidden: IMDS is disabled"),
        "{e}"
    );
    assert_eq!(requests(&server), ["PUT /latest/api/token"]);

    // 404 on the role list: the instance has no role; the chain moves on.
    let server = FaultServer::start(|_, r| {
        if r.request_line.starts_with("PUT") {
            text(200, "t")
        } else {
            text(404, "<html/>")
        }
    });
    let e = rt()
        .block_on(imds_provider(imds_env(&server)).provide_credentials())
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::NotLoaded { .. }) && e.to_string().contains("no IAM role"),
        "{e}"
    );
    assert_eq!(server.requests(), 2, "404 is not retried");
}

#[test]
fn imds_v1_fallback_only_when_v1_is_explicitly_not_disabled() {
    let script = |_: usize, r: &Received| match method_path(r) {
        (m, _) if m == "PUT" => text(403, ""),
        _ if r.header("x-aws-ec2-metadata-token").is_some() => text(400, "unexpected token"),
        (_, p) if p.ends_with("/security-credentials/") => text(200, "web"),
        _ => json(200, &creds_json("ASIAV1", FAR)),
    };
    let server = FaultServer::start(script);
    assert!(rt()
        .block_on(imds_provider(imds_env(&server)).provide_credentials())
        .is_err());
    let server = FaultServer::start(script);
    let env = imds_env(&server).with_var("AWS_EC2_METADATA_V1_DISABLED", "false");
    let c = rt()
        .block_on(imds_provider(env).provide_credentials())
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIAV1");
    assert!(server.received()[1..]
        .iter()
        .all(|r| r.header("x-aws-ec2-metadata-token").is_none()));
}

#[test]
fn imds_retries_are_bounded_by_the_attempts_setting() {
    // 5xx then success: retried within the default budget.
    let server = FaultServer::start(|n, r| match (n, method_path(r)) {
        (0, _) => text(503, ""),
        (_, (m, _)) if m == "PUT" => text(200, "t"),
        (2, _) => text(500, ""),
        (_, (_, p)) if p.ends_with("/security-credentials/") => text(200, "web"),
        _ => json(200, &creds_json("ASIARETRIED", FAR)),
    });
    let c = rt()
        .block_on(imds_provider(imds_env(&server)).provide_credentials())
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIARETRIED");
    assert_eq!(server.requests(), 5);

    // Always 503: exactly AWS_METADATA_SERVICE_NUM_ATTEMPTS attempts, then "not loaded".
    let server = FaultServer::sequence(vec![text(503, "")]);
    let env = imds_env(&server).with_var("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3");
    let e = rt()
        .block_on(imds_provider(env).provide_credentials())
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::NotLoaded { .. }) && e.to_string().contains("503"),
        "{e}"
    );
    assert_eq!(server.requests(), 3);

    // The profile's metadata_service_num_attempts, and a server that never answers: each
    // attempt ends at the timeout.
    let server = FaultServer::sequence(vec![Fault::StallHeaders]);
    let env = MemoryEnv::new()
        .with_var("HOME", "/home")
        .with_file(
            "/home/.aws/config",
            format!("[default]\nec2_metadata_service_endpoint = {}\nmetadata_service_num_attempts = 2\n", server.url),
        )
        .with_var("AWS_METADATA_SERVICE_TIMEOUT", "0.2");
    let e = rt()
        .block_on(imds_provider(env).provide_credentials())
        .unwrap_err();
    assert!(
        e.to_string().contains("could not communicate with IMDS"),
        "{e}"
    );
    assert_eq!(server.requests(), 2);

    // Unset, a timeout is not tried again (as aws-config: off EC2 the chain fails fast), while
    // a 5xx is (above).
    let server = FaultServer::sequence(vec![Fault::StallHeaders]);
    let env = imds_env(&server).with_var("AWS_METADATA_SERVICE_TIMEOUT", "0.2");
    let e = rt()
        .block_on(imds_provider(env).provide_credentials())
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::NotLoaded { .. })
            && e.to_string().contains("could not communicate with IMDS"),
        "{e}"
    );
    assert_eq!(server.requests(), 1);
}

#[test]
fn imds_settings_are_checked() {
    for (var, value) in [
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"),
        ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "zero"),
        ("AWS_METADATA_SERVICE_TIMEOUT", "-1"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254"),
    ] {
        let env = MemoryEnv::new().with_var(var, value);
        let e = rt()
            .block_on(imds_provider(env).provide_credentials())
            .unwrap_err();
        assert!(
            matches!(e, CredentialsError::InvalidConfiguration { .. })
                && e.to_string().contains(var),
            "{e}"
        );
    }
    let env = MemoryEnv::new().with_var("AWS_EC2_METADATA_DISABLED", "True");
    let e = rt()
        .block_on(imds_provider(env).provide_credentials())
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::NotLoaded { .. })
            && e.to_string().contains("AWS_EC2_METADATA_DISABLED"),
        "{e}"
    );
}

/// A transport that records requests and answers with 503 (or `body` for credentials paths).
#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<http::Request<Vec<u8>>>>,
    body: Option<String>,
}

impl HttpClient for Recorder {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.seen.lock().unwrap().push(request);
        let (status, body) = match &self.body {
            Some(b) => (200, b.clone().into_bytes()),
            None => (503, Vec::new()),
        };
        Box::pin(async move {
            Ok(HttpResponse {
                status,
                headers: http::HeaderMap::new(),
                body,
            })
        })
    }
}

#[test]
fn imds_ipv6_mode_chooses_the_ipv6_endpoint() {
    for (mode, from_profile) in [("IPv6", false), ("ipv6", true)] {
        let recorder = Arc::new(Recorder::default());
        let mut env = MemoryEnv::new()
            .with_var("HOME", "/home")
            .with_var("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1");
        env = if from_profile {
            env.with_file(
                "/home/.aws/config",
                format!("[default]\nec2_metadata_service_endpoint_mode = {mode}\n"),
            )
        } else {
            env.with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", mode)
        };
        let provider = ImdsCredentialsProvider::builder()
            .env(Arc::new(env))
            .http_client(recorder.clone())
            .build();
        assert!(rt().block_on(provider.provide_credentials()).is_err());
        let seen = recorder.seen.lock().unwrap();
        assert_eq!(
            seen[0].uri().to_string(),
            "http://[fd00:ec2::254]/latest/api/token"
        );
        assert_eq!(seen[0].method(), http::Method::PUT);
    }
    // The default is IPv4.
    let recorder = Arc::new(Recorder::default());
    let env = MemoryEnv::new().with_var("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1");
    let provider = ImdsCredentialsProvider::builder()
        .env(Arc::new(env))
        .http_client(recorder.clone())
        .build();
    assert!(rt().block_on(provider.provide_credentials()).is_err());
    assert_eq!(
        recorder.seen.lock().unwrap()[0].uri().to_string(),
        "http://169.254.169.254/latest/api/token"
    );
}

#[test]
fn imds_over_ipv6_loopback() {
    let Ok(listener) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("no IPv6 loopback on this host; skipped");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Write};
        for stream in listener.incoming().take(3) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let body = if line.starts_with("PUT") {
                "t6".to_owned()
            } else if line.contains("/security-credentials/ ") {
                "web".to_owned()
            } else {
                creds_json("ASIAIPV6", FAR)
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let env = MemoryEnv::new().with_var(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        format!("http://[::1]:{port}"),
    );
    let c = rt()
        .block_on(imds_provider(env).provide_credentials())
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIAIPV6");
}

#[test]
fn imds_static_stability_serves_the_last_credentials_past_expiry() {
    let now = Arc::new(AtomicU64::new(4_000_000_000)); // 2096
    let clock = {
        let now = now.clone();
        move || SystemTime::UNIX_EPOCH + Duration::from_secs(now.load(Ordering::SeqCst))
    };
    let up = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let server = {
        let up = up.clone();
        FaultServer::start(move |_, r| {
            if !up.load(Ordering::SeqCst) {
                return text(500, "");
            }
            match method_path(r) {
                (m, _) if m == "PUT" => text(200, "t"),
                (_, p) if p.ends_with("/security-credentials/") => text(200, "web"),
                // Expires one hour after the test's "now".
                _ => json(200, &creds_json("ASIASTABLE", "2096-10-02T08:06:40Z")),
            }
        })
    };
    let env = imds_env(&server).with_var("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1");
    let provider = ImdsCredentialsProvider::builder()
        .env(Arc::new(env))
        .clock(clock.clone())
        .build();
    let rt = rt();
    let first = rt.block_on(provider.provide_credentials()).unwrap();
    assert_eq!(
        first.expiry(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_000_003_600))
    );

    // IMDS goes away and the credentials expire: the last ones are served, expiry pushed
    // 10 to 15 minutes past now.
    up.store(false, Ordering::SeqCst);
    now.fetch_add(7200, Ordering::SeqCst);
    let served = rt.block_on(provider.provide_credentials()).unwrap();
    assert_eq!(served.access_key_id(), "ASIASTABLE");
    assert_eq!(served.secret_access_key(), "secret-ASIASTABLE");
    let ahead = served.expiry().unwrap().duration_since(clock()).unwrap();
    assert!(
        ahead >= Duration::from_secs(600) && ahead <= Duration::from_secs(900),
        "{ahead:?}"
    );

    // IMDS itself returning expired credentials: served with an extended expiry too.
    let server = FaultServer::start(|_, r| match method_path(r) {
        (m, _) if m == "PUT" => text(200, "t"),
        (_, p) if p.ends_with("/security-credentials/") => text(200, "web"),
        _ => json(200, &creds_json("ASIAOLD", "2021-09-21T04:16:53Z")),
    });
    let provider = ImdsCredentialsProvider::builder()
        .env(Arc::new(imds_env(&server)))
        .clock(clock.clone())
        .build();
    let c = rt.block_on(provider.provide_credentials()).unwrap();
    assert_eq!(c.access_key_id(), "ASIAOLD");
    assert!(
        c.expiry().unwrap() > clock() + Duration::from_secs(599),
        "{c:?}"
    );

    // Without earlier credentials, a failure is an error.
    let server = FaultServer::sequence(vec![text(500, "")]);
    let env = imds_env(&server).with_var("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1");
    assert!(rt
        .block_on(imds_provider(env).provide_credentials())
        .is_err());
}

#[test]
fn imds_works_with_the_blocking_transport_outside_a_runtime() {
    let server = imds(FAR);
    let provider = imds_provider(imds_env(&server));
    assert_eq!(
        provider
            .provide_credentials_blocking()
            .unwrap()
            .access_key_id(),
        "ASIAIMDS"
    );
}

// -------------------------------------------------------------------------------------------
// Container

fn container_server(status: u16, body: String) -> FaultServer {
    FaultServer::sequence(vec![json(status, &body)])
}

fn container(env: impl Env + 'static) -> ContainerCredentialsProvider {
    ContainerCredentialsProvider::builder()
        .env(Arc::new(env))
        .build()
}

#[test]
fn container_full_uri_with_token_and_account_id() {
    let server = container_server(200, creds_json("ASIACONTAINER", FAR));
    let env = MemoryEnv::new()
        .with_var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/v1/credentials?x=1", server.url),
        )
        .with_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc");
    let c = rt().block_on(container(env).provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.session_token(), c.account_id()),
        (
            "ASIACONTAINER",
            Some("token-ASIACONTAINER"),
            Some("123456789012")
        )
    );
    assert_eq!(c.provider(), "container");
    let r = &server.received()[0];
    assert_eq!(r.request_line, "GET /v1/credentials?x=1 HTTP/1.1");
    assert_eq!(r.header("authorization"), Some("Basic abc"));
    assert_eq!(r.header("accept"), Some("application/json"));

    // `localhost` resolves to loopback only: allowed.
    let server = container_server(200, creds_json("ASIALOCAL", FAR));
    let port = server.url.rsplit(':').next().unwrap().to_owned();
    let env = MemoryEnv::new().with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("http://localhost:{port}/creds"),
    );
    assert_eq!(
        rt().block_on(container(env).provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIALOCAL"
    );
}

#[test]
fn container_relative_uri_goes_to_the_ecs_agent_through_the_given_transport() {
    let recorder = Arc::new(Recorder {
        body: Some(creds_json("ASIAECS", FAR)),
        ..Default::default()
    });
    let env = MemoryEnv::new().with_var(
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "/v2/credentials/abc",
    );
    let provider = ContainerCredentialsProvider::builder()
        .env(Arc::new(env))
        .http_client(recorder.clone())
        .build();
    assert_eq!(
        rt().block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIAECS"
    );
    let seen = recorder.seen.lock().unwrap();
    assert_eq!(
        seen[0].uri().to_string(),
        "http://169.254.170.2/v2/credentials/abc"
    );
    assert!(seen[0].headers().get("authorization").is_none());
}

#[test]
fn container_full_uri_to_other_hosts_is_refused_before_any_request() {
    for uri in [
        "http://169.254.169.254/creds",
        "http://10.0.0.1:8080/creds",
        "http://[fd00:ec2::254]/creds",
        "ftp://127.0.0.1/",
    ] {
        let recorder = Arc::new(Recorder::default());
        let env = MemoryEnv::new()
            .with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)
            .with_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "SecretAuthMARKER");
        let provider = ContainerCredentialsProvider::builder()
            .env(Arc::new(env))
            .http_client(recorder.clone())
            .build();
        let e = rt().block_on(provider.provide_credentials()).unwrap_err();
        let host = uri
            .split("//")
            .nth(1)
            .unwrap()
            .split(['/', ':'])
            .next()
            .unwrap();
        let host = if uri.contains('[') {
            "[fd00:ec2::254]"
        } else {
            host
        };
        assert!(
            matches!(e, CredentialsError::InvalidConfiguration { .. }),
            "{uri}: {e}"
        );
        assert!(
            e.to_string().contains(host) || uri.starts_with("ftp"),
            "{uri}: {e}"
        );
        assert!(!e.to_string().contains("SecretAuthMARKER"), "{e}");
        assert!(
            recorder.seen.lock().unwrap().is_empty(),
            "{uri}: a request was sent"
        );
    }
    // https goes anywhere.
    let recorder = Arc::new(Recorder {
        body: Some(creds_json("ASIATLS", FAR)),
        ..Default::default()
    });
    let env = MemoryEnv::new().with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "https://credentials.example/creds",
    );
    let provider = ContainerCredentialsProvider::builder()
        .env(Arc::new(env))
        .http_client(recorder.clone())
        .build();
    assert_eq!(
        rt().block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIATLS"
    );
}

#[test]
fn container_token_file_is_read_at_every_load() {
    let server = FaultServer::start(|_, _| json(200, &creds_json("ASIAPOD", FAR)));
    let dir = std::env::temp_dir().join(format!("stsgen-container-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token");
    std::fs::write(&file, "first-token\n").unwrap();
    let env = FsEnv::default()
        .var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{}/v1/credentials", server.url),
        )
        .var(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            file.to_str().unwrap(),
        )
        .var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-the-variable");
    let provider = container(env);
    let rt = rt();
    rt.block_on(provider.provide_credentials()).unwrap();
    std::fs::write(&file, "second-token").unwrap();
    provider.invalidate();
    rt.block_on(provider.provide_credentials()).unwrap();
    let auth: Vec<_> = server
        .received()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(auth, ["first-token", "second-token"]);

    // A token with a line break inside is refused, without quoting it; a missing file is named.
    std::fs::write(&file, "bad\r\ntoken").unwrap();
    provider.invalidate();
    let e = rt.block_on(provider.provide_credentials()).unwrap_err();
    assert!(
        e.to_string().contains("line break") && !e.to_string().contains("bad"),
        "{e}"
    );
    std::fs::remove_file(&file).unwrap();
    provider.invalidate();
    let e = rt.block_on(provider.provide_credentials()).unwrap_err();
    assert!(e.to_string().contains(file.to_str().unwrap()), "{e}");
    assert_eq!(server.requests(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn container_retries_5xx_and_connection_failures_a_bounded_number_of_times() {
    let server = FaultServer::sequence(vec![
        json(500, ""),
        Fault::Reset,
        json(200, &creds_json("ASIATHIRD", FAR)),
    ]);
    let env = MemoryEnv::new().with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("{}/c", server.url),
    );
    assert_eq!(
        rt().block_on(container(env).provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIATHIRD"
    );
    assert_eq!(server.requests(), 3);

    let server = FaultServer::sequence(vec![json(503, r#"{"Code":"Busy","Message":"try later"}"#)]);
    let env = MemoryEnv::new().with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("{}/c", server.url),
    );
    let e = rt()
        .block_on(container(env).provide_credentials())
        .unwrap_err();
    assert!(
        e.to_string().contains("503")
            && e.to_string().contains("Busy: try later")
            && e.to_string().contains("3 attempts"),
        "{e}"
    );
    assert_eq!(server.requests(), 3);

    // A 4xx is not retried; its Code and Message are reported.
    let server = FaultServer::sequence(vec![json(
        403,
        r#"{"Code":"AccessDenied","Message":"bad token"}"#,
    )]);
    let env = MemoryEnv::new().with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("{}/c", server.url),
    );
    let e = rt()
        .block_on(container(env).provide_credentials())
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::ProviderError { .. })
            && e.to_string().contains("AccessDenied: bad token"),
        "{e}"
    );
    assert_eq!(server.requests(), 1);

    // Nothing listening: bounded attempts, then an error naming the endpoint.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = MemoryEnv::new().with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("http://127.0.0.1:{port}/c"),
    );
    let e = rt()
        .block_on(container(env).provide_credentials())
        .unwrap_err();
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
}

#[test]
fn container_unset_is_not_loaded() {
    let e = rt()
        .block_on(container(MemoryEnv::new()).provide_credentials())
        .unwrap_err();
    assert!(matches!(e, CredentialsError::NotLoaded { .. }), "{e}");
}

// -------------------------------------------------------------------------------------------
// credential_source and the default chain's order

const STS_ASSUME_ROLE: &str = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>\
<SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>\
</Credentials><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::210987654321:assumed-role/r/s</Arn>\
</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>";

const STS_WEB_IDENTITY: &str = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
<AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>web-secret</SecretAccessKey><SessionToken>web-token</SessionToken>\
<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
<Arn>arn:aws:sts::111122223333:assumed-role/irsa/s</Arn></AssumedRoleUser><Provider>p</Provider>\
</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>";

/// One server for everything: IMDS paths, container path `/container`, STS at `/`.
fn everything() -> FaultServer {
    FaultServer::start(|_, r| match method_path(r) {
        (m, p) if m == "PUT" && p == "/latest/api/token" => text(200, "t"),
        (_, p) if p == "/latest/meta-data/iam/security-credentials/" => text(200, "web"),
        (_, p) if p == "/latest/meta-data/iam/security-credentials/web" => {
            json(200, &creds_json("ASIAIMDS", FAR))
        }
        (_, p) if p == "/container" => json(200, &creds_json("ASIACONTAINER", FAR)),
        (m, p) if m == "POST" && p == "/" => {
            if r.body.contains("Action=AssumeRoleWithWebIdentity") {
                Fault::xml(200, STS_WEB_IDENTITY)
            } else {
                Fault::xml(200, STS_ASSUME_ROLE)
            }
        }
        _ => text(404, ""),
    })
}

fn sts_config(server: &FaultServer) -> Config {
    let mut c = Config::new();
    c.region = Some("us-east-1".into());
    c.endpoint_url = Some(server.url.clone());
    c.retry.max_attempts = 1;
    c
}

fn signed_by(r: &Received) -> Option<String> {
    let auth = r.header("authorization")?;
    Some(
        auth.split("Credential=")
            .nth(1)?
            .split('/')
            .next()?
            .to_owned(),
    )
}

#[test]
fn credential_source_ec2_instance_metadata_and_ecs_container_in_any_case() {
    for (source, base) in [
        ("Ec2InstanceMetadata", "ASIAIMDS"),
        ("ec2instancemetadata", "ASIAIMDS"),
        ("ECSCONTAINER", "ASIACONTAINER"),
    ] {
        let server = everything();
        let env = MemoryEnv::new()
            .with_var("HOME", "/home")
            .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url.as_str())
            .with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{}/container", server.url))
            .with_file(
                "/home/.aws/config",
                format!("[default]\nrole_arn = arn:aws:iam::210987654321:role/r\ncredential_source = {source}\n"),
            );
        let provider = ProfileProvider::builder()
            .env(Arc::new(env))
            .config(sts_config(&server))
            .build();
        let c = rt().block_on(provider.provide_credentials()).unwrap();
        assert_eq!(
            (c.access_key_id(), c.account_id()),
            ("ASIAROLE", Some("210987654321")),
            "{source}"
        );
        let assume = server
            .received()
            .into_iter()
            .find(|r| r.body.contains("Action=AssumeRole"))
            .expect("AssumeRole sent");
        assert_eq!(signed_by(&assume).as_deref(), Some(base), "{source}");
    }

    // A named source with nothing to offer is an error, not a fall-through.
    let env = MemoryEnv::new()
        .with_var("HOME", "/home")
        .with_file("/home/.aws/config", "[default]\nrole_arn = arn:aws:iam::210987654321:role/r\ncredential_source = EcsContainer\n");
    let e = rt()
        .block_on(
            ProfileProvider::builder()
                .env(Arc::new(env))
                .config(Config::new())
                .build()
                .provide_credentials(),
        )
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::InvalidConfiguration { .. })
            && e.to_string().contains("credential_source = EcsContainer"),
        "{e}"
    );
}

fn chain(env: MemoryEnv, server: &FaultServer) -> DefaultCredentialsChain {
    DefaultCredentialsChain::builder()
        .env(Arc::new(env))
        .config(sts_config(server))
        .build()
        .unwrap()
}

fn irsa(env: MemoryEnv) -> MemoryEnv {
    env.with_var("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token")
        .with_var("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/irsa")
        .with_file("/var/run/token", "eyJ.web.token")
}

#[test]
fn the_profile_the_user_chose_wins_over_irsa_variables() {
    let server = everything();
    let env = irsa(MemoryEnv::new().with_var("HOME", "/home").with_var("AWS_PROFILE", "dev")).with_file(
        "/home/.aws/credentials",
        "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = dev-secret\naws_account_id = 444455556666\n",
    );
    let c = rt()
        .block_on(chain(env, &server).provide_credentials())
        .unwrap();
    assert_eq!(
        (c.access_key_id(), c.account_id()),
        ("AKIADEV", Some("444455556666"))
    );
    assert_eq!(server.requests(), 0, "web identity was not called");

    // With no profile credentials, web identity from the environment comes next.
    let env = irsa(MemoryEnv::new().with_var("HOME", "/home"))
        .with_file("/home/.aws/config", "[default]\nregion = eu-west-1\n");
    let c = rt()
        .block_on(chain(env, &server).provide_credentials())
        .unwrap();
    assert_eq!(
        (c.access_key_id(), c.account_id()),
        ("ASIAWEB", Some("111122223333"))
    );

    // A profile that exists but is broken is an error, not a fall-through to the pod's role.
    let server = everything();
    let env = irsa(
        MemoryEnv::new()
            .with_var("HOME", "/home")
            .with_var("AWS_PROFILE", "broken"),
    )
    .with_file(
        "/home/.aws/config",
        "[profile broken]\nrole_arn = arn:aws:iam::1:role/x\n",
    );
    let e = rt()
        .block_on(chain(env, &server).provide_credentials())
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::InvalidConfiguration { .. })
            && e.to_string().contains("broken"),
        "{e}"
    );
    assert_eq!(server.requests(), 0);
}

#[test]
fn the_chain_order_is_environment_profile_web_identity_container_instance_metadata() {
    let server = everything();
    let all = || {
        irsa(MemoryEnv::new().with_var("HOME", "/home"))
            .with_var(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("{}/container", server.url),
            )
            .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url.as_str())
    };
    let key = |env: MemoryEnv| {
        rt().block_on(chain(env, &server).provide_credentials())
            .unwrap()
            .access_key_id()
            .to_owned()
    };
    let with_env = all()
        .with_var("AWS_ACCESS_KEY_ID", "AKIAENV")
        .with_var("AWS_SECRET_ACCESS_KEY", "s");
    assert_eq!(key(with_env), "AKIAENV");
    let with_profile = all().with_file(
        "/home/.aws/credentials",
        "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s\n",
    );
    assert_eq!(key(with_profile), "AKIAPROFILE");
    assert_eq!(key(all()), "ASIAWEB");
    let no_irsa = MemoryEnv::new()
        .with_var("HOME", "/home")
        .with_var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/container", server.url),
        )
        .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url.as_str());
    assert_eq!(key(no_irsa), "ASIACONTAINER");
    assert!(
        !requests(&server).iter().any(|r| r.contains("/latest/")),
        "IMDS was not asked while another provider had credentials"
    );
    let imds_only = MemoryEnv::new()
        .with_var("HOME", "/home")
        .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url.as_str());
    assert_eq!(key(imds_only), "ASIAIMDS");

    // Nothing anywhere (IMDS disabled, so nothing leaves the machine): every provider is listed.
    let none = MemoryEnv::new()
        .with_var("HOME", "/nowhere")
        .with_var("AWS_EC2_METADATA_DISABLED", "true");
    let e = rt()
        .block_on(chain(none, &server).provide_credentials())
        .unwrap_err()
        .to_string();
    let at = |s: &str| {
        e.find(s)
            .unwrap_or_else(|| panic!("`{s}` missing from: {e}"))
    };
    assert!(
        at("environment") < at("profile") && at("profile") < at("web-identity"),
        "{e}"
    );
    assert!(
        at("web-identity") < at("container") && at("container") < at("instance-metadata"),
        "{e}"
    );
    assert!(
        e.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") && e.contains("AWS_EC2_METADATA_DISABLED"),
        "{e}"
    );
}

#[test]
fn the_imds_clock_decides_whether_credentials_have_expired() {
    // Credentials from 2021 read at a 2021 clock (as recorded test data is replayed): served as
    // they are, with no static-stability extension.
    let server = FaultServer::start(|_, r| match method_path(r) {
        (m, _) if m == "PUT" => text(200, "t"),
        (_, p) if p.ends_with("/security-credentials/") => text(200, "web"),
        _ => json(200, &creds_json("ASIA2021", "2021-09-21T04:16:53Z")),
    });
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_632_170_000); // 2021-09-20T20:33:20Z
    let imds = ImdsCredentialsProvider::builder()
        .env(Arc::new(imds_env(&server)))
        .clock(move || at)
        .build();
    let c = rt().block_on(imds.provide_credentials()).unwrap();
    assert_eq!(
        c.expiry(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_632_197_813))
    );
}

#[test]
fn credentials_documents_are_checked() {
    for (body, want) in [
        (
            r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"no trust"}"#,
            "AssumeRoleUnauthorizedAccess: no trust",
        ),
        (
            r#"{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T"}"#,
            "no `Expiration`",
        ),
        (
            r#"{"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2099-01-01T00:00:00Z"}"#,
            "no `Token`",
        ),
        (
            r#"{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"soon"}"#,
            "`Expiration` is not an RFC 3339",
        ),
        (r#"["AccessKeyId"]"#, "JSON array"),
        ("{not json", "not valid JSON (at byte"),
    ] {
        let server = container_server(200, body.to_owned());
        let env = MemoryEnv::new().with_var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/c", server.url),
        );
        let e = rt()
            .block_on(container(env).provide_credentials())
            .unwrap_err();
        assert!(
            matches!(e, CredentialsError::ProviderError { .. }) && e.to_string().contains(want),
            "{body}: {e}"
        );
    }
    // Member names in any case.
    let server = container_server(200, r#"{"accesskeyid":"ASIALOWER","secretaccesskey":"s","token":"t","expiration":"2099-01-01T00:00:00Z"}"#.into());
    let env = MemoryEnv::new().with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("{}/c", server.url),
    );
    assert_eq!(
        rt().block_on(container(env).provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIALOWER"
    );
}
