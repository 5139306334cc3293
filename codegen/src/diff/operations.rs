//! Operations and their errors.

use std::collections::BTreeMap;

use crate::ir::{self, Service};

use super::report::{deprecation_change, push, Area, Change, ChangeKind, Impact};

pub(super) fn diff_operations(old: &Service, new: &Service, out: &mut Vec<Change>) {
    let o: BTreeMap<&str, &ir::Operation> = old
        .operations
        .iter()
        .map(|op| (op.wire_name.as_str(), op))
        .collect();
    let n: BTreeMap<&str, &ir::Operation> = new
        .operations
        .iter()
        .map(|op| (op.wire_name.as_str(), op))
        .collect();
    for (name, op) in &n {
        if !o.contains_key(name) {
            let detail = format!(
                "new operation (`Client::{}`, module `operation::{}`)",
                op.module, op.module
            );
            push(
                out,
                Area::Operation,
                *name,
                ChangeKind::Added,
                detail,
                Impact::Compatible,
            );
        }
    }
    for (name, op) in &o {
        let Some(nop) = n.get(name) else {
            let detail = format!(
                "operation removed (`Client::{}` and `operation::{}` go away)",
                op.module, op.module
            );
            push(
                out,
                Area::Operation,
                *name,
                ChangeKind::Removed,
                detail,
                Impact::Breaking,
            );
            continue;
        };
        if op.module != nop.module || op.rust_name != nop.rust_name {
            let detail = format!(
                "Rust names `{}`/`{}` -> `{}`/`{}`",
                op.module, op.rust_name, nop.module, nop.rust_name
            );
            push(
                out,
                Area::Operation,
                *name,
                ChangeKind::Changed,
                detail,
                Impact::Breaking,
            );
        }
        if let Some(d) = deprecation_change(&op.deprecated, &nop.deprecated) {
            push(
                out,
                Area::Operation,
                *name,
                ChangeKind::Changed,
                d,
                Impact::Compatible,
            );
        }
        if op.unsigned != nop.unsigned {
            let detail = if nop.unsigned {
                "now sent unsigned"
            } else {
                "now signed"
            };
            push(
                out,
                Area::Operation,
                *name,
                ChangeKind::Changed,
                detail,
                Impact::Compatible,
            );
        }
        // Errors: variants of `<Op>Error`, by error type name.
        let error_enum = format!("{}Error", nop.rust_name);
        let errs = |op: &ir::Operation| -> BTreeMap<String, String> {
            op.error_variants
                .iter()
                .map(|v| (v.name.clone(), v.code.clone()))
                .collect()
        };
        let (oe, ne) = (errs(op), errs(nop));
        for (variant, code) in &ne {
            if !oe.contains_key(variant) {
                let detail = format!(
                    "new variant for error code `{code}` (the enum is non_exhaustive; the code was `Unhandled` before)"
                );
                push(
                    out,
                    Area::OperationError,
                    format!("{error_enum}::{variant}"),
                    ChangeKind::Added,
                    detail,
                    Impact::Compatible,
                );
            }
        }
        for (variant, code) in &oe {
            if !ne.contains_key(variant) {
                let detail = format!("variant removed (error code `{code}` becomes `Unhandled`)");
                push(
                    out,
                    Area::OperationError,
                    format!("{error_enum}::{variant}"),
                    ChangeKind::Removed,
                    detail,
                    Impact::Breaking,
                );
            }
        }
    }
}
