//! Without any root certificate (`SSL_CERT_FILE` names a missing file, no CA bundle, no
//! `bundled-roots`) a client of either transport is still built, and its first TLS handshake
//! fails with a typed error naming the remedies. With `bundled-roots` the Mozilla roots are
//! there instead.

use stsgen_runtime::client::{rustls, HttpsClient};
use stsgen_runtime::error::{TransportError, TransportErrorKind};

mod tls_server;

#[tokio::test]
async fn without_root_certificates_a_handshake_names_the_remedies() {
    let (_, server) = tls_server::pki(rustls::DEFAULT_VERSIONS);
    let missing = std::env::temp_dir().join(format!("stsgen-no-roots-{}.pem", std::process::id()));
    tls_server::use_cert_file(&missing);
    let port = tls_server::serve(server);
    let client = HttpsClient::new(tls_server::TIMEOUT).unwrap();
    check(&tls_server::send(&client, port).await.unwrap_err());
    #[cfg(feature = "blocking")]
    {
        let e = tokio::task::spawn_blocking(move || {
            let client = stsgen_runtime::client::blocking::StdClient::new(tls_server::TIMEOUT);
            tls_server::send_blocking(&client, port)
        });
        check(&e.await.unwrap().unwrap_err());
    }
}

fn check(e: &TransportError) {
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
