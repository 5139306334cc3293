//! What a signature covers and how: the constants of the scheme, the signing parameters
//! ([`SigningParams`], [`Payload`], [`UriEncoding`], [`SessionTokenMode`]) and [`SigningError`].

use std::fmt;
use std::time::{Duration, SystemTime};

use super::hash::sha256_hex;

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
pub(super) const PRESIGN_QUERY_PARAMS: &[&str] = &[
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
    /// Whether [`sign_request`](crate::sigv4::sign_request) sends and signs `x-amz-content-sha256` (S3 and some REST
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

    pub(super) fn scope_for_date(&self, date: &str) -> Result<String, SigningError> {
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
    let t = crate::types::datetime::DateTime::try_from_system_time(time)
        .map_err(|_| SigningError::InvalidTime)?;
    Ok(t.format_iso8601_basic())
}

/// A region, service or access key id must be printable ASCII without `/`, `,` or spaces, or
/// the credential scope and the `authorization` value could not be parsed back.
pub(super) fn check_scope_part(field: &'static str, value: &str) -> Result<(), SigningError> {
    let bad = |b: u8| !(0x21..=0x7e).contains(&b) || b == b'/' || b == b',';
    if value.is_empty() || value.bytes().any(bad) {
        return Err(SigningError::InvalidCredentialScope { field });
    }
    Ok(())
}

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
