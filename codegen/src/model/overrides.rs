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
