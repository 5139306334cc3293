//! The STS-specific parts of the `sts` command-line example (`examples/sts.rs`).
//!
//! Hand-written: the generator does not own this module. The generated example calls it
//! because `overrides/sts.json` names it as the example's `cli_extension`; it adds:
//!
//! - `--profile NAME`: configuration and credentials from a named profile, with role chains,
//!   `credential_source`, `web_identity_token_file`, `credential_process` and `mfa_serial` (the
//!   MFA token code is asked for on the terminal);
//! - `--output json|env|credential-process` for the operations that return credentials:
//!   `env` prints `export AWS_ACCESS_KEY_ID=…` lines for a shell, `credential-process` prints the
//!   `Version: 1` JSON that AWS SDKs read from a profile's `credential_process`;
//! - `eks-token --cluster-name NAME`: the `ExecCredential` JSON `aws eks get-token` prints;
//! - `export-credentials`: the credentials of the selected profile or environment, in the
//!   `--output` format;
//! - `presign-get-caller-identity [--expires-in SECONDS]`: a presigned `GetCallerIdentity` URL.
//!
//! It is public so the example can reach it, but it is not meant as a library API.

use std::any::{Any, TypeId};
use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Duration;

use stsgen_runtime::credentials::Credentials;

use crate::client::Config;
use crate::credentials::{ConfigLoader, DefaultCredentialsChain, MfaTokenSource};

/// The example's global options.
#[derive(Debug, Clone, Default)]
pub struct Globals {
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--output`.
    pub output: Option<String>,
}

/// How a command fails.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage (exit status 2).
    Usage(String),
    /// A failure after the command was accepted (exit status 1).
    Failed(String),
}

/// Appended to the example's `--help`.
pub const HELP: &str = "\
\nservice-specific commands:
  eks-token --cluster-name NAME          an EKS token as `aws eks get-token` prints it (ExecCredential JSON)
  export-credentials                     the current credentials (of --profile, or the default chain)
  presign-get-caller-identity [--expires-in SECONDS]
                                         a presigned GetCallerIdentity URL (default 900 s)

--output for operations that return credentials (and export-credentials):
  json                the operation's output (default)
  env                 `export AWS_ACCESS_KEY_ID=...` lines for a POSIX shell
  credential-process  the JSON a profile's `credential_process` prints (Version 1)

Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, then web identity
(AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), then the profile (--profile, AWS_PROFILE or `default`)
with role_arn/source_profile chains, credential_source, web_identity_token_file, credential_process
and mfa_serial (the token code is asked for on the terminal).
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Env,
    CredentialProcess,
}

fn format(g: &Globals) -> Result<Format, Failure> {
    match g.output.as_deref() {
        None | Some("json") => Ok(Format::Json),
        Some("env") => Ok(Format::Env),
        Some("credential-process") => Ok(Format::CredentialProcess),
        Some(other) => Err(Failure::Usage(format!(
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
pub fn config(g: &Globals) -> Result<Config, Failure> {
    let mut loader = ConfigLoader::new().mfa_tokens(terminal_mfa());
    if let Some(p) = &g.profile {
        loader = loader.profile_name(p.clone());
    }
    let mut config = loader.load_without_credentials().map_err(|e| Failure::Failed(format!("configuration: {e}")))?;
    if let Some(region) = &g.region {
        config.region = Some(region.clone());
    }
    if let Some(url) = &g.endpoint_url {
        config.endpoint_url = Some(url.clone());
    }
    let mut chain = DefaultCredentialsChain::builder().config(config.clone()).mfa_tokens(terminal_mfa());
    if let Some(p) = &g.profile {
        chain = chain.profile_name(p.clone());
    }
    let chain = chain.build().map_err(|e| Failure::Failed(format!("credentials: {e}")))?;
    config.credentials = Some(Arc::new(chain));
    Ok(config)
}

/// The credentials in an operation's output, for the outputs that have them.
fn credentials_of(output: &dyn Any) -> Option<Option<&crate::types::Credentials>> {
    use crate::operation::*;
    if let Some(o) = output.downcast_ref::<assume_role::AssumeRoleOutput>() {
        return Some(o.credentials());
    }
    if let Some(o) = output.downcast_ref::<assume_role_with_saml::AssumeRoleWithSamlOutput>() {
        return Some(o.credentials());
    }
    if let Some(o) = output.downcast_ref::<assume_role_with_web_identity::AssumeRoleWithWebIdentityOutput>() {
        return Some(o.credentials());
    }
    if let Some(o) = output.downcast_ref::<assume_root::AssumeRootOutput>() {
        return Some(o.credentials());
    }
    if let Some(o) = output.downcast_ref::<get_federation_token::GetFederationTokenOutput>() {
        return Some(o.credentials());
    }
    if let Some(o) = output.downcast_ref::<get_session_token::GetSessionTokenOutput>() {
        return Some(o.credentials());
    }
    None
}

fn returns_credentials(t: TypeId) -> bool {
    use crate::operation::*;
    [
        TypeId::of::<assume_role::AssumeRoleOutput>(),
        TypeId::of::<assume_role_with_saml::AssumeRoleWithSamlOutput>(),
        TypeId::of::<assume_role_with_web_identity::AssumeRoleWithWebIdentityOutput>(),
        TypeId::of::<assume_root::AssumeRootOutput>(),
        TypeId::of::<get_federation_token::GetFederationTokenOutput>(),
        TypeId::of::<get_session_token::GetSessionTokenOutput>(),
    ]
    .contains(&t)
}

/// Checks `--output` before an operation with output `T` is sent.
///
/// # Errors
/// An unknown format, or `env`/`credential-process` for an operation that returns no credentials.
pub fn check_output<T: Any>(g: &Globals) -> Result<(), Failure> {
    match format(g)? {
        Format::Json => Ok(()),
        _ if returns_credentials(TypeId::of::<T>()) => Ok(()),
        _ => Err(Failure::Usage(format!(
            "--output {}: this operation returns no credentials (use json)",
            g.output.as_deref().unwrap_or_default()
        ))),
    }
}

/// Prints `output` in the `--output` format; `false` when the example should print its JSON.
///
/// # Errors
/// As [`check_output`], or a response without credentials.
pub fn print_output<T: Any>(g: &Globals, output: &T) -> Result<bool, Failure> {
    let format = format(g)?;
    if format == Format::Json {
        return Ok(false);
    }
    let creds = credentials_of(output)
        .ok_or_else(|| Failure::Usage("this operation returns no credentials (use --output json)".to_owned()))?
        .ok_or_else(|| Failure::Failed("the response has no credentials".to_owned()))?;
    let creds = Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token().to_owned()),
        Some(std::time::SystemTime::from(creds.expiration())),
        "sts",
    );
    print!("{}", render(&creds, format));
    Ok(true)
}

fn rfc3339(t: std::time::SystemTime) -> String {
    let t = stsgen_runtime::DateTime::from(t);
    stsgen_runtime::types::wire::format_timestamp(&t, stsgen_runtime::types::wire::TimestampFormat::DateTime)
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
                out.push_str(&format!("export AWS_CREDENTIAL_EXPIRATION={}\n", rfc3339(e)));
            }
            out
        }
        Format::CredentialProcess | Format::Json => {
            let mut w = stsgen_runtime::json::JsonWriter::compact();
            w.begin_object();
            w.key("Version");
            w.integer(1);
            w.key("AccessKeyId");
            w.string(c.access_key_id());
            w.key("SecretAccessKey");
            w.string(c.secret_access_key());
            if let Some(t) = c.session_token() {
                w.key("SessionToken");
                w.string(t);
            }
            if let Some(e) = c.expiry() {
                w.key("Expiration");
                w.string(&rfc3339(e));
            }
            w.end_object();
            format!("{}\n", w.finish())
        }
    }
}

/// The help of a service-specific command.
pub fn command_help(name: &str) -> Option<&'static str> {
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
        _ => None,
    }
}

fn single<'a>(flags: &'a [(String, Vec<String>)], name: &str, allowed: &[&str], command: &str) -> Result<Option<&'a str>, Failure> {
    let mut found = None;
    for (flag, values) in flags {
        if !allowed.contains(&flag.as_str()) {
            return Err(Failure::Usage(format!("unknown option `{flag}` for `{command}` (run `sts {command} --help`)")));
        }
        if flag == name {
            if found.is_some() || values.len() != 1 {
                return Err(Failure::Usage(format!("{flag} takes exactly one value")));
            }
            found = Some(values[0].as_str());
        }
    }
    Ok(found)
}

/// Runs a service-specific command; `None` when `name` is not one.
///
/// Global options may also follow the command.
pub async fn command(name: &str, g: &Globals, flags: &[(String, Vec<String>)]) -> Option<Result<(), Failure>> {
    command_help(name)?;
    let mut g = g.clone();
    let mut own = Vec::new();
    for (flag, values) in flags {
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
            _ => return Some(Err(Failure::Usage(format!("{flag} takes exactly one value")))),
        }
    }
    let run = match name {
        "eks-token" => eks_token(&g, &own).await,
        "export-credentials" => export_credentials(&g, &own).await,
        _ => presign(&g, &own).await,
    };
    Some(run)
}

async fn current(config: &Config) -> Result<Credentials, Failure> {
    let provider = config.credentials.as_ref().ok_or_else(|| Failure::Failed("no credentials provider".to_owned()))?;
    provider.provide_credentials().await.map_err(|e| Failure::Failed(format!("credentials: {e}")))
}

async fn eks_token(g: &Globals, flags: &[(String, Vec<String>)]) -> Result<(), Failure> {
    let cluster = single(flags, "--cluster-name", &["--cluster-name"], "eks-token")?
        .ok_or_else(|| Failure::Usage("eks-token needs --cluster-name NAME".to_owned()))?;
    if format(g)? != Format::Json {
        return Err(Failure::Usage("eks-token prints ExecCredential JSON only (no --output)".to_owned()));
    }
    let config = config(g)?;
    let creds = current(&config).await?;
    let token = crate::presign::eks_token(&config, &creds, cluster, None).map_err(|e| Failure::Failed(e.to_string()))?;
    println!("{}", token.exec_credential_json());
    Ok(())
}

async fn export_credentials(g: &Globals, flags: &[(String, Vec<String>)]) -> Result<(), Failure> {
    single(flags, "", &[], "export-credentials")?;
    let format = format(g)?;
    let config = config(g)?;
    let creds = current(&config).await?;
    print!("{}", render(&creds, format));
    Ok(())
}

async fn presign(g: &Globals, flags: &[(String, Vec<String>)]) -> Result<(), Failure> {
    let expires = match single(flags, "--expires-in", &["--expires-in"], "presign-get-caller-identity")? {
        None => Duration::from_secs(900),
        Some(v) => Duration::from_secs(
            v.parse().map_err(|_| Failure::Usage(format!("--expires-in {v}: expected a number of seconds")))?,
        ),
    };
    let config = config(g)?;
    let creds = current(&config).await?;
    let options = crate::presign::PresignOptions::new(expires);
    let url = crate::presign::get_caller_identity_url(&config, &creds, &options).map_err(|e| Failure::Failed(e.to_string()))?;
    println!("{url}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_render_for_shells_and_credential_process() {
        let expiry = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445);
        let c = Credentials::new("ASIAX", "se/cr+et", Some("to+k/en=".to_owned()), Some(expiry), "t");
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
        let g = |o: &str| Globals { output: Some(o.to_owned()), ..Default::default() };
        assert!(check_output::<crate::operation::assume_role::AssumeRoleOutput>(&g("env")).is_ok());
        assert!(check_output::<crate::operation::get_session_token::GetSessionTokenOutput>(&g("credential-process")).is_ok());
        assert!(matches!(
            check_output::<crate::operation::get_caller_identity::GetCallerIdentityOutput>(&g("env")),
            Err(Failure::Usage(_))
        ));
        assert!(check_output::<crate::operation::get_caller_identity::GetCallerIdentityOutput>(&g("json")).is_ok());
        assert!(matches!(check_output::<crate::operation::assume_role::AssumeRoleOutput>(&g("yaml")), Err(Failure::Usage(_))));
    }
}
