//! `cargo xtask bench [--quick] [FILTER]`: runs every benchmark group and prints one summary
//! table (the median of each benchmark).
//!
//! Each group is one function returning [`Row`]s, so a new group (build weight against
//! aws-sdk-sts, ...) is one more function and one more line in [`run`].
//!
//! - `--quick`: criterion's quick mode (fewer samples; for a smoke run, not for figures).
//! - `FILTER`: only benchmarks whose id contains it (criterion's filter), e.g. `parse_output`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::{no_more_args, project_root, take_flag};

/// The AssumeRole response parse target from the issue.
const PARSE_TARGET_NS: f64 = 2_000.0;

/// One line of the summary table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The bench group (`wire`, ...).
    pub group: String,
    /// The benchmark's id within the group.
    pub bench: String,
    /// The measured value, formatted with its unit.
    pub value: String,
    /// Anything worth saying next to it (a target, a comparison).
    pub note: String,
}

/// Options every group gets.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Criterion's quick mode.
    pub quick: bool,
    /// Only benchmarks whose id contains this.
    pub filter: Option<String>,
}

pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let quick = take_flag(&mut args, "--quick");
    let filter = match args.first() {
        Some(a) if !a.starts_with('-') => Some(args.remove(0)),
        _ => None,
    };
    no_more_args(&args)?;
    let options = BenchOptions { quick, filter };
    let root = project_root();

    let mut rows = Vec::new();
    rows.extend(wire(&root, &options)?);

    println!();
    print!("{}", table(&rows));
    Ok(())
}

/// The wire group: criterion benches of the generated STS crate (`bench/benches/wire.rs`):
/// serialising an AssumeRole input, parsing an AssumeRole response and an error response.
pub fn wire(root: &Path, options: &BenchOptions) -> Result<Vec<Row>> {
    let ids = criterion_bench(root, "stsgen-bench", options)?;
    let home = criterion_home(root);
    let mut rows = Vec::new();
    for id in ids {
        let median = criterion_median_ns(&home, &id)?;
        let note = if id.ends_with("parse_output") {
            let verdict = if median < PARSE_TARGET_NS {
                "meets"
            } else {
                "misses"
            };
            format!("{verdict} the {} target", format_ns(PARSE_TARGET_NS))
        } else {
            String::new()
        };
        rows.push(Row {
            group: "wire".to_owned(),
            bench: id,
            value: format_ns(median),
            note,
        });
    }
    Ok(rows)
}

/// Where criterion writes its results (`CRITERION_HOME` is set for the bench run).
fn criterion_home(root: &Path) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        root.join(target)
    };
    target.join("criterion")
}

/// Runs `cargo bench -p package`, echoing its output, and returns the ids of the benchmarks
/// it measured, in order.
fn criterion_bench(root: &Path, package: &str, options: &BenchOptions) -> Result<Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["bench", "-p", package, "--"])
        .env("CRITERION_HOME", criterion_home(root));
    if options.quick {
        cmd.arg("--quick");
    }
    if let Some(f) = &options.filter {
        cmd.arg(f);
    }
    eprintln!("running {cmd:?}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("running cargo bench -p {package}"))?;
    let stdout = child.stdout.take().context("cargo bench stdout")?;
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        lines.push(line);
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("cargo bench -p {package} failed ({status})");
    }
    let ids = bench_ids(&lines);
    if ids.is_empty() {
        bail!(
            "cargo bench -p {package} measured no benchmark (filter {:?})",
            options.filter
        );
    }
    Ok(ids)
}

/// Benchmark ids from criterion's report: the text before `time:`, or the line before it
/// when the id is too long to share the line.
fn bench_ids(lines: &[String]) -> Vec<String> {
    let mut ids = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("time:") else {
            continue;
        };
        if !line[at..]
            .trim_start_matches("time:")
            .trim_start()
            .starts_with('[')
        {
            continue;
        }
        let before = line[..at].trim();
        let id = if before.is_empty() {
            i.checked_sub(1).map(|p| lines[p].trim()).unwrap_or("")
        } else {
            before
        };
        // `change:` (and its `time:` line) compares with the previous run.
        if !id.is_empty() && !id.ends_with(':') && !id.starts_with("Benchmarking") {
            ids.push(id.to_owned());
        }
    }
    ids
}

/// The median (ns) criterion recorded for `id` (`<home>/<id>/new/estimates.json`).
fn criterion_median_ns(home: &Path, id: &str) -> Result<f64> {
    let path = id
        .split('/')
        .fold(home.to_path_buf(), |p, part| p.join(part))
        .join("new/estimates.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    json["median"]["point_estimate"]
        .as_f64()
        .with_context(|| format!("{}: no median.point_estimate", path.display()))
}

/// Nanoseconds with a unit that keeps three or four significant digits.
fn format_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.3} µs", ns / 1_000.0)
    } else if ns < 1_000_000_000.0 {
        format!("{:.3} ms", ns / 1_000_000.0)
    } else {
        format!("{:.3} s", ns / 1_000_000_000.0)
    }
}

/// The summary table (Markdown, so it pastes into issues as is).
fn table(rows: &[Row]) -> String {
    let headers = ["group", "benchmark", "median", "note"];
    let cells: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| [r.group.as_str(), &r.bench, &r.value, &r.note])
        .collect();
    let width = |i: usize| {
        cells
            .iter()
            .map(|c| c[i].chars().count())
            .chain([headers[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    let line = |c: [&str; 4]| {
        let padded: Vec<String> = c
            .iter()
            .zip(widths)
            .map(|(s, w)| format!("{s}{}", " ".repeat(w - s.chars().count())))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(headers);
    let rules: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    out.push_str(&format!("|-{}-|\n", rules.join("-|-")));
    for c in cells {
        out.push_str(&line(c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_criterion_output() {
        let lines: Vec<String> = [
            "Benchmarking assume_role/serialize_body: Analyzing",
            "assume_role/serialize_body",
            "                        time:   [3.8316 µs 3.9858 µs 4.1637 µs]",
            "assume_role/parse_error time:   [7.9202 µs 8.1543 µs 8.4360 µs]",
            "                        thrpt:  [118.54 Kelem/s 122.64 Kelem/s 126.26 Kelem/s]",
            "                 change:",
            "                        time:   [−44.421% −41.569% −38.736%] (p = 0.00 < 0.05)",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            bench_ids(&lines),
            ["assume_role/serialize_body", "assume_role/parse_error"]
        );
    }

    #[test]
    fn units_and_table() {
        assert_eq!(format_ns(812.34), "812.3 ns");
        assert_eq!(format_ns(1_234.5), "1.234 µs");
        assert_eq!(format_ns(2_500_000.0), "2.500 ms");
        let rows = [Row {
            group: "wire".into(),
            bench: "a/b".into(),
            value: "1.000 µs".into(),
            note: String::new(),
        }];
        assert_eq!(
            table(&rows),
            "| group | benchmark | median   | note |\n|-------|-----------|----------|------|\n| wire  | a/b       | 1.000 µs |      |\n"
        );
    }
}
