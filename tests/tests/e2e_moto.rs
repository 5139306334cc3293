//! End-to-end tests: the generated client against a local moto server over real HTTP.
//!
//! `cargo xtask test` starts two moto servers on 127.0.0.1 and runs these tests with
//! `--ignored`, passing their URLs in `STSGEN_MOTO_URL` (this file switches signature and IAM
//! policy checking on there) and `STSGEN_MOTO_NOAUTH_URL` (checking stays off, for the
//! unsigned `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML`: moto cannot check some
//! requests and not others). A plain `cargo test` lists them as ignored; run with
//! `--ignored` but without the variables, they fail rather than pass vacuously.
//!
//! Set-up (users, keys, roles, policies, identity providers) goes through moto's IAM API as
//! SigV4-signed awsQuery calls made with the runtime's own pieces, while checking is still off;
//! moto routes a request by the service in its credential scope, so set-up calls are signed
//! for `iam` even though moto does not check them yet. Then `POST /moto-api/reset-auth` with
//! body `0` turns checking on, after which only the keys created here are accepted.
//!
//! The `sts` command runs against the checking server too: `cargo xtask test` builds it and
//! passes its path in `STSGEN_STS_BIN`; without that the test builds it.
//!
//! `via_proxy` runs the clients through a recording HTTP proxy to the checking server.
//!
//! Facts of moto 5.x the assertions rely on: the account is 123456789012; a trust policy's
//! AWS principal is compared with the caller's ARN as a string, so a role that another role's
//! session may assume names that session's ARN; `GetSessionToken` and `GetFederationToken`
//! hand out fixed example keys; it checks neither clock skew nor expiry.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use sts::runtime::client::transport::HttpsClient;
use sts::runtime::client::{HttpClient, HttpResponse};
use sts::runtime::credentials::Credentials;
use sts::runtime::credentials::StaticCredentials;
use sts::runtime::error::TransportError;
use sts::runtime::future::BoxFuture;
use sts::runtime::http;
use sts::runtime::protocol::aws_query::{form_request, QueryWriter};
use sts::runtime::sigv4::{sign_request, SigningParams};
use sts::runtime::xml::XmlReader;
use sts::{Client, Config, RequestId as _};

/// Credential providers and presigning end to end (shares this file's set-up).
mod credentials_e2e;
/// The async and blocking clients through an HTTP proxy (shares this file's set-up).
mod via_proxy;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const IAM_VERSION: &str = "2010-05-08";

// ---------------------------------------------------------------------------------------------
// Servers and clients
// ---------------------------------------------------------------------------------------------

fn server_url(var: &str) -> String {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => v.trim().trim_end_matches('/').to_owned(),
        _ => panic!("{var} is not set: the end-to-end tests run against the moto servers that `cargo xtask test` starts"),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// One request as it left the client.
#[derive(Debug, Clone)]
struct Seen {
    method: http::Method,
    uri: String,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

/// Records every request, then sends it on over the default transport.
#[derive(Debug)]
struct Capture {
    inner: HttpsClient,
    seen: Mutex<Vec<Seen>>,
}

impl Capture {
    fn new() -> Arc<Capture> {
        let inner = HttpsClient::new(Some(Duration::from_secs(5))).expect("the default transport");
        Arc::new(Capture {
            inner,
            seen: Mutex::default(),
        })
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl HttpClient for Capture {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        max_body: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.seen.lock().unwrap().push(Seen {
            method: request.method().clone(),
            uri: request.uri().to_string(),
            headers: request.headers().clone(),
            body: request.body().clone(),
        });
        self.inner.send(request, max_body)
    }
}

/// A key pair, with the session token of temporary credentials.
#[derive(Clone)]
struct Key {
    id: String,
    secret: String,
    token: Option<String>,
}

impl Key {
    fn from_sts(c: &sts::types::Credentials) -> Key {
        Key {
            id: c.access_key_id().to_owned(),
            secret: c.secret_access_key().to_owned(),
            token: Some(c.session_token().to_owned()),
        }
    }
}

/// The generated client for `url`, signing with `key` (unsigned-only without one), recording
/// what it sends.
fn sts_client(url: &str, key: Option<&Key>) -> (Client, Arc<Capture>) {
    let capture = Capture::new();
    let mut config = Config::new();
    config.endpoint_url = Some(url.to_owned());
    config.region = Some(REGION.to_owned());
    config.credentials = key.map(|k| {
        Arc::new(StaticCredentials::new(
            k.id.clone(),
            k.secret.clone(),
            k.token.clone(),
        )) as sts::runtime::credentials::SharedCredentialsProvider
    });
    config.http_client = Some(capture.clone());
    config.app_name = Some("stsgen-e2e".to_owned());
    (Client::new(config).expect("a client"), capture)
}

fn header<'a>(seen: &'a Seen, name: &str) -> Option<&'a str> {
    seen.headers
        .get(name)
        .map(|v| v.to_str().expect("an ASCII header"))
}

/// The request was SigV4-signed for `sts` in us-east-1 with this key id.
fn assert_signed_for_sts(seen: &Seen, key_id: &str) {
    let auth = header(seen, "authorization")
        .unwrap_or_else(|| panic!("no authorization header on {seen:?}"));
    assert!(
        auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={key_id}/")),
        "{auth}"
    );
    assert!(
        auth.contains(&format!("/{REGION}/sts/aws4_request, SignedHeaders=")),
        "{auth}"
    );
    assert!(
        header(seen, "x-amz-date").is_some(),
        "no x-amz-date on {seen:?}"
    );
}

/// The request carried nothing that signs or identifies a caller.
fn assert_unsigned(seen: &Seen) {
    for name in [
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
    ] {
        assert!(
            seen.headers.get(name).is_none(),
            "unsigned request carried `{name}`: {:?}",
            seen.headers
        );
    }
    assert_eq!(seen.method, http::Method::POST);
    assert_eq!(
        header(seen, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
}

fn secs_from_now(t: sts::primitives::DateTime) -> i64 {
    t.unix_timestamp() - sts::primitives::DateTime::now_utc().unix_timestamp()
}

/// `expiration` is `expected` seconds from now, give or take two minutes.
fn assert_expires_in(expiration: sts::primitives::DateTime, expected: i64) {
    let left = secs_from_now(expiration);
    assert!(
        (expected - 120..=expected + 120).contains(&left),
        "expires in {left} s, expected about {expected} s"
    );
}

// ---------------------------------------------------------------------------------------------
// Set-up through moto's IAM API and its control API
// ---------------------------------------------------------------------------------------------

/// Sends a request, panicking unless the answer is 2xx.
async fn send_ok(http: &HttpsClient, request: http::Request<Vec<u8>>, what: &str) -> Vec<u8> {
    let response = http
        .send(request, 10 << 20)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    if !(200..300).contains(&response.status) {
        panic!(
            "{what}: HTTP {}: {}",
            response.status,
            String::from_utf8_lossy(&response.body)
        );
    }
    response.body
}

/// `POST {url}{path}` with a `text/plain` body (moto's control API).
async fn moto_api(http: &HttpsClient, url: &str, path: &str, body: &str) {
    let request = http::Request::post(format!("{url}{path}"))
        .header("content-type", "text/plain")
        .body(body.as_bytes().to_vec())
        .expect("a request");
    send_ok(http, request, &format!("POST {path}")).await;
}

/// One IAM awsQuery call, signed for `iam` (moto routes by it) with a throwaway key (moto does
/// not check while checking is off); returns the response body.
async fn iam(http: &HttpsClient, url: &str, action: &str, params: &[(&str, &str)]) -> Vec<u8> {
    let mut query = QueryWriter::new(action, IAM_VERSION);
    for (k, v) in params {
        query.string(k, v);
    }
    let mut request = form_request("POST", &format!("{url}/"), query.finish(), &[]);
    let host = request.uri().authority().expect("a host").to_string();
    request.headers_mut().insert(
        http::header::HOST,
        http::HeaderValue::from_str(&host).unwrap(),
    );
    let creds = Credentials::new(
        "AKIAE2ESETUP00000000",
        "set-up-secret-that-moto-does-not-check",
        None,
        None,
        "e2e set-up",
    );
    let params = SigningParams::new(REGION, "iam", SystemTime::now());
    let body = request.body().clone();
    sign_request(&mut request, &body, &creds, &params).expect("signing a set-up call");
    send_ok(http, request, &format!("IAM {action}")).await
}

/// The text of the element at `path` below the root of an XML document.
fn xml_text(body: &[u8], path: &[&str]) -> String {
    let find = || -> Option<String> {
        let mut r = XmlReader::new(body).ok()?;
        let mut tag = r.root().ok()?;
        for name in path {
            loop {
                let child = r.next_child(&tag).ok()??;
                if child.name() == *name {
                    tag = child;
                    break;
                }
                r.skip(&child).ok()?;
            }
        }
        Some(r.read_text(&tag).ok()?.trim().to_owned())
    };
    find().unwrap_or_else(|| panic!("no {} in {}", path.join("/"), String::from_utf8_lossy(body)))
}

/// Creates a user with an inline policy and an access key; returns its ARN, id and key.
async fn create_user_with_key(
    http: &HttpsClient,
    url: &str,
    name: &str,
    policy: &str,
) -> (String, String, Key) {
    let body = iam(http, url, "CreateUser", &[("UserName", name)]).await;
    let arn = xml_text(&body, &["CreateUserResult", "User", "Arn"]);
    let user_id = xml_text(&body, &["CreateUserResult", "User", "UserId"]);
    iam(
        http,
        url,
        "PutUserPolicy",
        &[
            ("UserName", name),
            ("PolicyName", "e2e"),
            ("PolicyDocument", policy),
        ],
    )
    .await;
    let body = iam(http, url, "CreateAccessKey", &[("UserName", name)]).await;
    let id = xml_text(
        &body,
        &["CreateAccessKeyResult", "AccessKey", "AccessKeyId"],
    );
    let secret = xml_text(
        &body,
        &["CreateAccessKeyResult", "AccessKey", "SecretAccessKey"],
    );
    (
        arn,
        user_id,
        Key {
            id,
            secret,
            token: None,
        },
    )
}

async fn create_role(http: &HttpsClient, url: &str, name: &str, trust: &str) -> (String, String) {
    let body = iam(
        http,
        url,
        "CreateRole",
        &[("RoleName", name), ("AssumeRolePolicyDocument", trust)],
    )
    .await;
    (
        xml_text(&body, &["CreateRoleResult", "Role", "Arn"]),
        xml_text(&body, &["CreateRoleResult", "Role", "RoleId"]),
    )
}

/// What the checking server holds.
struct Checked {
    url: String,
    alice_arn: String,
    alice_id: String,
    alice: Key,
    mallory_arn: String,
    mallory: Key,
    first_role_arn: String,
    first_role_id: String,
    second_role_arn: String,
}

const FIRST_SESSION: &str = "e2e-first-session";

/// Sets up the checking server once per test run: wipes moto's state, creates the users,
/// keys, roles and policies with checking off, then switches checking on.
fn checked() -> &'static Checked {
    static CHECKED: OnceLock<Checked> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let url = server_url("STSGEN_MOTO_URL");
        rt().block_on(async {
            let http = HttpsClient::new(Some(Duration::from_secs(5))).unwrap();
            // A rerun against the same server starts from scratch, with checking off.
            moto_api(&http, &url, "/moto-api/reset", "").await;
            moto_api(&http, &url, "/moto-api/reset-auth", "inf").await;

            let alice_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:GetSessionToken","sts:GetFederationToken","sts:GetAccessKeyInfo"],"Resource":"*"}]}"#;
            let (alice_arn, alice_id, alice) = create_user_with_key(&http, &url, "alice", alice_policy).await;
            // mallory may ask for federation tokens but is explicitly denied session tokens, and
            // no role trusts her.
            let mallory_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","sts:AssumeRole"],"Resource":"*"},{"Effect":"Deny","Action":"sts:GetSessionToken","Resource":"*"}]}"#;
            let (mallory_arn, _, mallory) = create_user_with_key(&http, &url, "mallory", mallory_policy).await;

            let trust_alice = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{alice_arn}"}},"Action":"sts:AssumeRole"}}]}}"#
            );
            let (first_role_arn, first_role_id) = create_role(&http, &url, "e2e-first", &trust_alice).await;
            // AWS matches a session against its role's ARN; moto compares the session's ARN.
            let first_session_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/{FIRST_SESSION}");
            let trust_first = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":["{first_role_arn}","{first_session_arn}"]}},"Action":"sts:AssumeRole"}}]}}"#
            );
            let (second_role_arn, _) = create_role(&http, &url, "e2e-second", &trust_first).await;
            let first_role_policy = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{second_role_arn}"}}]}}"#
            );
            iam(&http, &url, "PutRolePolicy", &[("RoleName", "e2e-first"), ("PolicyName", "chain"), ("PolicyDocument", &first_role_policy)]).await;

            moto_api(&http, &url, "/moto-api/reset-auth", "0").await;
            Checked { url, alice_arn, alice_id, alice, mallory_arn, mallory, first_role_arn, first_role_id, second_role_arn }
        })
    })
}

/// What the non-checking server holds.
struct Unchecked {
    url: String,
    web_role_arn: String,
    oidc_provider_arn: String,
    saml_role_arn: String,
    saml_provider_arn: String,
}

const SAML_METADATA: &str = r#"<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://localhost:3000/"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://localhost:3000/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>"#;

fn unchecked() -> &'static Unchecked {
    static UNCHECKED: OnceLock<Unchecked> = OnceLock::new();
    UNCHECKED.get_or_init(|| {
        let url = server_url("STSGEN_MOTO_NOAUTH_URL");
        rt().block_on(async {
            let http = HttpsClient::new(Some(Duration::from_secs(5))).unwrap();
            moto_api(&http, &url, "/moto-api/reset", "").await;
            moto_api(&http, &url, "/moto-api/reset-auth", "inf").await;

            let body = iam(
                &http,
                &url,
                "CreateOpenIDConnectProvider",
                &[
                    ("Url", "https://oidc.e2e.test"),
                    ("ClientIDList.member.1", "sts.amazonaws.com"),
                    ("ThumbprintList.member.1", "0123456789abcdef0123456789abcdef01234567"),
                ],
            )
            .await;
            let oidc_provider_arn = xml_text(&body, &["CreateOpenIDConnectProviderResult", "OpenIDConnectProviderArn"]);
            let web_trust = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{oidc_provider_arn}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}}"#
            );
            let (web_role_arn, _) = create_role(&http, &url, "e2e-web", &web_trust).await;

            let body = iam(&http, &url, "CreateSAMLProvider", &[("Name", "e2e-idp"), ("SAMLMetadataDocument", SAML_METADATA)]).await;
            let saml_provider_arn = xml_text(&body, &["CreateSAMLProviderResult", "SAMLProviderArn"]);
            let saml_trust = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{saml_provider_arn}"}},"Action":"sts:AssumeRoleWithSAML"}}]}}"#
            );
            let (saml_role_arn, _) = create_role(&http, &url, "e2e-saml", &saml_trust).await;
            Unchecked { url, web_role_arn, oidc_provider_arn, saml_role_arn, saml_provider_arn }
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Signed operations, checked
// ---------------------------------------------------------------------------------------------

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn get_caller_identity_returns_the_iam_users_arn() {
    let s = checked();
    let (client, capture) = sts_client(&s.url, Some(&s.alice));
    let out = rt()
        .block_on(client.get_caller_identity().send())
        .expect("GetCallerIdentity as alice");
    assert_eq!(out.arn(), Some(s.alice_arn.as_str()));
    assert_eq!(
        out.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT}:user/alice").as_str())
    );
    assert_eq!(out.account(), Some(ACCOUNT));
    assert_eq!(out.user_id(), Some(s.alice_id.as_str()));
    assert!(
        out.request_id().is_some_and(|id| !id.is_empty()),
        "no request id in {out:?}"
    );

    let seen = capture.requests();
    assert_eq!(seen.len(), 1, "one attempt");
    assert_signed_for_sts(&seen[0], &s.alice.id);
    assert_eq!(seen[0].uri, format!("{}/", s.url));
    assert!(header(&seen[0], "x-amz-security-token").is_none());
    assert_eq!(
        String::from_utf8_lossy(&seen[0].body),
        "Action=GetCallerIdentity&Version=2011-06-15"
    );
    assert!(header(&seen[0], "user-agent")
        .is_some_and(|ua| ua.starts_with("stsgen/") && ua.ends_with(" app/stsgen-e2e")));
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn assume_role_credentials_call_get_caller_identity_as_the_role() {
    // Every character the model allows besides letters and digits: moto must decode what the
    // form encoding sent, and echoes it back in the ARN.
    const SESSION: &str = "e2e+assume=1,a.b@c-d";
    let s = checked();
    let rt = rt();
    let (alice, capture) = sts_client(&s.url, Some(&s.alice));
    let out = rt
        .block_on(
            alice
                .assume_role()
                .role_arn(&s.first_role_arn)
                .role_session_name(SESSION)
                .duration_seconds(900)
                .send(),
        )
        .expect("AssumeRole as alice");
    let session_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/{SESSION}");
    let user = out.assumed_role_user().expect("AssumedRoleUser");
    assert_eq!(user.arn(), session_arn);
    assert_eq!(
        user.assumed_role_id(),
        format!("{}:{SESSION}", s.first_role_id)
    );
    let sent = String::from_utf8(capture.requests()[0].body.clone()).unwrap();
    assert!(
        sent.contains("&RoleSessionName=e2e%2Bassume%3D1%2Ca.b%40c-d"),
        "{sent}"
    );
    let creds = out.credentials().expect("Credentials");
    assert!(creds.access_key_id().starts_with("ASIA"), "{creds:?}");
    assert_eq!(creds.access_key_id().len(), 20, "{creds:?}");
    assert!(creds.secret_access_key().len() >= 40, "{creds:?}");
    assert!(!creds.session_token().is_empty());
    assert_expires_in(creds.expiration(), 900);
    // Deprecated in the model, still sent by moto.
    #[allow(deprecated)]
    let packed = out.packed_policy_size();
    assert_eq!(packed, Some(6));
    let debug = format!("{creds:?}");
    assert!(
        !debug.contains(creds.secret_access_key()) && !debug.contains(creds.session_token()),
        "{debug}"
    );
    assert_signed_for_sts(&capture.requests()[0], &s.alice.id);

    let role = Key::from_sts(creds);
    let (as_role, capture) = sts_client(&s.url, Some(&role));
    let me = rt
        .block_on(as_role.get_caller_identity().send())
        .expect("GetCallerIdentity as the role");
    assert_eq!(me.arn(), Some(session_arn.as_str()));
    assert_eq!(me.user_id(), Some(user.assumed_role_id()));
    assert_eq!(me.account(), Some(ACCOUNT));
    let seen = capture.requests();
    assert_signed_for_sts(&seen[0], &role.id);
    assert_eq!(
        header(&seen[0], "x-amz-security-token"),
        role.token.as_deref()
    );
    let auth = header(&seen[0], "authorization").unwrap();
    assert!(
        auth.contains("x-amz-security-token"),
        "the session token must be signed: {auth}"
    );
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn role_chaining_assumes_a_second_role_with_the_first_roles_credentials() {
    let s = checked();
    let rt = rt();
    let (alice, _) = sts_client(&s.url, Some(&s.alice));
    let first = rt
        .block_on(
            alice
                .assume_role()
                .role_arn(&s.first_role_arn)
                .role_session_name(FIRST_SESSION)
                .send(),
        )
        .expect("AssumeRole e2e-first as alice");
    let first_key = Key::from_sts(first.credentials().expect("Credentials"));
    assert_eq!(
        first.assumed_role_user().unwrap().arn(),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/{FIRST_SESSION}")
    );

    let (as_first, capture) = sts_client(&s.url, Some(&first_key));
    let second = rt
        .block_on(
            as_first
                .assume_role()
                .role_arn(&s.second_role_arn)
                .role_session_name("e2e-hop-2")
                .duration_seconds(900)
                .send(),
        )
        .expect("AssumeRole e2e-second as e2e-first");
    let seen = capture.requests();
    assert_signed_for_sts(&seen[0], &first_key.id);
    assert_eq!(
        header(&seen[0], "x-amz-security-token"),
        first_key.token.as_deref()
    );
    let second_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-second/e2e-hop-2");
    assert_eq!(second.assumed_role_user().unwrap().arn(), second_arn);
    let second_key = Key::from_sts(second.credentials().expect("Credentials"));
    assert_ne!(second_key.id, first_key.id);

    let (as_second, _) = sts_client(&s.url, Some(&second_key));
    let me = rt
        .block_on(as_second.get_caller_identity().send())
        .expect("GetCallerIdentity as e2e-second");
    assert_eq!(me.arn(), Some(second_arn.as_str()));

    // The first role's session is still itself.
    let me = rt
        .block_on(as_first.get_caller_identity().send())
        .expect("GetCallerIdentity as e2e-first");
    assert_eq!(
        me.arn(),
        Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/{FIRST_SESSION}").as_str())
    );
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn get_session_token_returns_parsed_credentials() {
    let s = checked();
    let (alice, capture) = sts_client(&s.url, Some(&s.alice));
    let out = rt()
        .block_on(alice.get_session_token().duration_seconds(900).send())
        .expect("GetSessionToken as alice");
    let creds = out.credentials().expect("Credentials");
    // moto hands out AWS's documentation example key with a real expiry.
    assert_eq!(creds.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(
        creds.secret_access_key(),
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    );
    assert!(
        creds.session_token().starts_with("AQoEXAMPLEH4aoAH0gNCAPy"),
        "{}",
        creds.session_token()
    );
    assert_expires_in(creds.expiration(), 900);
    assert!(out.request_id().is_some());
    let seen = capture.requests();
    assert_signed_for_sts(&seen[0], &s.alice.id);
    assert_eq!(
        String::from_utf8_lossy(&seen[0].body),
        "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900"
    );
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn get_federation_token_returns_the_federated_user() {
    let s = checked();
    let (alice, _) = sts_client(&s.url, Some(&s.alice));
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#;
    let out = rt()
        .block_on(
            alice
                .get_federation_token()
                .name("e2e-fed")
                .duration_seconds(1800)
                .policy(policy)
                .send(),
        )
        .expect("GetFederationToken as alice");
    let user = out.federated_user().expect("FederatedUser");
    assert_eq!(
        user.arn(),
        format!("arn:aws:sts::{ACCOUNT}:federated-user/e2e-fed")
    );
    assert_eq!(user.federated_user_id(), format!("{ACCOUNT}:e2e-fed"));
    let creds = out.credentials().expect("Credentials");
    assert_eq!(creds.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
    assert!(
        creds
            .session_token()
            .starts_with("AQoDYXdzEPT//////////wEXAMPLE"),
        "{}",
        creds.session_token()
    );
    assert_expires_in(creds.expiration(), 1800);
    // Deprecated in the model, still sent by moto.
    #[allow(deprecated)]
    let packed = out.packed_policy_size();
    assert_eq!(packed, Some(6));
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn get_access_key_info_returns_the_keys_account() {
    let s = checked();
    let (alice, capture) = sts_client(&s.url, Some(&s.alice));
    let out = rt()
        .block_on(
            alice
                .get_access_key_info()
                .access_key_id(&s.mallory.id)
                .send(),
        )
        .expect("GetAccessKeyInfo as alice");
    assert_eq!(out.account(), Some(ACCOUNT));
    let body = String::from_utf8(capture.requests()[0].body.clone()).unwrap();
    assert_eq!(
        body,
        format!(
            "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId={}",
            s.mallory.id
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Signature and policy failures, as typed errors
// ---------------------------------------------------------------------------------------------

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn a_wrong_secret_is_signature_does_not_match() {
    let s = checked();
    // Change the last character (to one it is not: moto's secrets are random).
    let last = if s.alice.secret.ends_with('x') {
        'y'
    } else {
        'x'
    };
    let wrong = Key {
        id: s.alice.id.clone(),
        secret: format!("{}{last}", &s.alice.secret[..s.alice.secret.len() - 1]),
        token: None,
    };
    let (client, capture) = sts_client(&s.url, Some(&wrong));
    let err = rt()
        .block_on(client.get_caller_identity().send())
        .expect_err("a wrong secret must be refused");
    assert_eq!(err.attempts(), 1, "auth failures are not retried: {err}");
    let e = err
        .as_service_error()
        .unwrap_or_else(|| panic!("expected a service error, got {err:?}"));
    assert!(e.is_unhandled(), "{e:?}");
    assert_eq!(e.code(), "SignatureDoesNotMatch");
    assert_eq!(
        e.message(),
        Some("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
    );
    assert_eq!(e.meta().http_status(), Some(403));
    // moto puts the request id only in the `x-amzn-requestid` header.
    assert!(
        e.meta().request_id().is_some_and(|id| !id.is_empty()),
        "{e:?}"
    );
    assert_eq!(capture.requests().len(), 1);
    assert!(err.to_string().contains("SignatureDoesNotMatch"), "{err}");
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn an_unknown_key_is_invalid_client_token_id() {
    let s = checked();
    let unknown = Key {
        id: "AKIAE2EUNKNOWNKEY000".into(),
        secret: s.alice.secret.clone(),
        token: None,
    };
    let (client, _) = sts_client(&s.url, Some(&unknown));
    let err = rt()
        .block_on(client.get_session_token().send())
        .expect_err("an unknown key must be refused");
    assert_eq!(err.attempts(), 1);
    let e = err.into_service_error().expect("a service error");
    assert_eq!(e.code(), "InvalidClientTokenId");
    assert_eq!(
        e.message(),
        Some("The security token included in the request is invalid.")
    );
    assert_eq!(e.meta().http_status(), Some(403));
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn a_tampered_session_token_is_invalid_client_token_id() {
    let s = checked();
    let rt = rt();
    let (alice, _) = sts_client(&s.url, Some(&s.alice));
    let out = rt
        .block_on(
            alice
                .assume_role()
                .role_arn(&s.first_role_arn)
                .role_session_name("e2e-tamper")
                .send(),
        )
        .expect("AssumeRole as alice");
    let mut key = Key::from_sts(out.credentials().unwrap());
    key.token = Some(format!("{}x", key.token.unwrap()));
    let (client, _) = sts_client(&s.url, Some(&key));
    let err = rt
        .block_on(client.get_caller_identity().send())
        .expect_err("a wrong token must be refused");
    let e = err.as_service_error().expect("a service error");
    assert_eq!(e.code(), "InvalidClientTokenId", "{e:?}");
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn a_denying_policy_is_access_denied() {
    let s = checked();
    let rt = rt();
    let (mallory, _) = sts_client(&s.url, Some(&s.mallory));

    // An explicit Deny.
    let err = rt
        .block_on(mallory.get_session_token().send())
        .expect_err("mallory is denied GetSessionToken");
    assert_eq!(err.attempts(), 1);
    let e = err.as_service_error().expect("a service error");
    assert!(e.is_unhandled());
    assert_eq!(e.code(), "AccessDenied");
    assert_eq!(
        e.message(),
        Some(
            format!(
                "User: {} is not authorized to perform: sts:GetSessionToken",
                s.mallory_arn
            )
            .as_str()
        )
    );
    assert_eq!(e.meta().http_status(), Some(403));

    // A role whose trust policy does not name her.
    let err = rt
        .block_on(
            mallory
                .assume_role()
                .role_arn(&s.first_role_arn)
                .role_session_name("e2e-denied")
                .send(),
        )
        .expect_err("e2e-first does not trust mallory");
    let e = err.into_service_error().expect("a service error");
    assert!(!e.is_region_disabled_exception() && e.is_unhandled());
    assert_eq!(e.code(), "AccessDenied");
    assert_eq!(
        e.message(),
        Some(
            format!(
                "User: {} is not authorized to perform: sts:AssumeRole",
                s.mallory_arn
            )
            .as_str()
        )
    );

    // What her policy allows still works, and so does GetCallerIdentity (never denied).
    let out = rt
        .block_on(mallory.get_federation_token().name("e2e-mallory").send())
        .expect("GetFederationToken as mallory");
    assert_eq!(
        out.federated_user().unwrap().arn(),
        format!("arn:aws:sts::{ACCOUNT}:federated-user/e2e-mallory")
    );
    let me = rt
        .block_on(mallory.get_caller_identity().send())
        .expect("GetCallerIdentity as mallory");
    assert_eq!(me.arn(), Some(s.mallory_arn.as_str()));
}

// ---------------------------------------------------------------------------------------------
// Unsigned operations, on the server without checking
// ---------------------------------------------------------------------------------------------

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn assume_role_with_web_identity_is_sent_unsigned() {
    let s = unchecked();
    let rt = rt();
    // No credentials at all: the client would fail before sending if it tried to sign.
    let (client, capture) = sts_client(&s.url, None);
    let out = rt
        .block_on(
            client
                .assume_role_with_web_identity()
                .role_arn(&s.web_role_arn)
                .role_session_name("e2e-web-session")
                .web_identity_token("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlMmUifQ.c2lnbmF0dXJl")
                .duration_seconds(900)
                .send(),
        )
        .expect("AssumeRoleWithWebIdentity without credentials");
    let seen = capture.requests();
    assert_eq!(seen.len(), 1);
    assert_unsigned(&seen[0]);
    let body = String::from_utf8_lossy(&seen[0].body);
    assert!(
        body.starts_with("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&"),
        "{body}"
    );
    assert!(
        body.contains("&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlMmUifQ.c2lnbmF0dXJl"),
        "{body}"
    );

    let session_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-web/e2e-web-session");
    let user = out.assumed_role_user().expect("AssumedRoleUser");
    assert_eq!(user.arn(), session_arn);
    assert_eq!(user.assumed_role_id(), "ARO123EXAMPLE123:e2e-web-session");
    let creds = out.credentials().expect("Credentials");
    assert!(creds.access_key_id().starts_with("ASIA"), "{creds:?}");
    assert_expires_in(creds.expiration(), 900);
    assert!(
        s.oidc_provider_arn
            .ends_with(":oidc-provider/oidc.e2e.test"),
        "{}",
        s.oidc_provider_arn
    );

    // The parsed credentials are the ones moto issued: it names the session for their key.
    let (as_web, _) = sts_client(&s.url, Some(&Key::from_sts(creds)));
    let me = rt
        .block_on(as_web.get_caller_identity().send())
        .expect("GetCallerIdentity as the web identity role");
    assert_eq!(me.arn(), Some(session_arn.as_str()));
}

/// A minimal SAML 2.0 response naming the role and provider, a session name and duration
/// (moto reads exactly these attributes and checks no signature).
fn saml_assertion(role_arn: &str, provider_arn: &str) -> String {
    let attribute = |name: &str, value: &str| {
        format!(
            r#"<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/{name}"><saml:AttributeValue>{value}</saml:AttributeValue></saml:Attribute>"#
        )
    };
    let xml = format!(
        concat!(
            r#"<?xml version="1.0"?><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_e2e" Version="2.0">"#,
            r#"<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">http://localhost:3000/</saml:Issuer>"#,
            r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_e2e-a" Version="2.0">"#,
            r#"<saml:Subject><saml:NameID>e2e-user</saml:NameID></saml:Subject><saml:AttributeStatement>{}{}{}</saml:AttributeStatement>"#,
            r#"</saml:Assertion></samlp:Response>"#
        ),
        attribute("Role", &format!("{role_arn},{provider_arn}")),
        attribute("RoleSessionName", "e2e-saml-session"),
        attribute("SessionDuration", "900"),
    );
    sts::runtime::types::wire::encode_base64(xml.as_bytes())
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn assume_role_with_saml_is_sent_unsigned() {
    let s = unchecked();
    let (client, capture) = sts_client(&s.url, None);
    let assertion = saml_assertion(&s.saml_role_arn, &s.saml_provider_arn);
    let out = rt()
        .block_on(
            client
                .assume_role_with_saml()
                .role_arn(&s.saml_role_arn)
                .principal_arn(&s.saml_provider_arn)
                .saml_assertion(&assertion)
                .send(),
        )
        .expect("AssumeRoleWithSAML without credentials");
    let seen = capture.requests();
    assert_eq!(seen.len(), 1);
    assert_unsigned(&seen[0]);
    assert!(String::from_utf8_lossy(&seen[0].body)
        .starts_with("Action=AssumeRoleWithSAML&Version=2011-06-15&"));

    let user = out.assumed_role_user().expect("AssumedRoleUser");
    assert_eq!(
        user.arn(),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-saml/e2e-saml-session")
    );
    assert!(
        user.assumed_role_id().starts_with("AROA")
            && user.assumed_role_id().ends_with(":e2e-saml-session"),
        "{user:?}"
    );
    assert_eq!(out.subject(), Some(user.assumed_role_id()));
    assert_eq!(out.subject_type(), Some("persistent"));
    assert_eq!(out.issuer(), Some("http://localhost:3000/"));
    assert_eq!(out.audience(), Some("https://signin.aws.amazon.com/saml"));
    assert_eq!(
        out.name_qualifier(),
        Some("B64EncodedStringOfHashOfIssuerAccountIdAndUserId=")
    );
    // Deprecated in the model, still sent by moto.
    #[allow(deprecated)]
    let packed = out.packed_policy_size();
    assert_eq!(packed, Some(123));
    let creds = out.credentials().expect("Credentials");
    assert!(creds.access_key_id().starts_with("ASIA"), "{creds:?}");
    assert_expires_in(creds.expiration(), 900);
}

// ---------------------------------------------------------------------------------------------
// The `sts` command
// ---------------------------------------------------------------------------------------------

/// Runs the `sts` example with `key` in the standard variables (and no other AWS variables);
/// returns the exit code, stdout and stderr.
fn run_example(
    binary: &std::path::Path,
    key: &Key,
    args: &[&str],
) -> (Option<i32>, String, String) {
    let output = std::process::Command::new(binary)
        .args(args)
        .env("AWS_ACCESS_KEY_ID", &key.id)
        .env("AWS_SECRET_ACCESS_KEY", &key.secret)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_STS")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", binary.display()));
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The `sts` command (`config/cli`) against the checking server: JSON output on success, the
/// service error as JSON on stderr with exit status 1 on failure.
#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn the_sts_example_works_against_moto() {
    let s = checked();
    let binary = stsgen_tests::sts_binary();
    let endpoint = ["--endpoint-url", s.url.as_str(), "--region", REGION];

    let (code, stdout, stderr) = run_example(
        binary,
        &s.alice,
        &[&endpoint[..], &["get-caller-identity"]].concat(),
    );
    assert_eq!(
        code,
        Some(0),
        "get-caller-identity failed:\n{stdout}\n{stderr}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
    assert_eq!(json["Arn"], s.alice_arn.as_str(), "{json}");
    assert_eq!(json["Account"], ACCOUNT, "{json}");

    let args = [
        &endpoint[..],
        &[
            "assume-role",
            "--role-arn",
            s.first_role_arn.as_str(),
            "--role-session-name",
            "e2e-cli",
        ],
    ]
    .concat();
    let (code, stdout, stderr) = run_example(binary, &s.alice, &args);
    assert_eq!(code, Some(0), "assume-role failed:\n{stdout}\n{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
    assert_eq!(
        json["AssumedRoleUser"]["Arn"],
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/e2e-cli").as_str(),
        "{json}"
    );
    assert!(
        json["Credentials"]["AccessKeyId"]
            .as_str()
            .is_some_and(|id| id.starts_with("ASIA")),
        "{json}"
    );

    let wrong = Key {
        id: s.alice.id.clone(),
        secret: "not-the-secret".into(),
        token: None,
    };
    let (code, stdout, stderr) = run_example(
        binary,
        &wrong,
        &[&endpoint[..], &["get-caller-identity"]].concat(),
    );
    assert_eq!(
        code,
        Some(1),
        "a refused call must exit 1:\n{stdout}\n{stderr}"
    );
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON error on stderr:\n{stderr}"));
    let json: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}):\n{line}"));
    assert_eq!(json["Code"], "SignatureDoesNotMatch", "{json}");
    assert!(
        json["Message"]
            .as_str()
            .is_some_and(|m| m.starts_with("The request signature we calculated")),
        "{json}"
    );
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn assume_role_sends_a_typed_session_policy() {
    use sts::iam::policy::{PolicyDocument, Statement, StringOp};
    use sts::iam::{keys, Action, RequiredActions, RoleArn};

    let s = checked();
    let rt = rt();
    let (alice, capture) = sts_client(&s.url, Some(&s.alice));
    let second = s.second_role_arn.rsplit('/').next().unwrap().to_owned();
    let doc = PolicyDocument::builder()
        .statement(
            Statement::allow()
                .action(Action::AssumeRole)
                .resource(RoleArn::new("aws", ACCOUNT, second))
                .condition(
                    StringOp::Equals,
                    &keys::STS_ROLE_SESSION_NAME,
                    ["e2e-policy"],
                )
                .build()
                .expect("a statement"),
        )
        .build();
    assert!(
        sts::iam::lint(&doc).is_empty(),
        "{:?}",
        sts::iam::lint(&doc)
    );
    let input = sts::operation::assume_role::AssumeRoleInput::builder()
        .role_arn(&s.first_role_arn)
        .role_session_name("e2e-policy")
        .policy(&doc)
        .build()
        .expect("a valid input");
    assert_eq!(input.required_actions(), [Action::AssumeRole]);
    let out = rt
        .block_on(
            alice
                .assume_role()
                .role_arn(&s.first_role_arn)
                .role_session_name("e2e-policy")
                .policy(&doc)
                .send(),
        )
        .expect("AssumeRole with a session policy");
    assert!(out.credentials().is_some());
    #[allow(deprecated)]
    let packed = out.packed_policy_size();
    assert!(packed.is_some());
    let sent = String::from_utf8(capture.requests()[0].body.clone()).unwrap();
    let policy = sent
        .split('&')
        .find_map(|p| p.strip_prefix("Policy="))
        .expect("the Policy parameter");
    assert!(
        policy.starts_with("%7B%22Version%22%3A%222012-10-17%22"),
        "{policy}"
    );

    // Too large a document fails before anything is sent.
    let big = PolicyDocument::builder()
        .statement(
            Statement::allow()
                .actions((0..200).map(|i| format!("s3:GetObject{i}")))
                .resource("*")
                .build()
                .unwrap(),
        )
        .build();
    let before = capture.requests().len();
    let err = rt
        .block_on(
            alice
                .assume_role()
                .role_arn(&s.first_role_arn)
                .role_session_name("e2e-policy")
                .policy(&big)
                .send(),
        )
        .expect_err("a policy over 2,048 characters");
    assert!(err.to_string().contains("2048"), "{err}");
    assert_eq!(capture.requests().len(), before, "nothing may be sent");
}
