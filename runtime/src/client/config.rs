//! Client configuration, from code and from the environment variables every AWS SDK reads.

use std::sync::Arc;
use std::time::Duration;

use crate::client::retry::RetryConfig;
use crate::client::transport::HttpClient;
use crate::credentials::{CredentialsError, SharedCredentialsProvider};
use crate::profile::Env;

/// Timeouts; `None` disables one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutConfig {
    /// Connecting (TCP + TLS).
    pub connect: Option<Duration>,
    /// One attempt: sending the request and reading the whole response.
    pub attempt: Option<Duration>,
    /// The whole operation, retries and backoff included.
    pub operation: Option<Duration>,
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        TimeoutConfig {
            connect: Some(Duration::from_millis(3100)),
            attempt: Some(Duration::from_secs(30)),
            operation: Some(Duration::from_secs(90)),
        }
    }
}

/// Whether STS-style services use their global endpoint for legacy regions
/// (`AWS_<SERVICE>_REGIONAL_ENDPOINTS=legacy|regional`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegionalEndpoints {
    /// Regional endpoints (the default of current SDKs).
    #[default]
    Regional,
    /// The global endpoint for the regions that had it.
    Legacy,
}

/// Everything a generated client needs besides its model.
#[derive(Clone, Debug, Default)]
pub struct ClientConfig {
    /// The region (`AWS_REGION`, else `AWS_DEFAULT_REGION`).
    pub region: Option<String>,
    /// An endpoint URL that overrides resolution (`AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
    /// FIPS endpoints (`AWS_USE_FIPS_ENDPOINT`).
    pub use_fips: bool,
    /// Dual-stack endpoints (`AWS_USE_DUALSTACK_ENDPOINT`).
    pub use_dual_stack: bool,
    /// Global or regional endpoints for services that have both.
    pub regional_endpoints: RegionalEndpoints,
    /// Where credentials come from; `None` only works for unsigned operations.
    pub credentials: Option<SharedCredentialsProvider>,
    /// Retries.
    pub retry: RetryConfig,
    /// Timeouts.
    pub timeouts: TimeoutConfig,
    /// The largest response body read (default 10 MiB).
    pub max_response_body: usize,
    /// The transport; the default HTTPS client when `None`.
    pub http_client: Option<Arc<dyn HttpClient>>,
    /// Appended to the `user-agent`.
    pub app_name: Option<String>,
}

/// The default response body cap.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 10 * 1024 * 1024;

/// Reads `name` from `env`; a non-UTF-8 value is an error naming the variable.
fn env_text(env: &dyn Env, name: &str) -> Result<Option<String>, CredentialsError> {
    env.var(name).map_err(|e| CredentialsError::InvalidConfiguration { provider: "configuration", reason: e.to_string() })
}

fn env_bool(env: &dyn Env, name: &str) -> Result<bool, CredentialsError> {
    match env_text(env, name)? {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(CredentialsError::InvalidConfiguration {
            provider: "configuration",
            reason: format!("environment variable {name} must be `true` or `false`"),
        }),
    }
}

impl ClientConfig {
    /// Defaults with nothing read from the environment.
    pub fn new() -> Self {
        ClientConfig { max_response_body: DEFAULT_MAX_RESPONSE_BODY, ..Default::default() }
    }

    /// Reads the standard variables for the service with this `serviceId` (`STS` ->
    /// `AWS_ENDPOINT_URL_STS`, `AWS_STS_REGIONAL_ENDPOINTS`). Credentials are not read here.
    ///
    /// # Errors
    /// A variable that is not UTF-8 or has an invalid value, named in the error.
    pub fn from_env(service_id: &str) -> Result<Self, CredentialsError> {
        Self::from_env_with(service_id, &crate::profile::ProcessEnv)
    }

    /// [`from_env`](Self::from_env) with the variables read from `env` (the process, or memory
    /// in tests).
    ///
    /// # Errors
    /// A variable that is not UTF-8 or has an invalid value, named in the error.
    pub fn from_env_with(service_id: &str, vars: &dyn Env) -> Result<Self, CredentialsError> {
        let env = |name: &str| env_text(vars, name);
        let env_bool = |name: &str| env_bool(vars, name);
        let service = service_id.to_ascii_uppercase().replace([' ', '-'], "_");
        let mut cfg = ClientConfig::new();
        cfg.region = env("AWS_REGION")?.or(env("AWS_DEFAULT_REGION")?);
        cfg.endpoint_url = env(&format!("AWS_ENDPOINT_URL_{service}"))?.or(env("AWS_ENDPOINT_URL")?);
        cfg.use_fips = env_bool("AWS_USE_FIPS_ENDPOINT")?;
        cfg.use_dual_stack = env_bool("AWS_USE_DUALSTACK_ENDPOINT")?;
        let regional = format!("AWS_{service}_REGIONAL_ENDPOINTS");
        cfg.regional_endpoints = match env(&regional)?.as_deref() {
            None | Some("regional") => RegionalEndpoints::Regional,
            Some("legacy") => RegionalEndpoints::Legacy,
            Some(_) => {
                return Err(CredentialsError::InvalidConfiguration {
                    provider: "configuration",
                    reason: format!("environment variable {regional} must be `legacy` or `regional`"),
                })
            }
        };
        if let Some(n) = env("AWS_MAX_ATTEMPTS")? {
            cfg.retry.max_attempts = n.parse().ok().filter(|n| *n >= 1).ok_or_else(|| CredentialsError::InvalidConfiguration {
                provider: "configuration",
                reason: "environment variable AWS_MAX_ATTEMPTS must be a positive integer".to_owned(),
            })?;
        }
        Ok(cfg)
    }
}
