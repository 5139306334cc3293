//! AWS Signature Version 4 (SigV4) request signing.
//!
//! Two ways to sign a request:
//!
//! - [`sign_request`] signs an [`http::Request`] in place (header signing, used for awsQuery
//!   `POST` form requests): it sets `x-amz-date`, `x-amz-security-token` (when the credentials
//!   carry a session token), optionally `x-amz-content-sha256`, and `authorization`.
//! - [`presign_url`] returns a query-string-signed ("presigned") URL, such as the STS
//!   `GetCallerIdentity` URL that EKS and Vault accept as proof of identity.
//!
//! [`Signer`] does the same with a [`SigningKeyCache`], so the derived signing key is computed
//! once per day, region and service instead of on every request.
//!
//! Each stage is public so it can be checked on its own against the AWS test suite:
//! [`canonical_request`] -> [`string_to_sign`] -> [`signing_key`] -> [`signature`] ->
//! [`authorization_header`].
//!
//! Canonicalization follows AWS's rules for services other than S3 by default: the URI path is
//! normalized (RFC 3986 dot segments removed, repeated slashes merged) and URI-encoded once more
//! ([`UriEncoding::Double`]); query parameters are decoded, re-encoded and sorted by key, then
//! value; header names are lower-cased, values trimmed with inner runs of spaces collapsed, and
//! repeated headers joined with `,` in order. Headers that proxies and HTTP clients change in
//! transit ([`UNSIGNED_HEADERS`]) are never signed.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use stsgen_runtime::credentials::SigningCredentials;
//! use stsgen_runtime::sigv4::{self, SigningParams};
//!
//! let creds = SigningCredentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
//! let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
//! let params = SigningParams::new("us-east-1", "sts", time);
//!
//! let body = "Action=GetCallerIdentity&Version=2011-06-15";
//! let mut request = http::Request::post("https://sts.amazonaws.com/")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .body(body)?;
//! sigv4::sign_request(&mut request, body.as_bytes(), &creds, &params)?;
//!
//! let authorization = request.headers()["authorization"].to_str()?;
//! assert!(authorization.starts_with(
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
//!      SignedHeaders=content-type;host;x-amz-date, Signature="
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};

use crate::credentials::SigningCredentials;
use crate::sensitive::Redacted;

/// The signing algorithm name, first line of the string to sign and of the `authorization` value.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The payload hash used in place of a body hash when the payload is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The hex SHA-256 of the empty body.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The longest validity AWS accepts for a presigned URL: seven days.
pub const MAX_PRESIGNED_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The header carrying the signing time, `YYYYMMDDTHHMMSSZ`.
pub const X_AMZ_DATE: &str = "x-amz-date";

/// The header (and, capitalized, the query parameter) carrying the session token.
pub const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";

/// The header carrying the payload hash, for protocols that need it
/// ([`SigningParams::content_sha256_header`]).
pub const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";

/// Lower-case names of headers that are never signed.
///
/// The union of what AWS's own signers leave out (botocore: `expect`, `transfer-encoding`,
/// `user-agent`, `x-amzn-trace-id`; aws-sigv4 and the Go and Java SDKs: `authorization`,
/// `user-agent`, `x-amzn-trace-id`, `expect`, `connection`) and the hop-by-hop headers of
/// RFC 9110 section 7.6.1, which a proxy may change or drop. None of AWS's signers leave out
/// `amz-sdk-*` or `x-amz-user-agent`; they are set before signing and are signed like any other
/// header.
pub const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// Query parameters that [`presign_url`] writes; any already in the URL are replaced.
const PRESIGN_QUERY_PARAMS: &[&str] = &[
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// Whether `name` (lower-case) is one of the [`UNSIGNED_HEADERS`].
pub fn is_unsigned_header(name: &str) -> bool {
    UNSIGNED_HEADERS.contains(&name)
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// What goes in the canonical request's payload-hash line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload {
    /// The hex SHA-256 of the body (the default, and what awsQuery services expect).
    #[default]
    Hash,
    /// The literal [`UNSIGNED_PAYLOAD`].
    Unsigned,
    /// A hash computed elsewhere (for a body that is streamed rather than held in memory).
    Precomputed(String),
}

impl Payload {
    /// The payload-hash line for `body`.
    pub fn hash_for(&self, body: &[u8]) -> String {
        match self {
            Payload::Hash => sha256_hex(body),
            Payload::Unsigned => UNSIGNED_PAYLOAD.to_owned(),
            Payload::Precomputed(hash) => hash.clone(),
        }
    }
}

/// How the canonical URI path is encoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UriEncoding {
    /// URI-encode the path as sent (already percent-encoded) once more, so `%20` becomes
    /// `%2520`: what every service except S3 expects. The default.
    #[default]
    Double,
    /// Use the path as sent (S3).
    Single,
}

/// Whether the session token is covered by the signature.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// Add `x-amz-security-token` (or `X-Amz-Security-Token` when presigning) before signing,
    /// so it is signed. The default, and what STS and botocore do.
    #[default]
    Signed,
    /// Add it after signing: for the few services that reject a signed token.
    Unsigned,
}

/// Where and when a request is signed, and the protocol's signing options.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningParams {
    /// The region of the credential scope (`us-east-1`).
    pub region: String,
    /// The signing name of the service (`sts`).
    pub service: String,
    /// The signing time; injectable so tests are reproducible.
    pub time: SystemTime,
    /// What the payload-hash line holds. Default: [`Payload::Hash`].
    pub payload: Payload,
    /// Whether [`sign_request`] sends and signs `x-amz-content-sha256` (S3 and some REST
    /// protocols need it; awsQuery does not). Default: `false`. Not used when presigning.
    pub content_sha256_header: bool,
    /// How the URI path is encoded. Default: [`UriEncoding::Double`].
    pub uri_encoding: UriEncoding,
    /// Whether the URI path is normalized (dot segments removed, repeated slashes merged).
    /// Default: `true`; S3 needs `false`.
    pub normalize_path: bool,
    /// Whether the session token is signed. Default: [`SessionTokenMode::Signed`].
    pub session_token: SessionTokenMode,
}

impl SigningParams {
    /// Parameters with the defaults for awsQuery services such as STS.
    pub fn new(region: impl Into<String>, service: impl Into<String>, time: SystemTime) -> Self {
        Self {
            region: region.into(),
            service: service.into(),
            time,
            payload: Payload::default(),
            content_sha256_header: false,
            uri_encoding: UriEncoding::default(),
            normalize_path: true,
            session_token: SessionTokenMode::default(),
        }
    }

    /// The signing time as `YYYYMMDDTHHMMSSZ` (UTC).
    pub fn amz_date(&self) -> Result<String, SigningError> {
        format_amz_date(self.time)
    }

    /// The credential scope: `YYYYMMDD/region/service/aws4_request`.
    pub fn credential_scope(&self) -> Result<String, SigningError> {
        let date = self.amz_date()?;
        self.scope_for_date(&date[..8])
    }

    fn scope_for_date(&self, date: &str) -> Result<String, SigningError> {
        check_scope_part("region", &self.region)?;
        check_scope_part("service", &self.service)?;
        Ok(format!(
            "{date}/{}/{}/aws4_request",
            self.region, self.service
        ))
    }
}

/// Formats `time` as SigV4's `YYYYMMDDTHHMMSSZ` (UTC).
///
/// Fails with [`SigningError::InvalidTime`] outside the years 1 to 9999.
pub fn format_amz_date(time: SystemTime) -> Result<String, SigningError> {
    let t = crate::types::datetime::DateTime::try_from_system_time(time).map_err(|_| SigningError::InvalidTime)?;
    Ok(t.format_iso8601_basic())
}

/// A region, service or access key id must be printable ASCII without `/`, `,` or spaces, or
/// the credential scope and the `authorization` value could not be parsed back.
fn check_scope_part(field: &'static str, value: &str) -> Result<(), SigningError> {
    let bad = |b: u8| !(0x21..=0x7e).contains(&b) || b == b'/' || b == b',';
    if value.is_empty() || value.bytes().any(bad) {
        return Err(SigningError::InvalidCredentialScope { field });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a request could not be signed. Never carries a secret or a header value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// A header name is not an HTTP token.
    InvalidHeaderName {
        /// The name, lossily decoded.
        name: String,
    },
    /// A header value is not UTF-8 or contains control characters (such as the session token,
    /// when it cannot be sent as a header).
    InvalidHeaderValue {
        /// The header's name, lower-cased.
        name: String,
    },
    /// Neither a `host` header nor a host in the URI.
    MissingHost,
    /// The region, service or access key id is empty or contains `/`, `,`, spaces or non-ASCII.
    InvalidCredentialScope {
        /// `region`, `service` or `access_key_id`.
        field: &'static str,
    },
    /// The signing time is outside the years 1 to 9999.
    InvalidTime,
    /// A presigned URL's validity is not between one second and [`MAX_PRESIGNED_EXPIRY`].
    InvalidExpiry {
        /// The requested validity, in whole seconds.
        seconds: u64,
    },
    /// The presigned URL could not be built.
    InvalidUri {
        /// What the `http` crate reported.
        reason: String,
    },
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::InvalidHeaderName { name } => {
                write!(f, "cannot sign: header name {name:?} is not an HTTP token")
            }
            SigningError::InvalidHeaderValue { name } => write!(
                f,
                "cannot sign: the value of header `{name}` is not UTF-8 or contains control characters"
            ),
            SigningError::MissingHost => {
                f.write_str("cannot sign: no `host` header and no host in the URI")
            }
            SigningError::InvalidCredentialScope { field } => write!(
                f,
                "cannot sign: the {field} must be non-empty printable ASCII without `/`, `,` or spaces"
            ),
            SigningError::InvalidTime => {
                f.write_str("cannot sign: the signing time is outside the years 1 to 9999")
            }
            SigningError::InvalidExpiry { seconds } => write!(
                f,
                "cannot presign: expiry of {seconds} s is not between 1 s and {} s",
                MAX_PRESIGNED_EXPIRY.as_secs()
            ),
            SigningError::InvalidUri { reason } => {
                write!(f, "cannot presign: invalid URI: {reason}")
            }
        }
    }
}

impl std::error::Error for SigningError {}

// ---------------------------------------------------------------------------------------------
// Hashing and encoding
// ---------------------------------------------------------------------------------------------

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, data).as_ref())
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let tag = ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key), message);
    let mut out = [0; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// AWS's URI encoding: unreserved characters (`A-Z a-z 0-9 - _ . ~`) stay, every other byte
/// becomes `%XX` with upper-case hex; `/` stays too when `keep_slash`.
fn uri_encode_into(out: &mut String, bytes: &[u8], keep_slash: bool) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
    }
}

fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    uri_encode_into(&mut out, bytes, false);
    out
}

/// Decodes a query-string component: `%XX` escapes and `+` as a space, as AWS services and
/// AWS's signers do. A `%` not followed by two hex digits is kept literally.
fn decode_query_component(s: &str) -> Vec<u8> {
    fn hex_value(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                match (
                    bytes.get(i + 1).copied().and_then(hex_value),
                    bytes.get(i + 2).copied().and_then(hex_value),
                ) {
                    (Some(hi), Some(lo)) => {
                        out.push(hi << 4 | lo);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Canonical request
// ---------------------------------------------------------------------------------------------

/// The canonical URI path: `path` (as sent, percent-encoded) normalized and encoded as `params`
/// say. An empty path is `/`.
///
/// Normalization removes `.` and `..` segments as RFC 3986 section 5.2.4 does and merges
/// repeated slashes; a trailing slash (or a trailing dot segment) is kept.
pub fn canonical_uri_path(path: &str, params: &SigningParams) -> String {
    let normalized = if params.normalize_path {
        normalize_path(path)
    } else if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    };
    match params.uri_encoding {
        UriEncoding::Double => {
            let mut out = String::with_capacity(normalized.len());
            uri_encode_into(&mut out, normalized.as_bytes(), true);
            out
        }
        UriEncoding::Single => normalized,
    }
}

fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let mut trailing_slash = false;
    for segment in path.split('/') {
        match segment {
            "" | "." => trailing_slash = true,
            ".." => {
                segments.pop();
                trailing_slash = true;
            }
            s => {
                segments.push(s);
                trailing_slash = false;
            }
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    if segments.is_empty() || trailing_slash {
        out.push('/');
    }
    out
}

/// The canonical query string of `query` (the part after `?`, as sent): each name and value
/// decoded and URI-encoded again, sorted by encoded name then value, joined with `&`. A
/// parameter without `=` has an empty value.
pub fn canonical_query_string(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&decode_query_component(name)),
                uri_encode(&decode_query_component(value)),
            )
        })
        .collect();
    pairs.sort();
    let mut out = String::with_capacity(query.len() + 8);
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Trims spaces and tabs at both ends and collapses each inner run of them to one space.
fn trim_all(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

struct CanonicalHeaders {
    /// One `name:value\n` line per signed header, sorted by name.
    text: String,
    /// The names joined with `;`.
    signed: String,
}

fn canonical_headers<'h>(
    headers: impl IntoIterator<Item = (&'h str, &'h [u8])>,
    params: &SigningParams,
) -> Result<CanonicalHeaders, SigningError> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(SigningError::InvalidHeaderName { name });
        }
        if is_unsigned_header(&name)
            || (params.session_token == SessionTokenMode::Unsigned && name == X_AMZ_SECURITY_TOKEN)
        {
            continue;
        }
        let value = std::str::from_utf8(value)
            .ok()
            .filter(|v| !v.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f));
        let Some(value) = value else {
            return Err(SigningError::InvalidHeaderValue { name });
        };
        by_name.entry(name).or_default().push(trim_all(value));
    }
    if !by_name.contains_key("host") {
        return Err(SigningError::MissingHost);
    }
    let mut text = String::new();
    let mut signed = String::new();
    for (name, values) in &by_name {
        text.push_str(name);
        text.push(':');
        text.push_str(&values.join(","));
        text.push('\n');
        if !signed.is_empty() {
            signed.push(';');
        }
        signed.push_str(name);
    }
    Ok(CanonicalHeaders { text, signed })
}

/// A canonical request, the first stage of SigV4.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
    signed_headers: String,
}

impl CanonicalRequest {
    /// The canonical request text that is hashed into the string to sign.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The signed header names, lower-case, sorted and joined with `;`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn assemble(
    method: &str,
    path: &str,
    query: &str,
    headers: &CanonicalHeaders,
    payload_hash: &str,
    params: &SigningParams,
) -> CanonicalRequest {
    let text = format!(
        "{method}\n{}\n{}\n{}\n{}\n{payload_hash}",
        canonical_uri_path(path, params),
        canonical_query_string(query),
        headers.text,
        headers.signed,
    );
    CanonicalRequest {
        text,
        signed_headers: headers.signed.clone(),
    }
}

/// Builds the canonical request.
///
/// - `method`: the HTTP method as sent (`GET`, `POST`).
/// - `path` and `query`: the request target as sent, split at the first `?` (`query` is empty
///   when there is none). See [`canonical_uri_path`] and [`canonical_query_string`].
/// - `headers`: every header as sent, in order, including `host` and `x-amz-date` (and
///   `x-amz-security-token` when signed); [`UNSIGNED_HEADERS`] are skipped, as is
///   `x-amz-security-token` under [`SessionTokenMode::Unsigned`].
/// - `payload_hash`: see [`Payload::hash_for`].
///
/// Fails on a header name that is not an HTTP token, a header value that is not UTF-8 or
/// contains control characters (fold multi-line values first), or a missing `host` header.
pub fn canonical_request<'h>(
    method: &str,
    path: &str,
    query: &str,
    headers: impl IntoIterator<Item = (&'h str, &'h [u8])>,
    payload_hash: &str,
    params: &SigningParams,
) -> Result<CanonicalRequest, SigningError> {
    let headers = canonical_headers(headers, params)?;
    Ok(assemble(
        method,
        path,
        query,
        &headers,
        payload_hash,
        params,
    ))
}

/// The string to sign: the algorithm, the signing time, the credential scope and the hex
/// SHA-256 of the canonical request, one per line.
pub fn string_to_sign(
    canonical_request: &str,
    params: &SigningParams,
) -> Result<String, SigningError> {
    let amz_date = params.amz_date()?;
    let scope = params.scope_for_date(&amz_date[..8])?;
    Ok(format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    ))
}

/// A derived SigV4 signing key. `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey([u8; 32]);

impl SigningKey {
    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SigningKey")
            .field(&Redacted(&self.0))
            .finish()
    }
}

/// Derives the signing key: HMAC-SHA256 chained over `date` (`YYYYMMDD`), `region`, `service`
/// and `aws4_request`, starting from `"AWS4" + secret_access_key`.
pub fn signing_key(secret_access_key: &str, date: &str, region: &str, service: &str) -> SigningKey {
    let mut seed = Vec::with_capacity(4 + secret_access_key.len());
    seed.extend_from_slice(b"AWS4");
    seed.extend_from_slice(secret_access_key.as_bytes());
    let k_date = hmac_sha256(&seed, date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    SigningKey(hmac_sha256(&k_service, b"aws4_request"))
}

/// The signature: lower-case hex HMAC-SHA256 of the string to sign under the signing key.
pub fn signature(key: &SigningKey, string_to_sign: &str) -> String {
    hex(&hmac_sha256(&key.0, string_to_sign.as_bytes()))
}

/// The `authorization` header value:
/// `AWS4-HMAC-SHA256 Credential=<key id>/<scope>, SignedHeaders=<names>, Signature=<hex>`.
pub fn authorization_header(
    creds: &SigningCredentials,
    params: &SigningParams,
    signed_headers: &str,
    signature: &str,
) -> Result<String, SigningError> {
    check_scope_part("access_key_id", creds.access_key_id())?;
    let scope = params.credential_scope()?;
    Ok(format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        creds.access_key_id()
    ))
}

// ---------------------------------------------------------------------------------------------
// Signing-key cache
// ---------------------------------------------------------------------------------------------

/// Hit and miss counts of a [`SigningKeyCache`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that derived a new key.
    pub misses: u64,
}

struct CacheEntry {
    /// SHA-256 of a domain separator and the secret: tells secrets apart without keeping one.
    secret_fingerprint: [u8; 32],
    date: String,
    region: String,
    service: String,
    key: SigningKey,
}

/// A small, thread-safe cache of derived signing keys, keyed by (secret fingerprint, date,
/// region, service).
///
/// The secret access key itself is never stored: entries are told apart by a SHA-256
/// fingerprint of it. A new day's key evicts the previous days' keys first; past the capacity
/// the oldest entry goes.
pub struct SigningKeyCache {
    capacity: usize,
    entries: Mutex<Vec<CacheEntry>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl SigningKeyCache {
    /// The capacity of [`SigningKeyCache::new`].
    pub const DEFAULT_CAPACITY: usize = 8;

    /// An empty cache of [`Self::DEFAULT_CAPACITY`] keys.
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// An empty cache holding at most `capacity` keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: Mutex::new(Vec::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Vec<CacheEntry>> {
        // A panic while holding the lock cannot leave the Vec inconsistent: recover it.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The signing key for these inputs, from the cache or derived (and then cached).
    pub fn signing_key(
        &self,
        secret_access_key: &str,
        date: &str,
        region: &str,
        service: &str,
    ) -> SigningKey {
        let fingerprint = secret_fingerprint(secret_access_key);
        let matches = |e: &CacheEntry| {
            e.secret_fingerprint == fingerprint
                && e.date == date
                && e.region == region
                && e.service == service
        };
        if let Some(entry) = self.entries().iter().find(|e| matches(e)) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return entry.key.clone();
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let key = signing_key(secret_access_key, date, region, service);
        let mut entries = self.entries();
        if !entries.iter().any(&matches) {
            if entries.len() >= self.capacity {
                entries.retain(|e| e.date == date);
            }
            if entries.len() >= self.capacity {
                entries.remove(0);
            }
            entries.push(CacheEntry {
                secret_fingerprint: fingerprint,
                date: date.to_owned(),
                region: region.to_owned(),
                service: service.to_owned(),
                key: key.clone(),
            });
        }
        key
    }

    /// Hit and miss counts so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// How many keys are cached.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether no key is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every cached key (the counts stay).
    pub fn clear(&self) {
        self.entries().clear();
    }
}

impl Default for SigningKeyCache {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .field("stats", &self.stats())
            .finish()
    }
}

fn secret_fingerprint(secret_access_key: &str) -> [u8; 32] {
    let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
    hasher.update(b"stsgen-sigv4-signing-key-cache\0");
    hasher.update(secret_access_key.as_bytes());
    let mut out = [0; 32];
    out.copy_from_slice(hasher.finish().as_ref());
    out
}

fn derive_key(
    cache: Option<&SigningKeyCache>,
    creds: &SigningCredentials,
    date: &str,
    params: &SigningParams,
) -> SigningKey {
    match cache {
        Some(cache) => cache.signing_key(
            creds.secret_access_key(),
            date,
            &params.region,
            &params.service,
        ),
        None => signing_key(
            creds.secret_access_key(),
            date,
            &params.region,
            &params.service,
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Signing http requests
// ---------------------------------------------------------------------------------------------

/// Signs requests, caching derived signing keys. Cheap to share (`&Signer` is all it needs).
#[derive(Debug, Default)]
pub struct Signer {
    cache: SigningKeyCache,
}

impl Signer {
    /// A signer with an empty [`SigningKeyCache`] of the default capacity.
    pub fn new() -> Self {
        Self::default()
    }

    /// A signer using `cache`.
    pub fn with_cache(cache: SigningKeyCache) -> Self {
        Self { cache }
    }

    /// The signing-key cache.
    pub fn cache(&self) -> &SigningKeyCache {
        &self.cache
    }

    /// [`sign_request`], with the signing key from the cache.
    pub fn sign_request<B>(
        &self,
        request: &mut http::Request<B>,
        body: &[u8],
        creds: &SigningCredentials,
        params: &SigningParams,
    ) -> Result<(), SigningError> {
        sign_request_with(Some(&self.cache), request, body, creds, params)
    }

    /// [`presign_url`], with the signing key from the cache.
    pub fn presign_url(
        &self,
        method: &http::Method,
        uri: &http::Uri,
        headers_to_sign: &http::HeaderMap,
        creds: &SigningCredentials,
        params: &SigningParams,
        expires_in: Duration,
    ) -> Result<http::Uri, SigningError> {
        presign_url_with(
            Some(&self.cache),
            method,
            uri,
            headers_to_sign,
            creds,
            params,
            expires_in,
        )
    }
}

/// The `host` header an HTTP client derives from `uri`: the host, plus the port unless it is
/// the scheme's default.
fn host_from_uri(uri: &http::Uri) -> Result<String, SigningError> {
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or(SigningError::MissingHost)?;
    let default_port = match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    };
    Ok(match uri.port_u16() {
        Some(port) if Some(port) != default_port => format!("{host}:{port}"),
        _ => host.to_owned(),
    })
}

fn header_value(name: &str, value: &str, sensitive: bool) -> Result<HeaderValue, SigningError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| SigningError::InvalidHeaderValue {
        name: name.to_owned(),
    })?;
    value.set_sensitive(sensitive);
    Ok(value)
}

/// Signs `request` in place with SigV4 header signing.
///
/// Sets `x-amz-date` (replacing any), `x-amz-security-token` when `creds` has a session token
/// (replacing any), `x-amz-content-sha256` when [`SigningParams::content_sha256_header`] is
/// set, and `authorization` (replacing any). `body` is the request body as it will be sent
/// (unused when [`SigningParams::payload`] is not [`Payload::Hash`]).
///
/// Every header already on the request is signed except [`UNSIGNED_HEADERS`], so set
/// `content-type` and any other header before signing and hop-by-hop headers after. Without a
/// `host` header the host is taken from the URI as an HTTP client would send it (port only when
/// not the scheme's default); no `host` header is added.
///
/// On error the request is left unchanged.
pub fn sign_request<B>(
    request: &mut http::Request<B>,
    body: &[u8],
    creds: &SigningCredentials,
    params: &SigningParams,
) -> Result<(), SigningError> {
    sign_request_with(None, request, body, creds, params)
}

fn sign_request_with<B>(
    cache: Option<&SigningKeyCache>,
    request: &mut http::Request<B>,
    body: &[u8],
    creds: &SigningCredentials,
    params: &SigningParams,
) -> Result<(), SigningError> {
    let amz_date = params.amz_date()?;
    let payload_hash = params.payload.hash_for(body);

    let mut headers = request.headers().clone();
    headers.remove(AUTHORIZATION);
    headers.insert(
        HeaderName::from_static(X_AMZ_DATE),
        header_value(X_AMZ_DATE, &amz_date, false)?,
    );
    if let Some(token) = creds.session_token() {
        headers.insert(
            HeaderName::from_static(X_AMZ_SECURITY_TOKEN),
            header_value(X_AMZ_SECURITY_TOKEN, token, true)?,
        );
    }
    if params.content_sha256_header {
        headers.insert(
            HeaderName::from_static(X_AMZ_CONTENT_SHA256),
            header_value(X_AMZ_CONTENT_SHA256, &payload_hash, false)?,
        );
    }
    let uri_host = if headers.contains_key(HOST) {
        None
    } else {
        Some(host_from_uri(request.uri())?)
    };

    let listed = headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()));
    let from_uri = uri_host.as_deref().map(|host| ("host", host.as_bytes()));
    let uri = request.uri();
    let creq = canonical_request(
        request.method().as_str(),
        uri.path(),
        uri.query().unwrap_or(""),
        listed.chain(from_uri),
        &payload_hash,
        params,
    )?;
    let sts = string_to_sign(creq.as_str(), params)?;
    let key = derive_key(cache, creds, &amz_date[..8], params);
    let authorization =
        authorization_header(creds, params, creq.signed_headers(), &signature(&key, &sts))?;
    headers.insert(
        AUTHORIZATION,
        header_value("authorization", &authorization, true)?,
    );

    *request.headers_mut() = headers;
    Ok(())
}

/// Returns `uri` presigned with SigV4 query-string signing, valid for `expires_in`.
///
/// The URL keeps its query parameters (minus any earlier `X-Amz-*` signing parameters) and
/// gains, in order, `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
/// `X-Amz-SignedHeaders`, `X-Amz-Security-Token` (when `creds` has a session token; signed,
/// as botocore does, unless [`SessionTokenMode::Unsigned`], when it comes last) and
/// `X-Amz-Signature`.
///
/// The signed headers are `host` (from `headers_to_sign` or, as an HTTP client would send
/// it, from `uri`) and `headers_to_sign` minus [`UNSIGNED_HEADERS`]: whoever uses the URL
/// must send exactly those headers, such as `x-k8s-aws-id` for an EKS token. The payload hash
/// is that of an empty body unless [`SigningParams::payload`] says otherwise.
/// `expires_in` is counted in whole seconds and must be between 1 s and
/// [`MAX_PRESIGNED_EXPIRY`].
pub fn presign_url(
    method: &http::Method,
    uri: &http::Uri,
    headers_to_sign: &http::HeaderMap,
    creds: &SigningCredentials,
    params: &SigningParams,
    expires_in: Duration,
) -> Result<http::Uri, SigningError> {
    presign_url_with(
        None,
        method,
        uri,
        headers_to_sign,
        creds,
        params,
        expires_in,
    )
}

fn push_query_param(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(name);
    query.push('=');
    uri_encode_into(query, value.as_bytes(), false);
}

fn presign_url_with(
    cache: Option<&SigningKeyCache>,
    method: &http::Method,
    uri: &http::Uri,
    headers_to_sign: &http::HeaderMap,
    creds: &SigningCredentials,
    params: &SigningParams,
    expires_in: Duration,
) -> Result<http::Uri, SigningError> {
    let expires = expires_in.as_secs();
    if expires == 0 || expires_in > MAX_PRESIGNED_EXPIRY {
        return Err(SigningError::InvalidExpiry { seconds: expires });
    }
    check_scope_part("access_key_id", creds.access_key_id())?;
    let amz_date = params.amz_date()?;
    let scope = params.scope_for_date(&amz_date[..8])?;

    let uri_host = if headers_to_sign.contains_key(HOST) {
        None
    } else {
        Some(host_from_uri(uri)?)
    };
    let listed = headers_to_sign
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()));
    let from_uri = uri_host.as_deref().map(|host| ("host", host.as_bytes()));
    let headers = canonical_headers(listed.chain(from_uri), params)?;

    let mut query = String::new();
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        let name = decode_query_component(name);
        if PRESIGN_QUERY_PARAMS
            .iter()
            .any(|p| p.as_bytes() == name.as_slice())
        {
            continue;
        }
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(pair);
    }
    push_query_param(&mut query, "X-Amz-Algorithm", ALGORITHM);
    push_query_param(
        &mut query,
        "X-Amz-Credential",
        &format!("{}/{scope}", creds.access_key_id()),
    );
    push_query_param(&mut query, "X-Amz-Date", &amz_date);
    push_query_param(&mut query, "X-Amz-Expires", &expires.to_string());
    push_query_param(&mut query, "X-Amz-SignedHeaders", &headers.signed);
    let unsigned_token = match (creds.session_token(), params.session_token) {
        (Some(token), SessionTokenMode::Signed) => {
            push_query_param(&mut query, "X-Amz-Security-Token", token);
            None
        }
        (Some(token), SessionTokenMode::Unsigned) => Some(token),
        (None, _) => None,
    };

    let payload_hash = params.payload.hash_for(b"");
    let creq = assemble(
        method.as_str(),
        uri.path(),
        &query,
        &headers,
        &payload_hash,
        params,
    );
    let sts = string_to_sign(creq.as_str(), params)?;
    let key = derive_key(cache, creds, &amz_date[..8], params);
    push_query_param(&mut query, "X-Amz-Signature", &signature(&key, &sts));
    if let Some(token) = unsigned_token {
        push_query_param(&mut query, "X-Amz-Security-Token", token);
    }

    let path = if uri.path().is_empty() {
        "/"
    } else {
        uri.path()
    };
    let path_and_query =
        http::uri::PathAndQuery::try_from(format!("{path}?{query}")).map_err(|e| {
            SigningError::InvalidUri {
                reason: e.to_string(),
            }
        })?;
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(path_and_query);
    http::Uri::from_parts(parts).map_err(|e| SigningError::InvalidUri {
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    const AK: &str = "AKIDEXAMPLE";
    const SK: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    // Not a real token: exercises `/`, `+` and `=` in the encoding.
    const TOKEN: &str = "FQoGZXIvYXdzEXAMPLE/token+with=chars";

    fn suite_time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160) // 2015-08-30T12:36:00Z
    }

    fn params(region: &str, service: &str) -> SigningParams {
        SigningParams::new(region, service, suite_time())
    }

    #[test]
    fn amz_date_formats_utc_and_rejects_out_of_range() {
        assert_eq!(format_amz_date(suite_time()).unwrap(), "20150830T123600Z");
        assert_eq!(format_amz_date(UNIX_EPOCH).unwrap(), "19700101T000000Z");
        let before = UNIX_EPOCH - Duration::from_millis(500);
        assert_eq!(format_amz_date(before).unwrap(), "19691231T235959Z");
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(format_amz_date(far), Err(SigningError::InvalidTime));
        let first = UNIX_EPOCH - Duration::from_secs(62_135_596_800); // 0001-01-01T00:00:00Z
        assert_eq!(format_amz_date(first).unwrap(), "00010101T000000Z");
        assert_eq!(format_amz_date(first - Duration::from_nanos(1)), Err(SigningError::InvalidTime));
    }

    /// The key AWS's documentation derives for 20150830/us-east-1/iam
    /// (cross-checked with Python's `hmac`).
    #[test]
    fn signing_key_matches_aws_documentation() {
        let key = signing_key(SK, "20150830", "us-east-1", "iam");
        assert_eq!(
            hex(key.as_bytes()),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn path_normalization_and_encoding() {
        let p = params("us-east-1", "service");
        for (input, expected) in [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/a/b/../c/./d//", "/a/c/d/"),
            ("/a/b/..", "/a/"),
            ("/a/b/.", "/a/b/"),
            ("/../..", "/"),
            ("/a%20b/$c", "/a%2520b/%24c"),
            ("/~user/x-y_z.txt", "/~user/x-y_z.txt"),
        ] {
            assert_eq!(canonical_uri_path(input, &p), expected, "{input:?}");
        }
        let mut s3 = p.clone();
        s3.uri_encoding = UriEncoding::Single;
        s3.normalize_path = false;
        assert_eq!(canonical_uri_path("/a//b/../c%20d", &s3), "/a//b/../c%20d");
    }

    #[test]
    fn query_canonicalization() {
        assert_eq!(canonical_query_string(""), "");
        assert_eq!(canonical_query_string("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
        assert_eq!(
            canonical_query_string("k=a+b&k2=%2b%2F&k3=%zz"),
            "k=a%20b&k2=%2B%2F&k3=%25zz"
        );
        assert_eq!(canonical_query_string("&&x=%E1%88%B4&"), "x=%E1%88%B4");
        assert_eq!(canonical_query_string("p=%"), "p=%25");
    }

    #[test]
    fn header_values_are_trimmed_and_duplicates_joined() {
        assert_eq!(trim_all("  a   b\t\t c  "), "a b c");
        let headers: [(&str, &[u8]); 4] = [
            ("Host", b"example.com"),
            ("My-Header", b" x  y "),
            ("my-header", b"z"),
            ("User-Agent", b"not signed"),
        ];
        let creq = canonical_request(
            "GET",
            "/",
            "",
            headers,
            EMPTY_PAYLOAD_SHA256,
            &params("r", "s"),
        )
        .unwrap();
        assert_eq!(
            creq.as_str(),
            format!("GET\n/\n\nhost:example.com\nmy-header:x y,z\n\nhost;my-header\n{EMPTY_PAYLOAD_SHA256}")
        );
    }

    #[test]
    fn canonical_request_rejects_bad_input() {
        let p = params("us-east-1", "sts");
        let no_host: [(&str, &[u8]); 1] = [("x-amz-date", b"20150830T123600Z")];
        assert_eq!(
            canonical_request("GET", "/", "", no_host, EMPTY_PAYLOAD_SHA256, &p),
            Err(SigningError::MissingHost)
        );
        let latin1: [(&str, &[u8]); 2] = [("host", b"h"), ("X-Name", b"caf\xe9")];
        assert_eq!(
            canonical_request("GET", "/", "", latin1, EMPTY_PAYLOAD_SHA256, &p),
            Err(SigningError::InvalidHeaderValue {
                name: "x-name".into()
            })
        );
        let newline: [(&str, &[u8]); 2] = [("host", b"h"), ("x", b"a\nb")];
        assert!(canonical_request("GET", "/", "", newline, EMPTY_PAYLOAD_SHA256, &p).is_err());
        let bad_name: [(&str, &[u8]); 2] = [("host", b"h"), ("bad name", b"v")];
        assert_eq!(
            canonical_request("GET", "/", "", bad_name, EMPTY_PAYLOAD_SHA256, &p),
            Err(SigningError::InvalidHeaderName {
                name: "bad name".into()
            })
        );
    }

    /// Cross-checked with botocore 1.44.5 `SigV4Auth` at the same time and credentials.
    #[test]
    fn sts_post_form_request_matches_botocore() {
        let body = "Action=GetCallerIdentity&Version=2011-06-15";
        let mut request = http::Request::post("https://sts.amazonaws.com/")
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header("user-agent", "stsgen/0.1")
            .header("x-amzn-trace-id", "Root=1-abc")
            .header("authorization", "stale")
            .body(())
            .unwrap();
        let creds = SigningCredentials::new(AK, SK, Some(TOKEN.into()));
        sign_request(
            &mut request,
            body.as_bytes(),
            &creds,
            &params("us-east-1", "sts"),
        )
        .unwrap();
        let h = request.headers();
        assert_eq!(h["x-amz-date"], "20150830T123600Z");
        assert_eq!(h["x-amz-security-token"], TOKEN);
        assert!(h["x-amz-security-token"].is_sensitive());
        assert!(h.get("host").is_none());
        assert!(h.get(X_AMZ_CONTENT_SHA256).is_none());
        assert_eq!(h.get_all("authorization").iter().count(), 1);
        assert_eq!(
            h["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, \
             Signature=628af3784e21d4e97bb6de9a9b5786a1755855f2ddf6c771f008b569b16b65a9"
        );
    }

    #[test]
    fn hop_by_hop_and_client_headers_are_not_signed() {
        let mut request = http::Request::post("http://localhost:8080/")
            .body(())
            .unwrap();
        for name in UNSIGNED_HEADERS {
            request
                .headers_mut()
                .insert(*name, HeaderValue::from_static("v"));
        }
        let creds = SigningCredentials::new(AK, SK, None);
        sign_request(&mut request, b"", &creds, &params("us-east-1", "sts")).unwrap();
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert!(
            authorization.contains("SignedHeaders=host;x-amz-date,"),
            "{authorization}"
        );
    }

    #[test]
    fn host_from_uri_keeps_only_non_default_ports() {
        let host = |s: &str| host_from_uri(&s.parse().unwrap());
        assert_eq!(
            host("https://sts.amazonaws.com/").unwrap(),
            "sts.amazonaws.com"
        );
        assert_eq!(
            host("https://sts.amazonaws.com:443/").unwrap(),
            "sts.amazonaws.com"
        );
        assert_eq!(host("http://localhost:80/").unwrap(), "localhost");
        assert_eq!(host("http://localhost:8080/").unwrap(), "localhost:8080");
        assert_eq!(host("https://[::1]:4566/").unwrap(), "[::1]:4566");
        assert_eq!(host("/relative"), Err(SigningError::MissingHost));
    }

    #[test]
    fn content_sha256_header_is_opt_in() {
        let mut p = params("us-east-1", "s3");
        p.content_sha256_header = true;
        p.payload = Payload::Unsigned;
        let mut request = http::Request::put("https://bucket.s3.amazonaws.com/key")
            .body(())
            .unwrap();
        sign_request(
            &mut request,
            b"ignored",
            &SigningCredentials::new(AK, SK, None),
            &p,
        )
        .unwrap();
        assert_eq!(request.headers()[X_AMZ_CONTENT_SHA256], UNSIGNED_PAYLOAD);
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert!(authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"));
    }

    #[test]
    fn unsigned_session_token_is_sent_but_not_signed() {
        let mut p = params("us-east-1", "service");
        p.session_token = SessionTokenMode::Unsigned;
        let mut request = http::Request::get("https://example.amazonaws.com/")
            .body(())
            .unwrap();
        let creds = SigningCredentials::new(AK, SK, Some(TOKEN.into()));
        sign_request(&mut request, b"", &creds, &p).unwrap();
        assert_eq!(request.headers()[X_AMZ_SECURITY_TOKEN], TOKEN);
        let authorization = request.headers()["authorization"].to_str().unwrap();
        assert!(authorization.contains("SignedHeaders=host;x-amz-date,"));
    }

    #[test]
    fn errors_leave_the_request_untouched() {
        let mut request = http::Request::get("https://example.amazonaws.com/")
            .header("x-bad", HeaderValue::from_bytes(b"caf\xe9").unwrap())
            .body(())
            .unwrap();
        let before = request.headers().clone();
        let err = sign_request(
            &mut request,
            b"",
            &SigningCredentials::new(AK, SK, None),
            &params("r", "s"),
        );
        assert_eq!(
            err,
            Err(SigningError::InvalidHeaderValue {
                name: "x-bad".into()
            })
        );
        assert_eq!(request.headers(), &before);

        let creds = SigningCredentials::new(AK, SK, Some("bad\ntoken".into()));
        let mut request = http::Request::get("https://example.amazonaws.com/")
            .body(())
            .unwrap();
        let err = sign_request(&mut request, b"", &creds, &params("r", "s")).unwrap_err();
        assert_eq!(
            err,
            SigningError::InvalidHeaderValue {
                name: X_AMZ_SECURITY_TOKEN.into()
            }
        );
        assert!(!err.to_string().contains("token\n"));
        assert!(request.headers().is_empty());

        let bad_region = params("us east 1", "sts");
        let mut request = http::Request::get("https://example.amazonaws.com/")
            .body(())
            .unwrap();
        assert_eq!(
            sign_request(
                &mut request,
                b"",
                &SigningCredentials::new(AK, SK, None),
                &bad_region
            ),
            Err(SigningError::InvalidCredentialScope { field: "region" })
        );
        let mut request = http::Request::get("/no-host").body(()).unwrap();
        assert_eq!(
            sign_request(
                &mut request,
                b"",
                &SigningCredentials::new(AK, SK, None),
                &params("r", "s")
            ),
            Err(SigningError::MissingHost)
        );
    }

    /// The STS GetCallerIdentity presigned URL; cross-checked with botocore 1.44.5
    /// `SigV4QueryAuth(expires=900)` at the same time and credentials.
    #[test]
    fn presigned_sts_get_caller_identity_matches_botocore() {
        let uri: http::Uri =
            "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
                .parse()
                .unwrap();
        let creds = SigningCredentials::new(AK, SK, Some(TOKEN.into()));
        let url = presign_url(
            &http::Method::GET,
            &uri,
            &http::HeaderMap::new(),
            &creds,
            &params("us-east-1", "sts"),
            Duration::from_secs(900),
        )
        .unwrap();
        assert_eq!(
            url.to_string(),
            "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15\
             &X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request\
             &X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
             &X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE%2Ftoken%2Bwith%3Dchars\
             &X-Amz-Signature=01548c26ff24c8bb76ed4757118b650432868bb21cd5c28bc4b355a8a84630e3"
        );

        // Presigning the presigned URL again replaces the signing parameters.
        let again = presign_url(
            &http::Method::GET,
            &url,
            &http::HeaderMap::new(),
            &creds,
            &params("us-east-1", "sts"),
            Duration::from_secs(900),
        )
        .unwrap();
        assert_eq!(again, url);
    }

    /// The EKS token shape: `x-k8s-aws-id` signed; cross-checked with botocore 1.44.5.
    #[test]
    fn presigned_url_with_extra_signed_header_matches_botocore() {
        let uri: http::Uri =
            "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
                .parse()
                .unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert("x-k8s-aws-id", HeaderValue::from_static("my-cluster"));
        let signer = Signer::new();
        let url = signer
            .presign_url(
                &http::Method::GET,
                &uri,
                &headers,
                &SigningCredentials::new(AK, SK, None),
                &params("us-west-2", "sts"),
                Duration::from_secs(60),
            )
            .unwrap();
        assert_eq!(
            url.to_string(),
            "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15\
             &X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Fsts%2Faws4_request\
             &X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id\
             &X-Amz-Signature=0e4640b17bc8d5103084241685a7c907b51396a7fd5f6e6181358d0df4f37e9d"
        );
    }

    #[test]
    fn presign_rejects_bad_expiry() {
        let uri: http::Uri = "https://sts.amazonaws.com/".parse().unwrap();
        let creds = SigningCredentials::new(AK, SK, None);
        for (expiry, seconds) in [
            (Duration::ZERO, 0),
            (Duration::from_millis(999), 0),
            (MAX_PRESIGNED_EXPIRY + Duration::from_secs(1), 604_801),
        ] {
            let got = presign_url(
                &http::Method::GET,
                &uri,
                &http::HeaderMap::new(),
                &creds,
                &params("r", "s"),
                expiry,
            );
            assert_eq!(got, Err(SigningError::InvalidExpiry { seconds }));
        }
        assert!(presign_url(
            &http::Method::GET,
            &uri,
            &http::HeaderMap::new(),
            &creds,
            &params("r", "s"),
            MAX_PRESIGNED_EXPIRY
        )
        .is_ok());
    }

    #[test]
    fn signing_key_cache_hits_and_misses() {
        let signer = Signer::new();
        let creds = SigningCredentials::new(AK, SK, None);
        let sign = |p: &SigningParams, c: &SigningCredentials| {
            let mut request = http::Request::get("https://sts.amazonaws.com/")
                .body(())
                .unwrap();
            signer.sign_request(&mut request, b"", c, p).unwrap();
            request.headers()["authorization"].clone()
        };
        let p = params("us-east-1", "sts");
        let first = sign(&p, &creds);
        assert_eq!(signer.cache().stats(), CacheStats { hits: 0, misses: 1 });
        let second = sign(&p, &creds);
        assert_eq!(second, first);
        assert_eq!(signer.cache().stats(), CacheStats { hits: 1, misses: 1 });
        // The uncached path agrees.
        let mut request = http::Request::get("https://sts.amazonaws.com/")
            .body(())
            .unwrap();
        sign_request(&mut request, b"", &creds, &p).unwrap();
        assert_eq!(request.headers()["authorization"], first);

        // Other region, other secret, same access key id: misses.
        sign(&params("eu-west-1", "sts"), &creds);
        sign(&p, &SigningCredentials::new(AK, "another-secret", None));
        assert_eq!(signer.cache().stats(), CacheStats { hits: 1, misses: 3 });
        assert_eq!(signer.cache().len(), 3);

        // The next day: a miss, and yesterday's keys go once the cache is full.
        let small = SigningKeyCache::with_capacity(2);
        let next_day = SigningParams::new(
            "us-east-1",
            "sts",
            suite_time() + Duration::from_secs(86_400),
        );
        small.signing_key(SK, "20150830", "us-east-1", "sts");
        small.signing_key(SK, "20150830", "eu-west-1", "sts");
        let key = small.signing_key(SK, &next_day.amz_date().unwrap()[..8], "us-east-1", "sts");
        assert_eq!(key, signing_key(SK, "20150831", "us-east-1", "sts"));
        assert_eq!(small.len(), 1);
        assert_eq!(small.stats(), CacheStats { hits: 0, misses: 3 });
        small.signing_key(SK, "20150831", "us-east-1", "sts");
        assert_eq!(small.stats(), CacheStats { hits: 1, misses: 3 });

        // The cache keeps a fingerprint of the secret, never the secret.
        let entries = signer.cache().entries();
        let fingerprints = [secret_fingerprint(SK), secret_fingerprint("another-secret")];
        assert!(entries
            .iter()
            .all(|e| fingerprints.contains(&e.secret_fingerprint)));
        drop(entries);
        assert!(!format!("{:?}", signer).contains(SK));
    }

    #[test]
    fn debug_redacts_secrets() {
        let creds = SigningCredentials::new(AK, SK, Some(TOKEN.into()));
        let debug = format!("{creds:?}");
        assert!(debug.contains(AK), "{debug}");
        assert!(!debug.contains(SK), "{debug}");
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(debug.contains(crate::sensitive::REDACTED), "{debug}");
        assert!(
            format!("{:?}", SigningCredentials::new(AK, SK, None)).contains("session_token: None")
        );

        let key = signing_key(SK, "20150830", "us-east-1", "sts");
        let debug = format!("{key:?}");
        assert!(
            !debug.contains(&hex(key.as_bytes()))
                && !debug.contains(&format!("{:?}", key.as_bytes()))
        );
        assert!(debug.contains(crate::sensitive::REDACTED));
    }
}
