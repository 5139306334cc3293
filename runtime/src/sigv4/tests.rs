//! Unit tests of every stage, the cache and the redaction of secrets.

use std::time::{Duration, SystemTime};

use http::header::HeaderValue;

use crate::credentials::Credentials;

use super::canonical::{canonical_query_string, canonical_request, canonical_uri_path, trim_all};
use super::hash::hex;
use super::key::{secret_fingerprint, signing_key, CacheStats, SigningKeyCache};
use super::params::{
    format_amz_date, Payload, SessionTokenMode, SigningError, SigningParams, UriEncoding,
    EMPTY_PAYLOAD_SHA256, MAX_PRESIGNED_EXPIRY, UNSIGNED_HEADERS, UNSIGNED_PAYLOAD,
    X_AMZ_CONTENT_SHA256, X_AMZ_SECURITY_TOKEN,
};
use super::presign::presign_url;
use super::sign::{host_from_uri, sign_request};
use super::signer::Signer;
use std::time::UNIX_EPOCH;

const AK: &str = "AKIDEXAMPLE";
const SK: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
// Not a real token: exercises `/`, `+` and `=` in the encoding.
const TOKEN: &str = "FQoGZXIvYXdzEXAMPLE/token+with=chars";

fn suite_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160) // 2015-08-30T12:36:00Z
}

fn params(region: &str, service: &str) -> SigningParams {
    SigningParams::new(region, service, suite_time())
}

#[test]
fn amz_date_formats_utc_and_rejects_out_of_range() {
    assert_eq!(format_amz_date(suite_time()).unwrap(), "20150830T123600Z");
    assert_eq!(format_amz_date(UNIX_EPOCH).unwrap(), "19700101T000000Z");
    let before = UNIX_EPOCH - Duration::from_millis(500);
    assert_eq!(format_amz_date(before).unwrap(), "19691231T235959Z");
    let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
    assert_eq!(format_amz_date(far), Err(SigningError::InvalidTime));
    let first = UNIX_EPOCH - Duration::from_secs(62_135_596_800); // 0001-01-01T00:00:00Z
    assert_eq!(format_amz_date(first).unwrap(), "00010101T000000Z");
    assert_eq!(
        format_amz_date(first - Duration::from_nanos(1)),
        Err(SigningError::InvalidTime)
    );
}

/// The key AWS's documentation derives for 20150830/us-east-1/iam
/// (cross-checked with Python's `hmac`).
#[test]
fn signing_key_matches_aws_documentation() {
    let key = signing_key(SK, "20150830", "us-east-1", "iam");
    assert_eq!(
        hex(key.as_bytes()),
        "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
    );
}

#[test]
fn path_normalization_and_encoding() {
    let p = params("us-east-1", "service");
    for (input, expected) in [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/a/b/../c/./d//", "/a/c/d/"),
        ("/a/b/..", "/a/"),
        ("/a/b/.", "/a/b/"),
        ("/../..", "/"),
        ("/a%20b/$c", "/a%2520b/%24c"),
        ("/~user/x-y_z.txt", "/~user/x-y_z.txt"),
    ] {
        assert_eq!(canonical_uri_path(input, &p), expected, "{input:?}");
    }
    let mut s3 = p.clone();
    s3.uri_encoding = UriEncoding::Single;
    s3.normalize_path = false;
    assert_eq!(canonical_uri_path("/a//b/../c%20d", &s3), "/a//b/../c%20d");
}

#[test]
fn query_canonicalization() {
    assert_eq!(canonical_query_string(""), "");
    assert_eq!(canonical_query_string("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
    assert_eq!(
        canonical_query_string("k=a+b&k2=%2b%2F&k3=%zz"),
        "k=a%20b&k2=%2B%2F&k3=%25zz"
    );
    assert_eq!(canonical_query_string("&&x=%E1%88%B4&"), "x=%E1%88%B4");
    assert_eq!(canonical_query_string("p=%"), "p=%25");
}

#[test]
fn query_pairs_sort_by_name_then_value_not_by_joined_text() {
    // By name first: `a` before `a%20` before `a-b` before `ab` (sorting `name=value` text
    // would put `a%20=x` and `a-b=1` before `a=1`), then by value.
    assert_eq!(
        canonical_query_string("ab=0&a-b=1&a=2&a%20=x&a=1"),
        "a=1&a=2&a%20=x&a-b=1&ab=0"
    );
    assert_eq!(canonical_query_string("k=b&k=a&k=&k"), "k=&k=&k=a&k=b");
    assert_eq!(canonical_query_string("x=1&x=1&w"), "w=&x=1&x=1");
}

#[test]
fn header_values_are_trimmed_and_duplicates_joined() {
    assert_eq!(trim_all("  a   b\t\t c  "), "a b c");
    let headers: [(&str, &[u8]); 4] = [
        ("Host", b"example.com"),
        ("My-Header", b" x  y "),
        ("my-header", b"z"),
        ("User-Agent", b"not signed"),
    ];
    let creq = canonical_request(
        "GET",
        "/",
        "",
        headers,
        EMPTY_PAYLOAD_SHA256,
        &params("r", "s"),
    )
    .unwrap();
    assert_eq!(
        creq.as_str(),
        format!(
            "GET\n/\n\nhost:example.com\nmy-header:x y,z\n\nhost;my-header\n{EMPTY_PAYLOAD_SHA256}"
        )
    );
}

#[test]
fn canonical_request_rejects_bad_input() {
    let p = params("us-east-1", "sts");
    let no_host: [(&str, &[u8]); 1] = [("x-amz-date", b"20150830T123600Z")];
    assert_eq!(
        canonical_request("GET", "/", "", no_host, EMPTY_PAYLOAD_SHA256, &p),
        Err(SigningError::MissingHost)
    );
    let latin1: [(&str, &[u8]); 2] = [("host", b"h"), ("X-Name", b"caf\xe9")];
    assert_eq!(
        canonical_request("GET", "/", "", latin1, EMPTY_PAYLOAD_SHA256, &p),
        Err(SigningError::InvalidHeaderValue {
            name: "x-name".into()
        })
    );
    let newline: [(&str, &[u8]); 2] = [("host", b"h"), ("x", b"a\nb")];
    assert!(canonical_request("GET", "/", "", newline, EMPTY_PAYLOAD_SHA256, &p).is_err());
    let bad_name: [(&str, &[u8]); 2] = [("host", b"h"), ("bad name", b"v")];
    assert_eq!(
        canonical_request("GET", "/", "", bad_name, EMPTY_PAYLOAD_SHA256, &p),
        Err(SigningError::InvalidHeaderName {
            name: "bad name".into()
        })
    );
}

/// Cross-checked with botocore 1.44.5 `SigV4Auth` at the same time and credentials.
#[test]
fn sts_post_form_request_matches_botocore() {
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let mut request = http::Request::post("https://sts.amazonaws.com/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header("user-agent", "stsgen/0.1")
        .header("x-amzn-trace-id", "Root=1-abc")
        .header("authorization", "stale")
        .body(())
        .unwrap();
    let creds = signing(AK, SK, Some(TOKEN.into()));
    sign_request(
        &mut request,
        body.as_bytes(),
        &creds,
        &params("us-east-1", "sts"),
    )
    .unwrap();
    let h = request.headers();
    assert_eq!(h["x-amz-date"], "20150830T123600Z");
    assert_eq!(h["x-amz-security-token"], TOKEN);
    assert!(h["x-amz-security-token"].is_sensitive());
    assert!(h.get("host").is_none());
    assert!(h.get(X_AMZ_CONTENT_SHA256).is_none());
    assert_eq!(h.get_all("authorization").iter().count(), 1);
    assert_eq!(
        h["authorization"],
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, \
         Signature=628af3784e21d4e97bb6de9a9b5786a1755855f2ddf6c771f008b569b16b65a9"
    );
}

#[test]
fn hop_by_hop_and_client_headers_are_not_signed() {
    let mut request = http::Request::post("http://localhost:8080/")
        .body(())
        .unwrap();
    for name in UNSIGNED_HEADERS {
        request
            .headers_mut()
            .insert(*name, HeaderValue::from_static("v"));
    }
    let creds = signing(AK, SK, None);
    sign_request(&mut request, b"", &creds, &params("us-east-1", "sts")).unwrap();
    let authorization = request.headers()["authorization"].to_str().unwrap();
    assert!(
        authorization.contains("SignedHeaders=host;x-amz-date,"),
        "{authorization}"
    );
}

#[test]
fn host_from_uri_keeps_only_non_default_ports() {
    let host = |s: &str| host_from_uri(&s.parse().unwrap());
    assert_eq!(
        host("https://sts.amazonaws.com/").unwrap(),
        "sts.amazonaws.com"
    );
    assert_eq!(
        host("https://sts.amazonaws.com:443/").unwrap(),
        "sts.amazonaws.com"
    );
    assert_eq!(host("http://localhost:80/").unwrap(), "localhost");
    assert_eq!(host("http://localhost:8080/").unwrap(), "localhost:8080");
    assert_eq!(host("https://[::1]:4566/").unwrap(), "[::1]:4566");
    assert_eq!(host("/relative"), Err(SigningError::MissingHost));
}

#[test]
fn content_sha256_header_is_opt_in() {
    let mut p = params("us-east-1", "s3");
    p.content_sha256_header = true;
    p.payload = Payload::Unsigned;
    let mut request = http::Request::put("https://bucket.s3.amazonaws.com/key")
        .body(())
        .unwrap();
    sign_request(&mut request, b"ignored", &signing(AK, SK, None), &p).unwrap();
    assert_eq!(request.headers()[X_AMZ_CONTENT_SHA256], UNSIGNED_PAYLOAD);
    let authorization = request.headers()["authorization"].to_str().unwrap();
    assert!(authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"));
}

#[test]
fn unsigned_session_token_is_sent_but_not_signed() {
    let mut p = params("us-east-1", "service");
    p.session_token = SessionTokenMode::Unsigned;
    let mut request = http::Request::get("https://example.amazonaws.com/")
        .body(())
        .unwrap();
    let creds = signing(AK, SK, Some(TOKEN.into()));
    sign_request(&mut request, b"", &creds, &p).unwrap();
    assert_eq!(request.headers()[X_AMZ_SECURITY_TOKEN], TOKEN);
    let authorization = request.headers()["authorization"].to_str().unwrap();
    assert!(authorization.contains("SignedHeaders=host;x-amz-date,"));
}

#[test]
fn errors_leave_the_request_untouched() {
    let mut request = http::Request::get("https://example.amazonaws.com/")
        .header("x-bad", HeaderValue::from_bytes(b"caf\xe9").unwrap())
        .body(())
        .unwrap();
    let before = request.headers().clone();
    let err = sign_request(&mut request, b"", &signing(AK, SK, None), &params("r", "s"));
    assert_eq!(
        err,
        Err(SigningError::InvalidHeaderValue {
            name: "x-bad".into()
        })
    );
    assert_eq!(request.headers(), &before);

    let creds = signing(AK, SK, Some("bad\ntoken".into()));
    let mut request = http::Request::get("https://example.amazonaws.com/")
        .body(())
        .unwrap();
    let err = sign_request(&mut request, b"", &creds, &params("r", "s")).unwrap_err();
    assert_eq!(
        err,
        SigningError::InvalidHeaderValue {
            name: X_AMZ_SECURITY_TOKEN.into()
        }
    );
    assert!(!err.to_string().contains("token\n"));
    assert!(request.headers().is_empty());

    let bad_region = params("us east 1", "sts");
    let mut request = http::Request::get("https://example.amazonaws.com/")
        .body(())
        .unwrap();
    assert_eq!(
        sign_request(&mut request, b"", &signing(AK, SK, None), &bad_region),
        Err(SigningError::InvalidCredentialScope { field: "region" })
    );
    let mut request = http::Request::get("/no-host").body(()).unwrap();
    assert_eq!(
        sign_request(&mut request, b"", &signing(AK, SK, None), &params("r", "s")),
        Err(SigningError::MissingHost)
    );
}

/// The STS GetCallerIdentity presigned URL; cross-checked with botocore 1.44.5
/// `SigV4QueryAuth(expires=900)` at the same time and credentials.
#[test]
fn presigned_sts_get_caller_identity_matches_botocore() {
    let uri: http::Uri = "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
        .parse()
        .unwrap();
    let creds = signing(AK, SK, Some(TOKEN.into()));
    let url = presign_url(
        &http::Method::GET,
        &uri,
        &http::HeaderMap::new(),
        &creds,
        &params("us-east-1", "sts"),
        Duration::from_secs(900),
    )
    .unwrap();
    assert_eq!(
        url.to_string(),
        "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request\
         &X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE%2Ftoken%2Bwith%3Dchars\
         &X-Amz-Signature=01548c26ff24c8bb76ed4757118b650432868bb21cd5c28bc4b355a8a84630e3"
    );

    // Presigning the presigned URL again replaces the signing parameters.
    let again = presign_url(
        &http::Method::GET,
        &url,
        &http::HeaderMap::new(),
        &creds,
        &params("us-east-1", "sts"),
        Duration::from_secs(900),
    )
    .unwrap();
    assert_eq!(again, url);
}

/// The EKS token shape: `x-k8s-aws-id` signed; cross-checked with botocore 1.44.5.
#[test]
fn presigned_url_with_extra_signed_header_matches_botocore() {
    let uri: http::Uri =
        "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
            .parse()
            .unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert("x-k8s-aws-id", HeaderValue::from_static("my-cluster"));
    let signer = Signer::new();
    let url = signer
        .presign_url(
            &http::Method::GET,
            &uri,
            &headers,
            &signing(AK, SK, None),
            &params("us-west-2", "sts"),
            Duration::from_secs(60),
        )
        .unwrap();
    assert_eq!(
        url.to_string(),
        "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Fsts%2Faws4_request\
         &X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id\
         &X-Amz-Signature=0e4640b17bc8d5103084241685a7c907b51396a7fd5f6e6181358d0df4f37e9d"
    );
}

#[test]
fn presign_rejects_bad_expiry() {
    let uri: http::Uri = "https://sts.amazonaws.com/".parse().unwrap();
    let creds = signing(AK, SK, None);
    for (expiry, seconds) in [
        (Duration::ZERO, 0),
        (Duration::from_millis(999), 0),
        (MAX_PRESIGNED_EXPIRY + Duration::from_secs(1), 604_801),
    ] {
        let got = presign_url(
            &http::Method::GET,
            &uri,
            &http::HeaderMap::new(),
            &creds,
            &params("r", "s"),
            expiry,
        );
        assert_eq!(got, Err(SigningError::InvalidExpiry { seconds }));
    }
    assert!(presign_url(
        &http::Method::GET,
        &uri,
        &http::HeaderMap::new(),
        &creds,
        &params("r", "s"),
        MAX_PRESIGNED_EXPIRY
    )
    .is_ok());
}

#[test]
fn signing_key_cache_hits_and_misses() {
    let signer = Signer::new();
    let creds = signing(AK, SK, None);
    let sign = |p: &SigningParams, c: &Credentials| {
        let mut request = http::Request::get("https://sts.amazonaws.com/")
            .body(())
            .unwrap();
        signer.sign_request(&mut request, b"", c, p).unwrap();
        request.headers()["authorization"].clone()
    };
    let p = params("us-east-1", "sts");
    let first = sign(&p, &creds);
    assert_eq!(signer.cache().stats(), CacheStats { hits: 0, misses: 1 });
    let second = sign(&p, &creds);
    assert_eq!(second, first);
    assert_eq!(signer.cache().stats(), CacheStats { hits: 1, misses: 1 });
    // The uncached path agrees.
    let mut request = http::Request::get("https://sts.amazonaws.com/")
        .body(())
        .unwrap();
    sign_request(&mut request, b"", &creds, &p).unwrap();
    assert_eq!(request.headers()["authorization"], first);

    // Other region, other secret, same access key id: misses.
    sign(&params("eu-west-1", "sts"), &creds);
    sign(&p, &signing(AK, "another-secret", None));
    assert_eq!(signer.cache().stats(), CacheStats { hits: 1, misses: 3 });
    assert_eq!(signer.cache().len(), 3);

    // The next day: a miss, and yesterday's keys go once the cache is full.
    let small = SigningKeyCache::with_capacity(2);
    let next_day = SigningParams::new(
        "us-east-1",
        "sts",
        suite_time() + Duration::from_secs(86_400),
    );
    small.signing_key(SK, "20150830", "us-east-1", "sts");
    small.signing_key(SK, "20150830", "eu-west-1", "sts");
    let key = small.signing_key(SK, &next_day.amz_date().unwrap()[..8], "us-east-1", "sts");
    assert_eq!(key, signing_key(SK, "20150831", "us-east-1", "sts"));
    assert_eq!(small.len(), 1);
    assert_eq!(small.stats(), CacheStats { hits: 0, misses: 3 });
    small.signing_key(SK, "20150831", "us-east-1", "sts");
    assert_eq!(small.stats(), CacheStats { hits: 1, misses: 3 });

    // The cache keeps a fingerprint of the secret, never the secret.
    let entries = signer.cache().entries();
    let fingerprints = [secret_fingerprint(SK), secret_fingerprint("another-secret")];
    assert!(entries
        .iter()
        .all(|e| fingerprints.contains(&e.secret_fingerprint)));
    drop(entries);
    assert!(!format!("{:?}", signer).contains(SK));
}

#[test]
fn debug_redacts_secrets() {
    let creds = signing(AK, SK, Some(TOKEN.into()));
    let debug = format!("{creds:?}");
    assert!(debug.contains(AK), "{debug}");
    assert!(!debug.contains(SK), "{debug}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains(crate::sensitive::REDACTED), "{debug}");
    assert!(format!("{:?}", signing(AK, SK, None)).contains("session_token: None"));

    let key = signing_key(SK, "20150830", "us-east-1", "sts");
    let debug = format!("{key:?}");
    assert!(
        !debug.contains(&hex(key.as_bytes())) && !debug.contains(&format!("{:?}", key.as_bytes()))
    );
    assert!(debug.contains(crate::sensitive::REDACTED));
}

/// Long-term (or, with a token, temporary) credentials for the signing tests.
fn signing(
    access_key_id: &str,
    secret_access_key: &str,
    session_token: Option<String>,
) -> Credentials {
    Credentials::new(
        access_key_id,
        secret_access_key,
        session_token,
        None,
        "test",
    )
}
