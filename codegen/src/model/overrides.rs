//! Serde mirror of a service's hand-written overrides file (`overrides/<service>.json`):
//! quirks expressed as data, applied by lowering on top of the vendored model.

use serde::Deserialize;

/// Hand-written additions to a model.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Free text for readers of the file.
    #[serde(default)]
    pub comment: Option<String>,
    /// Members to treat as sensitive although the model does not mark them.
    #[serde(default)]
    pub sensitive: Vec<SensitiveMember>,
    /// Limits AWS documents that the model does not encode (or encodes and might drop),
    /// checked client-side by `validate()`.
    #[serde(default)]
    pub limits: Vec<Limit>,
    /// Members that carry an IAM policy document, and the documented size limit of one.
    #[serde(default)]
    pub policy_documents: Option<PolicyDocuments>,
    /// Operations that need no IAM permission although the privilege model lists an action.
    #[serde(default)]
    pub no_permission_operations: Vec<NoPermissionOperation>,
    /// Extra actions a request needs when it sets a member.
    #[serde(default)]
    pub conditional_permissions: Vec<ConditionalPermission>,
    /// Actions the privilege model does not list yet (it lags the service model), declared
    /// from AWS's documentation with their source.
    #[serde(default)]
    pub declared_actions: Vec<DeclaredAction>,
    /// Read and ignored: revisions before the command line moved to its own crate named the
    /// hand-written module the generated example called here, and `api-diff --from REV` must
    /// still read them.
    #[serde(default, rename = "cli_extension")]
    pub legacy_cli_extension: Option<serde::de::IgnoredAny>,
}

/// A documented limit on a shape, applied on top of the model's constraints.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// The shape's wire name (a string or a list).
    pub shape: String,
    /// Maximum length: characters for strings, items for lists. The tighter of this and the model's wins.
    #[serde(default)]
    pub max: Option<u64>,
    /// A pattern every value must match (as a whole); must equal the model's pattern when it has one.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Why, with the documentation it comes from.
    pub why: String,
}

/// Members that take a policy document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocuments {
    /// `Shape.Member`, with wire names.
    pub members: Vec<String>,
    /// The most characters one document may have; each member's shape must have this maximum.
    pub max_chars: u64,
    /// Why.
    pub why: String,
}

/// An action declared in the overrides because the privilege model does not list it yet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredAction {
    /// The privilege name (`GetScopedCredentials`), which links it to the operation of that name.
    pub action: String,
    /// What the action grants.
    pub description: String,
    /// The access level, spelled as in the Service Authorization Reference (`Write`).
    #[serde(deserialize_with = "crate::model::iam::access_level")]
    pub access_level: crate::model::iam::AccessLevel,
    /// Resource types a statement may name (each must exist in the privilege model).
    #[serde(default)]
    pub resource_types: Vec<DeclaredResourceType>,
    /// Action-wide condition keys (defined by the privilege model, or global `aws:` keys).
    #[serde(default)]
    pub condition_keys: Vec<String>,
    /// The action's documentation page.
    pub documentation_url: String,
    /// Where the declaration comes from (the Service Authorization Reference page and the date
    /// it was read, say): required, so that every declared fact can be checked.
    pub source: String,
}

/// A resource type of a [`DeclaredAction`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredResourceType {
    /// The resource type's name (`role`).
    pub name: String,
    /// Whether a statement for the action must name a resource of this type.
    pub required: bool,
}

/// An operation that needs no permission.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoPermissionOperation {
    /// The operation's wire name.
    pub operation: String,
    /// Why.
    pub why: String,
}

/// An action needed when a request member is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionalPermission {
    /// `Shape.Member` of an operation input, with wire names.
    pub member: String,
    /// The action (`service:Action`), which the privilege model must define.
    pub action: String,
    /// Why.
    pub why: String,
}

/// One member to redact.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveMember {
    /// `Shape.Member`, with wire names.
    pub member: String,
    /// Why.
    pub why: String,
}
