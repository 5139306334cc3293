//! Reliability under faults: the async and blocking clients against a
//! fault-injecting server on 127.0.0.1. Each test asserts the outcome, the number of attempts
//! as counted at the server, and that the call stays inside its configured time budget.
//!
//! Budgets are small (attempt 400 ms, operation 2 s, backoff at most 20 ms) so the suite is
//! fast; elapsed-time upper bounds are generous so a loaded machine does not flake them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use sts::operation::get_caller_identity::{
    GetCallerIdentityError, GetCallerIdentityInput, GetCallerIdentityOutput,
};
use sts::runtime::error::{SdkError, TimeoutKind, TransportErrorKind};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, ProvideCredentials, StaticCredentials,
};
use stsgen_runtime::future::BoxFuture;
use stsgen_runtime::types::wire::{format_timestamp, parse_timestamp, TimestampFormat};
use stsgen_runtime::ParseErrorKind;
use stsgen_tests::{Fault, FaultServer, Received};

const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/f</Arn>\
<UserId>AIDF</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>rf</RequestId>\
</ResponseMetadata></GetCallerIdentityResponse>";

const ATTEMPT: Duration = Duration::from_millis(400);
const OPERATION: Duration = Duration::from_secs(2);
/// A generous bound for calls that should finish quickly (no timeouts involved).
const QUICK: Duration = Duration::from_secs(5);

fn error_body(code: &str) -> String {
    format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>injected {code}</Message></Error>\
<RequestId>req-{code}</RequestId></ErrorResponse>"
    )
}

fn config(url: &str) -> sts::Config {
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(url.to_owned());
    config.credentials = Some(Arc::new(StaticCredentials::new(
        "AKIDFAULTS",
        "fault-secret",
        None,
    )));
    config.retry.max_attempts = 3;
    config.retry.initial_backoff = Duration::from_millis(5);
    config.retry.max_backoff = Duration::from_millis(20);
    config.timeouts.connect = Some(Duration::from_secs(1));
    config.timeouts.attempt = Some(ATTEMPT);
    config.timeouts.operation = Some(OPERATION);
    // With STSGEN_FAULTS_VIA_PROXY set, every call goes through a local HTTP proxy (the
    // endpoint gets a name that is not loopback, which would go direct).
    if via_proxy() {
        let proxy = stsgen_tests::proxy::TestProxy::start();
        config.endpoint_url = Some(url.replace("127.0.0.1", "faults.proxied.test"));
        config.proxy.http = Some(stsgen_runtime::client::ProxyUrl::parse(&proxy.url()).unwrap());
    }
    config
}

/// Whether the suite runs through the proxy (`STSGEN_FAULTS_VIA_PROXY`).
fn via_proxy() -> bool {
    std::env::var_os("STSGEN_FAULTS_VIA_PROXY").is_some()
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Async,
    Blocking,
}

const MODES: [Mode; 2] = [Mode::Async, Mode::Blocking];

type CallResult = Result<GetCallerIdentityOutput, SdkError<GetCallerIdentityError>>;

/// One GetCallerIdentity call with `config`, and how long it took.
fn call(mode: Mode, config: sts::Config) -> (CallResult, Duration) {
    let input = GetCallerIdentityInput::builder().build().unwrap();
    let started = Instant::now();
    let result = match mode {
        Mode::Async => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let client = sts::Client::new(config).unwrap();
            rt.block_on(client.send(input))
        }
        Mode::Blocking => sts::blocking::Client::new(config).send(input),
    };
    (result, started.elapsed())
}

/// Runs one call against a fresh server answering with `faults` (the last repeats).
fn run(
    mode: Mode,
    faults: Vec<Fault>,
    tweak: impl FnOnce(&mut sts::Config),
) -> (CallResult, usize, Duration, FaultServer) {
    let server = FaultServer::sequence(faults);
    let mut cfg = config(&server.url);
    tweak(&mut cfg);
    let (result, elapsed) = call(mode, cfg);
    (result, server.requests(), elapsed, server)
}

fn within(elapsed: Duration, bound: Duration, what: &str) {
    assert!(
        elapsed <= bound,
        "{what}: took {elapsed:?}, bound {bound:?}"
    );
}

// 1. 500 then 200 -> success after one retry.
#[test]
fn server_error_then_success_is_retried_once() {
    for mode in MODES {
        let (result, attempts, elapsed, _s) = run(
            mode,
            vec![
                Fault::html(500, "<html><body>Internal Server Error</body></html>"),
                Fault::xml(200, IDENTITY),
            ],
            |_| {},
        );
        let out = result.unwrap_or_else(|e| panic!("{mode:?}: {e:?}"));
        assert_eq!(
            out.arn(),
            Some("arn:aws:iam::123456789012:user/f"),
            "{mode:?}"
        );
        assert_eq!(attempts, 2, "{mode:?}");
        within(elapsed, QUICK, "500 then 200");
    }
}

// 2. 503 forever -> retries stop at the configured attempts; the error names the status and attempts.
#[test]
fn unavailable_forever_stops_at_max_attempts() {
    for mode in MODES {
        // With an awsQuery error body: a service error.
        let (result, attempts, elapsed, _s) = run(
            mode,
            vec![Fault::xml(503, &error_body("ServiceUnavailable"))],
            |_| {},
        );
        let err = result.expect_err("503 forever fails");
        assert_eq!(attempts, 3, "{mode:?}");
        assert_eq!(err.attempts(), 3, "{mode:?}");
        let service = err
            .as_service_error()
            .unwrap_or_else(|| panic!("{mode:?}: {err:?}"));
        assert_eq!(service.code(), "ServiceUnavailable");
        assert_eq!(service.meta().http_status(), Some(503));
        let text = err.to_string();
        assert!(
            text.contains("ServiceUnavailable") && text.contains("3 attempts"),
            "{mode:?}: {text}"
        );
        within(elapsed, QUICK, "503 forever");

        // With a body that is not an error document: an unreadable-response error keeping the status.
        let (result, attempts, _, _s) = run(
            mode,
            vec![Fault::html(503, "<html>Service Unavailable</html>")],
            |c| {
                c.retry.max_attempts = 4;
            },
        );
        let err = result.expect_err("503 forever fails");
        assert_eq!(attempts, 4, "{mode:?}");
        match &err {
            SdkError::Response { error, attempts: 4 } => {
                assert_eq!(error.status(), Some(503), "{mode:?}")
            }
            other => {
                panic!("{mode:?}: expected an unreadable response after 4 attempts, got {other:?}")
            }
        }
        let text = err.to_string();
        assert!(
            text.contains("503") && text.contains("4 attempt"),
            "{mode:?}: {text}"
        );
    }
}

// 3. Throttling error XML -> retried with backoff.
#[test]
fn throttling_codes_are_retried() {
    for mode in MODES {
        for code in ["Throttling", "ThrottlingException", "RequestLimitExceeded"] {
            // Throttled, then served.
            let (result, attempts, elapsed, _s) = run(
                mode,
                vec![
                    Fault::xml(400, &error_body(code)),
                    Fault::xml(200, IDENTITY),
                ],
                |_| {},
            );
            assert!(result.is_ok(), "{mode:?} {code}: {result:?}");
            assert_eq!(attempts, 2, "{mode:?} {code}");
            within(elapsed, QUICK, code);

            // Throttled for ever: the code survives, attempts are bounded.
            let (result, attempts, _, server) =
                run(mode, vec![Fault::xml(400, &error_body(code))], |c| {
                    c.retry.initial_backoff = Duration::from_millis(30);
                    c.retry.max_backoff = Duration::from_millis(30);
                });
            let err = result.expect_err("throttled for ever");
            assert_eq!(attempts, 3, "{mode:?} {code}");
            assert_eq!(err.attempts(), 3);
            assert_eq!(
                err.as_service_error().map(|e| e.code()),
                Some(code),
                "{mode:?}: {err:?}"
            );
            // Backoff is full jitter in [0, 30 ms]: bounded above; each wait is the retry's.
            let arrivals = server.arrivals();
            for pair in arrivals.windows(2) {
                within(
                    pair[1].at - pair[0].at,
                    QUICK,
                    "gap between throttled attempts",
                );
            }
        }
    }
}

// 4. Connection reset before any response, and mid-body -> retried, then a transport error.
#[test]
fn connection_resets_are_retried_then_reported() {
    for mode in MODES {
        // Reset, then served.
        let (result, attempts, _, _s) =
            run(mode, vec![Fault::Reset, Fault::xml(200, IDENTITY)], |_| {});
        assert!(result.is_ok(), "{mode:?}: {result:?}");
        assert_eq!(attempts, 2, "{mode:?}");

        // Reset before any response, for ever.
        let (result, attempts, elapsed, _s) = run(mode, vec![Fault::Reset], |_| {});
        match result {
            Err(SdkError::Transport { error, attempts: 3 }) => {
                assert_eq!(error.kind(), &TransportErrorKind::Io, "{mode:?}: {error}")
            }
            other => panic!("{mode:?}: expected a transport error after 3 attempts, got {other:?}"),
        }
        assert_eq!(attempts, 3, "{mode:?}");
        within(elapsed, QUICK, "reset before response");

        // Reset in the middle of the body, for ever.
        let half = IDENTITY.as_bytes()[..IDENTITY.len() / 2].to_vec();
        let (result, attempts, elapsed, _s) = run(
            mode,
            vec![Fault::ResetMidBody {
                status: 200,
                declared_len: IDENTITY.len(),
                sent: half,
            }],
            |_| {},
        );
        match result {
            Err(SdkError::Transport { error, attempts: 3 }) => {
                assert_eq!(error.kind(), &TransportErrorKind::Io, "{mode:?}: {error}")
            }
            other => panic!("{mode:?}: expected a transport error after 3 attempts, got {other:?}"),
        }
        assert_eq!(attempts, 3, "{mode:?}");
        within(elapsed, QUICK, "reset mid-body");

        // Closed (FIN) without an answer, for ever.
        let (result, attempts, _, _s) = run(mode, vec![Fault::Close], |_| {});
        assert!(
            matches!(result, Err(SdkError::Transport { attempts: 3, .. })),
            "{mode:?}: {result:?}"
        );
        assert_eq!(attempts, 3, "{mode:?}");
    }
}

// 5. Truncated XML with a 200 -> a typed parse error with the status and the start of the body, not retried.
#[test]
fn truncated_success_body_is_a_parse_error() {
    for mode in MODES {
        let truncated = &IDENTITY[..IDENTITY.len() - 60];
        let (result, attempts, elapsed, _s) = run(
            mode,
            vec![Fault::xml(200, truncated), Fault::xml(200, IDENTITY)],
            |_| {},
        );
        match &result {
            Err(SdkError::Response { error, attempts: 1 }) => {
                assert_eq!(error.status(), Some(200), "{mode:?}");
                assert!(
                    error
                        .body_start()
                        .is_some_and(|b| b.starts_with("<GetCallerIdentityResponse>")),
                    "{mode:?}: {error:?}"
                );
                assert!(
                    matches!(
                        error.kind(),
                        ParseErrorKind::UnexpectedEof | ParseErrorKind::Malformed { .. }
                    ),
                    "{error:?}"
                );
                let text = result.as_ref().unwrap_err().to_string();
                assert!(
                    text.contains("200") && text.contains("<GetCallerIdentityResponse>"),
                    "{mode:?}: {text}"
                );
            }
            other => panic!("{mode:?}: expected a parse error after one attempt, got {other:?}"),
        }
        assert_eq!(attempts, 1, "{mode:?}: a 200 is not retried");
        within(elapsed, QUICK, "truncated body");
    }
}

// 6. Headers that never arrive / a body that stalls -> the attempt timeout fires; the operation timeout bounds the total.
#[test]
fn stalled_responses_hit_the_attempt_timeout() {
    for mode in MODES {
        for stall in [
            Fault::StallHeaders,
            Fault::StallBody {
                status: 200,
                declared_len: IDENTITY.len(),
                sent: IDENTITY.as_bytes()[..40].to_vec(),
            },
        ] {
            // Stalled once, then served: the attempt timeout frees the call for a retry.
            let (result, attempts, elapsed, _s) =
                run(mode, vec![stall.clone(), Fault::xml(200, IDENTITY)], |_| {});
            assert!(result.is_ok(), "{mode:?} {stall:?}: {result:?}");
            assert_eq!(attempts, 2, "{mode:?}");
            assert!(
                elapsed >= ATTEMPT,
                "{mode:?}: the first attempt waited for its timeout ({elapsed:?})"
            );
            within(elapsed, OPERATION + QUICK, "stall then success");

            // Stalled for ever, attempts run out before the operation budget.
            let (result, attempts, elapsed, _s) = run(mode, vec![stall.clone()], |c| {
                c.timeouts.operation = Some(Duration::from_secs(10))
            });
            match &result {
                Err(SdkError::Transport { error, attempts: 3 }) => {
                    assert_eq!(error.kind(), &TransportErrorKind::Timeout(TimeoutKind::Attempt), "{mode:?}: {error}")
                }
                other => panic!("{mode:?} {stall:?}: expected an attempt timeout after 3 attempts, got {other:?}"),
            }
            assert_eq!(attempts, 3, "{mode:?}");
            within(elapsed, 3 * ATTEMPT + QUICK, "stalled for ever, 3 attempts");

            // Stalled for ever with attempts to spare: the operation budget ends the call.
            let (result, attempts, elapsed, _s) = run(mode, vec![stall.clone()], |c| {
                c.retry.max_attempts = 100;
                c.timeouts.operation = Some(Duration::from_millis(1000));
            });
            match &result {
                Err(SdkError::Timeout {
                    kind: TimeoutKind::Operation,
                    after,
                    attempts: n,
                }) => {
                    assert_eq!(*after, Duration::from_millis(1000));
                    // The last attempt gets what is left of the budget: it may time out before
                    // its request reaches the server.
                    assert!(
                        attempts <= *n as usize && *n as usize <= attempts + 1,
                        "{mode:?}: {n} vs {attempts}"
                    );
                }
                other => {
                    panic!("{mode:?} {stall:?}: expected the operation timeout, got {other:?}")
                }
            }
            assert!(
                (2..=4).contains(&attempts),
                "{mode:?}: {attempts} attempts of 400 ms in a 1 s budget"
            );
            assert!(
                elapsed >= Duration::from_millis(1000) - Duration::from_millis(50),
                "{mode:?}: {elapsed:?}"
            );
            within(
                elapsed,
                Duration::from_millis(1000) + QUICK,
                "operation budget",
            );
        }
    }
}

// 7. Garbage and HTML bodies with 200, 400 and 500 -> typed errors, no panic.
#[test]
fn garbage_and_html_bodies_are_typed_errors() {
    let bodies: [&[u8]; 5] = [
        b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>",
        b"\x00\xff\xfe garbage \x80\x81 <<<>>> &&&; ]]>",
        b"",
        b"<?xml version=\"1.0\"?><ErrorResponse><Error><Code>",
        b"{\"message\": \"json, not xml\"}",
    ];
    for mode in MODES {
        for body in bodies {
            for status in [200u16, 400, 500] {
                let fault = Fault::Respond {
                    status,
                    headers: vec![("Content-Type".into(), "text/html".into())],
                    body: body.to_vec(),
                };
                let (result, attempts, elapsed, _s) = run(mode, vec![fault], |_| {});
                let err = match result {
                    Ok(out) if status == 200 && body.is_empty() => {
                        panic!("{mode:?}: an empty 200 is not an identity: {out:?}")
                    }
                    Ok(out) => panic!("{mode:?}: {status} {body:?} parsed as {out:?}"),
                    Err(e) => e,
                };
                let expected_attempts = if status == 500 { 3 } else { 1 };
                assert_eq!(
                    attempts, expected_attempts,
                    "{mode:?} {status} {body:?}: {err:?}"
                );
                assert_eq!(err.attempts() as usize, expected_attempts);
                match &err {
                    SdkError::Response { error, .. } => assert_eq!(error.status(), Some(status)),
                    // An error status whose body carries no code still becomes a typed service error.
                    SdkError::Service { error, .. } if status != 200 => {
                        assert_eq!(error.meta().http_status(), Some(status))
                    }
                    other => panic!("{mode:?} {status} {body:?}: unexpected {other:?}"),
                }
                let _ = err.to_string();
                within(elapsed, QUICK, "garbage body");
            }
        }
    }
}

/// A 200 whose root element is not an `…Response` (an HTML page from a proxy) is a typed
/// response error, even for an output without required members, and is not retried.
#[test]
fn html_with_200_is_an_error() {
    for mode in MODES {
        let (result, attempts, _, _s) = run(
            mode,
            vec![Fault::html(
                200,
                "<html><body><h1>Bad Gateway</h1></body></html>",
            )],
            |_| {},
        );
        assert!(
            matches!(result, Err(SdkError::Response { .. })),
            "{mode:?}: {result:?}"
        );
        assert_eq!(attempts, 1);
    }
}

// 8. A body larger than the cap -> a clear error, memory bounded.
#[test]
fn oversized_bodies_are_cut_off_at_the_cap() {
    const CAP: usize = 64 * 1024;
    const TOTAL: usize = 256 * 1024 * 1024;
    for mode in MODES {
        for content_length in [true, false] {
            let (result, attempts, elapsed, server) = run(
                mode,
                vec![Fault::Large {
                    total: TOTAL,
                    fill: b' ',
                    content_length,
                }],
                |c| c.max_response_body = CAP,
            );
            match &result {
                Err(SdkError::Transport { error, attempts: 1 }) => {
                    assert_eq!(error.kind(), &TransportErrorKind::BodyTooLarge { limit: CAP }, "{mode:?}");
                    assert!(error.to_string().contains("65536-byte cap"), "{error}");
                }
                other => panic!("{mode:?} content-length {content_length}: expected BodyTooLarge, got {other:?}"),
            }
            assert_eq!(attempts, 1, "{mode:?}");
            // The client stopped reading: the server could not push the whole 256 MiB.
            assert!(
                server.body_bytes_written() < TOTAL / 4,
                "{mode:?}: {} bytes written",
                server.body_bytes_written()
            );
            within(elapsed, QUICK, "oversized body");
        }
    }
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

fn near(a: SystemTime, b: SystemTime, tolerance: Duration) -> bool {
    let d = a
        .duration_since(b)
        .or_else(|_| b.duration_since(a))
        .unwrap_or_default();
    d <= tolerance
}

// 9. A Date header an hour ahead plus RequestExpired -> one corrected retry succeeds.
#[test]
fn clock_skew_is_corrected_once() {
    for mode in MODES {
        let server = FaultServer::start(|n, _| {
            if n == 0 {
                let ahead =
                    stsgen_runtime::DateTime::from(SystemTime::now() + Duration::from_secs(3600));
                let date = format_timestamp(&ahead, TimestampFormat::HttpDate);
                Fault::Respond {
                    status: 400,
                    headers: vec![
                        ("Content-Type".into(), "text/xml".into()),
                        ("Date".into(), date),
                    ],
                    body: error_body("RequestExpired").into_bytes(),
                }
            } else {
                Fault::xml(200, IDENTITY)
            }
        });
        let (result, elapsed) = call(mode, config(&server.url));
        assert!(result.is_ok(), "{mode:?}: {result:?}");
        let got = server.received();
        assert_eq!(got.len(), 2, "{mode:?}");
        let now = SystemTime::now();
        assert!(
            near(amz_date(&got[0]), now, Duration::from_secs(120)),
            "{mode:?}: first request at local time"
        );
        assert!(
            near(
                amz_date(&got[1]),
                now + Duration::from_secs(3600),
                Duration::from_secs(120)
            ),
            "{mode:?}: second request signed at the server's time"
        );
        within(elapsed, QUICK, "skew correction");
    }
}

#[test]
fn clock_skew_is_corrected_only_once() {
    for mode in MODES {
        let server = FaultServer::start(|_, _| {
            let ahead =
                stsgen_runtime::DateTime::from(SystemTime::now() + Duration::from_secs(3600));
            Fault::Respond {
                status: 400,
                headers: vec![(
                    "Date".into(),
                    format_timestamp(&ahead, TimestampFormat::HttpDate),
                )],
                body: error_body("RequestExpired").into_bytes(),
            }
        });
        let (result, _) = call(mode, config(&server.url));
        let err = result.expect_err("always expired");
        assert_eq!(
            err.as_service_error().map(|e| e.code()),
            Some("RequestExpired")
        );
        // One corrected retry; RequestExpired is not otherwise retryable.
        assert_eq!(server.requests(), 2, "{mode:?}");
        assert_eq!(err.attempts(), 2);
    }
}

// 10. A modeled error -> the typed variant, not retried.
#[test]
fn modeled_errors_are_typed_and_not_retried() {
    for mode in MODES {
        for code in ["ExpiredTokenException", "RegionDisabledException"] {
            let server = FaultServer::sequence(vec![
                Fault::xml(403, &error_body(code)),
                Fault::xml(200, ""),
            ]);
            let input = sts::operation::assume_role::AssumeRoleInput::builder()
                .role_arn("arn:aws:iam::123456789012:role/faults")
                .role_session_name("faults")
                .build()
                .unwrap();
            let started = Instant::now();
            let result = match mode {
                Mode::Async => {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(sts::Client::new(config(&server.url)).unwrap().send(input))
                }
                Mode::Blocking => sts::blocking::Client::new(config(&server.url)).send(input),
            };
            let err = result.expect_err("a modeled error");
            let service = err
                .as_service_error()
                .unwrap_or_else(|| panic!("{mode:?}: {err:?}"));
            match code {
                "ExpiredTokenException" => {
                    assert!(service.is_expired_token_exception(), "{service:?}")
                }
                _ => assert!(service.is_region_disabled_exception(), "{service:?}"),
            }
            assert_eq!(service.meta().http_status(), Some(403));
            assert_eq!(server.requests(), 1, "{mode:?} {code}: not retried");
            assert_eq!(err.attempts(), 1);
            within(started.elapsed(), QUICK, code);
        }
    }
}

/// Issues short-lived credentials with a new access key per load, remembering each key's expiry.
#[derive(Debug)]
struct ShortLived {
    lifetime: Duration,
    loads: AtomicUsize,
    issued: Mutex<Vec<(String, Instant)>>,
}

impl ProvideCredentials for ShortLived {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let n = self.loads.fetch_add(1, Ordering::SeqCst) + 1;
        let key = format!("AKIDSHORT{n:04}");
        self.issued
            .lock()
            .unwrap()
            .push((key.clone(), Instant::now() + self.lifetime));
        // Through the proxy the endpoint is plain HTTP to a name that is not loopback, where a
        // session token is refused by design (README, "No session token over plain HTTP"):
        // the credentials carry none there.
        let token = (!via_proxy()).then(|| format!("token-{n}"));
        let creds = Credentials::new(
            key,
            format!("secret-{n}"),
            token,
            Some(SystemTime::now() + self.lifetime),
            "short-lived",
        );
        Box::pin(async move { Ok(creds) })
    }

    fn name(&self) -> &'static str {
        "short-lived"
    }
}

fn signed_with(r: &Received) -> String {
    let auth = r.header("authorization").expect("signed");
    let start = auth.find("Credential=").expect("credential") + "Credential=".len();
    auth[start..].split('/').next().unwrap().to_owned()
}

// 11. Credentials expiring during a burst of calls -> one refresh, no call signed with expired credentials.
#[test]
fn credentials_expiring_during_a_burst_are_refreshed_once() {
    const BURST: usize = 12;
    let lifetime = Duration::from_millis(2000);
    for mode in MODES {
        let server = FaultServer::sequence(vec![Fault::xml(200, IDENTITY)]);
        let inner = Arc::new(ShortLived {
            lifetime,
            loads: AtomicUsize::new(0),
            issued: Mutex::new(Vec::new()),
        });
        let cache =
            Arc::new(CachingProvider::new(inner.clone()).refresh_ahead(Duration::from_millis(100)));
        let mut cfg = config(&server.url);
        cfg.credentials = Some(cache);
        let burst = |cfg: &sts::Config| match mode {
            Mode::Async => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                let client = sts::Client::new(cfg.clone()).unwrap();
                rt.block_on(async {
                    let mut set = tokio::task::JoinSet::new();
                    for _ in 0..BURST {
                        let c = client.clone();
                        set.spawn(async move { c.get_caller_identity().send().await.map(|_| ()) });
                    }
                    while let Some(r) = set.join_next().await {
                        r.unwrap().unwrap();
                    }
                });
            }
            Mode::Blocking => {
                let client = Arc::new(sts::blocking::Client::new(cfg.clone()));
                let threads: Vec<_> = (0..BURST)
                    .map(|_| {
                        let c = client.clone();
                        std::thread::spawn(move || {
                            c.send(GetCallerIdentityInput::builder().build().unwrap())
                                .map(|_| ())
                        })
                    })
                    .collect();
                for t in threads {
                    t.join().unwrap().unwrap();
                }
            }
        };
        burst(&cfg);
        assert_eq!(
            inner.loads.load(Ordering::SeqCst),
            1,
            "{mode:?}: one load serves the first burst"
        );
        // Let the first credentials expire, then burst again.
        let first_expiry = inner.issued.lock().unwrap()[0].1;
        std::thread::sleep(
            first_expiry.saturating_duration_since(Instant::now()) + Duration::from_millis(50),
        );
        burst(&cfg);
        assert_eq!(
            inner.loads.load(Ordering::SeqCst),
            2,
            "{mode:?}: exactly one refresh for the second burst"
        );

        let issued = inner.issued.lock().unwrap().clone();
        let arrivals = server.arrivals();
        assert_eq!(arrivals.len(), 2 * BURST, "{mode:?}");
        for (i, a) in arrivals.iter().enumerate() {
            let key = signed_with(&a.request);
            let expiry = issued
                .iter()
                .find(|(k, _)| *k == key)
                .unwrap_or_else(|| panic!("unknown key {key}"))
                .1;
            assert!(
                a.at < expiry,
                "{mode:?}: request {i} arrived signed with {key} after it expired"
            );
            if a.at > first_expiry {
                assert_eq!(
                    key, issued[1].0,
                    "{mode:?}: after the first key expired only the refreshed one is used"
                );
            }
        }
        let second: Vec<_> = arrivals[BURST..]
            .iter()
            .map(|a| signed_with(&a.request))
            .collect();
        assert!(
            second.iter().all(|k| *k == issued[1].0),
            "{mode:?}: {second:?}"
        );
    }
}
