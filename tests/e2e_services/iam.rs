//! The generated IAM crate (awsQuery) against moto, every call signed and checked:
//! CreateUser, GetUser, ListUsers with MaxItems, ListRoles followed page by page through its
//! `Marker`, and `NoSuchEntity` matched to its typed variant.
//!
//! moto 5.2 ignores `MaxItems` and `Marker` on ListUsers (it answers every user, not
//! truncated), so the paginated list is ListRoles, which moto pages; ListUsers is still called
//! with `MaxItems` and must hold every user created here.

mod common;

use iam::blocking::Client;
use iam::operation::create_role::CreateRoleInput;
use iam::operation::create_user::CreateUserInput;
use iam::operation::get_user::{GetUserError, GetUserInput};
use iam::operation::list_roles::ListRolesInput;
use iam::operation::list_users::ListUsersInput;
use iam::types::Tag;
use iam::RequestId as _;

fn client() -> Client {
    Client::new(common::config())
}

#[test]
fn create_then_get_a_user() {
    let client = client();
    let name = common::unique("user");
    let path = "/stsgen-e2e/";
    let created = client
        .send(
            CreateUserInput::builder()
                .user_name(&name)
                .path(path)
                .tags(Tag::builder().key("team").value("e2e").build().unwrap())
                .build()
                .unwrap(),
        )
        .unwrap();
    let user = created.user().expect("CreateUser returns the user");
    assert_eq!(user.user_name(), name);
    assert_eq!(user.path(), path);
    assert_eq!(user.arn(), format!("arn:aws:iam::{}:user{path}{name}", common::ACCOUNT));
    assert!(created.request_id().is_some_and(|id| !id.is_empty()), "no request id on {created:?}");

    let got = client.send(GetUserInput::builder().user_name(&name).build().unwrap()).unwrap();
    let again = got.user();
    assert_eq!(again.user_name(), name);
    assert_eq!(again.user_id(), user.user_id());
    assert_eq!(again.arn(), user.arn());
    assert_eq!(again.create_date(), user.create_date());
    assert!(got.request_id().is_some());
}

#[test]
fn list_users_holds_every_user_created() {
    let client = client();
    let prefix = format!("/{}/", common::unique("list-users"));
    let mut names: Vec<String> = (0..4).map(|i| format!("{}-{i}", common::unique("lu"))).collect();
    for name in &names {
        client.send(CreateUserInput::builder().user_name(name).path(&prefix).build().unwrap()).unwrap();
    }
    // Follow the marker for as long as the service says the list is truncated.
    let mut listed = Vec::new();
    let mut marker: Option<String> = None;
    for _page in 0..10 {
        let out = client
            .send(ListUsersInput::builder().path_prefix(&prefix).max_items(3).set_marker(marker.take()).build().unwrap())
            .unwrap();
        listed.extend(out.users().iter().map(|u| u.user_name().to_owned()));
        if out.is_truncated() != Some(true) {
            break;
        }
        marker = Some(out.marker().expect("a truncated list has a marker").to_owned());
    }
    listed.sort();
    names.sort();
    assert_eq!(listed, names);
}

#[test]
fn list_roles_pages_through_its_marker() {
    let client = client();
    let prefix = format!("/{}/", common::unique("list-roles"));
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let mut names: Vec<String> = (0..5).map(|i| format!("{}-{i}", common::unique("role"))).collect();
    for name in &names {
        client
            .send(CreateRoleInput::builder().role_name(name).path(&prefix).assume_role_policy_document(trust).build().unwrap())
            .unwrap();
    }
    let mut listed = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages <= 10, "more pages than roles: {listed:?}");
        let out = client
            .send(ListRolesInput::builder().path_prefix(&prefix).max_items(2).set_marker(marker.take()).build().unwrap())
            .unwrap();
        assert!(out.roles().len() <= 2, "MaxItems 2 but {} roles", out.roles().len());
        listed.extend(out.roles().iter().map(|r| r.role_name().to_owned()));
        if out.is_truncated() != Some(true) {
            assert_eq!(out.marker(), None);
            break;
        }
        marker = Some(out.marker().expect("a truncated list has a marker").to_owned());
    }
    assert_eq!(pages, 3, "5 roles, 2 a page");
    listed.sort();
    names.sort();
    assert_eq!(listed, names);
}

#[test]
fn a_missing_user_is_no_such_entity() {
    let name = common::unique("absent");
    let err = client().send(GetUserInput::builder().user_name(&name).build().unwrap()).unwrap_err();
    match err.as_service_error() {
        Some(GetUserError::NoSuchEntityException(e)) => {
            assert_eq!(e.meta().code(), "NoSuchEntity");
            assert!(e.message().is_some_and(|m| m.contains(&name)), "{e:?}");
        }
        other => panic!("expected NoSuchEntity, got {other:?} from {err:?}"),
    }
}

#[test]
fn a_wrong_signature_is_refused() {
    // moto checks every signature: the same call signed with a wrong secret fails.
    let err = Client::new(common::config_with_wrong_secret()).send(GetUserInput::builder().user_name("anyone").build().unwrap()).unwrap_err();
    let code = err.as_service_error().map(|e| e.code().to_owned());
    assert!(
        code.as_deref().is_some_and(|c| common::BAD_SIGNATURE_CODES.contains(&c)),
        "expected a signature error, got {err:?}"
    );
}
