//! The crates this repository generates, and how: shared by `cargo xtask codegen` and the
//! freshness test, so both regenerate exactly the same bytes.

use std::path::Path;

use anyhow::{Context, Result};

use crate::{GeneratedCrate, Inputs, Options};

/// One crate generated into this repository.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Crate directory under the project root.
    pub out: &'static str,
    /// The directory under the project root of the crate's release data, which
    /// `cargo xtask update-model` writes and the generator reads: [`VERSION_FILE`], the
    /// changelog and the retired members ([`crate::retired::FILE`]). It sits with the models
    /// (`model/<service>/`), not in the generated crate, which holds only generated files.
    pub release: &'static str,
    /// Service model under the project root.
    pub model: &'static str,
    /// Privilege model section under the project root.
    pub privileges: Option<&'static str>,
    /// Endpoint rule set under the project root.
    pub endpoint_rules: Option<&'static str>,
    /// Package and library name.
    pub crate_name: &'static str,
    /// Hand-written overrides under the project root.
    pub overrides: Option<&'static str>,
    /// Endpoint test suite under the project root, emitted as tests in the generated crate.
    pub endpoint_tests: Option<&'static str>,
}

/// Everything `cargo xtask codegen` regenerates.
pub const TARGETS: &[Target] = &[
    Target {
        out: "generated/sts",
        release: "model/sts",
        model: "model/sts/service-2.json",
        privileges: Some("model/iam/sts.json"),
        endpoint_rules: Some("model/sts/endpoint-rule-set-1.json"),
        crate_name: "sts",
        overrides: Some("overrides/sts.json"),
        endpoint_tests: Some("tests/data/endpoint-rules/sts/endpoint-tests-1.json"),
    },
    // IAM Identity Center: the portal's GetRoleCredentials and SSO-OIDC's CreateToken,
    // RegisterClient and StartDeviceAuthorization, for the credential chain's SSO provider.
    Target {
        out: "generated/sso",
        release: "model/sso",
        model: "model/sso/service-2.json",
        privileges: Some("model/iam/sso.json"),
        endpoint_rules: Some("model/sso/endpoint-rule-set-1.json"),
        crate_name: "sso",
        overrides: None,
        endpoint_tests: Some("tests/data/endpoint-rules/sso/endpoint-tests-1.json"),
    },
    Target {
        out: "generated/ssooidc",
        release: "model/ssooidc",
        model: "model/ssooidc/service-2.json",
        privileges: Some("model/iam/ssooidc.json"),
        endpoint_rules: Some("model/ssooidc/endpoint-rule-set-1.json"),
        crate_name: "ssooidc",
        overrides: None,
        endpoint_tests: Some("tests/data/endpoint-rules/ssooidc/endpoint-tests-1.json"),
    },
    Target {
        out: "generated/signin",
        release: "model/signin",
        model: "model/signin/service-2.json",
        privileges: Some("model/iam/signin.json"),
        endpoint_rules: Some("model/signin/endpoint-rule-set-1.json"),
        crate_name: "signin",
        overrides: None,
        endpoint_tests: Some("tests/data/endpoint-rules/signin/endpoint-tests-1.json"),
    },
];

/// The partition data every target uses.
pub const PARTITIONS: &str = "model/partitions.json";

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// The file in a target's release directory that holds the generated crate's version (`MAJOR.MINOR.PATCH` and a
/// newline). Hand-maintained data, like `CHANGELOG.md` beside it: `cargo xtask update-model`
/// bumps it by the semver impact of the model change, and the generator writes it into `Cargo.toml`.
pub const VERSION_FILE: &str = "VERSION";

/// The version recorded in `release_dir/VERSION`; `None` when the file does not exist.
pub fn crate_version(release_dir: &Path) -> Result<Option<crate::diff::Version>> {
    let path = release_dir.join(VERSION_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => crate::diff::Version::parse(&text)
            .with_context(|| format!("reading {}", path.display()))
            .map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The members a model update retired (the crate directory's [`crate::retired::FILE`]; none
/// when it is absent).
///
/// # Errors
/// A file that cannot be read or parsed.
pub fn retired_members(release_dir: &Path) -> Result<Vec<crate::retired::RetiredMember>> {
    let path = release_dir.join(crate::retired::FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            crate::retired::parse(&text).with_context(|| format!("reading {}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Generates one in-repo target in memory (`root` is the project root).
pub fn generate_target(root: &Path, t: &Target) -> Result<GeneratedCrate> {
    let release = root.join(t.release);
    let version = crate_version(&release)?.map(|v| v.to_string());
    let inputs = Inputs {
        service_model: read(&root.join(t.model))?,
        privileges: t.privileges.map(|p| read(&root.join(p))).transpose()?,
        endpoint_rules: t.endpoint_rules.map(|p| read(&root.join(p))).transpose()?,
        partitions: Some(read(&root.join(PARTITIONS))?),
        options: Options {
            crate_name: Some(t.crate_name.to_owned()),
            runtime_path: "../../runtime".to_owned(),
            overrides: t.overrides.map(|p| read(&root.join(p))).transpose()?,
            endpoint_tests: t.endpoint_tests.map(|p| read(&root.join(p))).transpose()?,
            crate_version: version.unwrap_or_else(|| Options::default().crate_version),
            retired: retired_members(&release)?,
            ..Options::default()
        },
    };
    crate::generate(&inputs).with_context(|| format!("generating {} from {}", t.out, t.model))
}

/// A readable unified diff of what writing `krate` would change.
pub fn describe_changes(changes: &[crate::FileChange]) -> String {
    use crate::FileChange;
    let mut text = String::new();
    for change in changes {
        match change {
            FileChange::Added { path, .. } => {
                text.push_str(&format!("+++ {path} (generated, missing on disk)\n"))
            }
            FileChange::Removed { path, .. } => {
                text.push_str(&format!("--- {path} (on disk, no longer generated)\n"))
            }
            FileChange::Changed { path, old, new } => {
                let diff = similar::TextDiff::from_lines(old, new);
                text.push_str(
                    &diff
                        .unified_diff()
                        .context_radius(3)
                        .header(
                            &format!("a/{path} (on disk)"),
                            &format!("b/{path} (generated)"),
                        )
                        .to_string(),
                );
            }
        }
    }
    text
}
