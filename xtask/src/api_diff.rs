//! `cargo xtask api-diff [--from REV|FILE|DIR] [--to FILE|DIR] [--from-privileges FILE] [--to-privileges FILE]
//! [--fail-on-breaking]` (exit status 1 when any target has a breaking change, for CI),
//! and the changelog / version step of `cargo xtask update-model`.
//!
//! Each side of the diff is one set of model files for every generated target:
//!
//! - a git revision (`--from`, default `HEAD`): the target's files at that revision, read with
//!   `git show REV:path` (read-only);
//! - the working tree (`--to`, the default): the files under `model/` and `overrides/`;
//! - a directory laid out like the repository (`DIR/model/sts/service-2.json`, ...);
//! - a single `service-2.json` file: that service model only, with the privilege model given by
//!   `--from-privileges` / `--to-privileges` (without one, IAM is not compared). A file side has
//!   no endpoint rule set, so endpoint parameters are compared only when both sides have one.
//!
//! The diff itself is [`codegen::diff`]; this module only finds the files and prints.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use codegen::diff::{self, ApiDiff, Version};
use codegen::repo::{crate_version, Target, TARGETS, VERSION_FILE};
use codegen::{Inputs, Options};

use crate::{no_more_args, project_root, take_flag, take_opt};

/// The changelog of a generated crate, beside its `VERSION` file.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// Where one side's model files come from.
#[derive(Debug, Clone)]
enum Source {
    /// A git revision of this repository.
    Git(String),
    /// A directory with the repository's layout (the project root for the working tree).
    Dir(PathBuf),
    /// One service model file, with an optional privilege model file.
    File {
        model: PathBuf,
        privileges: Option<PathBuf>,
    },
}

impl Source {
    fn parse(arg: &str, privileges: Option<String>, root: &Path) -> Result<Source> {
        let path = PathBuf::from(arg);
        if path.is_file() {
            return Ok(Source::File {
                model: path,
                privileges: privileges.map(PathBuf::from),
            });
        }
        if privileges.is_some() {
            bail!("--from-privileges / --to-privileges go with a service model file");
        }
        if path.is_dir() {
            return Ok(Source::Dir(path));
        }
        let resolved = git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{arg}^{{commit}}"),
            ],
        );
        match resolved {
            Ok(Some(_)) => Ok(Source::Git(arg.to_owned())),
            _ => bail!("`{arg}` is neither a file, a directory nor a git revision"),
        }
    }

    fn describe(&self) -> String {
        match self {
            Source::Git(rev) => format!("git {rev}"),
            Source::Dir(dir) => dir.display().to_string(),
            Source::File {
                model,
                privileges: Some(p),
            } => format!("{} + {}", model.display(), p.display()),
            Source::File {
                model,
                privileges: None,
            } => model.display().to_string(),
        }
    }

    /// The model inputs of one target from this source.
    fn inputs(&self, root: &Path, t: &Target) -> Result<Inputs> {
        match self {
            Source::Git(rev) => {
                let read = |rel: &str| git(root, &["show", &format!("{rev}:{rel}")]);
                target_inputs(t, read)
            }
            Source::Dir(dir) => target_inputs(t, |rel| read_optional(&dir.join(rel))),
            Source::File { model, privileges } => Ok(Inputs {
                service_model: read_required(model)?,
                privileges: privileges.as_deref().map(read_required).transpose()?,
                endpoint_rules: None,
                partitions: None,
                options: Options {
                    crate_name: Some(t.crate_name.to_owned()),
                    ..Options::default()
                },
            }),
        }
    }
}

fn read_required(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Runs a read-only git command in `root`; `Ok(None)` when git reports failure (for example a
/// path that does not exist at the revision).
fn git(root: &Path, args: &[&str]) -> Result<Option<String>> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .with_context(|| format!("running git {}", args.join(" ")))?;
    if !out.status.success() {
        return Ok(None);
    }
    Ok(Some(String::from_utf8(out.stdout).with_context(|| {
        format!("git {}: output is not UTF-8", args.join(" "))
    })?))
}

/// A target's model inputs, reading each repository-relative file with `read` (`None`: absent).
pub(crate) fn target_inputs(
    t: &Target,
    read: impl Fn(&str) -> Result<Option<String>>,
) -> Result<Inputs> {
    let optional = |rel: Option<&str>| -> Result<Option<String>> {
        match rel {
            Some(rel) => read(rel),
            None => Ok(None),
        }
    };
    let Some(service_model) = read(t.model)? else {
        bail!("{} not found", t.model)
    };
    Ok(Inputs {
        service_model,
        privileges: optional(t.privileges)?,
        endpoint_rules: optional(t.endpoint_rules)?,
        partitions: match t.endpoint_rules {
            Some(_) => read(codegen::repo::PARTITIONS)?,
            None => None,
        },
        options: Options {
            crate_name: Some(t.crate_name.to_owned()),
            overrides: optional(t.overrides)?,
            ..Options::default()
        },
    })
}

/// The inputs of a target on a side that does not have it yet (a revision before the crate was
/// added, or `update-model` vendoring it for the first time): the other side's service metadata
/// with no operations, no shapes and no privilege model or rule set, so that the diff lists
/// every operation and type as added.
pub(crate) fn before_first_release(new: &Inputs) -> Result<Inputs> {
    let model: serde_json::Value =
        serde_json::from_str(&new.service_model).context("reading the service model as JSON")?;
    let empty = serde_json::json!({
        "metadata": model["metadata"],
        "operations": {},
        "shapes": {},
    });
    Ok(Inputs {
        service_model: empty.to_string(),
        privileges: None,
        endpoint_rules: None,
        partitions: None,
        options: new.options.clone(),
    })
}

/// The version in a generated crate's `VERSION` file (the generator's default when absent).
pub(crate) fn current_version(root: &Path, t: &Target) -> Result<Version> {
    match crate_version(&root.join(t.release))? {
        Some(v) => Ok(v),
        None => Version::parse(&Options::default().crate_version),
    }
}

pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let from = take_opt(&mut args, "--from")?;
    let to = take_opt(&mut args, "--to")?;
    let from_privileges = take_opt(&mut args, "--from-privileges")?;
    let to_privileges = take_opt(&mut args, "--to-privileges")?;
    let fail_on_breaking = take_flag(&mut args, "--fail-on-breaking");
    no_more_args(&args)?;
    let root = project_root();

    let from = Source::parse(from.as_deref().unwrap_or("HEAD"), from_privileges, &root)?;
    let to = match to {
        Some(to) => {
            let source = Source::parse(&to, to_privileges, &root)?;
            if matches!(source, Source::Git(_)) {
                bail!("--to takes a model file or a directory; compare two revisions by checking one out elsewhere");
            }
            source
        }
        None if to_privileges.is_some() => bail!("--to-privileges goes with --to FILE"),
        None => Source::Dir(root.clone()),
    };
    let to_name = match &to {
        Source::Dir(d) if *d == root => "working tree".to_owned(),
        other => other.describe(),
    };

    let mut breaking = Vec::new();
    for t in TARGETS {
        let new = to.inputs(&root, t)?;
        let old = match &from {
            // A crate added after the revision: everything it has is new.
            Source::Git(rev)
                if git(&root, &["cat-file", "-e", &format!("{rev}:{}", t.model)])?.is_none() =>
            {
                println!(
                    "{} is not at {rev}: a new crate, compared with an empty model",
                    t.model
                );
                before_first_release(&new)?
            }
            _ => from.inputs(&root, t)?,
        };
        let api = diff::diff(&old, &new).with_context(|| format!("diffing {}", t.model))?;
        let version = current_version(&root, t)?;
        println!(
            "API diff of {} ({}): {} -> {to_name}",
            t.out,
            t.crate_name,
            from.describe()
        );
        print!("{}", api.render_text());
        println!("{}", diff::semver_line(&api, version));
        for gap in diff::permission_gaps(&new).with_context(|| format!("reading {}", t.model))? {
            println!("  ! {gap}");
        }
        if api.count(diff::Impact::Breaking) > 0 {
            breaking.push(format!(
                "{} ({} breaking)",
                t.crate_name,
                api.count(diff::Impact::Breaking)
            ));
        }
    }
    if fail_on_breaking && !breaking.is_empty() {
        bail!(
            "breaking API changes (--fail-on-breaking): {}",
            breaking.join(", ")
        );
    }
    Ok(())
}

/// The changelog entry for one model update: heading with the new version, what was updated,
/// the semver decision and the API diff.
pub(crate) fn changelog_entry(api: &ApiDiff, from: Version, to: Version, updated: &str) -> String {
    let impact = api.impact().map(|i| i.as_str()).unwrap_or("no API change");
    let rule = if from.major == 0 {
        " (0.x: breaking -> minor, otherwise patch)"
    } else {
        ""
    };
    format!(
        "## {to}\n\n{updated}\n\nSemver impact: {impact}; {from} -> {to}{rule}.\n\n{}",
        api.render_markdown()
    )
}

/// Inserts `entry` above the newest entry of the changelog text (newest first); a changelog
/// without entries gets it at the end.
pub(crate) fn insert_entry(changelog: &str, entry: &str) -> String {
    let entry = format!("{}\n", entry.trim_end());
    let at = if changelog.starts_with("## ") {
        Some(0)
    } else {
        changelog.find("\n## ").map(|i| i + 1)
    };
    match at {
        Some(i) => format!("{}{entry}\n{}", &changelog[..i], &changelog[i..]),
        None if changelog.is_empty() => entry,
        None => format!("{}\n\n{entry}", changelog.trim_end()),
    }
}

/// For `update-model`: compares the target's models before and after the update, and when the
/// model files changed, bumps `VERSION` by the semver impact and adds a `CHANGELOG.md` entry.
/// Returns a one-line summary; writes nothing when no model file changed.
pub(crate) fn record_update(
    root: &Path,
    t: &Target,
    old: &Inputs,
    new: &Inputs,
    updated: &str,
) -> Result<String> {
    let files_changed = old.service_model != new.service_model
        || old.privileges != new.privileges
        || old.endpoint_rules != new.endpoint_rules;
    if !files_changed {
        return Ok(format!(
            "{}: model files unchanged; version and changelog left as they are",
            t.out
        ));
    }
    let mut api = diff::diff(old, new).with_context(|| format!("diffing {}", t.model))?;
    let dir = root.join(t.release);
    // The accessors the previous release kept for removed members go now.
    for r in codegen::repo::retired_members(&dir)? {
        api.changes.push(diff::Change {
            area: diff::Area::Member,
            item: format!("{}.{}", r.shape, r.member),
            kind: diff::ChangeKind::Removed,
            detail: format!(
                "deprecated accessors kept since {} for the removed member go away",
                r.removed_in
            ),
            impact: diff::Impact::Breaking,
        });
    }
    api.changes.sort();
    print!("{}", api.render_text());
    for gap in diff::permission_gaps(new).with_context(|| format!("reading {}", t.model))? {
        println!("  ! {gap}");
    }
    let from = current_version(root, t)?;
    let bump = from.required_bump(api.impact(), true);
    // A crate's first vendoring (no `VERSION` yet) releases the starting version as it is.
    let first_release = crate_version(&root.join(t.release))?.is_none();
    let to = if first_release {
        from
    } else {
        from.bumped(bump)
    };
    let retired = diff::retired_members(old, new, &to.to_string())
        .with_context(|| format!("diffing {}", t.model))?;
    let retired_path = dir.join(codegen::retired::FILE);
    if retired.is_empty() {
        if retired_path.exists() {
            std::fs::remove_file(&retired_path)
                .with_context(|| format!("removing {}", retired_path.display()))?;
        }
    } else {
        std::fs::write(&retired_path, codegen::retired::render(&retired))
            .with_context(|| format!("writing {}", retired_path.display()))?;
    }
    let changelog_path = dir.join(CHANGELOG_FILE);
    let changelog = read_optional(&changelog_path)?.unwrap_or_default();
    let entry = if first_release {
        format!(
            "## {to}\n\n{updated}\n\nFirst release: the crate is new, so every operation and type is listed as added.\n\n{}",
            api.render_markdown()
        )
    } else {
        changelog_entry(&api, from, to, updated)
    };
    let text = insert_entry(&changelog, &entry);
    std::fs::write(&changelog_path, text)
        .with_context(|| format!("writing {}", changelog_path.display()))?;
    let version_path = dir.join(VERSION_FILE);
    std::fs::write(&version_path, format!("{to}\n"))
        .with_context(|| format!("writing {}", version_path.display()))?;
    if first_release {
        return Ok(format!(
            "{}: first release {to}; entry added to {}/{CHANGELOG_FILE}; run `cargo xtask codegen`",
            t.out, t.release
        ));
    }
    Ok(format!(
        "{}: {} ({} bump) {from} -> {to}; entry added to {}/{CHANGELOG_FILE}; run `cargo xtask codegen`",
        t.out,
        api.impact().map(|i| i.as_str()).unwrap_or("no API change"),
        bump.as_str(),
        t.release
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_go_above_the_newest() {
        let log = "# Changelog\n\nIntro.\n\n## 0.1.0\n\nFirst.\n";
        let out = insert_entry(log, "## 0.2.0\n\nSecond.\n\n");
        assert_eq!(
            out,
            "# Changelog\n\nIntro.\n\n## 0.2.0\n\nSecond.\n\n## 0.1.0\n\nFirst.\n"
        );
        assert_eq!(insert_entry("", "## 0.1.0\n"), "## 0.1.0\n");
        assert_eq!(
            insert_entry("# Changelog\n", "## 0.1.0\n"),
            "# Changelog\n\n## 0.1.0\n"
        );
    }

    /// `--fail-on-breaking` fails on a breaking fixture pair and passes a compatible one.
    #[test]
    fn fail_on_breaking_fails_only_for_breaking_changes() {
        let args = |case: &str| -> Vec<String> {
            let dir = project_root().join(format!("tests/fixtures/api_diff/{case}"));
            [
                "--from",
                dir.join("old.json").to_str().unwrap(),
                "--to",
                dir.join("new.json").to_str().unwrap(),
                "--fail-on-breaking",
            ]
            .map(str::to_owned)
            .to_vec()
        };
        let e = run(&args("member_removed")).unwrap_err();
        assert!(
            e.to_string()
                .contains("breaking API changes (--fail-on-breaking)"),
            "{e}"
        );
        run(&args("new_optional_member")).expect("a compatible change passes");
        let mut without = args("member_removed");
        without.pop();
        run(&without).expect("without the flag a breaking change is only reported");
    }

    /// A crate with no model on the older side is diffed against an empty model: every
    /// operation and type is an addition, nothing breaks.
    #[test]
    fn a_new_crate_is_all_additions() {
        let new = fixture("member_removed", "new");
        let api = diff::diff(&before_first_release(&new).unwrap(), &new).unwrap();
        assert!(
            api.count(diff::Impact::Breaking) == 0,
            "{}",
            api.render_text()
        );
        assert!(
            api.render_text().contains("new operation"),
            "{}",
            api.render_text()
        );
    }

    fn fixture(case: &str, side: &str) -> Inputs {
        let path = project_root().join(format!("tests/fixtures/api_diff/{case}/{side}.json"));
        Source::File {
            model: path,
            privileges: None,
        }
        .inputs(&project_root(), &TARGETS[0])
        .unwrap()
    }

    /// update-model's last step in a scratch root: a breaking change bumps 0.3.4 to 0.4.0 and adds
    /// an entry above the newest; unchanged models write nothing.
    #[test]
    fn record_update_bumps_version_and_adds_entry() {
        let root = std::env::temp_dir().join(format!("stsgen-api-diff-{}", std::process::id()));
        let t = &TARGETS[0];
        let dir = root.join(t.release);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(VERSION_FILE), "0.3.4\n").unwrap();
        std::fs::write(
            dir.join(CHANGELOG_FILE),
            "# Changelog\n\n## 0.3.4\n\nOlder.\n",
        )
        .unwrap();

        let (old, new) = (
            fixture("member_removed", "old"),
            fixture("member_removed", "new"),
        );
        let same = record_update(&root, t, &old, &old, "Model update: none.").unwrap();
        assert!(same.contains("unchanged"), "{same}");
        assert_eq!(
            std::fs::read_to_string(dir.join(VERSION_FILE)).unwrap(),
            "0.3.4\n"
        );

        let summary =
            record_update(&root, t, &old, &new, "Model update: botocore 1 -> 2.").unwrap();
        assert!(summary.contains("0.3.4 -> 0.4.0"), "{summary}");
        assert_eq!(
            std::fs::read_to_string(dir.join(VERSION_FILE)).unwrap(),
            "0.4.0\n"
        );
        let log = std::fs::read_to_string(dir.join(CHANGELOG_FILE)).unwrap();
        let newest = log.find("## 0.4.0").expect("new entry");
        assert!(newest < log.find("## 0.3.4").unwrap(), "{log}");
        assert!(log.contains("Model update: botocore 1 -> 2."), "{log}");
        assert!(
            log.contains("Semver impact: breaking; 0.3.4 -> 0.4.0"),
            "{log}"
        );
        assert!(
            log.contains("- members `GetThingInput.Limit` removed"),
            "{log}"
        );

        // The removed member is kept for one release as deprecated accessors...
        let retired = codegen::repo::retired_members(&dir).unwrap();
        assert_eq!(retired.len(), 1, "{retired:?}");
        assert_eq!(
            (retired[0].shape.as_str(), retired[0].member.as_str()),
            ("GetThingRequest", "Limit")
        );
        assert_eq!(retired[0].removed_in, "0.4.0");
        let mut inputs = new.clone();
        inputs.options.retired = retired;
        inputs.options.crate_name = Some("things".to_owned());
        let krate = codegen::generate(&inputs).unwrap();
        let op = &krate.files["src/operation/get_thing.rs"];
        assert!(
            op.contains("removed from the service model; this accessor does nothing"),
            "no deprecated accessor"
        );
        assert!(
            op.contains("pub fn limit(&self)") && op.contains("pub fn set_limit("),
            "getter and setters kept"
        );
        assert!(
            !krate.files["src/protocol/ser.rs"].contains("\"Limit\""),
            "a retired member is never sent"
        );

        // ...and the next update drops them, as a breaking change.
        let summary =
            record_update(&root, t, &new, &old, "Model update: botocore 2 -> 3.").unwrap();
        assert!(summary.contains("breaking"), "{summary}");
        assert!(codegen::repo::retired_members(&dir).unwrap().is_empty());
        let log = std::fs::read_to_string(dir.join(CHANGELOG_FILE)).unwrap();
        assert!(
            log.contains("GetThingRequest.Limit") && log.contains("go away"),
            "{log}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// `--from HEAD` reads the models with `git show`: HEAD against itself has no changes.
    #[test]
    fn git_revision_side_reads_the_models() {
        let root = project_root();
        if !matches!(
            git(
                &root,
                &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]
            ),
            Ok(Some(_))
        ) {
            eprintln!("not a git checkout; skipped");
            return;
        }
        let source = Source::parse("HEAD", None, &root).unwrap();
        assert!(matches!(source, Source::Git(_)));
        let inputs = source.inputs(&root, &TARGETS[0]).unwrap();
        assert!(inputs.service_model.contains("\"AssumeRole\""));
        assert!(inputs.privileges.is_some() && inputs.endpoint_rules.is_some());
        assert!(diff::diff(&inputs, &inputs).unwrap().is_empty());
        assert!(Source::parse("no-such-revision-anywhere", None, &root).is_err());
    }
}
