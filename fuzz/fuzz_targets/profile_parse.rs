//! Fuzzes the shared config/credentials file parser (`ProfileSet::parse`) and what is read from
//! a parsed set: the input is the config file, then (after the first NUL byte, if any) the
//! credentials file. Parsing must never panic, hang or overflow; on success every profile's
//! accessors, the `source_profile` chain resolution and applying the profile to a client
//! configuration must not panic either, and `Debug` / `Display` of every outcome must format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sts::runtime::client::config::apply_to_config;
use sts::runtime::config::{MemoryEnv, ProfileSet};
use sts::runtime::credentials::profile::{resolve_chain, ProfileCredentials};

fuzz_target!(|data: &[u8]| {
    let (config, credentials) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let config = String::from_utf8_lossy(config);
    let credentials = String::from_utf8_lossy(credentials);
    let set = match ProfileSet::parse(&config, &credentials) {
        Ok(set) => set,
        Err(e) => return drop(format!("{e} {e:?}")),
    };
    drop(format!("{set:?} {:?}", set.warnings()));
    let names: Vec<String> = set.names().map(str::to_owned).collect();
    let env = MemoryEnv::new();
    for name in &names {
        let Some(p) = set.get(name) else { continue };
        drop(format!("{p:?}"));
        let _ = (p.role_arn(), p.source_profile(), p.credential_source(), p.region(), p.endpoint_url(), p.services());
        let _ = (p.web_identity_token_file(), p.credential_process(), p.mfa_serial(), p.role_session_name());
        for key in p.keys().map(str::to_owned).collect::<Vec<_>>() {
            let _ = (p.get(&key), p.location(&key).map(|l| l.to_string()), p.sub_property(&key, "x"));
        }
        match p.duration_seconds() {
            Ok(v) => drop(format!("{v:?}")),
            Err(e) => drop(e.to_string()),
        }
        match p.sts_regional_endpoints() {
            Ok(v) => drop(v.map(str::to_owned)),
            Err(e) => drop(e.to_string()),
        }
        match ProfileCredentials::static_from(p) {
            Ok(c) => drop(format!("{c:?}")),
            Err(e) => drop(e.to_string()),
        }
        match resolve_chain(&set, name) {
            Ok(chain) => drop(format!("{chain:?}")),
            Err(e) => drop(format!("{e} {e:?}")),
        }
        let mut cfg = sts::Config::new();
        if let Err(e) = apply_to_config(&set, name, "STS", &env, &mut cfg) {
            drop(e.to_string());
        }
        drop(format!("{cfg:?}"));
    }
});
