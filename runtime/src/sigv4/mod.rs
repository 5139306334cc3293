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
//! use stsgen_runtime::credentials::Credentials;
//! use stsgen_runtime::sigv4::{self, SigningParams};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "example");
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

mod canonical;
mod hash;
mod key;
mod params;
mod presign;
mod sign;
mod signer;
#[cfg(test)]
mod tests;

pub use canonical::{
    canonical_query_string, canonical_request, canonical_uri_path, string_to_sign, CanonicalRequest,
};
pub use hash::sha256_hex;
pub use key::{signature, signing_key, CacheStats, SigningKey, SigningKeyCache};
pub use params::{
    format_amz_date, is_unsigned_header, Payload, SessionTokenMode, SigningError, SigningParams,
    UriEncoding, ALGORITHM, EMPTY_PAYLOAD_SHA256, MAX_PRESIGNED_EXPIRY, UNSIGNED_HEADERS,
    UNSIGNED_PAYLOAD, X_AMZ_CONTENT_SHA256, X_AMZ_DATE, X_AMZ_SECURITY_TOKEN,
};
pub use presign::presign_url;
pub use sign::{authorization_header, sign_request};
pub use signer::Signer;
