//! `sts sso-login` and `sts sso-logout` as a user runs them: help, exit statuses and messages
//! of the built binary, with its own HOME and nothing else from the environment. (The sign-in
//! itself, against a fake service, is tested in `src/sso.rs`: the binary has no fake to call.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stsgen-cli-bin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
    std::fs::write(
        dir.join(".aws/config"),
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .unwrap();
    dir
}

/// A local port nothing listens on: any request the command makes is refused at once.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn sts(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sts"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env(
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", closed_port()),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn sso_login_help_usage_errors_and_failures_have_their_exit_status() {
    let home = home("login");
    let help = sts(&home, &["sso-login", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(
        text(&help.stdout).starts_with(
            "usage: sts [global options] sso-login [--profile NAME | --sso-session NAME]"
        ),
        "{}",
        text(&help.stdout)
    );
    let listed = sts(&home, &["--help"]);
    assert!(text(&listed.stdout).contains("sso-logout"));

    let bad = sts(&home, &["sso-login", "--browser"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        text(&bad.stderr),
        "error: unknown option `--browser` for `sso-login` (run `sts sso-login --help`)\n"
    );

    let missing = sts(&home, &["--profile", "missing", "sso-login"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        text(&missing.stderr),
        "error: sso-login: profile `missing`: does not exist\n"
    );
    let no_session = sts(&home, &["sso-login", "--sso-session", "nope"]);
    assert_eq!(no_session.status.code(), Some(1));
    assert_eq!(
        text(&no_session.stderr),
        "error: sso-login: sso-session `nope`: has no [sso-session] section in the config file\n"
    );

    // The first call fails (no service client in this build, or nothing listening): status 1,
    // the operation named, nothing written.
    let failed = sts(&home, &["sso-login", "--profile", "dev", "--no-browser"]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        text(&failed.stderr).starts_with("error: sso-login: sso-oidc RegisterClient failed: "),
        "{}",
        text(&failed.stderr)
    );
    assert_eq!(text(&failed.stdout), "");
    assert_eq!(
        std::fs::read_dir(home.join(".aws/sso/cache"))
            .unwrap()
            .count(),
        0
    );
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn sso_logout_removes_the_cached_tokens() {
    let home = home("logout");
    let cache = home.join(".aws/sso/cache");
    let token = cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    std::fs::write(
        &token,
        r#"{"accessToken":"TokenMARKER","expiresAt":"2030-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let registration = cache.join("a5ef4a75f83137c047e4ff336d1dade82162017b.json");
    std::fs::write(
        &registration,
        r#"{"clientId":"c","clientSecret":"SecretMARKER","expiresAt":"2030-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let out = sts(&home, &["sso-logout"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "Removed 1 cached IAM Identity Center access token(s):\n    {}\n",
            token.display()
        )
    );
    assert!(!token.exists() && registration.exists());
    let again = sts(&home, &["sso-logout"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        text(&again.stdout),
        "No cached IAM Identity Center access token to remove.\n"
    );
    let bad = sts(&home, &["sso-logout", "--everything"]);
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&home);
}
