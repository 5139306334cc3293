//! Named types and enum values.

use std::collections::BTreeMap;

use crate::ir::{Home, Service, ShapeId, ShapeKind};

use super::report::{deprecation_change, push, Area, Change, ChangeKind, Impact};

/// The Rust path of a named type, relative to the crate root; `None` for shapes without one.
pub(super) fn type_path(svc: &Service, id: ShapeId) -> Option<String> {
    let shape = svc.shape(id);
    match shape.home {
        Home::Types => Some(format!("types::{}", shape.rust_name)),
        Home::Error => Some(format!("types::error::{}", shape.rust_name)),
        Home::Inline | Home::OperationOnly => None,
    }
}

fn kind_word(svc: &Service, id: ShapeId) -> &'static str {
    match &svc.shape(id).kind {
        ShapeKind::Structure(_) if svc.shape(id).home == Home::Error => "error struct",
        ShapeKind::Structure(_) => "struct",
        ShapeKind::String(s) if !s.enum_values.is_empty() => "enum",
        _ => "type",
    }
}

pub(super) fn named_types(svc: &Service) -> BTreeMap<String, ShapeId> {
    (0..svc.shapes.len())
        .map(ShapeId)
        .filter_map(|id| type_path(svc, id).map(|p| (p, id)))
        .collect()
}

pub(super) fn diff_types(old: &Service, new: &Service, out: &mut Vec<Change>) {
    let (o, n) = (named_types(old), named_types(new));
    for (path, &id) in &n {
        match o.get(path) {
            None => {
                let detail = format!(
                    "new {} (model shape `{}`)",
                    kind_word(new, id),
                    new.shape(id).wire_name
                );
                push(
                    out,
                    Area::Type,
                    path,
                    ChangeKind::Added,
                    detail,
                    Impact::Compatible,
                );
            }
            Some(&oid) => {
                let (ok, nk) = (kind_word(old, oid), kind_word(new, id));
                if ok != nk {
                    push(
                        out,
                        Area::Type,
                        path,
                        ChangeKind::Changed,
                        format!("{ok} -> {nk}"),
                        Impact::Breaking,
                    );
                    continue;
                }
                if let Some(d) =
                    deprecation_change(&old.shape(oid).deprecated, &new.shape(id).deprecated)
                {
                    push(
                        out,
                        Area::Type,
                        path,
                        ChangeKind::Changed,
                        d,
                        Impact::Compatible,
                    );
                }
                diff_enum_values(old, oid, new, id, path, out);
            }
        }
    }
    for (path, &id) in &o {
        if !n.contains_key(path) {
            let detail = format!(
                "{} removed (model shape `{}`)",
                kind_word(old, id),
                old.shape(id).wire_name
            );
            push(
                out,
                Area::Type,
                path,
                ChangeKind::Removed,
                detail,
                Impact::Breaking,
            );
        }
    }
}

fn enum_values(svc: &Service, id: ShapeId) -> BTreeMap<String, String> {
    match &svc.shape(id).kind {
        ShapeKind::String(s) => s
            .enum_values
            .iter()
            .map(|v| (v.wire.clone(), v.rust.clone()))
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn diff_enum_values(
    old: &Service,
    oid: ShapeId,
    new: &Service,
    nid: ShapeId,
    path: &str,
    out: &mut Vec<Change>,
) {
    let (o, n) = (enum_values(old, oid), enum_values(new, nid));
    let name = path.rsplit("::").next().unwrap_or(path);
    for (wire, rust) in &n {
        match o.get(wire) {
            None => {
                let detail = format!("new variant `{name}::{rust}` (the enum is non_exhaustive; the value read as `Unknown` before)");
                push(
                    out,
                    Area::EnumValue,
                    format!("{path} \"{wire}\""),
                    ChangeKind::Added,
                    detail,
                    Impact::Compatible,
                );
            }
            Some(orust) if orust != rust => {
                let detail = format!("variant renamed `{orust}` -> `{rust}`");
                push(
                    out,
                    Area::EnumValue,
                    format!("{path} \"{wire}\""),
                    ChangeKind::Changed,
                    detail,
                    Impact::Breaking,
                );
            }
            Some(_) => {}
        }
    }
    for (wire, rust) in &o {
        if !n.contains_key(wire) {
            let detail =
                format!("variant `{name}::{rust}` removed (the value now reads as `Unknown`)");
            push(
                out,
                Area::EnumValue,
                format!("{path} \"{wire}\""),
                ChangeKind::Removed,
                detail,
                Impact::Breaking,
            );
        }
    }
}
