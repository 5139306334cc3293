//! `cargo xtask check-models [--botocore X.Y.Z|latest] [--protocol query,json,rest-json]
//! [--only svc1,svc2] [--all-versions] [--streaming-only] [--keep]`.
//!
//! Shows that the generator is not specific to STS: for every service in a botocore wheel whose
//! newest API version speaks one of the given protocols (default `query`; a model's protocol is
//! the first of its `metadata.protocols` that is one of `query`, `json` and `rest-json`, as the
//! generator chooses), it generates a standalone crate under
//! `target/check-models/<service>/` and runs `cargo check` on it with warnings denied. All those
//! crates share one target directory, `target/check-models/target`, and the workspace's
//! `Cargo.lock`, so their dependencies compile once.
//!
//! The botocore version defaults to the one `model/SOURCES.json` records (the vendored STS
//! model's), and `latest` asks pip for the newest. Wheels are cached under `target/pip-cache/`
//! by version, so a repeated run at a known version downloads nothing.
//!
//! Each service passes or fails on its own: a generator error (naming the model's path in the
//! wheel) or panic, or a failing `cargo check`, marks that service failed and the run goes on.
//! Each protocol's `<protocol>: N passed, M failed` is printed, and last the total
//! `N passed, M failed`; the exit status is non-zero when any failed.
//!
//! With `--all-versions`, the older API versions botocore still ships are checked too, each as
//! `<service>@<api version>` (e.g. `elasticache@2014-09-30`).
//!
//! Before checking, it counts per protocol the operations generated without a method because
//! they stream (a streaming payload or an event stream; see `codegen::ir::streaming_operations`)
//! and prints `<protocol>: N operations generated without a method ...`; `--streaming-only`
//! prints just these counts, without generating or checking anything.
//!
//! Generated crates of passing services are removed unless `--keep` is given; those of failing
//! services are always kept for inspection.

use std::collections::BTreeMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::update_model::{cached_wheel, remove_dir_if_exists, Wheel};

/// How many lines of a failing `cargo check`'s first error to print.
const ERROR_LINES: usize = 8;

pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let version = crate::take_opt(&mut args, "--botocore")?;
    let only = crate::take_opt(&mut args, "--only")?;
    let protocols = parse_protocols(
        crate::take_opt(&mut args, "--protocol")?
            .as_deref()
            .unwrap_or("query"),
    )?;
    let keep = crate::take_flag(&mut args, "--keep");
    let all_versions = crate::take_flag(&mut args, "--all-versions");
    let streaming_only = crate::take_flag(&mut args, "--streaming-only");
    crate::no_more_args(&args)?;

    let root = crate::project_root();
    let version = match version.as_deref() {
        Some("latest") => None,
        Some(v) => Some(v.to_owned()),
        None => vendored_botocore_version(&root)?,
    };
    let fetched = cached_wheel(&root, "botocore", version.as_deref())?;
    let mut wheel = Wheel::open(&fetched)?;

    let mut services = services_of(&mut wheel, &protocols, all_versions)?;
    eprintln!(
        "{}: {} services of protocol(s) {}: {}",
        fetched.file_name,
        services.len(),
        protocols.join(","),
        services
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(only) = only {
        services = select(services, &only)?;
    }
    let partitions_member = "botocore/data/partitions.json";
    let partitions = text(
        wheel.read(partitions_member)?,
        partitions_member,
        wheel.file_name(),
    )?;

    let mut streaming: BTreeMap<&str, StreamingCount> = protocols
        .iter()
        .map(|p| (*p, StreamingCount::default()))
        .collect();
    for service in &services {
        let count = streaming.entry(service.protocol).or_default();
        count_streaming(&mut wheel, service, count)?;
    }
    if streaming_only {
        print_streaming(&streaming);
        return Ok(());
    }

    let out_root = root.join("target/check-models");
    let checker = Checker {
        runtime_path: root.join("runtime").to_string_lossy().into_owned(),
        lock_file: root.join("Cargo.lock"),
        target_dir: out_root.join("target"),
        out_root,
        keep,
    };
    let (mut passed, mut failed) = (0, 0);
    let mut per_protocol: BTreeMap<&str, (usize, usize)> =
        protocols.iter().map(|p| (*p, (0, 0))).collect();
    for service in &services {
        let counts = per_protocol.entry(service.protocol).or_default();
        match checker.check(&mut wheel, service, &partitions) {
            Ok(()) => {
                passed += 1;
                counts.0 += 1;
                println!("ok {}", service.name);
            }
            Err(e) => {
                failed += 1;
                counts.1 += 1;
                println!(
                    "FAILED {}: {}",
                    service.name,
                    indent_continuation(&format!("{e:#}"))
                );
            }
        }
    }
    print_streaming(&streaming);
    for (protocol, (p, f)) in &per_protocol {
        println!("{protocol}: {p} passed, {f} failed");
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        // Exit here rather than returning an error, so that the summary stays the last line.
        std::process::exit(1);
    }
    Ok(())
}

/// Operations of one protocol's models generated without a method because they stream.
#[derive(Debug, Default)]
struct StreamingCount {
    /// Operations with a streaming payload (input or output).
    payload: usize,
    /// Operations with an event stream (input or output).
    event_stream: usize,
    /// Models with at least one such operation.
    models: usize,
    /// Models counted.
    of_models: usize,
    /// Models the generator's mirror could not read (their operations are not counted).
    unreadable: Vec<String>,
}

/// Adds the streaming operations of `service`'s model to `count`.
fn count_streaming(wheel: &mut Wheel, service: &Service, count: &mut StreamingCount) -> Result<()> {
    let (bytes, member) = wheel
        .read_json_maybe_gz(&format!("{}/service-2", service.dir))?
        .with_context(|| {
            format!(
                "{}/service-2.json vanished from {}",
                service.dir,
                wheel.file_name()
            )
        })?;
    let text = text(bytes, &member, wheel.file_name())?;
    count.of_models += 1;
    let model =
        match codegen::model::parse_json::<codegen::model::service::ServiceModel>(&text, &member) {
            Ok(model) => model,
            Err(e) => {
                count.unreadable.push(format!("{}: {e:#}", service.name));
                return Ok(());
            }
        };
    let ops = codegen::ir::streaming_operations(&model);
    count.models += usize::from(!ops.is_empty());
    for (_, kind, _) in &ops {
        match kind {
            codegen::ir::Streaming::Payload => count.payload += 1,
            codegen::ir::Streaming::EventStream => count.event_stream += 1,
        }
    }
    Ok(())
}

/// One line per protocol: how many operations are generated without a method because they stream.
fn print_streaming(counts: &BTreeMap<&str, StreamingCount>) {
    for (protocol, c) in counts {
        println!(
            "{protocol}: {} operations generated without a method because they stream ({} streaming payloads, \
             {} event streams) in {} of {} models",
            c.payload + c.event_stream,
            c.payload,
            c.event_stream,
            c.models,
            c.of_models
        );
        for u in &c.unreadable {
            println!(
                "  not counted (the model does not parse): {}",
                indent_continuation(u)
            );
        }
    }
}

/// The botocore version `model/SOURCES.json` records, if that file exists.
pub(crate) fn vendored_botocore_version(root: &Path) -> Result<Option<String>> {
    let path = root.join("model/SOURCES.json");
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let sources: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("parsing {} as JSON", path.display()))?;
    let version = sources["packages"]["botocore"]["version"]
        .as_str()
        .map(str::to_owned);
    if version.is_none() {
        bail!("{} records no packages.botocore.version", path.display());
    }
    Ok(version)
}

/// The protocols `--protocol` accepts, as botocore's models name them.
const PROTOCOLS: [&str; 3] = ["query", "json", "rest-json"];

/// The comma-separated `--protocol` value, each one of [`PROTOCOLS`].
fn parse_protocols(text: &str) -> Result<Vec<&'static str>> {
    let mut out = Vec::new();
    for name in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match PROTOCOLS.iter().find(|p| **p == name) {
            Some(p) if !out.contains(p) => out.push(*p),
            Some(_) => {}
            None => bail!(
                "--protocol: `{name}` is not one of {}",
                PROTOCOLS.join(", ")
            ),
        }
    }
    if out.is_empty() {
        bail!("--protocol needs at least one of {}", PROTOCOLS.join(", "));
    }
    Ok(out)
}

/// One service in the wheel.
struct Service {
    /// The directory name under `botocore/data/`, e.g. `elbv2`.
    name: String,
    /// `botocore/data/<name>/<newest api version>`.
    dir: String,
    /// Its protocol, one of [`PROTOCOLS`].
    protocol: &'static str,
}

/// The part of `service-2.json` that says which protocols a service speaks.
#[derive(Deserialize)]
struct ModelHead {
    metadata: Metadata,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    protocol: Option<String>,
    #[serde(default)]
    protocols: Vec<String>,
}

impl Metadata {
    /// The first of `protocols` (else `protocol`) that is one of [`PROTOCOLS`].
    fn main_protocol(&self) -> Option<&'static str> {
        let listed: Vec<&str> = if self.protocols.is_empty() {
            self.protocol.as_deref().into_iter().collect()
        } else {
            self.protocols.iter().map(String::as_str).collect()
        };
        listed
            .into_iter()
            .find_map(|p| PROTOCOLS.iter().find(|known| **known == p).copied())
    }
}

/// Every `(service, api version)` with a `service-2.json(.gz)` under `botocore/data/`, sorted.
pub(crate) fn every_service_model(wheel: &Wheel) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = wheel
        .names()
        .filter_map(|member| {
            let parts: Vec<&str> = member.split('/').collect();
            match parts[..] {
                ["botocore", "data", service, api_version, "service-2.json" | "service-2.json.gz"] => {
                    Some((service.to_owned(), api_version.to_owned()))
                }
                _ => None,
            }
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Every service whose newest API version (the greatest `YYYY-MM-DD` directory holding a
/// `service-2.json(.gz)`) speaks one of `protocols`, sorted by name; with `all_versions`, every
/// API version of every service (older ones named `<service>@<api version>`) whose model speaks
/// one of them.
fn services_of(wheel: &mut Wheel, protocols: &[&str], all_versions: bool) -> Result<Vec<Service>> {
    let every = every_service_model(wheel);
    let mut newest: BTreeMap<&str, &str> = BTreeMap::new();
    for (service, api_version) in &every {
        let entry = newest.entry(service).or_default();
        if api_version.as_str() > *entry {
            *entry = api_version;
        }
    }
    let mut services = Vec::new();
    for (name, api_version) in &every {
        let is_newest = newest.get(name.as_str()) == Some(&api_version.as_str());
        if !is_newest && !all_versions {
            continue;
        }
        let dir = format!("botocore/data/{name}/{api_version}");
        let (bytes, member) = wheel
            .read_json_maybe_gz(&format!("{dir}/service-2"))?
            .with_context(|| format!("{dir}/service-2.json vanished from {}", wheel.file_name()))?;
        // Deserializing into a struct with only `metadata` skips the rest without building it.
        let head: ModelHead = serde_json::from_slice(&bytes)
            .with_context(|| format!("reading metadata of {member} from {}", wheel.file_name()))?;
        if let Some(protocol) = head
            .metadata
            .main_protocol()
            .filter(|p| protocols.contains(p))
        {
            let name = if is_newest {
                name.clone()
            } else {
                format!("{name}@{api_version}")
            };
            services.push(Service {
                name,
                dir,
                protocol,
            });
        }
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(services)
}

/// Keeps the services named in the comma-separated `only`; every name must be a service of the
/// chosen protocols.
fn select(services: Vec<Service>, only: &str) -> Result<Vec<Service>> {
    let wanted: Vec<&str> = only
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if wanted.is_empty() {
        bail!("--only needs at least one service name");
    }
    for name in &wanted {
        if !services.iter().any(|s| s.name == *name) {
            let known: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
            bail!(
                "--only: `{name}` is not a service of the chosen protocols in this botocore (those are: {})",
                known.join(", ")
            );
        }
    }
    Ok(services
        .into_iter()
        .filter(|s| wanted.contains(&s.name.as_str()))
        .collect())
}

/// Decodes UTF-8, naming the member and archive on failure.
fn text(bytes: Vec<u8>, member: &str, archive: &str) -> Result<String> {
    String::from_utf8(bytes).with_context(|| format!("{member} in {archive} is not UTF-8"))
}

/// Generates and checks one service at a time.
struct Checker {
    /// Absolute path of the project's runtime crate, written into generated `Cargo.toml`s.
    runtime_path: String,
    /// The workspace's `Cargo.lock`, copied into each generated crate so that all of them build
    /// against the same dependency versions (and so share compiled dependencies).
    lock_file: PathBuf,
    /// `target/check-models`: one directory per service.
    out_root: PathBuf,
    /// The target directory every check shares.
    target_dir: PathBuf,
    keep: bool,
}

impl Checker {
    fn check(&self, wheel: &mut Wheel, service: &Service, partitions: &str) -> Result<()> {
        // Start from an empty directory, so that no file of an earlier run takes part (or is
        // left behind to mislead when this run fails before writing).
        let dir = self.out_root.join(&service.name);
        remove_dir_if_exists(&dir)?;

        let (model, member) = wheel
            .read_json_maybe_gz(&format!("{}/service-2", service.dir))?
            .with_context(|| {
                format!(
                    "{}/service-2.json vanished from {}",
                    service.dir,
                    wheel.file_name()
                )
            })?;
        let service_model = text(model, &member, wheel.file_name())?;
        let endpoint_rules =
            match wheel.read_json_maybe_gz(&format!("{}/endpoint-rule-set-1", service.dir))? {
                Some((bytes, member)) => Some(text(bytes, &member, wheel.file_name())?),
                None => None,
            };
        let inputs = codegen::Inputs {
            service_model,
            privileges: None,
            endpoint_rules,
            partitions: Some(partitions.to_owned()),
            options: codegen::Options {
                crate_name: Some(service.name.replace(['-', '@'], "_")),
                runtime_path: self.runtime_path.clone(),
                standalone: true,
                ..Default::default()
            },
        };
        let krate = generate(&inputs)
            .with_context(|| format!("generator, on {member} of {}", wheel.file_name()))?;
        if !krate.files.contains_key("Cargo.toml") {
            bail!(
                "the generator produced no Cargo.toml ({} files)",
                krate.files.len()
            );
        }

        krate
            .write_to(&dir)
            .with_context(|| format!("writing the generated crate to {}", dir.display()))?;
        if !krate.files.contains_key("Cargo.lock") {
            let lock = dir.join("Cargo.lock");
            fs::copy(&self.lock_file, &lock).with_context(|| {
                format!("copying {} to {}", self.lock_file.display(), lock.display())
            })?;
        }

        self.cargo_check(&dir)?;
        if !self.keep {
            remove_dir_if_exists(&dir)?;
        }
        Ok(())
    }

    /// Runs `cargo check --quiet --workspace --all-features` on the crate in `dir` (and its
    /// generated command line, `cli/`) with warnings denied.
    fn cargo_check(&self, dir: &Path) -> Result<()> {
        // The cargo that runs xtask, so the same toolchain checks the generated crates.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let manifest = dir.join("Cargo.toml");
        let output = Command::new(cargo)
            .args([
                "check",
                "--quiet",
                "--workspace",
                "--all-features",
                "--manifest-path",
            ])
            .arg(&manifest)
            .current_dir(dir)
            .env("RUSTFLAGS", "-D warnings")
            // Would take precedence over RUSTFLAGS.
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env("CARGO_TARGET_DIR", &self.target_dir)
            // Each crate is checked once: incremental caches would only fill the disk (about
            // 50 MB per service, 20 GB for a full sweep).
            .env("CARGO_INCREMENTAL", "0")
            .output()
            .with_context(|| format!("running cargo check on {}", manifest.display()))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "{}",
            first_error(&stderr)
                .unwrap_or_else(|| format!("cargo check exited with {}", output.status))
        );
    }
}

/// Holds the message of the last panic caught by [`generate`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs the generator, turning a panic into an error so one broken service cannot end the run.
fn generate(inputs: &codegen::Inputs) -> Result<codegen::GeneratedCrate> {
    // Record the panic (with its location) instead of printing it in the middle of the report.
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(info.to_string());
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(|| codegen::generate(inputs)));
    panic::set_hook(previous_hook);
    match result {
        Ok(generated) => generated,
        Err(_) => {
            let message = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
            bail!("{}", message.unwrap_or_else(|| "panicked".to_owned()))
        }
    }
}

/// The first error of cargo's output (its first `error` line and what follows, up to
/// [`ERROR_LINES`] lines or the next blank line), or its last lines when no line starts with
/// `error`. Mentions how many errors there were when there was more than one.
fn first_error(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let picked: Vec<&str> = match lines.iter().position(|l| l.starts_with("error")) {
        Some(start) => lines[start..]
            .iter()
            .take(ERROR_LINES)
            .take_while(|l| !l.trim().is_empty())
            .copied()
            .collect(),
        None => lines[lines.len().saturating_sub(ERROR_LINES)..].to_vec(),
    };
    // cargo's and rustc's closing "could not compile" / "aborting" lines are not errors of their own.
    let errors = lines
        .iter()
        .filter(|l| l.starts_with("error"))
        .filter(|l| !l.starts_with("error: could not compile") && !l.starts_with("error: aborting"))
        .count();
    let mut text = picked.join("\n");
    if errors > 1 {
        text.push_str(&format!("\n({errors} errors in all)"));
    }
    (!text.trim().is_empty()).then_some(text)
}

/// Indents every line but the first, so a multi-line reason reads as part of its `FAILED` line.
fn indent_continuation(text: &str) -> String {
    text.trim_end().replace('\n', "\n    ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_error_takes_the_first_error_block() {
        let stderr =
            "warning: unused\n\nerror[E0425]: cannot find value `x`\n --> src/lib.rs:1:1\n  |\n\n\
                      error[E0425]: cannot find value `y`\n\nerror: could not compile `x`\n";
        assert_eq!(
            first_error(stderr).unwrap(),
            "error[E0425]: cannot find value `x`\n --> src/lib.rs:1:1\n  |\n(2 errors in all)"
        );
        let one = "error: unused import\n --> src/lib.rs:1:1\n\nerror: could not compile `x`\n";
        assert_eq!(
            first_error(one).unwrap(),
            "error: unused import\n --> src/lib.rs:1:1"
        );
        assert_eq!(first_error("something odd\n").unwrap(), "something odd");
        assert_eq!(first_error(""), None);
    }

    #[test]
    fn protocol_detection() {
        let head = |json: &str| {
            serde_json::from_str::<ModelHead>(json)
                .unwrap()
                .metadata
                .main_protocol()
        };
        assert_eq!(
            head(r#"{"metadata": {"protocol": "query"}, "shapes": {}}"#),
            Some("query")
        );
        assert_eq!(
            head(
                r#"{"metadata": {"protocol": "smithy-rpc-v2-cbor", "protocols": ["smithy-rpc-v2-cbor", "query"]}}"#
            ),
            Some("query")
        );
        assert_eq!(
            head(r#"{"metadata": {"protocol": "json", "protocols": ["json"]}}"#),
            Some("json")
        );
        assert_eq!(
            head(r#"{"metadata": {"protocol": "json", "protocols": ["json", "query"]}}"#),
            Some("json")
        );
        assert_eq!(
            head(r#"{"metadata": {"protocol": "rest-json"}}"#),
            Some("rest-json")
        );
        assert_eq!(head(r#"{"metadata": {"protocol": "ec2"}}"#), None);
    }

    #[test]
    fn protocols_parse() {
        assert_eq!(parse_protocols("query").unwrap(), ["query"]);
        assert_eq!(
            parse_protocols("json, rest-json,json").unwrap(),
            ["json", "rest-json"]
        );
        assert!(parse_protocols("rest-xml")
            .unwrap_err()
            .to_string()
            .contains("rest-xml"));
        assert!(parse_protocols(",").is_err());
    }
}
