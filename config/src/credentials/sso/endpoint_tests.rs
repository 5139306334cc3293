//! The generated clients behind [`default_api`]: where each call goes (the service-specific
//! endpoint settings, in the SDKs' order) against a 127.0.0.1 server, and inputs the model
//! refuses reported as [`SsoApiError::InvalidRequest`] without a request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use stsgen_runtime::client::{HttpClient, HttpResponse};
use stsgen_runtime::config::{Env, MemoryEnv};
use stsgen_runtime::error::{TransportError, TransportErrorKind};
use stsgen_runtime::future::BoxFuture;

use super::*;

const ROLE_BODY: &str = r#"{"roleCredentials":{"accessKeyId":"ASIAPORTAL","secretAccessKey":"portal-secret","sessionToken":"portal-token","expiration":1893459600000}}"#;
const TOKEN_BODY: &str = r#"{"accessToken":"new-access","tokenType":"Bearer","expiresIn":3600}"#;

/// A one-thread HTTP/1.1 server on 127.0.0.1: answers `n` requests with 200 and the JSON of
/// `GetRoleCredentials` or `CreateToken` (by the path), and returns the request targets it saw.
fn serve(n: usize) -> (String, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let mut targets = Vec::new();
        for stream in listener.incoming().take(n) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let target = line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let mut len = 0;
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        len = v.trim().parse().unwrap();
                    }
                }
            }
            let mut rest = vec![0; len];
            reader.read_exact(&mut rest).unwrap();
            let body = if target.contains("/federation/credentials") {
                ROLE_BODY
            } else {
                TOKEN_BODY
            };
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
            targets.push(target);
        }
        targets
    });
    (url, thread)
}

fn config() -> Config {
    let mut config = Config::new();
    config.http_client = Some(crate::credentials::local_only::transport());
    // STS's own endpoint: never used for IAM Identity Center.
    config.endpoint_url = Some("http://127.0.0.1:9/sts".into());
    config.retry.max_attempts = 1;
    config.timeouts.attempt = Some(Duration::from_secs(10));
    config
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn role_request(token: &str) -> GetRoleCredentialsRequest {
    GetRoleCredentialsRequest {
        access_token: token.into(),
        account_id: "111122223333".into(),
        role_name: "Dev".into(),
    }
}

fn refresh_request() -> CreateTokenRequest {
    CreateTokenRequest {
        client_id: "client".into(),
        client_secret: "client-secret".into(),
        grant_type: REFRESH_GRANT.into(),
        refresh_token: Some("refresh".into()),
        ..Default::default()
    }
}

/// A profile `dev` with every file-borne endpoint setting (its `[services]` entries with the
/// path prefixes `/services-sso` and `/services-oidc`, its `endpoint_url` with `/profile`), and
/// `other` (the selected profile in the tests) with `/other`.
fn files(url: &str, services: bool) -> String {
    let section = if services {
        format!(
            "services = local\n[services local]\nsso =\n  endpoint_url = {url}/services-sso\n\
             sso_oidc =\n  endpoint_url = {url}/services-oidc\n"
        )
    } else {
        String::new()
    };
    format!("[profile dev]\nendpoint_url = {url}/profile\n{section}[profile other]\nendpoint_url = {url}/other\n")
}

fn env_with(config_file: &str, vars: &[(&str, String)]) -> Arc<dyn Env> {
    let mut env = MemoryEnv::new()
        .with_var("AWS_CONFIG_FILE", "/mem/config")
        .with_var("AWS_SHARED_CREDENTIALS_FILE", "/mem/credentials")
        .with_var("AWS_PROFILE", "other")
        .with_file("/mem/config", config_file.as_bytes().to_vec());
    for (k, v) in vars {
        env = env.with_var(*k, v.as_str());
    }
    Arc::new(env)
}

/// Each source, alone above the ones below it, decides where the portal and SSO-OIDC calls go:
/// `AWS_ENDPOINT_URL_SSO` / `_SSO_OIDC`, then `AWS_ENDPOINT_URL`, then the profile's
/// `[services]` entry (`sso`, `sso_oidc`), then the profile's `endpoint_url`; the profile is
/// the one the API is made for (`dev`), not the selected one (`other`), which [`default_api`]
/// uses.
#[test]
fn each_endpoint_source_wins_over_the_ones_below_it_in_the_sdks_order() {
    let (url, server) = serve(10);
    let service_vars = vec![
        ("AWS_ENDPOINT_URL_SSO", format!("{url}/env-sso")),
        ("AWS_ENDPOINT_URL_SSO_OIDC", format!("{url}/env-oidc")),
        ("AWS_ENDPOINT_URL", format!("{url}/env-global")),
    ];
    let global_var = vec![("AWS_ENDPOINT_URL", format!("{url}/env-global"))];
    let cases = [
        (
            "service variables",
            true,
            service_vars,
            Some("dev"),
            "/env-sso",
            "/env-oidc",
        ),
        (
            "global variable",
            true,
            global_var,
            Some("dev"),
            "/env-global",
            "/env-global",
        ),
        (
            "services section",
            true,
            vec![],
            Some("dev"),
            "/services-sso",
            "/services-oidc",
        ),
        (
            "profile endpoint_url",
            false,
            vec![],
            Some("dev"),
            "/profile",
            "/profile",
        ),
        ("selected profile", false, vec![], None, "/other", "/other"),
    ];
    let mut expected = Vec::new();
    for (what, services, vars, profile, sso_prefix, oidc_prefix) in cases {
        let env = env_with(&files(&url, services), &vars);
        let api = match profile {
            Some(p) => default_api_for_profile(&config(), env, p),
            None => default_api(&config(), env),
        };
        let rt = rt();
        let c = rt
            .block_on(api.get_role_credentials("us-east-1", role_request("the-token")))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(c.access_key_id, "ASIAPORTAL", "{what}");
        let t = rt
            .block_on(api.create_token("us-east-1", refresh_request()))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(t.access_token, "new-access", "{what}");
        expected.push(format!("{sso_prefix}/federation/credentials"));
        expected.push(format!("{oidc_prefix}/token"));
    }
    let seen: Vec<String> = server
        .join()
        .unwrap()
        .into_iter()
        .map(|t| t.split('?').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(seen, expected);
}

/// A transport that records the URL of each request and fails it (no request leaves).
#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<String>>);

impl HttpClient for Recorder {
    fn send(
        &self,
        request: stsgen_runtime::http::Request<Vec<u8>>,
        _max_body: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.0.lock().unwrap().push(request.uri().to_string());
        Box::pin(async {
            Err(TransportError::new(
                TransportErrorKind::Connect,
                "recorded, not sent",
            ))
        })
    }
}

/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or the profile's
/// `ignore_configured_endpoint_urls = true`) turns every configured endpoint off: the calls go
/// to the services' own regional endpoints.
#[test]
fn ignoring_configured_endpoints_turns_all_sources_off() {
    let url = "http://127.0.0.1:9";
    let all = vec![
        ("AWS_ENDPOINT_URL_SSO", format!("{url}/env-sso")),
        ("AWS_ENDPOINT_URL_SSO_OIDC", format!("{url}/env-oidc")),
        ("AWS_ENDPOINT_URL", format!("{url}/env-global")),
    ];
    let mut by_env = all.clone();
    by_env.push(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true".into()));
    let by_profile = files(url, true).replace(
        "[profile dev]\n",
        "[profile dev]\nignore_configured_endpoint_urls = true\n",
    );
    for (what, env) in [
        ("environment", env_with(&files(url, true), &by_env)),
        ("profile", env_with(&by_profile, &all)),
    ] {
        let recorder = Arc::new(Recorder::default());
        let mut config = config();
        config.http_client = Some(recorder.clone());
        let api = default_api_for_profile(&config, env, "dev");
        let rt = rt();
        let e = rt
            .block_on(api.get_role_credentials("eu-west-1", role_request("the-token")))
            .unwrap_err();
        assert!(matches!(e, SsoApiError::Transport { .. }), "{what}: {e:?}");
        rt.block_on(api.create_token("eu-west-1", refresh_request()))
            .unwrap_err();
        let seen = recorder.0.lock().unwrap().clone();
        assert_eq!(seen.len(), 2, "{what}: {seen:?}");
        assert!(
            seen[0]
                .starts_with("https://portal.sso.eu-west-1.amazonaws.com/federation/credentials"),
            "{what}: {seen:?}"
        );
        assert_eq!(
            seen[1], "https://oidc.eu-west-1.amazonaws.com/token",
            "{what}"
        );
    }
}

/// An input the model refuses (an access token with a line break cannot be sent in the
/// `x-amz-sso_bearer_token` header) is `InvalidRequest`, naming the operation and the member
/// but not the token, and nothing is sent (or retried).
#[test]
fn a_refused_input_is_an_invalid_request_without_a_request() {
    let recorder = Arc::new(Recorder::default());
    let mut config = config();
    config.retry.max_attempts = 3;
    config.http_client = Some(recorder.clone());
    let env: Arc<dyn Env> =
        Arc::new(MemoryEnv::new().with_var("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9/sso"));
    let api = default_api(&config, env);
    let e = rt()
        .block_on(api.get_role_credentials("us-east-1", role_request("SECRET\r\nTOKEN")))
        .unwrap_err();
    match &e {
        SsoApiError::InvalidRequest { operation, reason } => {
            assert_eq!(*operation, "sso:GetRoleCredentials");
            assert!(reason.contains("accessToken"), "{reason}");
        }
        other => panic!("not InvalidRequest: {other:?}"),
    }
    let text = e.to_string();
    assert!(
        text.contains("sso:GetRoleCredentials") && text.contains("accessToken"),
        "{text}"
    );
    assert!(
        !text.contains("SECRET") && !text.contains("TOKEN\""),
        "{text}"
    );
    assert!(!format!("{e:?}").contains("SECRET"), "{e:?}");
    assert!(recorder.0.lock().unwrap().is_empty(), "nothing was sent");
}

/// Through a profile provider for `dev` (no fake API): the portal call goes where `dev`'s
/// `[services]` entry says, not where the selected profile (`other`) points.
#[test]
fn a_profile_providers_sso_link_uses_its_own_profiles_endpoint() {
    let (url, server) = serve(1);
    let files = format!(
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
         services = local\n[services local]\nsso =\n  endpoint_url = {url}/dev-sso\n\
         [profile other]\nendpoint_url = {url}/other\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
    );
    let base = MemoryEnv::new().with_var("HOME", "/mem");
    let token_file = cache_file(&base, "corp").unwrap();
    let env: Arc<dyn Env> = Arc::new(
        base.with_var("AWS_PROFILE", "other")
            .with_file("/mem/.aws/config", files.into_bytes())
            .with_file(
                token_file,
                r#"{"accessToken":"the-access-token","expiresAt":"2030-01-01T08:00:00Z","region":"eu-west-1","startUrl":"https://corp.awsapps.com/start"}"#,
            ),
    );
    let mut config = config();
    config.clock = stsgen_runtime::credentials::ServiceClock::fixed(
        std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_456_000),
    );
    let provider = crate::credentials::ProfileProvider::builder()
        .profile_name("dev")
        .env(env)
        .config(config)
        .build();
    let c = rt()
        .block_on(stsgen_runtime::credentials::ProvideCredentials::provide_credentials(&provider))
        .unwrap();
    assert_eq!(c.access_key_id(), "ASIAPORTAL");
    let seen = server.join().unwrap();
    assert!(
        seen[0].starts_with("/dev-sso/federation/credentials?"),
        "{seen:?}"
    );
}
