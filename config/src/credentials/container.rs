//! Container credentials (ECS, Fargate, EKS Pod Identity): [`ContainerCredentialsProvider`].

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use stsgen_runtime::client::{HttpClient, HttpResponse};
use stsgen_runtime::config::{Env, ProcessEnv};
use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stsgen_runtime::future::BoxFuture;
use stsgen_runtime::http;

use super::common::{cached, invalid, CacheSettings, DEFAULT_LOAD_TIMEOUT};
use super::metadata_http::{
    error_body, parse_credentials, resolve, DocumentError, MetadataHttp, NoAnswer, Timeouts,
};

/// The provider name in credentials and errors.
pub(crate) const PROVIDER: &str = "container";

/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is a path on this host (the ECS agent).
const ECS_HOST: &str = "http://169.254.170.2";
const RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// The default connect timeout.
pub const DEFAULT_CONTAINER_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The default read timeout.
pub const DEFAULT_CONTAINER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The default number of attempts (a 5xx response or a connection failure is tried again).
pub const DEFAULT_CONTAINER_ATTEMPTS: u32 = 3;

/// Loads container credentials once; uncached.
pub(crate) struct ContainerLoader {
    pub(crate) env: Arc<dyn Env>,
    pub(crate) http: MetadataHttp,
    pub(crate) timeouts: Timeouts,
    pub(crate) attempts: u32,
}

impl fmt::Debug for ContainerLoader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerLoader")
            .field("env", &self.env)
            .field("timeouts", &self.timeouts)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// Whether a plain-HTTP full URI may point at this address: loopback, the ECS agent
/// (169.254.170.2) or the EKS Pod Identity agent (169.254.170.23, fd00:ec2::23).
fn allowed_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4 == Ipv4Addr::new(169, 254, 170, 2)
                || v4 == Ipv4Addr::new(169, 254, 170, 23)
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23)
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| allowed_ip(IpAddr::V4(v4)))
        }
    }
}

impl ContainerLoader {
    pub(crate) fn new(env: Arc<dyn Env>, http_client: Option<Arc<dyn HttpClient>>) -> Self {
        ContainerLoader {
            env,
            http: MetadataHttp::new(http_client),
            timeouts: Timeouts {
                connect: DEFAULT_CONTAINER_CONNECT_TIMEOUT,
                read: DEFAULT_CONTAINER_READ_TIMEOUT,
            },
            attempts: DEFAULT_CONTAINER_ATTEMPTS,
        }
    }

    fn var(&self, name: &str) -> Result<Option<String>, CredentialsError> {
        self.env.var(name).map_err(|e| invalid(PROVIDER, e))
    }

    /// The endpoint, checked as far as it can be without name resolution, and the host name a
    /// plain-HTTP full URI names, which must resolve only to allowed addresses; `NotLoaded` when
    /// neither variable is set.
    fn endpoint(&self) -> Result<(http::Uri, Option<String>), CredentialsError> {
        if let Some(relative) = self.var(RELATIVE_URI)? {
            let sep = if relative.starts_with('/') { "" } else { "/" };
            let full = format!("{ECS_HOST}{sep}{relative}");
            return match full.parse() {
                Ok(uri) => Ok((uri, None)),
                Err(_) => Err(invalid(
                    PROVIDER,
                    format!("{RELATIVE_URI} `{relative}` is not a valid URI path"),
                )),
            };
        }
        let Some(full) = self.var(FULL_URI)? else {
            return Err(CredentialsError::NotLoaded {
                provider: PROVIDER,
                reason: format!("neither {RELATIVE_URI} nor {FULL_URI} is set"),
            });
        };
        let uri: http::Uri = full
            .parse()
            .map_err(|_| invalid(PROVIDER, format!("{FULL_URI} `{full}` is not a valid URI")))?;
        match uri.scheme_str() {
            Some("https") => return Ok((uri, None)),
            Some("http") => {}
            _ => {
                return Err(invalid(
                    PROVIDER,
                    format!("{FULL_URI} `{full}` must start with http:// or https://"),
                ))
            }
        }
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid(PROVIDER, format!("{FULL_URI} `{full}` has no host")))?;
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        match bare.parse::<IpAddr>() {
            Ok(ip) if allowed_ip(ip) => Ok((uri, None)),
            Ok(_) => Err(refused(&uri, "is not allowed".to_owned())),
            Err(_) => {
                let bare = bare.to_owned();
                Ok((uri, Some(bare)))
            }
        }
    }
    /// The `Authorization` value: the token file (read at every load) over the variable.
    fn authorization(&self) -> Result<Option<String>, CredentialsError> {
        let (token, from) = if let Some(file) = self.var(TOKEN_FILE)? {
            let bytes = self.env.read_file(Path::new(&file)).map_err(|e| {
                CredentialsError::ProviderError {
                    provider: PROVIDER,
                    reason: format!(
                        "reading the authorization token file {file} ({TOKEN_FILE}): {e}"
                    ),
                }
            })?;
            let text = String::from_utf8(bytes).map_err(|_| {
                invalid(
                    PROVIDER,
                    format!("the authorization token file {file} ({TOKEN_FILE}) is not UTF-8"),
                )
            })?;
            (text, format!("the file {file} ({TOKEN_FILE})"))
        } else if let Some(token) = self.var(TOKEN)? {
            (token, TOKEN.to_owned())
        } else {
            return Ok(None);
        };
        let token = token.trim();
        if token.is_empty() {
            return Err(invalid(
                PROVIDER,
                format!("the authorization token from {from} is empty"),
            ));
        }
        if token.chars().any(|c| c.is_control()) {
            return Err(invalid(PROVIDER, format!("the authorization token from {from} contains a line break or control character")));
        }
        Ok(Some(token.to_owned()))
    }

    pub(crate) async fn load(&self) -> Result<Credentials, CredentialsError> {
        let (uri, host) = self.endpoint()?;
        if let Some(host) = host {
            let ips = resolve(&host, uri.port_u16().unwrap_or(80)).await;
            check_resolved(&uri, ips)?;
        }
        let auth = self.authorization()?;
        let mut headers = vec![("accept", "application/json")];
        if let Some(auth) = &auth {
            headers.push(("authorization", auth.as_str()));
        }
        let attempts = self.attempts.max(1);
        let get = http::Method::GET;
        let answer = self
            .http
            .exchange(&get, &uri, &headers, self.timeouts, attempts, true)
            .await;
        credentials(&uri, attempts, answer)
    }
}

/// Refuses a plain-HTTP full URI to a host that is not allowed.
fn refused(uri: &http::Uri, why: String) -> CredentialsError {
    let host = uri.host().unwrap_or_default();
    invalid(
        PROVIDER,
        format!(
            "{FULL_URI} uses plain HTTP to host `{host}`, which {why}; plain HTTP is only allowed to loopback, \
             169.254.170.2, 169.254.170.23 or fd00:ec2::23 (use https:// for any other host)"
        ),
    )
}

/// Whether the addresses a plain-HTTP full URI's host resolved to are all allowed.
fn check_resolved(
    uri: &http::Uri,
    ips: Result<Vec<IpAddr>, String>,
) -> Result<(), CredentialsError> {
    let ips = ips.map_err(|e| refused(uri, format!("could not be resolved ({e})")))?;
    match ips.iter().find(|ip| !allowed_ip(**ip)) {
        Some(bad) => Err(refused(uri, format!("resolves to {bad}"))),
        None => Ok(()),
    }
}

/// The credentials of the endpoint's answer, or why there are none.
fn credentials(
    uri: &http::Uri,
    attempts: u32,
    answer: Result<HttpResponse, NoAnswer>,
) -> Result<Credentials, CredentialsError> {
    let failed = |reason: String| CredentialsError::ProviderError {
        provider: PROVIDER,
        reason: format!("{uri}: {reason}"),
    };
    match answer {
        Ok(r) if (200..300).contains(&r.status) => {
            parse_credentials(&r.body, PROVIDER).map_err(|e| match e {
                DocumentError::Code(code, message) => failed(format!(
                    "{code}: {}",
                    message.as_deref().unwrap_or("no message")
                )),
                DocumentError::Bad(why) => failed(why),
            })
        }
        Ok(r) => Err(failed(format!(
            "HTTP {} ({})",
            r.status,
            error_body(&r.body)
        ))),
        Err(NoAnswer::Request) => Err(failed("could not build the request".to_owned())),
        Err(NoAnswer::Transport(e)) => Err(failed(e.to_string())),
        Err(NoAnswer::Exhausted(last)) => {
            Err(failed(format!("{last} (after {attempts} attempts)")))
        }
    }
}

impl ProvideCredentials for ContainerLoader {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn name(&self) -> &'static str {
        PROVIDER
    }
}

/// Credentials from the container credentials endpoint (see the [module docs](crate::credentials)):
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on the ECS agent (`http://169.254.170.2`), else
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (https, or plain HTTP only to loopback and the ECS and
/// EKS Pod Identity agents' addresses, checked before any request), with the `Authorization`
/// token of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at every refresh) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
#[derive(Debug)]
pub struct ContainerCredentialsProvider {
    cache: CachingProvider,
}

provider_impl!(ContainerCredentialsProvider, "container");

impl ContainerCredentialsProvider {
    /// A builder reading the process environment.
    pub fn builder() -> ContainerCredentialsProviderBuilder {
        ContainerCredentialsProviderBuilder {
            loader: ContainerLoader::new(Arc::new(ProcessEnv), None),
            cache: CacheSettings::default(),
        }
    }
}

/// Builds a [`ContainerCredentialsProvider`].
#[derive(Debug)]
pub struct ContainerCredentialsProviderBuilder {
    loader: ContainerLoader,
    cache: CacheSettings,
}

impl ContainerCredentialsProviderBuilder {
    /// Where variables and the token file are read from (default: the process and the file system).
    pub fn env(mut self, env: Arc<dyn Env>) -> Self {
        self.loader.env = env;
        self
    }

    /// The transport (default: the crate's HTTP client, never through a proxy).
    pub fn http_client(mut self, client: Arc<dyn HttpClient>) -> Self {
        self.loader.http = MetadataHttp::new(Some(client));
        self
    }

    /// The connect timeout of one attempt (default 2 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.loader.timeouts.connect = timeout;
        self
    }

    /// How long one attempt may wait for the response after connecting (default 5 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.loader.timeouts.read = timeout;
        self
    }

    /// How many attempts a load makes when the endpoint answers 5xx or cannot be reached
    /// (default 3; at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.loader.attempts = attempts.max(1);
        self
    }

    /// How long before expiry credentials are refreshed (default 5 minutes).
    pub fn refresh_ahead(mut self, window: Duration) -> Self {
        self.cache.refresh_ahead = window;
        self
    }

    /// How long one load may take, attempts included (default 30 s).
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.cache.load_timeout = Some(timeout);
        self
    }

    /// The provider.
    pub fn build(self) -> ContainerCredentialsProvider {
        let timeout = self.cache.load_timeout.unwrap_or(DEFAULT_LOAD_TIMEOUT);
        ContainerCredentialsProvider {
            cache: cached(self.loader, self.cache.refresh_ahead, timeout),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_addresses() {
        for ok in [
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "169.254.170.2",
            "169.254.170.23",
            "fd00:ec2::23",
            "::ffff:127.0.0.1",
        ] {
            assert!(allowed_ip(ok.parse().unwrap()), "{ok}");
        }
        for bad in [
            "169.254.169.254",
            "10.0.0.1",
            "8.8.8.8",
            "fd00:ec2::254",
            "169.254.170.3",
            "::",
        ] {
            assert!(!allowed_ip(bad.parse().unwrap()), "{bad}");
        }
    }
}
