//! The generated client over a scripted in-process transport: signing, retries, errors.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use sts::runtime::client::{HttpClient, HttpResponse};
use sts::runtime::credentials::StaticCredentials;
use sts::runtime::error::{SdkError, TransportError, TransportErrorKind};
use sts::runtime::future::BoxFuture;
use sts::{Client, Config};

#[derive(Debug, Default)]
struct Scripted {
    replies: Mutex<VecDeque<Result<HttpResponse, TransportError>>>,
    seen: Mutex<Vec<sts::runtime::http::Request<Vec<u8>>>>,
}

impl HttpClient for Scripted {
    fn send(
        &self,
        request: sts::runtime::http::Request<Vec<u8>>,
        _max: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.seen.lock().unwrap().push(request);
        let reply = self
            .replies
            .lock()
            .unwrap()
            .pop_front()
            .expect("a scripted reply");
        Box::pin(async move { reply })
    }
}

fn ok(status: u16, body: &str) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status,
        headers: Default::default(),
        body: body.as_bytes().to_vec(),
    })
}

fn client(script: Vec<Result<HttpResponse, TransportError>>) -> (Client, Arc<Scripted>) {
    let transport = Arc::new(Scripted {
        replies: Mutex::new(script.into()),
        seen: Mutex::default(),
    });
    let mut config = Config::new();
    config.region = Some("eu-west-1".into());
    config.credentials = Some(Arc::new(StaticCredentials::new(
        "AKIDEXAMPLE",
        "secret",
        Some("token".into()),
    )));
    config.http_client = Some(transport.clone());
    config.retry.initial_backoff = std::time::Duration::from_millis(1);
    (Client::new(config).unwrap(), transport)
}

const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a</Arn>\
<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId>\
</ResponseMetadata></GetCallerIdentityResponse>";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn signs_and_sends_to_the_regional_endpoint() {
    let (client, transport) = client(vec![ok(200, IDENTITY)]);
    let out = rt().block_on(client.get_caller_identity().send()).unwrap();
    assert_eq!(out.account(), Some("123456789012"));
    let seen = transport.seen.lock().unwrap();
    let req = &seen[0];
    assert_eq!(
        req.uri().to_string(),
        "https://sts.eu-west-1.amazonaws.com/"
    );
    assert_eq!(req.headers()["host"], "sts.eu-west-1.amazonaws.com");
    let auth = req.headers()["authorization"].to_str().unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        "{auth}"
    );
    assert!(auth.contains("/eu-west-1/sts/aws4_request"), "{auth}");
    assert!(
        !auth.contains("user-agent"),
        "user-agent must not be signed: {auth}"
    );
    assert_eq!(req.headers()["x-amz-security-token"], "token");
    assert!(req.headers()["user-agent"]
        .to_str()
        .unwrap()
        .starts_with("stsgen/"));
}

#[test]
fn retries_5xx_then_succeeds() {
    let (client, transport) = client(vec![ok(500, "<html>oops</html>"), ok(200, IDENTITY)]);
    let out = rt().block_on(client.get_caller_identity().send()).unwrap();
    assert_eq!(out.arn(), Some("arn:aws:iam::123456789012:user/a"));
    assert_eq!(transport.seen.lock().unwrap().len(), 2);
}

#[test]
fn throttling_is_retried_until_attempts_run_out() {
    let throttle = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>t</RequestId></ErrorResponse>";
    let (client, transport) = client(vec![
        ok(400, throttle),
        ok(400, throttle),
        ok(400, throttle),
    ]);
    let err = rt()
        .block_on(client.get_caller_identity().send())
        .unwrap_err();
    assert_eq!(err.attempts(), 3);
    let service = err.as_service_error().expect("a service error");
    assert_eq!(service.code(), "Throttling");
    assert_eq!(transport.seen.lock().unwrap().len(), 3);
}

#[test]
fn modeled_errors_are_not_retried() {
    let body = "<ErrorResponse><Error><Type>Sender</Type><Code>RegionDisabledException</Code><Message>off</Message></Error></ErrorResponse>";
    let (client, transport) = client(vec![ok(403, body)]);
    let err = rt()
        .block_on(
            client
                .assume_role()
                .role_arn("arn:aws:iam::123456789012:role/r")
                .role_session_name("s1")
                .send(),
        )
        .unwrap_err();
    assert!(err
        .as_service_error()
        .unwrap()
        .is_region_disabled_exception());
    assert_eq!(transport.seen.lock().unwrap().len(), 1);
}

#[test]
fn invalid_input_is_rejected_before_sending() {
    let (client, transport) = client(vec![]);
    let err = rt()
        .block_on(
            client
                .assume_role()
                .role_arn("short")
                .role_session_name("s1")
                .send(),
        )
        .unwrap_err();
    match err {
        SdkError::Construction(e) => assert_eq!(e.field(), "RoleArn"),
        other => panic!("expected a construction error, got {other:?}"),
    }
    assert!(transport.seen.lock().unwrap().is_empty());
}

#[test]
fn unsigned_operations_need_no_credentials() {
    let body = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Provider>p</Provider></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
    let (client, transport) = client(vec![ok(200, body)]);
    let out = rt()
        .block_on(
            client
                .assume_role_with_web_identity()
                .role_arn("arn:aws:iam::123456789012:role/r")
                .role_session_name("s1")
                .web_identity_token("a-token-of-some-length")
                .send(),
        )
        .unwrap();
    assert_eq!(out.provider(), Some("p"));
    let seen = transport.seen.lock().unwrap();
    assert!(seen[0].headers().get("authorization").is_none());
}

#[test]
fn transport_errors_are_retried_then_reported() {
    let reset = || {
        Err(TransportError::new(
            TransportErrorKind::Io,
            "connection reset",
        ))
    };
    let (client, _) = client(vec![reset(), reset(), reset()]);
    let err = rt()
        .block_on(client.get_caller_identity().send())
        .unwrap_err();
    assert!(
        matches!(err, SdkError::Transport { attempts: 3, .. }),
        "{err:?}"
    );
}
