//! Credential providers that call STS or a metadata endpoint, and the default chain.
//!
//! - [`AssumeRoleProvider`]: `AssumeRole` with a role ARN, session name (generated when unset),
//!   external id, duration, inline and managed session policies, session tags, transitive tag
//!   keys, source identity and MFA (a serial number plus a callback asked for a fresh token
//!   code at every refresh).
//! - [`WebIdentityProvider`]: `AssumeRoleWithWebIdentity`, sent unsigned, with the token file
//!   read again at every refresh (EKS IRSA rotates it); [`WebIdentityProvider::from_env`] reads
//!   `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`.
//! - [`SessionTokenProvider`]: `GetSessionToken`, with optional MFA.
//! - [`ProfileProvider`]: a named profile of `~/.aws/config` and `~/.aws/credentials`, with
//!   `role_arn` + `source_profile` chains of any length, `credential_source` (`Environment`,
//!   `Ec2InstanceMetadata`, `EcsContainer`, in any letter case), `web_identity_token_file`,
//!   `credential_process`, `login_session`, `external_id`, `role_session_name`,
//!   `duration_seconds`, `mfa_serial`, `aws_account_id` and IAM Identity Center (`sso_session`
//!   with its `[sso-session NAME]` section, or the legacy `sso_start_url` form; see [`sso`]),
//!   also as the `source_profile` of a role chain.
//! - `LoginProvider` (opt-in feature `login`): console sign-in, the session `aws login`
//!   cached in `~/.aws/login/cache/<sha256 of the session>.json` (or
//!   `AWS_LOGIN_CACHE_DIRECTORY`), refreshed within 5 minutes of expiry (at most once per 30 s)
//!   with the sign-in service's `CreateOAuth2Token` (the generated `signin` crate, unsigned,
//!   endpoint configured as for any service: `AWS_ENDPOINT_URL_SIGNIN`, `AWS_ENDPOINT_URL`,
//!   the profile's `[services]` entry `signin`, its `endpoint_url`) and a DPoP proof signed
//!   with the cached P-256 key, made afresh for each attempt and the URL it is sent to, and
//!   written back atomically with mode 0600; an expired session that cannot be refreshed is an
//!   error that says to run `aws login`. A profile's `login_session` uses it, also as a
//!   `source_profile`.
//! - [`ContainerCredentialsProvider`] (ECS, Fargate, EKS Pod Identity):
//!   `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on the ECS agent (`http://169.254.170.2`), else
//!   `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which must be `https` or name a host that is, or
//!   resolves only to, loopback, `169.254.170.2`, `169.254.170.23` or `fd00:ec2::23` (anything
//!   else is refused before any request, naming the host, so the authorization token never goes
//!   elsewhere). The `Authorization` header is `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at
//!   every refresh) or else `AWS_CONTAINER_AUTHORIZATION_TOKEN`. 2 s connect and 5 s read
//!   timeouts, 3 attempts (5xx and connection failures are tried again), `AccountId` kept.
//! - [`ImdsCredentialsProvider`] (EC2 instance profiles, IMDSv2): `PUT /latest/api/token`
//!   (TTL 21600 s; the token is kept and renewed two minutes before it expires, or at once when a
//!   request is answered 401), then `GET /latest/meta-data/iam/security-credentials/` for the
//!   role name (kept; asked again if the role's document answers 404) and the role's document.
//!   Settings, the variable over the profile's key: `AWS_EC2_METADATA_SERVICE_ENDPOINT` /
//!   `ec2_metadata_service_endpoint`, else `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` /
//!   `ec2_metadata_service_endpoint_mode` (`IPv4`: `http://169.254.169.254`, the default;
//!   `IPv6`: `http://[fd00:ec2::254]`); `AWS_METADATA_SERVICE_TIMEOUT` /
//!   `metadata_service_timeout` (seconds, connect and read each; default 1);
//!   `AWS_METADATA_SERVICE_NUM_ATTEMPTS` / `metadata_service_num_attempts` (attempts per
//!   request); `AWS_EC2_METADATA_DISABLED=true` turns it off. By default, as in aws-config, a
//!   5xx or 401 answer is tried again up to 4 attempts but a timeout or connection failure is
//!   not (off EC2 the chain gives up after one timeout); when the number of attempts is set, as
//!   in botocore, every failure counts against it. 403 and 404 end the request (404 on the role
//!   list: the instance has no role, so the chain moves on).
//!   **IMDSv1** (requests without a token) is used only when the token request is refused (403,
//!   404, 405) *and* `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled` is set to
//!   `false` explicitly (or [`ImdsCredentialsProviderBuilder::imdsv1_fallback`]): unset means
//!   IMDSv2 only, as in aws-config. **Static stability**: when IMDS cannot be used, or returns
//!   credentials that have already expired, the last credentials it returned keep being served
//!   with their expiry moved 10 to 15 minutes ahead (jittered), and a `tracing` warning says
//!   so; with the default 5-minute refresh window IMDS is asked again 5 to 10 minutes later.
//! - [`DefaultCredentialsChain`], in aws-config's and botocore's order:
//!   1. environment variables (`AWS_ACCESS_KEY_ID`, ..., `AWS_ACCOUNT_ID`);
//!   2. the selected profile (`AWS_PROFILE`, else `default`) with everything a profile can name
//!      (above). A profile that is missing (`default` only), or has no credential settings,
//!      passes to the next link; a profile that exists but is wrong is an error, so a broken
//!      profile the user chose never silently yields to a pod's role;
//!   3. web identity from the environment (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`);
//!   4. the container endpoint;
//!   5. EC2 instance metadata.
//!
//!   When none has credentials the error lists what was tried and why each declined. The
//!   container and instance-metadata links share their state (session token, last credentials)
//!   with the profile's `credential_source`, and use the chain's `Config::http_client` when it has
//!   one; every variable and file is read through the chain's [`Env`](stsgen_runtime::config::Env).
//!   Off EC2, `AWS_EC2_METADATA_DISABLED=true` saves the chain the instance-metadata attempts
//!   when nothing else has credentials.
//! - [`ConfigLoader`](crate::ConfigLoader): a [`Config`](sts::Config) from the environment and the selected profile (`region`,
//!   `endpoint_url`, `sts_regional_endpoints`, ...) with the default chain as its credentials.
//!
//! Credentials carry the account id when the source says it (`AWS_ACCOUNT_ID`,
//! `aws_account_id`, `AccountId` from a container or `credential_process`, the account of the
//! role ARN in an STS response): [`Credentials::account_id`](stsgen_runtime::credentials::Credentials::account_id).
//!
//! Every provider here caches its credentials ([`CachingProvider`](stsgen_runtime::credentials::cache::CachingProvider)): it refreshes ahead of expiry
//! (default 5 minutes), runs one STS call however many callers wait, keeps serving credentials
//! that are still valid when a refresh fails (and retries it with backoff), and gives callers the
//! error once they have expired.
//!
//! The STS calls go through the async [`Client`](sts::Client) when the caller runs inside a
//! tokio runtime, and through the blocking client (feature `blocking`) otherwise, so the same
//! provider serves both clients; the container and instance-metadata requests likewise use the
//! async or the blocking transport (never a proxy), or the `http_client` they were given.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use std::time::Duration;
//! use stsgen_config::credentials::{AssumeRoleProvider, MfaTokenSource};
//! use stsgen_config::ConfigLoader;
//!
//! // Region, endpoint and credentials as the AWS SDKs read them, for a named profile.
//! let config = ConfigLoader::new().profile_name("dev").load()?;
//! let client = sts::Client::new(config.clone())?;
//!
//! // A role assumed with the profile's credentials, MFA asked once per refresh.
//! let deploy = AssumeRoleProvider::builder("arn:aws:iam::123456789012:role/deploy")
//!     .config(config)
//!     .session_name("ci-run-42")
//!     .duration(Duration::from_secs(3600))
//!     .mfa("arn:aws:iam::123456789012:mfa/me", MfaTokenSource::new(|_serial| Ok("123456".into())))
//!     .build()?;
//!
//! // An EKS token, as `aws eks get-token` prints it.
//! use stsgen_config::presign::PresignClient;
//! let token = client.eks_token("my-cluster").await?;
//! println!("{}", token.exec_credential_json());
//! # let _ = deploy; Ok(()) }
//! ```

#[macro_use]
mod common;
mod assume_role;
mod container;
mod default_chain;
mod imds;
#[cfg(feature = "login")]
mod login;
#[cfg(all(test, any(feature = "sso", feature = "login")))]
mod local_only;
mod metadata_http;
mod profile_provider;
mod role_request;
mod session_token;
pub mod sso;
mod web_identity;

pub use assume_role::{AssumeRoleProvider, AssumeRoleProviderBuilder};
pub use common::{MfaTokenSource, DEFAULT_LOAD_TIMEOUT, DEFAULT_MFA_LOAD_TIMEOUT};
pub use container::{
    ContainerCredentialsProvider, ContainerCredentialsProviderBuilder, DEFAULT_CONTAINER_ATTEMPTS,
    DEFAULT_CONTAINER_CONNECT_TIMEOUT, DEFAULT_CONTAINER_READ_TIMEOUT,
};
pub use default_chain::{DefaultCredentialsChain, DefaultCredentialsChainBuilder};
pub use imds::{
    ImdsCredentialsProvider, ImdsCredentialsProviderBuilder, DEFAULT_IMDS_ATTEMPTS,
    DEFAULT_IMDS_TIMEOUT, IMDS_IPV4_ENDPOINT, IMDS_IPV6_ENDPOINT,
};
#[cfg(feature = "login")]
pub use login::{LoginProvider, LoginProviderBuilder};
pub use profile_provider::{ProfileProvider, ProfileProviderBuilder};
pub use session_token::{SessionTokenProvider, SessionTokenProviderBuilder};
pub use sso::{SsoCredentialsProvider, SsoCredentialsProviderBuilder};
pub use web_identity::{WebIdentityProvider, WebIdentityProviderBuilder};

pub(crate) use common::invalid;
