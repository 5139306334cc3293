//! Serde mirrors of the input documents. No logic beyond parsing lives here.

pub mod endpoints;
pub mod iam;
pub mod overrides;
pub mod service;

use anyhow::{anyhow, Result};
use serde::de::DeserializeOwned;

/// Parses JSON into a mirror type; an error names the JSON path where parsing failed
/// (for example `shapes.AssumeRoleRequest.members.RoleArn: unknown field "colour"`).
pub fn parse_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        anyhow!("{what}: at `{path}`: {}", e.into_inner())
    })
}
