//! Parses the benchmark's AssumeRole response (or, with `error` as the second argument, its
//! error response) N times (the first argument, default 1), for instruction counts that do
//! not depend on a noisy machine:
//!
//! ```sh
//! cargo build --release -p stsgen-bench --example parse_count
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/parse_count 1
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/parse_count 1001
//! ```
//!
//! The difference of the two totals, divided by 1000, is the instructions per parse.

use std::hint::black_box;

use sts::operation::assume_role;
use sts::runtime::http::HeaderMap;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(1, |a| a.parse().expect("a count"));
    let error = args.next().is_some_and(|a| a == "error");
    let response = stsgen_bench::assume_role_response();
    let headers = HeaderMap::new();
    for _ in 0..n {
        if error {
            let e = assume_role::parse_error(
                400,
                black_box(&headers),
                black_box(stsgen_bench::ERROR_RESPONSE.as_bytes()),
            );
            black_box(e.expect("parses"));
        } else {
            black_box(assume_role::parse_output(black_box(response.as_bytes())).expect("parses"));
        }
    }
}
