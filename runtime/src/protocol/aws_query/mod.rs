//! awsQuery: requests are form-urlencoded `Action=...&Version=...` bodies ([`QueryWriter`]),
//! responses are XML envelopes ([`parse_response`]) and errors XML `<Error>` elements
//! ([`parse_error_metadata`]), read with the protocol-agnostic [`crate::xml`] reader.

mod error;
mod response;
mod writer;

pub use error::{parse_error_metadata, with_error_element};
pub use response::{parse_response, read_response_metadata};
#[cfg(feature = "gzip")]
pub use writer::gzip;
pub use writer::{encode, encode_into, form_request, join, QueryWriter, MIN_COMPRESSION_SIZE};
