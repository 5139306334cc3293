//! Hand-written, service-agnostic runtime for stsgen-generated AWS clients.
//!
//! # Map
//!
//! Folders are listed in the order imports flow: each one uses only folders listed above it,
//! never one below (`cargo xtask imports --verbose` prints the actual edges and fails on a
//! cycle between files or folders).
//!
//! - [`types`]: the modeled value types ([`Blob`], [`DateTime`]) and their wire text forms.
//! - [`sensitive`]: `Debug` redaction of secrets.
//! - [`future`]: the boxed future provider and transport traits return, and `block_on`.
//! - [`idempotency`]: idempotency tokens for members the model marks so.
//! - [`json`], [`xml`]: protocol-agnostic readers and writers of the two body formats.
//! - [`iam`]: the IAM privilege-model descriptors generated `iam` modules return, and behind
//!   the `policy` feature, policy documents (`iam::policy`). The closed vocabularies
//!   ([`iam::AccessLevel`], [`iam::ConditionKeyType`], ...) are defined once in
//!   `stsgen-vocab`, shared with the generator, and re-exported here.
//! - [`config`]: where settings come from: the process environment ([`config::Env`]) and the
//!   shared config and credentials files ([`config::ProfileSet`]).
//! - [`credentials`]: everything about credentials: the type, the provider trait, the
//!   environment, profile, `credential_process`, chain and caching providers, and the plan of a
//!   profile's role chain.
//! - [`sigv4`]: Signature Version 4 signing and presigning.
//! - [`error`]: the errors a caller sees: validation ([`BuildError`]), service error metadata,
//!   and the error of a whole call ([`error::SdkError`]).
//! - [`validate`]: client-side checks of modeled constraints, with the `pattern` matcher (its
//!   program type and Pike VM come from `stsgen-vocab`).
//! - [`endpoint`]: endpoint rule-set evaluation helpers and partitions.
//! - [`protocol`]: one folder per wire protocol: [`protocol::aws_query`], and behind the
//!   `aws-json` feature `protocol::aws_json`.
//! - [`client`] (feature `client`): the client core: configuration, transports, retries and
//!   the orchestrator that runs an operation. TLS offers AES-GCM, P-256/P-384 and ECDSA/RSA
//!   only; the feature `tls-all-algorithms` adds X25519, ChaCha20-Poly1305 and Ed25519.
//! - [`cli`] (feature `cli`): what generated command lines share: the main loop, argument
//!   splitting, exit handling, and the `CliExtension` trait a hand-written binary implements.
//!
//! The root re-exports the few names every generated crate uses ([`Blob`], [`DateTime`],
//! [`BuildError`], [`ErrorMetadata`], [`ParseError`], ...); code inside this crate imports
//! them from their folders, never through the root, so the root is not part of any import
//! path.

#![deny(missing_docs)]

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "client")]
pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod future;
pub mod iam;
pub mod idempotency;
pub mod json;
pub mod protocol;
pub mod sensitive;
pub mod sigv4;
pub mod types;
pub mod validate;
pub mod xml;

pub use error::{BuildError, ErrorMetadata, ErrorType, RequestId, UnhandledError, Violation};
pub use types::blob::Blob;
pub use types::datetime::{DateTime, DateTimeError};
pub use xml::{ParseError, ParseErrorKind};

/// The `http` crate, re-exported so generated code needs no direct dependency.
pub use http;
