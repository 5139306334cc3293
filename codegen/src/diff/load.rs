//! Reading and lowering one side of the diff, exactly as generation does.

use anyhow::{Context, Result};

use crate::ir::{self, Service};
use crate::model::Sources;
use crate::Inputs;

/// Parses and lowers one side (`what`: `old` or `new`, for error messages).
pub(super) fn load(inputs: &Inputs, what: &str) -> Result<Service> {
    let sources = Sources::parse(inputs).with_context(|| format!("{what} model"))?;
    ir::lower(&sources, &inputs.options).with_context(|| format!("lowering the {what} model"))
}
