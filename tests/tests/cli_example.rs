//! The `sts` command (`config/cli`: the generated `sts-cli` operations plus the hand-written
//! extension) against a tiny in-test HTTP server on 127.0.0.1 answering canned STS XML: JSON
//! output, the request it sent, service errors (exit 1) and usage errors (exit 2).
//!
//! The binary is built once per test run with `cargo build --workspace --bin sts` (a no-op when
//! it is fresh; see `stsgen_tests::sts_binary`), and its path is read from cargo's
//! `compiler-artifact` message, so the test never guesses the target directory.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// The path of the built `sts` binary, building it on first use.
fn example_binary() -> &'static std::path::Path {
    stsgen_tests::sts_binary()
}

/// One request the server received.
#[derive(Debug, Clone)]
struct Seen {
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The form parameters of the body, decoded.
    fn params(&self) -> Vec<(String, String)> {
        self.body
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect()
    }

    fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// A server answering every request with `status` and `body`, recording what it received.
struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(status: u16, body: &'static str) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if let Some(request) = read_request(&stream) {
                    log.lock().unwrap().push(request);
                }
                let reason = if status == 200 { "OK" } else { "Error" };
                let response = format!(
                    "HTTP/1.1 {status} {reason}\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let mut stream = stream;
                let _ = stream.write_all(response.as_bytes());
                let _ = stream.flush();
            }
        });
        Server { url, seen }
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_owned(), v.trim().to_owned()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        headers,
        body: String::from_utf8(body).ok()?,
    })
}

/// Runs the example with static credentials from the environment and nothing else set.
fn run(args: &[&str], credentials: bool) -> Output {
    run_env(args, credentials, &[])
}

/// Runs the example with a clean AWS environment (no profile files unless `envs` names them)
/// plus `envs`.
fn run_env(args: &[&str], credentials: bool, envs: &[(&str, &str)]) -> Output {
    command_env(args, credentials, envs)
        .output()
        .expect("the example runs")
}

/// The command [`run_env`] runs.
fn command_env(args: &[&str], credentials: bool, envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(example_binary());
    cmd.args(args);
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/stsgen/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/stsgen/credentials",
        );
    for var in [
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_STS",
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT",
        "AWS_STS_REGIONAL_ENDPOINTS",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_MAX_ATTEMPTS", "1");
    // The chain's last link would ask the instance metadata service; nothing leaves 127.0.0.1.
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    if credentials {
        cmd.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE").env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        );
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd
}

fn with_server(server: &Server, rest: &[&str]) -> Output {
    let mut args = vec![
        "--endpoint-url",
        server.url.as_str(),
        "--region",
        "us-east-1",
    ];
    args.extend_from_slice(rest);
    run(&args, true)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

const IDENTITY: &str = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>\
<Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\
</ResponseMetadata></GetCallerIdentityResponse>";

const ASSUMED: &str = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
<SourceIdentity>DevUser123</SourceIdentity><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/s1</Arn>\
<AssumedRoleId>ARO123EXAMPLE123:s1</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\
<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey><SessionToken>FQoGZXIvYXdzEXAMPLE</SessionToken>\
<Expiration>2019-11-09T13:34:41Z</Expiration></Credentials><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>\
<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>";

const DENIED: &str = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error>\
<RequestId>4b5e1f7a-0000-4000-8000-000000000001</RequestId></ErrorResponse>";

#[test]
fn get_caller_identity_prints_json() {
    let server = Server::start(200, IDENTITY);
    let out = with_server(&server, &["get-caller-identity"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("{\n    \""),
        "4-space indented like the AWS CLI: {text}"
    );
    assert_eq!(
        json(&text),
        serde_json::json!({
            "UserId": "AIDACKCEVSQ6C2EXAMPLE",
            "Account": "123456789012",
            "Arn": "arn:aws:iam::123456789012:user/Alice"
        })
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].param("Action").as_deref(),
        Some("GetCallerIdentity")
    );
    assert_eq!(seen[0].param("Version").as_deref(), Some("2011-06-15"));
    let auth = seen[0].header("authorization").expect("signed");
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        "{auth}"
    );
    assert!(auth.contains("/us-east-1/sts/aws4_request"), "{auth}");
}

#[test]
fn assume_role_sends_every_option_and_prints_nested_output() {
    let server = Server::start(200, ASSUMED);
    let out = with_server(
        &server,
        &[
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/demo",
            "--role-session-name",
            "s1",
            "--duration-seconds",
            "900",
            "--tags",
            "Key=a,Value=b",
            "--tags",
            "Key=c,Value=d",
            "--transitive-tag-keys",
            "a",
            "c",
            "--policy-arns",
            "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        json(&stdout(&out)),
        serde_json::json!({
            "AssumedRoleUser": {
                "Arn": "arn:aws:sts::123456789012:assumed-role/demo/s1",
                "AssumedRoleId": "ARO123EXAMPLE123:s1"
            },
            "Credentials": {
                "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
                "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
                "SessionToken": "FQoGZXIvYXdzEXAMPLE",
                "Expiration": "2019-11-09T13:34:41+00:00"
            },
            "PackedPolicySize": 6,
            "SourceIdentity": "DevUser123"
        })
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    let mut params = seen[0].params();
    params.sort();
    let expected: Vec<(String, String)> = [
        ("Action", "AssumeRole"),
        ("DurationSeconds", "900"),
        (
            "PolicyArns.member.1.arn",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ),
        ("RoleArn", "arn:aws:iam::123456789012:role/demo"),
        ("RoleSessionName", "s1"),
        ("Tags.member.1.Key", "a"),
        ("Tags.member.1.Value", "b"),
        ("Tags.member.2.Key", "c"),
        ("Tags.member.2.Value", "d"),
        ("TransitiveTagKeys.member.1", "a"),
        ("TransitiveTagKeys.member.2", "c"),
        ("Version", "2011-06-15"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(params, expected);
}

#[test]
fn service_error_prints_json_to_stderr_and_exits_1() {
    let server = Server::start(403, DENIED);
    let out = with_server(
        &server,
        &[
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/demo",
            "--role-session-name",
            "s1",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert_eq!(
        json(stderr(&out).trim()),
        serde_json::json!({
            "Code": "AccessDenied",
            "Message": "User is not authorized to perform: sts:AssumeRole",
            "RequestId": "4b5e1f7a-0000-4000-8000-000000000001"
        })
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn missing_required_option_exits_2_naming_it() {
    let server = Server::start(200, ASSUMED);
    let out = with_server(
        &server,
        &[
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/demo",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--role-session-name"), "{err}");
    assert!(
        !err.contains("--role-arn,"),
        "only the missing option is named: {err}"
    );
    assert!(server.requests().is_empty(), "nothing is sent");
}

#[test]
fn unknown_option_exits_2_naming_it() {
    let server = Server::start(200, IDENTITY);
    let out = with_server(&server, &["get-caller-identity", "--bogus", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`--bogus`"), "{}", stderr(&out));
    assert!(server.requests().is_empty());
}

#[test]
fn constraint_violation_exits_2_naming_the_member() {
    let server = Server::start(200, ASSUMED);
    let out = with_server(
        &server,
        &[
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/demo",
            "--role-session-name",
            "s1",
            "--duration-seconds",
            "5",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("DurationSeconds")
            && err.contains("--duration-seconds")
            && err.contains("900"),
        "{err}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn bad_values_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "assume-role",
                "--role-arn",
                "arn:aws:iam::123456789012:role/demo",
                "--role-session-name",
                "s1",
                "--duration-seconds",
                "soon",
            ],
            "--duration-seconds",
        ),
        (
            &[
                "assume-role",
                "--role-arn",
                "arn:aws:iam::123456789012:role/demo",
                "--role-session-name",
                "s1",
                "--tags",
                "Key=a,Colour=red",
            ],
            "`Colour`",
        ),
        (
            &[
                "assume-role",
                "--role-arn",
                "arn:aws:iam::123456789012:role/demo",
                "--role-session-name",
                "s1",
                "--tags",
                "Key=a",
            ],
            "Value",
        ),
        (
            &[
                "assume-role",
                "--role-arn",
                "a",
                "b",
                "--role-session-name",
                "s1",
            ],
            "takes one value",
        ),
        (
            &[
                "assume-role",
                "--role-arn",
                "arn:aws:iam::123456789012:role/demo",
                "--role-arn",
                "arn:aws:iam::123456789012:role/demo",
            ],
            "more than once",
        ),
        (&["assume-role", "--role-arn"], "--role-arn needs a value"),
        (
            &["no-such-operation"],
            "unknown operation `no-such-operation`",
        ),
        (&[], "no operation"),
        (
            &["get-caller-identity", "stray"],
            "unexpected argument `stray`",
        ),
    ];
    let server = Server::start(200, ASSUMED);
    for (args, needle) in cases {
        let out = with_server(&server, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    assert!(server.requests().is_empty());
}

/// A directory with a config and a credentials file for `--profile` tests.
fn profile_files(name: &str, config: &str, credentials: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("stsgen-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (c, k) = (dir.join("config"), dir.join("credentials"));
    std::fs::write(&c, config).unwrap();
    std::fs::write(&k, credentials).unwrap();
    (c, k)
}

#[test]
fn profiles_sign_with_their_keys_and_unknown_profiles_are_named() {
    let server = Server::start(200, IDENTITY);
    let (config, credentials) = profile_files(
        "profiles",
        "[profile dev]\nregion = eu-central-1\n",
        "[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n",
    );
    let files = [
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
    ];
    let out = run_env(
        &[
            "--endpoint-url",
            server.url.as_str(),
            "--profile",
            "dev",
            "get-caller-identity",
        ],
        false,
        &files,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let seen = server.requests();
    let auth = seen[0].header("authorization").unwrap();
    assert!(
        auth.contains("Credential=AKIDPROFILE/") && auth.contains("/eu-central-1/sts/"),
        "{auth}"
    );

    let out = run_env(
        &[
            "--endpoint-url",
            server.url.as_str(),
            "--profile",
            "nope",
            "get-caller-identity",
        ],
        false,
        &files,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`nope` does not exist") && stderr(&out).contains("dev"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        server.requests().len(),
        1,
        "no request for a missing profile"
    );
}

#[test]
fn credentials_print_for_shells_and_credential_process() {
    let server = Server::start(200, ASSUMED);
    let base = [
        "--role-arn",
        "arn:aws:iam::123456789012:role/demo",
        "--role-session-name",
        "s1",
    ];
    let mut args = vec!["--output", "env", "assume-role"];
    args.extend_from_slice(&base);
    let out = with_server(&server, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "export AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE\nexport AWS_SECRET_ACCESS_KEY="
        ),
        "{text}"
    );
    assert!(
        text.contains("export AWS_SESSION_TOKEN=")
            && text.contains("export AWS_CREDENTIAL_EXPIRATION="),
        "{text}"
    );

    let mut args = vec!["assume-role", "--output", "credential-process"];
    args.extend_from_slice(&base);
    let out = with_server(&server, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&stdout(&out));
    assert_eq!(v["Version"], 1);
    assert_eq!(v["AccessKeyId"], "ASIAIOSFODNN7EXAMPLE");
    assert!(
        v["SessionToken"].is_string() && v["Expiration"].is_string(),
        "{v}"
    );

    let requests = server.requests().len();
    let out = with_server(&server, &["--output", "env", "get-caller-identity"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("returns no credentials"),
        "{}",
        stderr(&out)
    );
    let out = with_server(
        &server,
        &[
            "--output",
            "yaml",
            "assume-role",
            base[0],
            base[1],
            base[2],
            base[3],
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output yaml"), "{}", stderr(&out));
    assert_eq!(
        server.requests().len(),
        requests,
        "nothing sent for a bad --output"
    );
}

#[test]
fn eks_token_and_export_credentials_need_no_request() {
    let out = run(
        &[
            "--region",
            "us-west-2",
            "eks-token",
            "--cluster-name",
            "prod",
        ],
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&stdout(&out));
    assert_eq!(v["kind"], "ExecCredential");
    assert_eq!(v["apiVersion"], "client.authentication.k8s.io/v1beta1");
    assert!(
        v["status"]["token"]
            .as_str()
            .unwrap()
            .starts_with("k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20v"),
        "{v}"
    );
    assert!(v["status"]["expirationTimestamp"].is_string(), "{v}");

    let out = run(&["eks-token"], true);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--cluster-name"), "{}", stderr(&out));

    let out = run(&["export-credentials", "--output", "env"], true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "export AWS_ACCESS_KEY_ID=AKIDEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n");

    let out = run(
        &[
            "--region",
            "eu-west-1",
            "presign-get-caller-identity",
            "--expires-in",
            "120",
        ],
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let url = stdout(&out);
    assert!(url.starts_with("https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm="), "{url}");
    assert!(url.contains("X-Amz-Expires=120&"), "{url}");

    let out = run(&["--help"], false);
    assert!(
        stdout(&out).contains("eks-token --cluster-name NAME")
            && stdout(&out).contains("credential-process"),
        "{}",
        stdout(&out)
    );
    let out = run(&["eks-token", "--help"], false);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("x-k8s-aws-id"), "{}", stdout(&out));
}

#[test]
fn global_options_after_the_operation_and_unsigned_operations() {
    let body = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Provider>accounts.google.com</Provider>\
<SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HEXAMPLE</SubjectFromWebIdentityToken>\
</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
    let server = Server::start(200, body);
    let args = [
        "assume-role-with-web-identity",
        "--role-arn=arn:aws:iam::123456789012:role/demo",
        "--role-session-name",
        "s1",
        "--web-identity-token",
        "a-token-of-some-length",
        "--endpoint-url",
        server.url.as_str(),
        "--region",
        "eu-west-1",
    ];
    let out = run(&args, false);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        json(&stdout(&out)),
        serde_json::json!({
            "Provider": "accounts.google.com",
            "SubjectFromWebIdentityToken": "amzn1.account.AF6RHO7KZU5XRVQJGXK6HEXAMPLE"
        })
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].header("authorization").is_none(), "unsigned");
    assert_eq!(
        seen[0].param("WebIdentityToken").as_deref(),
        Some("a-token-of-some-length")
    );
}

#[test]
fn signed_operation_without_credentials_exits_1() {
    let server = Server::start(200, IDENTITY);
    let out = run(
        &[
            "--endpoint-url",
            server.url.as_str(),
            "--region",
            "us-east-1",
            "get-caller-identity",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("AWS_ACCESS_KEY_ID"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn help_lists_operations_and_options() {
    let out = run(&["--help"], false);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for op in [
        "get-caller-identity",
        "assume-role",
        "assume-role-with-saml",
        "assume-role-with-web-identity",
        "decode-authorization-message",
        "get-access-key-info",
        "get-federation-token",
        "get-session-token",
    ] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{op} ")) || l.trim() == op),
            "{op} in:\n{text}"
        );
    }
    let out = run(&["assume-role", "--help"], false);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let line = |flag: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{flag} ")))
            .unwrap_or_else(|| panic!("{flag} in:\n{text}"))
            .to_owned()
    };
    assert!(line("--role-arn").contains("(required)"), "{text}");
    assert!(line("--role-session-name").contains("(required)"), "{text}");
    assert!(!line("--duration-seconds").contains("(required)"), "{text}");
    assert!(
        line("--tags").contains("Key=<string>,Value=<string>"),
        "{text}"
    );
}

#[test]
fn operation_help_gives_each_option_the_first_sentence_of_its_docs() {
    let out = run(&["assume-role", "--help"], false);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let after = |flag: &str| {
        let i = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&format!("{flag} ")))
            .unwrap_or_else(|| panic!("{flag} in:\n{text}"));
        lines[i + 1].to_owned()
    };
    assert_eq!(
        after("--role-arn").trim(),
        "The Amazon Resource Name (ARN) of the role to assume.",
        "{text}"
    );
    assert!(
        after("--duration-seconds")
            .trim()
            .starts_with("The duration, in seconds, of the role session."),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l.chars().count() <= 100 || !l.starts_with("      ")),
        "doc lines wrap at 100 columns:\n{text}"
    );
    // The service-specific commands have their own help.
    let out = run(&["eks-token", "--help"], false);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("--cluster-name NAME"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_missing_region_says_how_to_set_one() {
    let out = run(&["get-caller-identity"], true);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    for hint in ["--region", "AWS_REGION", "`region`"] {
        assert!(err.contains(hint), "{hint} in: {err}");
    }
}

#[test]
fn database_tokens_print_without_a_request_and_name_bad_inputs() {
    let out = run(
        &[
            "--region",
            "eu-west-1",
            "rds-token",
            "--hostname",
            "db.example",
            "--port",
            "5432",
            "--username",
            "app user",
        ],
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let token = stdout(&out);
    assert!(
        token.starts_with(
            "db.example:5432/?Action=connect&DBUser=app%20user&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
        ),
        "{token}"
    );
    assert!(
        token.contains("%2Feu-west-1%2Frds-db%2Faws4_request&")
            && token.contains("&X-Amz-Expires=900&"),
        "{token}"
    );

    let out = run(
        &[
            "dsql-token",
            "--region",
            "us-east-1",
            "--hostname",
            "c.dsql.us-east-1.on.aws",
            "--admin",
            "--expires-in",
            "60",
        ],
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let token = stdout(&out);
    assert!(
        token.starts_with("c.dsql.us-east-1.on.aws/?Action=DbConnectAdmin&"),
        "{token}"
    );
    assert!(
        token.contains("%2Fus-east-1%2Fdsql%2Faws4_request&")
            && token.contains("&X-Amz-Expires=60&"),
        "{token}"
    );

    for (args, needle) in [
        (
            &[
                "--region",
                "eu-west-1",
                "rds-token",
                "--hostname",
                "db.example",
                "--username",
                "u",
            ][..],
            "--port",
        ),
        (
            &[
                "--region",
                "eu-west-1",
                "rds-token",
                "--hostname",
                "db.example",
                "--port",
                "70000",
                "--username",
                "u",
            ][..],
            "--port 70000",
        ),
        (
            &[
                "--region",
                "eu-west-1",
                "rds-token",
                "--hostname",
                "https://db.example",
                "--port",
                "1",
                "--username",
                "u",
            ][..],
            "host name",
        ),
        (
            &[
                "rds-token",
                "--hostname",
                "db.example",
                "--port",
                "1",
                "--username",
                "u",
            ][..],
            "no region",
        ),
        (
            &[
                "--region",
                "us-east-1",
                "dsql-token",
                "--hostname",
                "h",
                "--expires-in",
                "604801",
            ][..],
            "expir",
        ),
        (
            &[
                "--region",
                "us-east-1",
                "dsql-token",
                "--hostname",
                "h",
                "--port",
                "1",
            ][..],
            "unknown option `--port`",
        ),
    ] {
        let out = run(args, true);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
}

/// Runs with `stdin` as standard input.
fn run_with_input(args: &[&str], envs: &[(&str, &str)], stdin: &str) -> Output {
    use std::process::Stdio;
    let mut child = command_env(args, false, envs)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn role_credentials_are_cached_on_disk_so_mfa_is_asked_once() {
    static ASSUMED_LATER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = ASSUMED_LATER
        .get_or_init(|| ASSUMED.replace("2019-11-09T13:34:41Z", "2099-11-09T13:34:41Z"));
    let server = Server::start(200, body.as_str());
    let (config, credentials) = profile_files(
        "cache",
        "[profile mfa-role]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = base\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\nregion = us-east-1\n",
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    );
    let cache = config.parent().unwrap().join("cli-cache");
    let _ = std::fs::remove_dir_all(&cache);
    let envs = [
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
        ("STSGEN_CLI_CACHE_DIR", cache.to_str().unwrap()),
    ];
    let args = [
        "--endpoint-url",
        server.url.as_str(),
        "--profile",
        "mfa-role",
        "export-credentials",
        "--output",
        "env",
    ];
    let token_codes = || {
        server
            .requests()
            .iter()
            .map(|r| r.param("TokenCode").unwrap_or_default())
            .collect::<Vec<_>>()
    };

    let first = run_with_input(&args, &envs, "123456\n");
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("export AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE\n"),
        "{}",
        stdout(&first)
    );
    assert_eq!(token_codes(), ["123456"]);
    let files: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // A second process: no request and no MFA prompt (standard input is closed).
    let second = run_with_input(&args, &envs, "");
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(stdout(&second), stdout(&first));
    assert_eq!(token_codes(), ["123456"], "served from the cache");

    // --no-cache asks STS (and for a code) again, before or after the command.
    let mut no_cache = vec!["--no-cache"];
    no_cache.extend_from_slice(&args);
    let third = run_with_input(&no_cache, &envs, "654321\n");
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    let mut after = args.to_vec();
    after.push("--no-cache");
    let closed = run_with_input(&after, &envs, "");
    assert_eq!(
        closed.status.code(),
        Some(1),
        "without the cache the MFA code is needed: {}",
        stderr(&closed)
    );
    assert!(
        stderr(&closed).contains("standard input is closed"),
        "{}",
        stderr(&closed)
    );
    assert_eq!(token_codes(), ["123456", "654321"]);

    // An expired entry is ignored and replaced.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    std::fs::write(
        &files[0],
        text.replace("2099-11-09T13:34:41Z", "2020-01-01T00:00:00Z"),
    )
    .unwrap();
    let fourth = run_with_input(&args, &envs, "111111\n");
    assert_eq!(fourth.status.code(), Some(0), "{}", stderr(&fourth));
    assert_eq!(token_codes(), ["123456", "654321", "111111"]);
    assert!(std::fs::read_to_string(&files[0])
        .unwrap()
        .contains("2099-11-09T13:34:41Z"));

    // Environment credentials win over the cache, as over the profile.
    let mut with_env = envs.to_vec();
    with_env.extend([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
    ]);
    let env_run = run_with_input(&args, &with_env, "");
    assert!(
        stdout(&env_run).contains("AWS_ACCESS_KEY_ID=AKIDENV"),
        "{}",
        stdout(&env_run)
    );

    for out in [&first, &second, &third, &closed, &fourth] {
        assert!(
            !stderr(out).contains("base-secret") && !stderr(out).contains("wJalrXUtnFEMI"),
            "{}",
            stderr(out)
        );
    }
}

/// `sso-login` and SSO profiles through the binary: a profile without IAM Identity Center
/// settings and unknown options are named; an SSO profile with no token says how to sign in;
/// `sso-login` reports an SSO-OIDC error as a failure and not a panic.
#[test]
fn sso_login_and_sso_profiles_report_what_is_missing() {
    let home = std::env::temp_dir().join(format!("stsgen-cli-sso-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let (config, credentials) = profile_files(
        "sso",
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = eu-west-1\n\
         [profile plain]\nregion = eu-west-1\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
        "",
    );
    let envs = [
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
        ("HOME", home.to_str().unwrap()),
    ];
    let out = run_env(&["sso-login", "--help"], false, &envs);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("usage: sts [global options] sso-login"),
        "{}",
        stdout(&out)
    );
    let out = run_env(
        &["sso-login", "--profile", "dev", "--bogus", "x"],
        false,
        &envs,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown option `--bogus` for `sso-login`"),
        "{}",
        stderr(&out)
    );
    let out = run_env(&["sso-login", "--profile", "plain"], false, &envs);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("profile `plain`: has no IAM Identity Center settings"),
        "{}",
        stderr(&out)
    );
    // The sign-in calls SSO-OIDC through the generated client (here a local server that refuses
    // the registration): the service's typed error is reported, as a failure and not a panic.
    let oidc = stsgen_tests::FaultServer::start(|_, _| stsgen_tests::Fault::Respond {
        status: 400,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            (
                "x-amzn-ErrorType".into(),
                "InvalidClientMetadataException".into(),
            ),
        ],
        body: br#"{"error":"invalid_client_metadata","error_description":"no such scope"}"#
            .to_vec(),
    });
    let mut with_oidc = envs.to_vec();
    with_oidc.push(("AWS_ENDPOINT_URL_SSO_OIDC", oidc.url.as_str()));
    let out = run_env(&["sso-login", "--profile", "dev"], false, &with_oidc);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("RegisterClient failed: InvalidClientMetadataException"),
        "{}",
        stderr(&out)
    );
    let received = oidc.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert!(
        received[0]
            .request_line
            .starts_with("POST /client/register "),
        "{received:?}"
    );
    let out = run_env(&["export-credentials", "--profile", "dev"], false, &envs);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
            && err.contains("sts sso-login --profile dev"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&home);
}
