//! [`Signer`]: header signing and presigning with the signing key from a [`SigningKeyCache`].

use std::time::Duration;

use crate::credentials::Credentials;

use super::key::SigningKeyCache;
use super::params::{SigningError, SigningParams};
use super::presign::presign_url_with;
use super::sign::sign_request_with;

/// Signs requests, caching derived signing keys. Cheap to share (`&Signer` is all it needs).
#[derive(Debug, Default)]
pub struct Signer {
    cache: SigningKeyCache,
}

impl Signer {
    /// A signer with an empty [`SigningKeyCache`] of the default capacity.
    pub fn new() -> Self {
        Self::default()
    }

    /// A signer using `cache`.
    pub fn with_cache(cache: SigningKeyCache) -> Self {
        Self { cache }
    }

    /// The signing-key cache.
    pub fn cache(&self) -> &SigningKeyCache {
        &self.cache
    }

    /// [`sign_request`](crate::sigv4::sign_request), with the signing key from the cache.
    pub fn sign_request<B>(
        &self,
        request: &mut http::Request<B>,
        body: &[u8],
        creds: &Credentials,
        params: &SigningParams,
    ) -> Result<(), SigningError> {
        sign_request_with(Some(&self.cache), request, body, creds, params)
    }

    /// [`presign_url`](crate::sigv4::presign_url), with the signing key from the cache.
    pub fn presign_url(
        &self,
        method: &http::Method,
        uri: &http::Uri,
        headers_to_sign: &http::HeaderMap,
        creds: &Credentials,
        params: &SigningParams,
        expires_in: Duration,
    ) -> Result<http::Uri, SigningError> {
        presign_url_with(
            Some(&self.cache),
            method,
            uri,
            headers_to_sign,
            creds,
            params,
            expires_in,
        )
    }
}
