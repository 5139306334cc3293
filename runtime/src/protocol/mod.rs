//! Wire protocols: how a modeled input becomes a request body and how a response or error
//! body becomes an output or error metadata. One folder per protocol.

pub mod aws_query;
