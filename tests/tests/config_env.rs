//! Configuration from the environment, as every AWS SDK reads it. One test function, so the
//! process environment is not shared with other tests running in parallel.

use sts::Config;

const VARS: &[&str] = &[
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_MAX_ATTEMPTS",
];

fn clear() {
    for v in VARS {
        std::env::remove_var(v);
    }
}

#[test]
fn reads_the_standard_variables() {
    clear();
    let c = Config::from_env("STS").unwrap();
    assert_eq!(
        (
            c.region.as_deref(),
            c.endpoint_url.as_deref(),
            c.use_fips,
            c.use_dual_stack
        ),
        (None, None, false, false)
    );

    std::env::set_var("AWS_DEFAULT_REGION", "eu-west-1");
    assert_eq!(
        Config::from_env("STS").unwrap().region.as_deref(),
        Some("eu-west-1")
    );
    std::env::set_var("AWS_REGION", "eu-central-1");
    assert_eq!(
        Config::from_env("STS").unwrap().region.as_deref(),
        Some("eu-central-1"),
        "AWS_REGION wins"
    );

    std::env::set_var("AWS_ENDPOINT_URL", "http://generic:1");
    assert_eq!(
        Config::from_env("STS").unwrap().endpoint_url.as_deref(),
        Some("http://generic:1")
    );
    std::env::set_var("AWS_ENDPOINT_URL_STS", "http://sts-only:2");
    assert_eq!(
        Config::from_env("STS").unwrap().endpoint_url.as_deref(),
        Some("http://sts-only:2"),
        "service-specific wins"
    );

    std::env::set_var("AWS_USE_FIPS_ENDPOINT", "true");
    std::env::set_var("AWS_USE_DUALSTACK_ENDPOINT", "TRUE");
    std::env::set_var("AWS_STS_REGIONAL_ENDPOINTS", "legacy");
    std::env::set_var("AWS_MAX_ATTEMPTS", "5");
    let c = Config::from_env("STS").unwrap();
    assert!(c.use_fips && c.use_dual_stack);
    assert_eq!(
        c.regional_endpoints,
        sts::runtime::client::config::RegionalEndpoints::Legacy
    );
    assert_eq!(c.retry.max_attempts, 5);

    std::env::set_var("AWS_USE_FIPS_ENDPOINT", "yes");
    let err = Config::from_env("STS").unwrap_err();
    assert!(err.to_string().contains("AWS_USE_FIPS_ENDPOINT"), "{err}");
    std::env::set_var("AWS_USE_FIPS_ENDPOINT", "false");
    std::env::set_var("AWS_STS_REGIONAL_ENDPOINTS", "sideways");
    let err = Config::from_env("STS").unwrap_err();
    assert!(
        err.to_string().contains("AWS_STS_REGIONAL_ENDPOINTS"),
        "{err}"
    );
    std::env::set_var("AWS_STS_REGIONAL_ENDPOINTS", "regional");
    std::env::set_var("AWS_MAX_ATTEMPTS", "0");
    assert!(Config::from_env("STS")
        .unwrap_err()
        .to_string()
        .contains("AWS_MAX_ATTEMPTS"));

    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::env::set_var("AWS_MAX_ATTEMPTS", "2");
        std::env::set_var("AWS_REGION", std::ffi::OsStr::from_bytes(b"\xff\xfe"));
        let err = Config::from_env("STS").unwrap_err();
        assert!(
            err.to_string().contains("AWS_REGION is not valid UTF-8"),
            "{err}"
        );
    }
    clear();
}
