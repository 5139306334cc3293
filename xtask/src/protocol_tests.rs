//! `cargo xtask protocol-tests FILE.json...`: botocore's protocol conformance suites against
//! crates generated from the suites' own shapes.
//!
//! Every suite of every file becomes a crate (`<stem>_<input|output>_<index>`) with an
//! integration test per case ([`codegen::protocol_tests`]); all of them are members of one
//! workspace under `target/protocol-tests/`, so a single `cargo test` builds the shared
//! dependencies once. A suite that fails to generate or compile counts all its cases as failed.
//! Each file's `N passed, M failed` is printed, then the total as the last line. Cases in
//! [`SKIPPED`] run but do not count; each is listed with its reason.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use codegen::protocol_tests::{self as pt, Kind};
use serde_json::Value;

use crate::project_root;

/// Cases that run but do not count, with the reason: (file name, case id, reason). Only
/// streaming cases may be listed (none of the vendored suites needs one today).
const SKIPPED: &[(&str, &str, &str)] = &[];

/// The reason a case is skipped, if it is.
fn skip_reason(file: &str, id: &str) -> Option<&'static str> {
    let file = file.replace('\\', "/");
    SKIPPED
        .iter()
        .find(|(f, case, _)| file.ends_with(f) && *case == id)
        .map(|(_, _, why)| *why)
}

/// One suite of one file.
struct Suite {
    /// The file it came from (as given).
    file: String,
    /// Its index in the file.
    index: usize,
    /// `description`.
    description: String,
    /// Crate (and test module) name.
    crate_name: String,
    /// (test function name, case id), in case order.
    cases: Vec<(String, String)>,
    /// Why the suite could not be generated.
    problem: Option<String>,
}

pub fn run(args: &[String]) -> Result<()> {
    if args.is_empty() || args.iter().any(|a| a.starts_with('-')) {
        bail!("usage: cargo xtask protocol-tests FILE.json... (botocore protocol test files)");
    }
    let started = Instant::now();
    let root = project_root();
    let out = root.join("target/protocol-tests");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let runtime = root
        .join("runtime")
        .canonicalize()
        .context("locating runtime/")?;

    let mut suites = Vec::new();
    let mut names = BTreeSet::new();
    for file in args {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
        let parsed: Vec<Value> = serde_json::from_str(&text)
            .with_context(|| format!("{file}: not a JSON array of suites"))?;
        let stem = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("suite");
        let stem = codegen::naming::field_name(stem);
        for (index, suite) in parsed.iter().enumerate() {
            suites.push(prepare_suite(
                file, &stem, index, suite, &runtime, &out, &mut names,
            ));
        }
    }
    let generated = started.elapsed();
    let members: Vec<&str> = suites
        .iter()
        .filter(|s| s.problem.is_none())
        .map(|s| s.crate_name.as_str())
        .collect();
    remove_stale_crates(&out, &members)?;
    write_workspace(&root, &out, &members)?;
    let total_cases: usize = suites.iter().map(|s| s.cases.len()).sum();
    println!(
        "generated {} suite crates ({} cases) under {} in {:.1} s; running cargo test",
        members.len(),
        total_cases,
        out.display(),
        generated.as_secs_f64()
    );

    let (stdout, stderr) = run_members(&out, &members)?;
    let log = out.join("cargo-test.log");
    std::fs::write(&log, format!("{stdout}\n---- stderr ----\n{stderr}"))
        .with_context(|| format!("writing {}", log.display()))?;
    let outcomes = parse_outcomes(&stdout);
    let failure_text = parse_failure_sections(&stdout);

    let mut passed = 0;
    let mut failed = 0;
    // Per file: (passed, failed, skipped).
    let mut per_file: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for suite in &suites {
        let mut not_run = Vec::new();
        let counts = per_file.entry(suite.file.as_str()).or_default();
        for (test, id) in &suite.cases {
            let full = format!("{}::{test}", suite.crate_name);
            let outcome = outcomes.get(&full).map(String::as_str);
            if let Some(why) = skip_reason(&suite.file, id) {
                counts.2 += 1;
                let now = match outcome {
                    Some("ok") => "passes now: remove it from the list",
                    Some(_) => "fails",
                    None => "did not run",
                };
                println!(
                    "SKIPPED {} [{}] {id} ({now}): {why}",
                    suite.file, suite.index
                );
                continue;
            }
            match outcome {
                Some("ok") => {
                    passed += 1;
                    counts.0 += 1;
                }
                Some(outcome) => {
                    failed += 1;
                    counts.1 += 1;
                    let why = failure_text
                        .get(&full)
                        .map(|t| summarize_panic(t))
                        .unwrap_or_else(|| outcome.to_owned());
                    println!("FAILED {} [{}] {id}: {why}", suite.file, suite.index);
                }
                None => {
                    failed += 1;
                    counts.1 += 1;
                    not_run.push(id.as_str());
                }
            }
        }
        if !not_run.is_empty() {
            let why = match &suite.problem {
                Some(p) => format!("generation failed: {p}"),
                None => compile_errors(&stderr, &suite.crate_name),
            };
            println!(
                "FAILED {} [{}] ({}): {} case(s) did not run ({}): {why}",
                suite.file,
                suite.index,
                suite.description,
                not_run.len(),
                not_run.join(", ")
            );
        }
    }
    for (file, (p, f, s)) in &per_file {
        println!(
            "{file}: {p} passed, {f} failed{}",
            if *s > 0 {
                format!(", {s} skipped")
            } else {
                String::new()
            }
        );
    }
    println!("full cargo output: {}", log.display());
    println!(
        "protocol tests took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} protocol test case(s) failed");
    }
    if passed == 0 {
        bail!("no protocol test case ran");
    }
    Ok(())
}

/// Generates one suite's crate into `out/<crate name>`; problems are recorded, not returned.
fn prepare_suite(
    file: &str,
    stem: &str,
    index: usize,
    suite: &Value,
    runtime: &Path,
    out: &Path,
    names: &mut BTreeSet<String>,
) -> Suite {
    let description = suite
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let parsed = pt::parse_suite(suite);
    let cases: Vec<(String, String)> = match &parsed {
        Ok(suite) => pt::test_names(suite)
            .into_iter()
            .zip(suite.cases.iter().map(|c| pt::case_id(c).to_owned()))
            .collect(),
        Err(_) => Vec::new(),
    };
    let kind = parsed
        .as_ref()
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .and_then(pt::suite_kind);
    let kind_name = kind.as_ref().map(|k| k.as_str()).unwrap_or("unknown");
    let base = format!("{stem}_{kind_name}_{index}");
    let mut crate_name = base.clone();
    let mut k = 2;
    while !names.insert(crate_name.clone()) {
        crate_name = format!("{base}_{k}");
        k += 1;
    }
    let mut s = Suite {
        file: file.to_owned(),
        index,
        description,
        crate_name,
        cases,
        problem: None,
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            s.problem = Some(format!("{e:#}"));
            return s;
        }
    };
    if s.cases.is_empty() {
        s.problem = Some("the suite has no cases".to_owned());
        return s;
    }
    let result = kind.and_then(|kind| {
        generate_suite(
            &parsed,
            kind,
            &s.crate_name,
            runtime,
            &out.join(&s.crate_name),
        )
    });
    if let Err(e) = result {
        s.problem = Some(format!("{e:#}"));
    }
    s
}

fn generate_suite(
    suite: &pt::Suite,
    kind: Kind,
    crate_name: &str,
    runtime: &Path,
    dir: &Path,
) -> Result<()> {
    let inputs = codegen::Inputs {
        service_model: pt::suite_model(suite)?,
        privileges: None,
        endpoint_rules: None,
        partitions: None,
        options: codegen::Options {
            crate_name: Some(crate_name.to_owned()),
            runtime_path: runtime.to_string_lossy().into_owned(),
            standalone: false,
            ..Default::default()
        },
    };
    let mut krate = codegen::generate(&inputs)?;
    krate.files.insert(
        pt::TESTS_FILE.to_owned(),
        pt::suite_tests(suite, kind, crate_name)?,
    );
    let manifest = krate
        .files
        .get_mut("Cargo.toml")
        .context("the generated crate has no Cargo.toml")?;
    *manifest = with_dev_dependency(manifest, "http = \"1\"");
    *manifest = with_dev_dependency(manifest, "serde_json = \"1\"");
    krate.write_to(dir)
}

/// Adds a dev-dependency line to a manifest (into its `[dev-dependencies]` table when it has one).
fn with_dev_dependency(manifest: &str, line: &str) -> String {
    let mut lines: Vec<&str> = manifest.lines().collect();
    match lines.iter().position(|l| l.trim() == "[dev-dependencies]") {
        Some(i) => lines.insert(i + 1, line),
        None => {
            lines.push("");
            lines.push("[dev-dependencies]");
            lines.push(line);
        }
    }
    lines.join("\n") + "\n"
}

/// Removes suite crate directories of earlier runs that this run does not generate.
fn remove_stale_crates(out: &Path, members: &[&str]) -> Result<()> {
    for entry in std::fs::read_dir(out).with_context(|| format!("listing {}", out.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() && name != "target" && !members.contains(&name.as_str()) {
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("removing {}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn write_workspace(root: &Path, out: &Path, members: &[&str]) -> Result<()> {
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    let manifest = format!(
        "# Written by `cargo xtask protocol-tests`: one crate per botocore protocol test suite.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n\n[profile.dev]\ndebug = false\n",
        list.join("\n")
    );
    write_if_changed(&out.join("Cargo.toml"), &manifest)?;
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    write_if_changed(&out.join("Cargo.lock"), &lock)?;
    Ok(())
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Runs every member's tests. When some suite crates do not compile, cargo runs no test at all,
/// so this runs again without them (builds are incremental) until everything left compiles.
/// Returns the stdout and stderr of all runs.
fn run_members(out: &Path, members: &[&str]) -> Result<(String, String)> {
    let packages: BTreeMap<String, &str> =
        members.iter().map(|m| (m.replace('_', "-"), *m)).collect();
    let mut excluded: BTreeSet<String> = BTreeSet::new();
    let mut stdout = String::new();
    let mut stderr = String::new();
    while excluded.len() < packages.len() {
        let (o, e) = cargo_test(out, &excluded)?;
        let broken: BTreeSet<String> = uncompiled_packages(&e)
            .into_iter()
            .filter(|p| packages.contains_key(p) && !excluded.contains(p))
            .collect();
        stdout.push_str(&o);
        stderr.push_str(&e);
        if broken.is_empty() || o.lines().any(|l| l.starts_with("test ")) {
            break;
        }
        println!(
            "{} suite crate(s) do not compile ({}); running the others",
            broken.len(),
            broken.iter().cloned().collect::<Vec<_>>().join(", ")
        );
        excluded.extend(broken);
    }
    Ok((stdout, stderr))
}

/// Packages named in cargo's `error: could not compile `name` ...` lines.
fn uncompiled_packages(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: could not compile `"))
        .filter_map(|r| r.split_once('`').map(|(name, _)| name.to_owned()))
        .collect()
}

/// Runs the suites' tests once (without the `excluded` packages); returns (stdout, stderr)
/// whatever the exit status.
fn cargo_test(out: &Path, excluded: &BTreeSet<String>) -> Result<(String, String)> {
    let target: PathBuf = out.join("target");
    let mut args = vec![
        "test",
        "--workspace",
        "--no-fail-fast",
        "--test",
        "protocol_cases",
        "--message-format",
        "short",
    ];
    for p in excluded {
        args.push("--exclude");
        args.push(p);
    }
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(&args)
        .current_dir(out)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting cargo test")?;
    let mut stderr_pipe = child.stderr.take().context("cargo's stderr")?;
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .context("cargo's stdout")?
        .read_to_string(&mut stdout)?;
    let stderr = stderr_reader.join().unwrap_or_default();
    child.wait().context("waiting for cargo test")?;
    Ok((stdout, stderr))
}

/// `test <name> ... <outcome>` lines: test name -> `ok` | `FAILED` | `ignored` ...
fn parse_outcomes(stdout: &str) -> BTreeMap<String, String> {
    let mut outcomes = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, outcome)) = rest.split_once(" ... ") else {
            continue;
        };
        outcomes.insert(name.trim().to_owned(), outcome.trim().to_owned());
    }
    outcomes
}

/// `---- <name> stdout ----` sections of libtest's failure report: test name -> captured output.
fn parse_failure_sections(stdout: &str) -> BTreeMap<String, String> {
    let mut sections = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in stdout.lines() {
        let header = line
            .strip_prefix("---- ")
            .and_then(|r| r.strip_suffix(" stdout ----"));
        if let Some(name) = header {
            if let Some((n, t)) = current.take() {
                sections.insert(n, t);
            }
            current = Some((name.to_owned(), String::new()));
            continue;
        }
        if line == "failures:" || line.starts_with("test result:") {
            if let Some((n, t)) = current.take() {
                sections.insert(n, t);
            }
            continue;
        }
        if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some((n, t)) = current.take() {
        sections.insert(n, t);
    }
    sections
}

/// The panic message of a failed test, without the thread line and backtrace note, indented.
fn summarize_panic(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            match l
                .strip_prefix("thread '")
                .and_then(|r| r.split_once(" panicked at "))
            {
                Some((_, at)) => at,
                None => l,
            }
        })
        .collect();
    format!("\n    {}", lines.join("\n    "))
}

/// Compiler errors that concern one suite crate (paths under its directory, or its package name),
/// or, when there are none, every error line (a shared dependency failed).
fn compile_errors(stderr: &str, crate_name: &str) -> String {
    let package = crate_name.replace('_', "-");
    let prefix = format!("{crate_name}/");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    let mine: Vec<&str> = errors
        .iter()
        .copied()
        .filter(|l| l.starts_with(&prefix) || l.contains(&format!("`{package}`")))
        .collect();
    let chosen = if mine.is_empty() { &errors } else { &mine };
    if chosen.is_empty() {
        return "no test result and no compiler error (see the log)".to_owned();
    }
    let shown: Vec<&str> = chosen.iter().take(8).copied().collect();
    let more = chosen.len().saturating_sub(shown.len());
    let mut text = format!("\n    {}", shown.join("\n    "));
    if more > 0 {
        text.push_str(&format!("\n    ... and {more} more"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_failures_parse() {
        let stdout = "\
running 2 tests
test query_input_9::query_lists ... ok
test query_input_9::empty_query_lists ... FAILED

failures:

---- query_input_9::empty_query_lists stdout ----

thread 'query_input_9::empty_query_lists' panicked at tests/protocol_cases.rs:10:5:
assertion `left == right` failed: body
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    query_input_9::empty_query_lists

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";
        let outcomes = parse_outcomes(stdout);
        assert_eq!(outcomes["query_input_9::query_lists"], "ok");
        assert_eq!(outcomes["query_input_9::empty_query_lists"], "FAILED");
        let sections = parse_failure_sections(stdout);
        let text = summarize_panic(&sections["query_input_9::empty_query_lists"]);
        assert_eq!(
            text,
            "\n    tests/protocol_cases.rs:10:5:\n    assertion `left == right` failed: body"
        );
    }

    #[test]
    fn dev_dependency_is_added_once() {
        assert_eq!(
            with_dev_dependency("[package]\nname = \"x\"\n", "http = \"1\""),
            "[package]\nname = \"x\"\n\n[dev-dependencies]\nhttp = \"1\"\n"
        );
        assert_eq!(
            with_dev_dependency("[dev-dependencies]\na = \"1\"\n", "http = \"1\""),
            "[dev-dependencies]\nhttp = \"1\"\na = \"1\"\n"
        );
    }

    #[test]
    fn compile_errors_pick_the_crate() {
        let stderr = "\
query_input_1/tests/protocol_cases.rs:5:9: error[E0425]: cannot find function `request`
error: could not compile `query-input-1` (test \"protocol_cases\") due to 1 previous error
query_input_2/tests/protocol_cases.rs:5:9: error[E0425]: cannot find function `request`
";
        let text = compile_errors(stderr, "query_input_1");
        assert!(text.contains("query_input_1/tests"));
        assert!(text.contains("`query-input-1`"));
        assert!(!text.contains("query_input_2"));
    }
}
