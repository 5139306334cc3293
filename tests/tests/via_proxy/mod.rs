//! The end-to-end tests through an HTTP proxy: the generated clients (async and blocking) call the
//! checking moto server of `e2e_moto.rs` (a submodule of it, to share its set-up and its run by
//! `cargo xtask test`) through the recording [`TestProxy`].
//!
//! Loopback endpoints never go through a proxy, so the clients call `http://moto.proxy.test`,
//! a name only the proxy resolves (to moto's port of 127.0.0.1). moto speaks plain HTTP, so the
//! proxy sees absolute-form requests; it passes them on without their `Proxy-Authorization`, as
//! a real proxy does, and moto checks each signature. The calls are signed with long-term keys:
//! a session token over plain HTTP to a name that is not loopback is refused before anything is
//! sent (README, design notes), through a proxy as well, and that is tested here too.

use std::sync::Arc;

use sts::client::OperationInput;
use sts::operation::assume_role::AssumeRoleInput;
use sts::operation::get_caller_identity::GetCallerIdentityInput;
use sts::operation::get_federation_token::GetFederationTokenInput;
use sts::operation::get_session_token::GetSessionTokenInput;
use sts::runtime::client::ProxyUrl;
use sts::runtime::config::MemoryEnv;
use sts::runtime::credentials::StaticCredentials;
use sts::runtime::error::{SdkError, TransportErrorKind};
use sts::{Client, Config};
use stsgen_tests::proxy::{ProxyOptions, TestProxy};

use super::{checked, rt, Checked, Key, ACCOUNT, REGION};

/// The name the clients call moto by; only the proxy knows where it is.
const NAME: &str = "moto.proxy.test";

/// The credentials the proxy of [`a_proxy_that_demands_basic_credentials_gets_them`] wants,
/// and their `Proxy-Authorization` value (base64 of `e2e:pr0xy-secret`, written out).
const PROXY_USER: &str = "e2e";
const PROXY_PASSWORD: &str = "pr0xy-secret";
const PROXY_AUTHORIZATION: &str = "Basic ZTJlOnByMHh5LXNlY3JldA==";

#[derive(Debug, Clone, Copy)]
enum Kind {
    Async,
    Blocking,
}

const KINDS: [Kind; 2] = [Kind::Async, Kind::Blocking];

/// One configuration's async client (with its runtime) and blocking client.
struct Clients {
    rt: tokio::runtime::Runtime,
    client: Client,
    blocking: sts::blocking::Client,
}

impl Clients {
    fn new(config: Config) -> Clients {
        Clients {
            rt: rt(),
            client: Client::new(config.clone()).expect("a client"),
            blocking: sts::blocking::Client::new(config),
        }
    }

    fn send<I: OperationInput>(
        &self,
        kind: Kind,
        input: I,
    ) -> Result<I::Output, SdkError<I::Error>> {
        match kind {
            Kind::Async => self.rt.block_on(self.client.send(input)),
            Kind::Blocking => self.blocking.send(input),
        }
    }
}

/// A proxy that sends [`NAME`] to the checking moto server, demanding `authorization` if given.
fn proxy_to_moto(s: &Checked, authorization: Option<&str>) -> TestProxy {
    let port = s
        .url
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .expect("moto's URL has a port");
    TestProxy::with(ProxyOptions {
        hosts: vec![(NAME.to_owned(), port)],
        authorization: authorization.map(str::to_owned),
    })
}

fn with_key(config: &mut Config, key: &Key) {
    config.credentials = Some(Arc::new(StaticCredentials::new(
        key.id.clone(),
        key.secret.clone(),
        key.token.clone(),
    )));
}

/// A configuration for `http://moto.proxy.test` through the proxy at `proxy_url`, signing with `key`.
fn config(proxy_url: &str, key: &Key) -> Config {
    let mut config = Config::new();
    config.region = Some(REGION.to_owned());
    config.endpoint_url = Some(format!("http://{NAME}"));
    config.proxy.http = Some(ProxyUrl::parse(proxy_url).expect("a proxy URL"));
    with_key(&mut config, key);
    config
}

/// A header's value in a recorded request head (name matched without regard to case).
fn head_header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    })
}

/// What the proxy saw of a request signed with `key_id`: the absolute form for [`NAME`], the
/// `Host` the client signed, the signature, and `Proxy-Authorization` only when it is wanted
/// (and then outside what is signed, so that the proxy may take it off).
fn assert_proxied(head: &str, key_id: &str, proxy_authorization: Option<&str>) {
    assert!(
        head.starts_with(&format!("POST http://{NAME}/ HTTP/1.1\r\n")),
        "{head}"
    );
    assert_eq!(head_header(head, "host"), Some(NAME), "{head}");
    assert_eq!(
        head_header(head, "proxy-authorization"),
        proxy_authorization,
        "{head}"
    );
    assert_eq!(head_header(head, "x-amz-security-token"), None, "{head}");
    let auth = head_header(head, "authorization").unwrap_or_else(|| panic!("unsigned: {head}"));
    assert!(
        auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={key_id}/")),
        "{auth}"
    );
    let signed = auth
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .expect("SignedHeaders");
    assert!(
        signed.split(';').any(|h| h == "host") && !signed.contains("proxy-authorization"),
        "{signed}"
    );
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn long_term_keys_call_moto_through_the_proxy() {
    let s = checked();
    for kind in KINDS {
        let proxy = proxy_to_moto(s, None);
        let clients = Clients::new(config(&proxy.url(), &s.alice));

        let me = clients
            .send(kind, GetCallerIdentityInput::builder().build().unwrap())
            .expect("GetCallerIdentity as alice");
        assert_eq!(me.arn(), Some(s.alice_arn.as_str()), "{kind:?}");
        assert_eq!(me.user_id(), Some(s.alice_id.as_str()), "{kind:?}");

        let session = format!("e2e-proxy-{kind:?}");
        let input = AssumeRoleInput::builder()
            .role_arn(&s.first_role_arn)
            .role_session_name(&session)
            .duration_seconds(900)
            .build()
            .unwrap();
        let role = clients.send(kind, input).expect("AssumeRole as alice");
        let user = role.assumed_role_user().expect("AssumedRoleUser");
        assert_eq!(
            user.arn(),
            format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/{session}"),
            "{kind:?}"
        );
        assert_eq!(
            user.assumed_role_id(),
            format!("{}:{session}", s.first_role_id),
            "{kind:?}"
        );
        assert!(
            role.credentials()
                .expect("Credentials")
                .access_key_id()
                .starts_with("ASIA"),
            "{kind:?}"
        );

        let out = clients
            .send(
                kind,
                GetSessionTokenInput::builder()
                    .duration_seconds(900)
                    .build()
                    .unwrap(),
            )
            .expect("GetSessionToken as alice");
        // moto hands out AWS's documentation example key.
        assert_eq!(
            out.credentials().expect("Credentials").access_key_id(),
            "AKIAIOSFODNN7EXAMPLE",
            "{kind:?}"
        );

        let out = clients
            .send(
                kind,
                GetFederationTokenInput::builder()
                    .name("e2e-proxy-fed")
                    .build()
                    .unwrap(),
            )
            .expect("GetFederationToken as alice");
        assert_eq!(
            out.federated_user().expect("FederatedUser").arn(),
            format!("arn:aws:sts::{ACCOUNT}:federated-user/e2e-proxy-fed")
        );

        // moto checks signatures: the same request with a wrong secret is refused, through the proxy too.
        let wrong = Key {
            id: s.alice.id.clone(),
            secret: format!("{}-wrong", s.alice.secret),
            token: None,
        };
        let refused = Clients::new(config(&proxy.url(), &wrong));
        let err = refused
            .send(kind, GetCallerIdentityInput::builder().build().unwrap())
            .expect_err("a wrong secret");
        assert_eq!(
            err.as_service_error().map(|e| e.code()),
            Some("SignatureDoesNotMatch"),
            "{kind:?}: {err:?}"
        );

        let heads = proxy.heads();
        assert_eq!(
            heads.len(),
            5,
            "{kind:?}: every request went through the proxy: {heads:#?}"
        );
        for head in &heads {
            assert_proxied(head, &s.alice.id, None);
        }
    }
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn a_session_token_is_not_sent_over_plain_http_through_the_proxy() {
    let s = checked();
    for kind in KINDS {
        let proxy = proxy_to_moto(s, None);
        let alice = Clients::new(config(&proxy.url(), &s.alice));
        let input = AssumeRoleInput::builder()
            .role_arn(&s.first_role_arn)
            .role_session_name("e2e-proxy-token")
            .build()
            .unwrap();
        let role = Key::from_sts(
            alice
                .send(kind, input)
                .expect("AssumeRole as alice")
                .credentials()
                .expect("Credentials"),
        );
        assert_eq!(proxy.heads().len(), 1);

        // The role's credentials carry a session token: refused before anything is sent.
        let as_role = Clients::new(config(&proxy.url(), &role));
        match as_role.send(kind, GetCallerIdentityInput::builder().build().unwrap()) {
            Err(SdkError::Transport { error, attempts: 0 }) => {
                assert_eq!(
                    error.kind(),
                    &TransportErrorKind::InsecureEndpoint {
                        host: NAME.to_owned()
                    },
                    "{kind:?}"
                );
                let text = error.to_string();
                assert!(
                    text.contains(NAME) && !text.contains(role.token.as_deref().unwrap()),
                    "{text}"
                );
            }
            other => panic!("{kind:?}: expected the session token to be refused, got {other:?}"),
        }
        assert_eq!(
            proxy.heads().len(),
            1,
            "{kind:?}: nothing reached the proxy"
        );

        // The same credentials are good: to moto's loopback address, which goes direct even
        // with the proxy configured, they work.
        let mut direct = config(&proxy.url(), &role);
        direct.endpoint_url = Some(s.url.clone());
        let me = Clients::new(direct)
            .send(kind, GetCallerIdentityInput::builder().build().unwrap())
            .expect("GetCallerIdentity as the role");
        assert_eq!(
            me.arn(),
            Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/e2e-proxy-token").as_str())
        );
        assert_eq!(proxy.heads().len(), 1, "{kind:?}: loopback goes direct");
    }
}

#[test]
#[ignore = "needs a moto server: run by `cargo xtask test`"]
fn a_proxy_that_demands_basic_credentials_gets_them() {
    let s = checked();
    for kind in KINDS {
        let proxy = proxy_to_moto(s, Some(PROXY_AUTHORIZATION));

        // Without credentials for the proxy: its 407 is a typed error, not retried.
        let without = Clients::new(config(&proxy.url(), &s.alice));
        match without.send(kind, GetCallerIdentityInput::builder().build().unwrap()) {
            Err(SdkError::Transport { error, attempts: 1 }) => {
                assert_eq!(
                    error.kind(),
                    &TransportErrorKind::ProxyRejected { status: 407 },
                    "{kind:?}"
                );
            }
            other => panic!("{kind:?}: expected the proxy's 407, got {other:?}"),
        }
        assert_eq!(proxy.heads().len(), 1);
        assert_proxied(&proxy.heads()[0], &s.alice.id, None);

        // With them, from `HTTP_PROXY`: sent with every request, never shown.
        let env = MemoryEnv::new()
            .with_var("AWS_REGION", REGION)
            .with_var("AWS_ENDPOINT_URL", format!("http://{NAME}"))
            .with_var(
                "HTTP_PROXY",
                format!(
                    "http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{}",
                    proxy.port
                ),
            );
        let mut config =
            Config::from_env_with("STS", &env).expect("a configuration from the environment");
        with_key(&mut config, &s.alice);
        assert!(
            !format!("{config:?}").contains(PROXY_PASSWORD),
            "the proxy's password is redacted in Debug"
        );
        let with = Clients::new(config);
        let me = with
            .send(kind, GetCallerIdentityInput::builder().build().unwrap())
            .expect("GetCallerIdentity through the proxy");
        assert_eq!(me.arn(), Some(s.alice_arn.as_str()));
        let input = AssumeRoleInput::builder()
            .role_arn(&s.first_role_arn)
            .role_session_name("e2e-proxy-auth")
            .build()
            .unwrap();
        let role = with
            .send(kind, input)
            .expect("AssumeRole through the proxy");
        assert_eq!(
            role.assumed_role_user().unwrap().arn(),
            format!("arn:aws:sts::{ACCOUNT}:assumed-role/e2e-first/e2e-proxy-auth")
        );

        let heads = proxy.heads();
        assert_eq!(heads.len(), 3, "{kind:?}: {heads:#?}");
        for head in &heads[1..] {
            assert_proxied(head, &s.alice.id, Some(PROXY_AUTHORIZATION));
        }
    }
}
