//! IAM Identity Center: profiles, the token cache, refresh and the device sign-in, against a
//! fake [`SsoApi`].

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use stsgen_runtime::config::{Env, MemoryEnv};
use stsgen_runtime::credentials::profile::SsoLink;
use stsgen_runtime::credentials::{CredentialsError, ProvideCredentials, ServiceClock};
use stsgen_runtime::future::BoxFuture;

use super::login::{SsoLogin, SsoLoginError};
use super::*;
use crate::credentials::ProfileProvider;

/// 2030-01-01T00:00:00Z.
const T0: u64 = 1_893_456_000;

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

/// A clock the test moves.
#[derive(Clone)]
struct TestClock(Arc<AtomicU64>);

impl TestClock {
    fn new() -> Self {
        TestClock(Arc::new(AtomicU64::new(T0)))
    }
    fn advance(&self, secs: u64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
    fn service(&self) -> ServiceClock {
        let now = self.0.clone();
        ServiceClock::with_local_time(move || at(now.load(Ordering::SeqCst)))
    }
}

/// Variables in memory, files on disk.
#[derive(Debug)]
struct FsEnv(MemoryEnv);

impl Env for FsEnv {
    fn var_os(&self, name: &str) -> Option<std::ffi::OsString> {
        self.0.var_os(name)
    }
    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

fn temp_home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stsgen-sso-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
    dir
}

fn env_for(home: &Path, config: &str) -> Arc<dyn Env> {
    std::fs::write(home.join(".aws/config"), config).unwrap();
    Arc::new(FsEnv(
        MemoryEnv::new().with_var("HOME", home.to_str().unwrap()),
    ))
}

const SESSION_CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
                              [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n";
const LEGACY_CONFIG: &str =
    "[profile old]\nsso_start_url = https://ssotest.awsapps.com/start\nsso_region = us-east-2\n\
                             sso_account_id = 123456789012\nsso_role_name = Admin\n";

fn session_link() -> SsoLink {
    SsoLink {
        profile: "dev".into(),
        session: Some("corp".into()),
        start_url: "https://corp.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        account_id: "111122223333".into(),
        role_name: "Dev".into(),
        registration_scopes: Vec::new(),
    }
}

fn token_json(access: &str, expires_at: u64) -> String {
    let t = |s: u64| stsgen_runtime::types::datetime::DateTime::from(at(s)).format_rfc3339();
    format!(
        r#"{{"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"{access}","expiresAt":"{}","clientId":"client-1","clientSecret":"ClientSecretMARKER","registrationExpiresAt":"{}","refreshToken":"RefreshTokenMARKER","extra":{{"kept":true}}}}"#,
        t(expires_at),
        t(T0 + 90 * 86400)
    )
}

fn write_cache(home: &Path, key: &str, body: &str) -> PathBuf {
    let env = FsEnv(MemoryEnv::new().with_var("HOME", home.to_str().unwrap()));
    let file = cache_file(&env, key).unwrap();
    std::fs::write(&file, body).unwrap();
    file
}

/// The fake service: records every call; `CreateToken` answers from a queue (then success).
#[derive(Debug, Default)]
struct Fake {
    tokens: Mutex<VecDeque<Result<CreateTokenResponse, SsoApiError>>>,
    create: Mutex<Vec<CreateTokenRequest>>,
    roles: Mutex<Vec<(String, GetRoleCredentialsRequest)>>,
    registered: Mutex<Vec<RegisterClientRequest>>,
    authorized: Mutex<Vec<StartDeviceAuthorizationRequest>>,
    delay: Duration,
    interval: Option<i32>,
    device_lifetime: i32,
}

impl Fake {
    fn with_tokens(answers: Vec<Result<CreateTokenResponse, SsoApiError>>) -> Self {
        Fake {
            tokens: Mutex::new(answers.into()),
            device_lifetime: 600,
            ..Fake::default()
        }
    }
    fn creates(&self) -> usize {
        self.create.lock().unwrap().len()
    }
}

fn issued(token: &str) -> CreateTokenResponse {
    CreateTokenResponse {
        access_token: token.into(),
        token_type: Some("Bearer".into()),
        expires_in: 3600,
        refresh_token: Some("RotatedRefreshMARKER".into()),
    }
}

impl SsoApi for Fake {
    fn get_role_credentials<'a>(
        &'a self,
        region: &'a str,
        request: GetRoleCredentialsRequest,
    ) -> BoxFuture<'a, Result<RoleCredentials, SsoApiError>> {
        self.roles
            .lock()
            .unwrap()
            .push((region.to_owned(), request));
        Box::pin(async move {
            Ok(RoleCredentials {
                access_key_id: "ASIASSO".into(),
                secret_access_key: "RoleSecretMARKER".into(),
                session_token: "RoleSessionMARKER".into(),
                expiration: i64::try_from((T0 + 3600) * 1000).unwrap(),
            })
        })
    }

    fn create_token<'a>(
        &'a self,
        _: &'a str,
        request: CreateTokenRequest,
    ) -> BoxFuture<'a, Result<CreateTokenResponse, SsoApiError>> {
        self.create.lock().unwrap().push(request);
        let answer = self
            .tokens
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| Ok(issued("RefreshedAccessMARKER")));
        let delay = self.delay;
        Box::pin(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            answer
        })
    }

    fn register_client<'a>(
        &'a self,
        _: &'a str,
        request: RegisterClientRequest,
    ) -> BoxFuture<'a, Result<RegisterClientResponse, SsoApiError>> {
        self.registered.lock().unwrap().push(request);
        Box::pin(async move {
            Ok(RegisterClientResponse {
                client_id: "client-new".into(),
                client_secret: "NewClientSecretMARKER".into(),
                client_id_issued_at: Some(i64::try_from(T0).unwrap()),
                client_secret_expires_at: i64::try_from(T0 + 90 * 86400).unwrap(),
            })
        })
    }

    fn start_device_authorization<'a>(
        &'a self,
        _: &'a str,
        request: StartDeviceAuthorizationRequest,
    ) -> BoxFuture<'a, Result<StartDeviceAuthorizationResponse, SsoApiError>> {
        let revoked = request.client_id == "client-revoked";
        self.authorized.lock().unwrap().push(request);
        Box::pin(async move {
            if revoked {
                return Err(SsoApiError::Service {
                    code: "InvalidClientException".into(),
                    message: "the client is not valid".into(),
                });
            }
            Ok(StartDeviceAuthorizationResponse {
                device_code: "DeviceCodeMARKER".into(),
                user_code: "ABCD-EFGH".into(),
                verification_uri: "https://device.sso.eu-west-1.amazonaws.com/".into(),
                verification_uri_complete: Some(
                    "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH".into(),
                ),
                expires_in: self.device_lifetime,
                interval: self.interval,
            })
        })
    }
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(f)
}

const SECRETS: [&str; 8] = [
    "ClientSecretMARKER",
    "RefreshTokenMARKER",
    "AccessMARKER",
    "RoleSecretMARKER",
    "RoleSessionMARKER",
    "DeviceCodeMARKER",
    "NewClientSecretMARKER",
    "RotatedRefreshMARKER",
];

fn assert_clean(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "leaks {s}: {text}");
    }
}

#[test]
fn cache_files_are_named_as_the_aws_cli_names_them() {
    let env = MemoryEnv::new().with_var("HOME", "/home");
    // The names in aws-config's recorded test data.
    assert_eq!(
        cache_file(&env, "dev").unwrap(),
        Path::new("/home/.aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json")
    );
    assert_eq!(
        cache_file(&env, "https://ssotest.awsapps.com/start").unwrap(),
        Path::new("/home/.aws/sso/cache/dace00cba5f8355ec9d274ceb2bcebdfbeed0e12.json")
    );
    let mut legacy = session_link();
    legacy.session = None;
    assert_eq!(cache_key(&legacy), "https://corp.awsapps.com/start");
    assert_eq!(cache_key(&session_link()), "corp");
    assert!(cache_file(&MemoryEnv::new(), "dev")
        .unwrap_err()
        .contains("HOME"));
}

#[test]
fn bad_cache_files_name_the_file_and_the_member() {
    let cases: [(&str, &str); 6] = [
        ("not json AccessMARKER", "is not valid JSON"),
        ("[1]", "holds JSON array instead of an object"),
        (
            r#"{"expiresAt":"2030-01-01T00:00:00Z"}"#,
            "has no `accessToken`",
        ),
        (r#"{"accessToken":"AccessMARKER"}"#, "has no `expiresAt`"),
        (
            r#"{"accessToken":"AccessMARKER","expiresAt":"tomorrow"}"#,
            "has `expiresAt` that is not an RFC 3339 date-time",
        ),
        (
            r#"{"accessToken":"AccessMARKER","expiresAt":"2030-01-01T00:00:00Z","refreshToken":7}"#,
            "has `refreshToken` of type number",
        ),
    ];
    for (body, want) in cases {
        let env = MemoryEnv::new().with_var("HOME", "/h").with_file(
            "/h/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
            body,
        );
        let provider = SsoTokenProvider::new(
            session_link(),
            Arc::new(env),
            Arc::new(Fake::default()),
            TestClock::new().service(),
        );
        let err = block(provider.token()).unwrap_err().to_string();
        assert!(err.contains(want), "{body}: {err}");
        assert!(
            err.contains("/h/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
            "{err}"
        );
        assert!(err.contains("sso login --profile dev"), "{err}");
        assert_clean(&err);
    }
    // Missing: names the file and says how to sign in.
    let provider = SsoTokenProvider::new(
        session_link(),
        Arc::new(MemoryEnv::new().with_var("HOME", "/h")),
        Arc::new(Fake::default()),
        ServiceClock::new(),
    );
    let err = block(provider.token()).unwrap_err().to_string();
    assert!(
        err.contains("failed to read")
            && err.contains("`aws sso login --profile dev` or `sts sso-login --profile dev`"),
        "{err}"
    );
}

#[test]
fn legacy_profiles_get_role_credentials_with_the_cached_token() {
    let home = temp_home("legacy");
    let env = env_for(&home, LEGACY_CONFIG);
    write_cache(
        &home,
        "https://ssotest.awsapps.com/start",
        &token_json("LegacyAccessMARKER", T0 + 3600),
    );
    let fake = Arc::new(Fake::default());
    let clock = TestClock::new();
    let provider = ProfileProvider::builder()
        .profile_name("old")
        .env(env)
        .config(sts::Config {
            clock: clock.service(),
            region: Some("us-east-2".into()),
            ..sts::Config::new()
        })
        .sso_api(fake.clone())
        .build();
    let c = block(provider.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key()),
        ("ASIASSO", "RoleSecretMARKER")
    );
    assert_eq!(c.account_id(), Some("123456789012"));
    assert_eq!(c.expiry(), Some(at(T0 + 3600)));
    let roles = fake.roles.lock().unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].0, "us-east-2");
    assert_eq!(roles[0].1.access_token, "LegacyAccessMARKER");
    assert_eq!(
        (
            roles[0].1.account_id.as_str(),
            roles[0].1.role_name.as_str()
        ),
        ("123456789012", "Admin")
    );
    assert_clean(&format!("{c:?} {:?} {provider:?}", roles[0].1));
    assert_eq!(fake.creates(), 0);
}

#[test]
fn legacy_tokens_are_never_refreshed_and_expired_ones_ask_to_sign_in() {
    let home = temp_home("legacy-expired");
    let env = env_for(&home, LEGACY_CONFIG);
    write_cache(
        &home,
        "https://ssotest.awsapps.com/start",
        &token_json("LegacyAccessMARKER", T0 - 1),
    );
    let fake = Arc::new(Fake::default());
    let provider = ProfileProvider::builder()
        .profile_name("old")
        .env(env)
        .config(sts::Config {
            clock: TestClock::new().service(),
            ..sts::Config::new()
        })
        .sso_api(fake.clone())
        .build();
    let err = block(provider.provide_credentials()).unwrap_err();
    assert!(
        matches!(
            err,
            CredentialsError::ProviderError {
                provider: "sso",
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("expired at 2029-12-31T23:59:59Z"), "{text}");
    assert!(
        text.contains("run `aws sso login --profile old` or `sts sso-login --profile old`"),
        "{text}"
    );
    assert_clean(&text);
    assert_eq!(fake.creates(), 0, "legacy tokens have no refresh");
}

#[test]
fn a_valid_session_token_is_used_as_it_is() {
    let home = temp_home("valid");
    let env = env_for(&home, SESSION_CONFIG);
    write_cache(&home, "corp", &token_json("SessionAccessMARKER", T0 + 3600));
    let fake = Arc::new(Fake::default());
    let provider = ProfileProvider::builder()
        .profile_name("dev")
        .env(env)
        .config(sts::Config {
            clock: TestClock::new().service(),
            ..sts::Config::new()
        })
        .sso_api(fake.clone())
        .build();
    let c = block(provider.provide_credentials()).unwrap();
    assert_eq!(c.account_id(), Some("111122223333"));
    assert_eq!(
        fake.roles.lock().unwrap()[0].1.access_token,
        "SessionAccessMARKER"
    );
    assert_eq!(fake.roles.lock().unwrap()[0].0, "eu-west-1");
    assert_eq!(fake.creates(), 0);
}

#[test]
fn a_refresh_writes_the_cache_file_back_atomically_and_privately() {
    let home = temp_home("refresh");
    let env = env_for(&home, SESSION_CONFIG);
    let file = write_cache(&home, "corp", &token_json("OldAccessMARKER", T0 + 120));
    let fake = Arc::new(Fake::default());
    let clock = TestClock::new();
    let provider =
        SsoTokenProvider::new(session_link(), env.clone(), fake.clone(), clock.service());
    let token = block(provider.token()).unwrap();
    assert_eq!(token.access_token(), "RefreshedAccessMARKER");
    assert_eq!(token.expires_at(), at(T0 + 3600));
    // One refresh grant with the file's client and refresh token.
    let create = fake.create.lock().unwrap().clone();
    assert_eq!(create.len(), 1);
    assert_eq!(create[0].grant_type, "refresh_token");
    assert_eq!(
        create[0].refresh_token.as_deref(),
        Some("RefreshTokenMARKER")
    );
    assert_eq!(
        (
            create[0].client_id.as_str(),
            create[0].client_secret.as_str()
        ),
        ("client-1", "ClientSecretMARKER")
    );
    assert_clean(&format!("{:?} {token:?}", create[0]));
    // The file now holds the new token, with the rotated refresh token and the other members.
    let written = SsoToken::parse(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written.access_token(), "RefreshedAccessMARKER");
    assert_eq!(written.refresh_token(), Some("RotatedRefreshMARKER"));
    assert_eq!(written.client_secret(), Some("ClientSecretMARKER"));
    assert_eq!(written.start_url(), Some("https://corp.awsapps.com/start"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(r#""expiresAt":"2030-01-01T01:00:00Z""#)
            && text.contains(r#""extra":{"kept":true}"#),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Written by rename: nothing else is left in the directory.
    let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // The new token is read back from the file by a fresh provider, with no refresh.
    let again = SsoTokenProvider::new(session_link(), env, fake.clone(), clock.service());
    assert_eq!(
        block(again.token()).unwrap().access_token(),
        "RefreshedAccessMARKER"
    );
    assert_eq!(fake.creates(), 1);
}

#[test]
fn a_hundred_concurrent_callers_cause_one_refresh() {
    let home = temp_home("concurrent");
    let env = env_for(&home, SESSION_CONFIG);
    write_cache(&home, "corp", &token_json("OldAccessMARKER", T0 + 60));
    let fake = Arc::new(Fake {
        delay: Duration::from_millis(50),
        ..Fake::default()
    });
    let provider = Arc::new(SsoTokenProvider::new(
        session_link(),
        env,
        fake.clone(),
        TestClock::new().service(),
    ));
    let tokens = block(async {
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let p = provider.clone();
                tokio::spawn(async move { p.token().await.map(|t| t.access_token().to_owned()) })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap().unwrap());
        }
        out
    });
    assert!(
        tokens.iter().all(|t| t == "RefreshedAccessMARKER"),
        "{tokens:?}"
    );
    assert_eq!(fake.creates(), 1);
    assert_eq!(provider.refresh_count(), 1);
}

#[test]
fn failed_refreshes_are_tried_at_most_every_30_seconds_and_the_valid_token_is_used() {
    let home = temp_home("throttle");
    let env = env_for(&home, SESSION_CONFIG);
    write_cache(
        &home,
        "corp",
        &token_json("StillValidAccessMARKER", T0 + 200),
    );
    let down = || {
        Err(SsoApiError::Transport {
            reason: "connection refused".into(),
        })
    };
    let fake = Arc::new(Fake::with_tokens(vec![down(), down(), down()]));
    let clock = TestClock::new();
    let provider = SsoTokenProvider::new(session_link(), env, fake.clone(), clock.service());
    assert_eq!(
        block(provider.token()).unwrap().access_token(),
        "StillValidAccessMARKER"
    );
    assert_eq!(fake.creates(), 1);
    clock.advance(10);
    assert_eq!(
        block(provider.token()).unwrap().access_token(),
        "StillValidAccessMARKER"
    );
    clock.advance(19);
    assert_eq!(
        block(provider.token()).unwrap().access_token(),
        "StillValidAccessMARKER"
    );
    assert_eq!(fake.creates(), 1, "no second attempt within 30 s");
    clock.advance(2);
    assert_eq!(
        block(provider.token()).unwrap().access_token(),
        "StillValidAccessMARKER"
    );
    assert_eq!(
        fake.creates(),
        2,
        "tried again 31 s after the first attempt"
    );
    // Past its expiry, with the refresh still failing: the sign-in message.
    clock.advance(200);
    let err = block(provider.token()).unwrap_err().to_string();
    assert_eq!(fake.creates(), 3);
    assert!(
        err.contains("expired at") && err.contains("sts sso-login --profile dev"),
        "{err}"
    );
    assert_clean(&err);
}

#[test]
fn expiry_is_judged_by_the_service_clock_the_client_learned() {
    let home = temp_home("skew");
    let env = env_for(&home, SESSION_CONFIG);
    // Ten minutes left by the local clock: no refresh.
    write_cache(&home, "corp", &token_json("OldAccessMARKER", T0 + 600));
    let fake = Arc::new(Fake::default());
    let clock = TestClock::new();
    let service = clock.service();
    let provider = SsoTokenProvider::new(session_link(), env, fake.clone(), service.clone());
    assert_eq!(
        block(provider.token()).unwrap().access_token(),
        "OldAccessMARKER"
    );
    assert_eq!(fake.creates(), 0);
    // The service's clock turns out to be 8 minutes ahead: two minutes left, so refresh.
    service.learn(at(T0 + 480), at(T0));
    assert_eq!(
        block(provider.token()).unwrap().access_token(),
        "RefreshedAccessMARKER"
    );
    assert_eq!(fake.creates(), 1);
}

#[test]
fn a_rejected_token_says_how_to_sign_in_again() {
    #[derive(Debug)]
    struct Rejecting;
    impl SsoApi for Rejecting {
        fn get_role_credentials<'a>(
            &'a self,
            _: &'a str,
            _: GetRoleCredentialsRequest,
        ) -> BoxFuture<'a, Result<RoleCredentials, SsoApiError>> {
            Box::pin(async {
                Err(SsoApiError::Unauthorized {
                    message: "Session token not found or invalid".into(),
                })
            })
        }
        fn create_token<'a>(
            &'a self,
            r: &'a str,
            q: CreateTokenRequest,
        ) -> BoxFuture<'a, Result<CreateTokenResponse, SsoApiError>> {
            NotWired.create_token(r, q)
        }
        fn register_client<'a>(
            &'a self,
            r: &'a str,
            q: RegisterClientRequest,
        ) -> BoxFuture<'a, Result<RegisterClientResponse, SsoApiError>> {
            NotWired.register_client(r, q)
        }
        fn start_device_authorization<'a>(
            &'a self,
            r: &'a str,
            q: StartDeviceAuthorizationRequest,
        ) -> BoxFuture<'a, Result<StartDeviceAuthorizationResponse, SsoApiError>> {
            NotWired.start_device_authorization(r, q)
        }
    }
    let env = MemoryEnv::new()
        .with_var("HOME", "/h")
        .with_file("/h/.aws/config", SESSION_CONFIG)
        .with_file(
            "/h/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
            token_json("AccessMARKER", T0 + 3600),
        );
    let provider = ProfileProvider::builder()
        .profile_name("dev")
        .env(Arc::new(env))
        .config(sts::Config {
            clock: TestClock::new().service(),
            ..sts::Config::new()
        })
        .sso_api(Arc::new(Rejecting))
        .build();
    let err = block(provider.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(err.contains("GetRoleCredentials for role Dev in account 111122223333 failed: Unauthorized: Session token not found"), "{err}");
    assert!(
        err.ends_with(
            "run `aws sso login --profile dev` or `sts sso-login --profile dev` to sign in"
        ),
        "{err}"
    );
}

#[test]
fn no_prefix_of_a_cache_file_panics_or_is_accepted() {
    let doc = token_json("AccessMARKER", T0);
    for end in 0..doc.len() - 1 {
        let r = SsoToken::parse(&doc.as_bytes()[..end]);
        assert!(r.is_err(), "prefix of {end} bytes accepted");
        assert_clean(&r.unwrap_err());
    }
    for bytes in [
        &b"\xff\xfe"[..],
        b"{\"accessToken\":{}}",
        b"{\"accessToken\":\"a\",\"expiresAt\":\"9999-99-99T99:99:99Z\"}",
        b"{\"accessToken\":\"a\",\"expiresAt\":\"UTC\"}",
    ] {
        assert!(SsoToken::parse(bytes).is_err());
    }
}

#[test]
fn the_standalone_provider_caches_role_credentials_by_the_service_clock() {
    let home = temp_home("standalone");
    let env = env_for(&home, "");
    write_cache(&home, "corp", &token_json("SessionAccessMARKER", T0 + 7200));
    let fake = Arc::new(Fake::default());
    let clock = TestClock::new();
    let provider = SsoCredentialsProvider::builder(session_link())
        .env(env)
        .api(fake.clone())
        .clock(clock.service())
        .build();
    for _ in 0..3 {
        assert_eq!(
            block(provider.provide_credentials()).unwrap().account_id(),
            Some("111122223333")
        );
    }
    assert_eq!(
        fake.roles.lock().unwrap().len(),
        1,
        "cached until 5 minutes before they expire"
    );
    // The role credentials expire at T0 + 3600: by the test clock they are due for refresh.
    clock.advance(3600 - 200);
    block(provider.provide_credentials()).unwrap();
    assert_eq!(fake.roles.lock().unwrap().len(), 2);
    assert!(provider
        .token_provider()
        .cache_file()
        .unwrap()
        .ends_with("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"));
}

#[test]
fn cache_files_of_early_aws_cli_releases_parse() {
    let t =
        SsoToken::parse(br#"{"accessToken":"AccessMARKER","expiresAt":"2019-11-14T04:05:45UTC"}"#)
            .unwrap();
    assert_eq!(t.expires_at(), at(1_573_704_345));
    let t = SsoToken::parse(
        br#"{"accessToken":"AccessMARKER","expiresAt":"2019-11-14T04:05:45.500Z","region":null}"#,
    )
    .unwrap();
    assert_eq!(
        t.expires_at(),
        at(1_573_704_345) + Duration::from_millis(500)
    );
}

#[test]
fn blocking_callers_get_sso_credentials_without_a_runtime() {
    let home = temp_home("blocking");
    let env = env_for(&home, SESSION_CONFIG);
    write_cache(&home, "corp", &token_json("SessionAccessMARKER", T0 + 3600));
    let fake = Arc::new(Fake::default());
    let provider = ProfileProvider::builder()
        .profile_name("dev")
        .env(env)
        .config(sts::Config {
            clock: TestClock::new().service(),
            ..sts::Config::new()
        })
        .sso_api(fake.clone())
        .build();
    let c = provider.provide_credentials_blocking().unwrap();
    assert_eq!(c.access_key_id(), "ASIASSO");
    assert_eq!(fake.roles.lock().unwrap().len(), 1);
}

#[test]
fn without_a_client_registration_the_token_is_not_refreshed() {
    let home = temp_home("noreg");
    let env = env_for(&home, SESSION_CONFIG);
    write_cache(
        &home,
        "corp",
        r#"{"accessToken":"AccessMARKER","expiresAt":"2030-01-01T00:01:00Z"}"#,
    );
    let fake = Arc::new(Fake::default());
    let provider = SsoTokenProvider::new(
        session_link(),
        env,
        fake.clone(),
        TestClock::new().service(),
    );
    assert_eq!(
        block(provider.token()).unwrap().access_token(),
        "AccessMARKER"
    );
    assert_eq!(fake.creates(), 0);
}

#[test]
fn with_no_service_behind_the_api_the_profile_fails_with_a_typed_error() {
    let env = MemoryEnv::new()
        .with_var("HOME", "/h")
        .with_file("/h/.aws/config", SESSION_CONFIG)
        .with_file(
            "/h/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
            token_json("AccessMARKER", T0 + 3600),
        );
    let provider = ProfileProvider::builder()
        .profile_name("dev")
        .env(Arc::new(env))
        .config(sts::Config {
            clock: TestClock::new().service(),
            ..sts::Config::new()
        })
        .sso_api(Arc::new(NotWired))
        .build();
    let err = block(provider.provide_credentials()).unwrap_err();
    assert!(
        matches!(
            err,
            CredentialsError::ProviderError {
                provider: "sso",
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("profile `dev`")
            && text.contains("sso:GetRoleCredentials cannot be called")
            && text.contains("no IAM Identity Center"),
        "{text}"
    );
    assert_clean(&text);
}

#[test]
fn debug_output_redacts_every_secret() {
    let token = SsoToken::parse(token_json("AccessMARKER", T0).as_bytes()).unwrap();
    let create = CreateTokenRequest {
        client_secret: "ClientSecretMARKER".into(),
        refresh_token: Some("RefreshTokenMARKER".into()),
        device_code: Some("DeviceCodeMARKER".into()),
        ..Default::default()
    };
    let text = format!(
        "{token:?} {create:?} {:?} {:?} {:?}",
        issued("AccessMARKER"),
        RegisterClientResponse {
            client_secret: "NewClientSecretMARKER".into(),
            ..Default::default()
        },
        StartDeviceAuthorizationResponse {
            device_code: "DeviceCodeMARKER".into(),
            ..Default::default()
        },
    );
    assert_clean(&text);
}

// ---------------------------------------------------------------------------------------------
// The device sign-in

/// Sleeps recorded, returning at once.
fn recording_sleep() -> (login::Sleep, Arc<Mutex<Vec<u64>>>) {
    let slept = Arc::new(Mutex::new(Vec::new()));
    let s = slept.clone();
    (
        Arc::new(move |d: Duration| {
            s.lock().unwrap().push(d.as_secs());
            Box::pin(async {})
        }),
        slept,
    )
}

#[test]
fn device_login_polls_through_pending_and_slow_down_then_writes_the_cache_file() {
    let home = temp_home("login");
    let env = env_for(&home, &format!("{SESSION_CONFIG}sso_registration_scopes = sso:account:access,codewhisperer:completions\n"));
    let fake = Arc::new(Fake::with_tokens(vec![
        Err(SsoApiError::AuthorizationPending),
        Err(SsoApiError::SlowDown),
        Err(SsoApiError::AuthorizationPending),
        Ok(issued("LoginAccessMARKER")),
    ]));
    let (sleep, slept) = recording_sleep();
    let clock = TestClock::new();
    let mut shown = None;
    let outcome = block(
        SsoLogin::new("dev")
            .env(env.clone())
            .api(fake.clone())
            .clock(clock.service())
            .sleep(sleep)
            .run(|p| shown = Some(p.clone())),
    )
    .unwrap();
    let shown = shown.unwrap();
    assert_eq!(shown.user_code, "ABCD-EFGH");
    assert_eq!(
        shown.verification_uri_complete.as_deref(),
        Some("https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH")
    );
    // Interval 5 s (the default), 10 s after the slow-down.
    assert_eq!(*slept.lock().unwrap(), [5, 10, 10]);
    assert_eq!(outcome.polls, 4);
    let registered = fake.registered.lock().unwrap().clone();
    assert_eq!(
        registered[0].scopes,
        ["sso:account:access", "codewhisperer:completions"]
    );
    assert_eq!(registered[0].grant_types, [DEVICE_GRANT, REFRESH_GRANT]);
    let create = fake.create.lock().unwrap().clone();
    assert!(create
        .iter()
        .all(|c| c.grant_type == DEVICE_GRANT
            && c.device_code.as_deref() == Some("DeviceCodeMARKER")));
    // The same file the AWS CLI writes, readable by the provider.
    assert_eq!(
        outcome.file,
        home.join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
    );
    let token = SsoToken::parse(&std::fs::read(&outcome.file).unwrap()).unwrap();
    assert_eq!(token.access_token(), "LoginAccessMARKER");
    assert_eq!(token.expires_at(), at(T0 + 3600));
    assert_eq!(
        (token.client_id(), token.client_secret()),
        (Some("client-new"), Some("NewClientSecretMARKER"))
    );
    assert_eq!(token.refresh_token(), Some("RotatedRefreshMARKER"));
    assert_eq!(token.registration_expires_at(), Some(at(T0 + 90 * 86400)));
    assert_eq!(
        (token.region(), token.start_url()),
        (Some("eu-west-1"), Some("https://corp.awsapps.com/start"))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&outcome.file)
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    // And the credentials provider uses it.
    let provider = ProfileProvider::builder()
        .profile_name("dev")
        .env(env)
        .config(sts::Config {
            clock: clock.service(),
            ..sts::Config::new()
        })
        .sso_api(fake.clone())
        .build();
    block(provider.provide_credentials()).unwrap();
    assert_eq!(
        fake.roles.lock().unwrap()[0].1.access_token,
        "LoginAccessMARKER"
    );
}

#[test]
fn device_login_honours_the_interval_given_and_stops_when_the_code_expires() {
    let home = temp_home("login-expired");
    let env = env_for(&home, LEGACY_CONFIG);
    let pending = || Err(SsoApiError::AuthorizationPending);
    let fake = Arc::new(Fake {
        interval: Some(7),
        device_lifetime: 20,
        ..Fake::with_tokens(vec![pending(), pending(), pending(), pending()])
    });
    let (sleep, slept) = recording_sleep();
    let err = block(
        SsoLogin::new("old")
            .env(env.clone())
            .api(fake.clone())
            .sleep(sleep)
            .run(|_| {}),
    )
    .unwrap_err();
    assert!(matches!(err, SsoLoginError::Expired { .. }), "{err:?}");
    assert_eq!(
        *slept.lock().unwrap(),
        [7, 7],
        "a third wait would pass the 20 s lifetime"
    );
    // Legacy profiles register with neither scopes nor grants.
    assert!(fake.registered.lock().unwrap()[0].scopes.is_empty());

    // The service saying the code expired ends it too; other errors are reported as they are.
    let fake = Arc::new(Fake::with_tokens(vec![
        pending(),
        Err(SsoApiError::ExpiredToken),
    ]));
    let (sleep, _) = recording_sleep();
    let err = block(
        SsoLogin::new("old")
            .env(env.clone())
            .api(fake)
            .sleep(sleep)
            .run(|_| {}),
    )
    .unwrap_err();
    assert!(
        matches!(err, SsoLoginError::Expired { waited } if waited == Duration::from_secs(5)),
        "{err:?}"
    );
    let denied = SsoApiError::Service {
        code: "AccessDeniedException".into(),
        message: "denied".into(),
    };
    let fake = Arc::new(Fake::with_tokens(vec![Err(denied)]));
    let (sleep, _) = recording_sleep();
    let err = block(
        SsoLogin::new("old")
            .env(env)
            .api(fake)
            .sleep(sleep)
            .run(|_| {}),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "sso-oidc CreateToken failed: AccessDeniedException: denied"
    );
    let written: Vec<_> = std::fs::read_dir(home.join(".aws/sso/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    // The client registration only (the AWS CLI's key for this legacy profile), no token file.
    assert_eq!(
        written,
        ["3b33676cce8902f0a8845b91a3f4d2fbbf1e58ef.json"],
        "no token file after failed sign-ins"
    );
}

#[test]
fn device_login_needs_sso_settings_and_reports_conflicts() {
    let home = temp_home("login-bad");
    let env = env_for(&home, "[profile plain]\nregion = eu-west-1\n[profile clash]\nsso_session = s\nsso_region = us-east-1\n[sso-session s]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n");
    let (sleep, _) = recording_sleep();
    let login = |p: &str| {
        block(
            SsoLogin::new(p)
                .env(env.clone())
                .api(Arc::new(Fake::default()))
                .sleep(sleep.clone())
                .run(|_| {}),
        )
    };
    let err = login("plain").unwrap_err().to_string();
    assert!(
        err.contains("profile `plain`: has no IAM Identity Center settings"),
        "{err}"
    );
    let err = login("clash").unwrap_err().to_string();
    assert!(
        err.starts_with("profile `clash`: sso_region `us-east-1`") && err.contains("`eu-west-1`"),
        "{err}"
    );
    let err = login("missing").unwrap_err().to_string();
    assert_eq!(err, "profile `missing`: does not exist");
    // An API with no service behind it: a typed error naming the operation.
    let err = block(
        SsoLogin::new("clash")
            .env(env.clone())
            .api(Arc::new(NotWired))
            .run(|_| {}),
    )
    .unwrap_err();
    assert!(matches!(err, SsoLoginError::Profile { .. }));
    std::fs::write(home.join(".aws/config"), SESSION_CONFIG).unwrap();
    let err = block(
        SsoLogin::new("dev")
            .env(env)
            .api(Arc::new(NotWired))
            .run(|_| {}),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            SsoLoginError::Api {
                operation: "RegisterClient",
                error: SsoApiError::NotWired { .. }
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The sign-in as the AWS CLI does it: the shared client registration, sso-session sign-ins,
// the refresh of what it wrote, bounded and cancellable polling, sign-out

use super::login::{logout, CancelLogin, ClientRegistration, RegistrationKey};

/// `RegistrationKey::hash` of [`SESSION_CONFIG`]'s session without scopes, as the AWS CLI
/// computes it (CPython `json.dumps(sort_keys=True)` + SHA-1).
const SESSION_REGISTRATION: &str = "a5ef4a75f83137c047e4ff336d1dade82162017b.json";

fn registration_file(home: &Path) -> PathBuf {
    home.join(".aws/sso/cache").join(SESSION_REGISTRATION)
}

fn login(env: &Arc<dyn Env>, fake: &Arc<Fake>, clock: &TestClock) -> login::LoginOutcome {
    let (sleep, _) = recording_sleep();
    block(
        SsoLogin::new("dev")
            .env(env.clone())
            .api(fake.clone())
            .clock(clock.service())
            .sleep(sleep)
            .run(|_| {}),
    )
    .unwrap()
}

#[test]
fn the_client_registration_is_cached_where_the_aws_cli_caches_it_and_reused() {
    let home = temp_home("login-registration");
    let env = env_for(&home, SESSION_CONFIG);
    let clock = TestClock::new();
    let fake = Arc::new(Fake::with_tokens(vec![]));
    let first = login(&env, &fake, &clock);
    assert!(!first.registration_reused);
    assert_eq!(fake.registered.lock().unwrap().len(), 1);
    // The AWS CLI's file name and members, private.
    let file = registration_file(&home);
    let cached = ClientRegistration::parse(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        (cached.client_id.as_str(), cached.client_secret.as_str()),
        ("client-new", "NewClientSecretMARKER")
    );
    assert_eq!(cached.expires_at, at(T0 + 90 * 86400));
    assert_eq!(
        cached.scopes.as_deref(),
        Some(&[DEFAULT_SCOPE_TEXT.to_owned()][..])
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // A second sign-in (a day later) registers nothing.
    clock.advance(86400);
    let second = login(&env, &fake, &clock);
    assert!(second.registration_reused);
    assert_eq!(fake.registered.lock().unwrap().len(), 1);
    assert_eq!(fake.authorized.lock().unwrap()[1].client_id, "client-new");

    // The AWS CLI's own registration file (its spacing, its early `UTC` suffix) is used as is.
    std::fs::write(
        &file,
        r#"{"clientId": "client-cli", "clientSecret": "ClientSecretMARKER", "expiresAt": "2030-03-01T00:00:00UTC", "scopes": ["sso:account:access"]}"#,
    )
    .unwrap();
    let third = login(&env, &fake, &clock);
    assert!(third.registration_reused);
    assert_eq!(fake.authorized.lock().unwrap()[2].client_id, "client-cli");
    let token = SsoToken::parse(&std::fs::read(&third.file).unwrap()).unwrap();
    assert_eq!(
        (token.client_id(), token.client_secret()),
        (Some("client-cli"), Some("ClientSecretMARKER"))
    );
    assert_eq!(
        token.registration_expires_at(),
        Some(at(T0 + (31 + 28) * 86400))
    );

    // Registered anew: one expiring in less than 15 minutes, one made for the authorization
    // code flow, a malformed file, and one the service no longer accepts (once).
    let registrations = [
        r#"{"clientId": "client-cli", "clientSecret": "s", "expiresAt": "2030-01-02T00:14:59Z"}"#,
        r#"{"clientId": "client-cli", "clientSecret": "s", "expiresAt": "2030-03-01T00:00:00Z", "grantTypes": ["authorization_code", "refresh_token"]}"#,
        "{\"clientId\": ",
        r#"{"clientId": "client-revoked", "clientSecret": "s", "expiresAt": "2030-03-01T00:00:00Z"}"#,
    ];
    for (i, body) in registrations.into_iter().enumerate() {
        std::fs::write(&file, body).unwrap();
        let outcome = login(&env, &fake, &clock);
        assert!(!outcome.registration_reused, "{body}");
        assert_eq!(fake.registered.lock().unwrap().len(), 2 + i, "{body}");
        let cached = ClientRegistration::parse(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(cached.client_id, "client-new", "rewritten after {body}");
    }
    let authorized = fake.authorized.lock().unwrap();
    let last: Vec<_> = authorized[authorized.len() - 2..]
        .iter()
        .map(|r| r.client_id.as_str())
        .collect();
    assert_eq!(last, ["client-revoked", "client-new"]);
}

/// `sso_registration_scopes` as written in the session.
const DEFAULT_SCOPE_TEXT: &str = login::DEFAULT_SCOPE;

#[test]
fn configured_scopes_are_registered_and_name_the_registration_file() {
    let home = temp_home("login-scopes");
    let env = env_for(
        &home,
        &format!("{SESSION_CONFIG}sso_registration_scopes = sso:account:access, codewhisperer:completions,\n"),
    );
    let fake = Arc::new(Fake::with_tokens(vec![]));
    login(&env, &fake, &TestClock::new());
    let scopes = [
        "sso:account:access".to_owned(),
        "codewhisperer:completions".to_owned(),
    ];
    assert_eq!(fake.registered.lock().unwrap()[0].scopes, scopes);
    let key = RegistrationKey {
        start_url: "https://corp.awsapps.com/start",
        region: "eu-west-1",
        scopes: Some(&scopes),
        session_name: Some("corp"),
    };
    assert_eq!(key.hash(), "fcf5105fbf212147d15f21cc4d92849758c69211");
    let cached = home
        .join(".aws/sso/cache")
        .join("fcf5105fbf212147d15f21cc4d92849758c69211.json");
    let cached = ClientRegistration::parse(&std::fs::read(cached).unwrap()).unwrap();
    assert_eq!(cached.scopes.as_deref(), Some(&scopes[..]));
    assert!(!registration_file(&home).exists());
}

#[test]
fn a_session_signs_in_without_a_profile() {
    let home = temp_home("login-session");
    let env = env_for(
        &home,
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
         [sso-session half]\nsso_region = eu-west-1\n",
    );
    let fake = Arc::new(Fake::with_tokens(vec![]));
    let (sleep, _) = recording_sleep();
    let session = |name: &str| {
        block(
            SsoLogin::for_session(name)
                .env(env.clone())
                .api(fake.clone())
                .sleep(sleep.clone())
                .run(|_| {}),
        )
    };
    let outcome = session("corp").unwrap();
    assert_eq!(outcome.session.as_deref(), Some("corp"));
    assert_eq!(outcome.start_url, "https://corp.awsapps.com/start");
    // The file the `dev` profile of SESSION_CONFIG reads (SHA-1 of `corp`).
    assert_eq!(
        outcome.file,
        home.join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
    );
    assert_eq!(
        fake.registered.lock().unwrap()[0].grant_types,
        [DEVICE_GRANT, REFRESH_GRANT]
    );
    assert_eq!(
        session("nope").unwrap_err().to_string(),
        "sso-session `nope`: has no [sso-session] section in the config file"
    );
    let err = session("half").unwrap_err();
    assert!(matches!(err, SsoLoginError::Session { .. }), "{err:?}");
    assert_eq!(err.to_string(), "sso-session `half`: has no sso_start_url");
}

#[test]
fn the_provider_refreshes_the_token_the_sign_in_wrote() {
    let home = temp_home("login-refresh");
    let env = env_for(&home, SESSION_CONFIG);
    let clock = TestClock::new();
    let fake = Arc::new(Fake::with_tokens(vec![Err(
        SsoApiError::AuthorizationPending,
    )]));
    let outcome = login(&env, &fake, &clock);
    assert_eq!(outcome.expires_at, at(T0 + 3600));
    // A minute before the access token expires the provider refreshes it with what the
    // sign-in wrote: the refresh token and the client registration.
    clock.advance(3600 - 60);
    let provider = ProfileProvider::builder()
        .profile_name("dev")
        .env(env)
        .config(sts::Config {
            clock: clock.service(),
            ..sts::Config::new()
        })
        .sso_api(fake.clone())
        .build();
    block(provider.provide_credentials()).unwrap();
    let create = fake.create.lock().unwrap().clone();
    let refresh = create.last().unwrap();
    assert_eq!(refresh.grant_type, REFRESH_GRANT);
    assert_eq!(
        refresh.refresh_token.as_deref(),
        Some("RotatedRefreshMARKER")
    );
    assert_eq!(
        (refresh.client_id.as_str(), refresh.client_secret.as_str()),
        ("client-new", "NewClientSecretMARKER")
    );
    assert_eq!(
        fake.roles.lock().unwrap()[0].1.access_token,
        "RefreshedAccessMARKER"
    );
    let token = SsoToken::parse(&std::fs::read(&outcome.file).unwrap()).unwrap();
    assert_eq!(token.access_token(), "RefreshedAccessMARKER");
    assert_eq!(token.expires_at(), at(T0 + 3600 - 60 + 3600));
}

#[test]
fn a_pre_approved_device_gets_its_token_without_a_prompt() {
    let home = temp_home("login-approved");
    let env = env_for(&home, SESSION_CONFIG);
    let fake = Arc::new(Fake::with_tokens(vec![]));
    let (sleep, slept) = recording_sleep();
    let mut prompted = false;
    let outcome = block(
        SsoLogin::new("dev")
            .env(env)
            .api(fake)
            .sleep(sleep)
            .run(|_| prompted = true),
    )
    .unwrap();
    assert_eq!(outcome.polls, 1);
    assert!(!prompted);
    assert!(slept.lock().unwrap().is_empty());
}

/// A fake whose `CreateToken` never stops answering "pending".
fn always_pending(device_lifetime: i32, interval: Option<i32>) -> Arc<Fake> {
    Arc::new(Fake {
        device_lifetime,
        interval,
        ..Fake::with_tokens(
            (0..100_000)
                .map(|_| Err(SsoApiError::AuthorizationPending))
                .collect(),
        )
    })
}

#[test]
fn polling_is_bounded_by_the_device_code_the_clock_and_max_wait() {
    let home = temp_home("login-bounded");
    let env = env_for(&home, SESSION_CONFIG);

    // A stopped clock and instant sleeps: the waits alone end it when the code expires.
    let fake = always_pending(600, Some(5));
    let (sleep, slept) = recording_sleep();
    let err = block(
        SsoLogin::new("dev")
            .env(env.clone())
            .api(fake.clone())
            .clock(ServiceClock::fixed(at(T0)))
            .sleep(sleep)
            .run(|_| {}),
    )
    .unwrap_err();
    assert!(
        matches!(err, SsoLoginError::Expired { waited } if waited == Duration::from_secs(600)),
        "{err:?}"
    );
    assert_eq!(slept.lock().unwrap().len(), 120);
    assert_eq!(fake.creates(), 121);

    // Slow calls: each 5 s wait takes 10 s by the clock, which ends it after 60 waits.
    let fake = always_pending(600, Some(5));
    let clock = TestClock::new();
    let ticking = clock.clone();
    let err = block(
        SsoLogin::new("dev")
            .env(env.clone())
            .api(fake.clone())
            .clock(clock.service())
            .sleep(Arc::new(move |d: Duration| {
                ticking.advance(2 * d.as_secs());
                Box::pin(async {})
            }))
            .run(|_| {}),
    )
    .unwrap_err();
    assert!(
        matches!(err, SsoLoginError::Expired { waited } if waited == Duration::from_secs(600)),
        "{err:?}"
    );
    assert_eq!(fake.creates(), 61);

    // max_wait ends it before the code expires; a code without a lifetime lives 600 s.
    let fake = always_pending(0, None);
    let (sleep, _) = recording_sleep();
    let err = block(
        SsoLogin::new("dev")
            .env(env.clone())
            .api(fake.clone())
            .sleep(sleep.clone())
            .clock(ServiceClock::fixed(at(T0)))
            .max_wait(Duration::from_secs(60))
            .run(|_| {}),
    )
    .unwrap_err();
    assert!(
        matches!(err, SsoLoginError::TimedOut { waited } if waited == Duration::from_secs(60)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "gave up waiting for the device authorization to be approved after 60 s; sign in again"
    );
    let fake = always_pending(0, None);
    let mut shown = None;
    let err = block(
        SsoLogin::new("dev")
            .env(env)
            .api(fake)
            .sleep(sleep)
            .clock(ServiceClock::fixed(at(T0)))
            .run(|p| shown = Some(p.expires_in)),
    )
    .unwrap_err();
    assert!(
        matches!(err, SsoLoginError::Expired { waited } if waited == Duration::from_secs(600)),
        "{err:?}"
    );
    assert_eq!(shown, Some(login::DEFAULT_DEVICE_LIFETIME));
}

#[test]
fn a_cancelled_sign_in_ends_at_once_and_writes_no_token() {
    let home = temp_home("login-cancel");
    let env = env_for(&home, SESSION_CONFIG);
    let token_file = home.join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");

    // Cancelled from another thread while it waits (with a wait that would never end).
    let cancel = CancelLogin::new();
    let fake = always_pending(600, Some(5));
    let canceller = cancel.clone();
    let result = block(async {
        let login = SsoLogin::new("dev")
            .env(env.clone())
            .api(fake.clone())
            .sleep(Arc::new(|_| Box::pin(std::future::pending())))
            .cancel_with(cancel.clone());
        let run = login.run(move |_| {
            std::thread::spawn(move || canceller.cancel());
        });
        // A guard against a hang, not a measure of speed.
        tokio::time::timeout(Duration::from_secs(300), run).await
    });
    let err = result.expect("cancelling ends the wait").unwrap_err();
    assert!(matches!(err, SsoLoginError::Cancelled), "{err:?}");
    assert_eq!(err.to_string(), "the sign-in was cancelled");
    assert!(cancel.is_cancelled());
    assert_eq!(fake.creates(), 1);
    assert!(!token_file.exists());

    // Cancelled before it starts: no token either.
    let fake = always_pending(600, Some(5));
    let err = block(
        SsoLogin::new("dev")
            .env(env)
            .api(fake)
            .cancel_with(cancel)
            .run(|_| {}),
    )
    .unwrap_err();
    assert!(matches!(err, SsoLoginError::Cancelled), "{err:?}");
    assert!(!token_file.exists());
}

/// Runs a future on this thread without any runtime (the waker unparks the thread).
fn block_without_runtime<F: std::future::Future>(f: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let std::task::Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

#[test]
fn without_a_runtime_the_default_waits_still_end_and_can_be_cancelled() {
    let home = temp_home("login-no-runtime");
    let env = env_for(&home, SESSION_CONFIG);
    // The default wait ends under no runtime at all, and in a tokio runtime without its time
    // driver (where tokio's own timer would panic).
    block_without_runtime((login::default_sleep())(Duration::from_millis(10)));
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async { (login::default_sleep())(Duration::from_millis(10)).await });
    // A wait of an hour, cancelled from another thread.
    let fake = Arc::new(Fake {
        interval: Some(3600),
        device_lifetime: 7200,
        ..Fake::with_tokens(vec![Err(SsoApiError::AuthorizationPending)])
    });
    let cancel = CancelLogin::new();
    let canceller = cancel.clone();
    let err = block_without_runtime(
        SsoLogin::new("dev")
            .env(env)
            .api(fake)
            .max_wait(Duration::from_secs(7200))
            .cancel_with(cancel)
            .run(move |_| {
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    canceller.cancel();
                });
            }),
    )
    .unwrap_err();
    assert!(matches!(err, SsoLoginError::Cancelled), "{err:?}");
}

#[test]
fn signing_out_removes_the_cached_tokens_and_keeps_the_registrations() {
    let home = temp_home("login-logout");
    let env = env_for(&home, SESSION_CONFIG);
    let fake = Arc::new(Fake::with_tokens(vec![]));
    let outcome = login(&env, &fake, &TestClock::new());
    let other = write_cache(
        &home,
        "https://other.awsapps.com/start",
        &token_json("AccessMARKER", T0),
    );
    let notes = home.join(".aws/sso/cache/notes.json");
    std::fs::write(&notes, "not json").unwrap();
    let mut expected = vec![outcome.file.clone(), other];
    expected.sort();
    assert_eq!(logout(&*env).unwrap(), expected);
    assert!(!outcome.file.exists());
    assert!(registration_file(&home).exists());
    assert!(notes.exists());
    assert!(logout(&*env).unwrap().is_empty());
    std::fs::remove_dir_all(home.join(".aws/sso")).unwrap();
    assert!(logout(&*env).unwrap().is_empty());
}
