//! Signing an [`http::Request`] in place: `x-amz-date`, the session token, the payload hash
//! and `authorization`.

use http::header::{HeaderName, HeaderValue, AUTHORIZATION, HOST};

use crate::credentials::Credentials;

use super::canonical::{canonical_request, string_to_sign};
use super::key::{derive_key, signature, SigningKeyCache};
use super::params::{
    check_scope_part, SigningError, SigningParams, ALGORITHM, X_AMZ_CONTENT_SHA256, X_AMZ_DATE,
    X_AMZ_SECURITY_TOKEN,
};

/// The `authorization` header value:
/// `AWS4-HMAC-SHA256 Credential=<key id>/<scope>, SignedHeaders=<names>, Signature=<hex>`.
pub fn authorization_header(
    creds: &Credentials,
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

/// The `host` header an HTTP client derives from `uri`: the host, plus the port unless it is
/// the scheme's default.
pub(super) fn host_from_uri(uri: &http::Uri) -> Result<String, SigningError> {
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

pub(super) fn header_value(
    name: &str,
    value: &str,
    sensitive: bool,
) -> Result<HeaderValue, SigningError> {
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
/// (unused when [`SigningParams::payload`] is not [`Payload::Hash`](crate::sigv4::Payload::Hash)).
///
/// Every header already on the request is signed except [`UNSIGNED_HEADERS`](crate::sigv4::UNSIGNED_HEADERS), so set
/// `content-type` and any other header before signing and hop-by-hop headers after. Without a
/// `host` header the host is taken from the URI as an HTTP client would send it (port only when
/// not the scheme's default); no `host` header is added.
///
/// On error the request is left unchanged.
pub fn sign_request<B>(
    request: &mut http::Request<B>,
    body: &[u8],
    creds: &Credentials,
    params: &SigningParams,
) -> Result<(), SigningError> {
    sign_request_with(None, request, body, creds, params)
}

pub(super) fn sign_request_with<B>(
    cache: Option<&SigningKeyCache>,
    request: &mut http::Request<B>,
    body: &[u8],
    creds: &Credentials,
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
