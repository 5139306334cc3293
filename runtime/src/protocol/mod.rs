//! Wire protocols: how a modeled input becomes a request body and how a response or error
//! body becomes an output or error metadata. One folder per protocol; each but awsQuery (which
//! STS speaks) is behind a feature of its name that generated crates of that protocol enable.

#[cfg(feature = "aws-json")]
pub mod aws_json;
pub mod aws_query;
#[cfg(feature = "rest-json")]
pub mod rest_json;
