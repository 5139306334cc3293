//! `cargo xtask codegen [--check]` and `cargo xtask codegen --model FILE ... --out DIR`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use codegen::repo::{describe_changes, generate_target, TARGETS};
use codegen::{GeneratedCrate, Inputs, Options};

use crate::{no_more_args, project_root, take_flag, take_opt};

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

pub fn run(args: &[String]) -> Result<()> {
    let mut args = args.to_vec();
    let check = take_flag(&mut args, "--check");
    let model = take_opt(&mut args, "--model")?;
    let privileges = take_opt(&mut args, "--privileges")?;
    let endpoint_rules = take_opt(&mut args, "--endpoint-rules")?;
    let partitions = take_opt(&mut args, "--partitions")?;
    let crate_name = take_opt(&mut args, "--crate-name")?;
    let out = take_opt(&mut args, "--out")?;
    no_more_args(&args)?;
    let root = project_root();

    if let Some(model) = model {
        let Some(out) = out else {
            bail!("--model needs --out DIR")
        };
        let started = Instant::now();
        let out = PathBuf::from(out);
        let runtime = root
            .join("runtime")
            .canonicalize()
            .context("locating runtime/")?;
        let inputs = Inputs {
            service_model: read(Path::new(&model))?,
            privileges: privileges.map(|p| read(Path::new(&p))).transpose()?,
            endpoint_rules: endpoint_rules.map(|p| read(Path::new(&p))).transpose()?,
            partitions: Some(read(
                &partitions
                    .map(PathBuf::from)
                    .unwrap_or_else(|| root.join("model/partitions.json")),
            )?),
            options: Options {
                crate_name,
                runtime_path: runtime.to_string_lossy().into_owned(),
                standalone: true,
                ..Options::default()
            },
        };
        let krate =
            codegen::generate(&inputs).with_context(|| format!("generating from {model}"))?;
        if check {
            return check_changes(&krate, &out, started);
        }
        krate.write_to(&out)?;
        println!(
            "generated {} files into {} in {:.3} s",
            krate.files.len(),
            out.display(),
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    if out.is_some()
        || privileges.is_some()
        || endpoint_rules.is_some()
        || crate_name.is_some()
        || partitions.is_some()
    {
        bail!(
            "--out, --privileges, --endpoint-rules, --partitions and --crate-name go with --model"
        );
    }

    for t in TARGETS {
        let started = Instant::now();
        let krate = generate_target(&root, t)?;
        let dir = root.join(t.out);
        if check {
            check_changes(&krate, &dir, started)?;
        } else {
            let changes = krate.changes_against(&dir)?;
            krate.write_to(&dir)?;
            println!(
                "generated {} ({} files, {} changed) in {:.3} s",
                t.out,
                krate.files.len(),
                changes.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}

fn check_changes(krate: &GeneratedCrate, dir: &Path, started: Instant) -> Result<()> {
    let changes = krate.changes_against(dir)?;
    if changes.is_empty() {
        println!(
            "{} is up to date ({} files, checked in {:.3} s)",
            dir.display(),
            krate.files.len(),
            started.elapsed().as_secs_f64()
        );
        Ok(())
    } else {
        eprint!("{}", describe_changes(&changes));
        bail!(
            "{} is stale: {} file(s) differ; run `cargo xtask codegen`",
            dir.display(),
            changes.len()
        )
    }
}
