//! Credential providers that call STS, and the default chain.
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
//!   `role_arn` + `source_profile` chains of any length, `credential_source = Environment`,
//!   `web_identity_token_file`, `credential_process`, `external_id`, `role_session_name`,
//!   `duration_seconds` and `mfa_serial`.
//! - [`DefaultCredentialsChain`]: environment variables, then web identity from the
//!   environment, then the selected profile; when none has credentials the error lists what
//!   was tried and why each declined. Adding a provider (container, instance metadata) is one
//!   more link in [`DefaultCredentialsChain`]'s [`ProviderChain`](stsgen_runtime::credentials::chain::ProviderChain).
//! - [`ConfigLoader`](crate::ConfigLoader): a [`Config`](sts::Config) from the environment and the selected profile (`region`,
//!   `endpoint_url`, `sts_regional_endpoints`, ...) with the default chain as its credentials.
//!
//! Every provider here caches its credentials ([`CachingProvider`](stsgen_runtime::credentials::cache::CachingProvider)): it refreshes ahead of expiry
//! (default 5 minutes), runs one STS call however many callers wait, keeps serving credentials
//! that are still valid when a refresh fails (and retries it with backoff), and gives callers the
//! error once they have expired.
//!
//! The STS calls go through the async [`Client`](sts::Client) when the caller runs inside a
//! tokio runtime, and through the blocking client (feature `blocking`) otherwise, so the same
//! provider serves both clients.
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
mod metadata_http;
mod profile_provider;
mod role_request;
mod session_token;
mod web_identity;

pub use assume_role::{AssumeRoleProvider, AssumeRoleProviderBuilder};
pub use container::{
    ContainerCredentialsProvider, ContainerCredentialsProviderBuilder, DEFAULT_CONTAINER_ATTEMPTS,
    DEFAULT_CONTAINER_CONNECT_TIMEOUT, DEFAULT_CONTAINER_READ_TIMEOUT,
};
pub use imds::{
    ImdsCredentialsProvider, ImdsCredentialsProviderBuilder, DEFAULT_IMDS_ATTEMPTS, DEFAULT_IMDS_TIMEOUT,
    IMDS_IPV4_ENDPOINT, IMDS_IPV6_ENDPOINT,
};
pub use common::{MfaTokenSource, DEFAULT_LOAD_TIMEOUT, DEFAULT_MFA_LOAD_TIMEOUT};
pub use default_chain::{DefaultCredentialsChain, DefaultCredentialsChainBuilder};
pub use profile_provider::{ProfileProvider, ProfileProviderBuilder};
pub use session_token::{SessionTokenProvider, SessionTokenProviderBuilder};
pub use web_identity::{WebIdentityProvider, WebIdentityProviderBuilder};

pub(crate) use common::invalid;
