//! Load: many concurrent `GetCallerIdentity` calls from one client against a local server that
//! holds each response 10 ms and counts the connections open at once. The calls complete
//! without error, the client never has more connections open than its per-endpoint limit,
//! and afterwards no more than the idle limit stay open.
//!
//! Ignored by default (it takes a few seconds); `cargo xtask test` runs it with
//! `STSGEN_LOAD_OPS=200`, the full size is `STSGEN_LOAD_OPS=2000 cargo test -p
//! stsgen-tests --test transport_load -- --ignored --nocapture` (the default when unset).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sts::operation::get_caller_identity::GetCallerIdentityInput;
use stsgen_runtime::credentials::StaticCredentials;

const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/load</Arn>\
<UserId>AIDLOAD</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>rl</RequestId>\
</ResponseMetadata></GetCallerIdentityResponse>";

/// How long the server holds each response.
const HOLD: Duration = Duration::from_millis(10);

fn operations() -> usize {
    std::env::var("STSGEN_LOAD_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// Connections open at the server now, the most at once, and requests answered.
#[derive(Default)]
struct Counts {
    open: AtomicUsize,
    max: AtomicUsize,
    requests: AtomicUsize,
}

/// A keep-alive server on 127.0.0.1, a thread per connection, answering every request after
/// [`HOLD`]; returns its URL and counts.
fn server() -> (String, Arc<Counts>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counts = Arc::new(Counts::default());
    let shared = counts.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let now = shared.open.fetch_add(1, Ordering::SeqCst) + 1;
            shared.max.fetch_max(now, Ordering::SeqCst);
            let counts = shared.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                'conn: loop {
                    let end = loop {
                        if let Some(end) =
                            buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
                        {
                            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                            let len: usize = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length: "))
                                .map_or(0, |v| v.trim().parse().unwrap());
                            if buf.len() >= end + len {
                                break end + len;
                            }
                        }
                        let mut chunk = [0; 8192];
                        match stream.read(&mut chunk) {
                            Ok(0) | Err(_) => break 'conn,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    buf.drain(..end);
                    std::thread::sleep(HOLD);
                    counts.requests.fetch_add(1, Ordering::SeqCst);
                    let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{IDENTITY}", IDENTITY.len());
                    if stream.write_all(reply.as_bytes()).is_err() {
                        break;
                    }
                }
                counts.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (url, counts)
}

fn config(url: &str, limit: usize) -> sts::Config {
    let mut config = sts::Config::new();
    config.region = Some("us-east-1".into());
    config.endpoint_url = Some(url.to_owned());
    config.credentials = Some(Arc::new(StaticCredentials::new(
        "AKIDLOAD",
        "load-secret",
        None,
    )));
    // Every failure shows: no retries.
    config.retry.max_attempts = 1;
    config.timeouts.operation = Some(Duration::from_secs(120));
    config.timeouts.attempt = Some(Duration::from_secs(120));
    config.connections.max_connections_per_endpoint = limit;
    config
}

/// Waits (bounded) until the server sees at most `idle` connections open, and returns the count.
fn settled_open(counts: &Counts, idle: usize) -> usize {
    let started = Instant::now();
    while counts.open.load(Ordering::SeqCst) > idle && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    counts.open.load(Ordering::SeqCst)
}

fn check(what: &str, counts: &Counts, ops: usize, limit: usize, idle: usize, elapsed: Duration) {
    let max = counts.max.load(Ordering::SeqCst);
    let after = settled_open(counts, idle);
    println!("{what}: {ops} calls in {elapsed:.2?}, at most {max} connections open at once (limit {limit}), {after} open afterwards (idle limit {idle})");
    assert_eq!(
        counts.requests.load(Ordering::SeqCst),
        ops,
        "{what}: one request per call"
    );
    assert!(
        max <= limit,
        "{what}: {max} connections open at once, above the limit of {limit}"
    );
    assert!(
        after <= idle,
        "{what}: {after} connections left open, above the idle limit of {idle}"
    );
}

#[test]
#[ignore = "load test; `cargo xtask test` runs it with STSGEN_LOAD_OPS=200"]
fn async_concurrent_calls_stay_within_the_connection_limit() {
    let ops = operations();
    let (url, counts) = server();
    let cfg = config(&url, 64);
    let idle = cfg.connections.max_idle_per_endpoint;
    let client = sts::Client::new(cfg).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let failures = rt.block_on(async {
        let tasks: Vec<_> = (0..ops)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    client
                        .send(GetCallerIdentityInput::builder().build().unwrap())
                        .await
                })
            })
            .collect();
        let mut failures = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok(out) => assert_eq!(out.account(), Some("123456789012")),
                Err(e) => failures.push(e.to_string()),
            }
        }
        failures
    });
    let elapsed = started.elapsed();
    assert!(
        failures.is_empty(),
        "{} of {ops} calls failed, first: {}",
        failures.len(),
        failures[0]
    );
    check("async client", &counts, ops, 64, idle, elapsed);
}

fn blocking_run(limit: usize) {
    let ops = operations();
    let threads = 64;
    let (url, counts) = server();
    let cfg = config(&url, limit);
    let idle = cfg.connections.max_idle_per_endpoint;
    let client = sts::blocking::Client::new(cfg);
    let started = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let client = client.clone();
            // Spread `ops` calls over the threads.
            let mine = ops / threads + usize::from(t < ops % threads);
            std::thread::spawn(move || {
                (0..mine)
                    .filter_map(|_| {
                        client
                            .send(GetCallerIdentityInput::builder().build().unwrap())
                            .err()
                            .map(|e| e.to_string())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let failures: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let elapsed = started.elapsed();
    assert!(
        failures.is_empty(),
        "{} of {ops} calls failed, first: {}",
        failures.len(),
        failures[0]
    );
    check(
        &format!("blocking client, {threads} threads"),
        &counts,
        ops,
        limit,
        idle,
        elapsed,
    );
}

#[test]
#[ignore = "load test; `cargo xtask test` runs it with STSGEN_LOAD_OPS=200"]
fn blocking_calls_from_64_threads_stay_within_the_connection_limit() {
    blocking_run(64);
}

#[test]
#[ignore = "load test; `cargo xtask test` runs it with STSGEN_LOAD_OPS=200"]
fn blocking_callers_beyond_a_small_limit_wait_for_a_connection() {
    blocking_run(16);
}
