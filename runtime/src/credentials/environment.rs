//! Credentials from the `AWS_ACCESS_KEY_ID` family of environment variables.

use std::time::SystemTime;

use super::provider::{Credentials, CredentialsError, ProvideCredentials};
use crate::config::{Env, ProcessEnv};
use crate::future::BoxFuture;
use crate::types::wire;

/// Reads an environment variable; a non-UTF-8 value is an error naming the variable.
pub fn env_var(name: &str, provider: &'static str) -> Result<Option<String>, CredentialsError> {
    match std::env::var(name) {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => Ok(Some(v.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(CredentialsError::InvalidConfiguration {
            provider,
            reason: format!("environment variable {name} is not valid UTF-8"),
        }),
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`,
/// `AWS_ACCOUNT_ID`.
#[derive(Clone, Debug, Default)]
pub struct EnvironmentCredentials;

impl EnvironmentCredentials {
    const NAME: &'static str = "environment";

    /// Reads the variables now, from the process environment.
    ///
    /// # Errors
    /// See [`load_from`](Self::load_from).
    pub fn load() -> Result<Credentials, CredentialsError> {
        Self::load_from(&ProcessEnv)
    }

    /// Reads the variables from `env` (the process, or memory in tests).
    ///
    /// # Errors
    /// [`CredentialsError::NotLoaded`] when neither key variable is set (a chain moves on);
    /// [`CredentialsError::InvalidConfiguration`] naming the variable when only one of them is
    /// set, a value is not UTF-8, or `AWS_CREDENTIAL_EXPIRATION` is not an RFC 3339 date-time.
    pub fn load_from(env: &dyn Env) -> Result<Credentials, CredentialsError> {
        let var = |name: &str| {
            env.var(name)
                .map_err(|e| CredentialsError::InvalidConfiguration {
                    provider: Self::NAME,
                    reason: e.to_string(),
                })
        };
        let id = var("AWS_ACCESS_KEY_ID")?;
        let secret = var("AWS_SECRET_ACCESS_KEY")?;
        let (id, secret) = match (id, secret) {
            (Some(i), Some(s)) => (i, s),
            (None, None) => {
                return Err(CredentialsError::NotLoaded {
                    provider: Self::NAME,
                    reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".to_owned(),
                })
            }
            (Some(_), None) => {
                return Err(CredentialsError::InvalidConfiguration {
                    provider: Self::NAME,
                    reason: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".to_owned(),
                })
            }
            (None, Some(_)) => {
                return Err(CredentialsError::InvalidConfiguration {
                    provider: Self::NAME,
                    reason: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".to_owned(),
                })
            }
        };
        let token = var("AWS_SESSION_TOKEN")?;
        let expiry = match var("AWS_CREDENTIAL_EXPIRATION")? {
            None => None,
            Some(text) => {
                let t = wire::parse_timestamp(&text, wire::TimestampFormat::DateTime).map_err(
                    |_| CredentialsError::InvalidConfiguration {
                        provider: Self::NAME,
                        reason: "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 date-time".to_owned(),
                    },
                )?;
                Some(SystemTime::from(t))
            }
        };
        let credentials = Credentials::new(id, secret, token, expiry, Self::NAME);
        Ok(match var("AWS_ACCOUNT_ID")? {
            Some(account) => credentials.with_account_id(account),
            None => credentials,
        })
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async { Self::load() })
    }

    fn name(&self) -> &'static str {
        Self::NAME
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::config::MemoryEnv;

    #[test]
    fn environment_from_memory() {
        let env = MemoryEnv::new()
            .with_var("AWS_ACCESS_KEY_ID", "AKID")
            .with_var("AWS_SECRET_ACCESS_KEY", "SECRET")
            .with_var("AWS_SESSION_TOKEN", "TOKEN")
            .with_var("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z")
            .with_var("AWS_ACCOUNT_ID", "123456789012");
        let c = EnvironmentCredentials::load_from(&env).unwrap();
        assert_eq!(c.account_id(), Some("123456789012"));
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "SECRET", Some("TOKEN"))
        );
        assert_eq!(
            c.expiry(),
            Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_893_553_445))
        );
    }

    #[test]
    fn environment_errors_name_the_variable() {
        let none = EnvironmentCredentials::load_from(&MemoryEnv::new()).unwrap_err();
        assert!(matches!(none, CredentialsError::NotLoaded { .. }), "{none}");
        let half = EnvironmentCredentials::load_from(
            &MemoryEnv::new().with_var("AWS_ACCESS_KEY_ID", "AKID"),
        )
        .unwrap_err();
        assert!(
            half.to_string().contains("AWS_SECRET_ACCESS_KEY is not"),
            "{half}"
        );
        let bad_expiry = MemoryEnv::new()
            .with_var("AWS_ACCESS_KEY_ID", "AKID")
            .with_var("AWS_SECRET_ACCESS_KEY", "SECRET")
            .with_var("AWS_CREDENTIAL_EXPIRATION", "tomorrow");
        let e = EnvironmentCredentials::load_from(&bad_expiry).unwrap_err();
        assert!(e.to_string().contains("AWS_CREDENTIAL_EXPIRATION"), "{e}");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let env = MemoryEnv::new()
                .with_var(
                    "AWS_ACCESS_KEY_ID",
                    std::ffi::OsString::from_vec(vec![0xff, 0xfe]),
                )
                .with_var("AWS_SECRET_ACCESS_KEY", "SECRET");
            let e = EnvironmentCredentials::load_from(&env).unwrap_err();
            assert!(
                e.to_string()
                    .contains("AWS_ACCESS_KEY_ID is not valid UTF-8"),
                "{e}"
            );
        }
    }
}
