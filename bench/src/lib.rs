//! Inputs for the wire benchmarks (`benches/wire.rs`, run by `cargo xtask bench`): a realistic
//! AssumeRole input, an AssumeRole response of about 1.3 KB and an error response. They live
//! here, not in the bench, so their tests check they stay valid as the generator changes.

use sts::operation::assume_role::AssumeRoleInput;
use sts::types::{PolicyDescriptorType, Tag};

/// A successful AssumeRole response as STS sends it (about 1.3 KB, a 600-character session token).
pub fn assume_role_response() -> String {
    let token: String =
        "IQoJb3JpZ2luX2VjEFMaCXVzLWVhc3QtMSJHMEUCIQDp7cD1vHXT1dG9rZW4rL3NlY3JldC8xMjM0NTY3ODkw"
            .chars()
            .cycle()
            .take(600)
            .collect();
    format!(
        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>ci-runner-42</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/deploy/ci-run-42</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:ci-run-42</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>2026-05-01T12:30:00Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
"#
    )
}

/// A modeled AssumeRole error (`MalformedPolicyDocument`), as STS sends it with HTTP 400.
pub const ERROR_RESPONSE: &str = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>MalformedPolicyDocument</Code>
    <Message>The policy document is malformed: Syntax errors in policy near &quot;Statement&quot;.</Message>
  </Error>
  <RequestId>4ee3b1c2-9e3b-4b6f-a0b8-ec1b2c1d7f10</RequestId>
</ErrorResponse>
"#;

/// An AssumeRole input with every common member set: three session tags, two managed policy
/// ARNs, an inline policy, external id, duration and source identity.
pub fn assume_role_input() -> AssumeRoleInput {
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().expect("valid tag");
    let arn = |a: &str| {
        PolicyDescriptorType::builder()
            .arn(a)
            .build()
            .expect("valid policy ARN")
    };
    AssumeRoleInput::builder()
        .role_arn("arn:aws:iam::123456789012:role/deploy")
        .role_session_name("ci-run-42")
        .duration_seconds(900)
        .external_id("8d7a6f0e-partner")
        .source_identity("ci-runner-42")
        .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#)
        .policy_arns(arn("arn:aws:iam::aws:policy/ReadOnlyAccess"))
        .policy_arns(arn("arn:aws:iam::123456789012:policy/deploy-boundary"))
        .tags(tag("team", "infra"))
        .tags(tag("project", "stsgen"))
        .tags(tag("cost-center", "1234"))
        .transitive_tag_keys("team")
        .build()
        .expect("valid input")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sts::operation::assume_role::{self, AssumeRoleError};
    use sts::RequestId as _;

    #[test]
    fn response_is_about_1_3_kb_and_parses() {
        let body = assume_role_response();
        assert!((1200..1400).contains(&body.len()), "{}", body.len());
        let out = assume_role::parse_output(body.as_bytes()).expect("parses");
        assert_eq!(
            out.credentials()
                .expect("credentials")
                .session_token()
                .len(),
            600
        );
        assert_eq!(
            out.request_id(),
            Some("c6104cbe-af31-11e0-8154-cbc7ccf896c7")
        );
    }

    #[test]
    fn error_is_modeled() {
        let e = assume_role::parse_error(400, &Default::default(), ERROR_RESPONSE.as_bytes())
            .expect("parses");
        assert!(
            matches!(e, AssumeRoleError::MalformedPolicyDocumentException(_)),
            "{e:?}"
        );
    }

    #[test]
    fn input_serializes_tags_and_policy_arns() {
        let body = assume_role::serialize_body(&assume_role_input());
        assert!(body.contains("Tags.member.3.Key=cost-center"), "{body}");
        assert!(body.contains("PolicyArns.member.2.arn="), "{body}");
    }
}
