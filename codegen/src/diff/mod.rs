//! API diff between two versions of a service's models, classified by what each change does to
//! the generated crate's Rust API, and the semver bump that follows.
//!
//! Both sides go through the same pipeline as generation (serde mirror -> [`crate::ir`]), so the
//! diff compares shapes as the generator sees them: members are matched by model name inside the
//! Rust item that holds them (`AssumeRoleInput`, `types::Tag`, `types::error::ExpiredTokenException`),
//! types by their Rust names, and a member's type is the Rust type the generator gives it (two
//! string shapes with different names are the same `String`; only their constraints differ).
//!
//! Classification follows what the generated crate promises: structures, enums, operation error
//! enums and the IAM enums are `#[non_exhaustive]` and string enums keep unknown values, so
//! additions are [`Impact::Compatible`]. Removals, type and required-ness changes (the accessor's
//! type changes), new required members (existing builder calls fail in `build()`) and tightened
//! constraints (`build()` / `validate()` reject values they accepted) are [`Impact::Breaking`].
//! Deprecation, sensitivity and loosened constraints are compatible.
//!
//! Output is sorted (area, item, kind, detail), so it is deterministic.

mod endpoints;
mod iam;
mod load;
mod members;
mod operations;
mod report;
mod semver;
mod types;

use std::collections::BTreeMap;

use anyhow::Result;

use crate::ir::{Service, ShapeId};
use crate::Inputs;

pub use report::{ApiDiff, Area, Change, ChangeKind, Impact};
pub use semver::{semver_line, Bump, Version};

use endpoints::diff_endpoint_params;
use iam::diff_iam;
use load::load;
use members::diff_structures;
use operations::diff_operations;
use types::diff_types;

/// What a maintainer must do about operations whose IAM permission nobody states: one line per
/// operation that the privilege model does not list and the overrides do not declare (empty when
/// every operation is covered, or the service has no privilege model).
///
/// # Errors
/// Inputs that do not parse or lower.
pub fn permission_gaps(inputs: &Inputs) -> Result<Vec<String>> {
    let svc = load(inputs, "new")?;
    let Some(iam) = &svc.iam else {
        return Ok(Vec::new());
    };
    Ok(iam
        .operation_permissions
        .iter()
        .filter(|op| op.permission_unknown)
        .map(|op| {
            format!(
                "permission unknown: `{}` has no action in the privilege model and no declaration in the overrides; \
                 declare `{}:{}` (or what it needs) under `declared_actions` in overrides/<service>.json with its \
                 `source` (the Service Authorization Reference page), or update the privilege model once it lists it. \
                 Until then the generated crate marks it `permission_unknown` and least_privilege_policy refuses it.",
                op.operation, iam.prefix, op.operation
            )
        })
        .collect())
}

/// The members `new` removed from structures it still has, whose target shapes it also still
/// has: the ones a release can keep as deprecated accessors (see [`crate::retired`]), with
/// `removed_in` set to `version`.
///
/// # Errors
/// A side that does not parse or lower.
pub fn retired_members(
    old: &Inputs,
    new: &Inputs,
    version: &str,
) -> Result<Vec<crate::retired::RetiredMember>> {
    let old = load(old, "old")?;
    let new = load(new, "new")?;
    let by_name = |svc: &Service| -> BTreeMap<String, ShapeId> {
        svc.shapes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.wire_name.clone(), ShapeId(i)))
            .collect()
    };
    let (old_shapes, new_shapes) = (by_name(&old), by_name(&new));
    let mut out = Vec::new();
    for (name, &oid) in &old_shapes {
        let (Some(os), Some(ns)) = (
            old.structure(oid),
            new_shapes.get(name).and_then(|&n| new.structure(n)),
        ) else {
            continue;
        };
        for m in &os.members {
            let target = &old.shape(m.target).wire_name;
            if !ns.members.iter().any(|n| n.wire_name == m.wire_name)
                && new_shapes.contains_key(target)
            {
                out.push(crate::retired::RetiredMember {
                    shape: name.clone(),
                    member: m.wire_name.clone(),
                    target: target.clone(),
                    removed_in: version.to_owned(),
                });
            }
        }
    }
    Ok(out)
}

/// Diffs two sets of model inputs, each lowered as [`crate::generate`] lowers it (the options
/// other than the overrides, the endpoint tests and the crate name do not matter). The privilege
/// models and endpoint rule sets are compared when both sides have one.
pub fn diff(old: &Inputs, new: &Inputs) -> Result<ApiDiff> {
    let old = load(old, "old")?;
    let new = load(new, "new")?;
    let mut out = Vec::new();
    diff_operations(&old, &new, &mut out);
    diff_types(&old, &new, &mut out);
    diff_structures(&old, &new, &mut out);
    if let (Some(o), Some(n)) = (&old.endpoints, &new.endpoints) {
        diff_endpoint_params(&o.params, &n.params, &mut out);
    }
    if let (Some(o), Some(n)) = (&old.iam, &new.iam) {
        diff_iam(o, n, &mut out);
    }
    out.sort();
    out.dedup();
    Ok(ApiDiff { changes: out })
}
