//! Credentials a profile describes: static keys written in it ([`ProfileCredentials`]) and
//! the role chain it starts ([`resolve_chain`]): `source_profile`, `credential_source`,
//! `web_identity_token_file`, `credential_process` and `role_arn`, resolved to a list of links
//! that the service crate's providers walk.

use std::fmt;

use super::provider::{Credentials, CredentialsError};
use crate::config::{Profile, ProfileError, ProfileSet};
use crate::sensitive::redact_command;

/// The provider name used in credentials and errors that come from profiles.
pub const PROVIDER_NAME: &str = "profile";

impl From<ProfileError> for CredentialsError {
    /// A profile with nothing to offer is [`CredentialsError::NotLoaded`] (so a provider chain
    /// moves on), as in the SDKs: the `default` profile missing when no other was asked for, or
    /// the selected profile holding no credential settings. Anything else is
    /// [`CredentialsError::InvalidConfiguration`].
    fn from(e: ProfileError) -> Self {
        let not_loaded = match &e {
            ProfileError::ProfileNotFound {
                name,
                referenced_from: None,
                ..
            } => name == "default",
            ProfileError::NoCredentials { .. } => true,
            _ => false,
        };
        if not_loaded {
            CredentialsError::NotLoaded {
                provider: PROVIDER_NAME,
                reason: e.to_string(),
            }
        } else {
            CredentialsError::InvalidConfiguration {
                provider: PROVIDER_NAME,
                reason: e.to_string(),
            }
        }
    }
}

/// Credentials written in a profile (`aws_access_key_id`, `aws_secret_access_key`, optional
/// `aws_session_token`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProfileCredentials;

impl ProfileCredentials {
    /// The profile's static keys (and `aws_account_id`), with the provider name
    /// [`PROVIDER_NAME`] and no expiry.
    ///
    /// # Errors
    /// [`ProfileError::NoCredentials`] when none of the three keys is set;
    /// [`ProfileError::InvalidCredentialSource`] when only some are (naming the missing one).
    pub fn static_from(profile: &Profile) -> Result<Credentials, ProfileError> {
        let id = profile.aws_access_key_id();
        let secret = profile.aws_secret_access_key();
        let token = profile.aws_session_token();
        let missing = |key: &str| ProfileError::InvalidCredentialSource {
            profile: profile.name().to_owned(),
            reason: format!(
                "profile missing {key} (the profile sets other static credential keys)"
            ),
        };
        match (id, secret) {
            (None, None) if token.is_none() => Err(ProfileError::NoCredentials {
                profile: profile.name().to_owned(),
            }),
            (Some(id), Some(secret)) => {
                let credentials =
                    Credentials::new(id, secret, token.map(str::to_owned), None, PROVIDER_NAME);
                Ok(match profile.get("aws_account_id") {
                    Some(account) => credentials.with_account_id(account),
                    None => credentials,
                })
            }
            (None, _) => Err(missing("aws_access_key_id")),
            (Some(_), None) => Err(missing("aws_secret_access_key")),
        }
    }
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
    /// Parses the names the SDKs accept, ignoring ASCII case (`ec2instancemetadata` works, as
    /// in botocore).
    pub fn parse(value: &str) -> Option<Self> {
        [
            CredentialSource::Environment,
            CredentialSource::Ec2InstanceMetadata,
            CredentialSource::EcsContainer,
        ]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(value.trim()))
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
    /// Base: `login_session`, the console sign-in session `aws login` cached (the service
    /// crate's provider reads `~/.aws/login/cache/<sha256 of the session>.json`).
    Login {
        /// The profile.
        profile: String,
        /// `login_session`: the session identifier (trimmed).
        session: String,
    },
    /// Base: `credential_process`.
    Process {
        /// The profile.
        profile: String,
        /// The command line (run by the platform shell).
        command: String,
    },
    /// Base: IAM Identity Center (`sso_session`, or the legacy `sso_start_url` form).
    Sso(SsoLink),
    /// Not a base: assume this role with the credentials of the link before it.
    AssumeRole(AssumeRoleLink),
}

/// IAM Identity Center settings of a profile: its `[sso-session NAME]` section (`sso_session`),
/// or the legacy form with `sso_start_url` and `sso_region` in the profile itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoLink {
    /// The profile.
    pub profile: String,
    /// `sso_session`: the session's name (the token cache is keyed by it, and the token can be
    /// refreshed); `None` for the legacy form (keyed by the start URL, never refreshed).
    pub session: Option<String>,
    /// `sso_start_url`.
    pub start_url: String,
    /// `sso_region`: where the SSO portal and SSO-OIDC calls go.
    pub region: String,
    /// `sso_account_id`.
    pub account_id: String,
    /// `sso_role_name`.
    pub role_name: String,
    /// The session's `sso_registration_scopes`, comma-separated, trimmed (empty when unset).
    pub registration_scopes: Vec<String>,
}

/// The IAM Identity Center settings a profile names with `sso_session` (its `[sso-session]`
/// section), or the legacy `sso_start_url`/`sso_region` keys: `(session, start_url, region,
/// scopes)`. `Ok(None)` when the profile names neither.
///
/// A value the session section leaves out may come from the profile, as in aws-config.
///
/// # Errors
/// A `sso_session` with no such section, `sso_start_url` or `sso_region` in neither, and
/// a profile whose own `sso_start_url` or `sso_region` differs from its session's (naming both
/// values).
#[allow(clippy::type_complexity)]
pub fn sso_session_settings(
    set: &ProfileSet,
    profile: &Profile,
) -> Result<Option<(Option<String>, String, String, Vec<String>)>, ProfileError> {
    let invalid = |reason: String| ProfileError::InvalidCredentialSource {
        profile: profile.name().to_owned(),
        reason,
    };
    let Some(name) = profile.get("sso_session").map(str::trim) else {
        return match (profile.get("sso_start_url"), profile.get("sso_region")) {
            (None, None) => Ok(None),
            (Some(url), Some(region)) => Ok(Some((
                None,
                url.trim().to_owned(),
                region.trim().to_owned(),
                Vec::new(),
            ))),
            (None, Some(_)) => Err(invalid(
                "has sso_region but no sso_start_url (or sso_session)".to_owned(),
            )),
            (Some(_), None) => Err(invalid(
                "has sso_start_url but no sso_region (or sso_session)".to_owned(),
            )),
        };
    };
    let session = set.sso_session(name).ok_or_else(|| {
        invalid(format!(
            "sso_session `{name}` names no [sso-session {name}] section in the config file"
        ))
    })?;
    let mut values = Vec::with_capacity(2);
    for key in ["sso_start_url", "sso_region"] {
        let theirs = session.get(key).map(str::trim).filter(|v| !v.is_empty());
        let ours = profile.get(key).map(str::trim);
        let value = match (theirs, ours) {
            (Some(t), Some(o)) if t != o => {
                return Err(invalid(format!(
                "{key} `{o}` in the profile conflicts with {key} `{t}` of its sso_session `{name}`"
            )))
            }
            (Some(t), _) => t.to_owned(),
            // As in aws-config, the profile may supply what its session leaves out.
            (None, Some(o)) if !o.is_empty() => o.to_owned(),
            (None, _) => {
                return Err(invalid(format!(
                    "[sso-session {name}] has no {key} (and the profile sets none)"
                )))
            }
        };
        values.push(value);
    }
    let scopes = session
        .get("sso_registration_scopes")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let region = values.pop().unwrap_or_default();
    let start_url = values.pop().unwrap_or_default();
    Ok(Some((Some(name.to_owned()), start_url, region, scopes)))
}

/// The [`SsoLink`] of a profile with IAM Identity Center settings.
fn sso_link(set: &ProfileSet, profile: &Profile) -> Result<Option<SsoLink>, ProfileError> {
    let account = profile
        .get("sso_account_id")
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let role = profile
        .get("sso_role_name")
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let settings = sso_session_settings(set, profile)?;
    let invalid = |reason: String| ProfileError::InvalidCredentialSource {
        profile: profile.name().to_owned(),
        reason,
    };
    let Some((session, start_url, region, registration_scopes)) = settings else {
        if account.is_some() || role.is_some() {
            return Err(invalid(
                "has sso_account_id or sso_role_name but neither sso_session nor sso_start_url"
                    .to_owned(),
            ));
        }
        return Ok(None);
    };
    let (Some(account), Some(role)) = (account, role) else {
        let missing: Vec<&str> = [("sso_account_id", account), ("sso_role_name", role)]
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| *k)
            .collect();
        return Err(invalid(if session.is_some() {
            format!(
                "has no {}: the selected profile will resolve an access token instead of credentials \
                 (IAM Identity Center credentials need sso_account_id and sso_role_name)",
                missing.join(" or ")
            )
        } else {
            format!("has sso_start_url but no {}", missing.join(" or "))
        }));
    };
    Ok(Some(SsoLink {
        profile: profile.name().to_owned(),
        session,
        start_url,
        region,
        account_id: account.to_owned(),
        role_name: role.to_owned(),
        registration_scopes,
    }))
}

impl ChainLink {
    /// The profile this link comes from.
    pub fn profile(&self) -> &str {
        match self {
            ChainLink::StaticKeys { profile, .. }
            | ChainLink::CredentialSource { profile, .. }
            | ChainLink::WebIdentity { profile, .. }
            | ChainLink::Login { profile, .. }
            | ChainLink::Process { profile, .. } => profile,
            ChainLink::Sso(link) => &link.profile,
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
            ChainLink::StaticKeys {
                profile,
                credentials,
            } => f
                .debug_struct("StaticKeys")
                .field("profile", profile)
                .field("credentials", credentials)
                .finish(),
            ChainLink::CredentialSource { profile, source } => f
                .debug_struct("CredentialSource")
                .field("profile", profile)
                .field("source", source)
                .finish(),
            ChainLink::WebIdentity {
                profile,
                role_arn,
                token_file,
                session_name,
            } => f
                .debug_struct("WebIdentity")
                .field("profile", profile)
                .field("role_arn", role_arn)
                .field("token_file", token_file)
                .field("session_name", session_name)
                .finish(),
            ChainLink::Login { profile, session } => f
                .debug_struct("Login")
                .field("profile", profile)
                .field("session", session)
                .finish(),
            ChainLink::Process { profile, command } => f
                .debug_struct("Process")
                .field("profile", profile)
                .field("command", &redact_command(command))
                .finish(),
            ChainLink::Sso(link) => f.debug_tuple("Sso").field(link).finish(),
            ChainLink::AssumeRole(link) => f.debug_tuple("AssumeRole").field(link).finish(),
        }
    }
}

/// Resolves the credential chain that profile `start` describes, following `source_profile`.
///
/// The result is in the order to run it: first one base link (static keys,
/// `credential_source`, web identity, `login_session` or `credential_process`), then zero or more
/// [`ChainLink::AssumeRole`] links, each assumed with the credentials of the one before.
///
/// The rules are the SDKs':
/// - A profile with `role_arn` (and no `web_identity_token_file`) is a role link, and needs
///   exactly one of `source_profile` and `credential_source`. `source_profile` naming the profile
///   itself means its own base settings (typically its static keys) are the base.
/// - Past the first profile, complete static keys win over anything else in a profile (a
///   source profile with keys *and* `role_arn` is used for its keys).
/// - Otherwise the base is, in order: `credential_source`, `role_arn` + `web_identity_token_file`,
///   `login_session` (as botocore, before `credential_process`), `credential_process`, static keys.
///
/// # Errors
/// A missing profile (naming who referenced it); a loop (`a -> b -> a`); a profile with no
/// credential settings; incomplete or contradictory settings; an unknown `credential_source`;
/// an invalid `duration_seconds`; incomplete or conflicting IAM Identity Center settings (see
/// [`sso_session_settings`]); an empty `login_session`.
pub fn resolve_chain(set: &ProfileSet, start: &str) -> Result<Vec<ChainLink>, ProfileError> {
    let mut visited: Vec<&str> = Vec::new();
    let mut roles: Vec<ChainLink> = Vec::new();
    let mut name = start;
    let base = loop {
        let profile = set.get(name).ok_or_else(|| ProfileError::ProfileNotFound {
            name: name.to_owned(),
            referenced_from: visited.last().map(|s| (*s).to_owned()),
            searched: set.files().to_vec(),
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
                break ChainLink::StaticKeys {
                    profile: profile.name().to_owned(),
                    credentials,
                };
            }
        }
        let role_arn = profile
            .role_arn()
            .filter(|_| profile.web_identity_token_file().is_none());
        let Some(role_arn) = role_arn else {
            break base_link(set, profile).map_err(|e| {
                if first {
                    e
                } else {
                    ProfileError::InvalidCredentialSource {
                        profile: profile.name().to_owned(),
                        reason: format!("could not use it as a source profile: {e}"),
                    }
                }
            })?;
        };
        roles.push(ChainLink::AssumeRole(AssumeRoleLink {
            profile: profile.name().to_owned(),
            role_arn: role_arn.to_owned(),
            external_id: profile.external_id().map(str::to_owned),
            session_name: profile.role_session_name().map(str::to_owned),
            duration_seconds: profile.duration_seconds()?,
            mfa_serial: profile.mfa_serial().map(str::to_owned),
        }));
        match (profile.source_profile(), profile.credential_source()) {
            (Some(_), Some(_)) => {
                return Err(ProfileError::InvalidCredentialSource {
                    profile: profile.name().to_owned(),
                    reason: "profile contained both source_profile and credential_source; only one may be set"
                        .to_owned(),
                })
            }
            (None, None) => {
                return Err(ProfileError::InvalidCredentialSource {
                    profile: profile.name().to_owned(),
                    reason: "has role_arn, so it must contain `source_profile` or `credential_source`, but neither \
                             was defined"
                        .to_owned(),
                })
            }
            // Self-reference and `credential_source`: this profile's own base settings.
            (Some(source), None) if source == profile.name() => break base_link(set, profile)?,
            (None, Some(_)) => break base_link(set, profile)?,
            (Some(source), None) => name = source,
        }
    };
    let mut chain = Vec::with_capacity(roles.len() + 1);
    chain.push(base);
    chain.extend(roles.into_iter().rev());
    Ok(chain)
}

/// The base link a profile provides on its own.
fn base_link(set: &ProfileSet, profile: &Profile) -> Result<ChainLink, ProfileError> {
    let invalid = |reason: String| ProfileError::InvalidCredentialSource {
        profile: profile.name().to_owned(),
        reason,
    };
    if let Some(source) = profile.credential_source() {
        let source = CredentialSource::parse(source).ok_or_else(|| {
            invalid(format!(
                "credential_source `{source}` is not one of Environment, Ec2InstanceMetadata, EcsContainer"
            ))
        })?;
        return Ok(ChainLink::CredentialSource {
            profile: profile.name().to_owned(),
            source,
        });
    }
    match (profile.role_arn(), profile.web_identity_token_file()) {
        (Some(role_arn), Some(token_file)) => {
            return Ok(ChainLink::WebIdentity {
                profile: profile.name().to_owned(),
                role_arn: role_arn.to_owned(),
                token_file: token_file.to_owned(),
                session_name: profile.role_session_name().map(str::to_owned),
            })
        }
        (None, Some(_)) => {
            return Err(invalid(
                "`web_identity_token_file` was specified but `role_arn` was missing".to_owned(),
            ))
        }
        _ => {}
    }
    if let Some(link) = sso_link(set, profile)? {
        return Ok(ChainLink::Sso(link));
    }
    if let Some(session) = profile.get("login_session") {
        let session = session.trim();
        if session.is_empty() {
            return Err(invalid(
                "`login_session` is empty (expected the session `aws login` printed)".to_owned(),
            ));
        }
        return Ok(ChainLink::Login {
            profile: profile.name().to_owned(),
            session: session.to_owned(),
        });
    }
    if let Some(command) = profile.credential_process() {
        return Ok(ChainLink::Process {
            profile: profile.name().to_owned(),
            command: command.to_owned(),
        });
    }
    ProfileCredentials::static_from(profile).map(|credentials| ChainLink::StaticKeys {
        profile: profile.name().to_owned(),
        credentials,
    })
}
