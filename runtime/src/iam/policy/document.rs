//! The document model: statements, conditions, principals, their builders and minified
//! JSON output.

use std::fmt;

use super::typed::{parse_operator, ConditionOperator, KeyType, TypedKey};
use crate::json::JsonWriter;

/// The current policy language version, `2012-10-17`.
pub const VERSION_2012_10_17: &str = "2012-10-17";

/// A value that a policy may write either as a single item or as a list.
///
/// The form is kept, so a parsed document writes back as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OneOrMany<T> {
    /// A single item, written without brackets.
    One(T),
    /// A list, written with brackets (even with one item).
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The items, in order.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(item) => std::slice::from_ref(item),
            OneOrMany::Many(items) => items,
        }
    }

    /// The items, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there are no items (only possible in the list form).
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Adds an item; a single item becomes a list of two.
    pub fn push(&mut self, item: T) {
        let this = std::mem::replace(self, OneOrMany::Many(Vec::new()));
        *self = match this {
            OneOrMany::One(first) => OneOrMany::Many(vec![first, item]),
            OneOrMany::Many(mut items) => {
                items.push(item);
                OneOrMany::Many(items)
            }
        };
    }

    /// The path of item `index` below `base` (`Action[1]`, or `Action` for the single form).
    pub(crate) fn item_path(&self, base: &str, index: usize) -> String {
        match self {
            OneOrMany::One(_) => base.to_owned(),
            OneOrMany::Many(_) => format!("{base}[{index}]"),
        }
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(items: Vec<T>) -> Self {
        OneOrMany::Many(items)
    }
}

/// A statement's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

impl Effect {
    /// `"Allow"` or `"Deny"`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An element that a statement can give positively or negated: `Action` / `NotAction`,
/// `Resource` / `NotResource`, `Principal` / `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Negatable<T> {
    /// `Action`, `Resource`, `Principal`: the statement applies to these.
    Is(T),
    /// `NotAction`, `NotResource`, `NotPrincipal`: the statement applies to everything else.
    Not(T),
}

impl<T> Negatable<T> {
    /// The value, whichever form.
    pub fn value(&self) -> &T {
        match self {
            Negatable::Is(v) | Negatable::Not(v) => v,
        }
    }

    /// Whether this is the `Not...` form.
    pub fn is_not(&self) -> bool {
        matches!(self, Negatable::Not(_))
    }
}

/// A `Principal` / `NotPrincipal` value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Principal {
    /// `"*"`: everyone.
    Any,
    /// An object of principal kinds (`AWS`, `Service`, `Federated`, `CanonicalUser`) to
    /// identifiers, in document order.
    Kinds(Vec<(String, OneOrMany<String>)>),
}

/// One value in a condition: IAM accepts strings, booleans and numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionValue {
    /// A string.
    String(String),
    /// A JSON boolean (`true`).
    Bool(bool),
    /// A JSON number, as written.
    Number(String),
}

impl ConditionValue {
    /// The value as IAM compares it: booleans and numbers as their text.
    pub fn text(&self) -> &str {
        match self {
            ConditionValue::String(s) | ConditionValue::Number(s) => s,
            ConditionValue::Bool(true) => "true",
            ConditionValue::Bool(false) => "false",
        }
    }
}

impl From<&str> for ConditionValue {
    fn from(s: &str) -> Self {
        ConditionValue::String(s.to_owned())
    }
}

impl From<String> for ConditionValue {
    fn from(s: String) -> Self {
        ConditionValue::String(s)
    }
}

impl From<&String> for ConditionValue {
    fn from(s: &String) -> Self {
        ConditionValue::String(s.clone())
    }
}

impl From<bool> for ConditionValue {
    fn from(b: bool) -> Self {
        ConditionValue::Bool(b)
    }
}

impl From<i64> for ConditionValue {
    fn from(n: i64) -> Self {
        ConditionValue::Number(n.to_string())
    }
}

impl From<u32> for ConditionValue {
    fn from(n: u32) -> Self {
        ConditionValue::Number(n.to_string())
    }
}

/// One `key: value(s)` entry under a condition operator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConditionEntry {
    /// The condition key as written (`sts:ExternalId`, `aws:RequestTag/team`).
    pub key: String,
    /// The values.
    pub values: OneOrMany<ConditionValue>,
}

/// The block of one condition operator (`"StringEquals": {...}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConditionBlock {
    /// The operator as written (`ForAnyValue:StringLikeIfExists`).
    pub operator: String,
    /// Its keys, in document order.
    pub entries: Vec<ConditionEntry>,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Statement {
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal` (resource-based and trust policies only).
    pub principal: Option<Negatable<Principal>>,
    /// `Action` / `NotAction`.
    pub action: Negatable<OneOrMany<String>>,
    /// `Resource` / `NotResource` (absent in trust policies).
    pub resource: Option<Negatable<OneOrMany<String>>>,
    /// `Condition`: operator blocks in document order (empty: no `Condition`).
    pub condition: Vec<ConditionBlock>,
}

impl Statement {
    /// A builder for an `Allow` statement.
    pub fn allow() -> StatementBuilder {
        StatementBuilder::new(Effect::Allow)
    }

    /// A builder for a `Deny` statement.
    pub fn deny() -> StatementBuilder {
        StatementBuilder::new(Effect::Deny)
    }

    /// The values of `key` under `operator`, if the statement has them.
    pub fn condition_values(
        &self,
        operator: &str,
        key: &str,
    ) -> Option<&OneOrMany<ConditionValue>> {
        self.condition
            .iter()
            .filter(|b| b.operator == operator)
            .flat_map(|b| b.entries.iter())
            .find(|e| e.key.eq_ignore_ascii_case(key))
            .map(|e| &e.values)
    }

    fn write(&self, w: &mut JsonWriter) {
        w.begin_object();
        if let Some(sid) = &self.sid {
            w.key("Sid");
            w.string(sid);
        }
        w.key("Effect");
        w.string(self.effect.as_str());
        if let Some(principal) = &self.principal {
            w.key(if principal.is_not() {
                "NotPrincipal"
            } else {
                "Principal"
            });
            match principal.value() {
                Principal::Any => w.string("*"),
                Principal::Kinds(kinds) => {
                    w.begin_object();
                    for (kind, ids) in kinds {
                        w.key(kind);
                        write_strings(w, ids);
                    }
                    w.end_object();
                }
            }
        }
        w.key(if self.action.is_not() {
            "NotAction"
        } else {
            "Action"
        });
        write_strings(w, self.action.value());
        if let Some(resource) = &self.resource {
            w.key(if resource.is_not() {
                "NotResource"
            } else {
                "Resource"
            });
            write_strings(w, resource.value());
        }
        if !self.condition.is_empty() {
            w.key("Condition");
            w.begin_object();
            for block in &self.condition {
                w.key(&block.operator);
                w.begin_object();
                for entry in &block.entries {
                    w.key(&entry.key);
                    match &entry.values {
                        OneOrMany::One(v) => write_value(w, v),
                        OneOrMany::Many(vs) => {
                            w.begin_array();
                            for v in vs {
                                write_value(w, v);
                            }
                            w.end_array();
                        }
                    }
                }
                w.end_object();
            }
            w.end_object();
        }
        w.end_object();
    }
}

fn write_strings(w: &mut JsonWriter, items: &OneOrMany<String>) {
    match items {
        OneOrMany::One(s) => w.string(s),
        OneOrMany::Many(items) => {
            w.begin_array();
            for s in items {
                w.string(s);
            }
            w.end_array();
        }
    }
}

fn write_value(w: &mut JsonWriter, value: &ConditionValue) {
    match value {
        ConditionValue::String(s) => w.string(s),
        ConditionValue::Bool(b) => w.boolean(*b),
        ConditionValue::Number(n) => w.raw_number(n),
    }
}

/// An IAM policy document.
///
/// `Display` and [`to_json`](Self::to_json) write the minified JSON AWS accepts (members in
/// the order `Version`, `Id`, `Statement`; in a statement `Sid`, `Effect`, `Principal`,
/// `Action`, `Resource`, `Condition`); `FromStr` / [`parse`](Self::parse) read it back,
/// keeping the single-value-or-list form of each element. `String::from(&doc)` gives the
/// text, so a document can be passed wherever a request takes a policy string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct PolicyDocument {
    /// `Version` (`2012-10-17`), if present.
    pub version: Option<String>,
    /// `Id`, if present.
    pub id: Option<String>,
    /// `Statement`: one statement or a list.
    pub statement: OneOrMany<Statement>,
}

impl PolicyDocument {
    /// A builder; the version defaults to [`VERSION_2012_10_17`].
    pub fn builder() -> PolicyDocumentBuilder {
        PolicyDocumentBuilder {
            version: Some(VERSION_2012_10_17.to_owned()),
            id: None,
            statements: Vec::new(),
        }
    }

    /// The statements, in order.
    pub fn statements(&self) -> &[Statement] {
        self.statement.as_slice()
    }

    /// The document as minified JSON.
    pub fn to_json(&self) -> String {
        let mut w = JsonWriter::compact();
        w.begin_object();
        if let Some(version) = &self.version {
            w.key("Version");
            w.string(version);
        }
        if let Some(id) = &self.id {
            w.key("Id");
            w.string(id);
        }
        w.key("Statement");
        match &self.statement {
            OneOrMany::One(s) => s.write(&mut w),
            OneOrMany::Many(statements) => {
                w.begin_array();
                for s in statements {
                    s.write(&mut w);
                }
                w.end_array();
            }
        }
        w.end_object();
        w.finish()
    }
}

impl fmt::Display for PolicyDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<&PolicyDocument> for String {
    fn from(doc: &PolicyDocument) -> String {
        doc.to_json()
    }
}

impl From<PolicyDocument> for String {
    fn from(doc: PolicyDocument) -> String {
        doc.to_json()
    }
}

/// Builds a [`PolicyDocument`].
#[derive(Debug, Clone)]
pub struct PolicyDocumentBuilder {
    version: Option<String>,
    id: Option<String>,
    statements: Vec<Statement>,
}

impl PolicyDocumentBuilder {
    /// Sets `Version`.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Sets `Id`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Adds a statement.
    pub fn statement(mut self, statement: Statement) -> Self {
        self.statements.push(statement);
        self
    }

    /// The document (`Statement` is always written as a list).
    pub fn build(self) -> PolicyDocument {
        PolicyDocument {
            version: self.version,
            id: self.id,
            statement: OneOrMany::Many(self.statements),
        }
    }
}

/// Why a [`StatementBuilder`] could not build its statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatementBuildError {
    /// Neither `Action` nor `NotAction` was given.
    MissingAction,
    /// Both `Action` and `NotAction` (or `Resource` and `NotResource`, `Principal` and
    /// `NotPrincipal`) were given: the element named.
    Conflicting(&'static str),
    /// A condition operator given as text is not an IAM operator.
    UnknownOperator(String),
    /// A condition was given without values.
    EmptyCondition {
        /// The operator.
        operator: String,
        /// The key.
        key: String,
    },
}

impl fmt::Display for StatementBuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatementBuildError::MissingAction => f.write_str("a statement needs `Action` or `NotAction`"),
            StatementBuildError::Conflicting(what) => write!(f, "a statement cannot have both `{what}` and `Not{what}`"),
            StatementBuildError::UnknownOperator(op) => write!(
                f,
                "`{op}` is not an IAM condition operator (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn*, Null, with optional `ForAnyValue:`/`ForAllValues:` and `IfExists`)"
            ),
            StatementBuildError::EmptyCondition { operator, key } => {
                write!(f, "condition `{operator}` on `{key}` has no values")
            }
        }
    }
}

impl std::error::Error for StatementBuildError {}

/// Builds a [`Statement`]: actions and resources as strings (a generated `Action` and ARN
/// builders convert into them), conditions with typed keys and operators.
#[derive(Debug, Clone)]
pub struct StatementBuilder {
    sid: Option<String>,
    effect: Effect,
    principal: Option<Negatable<Principal>>,
    actions: Vec<String>,
    not_actions: Vec<String>,
    resources: Vec<String>,
    not_resources: Vec<String>,
    condition: Vec<ConditionBlock>,
    error: Option<StatementBuildError>,
}

impl StatementBuilder {
    fn new(effect: Effect) -> Self {
        StatementBuilder {
            sid: None,
            effect,
            principal: None,
            actions: Vec::new(),
            not_actions: Vec::new(),
            resources: Vec::new(),
            not_resources: Vec::new(),
            condition: Vec::new(),
            error: None,
        }
    }

    /// Sets `Sid`.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Adds an action: a generated `Action`, or any `"service:Action"` string (wildcards allowed).
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.actions.push(action.into());
        self
    }

    /// Adds several actions.
    pub fn actions<A: Into<String>>(mut self, actions: impl IntoIterator<Item = A>) -> Self {
        self.actions.extend(actions.into_iter().map(Into::into));
        self
    }

    /// Adds a `NotAction` entry.
    pub fn not_action(mut self, action: impl Into<String>) -> Self {
        self.not_actions.push(action.into());
        self
    }

    /// Adds a resource: an ARN from a generated ARN builder, any ARN string, or `"*"`.
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resources.push(resource.into());
        self
    }

    /// Adds a `NotResource` entry.
    pub fn not_resource(mut self, resource: impl Into<String>) -> Self {
        self.not_resources.push(resource.into());
        self
    }

    /// Adds a principal of `kind` (`"AWS"`, `"Service"`, `"Federated"`, `"CanonicalUser"`).
    pub fn principal(mut self, kind: impl Into<String>, id: impl Into<String>) -> Self {
        self.add_principal(kind.into(), id.into(), false);
        self
    }

    /// Adds a `NotPrincipal` entry of `kind`.
    pub fn not_principal(mut self, kind: impl Into<String>, id: impl Into<String>) -> Self {
        self.add_principal(kind.into(), id.into(), true);
        self
    }

    /// Sets `"Principal": "*"`.
    pub fn any_principal(mut self) -> Self {
        self.principal = Some(Negatable::Is(Principal::Any));
        self
    }

    fn add_principal(&mut self, kind: String, id: String, not: bool) {
        let mut kinds = match self.principal.take() {
            Some(Negatable::Is(Principal::Kinds(k))) if !not => k,
            Some(Negatable::Not(Principal::Kinds(k))) if not => k,
            Some(_) => {
                self.error = Some(StatementBuildError::Conflicting("Principal"));
                Vec::new()
            }
            None => Vec::new(),
        };
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, ids)) => ids.push(id),
            None => kinds.push((kind, OneOrMany::One(id))),
        }
        let p = Principal::Kinds(kinds);
        self.principal = Some(if not {
            Negatable::Not(p)
        } else {
            Negatable::Is(p)
        });
    }

    /// Adds a condition with a typed key: the operator must fit the key's type (checked by
    /// the compiler: `StringOp` for string keys, `NumericOp` for numeric keys, ...,
    /// `ForAnyValue`/`ForAllValues` around one of those for multivalued keys, [`Null`](super::Null) for any key).
    pub fn condition<T: KeyType, O: ConditionOperator<T>, V: Into<ConditionValue>>(
        self,
        operator: O,
        key: &TypedKey<T>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let name = operator.operator_name();
        self.push_condition(name, key.name().to_owned(), values)
    }

    /// Adds a condition with the operator and key as text, for keys the crate has no typed
    /// constant for (other services' and global keys). An operator that is not an IAM
    /// operator is an error from [`build`](Self::build); whether it fits the key's type is
    /// checked by the linter.
    pub fn condition_raw<V: Into<ConditionValue>>(
        mut self,
        operator: &str,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        if parse_operator(operator).is_none() {
            self.error
                .get_or_insert(StatementBuildError::UnknownOperator(operator.to_owned()));
        }
        self.push_condition(operator.to_owned(), key.into(), values)
    }

    fn push_condition<V: Into<ConditionValue>>(
        mut self,
        operator: String,
        key: String,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let mut values: Vec<ConditionValue> = values.into_iter().map(Into::into).collect();
        if values.is_empty() {
            self.error
                .get_or_insert(StatementBuildError::EmptyCondition {
                    operator: operator.clone(),
                    key: key.clone(),
                });
        }
        let values = if values.len() == 1 {
            OneOrMany::One(values.remove(0))
        } else {
            OneOrMany::Many(values)
        };
        let entry = ConditionEntry { key, values };
        match self.condition.iter_mut().find(|b| b.operator == operator) {
            Some(block) => block.entries.push(entry),
            None => self.condition.push(ConditionBlock {
                operator,
                entries: vec![entry],
            }),
        }
        self
    }

    /// The statement. One action or resource is written as a single value, several as a list.
    pub fn build(self) -> Result<Statement, StatementBuildError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let action = match (self.actions.is_empty(), self.not_actions.is_empty()) {
            (false, false) => return Err(StatementBuildError::Conflicting("Action")),
            (true, true) => return Err(StatementBuildError::MissingAction),
            (false, true) => Negatable::Is(one_or_many(self.actions)),
            (true, false) => Negatable::Not(one_or_many(self.not_actions)),
        };
        let resource = match (self.resources.is_empty(), self.not_resources.is_empty()) {
            (false, false) => return Err(StatementBuildError::Conflicting("Resource")),
            (true, true) => None,
            (false, true) => Some(Negatable::Is(one_or_many(self.resources))),
            (true, false) => Some(Negatable::Not(one_or_many(self.not_resources))),
        };
        Ok(Statement {
            sid: self.sid,
            effect: self.effect,
            principal: self.principal,
            action,
            resource,
            condition: self.condition,
        })
    }
}

fn one_or_many(mut items: Vec<String>) -> OneOrMany<String> {
    if items.len() == 1 {
        OneOrMany::One(items.remove(0))
    } else {
        OneOrMany::Many(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::typed::{
        ArrayOf, BoolEquals, BoolType, ForAllValues, IfExists, Null, NumericOp, NumericType,
        StringOp, StringType,
    };

    const EXTERNAL_ID: TypedKey<StringType> = TypedKey::new("sts:ExternalId");
    const TAG_KEYS: TypedKey<ArrayOf<StringType>> = TypedKey::new("aws:TagKeys");
    const DURATION: TypedKey<NumericType> = TypedKey::new("sts:DurationSeconds");
    const SECURE: TypedKey<BoolType> = TypedKey::new("aws:SecureTransport");

    #[test]
    fn builds_and_round_trips() {
        let doc = PolicyDocument::builder()
            .id("example")
            .statement(
                Statement::allow()
                    .sid("Assume")
                    .actions(["sts:AssumeRole", "sts:TagSession"])
                    .resource("arn:aws:iam::123456789012:role/*")
                    .condition(StringOp::Equals, &EXTERNAL_ID, ["a", "b"])
                    .condition(ForAllValues(StringOp::Like), &TAG_KEYS, ["team", "env"])
                    .condition(IfExists(NumericOp::LessThanEquals), &DURATION, [3600i64])
                    .condition(BoolEquals, &SECURE, [true])
                    .condition(Null, &EXTERNAL_ID, [false])
                    .build()
                    .unwrap(),
            )
            .statement(
                Statement::deny()
                    .not_action("sts:GetCallerIdentity")
                    .resource("*")
                    .build()
                    .unwrap(),
            )
            .build();
        let json = doc.to_json();
        assert_eq!(
            json,
            concat!(
                r#"{"Version":"2012-10-17","Id":"example","Statement":[{"Sid":"Assume","Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"#,
                r#""Resource":"arn:aws:iam::123456789012:role/*","Condition":{"StringEquals":{"sts:ExternalId":["a","b"]},"#,
                r#""ForAllValues:StringLike":{"aws:TagKeys":["team","env"]},"NumericLessThanEqualsIfExists":{"sts:DurationSeconds":3600},"#,
                r#""Bool":{"aws:SecureTransport":true},"Null":{"sts:ExternalId":false}}},"#,
                r#"{"Effect":"Deny","NotAction":"sts:GetCallerIdentity","Resource":"*"}]}"#
            )
        );
        let back: PolicyDocument = json.parse().unwrap();
        assert_eq!(back, doc);
        assert_eq!(String::from(&back), json);
        assert_eq!(
            back.statements()[0]
                .condition_values("StringEquals", "STS:externalid")
                .map(|v| v.len()),
            Some(2)
        );
    }

    #[test]
    fn builder_errors() {
        assert_eq!(
            Statement::allow().build().unwrap_err(),
            StatementBuildError::MissingAction
        );
        let e = Statement::allow()
            .action("a:b")
            .not_action("a:c")
            .build()
            .unwrap_err();
        assert_eq!(e, StatementBuildError::Conflicting("Action"));
        let e = Statement::allow()
            .action("a:b")
            .condition_raw("StringEqual", "k", ["v"])
            .build()
            .unwrap_err();
        assert_eq!(
            e,
            StatementBuildError::UnknownOperator("StringEqual".into())
        );
        assert!(e
            .to_string()
            .contains("`StringEqual` is not an IAM condition operator"));
        let ok = Statement::allow().action("s3:GetObject").condition_raw(
            "ForAnyValue:StringLikeIfExists",
            "s3:prefix",
            ["a/*"],
        );
        assert!(ok.build().is_ok());
        let e = Statement::allow()
            .action("a:b")
            .condition(StringOp::Equals, &EXTERNAL_ID, Vec::<String>::new())
            .build();
        assert!(matches!(e, Err(StatementBuildError::EmptyCondition { .. })));
    }

    #[test]
    fn principals() {
        let s = Statement::allow()
            .principal("AWS", "arn:aws:iam::111122223333:root")
            .principal("AWS", "arn:aws:iam::444455556666:root")
            .principal("Service", "ec2.amazonaws.com")
            .action("sts:AssumeRole")
            .build()
            .unwrap();
        let doc = PolicyDocument::builder().statement(s).build();
        assert_eq!(
            doc.to_json(),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:root"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        );
        let e = Statement::allow()
            .any_principal()
            .not_principal("AWS", "x")
            .action("a:b")
            .build()
            .unwrap_err();
        assert_eq!(e, StatementBuildError::Conflicting("Principal"));
    }
}
