//! The profiles of the shared config and credentials files, merged ([`ProfileSet`]), each a
//! set of properties that remember where they were set ([`Profile`]).

mod parse;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::env::{Env, FileTooLarge, MAX_SETTINGS_FILE};
use super::error::{FileKind, Location, ProfileError};
use crate::sensitive::{redact_command, REDACTED};

use parse::{
    classify, is_key_name, is_split_padding, parse_property_line, parse_sections, RawSection,
    SectionName,
};

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
    properties: SortedMap<Property>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Props<'a>(&'a SortedMap<Property>);
        impl fmt::Debug for Props<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut m = f.debug_map();
                for (k, p) in self.0.iter() {
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
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("properties", &Props(&self.properties))
            .finish()
    }
}

/// A map from names to sections or properties, sorted by name: a vector searched by
/// bisection. Config files hold tens of entries, and a `BTreeMap` per value type put about
/// 40 KiB of node-handling code into every program that reads profiles.
#[derive(Clone, PartialEq, Eq)]
struct SortedMap<V>(Vec<(String, V)>);

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<V: fmt::Debug> fmt::Debug for SortedMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<V> SortedMap<V> {
    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    fn get(&self, key: &str) -> Option<&V> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    fn get_or_insert_with(&mut self, key: &str, new: impl FnOnce(&str) -> V) -> &mut V {
        let i = match self.position(key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key.to_owned(), new(key)));
                i
            }
        };
        &mut self.0[i].1
    }

    /// Sets `key` to `value`, replacing an earlier value.
    fn insert(&mut self, key: String, value: V) {
        match self.position(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Trims a value; blank is `None`.
fn non_empty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

impl Profile {
    fn new(name: &str) -> Self {
        Profile {
            name: name.to_owned(),
            properties: SortedMap::default(),
        }
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
    /// (see [`CredentialSource::parse`](crate::credentials::profile::CredentialSource::parse)).
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
            Some(v) => v
                .parse::<u32>()
                .map(Some)
                .map_err(|_| ProfileError::InvalidValue {
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
}

/// The profiles (and other sections) of the config and credentials files, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: SortedMap<Profile>,
    sso_sessions: SortedMap<Profile>,
    services: SortedMap<Profile>,
    selected: String,
    files: Vec<PathBuf>,
    warnings: Vec<String>,
}

impl ProfileSet {
    /// Reads the files the environment names (see the [module docs](crate::config)). Missing files
    /// contribute nothing.
    ///
    /// # Errors
    /// A file that exists but cannot be read, is not UTF-8 or does not parse; a variable that is
    /// not UTF-8.
    pub fn load(env: &dyn Env) -> Result<ProfileSet, ProfileError> {
        let home = home_dir(env)?;
        let mut set = ProfileSet {
            selected: env
                .var("AWS_PROFILE")?
                .unwrap_or_else(|| "default".to_owned()),
            ..Default::default()
        };
        for (kind, var, default) in [
            (FileKind::Config, "AWS_CONFIG_FILE", "~/.aws/config"),
            (
                FileKind::Credentials,
                "AWS_SHARED_CREDENTIALS_FILE",
                "~/.aws/credentials",
            ),
        ] {
            let raw = env.var(var)?.unwrap_or_else(|| default.to_owned());
            let Some(path) = expand_home(&raw, home.as_deref(), env.is_windows()) else {
                set.warnings.push(format!(
                    "{raw} ignored: no home directory (HOME is not set)"
                ));
                continue;
            };
            let bytes = match env.read_file_limited(&path, MAX_SETTINGS_FILE) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) if e.get_ref().is_some_and(|inner| inner.is::<FileTooLarge>()) => {
                    return Err(ProfileError::FileTooLarge {
                        path,
                        limit: MAX_SETTINGS_FILE,
                    })
                }
                Err(e) => {
                    return Err(ProfileError::Read {
                        path,
                        reason: e.to_string(),
                    })
                }
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
        let mut set = ProfileSet {
            selected: "default".to_owned(),
            ..Default::default()
        };
        set.merge_text(config, Path::new("config file"), FileKind::Config)?;
        set.merge_text(
            credentials,
            Path::new("credentials file"),
            FileKind::Credentials,
        )?;
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
        let classified: Vec<(Result<SectionName<'_>, String>, &RawSection<'_>)> = sections
            .iter()
            .map(|s| (classify(s.header, kind), s))
            .collect();
        let has_prefixed_default = classified.iter().any(|(n, _)| {
            matches!(
                n,
                Ok(SectionName::Profile {
                    name: "default",
                    prefixed: true
                })
            )
        });
        for (name, section) in classified {
            let at = Location {
                path: path.to_path_buf(),
                line: section.line,
            };
            let target = match name {
                Err(why) => {
                    self.warnings.push(format!("{at}: {why}"));
                    continue;
                }
                Ok(SectionName::Profile {
                    name: "default",
                    prefixed: false,
                }) if has_prefixed_default => {
                    self.warnings.push(format!(
                        "{at}: [default] ignored because the file also has [profile default]"
                    ));
                    continue;
                }
                Ok(SectionName::Profile { name, .. }) => (&mut self.profiles, name),
                Ok(SectionName::SsoSession(name)) => (&mut self.sso_sessions, name),
                Ok(SectionName::Services(name)) => (&mut self.services, name),
            };
            let profile = target.0.get_or_insert_with(target.1, Profile::new);
            for prop in &section.properties {
                let location = Location {
                    path: path.to_path_buf(),
                    line: prop.line,
                };
                // A malformed line's "key" can be a secret (`aws_session_token:IQoJ...==` splits at
                // the padding): it is neither stored nor shown.
                if !is_key_name(&prop.key) {
                    self.warnings.push(format!(
                        "{location}: line ignored: the text before `=` is not a key name (letters, digits, `_`, `-`, `.`); not shown, as it may hold a secret"
                    ));
                    continue;
                }
                if is_split_padding(&prop.value) {
                    self.warnings.push(format!(
                        "{location}: line ignored: it looks like a base64 value split at its `=` padding, not `name = value`; not shown, as it may hold a secret"
                    ));
                    continue;
                }
                profile.properties.insert(
                    prop.key.clone(),
                    Property {
                        value: prop.value.clone(),
                        location,
                    },
                );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_home_rules() {
        assert_eq!(
            expand_home("~/.aws/config", Some("/h"), false),
            Some(PathBuf::from("/h/.aws/config"))
        );
        assert_eq!(
            expand_home("~", Some("/h"), false),
            Some(PathBuf::from("/h"))
        );
        assert_eq!(
            expand_home("~user/x", Some("/h"), false),
            Some(PathBuf::from("~user/x"))
        );
        assert_eq!(
            expand_home("~\\x", Some("/h"), false),
            Some(PathBuf::from("~\\x"))
        );
        assert_eq!(
            expand_home("~\\x", Some("/h"), true),
            Some(PathBuf::from("/h").join("x"))
        );
        assert_eq!(expand_home("~/x", None, false), None);
        assert_eq!(
            expand_home("/abs/x", None, false),
            Some(PathBuf::from("/abs/x"))
        );
    }
}
