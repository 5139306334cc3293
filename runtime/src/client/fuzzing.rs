//! Access for the fuzz targets (feature `fuzzing`, not part of the public API): the HTTP/1.1
//! response reader both transports use, and the limits it promises to keep.

use crate::client::http1;
use crate::error::TransportError;

pub use crate::client::http1::HttpResponse;

/// The most bytes a response head (status line and headers) may take.
pub const MAX_HEAD: usize = http1::MAX_HEAD;
/// The most header lines a response may have.
pub const MAX_HEADERS: usize = http1::MAX_HEADERS;

/// The transports' incremental response reader.
#[derive(Debug)]
pub struct ResponseReader(http1::ResponseReader);

impl ResponseReader {
    /// A reader for the response to a request with `method`, failing once the body passes `max_body`.
    pub fn new(method: &http::Method, max_body: usize) -> Self {
        ResponseReader(http1::ResponseReader::new(method, max_body))
    }

    /// Takes the next bytes: `Some((response, reusable))` once the response is complete.
    ///
    /// # Errors
    /// A malformed or oversized response.
    pub fn feed(&mut self, data: &[u8]) -> Result<Option<(HttpResponse, bool)>, TransportError> {
        Ok(match self.0.feed(data)? {
            http1::Progress::NeedMore => None,
            http1::Progress::Done { response, reusable } => Some((response, reusable)),
        })
    }

    /// The peer closed the connection.
    ///
    /// # Errors
    /// The response was incomplete.
    pub fn eof(&mut self) -> Result<HttpResponse, TransportError> {
        self.0.eof()
    }

    /// Whether the connection may carry another request (see the reader's documentation).
    pub fn reusable(&self) -> bool {
        self.0.reusable()
    }
}
