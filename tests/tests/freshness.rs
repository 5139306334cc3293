//! `cargo test` alone catches a stale generated crate: regenerate in memory and compare.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

#[test]
fn generated_crates_are_fresh() {
    let root = root();
    for target in codegen::repo::TARGETS {
        let krate = codegen::repo::generate_target(&root, target).expect("generation succeeds");
        let changes = krate
            .changes_against(&root.join(target.out))
            .expect("reading generated/");
        assert!(
            changes.is_empty(),
            "{} is stale; run `cargo xtask codegen`:\n{}",
            target.out,
            codegen::repo::describe_changes(&changes)
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let root = root();
    for target in codegen::repo::TARGETS {
        let a = codegen::repo::generate_target(&root, target).expect("first run");
        let b = codegen::repo::generate_target(&root, target).expect("second run");
        assert_eq!(a, b, "two runs over {} differ", target.model);
    }
}

#[test]
fn every_generated_file_has_the_header() {
    let root = root();
    for target in codegen::repo::TARGETS {
        let krate = codegen::repo::generate_target(&root, target).expect("generation succeeds");
        assert!(krate.files.len() > 5);
        for (path, text) in &krate.files {
            assert!(
                codegen::render::is_generated(text),
                "{path} lacks the @generated header"
            );
        }
    }
}

/// Every file under `dir`, by its `/`-separated path relative to `dir`, with its contents.
fn files_under(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in
            std::fs::read_dir(&d).unwrap_or_else(|e| panic!("listing {}: {e}", d.display()))
        {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("under dir")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned());
                let rel = rel.collect::<Vec<_>>().join("/");
                out.insert(
                    rel,
                    std::fs::read(&path)
                        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display())),
                );
            }
        }
    }
    out
}

/// `generated/` holds only what the generator writes: `rm -rf generated/<crate>` followed by
/// `cargo xtask codegen` gives the same tree back, byte for byte. Written into an empty
/// directory, the generated files are exactly the files on disk.
#[test]
fn regenerating_into_an_empty_directory_reproduces_generated() {
    let root = root();
    for target in codegen::repo::TARGETS {
        let krate = codegen::repo::generate_target(&root, target).expect("generation succeeds");
        let empty = std::env::temp_dir().join(format!(
            "stsgen-regen-{}-{}",
            std::process::id(),
            target.crate_name
        ));
        let _ = std::fs::remove_dir_all(&empty);
        std::fs::create_dir_all(&empty).expect("a temporary directory");
        krate
            .write_to(&empty)
            .expect("writing into an empty directory");
        let written = files_under(&empty);
        let on_disk = files_under(&root.join(target.out));
        std::fs::remove_dir_all(&empty).expect("removing the temporary directory");
        let names =
            |m: &std::collections::BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            names(&written),
            names(&on_disk),
            "{}: the files on disk are not the generated ones",
            target.out
        );
        for (path, bytes) in &written {
            assert!(
                on_disk[path] == *bytes,
                "{}/{path} differs from what the generator writes",
                target.out
            );
        }
    }
}
