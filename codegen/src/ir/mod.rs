//! The IR: an arena of shapes keyed by [`ShapeId`], with resolved Rust and wire names.

pub mod iam;

use anyhow::Result;

use crate::model::{iam::IamService, service::ServiceModel};
use crate::Options;

/// The lowered service (placeholder while the IR lands).
#[derive(Debug)]
pub struct Service {}

/// Lowers the parsed models into the IR.
pub fn lower(_model: &ServiceModel, _privileges: Option<&IamService>, _options: &Options) -> Result<Service> {
    Ok(Service {})
}
