//! The endpoint rule set, lowered and type-checked: parameters with Rust names, rules whose
//! expressions are typed function calls (no JSON, no function names as strings), template
//! strings split into literal and interpolated parts, the partition table, and the test cases.
//!
//! Lowering rejects what the emitter could not compile: unknown functions, wrong arity or
//! argument types, references to names not in scope, unknown `getAttr` attributes, invalid
//! region regexes. Every error names its place in the rule set (`rules[2].rules[0].conditions[1]`).

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Context, Result};

use crate::docs::html_to_markdown;
use crate::model::endpoints as m;
use crate::naming;

/// The lowered endpoint rule set of a service.
#[derive(Debug, Clone)]
pub struct EndpointModel {
    /// Parameters, in name order.
    pub params: Vec<Param>,
    /// The rules, in evaluation order.
    pub rules: Vec<Rule>,
    /// The partition table (empty when no rule calls `aws.partition`).
    pub partitions: Vec<Partition>,
    /// Test cases from the service's endpoint test suite, when one was given.
    pub tests: Vec<TestCase>,
}

/// A rule-set parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The rule set's name (`UseFIPS`).
    pub wire_name: String,
    /// The Rust field and builder method name (`use_fips`).
    pub rust_name: String,
    /// Its type.
    pub ty: ParamType,
    /// Required by the rule set.
    pub required: bool,
    /// The default value.
    pub default: Option<Value>,
    /// Markdown docs.
    pub docs: String,
    /// The SDK setting it is bound to (`AWS::Region`).
    pub built_in: Option<BuiltIn>,
    /// Deprecation note.
    pub deprecated: Option<String>,
}

impl Param {
    /// Whether the parameter always has a value once built (a default, or required): its Rust
    /// field is then not an `Option`.
    pub fn always_set(&self) -> bool {
        self.default.is_some() || self.required
    }

    /// The parameter's type as an expression type.
    pub fn expr_type(&self) -> Type {
        let ty = match self.ty {
            ParamType::String => Ty::String,
            ParamType::Boolean => Ty::Bool,
            ParamType::StringArray => Ty::StringList,
        };
        Type {
            ty,
            optional: !self.always_set(),
        }
    }
}

/// A parameter's `builtIn`: the SDK setting whose value it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltIn {
    /// The name in the rule set (`AWS::Region`, `AWS::STS::UseGlobalEndpoint`).
    pub wire_name: String,
    /// The client setting that provides the value.
    pub setting: Setting,
}

/// A client setting an endpoint parameter can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// `AWS::Region`: the configured region.
    Region,
    /// `SDK::Endpoint`: the configured endpoint URL.
    EndpointUrl,
    /// `AWS::UseFIPS`.
    UseFips,
    /// `AWS::UseDualStack`.
    UseDualStack,
    /// `AWS::<Service>::UseGlobalEndpoint`: the legacy global endpoint is selected.
    UseGlobalEndpoint,
    /// A built-in the client has no setting for: the parameter is left to the caller.
    Unbound,
}

impl BuiltIn {
    fn lower(wire_name: &str) -> BuiltIn {
        let setting = match wire_name {
            "AWS::Region" => Setting::Region,
            "SDK::Endpoint" => Setting::EndpointUrl,
            "AWS::UseFIPS" => Setting::UseFips,
            "AWS::UseDualStack" => Setting::UseDualStack,
            other
                if other
                    .strip_prefix("AWS::")
                    .and_then(|s| s.strip_suffix("::UseGlobalEndpoint"))
                    .is_some() =>
            {
                Setting::UseGlobalEndpoint
            }
            _ => Setting::Unbound,
        };
        BuiltIn {
            wire_name: wire_name.to_owned(),
            setting,
        }
    }
}

/// A parameter type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A string.
    String,
    /// A boolean.
    Boolean,
    /// A list of strings (`stringArray`; read with `getAttr(Param, "[0]")`, never bound to a
    /// client setting, so the caller sets it on `Params`).
    StringArray,
}

/// A literal parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// A string.
    String(String),
}

/// The base type of an expression value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A string.
    String,
    /// A boolean.
    Bool,
    /// An integer (only as a literal argument).
    Int,
    /// What `aws.partition` returns.
    Partition,
    /// What `parseURL` returns.
    Url,
    /// What `aws.parseArn` returns.
    Arn,
    /// A list of strings (`resourceId`).
    StringList,
}

/// An expression's type: a base type and whether the value may be absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Type {
    /// The base type.
    pub ty: Ty,
    /// Whether the value may be absent (an unset parameter, a failed parse, an index past the end).
    pub optional: bool,
}

impl Type {
    fn required(ty: Ty) -> Self {
        Type {
            ty,
            optional: false,
        }
    }

    fn optional(ty: Ty) -> Self {
        Type { ty, optional: true }
    }
}

/// A name in scope: a parameter or a condition's `assign`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    /// The rule set's name (`PartitionResult`).
    pub name: String,
    /// The Rust name (`partition_result`).
    pub rust_name: String,
    /// Where the value comes from.
    pub source: VarSource,
    /// Its type.
    pub ty: Type,
}

/// Where a name's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarSource {
    /// The parameter with this index in [`EndpointModel::params`].
    Param(usize),
    /// A condition's `assign`.
    Assigned,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A template string.
    Template(Template),
    /// A parameter or bound name.
    Ref(Var),
    /// A function call.
    Call(Box<Call>),
}

/// A function call of the rules language's standard library.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// `isSet(value)`.
    IsSet(Expr),
    /// `not(value)`.
    Not(Expr),
    /// `booleanEquals(a, b)`.
    BooleanEquals(Expr, Expr),
    /// `stringEquals(a, b)`.
    StringEquals(Expr, Expr),
    /// `aws.partition(region)`.
    Partition(Expr),
    /// `parseURL(url)`.
    ParseUrl(Expr),
    /// `substring(value, start, stop, reverse)`.
    Substring {
        /// The string.
        value: Expr,
        /// First index.
        start: usize,
        /// One past the last index.
        stop: usize,
        /// Count from the end.
        reverse: bool,
    },
    /// `uriEncode(value)`.
    UriEncode(Expr),
    /// `isValidHostLabel(value, allowSubDomains)`.
    IsValidHostLabel(Expr, Expr),
    /// `aws.parseArn(value)`.
    ParseArn(Expr),
    /// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`.
    IsVirtualHostableS3Bucket(Expr, Expr),
    /// `getAttr(target, "path")`.
    GetAttr {
        /// The value to read from.
        target: Expr,
        /// The path, parsed.
        path: Vec<Step>,
        /// The result type.
        ty: Type,
    },
}

/// One step of a `getAttr` path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A named attribute.
    Field(Field),
    /// A list index.
    Index(usize),
}

/// The attributes `getAttr` can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Partition `name`.
    PartitionName,
    /// Partition `dnsSuffix`.
    DnsSuffix,
    /// Partition `dualStackDnsSuffix`.
    DualStackDnsSuffix,
    /// Partition `supportsFIPS`.
    SupportsFips,
    /// Partition `supportsDualStack`.
    SupportsDualStack,
    /// Partition `implicitGlobalRegion`.
    ImplicitGlobalRegion,
    /// URL `scheme`.
    Scheme,
    /// URL `authority`.
    Authority,
    /// URL `path`.
    Path,
    /// URL `normalizedPath`.
    NormalizedPath,
    /// URL `isIp`.
    IsIp,
    /// ARN `partition`.
    ArnPartition,
    /// ARN `service`.
    ArnService,
    /// ARN `region`.
    ArnRegion,
    /// ARN `accountId`.
    ArnAccountId,
    /// ARN `resourceId`.
    ArnResourceId,
}

impl Field {
    fn lookup(on: Ty, name: &str) -> Option<Field> {
        Some(match (on, name) {
            (Ty::Partition, "name") => Field::PartitionName,
            (Ty::Partition, "dnsSuffix") => Field::DnsSuffix,
            (Ty::Partition, "dualStackDnsSuffix") => Field::DualStackDnsSuffix,
            (Ty::Partition, "supportsFIPS") => Field::SupportsFips,
            (Ty::Partition, "supportsDualStack") => Field::SupportsDualStack,
            (Ty::Partition, "implicitGlobalRegion") => Field::ImplicitGlobalRegion,
            (Ty::Url, "scheme") => Field::Scheme,
            (Ty::Url, "authority") => Field::Authority,
            (Ty::Url, "path") => Field::Path,
            (Ty::Url, "normalizedPath") => Field::NormalizedPath,
            (Ty::Url, "isIp") => Field::IsIp,
            (Ty::Arn, "partition") => Field::ArnPartition,
            (Ty::Arn, "service") => Field::ArnService,
            (Ty::Arn, "region") => Field::ArnRegion,
            (Ty::Arn, "accountId") => Field::ArnAccountId,
            (Ty::Arn, "resourceId") => Field::ArnResourceId,
            _ => return None,
        })
    }

    /// The attribute's type.
    pub fn ty(self) -> Ty {
        match self {
            Field::SupportsFips | Field::SupportsDualStack | Field::IsIp => Ty::Bool,
            Field::ArnResourceId => Ty::StringList,
            _ => Ty::String,
        }
    }
}

/// A template string: literal text and interpolated values (`{Region}`, `{PartitionResult#dnsSuffix}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The parts, in order; adjacent literals are merged.
    pub parts: Vec<TemplatePart>,
}

impl Template {
    /// The text, when the template interpolates nothing.
    pub fn as_literal(&self) -> Option<String> {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Literal(s) => text.push_str(s),
                TemplatePart::Expr(_) => return None,
            }
        }
        Some(text)
    }
}

/// One part of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text (escapes `{{`/`}}` already resolved).
    Literal(String),
    /// A string-valued reference or `getAttr`.
    Expr(Expr),
}

/// A rule condition: a call, its result optionally bound to a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The call.
    pub call: Call,
    /// The name bound to the (present) result.
    pub assign: Option<Var>,
}

/// A rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Conditions, all of which must hold.
    pub conditions: Vec<Condition>,
    /// What the rule does when they hold.
    pub kind: RuleKind,
}

/// What a rule does when its conditions hold.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// Resolve to this endpoint.
    Endpoint(EndpointTemplate),
    /// Fail with this (string) message.
    Error(Expr),
    /// Try these rules in order; when none applies, resolution goes on after the tree.
    Tree(Vec<Rule>),
}

/// An endpoint rule's endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointTemplate {
    /// The URL (string-valued).
    pub url: Expr,
    /// Properties, in name order.
    pub properties: Vec<(String, Property)>,
    /// Headers, in name order, with their (string-valued) values.
    pub headers: Vec<(String, Vec<Expr>)>,
}

/// A property value whose strings are templates.
#[derive(Debug, Clone, PartialEq)]
pub enum Property {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A template string.
    String(Template),
    /// A list.
    Array(Vec<Property>),
    /// An object, in key order.
    Object(Vec<(String, Property)>),
}

/// A partition of the compiled partition table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// Its id (`aws`).
    pub id: String,
    /// Its anchored region regex (checked to compile with `regex-lite`).
    pub region_regex: String,
    /// Known regions, sorted.
    pub regions: Vec<String>,
    /// `name` output.
    pub name: String,
    /// `dnsSuffix` output.
    pub dns_suffix: String,
    /// `dualStackDnsSuffix` output.
    pub dual_stack_dns_suffix: String,
    /// `supportsFIPS` output.
    pub supports_fips: bool,
    /// `supportsDualStack` output.
    pub supports_dual_stack: bool,
    /// `implicitGlobalRegion` output.
    pub implicit_global_region: String,
}

/// One endpoint test case.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    /// The generated test function's name (`case_07_for_region_ap_east_1_...`).
    pub fn_name: String,
    /// What the case checks.
    pub docs: String,
    /// Parameter values: index into [`EndpointModel::params`] and value.
    pub params: Vec<(usize, Value)>,
    /// The expected outcome.
    pub expect: Expected,
}

/// A test case's expected outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// This endpoint.
    Endpoint {
        /// URL.
        url: String,
        /// Properties, in key order (no templates).
        properties: Vec<(String, Property)>,
        /// Headers, in name order.
        headers: Vec<(String, Vec<String>)>,
    },
    /// An error with exactly this message.
    Error(String),
}

impl Expr {
    /// The expression's type.
    pub fn ty(&self) -> Type {
        match self {
            Expr::Bool(_) => Type::required(Ty::Bool),
            Expr::Int(_) => Type::required(Ty::Int),
            Expr::Template(_) => Type::required(Ty::String),
            Expr::Ref(var) => var.ty,
            Expr::Call(call) => call.ty(),
        }
    }

    /// Whether the expression reads the name `name`.
    pub fn mentions(&self, name: &str) -> bool {
        match self {
            Expr::Bool(_) | Expr::Int(_) => false,
            Expr::Template(t) => t.mentions(name),
            Expr::Ref(var) => var.name == name,
            Expr::Call(call) => call.mentions(name),
        }
    }
}

impl Template {
    /// Whether the template interpolates the name `name`.
    pub fn mentions(&self, name: &str) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, TemplatePart::Expr(e) if e.mentions(name)))
    }
}

impl Call {
    /// The call's result type.
    pub fn ty(&self) -> Type {
        match self {
            Call::IsSet(_)
            | Call::Not(_)
            | Call::BooleanEquals(..)
            | Call::StringEquals(..)
            | Call::IsValidHostLabel(..)
            | Call::IsVirtualHostableS3Bucket(..) => Type::required(Ty::Bool),
            Call::Partition(_) => Type::optional(Ty::Partition),
            Call::ParseUrl(_) => Type::optional(Ty::Url),
            Call::ParseArn(_) => Type::optional(Ty::Arn),
            Call::Substring { .. } => Type::optional(Ty::String),
            Call::UriEncode(_) => Type::required(Ty::String),
            Call::GetAttr { ty, .. } => *ty,
        }
    }

    /// The call's arguments that are expressions.
    pub fn args(&self) -> Vec<&Expr> {
        match self {
            Call::IsSet(e)
            | Call::Not(e)
            | Call::Partition(e)
            | Call::ParseUrl(e)
            | Call::UriEncode(e)
            | Call::ParseArn(e)
            | Call::Substring { value: e, .. }
            | Call::GetAttr { target: e, .. } => vec![e],
            Call::BooleanEquals(a, b)
            | Call::StringEquals(a, b)
            | Call::IsValidHostLabel(a, b)
            | Call::IsVirtualHostableS3Bucket(a, b) => vec![a, b],
        }
    }

    /// Whether the call reads the name `name`.
    pub fn mentions(&self, name: &str) -> bool {
        self.args().iter().any(|e| e.mentions(name))
    }
}

impl Property {
    /// Whether the property interpolates the name `name`.
    pub fn mentions(&self, name: &str) -> bool {
        match self {
            Property::Bool(_) | Property::Int(_) => false,
            Property::String(t) => t.mentions(name),
            Property::Array(items) => items.iter().any(|p| p.mentions(name)),
            Property::Object(fields) => fields.iter().any(|(_, p)| p.mentions(name)),
        }
    }
}

impl RuleKind {
    /// Whether the rule's body (not its conditions) reads the name `name`.
    pub fn mentions(&self, name: &str) -> bool {
        match self {
            RuleKind::Endpoint(e) => {
                e.url.mentions(name)
                    || e.properties.iter().any(|(_, p)| p.mentions(name))
                    || e.headers
                        .iter()
                        .any(|(_, vs)| vs.iter().any(|v| v.mentions(name)))
            }
            RuleKind::Error(e) => e.mentions(name),
            RuleKind::Tree(rules) => rules.iter().any(|r| r.mentions(name)),
        }
    }
}

impl Rule {
    /// Whether the rule (conditions or body) reads the name `name`.
    pub fn mentions(&self, name: &str) -> bool {
        self.conditions.iter().any(|c| c.call.mentions(name)) || self.kind.mentions(name)
    }

    /// Whether any rule here calls `aws.partition`.
    fn calls_partition(rules: &[Rule]) -> bool {
        rules.iter().any(|r| {
            r.conditions.iter().any(|c| c.call.calls_partition())
                || matches!(&r.kind, RuleKind::Tree(sub) if Rule::calls_partition(sub))
        })
    }
}

impl Call {
    fn calls_partition(&self) -> bool {
        matches!(self, Call::Partition(_))
            || self
                .args()
                .iter()
                .any(|e| matches!(e, Expr::Call(c) if c.calls_partition()))
    }
}

/// Lowers a parsed rule set, the partition data and an optional test suite.
pub fn lower(
    rule_set: &m::RuleSet,
    partitions: Option<&m::Partitions>,
    tests: Option<&m::EndpointTests>,
) -> Result<EndpointModel> {
    let mut params = Vec::new();
    for (name, p) in &rule_set.parameters {
        params.push(lower_param(name, p).with_context(|| format!("parameters.{name}"))?);
    }
    let mut taken = BTreeMap::new();
    for p in &params {
        if let Some(other) = taken.insert(p.rust_name.clone(), p.wire_name.clone()) {
            bail!(
                "parameters `{other}` and `{}` both map to the Rust name `{}`",
                p.wire_name,
                p.rust_name
            );
        }
    }
    let scope: BTreeMap<String, Var> = params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let var = Var {
                name: p.wire_name.clone(),
                rust_name: p.rust_name.clone(),
                source: VarSource::Param(i),
                ty: p.expr_type(),
            };
            (p.wire_name.clone(), var)
        })
        .collect();
    let rules = lower_rules(&rule_set.rules, &scope, "rules")?;

    let partitions = if Rule::calls_partition(&rules) {
        let data = partitions.ok_or_else(|| {
            anyhow!("the rule set calls `aws.partition` but no partitions.json was given")
        })?;
        data.partitions
            .iter()
            .map(lower_partition)
            .collect::<Result<Vec<_>>>()?
    } else {
        Vec::new()
    };

    let tests = match tests {
        Some(t) => lower_tests(t, &params).context("endpoint tests")?,
        None => Vec::new(),
    };
    Ok(EndpointModel {
        params,
        rules,
        partitions,
        tests,
    })
}

fn lower_param(name: &str, p: &m::Parameter) -> Result<Param> {
    let ty = match p.ty {
        m::ParameterType::String => ParamType::String,
        m::ParameterType::Boolean => ParamType::Boolean,
        m::ParameterType::StringArray => ParamType::StringArray,
    };
    if ty == ParamType::StringArray && p.default.is_some() {
        bail!("default: defaults of `stringArray` parameters are not supported");
    }
    let default = p
        .default
        .as_ref()
        .map(|d| literal_value(d, ty))
        .transpose()
        .context("default")?;
    let deprecated = p.deprecated.as_ref().map(|d| {
        let mut note = d
            .message
            .clone()
            .unwrap_or_else(|| "Deprecated.".to_owned());
        if let Some(since) = &d.since {
            note.push_str(&format!(" (since {since})"));
        }
        note
    });
    let fallback = format!("The `{name}` endpoint parameter.");
    let docs = html_to_markdown(p.documentation.as_deref().unwrap_or(""));
    Ok(Param {
        wire_name: name.to_owned(),
        rust_name: naming::field_name(name),
        ty,
        required: p.required.unwrap_or(false),
        default,
        docs: if docs.trim().is_empty() {
            fallback
        } else {
            docs
        },
        built_in: p.built_in.as_deref().map(BuiltIn::lower),
        deprecated,
    })
}

fn literal_value(lit: &m::Literal, ty: ParamType) -> Result<Value> {
    match (lit, ty) {
        (m::Literal::Bool(b), ParamType::Boolean) => Ok(Value::Bool(*b)),
        (m::Literal::String(s), ParamType::String) => Ok(Value::String(s.clone())),
        (other, ty) => bail!("value {other:?} does not have the parameter's type {ty:?}"),
    }
}

fn lower_rules(rules: &[m::Rule], scope: &BTreeMap<String, Var>, path: &str) -> Result<Vec<Rule>> {
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| lower_rule(r, scope, &format!("{path}[{i}]")))
        .collect()
}

fn lower_rule(rule: &m::Rule, scope: &BTreeMap<String, Var>, path: &str) -> Result<Rule> {
    let conditions = match rule {
        m::Rule::Endpoint { conditions, .. }
        | m::Rule::Error { conditions, .. }
        | m::Rule::Tree { conditions, .. } => conditions,
    };
    let mut scope = scope.clone();
    let mut lowered = Vec::new();
    for (i, c) in conditions.iter().enumerate() {
        let at = format!("{path}.conditions[{i}]");
        let call = lower_call(&c.function, &c.argv, &scope, &at)?;
        let assign = match &c.assign {
            None => None,
            Some(name) => {
                if scope.contains_key(name) {
                    bail!("{at}.assign: `{name}` is already in scope");
                }
                let ty = Type {
                    optional: false,
                    ..call.ty()
                };
                let var = Var {
                    name: name.clone(),
                    rust_name: naming::field_name(name),
                    source: VarSource::Assigned,
                    ty,
                };
                scope.insert(name.clone(), var.clone());
                Some(var)
            }
        };
        lowered.push(Condition { call, assign });
    }
    let kind = match rule {
        m::Rule::Endpoint { endpoint, .. } => {
            let at = format!("{path}.endpoint");
            let url = lower_string_expr(&endpoint.url, &scope, &format!("{at}.url"))?;
            let properties = endpoint
                .properties
                .iter()
                .map(|(k, v)| {
                    Ok((
                        k.clone(),
                        lower_property(v, &scope, &format!("{at}.properties.{k}"))?,
                    ))
                })
                .collect::<Result<_>>()?;
            let headers = endpoint
                .headers
                .iter()
                .map(|(k, vs)| {
                    let values = vs
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            lower_string_expr(v, &scope, &format!("{at}.headers.{k}[{i}]"))
                        })
                        .collect::<Result<_>>()?;
                    Ok((k.clone(), values))
                })
                .collect::<Result<_>>()?;
            RuleKind::Endpoint(EndpointTemplate {
                url,
                properties,
                headers,
            })
        }
        m::Rule::Error { error, .. } => {
            RuleKind::Error(lower_string_expr(error, &scope, &format!("{path}.error"))?)
        }
        m::Rule::Tree { rules, .. } => {
            RuleKind::Tree(lower_rules(rules, &scope, &format!("{path}.rules"))?)
        }
    };
    Ok(Rule {
        conditions: lowered,
        kind,
    })
}

/// An expression that must produce a string (URLs, messages, header values).
fn lower_string_expr(e: &m::Expr, scope: &BTreeMap<String, Var>, path: &str) -> Result<Expr> {
    let expr = lower_expr(e, scope, path)?;
    expect_ty(&expr, Ty::String, path)?;
    Ok(expr)
}

fn lower_property(
    p: &m::PropertyValue,
    scope: &BTreeMap<String, Var>,
    path: &str,
) -> Result<Property> {
    Ok(match p {
        m::PropertyValue::Bool(b) => Property::Bool(*b),
        m::PropertyValue::Int(i) => Property::Int(*i),
        m::PropertyValue::String(s) => Property::String(lower_template(s, scope, path)?),
        m::PropertyValue::Array(items) => Property::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, p)| lower_property(p, scope, &format!("{path}[{i}]")))
                .collect::<Result<_>>()?,
        ),
        m::PropertyValue::Object(fields) => Property::Object(
            fields
                .iter()
                .map(|(k, p)| Ok((k.clone(), lower_property(p, scope, &format!("{path}.{k}"))?)))
                .collect::<Result<_>>()?,
        ),
    })
}

fn lower_expr(e: &m::Expr, scope: &BTreeMap<String, Var>, path: &str) -> Result<Expr> {
    Ok(match e {
        m::Expr::Bool(b) => Expr::Bool(*b),
        m::Expr::Int(i) => Expr::Int(*i),
        m::Expr::String(s) => Expr::Template(lower_template(s, scope, path)?),
        m::Expr::Ref(r) => Expr::Ref(lookup(&r.name, scope, path)?),
        m::Expr::Call(c) => Expr::Call(Box::new(lower_call(&c.function, &c.argv, scope, path)?)),
    })
}

fn lookup(name: &str, scope: &BTreeMap<String, Var>, path: &str) -> Result<Var> {
    scope.get(name).cloned().ok_or_else(|| {
        anyhow!("{path}: `{name}` is neither a parameter nor bound by an earlier condition")
    })
}

fn expect_ty(e: &Expr, ty: Ty, path: &str) -> Result<()> {
    let actual = e.ty().ty;
    if actual != ty {
        bail!("{path}: expected a {ty:?} value, found a {actual:?} value");
    }
    Ok(())
}

fn lower_call(
    function: &str,
    argv: &[m::Expr],
    scope: &BTreeMap<String, Var>,
    path: &str,
) -> Result<Call> {
    let at = format!("{path} ({function})");
    let arity = |n: usize| -> Result<()> {
        if argv.len() != n {
            bail!("{at}: takes {n} argument(s), given {}", argv.len());
        }
        Ok(())
    };
    let arg = |i: usize, ty: Option<Ty>| -> Result<Expr> {
        let p = format!("{path}.argv[{i}]");
        let e = lower_expr(&argv[i], scope, &p)?;
        if let Some(ty) = ty {
            expect_ty(&e, ty, &p)?;
        }
        Ok(e)
    };
    let literal_int = |i: usize| -> Result<usize> {
        match &argv[i] {
            m::Expr::Int(n) => {
                usize::try_from(*n).map_err(|_| anyhow!("{path}.argv[{i}]: negative index {n}"))
            }
            other => bail!("{path}.argv[{i}]: expected an integer literal, found {other:?}"),
        }
    };
    Ok(match function {
        "isSet" => {
            arity(1)?;
            Call::IsSet(arg(0, None)?)
        }
        "not" => {
            arity(1)?;
            Call::Not(arg(0, Some(Ty::Bool))?)
        }
        "booleanEquals" => {
            arity(2)?;
            Call::BooleanEquals(arg(0, Some(Ty::Bool))?, arg(1, Some(Ty::Bool))?)
        }
        "stringEquals" => {
            arity(2)?;
            Call::StringEquals(arg(0, Some(Ty::String))?, arg(1, Some(Ty::String))?)
        }
        "aws.partition" => {
            arity(1)?;
            Call::Partition(arg(0, Some(Ty::String))?)
        }
        "parseURL" => {
            arity(1)?;
            Call::ParseUrl(arg(0, Some(Ty::String))?)
        }
        "substring" => {
            arity(4)?;
            let reverse = match &argv[3] {
                m::Expr::Bool(b) => *b,
                other => bail!("{path}.argv[3]: expected a boolean literal, found {other:?}"),
            };
            Call::Substring {
                value: arg(0, Some(Ty::String))?,
                start: literal_int(1)?,
                stop: literal_int(2)?,
                reverse,
            }
        }
        "uriEncode" => {
            arity(1)?;
            Call::UriEncode(arg(0, Some(Ty::String))?)
        }
        "isValidHostLabel" => {
            arity(2)?;
            Call::IsValidHostLabel(arg(0, Some(Ty::String))?, arg(1, Some(Ty::Bool))?)
        }
        "aws.parseArn" => {
            arity(1)?;
            Call::ParseArn(arg(0, Some(Ty::String))?)
        }
        "aws.isVirtualHostableS3Bucket" => {
            arity(2)?;
            Call::IsVirtualHostableS3Bucket(arg(0, Some(Ty::String))?, arg(1, Some(Ty::Bool))?)
        }
        "getAttr" => {
            arity(2)?;
            let target = arg(0, None)?;
            let m::Expr::String(attr_path) = &argv[1] else {
                bail!("{path}.argv[1]: expected a literal attribute path");
            };
            let (steps, ty) = attr_path_steps(target.ty(), attr_path)
                .with_context(|| format!("{path}.argv[1]"))?;
            Call::GetAttr {
                target,
                path: steps,
                ty,
            }
        }
        other => bail!("{path}: unknown function `{other}`"),
    })
}

/// Parses a `getAttr` path (`name`, `resourceId[2]`, `a.b`) against the target type.
fn attr_path_steps(target: Type, attr_path: &str) -> Result<(Vec<Step>, Type)> {
    let mut ty = target;
    let mut steps = Vec::new();
    for part in attr_path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => {
                let digits = rest
                    .strip_suffix(']')
                    .ok_or_else(|| anyhow!("`{part}`: unclosed index"))?;
                let index: usize = digits
                    .parse()
                    .map_err(|_| anyhow!("`{part}`: index is not a number"))?;
                (name, Some(index))
            }
            None => (part, None),
        };
        if !name.is_empty() {
            let field = Field::lookup(ty.ty, name)
                .ok_or_else(|| anyhow!("a {:?} value has no attribute `{name}`", ty.ty))?;
            steps.push(Step::Field(field));
            ty = Type {
                ty: field.ty(),
                optional: ty.optional,
            };
        }
        if let Some(index) = index {
            if ty.ty != Ty::StringList {
                bail!("`{part}`: a {:?} value cannot be indexed", ty.ty);
            }
            steps.push(Step::Index(index));
            ty = Type {
                ty: Ty::String,
                optional: true,
            };
        }
    }
    if steps.is_empty() {
        bail!("empty attribute path");
    }
    Ok((steps, ty))
}

/// Whether a string is a template at all: botocore treats only strings containing
/// `{Name}`/`{Name#attr}` (letters and `#`) as templates; anything else is literal text.
fn has_placeholder(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            let rest = &bytes[i + 1..];
            let len = rest
                .iter()
                .take_while(|b| b.is_ascii_alphabetic() || **b == b'#')
                .count();
            if len > 0 && rest.get(len) == Some(&b'}') {
                return true;
            }
        }
        i += 1;
    }
    false
}

fn lower_template(s: &str, scope: &BTreeMap<String, Var>, path: &str) -> Result<Template> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    if !has_placeholder(s) {
        return Ok(Template {
            parts: vec![TemplatePart::Literal(s.to_owned())],
        });
    }
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => name.push(c),
                        None => bail!("{path}: unclosed `{{` in template `{s}`"),
                    }
                }
                if !literal.is_empty() {
                    parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                }
                let expr = match name.split_once('#') {
                    None => Expr::Ref(lookup(&name, scope, path)?),
                    Some((var, attr)) => {
                        let target = Expr::Ref(lookup(var, scope, path)?);
                        let (steps, ty) = attr_path_steps(target.ty(), attr)
                            .with_context(|| format!("{path}: `{{{name}}}`"))?;
                        Expr::Call(Box::new(Call::GetAttr {
                            target,
                            path: steps,
                            ty,
                        }))
                    }
                };
                expect_ty(&expr, Ty::String, &format!("{path}: `{{{name}}}`"))?;
                parts.push(TemplatePart::Expr(expr));
            }
            '}' => bail!("{path}: unmatched `}}` in template `{s}`"),
            c => literal.push(c),
        }
    }
    if !literal.is_empty() || parts.is_empty() {
        parts.push(TemplatePart::Literal(literal));
    }
    Ok(Template { parts })
}

fn lower_partition(p: &m::Partition) -> Result<Partition> {
    // Compiled for the runtime's whole-value matcher, so the regex must be anchored at both ends.
    if !(p.region_regex.starts_with('^') && p.region_regex.ends_with('$'))
        || crate::pattern::compile(&p.region_regex).is_none()
    {
        bail!(
            "partitions.{}.regionRegex: `{}` is not an anchored (^...$) regex in the supported dialect",
            p.id,
            p.region_regex
        );
    }
    Ok(Partition {
        id: p.id.clone(),
        region_regex: p.region_regex.clone(),
        regions: p.regions.keys().cloned().collect(),
        name: p.outputs.name.clone(),
        dns_suffix: p.outputs.dns_suffix.clone(),
        dual_stack_dns_suffix: p.outputs.dual_stack_dns_suffix.clone(),
        supports_fips: p.outputs.supports_fips,
        supports_dual_stack: p.outputs.supports_dual_stack,
        implicit_global_region: p.outputs.implicit_global_region.clone(),
    })
}

/// The longest test-name slug kept after the case number.
const MAX_SLUG: usize = 72;

fn lower_tests(tests: &m::EndpointTests, params: &[Param]) -> Result<Vec<TestCase>> {
    let width = tests.test_cases.len().saturating_sub(1).to_string().len();
    let mut out = Vec::new();
    for (i, case) in tests.test_cases.iter().enumerate() {
        let at = format!("testCases[{i}]");
        let docs = case.documentation.clone().unwrap_or_default();
        let mut slug = naming::field_name(&docs);
        if slug.len() > MAX_SLUG {
            let cut = slug[..MAX_SLUG].rfind('_').unwrap_or(MAX_SLUG);
            slug.truncate(cut);
        }
        let fn_name = if docs.trim().is_empty() {
            format!("case_{i:0width$}")
        } else {
            format!("case_{i:0width$}_{slug}")
        };
        let mut values = Vec::new();
        for (name, value) in &case.params {
            let index = params
                .iter()
                .position(|p| &p.wire_name == name)
                .ok_or_else(|| anyhow!("{at}.params.{name}: not a parameter of the rule set"))?;
            values.push((
                index,
                literal_value(value, params[index].ty)
                    .with_context(|| format!("{at}.params.{name}"))?,
            ));
        }
        let expect = match (&case.expect.endpoint, &case.expect.error) {
            (Some(e), None) => Expected::Endpoint {
                url: e.url.clone(),
                properties: e
                    .properties
                    .iter()
                    .map(|(k, v)| {
                        Ok((
                            k.clone(),
                            plain_property(v, &format!("{at}.expect.endpoint.properties.{k}"))?,
                        ))
                    })
                    .collect::<Result<_>>()?,
                headers: e
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            },
            (None, Some(message)) => Expected::Error(message.clone()),
            _ => bail!("{at}.expect: needs exactly one of `endpoint` and `error`"),
        };
        out.push(TestCase {
            fn_name,
            docs,
            params: values,
            expect,
        });
    }
    Ok(out)
}

/// An expected property value: strings are plain text, not templates.
fn plain_property(p: &m::PropertyValue, path: &str) -> Result<Property> {
    Ok(match p {
        m::PropertyValue::Bool(b) => Property::Bool(*b),
        m::PropertyValue::Int(i) => Property::Int(*i),
        m::PropertyValue::String(s) => Property::String(Template {
            parts: vec![TemplatePart::Literal(s.clone())],
        }),
        m::PropertyValue::Array(items) => Property::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, p)| plain_property(p, &format!("{path}[{i}]")))
                .collect::<Result<_>>()?,
        ),
        m::PropertyValue::Object(fields) => Property::Object(
            fields
                .iter()
                .map(|(k, p)| Ok((k.clone(), plain_property(p, &format!("{path}.{k}"))?)))
                .collect::<Result<_>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> BTreeMap<String, Var> {
        let region = Var {
            name: "Region".into(),
            rust_name: "region".into(),
            source: VarSource::Param(0),
            ty: Type::optional(Ty::String),
        };
        let pr = Var {
            name: "PartitionResult".into(),
            rust_name: "partition_result".into(),
            source: VarSource::Assigned,
            ty: Type::required(Ty::Partition),
        };
        BTreeMap::from([
            ("Region".to_owned(), region),
            ("PartitionResult".to_owned(), pr),
        ])
    }

    #[test]
    fn templates_split_into_parts() {
        let t = lower_template(
            "https://sts.{Region}.{PartitionResult#dnsSuffix}",
            &scope(),
            "x",
        )
        .unwrap();
        assert_eq!(t.parts.len(), 4);
        assert!(matches!(&t.parts[0], TemplatePart::Literal(s) if s == "https://sts."));
        assert!(matches!(&t.parts[1], TemplatePart::Expr(Expr::Ref(v)) if v.name == "Region"));
        assert!(matches!(&t.parts[3], TemplatePart::Expr(Expr::Call(c))
            if matches!(**c, Call::GetAttr { ref path, .. } if path == &[Step::Field(Field::DnsSuffix)])));
        // Like botocore: only strings containing a `{Name}` placeholder are templates.
        assert_eq!(
            lower_template("a {{b}} c", &scope(), "x")
                .unwrap()
                .as_literal()
                .as_deref(),
            Some("a {b} c")
        );
        assert_eq!(
            lower_template("a {1} }", &scope(), "x")
                .unwrap()
                .as_literal()
                .as_deref(),
            Some("a {1} }")
        );
        assert_eq!(
            lower_template("{{x}} {Region}", &scope(), "x")
                .unwrap()
                .parts[0],
            TemplatePart::Literal("{x} ".into())
        );
        assert!(lower_template("{Nope}", &scope(), "x").is_err());
        assert!(lower_template("{PartitionResult#supportsFIPS}", &scope(), "x").is_err());
    }

    #[test]
    fn attr_paths_are_typed() {
        let (steps, ty) = attr_path_steps(Type::required(Ty::Arn), "resourceId[1]").unwrap();
        assert_eq!(steps, [Step::Field(Field::ArnResourceId), Step::Index(1)]);
        assert_eq!(ty, Type::optional(Ty::String));
        assert_eq!(
            attr_path_steps(Type::required(Ty::Url), "isIp").unwrap().1,
            Type::required(Ty::Bool)
        );
        assert!(attr_path_steps(Type::required(Ty::Url), "host").is_err());
        assert!(attr_path_steps(Type::required(Ty::Partition), "name[0]").is_err());
    }

    #[test]
    fn string_array_parameters_are_lists_read_by_index() {
        // DynamoDB's `ResourceArnList`: `isSet(ResourceArnList)`, `getAttr(ResourceArnList, "[0]")`.
        let p: m::Parameter =
            serde_json::from_str(r#"{"type": "stringArray", "required": false}"#).unwrap();
        let param = lower_param("ResourceArnList", &p).unwrap();
        assert_eq!(param.ty, ParamType::StringArray);
        assert_eq!(param.expr_type(), Type::optional(Ty::StringList));
        let (steps, ty) = attr_path_steps(Type::required(Ty::StringList), "[0]").unwrap();
        assert_eq!(steps, [Step::Index(0)]);
        assert_eq!(ty, Type::optional(Ty::String));
        let with_default: m::Parameter =
            serde_json::from_str(r#"{"type": "stringArray", "required": true, "default": ["a"]}"#)
                .unwrap();
        let err = format!("{:#}", lower_param("P", &with_default).unwrap_err());
        assert!(err.contains("stringArray"), "{err}");
    }

    #[test]
    fn unknown_functions_and_bad_arguments_are_errors() {
        let call = |text: &str| {
            let c: m::Condition = serde_json::from_str(text).unwrap();
            lower_call(&c.function, &c.argv, &scope(), "rules[0].conditions[0]")
                .map_err(|e| format!("{e:#}"))
        };
        assert!(call(r#"{"fn": "coalesce", "argv": []}"#)
            .unwrap_err()
            .contains("unknown function `coalesce`"));
        assert!(
            call(r#"{"fn": "stringEquals", "argv": [{"ref": "Region"}]}"#)
                .unwrap_err()
                .contains("takes 2")
        );
        assert!(
            call(r#"{"fn": "booleanEquals", "argv": [{"ref": "Region"}, true]}"#)
                .unwrap_err()
                .contains("Bool")
        );
        assert!(call(r#"{"fn": "isSet", "argv": [{"ref": "Bucket"}]}"#)
            .unwrap_err()
            .contains("`Bucket`"));
        assert!(call(r#"{"fn": "substring", "argv": [{"ref": "Region"}, 0, 4, false]}"#).is_ok());
    }
}
