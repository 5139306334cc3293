//! Without any root certificate (`SSL_CERT_FILE` names a missing file, no CA bundle, no
//! `bundled-roots`) a client is still built, and its first TLS handshake fails with a typed
//! error naming the remedies. With `bundled-roots` the Mozilla roots are there instead.

use stsgen_runtime::error::TransportErrorKind;

mod tls_roots;

#[tokio::test]
async fn without_root_certificates_a_handshake_names_the_remedies() {
    let (_, server) = tls_roots::pki();
    let missing = std::env::temp_dir().join(format!("stsgen-no-roots-{}.pem", std::process::id()));
    tls_roots::use_cert_file(&missing);
    let port = tls_roots::serve(server);
    let e = tls_roots::send(port).await.unwrap_err();
    #[cfg(not(feature = "bundled-roots"))]
    {
        assert_eq!(
            e.kind(),
            &TransportErrorKind::NoRootCertificates {
                host: "localhost".to_owned()
            },
            "{e}"
        );
        for remedy in ["SSL_CERT_FILE", "AWS_CA_BUNDLE", "`bundled-roots`"] {
            assert!(e.to_string().contains(remedy), "{remedy}: {e}");
        }
    }
    #[cfg(feature = "bundled-roots")]
    assert!(
        e.kind() == &TransportErrorKind::Connect && e.to_string().contains("UnknownIssuer"),
        "the Mozilla roots are there, and do not vouch for the test server: {e}"
    );
}
