//! The modeled value types generated code uses ([`Blob`](blob::Blob),
//! [`DateTime`](datetime::DateTime)) and their text forms on the wire ([`wire`]: timestamps,
//! numbers, booleans, base64).

pub mod blob;
pub mod datetime;
pub mod wire;
