//! The system's root certificates honour `SSL_CERT_FILE` (as OpenSSL and aws-config do): a
//! certificate authority in that file lets a server's certificate verify with a default client.

mod tls_roots;

#[tokio::test]
async fn a_root_of_ssl_cert_file_verifies_a_server() {
    let (pem, server) = tls_roots::pki();
    let file = std::env::temp_dir().join(format!("stsgen-roots-{}.pem", std::process::id()));
    std::fs::write(&file, format!("# a corporate root\n{pem}")).unwrap();
    tls_roots::use_cert_file(&file);
    let port = tls_roots::serve(server);
    let answer = tls_roots::send(port).await;
    let _ = std::fs::remove_file(&file);
    assert_eq!(answer, Ok(200));
}
