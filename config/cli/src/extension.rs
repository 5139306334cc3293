//! What the `sts` command adds to the generated command line, through the runtime's
//! [`CliExtension`]:
//!
//! - `--profile NAME`: configuration and credentials from a named profile, with role chains,
//!   `credential_source`, `web_identity_token_file`, `credential_process` and `mfa_serial` (the
//!   MFA token code is asked for on the terminal);
//! - `--output json|env|credential-process` for the operations whose output has `Credentials`:
//!   `env` prints `export AWS_ACCESS_KEY_ID=…` lines for a shell, `credential-process` prints the
//!   `Version: 1` JSON that AWS SDKs read from a profile's `credential_process`;
//! - `eks-token --cluster-name NAME`: the `ExecCredential` JSON `aws eks get-token` prints;
//! - `export-credentials`: the credentials of the selected profile or environment, in the
//!   `--output` format;
//! - `presign-get-caller-identity [--expires-in SECONDS]`: a presigned `GetCallerIdentity` URL;
//! - `rds-token --hostname H --port P --username U`: an RDS IAM authentication token (as
//!   `aws rds generate-db-auth-token` prints it);
//! - `dsql-token --hostname H [--admin] [--expires-in SECONDS]`: an Aurora DSQL authentication
//!   token (as `aws dsql generate-db-connect-auth-token` / `...-admin-auth-token` print them);
//! - `lint-policy FILE`: an IAM policy document checked against STS's privilege model;
//! - `sso-login [--sso-session NAME]` and `sso-logout`: the IAM Identity Center sign-in of the
//!   profile or session (device authorization), writing the token cache file `aws sso login`
//!   writes, and the sign-out ([`crate::sso`]);
//! - `--no-cache`: credentials of a selected profile that come from STS (a role, or web
//!   identity) are kept between runs in an on-disk cache ([`crate::cache`]); this bypasses it.

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Duration;

use stsgen_config::credentials::{DefaultCredentialsChain, MfaTokenSource};
use stsgen_config::presign;
use stsgen_config::ConfigLoader;
use stsgen_runtime::cli::args::split_flags;
use stsgen_runtime::cli::{block_on, CliExtension, Exit, Flags, Globals, OperationInfo, Program};
use stsgen_runtime::credentials::Credentials;
use stsgen_runtime::json::JsonValue;

use sts::Config;

use crate::cache::DiskCache;

/// Bypasses the on-disk credentials cache.
const NO_CACHE: &str = "--no-cache";

/// The `sts` command's additions.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sts;

/// Appended to the generated `--help`.
pub const HELP: &str = "\
\nservice-specific commands:
  eks-token --cluster-name NAME          an EKS token as `aws eks get-token` prints it (ExecCredential JSON)
  export-credentials                     the current credentials (of --profile, or the default chain)
  presign-get-caller-identity [--expires-in SECONDS]
                                         a presigned GetCallerIdentity URL (default 900 s)
  rds-token --hostname HOST --port PORT --username USER
                                         an RDS IAM authentication token (valid 15 minutes)
  dsql-token --hostname HOST [--admin] [--expires-in SECONDS]
                                         an Aurora DSQL authentication token (default 900 s)
  lint-policy FILE                       check an IAM policy document against STS's privilege model
  sso-login [--sso-session NAME]         sign in to IAM Identity Center for --profile or the session
                                         (as `aws sso login --no-browser`)
  sso-logout                             remove the cached IAM Identity Center access tokens (as `aws sso logout`)

--no-cache  neither read nor write the on-disk cache of role credentials (by default the credentials
            of a selected profile that assumes a role or uses web identity are kept in
            ~/.aws/stsgen/cli-cache, or STSGEN_CLI_CACHE_DIR, until 15 minutes before they expire,
            so an MFA token code is asked for once per session)

--output for operations whose output has Credentials (and export-credentials):
  json                the operation's output (default)
  env                 `export AWS_ACCESS_KEY_ID=...` lines for a POSIX shell
  credential-process  the JSON a profile's `credential_process` prints (Version 1)

Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, then web identity
(AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), then the profile (--profile, AWS_PROFILE or `default`)
with role_arn/source_profile chains, credential_source, web_identity_token_file, credential_process,
mfa_serial (the token code is asked for on the terminal) and IAM Identity Center (sso_session or
sso_start_url; sign in with `sts sso-login --profile NAME` or `aws sso login --profile NAME`).
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Env,
    CredentialProcess,
}

fn format(g: &Globals) -> Result<Format, Exit> {
    match g.output.as_deref() {
        None | Some("json") => Ok(Format::Json),
        Some("env") => Ok(Format::Env),
        Some("credential-process") => Ok(Format::CredentialProcess),
        Some(other) => Err(Exit::Usage(format!(
            "--output {other}: expected json, env or credential-process"
        ))),
    }
}

/// Asks for MFA token codes on the terminal (standard error and standard input).
fn terminal_mfa() -> MfaTokenSource {
    MfaTokenSource::new(|serial| {
        eprint!("MFA token code for {serial}: ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) => Err("standard input is closed".to_owned()),
            Ok(_) => Ok(line.trim().to_owned()),
            Err(e) => Err(format!("could not read standard input: {e}")),
        }
    })
}

/// The client configuration: the environment, then the profile, then `--region` and
/// `--endpoint-url`, with the default chain (for `--profile` when given) as credentials.
///
/// # Errors
/// A profile that does not exist, invalid settings, or a chain that cannot be built.
fn config(g: &Globals) -> Result<Config, Exit> {
    let mut loader = ConfigLoader::new().mfa_tokens(terminal_mfa());
    if let Some(p) = &g.profile {
        loader = loader.profile_name(p.clone());
    }
    let mut config = loader
        .load_without_credentials()
        .map_err(|e| Exit::Failed(format!("configuration: {e}")))?;
    if let Some(region) = &g.region {
        config.region = Some(region.clone());
    }
    if let Some(url) = &g.endpoint_url {
        config.endpoint_url = Some(url.clone());
    }
    let mut chain = DefaultCredentialsChain::builder()
        .config(config.clone())
        .mfa_tokens(terminal_mfa());
    if let Some(p) = &g.profile {
        chain = chain.profile_name(p.clone());
    }
    let chain = Arc::new(
        chain
            .build()
            .map_err(|e| Exit::Failed(format!("credentials: {e}")))?,
    );
    let env: Arc<dyn stsgen_runtime::config::Env> = Arc::new(stsgen_runtime::config::ProcessEnv);
    let profile = g
        .profile
        .clone()
        .or_else(|| env.var("AWS_PROFILE").ok().flatten())
        .filter(|p| !p.is_empty());
    let cached = match profile {
        Some(profile) if !g.switches.iter().any(|s| s == NO_CACHE) => {
            DiskCache::wrap(chain.clone(), env, &profile, config.endpoint_url.as_deref())
        }
        _ => None,
    };
    config.credentials = match cached {
        Some(cache) => Some(Arc::new(cache)),
        None => Some(chain),
    };
    Ok(config)
}

/// Whether an operation's output carries credentials (a `Credentials` member).
fn returns_credentials(op: &OperationInfo) -> bool {
    op.output_members.contains(&"Credentials")
}

/// The credentials in an operation's output JSON (`Credentials` with `AccessKeyId`,
/// `SecretAccessKey`, `SessionToken` and `Expiration`).
///
/// # Errors
/// JSON without credentials, or credentials without keys or with an unreadable expiration.
fn credentials_in(json: &str) -> Result<Credentials, Exit> {
    let missing = |what: &str| Exit::Failed(format!("the response has no {what}"));
    let value = stsgen_runtime::json::parse(json)
        .map_err(|e| Exit::Failed(format!("the output is not JSON: {e}")))?;
    let field = |v: &'_ JsonValue, name: &str| -> Option<JsonValue> {
        match v {
            JsonValue::Object(members) => members
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    };
    let creds = field(&value, "Credentials").ok_or_else(|| missing("credentials"))?;
    let text = |name: &str| field(&creds, name).and_then(|v| v.as_str().map(str::to_owned));
    let key = text("AccessKeyId").ok_or_else(|| missing("AccessKeyId"))?;
    let secret = text("SecretAccessKey").ok_or_else(|| missing("SecretAccessKey"))?;
    let expiry = match text("Expiration") {
        Some(t) => Some(
            stsgen_runtime::DateTime::parse_rfc3339_lenient(&t)
                .map(std::time::SystemTime::from)
                .map_err(|e| {
                    Exit::Failed(format!(
                        "the response's Expiration `{t}` is not a date-time: {e}"
                    ))
                })?,
        ),
        None => None,
    };
    Ok(Credentials::new(
        key,
        secret,
        text("SessionToken"),
        expiry,
        "sts",
    ))
}

impl CliExtension for Sts {
    fn help(&self) -> &str {
        HELP
    }

    fn switches(&self) -> &'static [&'static str] {
        &[NO_CACHE]
    }

    fn command_help(&self, command: &str) -> Option<&str> {
        command_help(command)
    }

    fn command(
        &self,
        _program: &Program,
        command: &str,
        globals: &Globals,
        args: &[String],
    ) -> Option<Result<(), Exit>> {
        command_help(command)?;
        if command == "lint-policy" {
            return Some(lint_policy(args));
        }
        Some(split_flags(args.to_vec()).and_then(|flags| run_command(command, globals, &flags)))
    }

    fn config(&self, _program: &Program, globals: &Globals) -> Result<Config, Exit> {
        config(globals)
    }

    /// `env` and `credential-process` only for operations whose output has credentials.
    fn check_output(&self, operation: &OperationInfo, globals: &Globals) -> Result<(), Exit> {
        match format(globals)? {
            Format::Json => Ok(()),
            _ if returns_credentials(operation) => Ok(()),
            _ => Err(Exit::Usage(format!(
                "--output {}: `{}` returns no credentials (use json)",
                globals.output.as_deref().unwrap_or_default(),
                operation.command
            ))),
        }
    }

    fn print_output(
        &self,
        operation: &OperationInfo,
        globals: &Globals,
        json: &str,
    ) -> Result<bool, Exit> {
        let format = format(globals)?;
        if format == Format::Json {
            return Ok(false);
        }
        self.check_output(operation, globals)?;
        print!("{}", render(&credentials_in(json)?, format));
        Ok(true)
    }
}

pub(crate) fn rfc3339(t: std::time::SystemTime) -> String {
    let t = stsgen_runtime::DateTime::from(t);
    stsgen_runtime::types::wire::format_timestamp(
        &t,
        stsgen_runtime::types::wire::TimestampFormat::DateTime,
    )
}

/// Credentials as `env` lines or `credential-process` JSON (with a final newline).
fn render(c: &Credentials, format: Format) -> String {
    match format {
        Format::Env => {
            let mut out = format!(
                "export AWS_ACCESS_KEY_ID={}\nexport AWS_SECRET_ACCESS_KEY={}\n",
                c.access_key_id(),
                c.secret_access_key()
            );
            if let Some(t) = c.session_token() {
                out.push_str(&format!("export AWS_SESSION_TOKEN={t}\n"));
            }
            if let Some(e) = c.expiry() {
                out.push_str(&format!(
                    "export AWS_CREDENTIAL_EXPIRATION={}\n",
                    rfc3339(e)
                ));
            }
            out
        }
        Format::CredentialProcess | Format::Json => {
            format!("{}\n", stsgen_runtime::credentials::process::document(c))
        }
    }
}

/// The help of a service-specific command.
fn command_help(name: &str) -> Option<&'static str> {
    match name {
        "eks-token" => Some(
            "usage: sts [global options] eks-token --cluster-name NAME\n\n\
             Prints the ExecCredential JSON of an EKS token for the cluster, as `aws eks get-token` does:\n\
             a presigned GetCallerIdentity URL (60 s, signed x-k8s-aws-id header) as `k8s-aws-v1.` + base64url.\n",
        ),
        "export-credentials" => Some(
            "usage: sts [global options] export-credentials [--output json|env|credential-process]\n\n\
             Prints the credentials the client would sign with (of --profile, or the default chain).\n",
        ),
        "presign-get-caller-identity" => Some(
            "usage: sts [global options] presign-get-caller-identity [--expires-in SECONDS]\n\n\
             Prints a presigned GetCallerIdentity URL (default expiry 900 s, at most 7 days).\n",
        ),
        "rds-token" => Some(
            "usage: sts [global options] rds-token --hostname HOST --port PORT --username USER\n\n\
             Prints an RDS IAM authentication token for USER at HOST:PORT in the region (--region, AWS_REGION\n\
             or the profile's), as `aws rds generate-db-auth-token` does: use it as the password; valid 15 minutes.\n",
        ),
        "dsql-token" => Some(
            "usage: sts [global options] dsql-token --hostname HOST [--admin] [--expires-in SECONDS]\n\n\
             Prints an Aurora DSQL authentication token for the cluster endpoint HOST (DbConnect, or DbConnectAdmin\n\
             with --admin), as `aws dsql generate-db-connect-auth-token` does; default expiry 900 s, at most 7 days.\n",
        ),
        "sso-login" => Some(crate::sso::LOGIN_HELP),
        "sso-logout" => Some(crate::sso::LOGOUT_HELP),
        "lint-policy" => Some(
            "usage: sts lint-policy FILE\n\n\
             Checks an IAM policy document against STS's privilege model and prints each finding as\n\
             `CODE PATH: MESSAGE`. Exit status: 0 clean, 1 findings, 2 unreadable file or invalid policy JSON.\n",
        ),
        _ => None,
    }
}

fn single<'a>(
    flags: &'a [(String, Vec<String>)],
    name: &str,
    allowed: &[&str],
    command: &str,
) -> Result<Option<&'a str>, Exit> {
    let mut found = None;
    for (flag, values) in flags {
        if !allowed.contains(&flag.as_str()) {
            return Err(Exit::Usage(format!(
                "unknown option `{flag}` for `{command}` (run `sts {command} --help`)"
            )));
        }
        if flag == name {
            if found.is_some() || values.len() != 1 {
                return Err(Exit::Usage(format!("{flag} takes exactly one value")));
            }
            found = Some(values[0].as_str());
        }
    }
    Ok(found)
}

/// Runs a service-specific command (not `lint-policy`). Global options may also follow the command.
fn run_command(name: &str, g: &Globals, flags: &Flags) -> Result<(), Exit> {
    let mut g = g.clone();
    let mut own = Vec::new();
    for (flag, values) in flags {
        if flag == NO_CACHE {
            g.set("sts", Some(name), flag, values.clone())?;
            continue;
        }
        let slot = match flag.as_str() {
            "--endpoint-url" => &mut g.endpoint_url,
            "--region" => &mut g.region,
            "--profile" => &mut g.profile,
            "--output" => &mut g.output,
            _ => {
                own.push((flag.clone(), values.clone()));
                continue;
            }
        };
        match values.as_slice() {
            [v] => *slot = Some(v.clone()),
            _ => return Err(Exit::Usage(format!("{flag} takes exactly one value"))),
        }
    }
    let run = match name {
        "eks-token" => block_on(eks_token(&g, &own)),
        "export-credentials" => block_on(export_credentials(&g, &own)),
        "rds-token" => block_on(rds_token(&g, &own)),
        "dsql-token" => block_on(dsql_token(&g, &own)),
        "sso-login" => block_on(crate::sso::sso_login(
            &g,
            &own,
            Arc::new(stsgen_runtime::config::ProcessEnv),
            |login| login,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        )),
        "sso-logout" => Ok(crate::sso::sso_logout(
            &own,
            &stsgen_runtime::config::ProcessEnv,
            &mut std::io::stdout(),
        )),
        _ => block_on(presign(&g, &own)),
    };
    run.and_then(|r| r)
}

async fn current(config: &Config) -> Result<Credentials, Exit> {
    let provider = config
        .credentials
        .as_ref()
        .ok_or_else(|| Exit::Failed("no credentials provider".to_owned()))?;
    provider
        .provide_credentials()
        .await
        .map_err(|e| Exit::Failed(format!("credentials: {e}")))
}

async fn eks_token(g: &Globals, flags: &[(String, Vec<String>)]) -> Result<(), Exit> {
    let cluster = single(flags, "--cluster-name", &["--cluster-name"], "eks-token")?
        .ok_or_else(|| Exit::Usage("eks-token needs --cluster-name NAME".to_owned()))?;
    if format(g)? != Format::Json {
        return Err(Exit::Usage(
            "eks-token prints ExecCredential JSON only (no --output)".to_owned(),
        ));
    }
    let config = config(g)?;
    let creds = current(&config).await?;
    let token = presign::eks_token(&config, &creds, cluster, None)
        .map_err(|e| Exit::Failed(e.to_string()))?;
    println!("{}", token.exec_credential_json());
    Ok(())
}

async fn export_credentials(g: &Globals, flags: &[(String, Vec<String>)]) -> Result<(), Exit> {
    single(flags, "", &[], "export-credentials")?;
    let format = format(g)?;
    let config = config(g)?;
    let creds = current(&config).await?;
    print!("{}", render(&creds, format));
    Ok(())
}

fn expires_in(
    flags: &[(String, Vec<String>)],
    allowed: &[&str],
    command: &str,
) -> Result<Duration, Exit> {
    match single(flags, "--expires-in", allowed, command)? {
        None => Ok(Duration::from_secs(900)),
        Some(v) => Ok(Duration::from_secs(v.parse().map_err(|_| {
            Exit::Usage(format!("--expires-in {v}: expected a number of seconds"))
        })?)),
    }
}

/// The region a database token is signed for.
fn region_of(config: &Config) -> Result<String, Exit> {
    config.region.clone().ok_or_else(|| {
        Exit::Usage(
            "no region: pass --region REGION, set AWS_REGION, or set `region` in the profile"
                .to_owned(),
        )
    })
}

async fn rds_token(g: &Globals, flags: &[(String, Vec<String>)]) -> Result<(), Exit> {
    const ALLOWED: &[&str] = &["--hostname", "--port", "--username"];
    let need = |name: &str| -> Result<&str, Exit> {
        single(flags, name, ALLOWED, "rds-token")?.ok_or_else(|| {
            Exit::Usage(format!(
                "rds-token needs {name} (run `sts rds-token --help`)"
            ))
        })
    };
    let (hostname, port, username) = (need("--hostname")?, need("--port")?, need("--username")?);
    let port: u16 = port.parse().ok().filter(|p| *p != 0).ok_or_else(|| {
        Exit::Usage(format!(
            "--port {port}: expected a port number (1 to 65535)"
        ))
    })?;
    let config = config(g)?;
    let region = region_of(&config)?;
    let creds = current(&config).await?;
    let token = presign::rds_auth_token(&creds, hostname, port, username, &region, None)
        .map_err(|e| Exit::Usage(e.to_string()))?;
    println!("{}", token.token());
    Ok(())
}

async fn dsql_token(g: &Globals, flags: &[(String, Vec<String>)]) -> Result<(), Exit> {
    const ALLOWED: &[&str] = &["--hostname", "--admin", "--expires-in"];
    let hostname = single(flags, "--hostname", ALLOWED, "dsql-token")?.ok_or_else(|| {
        Exit::Usage("dsql-token needs --hostname HOST (run `sts dsql-token --help`)".to_owned())
    })?;
    let mut action = presign::DsqlAction::DbConnect;
    for (flag, values) in flags {
        if flag == "--admin" {
            if !values.is_empty() {
                return Err(Exit::Usage("--admin takes no value".to_owned()));
            }
            action = presign::DsqlAction::DbConnectAdmin;
        }
    }
    let expires = expires_in(flags, ALLOWED, "dsql-token")?;
    let config = config(g)?;
    let region = region_of(&config)?;
    let creds = current(&config).await?;
    let token = presign::dsql_auth_token(&creds, hostname, action, &region, expires, None)
        .map_err(|e| Exit::Usage(e.to_string()))?;
    println!("{}", token.token());
    Ok(())
}

async fn presign(g: &Globals, flags: &[(String, Vec<String>)]) -> Result<(), Exit> {
    let expires = expires_in(flags, &["--expires-in"], "presign-get-caller-identity")?;
    let config = config(g)?;
    let creds = current(&config).await?;
    let options = presign::PresignOptions::new(expires);
    let url = presign::get_caller_identity_url(&config, &creds, &options)
        .map_err(|e| Exit::Failed(e.to_string()))?;
    println!("{url}");
    Ok(())
}

/// `lint-policy FILE`: findings on stdout one per line (`CODE PATH: MESSAGE`, exit 1); a file
/// that is not a policy document is a usage error (exit 2).
fn lint_policy(args: &[String]) -> Result<(), Exit> {
    let [file] = args else {
        return Err(Exit::Usage("usage: sts lint-policy FILE".to_owned()));
    };
    let text = std::fs::read_to_string(file).map_err(|e| Exit::Usage(format!("{file}: {e}")))?;
    let doc = stsgen_runtime::iam::policy::PolicyDocument::parse(&text)
        .map_err(|e| Exit::Usage(format!("{file}: {e}")))?;
    let findings = stsgen_runtime::iam::policy::lint::<sts::iam::Model>(&doc);
    for finding in &findings {
        println!("{finding}");
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(Exit::Failed(format!(
            "{file}: {} finding(s)",
            findings.len()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_render_for_shells_and_credential_process() {
        let expiry = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445);
        let c = Credentials::new(
            "ASIAX",
            "se/cr+et",
            Some("to+k/en=".to_owned()),
            Some(expiry),
            "t",
        );
        assert_eq!(
            render(&c, Format::Env),
            "export AWS_ACCESS_KEY_ID=ASIAX\nexport AWS_SECRET_ACCESS_KEY=se/cr+et\nexport AWS_SESSION_TOKEN=to+k/en=\n\
             export AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05Z\n"
        );
        assert_eq!(
            render(&c, Format::CredentialProcess),
            "{\"Version\":1,\"AccessKeyId\":\"ASIAX\",\"SecretAccessKey\":\"se/cr+et\",\"SessionToken\":\"to+k/en=\",\
             \"Expiration\":\"2030-01-02T03:04:05Z\"}\n"
        );
    }

    #[test]
    fn output_formats_are_checked_against_the_operation() {
        let g = |o: &str| Globals {
            output: Some(o.to_owned()),
            ..Default::default()
        };
        let op = |command, members| OperationInfo {
            command,
            operation: "",
            output_members: members,
            help: "",
        };
        let assume_role = op(
            "assume-role",
            &["AssumedRoleUser", "Credentials", "PackedPolicySize"],
        );
        let session_token = op("get-session-token", &["Credentials"]);
        let whoami = op("get-caller-identity", &["Account", "Arn", "UserId"]);
        assert!(Sts.check_output(&assume_role, &g("env")).is_ok());
        assert!(Sts
            .check_output(&session_token, &g("credential-process"))
            .is_ok());
        assert!(matches!(
            Sts.check_output(&whoami, &g("env")),
            Err(Exit::Usage(_))
        ));
        assert!(Sts.check_output(&whoami, &g("json")).is_ok());
        assert!(matches!(
            Sts.check_output(&assume_role, &g("yaml")),
            Err(Exit::Usage(_))
        ));
    }

    #[test]
    fn credentials_are_read_back_from_the_output_json() {
        let json = "{\"Credentials\": {\"AccessKeyId\": \"ASIAX\", \"Expiration\": \"2030-01-02T03:04:05+00:00\", \
                    \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\"}}";
        let c = credentials_in(json).unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("ASIAX", "s", Some("t"))
        );
        assert_eq!(
            c.expiry(),
            Some(std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445))
        );
        assert!(
            matches!(credentials_in("{\"Account\": \"1\"}"), Err(Exit::Failed(m)) if m.contains("no credentials"))
        );
        let bad = "{\"Credentials\": {\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", \"Expiration\": \"soon\"}}";
        assert!(matches!(credentials_in(bad), Err(Exit::Failed(m)) if m.contains("`soon`")));
    }
}
