//! Snapshot tests: small fixture models rendered by the generator and reviewed as insta snapshots.
//! A change to the generator shows up as a reviewable diff of these files.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn generate_fixture(name: &str) -> codegen::GeneratedCrate {
    let path = root()
        .join("tests/fixtures/models")
        .join(format!("{name}.json"));
    let model = std::fs::read_to_string(&path).expect("fixture model");
    let inputs = codegen::Inputs {
        service_model: model,
        privileges: None,
        endpoint_rules: None,
        partitions: None,
        options: codegen::Options {
            runtime_path: "../../runtime".to_owned(),
            ..Default::default()
        },
    };
    codegen::generate(&inputs).expect("fixture generates")
}

fn snapshot_fixture(fixture: &str) {
    let krate = generate_fixture(fixture);
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(root().join("tests/snapshots"));
    settings.bind(|| {
        for (path, text) in &krate.files {
            let name = format!("{fixture}__{}", path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(name, text);
        }
    });
}

#[test]
fn kitchen_sink_snapshots() {
    snapshot_fixture("kitchen_sink");
}

/// Flattened lists shaped like SimpleDB's: items named by the list member's `locationName` when
/// the list shape is flattened, by the structure member's name when only the member is.
#[test]
fn flat_lists_snapshots() {
    snapshot_fixture("flat_lists");
}

/// The awsJson 1.1 fixture: the same shared files as awsQuery crates, the protocol's own
/// `protocol/{ser,de}.rs` and operation functions, and a module for the unsupported operation.
#[test]
fn json_sink_snapshots() {
    snapshot_fixture("json_sink");
}

/// The restJson1 fixture: awsJson's shared `protocol/{ser,de}.rs`, and each operation's
/// `request` / `parse_output` / `parse_error` from the HTTP bindings.
#[test]
fn rest_sink_snapshots() {
    snapshot_fixture("rest_sink");
}

#[test]
fn rest_sink_protocol_is_data() {
    let krate = generate_fixture("rest_sink");
    let get = &krate.files["src/operation/get_thing.rs"];
    assert!(get.contains("b.literal(\"/things/\");"), "{get}");
    assert!(
        get.contains("b.query_literal(\"view\", ::std::option::Option::Some(\"full\"));"),
        "{get}"
    );
    assert!(get.contains("pub const UNSIGNED: bool = true;"));
    assert!(
        !get.contains("aws_query") && !get.contains("x-amz-target"),
        "no other protocol's code"
    );
    // The crate enables the runtime's restJson module (which brings the awsJson JSON code).
    assert!(krate.files["Cargo.toml"].contains("features = [\"rest-json\"]"));
    // Error codes are documented as restJson reads them, not as awsQuery's.
    let errors = &krate.files["src/types/error.rs"];
    assert!(!errors.contains("awsQuery"), "{errors}");
    assert!(
        errors.contains("restJson1: the `X-Amzn-Errortype` header"),
        "{errors}"
    );
    // Round-trip properties for every operation's output.
    let roundtrip = &krate.files["src/roundtrip_tests.rs"];
    for op in [
        "get_thing",
        "put_thing",
        "upload_part",
        "get_report",
        "get_blob",
        "get_text",
    ] {
        assert!(
            roundtrip.contains(&format!("fn {op}_output_round_trips()")),
            "{op}"
        );
    }
}

#[test]
fn json_sink_protocol_is_data() {
    let krate = generate_fixture("json_sink");
    let put = &krate.files["src/operation/put_item.rs"];
    assert!(put.contains("pub const TARGET: &str = \"JsonSink_20240101.PutItem\";"));
    assert!(put.contains("aws_json::CONTENT_TYPE_1_1"));
    assert!(
        !put.contains("aws_query"),
        "no awsQuery code in an awsJson crate"
    );
    // awsJson errors are matched by shape name even when the model has an awsQuery code.
    let errors = &krate.files["src/types/error.rs"];
    assert!(
        errors.contains("pub const CODE: &'static str = \"Throttled\";"),
        "{errors}"
    );
    // The crate enables the runtime's awsJson module for itself.
    assert!(krate.files["Cargo.toml"].contains("features = [\"aws-json\"]"));
    // A streaming operation: a module that says why, and no client method.
    let blob = &krate.files["src/operation/download_blob.rs"];
    assert!(blob.contains("not supported by this generator yet"));
    assert!(blob.contains(
        "pub const NOT_SUPPORTED: &str = \"its output member `Body` is a streaming payload\";"
    ));
    assert!(!krate.files["src/client.rs"].contains("fn download_blob"));
    assert!(krate.files["src/client.rs"].contains("fn put_item"));
}

#[test]
fn kitchen_sink_names() {
    let krate = generate_fixture("kitchen_sink");
    let op = &krate.files["src/operation/put_things.rs"];
    // Keyword and awkward names.
    assert!(op.contains("pub(crate) r#type:"), "`Type` becomes r#type");
    assert!(
        op.contains("pub(crate) r#match:"),
        "`Match` becomes r#match"
    );
    assert!(
        op.contains("pub(crate) saml_assertion: ::std::string::String"),
        "required SAMLAssertion is not optional"
    );
    assert!(
        krate
            .files
            .contains_key("src/operation/n3d_secure_check.rs"),
        "digit-leading operation names get a prefix"
    );
    let secure = &krate.files["src/operation/n3d_secure_check.rs"];
    assert!(
        secure.contains("pub(crate) self_:"),
        "`Self` member becomes self_"
    );
    assert!(
        secure.contains("pub(crate) builder_value:"),
        "`Builder` member does not shadow builder()"
    );
    let types = &krate.files["src/types/mod.rs"];
    assert!(types.contains("V1d,"), "enum value 1d");
    assert!(
        types.contains("Ec2AmazonawsCom,"),
        "enum value ec2.amazonaws.com"
    );
    assert!(
        types.contains("UnknownValue,"),
        "enum value UNKNOWN does not clash with Unknown(String)"
    );
    assert!(types.contains("SelfValue,"), "enum value Self");
    // Recursion is boxed only where needed.
    assert!(types.contains(
        "pub(crate) parent: ::std::option::Option<::std::boxed::Box<crate::types::Node>>"
    ));
    assert!(types.contains(
        "pub(crate) children: ::std::option::Option<::std::vec::Vec<crate::types::Node>>"
    ));
    // Errors keep their wire code, not the shape name.
    let errors = &krate.files["src/types/error.rs"];
    assert!(errors.contains("pub const CODE: &'static str = \"ThingNotFound\";"));
    assert!(
        errors.contains("pub const SENDER_FAULT: bool = false;"),
        "LimitFault is a server fault"
    );
    // Unsigned operations are marked.
    assert!(krate.files["src/operation/ping.rs"].contains("pub const UNSIGNED: bool = true;"));
}

#[test]
fn unknown_model_key_is_an_error_naming_the_path() {
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "query"}, "operations": {},
        "shapes": {"Foo": {"type": "structure", "members": {"Bar": {"shape": "S", "colour": "red"}}},
                   "S": {"type": "string"}}}"#;
    let err = generate_text(model).unwrap_err();
    assert!(err.contains("shapes.Foo"), "{err}");
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn unknown_shape_type_is_an_error_naming_the_shape() {
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "query"}, "operations": {},
        "shapes": {"Weird": {"type": "document"}}}"#;
    let err = generate_text(model).unwrap_err();
    assert!(err.contains("shapes.Weird"), "{err}");
    assert!(err.contains("document"), "{err}");
}

#[test]
fn dangling_reference_is_an_error() {
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "query"}, "operations": {},
        "shapes": {"Foo": {"type": "structure", "members": {"Bar": {"shape": "Missing"}}}}}"#;
    let err = generate_text(model).unwrap_err();
    assert!(err.contains("shapes.Foo.members.Bar"), "{err}");
    assert!(err.contains("Missing"), "{err}");
}

#[test]
fn other_protocols_are_refused() {
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "rest-xml"}, "operations": {}, "shapes": {}}"#;
    let err = generate_text(model).unwrap_err();
    assert!(err.contains("rest-xml"), "{err}");
}

#[test]
fn a_member_named_default_does_not_shadow_the_builders_default() {
    // verifiedpermissions' EncryptionSettings has a `default` member; a setter of that name made
    // `EncryptionSettingsBuilder::default()` call the setter.
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "json", "jsonVersion": "1.0", "targetPrefix": "T"},
        "operations": {"Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/"}, "input": {"shape": "In"}}},
        "shapes": {"In": {"type": "structure", "members": {"S": {"shape": "Settings"}}},
                   "Settings": {"type": "structure", "union": true, "members": {"default": {"shape": "Str"}}},
                   "Str": {"type": "string"}}}"#;
    let krate = generate_text(model).unwrap();
    let builders = &krate.files["src/types/builders.rs"];
    assert!(builders.contains("pub fn default_value("), "{builders}");
    assert!(!builders.contains("pub fn default("), "{builders}");
}

#[test]
fn query_compatible_errors_match_the_query_code_or_the_shape_name() {
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "json", "jsonVersion": "1.0", "targetPrefix": "T",
            "awsQueryCompatible": {}},
        "operations": {"Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/"}, "errors": [{"shape": "QueueDoesNotExist"}]}},
        "shapes": {"QueueDoesNotExist": {"type": "structure", "exception": true, "members": {},
            "error": {"code": "AWS.SimpleQueueService.NonExistentQueue", "httpStatusCode": 400, "senderFault": true}}}}"#;
    let krate = generate_text(model).unwrap();
    let errors = &krate.files["src/types/error.rs"];
    assert!(
        errors.contains("\"AWS.SimpleQueueService.NonExistentQueue\""),
        "{errors}"
    );
    let op = &krate.files["src/operation/op.rs"];
    let compact: String = op.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        compact.contains("parse_error_metadata(status,headers,body,true,)"),
        "{op}"
    );
    assert!(
        op.contains("crate::types::error::QueueDoesNotExist::CODE | \"QueueDoesNotExist\" =>"),
        "{op}"
    );
}

#[test]
fn awsjson_needs_its_version_and_target_prefix() {
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "json", "targetPrefix": "T"}, "operations": {}, "shapes": {}}"#;
    let err = generate_text(model).unwrap_err();
    assert!(err.contains("metadata.jsonVersion"), "{err}");
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "json", "jsonVersion": "1.0"}, "operations": {}, "shapes": {}}"#;
    let err = generate_text(model).unwrap_err();
    assert!(err.contains("metadata.targetPrefix"), "{err}");
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "json", "jsonVersion": "2.0", "targetPrefix": "T"}, "operations": {}, "shapes": {}}"#;
    let err = generate_text(model).unwrap_err();
    assert!(err.contains("`2.0`"), "{err}");
}

#[test]
fn the_first_protocol_the_generator_speaks_is_chosen() {
    // botocore lists protocols in order of preference; an awsJson-first model with an
    // awsQuery fallback is generated as awsJson, a query-first one as awsQuery.
    let json_first = r#"{"metadata": {"apiVersion": "1", "protocol": "json", "protocols": ["smithy-rpc-v2-cbor", "json", "query"],
        "jsonVersion": "1.0", "targetPrefix": "T"}, "operations": {}, "shapes": {}}"#;
    let krate = generate_text(json_first).unwrap();
    assert!(krate.files["src/protocol/mod.rs"].contains("awsJson"));
    let query_first = r#"{"metadata": {"apiVersion": "1", "protocol": "query", "protocols": ["query", "json"],
        "jsonVersion": "1.0", "targetPrefix": "T"}, "operations": {}, "shapes": {}}"#;
    let krate = generate_text(query_first).unwrap();
    assert!(krate.files["src/protocol/mod.rs"].contains("awsQuery"));
}

#[test]
fn required_name_must_be_a_member() {
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "query"}, "operations": {},
        "shapes": {"Foo": {"type": "structure", "required": ["Nope"], "members": {}}}}"#;
    let err = generate_text(model).unwrap_err();
    assert!(
        err.contains("shapes.Foo.required") && err.contains("Nope"),
        "{err}"
    );
}

fn generate_text(model: &str) -> Result<codegen::GeneratedCrate, String> {
    let inputs = codegen::Inputs {
        service_model: model.to_owned(),
        privileges: None,
        endpoint_rules: None,
        partitions: None,
        options: codegen::Options::default(),
    };
    codegen::generate(&inputs).map_err(|e| format!("{e:#}"))
}
