//! The shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`), read the
//! way the AWS SDKs read them, and the role chain a profile describes.
//!
//! # Where the files are
//!
//! `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` name the files; they default to
//! `~/.aws/config` and `~/.aws/credentials`. A leading `~` is the home directory: `HOME`, and on
//! Windows then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`. The selected profile is
//! `AWS_PROFILE`, else `default`. A file that does not exist (or a `~` path with no home
//! directory) contributes nothing; it is not an error. All of this goes through an [`Env`], so
//! tests can use a [`MemoryEnv`] instead of the process environment and file system.
//!
//! # Format (the cross-SDK profile file rules)
//!
//! - Blank lines (spaces and tabs only) are skipped; a line whose first character is `#` or `;`
//!   is a comment. A UTF-8 byte order mark at the start of a file is ignored.
//! - `[name]` starts a section. In a section header, `#` or `;` start a comment anywhere
//!   (`[profile a] # note`, `[profile a];note`), and the name is trimmed.
//! - In the **config** file, profiles are `[profile name]` (a space or tab after `profile`), plus
//!   `[default]`; any other unprefixed section is ignored. `[profile default]` wins over
//!   `[default]`: when the config file has both, every `[default]` section of it is ignored.
//!   `[sso-session name]` and `[services name]` sections are kept apart from profiles
//!   ([`ProfileSet::sso_session`], [`ProfileSet::services`]).
//! - In the **credentials** file, profiles are `[name]`; `[profile name]` is ignored.
//! - Profile names and property keys must match `[A-Za-z0-9_\-/.%@:+]+`; sections and keys that do
//!   not are ignored (see [`ProfileSet::warnings`]). Profile names are case-sensitive; property
//!   keys are not (they are stored lower-cased).
//! - `key = value` defines a property; both sides are trimmed of spaces and tabs, the value may
//!   be empty and may contain `=`. A `#` or `;` *preceded by whitespace* starts a comment
//!   (`key = value ; note`); one not preceded by whitespace is part of the value (`value;x`).
//! - A line starting with a space or tab continues the previous property: the trimmed line is
//!   appended after a newline, comments included. When the property's own value was empty, the
//!   continuation lines are sub-properties (`s3 =` / `  max_concurrent_requests = 10`), each of
//!   which must itself be `key = value` (see [`Profile::sub_property`]).
//! - Sections with the same name merge; a key defined again replaces the earlier value; the
//!   credentials file is read after the config file, so its values win for the same profile.
//!
//! Errors name the file and line: a malformed section header, a property outside any section, a
//! continuation with no property to continue, a property without `=` or without a name, or a file
//! that is not UTF-8.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::credentials::{Credentials, CredentialsError};
use crate::sensitive::REDACTED;

/// The provider name used in credentials and errors that come from profiles.
pub const PROVIDER_NAME: &str = "profile";

/// Where profile files and variables come from: the process ([`ProcessEnv`]) or memory ([`MemoryEnv`]).
pub trait Env: Send + Sync + fmt::Debug {
    /// The raw value of an environment variable.
    fn var_os(&self, name: &str) -> Option<OsString>;

    /// The contents of a file. A missing file is `ErrorKind::NotFound`.
    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>>;

    /// Whether Windows rules apply (home directory variables, `\` in `~\` paths).
    fn is_windows(&self) -> bool {
        cfg!(windows)
    }

    /// An environment variable as trimmed text; unset or blank is `None`, non-UTF-8 is an error
    /// naming the variable.
    fn var(&self, name: &str) -> Result<Option<String>, ProfileError> {
        match self.var_os(name) {
            None => Ok(None),
            Some(v) => match v.into_string() {
                Ok(s) if s.trim().is_empty() => Ok(None),
                Ok(s) => Ok(Some(s.trim().to_owned())),
                Err(_) => Err(ProfileError::InvalidEnvironment { name: name.to_owned() }),
            },
        }
    }
}

/// The real process environment and file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name)
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

/// An environment and file system held in memory, for tests and for embedding fixed configuration.
/// `Debug` shows variable names and file paths only, never values or contents.
#[derive(Clone, Default)]
pub struct MemoryEnv {
    vars: BTreeMap<String, OsString>,
    files: BTreeMap<PathBuf, Vec<u8>>,
    windows: bool,
}

impl MemoryEnv {
    /// No variables, no files, non-Windows rules.
    pub fn new() -> Self {
        MemoryEnv::default()
    }

    /// Sets a variable.
    pub fn with_var(mut self, name: impl Into<String>, value: impl Into<OsString>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Adds a file.
    pub fn with_file(mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> Self {
        self.files.insert(path.into(), contents.into());
        self
    }

    /// Applies Windows rules (or not), whatever the host.
    pub fn windows(mut self, windows: bool) -> Self {
        self.windows = windows;
        self
    }
}

impl fmt::Debug for MemoryEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryEnv")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("files", &self.files.keys().collect::<Vec<_>>())
            .field("windows", &self.windows)
            .finish()
    }
}

impl Env for MemoryEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        self.vars.get(name).cloned()
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.files.get(path).cloned().ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }

    fn is_windows(&self) -> bool {
        self.windows
    }
}

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

impl From<ProfileError> for CredentialsError {
    /// A profile with nothing to offer is [`CredentialsError::NotLoaded`] (so a provider chain
    /// moves on), as in the SDKs: the `default` profile missing when no other was asked for, or
    /// the selected profile holding no credential settings. Anything else is
    /// [`CredentialsError::InvalidConfiguration`].
    fn from(e: ProfileError) -> Self {
        let not_loaded = match &e {
            ProfileError::ProfileNotFound { name, referenced_from: None, .. } => name == "default",
            ProfileError::NoCredentials { .. } => true,
            _ => false,
        };
        if not_loaded {
            CredentialsError::NotLoaded { provider: PROVIDER_NAME, reason: e.to_string() }
        } else {
            CredentialsError::InvalidConfiguration { provider: PROVIDER_NAME, reason: e.to_string() }
        }
    }
}

/// One property value and where it was set.
#[derive(Clone, PartialEq, Eq)]
struct Property {
    value: String,
    location: Location,
}

/// Keys whose values `Debug` never shows.
const SENSITIVE_KEYS: &[&str] = &["aws_secret_access_key", "aws_session_token"];

/// A named section: a profile, an `sso-session` or a `services` section.
/// `Debug` redacts secret keys and `credential_process` arguments.
#[derive(Clone, PartialEq, Eq)]
pub struct Profile {
    name: String,
    properties: BTreeMap<String, Property>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Props<'a>(&'a BTreeMap<String, Property>);
        impl fmt::Debug for Props<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut m = f.debug_map();
                for (k, p) in self.0 {
                    if SENSITIVE_KEYS.contains(&k.as_str()) {
                        m.entry(k, &format_args!("{REDACTED}"));
                    } else if k == "credential_process" {
                        m.entry(k, &redact_command(&p.value));
                    } else {
                        m.entry(k, &p.value);
                    }
                }
                m.finish()
            }
        }
        f.debug_struct("Profile").field("name", &self.name).field("properties", &Props(&self.properties)).finish()
    }
}

/// A command line for `Debug` and errors: the program, with any arguments replaced by a marker
/// (arguments can hold secrets).
pub(crate) fn redact_command(command: &str) -> String {
    let command = command.trim();
    match command.split_once(char::is_whitespace) {
        Some((program, _)) => format!("{program} *** arguments redacted ***"),
        None => command.to_owned(),
    }
}

/// Trims a value; blank is `None`.
fn non_empty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

impl Profile {
    fn new(name: &str) -> Self {
        Profile { name: name.to_owned(), properties: BTreeMap::new() }
    }

    /// The profile's name (`default`, `dev`, ...), without any `profile ` prefix.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A property's raw value (possibly empty; multi-line when continued). Keys are case-insensitive.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.property(key).map(|p| p.value.as_str())
    }

    fn property(&self, key: &str) -> Option<&Property> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.properties.get(&key.to_ascii_lowercase())
        } else {
            self.properties.get(key)
        }
    }

    /// The file and line where a property was (last) set.
    pub fn location(&self, key: &str) -> Option<&Location> {
        self.property(key).map(|p| &p.location)
    }

    /// The property keys, lower-cased, in sorted order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.properties.keys().map(String::as_str)
    }

    /// Whether the profile has no properties.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty()
    }

    /// A sub-property: with `s3 =` followed by `  max_concurrent_requests = 10`,
    /// `sub_property("s3", "max_concurrent_requests")` is `Some("10")`. Both keys are
    /// case-insensitive; a ` #` or ` ;` comment is removed; the last definition wins.
    pub fn sub_property(&self, key: &str, sub_key: &str) -> Option<&str> {
        let value = self.get(key)?;
        value
            .lines()
            .rev()
            .filter_map(|line| parse_property_line(line).ok())
            .find(|(k, _)| k.eq_ignore_ascii_case(sub_key))
            .map(|(_, v)| v)
    }

    /// A non-blank value, trimmed.
    fn text(&self, key: &str) -> Option<&str> {
        non_empty(self.get(key))
    }

    /// `role_arn`: the role to assume.
    pub fn role_arn(&self) -> Option<&str> {
        self.text("role_arn")
    }

    /// `source_profile`: the profile whose credentials assume [`role_arn`](Self::role_arn).
    pub fn source_profile(&self) -> Option<&str> {
        self.text("source_profile")
    }

    /// `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer`, as written
    /// (see [`CredentialSource::parse`]).
    pub fn credential_source(&self) -> Option<&str> {
        self.text("credential_source")
    }

    /// `external_id`, passed to `AssumeRole`.
    pub fn external_id(&self) -> Option<&str> {
        self.text("external_id")
    }

    /// `role_session_name`, passed to `AssumeRole` / `AssumeRoleWithWebIdentity`.
    pub fn role_session_name(&self) -> Option<&str> {
        self.text("role_session_name")
    }

    /// `duration_seconds`, the requested session length. STS itself enforces the allowed range
    /// (900 to the role's maximum).
    ///
    /// # Errors
    /// A value that is not a whole number of seconds, naming the profile, the key and where it was set.
    pub fn duration_seconds(&self) -> Result<Option<u32>, ProfileError> {
        match self.text("duration_seconds") {
            None => Ok(None),
            Some(v) => v.parse::<u32>().map(Some).map_err(|_| ProfileError::InvalidValue {
                profile: self.name.clone(),
                key: "duration_seconds".to_owned(),
                location: self.location("duration_seconds").cloned(),
                reason: format!("must be a whole number of seconds, not `{v}`"),
            }),
        }
    }

    /// `mfa_serial`: the MFA device whose code `AssumeRole` needs.
    pub fn mfa_serial(&self) -> Option<&str> {
        self.text("mfa_serial")
    }

    /// `web_identity_token_file`: the OIDC token for `AssumeRoleWithWebIdentity`.
    pub fn web_identity_token_file(&self) -> Option<&str> {
        self.text("web_identity_token_file")
    }

    /// `credential_process`: a command printing credentials as JSON.
    pub fn credential_process(&self) -> Option<&str> {
        self.text("credential_process")
    }

    /// `region`.
    pub fn region(&self) -> Option<&str> {
        self.text("region")
    }

    /// `endpoint_url`: an endpoint for every service (service-specific ones live in a
    /// `[services name]` section named by [`services`](Self::services)).
    pub fn endpoint_url(&self) -> Option<&str> {
        self.text("endpoint_url")
    }

    /// `services`: the name of the `[services name]` section with per-service settings.
    pub fn services(&self) -> Option<&str> {
        self.text("services")
    }

    /// `sts_regional_endpoints`: `legacy` or `regional`.
    ///
    /// # Errors
    /// Any other value, naming the profile, the key and where it was set.
    pub fn sts_regional_endpoints(&self) -> Result<Option<&str>, ProfileError> {
        match self.text("sts_regional_endpoints") {
            None => Ok(None),
            Some(v @ ("legacy" | "regional")) => Ok(Some(v)),
            Some(v) => Err(ProfileError::InvalidValue {
                profile: self.name.clone(),
                key: "sts_regional_endpoints".to_owned(),
                location: self.location("sts_regional_endpoints").cloned(),
                reason: format!("must be `legacy` or `regional`, not `{v}`"),
            }),
        }
    }

    /// `aws_access_key_id`.
    pub fn aws_access_key_id(&self) -> Option<&str> {
        self.text("aws_access_key_id")
    }

    /// `aws_secret_access_key`.
    pub fn aws_secret_access_key(&self) -> Option<&str> {
        self.text("aws_secret_access_key")
    }

    /// `aws_session_token`.
    pub fn aws_session_token(&self) -> Option<&str> {
        self.text("aws_session_token")
    }

    /// Whether the profile configures IAM Identity Center (SSO), which needs the SSO and
    /// SSO-OIDC services rather than STS.
    fn uses_sso(&self) -> bool {
        ["sso_start_url", "sso_session", "sso_account_id", "sso_role_name", "sso_region"]
            .iter()
            .any(|k| self.get(k).is_some())
    }
}

/// Credentials written in a profile (`aws_access_key_id`, `aws_secret_access_key`, optional
/// `aws_session_token`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProfileCredentials;

impl ProfileCredentials {
    /// The profile's static keys, with the provider name [`PROVIDER_NAME`] and no expiry.
    ///
    /// # Errors
    /// [`ProfileError::NoCredentials`] when none of the three keys is set;
    /// [`ProfileError::InvalidCredentialSource`] when only some are (naming the missing one).
    pub fn static_from(profile: &Profile) -> Result<Credentials, ProfileError> {
        let id = profile.aws_access_key_id();
        let secret = profile.aws_secret_access_key();
        let token = profile.aws_session_token();
        let missing = |key: &str| ProfileError::InvalidCredentialSource {
            profile: profile.name.clone(),
            reason: format!("profile missing {key} (the profile sets other static credential keys)"),
        };
        match (id, secret) {
            (None, None) if token.is_none() => Err(ProfileError::NoCredentials { profile: profile.name.clone() }),
            (Some(id), Some(secret)) => Ok(Credentials::new(id, secret, token.map(str::to_owned), None, PROVIDER_NAME)),
            (None, _) => Err(missing("aws_access_key_id")),
            (Some(_), None) => Err(missing("aws_secret_access_key")),
        }
    }
}

/// The profiles (and other sections) of the config and credentials files, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
    sso_sessions: BTreeMap<String, Profile>,
    services: BTreeMap<String, Profile>,
    selected: String,
    files: Vec<PathBuf>,
    warnings: Vec<String>,
}

impl ProfileSet {
    /// Reads the files the environment names (see the [module docs](self)). Missing files
    /// contribute nothing.
    ///
    /// # Errors
    /// A file that exists but cannot be read, is not UTF-8 or does not parse; a variable that is
    /// not UTF-8.
    pub fn load(env: &dyn Env) -> Result<ProfileSet, ProfileError> {
        let home = home_dir(env)?;
        let mut set = ProfileSet {
            selected: env.var("AWS_PROFILE")?.unwrap_or_else(|| "default".to_owned()),
            ..Default::default()
        };
        for (kind, var, default) in [
            (FileKind::Config, "AWS_CONFIG_FILE", "~/.aws/config"),
            (FileKind::Credentials, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        ] {
            let raw = env.var(var)?.unwrap_or_else(|| default.to_owned());
            let Some(path) = expand_home(&raw, home.as_deref(), env.is_windows()) else {
                set.warnings.push(format!("{raw} ignored: no home directory (HOME is not set)"));
                continue;
            };
            let bytes = match env.read_file(&path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(ProfileError::Read { path, reason: e.to_string() }),
            };
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                    return Err(ProfileError::NotUtf8 { path, line });
                }
            };
            set.merge_text(&text, &path, kind)?;
            set.files.push(path);
        }
        Ok(set)
    }

    /// Parses file contents held in memory (errors name them `config file` and
    /// `credentials file`); the selected profile is `default`.
    ///
    /// # Errors
    /// Text that does not parse.
    pub fn parse(config: &str, credentials: &str) -> Result<ProfileSet, ProfileError> {
        let mut set = ProfileSet { selected: "default".to_owned(), ..Default::default() };
        set.merge_text(config, Path::new("config file"), FileKind::Config)?;
        set.merge_text(credentials, Path::new("credentials file"), FileKind::Credentials)?;
        Ok(set)
    }

    /// The same set with another profile selected.
    pub fn with_selected(mut self, name: impl Into<String>) -> Self {
        self.selected = name.into();
        self
    }

    /// A profile by name (case-sensitive).
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The selected profile's name (`AWS_PROFILE`, else `default`).
    pub fn selected(&self) -> &str {
        &self.selected
    }

    /// The selected profile, if it exists.
    pub fn selected_profile(&self) -> Option<&Profile> {
        self.get(&self.selected)
    }

    /// Profile names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// Whether there are no profiles.
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }

    /// An `[sso-session name]` section of the config file.
    pub fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.sso_sessions.get(name)
    }

    /// A `[services name]` section of the config file.
    pub fn services(&self, name: &str) -> Option<&Profile> {
        self.services.get(name)
    }

    /// The files that were read, in order (config, then credentials).
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Sections and keys that were ignored, and why, naming file and line (for diagnostics).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    fn merge_text(&mut self, text: &str, path: &Path, kind: FileKind) -> Result<(), ProfileError> {
        let path: Arc<Path> = Arc::from(path);
        let sections = parse_sections(text, &path)?;
        let classified: Vec<(Result<SectionName<'_>, String>, &RawSection<'_>)> =
            sections.iter().map(|s| (classify(s.header, kind), s)).collect();
        let has_prefixed_default =
            classified.iter().any(|(n, _)| matches!(n, Ok(SectionName::Profile { name: "default", prefixed: true })));
        for (name, section) in classified {
            let at = Location { path: path.to_path_buf(), line: section.line };
            let target = match name {
                Err(why) => {
                    self.warnings.push(format!("{at}: {why}"));
                    continue;
                }
                Ok(SectionName::Profile { name: "default", prefixed: false }) if has_prefixed_default => {
                    self.warnings.push(format!("{at}: [default] ignored because the file also has [profile default]"));
                    continue;
                }
                Ok(SectionName::Profile { name, .. }) => self.profiles.entry(name.to_owned()),
                Ok(SectionName::SsoSession(name)) => self.sso_sessions.entry(name.to_owned()),
                Ok(SectionName::Services(name)) => self.services.entry(name.to_owned()),
            };
            let profile = target.or_insert_with_key(|k| Profile::new(k));
            for prop in &section.properties {
                let location = Location { path: path.to_path_buf(), line: prop.line };
                if !is_identifier(&prop.key) {
                    self.warnings.push(format!("{location}: key `{}` ignored: not a valid key name", prop.key));
                    continue;
                }
                profile.properties.insert(prop.key.clone(), Property { value: prop.value.clone(), location });
            }
        }
        Ok(())
    }
}

/// The home directory: `HOME`; on Windows then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`.
///
/// # Errors
/// A variable that is not UTF-8.
pub fn home_dir(env: &dyn Env) -> Result<Option<String>, ProfileError> {
    if let Some(home) = env.var("HOME")? {
        return Ok(Some(home));
    }
    if env.is_windows() {
        if let Some(home) = env.var("USERPROFILE")? {
            return Ok(Some(home));
        }
        if let (Some(drive), Some(path)) = (env.var("HOMEDRIVE")?, env.var("HOMEPATH")?) {
            return Ok(Some(drive + &path));
        }
    }
    Ok(None)
}

/// Expands a leading `~` (`~`, `~/x`, and on Windows `~\x`); `None` when that needs a home
/// directory and there is none. Other paths are returned unchanged.
fn expand_home(raw: &str, home: Option<&str>, windows: bool) -> Option<PathBuf> {
    let is_sep = |c: char| c == '/' || (windows && c == '\\');
    let rest = match raw.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with(is_sep) => rest,
        _ => return Some(PathBuf::from(raw)),
    };
    let mut path = PathBuf::from(home?);
    for part in rest.split(is_sep).filter(|p| !p.is_empty()) {
        path.push(part);
    }
    Some(path)
}

const WHITESPACE: &[char] = &[' ', '\t'];

/// `[A-Za-z0-9_\-/.%@:+]+`
fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

struct RawProperty {
    key: String,
    value: String,
    line: usize,
}

struct RawSection<'a> {
    header: &'a str,
    line: usize,
    properties: Vec<RawProperty>,
}

/// Trims, then cuts at the first `#`/`;` (in property lines only when preceded by whitespace).
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let line = line.trim_matches(WHITESPACE);
    let mut prev_ws = false;
    for (i, c) in line.char_indices() {
        if (c == '#' || c == ';') && (prev_ws || !needs_whitespace) {
            return line[..i].trim_matches(WHITESPACE);
        }
        prev_ws = c.is_whitespace();
    }
    line
}

/// Why a property line is not `key = value`.
enum PropertyLineError {
    NoEquals,
    NoName,
}

/// `key = value` (comment removed, key lower-cased by the caller).
fn parse_property_line(line: &str) -> Result<(&str, &str), PropertyLineError> {
    let line = strip_comment(line, true);
    let (k, v) = line.split_once('=').ok_or(PropertyLineError::NoEquals)?;
    let k = k.trim_matches(WHITESPACE);
    if k.is_empty() {
        return Err(PropertyLineError::NoName);
    }
    Ok((k, v.trim_matches(WHITESPACE)))
}

/// The literal structure of one file: sections with their properties, in file order.
fn parse_sections<'a>(text: &'a str, path: &Path) -> Result<Vec<RawSection<'a>>, ProfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<RawSection<'a>> = Vec::new();
    // The property continuation lines extend, and whether they are sub-properties.
    let mut open: Option<bool> = None;
    let syntax = |line: usize, message: &str| ProfileError::Syntax {
        path: path.to_path_buf(),
        line,
        message: message.to_owned(),
    };
    let property_error = |line: usize, what: &str, e: PropertyLineError| match e {
        PropertyLineError::NoEquals => syntax(line, &format!("expected `=` in this {what} (`name = value`)")),
        PropertyLineError::NoName => syntax(line, &format!("this {what} has no name before `=`")),
    };
    const NO_SECTION: &str = "expected a section header such as `[default]` or `[profile name]` before this line";
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with('[') {
            let header = strip_comment(line, false)
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .ok_or_else(|| syntax(n, "section header must end with `]`"))?;
            sections.push(RawSection { header, line: n, properties: Vec::new() });
            open = None;
        } else if line.starts_with(WHITESPACE) {
            let section = sections.last_mut().ok_or_else(|| syntax(n, NO_SECTION))?;
            let (Some(is_sub), Some(prop)) = (open, section.properties.last_mut()) else {
                return Err(syntax(
                    n,
                    "this line starts with whitespace, so it continues a property, but no property precedes it in this section",
                ));
            };
            if is_sub {
                parse_property_line(line).map_err(|e| property_error(n, "sub-property", e))?;
            }
            prop.value.push('\n');
            prop.value.push_str(line.trim_matches(WHITESPACE));
        } else {
            let section = sections.last_mut().ok_or_else(|| syntax(n, NO_SECTION))?;
            let (k, v) = parse_property_line(line).map_err(|e| property_error(n, "property", e))?;
            section.properties.push(RawProperty { key: k.to_ascii_lowercase(), value: v.to_owned(), line: n });
            open = Some(v.is_empty());
        }
    }
    Ok(sections)
}

enum SectionName<'a> {
    Profile { name: &'a str, prefixed: bool },
    SsoSession(&'a str),
    Services(&'a str),
}

/// What a section header names in a file of this kind; `Err` (a warning) when it is ignored.
fn classify(header: &str, kind: FileKind) -> Result<SectionName<'_>, String> {
    let header = header.trim_matches(WHITESPACE);
    let (word, rest) = match header.split_once(WHITESPACE) {
        Some((w, rest)) => (w, Some(rest.trim_matches(WHITESPACE))),
        None => (header, None),
    };
    let check = |name: &str| {
        if is_identifier(name) {
            Ok(())
        } else {
            Err(format!("section [{header}] ignored: `{name}` is not a valid name (letters, digits and _-/.%@:+ only)"))
        }
    };
    match (kind, word, rest) {
        (FileKind::Config, "profile", Some(name)) => check(name).map(|()| SectionName::Profile { name, prefixed: true }),
        (FileKind::Config, "sso-session", Some(name)) => check(name).map(|()| SectionName::SsoSession(name)),
        (FileKind::Config, "services", Some(name)) => check(name).map(|()| SectionName::Services(name)),
        (FileKind::Config, "default", None) => Ok(SectionName::Profile { name: "default", prefixed: false }),
        (FileKind::Config, _, _) => Err(format!(
            "section [{header}] ignored: profiles in the config file are written `[profile {header}]` (only `[default]` may omit the prefix)"
        )),
        (FileKind::Credentials, "profile", Some(name)) => Err(format!(
            "section [{header}] ignored: profiles in the credentials file are written `[{name}]`, without `profile`"
        )),
        (FileKind::Credentials, _, _) => check(header).map(|()| SectionName::Profile { name: header, prefixed: false }),
    }
}

/// Applies the client settings of profile `name` in `set` to `cfg`, for the service with this
/// `serviceId`, where the environment (`env`) did not already decide them, with the SDKs'
/// precedence: `region`; `endpoint_url` from the profile's `[services]` section for the
/// service, else the profile's `endpoint_url` (both below `AWS_ENDPOINT_URL_<SERVICE>` and
/// `AWS_ENDPOINT_URL`, and none when `ignore_configured_endpoint_urls = true`);
/// `<service>_regional_endpoints`; `use_fips_endpoint`; `use_dualstack_endpoint`;
/// `max_attempts`. A missing profile changes nothing.
///
/// # Errors
/// A value that cannot be used, naming the profile, the key and where it was set.
#[cfg(feature = "client")]
pub fn apply_to_config(
    set: &ProfileSet,
    name: &str,
    service_id: &str,
    env: &dyn Env,
    cfg: &mut crate::client::ClientConfig,
) -> Result<(), ProfileError> {
    let Some(profile) = set.get(name) else { return Ok(()) };
    let upper = service_id.to_ascii_uppercase().replace([' ', '-'], "_");
    let lower = upper.to_ascii_lowercase();
    let invalid = |key: &str, reason: String| ProfileError::InvalidValue {
        profile: profile.name.clone(),
        key: key.to_owned(),
        location: profile.location(key).cloned(),
        reason,
    };
    let flag = |key: &str| -> Result<Option<bool>, ProfileError> {
        match profile.get(key) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(invalid(key, format!("must be `true` or `false`, not `{v}`"))),
        }
    };
    if env.var("AWS_REGION")?.is_none() && env.var("AWS_DEFAULT_REGION")?.is_none() {
        if let Some(region) = profile.region() {
            cfg.region = Some(region.to_owned());
        }
    }
    let ignore_urls = match env.var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")? {
        Some(v) => v.eq_ignore_ascii_case("true"),
        None => flag("ignore_configured_endpoint_urls")?.unwrap_or(false),
    };
    if ignore_urls {
        cfg.endpoint_url = None;
    } else if env.var(&format!("AWS_ENDPOINT_URL_{upper}"))?.is_none() && env.var("AWS_ENDPOINT_URL")?.is_none() {
        let from_services = profile
            .services()
            .and_then(|section| set.services(section))
            .and_then(|section| section.sub_property(&lower, "endpoint_url"));
        if let Some(url) = from_services.or(profile.endpoint_url()) {
            cfg.endpoint_url = Some(url.to_owned());
        }
    }
    let regional_key = format!("{lower}_regional_endpoints");
    if env.var(&format!("AWS_{upper}_REGIONAL_ENDPOINTS"))?.is_none() {
        match profile.get(&regional_key) {
            None => {}
            Some("regional") => cfg.regional_endpoints = crate::client::config::RegionalEndpoints::Regional,
            Some("legacy") => cfg.regional_endpoints = crate::client::config::RegionalEndpoints::Legacy,
            Some(v) => return Err(invalid(&regional_key, format!("must be `legacy` or `regional`, not `{v}`"))),
        }
    }
    if env.var("AWS_USE_FIPS_ENDPOINT")?.is_none() {
        if let Some(v) = flag("use_fips_endpoint")? {
            cfg.use_fips = v;
        }
    }
    if env.var("AWS_USE_DUALSTACK_ENDPOINT")?.is_none() {
        if let Some(v) = flag("use_dualstack_endpoint")? {
            cfg.use_dual_stack = v;
        }
    }
    if env.var("AWS_MAX_ATTEMPTS")?.is_none() {
        if let Some(v) = profile.get("max_attempts") {
            cfg.retry.max_attempts = v
                .parse()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| invalid("max_attempts", format!("must be a positive integer, not `{v}`")))?;
        }
    }
    Ok(())
}

/// A `credential_source` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialSource {
    /// `Environment`: the `AWS_ACCESS_KEY_ID` family of variables.
    Environment,
    /// `Ec2InstanceMetadata`: the EC2 instance profile (IMDS).
    Ec2InstanceMetadata,
    /// `EcsContainer`: the ECS/EKS container credentials endpoint.
    EcsContainer,
}

impl CredentialSource {
    /// Parses the exact names the SDKs accept (case-sensitive).
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "Environment" => Some(CredentialSource::Environment),
            "Ec2InstanceMetadata" => Some(CredentialSource::Ec2InstanceMetadata),
            "EcsContainer" => Some(CredentialSource::EcsContainer),
            _ => None,
        }
    }

    /// The name as written in a profile.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialSource::Environment => "Environment",
            CredentialSource::Ec2InstanceMetadata => "Ec2InstanceMetadata",
            CredentialSource::EcsContainer => "EcsContainer",
        }
    }
}

/// A role to assume with the previous link's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleLink {
    /// The profile that names the role.
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `role_session_name`.
    pub session_name: Option<String>,
    /// `duration_seconds`.
    pub duration_seconds: Option<u32>,
    /// `mfa_serial`.
    pub mfa_serial: Option<String>,
}

/// One step of a profile's credential chain (see [`resolve_chain`]). `Debug` redacts secrets
/// and `credential_process` arguments.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainLink {
    /// Base: keys written in the profile.
    StaticKeys {
        /// The profile.
        profile: String,
        /// The keys.
        credentials: Credentials,
    },
    /// Base: `credential_source`, in a profile that also has `role_arn`.
    CredentialSource {
        /// The profile.
        profile: String,
        /// Where the base credentials come from.
        source: CredentialSource,
    },
    /// Base: `AssumeRoleWithWebIdentity` with `role_arn` and `web_identity_token_file`.
    WebIdentity {
        /// The profile.
        profile: String,
        /// `role_arn`.
        role_arn: String,
        /// `web_identity_token_file`.
        token_file: String,
        /// `role_session_name`.
        session_name: Option<String>,
    },
    /// Base: `credential_process`.
    Process {
        /// The profile.
        profile: String,
        /// The command line (run by the platform shell).
        command: String,
    },
    /// Not a base: assume this role with the credentials of the link before it.
    AssumeRole(AssumeRoleLink),
}

impl ChainLink {
    /// The profile this link comes from.
    pub fn profile(&self) -> &str {
        match self {
            ChainLink::StaticKeys { profile, .. }
            | ChainLink::CredentialSource { profile, .. }
            | ChainLink::WebIdentity { profile, .. }
            | ChainLink::Process { profile, .. } => profile,
            ChainLink::AssumeRole(link) => &link.profile,
        }
    }

    /// Whether this link produces credentials on its own (everything but `AssumeRole`).
    pub fn is_base(&self) -> bool {
        !matches!(self, ChainLink::AssumeRole(_))
    }
}

impl fmt::Debug for ChainLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainLink::StaticKeys { profile, credentials } => {
                f.debug_struct("StaticKeys").field("profile", profile).field("credentials", credentials).finish()
            }
            ChainLink::CredentialSource { profile, source } => {
                f.debug_struct("CredentialSource").field("profile", profile).field("source", source).finish()
            }
            ChainLink::WebIdentity { profile, role_arn, token_file, session_name } => f
                .debug_struct("WebIdentity")
                .field("profile", profile)
                .field("role_arn", role_arn)
                .field("token_file", token_file)
                .field("session_name", session_name)
                .finish(),
            ChainLink::Process { profile, command } => {
                f.debug_struct("Process").field("profile", profile).field("command", &redact_command(command)).finish()
            }
            ChainLink::AssumeRole(link) => f.debug_tuple("AssumeRole").field(link).finish(),
        }
    }
}

/// Resolves the credential chain that profile `start` describes, following `source_profile`.
///
/// The result is in the order to run it: first one base link (static keys,
/// `credential_source`, web identity or `credential_process`), then zero or more
/// [`ChainLink::AssumeRole`] links, each assumed with the credentials of the one before.
///
/// The rules are the SDKs':
/// - A profile with `role_arn` (and no `web_identity_token_file`) is a role link, and needs
///   exactly one of `source_profile` and `credential_source`. `source_profile` naming the profile
///   itself means its own base settings (typically its static keys) are the base.
/// - Past the first profile, complete static keys win over anything else in a profile (a
///   source profile with keys *and* `role_arn` is used for its keys).
/// - Otherwise the base is, in order: `credential_source`, `role_arn` + `web_identity_token_file`,
///   `credential_process`, static keys.
///
/// # Errors
/// A missing profile (naming who referenced it); a loop (`a -> b -> a`); a profile with no
/// credential settings; incomplete or contradictory settings; an unknown `credential_source`;
/// an invalid `duration_seconds`; SSO or console-login profiles (not supported here).
pub fn resolve_chain(set: &ProfileSet, start: &str) -> Result<Vec<ChainLink>, ProfileError> {
    let mut visited: Vec<&str> = Vec::new();
    let mut roles: Vec<ChainLink> = Vec::new();
    let mut name = start;
    let base = loop {
        let profile = set.get(name).ok_or_else(|| ProfileError::ProfileNotFound {
            name: name.to_owned(),
            referenced_from: visited.last().map(|s| (*s).to_owned()),
            searched: set.files.clone(),
        })?;
        if visited.contains(&name) {
            let mut profiles: Vec<String> = visited.iter().map(|s| (*s).to_owned()).collect();
            profiles.push(name.to_owned());
            return Err(ProfileError::Cycle { profiles });
        }
        visited.push(name);
        let first = visited.len() == 1;
        if !first {
            if let Ok(credentials) = ProfileCredentials::static_from(profile) {
                break ChainLink::StaticKeys { profile: profile.name.clone(), credentials };
            }
        }
        let role_arn = profile.role_arn().filter(|_| profile.web_identity_token_file().is_none());
        let Some(role_arn) = role_arn else {
            break base_link(profile).map_err(|e| {
                if first {
                    e
                } else {
                    ProfileError::InvalidCredentialSource {
                        profile: profile.name.clone(),
                        reason: format!("could not use it as a source profile: {e}"),
                    }
                }
            })?;
        };
        roles.push(ChainLink::AssumeRole(AssumeRoleLink {
            profile: profile.name.clone(),
            role_arn: role_arn.to_owned(),
            external_id: profile.external_id().map(str::to_owned),
            session_name: profile.role_session_name().map(str::to_owned),
            duration_seconds: profile.duration_seconds()?,
            mfa_serial: profile.mfa_serial().map(str::to_owned),
        }));
        match (profile.source_profile(), profile.credential_source()) {
            (Some(_), Some(_)) => {
                return Err(ProfileError::InvalidCredentialSource {
                    profile: profile.name.clone(),
                    reason: "profile contained both source_profile and credential_source; only one may be set"
                        .to_owned(),
                })
            }
            (None, None) => {
                return Err(ProfileError::InvalidCredentialSource {
                    profile: profile.name.clone(),
                    reason: "has role_arn, so it must contain `source_profile` or `credential_source`, but neither \
                             was defined"
                        .to_owned(),
                })
            }
            // Self-reference and `credential_source`: this profile's own base settings.
            (Some(source), None) if source == profile.name => break base_link(profile)?,
            (None, Some(_)) => break base_link(profile)?,
            (Some(source), None) => name = source,
        }
    };
    let mut chain = Vec::with_capacity(roles.len() + 1);
    chain.push(base);
    chain.extend(roles.into_iter().rev());
    Ok(chain)
}

/// The base link a profile provides on its own.
fn base_link(profile: &Profile) -> Result<ChainLink, ProfileError> {
    let invalid = |reason: String| ProfileError::InvalidCredentialSource { profile: profile.name.clone(), reason };
    if let Some(source) = profile.credential_source() {
        let source = CredentialSource::parse(source).ok_or_else(|| {
            invalid(format!(
                "credential_source `{source}` is not one of Environment, Ec2InstanceMetadata, EcsContainer"
            ))
        })?;
        return Ok(ChainLink::CredentialSource { profile: profile.name.clone(), source });
    }
    match (profile.role_arn(), profile.web_identity_token_file()) {
        (Some(role_arn), Some(token_file)) => {
            return Ok(ChainLink::WebIdentity {
                profile: profile.name.clone(),
                role_arn: role_arn.to_owned(),
                token_file: token_file.to_owned(),
                session_name: profile.role_session_name().map(str::to_owned),
            })
        }
        (None, Some(_)) => {
            return Err(invalid("`web_identity_token_file` was specified but `role_arn` was missing".to_owned()))
        }
        _ => {}
    }
    if profile.uses_sso() {
        return Err(invalid(
            "uses IAM Identity Center (sso_* settings), which this client does not support; \
             use `aws sso login` with an SDK that does, or `credential_process`"
                .to_owned(),
        ));
    }
    if profile.get("login_session").is_some() {
        return Err(invalid("uses `login_session` (console sign-in), which this client does not support".to_owned()));
    }
    if let Some(command) = profile.credential_process() {
        return Ok(ChainLink::Process { profile: profile.name.clone(), command: command.to_owned() });
    }
    ProfileCredentials::static_from(profile)
        .map(|credentials| ChainLink::StaticKeys { profile: profile.name.clone(), credentials })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_comment_rules() {
        assert_eq!(strip_comment("name = value # c # d", true), "name = value");
        assert_eq!(strip_comment("name = value#c # d", true), "name = value#c");
        assert_eq!(strip_comment("[profile a]#c", false), "[profile a]");
    }

    #[test]
    fn expand_home_rules() {
        assert_eq!(expand_home("~/.aws/config", Some("/h"), false), Some(PathBuf::from("/h/.aws/config")));
        assert_eq!(expand_home("~", Some("/h"), false), Some(PathBuf::from("/h")));
        assert_eq!(expand_home("~user/x", Some("/h"), false), Some(PathBuf::from("~user/x")));
        assert_eq!(expand_home("~\\x", Some("/h"), false), Some(PathBuf::from("~\\x")));
        assert_eq!(expand_home("~\\x", Some("/h"), true), Some(PathBuf::from("/h").join("x")));
        assert_eq!(expand_home("~/x", None, false), None);
        assert_eq!(expand_home("/abs/x", None, false), Some(PathBuf::from("/abs/x")));
    }

    #[test]
    fn redact_command_keeps_program_only() {
        assert_eq!(redact_command("  /bin/creds --token s3cr3t "), "/bin/creds *** arguments redacted ***");
        assert_eq!(redact_command("creds"), "creds");
    }

    #[cfg(feature = "client")]
    mod config {
        use super::super::*;
        use crate::client::config::RegionalEndpoints;
        use crate::client::ClientConfig;

        const CONFIG: &str = "[profile dev]\nregion = eu-west-1\nservices = local\nsts_regional_endpoints = legacy\n\
                              use_fips_endpoint = true\nmax_attempts = 7\nendpoint_url = http://global.example\n\
                              [services local]\nsts =\n  endpoint_url = http://sts.example:4566\n\
                              [profile plain]\nendpoint_url = http://plain.example\n\
                              [profile bad]\nsts_regional_endpoints = sometimes\n\
                              [profile ignore]\nendpoint_url = http://plain.example\nignore_configured_endpoint_urls = true\n";

        fn apply(name: &str, env: &MemoryEnv) -> Result<ClientConfig, ProfileError> {
            let set = ProfileSet::parse(CONFIG, "").unwrap();
            let mut cfg = ClientConfig::from_env_with("STS", env).unwrap();
            apply_to_config(&set, name, "STS", env, &mut cfg).map(|()| cfg)
        }

        #[test]
        fn profile_settings_fill_what_the_environment_left_open() {
            let cfg = apply("dev", &MemoryEnv::new()).unwrap();
            assert_eq!(cfg.region.as_deref(), Some("eu-west-1"));
            assert_eq!(cfg.endpoint_url.as_deref(), Some("http://sts.example:4566"), "the [services] entry wins over endpoint_url");
            assert_eq!(cfg.regional_endpoints, RegionalEndpoints::Legacy);
            assert!(cfg.use_fips);
            assert_eq!(cfg.retry.max_attempts, 7);
            let plain = apply("plain", &MemoryEnv::new()).unwrap();
            assert_eq!(plain.endpoint_url.as_deref(), Some("http://plain.example"));
            assert_eq!(apply("ignore", &MemoryEnv::new()).unwrap().endpoint_url, None);
            assert_eq!(apply("missing", &MemoryEnv::new()).unwrap().region, None);
        }

        #[test]
        fn the_environment_wins_over_the_profile() {
            let env = MemoryEnv::new()
                .with_var("AWS_REGION", "us-west-2")
                .with_var("AWS_ENDPOINT_URL", "http://env.example")
                .with_var("AWS_STS_REGIONAL_ENDPOINTS", "regional")
                .with_var("AWS_USE_FIPS_ENDPOINT", "false")
                .with_var("AWS_MAX_ATTEMPTS", "2");
            let cfg = apply("dev", &env).unwrap();
            assert_eq!(cfg.region.as_deref(), Some("us-west-2"));
            assert_eq!(cfg.endpoint_url.as_deref(), Some("http://env.example"));
            assert_eq!(cfg.regional_endpoints, RegionalEndpoints::Regional);
            assert!(!cfg.use_fips);
            assert_eq!(cfg.retry.max_attempts, 2);
        }

        #[test]
        fn invalid_values_name_profile_key_and_line() {
            let e = apply("bad", &MemoryEnv::new()).unwrap_err().to_string();
            assert!(e.contains("`bad`") && e.contains("sts_regional_endpoints") && e.contains("config file line 14"), "{e}");
        }
    }
}
