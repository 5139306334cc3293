//! Fuzzes every STS operation's `parse_output`: the first input byte selects the operation
//! (`A` = the first in the list below, `B` the second, ... modulo the count), the rest is the
//! response body. Parsing must never panic, hang or overflow the stack; a successful parse and
//! a failure must both format (`Debug` / `Display`) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sts::operation::*;

/// Parses `body` with `parse` and formats the outcome.
fn check<T: std::fmt::Debug>(parse: fn(&[u8]) -> Result<T, sts::error::ParseError>, body: &[u8]) {
    match parse(body) {
        Ok(v) => drop(format!("{v:?}")),
        Err(e) => drop(format!("{e} {e:?}")),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let parsers: [fn(&[u8]); 11] = [
        |b| check(assume_role::parse_output, b),
        |b| check(assume_role_with_saml::parse_output, b),
        |b| check(assume_role_with_web_identity::parse_output, b),
        |b| check(assume_root::parse_output, b),
        |b| check(decode_authorization_message::parse_output, b),
        |b| check(get_access_key_info::parse_output, b),
        |b| check(get_caller_identity::parse_output, b),
        |b| check(get_delegated_access_token::parse_output, b),
        |b| check(get_federation_token::parse_output, b),
        |b| check(get_session_token::parse_output, b),
        |b| check(get_web_identity_token::parse_output, b),
    ];
    parsers[usize::from(selector.wrapping_sub(b'A')) % parsers.len()](body);
});
