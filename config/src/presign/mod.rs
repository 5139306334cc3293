//! Presigned `GetCallerIdentity` URLs, EKS authentication tokens, and database authentication
//! tokens for RDS and Aurora DSQL ([`db`]).
//!
//! A presigned `GetCallerIdentity` URL proves who holds a set of credentials to a third party
//! without giving them the credentials: the third party sends a GET to the URL and reads the
//! identity STS returns. EKS (`aws eks get-token`) uses one, with the cluster name in the signed
//! `x-k8s-aws-id` header, as its bearer token.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use stsgen_config::presign::PresignClient;
//!
//! let client = sts::Client::new(stsgen_config::ConfigLoader::new().load()?)?;
//! let token = client.eks_token("my-cluster").await?;
//! println!("{}", token.token());
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::{Duration, SystemTime};

use stsgen_runtime::credentials::Credentials;
use stsgen_runtime::http;
use stsgen_runtime::sigv4::{self, SigningError, SigningParams};

use sts::client::Config;

pub mod db;
mod error;

pub use error::PresignError;

pub use db::{dsql_auth_token, rds_auth_token, DbAuthToken, DsqlAction};

/// The prefix of an EKS token.
pub const EKS_TOKEN_PREFIX: &str = "k8s-aws-v1.";
/// The header that carries the cluster name in an EKS token's signature.
pub const EKS_CLUSTER_HEADER: &str = "x-k8s-aws-id";
/// How long the URL inside an EKS token is valid (as `aws eks get-token` signs it).
pub const EKS_URL_EXPIRY: Duration = Duration::from_secs(60);
/// How long `aws eks get-token` tells Kubernetes to keep a token (`expirationTimestamp`).
pub const EKS_TOKEN_LIFETIME: Duration = Duration::from_secs(14 * 60);

/// How to presign.
#[derive(Debug, Clone)]
pub struct PresignOptions {
    expires_in: Duration,
    headers: Vec<(String, String)>,
    time: Option<SystemTime>,
}

impl PresignOptions {
    /// A URL valid for `expires_in` (1 s to 7 days, whole seconds).
    pub fn new(expires_in: Duration) -> Self {
        PresignOptions {
            expires_in,
            headers: Vec::new(),
            time: None,
        }
    }

    /// Adds a header to sign: whoever uses the URL must send it with exactly this value.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Signs as of `time` instead of now (for reproducible URLs in tests).
    pub fn time(mut self, time: SystemTime) -> Self {
        self.time = Some(time);
        self
    }

    /// The expiry.
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }
}

/// A presigned `GET` URL for `GetCallerIdentity` at the endpoint `config` resolves to, signed
/// with `credentials` (query-string SigV4, the signing region following the endpoint).
///
/// # Errors
/// An endpoint that cannot be resolved, an expiry out of range, or a header that cannot be sent.
pub fn get_caller_identity_url(
    config: &Config,
    credentials: &Credentials,
    options: &PresignOptions,
) -> Result<String, PresignError> {
    let endpoint = sts::client::resolve_endpoint(config).map_err(PresignError::Endpoint)?;
    let base = endpoint.url().trim_end_matches('/');
    let url = format!(
        "{base}/?Action=GetCallerIdentity&Version={}",
        sts::meta::API_VERSION
    );
    let uri: http::Uri = url
        .parse()
        .map_err(|e| PresignError::Endpoint(format!("`{url}` is not a valid URL: {e}")))?;
    let scheme = endpoint
        .auth_schemes()
        .into_iter()
        .find(|s| s.name == "sigv4");
    let region = scheme
        .as_ref()
        .and_then(|s| s.signing_region.clone())
        .or_else(|| config.region.clone())
        .unwrap_or_else(|| "us-east-1".to_owned());
    let service = scheme
        .and_then(|s| s.signing_name)
        .unwrap_or_else(|| sts::meta::SIGNING_NAME.to_owned());
    let mut headers = http::HeaderMap::new();
    for (name, value) in &options.headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            PresignError::Signing(SigningError::InvalidHeaderValue { name: name.clone() })
        })?;
        let value = http::HeaderValue::from_str(value).map_err(|_| {
            PresignError::Signing(SigningError::InvalidHeaderValue {
                name: name.to_string(),
            })
        })?;
        headers.append(name, value);
    }
    let params = SigningParams::new(
        region,
        service,
        options.time.unwrap_or_else(SystemTime::now),
    );
    let signed = sigv4::presign_url(
        &http::Method::GET,
        &uri,
        &headers,
        credentials,
        &params,
        options.expires_in,
    )
    .map_err(PresignError::Signing)?;
    Ok(signed.to_string())
}

/// An EKS authentication token, as `aws eks get-token` prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct EksToken {
    token: String,
    expiration: SystemTime,
}

impl EksToken {
    /// `k8s-aws-v1.` followed by the unpadded base64url of the presigned URL.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// When Kubernetes should ask for a new token (14 minutes after signing).
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }

    /// The `ExecCredential` JSON a kubeconfig `exec` plugin prints.
    pub fn exec_credential_json(&self) -> String {
        let expiration = stsgen_runtime::DateTime::from(self.expiration);
        let when = stsgen_runtime::types::wire::format_timestamp(
            &expiration,
            stsgen_runtime::types::wire::TimestampFormat::DateTime,
        );
        let mut w = stsgen_runtime::json::JsonWriter::compact();
        w.begin_object();
        w.key("kind");
        w.string("ExecCredential");
        w.key("apiVersion");
        w.string("client.authentication.k8s.io/v1beta1");
        w.key("spec");
        w.begin_object();
        w.end_object();
        w.key("status");
        w.begin_object();
        w.key("expirationTimestamp");
        w.string(&when);
        w.key("token");
        w.string(&self.token);
        w.end_object();
        w.end_object();
        w.finish()
    }
}

impl fmt::Debug for EksToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EksToken")
            .field("token", &stsgen_runtime::sensitive::REDACTED)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// An EKS token for `cluster_name`, signed with `credentials` as of `time` (default now).
///
/// # Errors
/// As [`get_caller_identity_url`].
pub fn eks_token(
    config: &Config,
    credentials: &Credentials,
    cluster_name: &str,
    time: Option<SystemTime>,
) -> Result<EksToken, PresignError> {
    let now = time.unwrap_or_else(SystemTime::now);
    let options = PresignOptions::new(EKS_URL_EXPIRY)
        .header(EKS_CLUSTER_HEADER, cluster_name)
        .time(now);
    let url = get_caller_identity_url(config, credentials, &options)?;
    Ok(EksToken {
        token: format!("{EKS_TOKEN_PREFIX}{}", base64url(url.as_bytes())),
        expiration: now + EKS_TOKEN_LIFETIME,
    })
}

/// Unpadded base64url (RFC 4648 section 5).
fn base64url(bytes: &[u8]) -> String {
    stsgen_runtime::types::wire::encode_base64(bytes)
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect()
}

/// Presigning with a client's configuration and credentials: `client.eks_token("prod")`.
pub trait PresignClient {
    /// A presigned `GetCallerIdentity` URL signed with this client's credentials.
    ///
    /// # Errors
    /// No credentials provider, credentials that cannot be had, or see [`get_caller_identity_url`].
    fn presigned_get_caller_identity(
        &self,
        options: &PresignOptions,
    ) -> impl std::future::Future<Output = Result<String, PresignError>> + Send;

    /// An EKS token for `cluster_name` signed with this client's credentials (what
    /// `aws eks get-token --cluster-name` prints).
    ///
    /// # Errors
    /// As [`presigned_get_caller_identity`](Self::presigned_get_caller_identity).
    fn eks_token(
        &self,
        cluster_name: &str,
    ) -> impl std::future::Future<Output = Result<EksToken, PresignError>> + Send;

    /// An RDS IAM authentication token (see [`rds_auth_token`]) for the client's region,
    /// signed with its credentials.
    ///
    /// # Errors
    /// No region, no credentials provider, credentials that cannot be had, or bad inputs.
    fn rds_auth_token(
        &self,
        hostname: &str,
        port: u16,
        username: &str,
    ) -> impl std::future::Future<Output = Result<DbAuthToken, PresignError>> + Send;

    /// An Aurora DSQL authentication token (see [`dsql_auth_token`]) for the client's region,
    /// signed with its credentials.
    ///
    /// # Errors
    /// As [`rds_auth_token`](Self::rds_auth_token), and an expiry out of range.
    fn dsql_auth_token(
        &self,
        hostname: &str,
        action: DsqlAction,
        expires_in: Duration,
    ) -> impl std::future::Future<Output = Result<DbAuthToken, PresignError>> + Send;
}

impl PresignClient for sts::Client {
    async fn presigned_get_caller_identity(
        &self,
        options: &PresignOptions,
    ) -> Result<String, PresignError> {
        let credentials = current_credentials(self.config()).await?;
        get_caller_identity_url(self.config(), &credentials, options)
    }

    async fn eks_token(&self, cluster_name: &str) -> Result<EksToken, PresignError> {
        let credentials = current_credentials(self.config()).await?;
        eks_token(self.config(), &credentials, cluster_name, None)
    }

    async fn rds_auth_token(
        &self,
        hostname: &str,
        port: u16,
        username: &str,
    ) -> Result<DbAuthToken, PresignError> {
        let region = self.config().region.clone().ok_or(PresignError::NoRegion)?;
        let credentials = current_credentials(self.config()).await?;
        rds_auth_token(&credentials, hostname, port, username, &region, None)
    }

    async fn dsql_auth_token(
        &self,
        hostname: &str,
        action: DsqlAction,
        expires_in: Duration,
    ) -> Result<DbAuthToken, PresignError> {
        let region = self.config().region.clone().ok_or(PresignError::NoRegion)?;
        let credentials = current_credentials(self.config()).await?;
        dsql_auth_token(&credentials, hostname, action, &region, expires_in, None)
    }
}

/// The credentials of `config`'s provider.
async fn current_credentials(config: &Config) -> Result<Credentials, PresignError> {
    let provider = config
        .credentials
        .as_ref()
        .ok_or(PresignError::NoCredentialsProvider)?;
    provider
        .provide_credentials()
        .await
        .map_err(PresignError::Credentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_has_no_padding_and_url_safe_characters() {
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(base64url(b"ab"), "YWI");
        assert_eq!(base64url(b""), "");
    }

    #[test]
    fn eks_token_wraps_a_url_signed_for_the_cluster() {
        let mut config = Config::new();
        config.region = Some("eu-west-1".to_owned());
        let creds = Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let token = eks_token(&config, &creds, "prod", Some(t)).unwrap();
        let encoded = token.token().strip_prefix(EKS_TOKEN_PREFIX).unwrap();
        assert!(!encoded.contains(['=', '+', '/']), "{encoded}");
        assert_eq!(token.expiration(), t + EKS_TOKEN_LIFETIME);
        let std_b64: String = encoded
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        let padded = format!("{std_b64}{}", "=".repeat((4 - std_b64.len() % 4) % 4));
        let url = String::from_utf8(stsgen_runtime::types::wire::decode_base64(&padded).unwrap())
            .unwrap();
        assert!(
            url.starts_with(
                "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&"
            ),
            "{url}"
        );
        assert!(
            url.contains("X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&"),
            "{url}"
        );
        assert!(
            url.contains(
                "X-Amz-Credential=AKIDEXAMPLE%2F20231114%2Feu-west-1%2Fsts%2Faws4_request"
            ),
            "{url}"
        );
        assert!(
            !format!("{token:?}").contains("k8s-aws-v1"),
            "Debug shows the token"
        );
        let json = token.exec_credential_json();
        assert!(
            json.contains("\"expirationTimestamp\":\"2023-11-14T22:27:20Z\""),
            "{json}"
        );
    }

    #[test]
    fn expiry_out_of_range_is_an_error() {
        let mut config = Config::new();
        config.region = Some("us-east-1".to_owned());
        let creds = Credentials::new("AKID", "SECRET", None, None, "test");
        let e = get_caller_identity_url(
            &config,
            &creds,
            &PresignOptions::new(Duration::from_secs(8 * 24 * 3600)),
        )
        .unwrap_err();
        assert!(matches!(e, PresignError::Signing(_)), "{e}");
    }
}
