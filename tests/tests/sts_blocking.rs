//! The blocking client (feature `blocking`) against a local scripted HTTP server.

use std::sync::Arc;

use stsgen_runtime::credentials::StaticCredentials;
use stsgen_tests::{Reply, ScriptServer};

const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/b</Arn>\
<UserId>AIDB</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>rb</RequestId>\
</ResponseMetadata></GetCallerIdentityResponse>";

fn client(url: &str) -> sts::blocking::Client {
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(url.to_owned());
    config.credentials = Some(Arc::new(StaticCredentials::new(
        "AKIDEXAMPLE",
        "secret",
        None,
    )));
    config.retry.initial_backoff = std::time::Duration::from_millis(1);
    sts::blocking::Client::new(config)
}

#[test]
fn sends_signed_requests_and_parses_replies() {
    let server = ScriptServer::start(vec![Reply::xml(200, IDENTITY)]);
    let input = sts::operation::get_caller_identity::GetCallerIdentityInput::builder()
        .build()
        .unwrap();
    let out = client(&server.url).send(input).unwrap();
    assert_eq!(out.arn(), Some("arn:aws:iam::123456789012:user/b"));
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].request_line, "POST / HTTP/1.1");
    assert_eq!(got[0].body, "Action=GetCallerIdentity&Version=2011-06-15");
    assert!(got[0]
        .header("authorization")
        .unwrap()
        .contains("Credential=AKIDEXAMPLE/"));
    assert_eq!(
        got[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
}

#[test]
fn retries_a_dropped_connection_and_a_503() {
    let server = ScriptServer::start(vec![
        Reply::Close,
        Reply::xml(503, "busy"),
        Reply::xml(200, IDENTITY),
    ]);
    let input = sts::operation::get_caller_identity::GetCallerIdentityInput::builder()
        .build()
        .unwrap();
    let out = client(&server.url).send(input).unwrap();
    assert_eq!(out.account(), Some("123456789012"));
    assert_eq!(server.received().len(), 3);
}
