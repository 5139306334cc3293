//! IAM actions, resources and condition keys.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir;
use crate::ir::iam::IamModel;

use super::report::{push, Area, Change, ChangeKind, Impact};

pub(super) fn diff_iam(old: &IamModel, new: &IamModel, out: &mut Vec<Change>) {
    let prefix = &new.prefix;
    let oa: BTreeMap<&str, &ir::iam::Action> = old
        .actions
        .iter()
        .map(|a| (a.wire_name.as_str(), a))
        .collect();
    let na: BTreeMap<&str, &ir::iam::Action> = new
        .actions
        .iter()
        .map(|a| (a.wire_name.as_str(), a))
        .collect();
    for (name, a) in &na {
        let item = format!("{prefix}:{name}");
        let Some(o) = oa.get(name) else {
            let link = match &a.operation {
                Some(op) => format!("linked to operation `{op}`"),
                None => "permission only".into(),
            };
            let detail = format!(
                "new variant `Action::{}` ({:?}, {link})",
                a.variant, a.access_level
            );
            push(
                out,
                Area::IamAction,
                item,
                ChangeKind::Added,
                detail,
                Impact::Compatible,
            );
            continue;
        };
        if o.variant != a.variant {
            let detail = format!("variant renamed `{}` -> `{}`", o.variant, a.variant);
            push(
                out,
                Area::IamAction,
                &item,
                ChangeKind::Changed,
                detail,
                Impact::Breaking,
            );
        }
        if o.access_level != a.access_level {
            let detail = format!("access level {:?} -> {:?}", o.access_level, a.access_level);
            push(
                out,
                Area::IamAction,
                &item,
                ChangeKind::Changed,
                detail,
                Impact::Compatible,
            );
        }
        if o.operation != a.operation {
            let text = |op: &Option<String>| op.clone().unwrap_or_else(|| "none".into());
            let detail = format!(
                "linked operation {} -> {} (`IAM_ACTION` changes)",
                text(&o.operation),
                text(&a.operation)
            );
            push(
                out,
                Area::IamAction,
                &item,
                ChangeKind::Changed,
                detail,
                Impact::Compatible,
            );
        }
        let keys = |a: &ir::iam::Action| -> BTreeSet<String> {
            a.condition_keys
                .iter()
                .chain(
                    a.resource_types
                        .iter()
                        .flat_map(|r| r.condition_keys.iter()),
                )
                .map(|k| k.name.clone())
                .collect()
        };
        let (ok, nk) = (keys(o), keys(a));
        for k in nk.difference(&ok) {
            push(
                out,
                Area::IamAction,
                &item,
                ChangeKind::Changed,
                format!("now takes condition key `{k}`"),
                Impact::Compatible,
            );
        }
        for k in ok.difference(&nk) {
            push(
                out,
                Area::IamAction,
                &item,
                ChangeKind::Changed,
                format!("no longer takes condition key `{k}`"),
                Impact::Compatible,
            );
        }
        let rts = |a: &ir::iam::Action| -> BTreeMap<String, bool> {
            a.resource_types
                .iter()
                .map(|r| (r.name.clone(), r.required))
                .collect()
        };
        let (ort, nrt) = (rts(o), rts(a));
        for (r, req) in &nrt {
            match ort.get(r) {
                None => push(
                    out,
                    Area::IamAction,
                    &item,
                    ChangeKind::Changed,
                    format!("now applies to resource type `{r}`"),
                    Impact::Compatible,
                ),
                Some(oreq) if oreq != req => {
                    let detail = format!(
                        "resource type `{r}` {}",
                        if *req {
                            "now required"
                        } else {
                            "no longer required"
                        }
                    );
                    push(
                        out,
                        Area::IamAction,
                        &item,
                        ChangeKind::Changed,
                        detail,
                        Impact::Compatible,
                    )
                }
                Some(_) => {}
            }
        }
        for r in ort.keys().filter(|r| !nrt.contains_key(*r)) {
            push(
                out,
                Area::IamAction,
                &item,
                ChangeKind::Changed,
                format!("no longer applies to resource type `{r}`"),
                Impact::Compatible,
            );
        }
    }
    for (name, a) in &oa {
        if !na.contains_key(name) {
            let detail = format!("variant `Action::{}` removed", a.variant);
            push(
                out,
                Area::IamAction,
                format!("{prefix}:{name}"),
                ChangeKind::Removed,
                detail,
                Impact::Breaking,
            );
        }
    }

    // Resource types.
    let ort: BTreeMap<&str, &ir::iam::ResourceType> = old
        .resource_types
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    let nrt: BTreeMap<&str, &ir::iam::ResourceType> = new
        .resource_types
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    for (name, r) in &nrt {
        let Some(o) = ort.get(name) else {
            let detail = format!(
                "new variant `ResourceType::{}` and ARN builder `{}`",
                r.variant, r.arn_struct
            );
            push(
                out,
                Area::IamResourceType,
                *name,
                ChangeKind::Added,
                detail,
                Impact::Compatible,
            );
            continue;
        };
        if o.arn_template != r.arn_template {
            let vars = |r: &ir::iam::ResourceType| {
                r.arn_variables
                    .iter()
                    .map(|v| v.field.clone())
                    .collect::<Vec<_>>()
            };
            let impact = if vars(o) == vars(r) && o.arn_struct == r.arn_struct {
                Impact::Compatible
            } else {
                Impact::Breaking
            };
            let detail = format!("ARN template `{}` -> `{}`", o.arn_template, r.arn_template);
            push(
                out,
                Area::IamResourceType,
                *name,
                ChangeKind::Changed,
                detail,
                impact,
            );
        }
    }
    for (name, r) in &ort {
        if !nrt.contains_key(name) {
            let detail = format!(
                "variant `ResourceType::{}` and ARN builder `{}` removed",
                r.variant, r.arn_struct
            );
            push(
                out,
                Area::IamResourceType,
                *name,
                ChangeKind::Removed,
                detail,
                Impact::Breaking,
            );
        }
    }

    // Condition keys defined by the section.
    let ok: BTreeMap<&str, &ir::iam::ConditionKey> = old
        .condition_keys
        .iter()
        .map(|k| (k.name.as_str(), k))
        .collect();
    let nk: BTreeMap<&str, &ir::iam::ConditionKey> = new
        .condition_keys
        .iter()
        .map(|k| (k.name.as_str(), k))
        .collect();
    for (name, k) in &nk {
        let Some(o) = ok.get(name) else {
            let detail = format!(
                "new variant `ConditionKey::{}` ({:?})",
                k.variant, k.key_type
            );
            push(
                out,
                Area::IamConditionKey,
                *name,
                ChangeKind::Added,
                detail,
                Impact::Compatible,
            );
            continue;
        };
        if o.variant != k.variant {
            let detail = format!("variant renamed `{}` -> `{}`", o.variant, k.variant);
            push(
                out,
                Area::IamConditionKey,
                *name,
                ChangeKind::Changed,
                detail,
                Impact::Breaking,
            );
        }
        if o.key_type != k.key_type {
            let detail = format!("type {:?} -> {:?}", o.key_type, k.key_type);
            push(
                out,
                Area::IamConditionKey,
                *name,
                ChangeKind::Changed,
                detail,
                Impact::Compatible,
            );
        }
    }
    for (name, k) in &ok {
        if !nk.contains_key(name) {
            let detail = format!("variant `ConditionKey::{}` removed", k.variant);
            push(
                out,
                Area::IamConditionKey,
                *name,
                ChangeKind::Removed,
                detail,
                Impact::Breaking,
            );
        }
    }
}
