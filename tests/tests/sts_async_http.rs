//! The async client with its default transport (the HTTP/1.1 codec over tokio) against a local scripted HTTP server.

use std::sync::Arc;
use std::time::Duration;

use sts::runtime::error::SdkError;
use stsgen_runtime::credentials::StaticCredentials;
use stsgen_tests::{Reply, ScriptServer};

const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/c</Arn>\
<UserId>AIDC</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>rc</RequestId>\
</ResponseMetadata></GetCallerIdentityResponse>";

fn client(url: &str) -> sts::Client {
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(url.to_owned());
    config.credentials = Some(Arc::new(StaticCredentials::new(
        "AKIDEXAMPLE",
        "secret",
        None,
    )));
    config.retry.initial_backoff = Duration::from_millis(1);
    sts::Client::new(config).unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn default_transport_round_trip_with_retry() {
    let server = ScriptServer::start(vec![Reply::Close, Reply::xml(200, IDENTITY)]);
    let out = rt()
        .block_on(client(&server.url).get_caller_identity().send())
        .unwrap();
    assert_eq!(out.arn(), Some("arn:aws:iam::123456789012:user/c"));
    let got = server.received();
    assert_eq!(got.len(), 2);
    let host = got[1].header("host").unwrap();
    assert!(host.starts_with("127.0.0.1:"), "{host}");
}

#[test]
fn body_cap_is_enforced() {
    let server = ScriptServer::start(vec![Reply::xml(200, &"x".repeat(4096))]);
    let mut c = client(&server.url);
    let mut config = c.config().clone();
    config.max_response_body = 1024;
    config.retry.max_attempts = 1;
    c = sts::Client::new(config).unwrap();
    let err = rt().block_on(c.get_caller_identity().send()).unwrap_err();
    assert!(err.to_string().contains("1024-byte cap"), "{err}");
}

#[test]
fn unreachable_endpoint_is_a_transport_error_after_retries() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = rt()
        .block_on(
            client(&format!("http://127.0.0.1:{port}"))
                .get_caller_identity()
                .send(),
        )
        .unwrap_err();
    assert!(
        matches!(err, SdkError::Transport { attempts: 3, .. }),
        "{err:?}"
    );
}
