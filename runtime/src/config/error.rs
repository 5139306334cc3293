//! What can go wrong reading the environment and the shared files, and where.

use std::fmt;
use std::path::PathBuf;

/// Which of the two files a section comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `~/.aws/config`: `[profile name]`, `[default]`, `[sso-session name]`, `[services name]`.
    Config,
    /// `~/.aws/credentials`: `[name]`.
    Credentials,
}

/// A file and line, for errors and warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file (or a label such as `config file` for text parsed from memory).
    pub path: PathBuf,
    /// The 1-based line.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.path.display(), self.line)
    }
}

/// Why profiles could not be read or a role chain could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileError {
    /// A file exists but could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
    /// A file is larger than [`MAX_SETTINGS_FILE`](crate::config::MAX_SETTINGS_FILE).
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: usize,
    },
    /// A file is not UTF-8.
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// The line of the first invalid byte.
        line: usize,
    },
    /// A line does not follow the profile file format.
    Syntax {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An environment variable is not UTF-8.
    InvalidEnvironment {
        /// The variable.
        name: String,
    },
    /// A property has a value that cannot be used (for example, `duration_seconds = soon`).
    InvalidValue {
        /// The profile.
        profile: String,
        /// The key.
        key: String,
        /// Where the value was set.
        location: Option<Location>,
        /// What is wrong.
        reason: String,
    },
    /// A profile does not exist.
    ProfileNotFound {
        /// The profile.
        name: String,
        /// The profile whose `source_profile` names it; `None` for the selected profile itself.
        referenced_from: Option<String>,
        /// The files that were read.
        searched: Vec<PathBuf>,
    },
    /// `source_profile` references form a loop. The list starts and ends with the same profile.
    Cycle {
        /// The profiles in the order visited, the repeated one last.
        profiles: Vec<String>,
    },
    /// The profile has no credentials and no way to get them (no keys, `role_arn`,
    /// `credential_process`, `web_identity_token_file` or `credential_source`).
    NoCredentials {
        /// The profile.
        profile: String,
    },
    /// The profile's credential settings are incomplete or contradictory.
    InvalidCredentialSource {
        /// The profile.
        profile: String,
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::Read { path, reason } => write!(f, "could not read {}: {reason}", path.display()),
            ProfileError::FileTooLarge { path, limit } => {
                write!(f, "{} is larger than {limit} bytes, the most a settings file may hold", path.display())
            }
            ProfileError::NotUtf8 { path, line } => {
                write!(f, "{} line {line}: the file is not valid UTF-8", path.display())
            }
            ProfileError::Syntax { path, line, message } => write!(f, "{} line {line}: {message}", path.display()),
            ProfileError::InvalidEnvironment { name } => {
                write!(f, "environment variable {name} is not valid UTF-8")
            }
            ProfileError::InvalidValue { profile, key, location, reason } => {
                write!(f, "profile `{profile}`: `{key}` {reason}")?;
                if let Some(at) = location {
                    write!(f, " ({at})")?;
                }
                Ok(())
            }
            ProfileError::ProfileNotFound { name, referenced_from, searched } => {
                match referenced_from {
                    Some(from) => write!(f, "profile `{name}` (the source_profile of `{from}`) does not exist")?,
                    None => write!(f, "profile `{name}` does not exist")?,
                }
                if searched.is_empty() {
                    write!(f, " (no config or credentials file was found)")
                } else {
                    let files: Vec<String> = searched.iter().map(|p| p.display().to_string()).collect();
                    write!(f, " in {}", files.join(" or "))
                }
            }
            ProfileError::Cycle { profiles } => {
                write!(f, "source_profile references form an infinite loop: {}", profiles.join(" -> "))
            }
            ProfileError::NoCredentials { profile } => write!(
                f,
                "profile `{profile}` did not contain credential information (no aws_access_key_id, role_arn, \
                 credential_process, web_identity_token_file or credential_source)"
            ),
            ProfileError::InvalidCredentialSource { profile, reason } => write!(f, "profile `{profile}`: {reason}"),
        }
    }
}

impl std::error::Error for ProfileError {}
