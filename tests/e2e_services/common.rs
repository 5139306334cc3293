//! Shared by the end-to-end tests of the generated service crates (`tests/e2e_services/`):
//! `cargo xtask e2e-services` copies this file into each crate as `tests/common/mod.rs`.
//!
//! The moto server and the key that signs every call come from the environment the step sets:
//! `STSGEN_E2E_URL`, `STSGEN_E2E_ACCESS_KEY_ID`, `STSGEN_E2E_SECRET_ACCESS_KEY`. moto checks
//! the signature of every request (and the key's IAM policy, which allows everything): a
//! request signed wrongly fails with `InvalidSignatureException` / `SignatureDoesNotMatch`.

#![allow(dead_code)]

use std::sync::Arc;

/// The region every client is configured for (moto keeps state per region).
pub const REGION: &str = "us-east-1";
/// moto's account.
pub const ACCOUNT: &str = "123456789012";

fn var(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v.trim().to_owned(),
        _ => panic!("{name} is not set: these tests run against the moto server that `cargo xtask e2e-services` starts"),
    }
}

/// The moto server's URL, without a trailing `/`.
pub fn url() -> String {
    var("STSGEN_E2E_URL").trim_end_matches('/').to_owned()
}

/// The id of the key that signs every call.
pub fn access_key_id() -> String {
    var("STSGEN_E2E_ACCESS_KEY_ID")
}

/// The secret of the key that signs every call.
pub fn secret_access_key() -> String {
    var("STSGEN_E2E_SECRET_ACCESS_KEY")
}

/// A secret that is not the key's: every request signed with it must be refused.
pub const WRONG_SECRET: &str = "not-the-secret-of-this-key";

/// The runtime configuration every client of these tests uses: moto's endpoint, us-east-1,
/// the signing key, and no retries (a failure shows at once).
pub fn config() -> stsgen_runtime::client::ClientConfig {
    let mut config = stsgen_runtime::client::ClientConfig::new();
    config.endpoint_url = Some(url());
    config.region = Some(REGION.to_owned());
    config.credentials = Some(Arc::new(stsgen_runtime::credentials::StaticCredentials::new(
        access_key_id(),
        secret_access_key(),
        None,
    )));
    config.app_name = Some("stsgen-e2e-services".to_owned());
    config
}

/// [`config`] with the right key id but a wrong secret: every request it signs must be refused.
pub fn config_with_wrong_secret() -> stsgen_runtime::client::ClientConfig {
    let mut config = config();
    config.credentials = Some(Arc::new(stsgen_runtime::credentials::StaticCredentials::new(
        access_key_id(),
        WRONG_SECRET,
        None,
    )));
    config
}

/// The codes moto (as AWS) answers a request whose signature does not match with: awsQuery
/// services say `SignatureDoesNotMatch`, awsJson ones `InvalidSignatureException`.
pub const BAD_SIGNATURE_CODES: [&str; 2] = ["SignatureDoesNotMatch", "InvalidSignatureException"];

/// A name unique to this test run and `what`, so reruns against a long-lived server and
/// parallel tests never collide.
pub fn unique(what: &str) -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).expect("a clock after 1970").as_nanos();
    format!("stsgen-{what}-{}-{}", std::process::id(), nanos % 1_000_000_000)
}
