//! Fuzzes the HTTP/1.1 response reader both transports use (`ResponseReader`, reached through
//! the runtime's `fuzzing` feature), fed the same bytes in different splits, as a socket
//! delivers them.
//!
//! Input: a flags byte (bit 0: the request was `HEAD`; bits 1-2: the body cap, 0, 64, 4096 or
//! 1 MiB bytes), a count byte `k` (0-7), `k` bytes choosing split points, then the bytes the
//! server sends; after the last one the connection closes.
//!
//! Checks: no panic, no hang; limits hold (the body within the cap, at most `MAX_HEADERS`
//! headers); and the outcome is the same whatever the splits: fed whole, fed in the chosen
//! pieces, and (for inputs up to 2 KiB) fed one byte at a time, the reader completes with the
//! same status, headers, body and reuse verdict (the connection counts as reusable only when
//! the reader said so and no input byte was left unread), or fails with the same error kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stsgen_runtime::client::fuzzing::{HttpResponse, ResponseReader, MAX_HEADERS};
use stsgen_runtime::http;
use stsgen_runtime::error::{TransportError, TransportErrorKind};

const CAPS: [usize; 4] = [0, 64, 4096, 1 << 20];

#[derive(Debug, PartialEq)]
enum Outcome {
    Done { status: u16, headers: Vec<(String, Vec<u8>)>, body: Vec<u8>, reusable: bool },
    Failed(TransportErrorKind),
}

fn outcome(response: HttpResponse, reusable: bool, cap: usize) -> Outcome {
    assert!(response.body.len() <= cap, "body of {} bytes passed the {cap}-byte cap", response.body.len());
    assert!(response.headers.len() <= MAX_HEADERS, "{} headers", response.headers.len());
    assert!((100..=999).contains(&response.status) && !(100..200).contains(&response.status), "status {}", response.status);
    let headers = response.headers.iter().map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec())).collect();
    drop(format!("{response:?}"));
    Outcome::Done { status: response.status, headers, body: response.body, reusable }
}

fn failed(e: TransportError) -> Outcome {
    let text = e.to_string();
    assert!(!text.is_empty() && !e.message().is_empty(), "an error without a message: {e:?}");
    Outcome::Failed(e.kind().clone())
}

/// Feeds `pieces` in order, then closes.
fn read<'a>(method: &http::Method, cap: usize, pieces: impl Iterator<Item = &'a [u8]>) -> Outcome {
    let mut reader = ResponseReader::new(method, cap);
    let mut pieces = pieces.peekable();
    while let Some(piece) = pieces.next() {
        match reader.feed(piece) {
            Ok(None) => assert!(!reader.reusable(), "reusable before the response completed"),
            Ok(Some((response, reusable))) => {
                assert_eq!(reusable, reader.reusable(), "the reader's verdict and Done's disagree");
                let unread = pieces.any(|p| !p.is_empty());
                return outcome(response, reusable && !unread, cap);
            }
            Err(e) => return failed(e),
        }
    }
    match reader.eof() {
        Ok(response) => outcome(response, false, cap),
        Err(e) => failed(e),
    }
}

fuzz_target!(|data: &[u8]| {
    let [flags, k, rest @ ..] = data else { return };
    let k = usize::from(*k % 8).min(rest.len());
    let (splits, wire) = rest.split_at(k);
    let method = if flags & 1 == 1 { http::Method::HEAD } else { http::Method::POST };
    let cap = CAPS[usize::from((flags >> 1) & 3)];

    let whole = read(&method, cap, std::iter::once(wire));

    let mut points: Vec<usize> = splits.iter().map(|b| usize::from(*b) * wire.len() / 256).collect();
    points.push(0);
    points.push(wire.len());
    points.sort_unstable();
    let pieces = points.windows(2).map(|w| &wire[w[0]..w[1]]);
    let split = read(&method, cap, pieces);
    assert_eq!(whole, split, "split at {points:?}");

    if wire.len() <= 2048 {
        let bytewise = read(&method, cap, wire.chunks(1));
        assert_eq!(whole, bytewise, "fed one byte at a time");
    }
});
