//! Hand-written, service-agnostic runtime for stsgen-generated AWS clients.
//!
//! Generated crates depend on this crate for the pieces that do not vary by service:
//! primitive value types ([`Blob`], [`DateTime`]), client-side validation
//! ([`validate`], [`BuildError`]), and the IAM descriptor types ([`iam`]).

#![deny(missing_docs)]

pub mod blob;
pub mod build_error;
pub mod cache;
pub mod chain;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "client")]
pub mod client;
pub mod credentials;
pub mod datetime;
pub mod endpoint;
pub mod error;
pub mod iam;
pub mod idempotency;
pub mod json;
pub mod pattern;
#[cfg(feature = "policy")]
pub mod policy;
pub mod primitives;
pub mod profile;
pub mod query;
pub mod sensitive;
pub mod sigv4;
pub mod validate;
pub mod xml;

pub use blob::Blob;
pub use build_error::{BuildError, Violation};
pub use datetime::{DateTime, DateTimeError};
pub use error::{ErrorMetadata, ErrorType, RequestId, UnhandledError};
pub use xml::{ParseError, ParseErrorKind};

/// The `http` crate, re-exported so generated code needs no direct dependency.
pub use http;
