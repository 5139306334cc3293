//! Regression tests for the transport defects of the hardening issue, through the generated
//! STS client (async and blocking) against fault-injecting servers on 127.0.0.1.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sts::operation::get_caller_identity::{
    GetCallerIdentityError, GetCallerIdentityInput, GetCallerIdentityOutput,
};
use sts::runtime::error::{SdkError, TransportErrorKind};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, ProvideCredentials, StaticCredentials,
};
use stsgen_runtime::future::BoxFuture;
use stsgen_runtime::types::wire::{format_timestamp, parse_timestamp, TimestampFormat};
use stsgen_tests::{Fault, FaultServer, Received};

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
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
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
            credentials: Some(Arc::new(StaticCredentials::new(
                "AKIDDEFAULT",
                "default-secret",
                None,
            ))),
            ..Default::default()
        };
        assert_eq!(
            config.max_response_body,
            sts::Config::new().max_response_body
        );
        let out = call(mode, config).unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        assert_eq!(
            out.arn(),
            Some("arn:aws:iam::123456789012:user/t"),
            "{mode:?}"
        );
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
            credentials: Some(Arc::new(StaticCredentials::new(
                "AKIDDEFAULT",
                "default-secret",
                None,
            ))),
            max_response_body: 16,
            ..Default::default()
        };
        let e = call(mode, config).expect_err("the body is larger than 16 bytes");
        let SdkError::Transport { error, .. } = &e else {
            panic!("{mode:?}: {e:?}")
        };
        assert_eq!(
            error.kind(),
            &TransportErrorKind::BodyTooLarge { limit: 16 }
        );
        let text = e.to_string();
        assert!(
            text.contains("exceeded the 16-byte cap")
                && text.contains(&format!("announces {} bytes", IDENTITY.len())),
            "{text}"
        );
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
        config.credentials = Some(Arc::new(StaticCredentials::new(
            "AKIDBIG",
            "big-secret",
            None,
        )));
        config.max_response_body = usize::MAX;
        config.retry.max_attempts = 1;
        config.timeouts.attempt = Some(Duration::from_secs(5));
        let e = call(mode, config).expect_err("the server closes after a few bytes");
        let SdkError::Transport { error, .. } = &e else {
            panic!("{mode:?}: {e:?}")
        };
        assert_eq!(error.kind(), &TransportErrorKind::Io, "{mode:?}: {e}");
        assert!(
            e.to_string().contains("of 4398046511104 body bytes"),
            "{mode:?}: {e}"
        );
    }
}

/// One client used for several calls.
enum Client {
    Async(tokio::runtime::Runtime, sts::Client),
    Blocking(sts::blocking::Client),
}

impl Client {
    fn new(mode: Mode, config: sts::Config) -> Self {
        match mode {
            Mode::Async => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                Client::Async(rt, sts::Client::new(config).unwrap())
            }
            Mode::Blocking => Client::Blocking(sts::blocking::Client::new(config)),
        }
    }

    fn call(&self) -> CallResult {
        let input = GetCallerIdentityInput::builder().build().unwrap();
        match self {
            Client::Async(rt, client) => rt.block_on(client.send(input)),
            Client::Blocking(client) => client.send(input),
        }
    }
}

const HOUR: Duration = Duration::from_secs(3600);

fn skew_config(url: &str, credentials: Arc<dyn ProvideCredentials>) -> sts::Config {
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(url.to_owned());
    config.credentials = Some(credentials);
    config.retry.max_attempts = 1;
    config.timeouts.attempt = Some(Duration::from_secs(5));
    config
}

fn static_credentials() -> Arc<dyn ProvideCredentials> {
    Arc::new(StaticCredentials::new("AKIDSKEW", "skew-secret", None))
}

/// A `RequestTimeTooSkewed` error whose `Date` header is `date`.
fn skewed(date: &str) -> Fault {
    let body = "<ErrorResponse><Error><Type>Sender</Type><Code>RequestTimeTooSkewed</Code>\
<Message>The difference between the request time and the current time is too large.</Message></Error>\
<RequestId>skew</RequestId></ErrorResponse>";
    Fault::Respond {
        status: 403,
        headers: vec![
            ("Content-Type".into(), "text/xml".into()),
            ("Date".into(), date.to_owned()),
        ],
        body: body.as_bytes().to_vec(),
    }
}

fn http_date(t: SystemTime) -> String {
    format_timestamp(
        &stsgen_runtime::DateTime::from(t),
        TimestampFormat::HttpDate,
    )
}

fn amz_date(r: &Received) -> SystemTime {
    let raw = r.header("x-amz-date").expect("x-amz-date");
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &raw[0..4],
        &raw[4..6],
        &raw[6..8],
        &raw[9..11],
        &raw[11..13],
        &raw[13..15]
    );
    parse_timestamp(&iso, TimestampFormat::DateTime)
        .expect("x-amz-date parses")
        .into()
}

/// Whether request `r` was signed within two minutes of `expected`.
fn signed_near(r: &Received, expected: SystemTime) -> bool {
    let at = amz_date(r);
    let d = at
        .duration_since(expected)
        .or_else(|_| expected.duration_since(at))
        .unwrap_or_default();
    d <= Duration::from_secs(120)
}

/// A `Date` years ahead (2031, the year 9999) is not learned: the skew error is returned
/// without a retry signed for that date, and later calls are signed at local time.
#[test]
fn far_off_dates_are_not_learned() {
    for date in [
        "Wed, 01 Jan 2031 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        for mode in MODES {
            let server = FaultServer::start(move |n, _| {
                if n == 0 {
                    skewed(date)
                } else {
                    Fault::xml(200, IDENTITY)
                }
            });
            let client = Client::new(mode, skew_config(&server.url, static_credentials()));
            let e = client.call().expect_err("the skew error is returned");
            assert_eq!(
                e.as_service_error().map(|e| e.code()),
                Some("RequestTimeTooSkewed"),
                "{mode:?} {date}"
            );
            assert_eq!(
                server.requests(),
                1,
                "{mode:?} {date}: no retry signed for that date"
            );
            client
                .call()
                .unwrap_or_else(|e| panic!("{mode:?} {date}: later calls work: {e}"));
            let got = server.received();
            assert!(
                got.iter().all(|r| signed_near(r, SystemTime::now())),
                "{mode:?} {date}: every request signed at local time"
            );
        }
    }
}

/// An offset learned once is re-learned by every later skew error, downwards too: a client
/// that learned "two hours ahead" goes back to local time when the service says so.
#[test]
fn the_offset_is_relearned_downwards() {
    for mode in MODES {
        let server = FaultServer::start(|n, _| match n {
            0 => skewed(&http_date(SystemTime::now() + 2 * HOUR)),
            2 => skewed(&http_date(SystemTime::now())),
            _ => Fault::xml(200, IDENTITY),
        });
        let client = Client::new(mode, skew_config(&server.url, static_credentials()));
        client.call().unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        client.call().unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        let got = server.received();
        assert_eq!(got.len(), 4, "{mode:?}");
        let now = SystemTime::now();
        assert!(signed_near(&got[0], now), "{mode:?}: first at local time");
        assert!(
            signed_near(&got[1], now + 2 * HOUR),
            "{mode:?}: the retry at the learned time"
        );
        assert!(
            signed_near(&got[2], now + 2 * HOUR),
            "{mode:?}: the next call still at the learned time"
        );
        assert!(
            signed_near(&got[3], now),
            "{mode:?}: re-learned back to local time"
        );
    }
}

/// Counts loads; serves credentials expiring one hour from now by the local clock.
#[derive(Debug, Default)]
struct ExpiringInAnHour {
    loads: AtomicUsize,
}

impl ProvideCredentials for ExpiringInAnHour {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        let c = Credentials::new(
            "AKIDHOUR",
            "hour-secret",
            Some("hour-token".into()),
            Some(SystemTime::now() + HOUR),
            "hour",
        );
        Box::pin(async move { Ok(c) })
    }

    fn name(&self) -> &'static str {
        "hour"
    }
}

/// A `Date` two hours ahead with credentials expiring in one: the client used to fail every
/// later call as "expired" without sending anything, so the offset could never be corrected.
/// Now the credentials cache judges expiry by the client's service clock (and refreshes), and
/// credentials expired only under the learned offset drop the offset instead of the call.
#[test]
fn an_offset_past_the_credentials_expiry_never_locks_the_client_out() {
    for mode in MODES {
        for with_cache in [false, true] {
            let server = FaultServer::start(|n, _| {
                if n == 0 {
                    skewed(&http_date(SystemTime::now() + 2 * HOUR))
                } else {
                    Fault::xml(200, IDENTITY)
                }
            });
            let inner = Arc::new(ExpiringInAnHour::default());
            let mut config = skew_config(&server.url, inner.clone());
            if with_cache {
                config.credentials = Some(Arc::new(
                    CachingProvider::new(inner.clone()).service_clock(config.clock.clone()),
                ));
            }
            let client = Client::new(mode, config);
            for call in 0..3 {
                client
                    .call()
                    .unwrap_or_else(|e| panic!("{mode:?} cache {with_cache} call {call}: {e}"));
            }
            let got = server.received();
            assert_eq!(
                got.len(),
                4,
                "{mode:?} cache {with_cache}: the skew error, its retry, two more calls"
            );
            assert!(
                got.iter().all(|r| signed_near(r, SystemTime::now())),
                "{mode:?} cache {with_cache}: signed at local time"
            );
            if with_cache {
                // The first load, then a refresh once the service time passed the expiry.
                assert_eq!(
                    inner.loads.load(Ordering::SeqCst),
                    2,
                    "{mode:?}: the cache judged expiry by the service clock"
                );
            }
        }
    }
}

/// Credentials expired by both clocks are still an error naming when they expired.
#[test]
fn expired_credentials_name_their_expiry() {
    for mode in MODES {
        let server = FaultServer::sequence(vec![Fault::xml(200, IDENTITY)]);
        let expired = Credentials::new(
            "AKIDOLD",
            "old-secret",
            None,
            Some(SystemTime::now() - HOUR),
            "old",
        );
        let client = Client::new(
            mode,
            skew_config(&server.url, Arc::new(StaticCredentials::from(expired))),
        );
        let e = client.call().expect_err("expired");
        let text = e.to_string();
        assert!(
            text.contains("have expired (at ") && text.contains(", now "),
            "{mode:?}: {text}"
        );
        assert_eq!(server.requests(), 0);
    }
}

fn token_config(url: &str) -> sts::Config {
    let mut config = skew_config(
        url,
        Arc::new(StaticCredentials::new(
            "ASIATOKEN",
            "token-secret",
            Some("SessionTokenValue".into()),
        )),
    );
    config.timeouts.connect = Some(Duration::from_secs(2));
    config
}

/// A session token is never sent over plain HTTP to another machine: the call fails before
/// anything is sent (no name lookup either) with a typed error naming the host. Loopback
/// endpoints (local test servers) stay allowed.
#[test]
fn session_tokens_are_not_sent_over_plain_http_to_other_hosts() {
    for mode in MODES {
        for url in [
            "http://sts.example.invalid",
            "http://10.1.2.3:4566",
            "http://[fd00::1]:8080",
        ] {
            let e = Client::new(mode, token_config(url))
                .call()
                .expect_err("refused");
            let SdkError::Transport { error, attempts } = &e else {
                panic!("{mode:?} {url}: {e:?}")
            };
            let host = match url {
                "http://sts.example.invalid" => "sts.example.invalid",
                "http://10.1.2.3:4566" => "10.1.2.3",
                _ => "[fd00::1]",
            };
            assert_eq!(
                error.kind(),
                &TransportErrorKind::InsecureEndpoint {
                    host: host.to_owned()
                },
                "{mode:?} {url}"
            );
            assert_eq!(*attempts, 0);
            assert!(!error.is_transient());
            let text = e.to_string();
            assert!(
                text.contains(&format!("`{host}`"))
                    && text.contains("plain HTTP")
                    && !text.contains("SessionTokenValue"),
                "{text}"
            );
        }
        let server = FaultServer::sequence(vec![Fault::xml(200, IDENTITY)]);
        let port = server.url.rsplit(':').next().unwrap().to_owned();
        for url in [server.url.clone(), format!("http://localhost:{port}")] {
            Client::new(mode, token_config(&url))
                .call()
                .unwrap_or_else(|e| panic!("{mode:?} {url}: loopback is allowed: {e}"));
        }
        let got = server.received();
        assert!(
            got.iter()
                .all(|r| r.header("x-amz-security-token") == Some("SessionTokenValue")),
            "{mode:?}"
        );
    }
}

/// Control characters (and bidirectional-text controls) in a server's error code, message and
/// request id are escaped in `Display`: a hostile server cannot forge log lines or send
/// terminal escape sequences through an error message. The accessors keep the text.
#[test]
fn control_characters_in_server_messages_are_escaped() {
    let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
<Message>denied\nINFO forged log line \u{202e}reversed\t\u{7f}</Message></Error>\
<RequestId>req\r\n1</RequestId></ErrorResponse>";
    for mode in MODES {
        let server = FaultServer::sequence(vec![Fault::xml(403, body)]);
        let e = Client::new(mode, skew_config(&server.url, static_credentials()))
            .call()
            .expect_err("denied");
        let service = e
            .as_service_error()
            .unwrap_or_else(|| panic!("{mode:?}: {e:?}"));
        assert!(
            service.message().is_some_and(|m| m.contains('\n')),
            "{mode:?}: the accessor keeps the text"
        );
        for text in [
            e.to_string(),
            service.to_string(),
            service.meta().to_string(),
        ] {
            assert!(
                !text.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{mode:?}: {text:?}"
            );
            assert!(
                text.contains("denied\\nINFO forged log line \\u{202e}reversed\\t\\u{7f}"),
                "{mode:?}: {text}"
            );
        }
        assert!(
            e.to_string().contains("req\\r\\n1") || e.to_string().contains("req\\n1"),
            "{}",
            e
        );
    }
}

/// The shared config and credentials files and a web identity token file are read up to
/// `MAX_SETTINGS_FILE` bytes; a larger one is a typed error naming the file.
#[test]
fn settings_files_are_bounded() {
    use stsgen_runtime::config::{
        Env, MemoryEnv, ProcessEnv, ProfileError, ProfileSet, MAX_SETTINGS_FILE,
    };
    let big = vec![b'#'; MAX_SETTINGS_FILE + 1];
    for var in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
        let env = MemoryEnv::new()
            .with_var("HOME", "/home/u")
            .with_var(var, "/etc/huge")
            .with_file("/etc/huge", big.clone());
        let e = ProfileSet::load(&env).unwrap_err();
        assert_eq!(
            e,
            ProfileError::FileTooLarge {
                path: "/etc/huge".into(),
                limit: MAX_SETTINGS_FILE
            },
            "{var}"
        );
        assert!(e.to_string().contains("/etc/huge"), "{e}");
    }
    // A file of exactly the limit is fine.
    let mut fits = b"[default]\nregion = us-east-1\n".to_vec();
    fits.resize(MAX_SETTINGS_FILE, b'\n');
    let env = MemoryEnv::new()
        .with_var("HOME", "/home/u")
        .with_file("/home/u/.aws/config", fits);
    assert_eq!(
        ProfileSet::load(&env)
            .unwrap()
            .get("default")
            .and_then(|p| p.region()),
        Some("us-east-1")
    );

    // From disk, an endless device stops at the limit.
    if std::path::Path::new("/dev/zero").exists() {
        let e = ProcessEnv
            .read_file_limited(std::path::Path::new("/dev/zero"), 1024)
            .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    }

    // The web identity token file.
    let env = MemoryEnv::new()
        .with_var("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token")
        .with_var("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa")
        .with_file("/var/run/token", big);
    let provider = stsgen_config::credentials::WebIdentityProvider::from_env_with(
        Arc::new(env),
        Some(sts::Config::new()),
    )
    .unwrap();
    let e = provider.provide_credentials_blocking().unwrap_err();
    assert!(
        matches!(e, CredentialsError::InvalidConfiguration { .. }),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("/var/run/token")
            && e.to_string()
                .contains(&format!("larger than {MAX_SETTINGS_FILE} bytes")),
        "{e}"
    );
}
