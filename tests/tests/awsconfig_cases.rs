//! aws-config's own recorded credential test data, run through our chain.
//!
//! `tests/data/awsconfig/` holds aws-config's `default-credential-provider-chain/` and
//! `profile-provider/` cases (provenance and checksums in `tests/data/SOURCES.json`). Each case
//! folder has `env.json` (the whole process environment), `fs/` (the whole file system, rooted
//! at `/`), `http-traffic.json` (the HTTP exchanges aws-config made, in order, one per
//! connection) and `test-case.json` (the credentials expected, or a substring of the error).
//!
//! Every case runs with the environment and files held in a [`MemoryEnv`] (nothing of the real
//! process leaks in), and a [`Replay`] transport in `Config::http_client` that checks each request
//! against the next recorded one and answers with the recorded response. The
//! `default-credential-provider-chain` cases run [`DefaultCredentialsChain`], the
//! `profile-provider` cases [`ProfileProvider`] alone. A case passes when the result matches
//! (access key, secret, session token, expiry in epoch seconds, and the account id when the case
//! names one; or an error containing the substring, see [`ERROR_WORDING`]) **and** the traffic
//! matched: every recorded request was made, in order, and no other.
//!
//! A case that cannot pass yet is listed in [`KNOWN_GAPS`] with the reason. The test fails when a
//! case fails that is not listed, and when a listed case passes (so the table shrinks as providers
//! land). It prints `N passed, M known gaps` and the reasons.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use sts::client::Config;
use stsgen_config::credentials::{DefaultCredentialsChain, ProfileProvider};
use stsgen_config::ConfigLoader;
use stsgen_runtime::client::{HttpClient, HttpResponse};
use stsgen_runtime::config::{Env, MemoryEnv};
use stsgen_runtime::credentials::ProvideCredentials;
use stsgen_runtime::credentials::ServiceClock;
use stsgen_runtime::error::{TransportError, TransportErrorKind};
use stsgen_runtime::future::BoxFuture;
use stsgen_runtime::http;

/// The two folders of aws-config's test data that are vendored.
const SUITES: [&str; 2] = ["default-credential-provider-chain", "profile-provider"];
/// How many cases the vendored copy has.
const CASES: usize = 47;

/// Cases that cannot pass yet, with why. Keep each reason specific: what is missing and where
/// it will come from. A listed case that passes fails the test: remove it from here.
const KNOWN_GAPS: &[(&str, &str)] = &[];

/// `ErrorContains` cases whose substring is aws-config's wording for an error we word
/// differently: (case, a substring of our error, why ours is kept). Only the case named here is
/// matched against our wording; every other case must contain aws-config's substring.
const ERROR_WORDING: &[(&str, &str, &str)] = &[
    (
        "default-credential-provider-chain/imds_disabled",
        "chain: no credentials: no provider had credentials; tried ",
        "aws-config prints its generic CredentialsNotLoaded text; ours is the same kind of error (NotLoaded) and lists each provider with why it declined",
    ),
    (
        "default-credential-provider-chain/imds_default_chain_error",
        "chain: no credentials: no provider had credentials; tried ",
        "as imds_disabled: the chain's NotLoaded error, listing each provider and why it declined",
    ),
    (
        "default-credential-provider-chain/profile_overrides_web_identity",
        "A: credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
        "aws-config passes on the environment provider's generic \"not enabled\"; ours names the profile, the setting and the variables it needed",
    ),
    (
        "default-credential-provider-chain/web_identity_token_invalid_jwt",
        "InvalidIdentityToken: No OpenIDConnect provider found in your account",
        "aws-config prints its Rust error type (InvalidIdentityTokenException); ours prints the error code the service sent (InvalidIdentityToken), which is what AWS documents",
    ),
    (
        "default-credential-provider-chain/eks_pod_identity_no_token_file",
        "container: reading the authorization token file /token.jwt (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): ",
        "aws-config prints the operating system's `No such file or directory (os error 2)`; ours names the file and the variable that pointed to it, followed by the file system's error (here the in-memory file system's `entity not found`)",
    ),
    (
        "default-credential-provider-chain/imds_no_iam_role",
        "credential_source = Ec2InstanceMetadata, but GET /latest/meta-data/iam/security-credentials/: HTTP 404",
        "aws-config passes on the IMDS provider's generic \"the credential provider was not enabled\"; ours names the profile's setting, the request that failed and that the instance has no IAM role",
    ),
    (
        "default-credential-provider-chain/sso_server_error",
        "sso: profile `sso-test`: GetRoleCredentials for role MySsoRole in account 123456789 failed: no answer: unreadable response: error response names no error code (HTTP 503, empty body) (after 3 attempt(s))",
        "aws-config prints its generic \"an error occurred while loading credentials\"; ours is the same kind of error (a provider error, not NotLoaded) and names the profile, the operation, the role and account, the status and the attempts",
    ),
    (
        "default-credential-provider-chain/sso_no_token_file",
        "failed to read the IAM Identity Center token cache `/home/.aws/sso/cache/dace00cba5f8355ec9d274ceb2bcebdfbeed0e12.json`: entity not found; run `aws sso login --profile sso-test`",
        "same facts (the token file named by the SHA-1 of the start URL could not be read); ours is followed by the in-memory file system's `entity not found` instead of the operating system's text, and says how to sign in",
    ),
    (
        "profile-provider/credential_process_failure",
        "credential_process: `exit` failed (exit status: 1)",
        "same facts (the process failed with status 1); ours also names the program, never its arguments",
    ),
    (
        "profile-provider/credential_process_invalid",
        "credential_process: `echo` printed output that is not valid JSON",
        "same facts; ours names the program and where the JSON broke, and never echoes the output (it may hold secrets)",
    ),
    (
        "profile-provider/empty_config",
        "profile: no credentials: profile `default` does not exist (no config or credentials file was found)",
        "aws-config prints its generic CredentialsNotLoaded text; ours is the same kind of error (NotLoaded) and says which profile and that no file was found",
    ),
    (
        "profile-provider/invalid_config",
        "/home/.aws/config line 2: this property has no name before `=`",
        "aws-config says only that the file could not be parsed; ours names the file, the line and what is wrong",
    ),
];

/// Where a recording does not match its own case's inputs (aws-config's harness does not
/// compare bodies or signatures, so these went unnoticed upstream): (case, request number from
/// 1, what is not compared, why). A form parameter listed here must still be sent, with any
/// value; a header of [`RELEVANT_HEADERS`] listed here is not compared; `authorization` skips the
/// authorization check, `authorization-key` the signing access key's comparison; `authorization-region`
/// compares the signature's access key and service but not its region.
const RECORDING_QUIRKS: &[(&str, usize, &str, &str)] = &[
    (
        "default-credential-provider-chain/web_identity_token_env",
        1,
        "RoleArn",
        "env.json's AWS_ROLE_ARN is in account 123456789012, the recorded request's in 123456789123",
    ),
    (
        "default-credential-provider-chain/web_identity_token_invalid_jwt",
        1,
        "WebIdentityToken",
        "aws-config sent the token file with its trailing newline (%0A); ours sends the token trimmed",
    ),
    (
        "default-credential-provider-chain/web_identity_token_profile",
        1,
        "RoleArn",
        "recorded for role s3-reader in account 134095065856; the case's profile names RoleA in 1234567890123",
    ),
    (
        "default-credential-provider-chain/web_identity_token_profile",
        1,
        "WebIdentityToken",
        "recorded with a real JWT; the case's token file holds `sometoken`",
    ),
    (
        "default-credential-provider-chain/web_identity_token_source_profile",
        1,
        "RoleArn",
        "recorded for account 134095065856; the case's profile B names 123456789012",
    ),
    (
        "default-credential-provider-chain/web_identity_token_source_profile",
        1,
        "WebIdentityToken",
        "recorded with a real JWT; the case's token file holds `sometoken`",
    ),
    (
        "default-credential-provider-chain/web_identity_token_source_profile",
        2,
        "x-amz-security-token",
        "the recorded AssumeRole carries the session token of the real response to request 1, which the recording scrubbed to TESTSESSIONTOKEN: the token a client must send is the scrubbed one",
    ),
    (
        "default-credential-provider-chain/ecs_assume_role",
        2,
        "authorization-key",
        "the recorded AssumeRole is signed with access key ASIARSTSBASE, but the container response recorded in request 1 of the same case returns ASIARTEST: the two halves come from different runs; the client must sign with what the container returned",
    ),
    (
        "default-credential-provider-chain/ecs_assume_role",
        2,
        "x-amz-security-token",
        "as for the access key: the recorded session token `tokenbase` is not the one the recorded container response returns",
    ),
    (
        "default-credential-provider-chain/eks_pod_identity_credentials",
        1,
        "authorization",
        "the recording left out the Authorization header, which carries the contents of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (aws-config sends it too; its harness does not compare headers it did not record)",
    ),
    (
        "profile-provider/region_override",
        1,
        "authorization-region",
        "the recorded URI is us-east-2 but its signature's scope says us-east-1 (the URI was edited after recording); a request to us-east-2 is signed for us-east-2",
    ),
];

/// Cases whose last recorded response is replayed for every retry our client makes: (case,
/// why). The retried request must match the recorded one exactly as the first did.
const REPLAYED_RETRIES: &[(&str, &str)] = &[(
    "default-credential-provider-chain/sso_server_error",
    "the recording holds one GetRoleCredentials answered 503 with no body; our client retries a 5xx \
     as it does every call of the chain (3 attempts by default), and aws-config's harness did not check \
     how many requests were made; each retry gets the same 503",
)];

/// Headers compared both ways (same values when recorded, absent when not): the ones that carry
/// meaning for a credentials request. `user-agent`, `x-amz-date`, `content-length` and the like
/// differ between SDKs and runs and are not compared; `authorization` is compared apart
/// ([`check_authorization`]).
const RELEVANT_HEADERS: [&str; 5] = [
    "content-type",
    "x-aws-ec2-metadata-token",
    "x-aws-ec2-metadata-token-ttl-seconds",
    "x-amz-sso_bearer_token",
    "x-amz-security-token",
];

// ---------------------------------------------------------------------------------------------
// Reading a case

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/awsconfig")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Suite {
    /// `default-credential-provider-chain`: the whole chain.
    Chain,
    /// `profile-provider`: the profile provider alone.
    Profile,
}

#[derive(Debug)]
struct Case {
    /// `suite/folder`, the name [`KNOWN_GAPS`] uses.
    id: String,
    suite: Suite,
    env: MemoryEnv,
    exchanges: Vec<Exchange>,
    expected: Expected,
}

#[derive(Debug)]
enum Expected {
    Ok(ExpectedCredentials),
    ErrorContains(String),
}

#[derive(Debug, PartialEq, Eq)]
struct ExpectedCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<u64>,
    account_id: Option<String>,
}

/// One recorded request and its response.
#[derive(Debug, Clone)]
struct Exchange {
    method: String,
    uri: String,
    /// Lower-cased names, in recorded order.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    status: u16,
    response_headers: Vec<(String, String)>,
    response_body: Vec<u8>,
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("parsing {}: {e}", path.display()))
}

fn text<'a>(v: &'a Value, what: &str) -> Result<&'a str, String> {
    v.as_str().ok_or_else(|| format!("{what} is not a string"))
}

fn load_case(suite: Suite, suite_dir: &str, dir: &Path) -> Result<Case, String> {
    let folder = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("case folder name is not UTF-8")?;
    let id = format!("{suite_dir}/{folder}");

    let mut env = MemoryEnv::new().windows(false);
    let vars = read_json(&dir.join("env.json"))?;
    for (name, value) in vars.as_object().ok_or("env.json is not an object")? {
        env = env.with_var(name.clone(), text(value, name)?);
    }
    let fs = dir.join("fs");
    if fs.is_dir() {
        let mut files = Vec::new();
        list_files(&fs, &mut files)?;
        for file in files {
            let rel = file.strip_prefix(&fs).map_err(|e| e.to_string())?;
            let bytes =
                std::fs::read(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
            env = env.with_file(Path::new("/").join(rel), bytes);
        }
    }

    let traffic = read_json(&dir.join("http-traffic.json"))?;
    let exchanges = parse_traffic(&traffic).map_err(|e| format!("{id}/http-traffic.json: {e}"))?;

    let meta = read_json(&dir.join("test-case.json"))?;
    let result = meta
        .get("result")
        .and_then(Value::as_object)
        .ok_or("test-case.json has no `result` object")?;
    let expected = if let Some(ok) = result.get("Ok") {
        let field = |name: &str| ok.get(name).and_then(Value::as_str).map(str::to_owned);
        Expected::Ok(ExpectedCredentials {
            access_key_id: field("access_key_id").ok_or("`Ok` has no access_key_id")?,
            secret_access_key: field("secret_access_key").ok_or("`Ok` has no secret_access_key")?,
            session_token: field("session_token"),
            expiry: ok.get("expiry").and_then(Value::as_u64),
            account_id: field("account_id"),
        })
    } else if let Some(s) = result.get("ErrorContains") {
        Expected::ErrorContains(text(s, "ErrorContains")?.to_owned())
    } else {
        return Err(format!(
            "{id}: `result` is neither `Ok` nor `ErrorContains`"
        ));
    };
    Ok(Case {
        id,
        suite,
        env,
        exchanges,
        expected,
    })
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("listing {}: {e}", dir.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("listing {}: {e}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn load_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (suite, name) in [(Suite::Chain, SUITES[0]), (Suite::Profile, SUITES[1])] {
        let root = data_dir().join(name);
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap_or_else(|e| panic!("listing {}: {e}", root.display()))
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            cases.push(
                load_case(suite, name, &dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())),
            );
        }
    }
    cases
}

/// The recording's events as exchanges, one per connection in the order connections first
/// appear (aws-config's replayer hands out connections in that order).
fn parse_traffic(traffic: &Value) -> Result<Vec<Exchange>, String> {
    if traffic.get("version").and_then(Value::as_str) != Some("V0") {
        return Err("unknown recording version (expected V0)".into());
    }
    let events = traffic
        .get("events")
        .and_then(Value::as_array)
        .ok_or("no `events` array")?;
    let mut order: Vec<u64> = Vec::new();
    let mut by_conn: BTreeMap<u64, Exchange> = BTreeMap::new();
    for (i, event) in events.iter().enumerate() {
        let conn = event
            .get("connection_id")
            .and_then(Value::as_u64)
            .ok_or(format!("event {i}: no connection_id"))?;
        let action = event
            .get("action")
            .and_then(Value::as_object)
            .ok_or(format!("event {i}: no action"))?;
        let (kind, body) = action
            .iter()
            .next()
            .ok_or(format!("event {i}: empty action"))?;
        if kind == "Request" {
            let req = &body["request"];
            let exchange = Exchange {
                method: text(&req["method"], "method")?.to_owned(),
                uri: text(&req["uri"], "uri")?.to_owned(),
                headers: headers(&req["headers"])?,
                body: Vec::new(),
                status: 0,
                response_headers: Vec::new(),
                response_body: Vec::new(),
            };
            if by_conn.insert(conn, exchange).is_some() {
                return Err(format!("event {i}: a second request on connection {conn}"));
            }
            order.push(conn);
            continue;
        }
        let exchange = by_conn
            .get_mut(&conn)
            .ok_or(format!("event {i}: connection {conn} has no request yet"))?;
        match kind.as_str() {
            "Data" => {
                let data = match body["data"].as_object().and_then(|d| d.iter().next()) {
                    Some((k, v)) if k == "Utf8" => text(v, "data")?.as_bytes().to_vec(),
                    other => return Err(format!("event {i}: unsupported data encoding {other:?}")),
                };
                match body["direction"].as_str() {
                    Some("Request") => exchange.body.extend(data),
                    Some("Response") => exchange.response_body.extend(data),
                    other => return Err(format!("event {i}: unknown direction {other:?}")),
                }
            }
            "Response" => {
                let ok = body["response"]
                    .get("Ok")
                    .ok_or(format!("event {i}: only `Ok` responses are supported"))?;
                exchange.status = ok["status"]
                    .as_u64()
                    .and_then(|s| u16::try_from(s).ok())
                    .ok_or(format!("event {i}: bad status"))?;
                exchange.response_headers = headers(&ok["headers"])?;
            }
            "Eof" => {
                if body["ok"].as_bool() != Some(true) {
                    return Err(format!(
                        "event {i}: only clean end-of-stream events are supported"
                    ));
                }
            }
            other => return Err(format!("event {i}: unknown action {other}")),
        }
    }
    order
        .into_iter()
        .map(|c| {
            let e = by_conn.remove(&c).expect("recorded above");
            if e.status == 0 {
                Err(format!("connection {c} has no response"))
            } else {
                Ok(e)
            }
        })
        .collect()
}

fn headers(v: &Value) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (name, values) in v.as_object().ok_or("headers are not an object")? {
        for value in values.as_array().ok_or("header values are not an array")? {
            out.push((name.to_ascii_lowercase(), text(value, name)?.to_owned()));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The replaying transport

/// Checks each request against the next recorded one and answers with its recorded response;
/// a request beyond the recording gets a connection error. What did not match is kept for
/// [`Replay::problems`].
#[derive(Debug)]
struct Replay {
    /// The [`RECORDING_QUIRKS`] of the case: (request number, what is not compared).
    quirks: Vec<(usize, &'static str)>,
    /// Whether the case is in [`REPLAYED_RETRIES`].
    replay_retries: bool,
    state: Mutex<ReplayState>,
}

#[derive(Debug)]
struct ReplayState {
    pending: VecDeque<Exchange>,
    /// The last exchange replayed, answered again to a retry when the case is in
    /// [`REPLAYED_RETRIES`].
    last: Option<Exchange>,
    made: usize,
    problems: Vec<String>,
}

impl Replay {
    fn new(case: &str, exchanges: Vec<Exchange>) -> Self {
        let quirks = RECORDING_QUIRKS
            .iter()
            .filter(|q| q.0 == case)
            .map(|q| (q.1, q.2))
            .collect();
        Replay {
            quirks,
            replay_retries: REPLAYED_RETRIES.iter().any(|r| r.0 == case),
            state: Mutex::new(ReplayState {
                pending: exchanges.into(),
                last: None,
                made: 0,
                problems: Vec::new(),
            }),
        }
    }

    /// Every mismatch, unexpected request and recorded request that was never made.
    fn problems(&self) -> Vec<String> {
        let st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = st.problems.clone();
        for (i, e) in st.pending.iter().enumerate() {
            out.push(format!(
                "recorded request {} ({} {}) was never made",
                st.made + i + 1,
                e.method,
                e.uri
            ));
        }
        out
    }
}

impl HttpClient for Replay {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _max_body: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let reply = {
            let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            st.made += 1;
            let n = st.made;
            let next = match st.pending.pop_front() {
                None if self.replay_retries => st.last.clone(),
                next => next,
            };
            st.last.clone_from(&next);
            match next {
                None => {
                    st.problems.push(format!(
                        "unexpected request {n}: {} {}",
                        request.method(),
                        request.uri()
                    ));
                    Err(TransportError::new(
                        TransportErrorKind::Connect,
                        "the recording has no more requests",
                    ))
                }
                Some(recorded) => {
                    let skip: Vec<&str> = self
                        .quirks
                        .iter()
                        .filter(|q| q.0 == n)
                        .map(|q| q.1)
                        .collect();
                    for p in compare_request(&recorded, &request, &skip) {
                        st.problems.push(format!(
                            "request {n} ({} {}): {p}",
                            recorded.method, recorded.uri
                        ));
                    }
                    let mut headers = http::HeaderMap::new();
                    for (name, value) in &recorded.response_headers {
                        if let (Ok(n), Ok(v)) = (
                            http::HeaderName::try_from(name.as_str()),
                            http::HeaderValue::try_from(value.as_str()),
                        ) {
                            headers.append(n, v);
                        }
                    }
                    Ok(HttpResponse {
                        status: recorded.status,
                        headers,
                        body: recorded.response_body,
                    })
                }
            }
        };
        Box::pin(async move { reply })
    }
}

/// What differs between a recorded request and ours (empty when they match).
fn compare_request(
    recorded: &Exchange,
    ours: &http::Request<Vec<u8>>,
    skip: &[&str],
) -> Vec<String> {
    let mut problems = Vec::new();
    if !recorded.method.eq_ignore_ascii_case(ours.method().as_str()) {
        problems.push(format!(
            "method {} instead of {}",
            ours.method(),
            recorded.method
        ));
    }
    match recorded.uri.parse::<http::Uri>() {
        Ok(uri) if same_uri(&uri, ours.uri()) => {}
        Ok(_) => problems.push(format!("URI {} instead of {}", ours.uri(), recorded.uri)),
        Err(e) => problems.push(format!("the recorded URI does not parse: {e}")),
    }
    for name in RELEVANT_HEADERS.into_iter().filter(|h| !skip.contains(h)) {
        let want: Vec<&str> = recorded
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let got: Vec<&str> = ours
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or("<not UTF-8>"))
            .collect();
        if want != got {
            let short = |v: Vec<&str>| -> Vec<String> {
                v.into_iter()
                    .map(|v| {
                        if v.len() > 40 {
                            format!("{}...", &v[..40])
                        } else {
                            v.to_owned()
                        }
                    })
                    .collect()
            };
            problems.push(format!(
                "header {name}: {:?} instead of {:?}",
                short(got),
                short(want)
            ));
        }
    }
    if !skip.contains(&"authorization") {
        if let Some(p) = check_authorization(
            recorded,
            ours,
            skip.contains(&"authorization-region"),
            skip.contains(&"authorization-key"),
        ) {
            problems.push(p);
        }
    }
    if let Some(p) = compare_body(recorded, ours.body(), skip) {
        problems.push(p);
    }
    problems
}

/// Scheme, host, port and path equal (an empty path is `/`); the query as a set of pairs.
fn same_uri(a: &http::Uri, b: &http::Uri) -> bool {
    let path = |u: &http::Uri| match u.path() {
        "" => "/".to_owned(),
        p => p.to_owned(),
    };
    let query = |u: &http::Uri| -> BTreeSet<(String, String)> {
        form_pairs(u.query().unwrap_or("")).into_iter().collect()
    };
    a.scheme_str() == b.scheme_str()
        && a.host().map(str::to_ascii_lowercase) == b.host().map(str::to_ascii_lowercase)
        && a.port_u16() == b.port_u16()
        && path(a) == path(b)
        && query(a) == query(b)
}

/// A SigV4 `authorization` must be SigV4 here too, for the same access key, region and service
/// (date and signature differ by run); any other recorded value must be equal; none recorded,
/// none sent (web identity and SSO calls are unsigned).
fn check_authorization(
    recorded: &Exchange,
    ours: &http::Request<Vec<u8>>,
    skip_region: bool,
    skip_key: bool,
) -> Option<String> {
    let want = recorded
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .map(|(_, v)| v.as_str());
    let got = ours
        .headers()
        .get("authorization")
        .map(|v| v.to_str().unwrap_or("<not UTF-8>"));
    let scope = |v: &str| -> Option<(String, String, String)> {
        let cred = v.strip_prefix("AWS4-HMAC-SHA256 Credential=")?;
        let mut parts = cred.split(',').next()?.split('/');
        let key = parts.next()?;
        let key = if skip_key { "<not compared>" } else { key }.to_owned();
        let _date = parts.next()?;
        let region = parts.next()?;
        let region = if skip_region {
            "<not compared>"
        } else {
            region
        };
        Some((key, region.to_owned(), parts.next()?.to_owned()))
    };
    match (want, got) {
        (None, None) => None,
        (Some(w), Some(g)) if w.starts_with("AWS4-HMAC-SHA256") => {
            let (w, g) = (scope(w), scope(g));
            (w != g).then(|| {
                format!("signed with (access key, region, service) {g:?} instead of {w:?}")
            })
        }
        (Some(w), Some(g)) => {
            (w != g).then(|| "authorization differs from the recorded value".to_owned())
        }
        (Some(_), None) => Some("not signed, but the recorded request was".to_owned()),
        (None, Some(_)) => {
            Some("signed (authorization header), but the recorded request was not".to_owned())
        }
    }
}

/// Form bodies compare as sets of decoded pairs; a `RoleSessionName` that aws-config generated
/// (`assume-role-provider-session`, or a prefix and milliseconds) only has to be present, since
/// ours generates its own, and so do the parameters in `skip` ([`RECORDING_QUIRKS`]). Other
/// bodies compare byte for byte.
fn compare_body(recorded: &Exchange, ours: &[u8], skip: &[&str]) -> Option<String> {
    let is_form = recorded
        .headers
        .iter()
        .any(|(n, v)| n == "content-type" && v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (recorded.body != ours).then(|| {
            format!(
                "body {:?} instead of {:?}",
                String::from_utf8_lossy(ours),
                String::from_utf8_lossy(&recorded.body)
            )
        });
    }
    let Ok(ours) = std::str::from_utf8(ours) else {
        return Some("the form body is not UTF-8".into());
    };
    let want = form_pairs(&String::from_utf8_lossy(&recorded.body));
    let got = form_pairs(ours);
    let generated = |v: &str| {
        v == "assume-role-provider-session"
            || v.rsplit_once('-')
                .is_some_and(|(_, ms)| ms.len() == 13 && ms.bytes().all(|b| b.is_ascii_digit()))
    };
    let normalise = |pairs: Vec<(String, String)>, mask: bool| -> BTreeSet<(String, String)> {
        pairs
            .into_iter()
            .map(|(k, v)| {
                if (k == "RoleSessionName" && mask) || skip.contains(&k.as_str()) {
                    (k, "<not compared>".to_owned())
                } else {
                    (k, v)
                }
            })
            .collect()
    };
    let mask = want
        .iter()
        .any(|(k, v)| k == "RoleSessionName" && generated(v));
    let (want, got) = (normalise(want, mask), normalise(got, mask));
    (want != got).then(|| {
        let missing: Vec<_> = want.difference(&got).map(|(k, _)| k.as_str()).collect();
        let extra: Vec<_> = got.difference(&want).map(|(k, _)| k.as_str()).collect();
        format!("form body differs: recorded parameters not sent or with other values {missing:?}; sent but not recorded {extra:?}")
    })
}

fn form_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Running a case

fn epoch_seconds(t: SystemTime) -> Option<u64> {
    t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

/// Runs one case: `Ok(())` when it passes, else what went wrong.
async fn run(case: &Case) -> Result<(), String> {
    let env: Arc<dyn Env> = Arc::new(case.env.clone());
    let replay = Arc::new(Replay::new(&case.id, case.exchanges.clone()));
    // The configuration the chain's calls use, as an application would load it (environment,
    // then the selected profile: region, endpoint_url, [services], FIPS, dual-stack), with the
    // replaying transport. When the profile files do not parse, the bare environment's: the
    // provider under test then reports the parse error itself.
    let mut config = ConfigLoader::new()
        .env(env.clone())
        .load_without_credentials()
        .or_else(|_| Config::from_env_with(sts::meta::SERVICE_ID, &*env))
        .unwrap_or_else(|_| Config::new());
    config.http_client = Some(replay.clone());
    config.retry.initial_backoff = Duration::from_millis(1);
    // As aws-config runs these cases: at the Unix epoch, so that credentials recorded years ago
    // (and used to sign the next call of a role chain) are not expired.
    config.clock = ServiceClock::fixed(UNIX_EPOCH);

    let result = match case.suite {
        Suite::Chain => match DefaultCredentialsChain::builder()
            .env(env)
            .config(config)
            .build()
        {
            Ok(chain) => chain.provide_credentials().await,
            Err(e) => Err(e),
        },
        Suite::Profile => {
            ProfileProvider::builder()
                .env(env)
                .config(config)
                .build()
                .provide_credentials()
                .await
        }
    };

    let mut problems = Vec::new();
    match (&case.expected, &result) {
        (Expected::Ok(want), Ok(got)) => {
            let got = ExpectedCredentials {
                access_key_id: got.access_key_id().to_owned(),
                secret_access_key: got.secret_access_key().to_owned(),
                session_token: got.session_token().map(str::to_owned),
                expiry: got.expiry().and_then(epoch_seconds),
                // Compared only when the case names one.
                account_id: want
                    .account_id
                    .as_ref()
                    .and(got.account_id().map(str::to_owned)),
            };
            if &got != want {
                problems.push(format!(
                    "credentials differ: got key {} session token {} expiry {:?} account {:?}; expected key {} session token {} expiry {:?} account {:?}{}",
                    got.access_key_id,
                    if got.session_token.is_some() { "set" } else { "unset" },
                    got.expiry,
                    got.account_id,
                    want.access_key_id,
                    if want.session_token.is_some() { "set" } else { "unset" },
                    want.expiry,
                    want.account_id,
                    if got.secret_access_key != want.secret_access_key || got.session_token != want.session_token {
                        " (secret or token value differs)"
                    } else {
                        ""
                    },
                ));
            }
        }
        (Expected::Ok(_), Err(e)) => {
            problems.push(format!("expected credentials, got the error: {e}"))
        }
        (Expected::ErrorContains(want), Err(e)) => {
            let text = e.to_string();
            let ours = ERROR_WORDING
                .iter()
                .find(|(id, _, _)| *id == case.id)
                .map(|(_, ours, _)| *ours);
            if !text.contains(want.as_str()) && !ours.is_some_and(|o| text.contains(o)) {
                problems.push(format!(
                    "the error `{text}` does not contain `{want}`{}",
                    match ours {
                        Some(o) => format!(" nor our wording `{o}`"),
                        None => String::new(),
                    }
                ));
            }
        }
        (Expected::ErrorContains(want), Ok(c)) => problems.push(format!(
            "expected an error containing `{want}`, got credentials from {}",
            c.provider()
        )),
    }
    problems.extend(replay.problems());
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n      "))
    }
}

#[test]
fn aws_config_recorded_cases() {
    let cases = load_cases();
    assert_eq!(
        cases.len(),
        CASES,
        "the vendored copy changed size; update CASES"
    );
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    for (id, _) in KNOWN_GAPS {
        assert!(
            ids.contains(id),
            "KNOWN_GAPS names `{id}`, which is not a case"
        );
    }
    for (id, _, _) in ERROR_WORDING {
        assert!(
            ids.contains(id),
            "ERROR_WORDING names `{id}`, which is not a case"
        );
    }
    for (id, n, _, _) in RECORDING_QUIRKS {
        let case = cases
            .iter()
            .find(|c| c.id == *id)
            .unwrap_or_else(|| panic!("RECORDING_QUIRKS names `{id}`, which is not a case"));
        assert!(
            (1..=case.exchanges.len()).contains(n),
            "RECORDING_QUIRKS: `{id}` has no request {n}"
        );
    }

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut report = String::new();
    let (mut passed, mut gaps) = (0, 0);
    let mut wrong = Vec::new();
    for case in &cases {
        let outcome = rt.block_on(run(case));
        let gap = KNOWN_GAPS
            .iter()
            .find(|(id, _)| *id == case.id)
            .map(|(_, why)| *why);
        match (&outcome, gap) {
            (Ok(()), None) => {
                passed += 1;
                let _ = writeln!(report, "  pass       {}", case.id);
            }
            (Err(e), Some(why)) => {
                gaps += 1;
                let _ = writeln!(report, "  known gap  {}: {why}\n      {e}", case.id);
            }
            (Err(e), None) => {
                let _ = writeln!(report, "  FAIL       {}\n      {e}", case.id);
                wrong.push(case.id.clone());
            }
            (Ok(()), Some(_)) => {
                let _ = writeln!(
                    report,
                    "  PASSES     {} (listed in KNOWN_GAPS: remove it)",
                    case.id
                );
                wrong.push(case.id.clone());
            }
        }
    }
    println!("aws-config recorded credential cases:\n{report}{passed} passed, {gaps} known gaps");
    assert!(
        wrong.is_empty(),
        "cases not as the table says: {wrong:?}\n{report}"
    );
}

/// Every file under tests/data/awsconfig is recorded in tests/data/SOURCES.json with its
/// sha256, and every recorded file exists.
#[test]
fn vendored_data_matches_sources_json() {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = read_json(&tests_dir.join("data/SOURCES.json")).expect("tests/data/SOURCES.json");
    let files = sources["files"].as_object().expect("a `files` object");
    let mut on_disk = Vec::new();
    list_files(&data_dir(), &mut on_disk).expect("listing the vendored data");
    let mut seen = BTreeSet::new();
    for path in on_disk {
        let rel = path
            .strip_prefix(tests_dir.parent().expect("the project root"))
            .expect("under the project");
        let rel = rel.to_str().expect("UTF-8 path").replace('\\', "/");
        let entry = files
            .get(&rel)
            .unwrap_or_else(|| panic!("{rel} is not recorded in tests/data/SOURCES.json"));
        let bytes = std::fs::read(&path).expect("reading a vendored file");
        assert_eq!(
            entry["sha256"].as_str(),
            Some(stsgen_runtime::sigv4::sha256_hex(&bytes).as_str()),
            "{rel} differs from the copy SOURCES.json records"
        );
        let source = entry["source"].as_str().expect("a `source`");
        assert!(
            sources["sources"][source]["license"].is_string(),
            "{rel}: source `{source}` has no licence recorded"
        );
        seen.insert(rel);
    }
    for rel in files
        .keys()
        .filter(|k| k.starts_with("tests/data/awsconfig/"))
    {
        assert!(
            seen.contains(rel),
            "SOURCES.json records {rel}, which is not in the tree"
        );
    }
}

/// The replayer itself: a request that differs in method, URI, a relevant header, signature or
/// body is reported; so are a request beyond the recording and a recorded one never made.
#[test]
fn replay_reports_every_kind_of_mismatch() {
    let exchange = |method: &str, uri: &str, headers: Vec<(&str, &str)>, body: &str| Exchange {
        method: method.into(),
        uri: uri.into(),
        headers: headers
            .into_iter()
            .map(|(n, v)| (n.into(), v.into()))
            .collect(),
        body: body.as_bytes().to_vec(),
        status: 200,
        response_headers: vec![("content-type".into(), "text/plain".into())],
        response_body: b"ok".to_vec(),
    };
    let form = ("content-type", "application/x-www-form-urlencoded");
    let sigv4 = "AWS4-HMAC-SHA256 Credential=AKIDA/20210810/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00";
    let replay = Replay::new(
        "no-such-case",
        vec![
            exchange(
                "PUT",
                "http://169.254.169.254/latest/api/token",
                vec![("x-aws-ec2-metadata-token-ttl-seconds", "21600")],
                "",
            ),
            exchange(
                "POST",
                "https://sts.us-east-1.amazonaws.com",
                vec![form, ("authorization", sigv4)],
                "Action=AssumeRole&RoleArn=a%3Ab&RoleSessionName=s-1629230104880",
            ),
            exchange("GET", "http://x/?a=1&b=2", vec![], ""),
            exchange("GET", "http://never/", vec![], ""),
        ],
    );
    let send = |req: http::Request<Vec<u8>>| -> Result<HttpResponse, TransportError> {
        stsgen_runtime::future::block_on(replay.send(req, 1 << 20))
    };
    let request = |method: &str, uri: &str| http::Request::builder().method(method).uri(uri);
    // 1: right method and URI, wrong TTL header; the recorded response comes back anyway.
    let r = send(
        request("PUT", "http://169.254.169.254/latest/api/token")
            .header("x-aws-ec2-metadata-token-ttl-seconds", "60")
            .body(vec![])
            .unwrap(),
    );
    assert_eq!(r.expect("a replayed response").body, b"ok");
    // 2: the same form in another order with another generated session name, `/` for the empty
    //    path, but signed for another region: only the signature is reported.
    let other = sigv4.replace("us-east-1", "us-west-2");
    let _ = send(
        request("POST", "https://sts.us-east-1.amazonaws.com/")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", other)
            .body(b"RoleSessionName=stsgen-1&RoleArn=a:b&Action=AssumeRole".to_vec())
            .unwrap(),
    );
    // 3: the query in another order matches; a body where none was recorded does not.
    let _ = send(
        request("GET", "http://x/?b=2&a=1")
            .body(b"x".to_vec())
            .unwrap(),
    );
    // 4: a request other than the recorded one; 5: one beyond the recording.
    let _ = send(request("DELETE", "http://elsewhere/").body(vec![]).unwrap());
    assert!(send(request("GET", "http://more/").body(vec![]).unwrap()).is_err());

    let problems = replay.problems();
    let expect = [
        "request 1 (PUT http://169.254.169.254/latest/api/token): header x-aws-ec2-metadata-token-ttl-seconds",
        "request 2 (POST https://sts.us-east-1.amazonaws.com): signed with (access key, region, service)",
        "request 3 (GET http://x/?a=1&b=2): body",
        "request 4 (GET http://never/): method DELETE instead of GET",
        "request 4 (GET http://never/): URI http://elsewhere/ instead of http://never/",
        "unexpected request 5: GET http://more/",
    ];
    for (want, got) in expect.iter().zip(&problems) {
        assert!(
            got.starts_with(want),
            "expected `{want}...`, got `{got}`\nall: {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expect.len(), "{problems:#?}");
    // A recorded request never made.
    let unused = Replay::new(
        "no-such-case",
        vec![exchange("GET", "http://never/", vec![], "")],
    );
    assert_eq!(
        unused.problems(),
        ["recorded request 1 (GET http://never/) was never made"]
    );
}
