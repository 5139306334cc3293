//! The STS credential providers (`stsgen_config::credentials`) against a local STS stand-in that issues
//! fresh credentials per call and counts calls: the request each provider sends, single-flight
//! caching, refresh at expiry, stale-but-valid credentials during a failing refresh, profile
//! chains, MFA, web identity token re-reading, the default chain's error, and the blocking
//! client.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use sts::Config;
use stsgen_config::credentials::{
    AssumeRoleProvider, DefaultCredentialsChain, MfaTokenSource, ProfileProvider,
    SessionTokenProvider, WebIdentityProvider,
};
use stsgen_config::ConfigLoader;
use stsgen_runtime::config::{Env, MemoryEnv};
use stsgen_runtime::credentials::{CredentialsError, ProvideCredentials, StaticCredentials};

/// A request as the stand-in saw it.
#[derive(Debug, Clone)]
struct Seen {
    action: String,
    params: BTreeMap<String, String>,
    authorization: Option<String>,
}

impl Seen {
    fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The access key id the request was signed with.
    fn signed_by(&self) -> Option<&str> {
        let auth = self.authorization.as_deref()?;
        let cred = auth.split("Credential=").nth(1)?;
        cred.split('/').next()
    }
}

type Handler = dyn Fn(&Seen, usize) -> (u16, String) + Send + Sync;

/// A local STS stand-in: every connection is answered by `handler(request, n)` where `n`
/// counts requests of the same action (0-based).
struct Sts {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Sts {
    fn start(handler: impl Fn(&Seen, usize) -> (u16, String) + Send + Sync + 'static) -> Sts {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
        let log = seen.clone();
        let handler: Arc<Handler> = Arc::new(handler);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let log = log.clone();
                let handler = handler.clone();
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let mut headers = BTreeMap::new();
                        loop {
                            let mut h = String::new();
                            if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                                break;
                            }
                            if let Some((k, v)) = h.trim_end().split_once(':') {
                                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                            }
                        }
                        let len: usize = headers
                            .get("content-length")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        let mut body = vec![0; len];
                        if reader.read_exact(&mut body).is_err() {
                            return;
                        }
                        let params: BTreeMap<String, String> = String::from_utf8_lossy(&body)
                            .split('&')
                            .filter_map(|kv| kv.split_once('='))
                            .map(|(k, v)| (decode(k), decode(v)))
                            .collect();
                        let seen = Seen {
                            action: params.get("Action").cloned().unwrap_or_default(),
                            params,
                            authorization: headers.get("authorization").cloned(),
                        };
                        let n = {
                            let mut log = log.lock().unwrap();
                            let n = log.iter().filter(|s| s.action == seen.action).count();
                            log.push(seen.clone());
                            n
                        };
                        let (status, body) = handler(&seen, n);
                        let out = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if stream.write_all(out.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Sts { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn count(&self, action: &str) -> usize {
        self.seen().iter().filter(|s| s.action == action).count()
    }

    fn config(&self) -> Config {
        let mut c = Config::new();
        c.region = Some("us-east-1".to_owned());
        c.endpoint_url = Some(self.url.clone());
        c.retry.max_attempts = 1;
        c
    }
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn rfc3339(t: SystemTime) -> String {
    let t = stsgen_runtime::DateTime::from(t);
    stsgen_runtime::types::wire::format_timestamp(
        &t,
        stsgen_runtime::types::wire::TimestampFormat::DateTime,
    )
}

/// A successful response for `action` with credentials `key` valid for `valid_for`.
fn issue(action: &str, key: &str, valid_for: Duration) -> (u16, String) {
    let expiration = rfc3339(SystemTime::now() + valid_for);
    let creds = format!(
        "<Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>secret-{key}</SecretAccessKey>\
         <SessionToken>token-{key}</SessionToken><Expiration>{expiration}</Expiration></Credentials>"
    );
    let user = match action {
        "GetSessionToken" => String::new(),
        _ => "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>"
            .to_owned(),
    };
    let body = format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>{creds}{user}</{action}Result>\
         <ResponseMetadata><RequestId>req-{key}</RequestId></ResponseMetadata></{action}Response>"
    );
    (200, body)
}

fn access_denied() -> (u16, String) {
    (
        403,
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed to assume</Message></Error>\
         <RequestId>req-denied</RequestId></ErrorResponse>"
            .to_owned(),
    )
}

fn identity(arn_of: &Seen) -> (u16, String) {
    let key = arn_of.signed_by().unwrap_or("unsigned").to_owned();
    (
        200,
        format!(
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/r/{key}</Arn>\
             <UserId>AROA:{key}</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        ),
    )
}

/// Issues `ASIA<n>` keys valid for `valid_for` on every credential-returning action.
fn issuing(valid_for: Duration) -> impl Fn(&Seen, usize) -> (u16, String) + Send + Sync + 'static {
    move |seen, n| match seen.action.as_str() {
        "GetCallerIdentity" => identity(seen),
        action => issue(
            action,
            &format!("ASIA{}{n}", &action[..3].to_ascii_uppercase()),
            valid_for,
        ),
    }
}

fn base() -> StaticCredentials {
    StaticCredentials::new("AKIDBASE", "base-secret", None)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn assume_role_sends_every_setting_and_a_thousand_callers_cause_one_call() {
    let sts = Sts::start(issuing(Duration::from_secs(3600)));
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let provider = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/deploy")
        .config(sts.config())
        .source(base())
        .session_name("ci-run")
        .external_id("ext-123")
        .duration(Duration::from_secs(1800))
        .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .tag("team", "infra")
        .transitive_tag_key("team")
        .source_identity("alice")
        .mfa(
            "arn:aws:iam::123456789012:mfa/alice",
            MfaTokenSource::new(move |serial| {
                assert_eq!(serial, "arn:aws:iam::123456789012:mfa/alice");
                counter.fetch_add(1, Ordering::SeqCst);
                Ok("123456".to_owned())
            }),
        )
        .build()
        .unwrap();
    let provider = Arc::new(provider);
    let results = runtime().block_on(async {
        let calls = (0..1000).map(|_| {
            let p = provider.clone();
            async move { p.provide_credentials().await }
        });
        futures_join_all(calls).await
    });
    assert_eq!(results.len(), 1000);
    for r in &results {
        assert_eq!(r.as_ref().unwrap().access_key_id(), "ASIAASS0");
    }
    let c = results[0].as_ref().unwrap();
    assert_eq!(
        (c.secret_access_key(), c.session_token()),
        ("secret-ASIAASS0", Some("token-ASIAASS0"))
    );
    assert!(c.expiry().unwrap() > SystemTime::now() + Duration::from_secs(3500));
    assert_eq!(
        sts.count("AssumeRole"),
        1,
        "one STS call for 1000 concurrent callers"
    );
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "the MFA source is asked once per refresh"
    );
    let seen = &sts.seen()[0];
    assert_eq!(seen.signed_by(), Some("AKIDBASE"));
    for (k, v) in [
        ("RoleArn", "arn:aws:iam::123456789012:role/deploy"),
        ("RoleSessionName", "ci-run"),
        ("ExternalId", "ext-123"),
        ("DurationSeconds", "1800"),
        (
            "PolicyArns.member.1.arn",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ),
        ("Tags.member.1.Key", "team"),
        ("Tags.member.1.Value", "infra"),
        ("TransitiveTagKeys.member.1", "team"),
        ("SourceIdentity", "alice"),
        ("SerialNumber", "arn:aws:iam::123456789012:mfa/alice"),
        ("TokenCode", "123456"),
    ] {
        assert_eq!(seen.param(k), Some(v), "{k}");
    }
    assert!(seen.param("Policy").unwrap().contains("s3:GetObject"));
    let debug = format!("{provider:?}");
    assert!(
        !debug.contains("secret-ASIA") && !debug.contains("token-ASIA"),
        "{debug}"
    );
}

/// A minimal join_all (the tests crate has no futures dependency).
async fn futures_join_all<F: std::future::Future>(
    futs: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futs.into_iter().map(|f| Box::pin(f)).collect();
    let mut out = Vec::with_capacity(handles.len());
    let mut pending: Vec<Option<std::pin::Pin<Box<F>>>> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    out.extend(results.into_iter().map(|r| r.unwrap()));
    out
}

#[test]
fn expired_credentials_cause_exactly_one_more_call() {
    let sts = Sts::start(issuing(Duration::from_secs(2)));
    let provider = Arc::new(
        AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/short")
            .config(sts.config())
            .source(base())
            .refresh_ahead(Duration::ZERO)
            .build()
            .unwrap(),
    );
    let rt = runtime();
    let burst = |rt: &tokio::runtime::Runtime| {
        rt.block_on(futures_join_all((0..100).map(|_| {
            let p = provider.clone();
            async move {
                p.provide_credentials()
                    .await
                    .unwrap()
                    .access_key_id()
                    .to_owned()
            }
        })))
    };
    let first = burst(&rt);
    assert!(first.iter().all(|k| k == "ASIAASS0"));
    assert_eq!(sts.count("AssumeRole"), 1);
    std::thread::sleep(Duration::from_millis(2300));
    let second = burst(&rt);
    assert!(second.iter().all(|k| k == "ASIAASS1"), "{second:?}");
    assert_eq!(sts.count("AssumeRole"), 2, "one refresh after expiry");
    let generated = sts.seen()[0].param("RoleSessionName").unwrap().to_owned();
    assert!(
        generated.starts_with("stsgen-") && generated.len() > 8,
        "{generated}"
    );
}

#[test]
fn a_failing_refresh_serves_valid_credentials_then_reports_the_error_after_expiry() {
    let sts = Sts::start(|seen, n| {
        if n == 0 {
            issue(&seen.action, "ASIAGOOD", Duration::from_secs(3))
        } else {
            access_denied()
        }
    });
    let provider = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/flaky")
        .config(sts.config())
        .source(base())
        .refresh_ahead(Duration::from_secs(2))
        .build()
        .unwrap();
    let rt = runtime();
    assert_eq!(
        rt.block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIAGOOD"
    );
    std::thread::sleep(Duration::from_millis(1300));
    // Inside the refresh window: the refresh fails, the still-valid credentials are served.
    assert_eq!(
        rt.block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIAGOOD"
    );
    assert!(sts.count("AssumeRole") >= 2, "a refresh was attempted");
    std::thread::sleep(Duration::from_millis(2000));
    let err = rt.block_on(provider.provide_credentials()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("AccessDenied") && text.contains("arn:aws:iam::123456789012:role/flaky"),
        "{text}"
    );
    assert!(
        matches!(
            err,
            CredentialsError::ProviderError {
                provider: "assume-role",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn missing_mfa_source_and_invalid_members_are_clear_errors() {
    let e = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/x")
        .config(Config::new())
        .source(base())
        .session_name("has spaces")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("RoleSessionName") || e.contains("role_session_name"),
        "{e}"
    );
    let e = AssumeRoleProvider::builder("arn")
        .config(Config::new())
        .source(base())
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("RoleArn") || e.contains("role_arn"), "{e}");
}

/// Variables in memory, files from disk (so a test can rewrite a token file).
#[derive(Debug, Clone, Default)]
struct DiskEnv(BTreeMap<String, OsString>);

impl DiskEnv {
    fn var(mut self, k: &str, v: impl Into<OsString>) -> Self {
        self.0.insert(k.to_owned(), v.into());
        self
    }
}

impl Env for DiskEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        self.0.get(name).cloned()
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stsgen-creds-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn web_identity_from_env_is_unsigned_and_rereads_the_token_file() {
    let sts = Sts::start(issuing(Duration::from_secs(3600)));
    let dir = temp_dir("webid");
    let token_file = dir.join("token");
    std::fs::write(&token_file, "first-jwt\n").unwrap();
    let env = DiskEnv::default()
        .var("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.as_os_str())
        .var("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa")
        .var("AWS_ROLE_SESSION_NAME", "pod-1");
    let provider = WebIdentityProvider::from_env_with(Arc::new(env), Some(sts.config())).unwrap();
    let rt = runtime();
    assert_eq!(
        rt.block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIAASS0"
    );
    std::fs::write(&token_file, "second-jwt").unwrap();
    provider.invalidate();
    assert_eq!(
        rt.block_on(provider.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIAASS1"
    );
    let seen = sts.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|s| s.action == "AssumeRoleWithWebIdentity" && s.authorization.is_none()),
        "sent unsigned"
    );
    assert_eq!(seen[0].param("WebIdentityToken"), Some("first-jwt"));
    assert_eq!(
        seen[1].param("WebIdentityToken"),
        Some("second-jwt"),
        "the token file is read at every refresh"
    );
    assert_eq!(seen[0].param("RoleSessionName"), Some("pod-1"));
    assert_eq!(
        seen[0].param("RoleArn"),
        Some("arn:aws:iam::123456789012:role/irsa")
    );

    std::fs::remove_file(&token_file).unwrap();
    provider.invalidate();
    let e = rt
        .block_on(provider.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("web identity token file") && e.contains(&token_file.display().to_string()),
        "{e}"
    );

    let no_role = DiskEnv::default().var("AWS_WEB_IDENTITY_TOKEN_FILE", "/t");
    let e = WebIdentityProvider::from_env_with(Arc::new(no_role), Some(Config::new())).unwrap_err();
    assert!(
        matches!(e, CredentialsError::InvalidConfiguration { .. })
            && e.to_string().contains("AWS_ROLE_ARN"),
        "{e}"
    );
    let unset =
        WebIdentityProvider::from_env_with(Arc::new(DiskEnv::default()), Some(Config::new()))
            .unwrap_err();
    assert!(
        matches!(unset, CredentialsError::NotLoaded { .. }),
        "{unset}"
    );
}

#[test]
fn session_token_with_mfa() {
    let sts = Sts::start(issuing(Duration::from_secs(3600)));
    let provider = SessionTokenProvider::builder()
        .config(sts.config())
        .source(base())
        .duration(Duration::from_secs(7200))
        .mfa(
            "arn:aws:iam::123456789012:mfa/bob",
            MfaTokenSource::new(|_| Ok(" 654321\n".to_owned())),
        )
        .build()
        .unwrap();
    let c = runtime().block_on(provider.provide_credentials()).unwrap();
    assert_eq!(c.access_key_id(), "ASIAGET0");
    let seen = &sts.seen()[0];
    assert_eq!(seen.action, "GetSessionToken");
    assert_eq!(seen.signed_by(), Some("AKIDBASE"));
    assert_eq!(seen.param("TokenCode"), Some("654321"));
    assert_eq!(
        seen.param("SerialNumber"),
        Some("arn:aws:iam::123456789012:mfa/bob")
    );
    assert_eq!(seen.param("DurationSeconds"), Some("7200"));
}

fn profile_env(sts: &Sts, config: &str, credentials: &str) -> MemoryEnv {
    let config = config.replace("{url}", &sts.url);
    MemoryEnv::new()
        .with_var("HOME", "/home/u")
        .with_file("/home/u/.aws/config", config)
        .with_file("/home/u/.aws/credentials", credentials.to_owned())
}

const CHAIN_CONFIG: &str = "\
[default]
region = eu-west-1
endpoint_url = {url}

[profile dev]
role_arn = arn:aws:iam::111111111111:role/dev
source_profile = base
external_id = dev-ext
role_session_name = me-dev
duration_seconds = 1200
endpoint_url = {url}
region = eu-west-1

[profile prod]
role_arn = arn:aws:iam::222222222222:role/prod
source_profile = dev
endpoint_url = {url}
region = eu-west-1

[profile secure]
role_arn = arn:aws:iam::333333333333:role/secure
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/me
endpoint_url = {url}

[profile from-env]
role_arn = arn:aws:iam::444444444444:role/env
credential_source = Environment
endpoint_url = {url}
";

const CHAIN_CREDENTIALS: &str =
    "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n";

#[test]
fn a_two_hop_profile_chain_signs_each_hop_with_the_previous_credentials() {
    let sts = Sts::start(issuing(Duration::from_secs(3600)));
    let env = profile_env(&sts, CHAIN_CONFIG, CHAIN_CREDENTIALS);
    let provider = ProfileProvider::builder()
        .env(Arc::new(env))
        .profile_name("prod")
        .build();
    let c = runtime().block_on(provider.provide_credentials()).unwrap();
    assert_eq!(c.access_key_id(), "ASIAASS1");
    let seen = sts.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].param("RoleArn"),
        Some("arn:aws:iam::111111111111:role/dev")
    );
    assert_eq!(seen[0].signed_by(), Some("AKIDBASE"));
    assert_eq!(seen[0].param("ExternalId"), Some("dev-ext"));
    assert_eq!(seen[0].param("RoleSessionName"), Some("me-dev"));
    assert_eq!(seen[0].param("DurationSeconds"), Some("1200"));
    assert_eq!(
        seen[1].param("RoleArn"),
        Some("arn:aws:iam::222222222222:role/prod")
    );
    assert_eq!(
        seen[1].signed_by(),
        Some("ASIAASS0"),
        "the second hop is signed with the first hop's credentials"
    );
    let scope = seen[1].authorization.as_deref().unwrap();
    assert!(
        scope.contains("/eu-west-1/sts/aws4_request"),
        "the profile's region signs: {scope}"
    );
}

#[test]
fn profile_mfa_asks_the_token_source_or_says_what_is_missing() {
    let sts = Sts::start(issuing(Duration::from_secs(3600)));
    let env = Arc::new(profile_env(&sts, CHAIN_CONFIG, CHAIN_CREDENTIALS));
    let without = ProfileProvider::builder()
        .env(env.clone())
        .profile_name("secure")
        .build();
    let e = runtime()
        .block_on(without.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("MFA") && e.contains("arn:aws:iam::111111111111:mfa/me"),
        "{e}"
    );
    assert_eq!(
        sts.count("AssumeRole"),
        0,
        "nothing sent without a token code"
    );
    let with = ProfileProvider::builder()
        .env(env)
        .profile_name("secure")
        .mfa_tokens(MfaTokenSource::new(|_| Ok("111222".to_owned())))
        .build();
    runtime().block_on(with.provide_credentials()).unwrap();
    let seen = &sts.seen()[0];
    assert_eq!(
        seen.param("SerialNumber"),
        Some("arn:aws:iam::111111111111:mfa/me")
    );
    assert_eq!(seen.param("TokenCode"), Some("111222"));
}

#[test]
fn credential_source_environment_and_missing_profiles() {
    let sts = Sts::start(issuing(Duration::from_secs(3600)));
    let env = profile_env(&sts, CHAIN_CONFIG, CHAIN_CREDENTIALS)
        .with_var("AWS_ACCESS_KEY_ID", "AKIDENV")
        .with_var("AWS_SECRET_ACCESS_KEY", "env-secret");
    let provider = ProfileProvider::builder()
        .env(Arc::new(env))
        .profile_name("from-env")
        .build();
    runtime().block_on(provider.provide_credentials()).unwrap();
    assert_eq!(sts.seen()[0].signed_by(), Some("AKIDENV"));

    let env = Arc::new(profile_env(&sts, CHAIN_CONFIG, CHAIN_CREDENTIALS));
    let missing = ProfileProvider::builder()
        .env(env.clone())
        .profile_name("nope")
        .build();
    let e = runtime()
        .block_on(missing.provide_credentials())
        .unwrap_err();
    assert!(
        matches!(e, CredentialsError::InvalidConfiguration { .. })
            && e.to_string().contains("`nope`"),
        "{e}"
    );
    let e = ConfigLoader::new()
        .env(env)
        .profile_name("nope")
        .load()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`nope` does not exist") && e.contains("base"),
        "{e}"
    );
}

#[test]
fn the_default_chain_takes_the_environment_first_and_lists_what_it_tried() {
    let env = MemoryEnv::new()
        .with_var("AWS_ACCESS_KEY_ID", "AKIDENV")
        .with_var("AWS_SECRET_ACCESS_KEY", "s");
    let chain = DefaultCredentialsChain::builder()
        .env(Arc::new(env))
        .config(Config::new())
        .build()
        .unwrap();
    assert_eq!(
        runtime()
            .block_on(chain.provide_credentials())
            .unwrap()
            .access_key_id(),
        "AKIDENV"
    );

    // IMDS disabled: the chain's last link would otherwise ask 169.254.169.254.
    let empty = MemoryEnv::new()
        .with_var("HOME", "/nowhere")
        .with_var("AWS_EC2_METADATA_DISABLED", "true");
    let chain = DefaultCredentialsChain::builder()
        .env(Arc::new(empty))
        .config(Config::new())
        .build()
        .unwrap();
    let e = runtime()
        .block_on(chain.provide_credentials())
        .unwrap_err()
        .to_string();
    for tried in [
        "environment",
        "AWS_ACCESS_KEY_ID",
        "web-identity",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "profile",
        "default",
        "container",
        "instance-metadata",
    ] {
        assert!(e.contains(tried), "`{tried}` missing from: {e}");
    }
}

#[test]
fn config_loader_applies_the_profile_and_chains_credentials() {
    let sts = Sts::start(issuing(Duration::from_secs(3600)));
    let env =
        Arc::new(profile_env(&sts, CHAIN_CONFIG, CHAIN_CREDENTIALS).with_var("AWS_PROFILE", "dev"));
    let config = ConfigLoader::new().env(env).load().unwrap();
    assert_eq!(config.region.as_deref(), Some("eu-west-1"));
    assert_eq!(config.endpoint_url.as_deref(), Some(sts.url.as_str()));
    let client = sts::Client::new(config).unwrap();
    let out = runtime()
        .block_on(client.get_caller_identity().send())
        .unwrap();
    assert_eq!(
        out.arn(),
        Some("arn:aws:sts::123456789012:assumed-role/r/ASIAASS0")
    );
    let seen = sts.seen();
    assert_eq!(
        seen.iter().map(|s| s.action.as_str()).collect::<Vec<_>>(),
        ["AssumeRole", "GetCallerIdentity"]
    );
}

#[test]
fn providers_serve_the_blocking_client_outside_any_async_runtime() {
    let sts = Sts::start(issuing(Duration::from_secs(3600)));
    let provider = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/blocking")
        .config(sts.config())
        .source(base())
        .build()
        .unwrap();
    let mut config = sts.config();
    config.credentials = Some(Arc::new(provider));
    let client = sts::blocking::Client::new(config);
    let input = sts::operation::get_caller_identity::GetCallerIdentityInput::builder()
        .build()
        .unwrap();
    let out = client.send(input).unwrap();
    assert_eq!(
        out.arn(),
        Some("arn:aws:sts::123456789012:assumed-role/r/ASIAASS0")
    );
    let seen = sts.seen();
    assert_eq!(seen[1].signed_by(), Some("ASIAASS0"));
}

#[test]
fn profile_errors_keep_their_file_and_line() {
    let env = MemoryEnv::new()
        .with_var("HOME", "/h")
        .with_file("/h/.aws/config", "[profile a]\nthis is not a property\n");
    let chain = ProfileProvider::builder().env(Arc::new(env)).build();
    let e = runtime()
        .block_on(chain.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(e.contains("/h/.aws/config line 2"), "{e}");
}

#[test]
fn the_blocking_counterpart_calls_sts_on_the_calling_thread() {
    let sts = Sts::start(issuing(Duration::from_secs(3600)));
    let provider = SessionTokenProvider::builder()
        .config(sts.config())
        .source(base())
        .build()
        .unwrap();
    let c = provider.provide_credentials_blocking().unwrap();
    assert_eq!(c.access_key_id(), "ASIAGET0");
    assert_eq!(
        provider
            .provide_credentials_blocking()
            .unwrap()
            .access_key_id(),
        "ASIAGET0",
        "cached"
    );
    assert_eq!(sts.count("GetSessionToken"), 1);
}
