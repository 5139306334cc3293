//! The connection pool both transports share: idle keep-alive connections per endpoint, and a
//! bound on how many connections an endpoint may have open at once.
//!
//! Every open connection holds a slot of its endpoint, counted from the moment the
//! transport decides to connect until the connection is closed; an idle connection keeps its
//! slot. A caller that finds no idle connection and no free slot waits (an async caller as a
//! future that its timeout can drop, a blocking caller on a condition variable until its
//! deadline) instead of opening another socket. A lease hands the slot back when it is
//! dropped, so a response abandoned mid-read (a timeout, a dropped future, a panic) closes its
//! connection and frees the slot; only putting the lease back, after a response that
//! ended cleanly with nothing pending, parks the connection for reuse.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::client::http1::Target;

/// Connection limits of a transport (`ClientConfig::connections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConfig {
    /// The most connections open at once to one endpoint (scheme, host and port), idle ones
    /// included; callers beyond it wait for a connection within their timeouts. Default 64;
    /// 0 is taken as 1.
    pub max_connections_per_endpoint: usize,
    /// The most idle connections kept per endpoint once no caller waits (default 8).
    pub max_idle_per_endpoint: usize,
    /// How long an idle connection is kept before it is closed (default 20 s, below the
    /// usual server keep-alive of AWS endpoints).
    pub idle_timeout: Duration,
}

/// The default per-endpoint connection limit.
pub const DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT: usize = 64;

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            max_connections_per_endpoint: DEFAULT_MAX_CONNECTIONS_PER_ENDPOINT,
            max_idle_per_endpoint: 8,
            idle_timeout: Duration::from_secs(20),
        }
    }
}

/// A count per endpoint. A client talks to few endpoints, so a vector does (and brings no
/// hashing code into the binary).
#[derive(Default)]
struct PerTarget(Vec<(Target, usize)>);

impl PerTarget {
    fn get(&self, target: &Target) -> usize {
        self.0
            .iter()
            .find(|(t, _)| t == target)
            .map_or(0, |(_, n)| *n)
    }

    fn increment(&mut self, target: &Target) {
        match self.0.iter_mut().find(|(t, _)| t == target) {
            Some((_, n)) => *n += 1,
            None => self.0.push((target.clone(), 1)),
        }
    }

    fn decrement(&mut self, target: &Target) {
        if let Some(i) = self.0.iter().position(|(t, _)| t == target) {
            self.0[i].1 = self.0[i].1.saturating_sub(1);
            if self.0[i].1 == 0 {
                self.0.swap_remove(i);
            }
        }
    }
}

struct Inner<C> {
    /// Parked connections, oldest first, with the time each was parked.
    idle: Vec<(Target, C, Instant)>,
    /// Slots taken per endpoint: connections open or being opened, idle ones included.
    open: PerTarget,
    /// Async callers waiting for a slot, first come first served; each entry is removed when
    /// it is woken.
    waiters: VecDeque<(u64, Target, Waker)>,
    next_waiter: u64,
    /// Blocking callers waiting, per endpoint.
    blocked: PerTarget,
}

/// Idle connections and open-connection counts per endpoint.
pub(crate) struct Pool<C> {
    inner: Mutex<Inner<C>>,
    freed: Condvar,
    config: PoolConfig,
}

impl<C> std::fmt::Debug for Pool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<C> Pool<C> {
    pub fn new(config: PoolConfig) -> Arc<Self> {
        let config = PoolConfig {
            max_connections_per_endpoint: config.max_connections_per_endpoint.max(1),
            ..config
        };
        Arc::new(Pool {
            inner: Mutex::new(Inner {
                idle: Vec::new(),
                open: PerTarget::default(),
                waiters: VecDeque::new(),
                next_waiter: 0,
                blocked: PerTarget::default(),
            }),
            freed: Condvar::new(),
            config,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner<C>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A slot for `target` if one can be had now: the most recently parked live connection,
    /// else a new slot while the endpoint is under its limit.
    fn try_take(self: &Arc<Self>, inner: &mut Inner<C>, target: &Target) -> Option<Lease<C>> {
        let now = Instant::now();
        let timeout = self.config.idle_timeout;
        let mut expired = Vec::new();
        inner.idle.retain(|(t, _, at)| {
            let keep = now.duration_since(*at) < timeout;
            if !keep {
                expired.push(t.clone());
            }
            keep
        });
        for t in expired {
            self.release_slot(inner, &t);
        }
        if let Some(i) = inner.idle.iter().rposition(|(t, _, _)| t == target) {
            let (_, conn, _) = inner.idle.remove(i);
            return Some(Lease {
                pool: self.clone(),
                target: target.clone(),
                conn: Some(conn),
                returned: false,
            });
        }
        if inner.open.get(target) < self.config.max_connections_per_endpoint {
            inner.open.increment(target);
            return Some(Lease {
                pool: self.clone(),
                target: target.clone(),
                conn: None,
                returned: false,
            });
        }
        None
    }

    /// Gives back one slot of `target` and wakes a caller waiting for one.
    fn release_slot(&self, inner: &mut Inner<C>, target: &Target) {
        inner.open.decrement(target);
        self.wake_one(inner, target);
    }

    fn wake_one(&self, inner: &mut Inner<C>, target: &Target) {
        if let Some(i) = inner.waiters.iter().position(|(_, t, _)| t == target) {
            if let Some((_, _, waker)) = inner.waiters.remove(i) {
                waker.wake();
            }
        }
        if inner.blocked.get(target) > 0 {
            self.freed.notify_all();
        }
    }

    /// Waits for a slot of `target` (async); dropping the future stops waiting.
    pub fn acquire(self: &Arc<Self>, target: &Target) -> Acquire<C> {
        Acquire {
            pool: self.clone(),
            target: target.clone(),
            waiter: None,
        }
    }

    /// Waits for a slot of `target` on this thread until `deadline`; `None` when it passed.
    #[cfg(any(feature = "blocking", test))]
    pub fn acquire_blocking(
        self: &Arc<Self>,
        target: &Target,
        deadline: Option<Instant>,
    ) -> Option<Lease<C>> {
        let mut inner = self.lock();
        loop {
            if let Some(lease) = self.try_take(&mut inner, target) {
                return Some(lease);
            }
            inner.blocked.increment(target);
            let (guard, timed_out) = match deadline {
                Some(at) => {
                    let left = at.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        (inner, true)
                    } else {
                        let (g, r) = self
                            .freed
                            .wait_timeout(inner, left)
                            .unwrap_or_else(|p| p.into_inner());
                        (g, r.timed_out())
                    }
                }
                None => (
                    self.freed.wait(inner).unwrap_or_else(|p| p.into_inner()),
                    false,
                ),
            };
            inner = guard;
            inner.blocked.decrement(target);
            if timed_out {
                return self.try_take(&mut inner, target);
            }
        }
    }

    /// Open connections (slots taken) to `target`, idle ones included.
    #[cfg(test)]
    pub fn open(&self, target: &Target) -> usize {
        self.lock().open.get(target)
    }

    /// Idle connections to `target`.
    #[cfg(test)]
    pub fn idle(&self, target: &Target) -> usize {
        self.lock()
            .idle
            .iter()
            .filter(|(t, _, _)| t == target)
            .count()
    }
}

/// The future of [`Pool::acquire`].
pub(crate) struct Acquire<C> {
    pool: Arc<Pool<C>>,
    target: Target,
    /// The id of this caller's entry in the waiter queue, once it waited.
    waiter: Option<u64>,
}

impl<C> Future for Acquire<C> {
    type Output = Lease<C>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Lease<C>> {
        let this = &mut *self;
        let mut inner = this.pool.lock();
        if let Some(id) = this.waiter.take() {
            inner.waiters.retain(|(w, _, _)| *w != id);
        }
        if let Some(lease) = this.pool.try_take(&mut inner, &this.target) {
            return Poll::Ready(lease);
        }
        let id = inner.next_waiter;
        inner.next_waiter += 1;
        inner
            .waiters
            .push_back((id, this.target.clone(), cx.waker().clone()));
        this.waiter = Some(id);
        Poll::Pending
    }
}

impl<C> Drop for Acquire<C> {
    fn drop(&mut self) {
        let Some(id) = self.waiter else { return };
        let mut inner = self.pool.lock();
        let before = inner.waiters.len();
        inner.waiters.retain(|(w, _, _)| *w != id);
        if inner.waiters.len() == before {
            // This caller was woken for a free slot and gave up before taking it: pass the
            // wake-up on, or the slot would sit unused while others wait.
            self.pool.wake_one(&mut inner, &self.target);
        }
    }
}

/// One slot of an endpoint, with its connection once there is one. Dropping it closes the
/// connection and frees the slot.
pub(crate) struct Lease<C> {
    pool: Arc<Pool<C>>,
    target: Target,
    conn: Option<C>,
    returned: bool,
}

impl<C> Lease<C> {
    /// Takes the connection out, if this slot came with one (a parked one, which the server
    /// may have closed since); the slot stays taken until the lease is dropped or put back.
    pub fn take(&mut self) -> Option<C> {
        self.conn.take()
    }

    /// Parks `conn`, the connection of this slot, for the next request to the endpoint. Call
    /// only when its last response ended cleanly and no byte is pending on it.
    pub fn put_back(mut self, conn: C) {
        self.returned = true;
        let pool = self.pool.clone();
        let mut inner = pool.lock();
        inner.idle.push((self.target.clone(), conn, Instant::now()));
        let waiting = inner.waiters.iter().any(|(_, t, _)| *t == self.target)
            || inner.blocked.get(&self.target) > 0;
        if waiting {
            pool.wake_one(&mut inner, &self.target);
            return;
        }
        // Nobody waits: keep at most `max_idle_per_endpoint`, closing the oldest.
        let mut parked = inner
            .idle
            .iter()
            .filter(|(t, _, _)| *t == self.target)
            .count();
        while parked > pool.config.max_idle_per_endpoint {
            if let Some(i) = inner.idle.iter().position(|(t, _, _)| *t == self.target) {
                inner.idle.remove(i);
                pool.release_slot(&mut inner, &self.target);
            }
            parked -= 1;
        }
    }
}

impl<C> Drop for Lease<C> {
    fn drop(&mut self) {
        if self.returned {
            return;
        }
        // Close the connection before the slot is handed on.
        self.conn = None;
        let mut inner = self.pool.lock();
        self.pool.release_slot(&mut inner, &self.target);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(host: &str) -> Target {
        Target {
            tls: true,
            host: host.into(),
            port: 443,
        }
    }

    fn config(max_open: usize, max_idle: usize) -> PoolConfig {
        PoolConfig {
            max_connections_per_endpoint: max_open,
            max_idle_per_endpoint: max_idle,
            idle_timeout: Duration::from_secs(60),
        }
    }

    #[test]
    fn the_pool_hands_back_live_connections_per_target() {
        let a = target("a");
        let b = Target {
            tls: false,
            ..a.clone()
        };
        let pool = Pool::<u32>::new(config(10, 2));
        let leases: Vec<_> = (1..=3)
            .map(|_| pool.acquire_blocking(&a, None).unwrap())
            .collect();
        assert_eq!(pool.open(&a), 3);
        for (n, l) in (1..=3).zip(leases) {
            l.put_back(n);
        }
        assert_eq!(
            (pool.open(&a), pool.idle(&a)),
            (2, 2),
            "the oldest was closed past the idle limit"
        );
        assert_eq!(
            pool.acquire_blocking(&b, None).unwrap().take(),
            None,
            "another endpoint"
        );
        let mut l = pool.acquire_blocking(&a, None).unwrap();
        assert_eq!(l.take(), Some(3), "the most recent first");
        let mut l2 = pool.acquire_blocking(&a, None).unwrap();
        assert_eq!(l2.take(), Some(2));
        assert_eq!(pool.acquire_blocking(&a, None).unwrap().take(), None);
        drop((l, l2));
        assert_eq!(pool.open(&a), 0, "dropped leases close their connections");
        let short = Pool::<u32>::new(PoolConfig {
            idle_timeout: Duration::ZERO,
            ..config(10, 2)
        });
        short.acquire_blocking(&a, None).unwrap().put_back(1);
        let mut l = short.acquire_blocking(&a, None).unwrap();
        assert_eq!(l.take(), None, "expired");
        assert_eq!(
            short.open(&a),
            1,
            "the expired connection gave its slot back"
        );
    }

    #[test]
    fn blocking_callers_beyond_the_limit_wait_until_a_slot_frees_or_their_deadline() {
        let pool = Pool::<u32>::new(config(2, 2));
        let a = target("a");
        let first = pool.acquire_blocking(&a, None).unwrap();
        let _second = pool.acquire_blocking(&a, None).unwrap();
        let soon = Instant::now() + Duration::from_millis(30);
        assert!(
            pool.acquire_blocking(&a, Some(soon)).is_none(),
            "no slot by the deadline"
        );
        let waiter = {
            let pool = pool.clone();
            let a = a.clone();
            std::thread::spawn(move || {
                pool.acquire_blocking(&a, Some(Instant::now() + Duration::from_secs(30)))
                    .is_some()
            })
        };
        std::thread::sleep(Duration::from_millis(20));
        drop(first);
        assert!(waiter.join().unwrap());
        assert_eq!(
            pool.open(&a),
            1,
            "the waiter's lease was dropped at the end of its thread"
        );
    }

    #[tokio::test]
    async fn async_callers_wait_and_a_cancelled_waiter_passes_its_wake_up_on() {
        let pool = Pool::<u32>::new(config(1, 1));
        let a = target("a");
        let held = pool.acquire(&a).await;
        let first = tokio::spawn({
            let pool = pool.clone();
            let a = a.clone();
            async move {
                tokio::time::timeout(Duration::from_millis(50), pool.acquire(&a))
                    .await
                    .is_ok()
            }
        });
        let second = tokio::spawn({
            let pool = pool.clone();
            let a = a.clone();
            async move { pool.acquire(&a).await.take() }
        });
        assert!(!first.await.unwrap(), "the first waiter times out");
        held.put_back(7);
        assert_eq!(
            second.await.unwrap(),
            Some(7),
            "the parked connection goes to the remaining waiter"
        );
        assert_eq!(
            pool.open(&a),
            0,
            "its lease closed the connection when dropped"
        );
    }
}
