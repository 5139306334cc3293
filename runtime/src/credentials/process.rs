//! The `credential_process` provider: [`CredentialProcessProvider`] runs an external command (the `credential_process` profile
//! setting) through the platform shell and reads the JSON it prints:
//!
//! ```json
//! { "Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
//!   "SessionToken": "...", "Expiration": "2030-01-01T00:00:00Z" }
//! ```
//!
//! `SessionToken` and `Expiration` (RFC 3339) are optional; other members are ignored.
//! Errors name the program (never its arguments, which may hold secrets), the exit status and
//! the start of its standard error, and never echo standard output.
//!
//! The JSON is read by the runtime's strict parser ([`crate::json::parse`], RFC 8259), not
//! `serde_json`: the runtime has no serde.

use std::fmt;
use std::future::Future;
use std::io::Read;
use std::pin::Pin;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use super::provider::{Credentials, CredentialsError, ProvideCredentials};
use crate::future::BoxFuture;
use crate::json::JsonValue;
use crate::sensitive::{command_program, redact_command};
use crate::types::wire;

/// The default time a credential process may run.
pub const DEFAULT_PROCESS_TIMEOUT: Duration = Duration::from_secs(60);

/// The most standard output read (credentials JSON is a few hundred bytes).
const MAX_STDOUT: usize = 1024 * 1024;
/// How much standard error is kept for error messages.
const MAX_STDERR: usize = 4096;
/// How much standard error an error message shows.
const STDERR_SHOWN: usize = 300;

/// Runs a command and reads credentials from its JSON output (see the [module docs](self)).
/// `Debug` shows the program but not its arguments.
#[derive(Clone)]
pub struct CredentialProcessProvider {
    command: String,
    timeout: Duration,
}

impl CredentialProcessProvider {
    /// The provider name.
    pub const NAME: &'static str = "credential_process";

    /// Runs `command` (a command line for `sh -c`, or `cmd.exe /C` on Windows) with the default
    /// timeout of 60 s. Standard input is inherited, so the command may prompt on a terminal.
    pub fn new(command: impl Into<String>) -> Self {
        CredentialProcessProvider {
            command: command.into(),
            timeout: DEFAULT_PROCESS_TIMEOUT,
        }
    }

    /// How long the command may run before it is killed and the load fails with
    /// [`CredentialsError::Timeout`] (default 60 s; dropping the future kills it too). On Unix a
    /// single simple command runs as `exec <command>`, so the kill reaches the program itself;
    /// for a compound command line (`a | b`, `a; b`) and on Windows, only the shell is killed
    /// and programs it started may outlive it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The program, for errors: never the leading `NAME=value` assignments or the arguments.
    fn program(&self) -> &str {
        command_program(&self.command)
    }

    fn error(&self, reason: String) -> CredentialsError {
        CredentialsError::ProviderError {
            provider: Self::NAME,
            reason,
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        if self.command.trim().is_empty() {
            return Err(CredentialsError::InvalidConfiguration {
                provider: Self::NAME,
                reason: "the command is empty".to_owned(),
            });
        }
        let command = self.command.clone();
        let timeout = self.timeout;
        let output = BlockingJob::spawn(move |cancel| run(&command, timeout, &cancel))
            .map_err(|e| {
                self.error(format!(
                    "could not start a thread to run `{}`: {e}",
                    self.program()
                ))
            })?
            .await;
        let output = match output {
            Some(Ok(o)) => o,
            Some(Err(RunError::Spawn(e))) => {
                return Err(self.error(format!(
                    "could not run `{}` through the shell: {e}",
                    self.program()
                )))
            }
            Some(Err(RunError::Io(e))) => {
                return Err(self.error(format!("failed while running `{}`: {e}", self.program())))
            }
            Some(Err(RunError::TimedOut)) => {
                return Err(CredentialsError::Timeout {
                    provider: Self::NAME,
                    after: timeout,
                })
            }
            None => {
                return Err(self.error(format!(
                    "the thread running `{}` stopped unexpectedly",
                    self.program()
                )))
            }
        };
        if !output.status.success() {
            return Err(self.error(format!(
                "`{}` failed ({}){}",
                self.program(),
                output.status,
                stderr_excerpt(&output.stderr)
            )));
        }
        if output.stdout_truncated {
            return Err(self.error(format!(
                "`{}` printed more than {MAX_STDOUT} bytes",
                self.program()
            )));
        }
        parse_document(&output.stdout, Self::NAME)
            .map_err(|why| self.error(format!("`{}` printed {why}", self.program())))
    }
}

impl fmt::Debug for CredentialProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialProcessProvider")
            .field("command", &redact_command(&self.command))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ProvideCredentials for CredentialProcessProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }

    fn name(&self) -> &'static str {
        Self::NAME
    }
}

/// `: <start of stderr>` when there is any, on one line.
fn stderr_excerpt(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let mut shown: String = text
        .chars()
        .take(STDERR_SHOWN)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > STDERR_SHOWN {
        shown.push_str("...");
    }
    format!(": {shown}")
}

/// Whether a JSON number's text is exactly 1 (`1`, `1.0`, `1e0`, `0.1E1`, ...), in integers:
/// parsing it as `f64` put the float parser and its tables into every program with the
/// default chain.
fn is_one(number: &str) -> bool {
    let (mantissa, exponent) = match number.find(['e', 'E']) {
        Some(i) => (
            &number[..i],
            number[i + 1..].trim_start_matches('+').parse::<i64>().ok(),
        ),
        None => (number, Some(0)),
    };
    let Some(exponent) = exponent else {
        return false;
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())) {
        return false;
    }
    // The digits without leading zeros, and the power of ten of their last one.
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    let power = exponent
        .checked_sub(frac.len() as i64)
        .and_then(|p| p.checked_add((digits.len() - significant.len()) as i64));
    significant == "1" && power == Some(0)
}

/// Reads a `credential_process` `Version: 1` document (`AccessKeyId`, `SecretAccessKey`, and
/// optionally `SessionToken`, `Expiration`, `AccountId`) as credentials from `provider`. The
/// reason of an error never contains the document.
///
/// # Errors
/// A document that is not UTF-8 JSON, has another `Version`, or lacks or mistypes a member.
pub fn parse_document(stdout: &[u8], provider: &'static str) -> Result<Credentials, String> {
    let text = std::str::from_utf8(stdout).map_err(|_| "output that is not UTF-8".to_owned())?;
    if text.trim().is_empty() {
        return Err("nothing on standard output (expected a JSON object)".to_owned());
    }
    // The position only: the error's own text may quote a character of a secret.
    let doc = crate::json::parse(text)
        .map_err(|e| format!("output that is not valid JSON (at byte {})", e.offset()))?;
    let JsonValue::Object(members) = doc else {
        return Err("JSON that is not an object".to_owned());
    };
    // As in JavaScript and Python, the last of duplicate members wins.
    let get = |key: &str| members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v);
    match get("Version") {
        Some(JsonValue::Number(n)) if is_one(n) => {}
        Some(JsonValue::Number(_)) => {
            return Err("an unsupported Version (only 1 is supported)".to_owned())
        }
        Some(_) => return Err("a Version that is not a number (expected 1)".to_owned()),
        None => return Err("JSON without a Version member (expected 1)".to_owned()),
    }
    let string = |key: &str, required: bool| -> Result<Option<&str>, String> {
        match get(key) {
            Some(JsonValue::String(s)) if !s.is_empty() => Ok(Some(s.as_str())),
            Some(JsonValue::String(_)) if required => Err(format!("an empty {key}")),
            Some(JsonValue::Null | JsonValue::String(_)) | None if !required => Ok(None),
            Some(JsonValue::Null) | None => Err(format!("JSON without {key}")),
            Some(_) => Err(format!("a {key} that is not a string")),
        }
    };
    let id = string("AccessKeyId", true)?.unwrap_or_default();
    let secret = string("SecretAccessKey", true)?.unwrap_or_default();
    let token = string("SessionToken", false)?;
    let expiry = match string("Expiration", false)? {
        None => None,
        Some(t) => {
            let t = wire::parse_timestamp(t, wire::TimestampFormat::DateTime)
                .map_err(|_| "an Expiration that is not an RFC 3339 date-time".to_owned())?;
            Some(SystemTime::from(t))
        }
    };
    let account_id = string("AccountId", false)?;
    let credentials = Credentials::new(id, secret, token.map(str::to_owned), expiry, provider);
    Ok(match account_id {
        Some(a) => credentials.with_account_id(a),
        None => credentials,
    })
}

/// `credentials` as a `credential_process` `Version: 1` document, compact, without a final
/// newline: what a profile's `credential_process` prints and [`parse_document`] reads.
pub fn document(credentials: &Credentials) -> String {
    let mut w = crate::json::JsonWriter::compact();
    w.begin_object();
    w.key("Version");
    w.integer(1);
    w.key("AccessKeyId");
    w.string(credentials.access_key_id());
    w.key("SecretAccessKey");
    w.string(credentials.secret_access_key());
    if let Some(token) = credentials.session_token() {
        w.key("SessionToken");
        w.string(token);
    }
    if let Some(expiry) = credentials.expiry() {
        let t = crate::types::datetime::DateTime::from(expiry);
        w.key("Expiration");
        w.string(&wire::format_timestamp(&t, wire::TimestampFormat::DateTime));
    }
    if let Some(account) = credentials.account_id() {
        w.key("AccountId");
        w.string(account);
    }
    w.end_object();
    w.finish()
}

/// What a finished command produced.
struct Output {
    status: ExitStatus,
    stdout: Vec<u8>,
    stdout_truncated: bool,
    stderr: Vec<u8>,
}

enum RunError {
    Spawn(std::io::Error),
    Io(std::io::Error),
    TimedOut,
}

fn shell(command: &str) -> Command {
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        let mut c = Command::new("cmd.exe");
        c.arg("/C").raw_arg(command);
        c
    }
    #[cfg(not(windows))]
    {
        let mut c = Command::new("sh");
        match exec_form(command) {
            Some(line) => c.arg("-c").arg(line),
            None => c.arg("-c").arg(command),
        };
        c
    }
}

/// Shell builtins with no program of the same name, which `exec` cannot run.
#[cfg(not(windows))]
const BUILTINS: &[&str] = &[
    ".", "alias", "bg", "break", "builtin", "case", "cd", "command", "continue", "do", "done",
    "elif", "else", "esac", "eval", "exec", "exit", "export", "fg", "fi", "for", "getopts", "hash",
    "if", "in", "jobs", "local", "read", "readonly", "return", "select", "set", "shift", "source",
    "then", "times", "trap", "type", "ulimit", "umask", "unalias", "unset", "until", "wait",
    "while",
];

/// `exec <command>` for a single simple command, so the shell replaces itself with the program
/// instead of forking it (as dash does): killing the child on timeout then kills the program.
/// Anything that might be more than one command (operators, grouping, substitutions,
/// assignments, builtins) is left alone.
#[cfg(not(windows))]
fn exec_form(command: &str) -> Option<String> {
    let command = command.trim();
    let program = command.split_whitespace().next()?;
    let plain_program = program
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_./~+-@%:,".contains(c))
        && !BUILTINS.contains(&program);
    let one_command =
        !command.contains([';', '&', '|', '\n', '\r', '(', ')', '{', '}', '`', '!', '#']);
    (plain_program && one_command).then(|| format!("exec {command}"))
}

/// Reads a pipe to its end, keeping at most `limit` bytes; `true` when more was written.
fn drain(mut pipe: impl Read, limit: usize) -> std::io::Result<(Vec<u8>, bool)> {
    let mut kept = Vec::new();
    let mut truncated = false;
    let mut buf = [0u8; 8192];
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) => return Ok((kept, truncated)),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let room = limit.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
        truncated |= n > room;
    }
}

/// Kills and reaps a child (best effort).
fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs the command on this (worker) thread, with readers for both pipes on their own threads.
fn run(command: &str, timeout: Duration, cancel: &AtomicBool) -> Result<Output, RunError> {
    let started = Instant::now();
    let deadline = started.checked_add(timeout);
    let past_deadline = || deadline.is_some_and(|d| Instant::now() >= d);
    let mut child = shell(command)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Spawn)?;
    // What the pipe readers found, handed over under a mutex: a channel would bring std's
    // whole mpmc machinery (about 25 KiB) into every program with the default chain.
    let pipes = Arc::new((Mutex::new(Pipes::default()), Condvar::new()));
    for (is_stdout, pipe) in [
        (
            true,
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
        (
            false,
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
    ] {
        let Some(pipe) = pipe else { continue };
        let shared = Arc::clone(&pipes);
        let limit = if is_stdout { MAX_STDOUT } else { MAX_STDERR };
        pipes.0.lock().unwrap_or_else(PoisonError::into_inner).open += 1;
        let spawned = spawn_thread(
            "credential-process-io",
            Box::new(move || {
                let read = drain(pipe, limit);
                let mut p = shared.0.lock().unwrap_or_else(PoisonError::into_inner);
                p.open -= 1;
                if is_stdout {
                    p.stdout = Some(read);
                } else {
                    p.stderr = Some(read);
                }
                shared.1.notify_all();
            }),
        );
        if let Err(e) = spawned {
            kill(&mut child);
            return Err(RunError::Io(e));
        }
    }
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                kill(&mut child);
                return Err(RunError::Io(e));
            }
        }
        if cancel.load(Ordering::Relaxed) || past_deadline() {
            kill(&mut child);
            return Err(RunError::TimedOut);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    // The pipes close when the process exits, unless something it started still holds them.
    let mut p = pipes.0.lock().unwrap_or_else(PoisonError::into_inner);
    // A read error ends the wait at once, as does both pipes closing.
    while p.open > 0 && !p.failed() {
        let wait = match deadline {
            Some(d) => d.saturating_duration_since(Instant::now()),
            None => Duration::MAX,
        };
        // Wake up now and then to notice cancellation.
        p = pipes
            .1
            .wait_timeout(p, wait.min(Duration::from_millis(100)))
            .unwrap_or_else(PoisonError::into_inner)
            .0;
        if p.open > 0 && !p.failed() && (past_deadline() || cancel.load(Ordering::Relaxed)) {
            return Err(RunError::TimedOut);
        }
    }
    let stdout = p
        .stdout
        .take()
        .transpose()
        .map_err(RunError::Io)?
        .unwrap_or_default();
    let stderr = p
        .stderr
        .take()
        .transpose()
        .map_err(RunError::Io)?
        .unwrap_or_default()
        .0;
    Ok(Output {
        status,
        stdout: stdout.0,
        stdout_truncated: stdout.1,
        stderr,
    })
}

/// Starts a named, detached thread: one copy of std's thread-spawning code for both of this
/// module's kinds of thread.
fn spawn_thread(name: &str, f: Box<dyn FnOnce() + Send>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(f)
        .map(drop)
}

/// The pipe readers' results and how many are still reading.
#[derive(Default)]
struct Pipes {
    open: usize,
    stdout: Option<std::io::Result<(Vec<u8>, bool)>>,
    stderr: Option<std::io::Result<(Vec<u8>, bool)>>,
}

impl Pipes {
    fn failed(&self) -> bool {
        matches!(self.stdout, Some(Err(_))) || matches!(self.stderr, Some(Err(_)))
    }
}

/// Runs a closure on a new thread and completes with its result (`None` if the thread
/// panicked). Dropping the future raises the cancel flag passed to the closure.
struct BlockingJob<T> {
    shared: Arc<Mutex<JobState<T>>>,
    cancel: Arc<AtomicBool>,
}

struct JobState<T> {
    result: Option<Option<T>>,
    waker: Option<Waker>,
}

impl<T: Send + 'static> BlockingJob<T> {
    fn spawn(f: impl FnOnce(Arc<AtomicBool>) -> T + Send + 'static) -> std::io::Result<Self> {
        let shared = Arc::new(Mutex::new(JobState {
            result: None,
            waker: None,
        }));
        let cancel = Arc::new(AtomicBool::new(false));
        let (thread_shared, thread_cancel) = (Arc::clone(&shared), Arc::clone(&cancel));
        spawn_thread(
            "credential-process",
            Box::new(move || {
                // Reports even when `f` panics, so the future always completes.
                struct Report<T> {
                    shared: Arc<Mutex<JobState<T>>>,
                    value: Option<T>,
                }
                impl<T> Drop for Report<T> {
                    fn drop(&mut self) {
                        let waker = {
                            let mut st = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
                            st.result = Some(self.value.take());
                            st.waker.take()
                        };
                        if let Some(w) = waker {
                            w.wake();
                        }
                    }
                }
                let mut report = Report {
                    shared: thread_shared,
                    value: None,
                };
                report.value = Some(f(thread_cancel));
            }),
        )?;
        Ok(BlockingJob { shared, cancel })
    }
}

impl<T> Future for BlockingJob<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut st = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(result) = st.result.take() {
            return Poll::Ready(result);
        }
        match &mut st.waker {
            Some(w) => w.clone_from(cx.waker()),
            None => st.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for BlockingJob<T> {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_one_is_recognised_in_any_spelling_of_the_number() {
        for one in [
            "1", "1.0", "1.000", "1e0", "1E+0", "10e-1", "0.1E1", "001", "100e-2", "0.001e3",
        ] {
            assert!(is_one(one), "{one}");
        }
        for other in [
            "0",
            "2",
            "-1",
            "11",
            "1.1",
            "0.1",
            "1e1",
            "10",
            "1e-9223372036854775808",
            "1e99999999999999999999",
            "1e",
            "",
        ] {
            assert!(!is_one(other), "{other}");
        }
    }

    use super::*;

    #[test]
    fn output_document() {
        let c = parse_document(
            br#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s3cr3t", "SessionToken": "tok",
                "Expiration": "2030-01-02T03:04:05Z", "AccountId": "123456789012"}"#,
            CredentialProcessProvider::NAME,
        )
        .unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "s3cr3t", Some("tok"))
        );
        assert_eq!(
            c.expiry(),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445))
        );
        assert_eq!(c.provider(), "credential_process");
        assert_eq!(c.account_id(), Some("123456789012"));
        // What `document` writes reads back the same.
        assert_eq!(
            parse_document(document(&c).as_bytes(), CredentialProcessProvider::NAME).unwrap(),
            c
        );
        assert_eq!(
            document(&c),
            r#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"s3cr3t","SessionToken":"tok","Expiration":"2030-01-02T03:04:05Z","AccountId":"123456789012"}"#
        );
        let c = parse_document(
            br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":null}"#,
            "t",
        )
        .unwrap();
        assert_eq!(
            (c.session_token(), c.expiry(), c.account_id()),
            (None, None, None)
        );
    }

    #[test]
    fn output_errors_never_echo() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "nothing on standard output"),
            (b"not json s3cr3t", "not valid JSON"),
            (b"[1]", "not an object"),
            (br#"{"AccessKeyId":"A","SecretAccessKey":"s3cr3t"}"#, "without a Version"),
            (br#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"s3cr3t"}"#, "unsupported Version"),
            (br#"{"Version":"1","AccessKeyId":"A","SecretAccessKey":"s3cr3t"}"#, "not a number"),
            (br#"{"Version":1,"SecretAccessKey":"s3cr3t"}"#, "without AccessKeyId"),
            (br#"{"Version":1,"AccessKeyId":"A"}"#, "without SecretAccessKey"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":""}"#, "an empty SecretAccessKey"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":7}"#, "not a string"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s3cr3t","Expiration":"soon"}"#, "Expiration"),
            (b"\xff", "not UTF-8"),
        ];
        for (input, want) in cases {
            let e = parse_document(input, "t").unwrap_err();
            assert!(e.contains(want) && !e.contains("s3cr3t"), "{e}");
        }
    }

    #[cfg(not(windows))]
    #[test]
    fn simple_commands_are_execed() {
        assert_eq!(
            exec_form("  /usr/bin/aws-vault export --format=json 'my profile' "),
            Some("exec /usr/bin/aws-vault export --format=json 'my profile'".into())
        );
        assert_eq!(exec_form("tool --token \"$(cat ~/.t)\""), None);
        for compound in [
            "a; b",
            "a && b",
            "a | b",
            "a\nb",
            "K=v tool",
            "exit 3",
            "(tool)",
            "{ tool; }",
            "tool &",
            "! tool",
            "",
        ] {
            assert_eq!(exec_form(compound), None, "{compound:?}");
        }
    }

    #[test]
    fn stderr_excerpt_is_short_and_single_line() {
        assert_eq!(stderr_excerpt(b"  \n"), "");
        assert_eq!(stderr_excerpt(b"bad\nthing\n"), ": bad thing");
        let long = stderr_excerpt(&[b'x'; 1000]);
        assert_eq!(long.len(), 2 + STDERR_SHOWN + 3);
    }
}
