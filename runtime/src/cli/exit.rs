//! How a command-line run ends when it does not succeed.

use std::process::ExitCode;

use crate::client::{ClientConfig, ServiceError};
use crate::error::SdkError;

/// How a run ends when it does not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// Bad usage or an invalid input: a message, exit status 2.
    Usage(String),
    /// A failure after the input was accepted (configuration, credentials, endpoint, transport,
    /// response): a message, exit status 1.
    Failed(String),
    /// A service error: its JSON (`{"Code":…,"Message":…,"RequestId":…}`), exit status 1.
    Service(String),
}

impl Exit {
    /// Prints the message (or the service error's JSON) on standard error and returns the
    /// exit status.
    pub fn report(self) -> ExitCode {
        match self {
            Exit::Usage(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
            Exit::Failed(message) => {
                eprintln!("error: {message}");
                ExitCode::from(1)
            }
            Exit::Service(json) => {
                eprintln!("{json}");
                ExitCode::from(1)
            }
        }
    }
}

/// The hint for an endpoint that cannot be resolved without a region.
const REGION_HINT: &str =
    "no region is set: pass --region REGION, set AWS_REGION, or set `region` in the profile (~/.aws/config)";

/// Maps an operation failure to how the program ends; `config` is what the client was built
/// with (an endpoint failure without a region says how to set one).
pub fn sdk_error<E: ServiceError + std::fmt::Display>(
    e: SdkError<E>,
    config: &ClientConfig,
) -> Exit {
    match e {
        SdkError::Service { error, .. } => {
            let meta = error.meta();
            let mut w = crate::json::JsonWriter::compact();
            w.begin_object();
            w.key("Code");
            w.string(meta.code());
            w.key("Message");
            match meta.message() {
                Some(m) => w.string(m),
                None => w.null(),
            }
            w.key("RequestId");
            match meta.request_id() {
                Some(id) => w.string(id),
                None => w.null(),
            }
            w.end_object();
            Exit::Service(w.finish())
        }
        SdkError::Construction(e) => Exit::Usage(e.to_string()),
        e @ SdkError::Endpoint(_) if config.region.is_none() && config.endpoint_url.is_none() => {
            Exit::Failed(format!("{e}; {REGION_HINT}"))
        }
        other => Exit::Failed(other.to_string()),
    }
}
