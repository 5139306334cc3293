//! `cargo xtask codegen [--check]` and `cargo xtask codegen --model FILE ... --out DIR`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use codegen::{FileChange, GeneratedCrate, Inputs, Options};

use crate::{no_more_args, project_root, take_flag, take_opt};

/// The services this repository generates into `generated/`.
pub struct Target {
    /// Crate directory under the project root.
    pub out: &'static str,
    /// Service model under the project root.
    pub model: &'static str,
    /// Privilege model section.
    pub privileges: Option<&'static str>,
    /// Endpoint rule set.
    pub endpoint_rules: Option<&'static str>,
    /// Crate name.
    pub crate_name: &'static str,
}

/// Everything `cargo xtask codegen` regenerates.
pub const TARGETS: &[Target] = &[Target {
    out: "generated/sts",
    model: "model/sts/service-2.json",
    privileges: Some("model/iam/sts.json"),
    endpoint_rules: Some("model/sts/endpoint-rule-set-1.json"),
    crate_name: "sts",
}];

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Hand-written top-level modules of a generated crate: files under `src/` without the `@generated` marker.
fn custom_modules(crate_dir: &Path) -> Result<Vec<String>> {
    let src = crate_dir.join("src");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&src) else { return Ok(out) };
    let mut entries: Vec<_> = entries.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let (module, file) = if path.is_dir() {
            (name.clone(), path.join("mod.rs"))
        } else if let Some(stem) = name.strip_suffix(".rs") {
            (stem.to_owned(), path.clone())
        } else {
            continue;
        };
        if module == "lib" || !file.exists() {
            continue;
        }
        if !codegen::render::is_generated(&read(&file)?) {
            out.push(module);
        }
    }
    Ok(out)
}

/// Generates one in-repo target in memory.
pub fn generate_target(root: &Path, t: &Target) -> Result<GeneratedCrate> {
    let out = root.join(t.out);
    let inputs = Inputs {
        service_model: read(&root.join(t.model))?,
        privileges: t.privileges.map(|p| read(&root.join(p))).transpose()?,
        endpoint_rules: t.endpoint_rules.map(|p| read(&root.join(p))).transpose()?,
        partitions: Some(read(&root.join("model/partitions.json"))?),
        options: Options {
            crate_name: Some(t.crate_name.to_owned()),
            runtime_path: "../../runtime".to_owned(),
            custom_modules: custom_modules(&out)?,
            ..Options::default()
        },
    };
    codegen::generate(&inputs).with_context(|| format!("generating {} from {}", t.out, t.model))
}

/// A readable unified diff of the changes.
pub fn describe_changes(changes: &[FileChange]) -> String {
    let mut text = String::new();
    for change in changes {
        match change {
            FileChange::Added { path, .. } => text.push_str(&format!("+++ {path} (new file, not on disk)\n")),
            FileChange::Removed { path, .. } => text.push_str(&format!("--- {path} (on disk, no longer generated)\n")),
            FileChange::Changed { path, old, new } => {
                let diff = similar::TextDiff::from_lines(old, new);
                text.push_str(
                    &diff
                        .unified_diff()
                        .context_radius(3)
                        .header(&format!("a/{path} (on disk)"), &format!("b/{path} (generated)"))
                        .to_string(),
                );
            }
        }
    }
    text
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
        let Some(out) = out else { bail!("--model needs --out DIR") };
        let started = Instant::now();
        let out = PathBuf::from(out);
        let runtime = root.join("runtime").canonicalize().context("locating runtime/")?;
        let inputs = Inputs {
            service_model: read(Path::new(&model))?,
            privileges: privileges.map(|p| read(Path::new(&p))).transpose()?,
            endpoint_rules: endpoint_rules.map(|p| read(Path::new(&p))).transpose()?,
            partitions: Some(read(&partitions.map(PathBuf::from).unwrap_or_else(|| root.join("model/partitions.json")))?),
            options: Options {
                crate_name,
                runtime_path: runtime.to_string_lossy().into_owned(),
                standalone: true,
                custom_modules: custom_modules(&out)?,
                ..Options::default()
            },
        };
        let krate = codegen::generate(&inputs).with_context(|| format!("generating from {model}"))?;
        if check {
            return check_changes(&krate, &out, started);
        }
        krate.write_to(&out)?;
        println!("generated {} files into {} in {:.3} s", krate.files.len(), out.display(), started.elapsed().as_secs_f64());
        return Ok(());
    }
    if out.is_some() || privileges.is_some() || endpoint_rules.is_some() || crate_name.is_some() || partitions.is_some() {
        bail!("--out, --privileges, --endpoint-rules, --partitions and --crate-name go with --model");
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
        println!("{} is up to date ({} files, checked in {:.3} s)", dir.display(), krate.files.len(), started.elapsed().as_secs_f64());
        Ok(())
    } else {
        eprint!("{}", describe_changes(&changes));
        bail!("{} is stale: {} file(s) differ; run `cargo xtask codegen`", dir.display(), changes.len())
    }
}
