//! End-to-end tests of generated crates for services other than STS, against moto.
//!
//! `cargo xtask update-model` vendors the models listed in [`SERVICES`] under
//! `model/e2e/<service>/` (service model and endpoint rule set). They are test data, not shipped
//! crates: nothing under `generated/` comes from them, so `cargo xtask codegen --check`, the
//! freshness test and `api-diff` do not see them.
//!
//! At test time (`cargo xtask test`, or `cargo xtask e2e-services` on its own) each model is
//! generated as a standalone crate into `target/e2e-crates/<service>`, with the hand-written
//! behaviour tests `tests/e2e_services/<service>.rs` (and the helpers in
//! `tests/e2e_services/common.rs`) copied in as its integration test, built and checked with
//! `clippy -D warnings` (its tests included). One moto server runs for
//! all of them, with signature and IAM policy checking switched on once an administrator key
//! exists: the tests sign every call with that key (`STSGEN_E2E_URL`,
//! `STSGEN_E2E_ACCESS_KEY_ID`, `STSGEN_E2E_SECRET_ACCESS_KEY`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};

use crate::moto::MotoServer;
use crate::run_step;

/// One service whose generated crate is tested end to end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Service {
    /// botocore's directory name under `botocore/data/`, also the generated crate's name.
    pub name: &'static str,
    /// The API version directory vendored.
    pub api_version: &'static str,
}

/// The services, as data: adding one here vendors its model on the next `update-model` and
/// tests it once `tests/e2e_services/<name>.rs` exists.
pub(crate) const SERVICES: &[Service] = &[
    Service {
        name: "iam",
        api_version: "2010-05-08",
    },
    Service {
        name: "sns",
        api_version: "2010-03-31",
    },
    Service {
        name: "sdb",
        api_version: "2009-04-15",
    },
    Service {
        name: "dynamodb",
        api_version: "2012-08-10",
    },
    Service {
        name: "kms",
        api_version: "2014-11-01",
    },
    Service {
        name: "eks",
        api_version: "2017-11-01",
    },
];

/// Where a service's vendored files live, relative to the project root.
pub(crate) fn model_dir(service: &Service) -> String {
    format!("model/e2e/{}", service.name)
}

/// The IAM user whose key signs every call of the tests (an inline policy allows everything).
const ADMIN_USER: &str = "stsgen-e2e-admin";

/// Creates the administrator's user, policy and key while moto checks nothing, then switches
/// checking on (`POST /moto-api/reset-auth` with `0`: no more unchecked requests) and prints the
/// key id and secret on two lines. Runs with the python of moto's virtualenv, which has boto3
/// (a dependency of moto): set-up only; nothing under test goes through it.
const SETUP: &str = r#"
import json, sys, urllib.request
import boto3
url, user = sys.argv[1], sys.argv[2]
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="AKIAE2ESETUP00000000", aws_secret_access_key="unchecked")
iam.create_user(UserName=user)
policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
iam.put_user_policy(UserName=user, PolicyName="everything", PolicyDocument=json.dumps(policy))
key = iam.create_access_key(UserName=user)["AccessKey"]
# text/plain: moto reads a form-encoded body as form fields and sees no number.
reset = urllib.request.Request(url + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"})
urllib.request.urlopen(reset).read()
print(key["AccessKeyId"])
print(key["SecretAccessKey"])
"#;

/// `cargo xtask e2e-services [SERVICE...]`: the step `cargo xtask test` runs, on its own.
pub fn run_cmd(args: &[String]) -> Result<()> {
    let root = crate::project_root();
    let mut only = Vec::new();
    for arg in args {
        ensure!(
            SERVICES.iter().any(|s| s.name == arg),
            "unknown service `{arg}`; the end-to-end services are {}",
            SERVICES
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
        only.push(arg.as_str());
    }
    run(&root, &only)
}

/// Generates each service's crate with its behaviour tests, starts one moto server, creates
/// the signing key and switches checking on, then runs every crate's tests against it.
/// `only` limits the services (all when empty).
pub(crate) fn run(root: &Path, only: &[&str]) -> Result<()> {
    let started = Instant::now();
    let services: Vec<&Service> = SERVICES
        .iter()
        .filter(|s| only.is_empty() || only.contains(&s.name))
        .collect();
    for service in &services {
        generate(root, service)?;
    }
    println!(
        "   generated {} crates in {:.1} s",
        services.len(),
        started.elapsed().as_secs_f64()
    );

    let target_dir = root.join("target/e2e-check").to_string_lossy().into_owned();
    // Line tables only: backtraces keep their lines, and the big crates (IAM's is 180
    // operations) build faster into a fraction of the disk of full debug info.
    let env = [
        ("CARGO_TARGET_DIR", target_dir.as_str()),
        ("CARGO_PROFILE_DEV_DEBUG", "line-tables-only"),
    ];
    // Build first (no server needed yet), timing each crate: build cost is this step's cost.
    // Clippy too: real models reach emitter paths the fixtures do not (it found a one-arm
    // `match` per one-member awsJson structure, and `get(0)` in endpoint rules).
    for service in &services {
        let built = Instant::now();
        let dir = crate_dir(root, service);
        run_step(
            &dir,
            "cargo",
            &[
                "test",
                "--quiet",
                "--features",
                "blocking",
                "--test",
                "e2e",
                "--no-run",
            ],
            &env,
        )?;
        let checked = Instant::now();
        run_step(
            &dir,
            "cargo",
            &[
                "clippy",
                "--quiet",
                "--features",
                "blocking",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
            &env,
        )
        .with_context(|| format!("clippy on the generated {} crate", service.name))?;
        println!(
            "   {}: tests built in {:.1} s, clippy -D warnings in {:.1} s",
            service.name,
            (checked - built).as_secs_f64(),
            checked.elapsed().as_secs_f64()
        );
    }

    let server = MotoServer::start(root, "services")?;
    let url = server.url();
    let (key_id, secret) = admin_key(root, &url)?;
    println!(
        "   moto {} on {url}, checking on with the key of {ADMIN_USER}",
        crate::moto::MOTO_VERSION
    );
    let env = [
        ("CARGO_TARGET_DIR", target_dir.as_str()),
        ("CARGO_PROFILE_DEV_DEBUG", "line-tables-only"),
        ("STSGEN_E2E_URL", url.as_str()),
        ("STSGEN_E2E_ACCESS_KEY_ID", key_id.as_str()),
        ("STSGEN_E2E_SECRET_ACCESS_KEY", secret.as_str()),
    ];
    let mut result = Ok(());
    for service in &services {
        let ran = Instant::now();
        let dir = crate_dir(root, service);
        result = run_step(
            &dir,
            "cargo",
            &["test", "--quiet", "--features", "blocking", "--test", "e2e"],
            &env,
        )
        .with_context(|| {
            format!(
                "the end-to-end tests of the generated {} crate",
                service.name
            )
        });
        println!(
            "   {}: tests ran in {:.1} s",
            service.name,
            ran.elapsed().as_secs_f64()
        );
        if result.is_err() {
            break;
        }
    }
    drop(server);
    println!(
        "   end-to-end services step took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    result
}

fn crate_dir(root: &Path, service: &Service) -> std::path::PathBuf {
    root.join("target/e2e-crates").join(service.name)
}

/// Generates `target/e2e-crates/<service>` from the vendored model and copies the behaviour
/// tests in as its `tests/e2e.rs` (with `tests/common/mod.rs`).
fn generate(root: &Path, service: &Service) -> Result<()> {
    let read = |rel: &str| {
        std::fs::read_to_string(root.join(rel))
            .with_context(|| format!("reading {rel} (run `cargo xtask update-model`)"))
    };
    let dir = model_dir(service);
    let behaviour = root
        .join("tests/e2e_services")
        .join(format!("{}.rs", service.name));
    ensure!(
        behaviour.exists(),
        "{} is missing: every service in e2e_services::SERVICES has its tests",
        behaviour.display()
    );
    let runtime = root
        .join("runtime")
        .canonicalize()?
        .to_string_lossy()
        .into_owned();
    let inputs = codegen::Inputs {
        service_model: read(&format!("{dir}/service-2.json"))?,
        privileges: None,
        endpoint_rules: Some(read(&format!("{dir}/endpoint-rule-set-1.json"))?),
        partitions: Some(read(codegen::repo::PARTITIONS)?),
        options: codegen::Options {
            crate_name: Some(service.name.to_owned()),
            runtime_path: runtime,
            standalone: true,
            ..Default::default()
        },
    };
    let krate = codegen::generate(&inputs)
        .with_context(|| format!("generating the {} crate", service.name))?;
    // Only what changed is written (and stale generated files removed), so an unchanged
    // model and runtime rebuild nothing on the next run.
    let out = crate_dir(root, service);
    krate.write_to(&out)?;
    let tests = out.join("tests");
    copy_if_changed(&behaviour, &tests.join("e2e.rs"))?;
    copy_if_changed(
        &root.join("tests/e2e_services/common.rs"),
        &tests.join("common/mod.rs"),
    )?;
    Ok(())
}

/// Copies `from` to `to` (creating its directory) unless `to` already holds the same bytes.
fn copy_if_changed(from: &Path, to: &Path) -> Result<()> {
    let bytes = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    if std::fs::read(to).ok().as_deref() == Some(&bytes[..]) {
        return Ok(());
    }
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(to, bytes).with_context(|| format!("writing {}", to.display()))
}

/// Runs [`SETUP`] against the server; returns the key id and secret it created.
fn admin_key(root: &Path, url: &str) -> Result<(String, String)> {
    let python = root.join("target/moto-venv/bin/python");
    let output = Command::new(&python)
        .args(["-c", SETUP, url, ADMIN_USER])
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running the set-up with {}", python.display()))?;
    if !output.status.success() {
        bail!(
            "creating the signing key on moto failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8(output.stdout).context("the set-up printed non-UTF-8")?;
    let mut lines = text.lines();
    match (lines.next(), lines.next()) {
        (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => {
            Ok((id.to_owned(), secret.to_owned()))
        }
        _ => bail!("the set-up printed no key id and secret"),
    }
}
