//! Regression tests for the transport defects of the hardening issue, through the generated
//! STS client (async and blocking) against fault-injecting servers on 127.0.0.1.

use std::sync::Arc;
use std::time::Duration;

use sts::operation::get_caller_identity::{GetCallerIdentityError, GetCallerIdentityInput, GetCallerIdentityOutput};
use sts::runtime::error::{SdkError, TransportErrorKind};
use stsgen_runtime::credentials::StaticCredentials;
use stsgen_tests::{Fault, FaultServer};

const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn>\
<UserId>AIDT</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>rt</RequestId>\
</ResponseMetadata></GetCallerIdentityResponse>";

#[derive(Debug, Clone, Copy)]
enum Mode {
    Async,
    Blocking,
}

const MODES: [Mode; 2] = [Mode::Async, Mode::Blocking];

type CallResult = Result<GetCallerIdentityOutput, SdkError<GetCallerIdentityError>>;

fn call(mode: Mode, config: sts::Config) -> CallResult {
    let input = GetCallerIdentityInput::builder().build().unwrap();
    match mode {
        Mode::Async => {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let client = sts::Client::new(config).unwrap();
            rt.block_on(client.send(input))
        }
        Mode::Blocking => sts::blocking::Client::new(config).send(input),
    }
}

/// `Config { .. ..Default::default() }` is a working configuration: the derived `Default` used
/// to have a 0-byte body cap, so every call failed with an empty `BodyTooLarge`.
#[test]
fn a_config_built_from_default_works() {
    for mode in MODES {
        let server = FaultServer::sequence(vec![Fault::xml(200, IDENTITY)]);
        let config = sts::Config {
            region: Some("us-east-1".into()),
            endpoint_url: Some(server.url.clone()),
            credentials: Some(Arc::new(StaticCredentials::new("AKIDDEFAULT", "default-secret", None))),
            ..Default::default()
        };
        assert_eq!(config.max_response_body, sts::Config::new().max_response_body);
        let out = call(mode, config).unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        assert_eq!(out.arn(), Some("arn:aws:iam::123456789012:user/t"), "{mode:?}");
    }
}

/// A `BodyTooLarge` error says what the limit was and that the body exceeded it.
#[test]
fn body_too_large_names_the_limit() {
    for mode in MODES {
        let server = FaultServer::sequence(vec![Fault::xml(200, IDENTITY)]);
        let config = sts::Config {
            region: Some("us-east-1".into()),
            endpoint_url: Some(server.url.clone()),
            credentials: Some(Arc::new(StaticCredentials::new("AKIDDEFAULT", "default-secret", None))),
            max_response_body: 16,
            ..Default::default()
        };
        let e = call(mode, config).expect_err("the body is larger than 16 bytes");
        let SdkError::Transport { error, .. } = &e else { panic!("{mode:?}: {e:?}") };
        assert_eq!(error.kind(), &TransportErrorKind::BodyTooLarge { limit: 16 });
        let text = e.to_string();
        assert!(text.contains("exceeded the 16-byte cap") && text.contains(&format!("announces {} bytes", IDENTITY.len())), "{text}");
    }
}

/// A 4 TiB `Content-Length` with the cap raised to the maximum does not reserve 4 TiB (which
/// aborted the process); the call fails as a truncated body when the server closes.
#[test]
fn an_announced_length_allocates_nothing_up_front() {
    for mode in MODES {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4398046511104\r\n\r\n<GetCallerIdentityResponse>".to_vec();
        let server = FaultServer::sequence(vec![Fault::Raw(raw)]);
        let mut config = sts::Config::new();
        config.region = Some("us-east-1".into());
        config.endpoint_url = Some(server.url.clone());
        config.credentials = Some(Arc::new(StaticCredentials::new("AKIDBIG", "big-secret", None)));
        config.max_response_body = usize::MAX;
        config.retry.max_attempts = 1;
        config.timeouts.attempt = Some(Duration::from_secs(5));
        let e = call(mode, config).expect_err("the server closes after a few bytes");
        let SdkError::Transport { error, .. } = &e else { panic!("{mode:?}: {e:?}") };
        assert_eq!(error.kind(), &TransportErrorKind::Io, "{mode:?}: {e}");
        assert!(e.to_string().contains("of 4398046511104 body bytes"), "{mode:?}: {e}");
    }
}
