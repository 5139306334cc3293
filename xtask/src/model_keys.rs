//! `cargo xtask model-keys [--botocore X.Y.Z|latest] [--write]`: every key that any
//! `service-2.json` in a botocore wheel uses, at every level, and whether the generator's serde
//! mirror (`codegen::model::service`) reads every model.
//!
//! All API versions of all services of all protocols are read (botocore still ships older API
//! versions, such as `elasticache/2014-09-30`, whose keys newer models dropped). For each level
//! (see [`Level`]) the key's count, the first model using it and its smallest value are kept.
//! Then every model is parsed with the mirror, which denies unknown keys: a failure names the
//! model and the JSON path.
//!
//! `--write` stores the sweep as `tests/data/model-keys.json`, which
//! `codegen/tests/model_keys.rs` reads to check, without the wheel, that the mirror accepts every
//! key with its example value at its level. Without `--write` the sweep is compared with that
//! file, and a level/key the file lacks is reported (run with `--write` to record it).
//!
//! Exit status: non-zero when a model fails to parse or the stored list lacks a key.

use std::collections::BTreeMap;
use std::fs;

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

use crate::update_model::{cached_wheel, Wheel};

/// Where the sweep is stored, relative to the repository root.
pub const KEYS_FILE: &str = "tests/data/model-keys.json";

/// What is known about one key at one level.
#[derive(Debug, Clone)]
struct KeyUse {
    /// How many objects of the level have it, across all models.
    count: u64,
    /// The first model (in archive order) that uses it.
    first: String,
    /// Its smallest value (by compact JSON length, then text), as an example.
    example: Value,
}

/// level -> key -> use.
type Sweep = BTreeMap<String, BTreeMap<String, KeyUse>>;

pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let version = crate::take_opt(&mut args, "--botocore")?;
    let write = crate::take_flag(&mut args, "--write");
    crate::no_more_args(&args)?;

    let root = crate::project_root();
    let version = match version.as_deref() {
        Some("latest") => None,
        Some(v) => Some(v.to_owned()),
        None => crate::check_models::vendored_botocore_version(&root)?,
    };
    let fetched = cached_wheel(&root, "botocore", version.as_deref())?;
    let mut wheel = Wheel::open(&fetched)?;
    let stems: Vec<String> = crate::check_models::every_service_model(&wheel)
        .into_iter()
        .map(|(service, api_version)| format!("botocore/data/{service}/{api_version}/service-2"))
        .collect();

    let mut sweep = Sweep::new();
    let mut failures = Vec::new();
    let mut protocols: BTreeMap<String, usize> = BTreeMap::new();
    for stem in &stems {
        let (bytes, member) = wheel
            .read_json_maybe_gz(stem)?
            .with_context(|| format!("{stem}.json vanished from {}", wheel.file_name()))?;
        let text = String::from_utf8(bytes).with_context(|| format!("{member} is not UTF-8"))?;
        let value: Value =
            serde_json::from_str(&text).with_context(|| format!("parsing {member} as JSON"))?;
        let protocol = value["metadata"]["protocol"]
            .as_str()
            .unwrap_or("(none)")
            .to_owned();
        *protocols.entry(protocol).or_default() += 1;
        collect(&value, &member, &mut sweep);
        if let Err(e) =
            codegen::model::parse_json::<codegen::model::service::ServiceModel>(&text, &member)
        {
            failures.push(format!("{e:#}"));
        }
    }
    let keys: usize = sweep.values().map(BTreeMap::len).sum();
    println!(
        "{}: {} models ({}), {keys} keys at {} levels",
        fetched.file_name,
        stems.len(),
        protocols
            .iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        sweep.len()
    );

    let path = root.join(KEYS_FILE);
    let mut missing = Vec::new();
    if write {
        let doc = to_json(&sweep, &fetched.file_name, stems.len());
        let mut text = serde_json::to_string_pretty(&doc).expect("a Value serializes");
        text.push('\n');
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    } else {
        let stored: Value = fs::read_to_string(&path)
            .with_context(|| format!("reading {} (run with --write to create it)", path.display()))
            .and_then(|t| {
                serde_json::from_str(&t).with_context(|| format!("parsing {}", path.display()))
            })?;
        for (level, keys) in &sweep {
            for key in keys.keys() {
                if stored["levels"][level][key].is_null() {
                    missing.push(format!("{level}.{key}"));
                }
            }
        }
    }
    for f in &failures {
        println!("FAILED {}", f.replace('\n', "\n    "));
    }
    if !missing.is_empty() {
        println!(
            "not in {KEYS_FILE} (run with --write): {}",
            missing.join(", ")
        );
    }
    println!(
        "mirror: {} parsed, {} failed",
        stems.len() - failures.len(),
        failures.len()
    );
    if !failures.is_empty() || !missing.is_empty() {
        bail!(
            "{} model(s) the mirror rejects, {} key(s) not recorded",
            failures.len(),
            missing.len()
        );
    }
    Ok(())
}

/// The stored form: `{"source": ..., "models": N, "levels": {level: {key: {count, first, example}}}}`.
fn to_json(sweep: &Sweep, wheel: &str, models: usize) -> Value {
    let levels: Map<String, Value> = sweep
        .iter()
        .map(|(level, keys)| {
            let keys: Map<String, Value> = keys
                .iter()
                .map(|(k, u)| {
                    (
                        k.clone(),
                        json!({ "count": u.count, "first": u.first, "example": u.example }),
                    )
                })
                .collect();
            (level.clone(), Value::Object(keys))
        })
        .collect();
    json!({
        "comment": "Every key used at every level of every botocore/data/*/*/service-2.json (all services, \
                    protocols and API versions) of the wheel named in `source`, with its count, the first \
                    model using it and its smallest value. Written by `cargo xtask model-keys --write`; \
                    read by codegen/tests/model_keys.rs.",
        "source": wheel,
        "models": models,
        "levels": levels,
    })
}

/// The levels of a model, named as in the stored list:
/// `top`, `metadata`, `operation`, `operation.http`, `operation.input`, `operation.output`,
/// `operation.errors[]`, `operation.errors[].error`, `operation.endpoint`,
/// `operation.requestcompression`, `shape.<type>`, `shape.error`, `shape.retryable`, `member`,
/// `list.member`, `map.key`, `map.value` and `xmlNamespace` (its object form, wherever it is).
fn collect(model: &Value, name: &str, sweep: &mut Sweep) {
    let mut add = |level: &str, v: &Value| {
        let Some(obj) = v.as_object() else { return };
        for (k, value) in obj {
            let entry = sweep.entry(level.to_owned()).or_default();
            let example = smallest(value);
            match entry.get_mut(k) {
                Some(u) => {
                    u.count += 1;
                    if smaller(&example, &u.example) {
                        u.example = example;
                    }
                }
                None => {
                    entry.insert(
                        k.clone(),
                        KeyUse {
                            count: 1,
                            first: name.to_owned(),
                            example,
                        },
                    );
                }
            }
        }
    };
    add("top", model);
    add("metadata", &model["metadata"]);
    let objects = |v: &Value| {
        v.as_object()
            .into_iter()
            .flat_map(|o| o.values())
            .cloned()
            .collect::<Vec<_>>()
    };
    for op in objects(&model["operations"]) {
        add("operation", &op);
        add("operation.http", &op["http"]);
        add("operation.input", &op["input"]);
        add("operation.output", &op["output"]);
        add("operation.endpoint", &op["endpoint"]);
        add("operation.requestcompression", &op["requestcompression"]);
        for r in op["errors"].as_array().into_iter().flatten() {
            add("operation.errors[]", r);
            add("operation.errors[].error", &r["error"]);
        }
        for r in [&op["input"], &op["output"]] {
            if r["xmlNamespace"].is_object() {
                add("xmlNamespace", &r["xmlNamespace"]);
            }
        }
    }
    for shape in objects(&model["shapes"]) {
        let kind = shape["type"].as_str().unwrap_or("(no type)");
        add(&format!("shape.{kind}"), &shape);
        add("shape.error", &shape["error"]);
        add("shape.retryable", &shape["retryable"]);
        let mut refs = objects(&shape["members"]);
        refs.iter().for_each(|m| add("member", m));
        add("list.member", &shape["member"]);
        add("map.key", &shape["key"]);
        add("map.value", &shape["value"]);
        refs.extend([
            shape["member"].clone(),
            shape["key"].clone(),
            shape["value"].clone(),
            shape.clone(),
        ]);
        for r in &refs {
            if r["xmlNamespace"].is_object() {
                add("xmlNamespace", &r["xmlNamespace"]);
            }
        }
    }
}

/// `v`, with long documentation-like strings cut to keep examples short (a string stays a string).
fn smallest(v: &Value) -> Value {
    match v {
        Value::String(s) if s.chars().count() > 60 => Value::String(s.chars().take(60).collect()),
        other => other.clone(),
    }
}

/// Whether `a` is a smaller example than `b`: shorter compact JSON, then smaller text.
fn smaller(a: &Value, b: &Value) -> bool {
    let (a, b) = (a.to_string(), b.to_string());
    (a.len(), &a) < (b.len(), &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_examples() {
        let model = json!({
            "version": "2.0",
            "metadata": {"protocol": "query", "apiVersion": "2014-09-30"},
            "operations": {"Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/"},
                "output": {"shape": "R", "wrapper": true, "resultWrapper": "OpResult"},
                "errors": [{"shape": "E", "error": {"code": "E", "httpStatusCode": 400}}]}},
            "shapes": {
                "R": {"type": "structure", "members": {"A": {"shape": "L", "xmlNamespace": {"uri": "u"}}}},
                "L": {"type": "list", "member": {"shape": "S"}, "sparse": true},
                "S": {"type": "string"},
                "T": {"type": "string", "max": 10},
                "E": {"type": "structure", "members": {}, "error": {"code": "E"}, "exception": true}
            }
        });
        let mut sweep = Sweep::new();
        collect(&model, "m1", &mut sweep);
        assert!(sweep["operation.output"].contains_key("wrapper"));
        assert!(sweep["operation.errors[].error"].contains_key("httpStatusCode"));
        assert!(sweep["shape.list"].contains_key("sparse"));
        assert!(sweep["xmlNamespace"].contains_key("uri"));
        assert_eq!(sweep["shape.string"]["type"].count, 2);
        assert!(sweep["shape.string"]["max"].first == "m1");
        assert!(
            !sweep.contains_key("operation.endpoint"),
            "absent objects add no level"
        );
        assert_eq!(smallest(&json!("x".repeat(100))), json!("x".repeat(60)));
        assert!(smaller(&json!(1), &json!("a")));
    }
}
