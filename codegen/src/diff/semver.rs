//! Versions and the bump a diff requires.

use anyhow::{anyhow, bail, Result};

use super::report::{ApiDiff, Impact};

/// A semver bump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// No new version.
    None,
    /// `x.y.Z`.
    Patch,
    /// `x.Y.0`.
    Minor,
    /// `X.0.0`.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor` or `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// A `MAJOR.MINOR.PATCH` version (no pre-release or build parts: the generated crate has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl Version {
    /// Parses `X.Y.Z`.
    pub fn parse(text: &str) -> Result<Version> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let [major, minor, patch] = parts.as_slice() else {
            bail!("`{}` is not a MAJOR.MINOR.PATCH version", text.trim());
        };
        let num = |s: &str| -> Result<u64> {
            if s.is_empty()
                || !s.bytes().all(|b| b.is_ascii_digit())
                || (s.len() > 1 && s.starts_with('0'))
            {
                bail!("`{}` is not a MAJOR.MINOR.PATCH version", text.trim());
            }
            s.parse()
                .map_err(|_| anyhow!("`{}`: number out of range", text.trim()))
        };
        Ok(Version {
            major: num(major)?,
            minor: num(minor)?,
            patch: num(patch)?,
        })
    }

    /// The bump an API change of this impact needs (`None`: no API change). While the major
    /// version is 0, a breaking change bumps the minor version and anything else the patch
    /// version (Cargo's rules for 0.x); from 1.0 on, breaking -> major, compatible -> minor.
    /// `other_changes` (the model changed without an API change, e.g. documentation) asks for
    /// at least a patch release.
    pub fn required_bump(self, impact: Option<Impact>, other_changes: bool) -> Bump {
        match (impact, self.major) {
            (Some(Impact::Breaking), 0) => Bump::Minor,
            (Some(Impact::Breaking), _) => Bump::Major,
            (Some(Impact::Compatible), 0) => Bump::Patch,
            (Some(Impact::Compatible), _) => Bump::Minor,
            (None, _) if other_changes => Bump::Patch,
            (None, _) => Bump::None,
        }
    }

    /// This version bumped.
    pub fn bumped(self, bump: Bump) -> Version {
        let Version {
            major,
            minor,
            patch,
        } = self;
        match bump {
            Bump::None => self,
            Bump::Patch => Version {
                major,
                minor,
                patch: patch + 1,
            },
            Bump::Minor => Version {
                major,
                minor: minor + 1,
                patch: 0,
            },
            Bump::Major => Version {
                major: major + 1,
                minor: 0,
                patch: 0,
            },
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The semver line of a report: the impact, the rule that maps it to a bump, and the versions.
pub fn semver_line(diff: &ApiDiff, current: Version) -> String {
    let impact = diff.impact();
    let bump = current.required_bump(impact, false);
    let rule = match (impact, current.major) {
        (Some(Impact::Breaking), 0) => {
            "breaking changes bump the minor version while the crate is 0.x"
        }
        (Some(Impact::Compatible), 0) => {
            "compatible changes bump the patch version while the crate is 0.x"
        }
        (Some(Impact::Breaking), _) => "breaking changes bump the major version",
        (Some(Impact::Compatible), _) => "compatible additions bump the minor version",
        (None, _) => "no API change; a model change without one is a patch release",
    };
    format!(
        "semver: {} -> {} bump ({rule}): {current} -> {}",
        impact.map(Impact::as_str).unwrap_or("none"),
        bump.as_str(),
        current.bumped(bump)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_bump() {
        let v = Version::parse("0.1.9").unwrap();
        assert_eq!(v.required_bump(Some(Impact::Breaking), false), Bump::Minor);
        assert_eq!(v.bumped(Bump::Minor).to_string(), "0.2.0");
        assert_eq!(
            v.required_bump(Some(Impact::Compatible), false),
            Bump::Patch
        );
        assert_eq!(v.bumped(Bump::Patch).to_string(), "0.1.10");
        assert_eq!(v.required_bump(None, false), Bump::None);
        assert_eq!(v.required_bump(None, true), Bump::Patch);
        let one = Version::parse("1.4.2").unwrap();
        assert_eq!(
            one.required_bump(Some(Impact::Breaking), false),
            Bump::Major
        );
        assert_eq!(one.bumped(Bump::Major).to_string(), "2.0.0");
        assert_eq!(
            one.required_bump(Some(Impact::Compatible), false),
            Bump::Minor
        );
        assert_eq!(one.bumped(Bump::Minor).to_string(), "1.5.0");
        for bad in ["1.2", "1.2.3-rc1", "01.2.3", "a.b.c", ""] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }
}
