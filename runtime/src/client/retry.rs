//! Standard-mode retries: bounded attempts, exponential backoff with full jitter.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// Retry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in all, including the first (1 disables retries).
    pub max_attempts: u32,
    /// Backoff base: the first retry waits up to this long.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff.
    pub max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryConfig {
    /// No retries.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Default::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first retry): uniformly random in
    /// `[0, min(max_backoff, initial_backoff * 2^(retry-1))]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(
            1u32.checked_shl(retry.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        let cap = exp.min(self.max_backoff);
        cap.mul_f64(jitter())
    }
}

/// A uniform random number in `[0, 1)`.
fn jitter() -> f64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0x5354_5347);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Error codes that mean "slow down" (retried with backoff).
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient failures (retried).
pub const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "ServiceUnavailable",
    "IDPCommunicationError",
];

/// Error codes a skewed clock produces.
pub const CLOCK_SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestInTheFuture",
];

/// HTTP statuses that are transient.
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// Whether an error with this code and status is worth retrying.
pub fn is_retryable_code(code: &str, status: Option<u16>) -> bool {
    THROTTLING_CODES.contains(&code)
        || TRANSIENT_CODES.contains(&code)
        || status.is_some_and(is_transient_status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_and_grows() {
        let cfg = RetryConfig {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
        };
        for retry in 1..10 {
            let b = cfg.backoff(retry);
            assert!(b <= Duration::from_millis(300), "{b:?}");
        }
        assert!(cfg.backoff(1) <= Duration::from_millis(100));
        assert!(RetryConfig::default().backoff(40) <= Duration::from_secs(20));
    }

    #[test]
    fn classification() {
        assert!(is_retryable_code("Throttling", Some(400)));
        assert!(is_retryable_code("Whatever", Some(503)));
        assert!(is_retryable_code("IDPCommunicationError", Some(400)));
        assert!(!is_retryable_code("AccessDenied", Some(403)));
        assert!(!is_retryable_code("MalformedPolicyDocument", Some(400)));
    }
}
