//! RDS IAM and Aurora DSQL authentication tokens are byte for byte what botocore generates:
//! `tests/data/db-auth-tokens/vectors.json` holds botocore's `generate_db_auth_token` and
//! `generate_db_connect_auth_token` / `generate_db_connect_admin_auth_token` output for the same
//! credentials, inputs and (frozen) signing time (see the folder's README.md).

use std::time::{Duration, SystemTime};

use serde_json::Value;
use stsgen_config::presign::{dsql_auth_token, rds_auth_token, DsqlAction};
use stsgen_runtime::credentials::Credentials;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/db-auth-tokens/vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

#[test]
fn database_tokens_match_botocore() {
    let data = vectors();
    let signed_at: SystemTime =
        stsgen_runtime::DateTime::parse_rfc3339_lenient(text(&data, "signed_at"))
            .unwrap()
            .into();
    let cases = data["cases"].as_array().expect("cases");
    let (mut rds, mut dsql) = (0, 0);
    for case in cases {
        let token = case["session_token"].as_str().map(str::to_owned);
        let creds = Credentials::new(
            text(&data, "access_key_id"),
            text(&data, "secret_access_key"),
            token,
            None,
            "test",
        );
        let ours = match text(case, "kind") {
            "rds" => {
                rds += 1;
                let port = u16::try_from(case["port"].as_u64().expect("port")).expect("port fits");
                rds_auth_token(
                    &creds,
                    text(case, "hostname"),
                    port,
                    text(case, "username"),
                    text(case, "region"),
                    Some(signed_at),
                )
            }
            "dsql" => {
                dsql += 1;
                let action = match text(case, "action") {
                    "DbConnect" => DsqlAction::DbConnect,
                    "DbConnectAdmin" => DsqlAction::DbConnectAdmin,
                    other => panic!("unknown DSQL action {other}"),
                };
                let expires = Duration::from_secs(case["expires_in"].as_u64().expect("expires_in"));
                dsql_auth_token(
                    &creds,
                    text(case, "hostname"),
                    action,
                    text(case, "region"),
                    expires,
                    Some(signed_at),
                )
            }
            other => panic!("unknown kind {other}"),
        }
        .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(ours.token(), text(case, "token"), "case {case}");
    }
    assert_eq!((rds, dsql), (6, 8), "every vector ran");
}
