//! Endpoint rule parameters (the fields of the generated `endpoint::Params`).

use std::collections::BTreeMap;

use crate::ir::endpoints::{BuiltIn, Param, ParamType, Value};

use super::report::{push, Area, Change, ChangeKind, Impact};

fn param_type(t: ParamType) -> &'static str {
    match t {
        ParamType::String => "String",
        ParamType::Boolean => "bool",
        ParamType::StringArray => "Vec<String>",
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::String(s) => format!("{s:?}"),
    }
}

pub(super) fn diff_endpoint_params(old: &[Param], new: &[Param], out: &mut Vec<Change>) {
    let by_name = |params: &'_ [Param]| -> BTreeMap<String, Param> {
        params
            .iter()
            .map(|p| (p.wire_name.clone(), p.clone()))
            .collect()
    };
    let (old, new) = (by_name(old), by_name(new));
    for (name, p) in &new {
        let item = format!("Params.{name}");
        let Some(o) = old.get(name) else {
            let (detail, impact) = if p.required && p.default.is_none() {
                (
                    format!("new required parameter ({}) without a default; Params builds without it fail", param_type(p.ty)),
                    Impact::Breaking,
                )
            } else {
                (
                    format!("new parameter ({})", param_type(p.ty)),
                    Impact::Compatible,
                )
            };
            push(
                out,
                Area::EndpointParameter,
                item,
                ChangeKind::Added,
                detail,
                impact,
            );
            continue;
        };
        if o.ty != p.ty {
            let detail = format!("type `{}` -> `{}`", param_type(o.ty), param_type(p.ty));
            push(
                out,
                Area::EndpointParameter,
                &item,
                ChangeKind::Changed,
                detail,
                Impact::Breaking,
            );
        }
        if o.always_set() != p.always_set() {
            let detail = if p.always_set() {
                "now always set (required or defaulted): the accessor no longer returns an Option"
            } else {
                "no longer always set: the accessor now returns an Option"
            };
            push(
                out,
                Area::EndpointParameter,
                &item,
                ChangeKind::Changed,
                detail,
                Impact::Breaking,
            );
        } else if !o.required && p.required && p.default.is_none() {
            push(
                out,
                Area::EndpointParameter,
                &item,
                ChangeKind::Changed,
                "now required",
                Impact::Breaking,
            );
        }
        if o.default != p.default {
            let text =
                |d: &Option<Value>| d.as_ref().map(value_text).unwrap_or_else(|| "none".into());
            let detail = format!("default {} -> {}", text(&o.default), text(&p.default));
            push(
                out,
                Area::EndpointParameter,
                &item,
                ChangeKind::Changed,
                detail,
                Impact::Compatible,
            );
        }
        if o.built_in != p.built_in {
            let text = |b: &Option<BuiltIn>| {
                b.as_ref()
                    .map_or_else(|| "none".to_owned(), |b| b.wire_name.clone())
            };
            let detail = format!("built-in {} -> {}", text(&o.built_in), text(&p.built_in));
            push(
                out,
                Area::EndpointParameter,
                &item,
                ChangeKind::Changed,
                detail,
                Impact::Compatible,
            );
        }
        match (&o.deprecated, &p.deprecated) {
            (None, Some(_)) => push(
                out,
                Area::EndpointParameter,
                &item,
                ChangeKind::Changed,
                "deprecated",
                Impact::Compatible,
            ),
            (Some(_), None) => push(
                out,
                Area::EndpointParameter,
                &item,
                ChangeKind::Changed,
                "no longer deprecated",
                Impact::Compatible,
            ),
            _ => {}
        }
    }
    for (name, p) in &old {
        if !new.contains_key(name) {
            let detail = format!(
                "parameter removed ({}; its accessor and builder setters go away)",
                param_type(p.ty)
            );
            push(
                out,
                Area::EndpointParameter,
                format!("Params.{name}"),
                ChangeKind::Removed,
                detail,
                Impact::Breaking,
            );
        }
    }
}
