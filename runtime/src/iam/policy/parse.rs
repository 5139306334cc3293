//! Reading a [`PolicyDocument`] from JSON text.

use std::fmt;
use std::str::FromStr;

use super::document::{
    ConditionBlock, ConditionEntry, ConditionValue, Effect, Negatable, OneOrMany, PolicyDocument,
    Principal, Statement,
};
use crate::json::{self, JsonError, JsonValue};

impl PolicyDocument {
    /// Parses a policy document from JSON text.
    pub fn parse(text: &str) -> std::result::Result<Self, PolicyParseError> {
        parse_document(text)
    }
}

impl FromStr for PolicyDocument {
    type Err = PolicyParseError;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        PolicyDocument::parse(s)
    }
}

/// Why a policy document did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyParseErrorKind {
    /// The text is not JSON.
    Json(JsonError),
    /// A member the policy grammar does not have.
    UnknownField(String),
    /// A member given twice (or both `Action` and `NotAction`, ...).
    DuplicateField(String),
    /// A required member is missing.
    MissingField(&'static str),
    /// A value of the wrong JSON type.
    WrongType {
        /// What the grammar expects.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// `Effect` other than `Allow` or `Deny`.
    InvalidEffect,
}

/// A policy document did not parse: why, and the JSON path of the value
/// (`Statement[1].Condition.StringEquals`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyParseError {
    path: String,
    kind: PolicyParseErrorKind,
}

impl PolicyParseError {
    fn new(path: &str, kind: PolicyParseErrorKind) -> Self {
        PolicyParseError {
            path: path.to_owned(),
            kind,
        }
    }

    /// The JSON path of the offending value (`""` for the whole document).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong.
    pub fn kind(&self) -> &PolicyParseErrorKind {
        &self.kind
    }
}

impl fmt::Display for PolicyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let PolicyParseErrorKind::Json(e) = &self.kind {
            return write!(f, "policy document: {e}");
        }
        let at = if self.path.is_empty() {
            "document".to_owned()
        } else {
            format!("`{}`", self.path)
        };
        match &self.kind {
            PolicyParseErrorKind::Json(_) => Ok(()),
            PolicyParseErrorKind::UnknownField(name) => {
                write!(f, "policy {at}: unknown member `{name}`")
            }
            PolicyParseErrorKind::DuplicateField(name) => {
                write!(f, "policy {at}: `{name}` given more than once")
            }
            PolicyParseErrorKind::MissingField(name) => write!(f, "policy {at}: missing `{name}`"),
            PolicyParseErrorKind::WrongType { expected, found } => {
                write!(f, "policy {at}: expected {expected}, found {found}")
            }
            PolicyParseErrorKind::InvalidEffect => {
                write!(f, "policy {at}: `Effect` must be `Allow` or `Deny`")
            }
        }
    }
}

impl std::error::Error for PolicyParseError {}

type Result<T> = std::result::Result<T, PolicyParseError>;

fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_owned()
    } else {
        format!("{base}.{key}")
    }
}

fn wrong(path: &str, expected: &'static str, found: &JsonValue) -> PolicyParseError {
    PolicyParseError::new(
        path,
        PolicyParseErrorKind::WrongType {
            expected,
            found: found.type_name(),
        },
    )
}

fn object<'a>(value: &'a JsonValue, path: &str) -> Result<&'a [(String, JsonValue)]> {
    match value {
        JsonValue::Object(members) => Ok(members),
        other => Err(wrong(path, "an object", other)),
    }
}

fn string(value: &JsonValue, path: &str) -> Result<String> {
    match value {
        JsonValue::String(s) => Ok(s.clone()),
        other => Err(wrong(path, "a string", other)),
    }
}

fn strings(value: &JsonValue, path: &str) -> Result<OneOrMany<String>> {
    match value {
        JsonValue::String(s) => Ok(OneOrMany::One(s.clone())),
        JsonValue::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| string(item, &format!("{path}[{i}]")))
            .collect::<Result<Vec<_>>>()
            .map(OneOrMany::Many),
        other => Err(wrong(path, "a string or a list of strings", other)),
    }
}

fn condition_value(value: &JsonValue, path: &str) -> Result<ConditionValue> {
    match value {
        JsonValue::String(s) => Ok(ConditionValue::String(s.clone())),
        JsonValue::Bool(b) => Ok(ConditionValue::Bool(*b)),
        JsonValue::Number(n) => Ok(ConditionValue::Number(n.clone())),
        other => Err(wrong(path, "a string, boolean or number", other)),
    }
}

/// Rejects a second occurrence of `name` (or of its paired form).
fn once<T>(slot: &Option<T>, name: &str, path: &str) -> Result<()> {
    match slot {
        Some(_) => Err(PolicyParseError::new(
            path,
            PolicyParseErrorKind::DuplicateField(name.to_owned()),
        )),
        None => Ok(()),
    }
}

pub(super) fn parse_document(text: &str) -> Result<PolicyDocument> {
    let value = json::parse(text).map_err(|e| PolicyParseError {
        path: e.path().to_owned(),
        kind: PolicyParseErrorKind::Json(e),
    })?;
    let mut version = None;
    let mut id = None;
    let mut statement = None;
    for (key, v) in object(&value, "")? {
        match key.as_str() {
            "Version" => {
                once(&version, key, "")?;
                version = Some(string(v, key)?);
            }
            "Id" => {
                once(&id, key, "")?;
                id = Some(string(v, key)?);
            }
            "Statement" => {
                once(&statement, key, "")?;
                statement = Some(match v {
                    JsonValue::Object(_) => OneOrMany::One(parse_statement(v, "Statement")?),
                    JsonValue::Array(items) => OneOrMany::Many(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, s)| parse_statement(s, &format!("Statement[{i}]")))
                            .collect::<Result<_>>()?,
                    ),
                    other => {
                        return Err(wrong(
                            "Statement",
                            "a statement or a list of statements",
                            other,
                        ))
                    }
                });
            }
            other => {
                return Err(PolicyParseError::new(
                    "",
                    PolicyParseErrorKind::UnknownField(other.to_owned()),
                ))
            }
        }
    }
    let statement = statement.ok_or_else(|| {
        PolicyParseError::new("", PolicyParseErrorKind::MissingField("Statement"))
    })?;
    Ok(PolicyDocument {
        version,
        id,
        statement,
    })
}

fn parse_principal(value: &JsonValue, path: &str) -> Result<Principal> {
    match value {
        JsonValue::String(s) if s == "*" => Ok(Principal::Any),
        JsonValue::Object(kinds) => kinds
            .iter()
            .map(|(kind, ids)| Ok((kind.clone(), strings(ids, &join(path, kind))?)))
            .collect::<Result<_>>()
            .map(Principal::Kinds),
        other => Err(wrong(path, "\"*\" or an object of principals", other)),
    }
}

fn parse_condition(value: &JsonValue, path: &str) -> Result<Vec<ConditionBlock>> {
    let mut blocks = Vec::new();
    for (operator, entries) in object(value, path)? {
        let op_path = join(path, operator);
        let mut block = ConditionBlock {
            operator: operator.clone(),
            entries: Vec::new(),
        };
        for (key, values) in object(entries, &op_path)? {
            let key_path = join(&op_path, key);
            let values = match values {
                JsonValue::Array(items) => OneOrMany::Many(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| condition_value(v, &format!("{key_path}[{i}]")))
                        .collect::<Result<_>>()?,
                ),
                single => OneOrMany::One(condition_value(single, &key_path)?),
            };
            block.entries.push(ConditionEntry {
                key: key.clone(),
                values,
            });
        }
        blocks.push(block);
    }
    Ok(blocks)
}

fn parse_statement(value: &JsonValue, path: &str) -> Result<Statement> {
    let mut sid = None;
    let mut effect = None;
    let mut principal: Option<Negatable<Principal>> = None;
    let mut action: Option<Negatable<OneOrMany<String>>> = None;
    let mut resource: Option<Negatable<OneOrMany<String>>> = None;
    let mut condition: Option<Vec<ConditionBlock>> = None;
    for (key, v) in object(value, path)? {
        let here = join(path, key);
        match key.as_str() {
            "Sid" => {
                once(&sid, key, path)?;
                sid = Some(string(v, &here)?);
            }
            "Effect" => {
                once(&effect, key, path)?;
                effect = Some(match string(v, &here)?.as_str() {
                    "Allow" => Effect::Allow,
                    "Deny" => Effect::Deny,
                    _ => {
                        return Err(PolicyParseError::new(
                            &here,
                            PolicyParseErrorKind::InvalidEffect,
                        ))
                    }
                });
            }
            "Principal" | "NotPrincipal" => {
                once(&principal, key, path)?;
                let p = parse_principal(v, &here)?;
                principal = Some(if key == "Principal" {
                    Negatable::Is(p)
                } else {
                    Negatable::Not(p)
                });
            }
            "Action" | "NotAction" => {
                once(&action, key, path)?;
                let a = strings(v, &here)?;
                action = Some(if key == "Action" {
                    Negatable::Is(a)
                } else {
                    Negatable::Not(a)
                });
            }
            "Resource" | "NotResource" => {
                once(&resource, key, path)?;
                let r = strings(v, &here)?;
                resource = Some(if key == "Resource" {
                    Negatable::Is(r)
                } else {
                    Negatable::Not(r)
                });
            }
            "Condition" => {
                once(&condition, key, path)?;
                condition = Some(parse_condition(v, &here)?);
            }
            other => {
                return Err(PolicyParseError::new(
                    path,
                    PolicyParseErrorKind::UnknownField(other.to_owned()),
                ))
            }
        }
    }
    Ok(Statement {
        sid,
        effect: effect.ok_or_else(|| {
            PolicyParseError::new(path, PolicyParseErrorKind::MissingField("Effect"))
        })?,
        principal,
        action: action.ok_or_else(|| {
            PolicyParseError::new(path, PolicyParseErrorKind::MissingField("Action"))
        })?,
        resource,
        condition: condition.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> PolicyParseError {
        PolicyDocument::parse(text).unwrap_err()
    }

    #[test]
    fn single_and_list_forms_round_trip() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::*:role/x","Condition":{"NumericGreaterThan":{"aws:MultiFactorAuthAge":[3600,"7200"]},"Bool":{"aws:SecureTransport":false}}}}"#;
        let doc = PolicyDocument::parse(text).unwrap();
        assert_eq!(doc.to_json(), text);
        assert!(matches!(doc.statement, OneOrMany::One(_)));
    }

    #[test]
    fn errors_name_the_path() {
        let e = err(
            r#"{"Statement":[{"Effect":"Allow","Action":"a:b"},{"Effect":"Maybe","Action":"a:b"}]}"#,
        );
        assert_eq!(e.path(), "Statement[1].Effect");
        assert_eq!(e.kind(), &PolicyParseErrorKind::InvalidEffect);
        let e = err(
            r#"{"Statement":[{"Effect":"Allow","Action":"a:b","Condition":{"StringEquals":{"k":{}}}}]}"#,
        );
        assert_eq!(e.path(), "Statement[0].Condition.StringEquals.k");
        assert_eq!(e.to_string(), "policy `Statement[0].Condition.StringEquals.k`: expected a string, boolean or number, found object");
        let e = err(r#"{"Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"c:d"}]}"#);
        assert_eq!(
            e.kind(),
            &PolicyParseErrorKind::DuplicateField("NotAction".into())
        );
        let e = err(r#"{"Statement":[{"Effect":"Allow","Actions":"a:b"}]}"#);
        assert_eq!(
            e.kind(),
            &PolicyParseErrorKind::UnknownField("Actions".into())
        );
        assert_eq!(
            err(r#"{"Version":"2012-10-17"}"#).kind(),
            &PolicyParseErrorKind::MissingField("Statement")
        );
        assert_eq!(
            err(r#"{"Statement":{"Action":"a:b"}}"#).kind(),
            &PolicyParseErrorKind::MissingField("Effect")
        );
        assert_eq!(
            err(r#"{"Statement":{"Effect":"Allow"}}"#).kind(),
            &PolicyParseErrorKind::MissingField("Action")
        );
        let e = err(r#"{"Statement":{"Effect":"Allow","Action":[1]}}"#);
        assert_eq!(e.path(), "Statement.Action[0]");
        let e = err(r#"{"Statement":[{"Effect":"Allow","Action":"a:b",}]}"#);
        assert!(matches!(e.kind(), PolicyParseErrorKind::Json(_)));
        assert_eq!(e.path(), "Statement[0]");
        assert!(
            e.to_string()
                .starts_with("policy document: invalid JSON at byte"),
            "{e}"
        );
        assert_eq!(
            err("[]").kind(),
            &PolicyParseErrorKind::WrongType {
                expected: "an object",
                found: "array"
            }
        );
    }
}
