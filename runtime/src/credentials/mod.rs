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
