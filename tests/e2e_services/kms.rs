//! The generated KMS crate (awsJson 1.1) against moto, every call signed and checked:
//! CreateKey, DescribeKey, ListKeys with `Limit`, ListKeyRotations followed through its
//! `NextMarker`, and `NotFoundException` matched to its typed variant.
//!
//! moto 5.2 ignores `Limit` and `Marker` on ListKeys (every key on one page, never
//! truncated), so the paginated list is ListKeyRotations, which moto pages; ListKeys is still
//! called with `Limit` and followed while truncated, and must hold the key created here.

mod common;

use kms::blocking::Client;
use kms::operation::create_key::CreateKeyInput;
use kms::operation::describe_key::{DescribeKeyError, DescribeKeyInput};
use kms::operation::list_key_rotations::ListKeyRotationsInput;
use kms::operation::list_keys::ListKeysInput;
use kms::operation::rotate_key_on_demand::RotateKeyOnDemandInput;
use kms::primitives::DateTime;
use kms::types::{KeyState, KeyUsageType, Tag};
use kms::RequestId as _;

fn client() -> Client {
    Client::new(common::config())
}

fn create_key(client: &Client, description: &str) -> String {
    let created = client
        .send(
            CreateKeyInput::builder()
                .description(description)
                .key_usage(KeyUsageType::EncryptDecrypt)
                .tags(Tag::builder().tag_key("team").tag_value("e2e").build().unwrap())
                .build()
                .unwrap(),
        )
        .unwrap();
    assert!(created.request_id().is_some_and(|id| !id.is_empty()), "no request id on {created:?}");
    created.key_metadata().expect("CreateKey returns the key's metadata").key_id().to_owned()
}

#[test]
fn create_then_describe_a_key() {
    let client = client();
    let description = common::unique("key");
    let before = DateTime::now_utc().unix_timestamp();
    let key_id = create_key(&client, &description);

    let described = client.send(DescribeKeyInput::builder().key_id(&key_id).build().unwrap()).unwrap();
    let meta = described.key_metadata().expect("DescribeKey returns the key's metadata");
    assert_eq!(meta.key_id(), key_id);
    assert_eq!(meta.description(), Some(description.as_str()));
    assert_eq!(meta.aws_account_id(), Some(common::ACCOUNT));
    assert_eq!(meta.arn(), Some(format!("arn:aws:kms:{}:{}:key/{key_id}", common::REGION, common::ACCOUNT).as_str()));
    assert_eq!(meta.key_state(), Some(&KeyState::Enabled));
    assert_eq!(meta.key_usage(), Some(&KeyUsageType::EncryptDecrypt));
    assert_eq!(meta.enabled(), Some(true));
    // A timestamp in epoch seconds: within a few minutes of now.
    let created = meta.creation_date().expect("a creation date").unix_timestamp();
    assert!((before - 300..=before + 300).contains(&created), "created at {created}, now {before}");
    assert!(described.request_id().is_some());

    // By ARN too.
    let by_arn = client.send(DescribeKeyInput::builder().key_id(meta.arn().unwrap()).build().unwrap()).unwrap();
    assert_eq!(by_arn.key_metadata().map(|m| m.key_id()), Some(key_id.as_str()));
}

#[test]
fn list_keys_holds_the_key_created() {
    let client = client();
    let key_id = create_key(&client, &common::unique("listed"));
    let mut listed = Vec::new();
    let mut marker: Option<String> = None;
    for _page in 0..100 {
        let out = client.send(ListKeysInput::builder().limit(2).set_marker(marker.take()).build().unwrap()).unwrap();
        listed.extend(out.keys().iter().filter_map(|k| k.key_id()).map(str::to_owned));
        if out.truncated() != Some(true) {
            break;
        }
        marker = Some(out.next_marker().expect("a truncated list has a marker").to_owned());
    }
    assert!(listed.contains(&key_id), "{key_id} is missing from ListKeys: {listed:?}");
}

#[test]
fn list_key_rotations_pages_through_next_marker() {
    let client = client();
    let key_id = create_key(&client, &common::unique("rotated"));
    for _ in 0..5 {
        client.send(RotateKeyOnDemandInput::builder().key_id(&key_id).build().unwrap()).unwrap();
    }
    let mut rotations = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages <= 10, "more pages than rotations");
        let out = client
            .send(ListKeyRotationsInput::builder().key_id(&key_id).limit(2).set_marker(marker.take()).build().unwrap())
            .unwrap();
        assert!(out.rotations().len() <= 2, "Limit 2 but {} rotations", out.rotations().len());
        rotations.extend(out.rotations().iter().cloned());
        if out.truncated() != Some(true) {
            assert_eq!(out.next_marker(), None);
            break;
        }
        marker = Some(out.next_marker().expect("a truncated list has a marker").to_owned());
    }
    assert_eq!(pages, 3, "5 rotations, 2 a page");
    assert_eq!(rotations.len(), 5);
    let now = DateTime::now_utc().unix_timestamp();
    for r in &rotations {
        let at = r.rotation_date().expect("a rotation date").unix_timestamp();
        assert!((now - 300..=now + 300).contains(&at), "rotated at {at}, now {now}");
    }
}

#[test]
fn a_missing_key_is_not_found() {
    let absent = "00000000-0000-4000-8000-000000000000";
    let err = client().send(DescribeKeyInput::builder().key_id(absent).build().unwrap()).unwrap_err();
    match err.as_service_error() {
        Some(DescribeKeyError::NotFoundException(e)) => {
            assert_eq!(e.meta().code(), "NotFoundException");
            assert!(e.message().is_some_and(|m| m.contains(absent)), "{e:?}");
            assert!(e.meta().request_id().is_some(), "{e:?}");
        }
        other => panic!("expected NotFoundException, got {other:?} from {err:?}"),
    }
}

#[test]
fn a_wrong_signature_is_refused() {
    // moto checks every signature: the same call signed with a wrong secret fails. moto 5.2
    // answers a failed check with an awsQuery-style XML error whatever the protocol (DynamoDB
    // and KMS answer `{"__type": "InvalidSignatureException"}`), which an awsJson client reads
    // as an unreadable error response: status 403, the body's start kept.
    let err = Client::new(common::config_with_wrong_secret()).send(ListKeysInput::builder().build().unwrap()).unwrap_err();
    match &err {
        kms::runtime::error::SdkError::Service { error, .. } => {
            assert!(common::BAD_SIGNATURE_CODES.contains(&error.code()), "expected a signature error, got {err:?}");
        }
        kms::runtime::error::SdkError::Response { error, .. } => {
            assert_eq!(error.status(), Some(403), "{err:?}");
            let body = error.body_start().unwrap_or_default();
            assert!(common::BAD_SIGNATURE_CODES.iter().any(|c| body.contains(c)), "expected a signature error, got {err:?}");
        }
        _ => panic!("expected a signature error, got {err:?}"),
    }
}
