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
