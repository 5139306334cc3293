//! The caching provider: single-flight loads, refresh ahead of expiry, failure handling with
//! backoff, load timeouts, cancellation and panics, with a fake clock and a counting provider.

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, SystemTime};

use stsgen_runtime::credentials::cache::CachingProvider;
use stsgen_runtime::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stsgen_runtime::future::BoxFuture;
use tokio::sync::Semaphore;

/// A fixed starting point for the fake clock.
fn base() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// A clock the test moves by hand.
#[derive(Clone, Default)]
struct FakeClock(Arc<AtomicU64>);

impl FakeClock {
    fn now(&self) -> SystemTime {
        base() + Duration::from_millis(self.0.load(Ordering::SeqCst))
    }
    fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
    fn func(&self) -> impl Fn() -> SystemTime + Send + Sync + 'static {
        let c = self.clone();
        move || c.now()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Credentials expiring this long after the fake clock's current time (`None`: no expiry).
    Succeed(Option<Duration>),
    Fail,
    Hang,
    Panic,
}

/// Counts calls; call `n` (from 1) produces access key id `AKID{n}`.
#[derive(Debug)]
struct Fake {
    calls: AtomicUsize,
    mode: Mutex<Mode>,
    delay: Duration,
    /// When set, each call waits for a permit (so a test controls when loads finish).
    gate: Option<Arc<Semaphore>>,
    now: Arc<AtomicU64>,
}

impl Fake {
    fn new(clock: &FakeClock, mode: Mode) -> Arc<Self> {
        Fake::build(clock, mode, Duration::ZERO, None)
    }

    fn build(
        clock: &FakeClock,
        mode: Mode,
        delay: Duration,
        gate: Option<Arc<Semaphore>>,
    ) -> Arc<Self> {
        Arc::new(Fake {
            calls: AtomicUsize::new(0),
            mode: Mutex::new(mode),
            delay,
            gate,
            now: clock.0.clone(),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

impl ProvideCredentials for Fake {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let mode = *self.mode.lock().unwrap();
        Box::pin(async move {
            if let Some(gate) = &self.gate {
                gate.acquire().await.unwrap().forget();
            }
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            match mode {
                Mode::Succeed(ttl) => {
                    let now = base() + Duration::from_millis(self.now.load(Ordering::SeqCst));
                    Ok(Credentials::new(
                        format!("AKID{n}"),
                        "s3cr3t",
                        Some("t0k3n".into()),
                        ttl.map(|t| now + t),
                        "fake",
                    ))
                }
                Mode::Fail => Err(CredentialsError::ProviderError {
                    provider: "fake",
                    reason: format!("upstream down (call {n})"),
                }),
                Mode::Hang => std::future::pending().await,
                Mode::Panic => panic!("fake provider bug"),
            }
        })
    }

    fn name(&self) -> &'static str {
        "fake"
    }
}

const MIN: Duration = Duration::from_secs(60);

fn cache(fake: &Arc<Fake>, clock: &FakeClock) -> Arc<CachingProvider> {
    Arc::new(CachingProvider::new(fake.clone()).clock(clock.func()))
}

/// Starts `n` concurrent callers and returns their results.
async fn herd(
    cache: &Arc<CachingProvider>,
    n: usize,
) -> Vec<Result<Credentials, CredentialsError>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let c = cache.clone();
            tokio::spawn(async move { c.provide_credentials().await })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Starts `n` concurrent callers while the fake's loads are held at `gate`, waits until every
/// caller is in the cache, then lets one load through and returns everyone's result.
async fn gated_herd(
    cache: &Arc<CachingProvider>,
    gate: &Semaphore,
    n: usize,
) -> Vec<Result<Credentials, CredentialsError>> {
    let started = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (c, started) = (cache.clone(), started.clone());
            tokio::spawn(async move {
                started.fetch_add(1, Ordering::SeqCst);
                c.provide_credentials().await
            })
        })
        .collect();
    while started.load(Ordering::SeqCst) < n {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Each caller reaches the cache in the same poll that counted it; give the last ones a moment.
    tokio::time::sleep(Duration::from_millis(50)).await;
    gate.add_permits(1);
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn key(r: &Result<Credentials, CredentialsError>) -> &str {
    r.as_ref().expect("credentials").access_key_id()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_callers_one_load_then_one_more_after_expiry() {
    let clock = FakeClock::default();
    let gate = Arc::new(Semaphore::new(0));
    let fake = Fake::build(
        &clock,
        Mode::Succeed(Some(60 * MIN)),
        Duration::ZERO,
        Some(gate.clone()),
    );
    let cache = cache(&fake, &clock);

    let results = gated_herd(&cache, &gate, 1000).await;
    assert_eq!(fake.calls(), 1);
    assert!(
        results.iter().all(|r| key(r) == "AKID1"),
        "every caller gets the one load's credentials"
    );
    let first = results[0].as_ref().unwrap().clone();
    assert!(results.iter().all(|r| r.as_ref().unwrap() == &first));

    // Served from the cache while fresh.
    clock.advance(30 * MIN);
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    assert_eq!(fake.calls(), 1);

    // Expired: exactly one more load, shared by everyone.
    clock.advance(31 * MIN);
    let results = gated_herd(&cache, &gate, 1000).await;
    assert_eq!(fake.calls(), 2);
    assert!(results.iter().all(|r| key(r) == "AKID2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn credentials_without_expiry_are_cached_forever() {
    let clock = FakeClock::default();
    let fake = Fake::new(&clock, Mode::Succeed(None));
    let cache = cache(&fake, &clock);
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    clock.advance(Duration::from_secs(100 * 365 * 24 * 3600));
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    assert_eq!(fake.calls(), 1);

    cache.invalidate();
    assert_eq!(key(&cache.provide_credentials().await), "AKID2");
    assert_eq!(fake.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refresh_ahead_window_refreshes_once_while_serving_the_old_credentials() {
    let clock = FakeClock::default();
    let gate = Arc::new(Semaphore::new(1)); // the first load goes straight through
    let fake = Fake::build(
        &clock,
        Mode::Succeed(Some(15 * MIN)),
        Duration::ZERO,
        Some(gate.clone()),
    );
    let cache = Arc::new(
        CachingProvider::new(fake.clone())
            .clock(clock.func())
            .refresh_ahead(5 * MIN),
    );
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");

    // Not yet in the window.
    clock.advance(9 * MIN);
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    assert_eq!(fake.calls(), 1);

    // In the window (6 minutes left): one caller starts the refresh and waits for it...
    clock.advance(MIN);
    let refresher = {
        let c = cache.clone();
        tokio::spawn(async move { c.provide_credentials().await })
    };
    while fake.calls() < 2 {
        tokio::task::yield_now().await;
    }
    // ...while everyone else is served the still-valid credentials at once, without another load.
    let results = tokio::time::timeout(Duration::from_secs(5), herd(&cache, 500))
        .await
        .expect("not blocked by the refresh");
    assert!(results.iter().all(|r| key(r) == "AKID1"));
    assert_eq!(fake.calls(), 2);

    gate.add_permits(1);
    assert_eq!(key(&refresher.await.unwrap()), "AKID2");
    assert_eq!(key(&cache.provide_credentials().await), "AKID2");
    assert_eq!(fake.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_refresh_serves_valid_credentials_retries_with_backoff_then_errors_after_expiry() {
    let clock = FakeClock::default();
    let fake = Fake::new(&clock, Mode::Succeed(Some(10 * MIN)));
    let cache = Arc::new(
        CachingProvider::new(fake.clone())
            .clock(clock.func())
            .refresh_ahead(5 * MIN)
            .retry_backoff(Duration::from_secs(10)),
    );
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    fake.set(Mode::Fail);

    // In the window: the refresh fails, the old credentials are served.
    clock.advance(6 * MIN);
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    assert_eq!(fake.calls(), 2);
    // Not retried on every call...
    for _ in 0..100 {
        assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    }
    assert_eq!(fake.calls(), 2);
    // ...but after the backoff (10 s), then 20 s, then 40 s.
    clock.advance(Duration::from_secs(10));
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    assert_eq!(fake.calls(), 3);
    clock.advance(Duration::from_secs(19));
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    assert_eq!(fake.calls(), 3);
    clock.advance(Duration::from_secs(1));
    assert_eq!(key(&cache.provide_credentials().await), "AKID1");
    assert_eq!(fake.calls(), 4);
    clock.advance(Duration::from_secs(40));
    let results = herd(&cache, 200).await;
    assert!(results.iter().all(|r| key(r) == "AKID1"));
    assert_eq!(fake.calls(), 5, "one retry for the whole herd");

    // Expired: callers get the refresh error, clearly, and each new caller tries again.
    clock.advance(4 * MIN);
    let err = cache.provide_credentials().await.unwrap_err();
    assert_eq!(
        err,
        CredentialsError::ProviderError {
            provider: "fake",
            reason: "upstream down (call 6)".into()
        }
    );
    assert_eq!(err.to_string(), "fake: upstream down (call 6)");
    let results = herd(&cache, 300).await;
    assert!(results.iter().all(|r| r.is_err()));
    assert!(
        fake.calls() > 6,
        "with nothing valid cached, a failure is not cached either"
    );

    // Upstream back: the next caller loads at once (no backoff when nothing valid is cached).
    fake.set(Mode::Succeed(Some(10 * MIN)));
    let calls = fake.calls();
    let c = cache.provide_credentials().await.unwrap();
    assert_eq!(c.access_key_id(), format!("AKID{}", calls + 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_load_is_shared_by_the_callers_that_waited_for_it() {
    let clock = FakeClock::default();
    let gate = Arc::new(Semaphore::new(0));
    let fake = Fake::build(&clock, Mode::Fail, Duration::ZERO, Some(gate.clone()));
    let cache = cache(&fake, &clock);
    let results = gated_herd(&cache, &gate, 1000).await;
    assert_eq!(fake.calls(), 1);
    for r in &results {
        assert_eq!(
            r,
            &Err(CredentialsError::ProviderError {
                provider: "fake",
                reason: "upstream down (call 1)".into()
            })
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn load_timeout_names_the_provider_and_does_not_wedge() {
    let clock = FakeClock::default();
    let fake = Fake::new(&clock, Mode::Hang);
    let cache = Arc::new(
        CachingProvider::new(fake.clone())
            .clock(clock.func())
            .load_timeout(Duration::from_millis(100)),
    );
    let started = std::time::Instant::now();
    let results = herd(&cache, 50).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fake.calls(), 1);
    for r in &results {
        let err = r.as_ref().unwrap_err();
        assert_eq!(
            err,
            &CredentialsError::Timeout {
                provider: "fake",
                after: Duration::from_millis(100)
            }
        );
        assert_eq!(
            err.to_string(),
            "fake: did not provide credentials within 100ms"
        );
    }
    assert_eq!(cache.name(), "fake");

    fake.set(Mode::Succeed(Some(60 * MIN)));
    assert_eq!(key(&cache.provide_credentials().await), "AKID2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_leader_hands_the_load_to_a_waiting_caller() {
    let clock = FakeClock::default();
    let gate = Arc::new(Semaphore::new(0));
    let fake = Fake::build(
        &clock,
        Mode::Succeed(Some(60 * MIN)),
        Duration::ZERO,
        Some(gate.clone()),
    );
    let cache = cache(&fake, &clock);

    let leader = {
        let c = cache.clone();
        tokio::spawn(async move { c.provide_credentials().await })
    };
    while fake.calls() < 1 {
        tokio::task::yield_now().await;
    }
    let waiters: Vec<_> = (0..20)
        .map(|_| {
            let c = cache.clone();
            tokio::spawn(async move { c.provide_credentials().await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(fake.calls(), 1, "the waiters wait for the leader");

    leader.abort();
    assert!(leader.await.unwrap_err().is_cancelled());
    // One waiter takes over with a second call.
    while fake.calls() < 2 {
        tokio::task::yield_now().await;
    }
    gate.add_permits(1);
    for w in waiters {
        assert_eq!(key(&w.await.unwrap()), "AKID2");
    }
    assert_eq!(fake.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_caller_dropped_mid_load_leaves_the_cache_usable() {
    let clock = FakeClock::default();
    let fake = Fake::build(
        &clock,
        Mode::Succeed(Some(60 * MIN)),
        Duration::from_millis(500),
        None,
    );
    let cache = cache(&fake, &clock);
    // A lone caller gives up (drops its future) while it is loading...
    assert!(
        tokio::time::timeout(Duration::from_millis(20), cache.provide_credentials())
            .await
            .is_err()
    );
    assert_eq!(fake.calls(), 1);
    // ...and so does a caller waiting for another's load.
    let leader = {
        let c = cache.clone();
        tokio::spawn(async move { c.provide_credentials().await })
    };
    while fake.calls() < 2 {
        tokio::task::yield_now().await;
    }
    assert!(
        tokio::time::timeout(Duration::from_millis(20), cache.provide_credentials())
            .await
            .is_err()
    );
    assert_eq!(key(&leader.await.unwrap()), "AKID2");
    assert_eq!(key(&cache.provide_credentials().await), "AKID2");
    assert_eq!(fake.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_panicking_provider_becomes_an_error_for_every_waiter() {
    let clock = FakeClock::default();
    let fake = Fake::new(&clock, Mode::Panic);
    let cache = cache(&fake, &clock);
    let results = herd(&cache, 100).await;
    for r in &results {
        match r {
            Err(CredentialsError::ProviderError {
                provider: "fake",
                reason,
            }) => {
                assert!(
                    reason.contains("panicked") && reason.contains("fake provider bug"),
                    "{reason}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
    fake.set(Mode::Succeed(None));
    assert!(cache.provide_credentials().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn debug_does_not_show_secrets() {
    let clock = FakeClock::default();
    let fake = Fake::new(&clock, Mode::Succeed(Some(MIN)));
    let cache = cache(&fake, &clock);
    cache.provide_credentials().await.unwrap();
    let d = format!("{cache:?}");
    assert!(
        d.contains("CachingProvider") && !d.contains("s3cr3t") && !d.contains("t0k3n"),
        "{d}"
    );
}

/// A provider that needs no runtime: ready at once, or never.
#[derive(Debug)]
struct Plain {
    calls: AtomicUsize,
    hang: bool,
}

impl ProvideCredentials for Plain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.hang {
            Box::pin(std::future::pending())
        } else {
            Box::pin(async { Ok(Credentials::new("AKID", "s3cr3t", None, None, "plain")) })
        }
    }

    fn name(&self) -> &'static str {
        "plain"
    }
}

/// Drives a future on this thread with no async runtime (as the blocking client does).
fn block_on<F: Future>(fut: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let mut fut = std::pin::pin!(fut);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

#[test]
fn works_without_an_async_runtime() {
    let plain = Arc::new(Plain {
        calls: AtomicUsize::new(0),
        hang: false,
    });
    let cache = CachingProvider::new(plain.clone());
    assert_eq!(
        block_on(cache.provide_credentials())
            .unwrap()
            .access_key_id(),
        "AKID"
    );
    assert_eq!(
        block_on(cache.provide_credentials())
            .unwrap()
            .access_key_id(),
        "AKID"
    );
    assert_eq!(plain.calls.load(Ordering::SeqCst), 1);

    let hang = Arc::new(Plain {
        calls: AtomicUsize::new(0),
        hang: true,
    });
    let cache = CachingProvider::new(hang).load_timeout(Duration::from_millis(50));
    assert_eq!(
        block_on(cache.provide_credentials()),
        Err(CredentialsError::Timeout {
            provider: "plain",
            after: Duration::from_millis(50)
        })
    );
}
