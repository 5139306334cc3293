//! The refresh call over the generated `signin` crate: [`GeneratedSignin`].
//!
//! `CreateOAuth2Token` is sent with the generated client (its input validation, endpoint rules,
//! restJson serializer, error parser and retries), unsigned as the model says
//! (`smithy.api#noAuth`). The model has no member for the `DPoP` header: it is added by a
//! transport that wraps the configuration's, so each attempt carries a fresh proof (new `jti`,
//! current `iat`) for exactly the URL that attempt is sent to, after endpoint resolution (as
//! aws-config does with a DPoP "signer" that runs once per attempt).
//!
//! The call's configuration is the provider's (transport, proxies, CA bundle, timeouts,
//! retries, clock, FIPS and dual-stack), with the sign-in service's own configured endpoint
//! (`AWS_ENDPOINT_URL_SIGNIN`, `AWS_ENDPOINT_URL`, the profile's `[services]` entry `signin`,
//! its `endpoint_url`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), never the STS one,
//! and no credentials.

use std::fmt;
use std::sync::Arc;

use signin::operation::create_o_auth2_token::{CreateOAuth2TokenError, CreateOAuth2TokenInput};
use signin::types::CreateOAuth2TokenRequestBody;
use sts::client::Config;
use stsgen_runtime::client::config::configured_endpoint_url;
use stsgen_runtime::client::{HttpClient, HttpResponse, HttpsClient};
use stsgen_runtime::config::{Env, ProfileSet};
use stsgen_runtime::error::{SdkError, TransportError, TransportErrorKind};
use stsgen_runtime::future::BoxFuture;

use super::api::{CreateOAuth2TokenRequest, DpopProofs, SigninCall, SigninError, SigninTokenApi};
use super::cache::{AccessToken, CreateOAuth2TokenResponse};

/// The name of the header that carries the proof.
const DPOP_HEADER: &str = "dpop";

/// [`SigninTokenApi`] over the generated `signin` client.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GeneratedSignin;

/// The configuration of one refresh call: `base`'s transport settings, the sign-in endpoint
/// configured in `env` and the files it names for `profile` (else the selected profile), as the
/// runtime reads it for every service (`AWS_ENDPOINT_URL_SIGNIN`, `AWS_ENDPOINT_URL`, the
/// `signin` entry of the profile's `[services]` section, its `endpoint_url`, unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or `ignore_configured_endpoint_urls` is `true`),
/// `region`, no credentials.
pub(crate) fn signin_config(
    base: &Config,
    env: &dyn Env,
    profile: Option<&str>,
    region: Option<&str>,
) -> Result<Config, SigninError> {
    let unreadable = |e: stsgen_runtime::config::ProfileError| {
        SigninError::Request(format!("the sign-in endpoint setting cannot be read: {e}"))
    };
    let set = ProfileSet::load(env).map_err(unreadable)?;
    let name = profile.unwrap_or(set.selected());
    let endpoint_url =
        configured_endpoint_url(&set, name, signin::meta::SERVICE_ID, env).map_err(unreadable)?;
    let mut config = base.clone();
    config.endpoint_url = endpoint_url;
    config.credentials = None;
    if let Some(region) = region {
        config.region = Some(region.to_owned());
    }
    Ok(config)
}

impl SigninTokenApi for GeneratedSignin {
    fn create_oauth2_token<'a>(
        &'a self,
        call: SigninCall<'a>,
        input: CreateOAuth2TokenRequest,
        dpop: DpopProofs,
    ) -> BoxFuture<'a, Result<CreateOAuth2TokenResponse, SigninError>> {
        Box::pin(async move {
            let config = signin_config(call.config, call.env, call.profile, call.region)?;
            let mut body = CreateOAuth2TokenRequestBody::builder()
                .client_id(input.client_id)
                .grant_type(input.grant_type);
            if let Some(token) = input.refresh_token {
                body = body.refresh_token(token);
            }
            let input = CreateOAuth2TokenInput::builder()
                .token_input(
                    body.build()
                        .map_err(|e| SigninError::InvalidRequest(e.to_string()))?,
                )
                .build()
                .map_err(|e| SigninError::InvalidRequest(e.to_string()))?;
            let output = send(config, dpop, input).await?;
            let out = output.token_output();
            let token = out.access_token();
            Ok(CreateOAuth2TokenResponse {
                access_token: AccessToken {
                    access_key_id: token.access_key_id().to_owned(),
                    secret_access_key: token.secret_access_key().to_owned(),
                    session_token: token.session_token().to_owned(),
                },
                token_type: out.token_type().to_owned(),
                expires_in: out.expires_in(),
                refresh_token: out.refresh_token().to_owned(),
                id_token: out.id_token().map(str::to_owned),
            })
        })
    }
}

/// Sends `input` on the async client inside a tokio runtime, else on the blocking one (feature
/// `blocking`), with the proof added by the transport.
async fn send(
    config: Config,
    dpop: DpopProofs,
    input: CreateOAuth2TokenInput,
) -> Result<signin::operation::create_o_auth2_token::CreateOAuth2TokenOutput, SigninError> {
    if stsgen_runtime::client::in_async_context() {
        let inner: Arc<dyn HttpClient> = match &config.http_client {
            Some(h) => h.clone(),
            None => Arc::new(
                HttpsClient::with_ca_bundle(config.timeouts.connect, config.ca_bundle.as_ref())
                    .map_err(|e| SigninError::Request(e.to_string()))?
                    .with_proxy(config.proxy.clone())
                    .with_connections(config.connections),
            ),
        };
        let mut config = config;
        config.http_client = Some(Arc::new(DpopTransport { inner, dpop }));
        let client =
            signin::Client::new(config).map_err(|e| SigninError::Request(e.to_string()))?;
        return client.send(input).await.map_err(from_sdk);
    }
    #[cfg(feature = "blocking")]
    {
        use stsgen_runtime::client::blocking::StdClient;
        let inner = StdClient::new(config.timeouts.connect)
            .with_ca_bundle(config.ca_bundle.clone())
            .with_proxy(config.proxy.clone())
            .with_connections(config.connections);
        let transport = Arc::new(DpopBlockingTransport { inner, dpop });
        signin::blocking::Client::with_transport(config, transport)
            .send(input)
            .map_err(from_sdk)
    }
    #[cfg(not(feature = "blocking"))]
    {
        let _ = (config, dpop, input);
        Err(SigninError::Request(
            "credentials were requested outside a tokio runtime; call from inside one, or enable the `blocking` feature"
                .to_owned(),
        ))
    }
}

/// The error of the generated call as the loader's [`SigninError`]. Never holds the request.
fn from_sdk(e: SdkError<CreateOAuth2TokenError>) -> SigninError {
    match e {
        SdkError::Service { error, .. } => match error {
            CreateOAuth2TokenError::AccessDeniedException(denied) => SigninError::AccessDenied {
                error: denied
                    .error()
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
                message: denied.message().unwrap_or_default().to_owned(),
            },
            other => SigninError::Service {
                code: other.meta().code().to_owned(),
                message: other.meta().message().unwrap_or_default().to_owned(),
            },
        },
        SdkError::Construction(e) => SigninError::InvalidRequest(e.to_string()),
        other => SigninError::Request(other.to_string()),
    }
}

/// The `DPoP` header for `request`, made for its method and (absolute) URL.
fn add_proof(
    dpop: &DpopProofs,
    request: &mut stsgen_runtime::http::Request<Vec<u8>>,
) -> Result<(), TransportError> {
    let url = request.uri().to_string();
    let proof = dpop
        .header_for(request.method().as_str(), &url)
        .map_err(|e| TransportError::new(TransportErrorKind::InvalidRequest, e.to_string()))?;
    let value = stsgen_runtime::http::HeaderValue::from_str(&proof)
        .map_err(|e| TransportError::new(TransportErrorKind::InvalidRequest, e.to_string()))?;
    request.headers_mut().insert(DPOP_HEADER, value);
    Ok(())
}

/// A transport that adds a fresh DPoP proof to every request it sends.
struct DpopTransport {
    inner: Arc<dyn HttpClient>,
    dpop: DpopProofs,
}

impl fmt::Debug for DpopTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopTransport")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl HttpClient for DpopTransport {
    fn send(
        &self,
        mut request: stsgen_runtime::http::Request<Vec<u8>>,
        max_body: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        if let Err(e) = add_proof(&self.dpop, &mut request) {
            return Box::pin(async move { Err(e) });
        }
        self.inner.send(request, max_body)
    }
}

/// [`DpopTransport`] for the blocking client.
#[cfg(feature = "blocking")]
struct DpopBlockingTransport {
    inner: stsgen_runtime::client::blocking::StdClient,
    dpop: DpopProofs,
}

#[cfg(feature = "blocking")]
impl fmt::Debug for DpopBlockingTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopBlockingTransport")
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "blocking")]
impl stsgen_runtime::client::blocking::BlockingHttpClient for DpopBlockingTransport {
    fn send(
        &self,
        mut request: stsgen_runtime::http::Request<Vec<u8>>,
        max_body: usize,
        timeout: Option<std::time::Duration>,
    ) -> Result<HttpResponse, TransportError> {
        add_proof(&self.dpop, &mut request)?;
        self.inner.send(request, max_body, timeout)
    }
}
