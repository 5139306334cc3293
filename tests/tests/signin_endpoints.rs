//! The generated `signin` crate sends each operation to the endpoint its `staticContextParams`
//! select in the rule set: the control plane (`IsControlPlane = true`), the OAuth endpoint
//! (`IsOAuthEndpoint = true`), or the regional sign-in endpoint (`CreateOAuth2Token`, whose
//! `IsControlPlane = false`). A transport records each request's URL and refuses to send it,
//! so nothing leaves the machine.

use std::sync::{Arc, Mutex};

use stsgen_runtime::client::{HttpClient, HttpResponse};
use stsgen_runtime::credentials::StaticCredentials;
use stsgen_runtime::error::{SdkError, TransportError, TransportErrorKind};
use stsgen_runtime::future::BoxFuture;

/// Records the URL (and whether it was signed), answers with a non-retryable error.
#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<(String, bool)>>);

impl HttpClient for Recorder {
    fn send(
        &self,
        request: stsgen_runtime::http::Request<Vec<u8>>,
        _max_body: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let signed = request.headers().contains_key("authorization");
        self.0
            .lock()
            .unwrap()
            .push((request.uri().to_string(), signed));
        Box::pin(async {
            Err(TransportError::new(
                TransportErrorKind::InvalidRequest,
                "recorded, not sent",
            ))
        })
    }
}

fn client(region: &str, fips: bool) -> (signin::Client, Arc<Recorder>) {
    let recorder = Arc::new(Recorder::default());
    let mut config = signin::client::Config::new();
    config.region = Some(region.to_owned());
    config.use_fips = fips;
    config.credentials = Some(Arc::new(StaticCredentials::new(
        "AKIDEXAMPLE",
        "secret",
        None,
    )));
    config.http_client = Some(recorder.clone());
    (signin::Client::new(config).unwrap(), recorder)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn each_operation_goes_to_the_endpoint_its_static_context_params_select() {
    let (c, recorder) = client("us-east-1", false);
    let rt = rt();
    let body = signin::types::CreateOAuth2TokenRequestBody::builder()
        .client_id("arn:aws:signin:::devtools/same-device")
        .grant_type("refresh_token")
        .refresh_token("r")
        .build()
        .unwrap();
    let e = rt
        .block_on(c.create_o_auth2_token().token_input(body).send())
        .unwrap_err();
    assert!(matches!(e, SdkError::Transport { .. }), "{e:?}");
    rt.block_on(c.list_sessions().send()).unwrap_err();
    rt.block_on(
        c.create_bearer_token()
            .grant_type("client_credentials")
            .resource("ecr.amazonaws.com")
            .send(),
    )
    .unwrap_err();
    assert_eq!(
        *recorder.0.lock().unwrap(),
        [
            (
                "https://us-east-1.signin.aws.amazon.com/v1/token".to_owned(),
                false
            ),
            (
                "https://signin.us-east-1.api.aws/list-sessions".to_owned(),
                true
            ),
            (
                "https://us-east-1.oauth.signin.aws/v1/token?x-amz-token-request-type=bearer"
                    .to_owned(),
                true
            ),
        ]
    );
}

#[test]
fn an_oauth_operation_refuses_fips_as_the_rule_set_says() {
    let (c, recorder) = client("us-west-2", true);
    let e = rt()
        .block_on(
            c.create_bearer_token()
                .grant_type("client_credentials")
                .resource("ecr.amazonaws.com")
                .send(),
        )
        .unwrap_err();
    assert!(
        matches!(&e, SdkError::Endpoint(m) if m.contains("FIPS endpoints are not supported for OAuth operations")),
        "{e:?}"
    );
    assert!(recorder.0.lock().unwrap().is_empty(), "nothing was sent");
}
