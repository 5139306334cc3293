//! IAM Identity Center profiles through the default chain and role chains, with a fake
//! [`SsoApi`] for the SSO calls and a local STS for `AssumeRole`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use stsgen_config::credentials::sso::{
    CreateTokenRequest, CreateTokenResponse, GetRoleCredentialsRequest, RegisterClientRequest,
    RegisterClientResponse, RoleCredentials, SsoApi, SsoApiError, StartDeviceAuthorizationRequest,
    StartDeviceAuthorizationResponse,
};
use stsgen_config::credentials::{DefaultCredentialsChain, ProfileProvider};
use stsgen_runtime::config::{Env, MemoryEnv};
use stsgen_runtime::credentials::{CredentialsError, ProvideCredentials, ServiceClock};
use stsgen_runtime::future::BoxFuture;
use stsgen_tests::{Fault, FaultServer};

/// 2030-01-01T00:00:00Z.
const NOW: u64 = 1_893_456_000;

/// The fake SSO portal: role credentials for any valid token.
#[derive(Debug, Default)]
struct Portal(Mutex<Vec<GetRoleCredentialsRequest>>);

impl SsoApi for Portal {
    fn get_role_credentials<'a>(
        &'a self,
        region: &'a str,
        r: GetRoleCredentialsRequest,
    ) -> BoxFuture<'a, Result<RoleCredentials, SsoApiError>> {
        assert_eq!(region, "eu-west-1");
        self.0.lock().unwrap().push(r);
        Box::pin(async {
            Ok(RoleCredentials {
                access_key_id: "ASIASSOBASE".into(),
                secret_access_key: "sso-secret".into(),
                session_token: "sso-session-token".into(),
                expiration: i64::try_from((NOW + 3600) * 1000).unwrap(),
            })
        })
    }

    fn create_token<'a>(
        &'a self,
        _: &'a str,
        _: CreateTokenRequest,
    ) -> BoxFuture<'a, Result<CreateTokenResponse, SsoApiError>> {
        Box::pin(async {
            Err(SsoApiError::Transport {
                reason: "not expected".into(),
            })
        })
    }

    fn register_client<'a>(
        &'a self,
        _: &'a str,
        _: RegisterClientRequest,
    ) -> BoxFuture<'a, Result<RegisterClientResponse, SsoApiError>> {
        Box::pin(async {
            Err(SsoApiError::Transport {
                reason: "not expected".into(),
            })
        })
    }

    fn start_device_authorization<'a>(
        &'a self,
        _: &'a str,
        _: StartDeviceAuthorizationRequest,
    ) -> BoxFuture<'a, Result<StartDeviceAuthorizationResponse, SsoApiError>> {
        Box::pin(async {
            Err(SsoApiError::Transport {
                reason: "not expected".into(),
            })
        })
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

const CONFIG: &str = "[profile deploy]\nrole_arn = arn:aws:iam::999988887777:role/deploy\nsource_profile = dev\n\
                      role_session_name = from-sso\n\
                      [profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
                      [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n";

fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stsgen-sso-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
    std::fs::write(dir.join(".aws/config"), CONFIG).unwrap();
    // SHA-1 of `corp`.
    std::fs::write(
        dir.join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"accessToken":"the-access-token","expiresAt":"2030-01-01T08:00:00Z","region":"eu-west-1","startUrl":"https://corp.awsapps.com/start"}"#,
    )
    .unwrap();
    dir
}

fn assume_role_answer() -> Fault {
    Fault::xml(
        200,
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>\
<SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken>\
<Expiration>2030-01-01T01:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:from-sso</AssumedRoleId>\
<Arn>arn:aws:sts::999988887777:assumed-role/deploy/from-sso</Arn></AssumedRoleUser></AssumeRoleResult>\
<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></AssumeRoleResponse>",
    )
}

fn config(url: &str) -> sts::Config {
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(url.to_owned());
    config.clock = ServiceClock::fixed(SystemTime::UNIX_EPOCH + Duration::from_secs(NOW));
    config
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn an_sso_profile_is_the_source_of_a_role_chain() {
    let home = home("chain");
    let sts = FaultServer::start(|_, _| assume_role_answer());
    let portal = Arc::new(Portal::default());
    let env = Arc::new(FsEnv(
        MemoryEnv::new().with_var("HOME", home.to_str().unwrap()),
    ));
    let provider = ProfileProvider::builder()
        .profile_name("deploy")
        .env(env)
        .config(config(&sts.url))
        .sso_api(portal.clone())
        .build();
    let c = runtime().block_on(provider.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.session_token()),
        ("ASIAROLE", Some("role-token"))
    );
    assert_eq!(c.account_id(), Some("999988887777"));
    // The SSO portal was asked with the cached token, for the source profile's account and role.
    let asked = portal.0.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].access_token, "the-access-token");
    assert_eq!(
        (asked[0].account_id.as_str(), asked[0].role_name.as_str()),
        ("111122223333", "Dev")
    );
    // AssumeRole was signed with the SSO role credentials.
    let received = sts.received();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    assert!(
        r.body.contains("Action=AssumeRole") && r.body.contains("RoleSessionName=from-sso"),
        "{}",
        r.body
    );
    assert!(
        r.header("authorization")
            .is_some_and(|a| a.contains("Credential=ASIASSOBASE/")),
        "{:?}",
        r.headers
    );
    assert_eq!(r.header("x-amz-security-token"), Some("sso-session-token"));
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn the_default_chain_uses_the_selected_sso_profile() {
    let home = home("chain-default");
    let sts = FaultServer::start(|_, _| assume_role_answer());
    let env = Arc::new(FsEnv(
        MemoryEnv::new()
            .with_var("HOME", home.to_str().unwrap())
            .with_var("AWS_PROFILE", "dev"),
    ));
    let portal = Arc::new(Portal::default());
    let chain = DefaultCredentialsChain::builder()
        .env(env.clone())
        .config(config(&sts.url))
        .sso_api(portal)
        .build()
        .unwrap();
    let c = runtime().block_on(chain.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.account_id()),
        ("ASIASSOBASE", Some("111122223333"))
    );
    assert!(sts.received().is_empty(), "no STS call for an SSO profile");
    let _ = std::fs::remove_dir_all(&home);
}

/// A local portal as the generated `sso` client sees it (`AWS_ENDPOINT_URL_SSO`): the JSON of a
/// `GetRoleCredentials` answer, or a modeled error.
fn portal_answer(status: u16, error_type: Option<&str>, body: &str) -> Fault {
    let mut headers = vec![("Content-Type".into(), "application/json".into())];
    if let Some(t) = error_type {
        headers.push(("x-amzn-ErrorType".into(), t.into()));
    }
    Fault::Respond {
        status,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// The real HTTP path of the default [`SsoApi`](stsgen_config::credentials::sso::default_api):
/// the chain, with no fake API, sends `GetRoleCredentials` with the generated client to a
/// 127.0.0.1 portal: `GET /federation/credentials` with `role_name` and `account_id` in the
/// query and the access token in `x-amz-sso_bearer_token`, unsigned; the expiration in
/// milliseconds becomes the credentials' expiry. A 401 `UnauthorizedException` is the typed
/// `Unauthorized` error, reported with the profile and how to sign in again.
#[test]
fn the_default_api_sends_get_role_credentials_to_the_portal() {
    let home = home("chain-http");
    let expiration_ms = (NOW + 3600) * 1000;
    let portal = FaultServer::start(move |n, _| match n {
        0 => portal_answer(
            200,
            None,
            &format!(
                r#"{{"roleCredentials":{{"accessKeyId":"ASIAPORTAL","secretAccessKey":"portal-secret","sessionToken":"portal-token","expiration":{expiration_ms}}}}}"#
            ),
        ),
        _ => portal_answer(
            401,
            Some("UnauthorizedException"),
            r#"{"message":"Session token not found or invalid"}"#,
        ),
    });
    let sts = FaultServer::start(|_, _| assume_role_answer());
    let env = |profile: &str| -> Arc<dyn Env> {
        Arc::new(FsEnv(
            MemoryEnv::new()
                .with_var("HOME", home.to_str().unwrap())
                .with_var("AWS_PROFILE", profile)
                .with_var("AWS_ENDPOINT_URL_SSO", portal.url.as_str()),
        ))
    };
    let chain = DefaultCredentialsChain::builder()
        .env(env("dev"))
        .config(config(&sts.url))
        .build()
        .unwrap();
    let c = runtime().block_on(chain.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("ASIAPORTAL", "portal-secret", Some("portal-token"))
    );
    assert_eq!(c.account_id(), Some("111122223333"));
    assert_eq!(
        c.expiry(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(NOW + 3600))
    );
    assert!(sts.received().is_empty(), "the portal call is not STS's");

    let received = portal.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let r = &received[0];
    let target = r
        .request_line
        .strip_prefix("GET ")
        .and_then(|t| t.strip_suffix(" HTTP/1.1"))
        .unwrap_or_else(|| panic!("{}", r.request_line));
    let (path, query) = target.split_once('?').expect("a query");
    assert_eq!(path, "/federation/credentials");
    let mut pairs: Vec<&str> = query.split('&').collect();
    pairs.sort_unstable();
    assert_eq!(pairs, ["account_id=111122223333", "role_name=Dev"]);
    assert_eq!(r.header("x-amz-sso_bearer_token"), Some("the-access-token"));
    assert_eq!(r.header("authorization"), None, "unsigned: {:?}", r.headers);
    assert_eq!(r.header("x-amz-security-token"), None);
    assert!(r.body.is_empty(), "{}", r.body);

    // The second call is refused: the typed error, with the profile and the way out.
    let chain = DefaultCredentialsChain::builder()
        .env(env("dev"))
        .config(config(&sts.url))
        .build()
        .unwrap();
    let err = runtime().block_on(chain.provide_credentials()).unwrap_err();
    let text = err.to_string();
    assert!(
        !matches!(err, CredentialsError::NotLoaded { .. }),
        "{err:?}"
    );
    assert!(
        text.contains("profile `dev`")
            && text.contains("Unauthorized: Session token not found or invalid")
            && text.contains("sts sso-login --profile dev"),
        "{text}"
    );
    assert!(!text.contains("the-access-token"), "{text}");
    assert_eq!(portal.received().len(), 2, "a 401 is not retried");
    let _ = std::fs::remove_dir_all(&home);
}

/// The SSO-OIDC calls of the default API through the generated `ssooidc` client against a
/// 127.0.0.1 server (`AWS_ENDPOINT_URL_SSO_OIDC`): the JSON each sends, what it reads back, and
/// each modeled `CreateToken` error the device flow and the refresh act on mapped to its
/// [`SsoApiError`] variant.
#[test]
fn the_default_api_speaks_sso_oidc() {
    use stsgen_config::credentials::sso::{default_api, REFRESH_GRANT};
    let server = FaultServer::start(|n, _| match n {
        0 => portal_answer(
            200,
            None,
            r#"{"clientId":"cid","clientSecret":"csecret","clientIdIssuedAt":1893456000,"clientSecretExpiresAt":1901232000}"#,
        ),
        1 => portal_answer(
            200,
            None,
            r#"{"deviceCode":"dcode","userCode":"ABCD-EFGH","verificationUri":"https://device.sso/","verificationUriComplete":"https://device.sso/?user_code=ABCD-EFGH","expiresIn":600,"interval":1}"#,
        ),
        2 => portal_answer(
            200,
            None,
            r#"{"accessToken":"new-access","tokenType":"Bearer","expiresIn":28800,"refreshToken":"new-refresh"}"#,
        ),
        3 => portal_answer(
            400,
            Some("AuthorizationPendingException"),
            r#"{"error":"authorization_pending"}"#,
        ),
        4 => portal_answer(400, Some("SlowDownException"), r#"{"error":"slow_down"}"#),
        5 => portal_answer(
            400,
            Some("ExpiredTokenException"),
            r#"{"error":"expired_token"}"#,
        ),
        6 => portal_answer(
            400,
            Some("InvalidGrantException"),
            r#"{"error":"invalid_grant","message":"refresh token revoked"}"#,
        ),
        _ => portal_answer(
            400,
            Some("InvalidClientException"),
            r#"{"error":"invalid_client","message":"no such client"}"#,
        ),
    });
    let env: Arc<dyn Env> =
        Arc::new(MemoryEnv::new().with_var("AWS_ENDPOINT_URL_SSO_OIDC", server.url.as_str()));
    let api = default_api(&config("http://127.0.0.1:9/unused-sts"), env);
    let rt = runtime();

    let registered = rt
        .block_on(api.register_client(
            "eu-west-1",
            RegisterClientRequest {
                client_name: "stsgen".into(),
                client_type: "public".into(),
                scopes: vec!["sso:account:access".into()],
                grant_types: vec![],
            },
        ))
        .unwrap();
    assert_eq!(
        (
            registered.client_id.as_str(),
            registered.client_secret.as_str()
        ),
        ("cid", "csecret")
    );
    assert_eq!(
        (
            registered.client_id_issued_at,
            registered.client_secret_expires_at
        ),
        (Some(1_893_456_000), 1_901_232_000)
    );
    let started = rt
        .block_on(api.start_device_authorization(
            "eu-west-1",
            StartDeviceAuthorizationRequest {
                client_id: "cid".into(),
                client_secret: "csecret".into(),
                start_url: "https://corp.awsapps.com/start".into(),
            },
        ))
        .unwrap();
    assert_eq!(
        (
            started.device_code.as_str(),
            started.user_code.as_str(),
            started.expires_in,
            started.interval
        ),
        ("dcode", "ABCD-EFGH", 600, Some(1))
    );
    let refresh = CreateTokenRequest {
        client_id: "cid".into(),
        client_secret: "csecret".into(),
        grant_type: REFRESH_GRANT.into(),
        refresh_token: Some("old-refresh".into()),
        ..CreateTokenRequest::default()
    };
    let token = rt
        .block_on(api.create_token("eu-west-1", refresh.clone()))
        .unwrap();
    assert_eq!(
        (
            token.access_token.as_str(),
            token.expires_in,
            token.refresh_token.as_deref()
        ),
        ("new-access", 28800, Some("new-refresh"))
    );
    let errors: Vec<SsoApiError> = (0..5)
        .map(|_| {
            rt.block_on(api.create_token("eu-west-1", refresh.clone()))
                .unwrap_err()
        })
        .collect();
    assert_eq!(
        errors,
        [
            SsoApiError::AuthorizationPending,
            SsoApiError::SlowDown,
            SsoApiError::ExpiredToken,
            SsoApiError::Unauthorized {
                message: "refresh token revoked".into()
            },
            SsoApiError::Service {
                code: "InvalidClientException".into(),
                message: "no such client".into()
            },
        ]
    );

    let received = server.received();
    assert_eq!(received.len(), 8, "no error is retried: {received:?}");
    let lines: Vec<&str> = received[..3]
        .iter()
        .map(|r| r.request_line.as_str())
        .collect();
    assert_eq!(
        lines,
        [
            "POST /client/register HTTP/1.1",
            "POST /device_authorization HTTP/1.1",
            "POST /token HTTP/1.1"
        ]
    );
    let json = |i: usize| -> serde_json::Value { serde_json::from_str(&received[i].body).unwrap() };
    assert_eq!(
        json(0),
        serde_json::json!({"clientName": "stsgen", "clientType": "public", "scopes": ["sso:account:access"]})
    );
    assert_eq!(
        json(1),
        serde_json::json!({"clientId": "cid", "clientSecret": "csecret", "startUrl": "https://corp.awsapps.com/start"})
    );
    assert_eq!(
        json(2),
        serde_json::json!({"clientId": "cid", "clientSecret": "csecret", "grantType": "refresh_token", "refreshToken": "old-refresh"})
    );
    for r in &received {
        assert_eq!(r.header("authorization"), None, "unsigned: {:?}", r.headers);
    }
}

/// Outside an async runtime the default API sends with the generated crates' blocking clients
/// (stsgen-config's `blocking` feature, on for these tests): the same request to the portal.
#[test]
fn blocking_callers_reach_the_portal_through_the_blocking_client() {
    let home = home("blocking-http");
    let expiration_ms = (NOW + 1800) * 1000;
    let portal = FaultServer::start(move |_, _| {
        portal_answer(
            200,
            None,
            &format!(
                r#"{{"roleCredentials":{{"accessKeyId":"ASIABLOCK","secretAccessKey":"s","sessionToken":"t","expiration":{expiration_ms}}}}}"#
            ),
        )
    });
    let env: Arc<dyn Env> = Arc::new(FsEnv(
        MemoryEnv::new()
            .with_var("HOME", home.to_str().unwrap())
            .with_var("AWS_ENDPOINT_URL_SSO", portal.url.as_str()),
    ));
    let provider = ProfileProvider::builder()
        .profile_name("dev")
        .env(env)
        .config(config("http://127.0.0.1:9/unused-sts"))
        .build();
    let c = provider.provide_credentials_blocking().unwrap();
    assert_eq!(c.access_key_id(), "ASIABLOCK");
    assert_eq!(
        c.expiry(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(NOW + 1800))
    );
    let received = portal.received();
    assert_eq!(received.len(), 1);
    assert!(
        received[0]
            .request_line
            .starts_with("GET /federation/credentials?"),
        "{}",
        received[0].request_line
    );
    assert_eq!(
        received[0].header("x-amz-sso_bearer_token"),
        Some("the-access-token")
    );
    let _ = std::fs::remove_dir_all(&home);
}
