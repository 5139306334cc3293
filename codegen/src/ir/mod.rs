//! The IR: an arena of shapes keyed by [`ShapeId`], with resolved Rust and wire names.
//!
//! Lowering validates the model (every reference resolves, required names are members,
//! the protocol is one this generator speaks) and makes every decision the emitters
//! need, so emitters never see JSON and never make naming decisions of their own.

pub mod endpoints;
pub mod iam;
pub mod quirks;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, bail, ensure, Context, Result};

use crate::docs::html_to_markdown;
use crate::model::service::{self as m, XmlNamespace};
use crate::model::Sources;
use crate::naming;
use crate::Options;

/// Index of a shape in [`Service::shapes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShapeId(pub usize);

/// The lowered service.
#[derive(Debug)]
pub struct Service {
    /// Package and library name of the generated crate.
    pub crate_name: String,
    /// `metadata.apiVersion`, sent as `Version=`.
    pub api_version: String,
    /// `metadata.serviceId`.
    pub service_id: String,
    /// `metadata.serviceFullName`.
    pub full_name: String,
    /// `metadata.endpointPrefix`.
    pub endpoint_prefix: String,
    /// The SigV4 signing name (`signingName`, else `endpointPrefix`).
    pub signing_name: String,
    /// `metadata.globalEndpoint`.
    pub global_endpoint: Option<String>,
    /// `metadata.xmlNamespace`.
    pub xml_namespace: Option<String>,
    /// The wire protocol the generated crate speaks (chosen from `metadata.protocols`).
    pub protocol: Protocol,
    /// `metadata.awsQueryCompatible`: an awsJson service that also sends awsQuery error codes
    /// (`x-amzn-query-error`), which errors are matched by.
    pub aws_query_compatible: bool,
    /// Operations the generator does not support yet (streaming payloads, event streams): no
    /// method, a module that says why.
    pub unsupported: Vec<UnsupportedOperation>,
    /// Service-level auth schemes.
    pub auth: Vec<String>,
    /// Service documentation, as Markdown.
    pub docs: String,
    /// The shape arena, in wire-name order.
    pub shapes: Vec<Shape>,
    /// Operations, in wire-name order.
    pub operations: Vec<Operation>,
    /// The IAM privilege model, when given.
    pub iam: Option<iam::IamModel>,
    /// The compiled endpoint rule set, when given.
    pub endpoints: Option<endpoints::EndpointModel>,
}

/// The wire protocols this generator speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protocol {
    /// awsQuery: form-encoded requests, XML responses.
    AwsQuery,
    /// awsJson 1.0 or 1.1: `POST /` with `X-Amz-Target`, JSON bodies.
    AwsJson {
        /// `metadata.jsonVersion`: `1.0` or `1.1`.
        version: JsonVersion,
        /// `metadata.targetPrefix`: `X-Amz-Target` is `<targetPrefix>.<Operation>`.
        target_prefix: String,
    },
    /// restJson1: HTTP bindings per operation ([`HttpBinding`]), JSON bodies.
    RestJson1,
}

/// The awsJson version (`metadata.jsonVersion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonVersion {
    /// `1.0`: `application/x-amz-json-1.0`.
    V1_0,
    /// `1.1`: `application/x-amz-json-1.1`.
    V1_1,
}

impl Protocol {
    /// The protocol's name as the docs say it (`awsQuery`, `awsJson 1.1`).
    pub fn display_name(&self) -> &'static str {
        match self {
            Protocol::AwsQuery => "awsQuery",
            Protocol::AwsJson {
                version: JsonVersion::V1_0,
                ..
            } => "awsJson 1.0",
            Protocol::AwsJson {
                version: JsonVersion::V1_1,
                ..
            } => "awsJson 1.1",
            Protocol::RestJson1 => "restJson1",
        }
    }

    /// The default wire format of timestamps in bodies.
    pub fn default_timestamp_format(&self) -> TimestampFormat {
        match self {
            Protocol::AwsQuery => TimestampFormat::Iso8601,
            Protocol::AwsJson { .. } | Protocol::RestJson1 => TimestampFormat::UnixTimestamp,
        }
    }
}

/// An operation the generator skips, and why.
#[derive(Debug, Clone)]
pub struct UnsupportedOperation {
    /// Operation name in the model.
    pub wire_name: String,
    /// `snake_case` module name.
    pub module: String,
    /// Markdown docs of the operation.
    pub docs: String,
    /// Why it is not generated (`its output member `Body` is a streaming blob`).
    pub reason: String,
}

/// Where a shape's Rust type lives in the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// A scalar: no type of its own (`String`, `i32`, ...).
    Inline,
    /// `crate::types::Name` (structures and enums referenced from other shapes).
    Types,
    /// `crate::types::error::Name` (exception structures).
    Error,
    /// Only used as an operation input or output: emitted per operation.
    OperationOnly,
}

/// One shape.
#[derive(Debug)]
pub struct Shape {
    /// Wire (model) name.
    pub wire_name: String,
    /// Rust type name (meaningful for structures and enums).
    pub rust_name: String,
    /// Markdown docs.
    pub docs: String,
    /// What the shape is.
    pub kind: ShapeKind,
    /// `sensitive` on the shape.
    pub sensitive: bool,
    /// `deprecated` on the shape.
    pub deprecated: Option<Deprecation>,
    /// Where its type lives.
    pub home: Home,
}

/// A deprecation note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// `deprecatedMessage`.
    pub message: Option<String>,
    /// `deprecatedSince`.
    pub since: Option<String>,
}

/// The kinds of shape.
#[derive(Debug)]
pub enum ShapeKind {
    /// A structure (or an exception).
    Structure(Structure),
    /// A list.
    List(List),
    /// A map.
    Map(Map),
    /// A string, possibly an enum.
    String(StringShape),
    /// A 32-bit integer.
    Integer(Range<i64>),
    /// A 64-bit integer.
    Long(Range<i64>),
    /// A 32-bit float.
    Float(Range<f64>),
    /// A 64-bit float.
    Double(Range<f64>),
    /// A boolean.
    Boolean,
    /// A timestamp.
    Timestamp {
        /// The shape's own `timestampFormat`.
        format: Option<TimestampFormat>,
    },
    /// Bytes.
    Blob {
        /// Length range in bytes.
        length: Range<u64>,
    },
    /// A document: an untyped JSON value (the runtime's `JsonValue`).
    Document,
}

/// A timestamp's wire format (`timestampFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimestampFormat {
    /// `iso8601`: `2024-01-02T03:04:05Z`.
    Iso8601,
    /// `rfc822`: the HTTP date format.
    Rfc822,
    /// `unixTimestamp`: seconds since the epoch.
    UnixTimestamp,
}

impl From<m::TimestampFormat> for TimestampFormat {
    fn from(f: m::TimestampFormat) -> Self {
        match f {
            m::TimestampFormat::Iso8601 => TimestampFormat::Iso8601,
            m::TimestampFormat::Rfc822 => TimestampFormat::Rfc822,
            m::TimestampFormat::UnixTimestamp => TimestampFormat::UnixTimestamp,
        }
    }
}

/// A `min`/`max` pair.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range<T> {
    /// Inclusive minimum.
    pub min: Option<T>,
    /// Inclusive maximum.
    pub max: Option<T>,
}

impl<T> Range<T> {
    /// Whether neither bound is set.
    pub fn is_empty(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }
}

/// A string shape.
#[derive(Debug)]
pub struct StringShape {
    /// Enum values (empty: a plain string).
    pub enum_values: Vec<EnumValue>,
    /// Length range in characters.
    pub length: Range<u64>,
    /// The pattern, when the client can check it.
    pub pattern: Option<String>,
    /// A modeled pattern the client cannot check (unsupported regex syntax).
    pub unchecked_pattern: Option<String>,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// The value on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub rust: String,
}

/// A structure shape.
#[derive(Debug)]
pub struct Structure {
    /// Members in wire-name order.
    pub members: Vec<Member>,
    /// The awsQuery error trait, for exceptions.
    pub error: Option<ErrorInfo>,
    /// `wrapper`: the output is wrapped in a result element.
    pub wrapper: bool,
    /// `union`: exactly one member is set.
    pub union: bool,
    /// `xmlNamespace` on the structure.
    pub xml_namespace: Option<XmlNs>,
    /// `locationName` on the structure (its XML element name).
    pub location_name: Option<String>,
    /// `payload`: the member (its wire name) that is the whole HTTP body (restJson).
    pub payload: Option<String>,
    /// Members the model removed, kept as deprecated accessors that do nothing for one release
    /// (see [`crate::retired`]); never sent or read.
    pub retired: Vec<Member>,
}

/// An exception's error trait.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The awsQuery error code (`error.code`, else the shape name).
    pub code: String,
    /// `error.httpStatusCode`.
    pub http_status: Option<u16>,
    /// `error.senderFault` (or `fault: false`): a client error.
    pub sender_fault: bool,
    /// `retryable` trait: `Some(throttling)` when modeled retryable.
    pub retryable: Option<bool>,
}

/// An XML namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlNs {
    /// Namespace URI.
    pub uri: String,
    /// Prefix, when one is declared.
    pub prefix: Option<String>,
}

/// A structure member.
#[derive(Debug)]
pub struct Member {
    /// Member name in the model.
    pub wire_name: String,
    /// Rust field and method name (unescaped; use [`naming::ident`]).
    pub rust_name: String,
    /// Target shape.
    pub target: ShapeId,
    /// In the structure's `required` list.
    pub required: bool,
    /// Markdown docs (member docs, else the target's).
    pub docs: String,
    /// `locationName`: the element / parameter name on the wire.
    pub location_name: Option<String>,
    /// `queryName`: the parameter name in ec2-style queries.
    pub query_name: Option<String>,
    /// `jsonName`: the member's key in JSON bodies.
    pub json_name: Option<String>,
    /// `flattened` on the member (or its list/map target).
    pub flattened: bool,
    /// The name a flattened list's items repeat under, when it is not the member's own:
    /// the list member's `locationName` when `flattened` is on the list shape (SimpleDB's
    /// `ReplaceableAttributeList`: `Attribute.1.Name=`, repeated `<Attribute>`), as botocore's
    /// query serializer and parser do. `flattened` on the member alone keeps the member's name.
    pub flattened_item_name: Option<String>,
    /// `xmlAttribute`.
    pub xml_attribute: bool,
    /// `xmlNamespace` on the member.
    pub xml_namespace: Option<XmlNs>,
    /// Effective timestamp format for a timestamp target.
    pub timestamp_format: Option<TimestampFormat>,
    /// Deprecation.
    pub deprecated: Option<Deprecation>,
    /// Sensitive member or sensitive target (directly or through a list/map).
    pub sensitive: bool,
    /// `idempotencyToken`.
    pub idempotency_token: bool,
    /// The Rust field needs a `Box` (the target structure contains this structure).
    pub boxed: bool,
    /// Where the member goes in the HTTP message (restJson; the body for the other protocols).
    pub location: Location,
    /// `jsonvalue`: a string holding JSON text (in a header it is sent base64-encoded).
    pub json_value: bool,
    /// The wire format of a timestamp (or of each timestamp of a list) bound to a header, a
    /// query parameter or a URI label: the member's `timestampFormat`, else the target's, else
    /// the location's default (header: HTTP date; query and label: RFC 3339).
    pub location_timestamp_format: Option<TimestampFormat>,
}

/// Where a member goes in the HTTP message (`location`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Location {
    /// The JSON body (or the whole body, as the structure's `payload`).
    #[default]
    Body,
    /// A `{label}` of the request URI.
    Uri,
    /// A query-string parameter, or one per entry of a map.
    Query,
    /// A header.
    Header,
    /// A map of headers whose names start with the member's `locationName`.
    Headers,
    /// The response's HTTP status code.
    StatusCode,
}

impl From<m::Location> for Location {
    fn from(l: m::Location) -> Self {
        match l {
            m::Location::Uri => Location::Uri,
            m::Location::Querystring => Location::Query,
            m::Location::Header => Location::Header,
            m::Location::Headers => Location::Headers,
            m::Location::StatusCode => Location::StatusCode,
        }
    }
}

/// A restJson operation's HTTP binding, parsed from `http.requestUri`.
#[derive(Debug, Clone)]
pub struct HttpBinding {
    /// The path, in order: literal text and labels (`/a/{B}/c/{D+}`).
    pub path: Vec<PathPart>,
    /// Literal query parameters of the request URI (`?foo=bar&baz`: `("foo", Some("bar"))`,
    /// `("baz", None)`), sent before the members bound to the query string.
    pub query: Vec<(String, Option<String>)>,
}

/// A piece of a request path.
#[derive(Debug, Clone)]
pub enum PathPart {
    /// Text copied as is.
    Literal(String),
    /// A `{Label}` or greedy `{Label+}` filled from an input member.
    Label {
        /// The input member's wire name.
        member: String,
        /// `{Label+}`: the value's `/` are kept.
        greedy: bool,
    },
}

impl Member {
    /// The name used on the wire: `locationName`, else the member name.
    pub fn serialized_name(&self) -> &str {
        self.location_name.as_deref().unwrap_or(&self.wire_name)
    }

    /// The name each item of a flattened list repeats under (awsQuery parameter and XML
    /// element): [`Member::flattened_item_name`], else [`Member::serialized_name`].
    pub fn item_name(&self) -> &str {
        self.flattened_item_name
            .as_deref()
            .unwrap_or_else(|| self.serialized_name())
    }

    /// The key in JSON bodies: `jsonName`, else `locationName`, else the member name.
    pub fn json_key(&self) -> &str {
        self.json_name
            .as_deref()
            .or(self.location_name.as_deref())
            .unwrap_or(&self.wire_name)
    }
}

/// A list shape.
#[derive(Debug)]
pub struct List {
    /// Element shape.
    pub member: ShapeId,
    /// `member.locationName`.
    pub member_location_name: Option<String>,
    /// `member.xmlNamespace`.
    pub member_xml_namespace: Option<XmlNs>,
    /// `flattened` on the list shape.
    pub flattened: bool,
    /// Length range in items.
    pub length: Range<u64>,
}

/// A map shape.
#[derive(Debug)]
pub struct Map {
    /// Key shape.
    pub key: ShapeId,
    /// Value shape.
    pub value: ShapeId,
    /// `key.locationName`.
    pub key_location_name: Option<String>,
    /// `value.locationName`.
    pub value_location_name: Option<String>,
    /// `flattened` on the map shape.
    pub flattened: bool,
    /// Length range in entries.
    pub length: Range<u64>,
}

/// An operation.
#[derive(Debug)]
pub struct Operation {
    /// Operation name in the model (the awsQuery `Action`).
    pub wire_name: String,
    /// `PascalCase` prefix of its types (`AssumeRole` -> `AssumeRoleInput`).
    pub rust_name: String,
    /// `snake_case` module and method name.
    pub module: String,
    /// Input shape.
    pub input: Option<ShapeId>,
    /// Output shape.
    pub output: Option<ShapeId>,
    /// `output.resultWrapper`.
    pub result_wrapper: Option<String>,
    /// Modeled errors, in model order, deduplicated.
    pub errors: Vec<ShapeId>,
    /// The variants of the operation's error enum, in model order: one per error code (the
    /// first shape with a code wins), each with its Rust names decided once here.
    pub error_variants: Vec<ErrorVariant>,
    /// Markdown docs.
    pub docs: String,
    /// Sent without a signature (`auth: [smithy.api#noAuth]` or `authtype: none`).
    pub unsigned: bool,
    /// HTTP method.
    pub http_method: String,
    /// HTTP request URI.
    pub http_uri: String,
    /// Deprecation.
    pub deprecated: Option<Deprecation>,
    /// `idempotent`.
    pub idempotent: bool,
    /// `requestcompression.encodings`: content encodings the service accepts for the body.
    pub request_compression: Vec<String>,
    /// The `endpoint` trait: a prefix put before the endpoint's host.
    pub host_prefix: Option<HostPrefix>,
    /// The parsed request URI (restJson only).
    pub http_binding: Option<HttpBinding>,
    /// `httpChecksumRequired`: the request carries a `Content-MD5` header.
    pub checksum_required: bool,
    /// `staticContextParams`: endpoint rule-set parameters this operation sets to fixed values
    /// (Signin's control-plane operations set `IsControlPlane = true`), sorted by name. Empty
    /// when the service has no endpoint rule set.
    pub static_context_params: Vec<StaticContextParam>,
}

/// One `staticContextParams` entry, checked against the rule set's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticContextParam {
    /// The rule set's parameter name (`IsControlPlane`).
    pub wire_name: String,
    /// Its `ParamsBuilder` setter (`is_control_plane`); set once the rule set is lowered.
    pub rust_name: String,
    /// The value.
    pub value: StaticContextValue,
}

/// The value of a [`StaticContextParam`], of the parameter's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticContextValue {
    /// A `boolean` parameter.
    Boolean(bool),
    /// A `string` parameter.
    String(String),
    /// A `stringArray` parameter.
    StringArray(Vec<String>),
}

/// The `staticContextParams` of an operation, values typed by their JSON (checked against the
/// rule set later, in [`resolve_static_context_params`]).
fn static_context_params(
    params: Option<&BTreeMap<String, serde_json::Value>>,
    path: &str,
) -> Result<Vec<StaticContextParam>> {
    let mut out = Vec::new();
    for (name, entry) in params.into_iter().flatten() {
        let value = match entry.get("value") {
            Some(serde_json::Value::Bool(b)) => StaticContextValue::Boolean(*b),
            Some(serde_json::Value::String(t)) => StaticContextValue::String(t.clone()),
            Some(serde_json::Value::Array(items)) => StaticContextValue::StringArray(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .with_context(|| {
                        format!("{path}.staticContextParams.{name}.value: a list of non-strings")
                    })?,
            ),
            _ => bail!(
                "{path}.staticContextParams.{name}: expected {{\"value\": <boolean, string or list of strings>}}"
            ),
        };
        out.push(StaticContextParam {
            wire_name: name.clone(),
            rust_name: String::new(),
            value,
        });
    }
    Ok(out)
}

/// Checks each operation's `staticContextParams` against the rule set's parameters (a name the
/// rule set lacks, or a value of another type, is an error naming both) and names their
/// setters; without a rule set they have nothing to set and are dropped.
fn resolve_static_context_params(
    operations: &mut [Operation],
    endpoints: Option<&endpoints::EndpointModel>,
) -> Result<()> {
    for op in operations {
        let Some(model) = endpoints else {
            op.static_context_params.clear();
            continue;
        };
        for p in &mut op.static_context_params {
            let param = model
                .params
                .iter()
                .find(|q| q.wire_name == p.wire_name)
                .with_context(|| {
                    format!(
                        "operation `{}`: staticContextParams names `{}`, which the endpoint rule set does not declare",
                        op.wire_name, p.wire_name
                    )
                })?;
            let fits = matches!(
                (&param.ty, &p.value),
                (
                    endpoints::ParamType::Boolean,
                    StaticContextValue::Boolean(_)
                ) | (endpoints::ParamType::String, StaticContextValue::String(_))
                    | (
                        endpoints::ParamType::StringArray,
                        StaticContextValue::StringArray(_)
                    )
            );
            ensure!(
                fits,
                "operation `{}`: staticContextParams gives `{}` a {:?}, but the endpoint rule set declares it {:?}",
                op.wire_name,
                p.wire_name,
                p.value,
                param.ty
            );
            p.rust_name = param.rust_name.clone();
        }
    }
    Ok(())
}

/// One variant of an operation's error enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorVariant {
    /// The variant's name: the error shape's Rust name, made unique within the enum (never
    /// `Unhandled`, which every error enum has).
    pub name: String,
    /// The `is_*` method that tests for this variant.
    pub predicate: String,
    /// The wire error code that selects this variant.
    pub code: String,
    /// The error structure.
    pub shape: ShapeId,
}

/// The error enum variants for `errors`: shapes without an error info and repeated codes are
/// skipped, names and predicates are made unique against each other and the enum's fixed
/// members (`Unhandled`, `is_unhandled`, `is_retryable`, `is_modeled_retryable`).
fn error_variants(errors: &[ShapeId], shapes: &[Shape]) -> Vec<ErrorVariant> {
    let mut names: BTreeSet<String> = ["Unhandled".to_owned()].into();
    let mut predicates: BTreeSet<String> = ["is_unhandled", "is_retryable", "is_modeled_retryable"]
        .map(str::to_owned)
        .into();
    let mut codes = BTreeSet::new();
    let mut out = Vec::new();
    for &id in errors {
        let shape = &shapes[id.0];
        let ShapeKind::Structure(Structure {
            error: Some(info), ..
        }) = &shape.kind
        else {
            continue;
        };
        if !codes.insert(info.code.as_str()) {
            continue;
        }
        let name = unique(shape.rust_name.clone(), &mut names);
        let predicate = unique(format!("is_{}", naming::field_name(&name)), &mut predicates);
        out.push(ErrorVariant {
            name,
            predicate,
            code: info.code.clone(),
            shape: id,
        });
    }
    out
}

/// An operation's `endpoint.hostPrefix`: text with `{Label}` placeholders filled from input
/// members (the `hostLabel` members).
#[derive(Debug, Clone)]
pub struct HostPrefix {
    /// The template, as in the model (`foo.{label}.`).
    pub template: String,
    /// The template parsed: literal text and labels, in order (literals are never empty).
    pub parts: Vec<HostPrefixPart>,
}

impl HostPrefix {
    /// The labels, in template order.
    pub fn labels(&self) -> impl Iterator<Item = &HostLabel> {
        self.parts.iter().filter_map(|p| match p {
            HostPrefixPart::Label(l) => Some(l),
            HostPrefixPart::Literal(_) => None,
        })
    }
}

/// A piece of a host prefix template.
#[derive(Debug, Clone)]
pub enum HostPrefixPart {
    /// Text copied as is.
    Literal(String),
    /// A `{Label}` filled from an input member.
    Label(HostLabel),
}

/// One `{Label}` of a host prefix.
#[derive(Debug, Clone)]
pub struct HostLabel {
    /// The placeholder (the member's wire name).
    pub name: String,
    /// The member's Rust name.
    pub rust_name: String,
    /// Whether the member is required (else a missing value is a build error).
    pub required: bool,
    /// Whether the member is a string enum (its text is the enum value's).
    pub is_enum: bool,
}

/// Parses a `hostPrefix` template against the operation's input members.
fn host_prefix(
    template: &str,
    input: Option<&Structure>,
    shapes: &[Shape],
    path: &str,
) -> Result<HostPrefix> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|i| open + i)
            .ok_or_else(|| anyhow!("{path}: unclosed `{{` in `{template}`"))?;
        let name = &rest[open + 1..close];
        let member = input
            .and_then(|s| s.members.iter().find(|m| m.wire_name == name))
            .ok_or_else(|| {
                anyhow!("{path}: `{{{name}}}` in `{template}` is not an input member")
            })?;
        let ShapeKind::String(target) = &shapes[member.target.0].kind else {
            bail!("{path}: host label `{name}` is not a string member");
        };
        if open > 0 {
            parts.push(HostPrefixPart::Literal(rest[..open].to_owned()));
        }
        parts.push(HostPrefixPart::Label(HostLabel {
            name: name.to_owned(),
            rust_name: member.rust_name.clone(),
            required: member.required,
            is_enum: !target.enum_values.is_empty(),
        }));
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        bail!("{path}: unopened `}}` in `{template}`");
    }
    if !rest.is_empty() {
        parts.push(HostPrefixPart::Literal(rest.to_owned()));
    }
    Ok(HostPrefix {
        template: template.to_owned(),
        parts,
    })
}

/// Parses a restJson `requestUri` (`/things/{ThingName}/parts/{Key+}?list-type=2`): labels name
/// an input member bound to the URI (by its `locationName`, else its name).
fn http_binding(uri: &str, input: Option<&Structure>, path: &str) -> Result<HttpBinding> {
    let (path_text, query_text) = match uri.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (uri, None),
    };
    let mut parts = Vec::new();
    let mut rest = path_text;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|i| open + i)
            .ok_or_else(|| anyhow!("{path}: unclosed `{{` in `{uri}`"))?;
        let label = &rest[open + 1..close];
        let (name, greedy) = match label.strip_suffix('+') {
            Some(n) => (n, true),
            None => (label, false),
        };
        let member = input
            .and_then(|s| {
                s.members
                    .iter()
                    .find(|m| m.location == Location::Uri && m.serialized_name() == name)
                    .or_else(|| s.members.iter().find(|m| m.wire_name == name))
            })
            .ok_or_else(|| {
                anyhow!("{path}: `{{{label}}}` in `{uri}` is not an input member bound to the URI")
            })?;
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        parts.push(PathPart::Label {
            member: member.wire_name.clone(),
            greedy,
        });
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        bail!("{path}: unopened `}}` in `{uri}`");
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    let query = query_text
        .map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (p.to_owned(), None),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(HttpBinding { path: parts, query })
}

impl Service {
    /// The shape with this id.
    pub fn shape(&self, id: ShapeId) -> &Shape {
        &self.shapes[id.0]
    }

    /// Looks a shape up by wire name.
    pub fn shape_by_name(&self, name: &str) -> Option<ShapeId> {
        self.shapes
            .binary_search_by(|s| s.wire_name.as_str().cmp(name))
            .ok()
            .map(ShapeId)
    }

    /// The structure body of a shape, if it is one.
    pub fn structure(&self, id: ShapeId) -> Option<&Structure> {
        match &self.shape(id).kind {
            ShapeKind::Structure(s) => Some(s),
            _ => None,
        }
    }

    /// Whether a string shape is an enum.
    pub fn is_enum(&self, id: ShapeId) -> bool {
        matches!(&self.shape(id).kind, ShapeKind::String(s) if !s.enum_values.is_empty())
    }

    /// Every exception shape any operation names, in wire order.
    pub fn error_shapes(&self) -> Vec<ShapeId> {
        (0..self.shapes.len())
            .map(ShapeId)
            .filter(|&id| self.shape(id).home == Home::Error)
            .collect()
    }
}

fn deprecation(
    flag: Option<bool>,
    message: &Option<String>,
    since: &Option<String>,
) -> Option<Deprecation> {
    if flag == Some(true) || message.is_some() {
        Some(Deprecation {
            message: message.clone(),
            since: since.clone(),
        })
    } else {
        None
    }
}

fn xml_ns(ns: &Option<XmlNamespace>) -> Option<XmlNs> {
    ns.as_ref().map(|ns| match ns {
        XmlNamespace::Uri(uri) => XmlNs {
            uri: uri.clone(),
            prefix: None,
        },
        XmlNamespace::Full { uri, prefix } => XmlNs {
            uri: uri.clone(),
            prefix: prefix.clone(),
        },
    })
}

fn number_u64(n: &Option<serde_json::Number>, path: &str) -> Result<Option<u64>> {
    match n {
        None => Ok(None),
        Some(n) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            })
            .map(Some)
            .ok_or_else(|| anyhow!("{path}: length bound {n} is not a non-negative integer")),
    }
}

fn number_i64(n: &Option<serde_json::Number>, path: &str) -> Result<Option<i64>> {
    match n {
        None => Ok(None),
        Some(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| anyhow!("{path}: integer bound {n} is not an integer")),
    }
}

fn number_f64(n: &Option<serde_json::Number>) -> Option<f64> {
    n.as_ref().and_then(|n| n.as_f64())
}

/// The protocol the generated crate speaks: the first of `metadata.protocols` (else
/// `metadata.protocol`) that this generator speaks, as botocore picks the first it supports.
fn choose_protocol(meta: &m::Metadata) -> Result<Protocol> {
    let listed: Vec<&str> = match &meta.protocols {
        Some(p) if !p.is_empty() => p.iter().map(String::as_str).collect(),
        _ => vec![meta.protocol.as_str()],
    };
    for name in &listed {
        match *name {
            "query" => return Ok(Protocol::AwsQuery),
            "json" => {
                let version = match meta.json_version.as_deref() {
                    Some("1.0") => JsonVersion::V1_0,
                    Some("1.1") => JsonVersion::V1_1,
                    Some(other) => bail!("metadata.jsonVersion: `{other}` is not 1.0 or 1.1"),
                    None => bail!("metadata.jsonVersion: an awsJson model needs one (1.0 or 1.1)"),
                };
                let target_prefix = meta
                    .target_prefix
                    .clone()
                    .ok_or_else(|| anyhow!("metadata.targetPrefix: an awsJson model needs one"))?;
                return Ok(Protocol::AwsJson {
                    version,
                    target_prefix,
                });
            }
            "rest-json" => return Ok(Protocol::RestJson1),
            _ => {}
        }
    }
    bail!(
        "metadata.protocol: this generator speaks awsQuery, awsJson and restJson1; the model uses `{}`{}",
        meta.protocol,
        meta.protocols.as_ref().map(|p| format!(" (protocols {p:?})")).unwrap_or_default()
    )
}

/// What kind of streaming keeps an operation from being generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Streaming {
    /// A `streaming` blob (or a member marked `streaming`) as the input or output payload.
    Payload,
    /// An `eventstream` structure in the input or output.
    EventStream,
}

/// The operations of `model` that the generator emits without a method because they stream, in
/// model order: `(name, kind, reason)`. `cargo xtask check-models` counts them.
pub fn streaming_operations(model: &m::ServiceModel) -> Vec<(String, Streaming, String)> {
    model
        .operations
        .iter()
        .filter_map(|(name, op)| streaming(model, op).map(|(kind, why)| (name.clone(), kind, why)))
        .collect()
}

/// Why an operation cannot be generated yet: a streaming member or an event stream in its
/// input or output (looked up in the model, where `streaming` and `eventstream` live), or a
/// required `Content-MD5` checksum in a protocol whose emitters do not compute it (restJson's do).
fn unsupported_reason(
    model: &m::ServiceModel,
    op: &m::Operation,
    protocol: &Protocol,
) -> Option<String> {
    if op.http_checksum_required == Some(true) && *protocol != Protocol::RestJson1 {
        return Some("it requires a `Content-MD5` checksum of the request (`httpChecksumRequired`), which this \
                     generator does not compute yet"
            .to_owned());
    }
    streaming(model, op).map(|(_, why)| why)
}

fn streaming(model: &m::ServiceModel, op: &m::Operation) -> Option<(Streaming, String)> {
    for (what, r) in [("input", &op.input), ("output", &op.output)] {
        let Some(r) = r else { continue };
        let Some(m::Shape::Structure(s)) = model.shapes.get(&r.shape) else {
            continue;
        };
        for (name, member) in &s.members {
            let target = model.shapes.get(&member.shape);
            let streaming_blob =
                matches!(target, Some(m::Shape::Blob(b)) if b.streaming == Some(true));
            let event_stream =
                matches!(target, Some(m::Shape::Structure(t)) if t.eventstream == Some(true));
            if event_stream {
                return Some((
                    Streaming::EventStream,
                    format!("its {what} member `{name}` is an event stream"),
                ));
            }
            if streaming_blob || member.streaming == Some(true) {
                return Some((
                    Streaming::Payload,
                    format!("its {what} member `{name}` is a streaming payload"),
                ));
            }
        }
    }
    None
}

/// The pattern as the client will check it, or `None` when the regex engine cannot compile it.
fn checkable_pattern(pattern: &str) -> bool {
    crate::pattern::compile(pattern).is_some()
}

/// Assigns unique names: the first holder of a name keeps it, later ones get a numeric suffix.
fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{name}{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// Method names generated on every error structure (besides `message`, which reads the same member).
const ERROR_METHODS: &[&str] = &["code", "meta", "from_meta"];

/// Method names generated on every structure (and `Default::default`, which generated code calls
/// on builders as `Builder::default()`), which members must not shadow.
const RESERVED_METHODS: &[&str] = &["builder", "validate", "build", "default"];

/// Attaches the members of `retired` whose structure and target still exist (and which the
/// structure has not regained) as retired members: optional, deprecated, documented as inert.
fn retire_members(
    shapes: &mut [Shape],
    index: &BTreeMap<&str, ShapeId>,
    retired: &[crate::retired::RetiredMember],
) {
    for r in retired {
        let (Some(&sid), Some(&target)) =
            (index.get(r.shape.as_str()), index.get(r.target.as_str()))
        else {
            continue;
        };
        let ShapeKind::Structure(s) = &mut shapes[sid.0].kind else {
            continue;
        };
        if s.members
            .iter()
            .chain(&s.retired)
            .any(|m| m.wire_name == r.member)
        {
            continue;
        }
        let mut taken: BTreeSet<String> = RESERVED_METHODS.iter().map(|s| s.to_string()).collect();
        taken.extend(
            s.members
                .iter()
                .chain(&s.retired)
                .map(|m| m.rust_name.clone()),
        );
        let mut rust = naming::field_name(&r.member);
        if RESERVED_METHODS.contains(&rust.as_str()) {
            rust.push_str("_value");
        }
        let rust_name = unique(rust, &mut taken);
        s.retired.push(Member {
            wire_name: r.member.clone(),
            rust_name,
            target,
            required: false,
            docs: format!(
                "`{}` was removed from the service model in version {} of this crate. This accessor is kept \
                 for one release so code that uses it still compiles: it always reads as unset, and values \
                 given to its setters are dropped (never sent).",
                r.member, r.removed_in
            ),
            location_name: None,
            query_name: None,
            json_name: None,
            flattened: false,
            flattened_item_name: None,
            xml_attribute: false,
            xml_namespace: None,
            timestamp_format: None,
            deprecated: Some(Deprecation {
                message: Some("removed from the service model; this accessor does nothing and goes away in the next release".to_owned()),
                since: Some(r.removed_in.clone()),
            }),
            sensitive: false,
            idempotency_token: false,
            boxed: false,
            location: Location::Body,
            json_value: false,
            location_timestamp_format: None,
        });
    }
}

/// Lowers a service's parsed documents into the IR: shapes, operations, the privilege model and
/// the endpoint rule set, every decision made here.
pub fn lower(sources: &Sources, options: &Options) -> Result<Service> {
    let model = &sources.service;
    let privileges = sources.privileges.as_ref();
    let overrides = &sources.overrides;
    let meta = &model.metadata;
    let protocol = choose_protocol(meta)?;
    let aws_query_compatible = meta.aws_query_compatible.is_some();

    let names: Vec<&String> = model.shapes.keys().collect();
    let index: BTreeMap<&str, ShapeId> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), ShapeId(i)))
        .collect();
    let resolve = |name: &str, from: &str| -> Result<ShapeId> {
        index
            .get(name)
            .copied()
            .ok_or_else(|| anyhow!("{from}: refers to unknown shape `{name}`"))
    };

    // First pass: shapes without members resolved.
    let mut shapes = Vec::with_capacity(names.len());
    for (name, shape) in &model.shapes {
        let path = format!("shapes.{name}");
        shapes.push(lower_shape(name, shape, &path, &resolve)?);
    }

    // Operations.
    let mut operations = Vec::new();
    let mut op_modules = BTreeSet::new();
    let mut op_types = BTreeSet::new();
    let mut io_shapes = BTreeSet::new();
    let mut error_set = BTreeSet::new();
    let mut unsupported = Vec::new();
    for (name, op) in &model.operations {
        let path = format!("operations.{name}");
        if &op.name != name {
            bail!(
                "{path}.name: `{}` differs from the operation key `{name}`",
                op.name
            );
        }
        if let Some(reason) = unsupported_reason(model, op, &protocol) {
            unsupported.push(UnsupportedOperation {
                wire_name: name.clone(),
                module: unique(naming::field_name(name), &mut op_modules),
                docs: html_to_markdown(op.documentation.as_deref().unwrap_or("")),
                reason,
            });
            continue;
        }
        let input = op
            .input
            .as_ref()
            .map(|r| resolve(&r.shape, &format!("{path}.input")))
            .transpose()?;
        let output = op
            .output
            .as_ref()
            .map(|r| resolve(&r.shape, &format!("{path}.output")))
            .transpose()?;
        for (id, what) in input
            .iter()
            .map(|i| (i, "input"))
            .chain(output.iter().map(|o| (o, "output")))
        {
            if !matches!(shapes[id.0].kind, ShapeKind::Structure(_)) {
                bail!(
                    "{path}.{what}: shape `{}` is not a structure",
                    shapes[id.0].wire_name
                );
            }
            io_shapes.insert(*id);
        }
        let mut errors = Vec::new();
        for (i, e) in op.errors.iter().enumerate() {
            let id = resolve(&e.shape, &format!("{path}.errors[{i}]"))?;
            match &mut shapes[id.0].kind {
                ShapeKind::Structure(s) => {
                    // Legacy models carry the error trait on the reference instead of the shape.
                    if s.error.is_none() {
                        if let Some(t) = &e.error {
                            s.error = Some(ErrorInfo {
                                code: t.code.clone().unwrap_or_else(|| e.shape.clone()),
                                http_status: t.http_status_code,
                                sender_fault: t
                                    .sender_fault
                                    .or(t.fault.map(|f| !f))
                                    .unwrap_or(!e.fault.unwrap_or(false)),
                                retryable: None,
                            });
                        }
                    }
                }
                _ => bail!("{path}.errors[{i}]: shape `{}` is not a structure", e.shape),
            }
            if !errors.contains(&id) {
                errors.push(id);
                error_set.insert(id);
            }
        }
        let unsigned = op.authtype.as_deref() == Some("none")
            || op
                .auth
                .as_ref()
                .is_some_and(|a| !a.is_empty() && a.iter().all(|s| s == "smithy.api#noAuth"));
        let rust_name = unique(naming::type_name(name), &mut op_types);
        let module = unique(naming::field_name(name), &mut op_modules);
        let input_struct = input.and_then(|id| match &shapes[id.0].kind {
            ShapeKind::Structure(s) => Some(s),
            _ => None,
        });
        let host_prefix = op
            .endpoint
            .as_ref()
            .map(|e| {
                host_prefix(
                    &e.host_prefix,
                    input_struct,
                    &shapes,
                    &format!("{path}.endpoint.hostPrefix"),
                )
            })
            .transpose()?;
        // The runtime sends the standard methods only (`protocol::method_named`); a model that
        // names another is refused here rather than sent as something else.
        const METHODS: [&str; 9] = [
            "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE", "CONNECT",
        ];
        if !METHODS.contains(&op.http.method.as_str()) {
            bail!(
                "{path}.http.method: `{}` is not a standard HTTP method (one of {})",
                op.http.method,
                METHODS.join(", ")
            );
        }
        operations.push(Operation {
            wire_name: name.clone(),
            rust_name,
            module,
            input,
            output,
            result_wrapper: op.output.as_ref().and_then(|o| o.result_wrapper.clone()),
            errors,
            error_variants: Vec::new(),
            docs: html_to_markdown(op.documentation.as_deref().unwrap_or("")),
            unsigned,
            http_method: op.http.method.clone(),
            http_uri: op.http.request_uri.clone(),
            deprecated: deprecation(op.deprecated, &op.deprecated_message, &op.deprecated_since),
            idempotent: op.idempotent.unwrap_or(false),
            request_compression: op
                .requestcompression
                .as_ref()
                .map(|r| r.encodings.clone())
                .unwrap_or_default(),
            host_prefix,
            http_binding: None,
            checksum_required: op.http_checksum_required.unwrap_or(false),
            static_context_params: static_context_params(op.static_context_params.as_ref(), &path)?,
        });
    }

    // Which shapes are referenced from other shapes (members, list items, map keys/values)?
    let mut referenced = BTreeSet::new();
    for shape in &shapes {
        match &shape.kind {
            ShapeKind::Structure(s) => referenced.extend(s.members.iter().map(|m| m.target)),
            ShapeKind::List(l) => {
                referenced.insert(l.member);
            }
            ShapeKind::Map(m) => {
                referenced.insert(m.key);
                referenced.insert(m.value);
            }
            _ => {}
        }
    }

    // Homes and unique type names per module.
    let mut types_names = BTreeSet::new();
    let mut error_names = BTreeSet::new();
    for (i, shape) in shapes.iter_mut().enumerate() {
        let id = ShapeId(i);
        // An event stream (a union of events and exceptions) only appears in the output of an
        // operation that is not generated: it gets no type of its own.
        let event_stream = matches!(model.shapes.get(&shape.wire_name), Some(m::Shape::Structure(st)) if st.eventstream == Some(true));
        shape.home = match &shape.kind {
            ShapeKind::Structure(_) if event_stream => Home::OperationOnly,
            ShapeKind::Structure(s)
                if error_set.contains(&id) || s.error.is_some() && !io_shapes.contains(&id) =>
            {
                Home::Error
            }
            ShapeKind::Structure(_) if referenced.contains(&id) => Home::Types,
            ShapeKind::Structure(_) => Home::OperationOnly,
            ShapeKind::String(s) if !s.enum_values.is_empty() => Home::Types,
            _ => Home::Inline,
        };
        match shape.home {
            Home::Types => shape.rust_name = unique(shape.rust_name.clone(), &mut types_names),
            Home::Error => shape.rust_name = unique(shape.rust_name.clone(), &mut error_names),
            _ => {}
        }
        // An exception keeps an error info even when the model has no `error` trait, and its
        // members must not shadow the accessors every error has.
        if shape.home == Home::Error {
            if let ShapeKind::Structure(s) = &mut shape.kind {
                let mut taken: BTreeSet<String> =
                    s.members.iter().map(|m| m.rust_name.clone()).collect();
                for m in &mut s.members {
                    if ERROR_METHODS.contains(&m.rust_name.as_str()) {
                        taken.remove(&m.rust_name);
                        m.rust_name = unique(format!("{}_value", m.rust_name), &mut taken);
                    }
                }
                if s.error.is_none() {
                    s.error = Some(ErrorInfo {
                        code: shape.wire_name.clone(),
                        http_status: None,
                        sender_fault: true,
                        retryable: None,
                    });
                }
            }
        }
    }

    // awsJson errors are named by their shape (`__type`); the awsQuery code in `error.code`
    // only applies to awsQuery-compatible services, which send it in `x-amzn-query-error`.
    if matches!(protocol, Protocol::AwsJson { .. }) && !aws_query_compatible {
        for shape in &mut shapes {
            if let ShapeKind::Structure(Structure {
                error: Some(info), ..
            }) = &mut shape.kind
            {
                info.code = shape.wire_name.clone();
            }
        }
    }

    // Error enums, now that every error shape has its final name and an error info.
    for op in &mut operations {
        op.error_variants = error_variants(&op.errors, &shapes);
    }

    // Hand-written sensitivity overrides.
    for o in &overrides.sensitive {
        let (shape_name, member_name) = o.member.split_once('.').ok_or_else(|| {
            anyhow!(
                "overrides: sensitive member `{}` is not of the form Shape.Member",
                o.member
            )
        })?;
        let id = index.get(shape_name).ok_or_else(|| {
            anyhow!(
                "overrides: sensitive member `{}`: no shape `{shape_name}`",
                o.member
            )
        })?;
        let member = match &mut shapes[id.0].kind {
            ShapeKind::Structure(s) => s.members.iter_mut().find(|m| m.wire_name == member_name),
            _ => None,
        }
        .ok_or_else(|| {
            anyhow!(
                "overrides: sensitive member `{}`: `{shape_name}` has no member `{member_name}`",
                o.member
            )
        })?;
        member.sensitive = true;
    }

    retire_members(&mut shapes, &index, &options.retired);

    // Hand-written limits.
    quirks::apply_limits(&mut shapes, &index, overrides)?;

    // Sensitivity through lists and maps, and boxing of recursive members.
    let sensitive: Vec<bool> = (0..shapes.len())
        .map(|i| deep_sensitive(&shapes, ShapeId(i), 0))
        .collect();
    let reach = direct_struct_reach(&shapes);
    for (i, shape) in shapes.iter_mut().enumerate() {
        if let ShapeKind::Structure(s) = &mut shape.kind {
            for member in &mut s.members {
                member.sensitive |= sensitive[member.target.0];
                member.boxed = reach[member.target.0].contains(&ShapeId(i));
            }
        }
    }

    // The item name of lists flattened on the list shape, now that every target is lowered.
    let item_names: Vec<Option<String>> = shapes
        .iter()
        .map(|shape| match &shape.kind {
            ShapeKind::List(l) if l.flattened => l.member_location_name.clone(),
            _ => None,
        })
        .collect();
    for shape in &mut shapes {
        if let ShapeKind::Structure(s) = &mut shape.kind {
            for member in &mut s.members {
                member.flattened_item_name = item_names[member.target.0].clone();
            }
        }
    }

    // HTTP bindings (restJson): the timestamp format of members bound to headers, query
    // parameters and labels, and each operation's parsed request URI.
    if protocol == Protocol::RestJson1 {
        let ts_of = |shapes: &[Shape], id: ShapeId| -> Option<Option<TimestampFormat>> {
            match &shapes[id.0].kind {
                ShapeKind::Timestamp { format } => Some(*format),
                ShapeKind::List(l) => match &shapes[l.member.0].kind {
                    ShapeKind::Timestamp { format } => Some(*format),
                    _ => None,
                },
                _ => None,
            }
        };
        let formats: Vec<Vec<Option<TimestampFormat>>> = shapes
            .iter()
            .map(|shape| match &shape.kind {
                ShapeKind::Structure(s) => s
                    .members
                    .iter()
                    .map(|m| {
                        let default = match m.location {
                            Location::Header | Location::Headers => TimestampFormat::Rfc822,
                            Location::Uri | Location::Query => TimestampFormat::Iso8601,
                            Location::Body | Location::StatusCode => return None,
                        };
                        let target = ts_of(&shapes, m.target)?;
                        Some(m.timestamp_format.or(target).unwrap_or(default))
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        for (shape, formats) in shapes.iter_mut().zip(formats) {
            if let ShapeKind::Structure(s) = &mut shape.kind {
                for (m, f) in s.members.iter_mut().zip(formats) {
                    m.location_timestamp_format = f;
                }
            }
        }
        for op in &mut operations {
            let path = format!("operations.{}.http.requestUri", op.wire_name);
            let input = op.input.and_then(|id| match &shapes[id.0].kind {
                ShapeKind::Structure(s) => Some(s),
                _ => None,
            });
            op.http_binding = Some(http_binding(&op.http_uri, input, &path)?);
        }
    }

    let iam = match privileges {
        Some(p) => {
            let ops: Vec<String> = operations.iter().map(|o| o.wire_name.clone()).collect();
            let declared = quirks::declare_actions(p, overrides)?;
            let mut model = iam::lower(&declared, &ops).context("privilege model")?;
            quirks::apply_permissions(&mut model, &shapes, &index, &operations, overrides)?;
            Some(model)
        }
        None => None,
    };

    let endpoints = match &sources.endpoint_rules {
        Some(rules) => Some(
            endpoints::lower(
                rules,
                sources.partitions.as_ref(),
                sources.endpoint_tests.as_ref(),
            )
            .context("endpoint rule set")?,
        ),
        None => None,
    };
    resolve_static_context_params(&mut operations, endpoints.as_ref())?;
    let service_id = meta
        .service_id
        .clone()
        .unwrap_or_else(|| meta.endpoint_prefix.clone().unwrap_or_default());
    let crate_name = match &options.crate_name {
        Some(n) => n.clone(),
        None => naming::field_name(&service_id),
    };
    let endpoint_prefix = meta
        .endpoint_prefix
        .clone()
        .unwrap_or_else(|| crate_name.clone());
    Ok(Service {
        crate_name,
        api_version: meta.api_version.clone(),
        full_name: meta
            .service_full_name
            .clone()
            .unwrap_or_else(|| service_id.clone()),
        service_id,
        signing_name: meta
            .signing_name
            .clone()
            .unwrap_or_else(|| endpoint_prefix.clone()),
        endpoint_prefix,
        global_endpoint: meta.global_endpoint.clone(),
        xml_namespace: meta.xml_namespace.clone(),
        protocol,
        aws_query_compatible,
        unsupported,
        auth: meta.auth.clone().unwrap_or_default(),
        docs: service_docs(model),
        shapes,
        operations,
        iam,
        endpoints,
    })
}

/// A member's docs as Markdown, with the enum values a legacy model lists on the member.
fn member_docs(mem: &m::Member) -> String {
    let docs = html_to_markdown(mem.documentation.as_deref().unwrap_or(""));
    match &mem.enum_values {
        Some(values) if !values.is_empty() => {
            let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            let list = format!("Values: {}.", values.join(", "));
            if docs.is_empty() {
                list
            } else {
                format!("{docs}\n\n{list}")
            }
        }
        _ => docs,
    }
}

/// The service's docs as Markdown, led by a deprecation note when the model deprecates the
/// whole service (`deprecated`, `deprecatedMessage`).
fn service_docs(model: &m::ServiceModel) -> String {
    let docs = html_to_markdown(model.documentation.as_deref().unwrap_or(""));
    if model.deprecated != Some(true) && model.deprecated_message.is_none() {
        return docs;
    }
    let note = match model
        .deprecated_message
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(why) => format!("**Deprecated:** {}", html_to_markdown(why)),
        None => "**Deprecated.**".to_owned(),
    };
    if docs.is_empty() {
        note
    } else {
        format!("{note}\n\n{docs}")
    }
}

/// Whether a shape is sensitive, directly or through list items and map values.
fn deep_sensitive(shapes: &[Shape], id: ShapeId, depth: usize) -> bool {
    let shape = &shapes[id.0];
    if shape.sensitive {
        return true;
    }
    if depth > 32 {
        return false;
    }
    match &shape.kind {
        ShapeKind::List(l) => {
            !matches!(shapes[l.member.0].kind, ShapeKind::Structure(_))
                && deep_sensitive(shapes, l.member, depth + 1)
        }
        ShapeKind::Map(m) => {
            !matches!(shapes[m.value.0].kind, ShapeKind::Structure(_))
                && deep_sensitive(shapes, m.value, depth + 1)
        }
        _ => false,
    }
}

/// For each shape, the structures reachable through direct (non-list, non-map) structure members.
fn direct_struct_reach(shapes: &[Shape]) -> Vec<BTreeSet<ShapeId>> {
    let edges: Vec<Vec<ShapeId>> = shapes
        .iter()
        .map(|s| match &s.kind {
            ShapeKind::Structure(st) => st
                .members
                .iter()
                .map(|m| m.target)
                .filter(|t| matches!(shapes[t.0].kind, ShapeKind::Structure(_)))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    (0..shapes.len())
        .map(|start| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![ShapeId(start)];
            while let Some(s) = stack.pop() {
                for &t in &edges[s.0] {
                    if seen.insert(t) {
                        stack.push(t);
                    }
                }
            }
            // A structure reaches `start` iff it is in `seen` and `start` is in its set; we store
            // "shapes reachable from start", and ask `reach[target].contains(container)`.
            seen
        })
        .collect()
}

fn lower_shape(
    name: &str,
    shape: &m::Shape,
    path: &str,
    resolve: &dyn Fn(&str, &str) -> Result<ShapeId>,
) -> Result<Shape> {
    let mk = |kind: ShapeKind,
              docs: &Option<String>,
              sensitive: Option<bool>,
              dep: Option<Deprecation>| Shape {
        wire_name: name.to_owned(),
        rust_name: naming::type_name(name),
        docs: html_to_markdown(docs.as_deref().unwrap_or("")),
        kind,
        sensitive: sensitive.unwrap_or(false),
        deprecated: dep,
        home: Home::Inline,
    };
    Ok(match shape {
        m::Shape::Structure(s) if s.document == Some(true) => mk(
            ShapeKind::Document,
            &s.documentation,
            s.sensitive,
            deprecation(s.deprecated, &s.deprecated_message, &s.deprecated_since),
        ),
        m::Shape::Structure(s) => {
            let mut members = Vec::new();
            let mut taken: BTreeSet<String> =
                RESERVED_METHODS.iter().map(|s| s.to_string()).collect();
            for (mname, mem) in &s.members {
                let mpath = format!("{path}.members.{mname}");
                let target = resolve(&mem.shape, &mpath)?;
                let mut rust = naming::field_name(mname);
                if RESERVED_METHODS.contains(&rust.as_str()) {
                    rust.push_str("_value");
                }
                let rust_name = unique(rust, &mut taken);
                members.push(Member {
                    wire_name: mname.clone(),
                    rust_name,
                    target,
                    required: s.required.contains(mname),
                    docs: member_docs(mem),
                    location_name: mem.location_name.clone(),
                    query_name: mem.query_name.clone(),
                    json_name: mem.json_name.clone(),
                    flattened: mem.flattened.unwrap_or(false),
                    flattened_item_name: None,
                    xml_attribute: mem.xml_attribute.unwrap_or(false),
                    xml_namespace: xml_ns(&mem.xml_namespace),
                    timestamp_format: mem.timestamp_format.map(TimestampFormat::from),
                    deprecated: deprecation(
                        mem.deprecated,
                        &mem.deprecated_message,
                        &mem.deprecated_since,
                    ),
                    sensitive: mem.sensitive.unwrap_or(false),
                    idempotency_token: mem.idempotency_token.unwrap_or(false),
                    boxed: false,
                    location: mem.location.map(Location::from).unwrap_or_default(),
                    json_value: mem.jsonvalue.unwrap_or(false),
                    location_timestamp_format: None,
                });
            }
            for r in &s.required {
                if !s.members.contains_key(r) {
                    bail!("{path}.required: `{r}` is not a member of the structure");
                }
            }
            let error = s.error.as_ref().map(|e| ErrorInfo {
                code: e.code.clone().unwrap_or_else(|| name.to_owned()),
                http_status: e.http_status_code,
                sender_fault: e
                    .sender_fault
                    .or(e.fault.map(|f| !f))
                    .unwrap_or(!s.fault.unwrap_or(false)),
                retryable: s.retryable.as_ref().map(|r| r.throttling.unwrap_or(false)),
            });
            let error = error.or_else(|| {
                (s.exception == Some(true)).then(|| ErrorInfo {
                    code: name.to_owned(),
                    http_status: None,
                    sender_fault: !s.fault.unwrap_or(false),
                    retryable: s.retryable.as_ref().map(|r| r.throttling.unwrap_or(false)),
                })
            });
            mk(
                ShapeKind::Structure(Structure {
                    members,
                    error,
                    wrapper: s.wrapper.unwrap_or(false),
                    union: s.union.unwrap_or(false),
                    xml_namespace: xml_ns(&s.xml_namespace),
                    location_name: s.location_name.clone(),
                    payload: match &s.payload {
                        Some(p) if !s.members.contains_key(p) => {
                            bail!("{path}.payload: `{p}` is not a member of the structure")
                        }
                        p => p.clone(),
                    },
                    retired: Vec::new(),
                }),
                &s.documentation,
                s.sensitive,
                deprecation(s.deprecated, &s.deprecated_message, &s.deprecated_since),
            )
        }
        m::Shape::List(l) => mk(
            ShapeKind::List(List {
                member: resolve(&l.member.shape, &format!("{path}.member"))?,
                member_location_name: l.member.location_name.clone(),
                member_xml_namespace: xml_ns(&l.member.xml_namespace),
                flattened: l.flattened.unwrap_or(false),
                length: Range {
                    min: number_u64(&l.min, path)?,
                    max: number_u64(&l.max, path)?,
                },
            }),
            &l.documentation,
            l.sensitive,
            deprecation(l.deprecated, &l.deprecated_message, &l.deprecated_since),
        ),
        m::Shape::Map(mp) => mk(
            ShapeKind::Map(Map {
                key: resolve(&mp.key.shape, &format!("{path}.key"))?,
                value: resolve(&mp.value.shape, &format!("{path}.value"))?,
                key_location_name: mp.key.location_name.clone(),
                value_location_name: mp.value.location_name.clone(),
                flattened: mp.flattened.unwrap_or(false),
                length: Range {
                    min: number_u64(&mp.min, path)?,
                    max: number_u64(&mp.max, path)?,
                },
            }),
            &mp.documentation,
            mp.sensitive,
            deprecation(mp.deprecated, &mp.deprecated_message, &mp.deprecated_since),
        ),
        m::Shape::String(s) => {
            let mut variants = BTreeSet::new();
            let mut seen_values = BTreeSet::new();
            let mut enum_values = Vec::new();
            for v in s.enum_values.iter().flatten() {
                if !seen_values.insert(v.clone()) {
                    continue;
                }
                enum_values.push(EnumValue {
                    wire: v.clone(),
                    rust: unique(naming::variant_name(v), &mut variants),
                });
            }
            let (pattern, unchecked_pattern) = match &s.pattern {
                Some(p) if checkable_pattern(p) => (Some(p.clone()), None),
                Some(p) => (None, Some(p.clone())),
                None => (None, None),
            };
            mk(
                ShapeKind::String(StringShape {
                    enum_values,
                    length: Range {
                        min: number_u64(&s.min, path)?,
                        max: number_u64(&s.max, path)?,
                    },
                    pattern,
                    unchecked_pattern,
                }),
                &s.documentation,
                s.sensitive,
                deprecation(s.deprecated, &s.deprecated_message, &s.deprecated_since),
            )
        }
        m::Shape::Integer(n) | m::Shape::Long(n) => {
            let range = Range {
                min: number_i64(&n.min, path)?,
                max: number_i64(&n.max, path)?,
            };
            let kind = if matches!(shape, m::Shape::Integer(_)) {
                ShapeKind::Integer(range)
            } else {
                ShapeKind::Long(range)
            };
            mk(
                kind,
                &n.documentation,
                n.sensitive,
                deprecation(n.deprecated, &n.deprecated_message, &n.deprecated_since),
            )
        }
        m::Shape::Float(n) | m::Shape::Double(n) => {
            let range = Range {
                min: number_f64(&n.min),
                max: number_f64(&n.max),
            };
            let kind = if matches!(shape, m::Shape::Float(_)) {
                ShapeKind::Float(range)
            } else {
                ShapeKind::Double(range)
            };
            mk(
                kind,
                &n.documentation,
                n.sensitive,
                deprecation(n.deprecated, &n.deprecated_message, &n.deprecated_since),
            )
        }
        m::Shape::Boolean(b) => mk(
            ShapeKind::Boolean,
            &b.documentation,
            b.sensitive,
            deprecation(b.deprecated, &b.deprecated_message, &b.deprecated_since),
        ),
        m::Shape::Timestamp(t) => mk(
            ShapeKind::Timestamp {
                format: t.timestamp_format.map(TimestampFormat::from),
            },
            &t.documentation,
            t.sensitive,
            deprecation(t.deprecated, &t.deprecated_message, &t.deprecated_since),
        ),
        m::Shape::Blob(b) => mk(
            ShapeKind::Blob {
                length: Range {
                    min: number_u64(&b.min, path)?,
                    max: number_u64(&b.max, path)?,
                },
            },
            &b.documentation,
            b.sensitive,
            deprecation(b.deprecated, &b.deprecated_message, &b.deprecated_since),
        ),
    })
}
