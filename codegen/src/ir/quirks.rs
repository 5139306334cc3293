//! Applying the hand-written overrides that are not about sensitivity: documented limits
//! on shapes, and the permission facts the privilege model does not carry.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, ensure, Result};

use super::iam::{ConditionalAction, IamModel, OperationPermission};
use super::{Operation, Shape, ShapeId, ShapeKind};
use crate::model::iam::{IamService, Privilege, PrivilegeResourceType};
use crate::model::overrides::Overrides;

/// The privilege model with the overrides' `declared_actions` added, as if the privilege model
/// listed them (lowering then checks their resource types and condition keys like any other).
///
/// # Errors
/// A declaration without a source, or one for an action the privilege model already lists (the
/// declaration has done its job: remove it and use the model's facts).
pub fn declare_actions(svc: &IamService, overrides: &Overrides) -> Result<IamService> {
    let mut svc = svc.clone();
    for d in &overrides.declared_actions {
        let what = format!("overrides: declared action `{}:{}`", svc.prefix, d.action);
        ensure!(
            !d.source.trim().is_empty(),
            "{what}: `source` is empty (say where the permission is documented)"
        );
        ensure!(
            !d.description.trim().is_empty(),
            "{what}: `description` is empty"
        );
        let lower = d.action.to_ascii_lowercase();
        if let Some(existing) = svc.privileges_lower_name.get(&lower) {
            bail!(
                "{what}: the privilege model now lists `{}:{existing}`; remove the declaration from the overrides \
                 so that the model's own resource types and condition keys are used",
                svc.prefix
            );
        }
        let mut rows = BTreeMap::new();
        for r in &d.resource_types {
            ensure!(
                svc.resources.contains_key(&r.name),
                "{what}: the privilege model has no resource type `{}`",
                r.name
            );
            rows.insert(
                r.name.clone(),
                PrivilegeResourceType {
                    resource_type: r.name.clone(),
                    required: r.required,
                    condition_keys: Vec::new(),
                    dependent_actions: Vec::new(),
                },
            );
        }
        rows.insert(
            String::new(),
            PrivilegeResourceType {
                resource_type: String::new(),
                required: false,
                condition_keys: d.condition_keys.clone(),
                dependent_actions: Vec::new(),
            },
        );
        let lower_rows = rows
            .keys()
            .map(|k| (k.to_ascii_lowercase(), k.clone()))
            .collect();
        svc.privileges.insert(
            d.action.clone(),
            Privilege {
                privilege: d.action.clone(),
                description: format!(
                    "{} (declared in the overrides: the privilege model does not list this action yet; source: {})",
                    d.description.trim_end_matches('.'),
                    d.source
                ),
                access_level: d.access_level,
                resource_types: rows,
                resource_types_lower_name: lower_rows,
                api_documentation_link: d.documentation_url.clone(),
            },
        );
        svc.privileges_lower_name.insert(lower, d.action.clone());
    }
    Ok(svc)
}

/// Tightens shape constraints with the overrides' `limits`.
pub fn apply_limits(
    shapes: &mut [Shape],
    index: &BTreeMap<&str, ShapeId>,
    overrides: &Overrides,
) -> Result<()> {
    for limit in &overrides.limits {
        let what = format!("overrides: limit on `{}`", limit.shape);
        ensure!(!limit.why.trim().is_empty(), "{what}: `why` is empty");
        let id = index
            .get(limit.shape.as_str())
            .ok_or_else(|| anyhow!("{what}: no such shape"))?;
        match &mut shapes[id.0].kind {
            ShapeKind::String(s) => {
                if let Some(max) = limit.max {
                    s.length.max = Some(s.length.max.map_or(max, |m| m.min(max)));
                }
                if let Some(pattern) = &limit.pattern {
                    match &s.pattern {
                        Some(existing) if existing != pattern => {
                            bail!(
                                "{what}: pattern `{pattern}` differs from the model's `{existing}`"
                            )
                        }
                        Some(_) => {}
                        None => {
                            ensure!(
                                super::checkable_pattern(pattern),
                                "{what}: pattern `{pattern}` does not compile"
                            );
                            s.pattern = Some(pattern.clone());
                        }
                    }
                }
            }
            ShapeKind::List(l) => {
                ensure!(
                    limit.pattern.is_none(),
                    "{what}: a list shape has no pattern"
                );
                if let Some(max) = limit.max {
                    l.length.max = Some(l.length.max.map_or(max, |m| m.min(max)));
                }
            }
            _ => bail!("{what}: only string and list shapes take limits"),
        }
    }
    Ok(())
}

/// Why an unsigned operation without an action needs no permission.
pub const UNSIGNED_NO_PERMISSION: &str =
    "the model marks it `noAuth`: it is sent unsigned, so no IAM \
     policy is evaluated (the token or client secret it carries, if any, authorizes it)";

fn split_member<'a>(member: &'a str, what: &str) -> Result<(&'a str, &'a str)> {
    member
        .split_once('.')
        .ok_or_else(|| anyhow!("{what}: `{member}` is not of the form Shape.Member"))
}

/// Fills [`IamModel::operation_permissions`] and [`IamModel::policy_max_chars`] from the
/// privilege model's operation links and the overrides.
///
/// An operation needs no permission when the overrides say so, or when the service model marks
/// it unsigned (`noAuth`) and the privilege model lists no action for it
/// ([`UNSIGNED_NO_PERMISSION`]); it needs its linked action otherwise; and with neither, its
/// permission is unknown.
pub fn apply_permissions(
    model: &mut IamModel,
    shapes: &[Shape],
    index: &BTreeMap<&str, ShapeId>,
    operations: &[Operation],
    overrides: &Overrides,
) -> Result<()> {
    let member_of = |shape: &str, member: &str, what: &str| -> Result<(ShapeId, String, ShapeId)> {
        let id = *index
            .get(shape)
            .ok_or_else(|| anyhow!("{what}: no shape `{shape}`"))?;
        let ShapeKind::Structure(s) = &shapes[id.0].kind else {
            bail!("{what}: `{shape}` is not a structure")
        };
        let m = s
            .members
            .iter()
            .find(|m| m.wire_name == member)
            .ok_or_else(|| anyhow!("{what}: `{shape}` has no member `{member}`"))?;
        Ok((id, m.rust_name.clone(), m.target))
    };

    if let Some(docs) = &overrides.policy_documents {
        for member in &docs.members {
            let what = format!("overrides: policy document member `{member}`");
            let (shape, name) = split_member(member, &what)?;
            let (_, _, target) = member_of(shape, name, &what)?;
            let ShapeKind::String(s) = &shapes[target.0].kind else {
                bail!("{what}: not a string member")
            };
            ensure!(
                s.length.max == Some(docs.max_chars),
                "{what}: its shape's maximum length {:?} differs from `max_chars` {}",
                s.length.max,
                docs.max_chars
            );
        }
        model.policy_max_chars = Some(docs.max_chars);
    }

    let mut no_permission: BTreeMap<&str, &str> = BTreeMap::new();
    for o in &overrides.no_permission_operations {
        ensure!(
            operations.iter().any(|op| op.wire_name == o.operation),
            "overrides: no-permission operation `{}` is not an operation of the service",
            o.operation
        );
        no_permission.insert(&o.operation, &o.why);
    }

    let mut conditional: BTreeMap<ShapeId, Vec<ConditionalAction>> = BTreeMap::new();
    for c in &overrides.conditional_permissions {
        let what = format!("overrides: conditional permission on `{}`", c.member);
        let (shape, name) = split_member(&c.member, &what)?;
        let (id, accessor, _) = member_of(shape, name, &what)?;
        ensure!(
            operations.iter().any(|op| op.input == Some(id)),
            "{what}: `{shape}` is not an operation input"
        );
        let action = model
            .actions
            .iter()
            .position(|a| a.policy_name.eq_ignore_ascii_case(&c.action))
            .ok_or_else(|| anyhow!("{what}: the privilege model has no action `{}`", c.action))?;
        conditional.entry(id).or_default().push(ConditionalAction {
            member: name.to_owned(),
            accessor,
            action,
            why: c.why.clone(),
        });
    }

    model.operation_permissions = operations
        .iter()
        .map(|op| {
            let linked = model
                .actions
                .iter()
                .position(|a| a.operation.as_deref() == Some(op.wire_name.as_str()));
            let no_permission = no_permission
                .get(op.wire_name.as_str())
                .map(|w| (*w).to_owned())
                .or_else(|| {
                    // An unsigned operation that the privilege model does not list carries no
                    // identity for IAM to authorize. One it does list keeps its action: that
                    // action is evaluated in a resource policy (STS's AssumeRoleWithWebIdentity
                    // is unsigned, and `sts:AssumeRoleWithWebIdentity` is granted in the role's
                    // trust policy).
                    (op.unsigned && linked.is_none()).then(|| UNSIGNED_NO_PERMISSION.to_owned())
                });
            OperationPermission {
                operation: op.wire_name.clone(),
                module: op.module.clone(),
                input_type: op.input.map(|_| format!("{}Input", op.rust_name)),
                actions: if no_permission.is_some() {
                    Vec::new()
                } else {
                    linked.into_iter().collect()
                },
                permission_unknown: no_permission.is_none() && linked.is_none(),
                no_permission,
                conditional: op
                    .input
                    .and_then(|id| conditional.remove(&id))
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok(())
}
