//! Database authentication tokens: RDS IAM authentication ([`rds_auth_token`]) and Aurora DSQL
//! ([`dsql_auth_token`]).
//!
//! Both are presigned SigV4 URLs with the `https://` scheme removed, used as the password of a
//! database connection; they are byte for byte what botocore's `generate_db_auth_token` and
//! `generate_db_connect_auth_token` / `generate_db_connect_admin_auth_token` return for the same
//! credentials, inputs and signing time (`tests/data/db-auth-tokens/` holds botocore's output).
//!
//! | token | signing name | query | expiry |
//! | --- | --- | --- | --- |
//! | RDS | `rds-db` | `Action=connect&DBUser=<user>`, host `<hostname>:<port>` | 900 s (fixed, as RDS requires) |
//! | DSQL | `dsql` | `Action=DbConnect` or `Action=DbConnectAdmin`, host `<hostname>` | 900 s by default, 1 s to 7 days |

use std::fmt;
use std::time::{Duration, SystemTime};

use stsgen_runtime::credentials::Credentials;
use stsgen_runtime::http;
use stsgen_runtime::sigv4::{self, SigningParams};

use super::error::PresignError;

/// How long an RDS token is valid (RDS accepts tokens for 15 minutes; botocore signs for 900 s).
pub const RDS_TOKEN_EXPIRY: Duration = Duration::from_secs(900);
/// The default expiry of a DSQL token (botocore's default).
pub const DSQL_DEFAULT_EXPIRY: Duration = Duration::from_secs(900);

/// A database authentication token. It is a credential (anyone holding it can connect as the
/// user until it expires): `Debug` does not show it and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct DbAuthToken {
    token: String,
    expiration: SystemTime,
}

impl DbAuthToken {
    /// The token: the presigned URL without its `https://` scheme.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// When the token stops being accepted (signing time plus expiry).
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }
}

impl fmt::Debug for DbAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbAuthToken")
            .field("token", &stsgen_runtime::sensitive::REDACTED)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// The DSQL action a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DsqlAction {
    /// `DbConnect`: connect as a custom database role.
    DbConnect,
    /// `DbConnectAdmin`: connect as the `admin` role.
    DbConnectAdmin,
}

impl DsqlAction {
    /// The action's name in the token.
    pub fn as_str(self) -> &'static str {
        match self {
            DsqlAction::DbConnect => "DbConnect",
            DsqlAction::DbConnectAdmin => "DbConnectAdmin",
        }
    }
}

/// An RDS IAM authentication token for `username` at `hostname:port` in `region`, signed with
/// `credentials` as of `time` (default now). Valid for [`RDS_TOKEN_EXPIRY`].
///
/// # Errors
/// [`PresignError::InvalidInput`] for an empty or malformed host name, port 0, an empty user
/// name or region; [`PresignError::Signing`] when the credentials cannot sign.
pub fn rds_auth_token(
    credentials: &Credentials,
    hostname: &str,
    port: u16,
    username: &str,
    region: &str,
    time: Option<SystemTime>,
) -> Result<DbAuthToken, PresignError> {
    check_hostname(hostname)?;
    if port == 0 {
        return Err(invalid("port", "0 is not a port".to_owned()));
    }
    if username.is_empty() {
        return Err(invalid("user name", "it is empty".to_owned()));
    }
    let query = format!(
        "Action=connect&DBUser={}",
        stsgen_runtime::endpoint::uri_encode(username)
    );
    presign(
        credentials,
        &format!("{hostname}:{port}"),
        &query,
        region,
        "rds-db",
        RDS_TOKEN_EXPIRY,
        time,
    )
}

/// An Aurora DSQL authentication token for `action` at the cluster endpoint `hostname` in
/// `region`, valid for `expires_in` (1 s to 7 days; botocore's default is
/// [`DSQL_DEFAULT_EXPIRY`]), signed with `credentials` as of `time` (default now).
///
/// # Errors
/// As [`rds_auth_token`], and [`PresignError::Signing`] for an expiry out of range.
pub fn dsql_auth_token(
    credentials: &Credentials,
    hostname: &str,
    action: DsqlAction,
    region: &str,
    expires_in: Duration,
    time: Option<SystemTime>,
) -> Result<DbAuthToken, PresignError> {
    check_hostname(hostname)?;
    let query = format!("Action={}", action.as_str());
    presign(
        credentials,
        hostname,
        &query,
        region,
        "dsql",
        expires_in,
        time,
    )
}

fn presign(
    credentials: &Credentials,
    authority: &str,
    query: &str,
    region: &str,
    service: &str,
    expires_in: Duration,
    time: Option<SystemTime>,
) -> Result<DbAuthToken, PresignError> {
    if region.is_empty() {
        return Err(invalid("region", "it is empty".to_owned()));
    }
    let url = format!("https://{authority}/?{query}");
    let uri: http::Uri = url.parse().map_err(|e| {
        invalid(
            "host name",
            format!("`{authority}` does not make a valid URL: {e}"),
        )
    })?;
    let now = time.unwrap_or_else(SystemTime::now);
    let params = SigningParams::new(region.to_owned(), service.to_owned(), now);
    let signed = sigv4::presign_url(
        &http::Method::GET,
        &uri,
        &http::HeaderMap::new(),
        credentials,
        &params,
        expires_in,
    )
    .map_err(PresignError::Signing)?
    .to_string();
    let token = signed
        .strip_prefix("https://")
        .unwrap_or(&signed)
        .to_owned();
    Ok(DbAuthToken {
        token,
        expiration: now + expires_in,
    })
}

fn invalid(what: &'static str, reason: String) -> PresignError {
    PresignError::InvalidInput { what, reason }
}

/// A host name (or IP address) without scheme, port, path, user information or whitespace.
fn check_hostname(hostname: &str) -> Result<(), PresignError> {
    if hostname.is_empty() {
        return Err(invalid("host name", "it is empty".to_owned()));
    }
    let bad = hostname
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':')));
    if let Some(c) = bad {
        return Err(invalid(
            "host name",
            format!("`{hostname}` contains {c:?} (give the host alone, without scheme or path)"),
        ));
    }
    let bare = hostname.trim_start_matches('[').trim_end_matches(']');
    if hostname.contains(':')
        && !(hostname.starts_with('[')
            && hostname.ends_with(']')
            && bare.parse::<std::net::Ipv6Addr>().is_ok())
    {
        return Err(invalid(
            "host name",
            format!(
                "`{hostname}` has a `:` (give the port separately; IPv6 addresses in brackets)"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("AKID", "SECRET", Some("TOKEN".to_owned()), None, "test")
    }

    #[test]
    fn user_names_are_uri_encoded() {
        let t =
            rds_auth_token(&creds(), "db.example", 5432, "a b+c/d~é", "us-east-1", None).unwrap();
        assert!(
            t.token().contains("&DBUser=a%20b%2Bc%2Fd~%C3%A9&"),
            "{}",
            t.token()
        );
    }

    #[test]
    fn bad_inputs_are_named() {
        let c = creds();
        for (host, what) in [
            ("", "host name"),
            ("https://db.example", "host name"),
            ("db.example/x", "host name"),
            ("db:5432", "host name"),
            ("a b", "host name"),
        ] {
            let e = rds_auth_token(&c, host, 5432, "u", "us-east-1", None).unwrap_err();
            assert!(
                matches!(&e, PresignError::InvalidInput { what: w, .. } if *w == what),
                "{host}: {e}"
            );
            assert!(!e.to_string().contains("TOKEN"), "{e}");
        }
        let e = rds_auth_token(&c, "db.example", 0, "u", "us-east-1", None).unwrap_err();
        assert!(e.to_string().contains("port"), "{e}");
        let e = rds_auth_token(&c, "db.example", 5432, "", "us-east-1", None).unwrap_err();
        assert!(e.to_string().contains("user name"), "{e}");
        let e = dsql_auth_token(
            &c,
            "db.example",
            DsqlAction::DbConnect,
            "",
            DSQL_DEFAULT_EXPIRY,
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("region"), "{e}");
        let e = dsql_auth_token(
            &c,
            "db.example",
            DsqlAction::DbConnect,
            "us-east-1",
            Duration::from_secs(8 * 86_400),
            None,
        )
        .unwrap_err();
        assert!(matches!(e, PresignError::Signing(_)), "{e}");
        assert!(rds_auth_token(&c, "[::1]", 5432, "u", "us-east-1", None).is_ok());
    }

    #[test]
    fn debug_hides_the_token() {
        let t = rds_auth_token(
            &creds(),
            "db.example",
            5432,
            "u",
            "us-east-1",
            Some(SystemTime::UNIX_EPOCH),
        )
        .unwrap();
        assert!(
            t.token()
                .starts_with("db.example:5432/?Action=connect&DBUser=u&"),
            "{}",
            t.token()
        );
        assert!(!format!("{t:?}").contains("db.example"), "{t:?}");
        assert_eq!(t.expiration(), SystemTime::UNIX_EPOCH + RDS_TOKEN_EXPIRY);
    }
}
