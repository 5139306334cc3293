//! The canonical request: URI-encoding, path normalization, the sorted query string, the
//! canonical headers, and the string to sign.

use std::fmt;

use crate::sensitive::REDACTED;

use super::hash::sha256_hex;
use super::params::{
    is_unsigned_header, SessionTokenMode, SigningError, SigningParams, UriEncoding, ALGORITHM,
    X_AMZ_SECURITY_TOKEN,
};

pub(super) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// AWS's URI encoding: unreserved characters (`A-Z a-z 0-9 - _ . ~`) stay, every other byte
/// becomes `%XX` with upper-case hex; `/` stays too when `keep_slash`.
pub(super) fn uri_encode_into(out: &mut String, bytes: &[u8], keep_slash: bool) {
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

/// Decodes a query-string component: `%XX` escapes and `+` as a space, as AWS services and
/// AWS's signers do. A `%` not followed by two hex digits is kept literally.
pub(super) fn decode_query_component(s: &str) -> Vec<u8> {
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

pub(super) fn normalize_path(path: &str) -> String {
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
    // Each pair is encoded as `name\0value`: encoded text never holds a NUL, which sorts
    // before every character it can hold, so ordering these strings orders the pairs by name,
    // then value. Sorting `&str` shares the sort the XML reader compiles in; equal pairs are
    // identical, so an unstable sort is exact.
    let mut buf = String::with_capacity(query.len() + 8);
    let mut ends = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let start = buf.len();
        uri_encode_into(&mut buf, &decode_query_component(name), false);
        buf.push('\0');
        uri_encode_into(&mut buf, &decode_query_component(value), false);
        ends.push((start, buf.len()));
    }
    let mut pairs: Vec<&str> = ends.iter().map(|&(a, b)| &buf[a..b]).collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(buf.len());
    for (i, pair) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        let (name, value) = pair.split_once('\0').unwrap_or((pair, ""));
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

pub(super) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Trims spaces and tabs at both ends and collapses each inner run of them to one space.
pub(super) fn trim_all(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

pub(super) struct CanonicalHeaders {
    /// One `name:value\n` line per signed header, sorted by name.
    pub(super) text: String,
    /// The names joined with `;`.
    pub(super) signed: String,
}

pub(super) fn canonical_headers<'h>(
    headers: impl IntoIterator<Item = (&'h str, &'h [u8])>,
    params: &SigningParams,
) -> Result<CanonicalHeaders, SigningError> {
    // Sorted by name, values in the order they came (a sorted vector rather than a map: a
    // request has a handful of headers).
    let mut by_name: Vec<(String, Vec<String>)> = Vec::new();
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
        let value = trim_all(value);
        match by_name.binary_search_by(|(n, _)| n.as_str().cmp(&name)) {
            Ok(i) => by_name[i].1.push(value),
            Err(i) => by_name.insert(i, (name, vec![value])),
        }
    }
    if by_name
        .binary_search_by(|(n, _)| n.as_str().cmp("host"))
        .is_err()
    {
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
///
/// `Display` and `Debug` show it with the session token (`x-amz-security-token` header line and
/// `X-Amz-Security-Token` query parameter) redacted; [`as_str`](Self::as_str) is the exact text.
#[derive(Clone, PartialEq, Eq)]
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

impl CanonicalRequest {
    /// The text with the session token redacted: the `x-amz-security-token` header line's
    /// value and the value of an `X-Amz-Security-Token` query parameter (line 3).
    fn redacted(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        for (i, line) in self.text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            if i == 2 {
                let params: Vec<String> = line
                    .split('&')
                    .map(|p| match p.split_once('=') {
                        Some((k, _)) if k.eq_ignore_ascii_case("X-Amz-Security-Token") => {
                            format!("{k}={REDACTED}")
                        }
                        _ => p.to_owned(),
                    })
                    .collect();
                out.push_str(&params.join("&"));
            } else if let Some(name) = line
                .get(..21)
                .filter(|p| p.eq_ignore_ascii_case("x-amz-security-token:"))
            {
                out.push_str(name);
                out.push_str(REDACTED);
            } else {
                out.push_str(line);
            }
        }
        out
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CanonicalRequest")
            .field("text", &self.redacted())
            .field("signed_headers", &self.signed_headers)
            .finish()
    }
}

pub(super) fn assemble(
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
///   `x-amz-security-token` when signed); [`UNSIGNED_HEADERS`](crate::sigv4::UNSIGNED_HEADERS) are skipped, as is
///   `x-amz-security-token` under [`SessionTokenMode::Unsigned`].
/// - `payload_hash`: see [`Payload::hash_for`](crate::sigv4::Payload::hash_for).
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
