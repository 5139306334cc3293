//! The real refresh path: `LoginProvider` -> the generated `signin` client -> a fake sign-in
//! service on 127.0.0.1 that checks the request (method, path, JSON body, no signature, the
//! DPoP proof verified against the cache file's key) and answers with tokens or an error.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use stsgen_runtime::credentials::{CredentialsError, ProvideCredentials};
use stsgen_runtime::json::JsonValue;

use super::cache::LoginToken;
use super::dpop::tests::{verify, AWS_CONFIG_KEY, AWS_CONFIG_X, AWS_CONFIG_Y};
use super::tests::{
    assert_clean, at, clock, disk, token_json, DiskEnv, NEW_REFRESH, NEW_SECRET, NEW_TOKEN,
    REFRESH, SESSION, T0,
};
use super::*;

/// One request as the fake service read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: BTreeMap<String, String>,
    body: String,
}

/// One scripted answer: status, the `x-amzn-ErrorType` of an error, the JSON body.
type Answer = (u16, Option<&'static str>, String);

/// A one-thread HTTP/1.1 server on 127.0.0.1 answering each request with the next answer of
/// its script, `Connection: close`; it stops after the last one.
struct FakeSignin {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<JoinHandle<()>>,
    expected: usize,
}

impl FakeSignin {
    fn start(script: Vec<Answer>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let expected = script.len();
        let thread = std::thread::spawn(move || {
            for (i, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut parts = line.split_whitespace();
                let (method, target) = (
                    parts.next().unwrap_or_default().to_owned(),
                    parts.next().unwrap_or_default().to_owned(),
                );
                let mut headers = BTreeMap::new();
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).unwrap();
                    let h = h.trim_end();
                    if h.is_empty() {
                        break;
                    }
                    let (k, v) = h.split_once(':').unwrap();
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                }
                let len: usize = headers
                    .get("content-length")
                    .map_or(0, |v| v.parse().unwrap());
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                log.lock().unwrap().push(Seen {
                    method,
                    target,
                    headers,
                    body: String::from_utf8(body).unwrap(),
                });
                let (status, error_type, body) = &script[i.min(script.len() - 1)];
                let error_type = error_type
                    .map(|t| format!("x-amzn-ErrorType: {t}\r\n"))
                    .unwrap_or_default();
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{error_type}x-amzn-RequestId: req-{i}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                stream.write_all(response.as_bytes()).unwrap();
                if i + 1 >= expected {
                    return;
                }
            }
        });
        FakeSignin {
            url,
            seen,
            thread: Some(thread),
            expected,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits for the server thread (it ends after its last scripted answer).
    fn finish(mut self) -> Vec<Seen> {
        assert_eq!(self.seen().len(), self.expected, "requests the server got");
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        self.seen()
    }
}

fn tokens() -> String {
    format!(
        r#"{{"accessToken":{{"accessKeyId":"ASIANEWKEY","secretAccessKey":"{NEW_SECRET}","sessionToken":"{NEW_TOKEN}"}},"tokenType":"aws_sigv4","expiresIn":900,"refreshToken":"{NEW_REFRESH}"}}"#
    )
}

/// A provider whose refreshes go to `url` (`AWS_ENDPOINT_URL_SIGNIN`), with the real client.
fn provider_at(
    name: &str,
    url: &str,
    expires: std::time::SystemTime,
) -> (PathBuf, LoginProvider, u16) {
    let (file, env) = disk(name, &token_json(expires));
    let mut vars = env.0.clone();
    vars.insert("AWS_ENDPOINT_URL_SIGNIN".into(), url.to_owned());
    // An STS endpoint override must not be used for the sign-in service.
    vars.insert("AWS_ENDPOINT_URL_STS".into(), "http://127.0.0.1:9".into());
    let (clock, _) = clock(T0);
    let mut config = Config {
        clock,
        region: Some("eu-west-1".into()),
        endpoint_url: Some("http://127.0.0.1:9".into()),
        ..Default::default()
    };
    config.retry.initial_backoff = Duration::from_millis(1);
    config.timeouts.attempt = Some(Duration::from_secs(10));
    let p = LoginProvider::builder(SESSION)
        .profile_name("dev")
        .env(Arc::new(DiskEnv(vars)))
        .config(config)
        .build();
    let port = url.rsplit(':').next().unwrap().parse().unwrap();
    (file, p, port)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The claims of a proof, checked as the service would: the signature with ring, against the
/// public key of the cache file's `dpopKey` (the JWK in the header must be that key).
fn claims_of(proof: &str) -> BTreeMap<String, JsonValue> {
    let header = proof.split('.').next().unwrap();
    let header = super::dpop::tests::b64url_decode(header);
    let header = stsgen_runtime::json::parse(std::str::from_utf8(&header).unwrap()).unwrap();
    let JsonValue::Object(header) = header else {
        panic!("header is not an object")
    };
    let jwk = &header.iter().find(|(k, _)| k == "jwk").unwrap().1;
    let JsonValue::Object(jwk) = jwk else {
        panic!("jwk is not an object")
    };
    let get = |k: &str| jwk.iter().find(|(n, _)| n == k).unwrap().1.as_str();
    assert_eq!(
        (get("x"), get("y")),
        (Some(AWS_CONFIG_X), Some(AWS_CONFIG_Y)),
        "the proof names the cache file's key"
    );
    let (x, y) = super::dpop::DpopKey::from_pem(AWS_CONFIG_KEY)
        .unwrap()
        .jwk_coordinates();
    assert_eq!((get("x"), get("y")), (Some(x.as_str()), Some(y.as_str())));
    let JsonValue::Object(claims) = verify(proof) else {
        panic!("claims are not an object")
    };
    claims.into_iter().collect()
}

#[test]
fn a_refresh_goes_through_the_generated_client_with_a_verified_dpop_proof_for_the_url() {
    let server = FakeSignin::start(vec![(200, None, tokens())]);
    let (file, p, port) = provider_at("wire", &server.url, at(T0 + 120));
    let c = rt().block_on(p.provide_credentials()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("ASIANEWKEY", NEW_SECRET, Some(NEW_TOKEN))
    );
    assert_eq!(c.account_id(), Some("123456789012"));
    assert_eq!(c.expiry(), Some(at(T0 + 900)));

    let seen = server.finish();
    let r = &seen[0];
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/v1/token")
    );
    assert_eq!(
        r.headers.get("host").map(String::as_str),
        Some(format!("127.0.0.1:{port}").as_str())
    );
    assert!(
        r.headers
            .get("content-type")
            .is_some_and(|v| v.starts_with("application/json")),
        "{:?}",
        r.headers
    );
    assert!(
        !r.headers.contains_key("authorization") && !r.headers.contains_key("x-amz-security-token"),
        "CreateOAuth2Token is sent unsigned: {:?}",
        r.headers
    );
    // The payload is `tokenInput` itself.
    let body = stsgen_runtime::json::parse(&r.body).unwrap();
    let JsonValue::Object(members) = body else {
        panic!("body is not an object: {}", r.body)
    };
    let members: BTreeMap<_, _> = members.into_iter().collect();
    assert_eq!(
        members,
        BTreeMap::from([
            (
                "clientId".to_owned(),
                JsonValue::String("arn:aws:signin:::devtools/same-device".into())
            ),
            (
                "grantType".to_owned(),
                JsonValue::String("refresh_token".into())
            ),
            ("refreshToken".to_owned(), JsonValue::String(REFRESH.into())),
        ])
    );
    // The proof: for this method and exactly the URL requested, at the service clock's time.
    let claims = claims_of(r.headers.get("dpop").expect("a DPoP header"));
    assert_eq!(claims["htm"], JsonValue::String("POST".into()));
    assert_eq!(
        claims["htu"],
        JsonValue::String(format!("http://127.0.0.1:{port}/v1/token"))
    );
    assert_eq!(claims["iat"], JsonValue::Number(T0.to_string()));
    assert!(matches!(&claims["jti"], JsonValue::String(j) if j.len() == 36));

    // Written back: the new token, every other member kept, owner-only, no temporary file left.
    let written = LoginToken::parse(&file, &std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        (
            written.access_key_id.as_str(),
            written.secret_access_key.as_str(),
            written.refresh_token.as_str()
        ),
        ("ASIANEWKEY", NEW_SECRET, NEW_REFRESH)
    );
    assert_eq!(written.expires_at, at(T0 + 900));
    assert_eq!(written.dpop_key, AWS_CONFIG_KEY);
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("\"futureMember\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let entries: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries.len(), 1, "no temporary file is left: {entries:?}");
}

#[test]
fn each_retry_carries_a_fresh_proof() {
    let server = FakeSignin::start(vec![
        (
            500,
            Some("InternalServerException"),
            r#"{"error":"server_error","message":"try again"}"#.to_owned(),
        ),
        (200, None, tokens()),
    ]);
    let (_, p, _) = provider_at("retry", &server.url, at(T0 + 120));
    let c = rt().block_on(p.provide_credentials()).unwrap();
    assert_eq!(c.access_key_id(), "ASIANEWKEY");
    let seen = server.finish();
    let jti: Vec<JsonValue> = seen
        .iter()
        .map(|r| claims_of(r.headers.get("dpop").unwrap())["jti"].clone())
        .collect();
    assert_ne!(jti[0], jti[1], "a proof is never replayed");
}

#[test]
fn access_denied_is_the_typed_error_naming_the_operation_without_secrets() {
    let server = FakeSignin::start(vec![(
        403,
        Some("AccessDeniedException"),
        r#"{"error":"TOKEN_EXPIRED","message":"The refresh token has expired."}"#.to_owned(),
    )]);
    let (file, p, _) = provider_at("denied", &server.url, at(T0 - 1));
    let before = std::fs::read(&file).unwrap();
    let e = rt().block_on(p.provide_credentials()).unwrap_err();
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
        text.contains("CreateOAuth2Token")
            && text.contains("TOKEN_EXPIRED")
            && text.contains("has expired or its credentials changed")
            && text.contains("aws login --profile dev"),
        "{text}"
    );
    assert_clean("access denied error", &format!("{e} {e:?}"));
    assert_eq!(server.finish().len(), 1, "access denied is not retried");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is left as it was"
    );
}

#[test]
fn other_service_errors_and_an_unreachable_service_are_typed_errors() {
    // A modeled error with its code and message.
    let server = FakeSignin::start(vec![(
        400,
        Some("ValidationException"),
        r#"{"error":"INVALID_REQUEST","message":"bad client"}"#.to_owned(),
    )]);
    let (_, p, _) = provider_at("invalid", &server.url, at(T0 - 1));
    let e = rt()
        .block_on(p.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("CreateOAuth2Token: ValidationException: bad client"),
        "{e}"
    );
    assert_clean("validation error", &e);
    server.finish();

    // Nothing listening: a transport error, not a panic or a hang.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (_, p, _) = provider_at("closed", &url, at(T0 - 1));
    let e = rt()
        .block_on(p.provide_credentials())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("CreateOAuth2Token") && e.contains("run `aws login --profile dev`"),
        "{e}"
    );
    assert_clean("transport error", &e);
}

#[test]
fn an_unreadable_answer_is_a_typed_error_that_shows_none_of_it() {
    // Cut short inside the new secret, and complete but without the required `tokenType`.
    let cut = tokens();
    let cut = cut[..cut.find(NEW_SECRET).unwrap() + 8].to_owned();
    let untyped = tokens().replace(r#""tokenType":"aws_sigv4","#, "");
    for (name, body, says) in [("cut", cut, "JSON"), ("untyped", untyped, "tokenType")] {
        let server = FakeSignin::start(vec![(200, None, body)]);
        let (file, p, _) = provider_at(name, &server.url, at(T0 - 1));
        let before = std::fs::read(&file).unwrap();
        let e = rt().block_on(p.provide_credentials()).unwrap_err();
        let text = format!("{e} {e:?}");
        assert!(
            text.contains("CreateOAuth2Token") && text.contains(says),
            "{name}: {text}"
        );
        assert_clean(name, &text);
        assert!(!text.contains(&NEW_SECRET[..8]), "{name}: {text}");
        server.finish();
        assert_eq!(std::fs::read(&file).unwrap(), before, "{name}: file kept");
    }
}

/// The sign-in endpoint comes from, first found: `AWS_ENDPOINT_URL_SIGNIN`, `AWS_ENDPOINT_URL`,
/// the `signin` entry of the profile's `[services]` section, the profile's `endpoint_url`; the
/// profile is the provider's (`dev`), else the selected one (`other`).
#[test]
fn the_sign_in_endpoint_follows_the_sdks_order_of_configured_endpoints() {
    let server = FakeSignin::start(vec![(200, None, tokens()); 5]);
    let url = server.url.clone();
    let profiles = |services: bool| {
        let section = if services {
            format!(
                "services = local\n[services local]\nsignin =\n  endpoint_url = {url}/services\n"
            )
        } else {
            String::new()
        };
        format!("[profile dev]\nendpoint_url = {url}/profile\n{section}[profile other]\nendpoint_url = {url}/other\n")
    };
    let cases = [
        (
            "service variable",
            true,
            vec![
                ("AWS_ENDPOINT_URL_SIGNIN", format!("{url}/env-signin")),
                ("AWS_ENDPOINT_URL", format!("{url}/env-global")),
            ],
            Some("dev"),
            "/env-signin",
        ),
        (
            "global variable",
            true,
            vec![("AWS_ENDPOINT_URL", format!("{url}/env-global"))],
            Some("dev"),
            "/env-global",
        ),
        ("services section", true, vec![], Some("dev"), "/services"),
        (
            "profile endpoint_url",
            false,
            vec![],
            Some("dev"),
            "/profile",
        ),
        ("selected profile", false, vec![], None, "/other"),
    ];
    let mut expected = Vec::new();
    for (i, (what, services, vars, profile, prefix)) in cases.into_iter().enumerate() {
        let (file, env) = disk(&format!("order-{i}"), &token_json(at(T0 + 120)));
        let dir = file.parent().unwrap().to_owned();
        std::fs::write(dir.join("config"), profiles(services)).unwrap();
        let mut vars_map = env.0.clone();
        vars_map.insert(
            "AWS_CONFIG_FILE".into(),
            dir.join("config").display().to_string(),
        );
        vars_map.insert(
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            dir.join("credentials").display().to_string(),
        );
        vars_map.insert("AWS_PROFILE".into(), "other".into());
        for (k, v) in vars {
            vars_map.insert(k.into(), v);
        }
        let (clock, _) = clock(T0);
        let mut config = Config {
            clock,
            region: Some("eu-west-1".into()),
            endpoint_url: Some("http://127.0.0.1:9/sts".into()),
            http_client: Some(crate::credentials::local_only::transport()),
            ..Default::default()
        };
        config.retry.max_attempts = 1;
        config.timeouts.attempt = Some(Duration::from_secs(10));
        let mut builder = LoginProvider::builder(SESSION)
            .env(Arc::new(DiskEnv(vars_map)))
            .config(config);
        if let Some(p) = profile {
            builder = builder.profile_name(p);
        }
        let c = rt()
            .block_on(builder.build().provide_credentials())
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(c.access_key_id(), "ASIANEWKEY", "{what}");
        expected.push(format!("{prefix}/v1/token"));
        let _ = std::fs::remove_dir_all(&dir);
    }
    let seen: Vec<String> = server.finish().into_iter().map(|s| s.target).collect();
    assert_eq!(seen, expected);
}

/// An input the `signin` model refuses (an empty refresh token: its minimum length is 1) is
/// `InvalidRequest`, naming the member, never a transport failure, and nothing is sent.
#[test]
fn a_refused_input_is_an_invalid_request() {
    let (clock, _) = clock(T0);
    let key = super::dpop::DpopKey::from_pem(AWS_CONFIG_KEY).unwrap();
    let config = Config {
        region: Some("eu-west-1".into()),
        // Nothing listens there; the request must not even be tried.
        endpoint_url: None,
        ..Default::default()
    };
    let env = DiskEnv(
        [(
            "AWS_ENDPOINT_URL_SIGNIN".to_owned(),
            "http://127.0.0.1:9".to_owned(),
        )]
        .into(),
    );
    let call = SigninCall {
        region: Some("eu-west-1"),
        config: &config,
        env: &env,
        profile: None,
    };
    let input = CreateOAuth2TokenRequest {
        client_id: "arn:aws:signin:::devtools/same-device".into(),
        grant_type: "refresh_token".into(),
        refresh_token: Some(String::new()),
    };
    let e = rt()
        .block_on(client::GeneratedSignin.create_oauth2_token(
            call,
            input,
            DpopProofs::new(key, clock),
        ))
        .unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(&e, super::api::SigninError::InvalidRequest(r) if r.contains("refreshToken")),
        "{e:?}"
    );
    assert!(
        text.contains("refreshToken") && text.contains("not sent"),
        "{text}"
    );
}
