//! Non-Rust files of the generated crate (askama templates).

use askama::Template;

use crate::ir::Service;
use crate::Options;

/// One operation row in the README.
pub struct OpRow {
    /// Wire name.
    pub wire: String,
    /// Module name.
    pub module: String,
    /// Sent unsigned.
    pub unsigned: bool,
}

#[derive(Template)]
#[template(path = "Cargo.toml.j2", escape = "none")]
struct CargoToml<'a> {
    crate_name: &'a str,
    lib_name: &'a str,
    version: &'a str,
    description_toml: String,
    runtime_path_toml: String,
    standalone: bool,
    /// The crate has the round-trip property tests (`proptest` dev-dependency).
    roundtrip: bool,
    /// The runtime features the crate needs, as TOML list items (`"aws-json", "gzip"`): the
    /// protocol's module (awsQuery needs none) and `gzip` when some operation accepts gzip
    /// request compression.
    runtime_features: String,
    /// The service has a privilege model (the `policy` feature).
    has_iam: bool,
}

#[derive(Template)]
#[template(path = "cli-Cargo.toml.j2", escape = "none")]
struct CliCargoToml<'a> {
    crate_name: &'a str,
    lib_name: &'a str,
    version: &'a str,
    description_toml: String,
    runtime_path_toml: String,
}

#[derive(Template)]
#[template(path = "README.md.j2", escape = "none")]
struct Readme<'a> {
    crate_name: &'a str,
    full_name: &'a str,
    api_version: &'a str,
    operations: Vec<OpRow>,
    has_iam: bool,
}

/// A TOML basic string (JSON string escapes are valid TOML).
fn toml_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialise")
}

/// The generated `Cargo.toml`; `roundtrip`: the crate has `src/roundtrip_tests.rs`.
pub fn cargo_toml(svc: &Service, options: &Options, roundtrip: bool) -> anyhow::Result<String> {
    let package = svc.crate_name.replace('_', "-");
    let t = CargoToml {
        crate_name: &package,
        lib_name: &svc.crate_name,
        version: &options.crate_version,
        description_toml: toml_string(&format!(
            "{} client generated from the AWS service model by stsgen",
            svc.full_name
        )),
        runtime_path_toml: toml_string(&options.runtime_path),
        standalone: options.standalone,
        roundtrip,
        runtime_features: runtime_features(svc),
        has_iam: svc.iam.is_some(),
    };
    Ok(t.render()? + "\n")
}

/// The runtime features a crate of this service enables for itself: its protocol's module, and
/// request compression support only for models with `requestcompression` operations.
fn runtime_features(svc: &Service) -> String {
    let mut features = Vec::new();
    match svc.protocol {
        crate::ir::Protocol::AwsQuery => {}
        crate::ir::Protocol::AwsJson { .. } => features.push("\"aws-json\""),
        crate::ir::Protocol::RestJson1 => features.push("\"rest-json\""),
    }
    if svc
        .operations
        .iter()
        .any(|o| o.request_compression.iter().any(|e| e == "gzip"))
    {
        features.push("\"gzip\"");
    }
    features.join(", ")
}

/// The generated command line's `cli/Cargo.toml` (a package inside the crate's directory).
pub fn cli_cargo_toml(svc: &Service, options: &Options) -> anyhow::Result<String> {
    // The runtime path is relative to the crate's directory, one level up from cli/.
    let runtime = if std::path::Path::new(&options.runtime_path).is_absolute() {
        options.runtime_path.clone()
    } else {
        format!("../{}", options.runtime_path)
    };
    let t = CliCargoToml {
        crate_name: &svc.crate_name.replace('_', "-"),
        lib_name: &svc.crate_name,
        version: &options.crate_version,
        description_toml: toml_string(&format!(
            "The command line of {}, generated from its model by stsgen (one subcommand per operation)",
            svc.full_name
        )),
        runtime_path_toml: toml_string(&runtime),
    };
    Ok(t.render()? + "\n")
}

/// The generated `README.md`.
pub fn readme(svc: &Service) -> anyhow::Result<String> {
    let t = Readme {
        crate_name: &svc.crate_name,
        full_name: &svc.full_name,
        api_version: &svc.api_version,
        operations: svc
            .operations
            .iter()
            .map(|o| OpRow {
                wire: o.wire_name.clone(),
                module: o.module.clone(),
                unsigned: o.unsigned,
            })
            .collect(),
        has_iam: svc.iam.is_some(),
    };
    Ok(t.render()? + "\n")
}
