//! Decisions the lowering makes, checked on small models.

use super::{lower, ErrorVariant, Service, ShapeId};
use crate::model::Sources;
use crate::{Inputs, Options};

fn lower_text(model: &str) -> Service {
    let inputs = Inputs {
        service_model: model.to_owned(),
        privileges: None,
        endpoint_rules: None,
        partitions: None,
        options: Options::default(),
    };
    let sources = Sources::parse(&inputs).expect("the model parses");
    lower(&sources, &inputs.options).expect("the model lowers")
}

fn shape_id(svc: &Service, wire: &str) -> ShapeId {
    ShapeId(svc.shapes.iter().position(|s| s.wire_name == wire).expect("shape exists"))
}

#[test]
fn error_variants_skip_repeated_codes_and_never_shadow_unhandled() {
    let svc = lower_text(
        r#"{"metadata": {"apiVersion": "1", "protocol": "query"},
        "operations": {"Go": {"name": "Go", "http": {"method": "POST", "requestUri": "/"},
            "errors": [{"shape": "Unhandled"}, {"shape": "First"}, {"shape": "Second"},
                       {"shape": "Plain"}, {"shape": "First"}]}},
        "shapes": {
            "Unhandled": {"type": "structure", "members": {}, "exception": true},
            "First": {"type": "structure", "members": {}, "exception": true, "error": {"code": "Same"}},
            "Second": {"type": "structure", "members": {}, "exception": true, "error": {"code": "Same"}},
            "Plain": {"type": "structure", "members": {}, "exception": true}}}"#,
    );
    let op = &svc.operations[0];
    let variant = |name: &str, predicate: &str, code: &str, shape: &str| ErrorVariant {
        name: name.to_owned(),
        predicate: predicate.to_owned(),
        code: code.to_owned(),
        shape: shape_id(&svc, shape),
    };
    assert_eq!(
        op.error_variants,
        vec![
            variant("Unhandled2", "is_unhandled2", "Unhandled", "Unhandled"),
            variant("First", "is_first", "Same", "First"),
            variant("Plain", "is_plain", "Plain", "Plain"),
        ]
    );
}

/// The STS model lowered with a privilege model edited by `edit_privileges` and the given
/// overrides text.
fn lower_sts_with(edit_privileges: impl FnOnce(&mut serde_json::Value), overrides: &str) -> anyhow::Result<Service> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).expect(rel);
    let mut privileges: serde_json::Value = serde_json::from_str(&read("model/iam/sts.json")).unwrap();
    edit_privileges(&mut privileges);
    let inputs = Inputs {
        service_model: read("model/sts/service-2.json"),
        privileges: Some(privileges.to_string()),
        endpoint_rules: None,
        partitions: None,
        options: Options { overrides: Some(overrides.to_owned()), ..Options::default() },
    };
    let sources = Sources::parse(&inputs)?;
    lower(&sources, &inputs.options)
}

fn drop_privilege(name: &'static str) -> impl FnOnce(&mut serde_json::Value) {
    move |p| {
        p["privileges"].as_object_mut().unwrap().remove(name).expect("privilege exists");
        p["privileges_lower_name"].as_object_mut().unwrap().remove(&name.to_ascii_lowercase());
    }
}

fn permission<'a>(svc: &'a Service, op: &str) -> &'a super::iam::OperationPermission {
    svc.iam.as_ref().unwrap().operation_permissions.iter().find(|p| p.operation == op).unwrap()
}

#[test]
fn an_operation_the_privilege_model_lacks_has_an_unknown_permission_until_declared() {
    let lagging = lower_sts_with(drop_privilege("GetSessionToken"), "{}").unwrap();
    let op = permission(&lagging, "GetSessionToken");
    assert!(op.permission_unknown && op.actions.is_empty() && op.no_permission.is_none(), "{op:?}");
    assert!(!permission(&lagging, "AssumeRole").permission_unknown);

    let declared = r#"{"declared_actions": [{"action": "GetSessionToken", "description": "Grants GetSessionToken.",
        "access_level": "Read", "resource_types": [], "condition_keys": ["aws:MultiFactorAuthPresent"],
        "documentation_url": "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html",
        "source": "Service Authorization Reference, AWS Security Token Service"}]}"#;
    let svc = lower_sts_with(drop_privilege("GetSessionToken"), declared).unwrap();
    let op = permission(&svc, "GetSessionToken");
    assert!(!op.permission_unknown && op.actions.len() == 1, "{op:?}");
    let iam = svc.iam.as_ref().unwrap();
    let action = &iam.actions[op.actions[0]];
    assert_eq!(action.policy_name, "sts:GetSessionToken");
    assert!(action.description.contains("source: Service Authorization Reference"), "{}", action.description);
    assert_eq!(action.condition_keys.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["aws:MultiFactorAuthPresent"]);

    // A declaration the privilege model has caught up with, one without a source, and one that
    // names a resource type the privilege model does not have are errors that say so.
    let err = lower_sts_with(|_| {}, declared).unwrap_err().to_string();
    assert!(err.contains("now lists `sts:GetSessionToken`") && err.contains("remove the declaration"), "{err}");
    let err = lower_sts_with(drop_privilege("GetSessionToken"), &declared.replace("Service Authorization Reference, AWS Security Token Service", " "))
        .unwrap_err()
        .to_string();
    assert!(err.contains("`source` is empty"), "{err}");
    let err = lower_sts_with(drop_privilege("GetSessionToken"), &declared.replace(r#""resource_types": []"#, r#""resource_types": [{"name": "bucket", "required": true}]"#))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no resource type `bucket`"), "{err}");
}

/// The item name of a flattened list is decided once, as data: the list member's `locationName`
/// when `flattened` is on the list shape (SimpleDB), the member's own name when `flattened` is
/// only on the referencing member (smithy's `QueryFlattenedListArgWithXmlName`) or the list
/// member has no `locationName`.
#[test]
fn flattened_list_items_are_named_by_the_list_member_only_when_the_shape_is_flattened() {
    let svc = lower_text(
        r#"{"metadata": {"apiVersion": "1", "protocol": "query"},
        "operations": {"Go": {"name": "Go", "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "In"}}},
        "shapes": {
            "In": {"type": "structure", "members": {
                "Attributes": {"shape": "ShapeFlat"},
                "Both": {"shape": "ShapeFlat", "flattened": true, "locationName": "Renamed"},
                "Labels": {"shape": "Named", "flattened": true, "locationName": "Hi"},
                "Plain": {"shape": "ShapeFlatUnnamed"},
                "Wrapped": {"shape": "Named"}}},
            "ShapeFlat": {"type": "list", "member": {"shape": "S", "locationName": "Attribute"}, "flattened": true},
            "ShapeFlatUnnamed": {"type": "list", "member": {"shape": "S"}, "flattened": true},
            "Named": {"type": "list", "member": {"shape": "S", "locationName": "item"}},
            "S": {"type": "string"}}}"#,
    );
    let s = svc.structure(shape_id(&svc, "In")).expect("a structure");
    let names: Vec<(&str, Option<&str>, &str)> = s
        .members
        .iter()
        .map(|m| (m.wire_name.as_str(), m.flattened_item_name.as_deref(), m.item_name()))
        .collect();
    assert_eq!(
        names,
        [
            ("Attributes", Some("Attribute"), "Attribute"),
            ("Both", Some("Attribute"), "Attribute"),
            ("Labels", None, "Hi"),
            ("Plain", None, "Plain"),
            ("Wrapped", None, "Wrapped"),
        ]
    );
}

/// A restJson model: the request URI parsed against the input's URI members (by
/// `locationName`), literal query pairs kept, members' locations and the timestamp format of
/// each location decided here.
const REST_MODEL: &str = r#"{"metadata": {"apiVersion": "1", "protocol": "rest-json", "protocols": ["rest-json"]},
    "operations": {"Get": {"name": "Get", "http": {"method": "GET", "requestUri": "/things/{Name}/k/{Key+}?list-type=2&flag"},
        "input": {"shape": "In"}, "auth": ["smithy.api#noAuth"]}},
    "shapes": {
        "In": {"type": "structure", "required": ["ThingName", "Key"], "members": {
            "ThingName": {"shape": "Str", "location": "uri", "locationName": "Name"},
            "Key": {"shape": "Str", "location": "uri", "locationName": "Key"},
            "Since": {"shape": "Time", "location": "querystring", "locationName": "since"},
            "At": {"shape": "Time", "location": "header", "locationName": "X-At"},
            "Epoch": {"shape": "Time", "location": "header", "locationName": "X-Epoch", "timestampFormat": "unixTimestamp"},
            "Meta": {"shape": "Map", "location": "headers", "locationName": "x-meta-"},
            "Body": {"shape": "Time"}}},
        "Str": {"type": "string"},
        "Time": {"type": "timestamp"},
        "Map": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}}}}"#;

#[test]
fn rest_json_bindings_are_decided_in_the_ir() {
    use super::{Location, PathPart, Protocol, TimestampFormat};
    let svc = lower_text(REST_MODEL);
    assert_eq!(svc.protocol, Protocol::RestJson1);
    let op = &svc.operations[0];
    assert!(op.unsigned, "noAuth operations are sent unsigned");
    let binding = op.http_binding.as_ref().expect("restJson operations have a binding");
    let path: Vec<String> = binding
        .path
        .iter()
        .map(|p| match p {
            PathPart::Literal(t) => format!("lit:{t}"),
            PathPart::Label { member, greedy } => format!("label:{member}:{greedy}"),
        })
        .collect();
    assert_eq!(path, ["lit:/things/", "label:ThingName:false", "lit:/k/", "label:Key:true"]);
    assert_eq!(binding.query, [("list-type".to_owned(), Some("2".to_owned())), ("flag".to_owned(), None)]);
    let super::ShapeKind::Structure(input) = &svc.shape(shape_id(&svc, "In")).kind else { panic!("a structure") };
    let member = |name: &str| input.members.iter().find(|m| m.wire_name == name).expect("member");
    assert_eq!(member("ThingName").location, Location::Uri);
    assert_eq!(member("Meta").location, Location::Headers);
    assert_eq!(member("Body").location, Location::Body);
    assert_eq!(member("Since").location_timestamp_format, Some(TimestampFormat::Iso8601));
    assert_eq!(member("At").location_timestamp_format, Some(TimestampFormat::Rfc822));
    assert_eq!(member("Epoch").location_timestamp_format, Some(TimestampFormat::UnixTimestamp));
    assert_eq!(member("Body").location_timestamp_format, None, "body timestamps keep the protocol default");
}

#[test]
fn rest_json_labels_must_name_uri_members() {
    let model = REST_MODEL.replace("/things/{Name}", "/things/{Missing}");
    let inputs = Inputs { service_model: model, privileges: None, endpoint_rules: None, partitions: None, options: Options::default() };
    let sources = Sources::parse(&inputs).expect("the model parses");
    let err = lower(&sources, &inputs.options).unwrap_err().to_string();
    assert!(err.contains("operations.Get.http.requestUri"), "{err}");
    assert!(err.contains("{Missing}"), "{err}");
}

#[test]
fn unknown_locations_are_errors_naming_the_shape() {
    let model = REST_MODEL.replace(r#""location": "querystring""#, r#""location": "cookie""#);
    let inputs = Inputs { service_model: model, privileges: None, endpoint_rules: None, partitions: None, options: Options::default() };
    let err = Sources::parse(&inputs).map(|_| ()).unwrap_err();
    let err = format!("{err:#}");
    // The shape's path (serde buffers a tagged shape, so the member is not in the path) and
    // the unknown value.
    assert!(err.contains("shapes.In"), "{err}");
    assert!(err.contains("cookie"), "{err}");
}

#[test]
fn event_streams_get_no_type_and_their_operation_no_method() {
    use super::Home;
    let svc = lower_text(
        r#"{"metadata": {"apiVersion": "1", "protocol": "rest-json"},
        "operations": {"Watch": {"name": "Watch", "http": {"method": "POST", "requestUri": "/watch"}, "output": {"shape": "Out"}}},
        "shapes": {
            "Out": {"type": "structure", "members": {"Events": {"shape": "Stream"}}},
            "Stream": {"type": "structure", "eventstream": true, "members": {
                "Chunk": {"shape": "Chunk"}, "Denied": {"shape": "Denied"}}},
            "Chunk": {"type": "structure", "event": true, "members": {}},
            "Denied": {"type": "structure", "exception": true, "members": {}}}}"#,
    );
    assert!(svc.operations.is_empty());
    assert_eq!(svc.unsupported[0].reason, "its output member `Events` is an event stream");
    assert_eq!(svc.shape(shape_id(&svc, "Stream")).home, Home::OperationOnly, "no type for the stream");
}
