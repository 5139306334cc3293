//! Members of structures and their constraints.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{self, Member, Service, ShapeId, ShapeKind};

use super::report::{deprecation_change, push, Area, Change, ChangeKind, Impact};
use super::types::{named_types, type_path};

/// Every structure with members in the Rust API, by display name: operation inputs and outputs
/// (by operation, so a renamed input shape is still the same `<Op>Input`), named structures and
/// errors. An operation without an input or output has an empty one.
fn structures(svc: &Service) -> BTreeMap<String, Option<ShapeId>> {
    let mut out = BTreeMap::new();
    for op in &svc.operations {
        out.insert(format!("{}Input", op.rust_name), op.input);
        out.insert(format!("{}Output", op.rust_name), op.output);
    }
    for (path, id) in named_types(svc) {
        if matches!(svc.shape(id).kind, ShapeKind::Structure(_)) {
            out.insert(path, Some(id));
        }
    }
    out
}

fn members(svc: &Service, id: Option<ShapeId>) -> BTreeMap<&str, &Member> {
    id.and_then(|id| svc.structure(id))
        .map(|s| {
            s.members
                .iter()
                .map(|m| (m.wire_name.as_str(), m))
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn diff_structures(old: &Service, new: &Service, out: &mut Vec<Change>) {
    let (o, n) = (structures(old), structures(new));
    for (name, &nid) in &n {
        let Some(&oid) = o.get(name) else { continue };
        let (om, nm) = (members(old, oid), members(new, nid));
        for (wire, m) in &nm {
            let item = format!("{name}.{wire}");
            match om.get(wire) {
                None if m.required => {
                    let detail = format!(
                        "new required member `{}` ({}); builder calls without it now fail in build()",
                        m.rust_name,
                        type_desc(new, m.target)
                    );
                    push(
                        out,
                        Area::Member,
                        item,
                        ChangeKind::Added,
                        detail,
                        Impact::Breaking,
                    );
                }
                None => {
                    let detail = format!(
                        "new optional member `{}` ({})",
                        m.rust_name,
                        type_desc(new, m.target)
                    );
                    push(
                        out,
                        Area::Member,
                        item,
                        ChangeKind::Added,
                        detail,
                        Impact::Compatible,
                    );
                }
                Some(om) => diff_member(old, om, new, m, &item, out),
            }
        }
        for (wire, m) in &om {
            if !nm.contains_key(wire) {
                let detail = format!(
                    "member removed (accessor `{}()` and its builder setters go away)",
                    m.rust_name
                );
                push(
                    out,
                    Area::Member,
                    format!("{name}.{wire}"),
                    ChangeKind::Removed,
                    detail,
                    Impact::Breaking,
                );
            }
        }
    }
}

fn diff_member(
    old: &Service,
    om: &Member,
    new: &Service,
    nm: &Member,
    item: &str,
    out: &mut Vec<Change>,
) {
    let changed = |out: &mut Vec<Change>, detail: String, impact| {
        push(out, Area::Member, item, ChangeKind::Changed, detail, impact);
    };
    if om.rust_name != nm.rust_name {
        changed(
            out,
            format!("Rust name `{}` -> `{}`", om.rust_name, nm.rust_name),
            Impact::Breaking,
        );
    }
    let (ot, nt) = (type_desc(old, om.target), type_desc(new, nm.target));
    if ot != nt {
        changed(out, format!("type `{ot}` -> `{nt}`"), Impact::Breaking);
    } else {
        for c in constraint_changes(&constraints(old, om.target), &constraints(new, nm.target)) {
            changed(out, c.0, c.1);
        }
    }
    match (om.required, nm.required) {
        (false, true) => changed(
            out,
            "optional -> required (the accessor no longer returns an Option; builders without it fail in build())".into(),
            Impact::Breaking,
        ),
        (true, false) => {
            changed(out, "required -> optional (the accessor now returns an Option)".into(), Impact::Breaking)
        }
        _ => {}
    }
    match (om.sensitive, nm.sensitive) {
        (false, true) => changed(
            out,
            "now sensitive (redacted in Debug)".into(),
            Impact::Compatible,
        ),
        (true, false) => changed(
            out,
            "no longer sensitive (shown in Debug)".into(),
            Impact::Compatible,
        ),
        _ => {}
    }
    if let Some(d) = deprecation_change(&om.deprecated, &nm.deprecated) {
        changed(out, d, Impact::Compatible);
    }
}

/// A short Rust type for a shape, as the generator maps it.
pub(super) fn type_desc(svc: &Service, id: ShapeId) -> String {
    type_desc_depth(svc, id, 0)
}

fn type_desc_depth(svc: &Service, id: ShapeId, depth: usize) -> String {
    if depth > 8 {
        return "...".into();
    }
    let shape = svc.shape(id);
    match &shape.kind {
        ShapeKind::Structure(_) | ShapeKind::String(_) if type_path(svc, id).is_some() => {
            type_path(svc, id).unwrap_or_default()
        }
        ShapeKind::Structure(_) => shape.rust_name.clone(),
        ShapeKind::String(_) => "String".into(),
        ShapeKind::Integer(_) => "i32".into(),
        ShapeKind::Long(_) => "i64".into(),
        ShapeKind::Float(_) => "f32".into(),
        ShapeKind::Double(_) => "f64".into(),
        ShapeKind::Boolean => "bool".into(),
        ShapeKind::Timestamp { .. } => "DateTime".into(),
        ShapeKind::Blob { .. } => "Blob".into(),
        ShapeKind::Document => "Document".into(),
        ShapeKind::List(l) => format!("Vec<{}>", type_desc_depth(svc, l.member, depth + 1)),
        ShapeKind::Map(m) => format!(
            "BTreeMap<{}, {}>",
            type_desc_depth(svc, m.key, depth + 1),
            type_desc_depth(svc, m.value, depth + 1)
        ),
    }
}

/// One checked constraint: a bound (compared numerically) or a pattern.
#[derive(Debug, Clone, PartialEq)]
enum Bound {
    Min(f64, String),
    Max(f64, String),
    Pattern(String),
}

/// The constraints `validate()` checks for a value of this shape, keyed by what they bound
/// (`length`, `items length`, `values pattern`, ...). Structures are not entered: their members
/// are diffed on their own.
fn constraints(svc: &Service, id: ShapeId) -> BTreeMap<String, Bound> {
    let mut out = BTreeMap::new();
    collect_constraints(svc, id, "", 0, &mut out);
    out
}

fn collect_constraints(
    svc: &Service,
    id: ShapeId,
    prefix: &str,
    depth: usize,
    out: &mut BTreeMap<String, Bound>,
) {
    if depth > 4 {
        return;
    }
    let mut range_u = |what: &str, r: &ir::Range<u64>| {
        if let Some(v) = r.min {
            out.insert(
                format!("{prefix}min {what}"),
                Bound::Min(v as f64, v.to_string()),
            );
        }
        if let Some(v) = r.max {
            out.insert(
                format!("{prefix}max {what}"),
                Bound::Max(v as f64, v.to_string()),
            );
        }
    };
    match &svc.shape(id).kind {
        ShapeKind::String(s) => {
            range_u("length", &s.length);
            if let Some(p) = &s.pattern {
                out.insert(format!("{prefix}pattern"), Bound::Pattern(p.clone()));
            }
        }
        ShapeKind::Blob { length } => range_u("length", length),
        ShapeKind::List(l) => {
            range_u("length", &l.length);
            collect_constraints(svc, l.member, &format!("{prefix}items' "), depth + 1, out);
        }
        ShapeKind::Map(m) => {
            range_u("length", &m.length);
            collect_constraints(svc, m.key, &format!("{prefix}keys' "), depth + 1, out);
            collect_constraints(svc, m.value, &format!("{prefix}values' "), depth + 1, out);
        }
        ShapeKind::Integer(r) | ShapeKind::Long(r) => {
            if let Some(v) = r.min {
                out.insert(
                    format!("{prefix}min value"),
                    Bound::Min(v as f64, v.to_string()),
                );
            }
            if let Some(v) = r.max {
                out.insert(
                    format!("{prefix}max value"),
                    Bound::Max(v as f64, v.to_string()),
                );
            }
        }
        ShapeKind::Float(r) | ShapeKind::Double(r) => {
            if let Some(v) = r.min {
                out.insert(format!("{prefix}min value"), Bound::Min(v, v.to_string()));
            }
            if let Some(v) = r.max {
                out.insert(format!("{prefix}max value"), Bound::Max(v, v.to_string()));
            }
        }
        ShapeKind::Structure(_)
        | ShapeKind::Boolean
        | ShapeKind::Timestamp { .. }
        | ShapeKind::Document => {}
    }
}

const TIGHTENED: &str = "tightened: build() and validate() reject values they accepted";
const LOOSENED: &str = "loosened";

fn constraint_changes(
    old: &BTreeMap<String, Bound>,
    new: &BTreeMap<String, Bound>,
) -> Vec<(String, Impact)> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let (tightened, text) = match (old.get(key), new.get(key)) {
            (None, None) => continue,
            (Some(a), Some(b)) if a == b => continue,
            (None, Some(b)) => (true, format!("{key}: none -> {}", bound_text(b))),
            (Some(a), None) => (false, format!("{key}: {} -> none", bound_text(a))),
            (Some(Bound::Min(a, at)), Some(Bound::Min(b, bt))) => {
                (b > a, format!("{key}: {at} -> {bt}"))
            }
            (Some(Bound::Max(a, at)), Some(Bound::Max(b, bt))) => {
                (b < a, format!("{key}: {at} -> {bt}"))
            }
            (Some(a), Some(b)) => {
                // Two different patterns cannot be ordered: assume the worst.
                out.push((
                    format!(
                        "{key}: {} -> {} (may reject values it accepted)",
                        bound_text(a),
                        bound_text(b)
                    ),
                    Impact::Breaking,
                ));
                continue;
            }
        };
        if tightened {
            out.push((format!("{text} ({TIGHTENED})"), Impact::Breaking));
        } else {
            out.push((format!("{text} ({LOOSENED})"), Impact::Compatible));
        }
    }
    out
}

fn bound_text(b: &Bound) -> String {
    match b {
        Bound::Min(_, t) | Bound::Max(_, t) => t.clone(),
        Bound::Pattern(p) => format!("`{p}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_direction() {
        let b = |pairs: &[(&str, Bound)]| {
            pairs
                .iter()
                .cloned()
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
        };
        let old = b(&[
            ("max length", Bound::Max(64.0, "64".into())),
            ("min length", Bound::Min(2.0, "2".into())),
        ]);
        let new = b(&[
            ("max length", Bound::Max(32.0, "32".into())),
            ("min length", Bound::Min(1.0, "1".into())),
        ]);
        let changes = constraint_changes(&old, &new);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].1, Impact::Breaking, "{changes:?}");
        assert!(
            changes[0].0.starts_with("max length: 64 -> 32"),
            "{changes:?}"
        );
        assert_eq!(changes[1].1, Impact::Compatible, "{changes:?}");
        let pattern = b(&[("pattern", Bound::Pattern("[a-z]+".into()))]);
        assert_eq!(
            constraint_changes(&BTreeMap::new(), &pattern)[0].1,
            Impact::Breaking
        );
        assert_eq!(
            constraint_changes(&pattern, &BTreeMap::new())[0].1,
            Impact::Compatible
        );
    }
}
