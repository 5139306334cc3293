//! The system's root certificates honour `SSL_CERT_FILE` (as OpenSSL and aws-config do): a
//! certificate authority in that file lets a server's certificate verify with a default client
//! of either transport.

use stsgen_runtime::client::{rustls, HttpsClient};

mod tls_server;

#[tokio::test]
async fn a_root_of_ssl_cert_file_verifies_a_server() {
    let (pem, server) = tls_server::pki(rustls::DEFAULT_VERSIONS);
    let file = std::env::temp_dir().join(format!("stsgen-roots-{}.pem", std::process::id()));
    std::fs::write(&file, format!("# a corporate root\n{pem}")).unwrap();
    tls_server::use_cert_file(&file);
    let port = tls_server::serve(server);
    let client = HttpsClient::new(tls_server::TIMEOUT).unwrap();
    let answer = tls_server::send(&client, port).await;
    #[cfg(feature = "blocking")]
    let blocking = tokio::task::spawn_blocking(move || {
        let client = stsgen_runtime::client::blocking::StdClient::new(tls_server::TIMEOUT);
        tls_server::send_blocking(&client, port)
    })
    .await
    .unwrap();
    let _ = std::fs::remove_file(&file);
    assert_eq!(answer, Ok(200));
    #[cfg(feature = "blocking")]
    assert_eq!(blocking, Ok(200));
}
