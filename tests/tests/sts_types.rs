//! Behaviour of the generated STS types: builders, validation, enums, IAM links, Debug redaction.

use sts::error::Violation;
use sts::operation::{assume_role, assume_role_with_saml, get_federation_token, get_session_token};
use sts::types::{PolicyDescriptorType, Tag};

#[test]
fn missing_required_members_are_named() {
    let err = assume_role::AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/r")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "RoleSessionName");
    assert_eq!(err.violation(), &Violation::Missing);
    assert_eq!(
        err.to_string(),
        "AssumeRoleRequest: member `RoleSessionName` is required but was not set"
    );
}

#[test]
fn length_range_and_pattern_constraints() {
    let base = || {
        assume_role::AssumeRoleInput::builder()
            .role_arn("arn:aws:iam::123456789012:role/r")
            .role_session_name("ok")
    };
    // RoleArn min length 20.
    let err = base().role_arn("arn:short").build().unwrap_err();
    assert_eq!(
        (err.field(), err.violation()),
        ("RoleArn", &Violation::TooShort { min: 20, actual: 9 })
    );
    // DurationSeconds 900..=43200.
    let err = base().duration_seconds(5).build().unwrap_err();
    assert_eq!(err.field(), "DurationSeconds");
    assert!(err.to_string().contains("below the minimum 900"), "{err}");
    // RoleSessionName pattern [\w+=,.@-]*.
    let err = base().role_session_name("has space").build().unwrap_err();
    assert!(
        matches!(
            err.violation(),
            Violation::PatternMismatch { length: 9, .. }
        ),
        "{err:?}"
    );
    // Tags: at most 50, nested member constraints name the element.
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
    let err = b.build().unwrap_err();
    assert_eq!(
        (err.field(), err.violation()),
        (
            "Tags",
            &Violation::TooLong {
                max: 50,
                actual: 51
            }
        )
    );
    // A too-long transitive tag key (max 128) is reported with its index.
    let err = base()
        .transitive_tag_keys("ok")
        .transitive_tag_keys("x".repeat(129))
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "TransitiveTagKeys[1]");
    // PolicyArns: nested structure constraint is reported through the list.
    let bad = PolicyDescriptorType::builder()
        .arn("short")
        .build()
        .unwrap_err();
    assert_eq!(bad.field(), "arn");
    assert!(base().build().is_ok());
}

#[test]
fn sensitive_values_never_appear_in_errors_or_debug() {
    // A SAML assertion below the minimum length: the error has the length, not the text.
    let err = assume_role_with_saml::AssumeRoleWithSamlInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/r")
        .principal_arn("arn:aws:iam::123456789012:saml-provider/p")
        .saml_assertion("abc")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "SAMLAssertion");
    assert!(!err.to_string().contains("abc"));
    let input = get_session_token::GetSessionTokenInput::builder()
        .serial_number("arn:aws:iam::123456789012:mfa/user")
        .token_code("123456")
        .build()
        .unwrap();
    let debug = format!("{input:?}");
    assert!(!debug.contains("123456\""), "{debug}");
    assert!(debug.contains("Sensitive Data Redacted"), "{debug}");
}

#[test]
fn operations_link_to_iam_actions_both_ways() {
    assert_eq!(assume_role::IAM_ACTION, Some(sts::iam::Action::AssumeRole));
    assert_eq!(
        get_federation_token::IAM_ACTION.map(|a| a.name()),
        Some("sts:GetFederationToken")
    );
    let tag_session: sts::iam::Action = "sts:tagsession".parse().unwrap();
    assert!(tag_session.is_permission_only());
    assert_eq!(tag_session.operation(), None);
    assert_eq!(sts::iam::Action::AssumeRole.operation(), Some("AssumeRole"));
    let permission_only: Vec<_> = sts::iam::Action::ALL
        .iter()
        .filter(|a| a.is_permission_only())
        .map(|a| a.name())
        .collect();
    assert_eq!(permission_only.len(), 5, "{permission_only:?}");
    assert_eq!(sts::iam::Action::ALL.len(), 16);
}

#[test]
fn arn_builders_and_templated_condition_keys() {
    let arn = sts::iam::RoleArn::new("aws", "123456789012", "team/deploy").to_string();
    assert_eq!(arn, "arn:aws:iam::123456789012:role/team/deploy");
    assert_eq!(
        sts::iam::ConditionKey::aws_request_tag("team"),
        "aws:RequestTag/team"
    );
    let key: sts::iam::ConditionKey = "aws:RequestTag/team".parse().unwrap();
    assert_eq!(key, sts::iam::ConditionKey::AwsRequestTag);
    assert!(key.key_type().to_string().contains("String"));
}
