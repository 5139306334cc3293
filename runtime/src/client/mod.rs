//! The service-agnostic client core: configuration, retries, timeouts, the transport trait,
//! and the orchestrator that runs one operation (credentials -> endpoint -> sign -> send ->
//! parse, with retries, clock-skew correction and bounded time). The default transports share
//! the HTTP/1.1 codec (`http1.rs`), the bounded connection pool ([`pool`]), HTTP proxies
//! ([`proxy`]) and the TLS roots with optional CA bundles ([`tls`]).
//!
//! Generated clients build the unsigned request and resolve the endpoint with their own
//! (generated) code, and call [`invoke`] with the operation's parsers.

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod config;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod http1;
pub mod pool;
pub mod proxy;
pub mod retry;
pub mod tls;
pub mod transport;

mod invoke;

pub use config::{ClientConfig, TimeoutConfig};
pub use http1::HttpResponse;
pub use invoke::{invoke, user_agent, ClientHandle, OperationCall, ParseOutputFn, ServiceError};
pub use pool::PoolConfig;
pub use proxy::{NoProxy, ProxyConfig, ProxyUrl};
pub use retry::RetryConfig;
/// The rustls version the transports use, for building a custom TLS configuration
/// ([`HttpsClient::with_tls_config`]).
pub use rustls;
pub use tls::CaBundle;
pub use transport::{HttpClient, HttpsClient};

/// Whether the calling thread runs inside a tokio runtime, where the async transport works.
/// Credential providers that call a service use this to pick the async or the blocking client.
pub fn in_async_context() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}
