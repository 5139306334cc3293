//! Serde mirrors of the input documents. No logic beyond parsing lives here.

pub mod endpoints;
pub mod iam;
pub mod overrides;
pub mod protocol_tests;
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

/// The input documents of one service, parsed into their mirrors: what [`crate::ir::lower`]
/// reads.
#[derive(Debug, Clone)]
pub struct Sources {
    /// `service-2.json`.
    pub service: service::ServiceModel,
    /// The privilege model, when given.
    pub privileges: Option<iam::IamService>,
    /// The service's overrides (empty when none were given).
    pub overrides: overrides::Overrides,
    /// `endpoint-rule-set-1.json`, when given.
    pub endpoint_rules: Option<endpoints::RuleSet>,
    /// `partitions.json`, when given.
    pub partitions: Option<endpoints::Partitions>,
    /// `endpoint-tests-1.json`, when given.
    pub endpoint_tests: Option<endpoints::EndpointTests>,
}

impl Sources {
    /// Parses every document of `inputs`; an error names the document and the JSON path.
    pub fn parse(inputs: &crate::Inputs) -> Result<Sources> {
        Ok(Sources {
            service: parse_json(&inputs.service_model, "service model")?,
            privileges: optional(&inputs.privileges, "privilege model")?,
            overrides: optional(&inputs.options.overrides, "overrides")?.unwrap_or_default(),
            endpoint_rules: optional(&inputs.endpoint_rules, "endpoint rule set")?,
            partitions: optional(&inputs.partitions, "partitions")?,
            endpoint_tests: optional(&inputs.options.endpoint_tests, "endpoint tests")?,
        })
    }
}

fn optional<T: DeserializeOwned>(text: &Option<String>, what: &str) -> Result<Option<T>> {
    text.as_deref().map(|t| parse_json(t, what)).transpose()
}
