//! botocore's STS endpoint test suite (`tests/data/endpoint-rules/sts/endpoint-tests-1.json`,
//! vendored) against the rule set compiled into `sts::endpoint`.
//!
//! The generator also emits every case as its own `#[test]` in the generated crate
//! (`generated/sts/src/endpoint_tests.rs`, run by `cargo test -p sts`). This runner reads the JSON
//! at test time instead, so it checks the suite as vendored, prints one named line per case, and
//! fails listing every case that does not match: the URL, the properties (auth schemes with
//! signing name and region) and the headers of endpoints, and the exact message of errors.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use sts::endpoint::{resolve, Document, Endpoint, Params, ResolveError, ResolveErrorKind};

/// The number of cases in the vendored suite.
const CASES: usize = 69;

fn suite_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/endpoint-rules/sts/endpoint-tests-1.json")
}

fn test_cases() -> Vec<Value> {
    let text = std::fs::read_to_string(suite_path()).expect("reading the vendored endpoint tests");
    let suite: Value = serde_json::from_str(&text).expect("the endpoint tests are JSON");
    suite["testCases"]
        .as_array()
        .expect("testCases is a list")
        .clone()
}

/// The case's parameters, set through the generated builder by their rule-set names.
fn params(case: &Value) -> Result<Result<Params, ResolveError>, String> {
    let mut builder = Params::builder();
    let empty = serde_json::Map::new();
    for (name, value) in case["params"].as_object().unwrap_or(&empty) {
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or(format!("{name} is not a string"))
        };
        let flag = || value.as_bool().ok_or(format!("{name} is not a boolean"));
        builder = match name.as_str() {
            "Region" => builder.region(text()?),
            "Endpoint" => builder.endpoint(text()?),
            "UseFIPS" => builder.use_fips(flag()?),
            "UseDualStack" => builder.use_dual_stack(flag()?),
            "UseGlobalEndpoint" => builder.use_global_endpoint(flag()?),
            other => return Err(format!("unknown parameter {other}")),
        };
    }
    Ok(builder.build())
}

fn document(value: &Value) -> Document {
    match value {
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Int(n.as_i64().expect("integer property")),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(items) => Document::Array(items.iter().map(document).collect()),
        Value::Object(fields) => Document::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), document(v)))
                .collect(),
        ),
        Value::Null => panic!("null property"),
    }
}

/// `Ok(())` when the outcome matches the case's expectation, else what differs.
fn check(case: &Value, outcome: Result<Endpoint, ResolveError>) -> Result<(), String> {
    let expect = &case["expect"];
    match (outcome, &expect["endpoint"], &expect["error"]) {
        (Ok(endpoint), Value::Object(expected), Value::Null) => {
            let url = expected["url"].as_str().unwrap_or_default();
            if endpoint.url() != url {
                return Err(format!("url {:?}, expected {url:?}", endpoint.url()));
            }
            let properties: BTreeMap<String, Document> = expected
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.iter().map(|(k, v)| (k.clone(), document(v))).collect())
                .unwrap_or_default();
            if endpoint.properties() != &properties {
                return Err(format!(
                    "properties {:?}, expected {properties:?}",
                    endpoint.properties()
                ));
            }
            let headers: BTreeMap<String, Vec<String>> = expected
                .get("headers")
                .map(|h| {
                    serde_json::from_value(h.clone()).expect("headers map names to string lists")
                })
                .unwrap_or_default();
            if endpoint.headers() != &headers {
                return Err(format!(
                    "headers {:?}, expected {headers:?}",
                    endpoint.headers()
                ));
            }
            Ok(())
        }
        (Err(error), Value::Null, Value::String(message)) if error.message() == message => Ok(()),
        (Err(error), Value::Null, Value::String(message)) => Err(format!(
            "error {:?}, expected the error {message:?}",
            error.message()
        )),
        (Ok(endpoint), _, Value::String(message)) => Err(format!(
            "endpoint {:?}, expected the error {message:?}",
            endpoint.url()
        )),
        (Err(error), _, _) => Err(format!("error {:?}, expected an endpoint", error.message())),
        (Ok(_), _, _) => Err("the case expects neither an endpoint nor an error".to_owned()),
    }
}

#[test]
fn every_vendored_case_resolves_as_expected() {
    let cases = test_cases();
    let mut failures = Vec::new();
    let mut passed = 0;
    for (i, case) in cases.iter().enumerate() {
        let name = format!(
            "case {i:02}: {}",
            case["documentation"].as_str().unwrap_or("(undocumented)")
        );
        let result = params(case).and_then(|built| check(case, built.and_then(|p| resolve(&p))));
        match result {
            Ok(()) => {
                passed += 1;
                println!("ok      {name}");
            }
            Err(why) => {
                println!("FAILED  {name}: {why}");
                failures.push(format!("{name}: {why}"));
            }
        }
    }
    println!("{passed}/{} endpoint cases passed", cases.len());
    assert!(
        failures.is_empty(),
        "{} endpoint case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        cases.len(),
        CASES,
        "the vendored suite changed size; update CASES"
    );
}

#[test]
fn every_case_is_a_generated_test() {
    let generated =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generated/sts/src/endpoint_tests.rs");
    let text = std::fs::read_to_string(generated).expect("reading the generated endpoint tests");
    assert_eq!(text.matches("#[test]").count(), test_cases().len());
}

#[test]
fn the_global_endpoint_is_signed_for_us_east_1() {
    let params = Params::builder()
        .region("eu-west-1")
        .use_global_endpoint(true)
        .build()
        .unwrap();
    let endpoint = resolve(&params).unwrap();
    assert_eq!(endpoint.url(), "https://sts.amazonaws.com");
    let schemes = endpoint.auth_schemes();
    assert_eq!(schemes.len(), 1);
    assert_eq!(schemes[0].name, "sigv4");
    assert_eq!(schemes[0].signing_name.as_deref(), Some("sts"));
    assert_eq!(schemes[0].signing_region.as_deref(), Some("us-east-1"));

    // Regions outside the legacy list keep their regional endpoint, signed for themselves.
    let params = Params::builder()
        .region("us-east-3")
        .use_global_endpoint(true)
        .build()
        .unwrap();
    let endpoint = resolve(&params).unwrap();
    assert_eq!(endpoint.url(), "https://sts.us-east-3.amazonaws.com");
    assert_eq!(
        endpoint.auth_schemes()[0].signing_region.as_deref(),
        Some("us-east-3")
    );
}

#[test]
fn defaults_and_partitions() {
    let params = Params::builder().region("cn-north-1").build().unwrap();
    assert!(!params.use_fips() && !params.use_dual_stack() && !params.use_global_endpoint());
    assert_eq!(params.endpoint(), None);
    assert_eq!(
        resolve(&params).unwrap().url(),
        "https://sts.cn-north-1.amazonaws.com.cn"
    );
    assert!(resolve(&params).unwrap().auth_schemes().is_empty());

    let fips = Params::builder()
        .region("us-gov-west-1")
        .use_fips(true)
        .build()
        .unwrap();
    assert_eq!(
        resolve(&fips).unwrap().url(),
        "https://sts.us-gov-west-1.amazonaws.com"
    );

    let dual = Params::builder()
        .region("eu-west-1")
        .use_dual_stack(true)
        .use_fips(true)
        .build()
        .unwrap();
    assert_eq!(
        resolve(&dual).unwrap().url(),
        "https://sts-fips.eu-west-1.api.aws"
    );
}

#[test]
fn errors_carry_the_rule_message() {
    let error = resolve(&Params::builder().build().unwrap()).unwrap_err();
    assert_eq!(error.kind(), ResolveErrorKind::Rule);
    assert_eq!(error.to_string(), "Invalid Configuration: Missing Region");

    let custom = Params::builder()
        .endpoint("https://example.com")
        .use_fips(true)
        .build()
        .unwrap();
    assert_eq!(
        resolve(&custom).unwrap_err().message(),
        "Invalid Configuration: FIPS and custom endpoint are not supported"
    );
}
