//! A test transport for tests that send to local servers: the real transport for 127.0.0.1
//! only; a request to any other host fails without leaving the machine, so a wrong endpoint
//! choice fails the test instead of reaching AWS.

use std::sync::Arc;
use std::time::Duration;

use stsgen_runtime::client::{HttpClient, HttpResponse, HttpsClient};
use stsgen_runtime::error::{TransportError, TransportErrorKind};
use stsgen_runtime::future::BoxFuture;

#[derive(Debug)]
struct LocalOnly(HttpsClient);

impl HttpClient for LocalOnly {
    fn send(
        &self,
        request: stsgen_runtime::http::Request<Vec<u8>>,
        max_body: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        if request.uri().host() == Some("127.0.0.1") {
            return self.0.send(request, max_body);
        }
        let uri = request.uri().to_string();
        Box::pin(async move {
            Err(TransportError::new(
                TransportErrorKind::Connect,
                format!("test transport: {uri} is not on 127.0.0.1, not sent"),
            ))
        })
    }
}

/// The transport for a test configuration's `http_client`.
pub(crate) fn transport() -> Arc<dyn HttpClient> {
    Arc::new(LocalOnly(
        HttpsClient::new(Some(Duration::from_secs(5))).expect("the default transport"),
    ))
}
