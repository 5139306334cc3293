//! `cargo xtask bench-compare [weight|requests|all] [--requests N] [--warmup N] [--rounds N]`.
//!
//! Compares the generated `sts` crate with `aws-sdk-sts` (+ `aws-config`) on the same machine;
//! the results are recorded in `BENCHMARKS.md`.
//!
//! * `weight` writes four scratch hello-world GetCallerIdentity programs under
//!   `target/bench-compare/` (each with its own `[workspace]`, so outside this workspace):
//!   `ours` (`stsgen-config` + `sts` by path + `tokio`: `stsgen_config::load_from_env()`, the
//!   whole default credentials chain, as `theirs` has it), `ours-env` (`sts` + `tokio` only,
//!   environment credentials: `sts::Client::from_env_vars()`), `ours-full` (`ours` with every
//!   opt-in feature of `stsgen-config` that adds credential sources or transport abilities,
//!   [`FULL_FEATURES`]: IAM Identity Center, console sign-in, TLS 1.2, the bundled root
//!   certificates; as the `sts` command builds it) and `theirs` (newest `aws-config` +
//!   `aws-sdk-sts` + `tokio`). The ratios and the targets are those of `ours` against `theirs`;
//!   `ours-env` and `ours-full` are further columns. For each it fetches the dependencies (not
//!   timed), then times a clean debug and a clean release `cargo build -j2` (a fresh target
//!   directory per project per profile), counts the crates compiled (the distinct `Compiling`
//!   lines of the debug build), strips the release binary and measures it. The builds run
//!   with `CARGO_INCREMENTAL=0`: our crates are path dependencies here, which Cargo alone
//!   compiles incrementally, and a user's build of them (from git) would not. Wall time is what the targets are about; the CPU
//!   time of the build (its processes' user + system time) and the CPU the rest of the machine
//!   used meanwhile are printed too, because other work on the machine skews wall time.
//! * `requests` writes one scratch program that runs a minimal keep-alive HTTP/1.1 server on
//!   its own thread (127.0.0.1, canned ~1.3 KB AssumeRole response) and drives both clients
//!   against it, one after the other, from a current-thread tokio runtime on the main thread:
//!   `--warmup` calls, then `--requests` sequential AssumeRole calls, for `--rounds` rounds.
//!   It reports requests per second and the client's CPU time per request: the main thread's
//!   CPU clock (`CLOCK_THREAD_CPUTIME_ID`), and as a check the process CPU time minus the
//!   server thread's.
//! * `all` (the default) runs both.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// Targets from the issue: ours at most this fraction of aws-sdk-sts + aws-config.
const TIME_SIZE_TARGET: f64 = 1.0 / 5.0;
const CRATES_TARGET: f64 = 1.0 / 3.0;

pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let requests = opt_num(&mut args, "--requests", 5000)?;
    let warmup = opt_num(&mut args, "--warmup", 500)?;
    let rounds = opt_num(&mut args, "--rounds", 3)?;
    let what = if args.is_empty() {
        "all".to_owned()
    } else {
        args.remove(0)
    };
    crate::no_more_args(&args)?;
    let root = crate::project_root();
    let out = root.join("target/bench-compare");
    fs::create_dir_all(&out)?;
    print_machine();
    match what.as_str() {
        "weight" => weight(&root, &out),
        "requests" => requests_bench(&root, &out, requests, warmup, rounds),
        "all" => {
            weight(&root, &out)?;
            requests_bench(&root, &out, requests, warmup, rounds)
        }
        other => bail!("unknown bench-compare mode `{other}` (weight, requests or all)"),
    }
}

fn opt_num(args: &mut Vec<String>, name: &str, default: u64) -> Result<u64> {
    match crate::take_opt(args, name)? {
        Some(v) => v
            .parse()
            .with_context(|| format!("{name} needs a number, got `{v}`")),
        None => Ok(default),
    }
}

fn print_machine() {
    let cmd = |p: &str, a: &[&str]| {
        Command::new(p)
            .args(a)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    println!(
        "machine: nproc {}, {}, {}",
        cmd("nproc", &[]),
        cmd("rustc", &["--version"]),
        cmd("cargo", &["--version"])
    );
    println!("load average: {}", loadavg());
}

// ---------------------------------------------------------------------------------------------
// weight

const OURS_MAIN: &str = r#"//! Hello-world GetCallerIdentity with the generated `sts` crate and the whole default
//! credentials chain of `stsgen-config` (environment, profile, web identity, container, IMDS).
//! The endpoint comes from AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL; the call need not succeed.
fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let config = match stsgen_config::load_from_env() {
            Ok(config) => config,
            Err(e) => return eprintln!("error: {e}"),
        };
        let client = sts::Client::new(config).expect("client");
        match client.get_caller_identity().send().await {
            Ok(out) => println!("{:?}", out.arn()),
            Err(e) => eprintln!("error: {e}"),
        }
    });
}
"#;

const OURS_ENV_MAIN: &str = r#"//! Hello-world GetCallerIdentity with the generated `sts` crate and environment credentials.
//! The endpoint comes from AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL; the call need not succeed.
fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let client = sts::Client::from_env_vars().expect("client");
    match rt.block_on(client.get_caller_identity().send()) {
        Ok(out) => println!("{:?}", out.arn()),
        Err(e) => eprintln!("error: {e}"),
    }
}
"#;

const THEIRS_MAIN: &str = r#"//! Hello-world GetCallerIdentity with aws-config + aws-sdk-sts.
//! The endpoint comes from AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL; the call need not succeed.
fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let cfg = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
        let client = aws_sdk_sts::Client::new(&cfg);
        match client.get_caller_identity().send().await {
            Ok(out) => println!("{:?}", out.arn()),
            Err(e) => eprintln!("error: {e}"),
        }
    });
}
"#;

/// The opt-in features of `stsgen-config` that the `ours-full` program turns on.
const FULL_FEATURES: &[&str] = &["sso", "login", "tls12", "bundled-roots"];

struct Scratch {
    name: &'static str,
    dir: PathBuf,
}

fn write_project(dir: &Path, name: &str, deps: &str, main: &str) -> Result<()> {
    fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "# Written by `cargo xtask bench-compare`; a scratch project outside the stsgen workspace.\n\
         [package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{deps}\n[workspace]\n"
    );
    fs::write(dir.join("Cargo.toml"), manifest)?;
    fs::write(dir.join("src/main.rs"), main)?;
    Ok(())
}

#[derive(Default, Clone)]
struct BuildStats {
    crates_compiled: usize,
    tree_packages: usize,
    debug: Timing,
    release: Timing,
    stripped_bytes: u64,
    unstripped_bytes: u64,
}

#[derive(Default, Clone, Copy)]
struct Timing {
    wall: Duration,
    /// User + system time of the build's processes.
    cpu: Duration,
    /// CPU time the rest of the machine used while the build ran.
    others: Duration,
}

fn weight(root: &Path, out: &Path) -> Result<()> {
    let sts_path = root.join("generated/sts");
    let config_path = root.join("config");
    let ours = Scratch {
        name: "ours",
        dir: out.join("ours"),
    };
    let ours_env = Scratch {
        name: "ours-env",
        dir: out.join("ours-env"),
    };
    let ours_full = Scratch {
        name: "ours-full",
        dir: out.join("ours-full"),
    };
    let theirs = Scratch {
        name: "theirs",
        dir: out.join("theirs"),
    };
    write_project(
        &ours.dir,
        "ours",
        &format!(
            "stsgen-config = {{ path = {:?} }}\nsts = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"rt\"] }}\n",
            config_path.to_string_lossy(),
            sts_path.to_string_lossy()
        ),
        OURS_MAIN,
    )?;
    write_project(
        &ours_env.dir,
        "ours-env",
        &format!(
            "sts = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"rt\"] }}\n",
            sts_path.to_string_lossy()
        ),
        OURS_ENV_MAIN,
    )?;
    let features: Vec<String> = FULL_FEATURES.iter().map(|f| format!("{f:?}")).collect();
    write_project(
        &ours_full.dir,
        "ours-full",
        &format!(
            "stsgen-config = {{ path = {:?}, features = [{}] }}\nsts = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"rt\"] }}\n",
            config_path.to_string_lossy(),
            features.join(", "),
            sts_path.to_string_lossy()
        ),
        OURS_MAIN,
    )?;
    write_project(
        &theirs.dir,
        "theirs",
        "aws-config = \"1\"\naws-sdk-sts = \"1\"\ntokio = { version = \"1\", features = [\"rt\"] }\n",
        THEIRS_MAIN,
    )?;

    let projects = [&ours, &ours_env, &ours_full, &theirs];
    let mut stats = Vec::new();
    for p in projects {
        // A fresh lock file: the newest compatible versions, as a new user would get.
        let _ = fs::remove_file(p.dir.join("Cargo.lock"));
        println!("{}: cargo fetch (not timed)", p.name);
        run_quiet(&p.dir, &["fetch"], &[])?;
        let tree = capture(
            &p.dir,
            &[
                "tree",
                "--offline",
                "-e",
                "normal,build",
                "--prefix",
                "none",
                "--format",
                "{p}",
            ],
        )?;
        let mut names: Vec<&str> = tree
            .lines()
            .map(|l| l.split(" v").next().unwrap_or(l).trim())
            .filter(|l| !l.is_empty())
            .collect();
        names.sort_unstable();
        names.dedup();
        stats.push(BuildStats {
            tree_packages: names.len(),
            ..Default::default()
        });
        let lock = fs::read_to_string(p.dir.join("Cargo.lock"))?;
        for krate in ["aws-config", "aws-sdk-sts", "tokio", "hyper", "rustls"] {
            if let Some(v) = locked_version(&lock, krate) {
                println!("  {krate} {v}");
            }
        }
    }
    // Interleaved so that a change in the machine's other load hits both sides alike.
    for profile in ["debug", "release"] {
        for (i, p) in projects.into_iter().enumerate() {
            let target = p.dir.join(format!("target-{profile}"));
            remove_dir(&target)?;
            println!(
                "{}: clean {profile} build (load average {})",
                p.name,
                loadavg()
            );
            let mut args = vec!["build", "-j2", "--offline", "--locked"];
            if profile == "release" {
                args.push("--release");
            }
            let (timing, stderr) = timed_build(&p.dir, &args, &target)?;
            println!(
                "  {:.1} s wall, {:.1} s CPU, others used {:.1} s CPU meanwhile",
                timing.wall.as_secs_f64(),
                timing.cpu.as_secs_f64(),
                timing.others.as_secs_f64()
            );
            let s = &mut stats[i];
            if profile == "debug" {
                let mut compiled: Vec<&str> = stderr
                    .lines()
                    .filter_map(|l| l.trim_start().strip_prefix("Compiling "))
                    .map(|l| l.split(" (").next().unwrap_or(l).trim())
                    .collect();
                compiled.sort_unstable();
                compiled.dedup();
                s.crates_compiled = compiled.len();
                s.debug = timing;
            } else {
                s.release = timing;
                let bin = target.join("release").join(p.name);
                let stripped = target.join(format!("{}-stripped", p.name));
                s.unstripped_bytes = fs::metadata(&bin)
                    .with_context(|| format!("{}", bin.display()))?
                    .len();
                let status = Command::new("strip")
                    .arg("-o")
                    .arg(&stripped)
                    .arg(&bin)
                    .status()
                    .context("running strip")?;
                if !status.success() {
                    bail!("strip {} failed", bin.display());
                }
                s.stripped_bytes = fs::metadata(&stripped)?.len();
            }
        }
    }

    let (o, e, f, t) = (&stats[0], &stats[1], &stats[2], &stats[3]);
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| Metric | ours (default chain) | ours (env only) | ours (all features) | aws-sdk-sts + aws-config | ratio (chain) | ratio (env only) | ratio (all features) | target | met (chain) |"
    );
    let _ = writeln!(table, "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|");
    let row = |table: &mut String,
               name: &str,
               value: &dyn Fn(&BuildStats) -> f64,
               fmt: &dyn Fn(f64) -> String,
               target: Option<f64>| {
        let (a, env, full, b) = (value(o), value(e), value(f), value(t));
        let ratio = a / b;
        let env_ratio = env / b;
        let full_ratio = full / b;
        let (target_s, met) = match target {
            Some(tg) => (
                format!("<= {}", frac(tg)),
                if ratio <= tg { "yes" } else { "no" },
            ),
            None => ("-".to_owned(), "-"),
        };
        let _ = writeln!(
            table,
            "| {name} | {} | {} | {} | {} | {ratio:.3} (1/{:.1}) | {env_ratio:.3} (1/{:.1}) | {full_ratio:.3} (1/{:.1}) | {target_s} | {met} |",
            fmt(a),
            fmt(env),
            fmt(full),
            fmt(b),
            1.0 / ratio,
            1.0 / env_ratio,
            1.0 / full_ratio
        );
    };
    let count = |v: f64| format!("{v:.0}");
    let secs = |v: f64| format!("{v:.1} s");
    let mib = |v: f64| format!("{:.2} MiB", v / (1024.0 * 1024.0));
    row(
        &mut table,
        "crates compiled (debug build)",
        &|s| s.crates_compiled as f64,
        &count,
        Some(CRATES_TARGET),
    );
    row(
        &mut table,
        "clean debug build, wall",
        &|s| s.debug.wall.as_secs_f64(),
        &secs,
        Some(TIME_SIZE_TARGET),
    );
    row(
        &mut table,
        "clean release build, wall",
        &|s| s.release.wall.as_secs_f64(),
        &secs,
        Some(TIME_SIZE_TARGET),
    );
    row(
        &mut table,
        "stripped release binary",
        &|s| s.stripped_bytes as f64,
        &mib,
        Some(TIME_SIZE_TARGET),
    );
    row(
        &mut table,
        "packages in `cargo tree -e normal,build`",
        &|s| s.tree_packages as f64,
        &count,
        None,
    );
    row(
        &mut table,
        "clean debug build, CPU (user+sys)",
        &|s| s.debug.cpu.as_secs_f64(),
        &secs,
        None,
    );
    row(
        &mut table,
        "clean release build, CPU (user+sys)",
        &|s| s.release.cpu.as_secs_f64(),
        &secs,
        None,
    );
    row(
        &mut table,
        "unstripped release binary",
        &|s| s.unstripped_bytes as f64,
        &mib,
        None,
    );
    println!(
        "\nBuild weight (cargo build -j2, clean, {}):\n\n{table}",
        today()
    );
    println!(
        "stripped release binaries in bytes: ours {}, ours-env {}, ours-full {}, theirs {} (1/5 of theirs: {})",
        o.stripped_bytes,
        e.stripped_bytes,
        f.stripped_bytes,
        t.stripped_bytes,
        t.stripped_bytes / 5
    );
    let others = |s: &BuildStats| {
        format!(
            "debug {:.0} s, release {:.0} s",
            s.debug.others.as_secs_f64(),
            s.release.others.as_secs_f64()
        )
    };
    println!(
        "CPU used by other processes during the builds: ours {}; ours-env {}; ours-full {}; theirs {}",
        others(o),
        others(e),
        others(f),
        others(t)
    );
    println!("load average now: {}", loadavg());
    Ok(())
}

fn frac(v: f64) -> String {
    format!("1/{:.0}", 1.0 / v)
}

fn locked_version(lock: &str, name: &str) -> Option<String> {
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    Some(lock[start..].split('"').next()?.to_owned())
}

fn remove_dir(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", dir.display()))
        }
        _ => Ok(()),
    }
}

fn run_quiet(dir: &Path, args: &[&str], envs: &[(&str, &Path)]) -> Result<()> {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(dir).args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "cargo {} failed in {}:\n{}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn capture(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(cargo()).current_dir(dir).args(args).output()?;
    if !out.status.success() {
        bail!(
            "cargo {} failed in {}:\n{}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8(out.stdout)?)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs a build with its own target directory; returns its timing and its stderr.
fn timed_build(dir: &Path, args: &[&str], target: &Path) -> Result<(Timing, String)> {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        // Cargo compiles path dependencies incrementally in the dev profile, and registry and
        // git dependencies never: our crates are path dependencies of the scratch project
        // only because they are not published, and a user gets them from git. Without this the
        // debug build of ours pays for incremental caches (about 1.7 s of 13.5 s) that no
        // user's build of it has. Both sides get it; on the other side it changes only the
        // program's own one-file crate, as on ours.
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_RUSTC_WRAPPER")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let busy0 = machine_busy()?;
    let cpu0 = children_cpu()?;
    let start = Instant::now();
    let out = cmd
        .output()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    let wall = start.elapsed();
    let cpu = children_cpu()?.saturating_sub(cpu0);
    let busy = machine_busy()?.saturating_sub(busy0);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        bail!(
            "cargo {} failed in {}:\n{stderr}",
            args.join(" "),
            dir.display()
        );
    }
    Ok((
        Timing {
            wall,
            cpu,
            others: busy.saturating_sub(cpu),
        },
        stderr,
    ))
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// User + system time of this process's waited-for children (and theirs), from /proc/self/stat.
fn children_cpu() -> Result<Duration> {
    let stat = fs::read_to_string("/proc/self/stat")?;
    let rest = &stat[stat.rfind(')').context("/proc/self/stat")? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 16 and 17 (cutime, cstime), counted from 1 with pid and comm as 1 and 2.
    let ticks: f64 = fields[13].parse::<f64>()? + fields[14].parse::<f64>()?;
    Ok(Duration::from_secs_f64(ticks / clock_ticks()))
}

/// CPU time all processors have spent busy (user, nice, system, irq, softirq, steal) since boot.
fn machine_busy() -> Result<Duration> {
    let stat = fs::read_to_string("/proc/stat")?;
    let line = stat.lines().next().context("/proc/stat")?;
    let f: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    let busy = f[0] + f[1] + f[2] + f[5] + f[6] + f.get(7).copied().unwrap_or(0.0);
    Ok(Duration::from_secs_f64(busy / clock_ticks()))
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn today() -> String {
    Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// requests

const REQUESTS_MAIN: &str = r##"//! Per-request cost of the generated `sts` client and aws-sdk-sts against the same in-process
//! HTTP/1.1 server. Written by `cargo xtask bench-compare requests`.
//!
//! The server runs on its own thread (its own current-thread tokio runtime); each client runs
//! on the main thread's current-thread runtime, so the main thread's CPU clock is the client's
//! CPU time (connection tasks are spawned onto that same runtime).
//!
//! Arguments: REQUESTS WARMUP ROUNDS.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/demo";
const KEY_ID: &str = "ASIAIOSFODNN7EXAMPLE";

fn body() -> String {
    let token = "FwoGZXIvYXdzEBYaDH7A".repeat(30);
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n\
  <AssumeRoleResult>\n\
    <SourceIdentity>DevUser123</SourceIdentity>\n\
    <AssumedRoleUser>\n\
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John-session</Arn>\n\
      <AssumedRoleId>ARO123EXAMPLE123:John-session</AssumedRoleId>\n\
    </AssumedRoleUser>\n\
    <Credentials>\n\
      <AccessKeyId>{KEY_ID}</AccessKeyId>\n\
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n\
      <SessionToken>{token}</SessionToken>\n\
      <Expiration>2030-01-01T00:00:00Z</Expiration>\n\
    </Credentials>\n\
    <PackedPolicySize>6</PackedPolicySize>\n\
  </AssumeRoleResult>\n\
  <ResponseMetadata>\n\
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n\
  </ResponseMetadata>\n\
</AssumeRoleResponse>\n"
    )
}

fn clock(id: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid out-pointer.
    let rc = unsafe { libc::clock_gettime(id, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

static SERVED: AtomicU64 = AtomicU64::new(0);

/// Starts the server thread; returns its port and its thread CPU clock.
fn start_server(response: Vec<u8>) -> (u16, libc::clockid_t) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let mut clock: libc::clockid_t = 0;
                // SAFETY: the current thread's handle and a valid out-pointer.
                let rc = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) };
                assert_eq!(rc, 0, "pthread_getcpuclockid");
                tx.send((listener.local_addr().unwrap().port(), clock)).unwrap();
                let response: Arc<[u8]> = response.into();
                loop {
                    let (socket, _) = listener.accept().await.unwrap();
                    tokio::spawn(serve(socket, response.clone()));
                }
            });
        })
        .unwrap();
    rx.recv().unwrap()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    let head = std::str::from_utf8(head).unwrap_or("");
    head.split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}

/// A minimal keep-alive HTTP/1.1 server: reads the headers and a `Content-Length` body,
/// answers every request with the canned response.
async fn serve(mut socket: tokio::net::TcpStream, response: Arc<[u8]>) {
    socket.set_nodelay(true).unwrap();
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let need = head_end + content_length(&buf[..head_end]);
        while buf.len() < need {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let ok = buf.starts_with(b"POST ") && find(&buf[head_end..need], b"Action=AssumeRole").is_some();
        buf.drain(..need);
        if !ok {
            let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
            continue;
        }
        SERVED.fetch_add(1, Ordering::Relaxed);
        if socket.write_all(&response).await.is_err() {
            return;
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Sample {
    wall: Duration,
    thread_cpu: Duration,
    process_cpu_minus_server: Duration,
}

async fn measure<F, Fut>(n: u64, warmup: u64, server_clock: libc::clockid_t, mut call: F) -> Sample
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..warmup {
        call().await;
    }
    let served0 = SERVED.load(Ordering::Relaxed);
    let (w0, t0, p0, s0) = (Instant::now(), clock(libc::CLOCK_THREAD_CPUTIME_ID), clock(libc::CLOCK_PROCESS_CPUTIME_ID), clock(server_clock));
    for _ in 0..n {
        call().await;
    }
    let (w1, t1, p1, s1) = (Instant::now(), clock(libc::CLOCK_THREAD_CPUTIME_ID), clock(libc::CLOCK_PROCESS_CPUTIME_ID), clock(server_clock));
    let served = SERVED.load(Ordering::Relaxed) - served0;
    assert_eq!(served, n, "the server saw {served} requests for {n} calls (retries?)");
    Sample { wall: w1 - w0, thread_cpu: t1 - t0, process_cpu_minus_server: (p1 - p0).saturating_sub(s1 - s0) }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse().expect("numeric arguments")).collect();
    let (n, warmup, rounds) = (args.first().copied().unwrap_or(5000), args.get(1).copied().unwrap_or(500), args.get(2).copied().unwrap_or(3));
    let body = body();
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nx-amzn-RequestId: c6104cbe-af31-11e0-8154-cbc7ccf896c7\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body.as_bytes());
    let (port, server_clock) = start_server(response);
    let endpoint = format!("http://127.0.0.1:{port}");
    println!("server: 127.0.0.1:{port}, response body {} bytes; {n} requests after {warmup} warm-up calls, {rounds} rounds", body.len());

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    let ours = {
        let mut config = sts::Config::new();
        config.region = Some("us-east-1".into());
        config.endpoint_url = Some(endpoint.clone());
        config.credentials = Some(Arc::new(sts::runtime::credentials::StaticCredentials::new("AKIDEXAMPLE", "secret", None)));
        sts::Client::new(config).expect("client")
    };
    let theirs = {
        use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region};
        let conf = aws_sdk_sts::config::Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint.clone())
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "bench"))
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    };

    let mut samples: [Vec<Sample>; 2] = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        let o = rt.block_on(measure(n, warmup, server_clock, || {
            let ours = &ours;
            async move {
            let out = ours.assume_role().role_arn(ROLE_ARN).role_session_name("bench").send().await.expect("ours: AssumeRole");
            assert_eq!(out.credentials().map(|c| c.access_key_id()), Some(KEY_ID));
            }
        }));
        let t = rt.block_on(measure(n, warmup, server_clock, || {
            let theirs = &theirs;
            async move {
            let out = theirs.assume_role().role_arn(ROLE_ARN).role_session_name("bench").send().await.expect("aws-sdk-sts: AssumeRole");
            assert_eq!(out.credentials().map(|c| c.access_key_id()), Some(KEY_ID));
            }
        }));
        for (name, s) in [("ours", o), ("aws-sdk-sts", t)] {
            println!(
                "round {}: {name:<12} {:>8.0} req/s  {:>6.1} µs CPU/req (thread)  {:>6.1} µs CPU/req (process - server)",
                round + 1,
                n as f64 / s.wall.as_secs_f64(),
                s.thread_cpu.as_secs_f64() * 1e6 / n as f64,
                s.process_cpu_minus_server.as_secs_f64() * 1e6 / n as f64
            );
        }
        samples[0].push(o);
        samples[1].push(t);
    }
    let stat = |i: usize| {
        let s = &samples[i];
        (
            median(s.iter().map(|s| n as f64 / s.wall.as_secs_f64()).collect()),
            median(s.iter().map(|s| s.thread_cpu.as_secs_f64() * 1e6 / n as f64).collect()),
            median(s.iter().map(|s| s.process_cpu_minus_server.as_secs_f64() * 1e6 / n as f64).collect()),
        )
    };
    let (o, t) = (stat(0), stat(1));
    println!("\nPer-request cost (median of {rounds} rounds of {n} sequential AssumeRole calls, current-thread runtime):\n");
    println!("| Metric | ours (`sts`) | aws-sdk-sts | ratio | target | met |");
    println!("|---|---:|---:|---:|---:|:---:|");
    println!("| requests/s (one client thread) | {:.0} | {:.0} | {:.2}x | - | - |", o.0, t.0, o.0 / t.0);
    let ratio = o.1 / t.1;
    println!(
        "| client CPU µs/request (thread clock) | {:.1} | {:.1} | {:.3} (1/{:.1}) | <= 1/2 | {} |",
        o.1, t.1, ratio, 1.0 / ratio, if ratio <= 0.5 { "yes" } else { "no" }
    );
    let ratio = o.2 / t.2;
    println!(
        "| client CPU µs/request (process - server thread) | {:.1} | {:.1} | {:.3} (1/{:.1}) | <= 1/2 | {} |",
        o.2, t.2, ratio, 1.0 / ratio, if ratio <= 0.5 { "yes" } else { "no" }
    );
}
"##;

fn requests_bench(root: &Path, out: &Path, requests: u64, warmup: u64, rounds: u64) -> Result<()> {
    let dir = out.join("requests");
    let sts_path = root.join("generated/sts");
    write_project(
        &dir,
        "reqbench",
        &format!(
            "sts = {{ path = {:?} }}\n\
             aws-sdk-sts = \"1\"\n\
             tokio = {{ version = \"1\", features = [\"rt\", \"net\", \"io-util\", \"time\"] }}\n\
             libc = \"0.2\"\n",
            sts_path.to_string_lossy()
        ),
        REQUESTS_MAIN,
    )?;
    let target = dir.join("target");
    println!("requests: building the benchmark program (release; first build takes minutes)");
    run_quiet(
        &dir,
        &["build", "--release", "-j2"],
        &[("CARGO_TARGET_DIR", &target)],
    )?;
    let lock = fs::read_to_string(dir.join("Cargo.lock"))?;
    for krate in ["aws-sdk-sts", "aws-smithy-runtime", "hyper", "tokio"] {
        if let Some(v) = locked_version(&lock, krate) {
            println!("  {krate} {v}");
        }
    }
    println!("load average before the run: {}", loadavg());
    let status = Command::new(target.join("release/reqbench"))
        .args([requests.to_string(), warmup.to_string(), rounds.to_string()])
        .status()
        .context("running the request benchmark")?;
    if !status.success() {
        bail!("the request benchmark failed");
    }
    println!("load average after the run: {}", loadavg());
    Ok(())
}
