//! Shared config/credentials file parsing (the cross-SDK rules), loading through an injected
//! environment, profile helpers, and role chain resolution.

use std::path::{Path, PathBuf};

use stsgen_runtime::config::{Env, MemoryEnv, ProfileError, ProfileSet};
use stsgen_runtime::credentials::profile::{
    resolve_chain, AssumeRoleLink, ChainLink, CredentialSource, ProfileCredentials, SsoLink,
};
use stsgen_runtime::credentials::CredentialsError;

/// Parses a config file alone.
fn config(text: &str) -> ProfileSet {
    ProfileSet::parse(text, "").unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// Parses a config and a credentials file.
fn both(config: &str, credentials: &str) -> ProfileSet {
    ProfileSet::parse(config, credentials).unwrap_or_else(|e| panic!("{e}"))
}

/// Every profile as `name: key=value, ...` lines, sorted: easy to compare.
fn dump(set: &ProfileSet) -> Vec<String> {
    set.names()
        .map(|n| {
            let p = set.get(n).unwrap();
            let props: Vec<String> = p
                .keys()
                .map(|k| format!("{k}={}", p.get(k).unwrap()))
                .collect();
            format!("{n}: {}", props.join(", "))
        })
        .collect()
}

fn syntax_error(config_text: &str) -> (usize, String) {
    match ProfileSet::parse(config_text, "") {
        Err(ProfileError::Syntax {
            path,
            line,
            message,
        }) => {
            assert_eq!(path, Path::new("config file"));
            (line, message)
        }
        other => panic!("{config_text:?}: expected a syntax error, got {other:?}"),
    }
}

#[test]
fn empty_files_and_empty_profiles() {
    assert!(config("").is_empty());
    assert!(config("\n\n  \t\n# only a comment\n").is_empty());
    assert_eq!(dump(&config("[profile foo]")), ["foo: "]);
    assert_eq!(
        dump(&config("[profile foo]\n[profile bar]")),
        ["bar: ", "foo: "]
    );
}

#[test]
fn profile_names() {
    assert_eq!(
        dump(&config(
            "[profile some-thing:long/the_one%only.foo@bar+]\n[profile foo!bar]"
        )),
        ["some-thing:long/the_one%only.foo@bar+: "]
    );
    assert_eq!(dump(&config("[profile \tfoo \t]")), ["foo: "]);
    assert_eq!(dump(&config("[profile\tfoo]")), ["foo: "]);
    assert_eq!(
        dump(&config("[   profile foo    ]\nname = value")),
        ["foo: name=value"]
    );
    // Names are case-sensitive.
    let set = config("[profile Dev]\na = 1\n[profile dev]\na = 2");
    assert_eq!(
        (
            set.get("Dev").unwrap().get("a"),
            set.get("dev").unwrap().get("a")
        ),
        (Some("1"), Some("2"))
    );
    // `profilefoo` has no prefix, so in the config file it is ignored.
    assert_eq!(
        dump(&config("[profilefoo]\nname = value\n[profile bar]")),
        ["bar: "]
    );
    // An invalid name drops the section and its properties, not its neighbours.
    let set = config(
        "[profile foo]\nname = value\n[profile in valid]\nx = 1\n[profile bar]\nname = value2",
    );
    assert_eq!(dump(&set), ["bar: name=value2", "foo: name=value"]);
    assert!(
        set.warnings()
            .iter()
            .any(|w| w.starts_with("config file line 3:") && w.contains("in valid")),
        "{:?}",
        set.warnings()
    );
}

#[test]
fn section_headers_must_be_closed() {
    let (line, message) = syntax_error("[profile foo]\na = b\n\n[profile bar\nc = d");
    assert_eq!(line, 4);
    assert!(message.contains("must end with `]`"), "{message}");
    let err = ProfileSet::parse("[profile foo", "").unwrap_err();
    assert_eq!(
        err.to_string(),
        "config file line 1: section header must end with `]`"
    );
}

#[test]
fn properties() {
    assert_eq!(
        dump(&config("[profile foo]\nname = value")),
        ["foo: name=value"]
    );
    assert_eq!(
        dump(&config("[profile foo]\r\nname = value\r\n")),
        ["foo: name=value"],
        "CRLF"
    );
    assert_eq!(
        dump(&config("[profile foo]\nname = val=ue")),
        ["foo: name=val=ue"]
    );
    assert_eq!(dump(&config("[profile foo]\nname = 😂")), ["foo: name=😂"]);
    assert_eq!(
        dump(&config("[profile foo]\nname \t=  \tvalue \t")),
        ["foo: name=value"]
    );
    assert_eq!(dump(&config("[profile foo]\nname =")), ["foo: name="]);
    assert_eq!(
        dump(&config("[profile foo]\nname = value\nname2 = value2")),
        ["foo: name=value, name2=value2"]
    );
    assert_eq!(
        dump(&config("[profile foo]\nABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_ = value")),
        ["foo: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789-_=value"]
    );
    // Invalid keys are ignored (with a warning naming the line).
    let set = config("[profile foo]\nin valid = value\nok = 1");
    assert_eq!(dump(&set), ["foo: ok=1"]);
    assert_eq!(
        set.warnings(),
        ["config file line 2: line ignored: the text before `=` is not a key name (letters, digits, `_`, `-`, `.`); not shown, as it may hold a secret"]
    );
}

#[test]
fn a_malformed_secret_line_is_neither_stored_nor_shown() {
    const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token+body==";
    for line in [
        format!("aws_session_token:{TOKEN}"),
        TOKEN.to_owned(),
        "SecretPartOnly==".to_owned(),
    ] {
        let set = ProfileSet::parse(
            "",
            &format!("[default]\naws_access_key_id = AKID\n{line}\n"),
        )
        .unwrap();
        let shown = format!("{set:?} {:?} {:?}", set.warnings(), set.get("default"));
        let secret = line
            .trim_end_matches('=')
            .rsplit(':')
            .next()
            .unwrap()
            .to_ascii_lowercase();
        assert!(
            !shown.to_ascii_lowercase().contains(&secret),
            "{line}: {shown}"
        );
        let profile = set.get("default").unwrap();
        assert_eq!(
            profile.keys().collect::<Vec<_>>(),
            ["aws_access_key_id"],
            "{line}"
        );
        assert_eq!(set.warnings().len(), 1, "{line}");
        assert!(
            set.warnings()[0].contains("credentials file line 3: line ignored"),
            "{:?}",
            set.warnings()
        );
    }
}

#[test]
fn property_errors_name_the_line() {
    let (line, message) = syntax_error("[profile foo]\n= value");
    assert_eq!(
        (line, message.as_str()),
        (2, "this property has no name before `=`")
    );
    let (line, message) = syntax_error("[profile foo]\nok = 1\nkey : value");
    assert_eq!(line, 3);
    assert!(message.contains("expected `=`"), "{message}");
    let (line, message) = syntax_error("# header comment\nname = value");
    assert_eq!(line, 2);
    assert!(message.contains("section header"), "{message}");
}

#[test]
fn comments() {
    assert_eq!(
        dump(&config(
            "# Comment\n[profile foo] # Comment\nname = value # Comment with # sign"
        )),
        ["foo: name=value"]
    );
    assert_eq!(
        dump(&config(
            "; Comment\n[profile foo] ; Comment\nname = value ; Comment with ; sign"
        )),
        ["foo: name=value"]
    );
    assert_eq!(
        dump(&config(
            "# Comment\n[profile foo] ; Comment\nname = value # Comment with ; sign"
        )),
        ["foo: name=value"]
    );
    assert_eq!(
        dump(&config(";\n[profile foo];\nname = value ;\n")),
        ["foo: name=value"]
    );
    assert_eq!(
        dump(&config(
            "[profile foo]; Adjacent semicolons\n[profile bar]# Adjacent pound signs"
        )),
        ["bar: ", "foo: "]
    );
    assert_eq!(
        dump(&config(
            "[profile foo]\nname = value; Adjacent semicolons\nname2 = value# Adjacent pound signs"
        )),
        ["foo: name=value; Adjacent semicolons, name2=value# Adjacent pound signs"]
    );
    assert_eq!(
        dump(&config(
            "[profile foo]\nurl = https://example.com/#frag ; note"
        )),
        ["foo: url=https://example.com/#frag"]
    );
}

#[test]
fn continuations() {
    let value = |text: &str| {
        config(text)
            .get("foo")
            .unwrap()
            .get("name")
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        value("[profile foo]\nname = value\n -continued"),
        "value\n-continued"
    );
    assert_eq!(
        value("[profile foo]\nname = value\n -continued\n -and-continued"),
        "value\n-continued\n-and-continued"
    );
    assert_eq!(
        value("[profile foo]\nname = value\n \t -continued \t "),
        "value\n-continued"
    );
    assert_eq!(
        value("[profile foo]\nname = value\n -continued # Comment"),
        "value\n-continued # Comment"
    );
    assert_eq!(
        value("[profile foo]\nname = value\n -continued ; Comment"),
        "value\n-continued ; Comment"
    );
    // Outside any section, with no property, or after a new header: errors naming the line.
    let (line, message) = syntax_error(" -continued");
    assert_eq!(line, 1);
    assert!(message.contains("section header"), "{message}");
    let (line, message) = syntax_error("[profile foo]\n -continued");
    assert_eq!(line, 2);
    assert!(message.contains("no property precedes it"), "{message}");
    let (line, _) = syntax_error("[profile foo]\nname = value\n[profile foo]\n -continued");
    assert_eq!(line, 4);
}

#[test]
fn sub_properties() {
    let set =
        config("[profile foo]\ns3 =\n name = value\n\t \n Max_Concurrent_Requests = 10 # comment\n name = last\n");
    let foo = set.get("foo").unwrap();
    assert_eq!(
        foo.get("s3"),
        Some("\nname = value\nMax_Concurrent_Requests = 10 # comment\nname = last")
    );
    assert_eq!(
        foo.sub_property("S3", "max_concurrent_requests"),
        Some("10")
    );
    assert_eq!(foo.sub_property("s3", "name"), Some("last"));
    assert_eq!(foo.sub_property("s3", "missing"), None);
    assert_eq!(
        config("[profile foo]\ns3 =\n name =")
            .get("foo")
            .unwrap()
            .get("s3"),
        Some("\nname =")
    );
    assert_eq!(
        config("[profile foo]\ns3 =\n in valid = value")
            .get("foo")
            .unwrap()
            .get("s3"),
        Some("\nin valid = value")
    );

    let (line, message) = syntax_error("[profile foo]\ns3 =\n invalid");
    assert_eq!(line, 3);
    assert!(
        message.contains("expected `=` in this sub-property"),
        "{message}"
    );
    let (_, message) = syntax_error("[profile foo]\ns3 =\n = value");
    assert_eq!(message, "this sub-property has no name before `=`");
}

#[test]
fn duplicates_merge_and_the_last_value_wins() {
    assert_eq!(
        dump(&config(
            "[profile foo]\nname = value\n[profile foo]\nname2 = value2"
        )),
        ["foo: name=value, name2=value2"]
    );
    assert_eq!(
        dump(&config("[profile foo]\nname = value\nname = value2")),
        ["foo: name=value2"]
    );
    assert_eq!(
        dump(&config(
            "[profile foo]\nname = value\n[profile foo]\nname = value2"
        )),
        ["foo: name=value2"]
    );
    // Keys are case-insensitive.
    let set = config("[profile foo]\nName = value\n[profile foo]\nname = value2");
    assert_eq!(dump(&set), ["foo: name=value2"]);
    assert_eq!(set.get("foo").unwrap().get("NAME"), Some("value2"));
}

#[test]
fn profile_default_beats_default_in_the_config_file() {
    assert_eq!(
        dump(&config(
            "[profile default]\nname = value\n[default]\nname2 = value2"
        )),
        ["default: name=value"]
    );
    assert_eq!(
        dump(&config(
            "[default]\nname2 = value2\n[profile default]\nname = value"
        )),
        ["default: name=value"]
    );
    assert_eq!(
        dump(&config("[profile default]\nname = value\n[default]\nname2 = value2\n[profile default]\nname3 = value3")),
        ["default: name=value, name3=value3"]
    );
    // The credentials file's [default] still merges in.
    assert_eq!(
        dump(&both(
            "[profile default]\nname = value\n[default]\nname2 = value2\n[profile default]\nname3 = value3",
            "[default]\nsecret=foo"
        )),
        ["default: name=value, name3=value3, secret=foo"]
    );
    assert_eq!(
        dump(&config("[default]\nregion = us-west-2")),
        ["default: region=us-west-2"]
    );
}

#[test]
fn the_two_files() {
    // Merged, and the credentials file wins for the same key.
    assert_eq!(
        dump(&both(
            "[profile foo]\nname = value",
            "[foo]\nname2 = value2"
        )),
        ["foo: name=value, name2=value2"]
    );
    assert_eq!(
        dump(&both("[profile foo]\nname = value", "[foo]\nname = value2")),
        ["foo: name=value2"]
    );
    // Each file's naming rule.
    let set = both("[foo]\nname = value", "[profile bar]\nname = value");
    assert!(set.is_empty());
    assert_eq!(set.warnings().len(), 2);
    assert!(
        set.warnings()[0].contains("[profile foo]"),
        "{:?}",
        set.warnings()
    );
    assert!(
        set.warnings()[1].contains("without `profile`"),
        "{:?}",
        set.warnings()
    );
    assert!(both(
        "[profile in valid]\nname = value",
        "[in valid 2]\nname2 = value2"
    )
    .is_empty());
    assert_eq!(
        dump(&both("", "[   foo    ]\nname = value\n[profile bar]")),
        ["foo: name=value"]
    );
    // Errors name the file.
    let err = ProfileSet::parse("", "[foo]\nbad").unwrap_err();
    assert_eq!(
        err.to_string(),
        "credentials file line 2: expected `=` in this property (`name = value`)"
    );
}

#[test]
fn sso_session_and_services_sections() {
    let set = config(
        "[profile dev]\nsso_session = corp\nservices = local\n\
         [sso-session corp]\nsso_region = eu-west-1\n\
         [services local]\nsts =\n  endpoint_url = http://localhost:4566\n\
         [sso-session in valid]\nx = 1",
    );
    assert_eq!(dump(&set), ["dev: services=local, sso_session=corp"]);
    assert_eq!(
        set.sso_session("corp").unwrap().get("sso_region"),
        Some("eu-west-1")
    );
    let services = set
        .services(set.get("dev").unwrap().services().unwrap())
        .unwrap();
    assert_eq!(
        services.sub_property("sts", "endpoint_url"),
        Some("http://localhost:4566")
    );
    assert!(set.sso_session("in valid").is_none());
    // Only the config file has them.
    assert!(both("", "[sso-session corp]\nsso_region = x")
        .sso_session("corp")
        .is_none());
}

#[test]
fn byte_order_mark_is_ignored() {
    assert_eq!(
        dump(&config("\u{feff}[default]\nregion = us-east-1")),
        ["default: region=us-east-1"]
    );
}

// ---- loading through an environment ----

fn home() -> PathBuf {
    PathBuf::from("/home/u")
}

#[test]
fn load_from_the_default_paths() {
    let env = MemoryEnv::new()
        .with_var("HOME", "/home/u")
        .with_file(
            home().join(".aws").join("config"),
            "[default]\nregion = eu-central-1\n[profile dev]\nregion = us-east-2",
        )
        .with_file(
            home().join(".aws").join("credentials"),
            "[dev]\naws_access_key_id = AKID\naws_secret_access_key = s3cr3t",
        );
    let set = ProfileSet::load(&env).unwrap();
    assert_eq!(set.selected(), "default");
    assert_eq!(
        set.selected_profile().unwrap().region(),
        Some("eu-central-1")
    );
    assert_eq!(set.get("dev").unwrap().region(), Some("us-east-2"));
    assert_eq!(set.get("dev").unwrap().aws_access_key_id(), Some("AKID"));
    assert_eq!(
        set.files(),
        [home().join(".aws/config"), home().join(".aws/credentials")]
    );

    let set = ProfileSet::load(&env.clone().with_var("AWS_PROFILE", "dev")).unwrap();
    assert_eq!(set.selected(), "dev");
    assert_eq!(set.selected_profile().unwrap().name(), "dev");
    assert_eq!(
        ProfileSet::load(&env.with_var("AWS_PROFILE", "  "))
            .unwrap()
            .selected(),
        "default",
        "blank is unset"
    );
}

#[test]
fn load_from_overridden_paths_with_home_expansion() {
    let env = MemoryEnv::new()
        .with_var("HOME", "/home/u")
        .with_var("AWS_CONFIG_FILE", "~/work/aws-config")
        .with_var("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/creds")
        .with_file(home().join("work/aws-config"), "[profile a]\nx = 1")
        .with_file("/etc/aws/creds", "[a]\ny = 2")
        // Not read: the variables point elsewhere.
        .with_file(home().join(".aws/config"), "[profile b]");
    let set = ProfileSet::load(&env).unwrap();
    assert_eq!(dump(&set), ["a: x=1, y=2"]);
    assert_eq!(
        set.files(),
        [
            home().join("work/aws-config"),
            PathBuf::from("/etc/aws/creds")
        ]
    );
}

#[test]
fn windows_home_directory_variables() {
    let files = |env: MemoryEnv, home: &str| {
        env.with_file(
            Path::new(home).join(".aws").join("config"),
            "[default]\nregion = r",
        )
    };
    // USERPROFILE counts only on Windows.
    let env = files(
        MemoryEnv::new().with_var("USERPROFILE", "C:\\Users\\u"),
        "C:\\Users\\u",
    );
    assert!(ProfileSet::load(&env).unwrap().is_empty());
    assert_eq!(
        ProfileSet::load(&env.windows(true))
            .unwrap()
            .selected_profile()
            .unwrap()
            .region(),
        Some("r")
    );
    // Then HOMEDRIVE + HOMEPATH; HOME wins over both.
    let env = files(
        MemoryEnv::new()
            .windows(true)
            .with_var("HOMEDRIVE", "D:")
            .with_var("HOMEPATH", "\\Users\\u"),
        "D:\\Users\\u",
    );
    assert_eq!(
        ProfileSet::load(&env)
            .unwrap()
            .selected_profile()
            .unwrap()
            .region(),
        Some("r")
    );
    let env = MemoryEnv::new()
        .windows(true)
        .with_var("HOME", "/h")
        .with_var("USERPROFILE", "C:\\Users\\u")
        .with_file("/h/.aws/config", "[default]\nregion = h");
    assert_eq!(
        ProfileSet::load(&env)
            .unwrap()
            .selected_profile()
            .unwrap()
            .region(),
        Some("h")
    );
    // `~\` expands on Windows.
    let env = MemoryEnv::new()
        .windows(true)
        .with_var("HOME", "/h")
        .with_var("AWS_CONFIG_FILE", "~\\cfg")
        .with_file(Path::new("/h").join("cfg"), "[default]\nregion = w");
    assert_eq!(
        ProfileSet::load(&env)
            .unwrap()
            .selected_profile()
            .unwrap()
            .region(),
        Some("w")
    );
}

#[test]
fn missing_files_are_not_an_error() {
    let set = ProfileSet::load(&MemoryEnv::new().with_var("HOME", "/home/u")).unwrap();
    assert!(set.is_empty() && set.files().is_empty() && set.warnings().is_empty());
    let set = ProfileSet::load(
        &MemoryEnv::new()
            .with_var("HOME", "/home/u")
            .with_var("AWS_CONFIG_FILE", "/nope"),
    )
    .unwrap();
    assert!(set.is_empty());
    // No home directory at all: the default paths cannot be found.
    let set = ProfileSet::load(&MemoryEnv::new()).unwrap();
    assert!(set.is_empty());
    assert_eq!(set.warnings().len(), 2, "{:?}", set.warnings());
}

#[test]
fn file_errors_name_the_file() {
    let env = MemoryEnv::new().with_var("HOME", "/home/u").with_file(
        home().join(".aws/credentials"),
        b"[default]\nok = 1\nbad = \xff\xfe\n".to_vec(),
    );
    let err = ProfileSet::load(&env).unwrap_err();
    assert_eq!(
        err,
        ProfileError::NotUtf8 {
            path: home().join(".aws/credentials"),
            line: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "/home/u/.aws/credentials line 3: the file is not valid UTF-8"
    );

    let env = MemoryEnv::new()
        .with_var("HOME", "/home/u")
        .with_file(home().join(".aws/config"), "[default]\nregion = x\n  \nk");
    let err = ProfileSet::load(&env).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/home/u/.aws/config line 4: expected `=`"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_variables_are_errors_naming_them() {
    use std::os::unix::ffi::OsStringExt;
    let env = MemoryEnv::new().with_var(
        "AWS_PROFILE",
        std::ffi::OsString::from_vec(vec![0x66, 0xff]),
    );
    let err = ProfileSet::load(&env).unwrap_err();
    assert_eq!(
        err,
        ProfileError::InvalidEnvironment {
            name: "AWS_PROFILE".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "environment variable AWS_PROFILE is not valid UTF-8"
    );
    assert_eq!(env.var("AWS_PROFILE").unwrap_err(), err);
}

#[test]
fn read_errors_other_than_not_found_are_errors() {
    #[derive(Debug)]
    struct Denied;
    impl Env for Denied {
        fn var_os(&self, name: &str) -> Option<std::ffi::OsString> {
            (name == "HOME").then(|| "/h".into())
        }
        fn read_file(&self, _: &Path) -> std::io::Result<Vec<u8>> {
            Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied))
        }
    }
    match ProfileSet::load(&Denied) {
        Err(ProfileError::Read { path, reason }) => {
            assert_eq!(path, Path::new("/h/.aws/config"));
            assert!(!reason.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

// ---- profile helpers ----

#[test]
fn helpers_read_the_standard_keys() {
    let set = both(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nexternal_id = ext\n\
         role_session_name = sess\nduration_seconds = 3600\nmfa_serial = arn:aws:iam::123456789012:mfa/u\n\
         region = eu-west-1\nendpoint_url = http://localhost:4566\nsts_regional_endpoints = legacy\n\
         web_identity_token_file = /t\ncredential_process = /bin/creds --x\ncredential_source = Environment\n\
         aws_session_token =\n",
        "[r]\nAWS_ACCESS_KEY_ID = AKID\naws_secret_access_key = s3cr3t",
    );
    let p = set.get("r").unwrap();
    assert_eq!(p.role_arn(), Some("arn:aws:iam::123456789012:role/r"));
    assert_eq!(p.source_profile(), Some("base"));
    assert_eq!(p.external_id(), Some("ext"));
    assert_eq!(p.role_session_name(), Some("sess"));
    assert_eq!(p.duration_seconds(), Ok(Some(3600)));
    assert_eq!(p.mfa_serial(), Some("arn:aws:iam::123456789012:mfa/u"));
    assert_eq!(p.region(), Some("eu-west-1"));
    assert_eq!(p.endpoint_url(), Some("http://localhost:4566"));
    assert_eq!(p.sts_regional_endpoints(), Ok(Some("legacy")));
    assert_eq!(p.web_identity_token_file(), Some("/t"));
    assert_eq!(p.credential_process(), Some("/bin/creds --x"));
    assert_eq!(p.credential_source(), Some("Environment"));
    assert_eq!(p.aws_access_key_id(), Some("AKID"));
    assert_eq!(p.aws_secret_access_key(), Some("s3cr3t"));
    // Blank values are absent to the helpers, present to `get`.
    assert_eq!(
        (p.aws_session_token(), p.get("aws_session_token")),
        (None, Some(""))
    );
    assert_eq!(
        p.location("aws_access_key_id").unwrap().to_string(),
        "credentials file line 2"
    );
}

#[test]
fn invalid_values_name_the_profile_key_and_line() {
    let set =
        config("[profile p]\nregion = x\nduration_seconds = 1h\nsts_regional_endpoints = global");
    let p = set.get("p").unwrap();
    let err = p.duration_seconds().unwrap_err();
    assert_eq!(
        err.to_string(),
        "profile `p`: `duration_seconds` must be a whole number of seconds, not `1h` (config file line 3)"
    );
    let err = p.sts_regional_endpoints().unwrap_err();
    assert_eq!(
        err.to_string(),
        "profile `p`: `sts_regional_endpoints` must be `legacy` or `regional`, not `global` (config file line 4)"
    );
    let negative = config("[profile p]\nduration_seconds = -5");
    assert!(negative
        .get("p")
        .unwrap()
        .duration_seconds()
        .unwrap_err()
        .to_string()
        .contains("not `-5`"));
}

#[test]
fn static_credentials_from_a_profile() {
    let set = config(
        "[profile full]\naws_access_key_id = AKID\naws_secret_access_key = s3cr3t\naws_session_token = t0k3n\n\
         [profile keys]\naws_access_key_id = AKID\naws_secret_access_key = s3cr3t\n\
         [profile no-secret]\naws_access_key_id = AKID\n\
         [profile no-id]\naws_secret_access_key = s3cr3t\n\
         [profile none]\nregion = x",
    );
    let c = ProfileCredentials::static_from(set.get("full").unwrap()).unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key(), c.session_token()),
        ("AKID", "s3cr3t", Some("t0k3n"))
    );
    assert_eq!((c.expiry(), c.provider()), (None, "profile"));
    assert_eq!(
        ProfileCredentials::static_from(set.get("keys").unwrap())
            .unwrap()
            .session_token(),
        None
    );
    let err = ProfileCredentials::static_from(set.get("no-secret").unwrap()).unwrap_err();
    assert!(
        err.to_string()
            .contains("profile missing aws_secret_access_key"),
        "{err}"
    );
    let err = ProfileCredentials::static_from(set.get("no-id").unwrap()).unwrap_err();
    assert!(
        err.to_string()
            .contains("profile missing aws_access_key_id"),
        "{err}"
    );
    assert_eq!(
        ProfileCredentials::static_from(set.get("none").unwrap()),
        Err(ProfileError::NoCredentials {
            profile: "none".into()
        })
    );
}

#[test]
fn debug_redacts_secrets() {
    let set = both(
        "[profile p]\ncredential_process = /bin/creds --password hunter2",
        "[p]\naws_access_key_id = AKID\naws_secret_access_key = s3cr3t\naws_session_token = t0k3n",
    );
    for text in [
        format!("{set:?}"),
        format!("{:?}", resolve_chain(&set, "p").unwrap()),
        format!(
            "{:?}",
            ChainLink::Process {
                profile: "p".into(),
                command: "/bin/creds --password hunter2".into()
            }
        ),
    ] {
        assert!(
            !text.contains("s3cr3t") && !text.contains("t0k3n") && !text.contains("hunter2"),
            "{text}"
        );
    }
    assert!(format!("{set:?}").contains("/bin/creds *** arguments redacted ***"));
    let env = MemoryEnv::new()
        .with_var("AWS_SECRET_ACCESS_KEY", "s3cr3t")
        .with_file("/f", "s3cr3t");
    let d = format!("{env:?}");
    assert!(
        d.contains("AWS_SECRET_ACCESS_KEY") && !d.contains("s3cr3t"),
        "{d}"
    );
}

// ---- role chains ----

fn role(profile: &str, arn: &str) -> ChainLink {
    ChainLink::AssumeRole(AssumeRoleLink {
        profile: profile.into(),
        role_arn: arn.into(),
        external_id: None,
        session_name: None,
        duration_seconds: None,
        mfa_serial: None,
    })
}

/// The chain as short strings: `keys(B:abc)`, `role(A)`, `source(A:Environment)`, ...
fn chain(config_text: &str, start: &str) -> Result<Vec<String>, ProfileError> {
    let set = config(config_text);
    let links = resolve_chain(&set, start)?;
    assert!(links[0].is_base() && links[1..].iter().all(|l| !l.is_base()));
    Ok(links
        .iter()
        .map(|l| match l {
            ChainLink::StaticKeys {
                profile,
                credentials,
            } => {
                format!("keys({profile}:{})", credentials.access_key_id())
            }
            ChainLink::CredentialSource { profile, source } => {
                format!("source({profile}:{})", source.as_str())
            }
            ChainLink::WebIdentity {
                profile,
                role_arn,
                token_file,
                session_name,
            } => {
                format!(
                    "web({profile}:{role_arn}:{token_file}:{})",
                    session_name.as_deref().unwrap_or("-")
                )
            }
            ChainLink::Process { profile, command } => format!("process({profile}:{command})"),
            ChainLink::AssumeRole(r) => format!("role({}:{})", r.profile, r.role_arn),
            other => format!("{other:?}"),
        })
        .collect())
}

fn chain_err(config_text: &str, start: &str) -> String {
    match chain(config_text, start) {
        Err(e) => e.to_string(),
        Ok(links) => panic!("expected an error, got {links:?}"),
    }
}

const B_KEYS: &str = "[profile B]\naws_access_key_id = abc\naws_secret_access_key = def\n";

#[test]
fn role_with_a_static_source() {
    let text = format!("[profile A]\nrole_arn = arn:A\nsource_profile = B\n{B_KEYS}");
    assert_eq!(chain(&text, "A").unwrap(), ["keys(B:abc)", "role(A:arn:A)"]);
    // The start profile's own keys are ignored when it has a source profile.
    let text = format!("[profile A]\naws_access_key_id = own\naws_secret_access_key = own\nrole_arn = arn:A\nsource_profile = B\n{B_KEYS}");
    assert_eq!(chain(&text, "A").unwrap(), ["keys(B:abc)", "role(A:arn:A)"]);
    // A profile with only keys is its own chain.
    assert_eq!(chain(B_KEYS, "B").unwrap(), ["keys(B:abc)"]);
}

#[test]
fn role_settings_are_carried() {
    let set = config(&format!(
        "[profile A]\nrole_arn = arn:A\nsource_profile = B\nexternal_id = ext\nrole_session_name = sess\n\
         duration_seconds = 900\nmfa_serial = arn:mfa\n{B_KEYS}"
    ));
    let links = resolve_chain(&set, "A").unwrap();
    assert_eq!(
        links[1],
        ChainLink::AssumeRole(AssumeRoleLink {
            profile: "A".into(),
            role_arn: "arn:A".into(),
            external_id: Some("ext".into()),
            session_name: Some("sess".into()),
            duration_seconds: Some(900),
            mfa_serial: Some("arn:mfa".into()),
        })
    );
    assert_eq!(links[0].profile(), "B");
    let err = chain_err(
        &format!(
            "[profile A]\nrole_arn = arn:A\nsource_profile = B\nduration_seconds = long\n{B_KEYS}"
        ),
        "A",
    );
    assert!(err.contains("profile `A`: `duration_seconds`"), "{err}");
}

#[test]
fn self_referencing_profile_uses_its_own_keys() {
    let text =
        "[profile A]\naws_access_key_id = abc\naws_secret_access_key = def\nrole_arn = arn:A\nsource_profile = A";
    assert_eq!(chain(text, "A").unwrap(), ["keys(A:abc)", "role(A:arn:A)"]);
    let text = "[profile A]\ncredential_process = /bin/creds\nrole_arn = arn:A\nsource_profile = A";
    assert_eq!(
        chain(text, "A").unwrap(),
        ["process(A:/bin/creds)", "role(A:arn:A)"]
    );
    let err = chain_err("[profile A]\nrole_arn = arn:A\nsource_profile = A", "A");
    assert!(
        err.contains("did not contain credential information"),
        "{err}"
    );
}

#[test]
fn credential_source() {
    for (name, source) in [
        ("Environment", CredentialSource::Environment),
        ("Ec2InstanceMetadata", CredentialSource::Ec2InstanceMetadata),
        ("EcsContainer", CredentialSource::EcsContainer),
    ] {
        let set = config(&format!(
            "[profile A]\nrole_arn = arn:A\ncredential_source = {name}"
        ));
        assert_eq!(
            resolve_chain(&set, "A").unwrap(),
            [
                ChainLink::CredentialSource {
                    profile: "A".into(),
                    source
                },
                role("A", "arn:A")
            ]
        );
    }
    // The value is matched without regard to case, as botocore and aws-config do.
    let set = config("[profile A]\nrole_arn = arn:A\ncredential_source = ecscontainer");
    assert_eq!(
        resolve_chain(&set, "A").unwrap(),
        [
            ChainLink::CredentialSource {
                profile: "A".into(),
                source: CredentialSource::EcsContainer
            },
            role("A", "arn:A")
        ]
    );
    let err = chain_err(
        "[profile A]\nrole_arn = arn:A\ncredential_source = Lambda",
        "A",
    );
    assert!(err.contains("credential_source `Lambda` is not one of Environment, Ec2InstanceMetadata, EcsContainer"), "{err}");
}

#[test]
fn role_needs_exactly_one_source() {
    let err = chain_err("[profile A]\nrole_arn = arn:A", "A");
    assert!(
        err.contains("must contain `source_profile` or `credential_source`"),
        "{err}"
    );
    let err = chain_err(
        &format!("[profile A]\nrole_arn = arn:A\ncredential_source = Environment\nsource_profile = B\n{B_KEYS}"),
        "A",
    );
    assert!(
        err.contains("profile contained both source_profile and credential_source"),
        "{err}"
    );
}

#[test]
fn incomplete_source_profiles() {
    let err = chain_err(
        "[profile A]\nrole_arn = arn:A\nsource_profile = B\n[profile B]\naws_access_key_id = abc",
        "A",
    );
    assert!(
        err.contains("profile missing aws_secret_access_key") && err.contains("profile `B`"),
        "{err}"
    );
    let err =
        chain_err("[profile A]\nrole_arn = arn:A\nsource_profile = B\n[profile B]\naws_secret_access_key = abc", "A");
    assert!(err.contains("profile missing aws_access_key_id"), "{err}");
    let err = chain_err(
        "[profile A]\nrole_arn = arn:A\nsource_profile = B\n[profile B]",
        "A",
    );
    assert!(
        err.contains("profile `B` did not contain credential information"),
        "{err}"
    );
}

#[test]
fn profiles_without_credentials_are_not_loaded() {
    let set = config("[profile A]\nec2_metadata_service_endpoint_mode = IPv6");
    let err = resolve_chain(&set, "A").unwrap_err();
    assert_eq!(
        err,
        ProfileError::NoCredentials {
            profile: "A".into()
        }
    );
    assert!(matches!(
        CredentialsError::from(err),
        CredentialsError::NotLoaded {
            provider: "profile",
            ..
        }
    ));
}

#[test]
fn missing_profiles() {
    let err = chain_err("[profile A]\nrole_arn = arn:A\nsource_profile = B", "A");
    assert_eq!(err, "profile `B` (the source_profile of `A`) does not exist (no config or credentials file was found)");
    let env = MemoryEnv::new().with_var("HOME", "/h").with_file(
        "/h/.aws/config",
        "[profile A]\nrole_arn = arn:A\nsource_profile = B",
    );
    let set = ProfileSet::load(&env).unwrap();
    let err = resolve_chain(&set, "A").unwrap_err();
    assert_eq!(
        err.to_string(),
        "profile `B` (the source_profile of `A`) does not exist in /h/.aws/config"
    );
    assert!(matches!(
        CredentialsError::from(err),
        CredentialsError::InvalidConfiguration { .. }
    ));

    // The default profile missing is "nothing here" for a provider chain; a named one is an error.
    let empty = ProfileSet::parse("", "").unwrap();
    let err = resolve_chain(&empty, "default").unwrap_err();
    assert!(matches!(
        CredentialsError::from(err),
        CredentialsError::NotLoaded { .. }
    ));
    let err = resolve_chain(&empty, "prod").unwrap_err();
    assert_eq!(
        err.to_string(),
        "profile `prod` does not exist (no config or credentials file was found)"
    );
    assert!(matches!(
        CredentialsError::from(err),
        CredentialsError::InvalidConfiguration { .. }
    ));
}

#[test]
fn multi_hop_chains_in_assume_order() {
    let text = "[profile A]\nrole_arn = arn:A\nsource_profile = B\n[profile B]\nrole_arn = arn:B\nsource_profile = C\n\
                [profile C]\naws_access_key_id = ghi\naws_secret_access_key = jkl";
    assert_eq!(
        chain(text, "A").unwrap(),
        ["keys(C:ghi)", "role(B:arn:B)", "role(A:arn:A)"]
    );
    // Past the first profile, static keys end the chain even when the profile also has a role.
    let text = "[profile A]\nrole_arn = arn:A\naws_access_key_id = bug\naws_secret_access_key = bug\nsource_profile = B\n\
                [profile B]\nrole_arn = arn:B\nsource_profile = C\naws_access_key_id = b_key\naws_secret_access_key = b_secret\n\
                [profile C]\naws_access_key_id = bug\naws_secret_access_key = bug";
    assert_eq!(
        chain(text, "A").unwrap(),
        ["keys(B:b_key)", "role(A:arn:A)"]
    );
}

#[test]
fn cycles_are_reported_with_the_path() {
    let text = "[profile A]\nrole_arn = arn:A\nsource_profile = B\n[profile B]\nrole_arn = arn:B\nsource_profile = A";
    let set = config(text);
    assert_eq!(
        resolve_chain(&set, "A"),
        Err(ProfileError::Cycle {
            profiles: vec!["A".into(), "B".into(), "A".into()]
        })
    );
    assert_eq!(
        chain_err(text, "A"),
        "source_profile references form an infinite loop: A -> B -> A"
    );
    // The first profile's keys do not break the loop (they are ignored for a role profile).
    let text = "[profile A]\nrole_arn = arn:A\naws_access_key_id = x\naws_secret_access_key = y\nsource_profile = B\n\
                [profile B]\nrole_arn = arn:B\nsource_profile = A";
    assert!(chain_err(text, "A").contains("infinite loop: A -> B -> A"));
    let text = "[profile A]\nrole_arn = arn:A\nsource_profile = B\n[profile B]\nrole_arn = arn:B\nsource_profile = C\n\
                [profile C]\nrole_arn = arn:C\nsource_profile = B";
    assert!(chain_err(text, "A").ends_with("A -> B -> C -> B"));
}

#[test]
fn web_identity() {
    let text = "[profile A]\nrole_arn = arn:A\nweb_identity_token_file = /var/token.jwt";
    assert_eq!(chain(text, "A").unwrap(), ["web(A:arn:A:/var/token.jwt:-)"]);
    let text = "[profile A]\nrole_arn = arn:A\nweb_identity_token_file = /var/token.jwt\nrole_session_name = s";
    assert_eq!(chain(text, "A").unwrap(), ["web(A:arn:A:/var/token.jwt:s)"]);
    let err = chain_err("[profile A]\nweb_identity_token_file = /var/token.jwt", "A");
    assert!(err.contains("`role_arn` was missing"), "{err}");
    let text = "[profile A]\nrole_arn = arn:A\nsource_profile = B\n\
                [profile B]\nrole_arn = arn:B\nweb_identity_token_file = /t\nrole_session_name = s";
    assert_eq!(
        chain(text, "A").unwrap(),
        ["web(B:arn:B:/t:s)", "role(A:arn:A)"]
    );
}

#[test]
fn credential_process_as_base() {
    assert_eq!(
        chain("[profile A]\ncredential_process = /bin/creds a b", "A").unwrap(),
        ["process(A:/bin/creds a b)"]
    );
    let text = "[profile A]\nrole_arn = arn:A\nsource_profile = B\n[profile B]\ncredential_process = /bin/creds";
    assert_eq!(
        chain(text, "A").unwrap(),
        ["process(B:/bin/creds)", "role(A:arn:A)"]
    );
    // Static keys in a source profile win over its process.
    let text = format!("[profile A]\nrole_arn = arn:A\nsource_profile = B\n{B_KEYS}credential_process = /bin/creds");
    assert_eq!(chain(&text, "A").unwrap(), ["keys(B:abc)", "role(A:arn:A)"]);
    // In the first profile, the process wins over keys (the SDKs' base order).
    let text = "[profile A]\ncredential_process = /bin/creds\naws_access_key_id = k\naws_secret_access_key = s";
    assert_eq!(chain(text, "A").unwrap(), ["process(A:/bin/creds)"]);
}

fn sso(config_text: &str, start: &str) -> SsoLink {
    let links = resolve_chain(&config(config_text), start).unwrap();
    match &links[0] {
        ChainLink::Sso(link) => link.clone(),
        other => panic!("expected an SSO base, got {other:?}"),
    }
}

#[test]
fn sso_session_profiles_read_their_session_section() {
    let text = "[profile A]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
                [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
                sso_registration_scopes = sso:account:access, other:scope";
    let link = sso(text, "A");
    assert_eq!(link.profile, "A");
    assert_eq!(link.session.as_deref(), Some("corp"));
    assert_eq!(link.start_url, "https://corp.awsapps.com/start");
    assert_eq!(link.region, "eu-west-1");
    assert_eq!(
        (link.account_id.as_str(), link.role_name.as_str()),
        ("111122223333", "Dev")
    );
    assert_eq!(
        link.registration_scopes,
        ["sso:account:access", "other:scope"]
    );
    // The same values repeated in the profile are not a conflict.
    let same = text.replace(
        "sso_role_name = Dev",
        "sso_role_name = Dev\nsso_region = eu-west-1",
    );
    assert_eq!(sso(&same, "A").region, "eu-west-1");
}

#[test]
fn legacy_sso_profiles_carry_their_own_start_url() {
    let text =
        "[profile L]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-2\n\
                sso_account_id = 123456789012\nsso_role_name = Admin";
    let link = sso(text, "L");
    assert_eq!(link.session, None);
    assert_eq!(
        (link.start_url.as_str(), link.region.as_str()),
        ("https://old.awsapps.com/start", "us-east-2")
    );
    assert!(link.registration_scopes.is_empty());
    let err = chain_err("[profile L]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-2\nsso_role_name = r", "L");
    assert!(
        err.contains("profile `L`") && err.contains("sso_account_id"),
        "{err}"
    );
    let err = chain_err("[profile L]\nsso_start_url = https://old.awsapps.com/start\nsso_account_id = 1\nsso_role_name = r", "L");
    assert!(err.contains("no sso_region"), "{err}");
}

#[test]
fn sso_session_conflicting_with_the_profile_names_both_values() {
    let session = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n";
    let err = chain_err(
        &format!("[profile A]\nsso_session = corp\nsso_start_url = https://other.awsapps.com/start\nsso_account_id = 1\nsso_role_name = r\n{session}"),
        "A",
    );
    assert!(
        err.contains("profile `A`")
            && err.contains("https://other.awsapps.com/start")
            && err.contains("https://corp.awsapps.com/start"),
        "{err}"
    );
    let err = chain_err(&format!("[profile A]\nsso_session = corp\nsso_region = us-west-2\nsso_account_id = 1\nsso_role_name = r\n{session}"), "A");
    assert!(
        err.contains("sso_region `us-west-2`")
            && err.contains("`eu-west-1`")
            && err.contains("`corp`"),
        "{err}"
    );
    let err = chain_err(
        "[profile A]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = r",
        "A",
    );
    assert!(err.contains("[sso-session gone]"), "{err}");
    let err = chain_err("[profile A]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n[sso-session s]\nsso_region = x", "A");
    assert!(err.contains("has no sso_start_url"), "{err}");
    // What the session leaves out, the profile may give.
    let link = sso("[profile A]\nsso_session = s\nsso_start_url = https://p/start\nsso_account_id = 1\nsso_role_name = r\n[sso-session s]\nsso_region = x", "A");
    assert_eq!(
        (link.start_url.as_str(), link.region.as_str()),
        ("https://p/start", "x")
    );
    // A token-only profile (no account and role) is not a credentials profile.
    let err = chain_err(&format!("[profile A]\nsso_session = corp\n{session}"), "A");
    assert!(
        err.contains("will resolve an access token instead of credentials"),
        "{err}"
    );
}

#[test]
fn sso_profiles_are_source_profiles_for_role_chains() {
    let text = "[profile R]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = S\n\
                [profile S]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Dev\n\
                [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1";
    let links = resolve_chain(&config(text), "R").unwrap();
    assert!(
        matches!(&links[0], ChainLink::Sso(l) if l.profile == "S" && l.role_name == "Dev"),
        "{links:?}"
    );
    assert!(
        matches!(&links[1], ChainLink::AssumeRole(r) if r.role_arn == "arn:aws:iam::1:role/r"),
        "{links:?}"
    );
}

#[test]
fn login_session_profiles_are_a_base_and_a_source() {
    let session = "arn:aws:iam::123456789012:user/Admin";
    let text = format!("[profile A]\nlogin_session = {session}\n");
    let login = format!("Login {{ profile: \"A\", session: \"{session}\" }}");
    assert_eq!(chain(&text, "A").unwrap(), std::slice::from_ref(&login));
    // As the source of a role, and before `credential_process` (botocore's order).
    let text = format!("[profile A]\nlogin_session = {session}\ncredential_process = /bin/creds\n[profile R]\nrole_arn = arn:R\nsource_profile = A\n");
    assert_eq!(
        chain(&text, "R").unwrap(),
        [login, "role(R:arn:R)".to_owned()]
    );
    let err = chain_err("[profile A]\nlogin_session =\n", "A");
    assert!(
        err.contains("profile `A`") && err.contains("`login_session` is empty"),
        "{err}"
    );
}

#[test]
fn chain_from_the_selected_profile_of_loaded_files() {
    let env = MemoryEnv::new()
        .with_var("HOME", "/h")
        .with_var("AWS_PROFILE", "deploy")
        .with_file(
            "/h/.aws/config",
            "[profile deploy]\nrole_arn = arn:deploy\nsource_profile = default\nregion = eu-west-1",
        )
        .with_file(
            "/h/.aws/credentials",
            "[default]\naws_access_key_id = AKID\naws_secret_access_key = s3cr3t",
        );
    let set = ProfileSet::load(&env).unwrap();
    let links = resolve_chain(&set, set.selected()).unwrap();
    assert_eq!(links.len(), 2);
    match &links[0] {
        ChainLink::StaticKeys {
            profile,
            credentials,
        } => {
            assert_eq!(
                (profile.as_str(), credentials.access_key_id()),
                ("default", "AKID")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(links[1], role("deploy", "arn:deploy"));
}
