//! The `aws login` token cache: where the file is, what it holds, and writing it back.
//!
//! The file is `<dir>/<hex SHA-256 of the login_session value>.json`, `<dir>` being
//! `AWS_LOGIN_CACHE_DIRECTORY` (a leading `~` is the home directory) or `~/.aws/login/cache`.
//! The AWS CLI writes:
//!
//! ```json
//! { "accessToken": { "accessKeyId": "ASIA...", "secretAccessKey": "...", "sessionToken": "...",
//!                    "accountId": "123456789012", "expiresAt": "2025-09-14T04:05:45Z" },
//!   "tokenType": "aws_sigv4", "refreshToken": "...", "idToken": "...",
//!   "clientId": "arn:aws:signin:::devtools/same-device",
//!   "dpopKey": "-----BEGIN EC PRIVATE KEY-----\n...\n-----END EC PRIVATE KEY-----\n",
//!   "signInRegion": "us-east-1" }
//! ```
//!
//! `idToken`, `tokenType` and `signInRegion` are optional; other members are kept as they are
//! when the file is written back.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use stsgen_runtime::config::{home_dir, Env};
use stsgen_runtime::credentials::Credentials;
use stsgen_runtime::json::{JsonValue, JsonWriter};
use stsgen_runtime::types::datetime::DateTime;
use stsgen_runtime::types::wire::{parse_timestamp, TimestampFormat};

/// The variable that moves the cache directory.
pub(crate) const CACHE_DIRECTORY_VAR: &str = "AWS_LOGIN_CACHE_DIRECTORY";
/// The most bytes a token file may hold (a real one is about 4 KiB).
const MAX_TOKEN_FILE: usize = 1024 * 1024;

/// Why the cache file could not be used. Names the file and the field; never holds a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CacheError {
    /// Neither `AWS_LOGIN_CACHE_DIRECTORY` nor a home directory is set.
    NoDirectory,
    /// A variable is not UTF-8.
    Environment(String),
    /// No file: the session was never signed in on this machine (or was signed out).
    NotFound { path: PathBuf },
    /// The file could not be read or written.
    Io {
        path: PathBuf,
        action: &'static str,
        reason: String,
    },
    /// Not a JSON object (the byte offset of the problem, never the text).
    NotJson {
        path: PathBuf,
        offset: Option<usize>,
    },
    /// A required field is missing.
    Missing { path: PathBuf, field: &'static str },
    /// A field has the wrong JSON type.
    WrongType {
        path: PathBuf,
        field: &'static str,
        expected: &'static str,
    },
    /// A field has an unusable value (why, never the value).
    Invalid {
        path: PathBuf,
        field: &'static str,
        reason: String,
    },
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheError::NoDirectory => write!(
                f,
                "no login cache directory: neither {CACHE_DIRECTORY_VAR} nor a home directory (HOME) is set"
            ),
            CacheError::Environment(e) => f.write_str(e),
            CacheError::NotFound { path } => write!(f, "no cached sign-in session at {}", path.display()),
            CacheError::Io { path, action, reason } => write!(f, "could not {action} {}: {reason}", path.display()),
            CacheError::NotJson { path, offset: Some(at) } => {
                write!(f, "{} is not valid JSON (at byte {at})", path.display())
            }
            CacheError::NotJson { path, offset: None } => write!(f, "{} is not a JSON object", path.display()),
            CacheError::Missing { path, field } => write!(f, "{}: `{field}` is missing", path.display()),
            CacheError::WrongType { path, field, expected } => {
                write!(f, "{}: `{field}` is not {expected}", path.display())
            }
            CacheError::Invalid { path, field, reason } => write!(f, "{}: `{field}` {reason}", path.display()),
        }
    }
}

impl std::error::Error for CacheError {}

/// The directory of the token files.
pub(crate) fn cache_dir(env: &dyn Env) -> Result<PathBuf, CacheError> {
    let var = |name: &str| {
        env.var(name)
            .map_err(|e| CacheError::Environment(e.to_string()))
    };
    let home = || -> Result<Option<String>, CacheError> {
        home_dir(env).map_err(|e| CacheError::Environment(e.to_string()))
    };
    if let Some(dir) = var(CACHE_DIRECTORY_VAR)? {
        if let Some(rest) = dir.strip_prefix('~') {
            if rest.is_empty()
                || rest.starts_with('/')
                || (env.is_windows() && rest.starts_with('\\'))
            {
                let home = home()?.ok_or(CacheError::NoDirectory)?;
                return Ok(PathBuf::from(format!("{home}{rest}")));
            }
        }
        return Ok(PathBuf::from(dir));
    }
    let home = home()?.ok_or(CacheError::NoDirectory)?;
    Ok(Path::new(&home).join(".aws").join("login").join("cache"))
}

/// The file name of a session: hex SHA-256 of the (trimmed) identifier, `.json`.
pub(crate) fn file_name(session: &str) -> String {
    format!(
        "{}.json",
        stsgen_runtime::sigv4::sha256_hex(session.trim().as_bytes())
    )
}

/// The cached token of one session, as read from its file.
#[derive(Clone)]
pub(crate) struct LoginToken {
    pub(crate) path: PathBuf,
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: String,
    pub(crate) account_id: String,
    pub(crate) expires_at: SystemTime,
    pub(crate) refresh_token: String,
    pub(crate) client_id: String,
    pub(crate) dpop_key: String,
    pub(crate) sign_in_region: Option<String>,
    /// The whole document, for writing it back with the members this reader does not use.
    document: Vec<(String, JsonValue)>,
}

impl fmt::Debug for LoginToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginToken")
            .field("path", &self.path)
            .field("access_key_id", &self.access_key_id)
            .field("account_id", &self.account_id)
            .field("expires_at", &self.expires_at)
            .field("client_id", &self.client_id)
            .field("sign_in_region", &self.sign_in_region)
            .finish_non_exhaustive()
    }
}

impl LoginToken {
    /// The access token as credentials (with the account id), from `provider`.
    pub(crate) fn credentials(&self) -> Credentials {
        Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.clone(),
            Some(self.session_token.clone()),
            Some(self.expires_at),
            PROVIDER_NAME,
        )
        .with_account_id(self.account_id.clone())
    }

    /// Reads the file at `path`.
    pub(crate) fn load(env: &dyn Env, path: &Path) -> Result<Self, CacheError> {
        let bytes = env
            .read_file_limited(path, MAX_TOKEN_FILE)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => CacheError::NotFound {
                    path: path.to_owned(),
                },
                _ => CacheError::Io {
                    path: path.to_owned(),
                    action: "read",
                    reason: e.to_string(),
                },
            })?;
        Self::parse(path, &bytes)
    }

    /// Parses a token file's contents (`path` only names it in errors).
    pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Self, CacheError> {
        let p = || path.to_owned();
        let text = std::str::from_utf8(bytes).map_err(|e| CacheError::NotJson {
            path: p(),
            offset: Some(e.valid_up_to()),
        })?;
        let doc = stsgen_runtime::json::parse(text).map_err(|e| CacheError::NotJson {
            path: p(),
            offset: Some(e.offset()),
        })?;
        let JsonValue::Object(document) = doc else {
            return Err(CacheError::NotJson {
                path: p(),
                offset: None,
            });
        };
        let access = match member(&document, "accessToken") {
            Some(JsonValue::Object(m)) => m,
            Some(JsonValue::Null) | None => {
                return Err(CacheError::Missing {
                    path: p(),
                    field: "accessToken",
                })
            }
            Some(_) => {
                return Err(CacheError::WrongType {
                    path: p(),
                    field: "accessToken",
                    expected: "an object",
                })
            }
        };
        let access_key_id = string(path, access, "accessKeyId", "accessToken.accessKeyId")?;
        let secret_access_key = string(
            path,
            access,
            "secretAccessKey",
            "accessToken.secretAccessKey",
        )?;
        let session_token = string(path, access, "sessionToken", "accessToken.sessionToken")?;
        let account_id = string(path, access, "accountId", "accessToken.accountId")?;
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CacheError::Invalid {
                path: p(),
                field: "accessToken.accountId",
                reason: "is not a 12-digit account id".to_owned(),
            });
        }
        let expires = string(path, access, "expiresAt", "accessToken.expiresAt")?;
        let expires_at = parse_timestamp(&expires, TimestampFormat::DateTime)
            .map(SystemTime::from)
            .map_err(|_| CacheError::Invalid {
                path: p(),
                field: "accessToken.expiresAt",
                reason: "is not an RFC 3339 date-time".to_owned(),
            })?;
        match member(&document, "tokenType") {
            None | Some(JsonValue::Null) => {}
            Some(JsonValue::String(t)) if t.eq_ignore_ascii_case("aws_sigv4") => {}
            Some(JsonValue::String(_)) => {
                return Err(CacheError::Invalid {
                    path: p(),
                    field: "tokenType",
                    reason: "is not `aws_sigv4`, the only type this client can use".to_owned(),
                })
            }
            Some(_) => {
                return Err(CacheError::WrongType {
                    path: p(),
                    field: "tokenType",
                    expected: "a string",
                })
            }
        }
        let refresh_token = string(path, &document, "refreshToken", "refreshToken")?;
        let client_id = string(path, &document, "clientId", "clientId")?;
        let dpop_key = string(path, &document, "dpopKey", "dpopKey")?;
        if !dpop_key.contains("-----BEGIN ") {
            return Err(CacheError::Invalid {
                path: p(),
                field: "dpopKey",
                reason: "is not a PEM private key".to_owned(),
            });
        }
        let sign_in_region = match member(&document, "signInRegion") {
            None | Some(JsonValue::Null) => None,
            Some(JsonValue::String(r)) if r.trim().is_empty() => None,
            Some(JsonValue::String(r)) => Some(r.trim().to_owned()),
            Some(_) => {
                return Err(CacheError::WrongType {
                    path: p(),
                    field: "signInRegion",
                    expected: "a string",
                })
            }
        };
        Ok(LoginToken {
            path: p(),
            access_key_id,
            secret_access_key,
            session_token,
            account_id,
            expires_at,
            refresh_token,
            client_id,
            dpop_key,
            sign_in_region,
            document,
        })
    }

    /// The token after a refresh: new keys, expiry (`now` + `expires_in`), refresh token and,
    /// when given, identity token; everything else as it was.
    pub(crate) fn refreshed(&self, new: &CreateOAuth2TokenResponse, now: SystemTime) -> Self {
        let mut token = self.clone();
        let secs = u64::try_from(new.expires_in.max(0)).unwrap_or(0);
        // Whole seconds, as the CLI writes them.
        let at = now
            .checked_add(std::time::Duration::from_secs(secs))
            .unwrap_or(now);
        let whole = at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        token.expires_at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(whole);
        token.access_key_id = new.access_token.access_key_id.clone();
        token.secret_access_key = new.access_token.secret_access_key.clone();
        token.session_token = new.access_token.session_token.clone();
        token.refresh_token = new.refresh_token.clone();
        let expires = DateTime::from(token.expires_at).format_rfc3339();
        let access = JsonValue::Object(vec![
            (
                "accessKeyId".to_owned(),
                JsonValue::String(token.access_key_id.clone()),
            ),
            (
                "secretAccessKey".to_owned(),
                JsonValue::String(token.secret_access_key.clone()),
            ),
            (
                "sessionToken".to_owned(),
                JsonValue::String(token.session_token.clone()),
            ),
            (
                "accountId".to_owned(),
                JsonValue::String(token.account_id.clone()),
            ),
            ("expiresAt".to_owned(), JsonValue::String(expires)),
        ]);
        set(&mut token.document, "accessToken", access);
        set(
            &mut token.document,
            "refreshToken",
            JsonValue::String(token.refresh_token.clone()),
        );
        if let Some(id) = &new.id_token {
            set(
                &mut token.document,
                "idToken",
                JsonValue::String(id.clone()),
            );
        }
        token
    }

    /// The document as JSON text.
    fn to_json(&self) -> String {
        let mut w = JsonWriter::pretty();
        JsonValue::Object(self.document.clone()).write(&mut w);
        let mut text = w.finish();
        text.push('\n');
        text
    }

    /// Writes the token to its file atomically (a new private file in the same directory,
    /// synced, then renamed over the old one), readable by the owner only (mode 0600 on Unix).
    pub(crate) fn save(&self) -> Result<(), CacheError> {
        let path = &self.path;
        let io = |action: &'static str, e: std::io::Error| CacheError::Io {
            path: path.clone(),
            action,
            reason: e.to_string(),
        };
        crate::private_file::write_atomically(path, self.to_json().as_bytes())
            .map_err(|e| io("write", e))
    }
}

/// The last member named `key` (as JavaScript and Python read duplicates).
fn member<'a>(members: &'a [(String, JsonValue)], key: &str) -> Option<&'a JsonValue> {
    members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Replaces every member named `key` by one with `value` (in the first one's place).
fn set(members: &mut Vec<(String, JsonValue)>, key: &str, value: JsonValue) {
    match members.iter().position(|(k, _)| k == key) {
        Some(i) => {
            members[i].1 = value;
            let mut seen = 0;
            members.retain(|(k, _)| {
                if k == key {
                    seen += 1;
                    seen == 1
                } else {
                    true
                }
            });
        }
        None => members.push((key.to_owned(), value)),
    }
}

/// A required non-empty string member.
fn string(
    path: &Path,
    members: &[(String, JsonValue)],
    key: &str,
    field: &'static str,
) -> Result<String, CacheError> {
    match member(members, key) {
        Some(JsonValue::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(JsonValue::String(_)) => Err(CacheError::Invalid {
            path: path.to_owned(),
            field,
            reason: "is empty".to_owned(),
        }),
        Some(JsonValue::Null) | None => Err(CacheError::Missing {
            path: path.to_owned(),
            field,
        }),
        Some(_) => Err(CacheError::WrongType {
            path: path.to_owned(),
            field,
            expected: "a string",
        }),
    }
}

/// The provider name in credentials and errors.
pub(crate) const PROVIDER_NAME: &str = "login";

/// `AccessToken` (sensitive as a whole): temporary credentials. `Debug` shows the key id only.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct AccessToken {
    /// `accessKeyId`.
    pub(crate) access_key_id: String,
    /// `secretAccessKey`.
    pub(crate) secret_access_key: String,
    /// `sessionToken`.
    pub(crate) session_token: String,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// `CreateOAuth2TokenResponseBody` (the response's JSON payload, `tokenOutput`). `Debug` hides
/// the tokens.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CreateOAuth2TokenResponse {
    /// `accessToken`.
    pub(crate) access_token: AccessToken,
    /// `tokenType`: `aws_sigv4`.
    pub(crate) token_type: String,
    /// `expiresIn`: seconds until the access token expires (at most 900).
    pub(crate) expires_in: i32,
    /// `refreshToken` (sensitive): replaces the cached one.
    pub(crate) refresh_token: String,
    /// `idToken`: only for `authorization_code` grants.
    pub(crate) id_token: Option<String>,
}

impl fmt::Debug for CreateOAuth2TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateOAuth2TokenResponse")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}
