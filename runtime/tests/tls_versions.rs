//! TLS versions over 127.0.0.1 with both transports and a CA bundle: without the feature
//! `tls12` a server that speaks only TLS 1.2 is a typed error naming the host and the feature
//! (even though rustls's own `tls12` is on in this build, for the test server); with it the
//! same server answers.

use stsgen_runtime::client::{rustls, CaBundle, HttpsClient};
use stsgen_runtime::error::TransportError;

mod tls_server;

/// A server of TLS 1.2 only on 127.0.0.1, and the CA bundle that trusts it.
fn tls12_server() -> (u16, CaBundle) {
    let (pem, server) = tls_server::pki(&[&rustls::version::TLS12]);
    let ca = CaBundle::from_pem(pem.as_bytes(), "test CA").unwrap();
    (tls_server::serve(server), ca)
}

/// The answers of the async and (with `blocking`) the blocking transport.
async fn answers(port: u16, ca: CaBundle) -> Vec<Result<u16, TransportError>> {
    let client = HttpsClient::with_ca_bundle(tls_server::TIMEOUT, Some(&ca)).unwrap();
    #[allow(unused_mut)]
    let mut answers = vec![tls_server::send(&client, port).await];
    #[cfg(feature = "blocking")]
    answers.push(
        tokio::task::spawn_blocking(move || {
            let client = stsgen_runtime::client::blocking::StdClient::new(tls_server::TIMEOUT)
                .with_ca_bundle(Some(ca));
            tls_server::send_blocking(&client, port)
        })
        .await
        .unwrap(),
    );
    answers
}

#[cfg(not(feature = "tls12"))]
#[tokio::test]
async fn a_server_of_tls_1_2_only_is_an_error_naming_the_feature() {
    use stsgen_runtime::error::TransportErrorKind;
    let (port, ca) = tls12_server();
    for answer in answers(port, ca).await {
        let e = answer.unwrap_err();
        assert_eq!(
            e.kind(),
            &TransportErrorKind::TlsVersionUnsupported {
                host: "localhost".to_owned()
            },
            "{e}"
        );
        let text = e.to_string();
        assert!(
            text.contains("TLS 1.3 only") && text.contains("the feature `tls12`"),
            "{text}"
        );
    }
}

#[cfg(feature = "tls12")]
#[tokio::test]
async fn with_the_feature_a_server_of_tls_1_2_only_answers() {
    let (port, ca) = tls12_server();
    for answer in answers(port, ca).await {
        assert_eq!(answer, Ok(200));
    }
}
