//! A local moto server (the AWS service emulator from PyPI) for the end-to-end tests.
//!
//! `cargo xtask test` starts two servers on 127.0.0.1 and runs `tests/tests/e2e_moto.rs`
//! against them: one gets signature and IAM policy checking switched on by the tests, the other
//! keeps it off for the unsigned operations (moto cannot check some requests and not others).
//!
//! moto is installed with pip into a virtualenv under `target/moto-venv` the first time (and
//! again when [`MOTO_VERSION`] changes); later runs reuse it. Each server logs to
//! `target/moto/<name>.log`, is polled until it answers, and is killed when its
//! [`MotoServer`] is dropped, so it stops also when the tests fail or the step returns an error.
//! Its standard input is a pipe from this process: if `cargo xtask` itself dies without
//! dropping it, the pipe closes and the server exits instead of lingering.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::run_step;

/// The moto release installed (`moto[server]`, pinned so runs are reproducible).
pub const MOTO_VERSION: &str = "5.2.5";

/// How long a server may take to answer after it is spawned.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `moto.server.main` (what the `moto_server` script runs, with the same `-H`/`-p`
/// arguments) after starting a thread that exits the process once standard input closes.
const LAUNCHER: &str = "\
import os, sys, threading
def _exit_when_parent_goes():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=_exit_when_parent_goes, daemon=True).start()
from moto.server import main
main()
";

/// A running moto server; dropping it kills the process and waits for it.
pub struct MotoServer {
    name: String,
    child: Child,
    port: u16,
    log: PathBuf,
}

impl MotoServer {
    /// Installs moto when needed, starts a server on a free port of 127.0.0.1 and waits until
    /// it answers. `name` names the log file (`target/moto/<name>.log`).
    pub fn start(root: &Path, name: &str) -> Result<MotoServer> {
        let mut server = MotoServer::spawn(root, name)?;
        server.wait_ready()?;
        Ok(server)
    }

    /// Installs moto when needed and spawns a server without waiting for it.
    fn spawn(root: &Path, name: &str) -> Result<MotoServer> {
        let python = ensure_installed(root)?;
        let log_dir = root.join("target/moto");
        std::fs::create_dir_all(&log_dir)
            .with_context(|| format!("creating {}", log_dir.display()))?;
        let log = log_dir.join(format!("{name}.log"));
        let log_file =
            std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let port = free_port()?;
        let child = Command::new(&python)
            .args(["-c", LAUNCHER, "-H", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(&log_dir)
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("starting moto with {}", python.display()))?;
        Ok(MotoServer {
            name: name.to_owned(),
            child,
            port,
            log,
        })
    }

    /// Polls the server until it answers an HTTP request, failing with the end of its log
    /// when it exits or does not answer within a minute.
    fn wait_ready(&mut self) -> Result<()> {
        let started = Instant::now();
        loop {
            if answers(self.port) {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                bail!(
                    "moto server `{}` exited ({status}) before answering; {}",
                    self.name,
                    self.log_tail()
                );
            }
            if started.elapsed() > READY_TIMEOUT {
                bail!(
                    "moto server `{}` did not answer on 127.0.0.1:{} within {} s; {}",
                    self.name,
                    self.port,
                    READY_TIMEOUT.as_secs(),
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!("last lines of {}:\n{tail}", self.log.display())
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the two servers, runs the end-to-end tests against them and stops them, whether
/// the tests pass or not.
pub fn run_e2e(root: &Path) -> Result<()> {
    let started = Instant::now();
    let binary = sts_binary(root)?;
    let checked = MotoServer::start(root, "auth")?;
    let unchecked = MotoServer::start(root, "noauth")?;
    println!(
        "   moto {MOTO_VERSION} on {} (checking on) and {} (checking off), ready after {:.1} s",
        checked.url(),
        unchecked.url(),
        started.elapsed().as_secs_f64()
    );
    let (url, noauth_url) = (checked.url(), unchecked.url());
    let envs = [
        ("STSGEN_MOTO_URL", url.as_str()),
        ("STSGEN_MOTO_NOAUTH_URL", noauth_url.as_str()),
        ("STSGEN_STS_BIN", binary.as_str()),
    ];
    // `--workspace` resolves features as the workspace step did, so nothing is rebuilt.
    let result = run_step(
        root,
        "cargo",
        &[
            "test",
            "--workspace",
            "--test",
            "e2e_moto",
            "--",
            "--ignored",
            "--test-threads=1",
        ],
        &envs,
    );
    drop(checked);
    drop(unchecked);
    println!(
        "   end-to-end step took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    result
}

/// Builds the `sts` binary (`config/cli`) as the workspace step did (so it is normally up to
/// date already) and returns its executable for the tests to run.
fn sts_binary(root: &Path) -> Result<String> {
    let output = Command::new("cargo")
        .args([
            "build",
            "--quiet",
            "--workspace",
            "--bin",
            "sts",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("starting cargo build --bin sts")?;
    if !output.status.success() {
        bail!(
            "`cargo build --workspace --bin sts` failed ({})",
            output.status
        );
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| {
            m["reason"] == "compiler-artifact"
                && m["target"]["name"] == "sts"
                && m["target"]["kind"][0] == "bin"
        })
        .find_map(|m| m["executable"].as_str().map(str::to_owned))
        .context("`cargo build --bin sts` reported no executable")
}

/// The virtualenv's python, installing `moto[server]==MOTO_VERSION` into it when its
/// `moto_server` is absent or a different version was installed.
fn ensure_installed(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/moto-venv");
    let python = venv.join("bin/python");
    let marker = venv.join("stsgen-moto-version");
    let installed = std::fs::read_to_string(&marker).ok();
    if venv.join("bin/moto_server").exists()
        && installed.as_deref().map(str::trim) == Some(MOTO_VERSION)
    {
        return Ok(python);
    }
    let started = Instant::now();
    println!(
        "   installing moto[server]=={MOTO_VERSION} into {} (once)",
        venv.display()
    );
    if !python.exists() {
        let venv_arg = venv.to_string_lossy().into_owned();
        run_step(root, "python3", &["-m", "venv", &venv_arg], &[])
            .context("creating the moto virtualenv (is python3 with venv installed?)")?;
    }
    let python_arg = python.to_string_lossy().into_owned();
    let requirement = format!("moto[server]=={MOTO_VERSION}");
    run_step(
        root,
        &python_arg,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &requirement,
        ],
        &[],
    )
    .context("installing moto with pip")?;
    if !venv.join("bin/moto_server").exists() {
        bail!(
            "pip installed moto but {} is missing",
            venv.join("bin/moto_server").display()
        );
    }
    std::fs::write(&marker, format!("{MOTO_VERSION}\n"))?;
    println!(
        "   installed moto in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(python)
}

/// A port of 127.0.0.1 that was free a moment ago (the OS picks it).
fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port on 127.0.0.1")?;
    Ok(listener.local_addr()?.port())
}

/// Whether an HTTP server answers on the port: `GET /moto-api/reset-auth` (moto answers 400
/// "Need to POST" without changing anything).
fn answers(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let request = format!(
        "GET /moto-api/reset-auth HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    head.starts_with(b"HTTP/1.")
}
