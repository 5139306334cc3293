//! `cargo test` alone catches a stale generated crate: regenerate in memory and compare.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

#[test]
fn generated_crates_are_fresh() {
    let root = root();
    for target in codegen::repo::TARGETS {
        let krate = codegen::repo::generate_target(&root, target).expect("generation succeeds");
        let changes = krate.changes_against(&root.join(target.out)).expect("reading generated/");
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
            assert!(codegen::render::is_generated(text), "{path} lacks the @generated header");
        }
    }
}
