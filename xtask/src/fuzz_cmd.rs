//! `cargo xtask fuzz [--seconds N] [--target NAME] [--keep-going]`: builds the cargo-fuzz targets in `fuzz/`
//! and runs each for its share of N seconds (default 60 in total, split evenly), starting from
//! the checked-in seeds (`fuzz/seeds/<target>/`: valid responses and error bodies, profile
//! files, endpoint parameters), then prints
//! executions, speed, corpus growth and crashes per target.
//!
//! cargo-fuzz needs nightly compiler flags (sanitizers); they are enabled on the stable
//! toolchain with `RUSTC_BOOTSTRAP=1`. `cargo-fuzz` itself is installed from crates.io when
//! missing. The corpus grows in `fuzz/corpus/<target>/`, crashes land in
//! `fuzz/artifacts/<target>/` and each run's libFuzzer log in `fuzz/logs/<target>.log`
//! (all git-ignored). A target stops at its first crash, unless `--keep-going` (libFuzzer's
//! fork mode, ignoring crashes) lets it use all its time; either way the command then fails,
//! naming the reproducers (`cargo fuzz run <target> <file>` replays one) and the distinct
//! panic sites.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{no_more_args, project_root, take_flag, take_opt};

/// What one target's run did.
#[derive(Debug, Clone, Default, PartialEq)]
struct Outcome {
    target: String,
    seconds: u64,
    executions: Option<u64>,
    execs_per_sec: Option<u64>,
    new_units: Option<u64>,
    corpus_before: usize,
    corpus: usize,
    crashes: Vec<PathBuf>,
    /// Distinct `panicked at file:line:col` sites in the log.
    panic_sites: BTreeSet<String>,
}

pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let total: u64 = match take_opt(&mut args, "--seconds")? {
        Some(s) => s
            .parse()
            .with_context(|| format!("--seconds {s}: not a whole number"))?,
        None => 60,
    };
    let only = take_opt(&mut args, "--target")?;
    let keep_going = take_flag(&mut args, "--keep-going");
    no_more_args(&args)?;
    let root = project_root();
    let fuzz_dir = root.join("fuzz");

    ensure_cargo_fuzz()?;
    generate_fuzz_crates(&root)?;
    let mut targets = list_targets(&root)?;
    if let Some(t) = &only {
        if !targets.contains(t) {
            bail!("no fuzz target `{t}` (targets: {})", targets.join(", "));
        }
        targets = vec![t.clone()];
    }
    if targets.is_empty() {
        bail!("fuzz/ has no targets");
    }
    let per_target = (total / targets.len() as u64).max(1);

    eprintln!("building {} fuzz target(s)", targets.len());
    let status = cargo_fuzz(&root)
        .args(["build", "--debug-assertions"])
        .status()
        .context("running cargo fuzz build")?;
    if !status.success() {
        bail!("cargo fuzz build failed ({status})");
    }

    let mut outcomes = Vec::new();
    for t in &targets {
        outcomes.push(run_target(&root, &fuzz_dir, t, per_target, keep_going)?);
    }
    println!();
    print!("{}", table(&outcomes));
    let crashes: Vec<_> = outcomes
        .iter()
        .flat_map(|o| o.crashes.iter().map(move |c| (o.target.as_str(), c)))
        .collect();
    if !crashes.is_empty() {
        let list: Vec<String> = crashes
            .iter()
            .map(|(t, c)| format!("  cargo fuzz run {t} {}", c.display()))
            .collect();
        let sites: BTreeSet<&String> = outcomes.iter().flat_map(|o| &o.panic_sites).collect();
        let sites: Vec<String> = sites.iter().map(|s| format!("  {s}")).collect();
        bail!(
            "fuzzing found {} crash input(s), panicking at:\n{}\nreplay with (RUSTC_BOOTSTRAP=1):\n{}",
            crashes.len(),
            sites.join("\n"),
            list.join("\n")
        );
    }
    Ok(())
}

/// Fixture models whose generated crates the fuzz targets use (`fuzz/Cargo.toml` depends on
/// `target/fuzz-crates/<name>`): (fixture under `tests/fixtures/models/`, crate name).
const FUZZ_CRATES: &[(&str, &str)] = &[
    ("json_sink.json", "json_sink"),
    ("rest_sink.json", "rest_sink"),
];

/// Generates the [`FUZZ_CRATES`] into `target/fuzz-crates/`, so the fuzz workspace builds.
pub(crate) fn generate_fuzz_crates(root: &Path) -> Result<()> {
    let runtime = root
        .join("runtime")
        .canonicalize()
        .context("locating runtime/")?;
    for (model, name) in FUZZ_CRATES {
        let path = root.join("tests/fixtures/models").join(model);
        let inputs = codegen::Inputs {
            service_model: std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?,
            privileges: None,
            endpoint_rules: None,
            partitions: None,
            options: codegen::Options {
                crate_name: Some((*name).to_owned()),
                runtime_path: runtime.to_string_lossy().into_owned(),
                standalone: true,
                ..Default::default()
            },
        };
        let krate =
            codegen::generate(&inputs).with_context(|| format!("generating {}", path.display()))?;
        let out = root.join("target/fuzz-crates").join(name);
        krate
            .write_to(&out)
            .with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}

/// `cargo fuzz` with nightly features unlocked on the current toolchain.
fn cargo_fuzz(root: &Path) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .arg("fuzz")
        .env("RUSTC_BOOTSTRAP", "1");
    cmd
}

/// Installs cargo-fuzz from crates.io when `cargo fuzz` is not available.
fn ensure_cargo_fuzz() -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let found = Command::new(&cargo)
        .args(["fuzz", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if found {
        return Ok(());
    }
    eprintln!("installing cargo-fuzz (cargo install cargo-fuzz --locked)");
    let status = Command::new(&cargo)
        .args(["install", "cargo-fuzz", "--locked"])
        .status()
        .context("running cargo install")?;
    if !status.success() {
        bail!("cargo install cargo-fuzz failed ({status})");
    }
    Ok(())
}

/// The targets `cargo fuzz list` reports, in order.
fn list_targets(root: &Path) -> Result<Vec<String>> {
    let out = cargo_fuzz(root)
        .arg("list")
        .output()
        .context("running cargo fuzz list")?;
    if !out.status.success() {
        bail!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

fn files_in(dir: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default()
}

/// Runs one target for `seconds` and reads what libFuzzer reported.
fn run_target(
    root: &Path,
    fuzz_dir: &Path,
    target: &str,
    seconds: u64,
    keep_going: bool,
) -> Result<Outcome> {
    let corpus = fuzz_dir.join("corpus").join(target);
    let seeds = fuzz_dir.join("seeds").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let logs = fuzz_dir.join("logs");
    for d in [&corpus, &artifacts, &logs] {
        std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
    let before = files_in(&artifacts);
    let corpus_before = files_in(&corpus).len();
    let mut cmd = cargo_fuzz(root);
    cmd.args(["run", "--debug-assertions", target]).arg(&corpus);
    if seeds.is_dir() {
        cmd.arg(&seeds);
    }
    cmd.arg("--").args([
        format!("-max_total_time={seconds}"),
        "-timeout=10".to_owned(),
        "-max_len=8192".to_owned(),
        "-print_final_stats=1".to_owned(),
    ]);
    if keep_going {
        cmd.args([
            "-fork=1",
            "-ignore_crashes=1",
            "-ignore_timeouts=1",
            "-ignore_ooms=1",
        ]);
    }
    eprintln!("fuzzing {target} for {seconds} s");
    let out = cmd
        .output()
        .with_context(|| format!("running cargo fuzz run {target}"))?;
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    let log_path = logs.join(format!("{target}.log"));
    std::fs::write(&log_path, &log).with_context(|| format!("writing {}", log_path.display()))?;
    let crashes: Vec<PathBuf> = files_in(&artifacts).difference(&before).cloned().collect();
    if !out.status.success() && crashes.is_empty() {
        let tail: Vec<&str> = log
            .lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        bail!(
            "cargo fuzz run {target} failed ({}) without a crash artifact:\n{}",
            out.status,
            tail.join("\n")
        );
    }
    // Fork mode prints no final statistics: fall back to its last progress line.
    let stats = |name: &str| stat(&log, name);
    let executions = stats("number_of_executed_units").or_else(|| last_progress(&log));
    Ok(Outcome {
        target: target.to_owned(),
        seconds,
        executions,
        execs_per_sec: stats("average_exec_per_sec")
            .or_else(|| executions.map(|e| e / seconds.max(1))),
        new_units: stats("new_units_added"),
        corpus_before,
        corpus: files_in(&corpus).len(),
        crashes,
        panic_sites: panic_sites(&log),
    })
}

/// A `stat::name: N` line of libFuzzer's final statistics.
fn stat(log: &str, name: &str) -> Option<u64> {
    let prefix = format!("stat::{name}:");
    log.lines()
        .find_map(|l| l.trim().strip_prefix(&prefix))
        .and_then(|v| v.trim().parse().ok())
}

/// The execution count of libFuzzer's last `#N ...` progress line (when it stopped on a crash,
/// or in fork mode, whose lines read `#N: cov: ...`).
fn last_progress(log: &str) -> Option<u64> {
    log.lines().rev().find_map(|l| {
        l.strip_prefix('#')?
            .split_whitespace()
            .next()?
            .trim_end_matches(':')
            .parse()
            .ok()
    })
}

/// The distinct `file:line:col` of Rust panics in the log.
fn panic_sites(log: &str) -> BTreeSet<String> {
    log.lines()
        .filter_map(|l| {
            l.split_once("panicked at ")
                .map(|(_, rest)| rest.trim_end_matches(':').trim().to_owned())
        })
        .collect()
}

fn table(outcomes: &[Outcome]) -> String {
    let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "?".to_owned());
    let mut out = String::from("| target | seconds | executions | exec/s | new units | corpus before -> after | crash inputs | panic sites |\n");
    out.push_str("|--------|---------|------------|--------|-----------|------------------------|--------------|-------------|\n");
    for o in outcomes {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} -> {} | {} | {} |\n",
            o.target,
            o.seconds,
            n(o.executions),
            n(o.execs_per_sec),
            n(o.new_units),
            o.corpus_before,
            o.corpus,
            o.crashes.len(),
            o.panic_sites.len()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_statistics() {
        let log = "#2\tINITED cov: 10 ft: 11 corp: 2/3b exec/s: 0 rss: 30Mb\n\
                   #4096\tpulse  cov: 12 ft: 13 corp: 3/4b lim: 43 exec/s: 2048 rss: 31Mb\n\
                   Done 123456 runs in 31 second(s)\n\
                   stat::number_of_executed_units: 123456\n\
                   stat::average_exec_per_sec:     3982\n\
                   stat::new_units_added:          17\n";
        assert_eq!(stat(log, "number_of_executed_units"), Some(123456));
        assert_eq!(stat(log, "average_exec_per_sec"), Some(3982));
        assert_eq!(stat(log, "new_units_added"), Some(17));
        assert_eq!(stat(log, "peak_rss_mb"), None);
        assert_eq!(
            last_progress(
                "#1\tINITED\n#8192\tpulse cov: 1\n==1== ERROR: libFuzzer: deadly signal\n"
            ),
            Some(8192)
        );
        assert_eq!(
            last_progress(
                "#31337: cov: 1 ft: 2 corp: 3 exec/s 4 oom/timeout/crash: 0/0/1 time: 5s job: 6\n"
            ),
            Some(31337)
        );
        let log = "thread '<unnamed>' (9) panicked at runtime/src/primitives.rs:124:60:\nstart byte index\n\
                   thread '<unnamed>' (10) panicked at runtime/src/primitives.rs:124:60:\n";
        assert_eq!(
            panic_sites(log).into_iter().collect::<Vec<_>>(),
            ["runtime/src/primitives.rs:124:60"]
        );
    }
}
