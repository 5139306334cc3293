//! The generated DynamoDB crate (awsJson 1.0) against moto, every call signed and checked:
//! CreateTable, a PutItem / GetItem round trip of every `AttributeValue` member (strings,
//! numbers, binary, booleans, null, sets, nested lists and maps, empty ones included),
//! ListTables followed through `LastEvaluatedTableName` with `Limit`, and
//! `ResourceNotFoundException` matched to its typed variant.

mod common;

use std::collections::BTreeMap;

use dynamodb::blocking::Client;
use dynamodb::operation::create_table::CreateTableInput;
use dynamodb::operation::describe_table::{DescribeTableError, DescribeTableInput};
use dynamodb::operation::get_item::{GetItemError, GetItemInput};
use dynamodb::operation::list_tables::ListTablesInput;
use dynamodb::operation::put_item::PutItemInput;
use dynamodb::primitives::Blob;
use dynamodb::types::{AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType};
use dynamodb::RequestId as _;

fn client() -> Client {
    Client::new(common::config())
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::builder().s(v).build().unwrap()
}

fn n(v: &str) -> AttributeValue {
    AttributeValue::builder().n(v).build().unwrap()
}

fn create_table(client: &Client, name: &str) -> dynamodb::operation::create_table::CreateTableOutput {
    client
        .send(
            CreateTableInput::builder()
                .table_name(name)
                .attribute_definitions(AttributeDefinition::builder().attribute_name("pk").attribute_type(ScalarAttributeType::S).build().unwrap())
                .key_schema(KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap())
                .billing_mode(BillingMode::PayPerRequest)
                .build()
                .unwrap(),
        )
        .unwrap()
}

#[test]
fn put_and_get_an_item_of_every_attribute_type() {
    let client = client();
    let table = common::unique("table");
    let created = create_table(&client, &table);
    let description = created.table_description().expect("CreateTable describes the table");
    assert_eq!(description.table_name(), Some(table.as_str()));
    assert_eq!(
        description.table_arn(),
        Some(format!("arn:aws:dynamodb:{}:{}:table/{table}", common::REGION, common::ACCOUNT).as_str())
    );
    assert_eq!(description.key_schema().len(), 1);
    assert_eq!(description.key_schema()[0].attribute_name(), "pk");
    assert_eq!(description.key_schema()[0].key_type(), &KeyType::Hash);
    assert!(created.request_id().is_some_and(|id| !id.is_empty()), "no request id on {created:?}");

    let item: BTreeMap<String, AttributeValue> = [
        ("pk", s("item-1")),
        ("text", s("héllo \"quoted\" \\ line\nbreak")),
        ("count", n("42")),
        ("ratio", n("-0.125")),
        ("bytes", AttributeValue::builder().b(Blob::new(vec![0u8, 1, 2, 255])).build().unwrap()),
        ("yes", AttributeValue::builder().bool(true).build().unwrap()),
        ("no", AttributeValue::builder().bool(false).build().unwrap()),
        ("nothing", AttributeValue::builder().null(true).build().unwrap()),
        ("strings", AttributeValue::builder().ss("a").ss("b").build().unwrap()),
        ("numbers", AttributeValue::builder().ns("1").ns("2.5").build().unwrap()),
        ("blobs", AttributeValue::builder().bs(Blob::new(b"x".to_vec())).bs(Blob::new(b"yz".to_vec())).build().unwrap()),
        ("list", AttributeValue::builder().l(s("one")).l(n("2")).l(AttributeValue::builder().m("k", s("v")).build().unwrap()).build().unwrap()),
        ("map", AttributeValue::builder().m("inner", AttributeValue::builder().m("deep", n("3")).build().unwrap()).m("flag", AttributeValue::builder().bool(false).build().unwrap()).build().unwrap()),
        ("empty_list", AttributeValue::builder().set_l(Some(Vec::new())).build().unwrap()),
        ("empty_map", AttributeValue::builder().set_m(Some(BTreeMap::new())).build().unwrap()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let put = client.send(PutItemInput::builder().table_name(&table).set_item(Some(item.clone())).build().unwrap()).unwrap();
    assert!(put.request_id().is_some());

    let got = client
        .send(GetItemInput::builder().table_name(&table).key("pk", s("item-1")).consistent_read(true).build().unwrap())
        .unwrap();
    assert_eq!(got.item(), Some(&item));
    assert!(got.request_id().is_some());

    // A key that was never written: no item, not an error.
    let absent = client.send(GetItemInput::builder().table_name(&table).key("pk", s("absent")).build().unwrap()).unwrap();
    assert_eq!(absent.item(), None, "{absent:?}");
}

#[test]
fn list_tables_follows_last_evaluated_table_name() {
    let client = client();
    let mut names: Vec<String> = (0..5).map(|i| format!("{}-{i}", common::unique("lt"))).collect();
    for name in &names {
        create_table(&client, name);
    }
    let mut listed = Vec::new();
    let mut start: Option<String> = None;
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages <= 100, "LastEvaluatedTableName never ends");
        let out = client.send(ListTablesInput::builder().limit(2).set_exclusive_start_table_name(start.take()).build().unwrap()).unwrap();
        assert!(out.table_names().len() <= 2, "Limit 2 but {:?}", out.table_names());
        listed.extend(out.table_names().iter().cloned());
        match out.last_evaluated_table_name() {
            Some(last) => start = Some(last.to_owned()),
            None => break,
        }
    }
    assert!(pages >= 3, "{} tables in {pages} pages", listed.len());
    names.sort();
    for name in &names {
        assert!(listed.contains(name), "{name} is missing from ListTables: {listed:?}");
    }
}

#[test]
fn a_missing_table_is_resource_not_found() {
    let table = common::unique("absent");
    let err = client().send(DescribeTableInput::builder().table_name(&table).build().unwrap()).unwrap_err();
    match err.as_service_error() {
        Some(DescribeTableError::ResourceNotFoundException(e)) => {
            assert_eq!(e.meta().code(), "ResourceNotFoundException");
            assert!(e.meta().request_id().is_some(), "{e:?}");
        }
        other => panic!("expected ResourceNotFoundException, got {other:?} from {err:?}"),
    }
    let err = client().send(GetItemInput::builder().table_name(&table).key("pk", s("x")).build().unwrap()).unwrap_err();
    assert!(matches!(err.as_service_error(), Some(GetItemError::ResourceNotFoundException(_))), "{err:?}");
}

#[test]
fn a_wrong_signature_is_refused() {
    // moto checks every signature: the same call signed with a wrong secret fails. moto 5.2
    // answers a failed check with an awsQuery-style XML error whatever the protocol (DynamoDB
    // and KMS answer `{"__type": "InvalidSignatureException"}`), which an awsJson client reads
    // as an unreadable error response: status 403, the body's start kept.
    let err = Client::new(common::config_with_wrong_secret()).send(ListTablesInput::builder().build().unwrap()).unwrap_err();
    match &err {
        dynamodb::runtime::error::SdkError::Service { error, .. } => {
            assert!(common::BAD_SIGNATURE_CODES.contains(&error.code()), "expected a signature error, got {err:?}");
        }
        dynamodb::runtime::error::SdkError::Response { error, .. } => {
            assert_eq!(error.status(), Some(403), "{err:?}");
            let body = error.body_start().unwrap_or_default();
            assert!(common::BAD_SIGNATURE_CODES.iter().any(|c| body.contains(c)), "expected a signature error, got {err:?}");
        }
        _ => panic!("expected a signature error, got {err:?}"),
    }
}
