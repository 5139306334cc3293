//! Bad input gives clear errors naming the file and line, the variable or the URL, and nothing
//! reaches the network: malformed profile files, unreadable or non-UTF-8 files, non-UTF-8
//! environment values, invalid endpoint URLs. (Every modeled input constraint is covered by the
//! generated tests in `generated/sts/src/generated_tests.rs`.)

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use sts::runtime::client::{HttpClient, HttpResponse};
use sts::runtime::error::{SdkError, TransportError};
use stsgen_runtime::config::{Env, MemoryEnv, ProfileError, ProfileSet};
use stsgen_runtime::credentials::{CredentialsError, EnvironmentCredentials, StaticCredentials};
use stsgen_runtime::future::BoxFuture;

#[test]
fn malformed_profile_files_name_the_file_and_line() {
    // (config text, credentials text, expected "<file> line <n>", expected words)
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "region = us-east-1\n",
            "",
            "config file line 1",
            "section header",
        ),
        (
            "# comment\n[default\nregion = us-east-1\n",
            "",
            "config file line 2",
            "must end with `]`",
        ),
        (
            "[default]\nregion us-east-1\n",
            "",
            "config file line 2",
            "expected `=`",
        ),
        (
            "[default]\n = us-east-1\n",
            "",
            "config file line 2",
            "continues a property",
        ),
        (
            "[default]\nregion = a\n= b\n",
            "",
            "config file line 3",
            "no name before `=`",
        ),
        (
            "  indented = first\n",
            "",
            "config file line 1",
            "section header",
        ),
        (
            "[default]\n\n  continued\n",
            "",
            "config file line 3",
            "no property precedes it",
        ),
        (
            "[default]\ns3 =\n  max_concurrent_requests\n",
            "",
            "config file line 3",
            "sub-property",
        ),
        (
            "",
            "[default]\naws_access_key_id\n",
            "credentials file line 2",
            "expected `=`",
        ),
        (
            "",
            "aws_access_key_id = AKID\n",
            "credentials file line 1",
            "section header",
        ),
    ];
    for (config, credentials, at, words) in cases {
        let err = ProfileSet::parse(config, credentials)
            .expect_err(&format!("{config:?} / {credentials:?} is malformed"));
        assert!(matches!(err, ProfileError::Syntax { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains(at),
            "{config:?} {credentials:?}: `{text}` should name {at}"
        );
        assert!(
            text.contains(words),
            "{config:?} {credentials:?}: `{text}` should say {words}"
        );
    }
}

#[test]
fn malformed_profile_files_on_disk_name_the_path() {
    let env = MemoryEnv::new()
        .with_var("HOME", "/home/u")
        .with_var("AWS_CONFIG_FILE", "/etc/aws/config")
        .with_file(
            "/etc/aws/config",
            "[default]\nregion = us-east-1\n[profile broken\n",
        );
    let err = ProfileSet::load(&env).expect_err("broken header");
    assert_eq!(
        err.to_string(),
        "/etc/aws/config line 3: section header must end with `]`"
    );

    // The credentials file at its default place under HOME.
    let env = MemoryEnv::new()
        .with_var("HOME", "/home/u")
        .with_file("/home/u/.aws/credentials", "[default]\n\tstray\n");
    let err = ProfileSet::load(&env).expect_err("stray continuation");
    assert!(
        err.to_string()
            .starts_with("/home/u/.aws/credentials line 2: "),
        "{err}"
    );
}

#[test]
fn non_utf8_profile_files_name_the_path_and_line() {
    let env = MemoryEnv::new().with_var("HOME", "/home/u").with_file(
        "/home/u/.aws/config",
        b"[default]\nregion = us-east-1\nrole_arn = \xff\xfe\n".to_vec(),
    );
    let err = ProfileSet::load(&env).expect_err("not UTF-8");
    assert_eq!(
        err,
        ProfileError::NotUtf8 {
            path: PathBuf::from("/home/u/.aws/config"),
            line: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "/home/u/.aws/config line 3: the file is not valid UTF-8"
    );
}

/// Variables from a map, files from the real file system.
#[derive(Debug)]
struct DiskEnv(Vec<(&'static str, OsString)>);

impl Env for DiskEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }

    fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

#[test]
fn unreadable_profile_files_name_the_path() {
    // A directory where the config file should be: it exists but cannot be read as a file.
    let dir = std::env::temp_dir();
    let env = DiskEnv(vec![
        ("HOME", "/nonexistent-home".into()),
        ("AWS_CONFIG_FILE", dir.clone().into_os_string()),
    ]);
    let err = ProfileSet::load(&env).expect_err("a directory is not a config file");
    match &err {
        ProfileError::Read { path, reason } => {
            assert_eq!(path, &dir);
            assert!(!reason.is_empty());
        }
        other => panic!("expected a read error, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with(&format!("could not read {}: ", dir.display())),
        "{err}"
    );

    // A missing file is not an error: it contributes nothing.
    let env = DiskEnv(vec![
        ("HOME", "/nonexistent-home".into()),
        ("AWS_CONFIG_FILE", "/nonexistent-dir/config".into()),
    ]);
    assert!(ProfileSet::load(&env).unwrap().is_empty());
}

#[test]
fn non_utf8_environment_values_name_the_variable() {
    let bad = || OsString::from_vec(b"AKID\xffVALUEMARK".to_vec());
    for name in [
        "AWS_PROFILE",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ] {
        let env = MemoryEnv::new()
            .with_var("HOME", "/home/u")
            .with_var(name, bad());
        let err = ProfileSet::load(&env).expect_err("not UTF-8");
        assert_eq!(
            err,
            ProfileError::InvalidEnvironment {
                name: name.to_owned()
            }
        );
        assert_eq!(
            err.to_string(),
            format!("environment variable {name} is not valid UTF-8")
        );
    }
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        let mut env = MemoryEnv::new()
            .with_var("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .with_var("AWS_SECRET_ACCESS_KEY", "secret");
        env = env.with_var(name, bad());
        let err = EnvironmentCredentials::load_from(&env).expect_err("not UTF-8");
        assert!(
            matches!(err, CredentialsError::InvalidConfiguration { .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains(name) && text.contains("UTF-8"), "{text}");
        assert!(
            !text.contains("VALUEMARK"),
            "the value is not echoed: {text}"
        );
    }
}

#[test]
fn non_utf8_process_variables_name_the_variable() {
    // A variable no other test reads; set for this process only.
    const NAME: &str = "STSGEN_BAD_INPUT_NOT_UTF8";
    std::env::set_var(NAME, OsString::from_vec(b"\xc3\x28".to_vec()));
    let err = stsgen_runtime::credentials::env_var(NAME, "environment").expect_err("not UTF-8");
    assert!(err.to_string().contains(NAME), "{err}");
    std::env::remove_var(NAME);
    assert_eq!(
        stsgen_runtime::credentials::env_var(NAME, "environment").unwrap(),
        None
    );
}

/// Counts requests; none may arrive.
#[derive(Debug, Default)]
struct NoNetwork(AtomicUsize);

impl HttpClient for NoNetwork {
    fn send(
        &self,
        _: sts::runtime::http::Request<Vec<u8>>,
        _: usize,
    ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        panic!("a request with an invalid endpoint reached the transport");
    }
}

#[test]
fn invalid_endpoint_urls_are_rejected_before_sending() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for url in [
        "not a url",
        "sts.amazonaws.com",
        "ftp://sts.amazonaws.com",
        "http://",
        "https://",
        "https://exa mple.com",
        "://sts.amazonaws.com",
        "http://[::1",
        "https://sts.amazonaws.com:99999",
        "https://sts.amazonaws.com:0",
        "https://user@:443",
    ] {
        let transport = Arc::new(NoNetwork::default());
        let mut config = sts::Config::new();
        config.region = Some("us-east-1".into());
        config.endpoint_url = Some(url.to_owned());
        config.credentials = Some(Arc::new(StaticCredentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
        )));
        config.http_client = Some(transport.clone());
        let client = sts::Client::new(config.clone()).unwrap();
        match rt.block_on(client.get_caller_identity().send()) {
            Err(SdkError::Endpoint(message)) => {
                assert!(
                    message.contains(url.trim()),
                    "{url:?}: the message names the URL: {message}"
                );
            }
            other => panic!("{url:?}: expected an endpoint error, got {other:?}"),
        }
        assert_eq!(transport.0.load(Ordering::SeqCst), 0, "{url:?}");

        // The blocking client rejects it the same way (its transport is never used either).
        let blocking = sts::blocking::Client::new(config);
        let input = sts::operation::get_caller_identity::GetCallerIdentityInput::builder()
            .build()
            .unwrap();
        assert!(
            matches!(blocking.send(input), Err(SdkError::Endpoint(_))),
            "{url:?}"
        );
    }
}
