//! The API diff (`codegen::diff`, `cargo xtask api-diff`): fixture model pairs under
//! `tests/fixtures/api_diff/<case>/` with snapshots of the report and of the semver decision,
//! the classification of each case spelled out, the regenerated crates checked against the
//! diff, and a drill on the real STS models: an "AWS update" applied to the vendored model,
//! diffed and regenerated.

use std::path::PathBuf;

use codegen::diff::{self, ApiDiff, Area, Bump, ChangeKind, Impact, Version};
use codegen::{GeneratedCrate, Inputs, Options};
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn read_optional(rel: &str) -> Option<String> {
    std::fs::read_to_string(root().join(rel)).ok()
}

/// The old and new inputs of a fixture case (with the privilege models when the case has them).
fn case_inputs(case: &str) -> (Inputs, Inputs) {
    let dir = format!("tests/fixtures/api_diff/{case}");
    let side = |name: &str| Inputs {
        service_model: read(&format!("{dir}/{name}.json")),
        privileges: read_optional(&format!("{dir}/{name}-iam.json")),
        endpoint_rules: None,
        partitions: None,
        options: Options {
            runtime_path: "../../runtime".to_owned(),
            ..Options::default()
        },
    };
    (side("old"), side("new"))
}

fn case_diff(case: &str) -> ApiDiff {
    let (old, new) = case_inputs(case);
    diff::diff(&old, &new).unwrap_or_else(|e| panic!("{case}: {e:#}"))
}

/// The report as `cargo xtask api-diff` prints it, with the semver line for a 0.x and a 1.x crate.
fn report(api: &ApiDiff) -> String {
    format!(
        "{}{}\n{}\n",
        api.render_text(),
        diff::semver_line(api, Version::parse("0.1.0").unwrap()),
        diff::semver_line(api, Version::parse("1.2.3").unwrap())
    )
}

macro_rules! snapshot_cases {
    ($($case:ident),* $(,)?) => {$(
        #[test]
        fn $case() {
            insta::assert_snapshot!(stringify!($case), report(&case_diff(stringify!($case))));
        }
    )*};
}

snapshot_cases!(
    new_operation,
    new_optional_member,
    member_made_required,
    member_removed,
    new_error,
    new_enum_value,
    constraint_tightened,
    new_iam_action,
);

/// Each case's impact and the bump it needs, spelled out (the snapshots show the details).
#[test]
fn semver_classification() {
    let cases = [
        ("new_operation", Impact::Compatible),
        ("new_optional_member", Impact::Compatible),
        ("member_made_required", Impact::Breaking),
        ("member_removed", Impact::Breaking),
        ("new_error", Impact::Compatible),
        ("new_enum_value", Impact::Compatible),
        ("constraint_tightened", Impact::Breaking),
        ("new_iam_action", Impact::Compatible),
    ];
    let zero = Version::parse("0.4.1").unwrap();
    let one = Version::parse("1.4.1").unwrap();
    for (case, impact) in cases {
        let api = case_diff(case);
        assert_eq!(api.impact(), Some(impact), "{case}:\n{}", api.render_text());
        let (zero_bump, one_bump, zero_next, one_next) = match impact {
            Impact::Breaking => (Bump::Minor, Bump::Major, "0.5.0", "2.0.0"),
            Impact::Compatible => (Bump::Patch, Bump::Minor, "0.4.2", "1.5.0"),
        };
        assert_eq!(zero.required_bump(api.impact(), false), zero_bump, "{case}");
        assert_eq!(one.required_bump(api.impact(), false), one_bump, "{case}");
        assert_eq!(zero.bumped(zero_bump).to_string(), zero_next, "{case}");
        assert_eq!(one.bumped(one_bump).to_string(), one_next, "{case}");
    }
}

/// Every case's model is unchanged against itself; an addition read backwards is a removal.
#[test]
fn identical_models_have_no_changes_and_reversal_breaks() {
    for case in [
        "new_operation",
        "new_optional_member",
        "new_error",
        "new_enum_value",
        "new_iam_action",
    ] {
        let (old, new) = case_inputs(case);
        assert!(
            diff::diff(&old, &old).unwrap().is_empty(),
            "{case}: old vs old"
        );
        assert!(
            diff::diff(&new, &new).unwrap().is_empty(),
            "{case}: new vs new"
        );
        let back = diff::diff(&new, &old).unwrap();
        assert_eq!(
            back.impact(),
            Some(Impact::Breaking),
            "{case} reversed:\n{}",
            back.render_text()
        );
        assert!(
            back.changes.iter().all(|c| c.kind != ChangeKind::Added),
            "{case} reversed:\n{}",
            back.render_text()
        );
    }
}

#[test]
fn output_is_sorted_and_deterministic() {
    let a = case_diff("new_operation");
    let b = case_diff("new_operation");
    assert_eq!(a, b);
    let mut sorted = a.changes.clone();
    sorted.sort();
    assert_eq!(a.changes, sorted);
    assert!(a
        .changes
        .iter()
        .any(|c| c.area == Area::Operation && c.item == "ListThings"));
}

fn generate(inputs: &Inputs) -> GeneratedCrate {
    codegen::generate(inputs).unwrap_or_else(|e| panic!("generating: {e:#}"))
}

fn file<'a>(krate: &'a GeneratedCrate, path: &str) -> &'a str {
    krate.files.get(path).unwrap_or_else(|| {
        panic!(
            "no {path}; files: {:?}",
            krate.files.keys().collect::<Vec<_>>()
        )
    })
}

/// Regenerating from each case's old model and then its new one changes the Rust items the
/// diff names, and only when the diff is not empty.
#[test]
fn regenerated_crates_change_where_the_diff_says() {
    let check = |case: &str, old_has: Option<(&str, &str)>, new_has: Option<(&str, &str)>| {
        let (old, new) = case_inputs(case);
        let (a, b) = (generate(&old), generate(&new));
        assert_ne!(a, b, "{case}: regenerating changed nothing");
        for (krate, which, expect, other) in [(&b, "new", new_has, &a), (&a, "old", old_has, &b)] {
            if let Some((path, needle)) = expect {
                assert!(
                    file(krate, path).contains(needle),
                    "{case}: {which} {path} lacks `{needle}`"
                );
                let absent = other.files.get(path).is_none_or(|t| !t.contains(needle));
                assert!(absent, "{case}: `{needle}` was in {path} on both sides");
            }
        }
    };
    check(
        "new_operation",
        None,
        Some(("src/operation/list_things.rs", "pub struct ListThingsInput")),
    );
    check(
        "new_optional_member",
        None,
        Some(("src/operation/put_thing.rs", "pub fn description(")),
    );
    check(
        "member_made_required",
        Some((
            "src/operation/put_thing.rs",
            "pub fn payload(&self) -> ::std::option::Option<&str>",
        )),
        Some((
            "src/operation/put_thing.rs",
            "pub fn payload(&self) -> &str",
        )),
    );
    check(
        "member_removed",
        Some(("src/operation/get_thing.rs", "pub fn limit(")),
        None,
    );
    check(
        "new_error",
        None,
        Some(("src/operation/put_thing.rs", "ThrottledException(")),
    );
    check(
        "new_enum_value",
        None,
        Some(("src/types/mod.rs", "\"BALANCED\"")),
    );
    check("new_iam_action", None, Some(("src/iam.rs", "TagThing")));
    check(
        "constraint_tightened",
        Some(("src/constraints.rs", "Some(64u64)")),
        Some(("src/constraints.rs", "Some(32u64)")),
    );
}

// ---------------------------------------------------------------------------------------------
// Drill: an AWS update to the real STS models
// ---------------------------------------------------------------------------------------------

/// The vendored STS models and overrides, as `cargo xtask codegen` reads them.
fn sts_inputs(version: &str) -> Inputs {
    let t = codegen::repo::TARGETS
        .iter()
        .find(|t| t.crate_name == "sts")
        .expect("sts target");
    Inputs {
        service_model: read(t.model),
        privileges: t.privileges.map(read),
        endpoint_rules: t.endpoint_rules.map(read),
        partitions: Some(read(codegen::repo::PARTITIONS)),
        options: Options {
            crate_name: Some(t.crate_name.to_owned()),
            crate_version: version.to_owned(),
            overrides: t.overrides.map(read),
            endpoint_tests: t.endpoint_tests.map(read),
            ..Options::default()
        },
    }
}

fn edit_json(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(text).expect("model JSON");
    edit(&mut v);
    serde_json::to_string_pretty(&v).expect("serializes")
}

/// What a typical AWS release does: a new operation, a new optional input member, a new error
/// on an existing operation, and a new IAM action with a new condition key.
fn drill_update(old: &Inputs) -> Inputs {
    let mut new = old.clone();
    new.service_model = edit_json(&old.service_model, |m| {
        m["operations"]["GetSessionContext"] = json!({
            "name": "GetSessionContext",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "GetSessionContextRequest"},
            "output": {"shape": "GetSessionContextResponse", "resultWrapper": "GetSessionContextResult"},
            "documentation": "<p>Returns the context of the calling session (drill).</p>"
        });
        m["shapes"]["GetSessionContextRequest"] = json!({"type": "structure", "members": {}});
        m["shapes"]["GetSessionContextResponse"] = json!({"type": "structure", "members": {
            "SourceIdentity": {"shape": "sourceIdentityType"}
        }});
        m["shapes"]["AssumeRoleRequest"]["members"]["SessionLabel"] = json!({"shape": "roleSessionNameType", "documentation": "<p>A label for the session (drill).</p>"});
        m["operations"]["GetCallerIdentity"]["errors"] =
            json!([{"shape": "RegionDisabledException"}]);
    });
    new.privileges = old.privileges.as_deref().map(|p| {
        edit_json(p, |i| {
            i["privileges"]["GetSessionContext"] = json!({
                "privilege": "GetSessionContext",
                "description": "Grants permission to read the context of the calling session",
                "access_level": "Read",
                "resource_types": {"": {"resource_type": "", "required": false,
                    "condition_keys": ["sts:SessionLabel"], "dependent_actions": []}},
                "resource_types_lower_name": {"": ""},
                "api_documentation_link": "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionContext.html"
            });
            i["privileges_lower_name"]["getsessioncontext"] = json!("GetSessionContext");
            i["conditions"]["sts:SessionLabel"] = json!({
                "condition": "sts:SessionLabel",
                "description": "Filters access by the session label passed in the request",
                "type": "String"
            });
        })
    });
    new
}

#[test]
fn sts_models_are_unchanged_against_themselves() {
    let inputs = sts_inputs("0.1.0");
    let api = diff::diff(&inputs, &inputs).expect("diff");
    assert!(api.is_empty(), "{}", api.render_text());
    assert_eq!(api.render_text(), "no API changes\n");
}

#[test]
fn drill_sts_model_update() {
    let current = Version::parse("0.1.0").unwrap();
    let old = sts_inputs(&current.to_string());
    let new = drill_update(&old);
    let api = diff::diff(&old, &new).expect("diff");

    // The diff and the semver decision.
    let bump = current.required_bump(api.impact(), true);
    assert_eq!(bump, Bump::Patch, "only additions:\n{}", api.render_text());
    let next = current.bumped(bump).to_string();

    // Regenerating: old crate at the current version, new one at the bumped version.
    let mut new_at_next = new.clone();
    new_at_next.options.crate_version = next.clone();
    let (a, b) = (generate(&old), generate(&new_at_next));
    assert!(
        file(&b, "Cargo.toml").contains(&format!("version = \"{next}\"")),
        "Cargo.toml takes the bumped version"
    );
    assert!(file(&b, "src/operation/get_session_context.rs")
        .contains("pub struct GetSessionContextInput"));
    assert!(file(&b, "src/operation/assume_role.rs").contains("pub fn session_label("));
    assert!(!file(&a, "src/operation/assume_role.rs").contains("pub fn session_label("));
    assert!(file(&b, "src/operation/get_caller_identity.rs").contains("RegionDisabledException("));
    assert!(file(&b, "src/iam.rs").contains("GetSessionContext"));

    let mut files = String::new();
    for path in b.files.keys().filter(|p| !a.files.contains_key(*p)) {
        files.push_str(&format!("  + {path}\n"));
    }
    for path in a.files.keys().filter(|p| !b.files.contains_key(*p)) {
        files.push_str(&format!("  - {path}\n"));
    }
    for (path, text) in &b.files {
        if a.files.get(path).is_some_and(|old| old != text) {
            files.push_str(&format!("  ~ {path}\n"));
        }
    }
    let mut files: Vec<&str> = files.lines().collect();
    files.sort_by_key(|l| l.get(4..).unwrap_or_default().to_owned());
    insta::assert_snapshot!(
        "drill_sts",
        format!(
            "{}{}\nregenerated files:\n{}\n",
            api.render_text(),
            diff::semver_line(&api, current),
            files.join("\n")
        )
    );
}
