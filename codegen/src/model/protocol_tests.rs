//! botocore protocol test suites (`tests/data/protocols/{input,output}/*.json`): one element of
//! such a file. Values that follow the suite's own shapes (`params`, `result`, `error`) and the
//! parts copied into the suite's service model (`metadata`, `shapes`, `given`) stay JSON.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

/// One suite: a small service model and the cases run against it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Suite {
    /// What the suite tests.
    #[serde(default)]
    pub description: Option<String>,
    /// The service model's `metadata`.
    pub metadata: Map<String, Value>,
    /// The service model's `shapes`.
    #[serde(default)]
    pub shapes: Map<String, Value>,
    /// The endpoint URL the client is configured with (input suites).
    #[serde(default)]
    pub client_endpoint: Option<String>,
    /// The cases.
    pub cases: Vec<Case>,
}

/// One case: an operation, and either a request to serialise or a response to parse.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Case {
    /// The case's name.
    #[serde(default)]
    pub id: Option<String>,
    /// What the case checks.
    #[serde(default)]
    pub description: Option<String>,
    /// The operation, as a service model defines it (copied into the suite's model).
    pub given: Map<String, Value>,
    /// Input cases: the input members.
    #[serde(default)]
    pub params: Option<Map<String, Value>>,
    /// Input cases: the expected request.
    #[serde(default)]
    pub serialized: Option<Serialized>,
    /// Output cases: the response to parse.
    #[serde(default)]
    pub response: Option<Response>,
    /// Output cases: the expected output members.
    #[serde(default)]
    pub result: Option<Map<String, Value>>,
    /// Error cases: the expected members of the modeled error.
    #[serde(default)]
    pub error: Option<Map<String, Value>>,
    /// Error cases: the expected error code.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Error cases: the expected error message.
    #[serde(default)]
    pub error_message: Option<String>,
}

/// The request an input case expects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Serialized {
    /// HTTP method.
    #[serde(default)]
    pub method: Option<String>,
    /// Request URI (path and query).
    #[serde(default)]
    pub uri: Option<String>,
    /// Headers with their exact values.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Headers that must be present, whatever their value.
    #[serde(default)]
    pub require_headers: Vec<String>,
    /// Headers that must be absent.
    #[serde(default)]
    pub forbid_headers: Vec<String>,
    /// Host and path of the endpoint, without the scheme.
    #[serde(default)]
    pub host: Option<String>,
    /// The form body (compared as a multiset of parameters).
    #[serde(default)]
    pub body: Option<String>,
}

/// The response an output case parses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// HTTP status (400 when absent).
    #[serde(default)]
    pub status_code: Option<u16>,
    /// Response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Response body.
    #[serde(default)]
    pub body: Option<String>,
}
