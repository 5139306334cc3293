//! Everything about credentials: what they are, the provider trait, and the providers that
//! need no service call: fixed keys, the environment, a profile's keys and role chain plan,
//! `credential_process`, a chain of providers and a refreshing cache in front of any of them,
//! and the client's notion of the service's time ([`ServiceClock`]) that expiry is judged by.
//! Providers that call a service (assume-role, web identity, SSO) live in that service's crate
//! and implement [`ProvideCredentials`].

pub mod cache;
pub mod chain;
mod clock;
mod environment;
pub mod process;
pub mod profile;
mod provider;

pub use clock::{Learned, ServiceClock, MAX_CLOCK_OFFSET, MIN_CLOCK_CORRECTION};
pub use environment::{env_var, EnvironmentCredentials};
pub use provider::{
    Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider, StaticCredentials,
};

/// A request without a body, as the credential providers of service crates send to metadata
/// endpoints (container, instance metadata): `method`, `uri` and `headers` (names in lower
/// case); `None` when a value is not a header value. Built here, where the client builds its
/// requests, so that programs hold one copy of the header map's insertion code.
pub fn bodiless_request(
    method: &http::Method,
    uri: &http::Uri,
    headers: &[(&'static str, &str)],
) -> Option<http::Request<Vec<u8>>> {
    let mut request = http::Request::new(Vec::new());
    *request.method_mut() = method.clone();
    *request.uri_mut() = uri.clone();
    for (name, value) in headers {
        let value = http::HeaderValue::from_str(value).ok()?;
        request
            .headers_mut()
            .insert(http::header::HeaderName::from_static(name), value);
    }
    Some(request)
}
