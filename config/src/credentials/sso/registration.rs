//! The SSO-OIDC client registration the sign-in reuses, cached where the AWS CLI caches it:
//! `~/.aws/sso/cache/<SHA-1 hex of the registration key>.json`, with `clientId`,
//! `clientSecret`, `expiresAt` and `scopes` (and `grantTypes` when the registration declared
//! them), so that `aws sso login` and `sts sso-login` share one registration.
//!
//! The registration key is the JSON text Python's `json.dumps(..., sort_keys=True)` makes of
//! `{"region", "scopes", "session_name", "startUrl", "tool": "botocore"}` (the scopes as the
//! configuration lists them, `null` when it names none; `session_name` `null` for the legacy
//! form), as the AWS CLI computes it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use stsgen_runtime::config::{home_dir, Env};
use stsgen_runtime::json::{self, JsonValue, JsonWriter};
use stsgen_runtime::sensitive::Redacted;
use stsgen_runtime::types::datetime::DateTime;

/// A cached registration is registered anew when it expires in less than this (as the AWS CLI
/// judges it).
pub const REGISTRATION_EXPIRY_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The largest registration file read.
const MAX_FILE: usize = 64 * 1024;
/// The grant type of the authorization code flow (PKCE): a registration that declares it was
/// made for that flow, not this one.
const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";

/// What a client registration is cached by: the start URL, the `sso_region`, the configured
/// registration scopes (`None` when the configuration names none) and the `sso_session` name
/// (`None` for the legacy form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationKey<'a> {
    /// `sso_start_url`.
    pub start_url: &'a str,
    /// `sso_region`.
    pub region: &'a str,
    /// `sso_registration_scopes`, split at commas, as configured.
    pub scopes: Option<&'a [String]>,
    /// The `sso_session` name.
    pub session_name: Option<&'a str>,
}

impl RegistrationKey<'_> {
    /// The text hashed: `json.dumps` of the key's members with sorted keys, `", "` and `": "`
    /// separators and non-ASCII characters escaped, as Python writes it.
    pub fn json(&self) -> String {
        let mut out = String::from("{\"region\": ");
        python_string(&mut out, self.region);
        out.push_str(", \"scopes\": ");
        match self.scopes {
            None => out.push_str("null"),
            Some(scopes) => {
                out.push('[');
                for (i, s) in scopes.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    python_string(&mut out, s);
                }
                out.push(']');
            }
        }
        out.push_str(", \"session_name\": ");
        match self.session_name {
            None => out.push_str("null"),
            Some(name) => python_string(&mut out, name),
        }
        out.push_str(", \"startUrl\": ");
        python_string(&mut out, self.start_url);
        out.push_str(", \"tool\": \"botocore\"}");
        out
    }

    /// The SHA-1 hex of [`json`](Self::json): the registration file's name without `.json`.
    pub fn hash(&self) -> String {
        let digest = ring::digest::digest(
            &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            self.json().as_bytes(),
        );
        digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `~/.aws/sso/cache/<hash>.json`.
    ///
    /// # Errors
    /// No home directory (or one that is not UTF-8).
    pub fn file(&self, env: &dyn Env) -> Result<PathBuf, String> {
        let home = home_dir(env).map_err(|e| e.to_string())?.ok_or_else(|| {
            "no home directory (HOME is not set) to find ~/.aws/sso/cache in".to_owned()
        })?;
        Ok(Path::new(&home)
            .join(".aws")
            .join("sso")
            .join("cache")
            .join(format!("{}.json", self.hash())))
    }
}

/// A JSON string as Python's `json.dumps` writes it with `ensure_ascii`: `\"`, `\\`, `\n`,
/// `\r`, `\t`, `\b`, `\f`, other control characters and every non-ASCII character as
/// lowercase `\uXXXX` (UTF-16, so surrogate pairs above U+FFFF).
fn python_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='\u{7e}' | '\u{7f}' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// A client registration as the cache file holds it. `Debug` redacts the client secret;
/// members the file has besides these are kept when it is written back.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    /// `clientId`.
    pub client_id: String,
    /// `clientSecret`.
    pub client_secret: String,
    /// `expiresAt`: when the client secret expires.
    pub expires_at: SystemTime,
    /// `scopes`, when the registration asked for some.
    pub scopes: Option<Vec<String>>,
    /// `grantTypes`, when the registration declared them.
    pub grant_types: Option<Vec<String>>,
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &Redacted(&self.client_secret))
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("grant_types", &self.grant_types)
            .finish()
    }
}

/// `2030-01-01T00:00:00Z`: whole seconds, as the AWS CLI writes times in the SSO cache.
pub(crate) fn cli_timestamp(t: SystemTime) -> String {
    let secs = DateTime::from(t).unix_timestamp();
    DateTime::from_unix_timestamp(secs)
        .map(DateTime::format_rfc3339)
        .unwrap_or_default()
}

impl ClientRegistration {
    /// Whether the device flow may use it at `now`: it expires at least
    /// [`REGISTRATION_EXPIRY_WINDOW`] later and was not made for the authorization code flow
    /// (the AWS CLI's two flows share the file and each registers anew for the other's).
    pub fn usable_at(&self, now: SystemTime) -> bool {
        let for_auth_code = self
            .grant_types
            .as_ref()
            .is_some_and(|g| g.iter().any(|g| g == AUTHORIZATION_CODE_GRANT));
        !for_auth_code && self.expires_at >= now + REGISTRATION_EXPIRY_WINDOW
    }

    /// Parses a registration file. The error names the member that is wrong, never a value.
    ///
    /// # Errors
    /// Not UTF-8 JSON, not an object, a member missing or of the wrong type, a time that is not
    /// RFC 3339.
    pub fn parse(bytes: &[u8]) -> Result<ClientRegistration, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8".to_owned())?;
        let doc =
            json::parse(text).map_err(|e| format!("is not valid JSON (at byte {})", e.offset()))?;
        let JsonValue::Object(members) = doc else {
            return Err(format!(
                "holds JSON {} instead of an object",
                doc.type_name()
            ));
        };
        let get = |key: &str| members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v);
        let string = |key: &str| -> Result<String, String> {
            match get(key) {
                Some(JsonValue::String(s)) if !s.is_empty() => Ok(s.clone()),
                None | Some(JsonValue::Null) | Some(JsonValue::String(_)) => {
                    Err(format!("has no `{key}`"))
                }
                Some(v) => Err(format!(
                    "has `{key}` of type {} (expected a string)",
                    v.type_name()
                )),
            }
        };
        let list = |key: &str| -> Result<Option<Vec<String>>, String> {
            match get(key) {
                None | Some(JsonValue::Null) => Ok(None),
                Some(JsonValue::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_owned).ok_or_else(|| {
                            format!("has `{key}` with a {} (expected strings)", i.type_name())
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                Some(v) => Err(format!(
                    "has `{key}` of type {} (expected an array)",
                    v.type_name()
                )),
            }
        };
        let expires = string("expiresAt")?;
        let expires = expires.trim();
        // Early AWS CLI v2 releases wrote `2019-11-14T04:05:45UTC`.
        let expires = expires
            .strip_suffix("UTC")
            .map_or_else(|| expires.to_owned(), |head| format!("{head}Z"));
        let expires_at = DateTime::parse_rfc3339_lenient(&expires)
            .ok()
            .and_then(DateTime::to_system_time)
            .ok_or_else(|| "has `expiresAt` that is not an RFC 3339 date-time".to_owned())?;
        Ok(ClientRegistration {
            client_id: string("clientId")?,
            client_secret: string("clientSecret")?,
            expires_at,
            scopes: list("scopes")?,
            grant_types: list("grantTypes")?,
        })
    }

    /// The file's contents: compact JSON with the AWS CLI's member names.
    pub fn to_json(&self) -> String {
        let mut w = JsonWriter::compact();
        w.begin_object();
        w.key("clientId");
        w.string(&self.client_id);
        w.key("clientSecret");
        w.string(&self.client_secret);
        w.key("expiresAt");
        w.string(&cli_timestamp(self.expires_at));
        for (key, list) in [("scopes", &self.scopes), ("grantTypes", &self.grant_types)] {
            if let Some(list) = list {
                w.key(key);
                w.begin_array();
                for s in list {
                    w.string(s);
                }
                w.end_array();
            }
        }
        w.end_object();
        w.finish()
    }
}

/// Reads the registration cached in `path`: `None` when there is none or it cannot be read or
/// parsed (logged without its contents: the sign-in then registers anew and overwrites it).
pub(crate) fn read_registration(env: &dyn Env, path: &Path) -> Option<ClientRegistration> {
    let bytes = match env.read_file_limited(path, MAX_FILE) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::debug!(file = %path.display(), error = %e, "the cached IAM Identity Center client registration cannot be read; registering anew");
            return None;
        }
    };
    match ClientRegistration::parse(&bytes) {
        Ok(r) => Some(r),
        Err(reason) => {
            tracing::debug!(file = %path.display(), reason, "the cached IAM Identity Center client registration is unusable; registering anew");
            None
        }
    }
}

/// Writes `registration` to `path` atomically, readable by the user only.
pub(crate) fn write_registration(
    path: &Path,
    registration: &ClientRegistration,
) -> std::io::Result<()> {
    crate::private_file::write_atomically(path, registration.to_json().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(
        start_url: &'a str,
        region: &'a str,
        scopes: Option<&'a [String]>,
        session_name: Option<&'a str>,
    ) -> RegistrationKey<'a> {
        RegistrationKey {
            start_url,
            region,
            scopes,
            session_name,
        }
    }

    /// Expected texts and hashes computed with CPython 3.11's `json.dumps(args, sort_keys=True)`
    /// and `hashlib.sha1`, as the AWS CLI computes its registration key.
    #[test]
    fn registration_keys_match_the_aws_cli() {
        let k = key(
            "https://corp.awsapps.com/start",
            "eu-west-1",
            None,
            Some("corp"),
        );
        assert_eq!(
            k.json(),
            r#"{"region": "eu-west-1", "scopes": null, "session_name": "corp", "startUrl": "https://corp.awsapps.com/start", "tool": "botocore"}"#
        );
        assert_eq!(k.hash(), "a5ef4a75f83137c047e4ff336d1dade82162017b");
        let scopes = [
            "sso:account:access".to_owned(),
            "codewhisperer:completions".to_owned(),
        ];
        let k = key(
            "https://corp.awsapps.com/start",
            "eu-west-1",
            Some(&scopes),
            Some("corp"),
        );
        assert_eq!(k.hash(), "fcf5105fbf212147d15f21cc4d92849758c69211");
        let k = key("https://ssotest.awsapps.com/start", "us-east-2", None, None);
        assert_eq!(k.hash(), "3b33676cce8902f0a8845b91a3f4d2fbbf1e58ef");
        // Escapes: quote, backslash, non-ASCII (a surrogate pair above U+FFFF), tab; no scopes.
        let k = key(
            "https://x/\"q\\\u{e9}\u{1F600}\t",
            "eu-west-1",
            Some(&[]),
            Some("s\u{fc}"),
        );
        assert_eq!(
            k.json(),
            r#"{"region": "eu-west-1", "scopes": [], "session_name": "s\u00fc", "startUrl": "https://x/\"q\\\u00e9\ud83d\ude00\t", "tool": "botocore"}"#
        );
        assert_eq!(k.hash(), "b978c11389e340b4ae058220e2377ba0b2d9576d");
    }

    #[test]
    fn registrations_round_trip_and_judge_their_use() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_456_000);
        let r = ClientRegistration {
            client_id: "id".into(),
            client_secret: "SecretMARKER".into(),
            expires_at: t0 + Duration::from_secs(3600),
            scopes: Some(vec!["sso:account:access".into()]),
            grant_types: None,
        };
        let text = r.to_json();
        assert_eq!(
            text,
            r#"{"clientId":"id","clientSecret":"SecretMARKER","expiresAt":"2030-01-01T01:00:00Z","scopes":["sso:account:access"]}"#
        );
        assert_eq!(ClientRegistration::parse(text.as_bytes()).unwrap(), r);
        assert!(!format!("{r:?}").contains("SecretMARKER"));
        assert!(r.usable_at(t0));
        // Less than 15 minutes before expiry: registered anew.
        assert!(r.usable_at(t0 + Duration::from_secs(3600 - 15 * 60)));
        assert!(!r.usable_at(t0 + Duration::from_secs(3600 - 15 * 60 + 1)));
        // Made for the authorization code flow: not this one's.
        let pkce = ClientRegistration {
            grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            ..r.clone()
        };
        assert!(!pkce.usable_at(t0));
        // The AWS CLI's own file (spaces, early `UTC` suffix) parses.
        let cli = br#"{"clientId": "id", "clientSecret": "SecretMARKER", "expiresAt": "2030-01-01T01:00:00UTC", "scopes": ["sso:account:access"]}"#;
        assert_eq!(ClientRegistration::parse(cli).unwrap(), r);
        for (bad, says) in [
            (&b"[]"[..], "holds JSON array"),
            (b"{\"clientId\":\"id\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}", "no `clientSecret`"),
            (b"{\"clientId\":\"id\",\"clientSecret\":\"SecretMARKER\",\"expiresAt\":\"SecretMARKER\"}", "`expiresAt` that is not"),
            (b"{\"clientId\":\"id\",\"clientSecret\":\"SecretMARKER\",\"expiresAt\":\"2030-01-01T00:00:00Z\",\"scopes\":\"a\"}", "`scopes` of type string"),
            (b"\xff", "not UTF-8"),
        ] {
            let e = ClientRegistration::parse(bad).unwrap_err();
            assert!(e.contains(says), "{e}");
            assert!(!e.contains("SecretMARKER"), "{e}");
        }
    }
}
