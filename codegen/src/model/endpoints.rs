//! Serde mirrors of the endpoint documents: botocore's `endpoint-rule-set-1.json` (the Smithy
//! rules language), `partitions.json`, and the endpoint test suites (`endpoint-tests-1.json`).
//!
//! Plain data, no logic. Every struct denies unknown fields and rule types are an enum, so an
//! unexpected key fails at parse time with its JSON path (for example
//! `rules[2].rules[0]: unknown field "colour"`). Maps are `BTreeMap`s for deterministic order.

use std::collections::BTreeMap;

use serde::Deserialize;

/// An endpoint rule set (`endpoint-rule-set-1.json`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Rules-language version (`1.0`).
    pub version: String,
    /// Input parameters keyed by name (`Region`).
    pub parameters: BTreeMap<String, Parameter>,
    /// The rules, evaluated in order; the first that matches decides.
    pub rules: Vec<Rule>,
    /// Rule-set documentation.
    #[serde(default)]
    pub documentation: Option<String>,
    /// The service the rule set belongs to (newer rule sets).
    #[serde(default, rename = "serviceId")]
    pub service_id: Option<String>,
}

/// One rule-set parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Parameter {
    /// The parameter's type.
    #[serde(rename = "type")]
    pub ty: ParameterType,
    /// The SDK setting the parameter is bound to (`AWS::Region`).
    #[serde(default)]
    pub built_in: Option<String>,
    /// The value used when none is given.
    #[serde(default)]
    pub default: Option<Literal>,
    /// Whether resolution needs a value (after the default is applied).
    #[serde(default)]
    pub required: Option<bool>,
    /// Plain-text documentation.
    #[serde(default)]
    pub documentation: Option<String>,
    /// Deprecation of the parameter.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
}

/// A parameter's type. Older rule sets capitalise the names (`String`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ParameterType {
    /// A string.
    #[serde(rename = "string", alias = "String")]
    String,
    /// A boolean.
    #[serde(rename = "boolean", alias = "Boolean")]
    Boolean,
    /// A list of strings.
    #[serde(rename = "stringArray", alias = "StringArray")]
    StringArray,
}

/// A parameter's deprecation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecated {
    /// Why, and what to use instead.
    #[serde(default)]
    pub message: Option<String>,
    /// Since when.
    #[serde(default)]
    pub since: Option<String>,
}

/// A literal parameter value (defaults, test-case parameters).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Literal {
    /// A boolean.
    Bool(bool),
    /// A string.
    String(String),
    /// A list of strings.
    StringArray(Vec<String>),
}

/// One rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Rule {
    /// Resolves to an endpoint when every condition holds.
    Endpoint {
        /// Conditions, evaluated in order.
        conditions: Vec<Condition>,
        /// The endpoint.
        endpoint: EndpointDef,
        /// Documentation.
        #[serde(default)]
        documentation: Option<String>,
    },
    /// Fails with a message when every condition holds.
    Error {
        /// Conditions, evaluated in order.
        conditions: Vec<Condition>,
        /// The message (a template string or an expression).
        error: Expr,
        /// Documentation.
        #[serde(default)]
        documentation: Option<String>,
    },
    /// Evaluates nested rules when every condition holds.
    Tree {
        /// Conditions, evaluated in order.
        conditions: Vec<Condition>,
        /// The nested rules.
        rules: Vec<Rule>,
        /// Documentation.
        #[serde(default)]
        documentation: Option<String>,
    },
}

/// A condition: a function call, optionally binding its result to a name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The function name (`aws.partition`).
    #[serde(rename = "fn")]
    pub function: String,
    /// The arguments.
    pub argv: Vec<Expr>,
    /// The name the result is bound to.
    #[serde(default)]
    pub assign: Option<String>,
}

/// An expression.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Expr {
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A template string (`https://{Region}.{PartitionResult#dnsSuffix}`).
    String(String),
    /// A reference to a parameter or a bound name.
    Ref(Reference),
    /// A function call.
    Call(Call),
}

/// `{"ref": "Region"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The parameter or bound name.
    #[serde(rename = "ref")]
    pub name: String,
}

/// `{"fn": "...", "argv": [...]}` inside an expression.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// The function name.
    #[serde(rename = "fn")]
    pub function: String,
    /// The arguments.
    pub argv: Vec<Expr>,
}

/// The endpoint of an endpoint rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointDef {
    /// The URL (a template string or an expression).
    pub url: Expr,
    /// Properties (`authSchemes`, ...), values with template strings.
    #[serde(default)]
    pub properties: BTreeMap<String, PropertyValue>,
    /// Headers: name -> values (template strings or expressions).
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<Expr>>,
}

/// A property value: JSON where strings are templates.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum PropertyValue {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A (template) string.
    String(String),
    /// A list.
    Array(Vec<PropertyValue>),
    /// An object.
    Object(BTreeMap<String, PropertyValue>),
}

/// botocore's `partitions.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partitions {
    /// Format version (`1.1`).
    pub version: String,
    /// Partitions, in matching order.
    pub partitions: Vec<Partition>,
}

/// One partition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Partition {
    /// The partition id (`aws`).
    pub id: String,
    /// What `aws.partition` returns for the partition.
    pub outputs: PartitionOutputs,
    /// Regions that belong to the partition (anchored regex).
    pub region_regex: String,
    /// Known regions keyed by name.
    pub regions: BTreeMap<String, Region>,
}

/// A partition's outputs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PartitionOutputs {
    /// The partition name (`aws`).
    pub name: String,
    /// DNS suffix (`amazonaws.com`).
    pub dns_suffix: String,
    /// Dual-stack DNS suffix (`api.aws`).
    pub dual_stack_dns_suffix: String,
    /// Whether FIPS endpoints exist.
    #[serde(rename = "supportsFIPS")]
    pub supports_fips: bool,
    /// Whether dual-stack endpoints exist.
    pub supports_dual_stack: bool,
    /// The region global endpoints are signed for.
    pub implicit_global_region: String,
}

/// A known region.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Its display name.
    #[serde(default)]
    pub description: Option<String>,
}

/// An endpoint test suite (`endpoint-tests-1.json`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EndpointTests {
    /// Format version.
    pub version: String,
    /// The cases.
    pub test_cases: Vec<EndpointTestCase>,
}

/// One endpoint test case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EndpointTestCase {
    /// What the case checks.
    #[serde(default)]
    pub documentation: Option<String>,
    /// Rule-set parameters.
    #[serde(default)]
    pub params: BTreeMap<String, Literal>,
    /// The expected outcome.
    pub expect: Expectation,
    /// Client-level inputs (built-ins and operation parameters) for SDK-level tests.
    #[serde(default)]
    pub operation_inputs: Vec<OperationInput>,
}

/// A test case's expected outcome.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The expected endpoint.
    #[serde(default)]
    pub endpoint: Option<ExpectedEndpoint>,
    /// The expected error message.
    #[serde(default)]
    pub error: Option<String>,
}

/// An expected endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedEndpoint {
    /// The URL.
    pub url: String,
    /// The properties (absent: none).
    #[serde(default)]
    pub properties: BTreeMap<String, PropertyValue>,
    /// The headers (absent: none).
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<String>>,
}

/// Client-level inputs of a test case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OperationInput {
    /// The operation called.
    pub operation_name: String,
    /// Built-in settings (`AWS::Region`).
    #[serde(default)]
    pub built_in_params: BTreeMap<String, Literal>,
    /// Operation input members.
    #[serde(default)]
    pub operation_params: BTreeMap<String, serde_json::Value>,
    /// Client configuration.
    #[serde(default)]
    pub client_params: BTreeMap<String, serde_json::Value>,
}
