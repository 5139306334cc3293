//! `cargo xtask test`: every test the project has, in one command.
//!
//! Steps: generated-code freshness; no import cycles in the hand-written crates; the workspace's tests;
//! end-to-end tests against a local moto server; generated crates of other services against moto; botocore's protocol test suites; clippy with `-D warnings`
//! (generated code included); rustdoc of the generated crates, the runtime and stsgen-config with `-D warnings`; fixture
//! models generated as standalone crates that must pass clippy and their generated tests.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::{no_more_args, project_root, run_step};

fn fixture_crates(root: &Path) -> Result<()> {
    let fixtures = root.join("tests/fixtures/models");
    let mut models: Vec<_> = std::fs::read_dir(&fixtures)
        .with_context(|| format!("listing {}", fixtures.display()))?
        .collect::<Result<_, _>>()?;
    models.sort_by_key(|e| e.file_name());
    let target_dir = root.join("target/fixture-check");
    let target_dir = target_dir.to_string_lossy().into_owned();
    let runtime = root
        .join("runtime")
        .canonicalize()?
        .to_string_lossy()
        .into_owned();
    for entry in models {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture")
            .to_owned();
        let out = root.join("target/fixture-crates").join(&name);
        let inputs = codegen::Inputs {
            service_model: std::fs::read_to_string(&path)?,
            privileges: None,
            endpoint_rules: None,
            partitions: None,
            options: codegen::Options {
                crate_name: Some(name.clone()),
                runtime_path: runtime.clone(),
                standalone: true,
                // Members a model update retired (`<name>.retired`), to prove their accessors compile.
                retired: match std::fs::read_to_string(path.with_extension("retired")) {
                    Ok(text) => codegen::retired::parse(&text)?,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                    Err(e) => return Err(e).context("reading the fixture's retired members"),
                },
                ..Default::default()
            },
        };
        let krate =
            codegen::generate(&inputs).with_context(|| format!("generating fixture {name}"))?;
        if out.exists() {
            std::fs::remove_dir_all(&out)?;
        }
        krate.write_to(&out)?;
        // Hand-written behaviour tests for this fixture, if any, run as the crate's integration tests.
        let behaviour = root
            .join("tests/fixtures/crate_tests")
            .join(format!("{name}.rs"));
        if behaviour.exists() {
            std::fs::create_dir_all(out.join("tests"))?;
            std::fs::copy(&behaviour, out.join("tests/behaviour.rs"))
                .with_context(|| format!("copying {}", behaviour.display()))?;
        }
        println!("== fixture crate {name}: clippy -D warnings, tests, rustdoc -D warnings");
        let env = [("CARGO_TARGET_DIR", target_dir.as_str())];
        // `--workspace`: the crate and its generated command line (cli/).
        run_step(
            &out,
            "cargo",
            &[
                "clippy",
                "--quiet",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            &env,
        )?;
        // `blocking`: behaviour tests may drive the (blocking) client without an async runtime.
        run_step(
            &out,
            "cargo",
            &["test", "--quiet", "--workspace", "--features", "blocking"],
            &env,
        )?;
        run_step(
            &out,
            "cargo",
            &["doc", "--quiet", "--no-deps", "--workspace"],
            &[
                ("CARGO_TARGET_DIR", target_dir.as_str()),
                ("RUSTDOCFLAGS", "-D warnings"),
            ],
        )?;
    }
    Ok(())
}

pub fn run(args: &[String]) -> Result<()> {
    no_more_args(args)?;
    let root = project_root();
    let started = Instant::now();
    let mut steps = 0;

    println!("== generated code is fresh (cargo xtask codegen --check)");
    crate::codegen_cmd::run(&["--check".to_owned()])?;
    steps += 1;

    println!(
        "== no import cycles between the files of the hand-written crates (cargo xtask imports)"
    );
    let dirs = [
        "vocab/src",
        "runtime/src",
        "codegen/src",
        "config/src",
        "config/cli/src",
        "xtask/src",
    ];
    crate::imports::run(&dirs.map(str::to_owned))?;
    steps += 1;

    println!("== cargo test --workspace");
    run_step(
        &root,
        "cargo",
        &["test", "--workspace", "--no-fail-fast"],
        &[],
    )?;
    steps += 1;

    println!("== transport load tests, small size (tests/tests/transport_load.rs; STSGEN_LOAD_OPS=2000 is the full size)");
    run_step(
        &root,
        "cargo",
        &[
            "test",
            "-p",
            "stsgen-tests",
            "--test",
            "transport_load",
            "--",
            "--ignored",
            "--test-threads=1",
        ],
        &[("STSGEN_LOAD_OPS", "200")],
    )?;
    steps += 1;

    println!("== the fault-injection suite through an HTTP proxy (STSGEN_FAULTS_VIA_PROXY=1, tests/tests/faults.rs)");
    run_step(
        &root,
        "cargo",
        &["test", "-p", "stsgen-tests", "--test", "faults"],
        &[("STSGEN_FAULTS_VIA_PROXY", "1")],
    )?;
    steps += 1;

    println!("== end-to-end tests against moto {} (tests/tests/e2e_moto.rs; via_proxy: through an HTTP proxy)", crate::moto::MOTO_VERSION);
    crate::moto::run_e2e(&root)?;
    steps += 1;

    println!("== generated IAM, SNS, SimpleDB, DynamoDB, KMS and EKS crates against moto (tests/e2e_services/)");
    crate::e2e_services::run(&root, &[])?;
    steps += 1;

    println!("== botocore protocol test suites (cargo xtask protocol-tests)");
    let suites: Vec<String> = [
        "tests/data/protocols/input/query.json",
        "tests/data/protocols/output/query.json",
        "tests/data/protocols/input/json.json",
        "tests/data/protocols/output/json.json",
        "tests/data/protocols/input/json_1_0.json",
        "tests/data/protocols/output/json_1_0.json",
        "tests/data/protocols/input/rest-json.json",
        "tests/data/protocols/output/rest-json.json",
    ]
    .iter()
    .map(|p| root.join(p).to_string_lossy().into_owned())
    .collect();
    crate::protocol_tests::run(&suites)?;
    steps += 1;

    println!("== cargo clippy --workspace --all-targets -- -D warnings");
    run_step(
        &root,
        "cargo",
        &[
            "clippy",
            "--quiet",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    steps += 1;

    // The workspace build unifies features (the `sts` command turns on `sso`, `login`, `tls12`
    // and `bundled-roots`); what a library user gets by default is checked on its own.
    println!(
        "== stsgen-runtime and stsgen-config with their default features (TLS 1.3 only, system roots, no `sso`, no `login`): clippy -D warnings, tests"
    );
    run_step(
        &root,
        "cargo",
        &[
            "clippy",
            "--quiet",
            "-p",
            "stsgen-runtime",
            "-p",
            "stsgen-config",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    run_step(
        &root,
        "cargo",
        &[
            "test",
            "--quiet",
            "-p",
            "stsgen-runtime",
            "-p",
            "stsgen-config",
        ],
        &[],
    )?;
    steps += 1;

    println!("== rustdoc of the generated crates, the runtime and stsgen-config with -D warnings");
    run_step(
        &root,
        "cargo",
        &[
            "doc",
            "--quiet",
            "--no-deps",
            "-p",
            "sts",
            "-p",
            "sts-cli",
            "-p",
            "sso",
            "-p",
            "ssooidc",
            "-p",
            "signin",
            "-p",
            "signin-cli",
            "-p",
            "stsgen-config",
            "-p",
            "stsgen-runtime",
            "--features",
            "stsgen-runtime/cli",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    steps += 1;

    fixture_crates(&root)?;
    steps += 1;

    println!(
        "all {steps} test steps succeeded in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
