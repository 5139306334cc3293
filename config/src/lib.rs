//! Credentials and configuration for stsgen-generated AWS clients: what `aws-config` is to
//! the `aws-sdk-*` crates, hand-written next to the generated [`sts`] crate.
//!
//! ## Quick start
//!
//! ```toml
//! [dependencies]
//! sts = { path = "generated/sts" }
//! stsgen-config = { path = "config" }
//! tokio = { version = "1", features = ["rt", "macros"] }
//! ```
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! // Region, endpoint and credentials as the AWS SDKs read them: the environment, then the
//! // profile (`AWS_PROFILE` or `default`) of ~/.aws/config and ~/.aws/credentials.
//! use sts::operation::get_session_token::GetSessionTokenError;
//! use sts::runtime::error::SdkError;
//!
//! let config = stsgen_config::load_from_env()?;
//! let client = sts::Client::new(config)?;
//!
//! let me = client.get_caller_identity().send().await?;
//! println!("{}", me.arn().unwrap_or_default());
//!
//! // Errors are typed: the operation's modeled errors are variants of its error enum.
//! match client.get_session_token().send().await {
//!     Ok(output) => println!("{output:?}"),
//!     Err(SdkError::Service { error: GetSessionTokenError::RegionDisabledException(e), .. }) => {
//!         eprintln!("STS is not activated in this region: {e}")
//!     }
//!     Err(SdkError::Service { error, .. }) => eprintln!("STS said no: {error}"),
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(()) }
//! ```
//!
//! ## What is here
//!
//! - [`credentials`]: the providers that call STS ([`AssumeRoleProvider`](credentials::AssumeRoleProvider),
//!   [`WebIdentityProvider`](credentials::WebIdentityProvider),
//!   [`SessionTokenProvider`](credentials::SessionTokenProvider)), named profiles
//!   ([`ProfileProvider`](credentials::ProfileProvider)) and the default chain
//!   ([`DefaultCredentialsChain`](credentials::DefaultCredentialsChain)), all cached and
//!   refreshed ahead of expiry; [`ConfigLoader`] builds a client configuration from the
//!   environment and a profile with the default chain as its credentials.
//! - [`presign`]: presigned `GetCallerIdentity` URLs, EKS tokens, and RDS and Aurora DSQL database tokens.
//!
//! The service-agnostic parts these build on (the credentials type, caching, the environment
//! and profile-file readers, SigV4) are in the runtime ([`stsgen_runtime`]). The `sts`
//! command-line tool is the `stsgen-cli` package in `config/cli`
//! (`cargo install --path config/cli`).

#![deny(missing_docs)]

pub mod credentials;
mod loader;
pub mod presign;
pub mod private_file;

pub use loader::ConfigLoader;

/// The client configuration of the environment and the selected profile, with the default
/// credentials chain: what `aws_config::load_from_env()` gives an `aws-sdk-*` client.
///
/// # Errors
/// A setting that cannot be read (named in the error), or a profile that does not exist.
pub fn load_from_env() -> Result<sts::Config, stsgen_runtime::credentials::CredentialsError> {
    ConfigLoader::new().load()
}
