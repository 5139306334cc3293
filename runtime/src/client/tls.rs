//! TLS settings of both transports: rustls with ring, the Mozilla root certificates
//! (webpki-roots) and, when configured, a custom CA bundle (`AWS_CA_BUNDLE`, the profile's
//! `ca_bundle`, or [`CaBundle`] set in code) trusted in addition to them.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::config::Env;
use crate::error::{TransportError, TransportErrorKind};

/// Certificates of certificate authorities to trust besides the Mozilla roots, read from a
/// PEM file (one or more `CERTIFICATE` blocks; other blocks are ignored). Checked when it is
/// built, so a bad bundle fails when the configuration is made, not on the first request.
#[derive(Clone)]
pub struct CaBundle {
    source: String,
    certs: Arc<Vec<CertificateDer<'static>>>,
}

impl fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaBundle")
            .field("source", &self.source)
            .field("certificates", &self.certs.len())
            .finish()
    }
}

/// A CA bundle that cannot be used: unreadable, not PEM, without certificates, or with a
/// certificate that is not a valid trust anchor. Names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaBundleError {
    /// The file (or the name given to [`CaBundle::from_pem`]).
    pub source: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for CaBundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CA bundle `{}`: {}", self.source, self.reason)
    }
}

impl std::error::Error for CaBundleError {}

impl CaBundle {
    /// The certificates of PEM text; `source` names it in errors.
    ///
    /// # Errors
    /// PEM that cannot be read, holds no certificate, or holds one that is not a valid
    /// X.509 trust anchor.
    pub fn from_pem(pem: &[u8], source: impl Into<String>) -> Result<Self, CaBundleError> {
        let source = source.into();
        let fail = |reason: String| CaBundleError {
            source: source.clone(),
            reason,
        };
        let mut certs = Vec::new();
        for (i, cert) in CertificateDer::pem_slice_iter(pem).enumerate() {
            certs.push(cert.map_err(|e| fail(format!("PEM block {} cannot be read: {e}", i + 1)))?);
        }
        if certs.is_empty() {
            return Err(fail(
                "holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)".to_owned(),
            ));
        }
        let mut store = rustls::RootCertStore::empty();
        for (i, cert) in certs.iter().enumerate() {
            store.add(cert.clone()).map_err(|e| {
                fail(format!(
                    "certificate {} is not a usable certificate authority: {e}",
                    i + 1
                ))
            })?;
        }
        Ok(CaBundle {
            source,
            certs: Arc::new(certs),
        })
    }

    /// The certificates of the PEM file at `path`.
    ///
    /// # Errors
    /// See [`from_pem`](Self::from_pem); also an unreadable file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, CaBundleError> {
        Self::load(&crate::config::ProcessEnv, path.as_ref())
    }

    /// The certificates of the PEM file at `path`, read through `env`.
    ///
    /// # Errors
    /// See [`from_file`](Self::from_file).
    pub fn load(env: &dyn Env, path: &Path) -> Result<Self, CaBundleError> {
        let source = path.display().to_string();
        let pem = env.read_file(path).map_err(|e| CaBundleError {
            source: source.clone(),
            reason: format!("cannot be read: {e}"),
        })?;
        Self::from_pem(&pem, source)
    }

    /// The file it was read from (or the name given to [`from_pem`](Self::from_pem)).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The certificates.
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certs
    }
}

/// The TLS configuration of both transports: rustls with ring, the Mozilla root certificates
/// (webpki-roots) plus `extra`, TLS 1.2 and 1.3, ALPN `http/1.1`.
pub(crate) fn tls_config(
    extra: Option<&CaBundle>,
) -> Result<Arc<rustls::ClientConfig>, TransportError> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(bundle) = extra {
        for cert in bundle.certificates() {
            roots.add(cert.clone()).map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Connect,
                    format!("TLS setup: CA bundle `{}`: {e}", bundle.source()),
                )
            })?;
        }
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(crypto_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::new(TransportErrorKind::Connect, format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The algorithms both transports offer, taken from rustls's ring provider: the cipher suites,
/// key exchange groups and certificate signature algorithms every TLS 1.3 server must support
/// (RFC 8446 section 9.1) and their TLS 1.2 counterparts, and no others, so that the others'
/// code is not linked into every program: AES-GCM (no ChaCha20-Poly1305), ECDHE over P-256 and
/// P-384 (no X25519), ECDSA and RSA signatures (no Ed25519). This is also the set AWS's FIPS
/// endpoints accept. This saves about 270 KiB of a stripped release binary (see the README,
/// weight); the feature `tls-all-algorithms` offers all of the ring provider's algorithms instead.
pub(crate) fn crypto_provider() -> rustls::crypto::CryptoProvider {
    #[cfg(feature = "tls-all-algorithms")]
    return rustls::crypto::ring::default_provider();
    #[cfg(not(feature = "tls-all-algorithms"))]
    core_provider()
}

#[cfg(not(feature = "tls-all-algorithms"))]
fn core_provider() -> rustls::crypto::CryptoProvider {
    use rustls::crypto::ring::{cipher_suite as cs, kx_group};
    use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
    use rustls::SignatureScheme as S;
    use webpki::ring as alg;
    static SIGNATURES: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
        all: &[
            alg::ECDSA_P256_SHA256,
            alg::ECDSA_P256_SHA384,
            alg::ECDSA_P384_SHA256,
            alg::ECDSA_P384_SHA384,
            alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            alg::RSA_PKCS1_2048_8192_SHA256,
            alg::RSA_PKCS1_2048_8192_SHA384,
            alg::RSA_PKCS1_2048_8192_SHA512,
            alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        ],
        mapping: &[
            // For TLS 1.2 the scheme does not fix the curve; for TLS 1.3 it does.
            (
                S::ECDSA_NISTP384_SHA384,
                &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
            ),
            (
                S::ECDSA_NISTP256_SHA256,
                &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
            ),
            (
                S::RSA_PSS_SHA512,
                &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
            ),
            (
                S::RSA_PSS_SHA384,
                &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
            ),
            (
                S::RSA_PSS_SHA256,
                &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
            ),
            (S::RSA_PKCS1_SHA512, &[alg::RSA_PKCS1_2048_8192_SHA512]),
            (S::RSA_PKCS1_SHA384, &[alg::RSA_PKCS1_2048_8192_SHA384]),
            (S::RSA_PKCS1_SHA256, &[alg::RSA_PKCS1_2048_8192_SHA256]),
        ],
    };
    CryptoProvider {
        cipher_suites: vec![
            cs::TLS13_AES_256_GCM_SHA384,
            cs::TLS13_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ],
        kx_groups: vec![kx_group::SECP256R1, kx_group::SECP384R1],
        signature_verification_algorithms: SIGNATURES,
        secure_random: &SystemRandom,
        key_provider: &NoClientKeys,
    }
}

/// rustls's randomness from ring's system generator (the ring provider's own is private).
#[cfg(not(feature = "tls-all-algorithms"))]
#[derive(Debug)]
struct SystemRandom;

#[cfg(not(feature = "tls-all-algorithms"))]
impl rustls::crypto::SecureRandom for SystemRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), buf)
            .map_err(|_| rustls::crypto::GetRandomFailed)
    }
}

/// The transports never authenticate with a client certificate, so no private key is loaded.
#[cfg(not(feature = "tls-all-algorithms"))]
#[derive(Debug)]
struct NoClientKeys;

#[cfg(not(feature = "tls-all-algorithms"))]
impl rustls::crypto::KeyProvider for NoClientKeys {
    fn load_private_key(
        &self,
        _key: rustls::pki_types::PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        Err(rustls::Error::General(
            "client certificates are not supported".into(),
        ))
    }
}

/// The TLS server name of `host`.
pub(crate) fn server_name(
    host: &str,
) -> Result<rustls::pki_types::ServerName<'static>, TransportError> {
    rustls::pki_types::ServerName::try_from(host.to_owned()).map_err(|e| {
        TransportError::new(
            TransportErrorKind::InvalidRequest,
            format!("`{host}` is not a valid TLS server name: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MemoryEnv;

    fn ca_pem() -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap().pem()
    }

    #[cfg(not(feature = "tls-all-algorithms"))]
    #[test]
    fn offers_what_every_tls13_server_supports_and_nothing_else() {
        use rustls::{CipherSuite, NamedGroup, SignatureScheme};
        let p = crypto_provider();
        let suites: Vec<CipherSuite> = p.cipher_suites.iter().map(|s| s.suite()).collect();
        assert!(suites.contains(&CipherSuite::TLS13_AES_128_GCM_SHA256));
        assert!(
            suites.contains(&CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
            "TLS 1.2 stays"
        );
        assert!(
            !suites.iter().any(|s| format!("{s:?}").contains("CHACHA20")),
            "{suites:?}"
        );
        let groups: Vec<NamedGroup> = p.kx_groups.iter().map(|g| g.name()).collect();
        assert_eq!(groups, [NamedGroup::secp256r1, NamedGroup::secp384r1]);
        let schemes = p.signature_verification_algorithms.supported_schemes();
        for needed in [
            SignatureScheme::ECDSA_NISTP256_SHA256,
            SignatureScheme::RSA_PKCS1_SHA256,
            SignatureScheme::RSA_PSS_SHA256,
        ] {
            assert!(schemes.contains(&needed), "{needed:?}");
        }
        assert!(!schemes.contains(&SignatureScheme::ED25519));
        assert!(p
            .key_provider
            .load_private_key(rustls::pki_types::PrivateKeyDer::Pkcs8(vec![0u8; 8].into()))
            .is_err());
    }

    /// A whole handshake in memory against a server of rustls's full ring provider: it
    /// settles on what the client offers.
    #[test]
    fn hand_shakes_with_a_server_of_all_algorithms() {
        use std::sync::Arc;
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = cert.der().clone();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(der.clone()).unwrap();
        let client_config =
            rustls::ClientConfig::builder_with_provider(Arc::new(crypto_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth();
        let server_config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![der],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
        let mut client = rustls::ClientConnection::new(
            Arc::new(client_config),
            server_name("localhost").unwrap(),
        )
        .unwrap();
        let mut server = rustls::ServerConnection::new(Arc::new(server_config)).unwrap();
        for _ in 0..10 {
            let mut buf = Vec::new();
            while client.wants_write() {
                client.write_tls(&mut buf).unwrap();
            }
            server.read_tls(&mut buf.as_slice()).unwrap();
            server.process_new_packets().unwrap();
            let mut buf = Vec::new();
            while server.wants_write() {
                server.write_tls(&mut buf).unwrap();
            }
            client.read_tls(&mut buf.as_slice()).unwrap();
            client.process_new_packets().unwrap();
            if !client.is_handshaking() && !server.is_handshaking() {
                break;
            }
        }
        assert!(!client.is_handshaking(), "the handshake did not finish");
        let suite = client.negotiated_cipher_suite().unwrap().suite();
        assert_eq!(suite, rustls::CipherSuite::TLS13_AES_256_GCM_SHA384);
        #[cfg(not(feature = "tls-all-algorithms"))]
        assert_eq!(
            client.negotiated_key_exchange_group().unwrap().name(),
            rustls::NamedGroup::secp256r1
        );
    }

    #[test]
    fn bundles_hold_one_or_more_certificates() {
        let two = format!("# corporate roots\n{}\n{}", ca_pem(), ca_pem());
        let env = MemoryEnv::new().with_file("/etc/ca.pem", two.clone());
        let bundle = CaBundle::load(&env, Path::new("/etc/ca.pem")).unwrap();
        assert_eq!(bundle.certificates().len(), 2);
        assert_eq!(
            format!("{bundle:?}"),
            "CaBundle { source: \"/etc/ca.pem\", certificates: 2 }"
        );
        assert!(tls_config(Some(&bundle)).is_ok());
    }

    #[test]
    fn unusable_bundles_are_errors_naming_the_file() {
        let env = MemoryEnv::new()
            .with_file("/empty.pem", "")
            .with_file(
                "/key.pem",
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            )
            .with_file(
                "/broken.pem",
                "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
            )
            .with_file(
                "/garbage.pem",
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            );
        for (path, why) in [
            ("/missing.pem", "cannot be read"),
            ("/empty.pem", "no PEM certificate"),
            ("/key.pem", "no PEM certificate"),
            ("/broken.pem", "PEM block 1 cannot be read"),
            (
                "/garbage.pem",
                "certificate 1 is not a usable certificate authority",
            ),
        ] {
            let e = CaBundle::load(&env, Path::new(path))
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(&format!("CA bundle `{path}`: ")) && e.contains(why),
                "{path}: {e}"
            );
        }
    }
}
