//! Client configuration, from code and from the environment variables every AWS SDK reads.

use std::sync::Arc;
use std::time::Duration;

use super::pool::PoolConfig;
use super::proxy::ProxyConfig;
use super::retry::RetryConfig;
use super::tls::CaBundle;
use super::transport::HttpClient;
use crate::config::{Env, ProcessEnv, ProfileError, ProfileSet};
use crate::credentials::{CredentialsError, ServiceClock, SharedCredentialsProvider};

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
///
/// [`Default`] and [`new`](Self::new) are the same configuration (a 10 MiB response-body
/// cap, default retries and timeouts, nothing read from the environment), so
/// `Config { region: .., ..Default::default() }` works.
#[derive(Debug)]
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
    /// The service's time as the client sees it, corrected from skew errors; signing and the
    /// credential-expiry check use it. Give a clone to a
    /// [`CachingProvider`](crate::credentials::cache::CachingProvider::service_clock) so it
    /// judges expiry by the same time. Clones of the configuration share it. Its local time is
    /// the system clock unless set ([`ServiceClock::fixed`] for tests that replay recordings).
    pub clock: ServiceClock,
    /// HTTP proxies of the default transports (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`).
    pub proxy: ProxyConfig,
    /// Certificate authorities the default transports trust besides the system's roots
    /// (`AWS_CA_BUNDLE`, else the profile's `ca_bundle`).
    pub ca_bundle: Option<CaBundle>,
    /// Connection limits of the default transports (64 open connections per endpoint).
    pub connections: PoolConfig,
}

// Written out rather than derived: a derived `clone` is `#[inline]` and compiled again in every
// crate that clones a configuration; this one is compiled once, here.
impl Clone for ClientConfig {
    fn clone(&self) -> Self {
        ClientConfig {
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            regional_endpoints: self.regional_endpoints,
            credentials: self.credentials.clone(),
            retry: self.retry,
            timeouts: self.timeouts,
            max_response_body: self.max_response_body,
            http_client: self.http_client.clone(),
            app_name: self.app_name.clone(),
            clock: self.clock.clone(),
            proxy: self.proxy.clone(),
            ca_bundle: self.ca_bundle.clone(),
            connections: self.connections,
        }
    }
}

/// The default response body cap.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 10 * 1024 * 1024;

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            region: None,
            endpoint_url: None,
            use_fips: false,
            use_dual_stack: false,
            regional_endpoints: RegionalEndpoints::default(),
            credentials: None,
            retry: RetryConfig::default(),
            timeouts: TimeoutConfig::default(),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            http_client: None,
            app_name: None,
            clock: ServiceClock::new(),
            proxy: ProxyConfig::none(),
            ca_bundle: None,
            connections: PoolConfig::default(),
        }
    }
}

/// Reads `name` from `env`; a non-UTF-8 value is an error naming the variable.
fn env_text(env: &dyn Env, name: &str) -> Result<Option<String>, CredentialsError> {
    env.var(name)
        .map_err(|e| CredentialsError::InvalidConfiguration {
            provider: "configuration",
            reason: e.to_string(),
        })
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
        Self::default()
    }

    /// Reads the standard variables for the service with this `serviceId` (`STS` ->
    /// `AWS_ENDPOINT_URL_STS`, `AWS_STS_REGIONAL_ENDPOINTS`), the proxy variables
    /// (`https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY`, `no_proxy`/`NO_PROXY`) and
    /// `AWS_CA_BUNDLE` (read and checked now). Credentials are not read here.
    ///
    /// # Errors
    /// A variable that is not UTF-8 or has an invalid value, named in the error; an
    /// unreadable CA bundle or one without certificates, naming the file.
    pub fn from_env(service_id: &str) -> Result<Self, CredentialsError> {
        Self::from_env_with(service_id, &ProcessEnv)
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
        cfg.endpoint_url =
            env(&format!("AWS_ENDPOINT_URL_{service}"))?.or(env("AWS_ENDPOINT_URL")?);
        cfg.use_fips = env_bool("AWS_USE_FIPS_ENDPOINT")?;
        cfg.use_dual_stack = env_bool("AWS_USE_DUALSTACK_ENDPOINT")?;
        let regional = format!("AWS_{service}_REGIONAL_ENDPOINTS");
        cfg.regional_endpoints = match env(&regional)?.as_deref() {
            None | Some("regional") => RegionalEndpoints::Regional,
            Some("legacy") => RegionalEndpoints::Legacy,
            Some(_) => {
                return Err(CredentialsError::InvalidConfiguration {
                    provider: "configuration",
                    reason: format!(
                        "environment variable {regional} must be `legacy` or `regional`"
                    ),
                })
            }
        };
        cfg.proxy =
            ProxyConfig::from_env(vars).map_err(|e| CredentialsError::InvalidConfiguration {
                provider: "configuration",
                reason: e.to_string(),
            })?;
        if let Some(path) = env("AWS_CA_BUNDLE")? {
            let bundle = CaBundle::load(vars, std::path::Path::new(&path)).map_err(|e| {
                CredentialsError::InvalidConfiguration {
                    provider: "configuration",
                    reason: format!("environment variable AWS_CA_BUNDLE: {e}"),
                }
            })?;
            cfg.ca_bundle = Some(bundle);
        }
        if let Some(n) = env("AWS_MAX_ATTEMPTS")? {
            cfg.retry.max_attempts = n.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                CredentialsError::InvalidConfiguration {
                    provider: "configuration",
                    reason: "environment variable AWS_MAX_ATTEMPTS must be a positive integer"
                        .to_owned(),
                }
            })?;
        }
        Ok(cfg)
    }
}

/// What the configuration says of a service's endpoint URL below the environment variables.
enum ProfileEndpoint<'a> {
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or `ignore_configured_endpoint_urls` is `true`.
    Ignored,
    /// From the profile's `[services]` section for the service, else its `endpoint_url`, when
    /// neither `AWS_ENDPOINT_URL_<SERVICE>` nor `AWS_ENDPOINT_URL` is set.
    Url(&'a str),
    /// Nothing below the environment (which may set it).
    Unset,
}

/// The profile key that turns configured endpoint URLs off.
const IGNORE_KEY: &str = "ignore_configured_endpoint_urls";

/// The profile's part of [`configured_endpoint_url`].
fn profile_endpoint_url<'a>(
    set: &'a ProfileSet,
    name: &str,
    service_id: &str,
    env: &dyn Env,
) -> Result<ProfileEndpoint<'a>, ProfileError> {
    let profile = set.get(name);
    let ignore = match env.var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")? {
        Some(v) => v.eq_ignore_ascii_case("true"),
        None => match profile.and_then(|p| Some((p, p.get(IGNORE_KEY)?))) {
            None => false,
            Some((_, v)) if v.eq_ignore_ascii_case("true") => true,
            Some((_, v)) if v.eq_ignore_ascii_case("false") => false,
            Some((profile, v)) => {
                let key = IGNORE_KEY;
                return Err(ProfileError::InvalidValue {
                    profile: profile.name().to_owned(),
                    key: key.to_owned(),
                    location: profile.location(key).cloned(),
                    reason: format!("must be `true` or `false`, not `{v}`"),
                });
            }
        },
    };
    if ignore {
        return Ok(ProfileEndpoint::Ignored);
    }
    let upper = service_id.to_ascii_uppercase().replace([' ', '-'], "_");
    let (Some(profile), None, None) = (
        profile,
        env.var(&format!("AWS_ENDPOINT_URL_{upper}"))?,
        env.var("AWS_ENDPOINT_URL")?,
    ) else {
        return Ok(ProfileEndpoint::Unset);
    };
    let from_services = profile
        .services()
        .and_then(|section| set.services(section))
        .and_then(|section| section.sub_property(&upper.to_ascii_lowercase(), "endpoint_url"));
    Ok(from_services
        .or(profile.endpoint_url())
        .map_or(ProfileEndpoint::Unset, ProfileEndpoint::Url))
}

/// The endpoint URL configured for the service with this `serviceId` (`SSO OIDC` ->
/// `AWS_ENDPOINT_URL_SSO_OIDC` and the `sso_oidc` entry of a `[services]` section), for
/// profile `name` of `set`, with the SDKs' precedence: `AWS_ENDPOINT_URL_<SERVICE>`,
/// `AWS_ENDPOINT_URL`, the profile's `[services]` section entry for the service, the profile's
/// `endpoint_url`; none at all when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (else the profile's
/// `ignore_configured_endpoint_urls`) is `true`. A missing profile leaves the environment.
///
/// # Errors
/// A variable that is not UTF-8; an `ignore_configured_endpoint_urls` that is not a boolean.
pub fn configured_endpoint_url(
    set: &ProfileSet,
    name: &str,
    service_id: &str,
    env: &dyn Env,
) -> Result<Option<String>, ProfileError> {
    let upper = service_id.to_ascii_uppercase().replace([' ', '-'], "_");
    Ok(match profile_endpoint_url(set, name, service_id, env)? {
        ProfileEndpoint::Ignored => None,
        ProfileEndpoint::Url(url) => Some(url.to_owned()),
        ProfileEndpoint::Unset => env
            .var(&format!("AWS_ENDPOINT_URL_{upper}"))?
            .or(env.var("AWS_ENDPOINT_URL")?),
    })
}

/// Applies the client settings of profile `name` in `set` to `cfg`, for the service with this
/// `serviceId`, where the environment (`env`) did not already decide them, with the SDKs'
/// precedence: `region`; `endpoint_url` from the profile's `[services]` section for the
/// service, else the profile's `endpoint_url` (both below `AWS_ENDPOINT_URL_<SERVICE>` and
/// `AWS_ENDPOINT_URL`, and none when `ignore_configured_endpoint_urls = true`);
/// `<service>_regional_endpoints`; `use_fips_endpoint`; `use_dualstack_endpoint`;
/// `max_attempts`; `ca_bundle` (below `AWS_CA_BUNDLE`, read and checked here). A missing profile changes nothing.
///
/// # Errors
/// A value that cannot be used, naming the profile, the key and where it was set.
pub fn apply_to_config(
    set: &ProfileSet,
    name: &str,
    service_id: &str,
    env: &dyn Env,
    cfg: &mut ClientConfig,
) -> Result<(), ProfileError> {
    let Some(profile) = set.get(name) else {
        return Ok(());
    };
    let upper = service_id.to_ascii_uppercase().replace([' ', '-'], "_");
    let lower = upper.to_ascii_lowercase();
    let invalid = |key: &str, reason: String| ProfileError::InvalidValue {
        profile: profile.name().to_owned(),
        key: key.to_owned(),
        location: profile.location(key).cloned(),
        reason,
    };
    let flag = |key: &str| -> Result<Option<bool>, ProfileError> {
        match profile.get(key) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(invalid(
                key,
                format!("must be `true` or `false`, not `{v}`"),
            )),
        }
    };
    if env.var("AWS_REGION")?.is_none() && env.var("AWS_DEFAULT_REGION")?.is_none() {
        if let Some(region) = profile.region() {
            cfg.region = Some(region.to_owned());
        }
    }
    match profile_endpoint_url(set, name, service_id, env)? {
        ProfileEndpoint::Ignored => cfg.endpoint_url = None,
        ProfileEndpoint::Url(url) => cfg.endpoint_url = Some(url.to_owned()),
        ProfileEndpoint::Unset => {}
    }
    let regional_key = format!("{lower}_regional_endpoints");
    if env
        .var(&format!("AWS_{upper}_REGIONAL_ENDPOINTS"))?
        .is_none()
    {
        match profile.get(&regional_key) {
            None => {}
            Some("regional") => cfg.regional_endpoints = RegionalEndpoints::Regional,
            Some("legacy") => cfg.regional_endpoints = RegionalEndpoints::Legacy,
            Some(v) => {
                return Err(invalid(
                    &regional_key,
                    format!("must be `legacy` or `regional`, not `{v}`"),
                ))
            }
        }
    }
    if env.var("AWS_USE_FIPS_ENDPOINT")?.is_none() {
        if let Some(v) = flag("use_fips_endpoint")? {
            cfg.use_fips = v;
        }
    }
    if env.var("AWS_USE_DUALSTACK_ENDPOINT")?.is_none() {
        if let Some(v) = flag("use_dualstack_endpoint")? {
            cfg.use_dual_stack = v;
        }
    }
    if env.var("AWS_CA_BUNDLE")?.is_none() {
        if let Some(path) = profile.get("ca_bundle") {
            let bundle = CaBundle::load(env, std::path::Path::new(path))
                .map_err(|e| invalid("ca_bundle", e.to_string()))?;
            cfg.ca_bundle = Some(bundle);
        }
    }
    if env.var("AWS_MAX_ATTEMPTS")?.is_none() {
        if let Some(v) = profile.get("max_attempts") {
            cfg.retry.max_attempts = v.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                invalid(
                    "max_attempts",
                    format!("must be a positive integer, not `{v}`"),
                )
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MemoryEnv;

    const CONFIG: &str = "[profile dev]\nregion = eu-west-1\nservices = local\nsts_regional_endpoints = legacy\n\
                          use_fips_endpoint = true\nmax_attempts = 7\nendpoint_url = http://global.example\n\
                          [services local]\nsts =\n  endpoint_url = http://sts.example:4566\n\
                          [profile plain]\nendpoint_url = http://plain.example\n\
                          [profile bad]\nsts_regional_endpoints = sometimes\n\
                          [profile ignore]\nendpoint_url = http://plain.example\nignore_configured_endpoint_urls = true\n";

    fn apply(name: &str, env: &MemoryEnv) -> Result<ClientConfig, ProfileError> {
        let set = ProfileSet::parse(CONFIG, "").unwrap();
        let mut cfg = ClientConfig::from_env_with("STS", env).unwrap();
        apply_to_config(&set, name, "STS", env, &mut cfg).map(|()| cfg)
    }

    #[test]
    fn default_and_new_agree() {
        let (d, n) = (ClientConfig::default(), ClientConfig::new());
        assert_eq!(d.max_response_body, DEFAULT_MAX_RESPONSE_BODY);
        assert_eq!(format!("{d:?}"), format!("{n:?}"));
    }

    #[test]
    fn profile_settings_fill_what_the_environment_left_open() {
        let cfg = apply("dev", &MemoryEnv::new()).unwrap();
        assert_eq!(cfg.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            cfg.endpoint_url.as_deref(),
            Some("http://sts.example:4566"),
            "the [services] entry wins over endpoint_url"
        );
        assert_eq!(cfg.regional_endpoints, RegionalEndpoints::Legacy);
        assert!(cfg.use_fips);
        assert_eq!(cfg.retry.max_attempts, 7);
        let plain = apply("plain", &MemoryEnv::new()).unwrap();
        assert_eq!(plain.endpoint_url.as_deref(), Some("http://plain.example"));
        assert_eq!(
            apply("ignore", &MemoryEnv::new()).unwrap().endpoint_url,
            None
        );
        assert_eq!(apply("missing", &MemoryEnv::new()).unwrap().region, None);
    }

    #[test]
    fn configured_endpoint_url_of_another_service_keeps_the_sdks_order() {
        let config = "[profile p]\nendpoint_url = http://global.example\nservices = s\n\
                      [services s]\nsso_oidc =\n  endpoint_url = http://oidc.example\n\
                      [profile bad]\nignore_configured_endpoint_urls = maybe\n";
        let set = ProfileSet::parse(config, "").unwrap();
        let url = |name: &str, service: &str, env: &MemoryEnv| {
            configured_endpoint_url(&set, name, service, env).unwrap()
        };
        let none = MemoryEnv::new();
        assert_eq!(
            url("p", "SSO OIDC", &none).as_deref(),
            Some("http://oidc.example")
        );
        assert_eq!(
            url("p", "SSO", &none).as_deref(),
            Some("http://global.example")
        );
        assert_eq!(url("missing", "SSO", &none), None);
        let global = MemoryEnv::new().with_var("AWS_ENDPOINT_URL", "http://env.example");
        assert_eq!(
            url("p", "SSO OIDC", &global).as_deref(),
            Some("http://env.example")
        );
        assert_eq!(
            url("missing", "SSO", &global).as_deref(),
            Some("http://env.example")
        );
        let service = global.with_var("AWS_ENDPOINT_URL_SSO_OIDC", "http://svc.example");
        assert_eq!(
            url("p", "SSO OIDC", &service).as_deref(),
            Some("http://svc.example")
        );
        let ignored = service.with_var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
        assert_eq!(url("p", "SSO OIDC", &ignored), None);
        let e = configured_endpoint_url(&set, "bad", "SSO", &none)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("ignore_configured_endpoint_urls") && e.contains("bad"),
            "{e}"
        );
    }

    #[test]
    fn the_environment_wins_over_the_profile() {
        let env = MemoryEnv::new()
            .with_var("AWS_REGION", "us-west-2")
            .with_var("AWS_ENDPOINT_URL", "http://env.example")
            .with_var("AWS_STS_REGIONAL_ENDPOINTS", "regional")
            .with_var("AWS_USE_FIPS_ENDPOINT", "false")
            .with_var("AWS_MAX_ATTEMPTS", "2");
        let cfg = apply("dev", &env).unwrap();
        assert_eq!(cfg.region.as_deref(), Some("us-west-2"));
        assert_eq!(cfg.endpoint_url.as_deref(), Some("http://env.example"));
        assert_eq!(cfg.regional_endpoints, RegionalEndpoints::Regional);
        assert!(!cfg.use_fips);
        assert_eq!(cfg.retry.max_attempts, 2);
    }

    #[test]
    fn the_profiles_ca_bundle_is_read_and_checked_below_aws_ca_bundle() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let pem = params.self_signed(&key).unwrap().pem();
        let set = ProfileSet::parse("[profile ca]\nca_bundle = /corp/ca.pem\n[profile broken]\nca_bundle = /corp/none.pem\n", "").unwrap();
        let env = MemoryEnv::new()
            .with_file("/corp/ca.pem", pem.clone())
            .with_file("/env/ca.pem", format!("{pem}{pem}"));
        let mut cfg = ClientConfig::from_env_with("STS", &env).unwrap();
        apply_to_config(&set, "ca", "STS", &env, &mut cfg).unwrap();
        assert_eq!(
            cfg.ca_bundle
                .as_ref()
                .map(|b| (b.source(), b.certificates().len())),
            Some(("/corp/ca.pem", 1))
        );
        let e = apply_to_config(&set, "broken", "STS", &env, &mut cfg)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("ca_bundle")
                && e.contains("`/corp/none.pem`")
                && e.contains("cannot be read"),
            "{e}"
        );
        let env = env.with_var("AWS_CA_BUNDLE", "/env/ca.pem");
        let mut cfg = ClientConfig::from_env_with("STS", &env).unwrap();
        apply_to_config(&set, "broken", "STS", &env, &mut cfg).unwrap();
        assert_eq!(
            cfg.ca_bundle
                .as_ref()
                .map(|b| (b.source(), b.certificates().len())),
            Some(("/env/ca.pem", 2)),
            "AWS_CA_BUNDLE wins"
        );
    }

    #[test]
    fn defaults_bound_connections_and_use_no_proxy() {
        for cfg in [
            ClientConfig::new(),
            ClientConfig::default(),
            ClientConfig::from_env_with("STS", &MemoryEnv::new()).unwrap(),
        ] {
            assert_eq!(cfg.connections.max_connections_per_endpoint, 64);
            assert_eq!(cfg.proxy, ProxyConfig::none());
            assert!(cfg.ca_bundle.is_none());
        }
    }

    #[test]
    fn invalid_values_name_profile_key_and_line() {
        let e = apply("bad", &MemoryEnv::new()).unwrap_err().to_string();
        assert!(
            e.contains("`bad`")
                && e.contains("sts_regional_endpoints")
                && e.contains("config file line 14"),
            "{e}"
        );
    }
}
