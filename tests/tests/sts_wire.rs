//! The generated STS crate against response and error bodies in the shapes AWS documents.

use sts::operation::{assume_role, get_caller_identity, get_session_token};
use sts::RequestId;

const ASSUME_ROLE_RESPONSE: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
  <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>
       AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW
       LWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGd
      </SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>"#;

#[test]
#[allow(deprecated)] // PackedPolicySize is deprecated in the model but still sent by STS.
fn parses_assume_role_response() {
    let out = assume_role::parse_output(ASSUME_ROLE_RESPONSE.as_bytes()).expect("parses");
    assert_eq!(
        out.request_id(),
        Some("c6104cbe-af31-11e0-8154-cbc7ccf896c7")
    );
    assert_eq!(out.packed_policy_size(), Some(6));
    assert_eq!(out.source_identity(), Some("Alice"));
    let user = out.assumed_role_user().expect("assumed role user");
    assert_eq!(
        user.arn(),
        "arn:aws:sts::123456789012:assumed-role/demo/TestAR"
    );
    let creds = out.credentials().expect("credentials");
    assert_eq!(creds.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(
        creds.secret_access_key(),
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    );
    assert!(creds.session_token().contains("AQoDYXdzEPT"));
    assert_eq!(creds.expiration().unix_timestamp(), 1573306481);
    let debug = format!("{out:?}");
    assert!(!debug.contains("wJalrXUtnFEMI"), "secret in Debug: {debug}");
    assert!(
        !debug.contains("AQoDYXdzEPT"),
        "session token in Debug: {debug}"
    );
}

#[test]
fn serializes_assume_role_input() {
    let input = assume_role::AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("s1")
        .duration_seconds(900)
        .policy_arns(
            sts::types::PolicyDescriptorType::builder()
                .arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .build()
                .unwrap(),
        )
        .tags(
            sts::types::Tag::builder()
                .key("team")
                .value("a b")
                .build()
                .unwrap(),
        )
        .tags(
            sts::types::Tag::builder()
                .key("env")
                .value("prod")
                .build()
                .unwrap(),
        )
        .transitive_tag_keys("team")
        .build()
        .expect("valid");
    let req = assume_role::request(&input);
    assert_eq!(req.method(), "POST");
    assert_eq!(req.uri(), "/");
    assert_eq!(
        req.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        req.headers()["content-length"],
        req.body().len().to_string().as_str()
    );
    let body = std::str::from_utf8(req.body()).unwrap();
    let mut params: Vec<&str> = body.split('&').collect();
    params.sort_unstable();
    assert_eq!(
        params,
        vec![
            "Action=AssumeRole",
            "DurationSeconds=900",
            "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
            "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo",
            "RoleSessionName=s1",
            "Tags.member.1.Key=team",
            "Tags.member.1.Value=a%20b",
            "Tags.member.2.Key=env",
            "Tags.member.2.Value=prod",
            "TransitiveTagKeys.member.1=team",
            "Version=2011-06-15",
        ]
    );
}

#[test]
fn parses_caller_identity_and_empty_input() {
    let body = br#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#;
    let out = get_caller_identity::parse_output(body).unwrap();
    assert_eq!(out.arn(), Some("arn:aws:iam::123456789012:user/Alice"));
    assert_eq!(out.account(), Some("123456789012"));
    let input = get_caller_identity::GetCallerIdentityInput::builder()
        .build()
        .unwrap();
    assert_eq!(
        get_caller_identity::serialize_body(&input),
        "Action=GetCallerIdentity&Version=2011-06-15"
    );
}

#[test]
fn modeled_errors_match_by_code() {
    let body = br#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>MalformedPolicyDocument</Code><Message>bad policy</Message></Error>
  <RequestId>req-1</RequestId></ErrorResponse>"#;
    let err = assume_role::parse_error(400, &Default::default(), body).unwrap();
    assert!(err.is_malformed_policy_document_exception(), "{err:?}");
    assert_eq!(err.code(), "MalformedPolicyDocument");
    assert_eq!(err.message(), Some("bad policy"));
    assert_eq!(err.request_id(), Some("req-1"));
    assert_eq!(
        err.to_string(),
        "AssumeRole failed: MalformedPolicyDocument: bad policy (request id req-1)"
    );
}

#[test]
fn message_only_modeled_errors_carry_the_error_message_in_both_body_forms() {
    // The member is filled from the error metadata (no reader of its own): both element
    // spellings and both envelope forms, and the member stays empty without a message.
    let cases: [(&[u8], Option<&str>); 3] = [
        (
            br#"<ErrorResponse><Error><Code>RegionDisabledException</Code><message>region off</message></Error></ErrorResponse>"#,
            Some("region off"),
        ),
        (
            br#"<?xml version="1.0"?><Response><Errors><Error><Code>RegionDisabledException</Code><Message>a &amp; b</Message></Error></Errors></Response>"#,
            Some("a & b"),
        ),
        (
            br#"<ErrorResponse><Error><Code>RegionDisabledException</Code></Error></ErrorResponse>"#,
            None,
        ),
    ];
    for (body, message) in cases {
        let err = assume_role::parse_error(403, &Default::default(), body).unwrap();
        let assume_role::AssumeRoleError::RegionDisabledException(e) = &err else {
            panic!("not the modeled error: {err:?}");
        };
        assert_eq!(e.message(), message);
        assert_eq!(e.meta().message(), message);
        assert_eq!(e.meta().http_status(), Some(403));
    }
}

#[test]
fn unmodeled_errors_keep_everything() {
    let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></Errors></ErrorResponse>"#;
    let mut headers = sts::runtime::http::HeaderMap::new();
    headers.insert("x-amzn-RequestId", "hdr-42".parse().unwrap());
    let err = get_session_token::parse_error(403, &headers, body).unwrap();
    assert!(err.is_unhandled());
    assert_eq!(err.code(), "InvalidClientTokenId");
    assert_eq!(err.request_id(), Some("hdr-42"));
    assert_eq!(err.meta().http_status(), Some(403));
}

#[test]
fn non_xml_bodies_are_typed_errors() {
    let err = assume_role::parse_error(
        502,
        &Default::default(),
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
    .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(err.body_start().unwrap().starts_with("<html>"));
    // Truncated inside a tag, and truncated between elements.
    let err = assume_role::parse_output(&ASSUME_ROLE_RESPONSE.as_bytes()[..300]).unwrap_err();
    assert!(
        matches!(err.kind(), sts::runtime::ParseErrorKind::Malformed { .. }),
        "{err:?}"
    );
    let cut = ASSUME_ROLE_RESPONSE.find("<PackedPolicySize>").unwrap();
    let err = assume_role::parse_output(&ASSUME_ROLE_RESPONSE.as_bytes()[..cut]).unwrap_err();
    assert_eq!(err.kind(), &sts::runtime::ParseErrorKind::UnexpectedEof);
    // An empty 200 body is only acceptable for outputs without members.
    let err = assume_role::parse_output(b"  ").unwrap_err();
    assert_eq!(err.kind(), &sts::runtime::ParseErrorKind::NoRoot);
    let err = assume_role::parse_output(b"not xml").unwrap_err();
    assert!(
        matches!(err.kind(), sts::runtime::ParseErrorKind::Malformed { .. }),
        "{err:?}"
    );
    let err = assume_role::parse_output(b"<AssumeRoleResponse><AssumeRoleResult><PackedPolicySize>six</PackedPolicySize></AssumeRoleResult></AssumeRoleResponse>").unwrap_err();
    assert!(err.to_string().contains("PackedPolicySize"), "{err}");
}

#[test]
fn retry_classification() {
    let throttled = br#"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"#;
    assert!(
        get_session_token::parse_error(400, &Default::default(), throttled)
            .unwrap()
            .is_retryable()
    );
    let idp = br#"<ErrorResponse><Error><Type>Sender</Type><Code>IDPCommunicationError</Code><Message>down</Message></Error></ErrorResponse>"#;
    let err =
        sts::operation::assume_role_with_web_identity::parse_error(400, &Default::default(), idp)
            .unwrap();
    assert!(err.is_idp_communication_error_exception() && err.is_retryable());
    let internal = br#"<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code></Error></ErrorResponse>"#;
    assert!(
        get_session_token::parse_error(500, &Default::default(), internal)
            .unwrap()
            .is_retryable()
    );
    let denied = br#"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>"#;
    assert!(
        !get_session_token::parse_error(403, &Default::default(), denied)
            .unwrap()
            .is_retryable()
    );
}
