//! Idempotency tokens for members the model marks `idempotencyToken` and the caller left unset.

use std::cell::RefCell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

thread_local! {
    static FIXED: RefCell<Option<String>> = const { RefCell::new(None) };
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh token in UUID v4 form (random per process, unique per call).
pub fn token() -> String {
    if let Some(fixed) = FIXED.with(|f| f.borrow().clone()) {
        return fixed;
    }
    let state = RandomState::new();
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut h = state.build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_usize(i);
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Runs `f` with every auto-filled token on this thread equal to `fixed` (for tests that
/// compare request bodies byte for byte).
pub fn with_fixed_token<R>(fixed: &str, f: impl FnOnce() -> R) -> R {
    let previous = FIXED.with(|slot| slot.replace(Some(fixed.to_owned())));
    let result = f();
    FIXED.with(|slot| *slot.borrow_mut() = previous);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_v4_and_unique() {
        let a = token();
        let b = token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(with_fixed_token("fixed", token), "fixed");
        assert_ne!(token(), "fixed");
    }
}
