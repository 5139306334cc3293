//! The derived signing key, the signature it makes, and a cache of keys per day, region and
//! service.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::credentials::Credentials;
use crate::sensitive::Redacted;

use super::hash::{hex, hmac_sha256};
use super::params::SigningParams;

/// A derived SigV4 signing key. `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey([u8; 32]);

impl SigningKey {
    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SigningKey")
            .field(&Redacted(&self.0))
            .finish()
    }
}

/// Derives the signing key: HMAC-SHA256 chained over `date` (`YYYYMMDD`), `region`, `service`
/// and `aws4_request`, starting from `"AWS4" + secret_access_key`.
pub fn signing_key(secret_access_key: &str, date: &str, region: &str, service: &str) -> SigningKey {
    let mut seed = Vec::with_capacity(4 + secret_access_key.len());
    seed.extend_from_slice(b"AWS4");
    seed.extend_from_slice(secret_access_key.as_bytes());
    let k_date = hmac_sha256(&seed, date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    SigningKey(hmac_sha256(&k_service, b"aws4_request"))
}

/// The signature: lower-case hex HMAC-SHA256 of the string to sign under the signing key.
pub fn signature(key: &SigningKey, string_to_sign: &str) -> String {
    hex(&hmac_sha256(&key.0, string_to_sign.as_bytes()))
}

/// Hit and miss counts of a [`SigningKeyCache`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that derived a new key.
    pub misses: u64,
}

pub(super) struct CacheEntry {
    /// SHA-256 of a domain separator and the secret: tells secrets apart without keeping one.
    pub(super) secret_fingerprint: [u8; 32],
    date: String,
    region: String,
    service: String,
    key: SigningKey,
}

/// A small, thread-safe cache of derived signing keys, keyed by (secret fingerprint, date,
/// region, service).
///
/// The secret access key itself is never stored: entries are told apart by a SHA-256
/// fingerprint of it. A new day's key evicts the previous days' keys first; past the capacity
/// the oldest entry goes.
pub struct SigningKeyCache {
    capacity: usize,
    entries: Mutex<Vec<CacheEntry>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl SigningKeyCache {
    /// The capacity of [`SigningKeyCache::new`].
    pub const DEFAULT_CAPACITY: usize = 8;

    /// An empty cache of [`Self::DEFAULT_CAPACITY`] keys.
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// An empty cache holding at most `capacity` keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: Mutex::new(Vec::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub(super) fn entries(&self) -> std::sync::MutexGuard<'_, Vec<CacheEntry>> {
        // A panic while holding the lock cannot leave the Vec inconsistent: recover it.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The signing key for these inputs, from the cache or derived (and then cached).
    pub fn signing_key(
        &self,
        secret_access_key: &str,
        date: &str,
        region: &str,
        service: &str,
    ) -> SigningKey {
        let fingerprint = secret_fingerprint(secret_access_key);
        let matches = |e: &CacheEntry| {
            e.secret_fingerprint == fingerprint
                && e.date == date
                && e.region == region
                && e.service == service
        };
        if let Some(entry) = self.entries().iter().find(|e| matches(e)) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return entry.key.clone();
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let key = signing_key(secret_access_key, date, region, service);
        let mut entries = self.entries();
        if !entries.iter().any(&matches) {
            if entries.len() >= self.capacity {
                entries.retain(|e| e.date == date);
            }
            if entries.len() >= self.capacity {
                entries.remove(0);
            }
            entries.push(CacheEntry {
                secret_fingerprint: fingerprint,
                date: date.to_owned(),
                region: region.to_owned(),
                service: service.to_owned(),
                key: key.clone(),
            });
        }
        key
    }

    /// Hit and miss counts so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// How many keys are cached.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every cached key (the counts stay).
    pub fn clear(&self) {
        self.entries().clear();
    }
}

impl Default for SigningKeyCache {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .field("stats", &self.stats())
            .finish()
    }
}

pub(super) fn secret_fingerprint(secret_access_key: &str) -> [u8; 32] {
    let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
    hasher.update(b"stsgen-sigv4-signing-key-cache\0");
    hasher.update(secret_access_key.as_bytes());
    let mut out = [0; 32];
    out.copy_from_slice(hasher.finish().as_ref());
    out
}

pub(super) fn derive_key(
    cache: Option<&SigningKeyCache>,
    creds: &Credentials,
    date: &str,
    params: &SigningParams,
) -> SigningKey {
    match cache {
        Some(cache) => cache.signing_key(
            creds.secret_access_key(),
            date,
            &params.region,
            &params.service,
        ),
        None => signing_key(
            creds.secret_access_key(),
            date,
            &params.region,
            &params.service,
        ),
    }
}
