//! Reading and lowering one side of the diff.

use anyhow::{Context, Result};

use crate::ir::{self, Service};
use crate::model;
use crate::model::endpoints::RuleSet;
use crate::Inputs;

/// One side of the diff, lowered.
pub(super) struct Side {
    pub(super) svc: Service,
    pub(super) rules: Option<RuleSet>,
}

pub(super) fn load(inputs: &Inputs, what: &str) -> Result<Side> {
    let service: model::service::ServiceModel = model::parse_json(&inputs.service_model, "service model")
        .with_context(|| format!("{what} model"))?;
    let privileges = match &inputs.privileges {
        Some(text) => Some(
            model::parse_json::<model::iam::IamService>(text, "privilege model")
                .with_context(|| format!("{what} model"))?,
        ),
        None => None,
    };
    let overrides = match &inputs.options.overrides {
        Some(text) => model::parse_json::<model::overrides::Overrides>(text, "overrides")?,
        None => model::overrides::Overrides::default(),
    };
    let svc = ir::lower(&service, privileges.as_ref(), &overrides, &inputs.options)
        .with_context(|| format!("lowering the {what} model"))?;
    let rules = match &inputs.endpoint_rules {
        Some(text) => Some(
            model::parse_json::<RuleSet>(text, "endpoint rule set").with_context(|| format!("{what} model"))?,
        ),
        None => None,
    };
    Ok(Side { svc, rules })
}
