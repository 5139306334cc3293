//! An ordered chain of providers.
//!
//! [`ProviderChain`] asks each provider in turn: [`CredentialsError::NotLoaded`] moves on to the
//! next; credentials or any other error end the search. When every provider declines, the error
//! lists each one and its reason.

use std::sync::Arc;

use super::provider::{
    Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider,
};
use crate::future::BoxFuture;

/// Providers asked in order until one has credentials (see the [module docs](self)).
#[derive(Debug, Clone, Default)]
pub struct ProviderChain {
    providers: Vec<SharedCredentialsProvider>,
}

impl ProviderChain {
    /// The name used in the chain's own errors.
    pub const NAME: &'static str = "chain";

    /// An empty chain (which never has credentials).
    pub fn new() -> Self {
        ProviderChain::default()
    }

    /// A chain starting with `provider`.
    pub fn first_try(provider: impl ProvideCredentials + 'static) -> Self {
        ProviderChain::new().or_else(provider)
    }

    /// Adds `provider` after the others.
    pub fn or_else(self, provider: impl ProvideCredentials + 'static) -> Self {
        self.or_else_shared(Arc::new(provider))
    }

    /// Adds a shared provider after the others.
    pub fn or_else_shared(mut self, provider: SharedCredentialsProvider) -> Self {
        self.providers.push(provider);
        self
    }

    /// The providers, in order.
    pub fn providers(&self) -> &[SharedCredentialsProvider] {
        &self.providers
    }

    async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let mut declined = Vec::with_capacity(self.providers.len());
        for provider in &self.providers {
            match provider.provide_credentials().await {
                Ok(creds) => return Ok(creds),
                Err(CredentialsError::NotLoaded { provider, reason }) => {
                    declined.push(format!("{provider}: {reason}"))
                }
                Err(other) => return Err(other),
            }
        }
        let reason = if declined.is_empty() {
            "the chain has no providers".to_owned()
        } else {
            format!("no provider had credentials; tried {}", declined.join("; "))
        };
        Err(CredentialsError::NotLoaded {
            provider: Self::NAME,
            reason,
        })
    }
}

impl ProvideCredentials for ProviderChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.resolve())
    }

    fn name(&self) -> &'static str {
        Self::NAME
    }
}
