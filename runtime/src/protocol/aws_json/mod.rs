//! awsJson 1.0 and 1.1: every operation is `POST /` with an `X-Amz-Target:
//! <targetPrefix>.<Operation>` header and a JSON body ([`json_request`]); responses are JSON
//! documents ([`parse_body`], read with the [`reader`] helpers) and errors carry their code in
//! `__type`, `code` or the `X-Amzn-Errortype` header ([`parse_error_metadata`]).
//!
//! Bodies are written with the runtime's own [`JsonWriter`](crate::json::JsonWriter) and read
//! with its parser ([`crate::json::parse`]): no JSON library is compiled in.

mod error;
pub mod reader;
mod writer;

pub use error::{parse_error_metadata, sanitize_error_code};
pub use reader::parse_body;
pub use writer::{
    json_request, write_document, write_f32, write_f64, write_timestamp, CONTENT_TYPE_1_0,
    CONTENT_TYPE_1_1,
};
