//! End-to-end tests of the credential providers (`stsgen_config::credentials`) and presigning against the
//! moto servers of `e2e_moto.rs` (a submodule of it, to share its set-up): profile files with
//! `role_arn`/`source_profile` chains, web identity with a token file, `credential_process`
//! running the `sts` example, and presigned URLs compared byte for byte with botocore's.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sts::runtime::config::MemoryEnv;
use sts::runtime::credentials::{Credentials, ProvideCredentials};
use stsgen_config::credentials::{DefaultCredentialsChain, ProfileProvider, WebIdentityProvider};

use super::{checked, rt, unchecked, Key, ACCOUNT, FIRST_SESSION, REGION};

/// A config for `url` with credentials from `provider`.
fn client_with(url: &str, provider: impl ProvideCredentials + 'static) -> sts::Client {
    let mut config = sts::Config::new();
    config.endpoint_url = Some(url.to_owned());
    config.region = Some(REGION.to_owned());
    config.credentials = Some(Arc::new(provider));
    sts::Client::new(config).expect("a client")
}

fn caller_arn(client: &sts::Client) -> String {
    let out = rt()
        .block_on(client.get_caller_identity().send())
        .expect("GetCallerIdentity");
    out.arn().expect("an ARN").to_owned()
}

/// Profile files in memory: `base` holds alice's keys; `first` assumes the first role with
/// them; `second` assumes the second role with `first`'s credentials.
fn profiles(url: &str, alice: &Key, extra: &str) -> MemoryEnv {
    let c = checked();
    let config = format!(
        "[profile first]\nrole_arn = {first}\nsource_profile = base\nrole_session_name = {FIRST_SESSION}\n\
         region = {REGION}\nendpoint_url = {url}\n\n\
         [profile second]\nrole_arn = {second}\nsource_profile = first\nrole_session_name = e2e-second-session\n\
         region = {REGION}\nendpoint_url = {url}\n\n{extra}",
        first = c.first_role_arn,
        second = c.second_role_arn,
    );
    let credentials = format!(
        "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        alice.id, alice.secret
    );
    MemoryEnv::new()
        .with_var("HOME", "/home/e2e")
        .with_file("/home/e2e/.aws/config", config)
        .with_file("/home/e2e/.aws/credentials", credentials)
}

#[test]
#[ignore = "needs the moto servers `cargo xtask test` starts"]
fn a_profile_with_role_arn_and_source_profile_assumes_the_role() {
    let c = checked();
    let env = Arc::new(profiles(&c.url, &c.alice, ""));
    let provider = ProfileProvider::builder()
        .env(env)
        .profile_name("first")
        .build();
    let arn = caller_arn(&client_with(&c.url, provider));
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/{FIRST_SESSION}")
    );
}

#[test]
#[ignore = "needs the moto servers `cargo xtask test` starts"]
fn a_two_hop_profile_chain_reaches_the_second_role() {
    let c = checked();
    let env = Arc::new(profiles(&c.url, &c.alice, "").with_var("AWS_PROFILE", "second"));
    // Through the default chain: no environment keys, then the profile.
    let chain = DefaultCredentialsChain::builder()
        .env(env)
        .build()
        .expect("a chain");
    let arn = caller_arn(&client_with(&c.url, chain));
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-second/e2e-second-session")
    );
}

#[test]
#[ignore = "needs the moto servers `cargo xtask test` starts"]
fn the_web_identity_provider_reads_its_token_file() {
    let u = unchecked();
    let env = MemoryEnv::new()
        .with_var("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks/token")
        .with_var("AWS_ROLE_ARN", u.web_role_arn.clone())
        .with_var("AWS_ROLE_SESSION_NAME", "e2e-irsa")
        .with_file(
            "/var/run/secrets/eks/token",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlMmUifQ.c2lnbmF0dXJl\n",
        );
    let mut config = sts::Config::new();
    config.endpoint_url = Some(u.url.clone());
    config.region = Some(REGION.to_owned());
    let provider =
        WebIdentityProvider::from_env_with(Arc::new(env), Some(config)).expect("a provider");
    let creds = rt()
        .block_on(provider.provide_credentials())
        .expect("web identity credentials");
    assert!(creds.session_token().is_some_and(|t| !t.is_empty()));
    let left = creds
        .expiry()
        .expect("an expiry")
        .duration_since(SystemTime::now())
        .expect("in the future");
    assert!(left > Duration::from_secs(600), "{left:?}");
}

#[test]
#[ignore = "needs the moto servers `cargo xtask test` starts"]
fn credential_process_output_of_the_example_feeds_the_profile_provider() {
    let c = checked();
    let binary = stsgen_tests::sts_binary();
    // The example reads real files: write the same profiles to a temporary directory.
    let dir = std::env::temp_dir().join(format!("stsgen-e2e-process-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (config_path, credentials_path) = (dir.join("config"), dir.join("credentials"));
    std::fs::write(&config_path, "").unwrap();
    std::fs::write(
        &credentials_path,
        format!(
            "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            c.alice.id, c.alice.secret
        ),
    )
    .unwrap();
    let command = format!(
        "env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_PROFILE AWS_CONFIG_FILE={} AWS_SHARED_CREDENTIALS_FILE={} \
         {} --profile base --endpoint-url {} --region {REGION} --output credential-process assume-role \
         --role-arn {} --role-session-name {FIRST_SESSION}",
        config_path.display(),
        credentials_path.display(),
        binary.display(),
        c.url,
        c.first_role_arn,
    );
    let extra = format!("[profile proc]\ncredential_process = {command}\n");
    let env = Arc::new(profiles(&c.url, &c.alice, &extra));
    let provider = ProfileProvider::builder()
        .env(env)
        .profile_name("proc")
        .build();
    let creds: Credentials = rt()
        .block_on(provider.provide_credentials())
        .expect("credentials from the process");
    assert!(creds.access_key_id().starts_with("ASIA"), "{creds:?}");
    assert!(
        creds.expiry().is_some(),
        "the process printed an Expiration"
    );
    let arn = caller_arn(&client_with(&c.url, provider));
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/{FIRST_SESSION}")
    );
}

/// botocore's presigned URL for the same credentials, region, time and headers (botocore is
/// installed in moto's virtualenv).
fn botocore_presign(
    region: &str,
    expires: u64,
    cluster: Option<&str>,
    token: Option<&str>,
) -> String {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("a parent")
        .to_path_buf();
    let python = root.join("target/moto-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: `cargo xtask test` installs moto (and botocore) there",
        python.display()
    );
    let script = r#"
import datetime, sys
from unittest import mock
import botocore.session
region, expires, cluster, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
session = botocore.session.get_session()
session.set_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token or None)
client = session.create_client("sts", region_name=region)
if cluster:
    def add_header(request, **kwargs):
        request.headers["x-k8s-aws-id"] = cluster
    client.meta.events.register("before-sign.sts.GetCallerIdentity", add_header)
fixed = datetime.datetime(2026, 11, 23, 8, 0, 0)
class Frozen(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return fixed
    @classmethod
    def now(cls, tz=None):
        return fixed.replace(tzinfo=tz) if tz else fixed
with mock.patch("botocore.auth.datetime.datetime", Frozen):
    print(client.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=expires, HttpMethod="GET"))
"#;
    let out = std::process::Command::new(python)
        .args([
            "-c",
            script,
            region,
            &expires.to_string(),
            cluster.unwrap_or(""),
            token.unwrap_or(""),
        ])
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_STS")
        .env_remove("AWS_STS_REGIONAL_ENDPOINTS")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "botocore failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
#[ignore = "needs the virtualenv `cargo xtask test` installs"]
fn presigned_urls_and_eks_tokens_match_botocore_byte_for_byte() {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_420_800); // 2026-11-23T08:00:00Z
    for (region, token) in [
        ("us-west-2", Some("FQoGZXIvYXdzEXAMPLE/TOKEN+=")),
        ("eu-central-1", None),
        ("us-east-1", None),
    ] {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
            None,
            "test",
        );
        let mut config = sts::Config::new();
        config.region = Some(region.to_owned());
        let options =
            stsgen_config::presign::PresignOptions::new(Duration::from_secs(900)).time(at);
        let ours = stsgen_config::presign::get_caller_identity_url(&config, &creds, &options)
            .expect("presigned");
        assert_eq!(
            ours,
            botocore_presign(region, 900, None, token),
            "GetCallerIdentity URL in {region}"
        );

        let eks = stsgen_config::presign::eks_token(&config, &creds, "e2e-cluster", Some(at))
            .expect("an EKS token");
        let options = stsgen_config::presign::PresignOptions::new(Duration::from_secs(60))
            .header("x-k8s-aws-id", "e2e-cluster")
            .time(at);
        let url = stsgen_config::presign::get_caller_identity_url(&config, &creds, &options)
            .expect("presigned");
        let theirs = botocore_presign(region, 60, Some("e2e-cluster"), token);
        assert_eq!(url, theirs, "EKS URL in {region}");
        let encoded = eks.token().strip_prefix("k8s-aws-v1.").expect("the prefix");
        let std_b64: String = encoded
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        let padded = format!("{std_b64}{}", "=".repeat((4 - std_b64.len() % 4) % 4));
        let decoded = sts::runtime::types::wire::decode_base64(&padded).expect("base64url");
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            theirs,
            "EKS token in {region}"
        );
    }
}

/// A local stand-in for the container endpoint and IMDS (the services only exist on AWS),
/// handing out the temporary credentials of the first role, assumed as alice (moto checks
/// what they sign).
fn metadata_stand_in(c: &super::Checked) -> stsgen_tests::FaultServer {
    let (client, _) = super::sts_client(&c.url, Some(&c.alice));
    let out = rt()
        .block_on(
            client
                .assume_role()
                .role_arn(&c.first_role_arn)
                .role_session_name(FIRST_SESSION)
                .send(),
        )
        .expect("AssumeRole e2e-first as alice");
    let key = Key::from_sts(out.credentials().expect("credentials"));
    let doc = format!(
        r#"{{"Code":"Success","AccessKeyId":"{}","SecretAccessKey":"{}","Token":"{}","Expiration":"2099-01-01T00:00:00Z","AccountId":"{ACCOUNT}"}}"#,
        key.id,
        key.secret,
        key.token.unwrap_or_default()
    );
    let respond = |body: &str| stsgen_tests::Fault::Respond {
        status: 200,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    };
    stsgen_tests::FaultServer::start(move |_, r| {
        if r.request_line.starts_with("PUT /latest/api/token ") {
            respond("e2e-imds-token")
        } else if r
            .request_line
            .starts_with("GET /latest/meta-data/iam/security-credentials/ ")
        {
            respond("e2e-instance-role")
        } else {
            respond(&doc)
        }
    })
}

#[test]
#[ignore = "needs the moto servers `cargo xtask test` starts"]
fn credential_source_ecs_container_assumes_the_role_with_the_container_credentials() {
    let c = checked();
    let stand_in = metadata_stand_in(c);
    // The container has the first role; the profile assumes the second with it.
    let extra = format!(
        "[profile ecs]\nrole_arn = {}\ncredential_source = EcsContainer\nrole_session_name = e2e-second-session\n\
         region = {REGION}\nendpoint_url = {}\n",
        c.second_role_arn, c.url
    );
    let env = profiles(&c.url, &c.alice, &extra)
        .with_var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/v1/credentials", stand_in.url),
        )
        .with_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "e2e-pod-token");
    let provider = ProfileProvider::builder()
        .env(Arc::new(env))
        .profile_name("ecs")
        .build();
    let arn = caller_arn(&client_with(&c.url, provider));
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-second/e2e-second-session")
    );
    assert_eq!(
        stand_in.received()[0].header("authorization"),
        Some("e2e-pod-token")
    );
}

#[test]
#[ignore = "needs the moto servers `cargo xtask test` starts"]
fn the_default_chain_signs_with_instance_metadata_credentials() {
    let c = checked();
    let stand_in = metadata_stand_in(c);
    let env = MemoryEnv::new()
        .with_var("HOME", "/home/none")
        .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", stand_in.url.as_str());
    let chain = DefaultCredentialsChain::builder()
        .env(Arc::new(env))
        .build()
        .expect("a chain");
    let arn = caller_arn(&client_with(&c.url, chain));
    assert_eq!(
        arn,
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/{FIRST_SESSION}")
    );
    assert_eq!(stand_in.requests(), 3, "token, role name, role credentials");
}
