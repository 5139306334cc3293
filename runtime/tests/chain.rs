//! Provider chains and the `credential_process` provider.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use stsgen_runtime::credentials::chain::ProviderChain;
use stsgen_runtime::credentials::{
    Credentials, CredentialsError, ProvideCredentials, StaticCredentials,
};
use stsgen_runtime::future::BoxFuture;

/// Always answers the same, counting calls.
#[derive(Debug)]
struct Answer {
    name: &'static str,
    result: Result<Credentials, CredentialsError>,
    calls: Arc<AtomicUsize>,
}

impl Answer {
    fn not_loaded(name: &'static str, reason: &str) -> Self {
        Answer::new(
            name,
            Err(CredentialsError::NotLoaded {
                provider: name,
                reason: reason.into(),
            }),
        )
    }

    fn new(name: &'static str, result: Result<Credentials, CredentialsError>) -> Self {
        Answer {
            name,
            result,
            calls: Arc::default(),
        }
    }
}

impl ProvideCredentials for Answer {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let r = self.result.clone();
        Box::pin(async move { r })
    }

    fn name(&self) -> &'static str {
        self.name
    }
}

#[tokio::test]
async fn the_first_provider_with_credentials_wins() {
    let last = Answer::new(
        "last",
        Ok(Credentials::new("LAST", "s", None, None, "last")),
    );
    let last_calls = last.calls.clone();
    let chain = ProviderChain::first_try(Answer::not_loaded(
        "environment",
        "AWS_ACCESS_KEY_ID is not set",
    ))
    .or_else(StaticCredentials::new("AKID", "s3cr3t", None))
    .or_else(last);
    let c = chain.provide_credentials().await.unwrap();
    assert_eq!((c.access_key_id(), c.provider()), ("AKID", "static"));
    assert_eq!(
        last_calls.load(Ordering::SeqCst),
        0,
        "later providers are not asked"
    );
    assert_eq!(chain.providers().len(), 3);
    assert_eq!(chain.name(), "chain");
}

#[tokio::test]
async fn errors_other_than_not_loaded_stop_the_chain() {
    let after = Answer::new(
        "after",
        Ok(Credentials::new("AFTER", "s", None, None, "after")),
    );
    let after_calls = after.calls.clone();
    let broken = CredentialsError::InvalidConfiguration {
        provider: "profile",
        reason: "config file line 3: bad".into(),
    };
    let chain = ProviderChain::first_try(Answer::not_loaded("environment", "not set"))
        .or_else(Answer::new("profile", Err(broken.clone())))
        .or_else(after);
    assert_eq!(chain.provide_credentials().await, Err(broken));
    assert_eq!(after_calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn when_every_provider_declines_the_error_lists_them_all() {
    let chain = ProviderChain::new()
        .or_else(Answer::not_loaded(
            "environment",
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
        ))
        .or_else_shared(Arc::new(Answer::not_loaded(
            "profile",
            "profile `default` does not exist",
        )))
        .or_else(Answer::not_loaded("imds", "not on EC2"));
    let err = chain.provide_credentials().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "chain: no credentials: no provider had credentials; tried environment: AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY are not set; profile: profile `default` does not exist; imds: not on EC2"
    );
    assert!(
        matches!(
            err,
            CredentialsError::NotLoaded {
                provider: "chain",
                ..
            }
        ),
        "a chain in a chain moves on too"
    );

    let err = ProviderChain::new()
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "chain: no credentials: the chain has no providers"
    );
}

#[cfg(unix)]
mod process {
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::time::{Duration, Instant, SystemTime};

    use stsgen_runtime::credentials::process::CredentialProcessProvider;
    use stsgen_runtime::credentials::{CredentialsError, ProvideCredentials};

    /// A fresh directory for this test's scripts.
    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stsgen-chain-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Writes an executable shell script.
    fn script(dir: &std::path::Path, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn alive(pid: &str) -> bool {
        std::process::Command::new("kill")
            .args(["-0", pid])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
    }

    /// Waits (up to 5 s) for a process to be gone.
    fn wait_gone(pid: &str) {
        let until = Instant::now() + Duration::from_secs(5);
        while alive(pid) {
            assert!(Instant::now() < until, "process {pid} was not killed");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn read_pid(path: &std::path::Path) -> String {
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            if let Ok(pid) = std::fs::read_to_string(path) {
                if pid.ends_with('\n') {
                    return pid.trim().to_owned();
                }
            }
            assert!(Instant::now() < until, "the script did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[tokio::test]
    async fn reads_the_version_1_document() {
        let p = CredentialProcessProvider::new(
            r#"echo '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s3cr3t", "SessionToken": "t0k3n", "Expiration": "2030-01-02T03:04:05Z"}'"#,
        );
        let c = p.provide_credentials().await.unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKID", "s3cr3t", Some("t0k3n"))
        );
        assert_eq!(
            c.expiry(),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445))
        );
        assert_eq!(c.provider(), "credential_process");
        assert_eq!(p.name(), "credential_process");
    }

    #[tokio::test]
    async fn runs_through_the_shell() {
        // Variables, pipes and quoting are the shell's.
        let p = CredentialProcessProvider::new(
            r#"K=AKID; printf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s"}' "$K" "$(echo s3cr3t | tr a-z A-Z)" | cat"#,
        );
        let c = p.provide_credentials().await.unwrap();
        assert_eq!(
            (
                c.access_key_id(),
                c.secret_access_key(),
                c.session_token(),
                c.expiry()
            ),
            ("AKID", "S3CR3T", None, None)
        );
    }

    #[tokio::test]
    async fn a_failing_command_reports_status_and_stderr_but_not_its_arguments() {
        let dir = scratch("fails");
        let s = script(
            &dir,
            "creds.sh",
            "echo \"token expired; run: login\" >&2\necho '{\"SecretAccessKey\":\"s3cr3t\"}'\nexit 3",
        );
        let p = CredentialProcessProvider::new(format!("{} --password hunter2", s.display()));
        let err = p.provide_credentials().await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(
            err,
            CredentialsError::ProviderError {
                provider: "credential_process",
                ..
            }
        ));
        assert!(
            text.contains(&format!(
                "`{}` failed (exit status: 3): token expired; run: login",
                s.display()
            )),
            "{text}"
        );
        assert!(
            !text.contains("hunter2") && !text.contains("s3cr3t"),
            "{text}"
        );
        let d = format!("{p:?}");
        assert!(
            d.contains("creds.sh *** arguments redacted ***") && !d.contains("hunter2"),
            "{d}"
        );
    }

    #[tokio::test]
    async fn bad_output_is_an_error_that_does_not_echo_it() {
        for (output, want) in [
            (
                r#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": s3cr3t}"#,
                "not valid JSON (at byte",
            ),
            (
                r#"{"Version": 2, "AccessKeyId": "AKID", "SecretAccessKey": "s3cr3t"}"#,
                "unsupported Version",
            ),
            (
                r#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s3cr3t", "Expiration": "tomorrow"}"#,
                "Expiration",
            ),
            ("", "nothing on standard output"),
        ] {
            let p = CredentialProcessProvider::new(format!("printf '%s' '{output}'"));
            let text = p.provide_credentials().await.unwrap_err().to_string();
            assert!(
                text.starts_with("credential_process: `printf` printed ") && text.contains(want),
                "{text}"
            );
            assert!(!text.contains("s3cr3t"), "{text}");
        }
    }

    #[tokio::test]
    async fn a_missing_program_is_a_clear_error() {
        let p = CredentialProcessProvider::new("/nonexistent/stsgen-creds --secret hunter2");
        let text = p.provide_credentials().await.unwrap_err().to_string();
        assert!(
            text.contains("`/nonexistent/stsgen-creds` failed (exit status: 127)"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
        let empty = CredentialProcessProvider::new("  ")
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(
            matches!(empty, CredentialsError::InvalidConfiguration { .. }),
            "{empty}"
        );
    }

    #[tokio::test]
    async fn a_slow_command_times_out_and_is_killed() {
        let dir = scratch("slow");
        let pid_file = dir.join("pid");
        let s = script(
            &dir,
            "slow.sh",
            &format!("echo $$ > {}\nexec sleep 30", pid_file.display()),
        );
        let p = CredentialProcessProvider::new(s.display().to_string())
            .timeout(Duration::from_millis(300));
        let started = Instant::now();
        let err = p.provide_credentials().await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            err,
            CredentialsError::Timeout {
                provider: "credential_process",
                after: Duration::from_millis(300)
            }
        );
        assert_eq!(
            err.to_string(),
            "credential_process: did not provide credentials within 300ms"
        );
        wait_gone(&read_pid(&pid_file));
    }

    #[tokio::test]
    async fn dropping_the_future_kills_the_command() {
        let dir = scratch("dropped");
        let pid_file = dir.join("pid");
        let s = script(
            &dir,
            "slow.sh",
            &format!("echo $$ > {}\nexec sleep 30", pid_file.display()),
        );
        let p = CredentialProcessProvider::new(s.display().to_string());
        assert!(
            tokio::time::timeout(Duration::from_millis(300), p.provide_credentials())
                .await
                .is_err()
        );
        wait_gone(&read_pid(&pid_file));
    }

    #[test]
    fn works_without_an_async_runtime() {
        struct Unpark(std::thread::Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let p = CredentialProcessProvider::new(
            r#"echo '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"}'"#,
        );
        let mut fut = p.provide_credentials();
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let result = loop {
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                break v;
            }
            std::thread::park();
        };
        assert_eq!(result.unwrap().access_key_id(), "A");
    }
}
