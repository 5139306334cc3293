//! The generated SNS crate (awsQuery) against moto, every call signed and checked:
//! CreateTopic, GetTopicAttributes (a map read from `entry`/`key`/`value` elements),
//! ListTopics followed through its `NextToken` (moto answers 100 topics a page), and
//! `NotFound` matched to its typed variant.

mod common;

use sns::blocking::Client;
use sns::operation::create_topic::CreateTopicInput;
use sns::operation::get_topic_attributes::{GetTopicAttributesError, GetTopicAttributesInput};
use sns::operation::list_topics::ListTopicsInput;
use sns::RequestId as _;

/// Characters that need escaping in a form body, but no space: moto checks the signature of a
/// form-encoded request over the body re-encoded from its parsed fields as botocore encodes it
/// (space as `+`), not over the bytes received, so a value with a space fails its check when
/// sent as `%20` (which AWS accepts: it signs the bytes sent).
const DISPLAY_NAME: &str = "stsgen/e2e:é~*&=";

fn client() -> Client {
    Client::new(common::config())
}

fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{}:{}:{name}", common::REGION, common::ACCOUNT)
}

#[test]
fn create_a_topic_and_read_its_attributes() {
    let client = client();
    let name = common::unique("topic");
    let created = client
        .send(CreateTopicInput::builder().name(&name).attributes("DisplayName", DISPLAY_NAME).build().unwrap())
        .unwrap();
    assert_eq!(created.topic_arn(), Some(topic_arn(&name).as_str()));
    assert!(created.request_id().is_some_and(|id| !id.is_empty()), "no request id on {created:?}");

    let got = client.send(GetTopicAttributesInput::builder().topic_arn(topic_arn(&name)).build().unwrap()).unwrap();
    let attributes = got.attributes().expect("GetTopicAttributes returns attributes");
    assert_eq!(attributes.get("TopicArn").map(String::as_str), Some(topic_arn(&name).as_str()));
    assert_eq!(attributes.get("DisplayName").map(String::as_str), Some(DISPLAY_NAME));
    assert_eq!(attributes.get("Owner").map(String::as_str), Some(common::ACCOUNT));
}

#[test]
fn list_topics_follows_next_token_across_pages() {
    let client = client();
    // More topics than moto's page of 100, so at least two pages whatever else exists.
    let names: Vec<String> = (0..105).map(|i| format!("{}-{i}", common::unique("many"))).collect();
    for name in &names {
        client.send(CreateTopicInput::builder().name(name).build().unwrap()).unwrap();
    }
    let mut listed = std::collections::BTreeSet::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages <= 100, "NextToken never ends");
        let out = client.send(ListTopicsInput::builder().set_next_token(token.take()).build().unwrap()).unwrap();
        listed.extend(out.topics().iter().filter_map(|t| t.topic_arn()).map(str::to_owned));
        match out.next_token() {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    assert!(pages >= 2, "{} topics in {pages} page(s)", listed.len());
    for name in &names {
        assert!(listed.contains(&topic_arn(name)), "{name} is missing from ListTopics");
    }
}

#[test]
fn a_missing_topic_is_not_found() {
    let arn = topic_arn(&common::unique("absent"));
    let err = client().send(GetTopicAttributesInput::builder().topic_arn(&arn).build().unwrap()).unwrap_err();
    match err.as_service_error() {
        Some(GetTopicAttributesError::NotFoundException(e)) => {
            assert_eq!(e.meta().code(), "NotFound");
            assert!(e.meta().request_id().is_some(), "{e:?}");
        }
        other => panic!("expected NotFound, got {other:?} from {err:?}"),
    }
}

#[test]
fn a_wrong_signature_is_refused() {
    // moto checks every signature: the same call signed with a wrong secret fails.
    let err = Client::new(common::config_with_wrong_secret()).send(ListTopicsInput::builder().build().unwrap()).unwrap_err();
    let code = err.as_service_error().map(|e| e.code().to_owned());
    assert!(
        code.as_deref().is_some_and(|c| common::BAD_SIGNATURE_CODES.contains(&c)),
        "expected a signature error, got {err:?}"
    );
}
