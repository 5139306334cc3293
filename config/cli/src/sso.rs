//! `sso-login` and `sso-logout`: the IAM Identity Center sign-in and sign-out, as `aws sso
//! login` and `aws sso logout` do them, writing and removing the files they write
//! ([`SsoLogin`], [`logout`]).
//!
//! No browser is opened (as with `aws sso login --no-browser`): the verification URL and the
//! user code go to standard error, so that a script reading standard output still shows them
//! to the user. `--no-browser` and `--use-device-code` are accepted for the AWS CLI's sake and
//! change nothing: the device code flow is the only one.

use std::io::Write;
use std::sync::Arc;

use stsgen_config::credentials::sso::login::{logout, DevicePrompt, SsoLogin};
use stsgen_runtime::cli::{Exit, Globals};
use stsgen_runtime::config::Env;

/// `sts sso-login --help`.
pub(crate) const LOGIN_HELP: &str = "\
usage: sts [global options] sso-login [--profile NAME | --sso-session NAME] [--no-browser] [--use-device-code]

Signs in to IAM Identity Center as `aws sso login` does, for the profile (--profile, AWS_PROFILE or
`default`: sso_session, or sso_start_url and sso_region) or, with --sso-session, for the
[sso-session NAME] section itself: the URL and code to confirm are printed (no browser is opened;
--no-browser and --use-device-code are accepted and change nothing), and once they are confirmed the
access token is written to ~/.aws/sso/cache/, where this client, the AWS CLI and the SDKs read and
refresh it. The client registration is cached there too and reused, as the AWS CLI does.
Exit status: 0 signed in, 1 failed (the code expired, a call failed, bad settings), 2 bad usage.
";

/// `sts sso-logout --help`.
pub(crate) const LOGOUT_HELP: &str = "\
usage: sts sso-logout

Removes every cached IAM Identity Center access token from ~/.aws/sso/cache/, as `aws sso logout`
does (the tokens are not revoked with the service; they expire on their own). Sign in again with
`sts sso-login`. Exit status: 0 done, 1 a file could not be removed, 2 bad usage.
";

/// The options of `sso-login` besides the global ones.
#[derive(Debug, Default, PartialEq, Eq)]
struct LoginOptions {
    sso_session: Option<String>,
}

fn login_options(flags: &[(String, Vec<String>)]) -> Result<LoginOptions, Exit> {
    let mut options = LoginOptions::default();
    for (flag, values) in flags {
        match flag.as_str() {
            "--sso-session" => match values.as_slice() {
                [v] if options.sso_session.is_none() => options.sso_session = Some(v.clone()),
                _ => return Err(Exit::Usage(format!("{flag} takes exactly one value, once"))),
            },
            "--no-browser" | "--use-device-code" => {
                if !values.is_empty() {
                    return Err(Exit::Usage(format!("{flag} takes no value")));
                }
            }
            _ => {
                return Err(Exit::Usage(format!(
                    "unknown option `{flag}` for `sso-login` (run `sts sso-login --help`)"
                )))
            }
        }
    }
    Ok(options)
}

/// What the user is asked to do.
fn prompt_text(p: &DevicePrompt) -> String {
    let mut text = format!(
        "No browser is opened. To sign in, open this URL in a browser on any device:\n\n    {}\n\n\
         and enter the code:\n\n    {}\n",
        p.verification_uri, p.user_code
    );
    if let Some(complete) = &p.verification_uri_complete {
        text.push_str(&format!(
            "\nOr open this URL, which fills in the code:\n\n    {complete}\n"
        ));
    }
    text.push_str(&format!(
        "\nThe code is valid for {} minutes. Waiting for it to be confirmed...\n",
        p.expires_in.as_secs().div_ceil(60)
    ));
    text
}

/// `sso-login`: `customize` gives the sign-in its calls, clock and waits (tests pass fakes).
pub(crate) async fn sso_login(
    g: &Globals,
    flags: &[(String, Vec<String>)],
    env: Arc<dyn Env>,
    customize: impl FnOnce(SsoLogin) -> SsoLogin,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Exit> {
    let options = login_options(flags)?;
    let login = match options.sso_session {
        Some(session) => SsoLogin::for_session(session),
        None => {
            let profile = g
                .profile
                .clone()
                .or_else(|| env.var("AWS_PROFILE").ok().flatten())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "default".to_owned());
            SsoLogin::new(profile)
        }
    };
    let login = customize(login.env(env));
    let outcome = login
        .run(|p| {
            let _ = err.write_all(prompt_text(p).as_bytes());
            let _ = err.flush();
        })
        .await
        .map_err(|e| Exit::Failed(format!("sso-login: {e}")))?;
    writeln!(
        out,
        "Successfully logged into Start URL: {}\nThe access token is cached in {} until {}.",
        outcome.start_url,
        outcome.file.display(),
        stsgen_runtime::types::wire::format_timestamp(
            &stsgen_runtime::DateTime::from(outcome.expires_at),
            stsgen_runtime::types::wire::TimestampFormat::DateTime,
        )
    )
    .map_err(|e| Exit::Failed(format!("sso-login: could not write the output: {e}")))
}

/// `sso-logout`.
pub(crate) fn sso_logout(
    flags: &[(String, Vec<String>)],
    env: &dyn Env,
    out: &mut dyn Write,
) -> Result<(), Exit> {
    if let Some((flag, _)) = flags.first() {
        return Err(Exit::Usage(format!(
            "unknown option `{flag}` for `sso-logout` (run `sts sso-logout --help`)"
        )));
    }
    let removed = logout(env).map_err(|e| Exit::Failed(format!("sso-logout: {e}")))?;
    let text = match removed.len() {
        0 => "No cached IAM Identity Center access token to remove.".to_owned(),
        n => {
            let mut text = format!("Removed {n} cached IAM Identity Center access token(s):");
            for f in &removed {
                text.push_str(&format!("\n    {}", f.display()));
            }
            text
        }
    };
    writeln!(out, "{text}")
        .map_err(|e| Exit::Failed(format!("sso-logout: could not write the output: {e}")))
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;
    use std::time::{Duration, SystemTime};

    use stsgen_config::credentials::sso::{
        CreateTokenRequest, CreateTokenResponse, GetRoleCredentialsRequest, RegisterClientRequest,
        RegisterClientResponse, RoleCredentials, SsoApi, SsoApiError, SsoToken,
        StartDeviceAuthorizationRequest, StartDeviceAuthorizationResponse,
    };
    use stsgen_runtime::cli::block_on;
    use stsgen_runtime::config::MemoryEnv;
    use stsgen_runtime::credentials::ServiceClock;
    use stsgen_runtime::future::BoxFuture;

    use super::*;

    /// 2030-01-01T00:00:00Z.
    const T0: u64 = 1_893_456_000;

    /// Answers `CreateToken` from a queue (then with a token).
    #[derive(Debug, Default)]
    struct Fake {
        tokens: Mutex<VecDeque<Result<CreateTokenResponse, SsoApiError>>>,
        starts: Mutex<Vec<String>>,
    }

    impl SsoApi for Fake {
        fn get_role_credentials<'a>(
            &'a self,
            _: &'a str,
            _: GetRoleCredentialsRequest,
        ) -> BoxFuture<'a, Result<RoleCredentials, SsoApiError>> {
            Box::pin(async {
                Err(SsoApiError::NotWired {
                    operation: "sso:GetRoleCredentials",
                })
            })
        }
        fn create_token<'a>(
            &'a self,
            _: &'a str,
            _: CreateTokenRequest,
        ) -> BoxFuture<'a, Result<CreateTokenResponse, SsoApiError>> {
            let answer = self.tokens.lock().unwrap().pop_front().unwrap_or_else(|| {
                Ok(CreateTokenResponse {
                    access_token: "AccessTokenMARKER".into(),
                    token_type: Some("Bearer".into()),
                    expires_in: 28800,
                    refresh_token: Some("RefreshTokenMARKER".into()),
                })
            });
            Box::pin(async move { answer })
        }
        fn register_client<'a>(
            &'a self,
            _: &'a str,
            _: RegisterClientRequest,
        ) -> BoxFuture<'a, Result<RegisterClientResponse, SsoApiError>> {
            Box::pin(async {
                Ok(RegisterClientResponse {
                    client_id: "client".into(),
                    client_secret: "ClientSecretMARKER".into(),
                    client_id_issued_at: None,
                    client_secret_expires_at: 1_900_000_000,
                })
            })
        }
        fn start_device_authorization<'a>(
            &'a self,
            _: &'a str,
            r: StartDeviceAuthorizationRequest,
        ) -> BoxFuture<'a, Result<StartDeviceAuthorizationResponse, SsoApiError>> {
            self.starts.lock().unwrap().push(r.start_url);
            Box::pin(async {
                Ok(StartDeviceAuthorizationResponse {
                    device_code: "DeviceCodeMARKER".into(),
                    user_code: "WXYZ-1234".into(),
                    verification_uri: "https://device.sso.eu-west-1.amazonaws.com/".into(),
                    verification_uri_complete: Some(
                        "https://device.sso.eu-west-1.amazonaws.com/?user_code=WXYZ-1234".into(),
                    ),
                    expires_in: 600,
                    interval: Some(1),
                })
            })
        }
    }

    /// Variables in memory, files on disk.
    #[derive(Debug)]
    struct FsEnv(MemoryEnv);
    impl Env for FsEnv {
        fn var_os(&self, name: &str) -> Option<std::ffi::OsString> {
            self.0.var_os(name)
        }
        fn read_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
            std::fs::read(path)
        }
    }

    fn home(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("stsgen-cli-sso-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".aws")).unwrap();
        std::fs::write(
            dir.join(".aws/config"),
            "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
             [profile plain]\nregion = eu-west-1\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n",
        )
        .unwrap();
        dir
    }

    struct Run {
        result: Result<(), Exit>,
        out: String,
        err: String,
    }

    fn run(home: &Path, args: &[&str], profile: Option<&str>, fake: &Arc<Fake>) -> Run {
        let env: Arc<dyn Env> = Arc::new(FsEnv(
            MemoryEnv::new()
                .with_var("HOME", home.to_str().unwrap())
                .with_var("AWS_PROFILE", "dev"),
        ));
        let flags =
            stsgen_runtime::cli::args::split_flags(args.iter().map(|a| a.to_string()).collect())
                .unwrap();
        let g = Globals {
            profile: profile.map(str::to_owned),
            ..Globals::default()
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let api = fake.clone();
        let result = block_on(sso_login(
            &g,
            &flags,
            env,
            |l| {
                l.api(api)
                    .clock(ServiceClock::fixed(
                        SystemTime::UNIX_EPOCH + Duration::from_secs(T0),
                    ))
                    .sleep(Arc::new(|_| Box::pin(async {})))
            },
            &mut out,
            &mut err,
        ))
        .unwrap();
        Run {
            result,
            out: String::from_utf8(out).unwrap(),
            err: String::from_utf8(err).unwrap(),
        }
    }

    fn assert_clean(text: &str) {
        for secret in [
            "AccessTokenMARKER",
            "RefreshTokenMARKER",
            "ClientSecretMARKER",
            "DeviceCodeMARKER",
        ] {
            assert!(!text.contains(secret), "leaks {secret}: {text}");
        }
    }

    #[test]
    fn sso_login_prints_the_code_then_where_the_token_is() {
        let home = home("login");
        let fake = Arc::new(Fake {
            tokens: Mutex::new(VecDeque::from([Err(SsoApiError::AuthorizationPending)])),
            ..Fake::default()
        });
        let r = run(&home, &["--no-browser"], None, &fake);
        assert!(r.result.is_ok());
        let file = home.join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
        assert_eq!(
            r.out,
            format!(
                "Successfully logged into Start URL: https://corp.awsapps.com/start\n\
                 The access token is cached in {} until 2030-01-01T08:00:00Z.\n",
                file.display()
            )
        );
        assert_eq!(
            r.err,
            "No browser is opened. To sign in, open this URL in a browser on any device:\n\n    \
             https://device.sso.eu-west-1.amazonaws.com/\n\nand enter the code:\n\n    WXYZ-1234\n\n\
             Or open this URL, which fills in the code:\n\n    \
             https://device.sso.eu-west-1.amazonaws.com/?user_code=WXYZ-1234\n\n\
             The code is valid for 10 minutes. Waiting for it to be confirmed...\n"
        );
        assert_clean(&format!("{}{}", r.out, r.err));
        let token = SsoToken::parse(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(token.access_token(), "AccessTokenMARKER");

        // An sso-session without a profile; a profile given by --profile over AWS_PROFILE.
        let r = run(
            &home,
            &["--sso-session", "corp", "--use-device-code"],
            None,
            &fake,
        );
        assert!(r.result.is_ok(), "{:?}", r.result.err());
        let r = run(&home, &[], Some("plain"), &fake);
        assert!(
            matches!(&r.result, Err(Exit::Failed(m)) if m == "sso-login: profile `plain`: has no IAM Identity Center settings (sso_session, or sso_start_url and sso_region)"),
            "{:?}",
            r.result.err()
        );
        assert_eq!((r.out.as_str(), r.err.as_str()), ("", ""));
    }

    #[test]
    fn sso_login_fails_with_status_1_and_usage_errors_with_2() {
        let home = home("login-errors");
        let fake = Arc::new(Fake {
            tokens: Mutex::new(VecDeque::from([
                Err(SsoApiError::AuthorizationPending),
                Err(SsoApiError::ExpiredToken),
            ])),
            ..Fake::default()
        });
        let r = run(&home, &[], None, &fake);
        let Err(exit) = r.result else {
            panic!("an expired code fails")
        };
        assert!(
            matches!(&exit, Exit::Failed(m) if m == "sso-login: the device authorization expired after 1 s without being approved; sign in again"),
            "{exit:?}"
        );
        assert!(r.err.contains("WXYZ-1234"), "the code was shown: {}", r.err);
        assert_eq!(r.out, "");
        assert!(!home
            .join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
            .exists());

        for (args, says) in [
            (
                &["--browser"][..],
                "unknown option `--browser` for `sso-login`",
            ),
            (
                &["--sso-session"],
                "--sso-session takes exactly one value, once",
            ),
            (
                &["--sso-session", "a", "--sso-session", "b"],
                "--sso-session takes exactly one value, once",
            ),
            (&["--no-browser", "yes"], "--no-browser takes no value"),
        ] {
            let r = run(&home, args, None, &fake);
            assert!(
                matches!(&r.result, Err(Exit::Usage(m)) if m.starts_with(says)),
                "{args:?}: {:?}",
                r.result.err()
            );
        }
        let r = run(&home, &["--sso-session", "nope"], None, &fake);
        assert!(
            matches!(&r.result, Err(Exit::Failed(m)) if m == "sso-login: sso-session `nope`: has no [sso-session] section in the config file"),
            "{:?}",
            r.result.err()
        );
    }

    #[test]
    fn sso_logout_removes_the_tokens_and_says_so() {
        let home = home("logout");
        let fake = Arc::new(Fake::default());
        assert!(run(&home, &[], None, &fake).result.is_ok());
        let env = FsEnv(MemoryEnv::new().with_var("HOME", home.to_str().unwrap()));
        let mut out = Vec::new();
        sso_logout(&[], &env, &mut out).unwrap();
        let file = home.join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "Removed 1 cached IAM Identity Center access token(s):\n    {}\n",
                file.display()
            )
        );
        assert!(!file.exists());
        let mut out = Vec::new();
        sso_logout(&[], &env, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "No cached IAM Identity Center access token to remove.\n"
        );
        assert!(matches!(
            sso_logout(&[("--all".into(), vec![])], &env, &mut Vec::new()),
            Err(Exit::Usage(_))
        ));
    }
}
