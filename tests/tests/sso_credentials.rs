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
fn the_default_chain_uses_the_selected_sso_profile_and_reports_a_missing_service_client() {
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

    // Without a service client the chain stops at the profile with a typed error, not a
    // fall-through to the next provider, and never a panic.
    let chain = DefaultCredentialsChain::builder()
        .env(env)
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
        text.contains("profile `dev`") && text.contains("sso:GetRoleCredentials cannot be called"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&home);
}
