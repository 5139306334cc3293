//! Secrets stay out of `Debug`, error `Display` and everything emitted through `tracing` (at
//! TRACE level) during full calls against a local server, with secret values in the requests
//! (signing key, session token, MFA code, web identity token, SAML assertion, context
//! assertion) and in the responses (secret access keys, session tokens).
//!
//! The capturing subscriber is hand-written (a few lines): it records every span's and event's
//! fields, including those recorded later on a span.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sts::operation::assume_role::AssumeRoleInput;
use sts::operation::assume_role_with_saml::AssumeRoleWithSamlInput;
use sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityInput;
use sts::operation::get_session_token::GetSessionTokenInput;
use sts::types::ProvidedContext;
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{Credentials, ProvideCredentials, StaticCredentials};
use stsgen_tests::{Fault, FaultServer, Received};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// The client's own secret key and session token (used to sign; never sent as such).
const CLIENT_SECRET: &str = "ClientSecretKeyMARKERq7";
const CLIENT_TOKEN: &str = "ClientSessionTokenMARKERw8";
/// Secrets in requests.
const MFA_CODE: &str = "918273"; // TokenCode is six digits
const WEB_TOKEN: &str = "WebIdentityTokenMARKERe5";
const SAML: &str = "SamlAssertionMARKERr6";
const CONTEXT: &str = "ContextAssertionMARKERt9";
/// Secrets in responses.
const RESP_SECRET: &str = "ResponseSecretKeyMARKERy1";
const RESP_TOKEN: &str = "ResponseSessionTokenMARKERu2";

const MARKERS: [&str; 7] = [
    CLIENT_SECRET,
    CLIENT_TOKEN,
    MFA_CODE,
    WEB_TOKEN,
    SAML,
    CONTEXT,
    RESP_SECRET,
];

fn assert_clean(what: &str, text: &str) {
    for m in MARKERS.iter().chain([&RESP_TOKEN]) {
        assert!(!text.contains(m), "{what} leaks {m}:\n{text}");
    }
}

/// Records every field of every span and event.
#[derive(Default)]
struct Capture {
    log: Arc<Mutex<String>>,
    next_id: AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut log = self.log.lock().unwrap();
        let _ = write!(
            log,
            "\nspan {} {}:",
            span.metadata().target(),
            span.metadata().name()
        );
        span.record(&mut Fields(&mut log));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut log = self.log.lock().unwrap();
        let _ = write!(log, "\nrecord {span:?}:");
        values.record(&mut Fields(&mut log));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut log = self.log.lock().unwrap();
        let _ = write!(
            log,
            "\nevent {} {} {}:",
            event.metadata().level(),
            event.metadata().target(),
            event.metadata().name()
        );
        event.record(&mut Fields(&mut log));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn credentials_xml() -> String {
    format!(
        "<Credentials><AccessKeyId>ASIARESPONSE</AccessKeyId><SecretAccessKey>{RESP_SECRET}</SecretAccessKey>\
<SessionToken>{RESP_TOKEN}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
    )
}

/// Answers each action with its output (credentials carrying the response markers).
fn answer(_: usize, r: &Received) -> Fault {
    let action = r
        .body
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or_default()
        .to_owned();
    let user = "<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>";
    let result = match action.as_str() {
        "AssumeRole" => format!("{}{user}", credentials_xml()),
        "AssumeRoleWithWebIdentity" => {
            format!("{}{user}<Provider>idp</Provider>", credentials_xml())
        }
        "AssumeRoleWithSAML" => format!("{}{user}<Issuer>idp</Issuer>", credentials_xml()),
        "GetSessionToken" => credentials_xml(),
        _ => {
            return Fault::xml(
                400,
                "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>",
            )
        }
    };
    Fault::xml(
        200,
        &format!(
            "<{action}Response><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>rid</RequestId>\
</ResponseMetadata></{action}Response>"
        ),
    )
}

fn config(url: &str) -> sts::Config {
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(url.to_owned());
    config.credentials = Some(Arc::new(StaticCredentials::new(
        "AKIDSECRETS",
        CLIENT_SECRET,
        Some(CLIENT_TOKEN.into()),
    )));
    config.retry.initial_backoff = Duration::from_millis(1);
    config.timeouts.attempt = Some(Duration::from_secs(5));
    config
}

fn inputs() -> (
    AssumeRoleInput,
    GetSessionTokenInput,
    AssumeRoleWithWebIdentityInput,
    AssumeRoleWithSamlInput,
) {
    let assume_role = AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/secrets")
        .role_session_name("secrets")
        .serial_number("arn:aws:iam::123456789012:mfa/user")
        .token_code(MFA_CODE)
        .provided_contexts(
            ProvidedContext::builder()
                .provider_arn("arn:aws:iam::aws:contextProvider/IdentityCenter")
                .context_assertion(CONTEXT)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let session = GetSessionTokenInput::builder()
        .serial_number("arn:aws:iam::123456789012:mfa/user")
        .token_code(MFA_CODE)
        .build()
        .unwrap();
    let web = AssumeRoleWithWebIdentityInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/secrets")
        .role_session_name("secrets")
        .web_identity_token(WEB_TOKEN)
        .build()
        .unwrap();
    let saml = AssumeRoleWithSamlInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/secrets")
        .principal_arn("arn:aws:iam::123456789012:saml-provider/idp")
        .saml_assertion(SAML)
        .build()
        .unwrap();
    (assume_role, session, web, saml)
}

/// The server really saw the request secrets (so the test exercises them).
fn check_requests_carried_secrets(server: &FaultServer) {
    let bodies: String = server.received().iter().map(|r| r.body.clone()).collect();
    for m in [MFA_CODE, WEB_TOKEN, SAML, CONTEXT] {
        assert!(bodies.contains(m), "the requests should carry {m}");
    }
    let signed = server
        .received()
        .into_iter()
        .find(|r| r.header("authorization").is_some())
        .expect("a signed request");
    assert_eq!(signed.header("x-amz-security-token"), Some(CLIENT_TOKEN));
}

/// Every output's Debug, and the secrets readable through the accessors (so they were parsed).
fn check_outputs(outputs: &[(String, Option<sts::types::Credentials>)]) {
    for (debug, creds) in outputs {
        assert_clean("output Debug", debug);
        let creds = creds.as_ref().expect("credentials in the output");
        assert_eq!(creds.secret_access_key(), RESP_SECRET);
        assert_eq!(creds.session_token(), RESP_TOKEN);
        assert_clean("Credentials Debug", &format!("{creds:?}"));
    }
}

#[test]
fn full_async_calls_leak_nothing_through_debug_or_tracing() {
    let server = FaultServer::start(answer);
    let capture = Capture::default();
    let log = capture.log.clone();
    let outputs = tracing::subscriber::with_default(capture, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = sts::Client::new(config(&server.url)).unwrap();
        let (ar, st, web, saml) = inputs();
        assert_clean("input Debug", &format!("{ar:?} {st:?} {web:?} {saml:?}"));
        rt.block_on(async {
            let a = client.send(ar).await.unwrap();
            let b = client.send(st).await.unwrap();
            let c = client.send(web).await.unwrap();
            let d = client.send(saml).await.unwrap();
            vec![
                (format!("{a:?}"), a.credentials().cloned()),
                (format!("{b:?}"), b.credentials().cloned()),
                (format!("{c:?}"), c.credentials().cloned()),
                (format!("{d:?}"), d.credentials().cloned()),
            ]
        })
    });
    check_requests_carried_secrets(&server);
    check_outputs(&outputs);
    let log = log.lock().unwrap().clone();
    assert!(
        log.contains("operation=AssumeRole"),
        "the subscriber saw the calls:\n{log}"
    );
    assert!(
        log.contains("sending request"),
        "TRACE events were captured:\n{log}"
    );
    assert_clean("tracing output", &log);
    // Neither signatures nor request bodies are logged (not even at TRACE).
    assert!(
        !log.contains("Signature=") && !log.contains("Action=AssumeRole"),
        "{log}"
    );
}

#[test]
fn full_blocking_calls_leak_nothing_through_debug_or_tracing() {
    let server = FaultServer::start(answer);
    let capture = Capture::default();
    let log = capture.log.clone();
    let outputs = tracing::subscriber::with_default(capture, || {
        let client = sts::blocking::Client::new(config(&server.url));
        let (ar, st, web, saml) = inputs();
        let a = client.send(ar).unwrap();
        let b = client.send(st).unwrap();
        let c = client.send(web).unwrap();
        let d = client.send(saml).unwrap();
        vec![
            (format!("{a:?}"), a.credentials().cloned()),
            (format!("{b:?}"), b.credentials().cloned()),
            (format!("{c:?}"), c.credentials().cloned()),
            (format!("{d:?}"), d.credentials().cloned()),
        ]
    });
    check_requests_carried_secrets(&server);
    check_outputs(&outputs);
    assert_clean("tracing output", &log.lock().unwrap());
}

/// Failing calls whose responses hold secrets: retries, a truncated body, a malformed body, a
/// service error. Neither the error's Display/Debug nor the tracing output shows them.
#[test]
fn errors_about_secret_bodies_leak_nothing() {
    let truncated = format!(
        "<AssumeRoleResponse><AssumeRoleResult>{}",
        &credentials_xml()[..120]
    );
    let mismatched = format!(
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>{RESP_SECRET}</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>"
    );
    let bad_date = credentials_xml().replace("2030-01-01T00:00:00Z", RESP_TOKEN);
    let bad_date = format!(
        "<AssumeRoleResponse><AssumeRoleResult>{bad_date}</AssumeRoleResult></AssumeRoleResponse>"
    );
    let service = "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredTokenException</Code><Message>expired</Message></Error></ErrorResponse>".to_owned();
    let capture = Capture::default();
    let log = capture.log.clone();
    tracing::subscriber::with_default(capture, || {
        for (status, body) in [
            (200, truncated),
            (200, mismatched),
            (200, bad_date),
            (500, credentials_xml()),
            (400, service),
        ] {
            let server = FaultServer::sequence(vec![Fault::xml(status, &body)]);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let client = sts::Client::new(config(&server.url)).unwrap();
            let (ar, ..) = inputs();
            let err = rt.block_on(client.send(ar)).expect_err("fails");
            assert_clean("error Display", &err.to_string());
            assert_clean("error Debug", &format!("{err:?}"));
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                assert_clean("error source", &s.to_string());
                source = s.source();
            }
        }
    });
    assert_clean("tracing output", &log.lock().unwrap());
}

#[test]
fn credentials_types_and_providers_redact() {
    let expiry = Some(SystemTime::now() + Duration::from_secs(3600));
    let creds = Credentials::new(
        "AKIDSECRETS",
        CLIENT_SECRET,
        Some(CLIENT_TOKEN.into()),
        expiry,
        "test",
    );
    assert_clean("Credentials Debug", &format!("{creds:?} {creds:#?}"));
    assert!(
        format!("{creds:?}").contains("AKIDSECRETS"),
        "the access key id is not secret"
    );

    let fixed = StaticCredentials::from(creds.clone());
    assert_clean("StaticCredentials Debug", &format!("{fixed:?}"));

    let cache = CachingProvider::new(Arc::new(fixed));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let loaded = rt.block_on(cache.provide_credentials()).unwrap();
    assert_eq!(loaded.secret_access_key(), CLIENT_SECRET);
    assert_clean(
        "CachingProvider Debug (loaded)",
        &format!("{cache:?} {cache:#?}"),
    );

    let chain = stsgen_runtime::credentials::chain::ProviderChain::first_try(
        StaticCredentials::from(creds.clone()),
    );
    let loaded = rt.block_on(chain.provide_credentials()).unwrap();
    assert_eq!(loaded.session_token(), Some(CLIENT_TOKEN));
    assert_clean("ProviderChain Debug", &format!("{chain:?}"));

    let env = stsgen_runtime::config::MemoryEnv::new()
        .with_var("AWS_ACCESS_KEY_ID", "AKIDSECRETS")
        .with_var("AWS_SECRET_ACCESS_KEY", CLIENT_SECRET)
        .with_var("AWS_SESSION_TOKEN", CLIENT_TOKEN);
    assert_clean("MemoryEnv Debug", &format!("{env:?}"));
    let from_env = stsgen_runtime::credentials::EnvironmentCredentials::load_from(&env).unwrap();
    assert_eq!(from_env.secret_access_key(), CLIENT_SECRET);
    assert_clean("environment credentials Debug", &format!("{from_env:?}"));

    let profiles = stsgen_runtime::config::ProfileSet::parse(
        "",
        &format!("[default]\naws_access_key_id = AKIDSECRETS\naws_secret_access_key = {CLIENT_SECRET}\naws_session_token = {CLIENT_TOKEN}\n"),
    )
    .unwrap();
    assert_clean("ProfileSet Debug", &format!("{profiles:?}"));
    let profile = profiles.selected_profile().unwrap();
    assert_clean("Profile Debug", &format!("{profile:?}"));
    let from_profile =
        stsgen_runtime::credentials::profile::ProfileCredentials::static_from(profile).unwrap();
    assert_eq!(from_profile.secret_access_key(), CLIENT_SECRET);
    assert_clean("profile credentials Debug", &format!("{from_profile:?}"));

    // The client configuration holds the provider: its Debug is clean too.
    assert_clean(
        "Config Debug",
        &format!("{:?}", config("http://127.0.0.1:9")),
    );
}

/// The container and instance-metadata providers: the container authorization token, the IMDS
/// session token and the credentials they return stay out of Debug, errors and tracing (the
/// static-stability warning included).
#[test]
fn container_and_instance_metadata_providers_leak_nothing() {
    use stsgen_config::credentials::{ContainerCredentialsProvider, ImdsCredentialsProvider};
    use stsgen_runtime::config::MemoryEnv;
    const AUTH: &str = "ContainerAuthTokenMARKERa3";
    const IMDS_TOKEN: &str = "ImdsSessionTokenMARKERs4";
    let clean = |what: &str, text: &str| {
        assert_clean(what, text);
        for m in [AUTH, IMDS_TOKEN] {
            assert!(!text.contains(m), "{what} leaks {m}:\n{text}");
        }
    };
    let doc = format!(
        r#"{{"Code":"Success","AccessKeyId":"ASIAMETA","SecretAccessKey":"{RESP_SECRET}","Token":"{RESP_TOKEN}","Expiration":"2030-01-01T00:00:00Z"}}"#
    );
    let respond = |status: u16, body: &str| Fault::Respond {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    };
    let imds_up = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let imds = {
        let (doc, up) = (doc.clone(), imds_up.clone());
        FaultServer::start(move |_, r| {
            if !up.load(Ordering::SeqCst) {
                return respond(500, &doc);
            }
            if r.request_line.starts_with("PUT") {
                respond(200, IMDS_TOKEN)
            } else if r.request_line.contains("/security-credentials/ ") {
                respond(200, "role")
            } else {
                respond(200, &doc)
            }
        })
    };
    let container = {
        let doc = doc.clone();
        FaultServer::start(move |n, _| match n {
            0 => respond(200, &doc),
            // Cut short: not JSON, with both secrets inside.
            1 => respond(200, &doc[..doc.len() - 10]),
            _ => respond(403, r#"{"Code":"AccessDenied","Message":"denied"}"#),
        })
    };
    let clock_offset = Arc::new(AtomicU64::new(0));
    let capture = Capture::default();
    let log = capture.log.clone();
    tracing::subscriber::with_default(capture, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let env = MemoryEnv::new()
            .with_var(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("{}/creds", container.url),
            )
            .with_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH);
        clean("MemoryEnv Debug", &format!("{env:?}"));
        let provider = ContainerCredentialsProvider::builder()
            .env(Arc::new(env))
            .build();
        let c = rt.block_on(provider.provide_credentials()).unwrap();
        assert_eq!(c.secret_access_key(), RESP_SECRET);
        clean(
            "container credentials and provider Debug",
            &format!("{c:?} {provider:?}"),
        );
        for _ in 0..2 {
            provider.invalidate();
            let e = rt.block_on(provider.provide_credentials()).unwrap_err();
            clean("container error", &format!("{e} {e:?}"));
        }
        // Refused hosts and bad tokens name the variable, never the token.
        for (uri, token) in [
            ("http://10.9.8.7/creds", AUTH.to_owned()),
            (container.url.as_str(), format!("{AUTH}\nX")),
        ] {
            let env = MemoryEnv::new()
                .with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)
                .with_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
            let e = rt
                .block_on(
                    ContainerCredentialsProvider::builder()
                        .env(Arc::new(env))
                        .build()
                        .provide_credentials(),
                )
                .unwrap_err();
            clean("container configuration error", &format!("{e} {e:?}"));
        }

        let env = MemoryEnv::new().with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url.as_str());
        let offset = clock_offset.clone();
        let provider = ImdsCredentialsProvider::builder()
            .env(Arc::new(env))
            .max_attempts(1)
            .clock(move || SystemTime::now() + Duration::from_secs(offset.load(Ordering::SeqCst)))
            .build();
        let c = rt.block_on(provider.provide_credentials()).unwrap();
        assert_eq!(c.session_token(), Some(RESP_TOKEN));
        clean(
            "IMDS credentials and provider Debug",
            &format!("{c:?} {provider:?}"),
        );
        // IMDS fails (answering 500 with the credentials document) after the credentials
        // expired: static stability serves them with a warning.
        imds_up.store(false, Ordering::SeqCst);
        clock_offset.store(10 * 365 * 86_400, Ordering::SeqCst);
        let served = rt.block_on(provider.provide_credentials()).unwrap();
        assert_eq!(served.secret_access_key(), RESP_SECRET);
        clean("IMDS served credentials Debug", &format!("{served:?}"));
    });
    assert!(
        container.received()[0].header("authorization") == Some(AUTH),
        "the token was sent"
    );
    assert!(
        imds.received()[1].header("x-aws-ec2-metadata-token") == Some(IMDS_TOKEN),
        "the IMDS token was sent"
    );
    let log = log.lock().unwrap().clone();
    assert!(
        log.contains("static stability"),
        "the warning was logged:\n{log}"
    );
    clean("tracing output", &log);
}

/// `credential_process` commands that start with `NAME=value` environment assignments: the
/// values never show in `Debug` or in the errors of a failed run.
#[test]
fn credential_process_assignments_are_redacted() {
    use stsgen_runtime::credentials::process::CredentialProcessProvider;
    for command in [
        format!("API_TOKEN={CLIENT_TOKEN} /nonexistent/creds-helper --flag"),
        format!("API_TOKEN='{CLIENT_TOKEN} with spaces' OTHER={CLIENT_SECRET} /nonexistent/creds-helper"),
        format!("API_TOKEN=\"{CLIENT_TOKEN} with spaces\" false"),
    ] {
        let provider = CredentialProcessProvider::new(command.clone());
        let debug = format!("{provider:?} {provider:#?}");
        assert_clean("CredentialProcessProvider Debug", &debug);
        assert!(debug.contains("API_TOKEN=***"), "{debug}");
        let e = provider.provide_credentials_blocking().expect_err("the program does not exist or fails");
        let text = format!("{e} {e:?}");
        assert_clean("credential_process error", &text);
        assert!(!text.contains("API_TOKEN="), "{text}");
        // A profile naming the command redacts it too.
        let profiles =
            stsgen_runtime::config::ProfileSet::parse(&format!("[default]\ncredential_process = {command}\n"), "").unwrap();
        assert_clean("ProfileSet Debug with credential_process", &format!("{profiles:?}"));
    }
}

/// A malformed credentials-file line holding a token (`aws_session_token:IQoJ...==`, which
/// splits at the padding `=`) is neither stored nor shown.
#[test]
fn malformed_credentials_lines_keep_the_token_out() {
    let token = format!("IQoJ{CLIENT_TOKEN}+/abc==");
    for line in [
        format!("aws_session_token:{token}"),
        format!("aws_session_token {token}"),
        token.clone(),
    ] {
        let text = format!("[default]\naws_access_key_id = AKIDSECRETS\naws_secret_access_key = {CLIENT_SECRET}\n{line}\n");
        let shown = match stsgen_runtime::config::ProfileSet::parse("", &text) {
            Ok(set) => {
                let profile = set.get("default").expect("the profile is there");
                assert!(
                    profile.keys().all(|k| !k
                        .to_ascii_lowercase()
                        .contains(&CLIENT_TOKEN.to_ascii_lowercase())),
                    "{line}"
                );
                format!("{set:?} {:?} {profile:?}", set.warnings())
            }
            Err(e) => format!("{e} {e:?}"),
        };
        assert!(
            !shown
                .to_ascii_lowercase()
                .contains(&CLIENT_TOKEN.to_ascii_lowercase()),
            "{line}: {shown}"
        );
    }
}

/// `CanonicalRequest`'s `Display` and `Debug` redact the session token (header and presigned
/// query parameter); `as_str` keeps the exact text that is hashed.
#[test]
fn canonical_requests_redact_the_session_token() {
    use stsgen_runtime::sigv4::{canonical_request, SigningParams};
    let params = SigningParams::new("us-east-1", "sts", SystemTime::now());
    let headers: [(&str, &[u8]); 3] = [
        ("host", b"sts.amazonaws.com"),
        ("x-amz-date", b"20260101T000000Z"),
        ("X-Amz-Security-Token", CLIENT_TOKEN.as_bytes()),
    ];
    let query =
        format!("Action=GetCallerIdentity&X-Amz-Security-Token={CLIENT_TOKEN}&Version=2011-06-15");
    let creq =
        canonical_request("POST", "/", &query, headers, "UNSIGNED-PAYLOAD", &params).unwrap();
    assert!(
        creq.as_str().contains(CLIENT_TOKEN),
        "the hashed text is exact"
    );
    let shown = format!("{creq} {creq:?} {creq:#?}");
    assert_clean("CanonicalRequest Display/Debug", &shown);
    assert!(
        shown.contains("x-amz-security-token:***") && shown.contains("Action=GetCallerIdentity"),
        "{shown}"
    );
}

/// `HttpResponse`'s `Debug` shows the status, headers (secret-bearing ones redacted) and the
/// body's length, never the body.
#[test]
fn http_responses_debug_without_the_body() {
    let mut headers = sts::runtime::http::HeaderMap::new();
    headers.insert("x-amzn-requestid", "req-1".parse().unwrap());
    headers.insert(
        "set-cookie",
        format!("session={CLIENT_TOKEN}").parse().unwrap(),
    );
    let response = stsgen_runtime::client::HttpResponse {
        status: 200,
        headers,
        body: credentials_xml().into_bytes(),
    };
    let shown = format!("{response:?} {response:#?}");
    assert_clean("HttpResponse Debug", &shown);
    assert!(
        shown.contains("200")
            && shown.contains("req-1")
            && shown.contains(&format!("body_len: {}", response.body.len())),
        "{shown}"
    );
}

/// IAM Identity Center: the access token, refresh token, client secret and device code (in the
/// token cache file, the refresh, the sign-in, the cached client registration and the sign-out)
/// and the role credentials stay out of Debug, errors and tracing, the warning of a failed
/// refresh and the notes on unusable registration files included.
#[test]
fn sso_provider_and_sign_in_leak_nothing() {
    use std::collections::VecDeque;
    use stsgen_config::credentials::sso::login::SsoLogin;
    use stsgen_config::credentials::sso::{
        CreateTokenRequest, CreateTokenResponse, GetRoleCredentialsRequest, RegisterClientRequest,
        RegisterClientResponse, RoleCredentials, SsoApi, SsoApiError, SsoTokenProvider,
        StartDeviceAuthorizationRequest, StartDeviceAuthorizationResponse,
    };
    use stsgen_config::credentials::ProfileProvider;
    use stsgen_runtime::config::{Env, MemoryEnv};
    use stsgen_runtime::credentials::ServiceClock;
    use stsgen_runtime::future::BoxFuture;

    const ACCESS: &str = "SsoAccessTokenMARKERd1";
    const NEW_ACCESS: &str = "SsoNewAccessTokenMARKERd2";
    const REFRESH: &str = "SsoRefreshTokenMARKERf3";
    const CLIENT_SECRET_SSO: &str = "SsoClientSecretMARKERg4";
    const DEVICE: &str = "SsoDeviceCodeMARKERh5";
    let clean = |what: &str, text: &str| {
        assert_clean(what, text);
        for m in [ACCESS, NEW_ACCESS, REFRESH, CLIENT_SECRET_SSO, DEVICE] {
            assert!(!text.contains(m), "{what} leaks {m}:\n{text}");
        }
    };

    #[derive(Debug)]
    struct FsEnv(MemoryEnv);
    impl Env for FsEnv {
        fn var_os(&self, name: &str) -> Option<std::ffi::OsString> {
            self.0.var_os(name)
        }
        fn read_file(&self, path: &std::path::Path) -> std::io::Result<Vec<u8>> {
            std::fs::read(path)
        }
    }

    /// Answers every call; `CreateToken` fails first (with the request's secrets in its Debug
    /// if anything printed it), then succeeds.
    #[derive(Debug, Default)]
    struct Service(Mutex<VecDeque<bool>>);
    impl SsoApi for Service {
        fn get_role_credentials<'a>(
            &'a self,
            _: &'a str,
            r: GetRoleCredentialsRequest,
        ) -> BoxFuture<'a, Result<RoleCredentials, SsoApiError>> {
            assert!(r.access_token == ACCESS || r.access_token == NEW_ACCESS);
            Box::pin(async {
                Ok(RoleCredentials {
                    access_key_id: "ASIASSO".into(),
                    secret_access_key: RESP_SECRET.into(),
                    session_token: RESP_TOKEN.into(),
                    expiration: 1_900_000_000_000,
                })
            })
        }
        fn create_token<'a>(
            &'a self,
            _: &'a str,
            r: CreateTokenRequest,
        ) -> BoxFuture<'a, Result<CreateTokenResponse, SsoApiError>> {
            let ok = self.0.lock().unwrap().pop_front().unwrap_or(true);
            Box::pin(async move {
                if !ok {
                    return Err(SsoApiError::Service {
                        code: "InvalidClientException".into(),
                        message: "client rejected".into(),
                    });
                }
                if r.device_code.is_some() {
                    assert_eq!(r.device_code.as_deref(), Some(DEVICE));
                }
                Ok(CreateTokenResponse {
                    access_token: NEW_ACCESS.into(),
                    token_type: Some("Bearer".into()),
                    expires_in: 3600,
                    refresh_token: Some(REFRESH.into()),
                })
            })
        }
        fn register_client<'a>(
            &'a self,
            _: &'a str,
            _: RegisterClientRequest,
        ) -> BoxFuture<'a, Result<RegisterClientResponse, SsoApiError>> {
            Box::pin(async {
                Ok(RegisterClientResponse {
                    client_id: "client".into(),
                    client_secret: CLIENT_SECRET_SSO.into(),
                    client_id_issued_at: None,
                    client_secret_expires_at: 1_900_000_000,
                })
            })
        }
        fn start_device_authorization<'a>(
            &'a self,
            _: &'a str,
            _: StartDeviceAuthorizationRequest,
        ) -> BoxFuture<'a, Result<StartDeviceAuthorizationResponse, SsoApiError>> {
            Box::pin(async {
                Ok(StartDeviceAuthorizationResponse {
                    device_code: DEVICE.into(),
                    user_code: "ABCD-EFGH".into(),
                    verification_uri: "https://device.sso.example/".into(),
                    verification_uri_complete: None,
                    expires_in: 600,
                    interval: Some(1),
                })
            })
        }
    }

    let home = std::env::temp_dir().join(format!("stsgen-secrets-sso-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(home.join(".aws/sso/cache")).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .unwrap();
    let file = home.join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_456_000);
    let body = |expires: &str| {
        format!(
            r#"{{"accessToken":"{ACCESS}","expiresAt":"{expires}","refreshToken":"{REFRESH}","clientId":"c","clientSecret":"{CLIENT_SECRET_SSO}","region":"eu-west-1","startUrl":"https://corp.awsapps.com/start"}}"#
        )
    };
    let env: Arc<dyn Env> = Arc::new(FsEnv(
        MemoryEnv::new().with_var("HOME", home.to_str().unwrap()),
    ));
    let api = Arc::new(Service(Mutex::new(VecDeque::from([false]))));
    let capture = Capture::default();
    let log = capture.log.clone();
    tracing::subscriber::with_default(capture, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // Two minutes left: the refresh fails (a warning), the token is used.
        std::fs::write(&file, body("2030-01-01T00:02:00Z")).unwrap();
        let config = sts::Config {
            clock: ServiceClock::fixed(now),
            ..sts::Config::new()
        };
        let provider = ProfileProvider::builder()
            .profile_name("dev")
            .env(env.clone())
            .config(config)
            .sso_api(api.clone())
            .build();
        let c = rt.block_on(provider.provide_credentials()).unwrap();
        assert_eq!(c.secret_access_key(), RESP_SECRET);
        clean(
            "SSO credentials and provider Debug",
            &format!("{c:?} {provider:?}"),
        );
        // A second token provider refreshes: the file is written back.
        let token = SsoTokenProvider::new(
            stsgen_runtime::credentials::profile::resolve_chain(
                &stsgen_runtime::config::ProfileSet::load(&*env).unwrap(),
                "dev",
            )
            .ok()
            .and_then(|l| match l.into_iter().next() {
                Some(stsgen_runtime::credentials::profile::ChainLink::Sso(link)) => Some(link),
                _ => None,
            })
            .unwrap(),
            env.clone(),
            api.clone(),
            ServiceClock::fixed(now),
        );
        let t = rt.block_on(token.token()).unwrap();
        assert_eq!(t.access_token(), NEW_ACCESS);
        clean(
            "SSO token and token provider Debug",
            &format!("{t:?} {token:?}"),
        );
        // Malformed and expired cache files: errors name the file, never its secrets.
        for bad in [
            format!("{{\"accessToken\":\"{ACCESS}\",\"expiresAt\":\"{REFRESH}\"}}"),
            format!("{ACCESS} {REFRESH}"),
            body("2020-01-01T00:00:00Z"),
        ] {
            std::fs::write(&file, bad).unwrap();
            let fresh = ProfileProvider::builder()
                .profile_name("dev")
                .env(env.clone())
                .config(sts::Config {
                    clock: ServiceClock::fixed(now),
                    ..sts::Config::new()
                })
                .sso_api(Arc::new(Service(Mutex::new(VecDeque::from([false])))))
                .build();
            let e = rt.block_on(fresh.provide_credentials()).unwrap_err();
            clean("SSO error", &format!("{e} {e:?}"));
        }
        // The sign-in: prompt, outcome and the file it wrote.
        let login = SsoLogin::new("dev")
            .env(env.clone())
            .api(api.clone())
            .sleep(Arc::new(|_| Box::pin(async {})));
        let outcome = rt
            .block_on(login.run(|p| clean("device prompt", &format!("{p:?}"))))
            .unwrap();
        clean("sign-in Debug", &format!("{outcome:?} {login:?}"));
        assert!(std::fs::read_to_string(&outcome.file)
            .unwrap()
            .contains(NEW_ACCESS));

        // The cached client registration: reused (its secret read back), its Debug, and
        // malformed files holding secrets (registered anew, logged without their contents).
        let cache = home.join(".aws/sso/cache");
        let registration_file = cache.join(
            stsgen_config::credentials::sso::login::RegistrationKey {
                start_url: "https://corp.awsapps.com/start",
                region: "eu-west-1",
                scopes: None,
                session_name: Some("corp"),
            }
            .hash()
                + ".json",
        );
        let registration = std::fs::read(&registration_file).unwrap();
        assert!(String::from_utf8_lossy(&registration).contains(CLIENT_SECRET_SSO));
        let parsed =
            stsgen_config::credentials::sso::login::ClientRegistration::parse(&registration)
                .unwrap();
        clean("client registration Debug", &format!("{parsed:?}"));
        let reused = rt.block_on(login.run(|_| {})).unwrap();
        assert!(reused.registration_reused);
        for bad in [
            format!("{{\"clientId\":\"c\",\"clientSecret\":\"{CLIENT_SECRET_SSO}\",\"expiresAt\":\"{ACCESS}\"}}"),
            format!("{{\"clientId\":\"c\",\"clientSecret\":[\"{CLIENT_SECRET_SSO}\"]}}"),
            format!("{CLIENT_SECRET_SSO} {REFRESH}"),
        ] {
            std::fs::write(&registration_file, &bad).unwrap();
            let e = stsgen_config::credentials::sso::login::ClientRegistration::parse(bad.as_bytes())
                .unwrap_err();
            clean("client registration error", &e);
            let again = rt.block_on(login.run(|_| {})).unwrap();
            assert!(!again.registration_reused);
        }

        // Cancelled and failed sign-ins: their errors.
        let cancel = stsgen_config::credentials::sso::login::CancelLogin::new();
        cancel.cancel();
        let cancelled = rt
            .block_on(login.clone().cancel_with(cancel.clone()).run(|_| {}))
            .unwrap_err();
        clean(
            "cancelled sign-in",
            &format!("{cancelled} {cancelled:?} {cancel:?}"),
        );
        let failed = rt
            .block_on(
                login
                    .clone()
                    .api(Arc::new(Service(Mutex::new(VecDeque::from([false])))))
                    .run(|_| {}),
            )
            .unwrap_err();
        assert!(
            failed.to_string().contains("InvalidClientException"),
            "{failed}"
        );
        clean("failed sign-in", &format!("{failed} {failed:?}"));

        // Signing out: the files that held the tokens are named, never their contents.
        let removed = stsgen_config::credentials::sso::login::logout(&*env).unwrap();
        assert!(!removed.is_empty());
        clean("sign-out", &format!("{removed:?}"));
    });
    let log = log.lock().unwrap().clone();
    assert!(
        log.contains("refreshing the IAM Identity Center access token failed"),
        "the warning was logged:\n{log}"
    );
    assert!(
        log.contains("the cached IAM Identity Center client registration is unusable"),
        "the unusable registrations were logged:\n{log}"
    );
    clean("tracing output", &log);
    let _ = std::fs::remove_dir_all(&home);
}

/// Console sign-in (`login_session`): the access token's keys, the refresh token, the identity
/// token and the DPoP private key of the `aws login` cache stay out of Debug, errors and tracing,
/// for a valid token, one due for a refresh that cannot happen (the warning), an expired one
/// (the error) and files with bad fields.
#[test]
fn login_session_provider_leaks_nothing() {
    use stsgen_config::credentials::{LoginProvider, ProfileProvider};
    use stsgen_runtime::config::MemoryEnv;
    const LOGIN_SECRET: &str = "LoginSecretKeyMARKERg7";
    const LOGIN_TOKEN: &str = "LoginSessionTokenMARKERh8";
    const LOGIN_REFRESH: &str = "LoginRefreshTokenMARKERj9";
    const LOGIN_ID_TOKEN: &str = "LoginIdTokenMARKERk0";
    // A P-256 key as `aws login` stores it (SEC1 PEM); its body must never be shown.
    const KEY_BODY: &str = "MHcCAQEEIBMB/RwQERsVoqWRQG4zK8CnaAa5dfrpbm+9tFdBh3z4oAoGCCqGSM49\nAwEHoUQDQgAEWb1VLi1EA2hJaTz4yYuxSELvY+1GAfL+8rUTCAdiFid87Bf6GY+s\n2+1RpqDv0RpZiDIMCrZrsAh+RK9S3QCaGA==";
    const SESSION: &str = "arn:aws:iam::123456789012:user/Admin";
    let clean = |what: &str, text: &str| {
        assert_clean(what, text);
        for m in [
            LOGIN_SECRET,
            LOGIN_TOKEN,
            LOGIN_REFRESH,
            LOGIN_ID_TOKEN,
            "MHcCAQEE",
            "2+1RpqDv0RpZ",
        ] {
            assert!(!text.contains(m), "{what} leaks {m}:\n{text}");
        }
    };
    let token = |expires: SystemTime| {
        let key =
            format!("-----BEGIN EC PRIVATE KEY-----\n{KEY_BODY}\n-----END EC PRIVATE KEY-----\n");
        format!(
            r#"{{"accessToken": {{"accessKeyId": "ASIALOGIN", "secretAccessKey": "{LOGIN_SECRET}", "sessionToken": "{LOGIN_TOKEN}",
"accountId": "123456789012", "expiresAt": "{}"}}, "tokenType": "aws_sigv4", "refreshToken": "{LOGIN_REFRESH}",
"idToken": "{LOGIN_ID_TOKEN}", "clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": {}}}"#,
            stsgen_runtime::DateTime::from(expires).format_rfc3339(),
            stsgen_runtime::json::quote(&key)
        )
    };
    let env = |contents: String| {
        Arc::new(
            MemoryEnv::new()
                .with_var("AWS_LOGIN_CACHE_DIRECTORY", "/login-cache")
                .with_var("HOME", "/h")
                .with_file(
                    "/h/.aws/config",
                    format!("[profile dev]\nlogin_session = {SESSION}\n"),
                )
                .with_file(
                    format!(
                        "/login-cache/{}.json",
                        stsgen_runtime::sigv4::sha256_hex(SESSION.as_bytes())
                    ),
                    contents,
                ),
        )
    };
    let now = SystemTime::now();
    let capture = Capture::default();
    let log = capture.log.clone();
    tracing::subscriber::with_default(capture, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // Valid, through the profile: the credentials carry the secrets, their Debug does not.
        let provider = ProfileProvider::builder()
            .profile_name("dev")
            .env(env(token(now + Duration::from_secs(3600))))
            .build();
        let creds = rt.block_on(provider.provide_credentials()).unwrap();
        assert_eq!(
            (creds.secret_access_key(), creds.session_token()),
            (LOGIN_SECRET, Some(LOGIN_TOKEN))
        );
        clean(
            "login credentials Debug",
            &format!("{creds:?} {provider:?}"),
        );
        // Due for a refresh that cannot happen here: served with a warning.
        let due = LoginProvider::builder(SESSION)
            .env(env(token(now + Duration::from_secs(120))))
            .build();
        assert_eq!(
            rt.block_on(due.provide_credentials())
                .unwrap()
                .secret_access_key(),
            LOGIN_SECRET
        );
        clean("login provider Debug", &format!("{due:?}"));
        // Expired: the error says what to do, and nothing more.
        let expired = LoginProvider::builder(SESSION)
            .profile_name("dev")
            .env(env(token(now - Duration::from_secs(60))))
            .build();
        let e = rt.block_on(expired.provide_credentials()).unwrap_err();
        assert!(e.to_string().contains("aws login --profile dev"), "{e}");
        clean("expired login error", &format!("{e} {e:?}"));
        // Bad files: each error names the field, never a value.
        let good = token(now + Duration::from_secs(3600));
        for bad in [
            good.replace(
                "\"accountId\": \"123456789012\"",
                &format!("\"accountId\": \"{LOGIN_SECRET}\""),
            ),
            good.replace(
                "\"tokenType\": \"aws_sigv4\"",
                &format!("\"tokenType\": \"{LOGIN_TOKEN}\""),
            ),
            good.replace(
                &format!("\"refreshToken\": \"{LOGIN_REFRESH}\""),
                &format!("\"refreshToken\": [\"{LOGIN_REFRESH}\"]"),
            ),
            good.replace("\"clientId\"", &format!("\"{LOGIN_REFRESH}\": 1, \"x\"")),
            good.replace("-----BEGIN EC", &format!("{LOGIN_SECRET}\"")),
        ] {
            let p = LoginProvider::builder(SESSION).env(env(bad)).build();
            let e = rt.block_on(p.provide_credentials()).unwrap_err();
            clean("login cache error", &format!("{e} {e:?}"));
        }
    });
    let log = log.lock().unwrap();
    assert!(
        log.contains("could not be refreshed"),
        "the warning was emitted:\n{log}"
    );
    clean("tracing output", &log);
}

/// The default IAM Identity Center API (the generated `sso` and `ssooidc` clients) against a
/// 127.0.0.1 server: the access token, refresh token, client secret and the role credentials
/// cross the wire (so they were sent and parsed) but never appear in tracing (at TRACE), in the
/// Debug of the requests and responses, or in the errors.
#[test]
fn the_generated_sso_clients_leak_nothing() {
    use stsgen_config::credentials::sso::{
        default_api, CreateTokenRequest, GetRoleCredentialsRequest, REFRESH_GRANT,
    };
    use stsgen_runtime::config::MemoryEnv;

    const ACCESS: &str = "GenSsoAccessTokenMARKERa1";
    const REFRESH: &str = "GenSsoRefreshTokenMARKERb2";
    const SECRET: &str = "GenSsoClientSecretMARKERc3";
    let server = FaultServer::start(|n, _| {
        let json = |status: u16, kind: Option<&str>, body: String| {
            let mut headers = vec![("Content-Type".into(), "application/json".into())];
            if let Some(k) = kind {
                headers.push(("x-amzn-ErrorType".into(), k.into()));
            }
            Fault::Respond {
                status,
                headers,
                body: body.into_bytes(),
            }
        };
        match n {
            0 => json(
                200,
                None,
                format!(
                    r#"{{"roleCredentials":{{"accessKeyId":"ASIAGEN","secretAccessKey":"{RESP_SECRET}","sessionToken":"{RESP_TOKEN}","expiration":1900000000000}}}}"#
                ),
            ),
            1 => json(
                200,
                None,
                format!(
                    r#"{{"accessToken":"{ACCESS}x","expiresIn":3600,"refreshToken":"{REFRESH}x","tokenType":"Bearer"}}"#
                ),
            ),
            _ => json(
                400,
                Some("InvalidGrantException"),
                r#"{"message":"bad grant"}"#.to_owned(),
            ),
        }
    });
    let env = Arc::new(
        MemoryEnv::new()
            .with_var("AWS_ENDPOINT_URL_SSO", server.url.as_str())
            .with_var("AWS_ENDPOINT_URL_SSO_OIDC", server.url.as_str()),
    );
    let api = default_api(&config(&server.url), env);
    let capture = Capture::default();
    let log = capture.log.clone();
    let refresh = CreateTokenRequest {
        client_id: "client".into(),
        client_secret: SECRET.into(),
        grant_type: REFRESH_GRANT.into(),
        refresh_token: Some(REFRESH.into()),
        ..CreateTokenRequest::default()
    };
    let shown = tracing::subscriber::with_default(capture, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let role = api
                .get_role_credentials(
                    "eu-west-1",
                    GetRoleCredentialsRequest {
                        access_token: ACCESS.into(),
                        account_id: "111122223333".into(),
                        role_name: "Dev".into(),
                    },
                )
                .await
                .unwrap();
            assert_eq!(role.secret_access_key, RESP_SECRET);
            let token = api
                .create_token("eu-west-1", refresh.clone())
                .await
                .unwrap();
            assert_eq!(
                token.refresh_token.as_deref(),
                Some(&*format!("{REFRESH}x"))
            );
            let err = api
                .create_token("eu-west-1", refresh.clone())
                .await
                .unwrap_err();
            format!("{role:?} {token:?} {refresh:?} {err:?} {err}")
        })
    });
    let received = server.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[0].header("x-amz-sso_bearer_token"), Some(ACCESS));
    assert!(received[1].body.contains(REFRESH) && received[1].body.contains(SECRET));
    let log = log.lock().unwrap().clone();
    assert!(
        log.contains("sending request"),
        "TRACE events were captured:\n{log}"
    );
    for (what, text) in [("Debug and errors", &shown), ("tracing output", &log)] {
        assert_clean(what, text);
        for m in [ACCESS, REFRESH, SECRET] {
            assert!(!text.contains(m), "{what} leaks {m}:\n{text}");
        }
    }
}

/// Console sign-in refreshes through the generated `signin` crate (async, and blocking outside a
/// runtime): the cached and the new access keys, session tokens and refresh tokens, and the DPoP
/// private key stay out of Debug, errors and everything traced, for a refresh that succeeds and
/// one the service refuses.
#[test]
fn login_refresh_through_the_signin_crate_leaks_nothing() {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use stsgen_config::credentials::LoginProvider;
    use stsgen_runtime::config::Env;

    const OLD_SECRET: &str = "LoginOldSecretMARKERm1";
    const OLD_TOKEN: &str = "LoginOldTokenMARKERn2";
    const OLD_REFRESH: &str = "LoginOldRefreshMARKERp3";
    const NEW_SECRET: &str = "LoginNewSecretMARKERs4";
    const NEW_TOKEN: &str = "LoginNewTokenMARKERv5";
    const NEW_REFRESH: &str = "LoginNewRefreshMARKERx6";
    const KEY_BODY: &str = "MHcCAQEEIBMB/RwQERsVoqWRQG4zK8CnaAa5dfrpbm+9tFdBh3z4oAoGCCqGSM49\nAwEHoUQDQgAEWb1VLi1EA2hJaTz4yYuxSELvY+1GAfL+8rUTCAdiFid87Bf6GY+s\n2+1RpqDv0RpZiDIMCrZrsAh+RK9S3QCaGA==";
    const SESSION: &str = "arn:aws:iam::123456789012:user/Admin";
    let clean = |what: &str, text: &str| {
        assert_clean(what, text);
        for m in [
            OLD_SECRET,
            OLD_TOKEN,
            OLD_REFRESH,
            NEW_SECRET,
            NEW_TOKEN,
            NEW_REFRESH,
            "MHcCAQEE",
            "2+1RpqDv0RpZ",
        ] {
            assert!(!text.contains(m), "{what} leaks {m}:\n{text}");
        }
    };

    /// Variables from a map, files from the disk (the refresh writes the real file).
    #[derive(Debug)]
    struct DiskEnv(BTreeMap<String, String>);
    impl Env for DiskEnv {
        fn var_os(&self, name: &str) -> Option<std::ffi::OsString> {
            self.0.get(name).map(Into::into)
        }
        fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
            std::fs::read(path)
        }
    }

    let server = stsgen_tests::FaultServer::start(|n, _| {
        let json = |status: u16, error_type: Option<&str>, body: String| {
            let mut headers = vec![("Content-Type".into(), "application/json".into())];
            if let Some(t) = error_type {
                headers.push(("x-amzn-ErrorType".into(), t.into()));
            }
            stsgen_tests::Fault::Respond {
                status,
                headers,
                body: body.into_bytes(),
            }
        };
        match n {
            // The async and the blocking refresh succeed; the third is refused.
            0 | 1 => json(
                200,
                None,
                format!(
                    r#"{{"accessToken":{{"accessKeyId":"ASIANEWLOGIN","secretAccessKey":"{NEW_SECRET}","sessionToken":"{NEW_TOKEN}"}},"tokenType":"aws_sigv4","expiresIn":900,"refreshToken":"{NEW_REFRESH}"}}"#
                ),
            ),
            _ => json(
                403,
                Some("AccessDeniedException"),
                r#"{"error":"TOKEN_EXPIRED","message":"The session has expired."}"#.to_owned(),
            ),
        }
    });
    let dir: PathBuf =
        std::env::temp_dir().join(format!("stsgen-secrets-login-{}", std::process::id()));
    let file = dir.join(format!(
        "{}.json",
        stsgen_runtime::sigv4::sha256_hex(SESSION.as_bytes())
    ));
    let write_token = |expires: SystemTime| {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let key =
            format!("-----BEGIN EC PRIVATE KEY-----\n{KEY_BODY}\n-----END EC PRIVATE KEY-----\n");
        std::fs::write(
            &file,
            format!(
                r#"{{"accessToken": {{"accessKeyId": "ASIAOLDLOGIN", "secretAccessKey": "{OLD_SECRET}", "sessionToken": "{OLD_TOKEN}",
"accountId": "123456789012", "expiresAt": "{}"}}, "tokenType": "aws_sigv4", "refreshToken": "{OLD_REFRESH}",
"clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": {}, "signInRegion": "us-east-1"}}"#,
                stsgen_runtime::DateTime::from(expires).format_rfc3339(),
                stsgen_runtime::json::quote(&key)
            ),
        )
        .unwrap();
    };
    let provider = || {
        let vars = BTreeMap::from([
            (
                "AWS_LOGIN_CACHE_DIRECTORY".to_owned(),
                dir.display().to_string(),
            ),
            ("AWS_ENDPOINT_URL_SIGNIN".to_owned(), server.url.clone()),
        ]);
        let mut config = sts::Config::new();
        config.retry.initial_backoff = Duration::from_millis(1);
        LoginProvider::builder(SESSION)
            .profile_name("dev")
            .env(Arc::new(DiskEnv(vars)))
            .config(config)
            .build()
    };
    let now = SystemTime::now();
    let capture = Capture::default();
    let log = capture.log.clone();
    tracing::subscriber::with_default(capture, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // Async: due for a refresh, refreshed.
        write_token(now + Duration::from_secs(60));
        let p = provider();
        let c = rt.block_on(p.provide_credentials()).unwrap();
        assert_eq!(c.secret_access_key(), NEW_SECRET);
        clean("refreshed credentials Debug", &format!("{c:?} {p:?}"));
        // Blocking, outside any runtime: the generated crate's blocking client.
        write_token(now + Duration::from_secs(60));
        let p = provider();
        let c = p.provide_credentials_blocking().unwrap();
        assert_eq!(c.secret_access_key(), NEW_SECRET);
        clean("blocking refresh Debug", &format!("{c:?} {p:?}"));
        // Expired and refused: the error says what to do, and nothing secret.
        write_token(now - Duration::from_secs(60));
        let p = provider();
        let e = rt.block_on(p.provide_credentials()).unwrap_err();
        assert!(
            e.to_string().contains("CreateOAuth2Token")
                && e.to_string().contains("aws login --profile dev"),
            "{e}"
        );
        clean("refused refresh error", &format!("{e} {e:?}"));
    });
    // Each request carried the refresh token and a proof (the secrets were on the wire).
    let received = server.received();
    assert_eq!(received.len(), 3, "one request per refresh");
    for r in &received {
        assert!(r.body.contains(OLD_REFRESH), "{}", r.request_line);
        assert!(r.header("dpop").is_some(), "{:?}", r.headers);
    }
    let log = log.lock().unwrap();
    assert!(
        log.contains("CreateOAuth2Token"),
        "the call was traced:\n{log}"
    );
    clean("tracing output", &log);
    let _ = std::fs::remove_dir_all(&dir);
}
