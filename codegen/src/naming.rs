//! Naming: every conversion from a model (wire) name to a Rust name lives here.
//!
//! The generator always keeps the pair (Rust name, wire name); this module only
//! produces the Rust half. All functions are pure and deterministic.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Rust keywords (strict, reserved and weak ones that cannot be identifiers in some position).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Type names that would shadow prelude or std items used unqualified by users.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Self",
];

/// Splits a wire name into a form heck handles well: runs of capitals followed by a
/// lower-case letter keep their last capital for the next word (`SAMLAssertion` ->
/// `SAML Assertion`), and digits stay attached to the preceding word.
fn prepare(wire: &str) -> String {
    // heck already treats `SAMLAssertion` as `saml_assertion`; we only strip characters
    // that are not identifier characters, turning them into word breaks.
    wire.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A `PascalCase` type name for a shape or operation wire name.
///
/// Leading digits get a `N` prefix; names that would shadow std types get a `Value` suffix.
pub(crate) fn type_name(wire: &str) -> String {
    let mut name = prepare(wire).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        name.push_str("Value");
    }
    name
}

/// A `snake_case` field, method or module name for a member or operation wire name.
///
/// Keywords become raw identifiers when that is allowed (`type` -> `r#type`) and get a
/// trailing underscore otherwise (`self` -> `self_`); leading digits get an `n` prefix.
pub fn field_name(wire: &str) -> String {
    let mut name = prepare(wire).to_snake_case();
    if name.is_empty() {
        name = "unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    name
}

/// A `PascalCase` enum variant name for an enum value such as `ec2.amazonaws.com` or `1d`.
pub(crate) fn variant_name(value: &str) -> String {
    let mut name = prepare(value).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" || name == "Unknown" {
        name.push_str("Value");
    }
    name
}

/// A `SCREAMING_SNAKE_CASE` constant name.
pub(crate) fn const_name(wire: &str) -> String {
    field_name(wire).to_uppercase()
}

/// Whether `name` is a Rust keyword.
pub(crate) fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// The identifier for a (snake or Pascal) name, escaping keywords.
pub(crate) fn ident(name: &str) -> Ident {
    if is_keyword(name) {
        if NOT_RAW.contains(&name) {
            Ident::new(&format!("{name}_"), Span::call_site())
        } else {
            Ident::new_raw(name, Span::call_site())
        }
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The identifier of `prefix` followed by a field name (`set_` + `type` -> `set_type`): the
/// field name is joined unescaped, and the result is escaped if it is itself a keyword.
pub(crate) fn prefixed_ident(prefix: &str, name: &str) -> Ident {
    ident(&format!("{prefix}{name}"))
}

/// The identifier of a type name followed by a suffix (`AssumeRole` + `Input` ->
/// `AssumeRoleInput`), as the generated crate names an operation's or a shape's companion types.
pub(crate) fn suffixed_ident(name: &str, suffix: &str) -> Ident {
    ident(&format!("{name}{suffix}"))
}

/// The text form of [`ident`], as users would write it (`r#type`).
#[cfg(test)]
fn ident_text(name: &str) -> String {
    ident(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awkward_names() {
        let table: &[(&str, &str, &str)] = &[
            // wire, type name, field name
            ("SAMLAssertion", "SamlAssertion", "saml_assertion"),
            ("PolicyArns", "PolicyArns", "policy_arns"),
            ("Type", "Type", "type"),
            ("RoleARN", "RoleArn", "role_arn"),
            ("arnType", "ArnType", "arn_type"),
            ("3DSecure", "N3dSecure", "n3d_secure"),
            ("1d", "N1d", "n1d"),
            (
                "DBInstanceIdentifier",
                "DbInstanceIdentifier",
                "db_instance_identifier",
            ),
            (
                "IDPRejectedClaimException",
                "IdpRejectedClaimException",
                "idp_rejected_claim_exception",
            ),
            ("x-amz-date", "XAmzDate", "x_amz_date"),
            ("Result", "ResultValue", "result"),
            ("String", "StringValue", "string"),
            ("self", "SelfValue", "self"),
            ("Ec2InstanceId", "Ec2InstanceId", "ec2_instance_id"),
            ("", "Unnamed", "unnamed"),
        ];
        for (wire, ty, field) in table {
            assert_eq!(type_name(wire), *ty, "type name of {wire:?}");
            assert_eq!(field_name(wire), *field, "field name of {wire:?}");
        }
    }

    #[test]
    fn keywords_become_raw_or_suffixed() {
        assert_eq!(ident_text("type"), "r#type");
        assert_eq!(ident_text("match"), "r#match");
        assert_eq!(prefixed_ident("set_", "type").to_string(), "set_type");
        assert_eq!(prefixed_ident("", "type").to_string(), "r#type");
        assert_eq!(
            suffixed_ident("AssumeRole", "Input").to_string(),
            "AssumeRoleInput"
        );
        assert_eq!(suffixed_ident("Self", "").to_string(), "Self_");
        assert_eq!(ident_text("self"), "self_");
        assert_eq!(ident_text("crate"), "crate_");
        assert_eq!(ident_text("role_arn"), "role_arn");
    }

    #[test]
    fn variants() {
        assert_eq!(variant_name("ec2.amazonaws.com"), "Ec2AmazonawsCom");
        assert_eq!(variant_name("1d"), "V1d");
        assert_eq!(variant_name("in-sync"), "InSync");
        assert_eq!(variant_name("UNKNOWN"), "UnknownValue");
        assert_eq!(variant_name("*"), "Empty");
    }

    #[test]
    fn consts() {
        assert_eq!(const_name("AssumeRole"), "ASSUME_ROLE");
        assert_eq!(
            const_name("aws:RequestTag/${TagKey}"),
            "AWS_REQUEST_TAG_TAG_KEY"
        );
    }
}
