//! `sts`: a command-line client for AWS STS in the style of the AWS CLI.
//!
//! The operations (one subcommand each, options and help from the model) are the generated
//! `sts-cli` crate; this binary adds what only makes sense with STS through the runtime's
//! `CliExtension` trait ([`extension::Sts`]): `--profile` with the whole default credentials
//! chain, `--output env|credential-process`, `eks-token`, `export-credentials`,
//! `presign-get-caller-identity`, `rds-token`, `dsql-token`, `lint-policy`, `sso-login`,
//! `sso-logout`, and an on-disk cache
//! of role credentials ([`cache`]) with `--no-cache` to bypass it.
//!
//! Install with `cargo install --path config/cli`; run `sts --help`.

mod cache;
mod extension;
mod sso;

fn main() -> std::process::ExitCode {
    sts_cli::main(&extension::Sts)
}
