//! A caching credentials provider: refresh ahead of expiry, one load at a time, load timeouts.
//!
//! [`CachingProvider`] wraps another provider and:
//!
//! - serves cached credentials until they are within `refresh_ahead` (default 5 minutes) of
//!   their expiry; credentials without an expiry are cached for ever (until
//!   [`invalidate`](CachingProvider::invalidate));
//! - is **single-flight**: however many callers arrive while a load is under way, the inner
//!   provider is called once and every caller that had nothing valid to be served gets that
//!   load's result (success or error);
//! - inside the refresh-ahead window, the caller that starts the refresh waits for it while
//!   every other caller is served the still-valid credentials at once;
//! - never caches a failure: while the old credentials are still valid they keep being served,
//!   and the refresh is retried no sooner than `retry_backoff` (default 1 s) later, doubling after
//!   each consecutive failure up to one minute (or `retry_backoff`, if longer). Successive
//!   refreshes inside the window are spaced by at least `retry_backoff` too, so credentials that
//!   live shorter than the window do not cause a load per call. Once nothing valid is cached,
//!   callers get the load's error, and the next caller starts a new load;
//! - gives up on a load after `load_timeout` (default 5 s) with
//!   [`CredentialsError::Timeout`] naming the inner provider;
//! - survives its callers: a caller that drops its future (cancelled, timed out) hands the load
//!   over to a waiting caller, and an inner provider that panics becomes a
//!   [`CredentialsError::ProviderError`] for the callers, never a poisoned or wedged cache.
//!
//! It does not depend on an async runtime: the state is a `std` mutex with waker lists, and the
//! load timeout is a timer thread, so the cache also works under the blocking client.

use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use super::clock::ServiceClock;
use super::provider::{
    Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider,
};
use crate::future::BoxFuture;

/// The default refresh-ahead window.
pub const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);
/// The default load timeout.
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(5);
/// The default first retry delay after a failed refresh.
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_secs(1);
/// The longest retry delay (unless `retry_backoff` itself is longer).
const MAX_RETRY_BACKOFF: Duration = Duration::from_secs(60);

/// A source of the current time.
type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Caches another provider's credentials (see the [module docs](self)).
pub struct CachingProvider {
    inner: SharedCredentialsProvider,
    refresh_ahead: Duration,
    load_timeout: Duration,
    retry_backoff: Duration,
    clock: Clock,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The latest credentials loaded (possibly expired by now).
    cached: Option<Credentials>,
    /// A caller is running a load.
    loading: bool,
    /// Bumped when a load finishes.
    generation: u64,
    /// The result of the latest finished load, for the callers that waited for it.
    last: Option<Result<Credentials, CredentialsError>>,
    /// Callers waiting for the load under way.
    waiters: Waiters,
    next_waiter: u64,
    /// Consecutive failed loads.
    failures: u32,
    /// No refresh-ahead load before this time.
    quiet_until: Option<SystemTime>,
}

impl CachingProvider {
    /// Caches `inner` with the default settings.
    pub fn new(inner: SharedCredentialsProvider) -> Self {
        CachingProvider {
            inner,
            refresh_ahead: DEFAULT_REFRESH_AHEAD,
            load_timeout: DEFAULT_LOAD_TIMEOUT,
            retry_backoff: DEFAULT_RETRY_BACKOFF,
            clock: Arc::new(SystemTime::now),
            state: Mutex::new(State::default()),
        }
    }

    /// How long before expiry credentials are refreshed (default 5 minutes).
    pub fn refresh_ahead(mut self, window: Duration) -> Self {
        self.refresh_ahead = window;
        self
    }

    /// How long a load may take before it fails with [`CredentialsError::Timeout`] (default 5 s).
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.load_timeout = timeout;
        self
    }

    /// The first delay before retrying a failed refresh while the old credentials are still
    /// valid (default 1 s); it doubles after each consecutive failure, up to one minute.
    pub fn retry_backoff(mut self, delay: Duration) -> Self {
        self.retry_backoff = delay;
        self
    }

    /// The clock that expiry, the refresh window and backoff are measured with (default
    /// `SystemTime::now`); for tests. The load timeout always uses real time.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Judges expiry by `clock`, the service time a client signs with (its configuration's
    /// `clock`): once the client has learned that the service's clock is ahead, credentials
    /// that expire by the service's time are refreshed, not served until the local clock
    /// catches up.
    pub fn service_clock(self, clock: ServiceClock) -> Self {
        self.clock(move || clock.now())
    }

    /// Forgets the cached credentials (for example, after a service rejected them), so the next
    /// caller loads new ones. A load under way is not affected.
    pub fn invalidate(&self) {
        let mut st = self.lock();
        st.cached = None;
        st.quiet_until = None;
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn in_refresh_window(&self, creds: &Credentials, now: SystemTime) -> bool {
        match creds.expiry() {
            None => false,
            Some(expiry) => now
                .checked_add(self.refresh_ahead)
                .is_none_or(|t| t >= expiry),
        }
    }

    fn backoff(&self, failures: u32) -> Duration {
        let factor = 1u32 << failures.saturating_sub(1).min(16);
        self.retry_backoff
            .saturating_mul(factor)
            .min(MAX_RETRY_BACKOFF.max(self.retry_backoff))
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        loop {
            let step = {
                let mut st = self.lock();
                let now = (self.clock)();
                match st
                    .cached
                    .as_ref()
                    .filter(|c| !c.is_expired_at(now))
                    .cloned()
                {
                    Some(c) if !self.in_refresh_window(&c, now) => return Ok(c),
                    Some(c) => {
                        if st.loading || st.quiet_until.is_some_and(|t| now < t) {
                            return Ok(c);
                        }
                        st.loading = true;
                        Step::Lead(Some(c))
                    }
                    None if st.loading => Step::Wait(st.generation),
                    None => {
                        st.loading = true;
                        Step::Lead(None)
                    }
                }
            };
            match step {
                Step::Lead(fallback) => return self.lead(fallback).await,
                Step::Wait(generation) => {
                    if let Some(result) = (Waiter {
                        cache: self,
                        generation,
                        id: None,
                    })
                    .await
                    {
                        return result;
                    }
                    // The load was abandoned (its caller went away): try again.
                }
            }
        }
    }

    /// Runs a load as the one caller doing so; `fallback` is what to serve if it fails.
    async fn lead(&self, fallback: Option<Credentials>) -> Result<Credentials, CredentialsError> {
        let mut guard = LeadGuard {
            cache: self,
            finished: false,
        };
        let result = load(self.inner.as_ref(), self.load_timeout).await;
        guard.finished = true;
        let now = (self.clock)();
        let wake = {
            let mut st = self.lock();
            st.loading = false;
            st.generation = st.generation.wrapping_add(1);
            match &result {
                Ok(c) => {
                    st.cached = Some(c.clone());
                    st.failures = 0;
                    st.quiet_until = now.checked_add(self.retry_backoff);
                }
                Err(_) => {
                    st.failures = st.failures.saturating_add(1);
                    st.quiet_until = now.checked_add(self.backoff(st.failures));
                }
            }
            st.last = Some(result.clone());
            std::mem::take(&mut st.waiters)
        };
        wake.0.into_iter().for_each(|(_, w)| w.wake());
        match result {
            Ok(c) => Ok(c),
            Err(e) => fallback.filter(|c| !c.is_expired_at(now)).ok_or(e),
        }
    }
}

/// The wakers of the callers waiting for a load, by waiter id. Ids are handed out in
/// increasing order, so pushing keeps the vector sorted and lookups bisect it (a `BTreeMap`
/// here was about 20 KiB of code in every program with a credentials cache).
#[derive(Default)]
struct Waiters(Vec<(u64, Waker)>);

impl Waiters {
    fn get_mut(&mut self, id: u64) -> Option<&mut Waker> {
        let i = self.0.binary_search_by_key(&id, |(k, _)| *k).ok()?;
        Some(&mut self.0[i].1)
    }

    fn insert(&mut self, id: u64, waker: Waker) {
        match self.0.binary_search_by_key(&id, |(k, _)| *k) {
            Ok(i) => self.0[i].1 = waker,
            Err(i) => self.0.insert(i, (id, waker)),
        }
    }

    fn remove(&mut self, id: u64) {
        if let Ok(i) = self.0.binary_search_by_key(&id, |(k, _)| *k) {
            self.0.remove(i);
        }
    }
}

enum Step {
    Lead(Option<Credentials>),
    Wait(u64),
}

/// Releases the load if its caller goes away before it finishes, waking the waiters so one of
/// them takes over.
struct LeadGuard<'a> {
    cache: &'a CachingProvider,
    finished: bool,
}

impl Drop for LeadGuard<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let wake = {
            let mut st = self.cache.lock();
            st.loading = false;
            std::mem::take(&mut st.waiters)
        };
        wake.0.into_iter().for_each(|(_, w)| w.wake());
    }
}

/// Waits for the load under way: `Some(result)` when it finished, `None` when it was abandoned.
struct Waiter<'a> {
    cache: &'a CachingProvider,
    generation: u64,
    id: Option<u64>,
}

impl Future for Waiter<'_> {
    type Output = Option<Result<Credentials, CredentialsError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut st = this.cache.lock();
        if st.generation != this.generation {
            if let Some(id) = this.id.take() {
                st.waiters.remove(id);
            }
            return Poll::Ready(st.last.clone());
        }
        if !st.loading {
            if let Some(id) = this.id.take() {
                st.waiters.remove(id);
            }
            return Poll::Ready(None);
        }
        let id = match this.id {
            Some(id) => id,
            None => {
                st.next_waiter = st.next_waiter.wrapping_add(1);
                let id = st.next_waiter;
                this.id = Some(id);
                id
            }
        };
        match st.waiters.get_mut(id) {
            Some(w) if w.will_wake(cx.waker()) => {}
            Some(w) => w.clone_from(cx.waker()),
            None => {
                st.waiters.insert(id, cx.waker().clone());
            }
        }
        Poll::Pending
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            self.cache.lock().waiters.remove(id);
        }
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.get())
    }

    /// The inner provider's name.
    fn name(&self) -> &'static str {
        self.inner.name()
    }
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached_expiry = match self.state.try_lock() {
            Ok(st) => st.cached.as_ref().map(|c| c.expiry()),
            Err(_) => None,
        };
        f.debug_struct("CachingProvider")
            .field("inner", &self.inner)
            .field("refresh_ahead", &self.refresh_ahead)
            .field("load_timeout", &self.load_timeout)
            .field("retry_backoff", &self.retry_backoff)
            .field("cached_expiry", &cached_expiry)
            .finish_non_exhaustive()
    }
}

/// One call of `inner`, with a timeout, and with a panic turned into an error.
async fn load(
    inner: &dyn ProvideCredentials,
    timeout: Duration,
) -> Result<Credentials, CredentialsError> {
    let provider = inner.name();
    let fut = match catch_unwind(AssertUnwindSafe(|| inner.provide_credentials())) {
        Ok(fut) => fut,
        Err(payload) => return Err(panicked(provider, payload.as_ref())),
    };
    let fut = CatchUnwind {
        fut: Some(fut),
        provider,
    };
    match with_timeout(fut, timeout).await {
        Some(result) => result,
        None => Err(CredentialsError::Timeout {
            provider,
            after: timeout,
        }),
    }
}

fn panicked(provider: &'static str, payload: &(dyn std::any::Any + Send)) -> CredentialsError {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    CredentialsError::ProviderError {
        provider,
        reason: format!("the provider panicked while loading credentials: {message}"),
    }
}

/// Polls a provider future, turning a panic into an error.
struct CatchUnwind<'a> {
    fut: Option<BoxFuture<'a, Result<Credentials, CredentialsError>>>,
    provider: &'static str,
}

impl Future for CatchUnwind<'_> {
    type Output = Result<Credentials, CredentialsError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(fut) = this.fut.as_mut() else {
            return Poll::Ready(Err(CredentialsError::ProviderError {
                provider: this.provider,
                reason: "the provider's future was polled after it finished".to_owned(),
            }));
        };
        match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(r)) => {
                this.fut = None;
                Poll::Ready(r)
            }
            Err(payload) => {
                // Never poll a future again after it panicked.
                this.fut = None;
                Poll::Ready(Err(panicked(this.provider, payload.as_ref())))
            }
        }
    }
}

/// Runs `fut` with a deadline: `None` when it did not finish within `timeout`.
/// Runtime-agnostic: the deadline is kept by a timer thread that exits as soon as either side
/// finishes. Should the thread fail to start, `fut` runs without a deadline.
pub(crate) async fn with_timeout<F: Future + Unpin>(
    fut: F,
    timeout: Duration,
) -> Option<F::Output> {
    Timeout {
        fut,
        delay: Delay::new(timeout),
    }
    .await
}

struct Timeout<F> {
    fut: F,
    delay: Delay,
}

impl<F: Future + Unpin> Future for Timeout<F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Poll::Ready(v) = Pin::new(&mut this.fut).poll(cx) {
            return Poll::Ready(Some(v));
        }
        if this.delay.poll_fired(cx) {
            return Poll::Ready(None);
        }
        Poll::Pending
    }
}

/// A one-shot timer on its own thread; dropping it stops the thread.
struct Delay {
    shared: Arc<DelayShared>,
}

struct DelayShared {
    state: Mutex<DelayState>,
    cond: Condvar,
}

#[derive(Default)]
struct DelayState {
    fired: bool,
    cancelled: bool,
    waker: Option<Waker>,
}

impl Delay {
    fn new(after: Duration) -> Self {
        let shared = Arc::new(DelayShared {
            state: Mutex::new(DelayState::default()),
            cond: Condvar::new(),
        });
        let deadline = Instant::now().checked_add(after);
        let thread_shared = Arc::clone(&shared);
        // Without a thread (or with a deadline beyond representable time) the timer never fires.
        if let Some(deadline) = deadline {
            let _ = std::thread::Builder::new()
                .name("credentials-timeout".to_owned())
                .spawn(move || Delay::run(&thread_shared, deadline));
        }
        Delay { shared }
    }

    fn run(shared: &DelayShared, deadline: Instant) {
        let mut st = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if st.cancelled {
                return;
            }
            let now = Instant::now();
            if now >= deadline {
                st.fired = true;
                let waker = st.waker.take();
                drop(st);
                if let Some(w) = waker {
                    w.wake();
                }
                return;
            }
            st = shared
                .cond
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn poll_fired(&mut self, cx: &mut Context<'_>) -> bool {
        let mut st = self
            .shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if st.fired {
            return true;
        }
        match &mut st.waker {
            Some(w) => w.clone_from(cx.waker()),
            None => st.waker = Some(cx.waker().clone()),
        }
        false
    }
}

impl Drop for Delay {
    fn drop(&mut self) {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .cancelled = true;
        self.shared.cond.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = CachingProvider::new(Arc::new(super::super::provider::StaticCredentials::new(
            "a", "b", None,
        )))
        .retry_backoff(Duration::from_secs(1));
        let secs: Vec<u64> = (1..=9).map(|n| p.backoff(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        let p = p.retry_backoff(Duration::from_secs(120));
        assert_eq!(p.backoff(5), Duration::from_secs(120));
    }
}
