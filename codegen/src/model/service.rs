//! Serde mirror of botocore's `service-2.json` for the awsQuery and awsJson protocols.
//!
//! Every key any model in the botocore wheel uses (all services, protocols and API versions, as
//! `cargo xtask model-keys` sweeps them into `tests/data/model-keys.json`, which
//! `codegen/tests/model_keys.rs` checks against this mirror), and every key the botocore protocol
//! test suites use, is listed; `deny_unknown_fields` makes any other key an error naming its JSON
//! path. A key the generator does not act on says so ("Ignored: ...") with the reason.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A whole service model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceModel {
    /// Model format version (`"2.0"`).
    #[serde(default)]
    pub version: Option<String>,
    pub metadata: Metadata,
    #[serde(default)]
    pub operations: BTreeMap<String, Operation>,
    pub shapes: BTreeMap<String, Shape>,
    #[serde(default)]
    pub documentation: Option<String>,
    /// Legacy request/response examples (documentation only).
    #[serde(default)]
    pub examples: Option<serde_json::Value>,
    /// Endpoint rule-set parameters a client may set (the endpoint rule set describes them too).
    #[serde(default, rename = "clientContextParams")]
    pub client_context_params: Option<serde_json::Value>,
    /// The whole service is deprecated (an old namespace of Chime): the crate docs say so.
    #[serde(default)]
    pub deprecated: Option<bool>,
    /// Why the service is deprecated, for the crate docs.
    #[serde(default, rename = "deprecatedMessage")]
    pub deprecated_message: Option<String>,
}

/// Service metadata.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metadata {
    pub api_version: String,
    #[serde(default)]
    pub endpoint_prefix: Option<String>,
    #[serde(default)]
    pub global_endpoint: Option<String>,
    pub protocol: String,
    #[serde(default)]
    pub protocols: Option<Vec<String>>,
    #[serde(default)]
    pub auth: Option<Vec<String>>,
    #[serde(default)]
    pub service_abbreviation: Option<String>,
    #[serde(default)]
    pub service_full_name: Option<String>,
    #[serde(default)]
    pub service_id: Option<String>,
    #[serde(default)]
    pub signature_version: Option<String>,
    #[serde(default)]
    pub signing_name: Option<String>,
    #[serde(default)]
    pub uid: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<String>,
    #[serde(default)]
    pub aws_query_compatible: Option<serde_json::Value>,
    #[serde(default)]
    pub json_version: Option<String>,
    #[serde(default)]
    pub target_prefix: Option<String>,
    #[serde(default)]
    pub checksum_format: Option<String>,
    /// Protocol options (`{"h2": "eventstream"}`: HTTP/2 for event streams, which this generator
    /// does not generate).
    #[serde(default)]
    pub protocol_settings: Option<serde_json::Value>,
    /// The service's internal name (documentation only).
    #[serde(default)]
    pub rip_service_name: Option<String>,
}

/// One operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub name: String,
    pub http: Http,
    #[serde(default)]
    pub input: Option<ShapeRef>,
    #[serde(default)]
    pub output: Option<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub documentation_url: Option<String>,
    #[serde(default)]
    pub idempotent: Option<bool>,
    #[serde(default)]
    pub readonly: Option<bool>,
    /// Smithy auth schemes; `["smithy.api#noAuth"]` marks an unsigned operation.
    #[serde(default)]
    pub auth: Option<Vec<String>>,
    /// Legacy auth type; `"none"` marks an unsigned operation.
    #[serde(default)]
    pub authtype: Option<String>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default, rename = "deprecatedMessage")]
    pub deprecated_message: Option<String>,
    #[serde(default, rename = "deprecatedSince")]
    pub deprecated_since: Option<String>,
    #[serde(default)]
    pub endpoint: Option<OperationEndpoint>,
    #[serde(default, rename = "endpointdiscovery")]
    pub endpoint_discovery: Option<serde_json::Value>,
    /// Marks the operation that returns endpoints for endpoint discovery (DynamoDB's
    /// `DescribeEndpoints`); it is generated like any other.
    #[serde(default, rename = "endpointoperation")]
    pub endpoint_operation: Option<bool>,
    #[serde(default)]
    pub requestcompression: Option<RequestCompression>,
    /// Ignored: the client may send the payload unsigned (`UNSIGNED-PAYLOAD`); this generator
    /// signs every payload, which the service accepts as well.
    #[serde(default, rename = "unsignedPayload")]
    pub unsigned_payload: Option<bool>,
    /// The request needs a `Content-MD5` header, which this generator does not compute yet: the
    /// operation is generated without a method, saying why.
    #[serde(default, rename = "httpChecksumRequired")]
    pub http_checksum_required: Option<bool>,
    #[serde(default, rename = "httpChecksum")]
    pub http_checksum: Option<serde_json::Value>,
    #[serde(default, rename = "staticContextParams")]
    pub static_context_params: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default, rename = "contextParams")]
    pub context_params: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default, rename = "operationContextParams")]
    pub operation_context_params: Option<BTreeMap<String, serde_json::Value>>,
}

/// HTTP binding of an operation (always `POST /` for awsQuery, but read from the model).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Http {
    pub method: String,
    pub request_uri: String,
    #[serde(default)]
    pub response_code: Option<u16>,
}

/// An operation's `endpoint` trait (host prefix).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OperationEndpoint {
    pub host_prefix: String,
}

/// An operation's `requestcompression` trait.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestCompression {
    pub encodings: Vec<String>,
}

/// A reference from an operation to its input, output or error shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ShapeRef {
    pub shape: String,
    #[serde(default)]
    pub result_wrapper: Option<String>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    /// Legacy models repeat an error's traits on the reference.
    #[serde(default)]
    pub exception: Option<bool>,
    /// Legacy models repeat an error's traits on the reference.
    #[serde(default)]
    pub error: Option<ErrorTrait>,
    /// Legacy models repeat an error's traits on the reference.
    #[serde(default)]
    pub fault: Option<bool>,
    /// Ignored: legacy awsQuery models (`elasticache/2014-09-30`, `rds/2014-09-01`) mark an
    /// output reference whose result sits in a wrapper element; botocore's parsers never read
    /// it, and the element is named by `resultWrapper`, which every such reference also has.
    #[serde(default)]
    pub wrapper: Option<bool>,
}

/// A shape, parsed into one variant per `type` at the serde boundary.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Shape {
    Structure(StructureShape),
    List(ListShape),
    Map(MapShape),
    String(StringShape),
    Integer(NumberShape),
    Long(NumberShape),
    Float(NumberShape),
    Double(NumberShape),
    Boolean(SimpleShape),
    Timestamp(TimestampShape),
    Blob(BlobShape),
}

/// `"structure"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StructureShape {
    #[serde(default)]
    pub members: BTreeMap<String, Member>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub error: Option<ErrorTrait>,
    #[serde(default)]
    pub exception: Option<bool>,
    #[serde(default)]
    pub fault: Option<bool>,
    /// Marks an output shape that is wrapped in a result element.
    #[serde(default)]
    pub wrapper: Option<bool>,
    #[serde(default)]
    pub union: Option<bool>,
    /// A document: an untyped JSON value (awsJson and restJson).
    #[serde(default)]
    pub document: Option<bool>,
    /// An event stream (not supported by this generator yet).
    #[serde(default)]
    pub eventstream: Option<bool>,
    /// An event of an event stream.
    #[serde(default)]
    pub event: Option<bool>,
    #[serde(default)]
    pub xml_order: Option<Vec<String>>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default, rename = "box")]
    pub boxed: Option<bool>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub synthetic: Option<bool>,
    #[serde(default)]
    pub retryable: Option<Retryable>,
    #[serde(default)]
    pub payload: Option<String>,
}

/// The `retryable` trait on an error structure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retryable {
    #[serde(default)]
    pub throttling: Option<bool>,
}

/// The awsQuery `error` trait on an exception structure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorTrait {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub http_status_code: Option<u16>,
    #[serde(default)]
    pub sender_fault: Option<bool>,
    /// `fault: true`: the server's fault (`senderFault: false`); App Mesh repeats the
    /// structure's `fault` here.
    #[serde(default)]
    pub fault: Option<bool>,
}

/// `xmlNamespace` is either a URI string or `{ "uri": ..., "prefix": ... }` (no other key).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "XmlNamespaceText")]
pub enum XmlNamespace {
    Uri(String),
    Full { uri: String, prefix: Option<String> },
}

/// What `xmlNamespace` holds before its object form's keys are checked (an untagged enum
/// cannot deny unknown fields and still say which one it met).
#[derive(Deserialize)]
#[serde(untagged)]
enum XmlNamespaceText {
    Uri(String),
    Object(BTreeMap<String, serde_json::Value>),
}

impl TryFrom<XmlNamespaceText> for XmlNamespace {
    type Error = String;

    fn try_from(text: XmlNamespaceText) -> Result<Self, String> {
        let mut object = match text {
            XmlNamespaceText::Uri(uri) => return Ok(XmlNamespace::Uri(uri)),
            XmlNamespaceText::Object(object) => object,
        };
        let mut string = |key: &str| match object.remove(key) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!(
                "xmlNamespace.{key}: expected a string, found {other}"
            )),
        };
        let uri = string("uri")?.ok_or("xmlNamespace: missing field `uri`")?;
        let prefix = string("prefix")?;
        if let Some(key) = object.keys().next() {
            return Err(format!(
                "xmlNamespace: unknown field `{key}`, expected `uri` or `prefix`"
            ));
        }
        Ok(XmlNamespace::Full { uri, prefix })
    }
}

/// A structure member.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Member {
    pub shape: String,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub query_name: Option<String>,
    /// The member's name in JSON bodies, when it differs from `locationName` and the member name.
    #[serde(default)]
    pub json_name: Option<String>,
    #[serde(default)]
    pub flattened: Option<bool>,
    #[serde(default)]
    pub xml_attribute: Option<bool>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub timestamp_format: Option<TimestampFormat>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub idempotency_token: Option<bool>,
    #[serde(default, rename = "box")]
    pub boxed: Option<bool>,
    #[serde(default)]
    pub host_label: Option<bool>,
    /// Where a restJson member goes in the HTTP message (absent: the body).
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default)]
    pub streaming: Option<bool>,
    /// Ignored: the member is an event's payload; event streams are not generated.
    #[serde(default, rename = "eventpayload")]
    pub event_payload: Option<bool>,
    /// Legacy models repeat the target's enum values on the member: listed in its docs.
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default)]
    pub jsonvalue: Option<bool>,
    #[serde(default)]
    pub context_param: Option<serde_json::Value>,
}

/// The member reference inside a list or map shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InnerRef {
    pub shape: String,
    /// The string holds JSON text (sent and read as a string by the JSON protocols).
    #[serde(default)]
    pub jsonvalue: Option<bool>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub documentation: Option<String>,
}

/// `"list"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListShape {
    pub member: InnerRef,
    /// Ignored: null items may occur. Readers skip null list items and map values in every list
    /// and map, sparse or not (a `Vec<T>` or `BTreeMap<K, V>` has no place for them), and
    /// writers never write one.
    #[serde(default)]
    pub sparse: Option<bool>,
    #[serde(default)]
    pub flattened: Option<bool>,
    #[serde(default)]
    pub min: Option<serde_json::Number>,
    #[serde(default)]
    pub max: Option<serde_json::Number>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default, rename = "box")]
    pub boxed: Option<bool>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub synthetic: Option<bool>,
}

/// `"map"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MapShape {
    pub key: InnerRef,
    pub value: InnerRef,
    /// Ignored: null items may occur. Readers skip null list items and map values in every list
    /// and map, sparse or not (a `Vec<T>` or `BTreeMap<K, V>` has no place for them), and
    /// writers never write one.
    #[serde(default)]
    pub sparse: Option<bool>,
    #[serde(default)]
    pub flattened: Option<bool>,
    #[serde(default)]
    pub min: Option<serde_json::Number>,
    #[serde(default)]
    pub max: Option<serde_json::Number>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default, rename = "box")]
    pub boxed: Option<bool>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub synthetic: Option<bool>,
}

/// `"string"`, possibly with an `enum`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StringShape {
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default)]
    pub min: Option<serde_json::Number>,
    #[serde(default)]
    pub max: Option<serde_json::Number>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default, rename = "box")]
    pub boxed: Option<bool>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub synthetic: Option<bool>,
}

/// `"integer"`, `"long"`, `"float"`, `"double"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NumberShape {
    #[serde(default)]
    pub min: Option<serde_json::Number>,
    #[serde(default)]
    pub max: Option<serde_json::Number>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default, rename = "box")]
    pub boxed: Option<bool>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub synthetic: Option<bool>,
}

/// `"boolean"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SimpleShape {
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default, rename = "box")]
    pub boxed: Option<bool>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub synthetic: Option<bool>,
}

/// `"timestamp"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TimestampShape {
    #[serde(default)]
    pub timestamp_format: Option<TimestampFormat>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default, rename = "box")]
    pub boxed: Option<bool>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub synthetic: Option<bool>,
}

/// `"blob"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BlobShape {
    #[serde(default)]
    pub min: Option<serde_json::Number>,
    #[serde(default)]
    pub max: Option<serde_json::Number>,
    #[serde(default)]
    pub streaming: Option<bool>,
    /// A streaming upload whose length must be known up front (streaming operations are not
    /// generated).
    #[serde(default, rename = "requiresLength")]
    pub requires_length: Option<bool>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub deprecated_message: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default, rename = "box")]
    pub boxed: Option<bool>,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    #[serde(default)]
    pub synthetic: Option<bool>,
}

/// Wire formats for timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum TimestampFormat {
    #[serde(rename = "iso8601")]
    Iso8601,
    #[serde(rename = "rfc822")]
    Rfc822,
    #[serde(rename = "unixTimestamp")]
    UnixTimestamp,
}

/// A member's HTTP binding (`location`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Location {
    /// A `{label}` of the request URI.
    #[serde(rename = "uri")]
    Uri,
    /// A query-string parameter (a map: one parameter per entry).
    #[serde(rename = "querystring")]
    Querystring,
    /// A header.
    #[serde(rename = "header")]
    Header,
    /// A map of headers whose names start with the member's `locationName`.
    #[serde(rename = "headers")]
    Headers,
    /// The HTTP status code of a response.
    #[serde(rename = "statusCode")]
    StatusCode,
}
