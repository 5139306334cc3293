//! The `sts` command's on-disk credentials cache, as the AWS CLI keeps `~/.aws/cli/cache`.
//!
//! Each run of the command is a new process, so without a cache a profile that assumes a role
//! calls STS on every run, and one with `mfa_serial` asks for a token code every time (think of
//! `kubectl` running `sts eks-token --profile mfa-role` every few minutes). [`DiskCache`] wraps
//! the default chain for a selected profile whose credentials come from STS (a role in the
//! chain, or web identity):
//!
//! - the file is `<dir>/<sha256 hex>.json`, where the hash covers the profile name, its resolved
//!   chain (role ARNs, session names, external ids, durations, MFA serials, base settings with
//!   secrets left out) and the endpoint; any change to those is a new file;
//! - `<dir>` is `STSGEN_CLI_CACHE_DIR` if set, else `~/.aws/stsgen/cli-cache`; it is created
//!   with mode 0700 and each file is written with mode 0600 to a temporary name, then renamed
//!   over the old one (a reader sees the old file or the new one, never half of one);
//! - an entry is used while it has more than [`MIN_REMAINING`] left; an expired, unreadable or
//!   malformed entry is ignored (and replaced after the next successful load);
//! - credentials from the environment are never cached or overridden, and `--no-cache` bypasses
//!   the cache in both directions.
//!
//! The files hold credentials in the `credential_process` JSON format, readable only by the user.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use stsgen_runtime::config::{Env, ProfileSet};
use stsgen_runtime::credentials::process;
use stsgen_runtime::credentials::profile::{self, ChainLink};
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, EnvironmentCredentials, ProvideCredentials,
};
use stsgen_runtime::future::BoxFuture;

/// An entry with less than this left is not used: an EKS token signed with it stays valid for
/// the 14 minutes Kubernetes keeps it.
pub const MIN_REMAINING: Duration = Duration::from_secs(15 * 60);

/// The cache's format version, part of every file name (the files are `credential_process`
/// documents).
const FORMAT_VERSION: i64 = 1;

/// Caches the wrapped provider's credentials in one file (see the [module docs](self)).
pub struct DiskCache {
    inner: Arc<dyn ProvideCredentials>,
    env: Arc<dyn Env>,
    file: PathBuf,
}

impl fmt::Debug for DiskCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiskCache")
            .field("inner", &self.inner)
            .field("file", &self.file)
            .finish()
    }
}

/// The cache directory: `STSGEN_CLI_CACHE_DIR`, else `~/.aws/stsgen/cli-cache`.
fn cache_dir(env: &dyn Env) -> Option<PathBuf> {
    let var = |name: &str| env.var(name).ok().flatten().filter(|v| !v.is_empty());
    if let Some(dir) = var("STSGEN_CLI_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let home = var("HOME").or_else(|| {
        if env.is_windows() {
            var("USERPROFILE")
        } else {
            None
        }
    })?;
    Some(
        Path::new(&home)
            .join(".aws")
            .join("stsgen")
            .join("cli-cache"),
    )
}

impl DiskCache {
    /// Wraps `inner` for `profile` when its credentials come from STS; `None` (no caching) for
    /// profiles of static keys, `credential_process` or environment credentials, for profiles
    /// that cannot be resolved (the chain reports why), or without a home directory.
    pub fn wrap(
        inner: Arc<dyn ProvideCredentials>,
        env: Arc<dyn Env>,
        profile_name: &str,
        endpoint_url: Option<&str>,
    ) -> Option<DiskCache> {
        let set = ProfileSet::load(&*env)
            .ok()?
            .with_selected(profile_name.to_owned());
        let links = profile::resolve_chain(&set, profile_name).ok()?;
        let from_sts = links
            .iter()
            .any(|l| matches!(l, ChainLink::AssumeRole(_) | ChainLink::WebIdentity { .. }));
        if !from_sts {
            return None;
        }
        let file = cache_dir(&*env)?.join(format!(
            "{}.json",
            cache_key(profile_name, &links, endpoint_url)
        ));
        Some(DiskCache { inner, env, file })
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        // Environment credentials come first in the chain: never shadow them with a cached role.
        if EnvironmentCredentials::load_from(&*self.env).is_ok() {
            return self.inner.provide_credentials().await;
        }
        if let Some(cached) = read_entry(&self.file, SystemTime::now()) {
            return Ok(cached);
        }
        let fresh = self.inner.provide_credentials().await?;
        if fresh.expiry().is_some() {
            if let Err(e) = write_entry(&self.file, &fresh) {
                eprintln!(
                    "warning: could not write the credentials cache {}: {e}",
                    self.file.display()
                );
            }
        }
        Ok(fresh)
    }
}

impl ProvideCredentials for DiskCache {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn name(&self) -> &'static str {
        "sts-cli-cache"
    }
}

/// SHA-256 hex of what decides the credentials: the profile, its chain (`ChainLink`'s `Debug`,
/// which leaves secrets out) and the endpoint.
fn cache_key(profile_name: &str, links: &[ChainLink], endpoint_url: Option<&str>) -> String {
    let mut material = format!(
        "sts-cli-cache v{FORMAT_VERSION}\0{profile_name}\0{}\0",
        endpoint_url.unwrap_or("")
    );
    for link in links {
        material.push_str(&format!("{link:?}\0"));
    }
    stsgen_runtime::sigv4::sha256_hex(material.as_bytes())
}

/// The cached credentials in `file`, if it holds a well-formed entry (a `credential_process`
/// document with an expiry) with more than [`MIN_REMAINING`] left at `now`.
fn read_entry(file: &Path, now: SystemTime) -> Option<Credentials> {
    if std::fs::metadata(file).ok()?.len() > 64 * 1024 {
        return None;
    }
    let credentials = process::parse_document(&std::fs::read(file).ok()?, "sts-cli-cache").ok()?;
    (credentials.expiry()? > now + MIN_REMAINING).then_some(credentials)
}

/// Writes `credentials` to `file` atomically, readable only by the user.
fn write_entry(file: &Path, credentials: &Credentials) -> std::io::Result<()> {
    stsgen_config::private_file::write_atomically(file, process::document(credentials).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("stsgen-cli-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn entries_round_trip_privately_and_expire() {
        let dir = temp_dir("roundtrip");
        let file = dir.join("k.json");
        let now = SystemTime::now();
        let expiry = SystemTime::UNIX_EPOCH
            + Duration::from_secs(
                now.duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap()
                    .as_secs()
                    + 3600,
            );
        let creds = Credentials::new(
            "ASIAKEY",
            "se\"cret",
            Some("tok".to_owned()),
            Some(expiry),
            "t",
        );
        write_entry(&file, &creds).unwrap();
        let back = read_entry(&file, now).expect("fresh entry is used");
        assert_eq!(
            (
                back.access_key_id(),
                back.secret_access_key(),
                back.session_token(),
                back.expiry()
            ),
            ("ASIAKEY", "se\"cret", Some("tok"), Some(expiry))
        );
        assert!(
            read_entry(&file, expiry - MIN_REMAINING).is_none(),
            "too close to expiry"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
        // A second write replaces the entry (rename over it), leaving no temporary file.
        write_entry(&file, &creds).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        for junk in [
            "",
            "{",
            "[]",
            "{\"Version\":2}",
            "{\"Version\":1,\"AccessKeyId\":\"A\"}",
        ] {
            std::fs::write(&file, junk).unwrap();
            assert!(read_entry(&file, now).is_none(), "{junk}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn keys_follow_the_chain_and_leave_out_secrets() {
        let set = ProfileSet::parse(
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\n\
             [profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = base\n",
            "[base]\naws_access_key_id = AKID\naws_secret_access_key = SECRETKEY\n",
        )
        .unwrap();
        let a = profile::resolve_chain(&set, "a").unwrap();
        let b = profile::resolve_chain(&set, "b").unwrap();
        assert_ne!(cache_key("a", &a, None), cache_key("b", &b, None));
        assert_ne!(
            cache_key("a", &a, None),
            cache_key("a", &a, Some("http://127.0.0.1:1"))
        );
        assert_eq!(cache_key("a", &a, None), cache_key("a", &a, None));
        assert_eq!(cache_key("a", &a, None).len(), 64);
        assert!(!links_debug(&a).contains("SECRETKEY"));
    }

    fn links_debug(links: &[ChainLink]) -> String {
        links.iter().map(|l| format!("{l:?}")).collect()
    }
}
