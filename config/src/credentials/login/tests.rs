//! Console sign-in: the cache file, the refresh through a fake `CreateOAuth2Token`, the write
//! back, single-flight and the 30 s rule, and the errors.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use stsgen_runtime::config::{Env, MemoryEnv};
use stsgen_runtime::credentials::{CredentialsError, ProvideCredentials, ServiceClock};
use stsgen_runtime::future::BoxFuture;
use stsgen_runtime::json::JsonValue;

use super::api::SigninError;
use super::cache::{self, CacheError, LoginToken};
use super::cache::{AccessToken, CreateOAuth2TokenResponse};
use super::dpop::tests::{verify, AWS_CONFIG_KEY};
use super::*;

pub(super) const SESSION: &str = "arn:aws:iam::123456789012:user/Admin";
/// Secrets in the cache file and in the refresh answer: never in Debug, errors or logs.
pub(super) const SECRET: &str = "SecretKeyMARKERa1";
pub(super) const SESSION_TOKEN: &str = "SessionTokenMARKERb2";
pub(super) const REFRESH: &str = "RefreshTokenMARKERc3";
pub(super) const NEW_SECRET: &str = "NewSecretMARKERd4";
pub(super) const NEW_TOKEN: &str = "NewSessionTokenMARKERe5";
pub(super) const NEW_REFRESH: &str = "NewRefreshTokenMARKERf6";
const MARKERS: [&str; 6] = [
    SECRET,
    SESSION_TOKEN,
    REFRESH,
    NEW_SECRET,
    NEW_TOKEN,
    NEW_REFRESH,
];
/// 2030-01-01T00:00:00Z.
pub(super) const T0: u64 = 1_893_456_000;
const SIGNIN_URL: &str = "https://us-west-2.signin.aws.amazon.com/v1/token";

pub(super) fn assert_clean(what: &str, text: &str) {
    for m in MARKERS {
        assert!(!text.contains(m), "{what} leaks {m}: {text}");
    }
    assert!(
        !text.contains("MHcCAQEE"),
        "{what} leaks the DPoP key: {text}"
    );
}

pub(super) fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

pub(super) fn rfc3339(t: SystemTime) -> String {
    stsgen_runtime::DateTime::from(t).format_rfc3339()
}

/// A token file as the AWS CLI writes it, expiring at `expires`.
pub(super) fn token_json(expires: SystemTime) -> String {
    format!(
        r#"{{
  "accessToken": {{
    "accessKeyId": "ASIAOLDKEY",
    "secretAccessKey": "{SECRET}",
    "sessionToken": "{SESSION_TOKEN}",
    "accountId": "123456789012",
    "expiresAt": "{}"
  }},
  "tokenType": "aws_sigv4",
  "refreshToken": "{REFRESH}",
  "idToken": "id.token.value",
  "clientId": "arn:aws:signin:::devtools/same-device",
  "dpopKey": {},
  "signInRegion": "us-west-2",
  "futureMember": {{"kept": [1, 2]}}
}}"#,
        rfc3339(expires),
        stsgen_runtime::json::quote(AWS_CONFIG_KEY)
    )
}

/// Variables from a map, files from the disk.
#[derive(Debug, Default)]
pub(super) struct DiskEnv(pub(super) BTreeMap<String, String>);

impl Env for DiskEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        self.0.get(name).map(OsString::from)
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

/// A fresh cache directory with the session's token file; the env pointing at it.
pub(super) fn disk(name: &str, token: &str) -> (PathBuf, Arc<DiskEnv>) {
    let dir = std::env::temp_dir().join(format!("stsgen-login-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(cache::file_name(SESSION));
    std::fs::write(&file, token).unwrap();
    let env = DiskEnv(
        [(
            cache::CACHE_DIRECTORY_VAR.to_owned(),
            dir.display().to_string(),
        )]
        .into(),
    );
    (file, Arc::new(env))
}

/// A clock the test moves.
pub(super) fn clock(start: u64) -> (ServiceClock, Arc<AtomicU64>) {
    let now = Arc::new(AtomicU64::new(start));
    let n = now.clone();
    (
        ServiceClock::with_local_time(move || at(n.load(Ordering::SeqCst))),
        now,
    )
}

fn answer() -> CreateOAuth2TokenResponse {
    CreateOAuth2TokenResponse {
        access_token: AccessToken {
            access_key_id: "ASIANEWKEY".into(),
            secret_access_key: NEW_SECRET.into(),
            session_token: NEW_TOKEN.into(),
        },
        token_type: "aws_sigv4".into(),
        expires_in: 900,
        refresh_token: NEW_REFRESH.into(),
        id_token: None,
    }
}

/// `CreateOAuth2Token` in memory: counts calls, keeps what it was sent (with the DPoP header
/// made for [`SIGNIN_URL`]), waits `delay`, then answers.
#[derive(Debug)]
struct FakeSignin {
    calls: AtomicUsize,
    seen: Mutex<Vec<(Option<String>, CreateOAuth2TokenRequest, String)>>,
    answer: Mutex<Result<CreateOAuth2TokenResponse, SigninError>>,
    delay: Duration,
    /// Written over the token file during the call (another process refreshing first).
    race: Option<(PathBuf, String)>,
}

impl FakeSignin {
    fn new(answer: Result<CreateOAuth2TokenResponse, SigninError>) -> Arc<Self> {
        Arc::new(FakeSignin {
            calls: AtomicUsize::new(0),
            seen: Mutex::default(),
            answer: Mutex::new(answer),
            delay: Duration::ZERO,
            race: None,
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl SigninTokenApi for FakeSignin {
    fn create_oauth2_token<'a>(
        &'a self,
        call: SigninCall<'a>,
        input: CreateOAuth2TokenRequest,
        dpop: DpopProofs,
    ) -> BoxFuture<'a, Result<CreateOAuth2TokenResponse, SigninError>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let proof = dpop.header_for("POST", SIGNIN_URL)?;
            self.seen
                .lock()
                .unwrap()
                .push((call.region.map(str::to_owned), input, proof));
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            if let Some((file, contents)) = &self.race {
                std::fs::write(file, contents).unwrap();
            }
            self.answer.lock().unwrap().clone()
        })
    }
}

fn provider(env: Arc<dyn Env>, clock: &ServiceClock, signin: Arc<FakeSignin>) -> LoginProvider {
    let config = Config {
        clock: clock.clone(),
        region: Some("eu-west-1".into()),
        ..Default::default()
    };
    LoginProvider::builder(SESSION)
        .profile_name("dev")
        .env(env)
        .config(config)
        .signin_api(signin)
        .build()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// The file

#[test]
fn cache_file_is_the_sha256_of_the_session_in_the_cache_directory() {
    // Published vector (aws-config's login cache tests): the hash of the trimmed session.
    let published = "36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726.json";
    assert_eq!(
        cache::file_name("arn:aws:iam::0123456789012:user/Admin"),
        published
    );
    assert_eq!(
        cache::file_name("  arn:aws:iam::0123456789012:user/Admin \n"),
        published
    );
    let home = MemoryEnv::new().with_var("HOME", "/home/u");
    assert_eq!(
        cache::cache_dir(&home).unwrap(),
        Path::new("/home/u/.aws/login/cache")
    );
    let moved = home
        .clone()
        .with_var(cache::CACHE_DIRECTORY_VAR, "/var/cache/login");
    assert_eq!(
        cache::cache_dir(&moved).unwrap(),
        Path::new("/var/cache/login")
    );
    let tilde = home.with_var(cache::CACHE_DIRECTORY_VAR, "~/elsewhere");
    assert_eq!(
        cache::cache_dir(&tilde).unwrap(),
        Path::new("/home/u/elsewhere")
    );
    assert_eq!(
        cache::cache_dir(&MemoryEnv::new()).unwrap_err(),
        CacheError::NoDirectory
    );
}

#[test]
fn a_cli_token_file_parses_with_every_field() {
    let path = Path::new("/c/x.json");
    let token = LoginToken::parse(path, token_json(at(T0)).as_bytes()).unwrap();
    let c = token.credentials();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("ASIAOLDKEY", SECRET, Some(SESSION_TOKEN))
    );
    assert_eq!(c.account_id(), Some("123456789012"));
    assert_eq!(c.expiry(), Some(at(T0)));
    assert_eq!(c.provider(), "login");
    assert_eq!(token.refresh_token, REFRESH);
    assert_eq!(token.client_id, "arn:aws:signin:::devtools/same-device");
    assert_eq!(token.sign_in_region.as_deref(), Some("us-west-2"));
    assert!(token
        .dpop_key
        .starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
    assert_clean("token Debug", &format!("{token:?}"));
    // The optional members may be absent.
    let minimal = token_json(at(T0))
        .replace(r#""tokenType": "aws_sigv4","#, "")
        .replace(r#""idToken": "id.token.value","#, "")
        .replace(r#""signInRegion": "us-west-2","#, "");
    let token = LoginToken::parse(path, minimal.as_bytes()).unwrap();
    assert_eq!(token.sign_in_region, None);
}

#[test]
fn each_bad_field_is_an_error_naming_the_file_and_the_field() {
    let path = Path::new("/cache/abc.json");
    let good = token_json(at(T0));
    let key = stsgen_runtime::json::quote(AWS_CONFIG_KEY);
    let cases: Vec<(String, &str)> = vec![
        (
            good.replace(r#""accessKeyId": "ASIAOLDKEY","#, ""),
            "`accessToken.accessKeyId` is missing",
        ),
        (
            good.replace(&format!(r#""secretAccessKey": "{SECRET}","#), ""),
            "`accessToken.secretAccessKey` is missing",
        ),
        (
            good.replace(&format!(r#""sessionToken": "{SESSION_TOKEN}","#), ""),
            "`accessToken.sessionToken` is missing",
        ),
        (
            good.replace(r#""accountId": "123456789012","#, ""),
            "`accessToken.accountId` is missing",
        ),
        (
            good.replace(r#""123456789012""#, r#""12345""#),
            "`accessToken.accountId` is not a 12-digit account id",
        ),
        (
            good.replace(r#""123456789012""#, "123456789012"),
            "`accessToken.accountId` is not a string",
        ),
        (
            good.replace(&rfc3339(at(T0)), "tomorrow"),
            "`accessToken.expiresAt` is not an RFC 3339 date-time",
        ),
        (
            good.replace(r#""ASIAOLDKEY""#, r#""""#),
            "`accessToken.accessKeyId` is empty",
        ),
        (
            good.replace(r#""aws_sigv4""#, r#""Bearer""#),
            "`tokenType` is not `aws_sigv4`",
        ),
        (
            good.replace(&format!(r#""refreshToken": "{REFRESH}","#), ""),
            "`refreshToken` is missing",
        ),
        (
            good.replace(
                r#""clientId": "arn:aws:signin:::devtools/same-device","#,
                "",
            ),
            "`clientId` is missing",
        ),
        (
            good.replace(&key, r#""not a key""#),
            "`dpopKey` is not a PEM private key",
        ),
        (good.replace(&key, "42"), "`dpopKey` is not a string"),
        (
            good.replace(r#""signInRegion": "us-west-2""#, r#""signInRegion": 7"#),
            "`signInRegion` is not a string",
        ),
        (
            r#"{"tokenType": "aws_sigv4"}"#.to_owned(),
            "`accessToken` is missing",
        ),
        (
            format!(r#"{{"accessToken": "{SECRET}"}}"#),
            "`accessToken` is not an object",
        ),
        ("[1]".to_owned(), "is not a JSON object"),
        (
            format!(r#"{{"accessToken": {{"secretAccessKey": "{SECRET}"#),
            "is not valid JSON (at byte",
        ),
    ];
    for (text, expected) in cases {
        let e = LoginToken::parse(path, text.as_bytes())
            .expect_err(expected)
            .to_string();
        assert!(
            e.contains("/cache/abc.json") && e.contains(expected),
            "expected `{expected}`, got: {e}"
        );
        assert_clean("cache error", &e);
    }
}

// ---------------------------------------------------------------------------------------------
// Loading and refreshing

#[test]
fn a_valid_token_is_served_without_a_call() {
    let (_, env) = disk("valid", &token_json(at(T0 + 900)));
    let (clock, _) = clock(T0);
    let signin = FakeSignin::new(Ok(answer()));
    let p = provider(env, &clock, signin.clone());
    let c = rt().block_on(p.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.account_id()),
        ("ASIAOLDKEY", Some("123456789012"))
    );
    assert_eq!(signin.calls(), 0);
}

#[test]
fn refresh_sends_a_verified_dpop_proof_and_writes_the_file_back_atomically_0600() {
    let (file, env) = disk("refresh", &token_json(at(T0 + 120)));
    let (clock, _) = clock(T0);
    let signin = FakeSignin::new(Ok(answer()));
    let p = provider(env.clone(), &clock, signin.clone());
    let c = rt().block_on(p.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("ASIANEWKEY", NEW_SECRET, Some(NEW_TOKEN))
    );
    assert_eq!(
        c.account_id(),
        Some("123456789012"),
        "the account id is kept"
    );
    assert_eq!(
        c.expiry(),
        Some(at(T0 + 900)),
        "now + expiresIn, by the service clock"
    );
    assert_eq!(signin.calls(), 1);

    // What was sent: the token's client id and refresh token, its sign-in region, and a proof
    // that verifies with the key of the file and claims this request at the clock's time.
    let (region, input, proof) = signin.seen.lock().unwrap()[0].clone();
    assert_eq!(region.as_deref(), Some("us-west-2"));
    assert_eq!(input.client_id, "arn:aws:signin:::devtools/same-device");
    assert_eq!(input.grant_type, "refresh_token");
    assert_eq!(input.refresh_token.as_deref(), Some(REFRESH));
    assert_clean("request Debug", &format!("{input:?} {:?}", answer()));
    let claims = verify(&proof);
    let JsonValue::Object(claims) = claims else {
        panic!()
    };
    let get = |k: &str| claims.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("htm"), Some(JsonValue::String("POST".into())));
    assert_eq!(get("htu"), Some(JsonValue::String(SIGNIN_URL.into())));
    assert_eq!(get("iat"), Some(JsonValue::Number(T0.to_string())));

    // The file now holds the new token, every other member kept.
    let written = LoginToken::parse(&file, &std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        (
            written.access_key_id.as_str(),
            written.secret_access_key.as_str()
        ),
        ("ASIANEWKEY", NEW_SECRET)
    );
    assert_eq!(written.refresh_token, NEW_REFRESH);
    assert_eq!(written.expires_at, at(T0 + 900));
    assert_eq!(written.dpop_key, AWS_CONFIG_KEY);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("\"idToken\": \"id.token.value\"") && text.contains("\"futureMember\""),
        "{text}"
    );
    assert!(text.contains(&format!("\"expiresAt\": \"{}\"", rfc3339(at(T0 + 900)))));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let others: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(others.len(), 1, "no temporary file is left: {others:?}");

    // Another provider (another process) reads the refreshed file without a call.
    let second = provider(env, &clock, signin.clone());
    assert_eq!(
        rt().block_on(second.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIANEWKEY"
    );
    assert_eq!(signin.calls(), 1);
}

#[test]
fn concurrent_callers_cause_one_refresh() {
    let (_, env) = disk("concurrent", &token_json(at(T0 + 60)));
    let (clock, _) = clock(T0);
    let mut fake = FakeSignin::new(Ok(answer()));
    Arc::get_mut(&mut fake).unwrap().delay = Duration::from_millis(50);
    let p = Arc::new(provider(env, &clock, fake.clone()));
    let keys = rt().block_on(async {
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move {
                    p.provide_credentials()
                        .await
                        .map(|c| c.access_key_id().to_owned())
                })
            })
            .collect();
        let mut keys = Vec::new();
        for t in tasks {
            keys.push(t.await.unwrap().unwrap());
        }
        keys
    });
    assert_eq!(fake.calls(), 1, "one refresh for 100 callers");
    assert!(keys.iter().all(|k| k == "ASIANEWKEY"), "{keys:?}");
}

#[test]
fn a_failed_refresh_keeps_the_valid_token_and_waits_30_s_before_the_next() {
    let (_, env) = disk("backoff", &token_json(at(T0 + 200)));
    let (clock, now) = clock(T0);
    let signin = FakeSignin::new(Err(SigninError::Service {
        code: "TooManyRequestsError".into(),
        message: "slow down".into(),
    }));
    let p = provider(env, &clock, signin.clone());
    let rt = rt();
    assert_eq!(
        rt.block_on(p.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIAOLDKEY"
    );
    assert_eq!(signin.calls(), 1);
    // Within 30 s: the valid token, no call (invalidate so the outer cache asks the loader).
    for secs in [1, 10, 29] {
        now.store(T0 + secs, Ordering::SeqCst);
        p.invalidate();
        assert_eq!(
            rt.block_on(p.provide_credentials())
                .unwrap()
                .access_key_id(),
            "ASIAOLDKEY"
        );
    }
    assert_eq!(signin.calls(), 1, "at most one attempt per 30 s");
    now.store(T0 + 31, Ordering::SeqCst);
    p.invalidate();
    rt.block_on(p.provide_credentials()).unwrap();
    assert_eq!(signin.calls(), 2);
}

#[test]
fn an_expired_token_that_cannot_be_refreshed_says_to_run_aws_login() {
    let rt = rt();
    let cases = [
        (
            SigninError::Service {
                code: "InternalServerException".into(),
                message: "try later".into(),
            },
            "InternalServerException: try later",
        ),
        (
            SigninError::AccessDenied {
                error: "TOKEN_EXPIRED".into(),
                message: "session ended".into(),
            },
            "has expired or its credentials changed",
        ),
        (
            SigninError::AccessDenied {
                error: "INSUFFICIENT_PERMISSIONS".into(),
                message: String::new(),
            },
            "signin:CreateOAuth2Token",
        ),
    ];
    for (i, (error, says)) in cases.into_iter().enumerate() {
        let (_, env) = disk(&format!("expired{i}"), &token_json(at(T0 - 1)));
        let (clock, now) = clock(T0);
        let signin = FakeSignin::new(Err(error));
        let p = provider(env, &clock, signin.clone());
        let e = rt.block_on(p.provide_credentials()).unwrap_err();
        let text = e.to_string();
        assert!(
            matches!(
                e,
                CredentialsError::ProviderError {
                    provider: "login",
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(
            text.contains("run `aws login --profile dev`") && text.contains(says),
            "{text}"
        );
        assert!(
            text.contains(&format!("expired at {}", rfc3339(at(T0 - 1)))),
            "{text}"
        );
        assert_clean("expired error", &text);
        // Asked again within 30 s: no call, the same advice.
        now.store(T0 + 5, Ordering::SeqCst);
        let again = rt
            .block_on(p.provide_credentials())
            .unwrap_err()
            .to_string();
        assert!(
            again.contains("aws login --profile dev")
                && again.contains("less than 30 s ago, failed")
                && again.contains(says),
            "{again}"
        );
        assert_eq!(signin.calls(), 1);
    }
}

#[test]
fn a_missing_file_or_bad_key_names_what_to_do() {
    let (file, env) = disk("missing", "{}");
    std::fs::remove_file(&file).unwrap();
    let (clock, _) = clock(T0);
    let p = provider(env, &clock, FakeSignin::new(Ok(answer())));
    let e = rt()
        .block_on(p.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("is not signed in")
            && e.contains(&file.display().to_string())
            && e.contains("aws login --profile dev"),
        "{e}"
    );

    // A key that cannot sign: the refresh fails naming the file and `dpopKey`.
    let broken = token_json(at(T0 - 1)).replace("MHcCAQEE", "MHcCAQEF");
    let (file, env) = disk("badkey", &broken);
    let signin = FakeSignin::new(Ok(answer()));
    let p = provider(env, &clock, signin.clone());
    let e = rt()
        .block_on(p.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&file.display().to_string()) && e.contains("`dpopKey` cannot be used"),
        "{e}"
    );
    assert_eq!(signin.calls(), 0);
    assert_clean("bad key error", &e);
}

// ---------------------------------------------------------------------------------------------
// Profiles

fn profile_env(config: &str, token: &str) -> MemoryEnv {
    MemoryEnv::new()
        .with_var("HOME", "/home/u")
        .with_file("/home/u/.aws/config", config.as_bytes().to_vec())
        .with_file(
            format!("/home/u/.aws/login/cache/{}", cache::file_name(SESSION)),
            token.as_bytes().to_vec(),
        )
}

#[test]
fn profiles_with_login_session_use_the_cached_session() {
    let config = format!("[profile dev]\nlogin_session = {SESSION}\nregion = us-east-2\n");
    let env = Arc::new(profile_env(&config, &token_json(at(T0 + 3600))));
    let (clock, _) = clock(T0);
    let sts_config = Config {
        clock,
        region: Some("us-east-2".into()),
        ..Default::default()
    };
    let p = super::super::ProfileProvider::builder()
        .profile_name("dev")
        .env(env)
        .config(sts_config)
        .build();
    let c = rt().block_on(p.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.account_id(), c.provider()),
        ("ASIAOLDKEY", Some("123456789012"), "login")
    );
}

#[test]
fn an_expired_login_source_profile_is_an_error_that_names_the_profile_to_sign_in() {
    // `login_session` as the source of a role: the role needs the session's credentials first.
    let config = format!(
        "[profile signin]\nlogin_session = {SESSION}\n[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = signin\n"
    );
    let env = Arc::new(profile_env(&config, &token_json(at(T0 - 60))));
    let (clock, _) = clock(T0);
    let sts_config = Config {
        clock,
        region: Some("us-east-1".into()),
        ..Default::default()
    };
    let p = super::super::ProfileProvider::builder()
        .profile_name("deploy")
        .env(env)
        .config(sts_config)
        .build();
    let e = rt()
        .block_on(p.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("aws login --profile signin") && e.contains("expired at"),
        "{e}"
    );
    assert_clean("chain error", &e);
}

#[test]
fn expiry_is_judged_by_the_configurations_service_clock() {
    // The token has 6 minutes left by the local clock; the client has learned that the
    // service's clock is 10 minutes ahead, so by the time that signs requests it has expired.
    let local = SystemTime::now();
    let (_, env) = disk("skew", &token_json(local + Duration::from_secs(360)));
    let clock = ServiceClock::new();
    clock.learn(local + Duration::from_secs(600), local);
    let config = Config {
        clock: clock.clone(),
        ..Default::default()
    };
    let p = LoginProvider::builder(SESSION)
        .env(env.clone())
        .config(config)
        .build();
    let e = rt()
        .block_on(p.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("expired at") && e.contains("run `aws login`"),
        "{e}"
    );
    // With the local clock alone the same file is served.
    let unskewed = LoginProvider::builder(SESSION).env(env).build();
    assert_eq!(
        rt().block_on(unskewed.provide_credentials())
            .unwrap()
            .access_key_id(),
        "ASIAOLDKEY"
    );
}

#[test]
fn the_default_chain_uses_a_selected_login_session_profile() {
    let config = format!("[profile dev]\nlogin_session = {SESSION}\n");
    let env = profile_env(
        &config,
        &token_json(SystemTime::now() + Duration::from_secs(3600)),
    )
    .with_var("AWS_PROFILE", "dev");
    let chain = super::super::DefaultCredentialsChain::builder()
        .env(Arc::new(env))
        .config(Config::default())
        .build()
        .unwrap();
    let c = rt().block_on(chain.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.account_id(), c.provider()),
        ("ASIAOLDKEY", Some("123456789012"), "login")
    );
}

#[test]
fn a_refresh_lost_to_another_process_uses_the_token_it_wrote() {
    let (file, env) = disk("race", &token_json(at(T0 - 5)));
    let (clock, _) = clock(T0);
    // The other process's refresh: a new key, valid for 15 minutes.
    let theirs = token_json(at(T0 + 900)).replace("ASIAOLDKEY", "ASIATHEIRS");
    let mut fake = FakeSignin::new(Err(SigninError::AccessDenied {
        error: "TOKEN_EXPIRED".into(),
        message: "refresh token already used".into(),
    }));
    Arc::get_mut(&mut fake).unwrap().race = Some((file, theirs));
    let p = provider(env, &clock, fake.clone());
    let c = rt().block_on(p.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.expiry()),
        ("ASIATHEIRS", Some(at(T0 + 900)))
    );
    assert_eq!(fake.calls(), 1);
}
