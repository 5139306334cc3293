//! Endpoint resolution: what a generated crate's compiled endpoint rules return, and the
//! rules language's standard library (`aws.partition`, `parseURL`, `substring`, `uriEncode`,
//! `isValidHostLabel`, `aws.parseArn`, `aws.isVirtualHostableS3Bucket`).
//!
//! Generated crates compile their `endpoint-rule-set-1.json` into plain Rust (`src/endpoint.rs`)
//! that calls these functions; there is no rules interpreter at run time. The partition table
//! from `partitions.json` is compiled into each generated crate too and handed to [`partition`].

use crate::validate::pattern::Program;
use std::collections::BTreeMap;
use std::fmt;

/// A resolved endpoint: URL, properties (auth schemes, ...) and extra headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    url: String,
    properties: BTreeMap<String, Document>,
    headers: BTreeMap<String, Vec<String>>,
}

impl Endpoint {
    /// The same endpoint with `prefix` put before its host (an operation's `hostPrefix`, its
    /// labels already filled in): `https://example.com/p` with `foo.` is `https://foo.example.com/p`.
    pub fn with_host_prefix(mut self, prefix: &str) -> Self {
        self.url = with_host_prefix(&self.url, prefix);
        self
    }

    /// An endpoint at `url` with no properties and no headers.
    pub fn new(url: impl Into<String>) -> Self {
        Endpoint {
            url: url.into(),
            properties: BTreeMap::new(),
            headers: BTreeMap::new(),
        }
    }

    /// Adds a property.
    #[must_use]
    pub fn with_property(self, name: impl Into<String>, value: Document) -> Self {
        self.add_property(name.into(), value)
    }

    /// [`with_property`](Self::with_property) without the generic argument: the map insertion
    /// is compiled once here, not in every generated crate.
    fn add_property(mut self, name: String, value: Document) -> Self {
        self.properties.insert(name, value);
        self
    }

    /// Adds a header with its values.
    #[must_use]
    pub fn with_header(self, name: impl Into<String>, values: Vec<String>) -> Self {
        self.add_header(name.into(), values)
    }

    /// [`with_header`](Self::with_header) without the generic argument.
    fn add_header(mut self, name: String, values: Vec<String>) -> Self {
        self.headers.insert(name, values);
        self
    }

    /// The URL requests are sent to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The endpoint's properties, as the rule set wrote them (templates resolved).
    pub fn properties(&self) -> &BTreeMap<String, Document> {
        &self.properties
    }

    /// Headers to add to every request sent to this endpoint.
    pub fn headers(&self) -> &BTreeMap<String, Vec<String>> {
        &self.headers
    }

    /// The `authSchemes` property, typed; empty when the endpoint names none (sign with the
    /// service defaults).
    pub fn auth_schemes(&self) -> Vec<AuthScheme> {
        let Some(Document::Array(schemes)) = self.properties.get("authSchemes") else {
            return Vec::new();
        };
        schemes
            .iter()
            .filter_map(|scheme| {
                let fields = scheme.as_object()?;
                let text = |key: &str| {
                    fields
                        .get(key)
                        .and_then(Document::as_str)
                        .map(str::to_owned)
                };
                Some(AuthScheme {
                    name: text("name")?,
                    signing_name: text("signingName"),
                    signing_region: text("signingRegion"),
                    signing_region_set: fields
                        .get("signingRegionSet")
                        .and_then(Document::as_array)
                        .map(|set| {
                            set.iter()
                                .filter_map(Document::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                    disable_double_encoding: fields
                        .get("disableDoubleEncoding")
                        .and_then(Document::as_bool),
                })
            })
            .collect()
    }
}

impl Endpoint {
    /// The signing name and region of the first `sigv4` entry of `authSchemes` (each `None`
    /// when the entry does not set it, both when there is no such entry): what
    /// [`auth_schemes`](Self::auth_schemes) would give for it, borrowed rather than built.
    pub(crate) fn sigv4_scope(&self) -> (Option<&str>, Option<&str>) {
        let Some(Document::Array(schemes)) = self.properties.get("authSchemes") else {
            return (None, None);
        };
        fn text<'e>(fields: &'e BTreeMap<String, Document>, key: &str) -> Option<&'e str> {
            fields.get(key).and_then(Document::as_str)
        }
        schemes
            .iter()
            .filter_map(Document::as_object)
            .find(|fields| text(fields, "name") == Some("sigv4"))
            .map_or((None, None), |fields| {
                (text(fields, "signingName"), text(fields, "signingRegion"))
            })
    }
}

/// One entry of an endpoint's `authSchemes` property.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthScheme {
    /// The scheme (`sigv4`, `sigv4a`).
    pub name: String,
    /// The SigV4 signing name, when it differs from the service's.
    pub signing_name: Option<String>,
    /// The region to sign for (SigV4).
    pub signing_region: Option<String>,
    /// The regions to sign for (SigV4a).
    pub signing_region_set: Vec<String>,
    /// Whether the signer must not double-encode the path.
    pub disable_double_encoding: Option<bool>,
}

/// A JSON-like value in an endpoint's properties.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Document>),
    /// An object.
    Object(BTreeMap<String, Document>),
}

impl Document {
    /// An object from its entries.
    pub fn object<K: Into<String>, const N: usize>(entries: [(K, Document); N]) -> Self {
        Document::object_from(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The map building is compiled once here, not in every crate that calls
    /// [`Document::object`] with its own key type and length. Inserting one by one (a later
    /// entry replaces an earlier one of the same key, as `collect` does) shares the code of
    /// [`Endpoint::with_property`] instead of compiling in a sort and a bulk build.
    fn object_from(entries: Vec<(String, Document)>) -> Self {
        let mut map = BTreeMap::new();
        for (k, v) in entries {
            map.insert(k, v);
        }
        Document::Object(map)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Document::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Document::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, if this is a list.
    pub fn as_array(&self) -> Option<&[Document]> {
        match self {
            Document::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The fields, if this is an object.
    pub fn as_object(&self) -> Option<&BTreeMap<String, Document>> {
        match self {
            Document::Object(fields) => Some(fields),
            _ => None,
        }
    }
}

impl From<&str> for Document {
    fn from(value: &str) -> Self {
        Document::String(value.to_owned())
    }
}

impl From<String> for Document {
    fn from(value: String) -> Self {
        Document::String(value)
    }
}

impl From<bool> for Document {
    fn from(value: bool) -> Self {
        Document::Bool(value)
    }
}

impl From<i64> for Document {
    fn from(value: i64) -> Self {
        Document::Int(value)
    }
}

/// Why endpoint resolution failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolveErrorKind {
    /// An error rule of the rule set matched; the message is the rule's.
    Rule,
    /// No rule matched the parameters.
    NoMatch,
    /// A required parameter has no value.
    MissingParameter,
}

/// Endpoint resolution failed: the rule set's message for the parameters given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError {
    kind: ResolveErrorKind,
    message: String,
}

impl ResolveError {
    /// An error rule matched with this message.
    pub fn rule(message: impl Into<String>) -> Self {
        ResolveError {
            kind: ResolveErrorKind::Rule,
            message: message.into(),
        }
    }

    /// No rule matched.
    pub fn no_match() -> Self {
        ResolveError {
            kind: ResolveErrorKind::NoMatch,
            message: "No endpoint found for parameters".to_owned(),
        }
    }

    /// The required parameter `name` (the rule set's name) has no value.
    pub fn missing_parameter(name: &str) -> Self {
        ResolveError {
            kind: ResolveErrorKind::MissingParameter,
            message: format!("Cannot find value for required parameter {name}"),
        }
    }

    /// Why resolution failed.
    pub fn kind(&self) -> ResolveErrorKind {
        self.kind
    }

    /// The message (for [`ResolveErrorKind::Rule`], exactly the rule set's text).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ResolveError {}

/// What `aws.partition` returns: a partition's outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionOutputs {
    /// The partition name (`aws`, `aws-cn`).
    pub name: &'static str,
    /// DNS suffix (`amazonaws.com`).
    pub dns_suffix: &'static str,
    /// Dual-stack DNS suffix (`api.aws`).
    pub dual_stack_dns_suffix: &'static str,
    /// Whether FIPS endpoints exist.
    pub supports_fips: bool,
    /// Whether dual-stack endpoints exist.
    pub supports_dual_stack: bool,
    /// The region global endpoints are signed for.
    pub implicit_global_region: &'static str,
}

/// One partition of the compiled partition table (from `partitions.json`).
#[derive(Debug)]
pub struct Partition {
    id: &'static str,
    region_regex: &'static str,
    region_program: &'static Program<'static>,
    regions: &'static [&'static str],
    outputs: PartitionOutputs,
}

impl Partition {
    /// A partition: its id, its anchored region regex and the generator's program for it
    /// ([`crate::validate::pattern`]), its known regions (sorted) and outputs.
    pub const fn new(
        id: &'static str,
        region_regex: &'static str,
        region_program: &'static Program<'static>,
        regions: &'static [&'static str],
        outputs: PartitionOutputs,
    ) -> Self {
        Partition {
            id,
            region_regex,
            region_program,
            regions,
            outputs,
        }
    }

    /// The partition's region regex as `partitions.json` has it.
    pub fn region_regex(&self) -> &'static str {
        self.region_regex
    }

    /// The partition id (`aws`).
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The partition's outputs.
    pub fn outputs(&self) -> &PartitionOutputs {
        &self.outputs
    }

    /// Whether `region` is one of the partition's known regions.
    pub fn knows(&self, region: &str) -> bool {
        self.regions.binary_search(&region).is_ok()
    }

    /// Whether `region` matches the partition's region regex.
    pub fn matches(&self, region: &str) -> bool {
        self.region_program.is_match(region)
    }
}

/// `aws.partition`: the partition `region` belongs to.
///
/// A known region's partition first, else the first partition whose region regex matches,
/// else the `aws` partition (the first one when the table has no `aws`). `None` only for an
/// empty table.
pub fn partition<'a>(table: &'a [Partition], region: &str) -> Option<&'a PartitionOutputs> {
    table
        .iter()
        .find(|p| p.knows(region))
        .or_else(|| table.iter().find(|p| p.matches(region)))
        .or_else(|| table.iter().find(|p| p.id == "aws"))
        .or_else(|| table.first())
        .map(|p| &p.outputs)
}

/// What `parseURL` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    scheme: String,
    authority: String,
    path: String,
    normalized_path: String,
    is_ip: bool,
}

impl Url {
    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Host and port (and user info, if any).
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The path as written (may be empty).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path without dot segments or empty segments, percent-encoded, ending in `/`.
    pub fn normalized_path(&self) -> &str {
        &self.normalized_path
    }

    /// Whether the host is an IPv4 or IPv6 address.
    pub fn is_ip(&self) -> bool {
        self.is_ip
    }
}

/// `parseURL`: splits an `http`/`https` URL; `None` for other schemes, a query string, an
/// empty host or a port that is not a number.
pub fn parse_url(value: &str) -> Option<Url> {
    let (scheme, rest) = value.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or_default();
    if let Some((_, query)) = rest.split_once('?') {
        if !query.is_empty() {
            return None;
        }
    }
    let rest = rest.split('?').next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        let (inner, after) = bracketed.split_once(']')?;
        (inner, after.strip_prefix(':'))
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        if !port.is_empty() && port.parse::<u16>().is_err() {
            return None;
        }
    }
    let is_ip = if host_port.starts_with('[') {
        let addr = host.split('%').next().unwrap_or_default();
        addr.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        is_ipv4_like(host)
    };
    let mut normalized_path = percent_encode(&remove_dot_segments(path), b"-._~/");
    if !normalized_path.ends_with('/') {
        normalized_path.push('/');
    }
    Some(Url {
        scheme: scheme.to_owned(),
        authority: authority.to_owned(),
        path: path.to_owned(),
        normalized_path,
        is_ip,
    })
}

/// Four dot-separated groups of one to three digits.
fn is_ipv4_like(host: &str) -> bool {
    let groups: Vec<&str> = host.split('.').collect();
    groups.len() == 4
        && groups
            .iter()
            .all(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
}

/// RFC 3986 dot-segment removal that also drops empty segments (`//`).
fn remove_dot_segments(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let lead = if path.starts_with('/') { "/" } else { "" };
    let trail = if path.ends_with('/') && !out.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{lead}{}{trail}", out.join("/"))
}

/// Percent-encodes every byte except ASCII alphanumerics and `keep`.
fn percent_encode(value: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `substring`: characters `start..stop` of an ASCII string, counted from the end when
/// `reverse`; `None` when the range is empty or out of bounds, or the string is not ASCII.
pub fn substring(value: &str, start: usize, stop: usize, reverse: bool) -> Option<&str> {
    if start >= stop || value.len() < stop || !value.is_ascii() {
        return None;
    }
    if reverse {
        value.get(value.len() - stop..value.len() - start)
    } else {
        value.get(start..stop)
    }
}

/// `uriEncode`: percent-encodes everything except unreserved characters (`A-Za-z0-9-._~`),
/// UTF-8 bytes as `%XX` with upper-case hex.
pub fn uri_encode(value: &str) -> String {
    percent_encode(value, b"-._~")
}

/// `url` with `prefix` put before its host (after `scheme://` and any `user@`).
pub fn with_host_prefix(url: &str, prefix: &str) -> String {
    let start = url.find("://").map(|i| i + 3).unwrap_or(0);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map(|i| start + i)
        .unwrap_or(url.len());
    let host_start = url[start..authority_end]
        .rfind('@')
        .map(|i| start + i + 1)
        .unwrap_or(start);
    format!("{}{prefix}{}", &url[..host_start], &url[host_start..])
}

/// `isValidHostLabel`: one to 63 ASCII letters, digits and hyphens, not starting or ending
/// with a hyphen; with `allow_subdomains`, every dot-separated label must be one.
pub fn is_valid_host_label(value: &str, allow_subdomains: bool) -> bool {
    if allow_subdomains {
        value
            .split('.')
            .all(|label| is_valid_host_label(label, false))
    } else {
        (1..=63).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-')
    }
}

/// `aws.isVirtualHostableS3Bucket`: a valid host label (see [`is_valid_host_label`]) of at
/// least three characters, all lower-case, that does not look like an IPv4 address.
pub fn is_virtual_hostable_s3_bucket(value: &str, allow_subdomains: bool) -> bool {
    value.len() >= 3
        && value.to_lowercase() == value
        && !is_ipv4_like(value)
        && is_valid_host_label(value, allow_subdomains)
}

/// What `aws.parseArn` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    partition: String,
    service: String,
    region: String,
    account_id: String,
    resource_id: Vec<String>,
}

impl Arn {
    /// The partition (`aws`).
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The service (`iam`).
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The region (may be empty).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The account id (may be empty).
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The resource, split on `:` and `/`.
    pub fn resource_id(&self) -> &[String] {
        &self.resource_id
    }
}

/// `aws.parseArn`: `arn:partition:service:region:account:resource`; `None` when a part is
/// missing or the partition, service or resource is empty.
pub fn parse_arn(value: &str) -> Option<Arn> {
    let mut parts = value.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let (partition, service, region, account_id, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.to_owned(),
        service: service.to_owned(),
        region: region.to_owned(),
        account_id: account_id.to_owned(),
        resource_id: resource.split([':', '/']).map(str::to_owned).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUTS: PartitionOutputs = PartitionOutputs {
        name: "aws",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-east-1",
    };

    /// A program matching `prefix` followed by anything (the generator compiles the real
    /// region regexes; these tests are about the partition choice).
    fn prefix(prefix: &str) -> &'static Program<'static> {
        use crate::validate::pattern::Inst;
        let mut insts = Vec::new();
        let mut ranges = Vec::new();
        for c in prefix.chars() {
            insts.push(Inst::Class(ranges.len() as u32, 1));
            ranges.push((c as u32, c as u32));
        }
        let at = insts.len() as u32;
        insts.extend([
            Inst::Split(at + 1, at + 3),
            Inst::Class(ranges.len() as u32, 1),
            Inst::Jump(at),
            Inst::Match,
        ]);
        ranges.push((0, 0x10FFFF));
        Box::leak(Box::new(Program {
            insts: Box::leak(insts.into_boxed_slice()),
            ranges: Box::leak(ranges.into_boxed_slice()),
        }))
    }

    fn table() -> [Partition; 3] {
        [
            Partition::new(
                "aws",
                r"^(us|eu|ap)\-\w+\-\d+$",
                prefix("eu-"),
                &["aws-global", "us-east-1"],
                OUTPUTS,
            ),
            Partition::new(
                "aws-cn",
                r"^cn\-\w+\-\d+$",
                prefix("cn-"),
                &["aws-cn-global", "cn-north-1"],
                PartitionOutputs {
                    name: "aws-cn",
                    dns_suffix: "amazonaws.com.cn",
                    ..OUTPUTS
                },
            ),
            Partition::new(
                "aws-us-gov",
                r"^us\-gov\-\w+\-\d+$",
                prefix("us-gov-"),
                &["aws-us-gov-global", "us-gov-west-1"],
                PartitionOutputs {
                    name: "aws-us-gov",
                    ..OUTPUTS
                },
            ),
        ]
    }

    #[test]
    fn partition_prefers_known_regions_then_regex_then_aws() {
        let table = table();
        assert_eq!(partition(&table, "us-east-1").map(|p| p.name), Some("aws"));
        assert_eq!(
            partition(&table, "aws-cn-global").map(|p| p.name),
            Some("aws-cn")
        );
        assert_eq!(
            partition(&table, "cn-northwest-1").map(|p| p.dns_suffix),
            Some("amazonaws.com.cn")
        );
        assert_eq!(
            partition(&table, "us-gov-east-1").map(|p| p.name),
            Some("aws-us-gov")
        );
        assert_eq!(partition(&table, "eu-west-7").map(|p| p.name), Some("aws"));
        assert_eq!(
            partition(&table, "mars-east-1").map(|p| p.name),
            Some("aws")
        );
        assert_eq!(partition(&[], "us-east-1"), None);
    }

    #[test]
    fn parse_url_splits_and_normalises() {
        let url = parse_url("https://example.com:8443/a/./b/../c//d").expect("parses");
        assert_eq!(url.scheme(), "https");
        assert_eq!(url.authority(), "example.com:8443");
        assert_eq!(url.path(), "/a/./b/../c//d");
        assert_eq!(url.normalized_path(), "/a/c/d/");
        assert!(!url.is_ip());

        let bare = parse_url("http://example.com").expect("parses");
        assert_eq!((bare.path(), bare.normalized_path()), ("", "/"));
        assert_eq!(
            parse_url("https://example.com/a b/")
                .expect("parses")
                .normalized_path(),
            "/a%20b/"
        );

        assert!(parse_url("https://127.0.0.1:8080/")
            .expect("parses")
            .is_ip());
        assert!(parse_url("https://[::1]:443").expect("parses").is_ip());
        assert!(parse_url("https://[fe80::1%25eth0]/")
            .expect("parses")
            .is_ip());
        assert!(!parse_url("https://1.2.3.example.com")
            .expect("parses")
            .is_ip());

        assert_eq!(parse_url("ftp://example.com"), None);
        assert_eq!(parse_url("https://example.com?x=1"), None);
        assert_eq!(parse_url("https://example.com:port"), None);
        assert_eq!(parse_url("example.com"), None);
        assert_eq!(parse_url("https:///path"), None);
    }

    #[test]
    fn host_prefixes_go_before_the_host() {
        assert_eq!(
            with_host_prefix("https://example.com", "foo."),
            "https://foo.example.com"
        );
        assert_eq!(
            with_host_prefix("https://example.com/custom?x#y", "a.b."),
            "https://a.b.example.com/custom?x#y"
        );
        assert_eq!(
            with_host_prefix("http://user@127.0.0.1:8080/", "p-"),
            "http://user@p-127.0.0.1:8080/"
        );
        assert_eq!(
            Endpoint::new("https://sts.amazonaws.com")
                .with_host_prefix("x.")
                .url(),
            "https://x.sts.amazonaws.com"
        );
    }

    #[test]
    fn host_labels() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(is_valid_host_label("a", false));
        assert!(is_valid_host_label(&"a".repeat(63), false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label("-abc", false));
        assert!(!is_valid_host_label("abc-", false));
        assert!(!is_valid_host_label("a_b", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(is_valid_host_label("a.b", true));
        assert!(is_valid_host_label("my-bucket.sub.example", true));
        assert!(!is_valid_host_label("a..b", true));
        assert!(!is_valid_host_label("a.-b", true));
        assert!(!is_valid_host_label(".a", true));
    }

    #[test]
    fn virtual_hostable_buckets() {
        assert!(is_virtual_hostable_s3_bucket("my-bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("ab", false));
        assert!(!is_virtual_hostable_s3_bucket("MyBucket", false));
        assert!(!is_virtual_hostable_s3_bucket("192.168.1.1", true));
        assert!(!is_virtual_hostable_s3_bucket("a.bucket", false));
        assert!(is_virtual_hostable_s3_bucket("a.bucket", true));
    }

    #[test]
    fn parse_arn_splits_resources() {
        let arn = parse_arn("arn:aws:iam::123456789012:role/path/deploy").expect("parses");
        assert_eq!(
            (
                arn.partition(),
                arn.service(),
                arn.region(),
                arn.account_id()
            ),
            ("aws", "iam", "", "123456789012")
        );
        assert_eq!(arn.resource_id(), ["role", "path", "deploy"]);
        let colon = parse_arn("arn:aws:s3:us-west-2:123:accesspoint:my-ap:extra").expect("parses");
        assert_eq!(colon.resource_id(), ["accesspoint", "my-ap", "extra"]);

        assert_eq!(parse_arn("arn:aws:iam::123"), None);
        assert_eq!(parse_arn("arn::iam:::role"), None);
        assert_eq!(parse_arn("arn:aws:::123:role"), None);
        assert_eq!(parse_arn("arn:aws:iam::123:"), None);
        assert_eq!(parse_arn("urn:aws:iam::123:role"), None);
    }

    #[test]
    fn substring_forwards_and_reversed() {
        assert_eq!(substring("abcdefg", 0, 4, false), Some("abcd"));
        assert_eq!(substring("abcdefg", 1, 3, false), Some("bc"));
        assert_eq!(substring("abcdefg", 0, 4, true), Some("defg"));
        assert_eq!(substring("abcdefg", 1, 3, true), Some("ef"));
        assert_eq!(substring("abcdefg", 0, 7, true), Some("abcdefg"));
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abc", 2, 2, false), None);
        assert_eq!(substring("abc", 3, 1, false), None);
        assert_eq!(substring("ab\u{e9}cd", 0, 2, false), None);
    }

    #[test]
    fn uri_encode_keeps_only_unreserved() {
        assert_eq!(uri_encode("abc-._~XYZ019"), "abc-._~XYZ019");
        assert_eq!(uri_encode("a/b c?d=e&f"), "a%2Fb%20c%3Fd%3De%26f");
        assert_eq!(uri_encode("\u{e9}"), "%C3%A9");
        assert_eq!(uri_encode(""), "");
    }

    #[test]
    fn auth_schemes_are_typed() {
        let endpoint = Endpoint::new("https://sts.amazonaws.com").with_property(
            "authSchemes",
            Document::Array(vec![Document::object([
                ("name", Document::from("sigv4")),
                ("signingName", Document::from("sts")),
                ("signingRegion", Document::from("us-east-1")),
            ])]),
        );
        let schemes = endpoint.auth_schemes();
        assert_eq!(schemes.len(), 1);
        assert_eq!(schemes[0].name, "sigv4");
        assert_eq!(schemes[0].signing_name.as_deref(), Some("sts"));
        assert_eq!(schemes[0].signing_region.as_deref(), Some("us-east-1"));
        assert!(Endpoint::new("https://x").auth_schemes().is_empty());
    }

    #[test]
    fn the_sigv4_scope_is_the_first_sigv4_scheme_s() {
        let scheme = |name: &str, fields: &[(&str, &str)]| {
            let mut map = BTreeMap::new();
            map.insert("name".to_owned(), Document::from(name));
            for (k, v) in fields {
                map.insert((*k).to_owned(), Document::from(*v));
            }
            Document::Object(map)
        };
        let endpoint = |schemes: Vec<Document>| {
            Endpoint::new("https://x").with_property("authSchemes", Document::Array(schemes))
        };
        let both = endpoint(vec![
            Document::from("not an object"),
            scheme("sigv4a", &[("signingName", "s3"), ("signingRegion", "*")]),
            scheme(
                "sigv4",
                &[("signingName", "sts"), ("signingRegion", "eu-west-1")],
            ),
            scheme("sigv4", &[("signingName", "other")]),
        ]);
        assert_eq!(both.sigv4_scope(), (Some("sts"), Some("eu-west-1")));
        let name_only = endpoint(vec![scheme("sigv4", &[("signingName", "sts")])]);
        assert_eq!(name_only.sigv4_scope(), (Some("sts"), None));
        let none = endpoint(vec![scheme("sigv4a", &[("signingName", "s3")])]);
        assert_eq!(none.sigv4_scope(), (None, None));
        assert_eq!(Endpoint::new("https://x").sigv4_scope(), (None, None));
        // The same answer as the typed schemes give.
        let typed = both
            .auth_schemes()
            .into_iter()
            .find(|s| s.name == "sigv4")
            .unwrap();
        assert_eq!(
            (
                typed.signing_name.as_deref(),
                typed.signing_region.as_deref()
            ),
            both.sigv4_scope()
        );
    }

    #[test]
    fn errors_keep_the_rule_message() {
        let err = ResolveError::rule("Invalid Configuration: Missing Region");
        assert_eq!(err.to_string(), "Invalid Configuration: Missing Region");
        assert_eq!(err.kind(), ResolveErrorKind::Rule);
        assert_eq!(ResolveError::no_match().kind(), ResolveErrorKind::NoMatch);
        assert!(ResolveError::missing_parameter("Bucket")
            .message()
            .contains("Bucket"));
    }
}
