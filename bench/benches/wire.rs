//! Wire benchmarks of the generated STS crate: serialising an AssumeRole input, parsing an
//! AssumeRole response (about 1.3 KB) and parsing a modeled error response.
//!
//! `cargo xtask bench` runs these and prints the median of each.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sts::operation::assume_role;
use sts::runtime::http::HeaderMap;

fn assume_role(c: &mut Criterion) {
    let input = stsgen_bench::assume_role_input();
    let response = stsgen_bench::assume_role_response();
    let error = stsgen_bench::ERROR_RESPONSE;
    let headers = HeaderMap::new();

    let mut g = c.benchmark_group("assume_role");
    g.throughput(Throughput::Elements(1));
    g.bench_function("serialize_body", |b| {
        b.iter(|| assume_role::serialize_body(black_box(&input)))
    });
    g.bench_function("parse_output", |b| {
        b.iter(|| assume_role::parse_output(black_box(response.as_bytes())).expect("parses"))
    });
    g.bench_function("parse_error", |b| {
        b.iter(|| {
            assume_role::parse_error(400, black_box(&headers), black_box(error.as_bytes()))
                .expect("parses")
        })
    });
    g.finish();
}

criterion_group!(benches, assume_role);
criterion_main!(benches);
