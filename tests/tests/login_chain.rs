//! Console sign-in (`login_session`) as the source of a role: the profile chain signs
//! `AssumeRole` with the credentials of the `aws login` cache, against a local STS stand-in.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use stsgen_config::credentials::ProfileProvider;
use stsgen_runtime::config::MemoryEnv;
use stsgen_runtime::credentials::ProvideCredentials;
use stsgen_tests::{Fault, FaultServer, Received};

const SESSION: &str = "arn:aws:iam::123456789012:user/Admin";

fn assume_role_answer(_: usize, r: &Received) -> Fault {
    if !r.body.contains("Action=AssumeRole") {
        return Fault::xml(
            400,
            "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>",
        );
    }
    Fault::xml(
        200,
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>\
<SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken>\
<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>\
<Arn>arn:aws:sts::210987654321:assumed-role/deploy/s</Arn></AssumedRoleUser></AssumeRoleResult>\
<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></AssumeRoleResponse>",
    )
}

fn token(expires: SystemTime) -> String {
    let key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBMB/RwQERsVoqWRQG4zK8CnaAa5dfrpbm+9tFdBh3z4oAoGCCqGSM49\n\
AwEHoUQDQgAEWb1VLi1EA2hJaTz4yYuxSELvY+1GAfL+8rUTCAdiFid87Bf6GY+s\n2+1RpqDv0RpZiDIMCrZrsAh+RK9S3QCaGA==\n\
-----END EC PRIVATE KEY-----\n";
    format!(
        r#"{{"accessToken": {{"accessKeyId": "ASIALOGIN", "secretAccessKey": "login-secret", "sessionToken": "login-token",
"accountId": "123456789012", "expiresAt": "{}"}}, "tokenType": "aws_sigv4", "refreshToken": "r",
"clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": {}}}"#,
        stsgen_runtime::DateTime::from(expires).format_rfc3339(),
        stsgen_runtime::json::quote(key)
    )
}

#[test]
fn a_login_session_source_profile_signs_the_role_request() {
    let server = FaultServer::start(assume_role_answer);
    let env = MemoryEnv::new()
        .with_var("HOME", "/h")
        .with_file(
            "/h/.aws/config",
            format!(
                "[profile signin]\nlogin_session = {SESSION}\n\
                 [profile deploy]\nrole_arn = arn:aws:iam::210987654321:role/deploy\nsource_profile = signin\n"
            ),
        )
        .with_file(
            format!("/h/.aws/login/cache/{}.json", stsgen_runtime::sigv4::sha256_hex(SESSION.as_bytes())),
            token(SystemTime::now() + Duration::from_secs(3600)),
        );
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(server.url.clone());
    let provider = ProfileProvider::builder()
        .profile_name("deploy")
        .env(Arc::new(env))
        .config(config)
        .build();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let creds = rt.block_on(provider.provide_credentials()).unwrap();
    assert_eq!(
        (creds.access_key_id(), creds.account_id()),
        ("ASIAROLE", Some("210987654321"))
    );
    let received = server.received();
    assert_eq!(received.len(), 1);
    let auth = received[0]
        .header("authorization")
        .expect("a signed AssumeRole");
    assert!(
        auth.contains("Credential=ASIALOGIN/"),
        "signed with the sign-in session's key: {auth}"
    );
    assert_eq!(
        received[0].header("x-amz-security-token"),
        Some("login-token")
    );
}
