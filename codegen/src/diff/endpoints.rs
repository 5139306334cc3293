//! Endpoint rule parameters.

use std::collections::BTreeMap;

use crate::model::endpoints::{Literal, Parameter, ParameterType};

use super::report::{push, Area, Change, ChangeKind, Impact};

fn param_type(t: ParameterType) -> &'static str {
    match t {
        ParameterType::String => "String",
        ParameterType::Boolean => "bool",
        ParameterType::StringArray => "Vec<String>",
    }
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Bool(b) => b.to_string(),
        Literal::String(s) => format!("{s:?}"),
        Literal::StringArray(v) => format!("{v:?}"),
    }
}

pub(super) fn diff_endpoint_params(old: &BTreeMap<String, Parameter>, new: &BTreeMap<String, Parameter>, out: &mut Vec<Change>) {
    let always_set = |p: &Parameter| p.default.is_some() || p.required == Some(true);
    for (name, p) in new {
        let item = format!("Params.{name}");
        let Some(o) = old.get(name) else {
            let (detail, impact) = if p.required == Some(true) && p.default.is_none() {
                (
                    format!("new required parameter ({}) without a default; Params builds without it fail", param_type(p.ty)),
                    Impact::Breaking,
                )
            } else {
                (format!("new parameter ({})", param_type(p.ty)), Impact::Compatible)
            };
            push(out, Area::EndpointParameter, item, ChangeKind::Added, detail, impact);
            continue;
        };
        if o.ty != p.ty {
            let detail = format!("type `{}` -> `{}`", param_type(o.ty), param_type(p.ty));
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, detail, Impact::Breaking);
        }
        if always_set(o) != always_set(p) {
            let detail = if always_set(p) {
                "now always set (required or defaulted): the accessor no longer returns an Option"
            } else {
                "no longer always set: the accessor now returns an Option"
            };
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, detail, Impact::Breaking);
        } else if o.required != p.required && p.required == Some(true) && p.default.is_none() {
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, "now required", Impact::Breaking);
        }
        if o.default != p.default {
            let text = |d: &Option<Literal>| d.as_ref().map(literal_text).unwrap_or_else(|| "none".into());
            let detail = format!("default {} -> {}", text(&o.default), text(&p.default));
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, detail, Impact::Compatible);
        }
        if o.built_in != p.built_in {
            let text = |b: &Option<String>| b.clone().unwrap_or_else(|| "none".into());
            let detail = format!("built-in {} -> {}", text(&o.built_in), text(&p.built_in));
            push(out, Area::EndpointParameter, &item, ChangeKind::Changed, detail, Impact::Compatible);
        }
        match (&o.deprecated, &p.deprecated) {
            (None, Some(_)) => push(out, Area::EndpointParameter, &item, ChangeKind::Changed, "deprecated", Impact::Compatible),
            (Some(_), None) => {
                push(out, Area::EndpointParameter, &item, ChangeKind::Changed, "no longer deprecated", Impact::Compatible)
            }
            _ => {}
        }
    }
    for (name, p) in old {
        if !new.contains_key(name) {
            let detail = format!("parameter removed ({}; its accessor and builder setters go away)", param_type(p.ty));
            push(out, Area::EndpointParameter, format!("Params.{name}"), ChangeKind::Removed, detail, Impact::Breaking);
        }
    }
}
