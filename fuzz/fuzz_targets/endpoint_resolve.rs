//! Fuzzes endpoint resolution (`sts::endpoint::resolve`, the compiled rule set) and the
//! client's use of the result, with fuzzed `Region`, `Endpoint` and flags. The first byte holds
//! the flags (bit 0 FIPS, 1 dual-stack, 2 global endpoint, 3 region set, 4 endpoint set); the
//! rest is the region, then (after the first NUL byte) the endpoint URL.
//!
//! Neither resolution nor a call may panic: the call goes through the client (endpoint URL ->
//! request URI, `Host` header, signing) to a transport that answers at once, with timeouts off
//! so the call needs no async runtime and completes in one poll.
#![no_main]

use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use libfuzzer_sys::fuzz_target;
use sts::runtime::client::{HttpClient, HttpResponse, TimeoutConfig};
use sts::runtime::credentials::StaticCredentials;
use sts::runtime::error::{TransportError, TransportErrorKind};
use sts::runtime::future::BoxFuture;

/// Records that a request was built; answers with a non-retryable error.
#[derive(Debug)]
struct Refuse;

impl HttpClient for Refuse {
    fn send(&self, request: sts::runtime::http::Request<Vec<u8>>, _: usize) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        // The request the client built must be well-formed.
        assert!(request.uri().host().is_some_and(|h| !h.is_empty()), "{:?}", request.uri());
        assert!(request.headers().contains_key("host"));
        Box::pin(async { Err(TransportError::new(TransportErrorKind::InvalidRequest, "fuzzing")) })
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let (region, endpoint) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let region = String::from_utf8_lossy(region).into_owned();
    let endpoint = String::from_utf8_lossy(endpoint).into_owned();
    let (fips, dual, global) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
    let region = (flags & 8 != 0).then_some(region);
    let endpoint = (flags & 16 != 0).then_some(endpoint);

    let mut builder = sts::endpoint::Params::builder().use_fips(fips).use_dual_stack(dual).use_global_endpoint(global);
    if let Some(r) = &region {
        builder = builder.region(r.clone());
    }
    if let Some(e) = &endpoint {
        builder = builder.endpoint(e.clone());
    }
    match builder.build() {
        Ok(params) => match sts::endpoint::resolve(&params) {
            Ok(e) => drop(format!("{e:?} {} {:?} {:?}", e.url(), e.headers(), e.auth_schemes())),
            Err(e) => drop(format!("{e} {e:?}")),
        },
        Err(e) => drop(format!("{e} {e:?}")),
    }

    let mut config = sts::Config::new();
    config.region = region;
    config.endpoint_url = endpoint;
    config.use_fips = fips;
    config.use_dual_stack = dual;
    config.credentials = Some(Arc::new(StaticCredentials::new("AKIDEXAMPLE", "secret", Some("token".into()))));
    config.http_client = Some(Arc::new(Refuse));
    config.timeouts = TimeoutConfig { connect: None, attempt: None, operation: None };
    config.retry.max_attempts = 1;
    let client = sts::Client::new(config).expect("a client with a given transport");
    let call = client.get_caller_identity().send();
    let mut call = std::pin::pin!(call);
    match std::future::Future::poll(call.as_mut(), &mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(out)) => panic!("the transport refuses every request, yet: {out:?}"),
        Poll::Ready(Err(e)) => drop(format!("{e} {e:?}")),
        Poll::Pending => panic!("the call waited although nothing it awaits can be pending"),
    }
});
