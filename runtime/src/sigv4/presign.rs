//! Presigned URLs: the signature in the query string, valid for a bounded time.

use std::time::Duration;

use http::header::HOST;

use crate::credentials::Credentials;

use super::canonical::{
    assemble, canonical_headers, decode_query_component, string_to_sign, uri_encode_into,
};
use super::key::{derive_key, signature, SigningKeyCache};
use super::params::{
    check_scope_part, SessionTokenMode, SigningError, SigningParams, ALGORITHM,
    MAX_PRESIGNED_EXPIRY, PRESIGN_QUERY_PARAMS,
};
use super::sign::host_from_uri;

/// Returns `uri` presigned with SigV4 query-string signing, valid for `expires_in`.
///
/// The URL keeps its query parameters (minus any earlier `X-Amz-*` signing parameters) and
/// gains, in order, `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
/// `X-Amz-SignedHeaders`, `X-Amz-Security-Token` (when `creds` has a session token; signed,
/// as botocore does, unless [`SessionTokenMode::Unsigned`], when it comes last) and
/// `X-Amz-Signature`.
///
/// The signed headers are `host` (from `headers_to_sign` or, as an HTTP client would send
/// it, from `uri`) and `headers_to_sign` minus [`UNSIGNED_HEADERS`](crate::sigv4::UNSIGNED_HEADERS): whoever uses the URL
/// must send exactly those headers, such as `x-k8s-aws-id` for an EKS token. The payload hash
/// is that of an empty body unless [`SigningParams::payload`] says otherwise.
/// `expires_in` is counted in whole seconds and must be between 1 s and
/// [`MAX_PRESIGNED_EXPIRY`].
pub fn presign_url(
    method: &http::Method,
    uri: &http::Uri,
    headers_to_sign: &http::HeaderMap,
    creds: &Credentials,
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

pub(super) fn push_query_param(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(name);
    query.push('=');
    uri_encode_into(query, value.as_bytes(), false);
}

pub(super) fn presign_url_with(
    cache: Option<&SigningKeyCache>,
    method: &http::Method,
    uri: &http::Uri,
    headers_to_sign: &http::HeaderMap,
    creds: &Credentials,
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
