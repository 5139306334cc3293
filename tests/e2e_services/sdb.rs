//! The generated SimpleDB crate (awsQuery) against moto, every call signed and checked:
//! CreateDomain, a PutAttributes / GetAttributes round trip through the flattened lists
//! (`Attribute.N.Name` / `Attribute.N.Value` on the wire both ways, and `AttributeName.N`),
//! ListDomains with `MaxNumberOfDomains`, and `NoSuchDomain` matched to its typed variant.
//!
//! moto 5.2 ignores `MaxNumberOfDomains` and `NextToken` on ListDomains (it answers every
//! domain on one page, without a token): the test follows `NextToken` should there be one
//! and checks every domain created here comes back.

mod common;

use std::collections::BTreeSet;

use sdb::blocking::Client;
use sdb::operation::create_domain::CreateDomainInput;
use sdb::operation::get_attributes::{GetAttributesError, GetAttributesInput};
use sdb::operation::list_domains::ListDomainsInput;
use sdb::operation::put_attributes::PutAttributesInput;
use sdb::types::ReplaceableAttribute;
use sdb::RequestId as _;

fn client() -> Client {
    Client::new(common::config())
}

fn attr(name: &str, value: &str, replace: bool) -> ReplaceableAttribute {
    let b = ReplaceableAttribute::builder().name(name).value(value);
    let b = if replace { b.replace(true) } else { b };
    b.build().unwrap()
}

fn pairs(out: &sdb::operation::get_attributes::GetAttributesOutput) -> BTreeSet<(String, String)> {
    out.attributes().iter().map(|a| (a.name().to_owned(), a.value().to_owned())).collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn put_and_get_attributes_round_trip() {
    let client = client();
    let domain = common::unique("domain");
    let created = client.send(CreateDomainInput::builder().domain_name(&domain).build().unwrap()).unwrap();
    assert!(created.request_id().is_some_and(|id| !id.is_empty()), "no request id on {created:?}");

    let put = PutAttributesInput::builder()
        .domain_name(&domain)
        .item_name("item-1")
        .attributes(attr("color", "red", false))
        .attributes(attr("size", "L", false))
        .attributes(attr("tag", "a", false))
        .attributes(attr("tag", "b", false))
        .build()
        .unwrap();
    client.send(put).unwrap();

    let get = |names: &[&str]| {
        let mut b = GetAttributesInput::builder().domain_name(&domain).item_name("item-1").consistent_read(true);
        for n in names {
            b = b.attribute_names(*n);
        }
        client.send(b.build().unwrap()).unwrap()
    };
    let all = get(&[]);
    assert_eq!(pairs(&all), set(&[("color", "red"), ("size", "L"), ("tag", "a"), ("tag", "b")]));
    assert!(all.request_id().is_some());
    // Only the attributes asked for (the flattened `AttributeName.N` list).
    assert_eq!(pairs(&get(&["tag"])), set(&[("tag", "a"), ("tag", "b")]));
    assert_eq!(pairs(&get(&["color", "size"])), set(&[("color", "red"), ("size", "L")]));

    // `Replace` replaces every value of the name.
    let replace = PutAttributesInput::builder()
        .domain_name(&domain)
        .item_name("item-1")
        .attributes(attr("tag", "c", true))
        .build()
        .unwrap();
    client.send(replace).unwrap();
    assert_eq!(pairs(&get(&["tag"])), set(&[("tag", "c")]));

    // An item never written has no attributes.
    let empty = client
        .send(GetAttributesInput::builder().domain_name(&domain).item_name("never-written").build().unwrap())
        .unwrap();
    assert!(empty.attributes().is_empty(), "{empty:?}");
}

#[test]
fn list_domains_holds_every_domain_created() {
    let client = client();
    let mut names: Vec<String> = (0..3).map(|i| format!("{}-{i}", common::unique("ld"))).collect();
    for name in &names {
        client.send(CreateDomainInput::builder().domain_name(name).build().unwrap()).unwrap();
    }
    let mut listed = BTreeSet::new();
    let mut token: Option<String> = None;
    for _page in 0..20 {
        let out = client
            .send(ListDomainsInput::builder().max_number_of_domains(2).set_next_token(token.take()).build().unwrap())
            .unwrap();
        listed.extend(out.domain_names().iter().cloned());
        match out.next_token() {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    names.sort();
    for name in &names {
        assert!(listed.contains(name), "{name} is missing from ListDomains: {listed:?}");
    }
}

#[test]
fn a_missing_domain_is_no_such_domain() {
    let domain = common::unique("absent");
    let err = client()
        .send(GetAttributesInput::builder().domain_name(&domain).item_name("x").build().unwrap())
        .unwrap_err();
    match err.as_service_error() {
        Some(GetAttributesError::NoSuchDomain(e)) => {
            assert_eq!(e.meta().code(), "NoSuchDomain");
            assert_eq!(e.meta().message(), Some("The specified domain does not exist."));
        }
        other => panic!("expected NoSuchDomain, got {other:?} from {err:?}"),
    }
}

#[test]
fn a_wrong_signature_is_refused() {
    // moto checks every signature: the same call signed with a wrong secret fails.
    let err = Client::new(common::config_with_wrong_secret()).send(ListDomainsInput::builder().build().unwrap()).unwrap_err();
    let code = err.as_service_error().map(|e| e.code().to_owned());
    assert!(
        code.as_deref().is_some_and(|c| common::BAD_SIGNATURE_CODES.contains(&c)),
        "expected a signature error, got {err:?}"
    );
}
