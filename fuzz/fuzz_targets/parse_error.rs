//! Fuzzes every STS operation's `parse_error`: the first input byte selects the operation
//! (`A` = the first in the list below, `B` the second, ... modulo the count), the second the
//! HTTP status (`400 + byte`), the rest is the error body; an `x-amzn-requestid` header is
//! sent when the status byte is odd. Parsing must never panic, hang or overflow the stack; the
//! outcome must format (`Debug` / `Display`) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sts::operation::*;
use sts::runtime::http::{HeaderMap, HeaderValue};

type ParseError<E> = fn(u16, &HeaderMap, &[u8]) -> Result<E, sts::error::ParseError>;

/// Parses `body` with `parse` and formats the outcome.
fn check<E: std::fmt::Debug + std::fmt::Display>(parse: ParseError<E>, status: u16, headers: &HeaderMap, body: &[u8]) {
    match parse(status, headers, body) {
        Ok(e) => drop(format!("{e} {e:?}")),
        Err(e) => drop(format!("{e} {e:?}")),
    }
}

fuzz_target!(|data: &[u8]| {
    let [selector, status, body @ ..] = data else { return };
    let status = 400 + u16::from(*status);
    let mut headers = HeaderMap::new();
    if status % 2 == 1 {
        headers.insert("x-amzn-requestid", HeaderValue::from_static("hdr-request-id"));
    }
    let parsers: [fn(u16, &HeaderMap, &[u8]); 11] = [
        |s, h, b| check(assume_role::parse_error, s, h, b),
        |s, h, b| check(assume_role_with_saml::parse_error, s, h, b),
        |s, h, b| check(assume_role_with_web_identity::parse_error, s, h, b),
        |s, h, b| check(assume_root::parse_error, s, h, b),
        |s, h, b| check(decode_authorization_message::parse_error, s, h, b),
        |s, h, b| check(get_access_key_info::parse_error, s, h, b),
        |s, h, b| check(get_caller_identity::parse_error, s, h, b),
        |s, h, b| check(get_delegated_access_token::parse_error, s, h, b),
        |s, h, b| check(get_federation_token::parse_error, s, h, b),
        |s, h, b| check(get_session_token::parse_error, s, h, b),
        |s, h, b| check(get_web_identity_token::parse_error, s, h, b),
    ];
    parsers[usize::from(selector.wrapping_sub(b'A')) % parsers.len()](status, &headers, body);
});
