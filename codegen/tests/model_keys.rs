//! Every key any botocore model uses is accepted by the serde mirror, at its level.
//!
//! `tests/data/model-keys.json` (written by `cargo xtask model-keys --write` from every
//! `service-2.json` in the botocore wheel: all services, protocols and API versions) lists each
//! level's keys with their smallest value. For each one, a minimal model carrying that key with
//! that value at that level must parse; so must the same model with a key no model uses, where
//! the mirror must name the key and its JSON path instead.

use std::path::PathBuf;

use codegen::model::parse_json;
use codegen::model::service::ServiceModel;
use serde_json::{json, Value};

fn keys_file() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/model-keys.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("model-keys.json parses")
}

/// The smallest valid object of `level`, as the mirror requires it.
fn base(level: &str) -> Option<Value> {
    let shape_ref = json!({"shape": "S"});
    Some(match level {
        "top" => json!({"metadata": base("metadata")?, "shapes": {}}),
        "metadata" => json!({"apiVersion": "2020-01-01", "protocol": "json"}),
        "operation" => json!({"name": "Op", "http": base("operation.http")?}),
        "operation.http" => json!({"method": "POST", "requestUri": "/"}),
        "operation.input" | "operation.output" | "operation.errors[]" | "member"
        | "list.member" | "map.key" | "map.value" => shape_ref,
        "operation.errors[].error" | "shape.error" | "shape.retryable" => json!({}),
        "operation.endpoint" => json!({"hostPrefix": "x."}),
        "operation.requestcompression" => json!({"encodings": ["gzip"]}),
        "xmlNamespace" => json!({"uri": "http://example.com/"}),
        "shape.list" => json!({"type": "list", "member": {"shape": "S"}}),
        "shape.map" => json!({"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}}),
        "shape.structure" => json!({"type": "structure", "members": {}}),
        other => {
            let kind = other.strip_prefix("shape.")?;
            json!({ "type": kind })
        }
    })
}

/// A whole model with `object` at `level`.
fn model_with(level: &str, object: Value) -> Value {
    let op = |op: Value| json!({"metadata": base("metadata").unwrap(), "operations": {"Op": op}, "shapes": {"S": {"type": "string"}}});
    let shapes = |s: Value| json!({"metadata": base("metadata").unwrap(), "shapes": {"S": {"type": "string"}, "T": s}});
    let with = |mut parent: Value, key: &str, child: Value| {
        parent[key] = child;
        parent
    };
    match level {
        "top" => object,
        "metadata" => json!({"metadata": object, "shapes": {}}),
        "operation" => op(object),
        "operation.http" => op(with(base("operation").unwrap(), "http", object)),
        "operation.input"
        | "operation.output"
        | "operation.endpoint"
        | "operation.requestcompression" => {
            let key = level.strip_prefix("operation.").unwrap();
            op(with(base("operation").unwrap(), key, object))
        }
        "operation.errors[]" => op(with(base("operation").unwrap(), "errors", json!([object]))),
        "operation.errors[].error" => op(with(
            base("operation").unwrap(),
            "errors",
            json!([{"shape": "S", "error": object}]),
        )),
        "shape.error" | "shape.retryable" => {
            let key = level.strip_prefix("shape.").unwrap();
            shapes(with(base("shape.structure").unwrap(), key, object))
        }
        "member" => shapes(json!({"type": "structure", "members": {"M": object}})),
        "list.member" => shapes(json!({"type": "list", "member": object})),
        "map.key" => shapes(json!({"type": "map", "key": object, "value": {"shape": "S"}})),
        "map.value" => shapes(json!({"type": "map", "key": {"shape": "S"}, "value": object})),
        "xmlNamespace" => shapes(
            json!({"type": "structure", "members": {"M": {"shape": "S", "xmlNamespace": object}}}),
        ),
        _ => shapes(object),
    }
}

#[test]
fn the_mirror_accepts_every_key_any_botocore_model_uses() {
    let doc = keys_file();
    let levels = doc["levels"].as_object().expect("levels");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (level, keys) in levels {
        let Some(base) = base(level) else {
            failures.push(format!(
                "{level}: a level this test does not know; teach `base` and `model_with`"
            ));
            continue;
        };
        let parses = |object: Value| {
            parse_json::<ServiceModel>(&model_with(level, object).to_string(), level)
        };
        if let Err(e) = parses(base.clone()) {
            failures.push(format!("{level}: the minimal object does not parse: {e:#}"));
            continue;
        }
        for (key, used) in keys.as_object().expect("keys") {
            let mut object = base.clone();
            object[key.as_str()] = used["example"].clone();
            if let Err(e) = parses(object) {
                failures.push(format!("{level}.{key} (first in {}): {e:#}", used["first"]));
            }
            checked += 1;
        }
        // A key no model uses is still refused, naming itself.
        let mut object = base.clone();
        object["colour"] = json!(true);
        match parses(object) {
            Ok(_) => failures.push(format!("{level}: an unknown key `colour` was accepted")),
            Err(e) if !format!("{e:#}").contains("colour") => failures.push(format!(
                "{level}: the error for an unknown key does not name it: {e:#}"
            )),
            Err(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} keys:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The sweep covered the wheel: every level, hundreds of keys, hundreds of models.
    assert!(checked >= 200, "only {checked} keys in the list");
    assert!(
        doc["models"].as_u64().unwrap_or(0) >= 400,
        "models: {}",
        doc["models"]
    );
    for level in [
        "top",
        "metadata",
        "operation",
        "operation.output",
        "member",
        "shape.structure",
        "shape.list",
    ] {
        assert!(levels.contains_key(level), "no level {level}");
    }
    // The keys that made older API versions fail before this sweep.
    for (level, key) in [
        ("operation.output", "wrapper"),
        ("operation", "httpChecksumRequired"),
        ("operation", "unsignedPayload"),
        ("top", "deprecated"),
        ("member", "eventpayload"),
        ("member", "enum"),
        ("shape.list", "sparse"),
        ("shape.map", "sparse"),
        ("shape.blob", "requiresLength"),
        ("shape.error", "fault"),
    ] {
        assert!(
            levels[level].get(key).is_some(),
            "{level}.{key} is not in the list"
        );
    }
}
