//! The client's notion of the service's time ([`ServiceClock`]): local time corrected by an
//! offset learned from responses, the one time both signing and every credential-expiry check
//! use.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The largest clock correction a client accepts: one day.
///
/// The correction exists for local clocks that are wrong: drift without NTP (minutes to hours),
/// a clock set to local time instead of UTC (at most 14 hours off, the widest time-zone
/// offset), a wrong day. A day covers all of these. Larger differences (a `Date` in 2031, or
/// in the year 9999) come from a broken or hostile server or proxy, not from this machine's
/// clock; learning them would sign every later request for that date (a request is valid for
/// 15 minutes around its signing time, so it could be replayed then) or make every call fail.
/// With the bound, a `Date` header can shift the signing time by at most a day, and anything
/// further is ignored and reported.
pub const MAX_CLOCK_OFFSET: Duration = Duration::from_secs(24 * 60 * 60);

/// Differences smaller than this are not corrections: SigV4 accepts requests within 15 minutes
/// of the service's time, and a response's `Date` is only accurate to the second and the
/// round trip.
pub const MIN_CLOCK_CORRECTION: Duration = Duration::from_secs(4 * 60);

/// What [`ServiceClock::learn`] did with a server's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Learned {
    /// The offset changed to this many milliseconds (service time minus local time).
    Changed(i64),
    /// The server's time is within [`MIN_CLOCK_CORRECTION`] of the current service time.
    Unchanged,
    /// The server's time is further than [`MAX_CLOCK_OFFSET`] from local time: ignored.
    OutOfBounds(i64),
}

/// The service's time as a client sees it: local time plus an offset learned from responses
/// (see [`learn`](Self::learn)). Clones share the offset, so a client and a
/// [`CachingProvider`](crate::credentials::cache::CachingProvider) given a clone (its
/// `clock`) judge expiry and sign with the same time.
#[derive(Clone, Default)]
pub struct ServiceClock {
    offset_ms: Arc<AtomicI64>,
    /// Where local time comes from; the system clock when `None`.
    local: Option<Arc<dyn Fn() -> SystemTime + Send + Sync>>,
}

impl std::fmt::Debug for ServiceClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClock")
            .field("offset_ms", &self.offset_ms())
            .field(
                "local",
                &if self.local.is_some() {
                    "custom"
                } else {
                    "system"
                },
            )
            .finish()
    }
}

impl ServiceClock {
    /// A clock with no correction, on the system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// A clock whose local time comes from `now` (for tests and recorded traffic).
    pub fn with_local_time(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        ServiceClock {
            offset_ms: Arc::default(),
            local: Some(Arc::new(now)),
        }
    }

    /// A clock whose local time is always `at`.
    pub fn fixed(at: SystemTime) -> Self {
        Self::with_local_time(move || at)
    }

    /// The local time: the system clock, or the time source given.
    pub fn local_now(&self) -> SystemTime {
        self.local
            .as_ref()
            .map_or_else(SystemTime::now, |now| now())
    }

    /// The learned offset (service time minus local time) in milliseconds.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// The current time as the service sees it.
    pub fn now(&self) -> SystemTime {
        self.at(self.local_now())
    }

    /// `local` corrected by the learned offset.
    pub fn at(&self, local: SystemTime) -> SystemTime {
        let offset = self.offset_ms();
        let shifted = if offset >= 0 {
            local.checked_add(Duration::from_millis(offset.unsigned_abs()))
        } else {
            local.checked_sub(Duration::from_millis(offset.unsigned_abs()))
        };
        shifted.unwrap_or(local)
    }

    /// Learns the offset from `server` (a response's `Date`) seen at local time `local`. Each
    /// call re-learns it, upwards or downwards (back to none when the server agrees with the
    /// local clock); a server time further than [`MAX_CLOCK_OFFSET`] from local time is
    /// ignored.
    pub fn learn(&self, server: SystemTime, local: SystemTime) -> Learned {
        let offset = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => i64::try_from(behind.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
        };
        if offset.unsigned_abs() > MAX_CLOCK_OFFSET.as_millis() as u64 {
            return Learned::OutOfBounds(offset);
        }
        if offset.abs_diff(self.offset_ms()) < MIN_CLOCK_CORRECTION.as_millis() as u64 {
            return Learned::Unchanged;
        }
        // Within the dead band of local time means the local clock was right after all.
        let offset = if offset.unsigned_abs() < MIN_CLOCK_CORRECTION.as_millis() as u64 {
            0
        } else {
            offset
        };
        self.offset_ms.store(offset, Ordering::Relaxed);
        Learned::Changed(offset)
    }

    /// Drops the learned offset (back to local time).
    pub fn forget(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn offsets_are_bounded_and_relearned_both_ways() {
        let clock = ServiceClock::new();
        let local = SystemTime::now();
        assert_eq!(
            clock.learn(local + 2 * HOUR, local),
            Learned::Changed(2 * 3600 * 1000)
        );
        let shared = clock.clone();
        assert!(
            shared.now() > SystemTime::now() + HOUR,
            "clones share the offset"
        );
        assert_eq!(
            clock.learn(local + 2 * HOUR + Duration::from_secs(30), local),
            Learned::Unchanged
        );
        // Downwards, back to none.
        assert_eq!(
            clock.learn(local + Duration::from_secs(10), local),
            Learned::Changed(0)
        );
        assert_eq!(clock.offset_ms(), 0);
        assert_eq!(
            clock.learn(local - 3 * HOUR, local),
            Learned::Changed(-3 * 3600 * 1000)
        );
        // Years away: ignored, the current offset stays.
        let in_2031 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_924_992_000);
        assert!(matches!(
            clock.learn(in_2031, local),
            Learned::OutOfBounds(_)
        ));
        let year_9999 = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799);
        assert!(matches!(
            clock.learn(year_9999, local),
            Learned::OutOfBounds(_)
        ));
        assert!(matches!(
            clock.learn(SystemTime::UNIX_EPOCH, local),
            Learned::OutOfBounds(_)
        ));
        assert_eq!(clock.offset_ms(), -3 * 3600 * 1000);
        assert!(matches!(
            clock.learn(local + 25 * HOUR, local),
            Learned::OutOfBounds(_)
        ));
        assert_eq!(
            clock.learn(local + 23 * HOUR, local),
            Learned::Changed(23 * 3600 * 1000)
        );
        clock.forget();
        assert_eq!(clock.offset_ms(), 0);
    }
}
