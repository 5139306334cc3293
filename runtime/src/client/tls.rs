//! TLS settings of both transports: rustls with ring, TLS 1.3 (and TLS 1.2 with the feature
//! `tls12`), the root certificates of the system's trust store (loaded once per process, as
//! aws-config does, honouring `SSL_CERT_FILE` and `SSL_CERT_DIR`; with the feature
//! `bundled-roots` also the Mozilla roots of webpki-roots) and, when configured, a custom CA
//! bundle (`AWS_CA_BUNDLE`, the profile's `ca_bundle`, or [`CaBundle`] set in code) trusted in
//! addition to them. A server that speaks no TLS version offered is
//! [`TransportErrorKind::TlsVersionUnsupported`]; no root certificate at all is
//! [`TransportErrorKind::NoRootCertificates`].

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::config::Env;
use crate::error::{TransportError, TransportErrorKind};

/// Certificates of certificate authorities to trust besides the system's roots, read from a
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

/// The TLS versions both transports offer: TLS 1.3, and TLS 1.2 with the feature `tls12`.
/// Named explicitly, so that rustls's own `tls12` feature, turned on by another crate of the
/// build, does not change what is offered.
#[cfg(not(feature = "tls12"))]
const PROTOCOL_VERSIONS: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];
#[cfg(feature = "tls12")]
const PROTOCOL_VERSIONS: &[&rustls::SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

/// What the transports say when a server refuses every TLS version they offer.
#[cfg(not(feature = "tls12"))]
const VERSION_HELP: &str = "the server refused TLS 1.3 (it speaks only an older version, such \
    as TLS 1.2), and this build speaks TLS 1.3 only: the feature `tls12` of stsgen-runtime \
    (also forwarded by stsgen-config) adds TLS 1.2";
#[cfg(feature = "tls12")]
const VERSION_HELP: &str = "the server speaks neither TLS 1.3 nor TLS 1.2 (older versions \
    are not supported)";

/// The error of a failed TLS handshake with `host`: [`TransportErrorKind::TlsVersionUnsupported`]
/// when the server refused every TLS version offered (rustls reports a `protocol_version`
/// alert from the server, or a server hello with a version it was not configured for),
/// [`TransportErrorKind::NoRootCertificates`] when there was no root certificate to verify the
/// server with, else a [`TransportErrorKind::Connect`] error with rustls's reason. Both transports map their
/// handshake errors here.
pub(crate) fn handshake_error(host: &str, e: &std::io::Error) -> TransportError {
    use rustls::{AlertDescription, Error, PeerIncompatible};
    match e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
        Some(
            Error::AlertReceived(AlertDescription::ProtocolVersion)
            | Error::PeerIncompatible(
                PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig
                | PeerIncompatible::ServerDoesNotSupportTls12Or13,
            ),
        ) => TransportError::new(
            TransportErrorKind::TlsVersionUnsupported {
                host: host.to_owned(),
            },
            VERSION_HELP,
        ),
        Some(Error::Other(other)) if other.0.is::<NoRoots>() => TransportError::new(
            TransportErrorKind::NoRootCertificates {
                host: host.to_owned(),
            },
            NO_ROOTS_HELP,
        ),
        // What an older server that does not know TLS 1.3 answers when it finds none of its
        // cipher suites offered; other mismatches end the same way, so only a hint.
        #[cfg(not(feature = "tls12"))]
        Some(Error::AlertReceived(AlertDescription::HandshakeFailure)) => TransportError::new(
            TransportErrorKind::Connect,
            format!(
                "TLS handshake with `{host}`: {e} (a server that speaks only TLS 1.2 answers \
                 so; this build speaks TLS 1.3 only, and the feature `tls12` adds TLS 1.2)"
            ),
        ),
        _ => TransportError::new(
            TransportErrorKind::Connect,
            format!("TLS handshake with `{host}`: {e}"),
        ),
    }
}

/// The TLS configuration of both transports: rustls with ring, the system's root certificates
/// ([`system_roots`]) plus `extra`, [`PROTOCOL_VERSIONS`], ALPN `http/1.1`.
pub(crate) fn tls_config(
    extra: Option<&CaBundle>,
) -> Result<Arc<rustls::ClientConfig>, TransportError> {
    config_with_roots(system_roots(), extra)
}

/// [`tls_config`] with `roots` instead of the system's. Without any root certificate the
/// configuration is still built (a client of plain-HTTP endpoints needs none), and its first
/// TLS handshake fails with [`TransportErrorKind::NoRootCertificates`].
fn config_with_roots(
    roots: &Arc<rustls::RootCertStore>,
    extra: Option<&CaBundle>,
) -> Result<Arc<rustls::ClientConfig>, TransportError> {
    let setup = |e: String| TransportError::new(TransportErrorKind::Connect, e);
    let roots = match extra {
        None => Arc::clone(roots),
        Some(bundle) => {
            let mut roots = rustls::RootCertStore::clone(roots);
            for cert in bundle.certificates() {
                roots.add(cert.clone()).map_err(|e| {
                    setup(format!("TLS setup: CA bundle `{}`: {e}", bundle.source()))
                })?;
            }
            Arc::new(roots)
        }
    };
    let provider = Arc::new(crypto_provider());
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(PROTOCOL_VERSIONS)
        .map_err(|e| setup(format!("TLS setup: {e}")))?;
    let mut config = if roots.is_empty() {
        let verifier = NoRootsVerifier {
            schemes: provider
                .signature_verification_algorithms
                .supported_schemes(),
        };
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth()
    } else {
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The root certificates of the system's trust store ([`load_roots`]), loaded on first use
/// and then shared by every client of the process.
fn system_roots() -> &'static Arc<rustls::RootCertStore> {
    static ROOTS: OnceLock<Arc<rustls::RootCertStore>> = OnceLock::new();
    ROOTS.get_or_init(|| Arc::new(load_roots()))
}

/// The root certificates of the system's trust store, as aws-config's HTTP client loads them
/// (rustls-native-certs): the PEM file of `SSL_CERT_FILE` and the directories of
/// `SSL_CERT_DIR` when either is set, else the platform's store (on Linux and the BSDs the PEM
/// bundle and directory OpenSSL reads, found by openssl-probe; the keychains on macOS; the
/// system store on Windows). Certificates that cannot be used are skipped; files that cannot
/// be read are logged as warnings. With the feature `bundled-roots` the Mozilla roots of
/// webpki-roots are added.
fn load_roots() -> rustls::RootCertStore {
    let found = rustls_native_certs::load_native_certs();
    for error in &found.errors {
        tracing::warn!("loading the system's root certificates: {error}");
    }
    let mut roots = rustls::RootCertStore::empty();
    let (_, unusable) = roots.add_parsable_certificates(found.certs);
    if unusable > 0 {
        tracing::debug!("{unusable} system root certificate(s) skipped: not usable trust anchors");
    }
    #[cfg(feature = "bundled-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    roots
}

/// What the transports say when there is no root certificate to verify a server with.
const NO_ROOTS_HELP: &str = "the system's trust store has no certificates and no CA bundle is \
    configured: install the system's CA certificates (e.g. the `ca-certificates` package), point \
    SSL_CERT_FILE (or SSL_CERT_DIR) at PEM certificates, set AWS_CA_BUNDLE (or the profile's \
    `ca_bundle`), or enable the feature `bundled-roots` of stsgen-runtime (also forwarded by \
    stsgen-config) for the Mozilla roots";

/// The reason [`NoRootsVerifier`] gives rustls, which [`handshake_error`] recognises.
#[derive(Debug)]
struct NoRoots;

impl fmt::Display for NoRoots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no root certificate to verify the server with")
    }
}

impl std::error::Error for NoRoots {}

/// The certificate verifier of a configuration without any root certificate: it refuses every
/// server with [`NoRoots`] and logs the first refusal of the process as a warning.
#[derive(Debug)]
struct NoRootsVerifier {
    schemes: Vec<rustls::SignatureScheme>,
}

fn refuse() -> rustls::Error {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| tracing::warn!("TLS: {NO_ROOTS_HELP}"));
    rustls::Error::Other(rustls::OtherError(Arc::new(NoRoots)))
}

impl rustls::client::danger::ServerCertVerifier for NoRootsVerifier {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Err(refuse())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Err(refuse())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Err(refuse())
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.schemes.clone()
    }
}

/// The algorithms both transports offer, taken from rustls's ring provider: the cipher suites,
/// key exchange groups and certificate signature algorithms every TLS 1.3 server must support
/// (RFC 8446 section 9.1) and, with the feature `tls12`, their TLS 1.2 counterparts, and no
/// others, so that the others' code is not linked into every program: AES-GCM (no
/// ChaCha20-Poly1305), ECDHE over P-256 and P-384 (no X25519), ECDSA and RSA signatures (no
/// Ed25519). This is also the set AWS's FIPS
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
    #[allow(unused_mut)]
    let mut cipher_suites = vec![cs::TLS13_AES_256_GCM_SHA384, cs::TLS13_AES_128_GCM_SHA256];
    #[cfg(feature = "tls12")]
    cipher_suites.extend([
        cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ]);
    CryptoProvider {
        cipher_suites,
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
        assert_eq!(
            suites.contains(&CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
            cfg!(feature = "tls12"),
            "TLS 1.2 suites only with the feature `tls12`: {suites:?}"
        );
        assert_eq!(
            p.cipher_suites.iter().any(|s| s.tls13().is_none()),
            cfg!(feature = "tls12"),
            "{suites:?}"
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

    /// A certificate authority (as a bundle) and the configuration of a TLS server for
    /// `localhost` with a certificate it issued, of rustls's full ring provider, speaking only
    /// `versions`.
    fn server_config(
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> (CaBundle, Arc<rustls::ServerConfig>) {
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca =
            rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
                .unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
        let ca = CaBundle::from_pem(ca.pem().as_bytes(), "test CA").unwrap();
        (ca, Arc::new(config))
    }

    /// The configuration of the transports trusting `ca` only (no system roots).
    fn trusting(ca: Option<&CaBundle>) -> Arc<rustls::ClientConfig> {
        config_with_roots(&Arc::new(rustls::RootCertStore::empty()), ca).unwrap()
    }

    /// A whole handshake in memory with the server `localhost`: the client's connection, or
    /// the client's error as the transports report it.
    fn hand_shake(
        client: Arc<rustls::ClientConfig>,
        server: Arc<rustls::ServerConfig>,
    ) -> Result<rustls::ClientConnection, TransportError> {
        let mut client =
            rustls::ClientConnection::new(client, server_name("localhost").unwrap()).unwrap();
        let mut server = rustls::ServerConnection::new(server).unwrap();
        let fail = |e: rustls::Error| {
            let io = std::io::Error::new(std::io::ErrorKind::InvalidData, e);
            handshake_error("localhost", &io)
        };
        for _ in 0..10 {
            let mut buf = Vec::new();
            while client.wants_write() {
                client.write_tls(&mut buf).unwrap();
            }
            server.read_tls(&mut buf.as_slice()).unwrap();
            // A server that refuses the client still writes its alert.
            let _ = server.process_new_packets();
            let mut buf = Vec::new();
            while server.wants_write() {
                server.write_tls(&mut buf).unwrap();
            }
            client.read_tls(&mut buf.as_slice()).unwrap();
            client.process_new_packets().map_err(fail)?;
            if !client.is_handshaking() && !server.is_handshaking() {
                return Ok(client);
            }
        }
        panic!("the handshake did not finish");
    }

    /// Against a server of rustls's full ring provider the client settles on what it offers.
    #[test]
    fn hand_shakes_with_a_server_of_all_algorithms() {
        let (ca, server) = server_config(rustls::DEFAULT_VERSIONS);
        let client = hand_shake(trusting(Some(&ca)), server).unwrap();
        let suite = client.negotiated_cipher_suite().unwrap().suite();
        assert_eq!(suite, rustls::CipherSuite::TLS13_AES_256_GCM_SHA384);
        #[cfg(not(feature = "tls-all-algorithms"))]
        assert_eq!(
            client.negotiated_key_exchange_group().unwrap().name(),
            rustls::NamedGroup::secp256r1
        );
    }

    /// Without `tls12` the transports offer TLS 1.3 only, even though rustls's own `tls12`
    /// feature is on in this build (the dev-dependency turns it on for the test servers): a
    /// server of TLS 1.2 only is a typed error naming the host and the feature. (With
    /// `tls-all-algorithms`, whose provider has TLS 1.2 suites, this fails unless the
    /// protocol versions are pinned.) Both transports over 127.0.0.1: `tests/tls_versions.rs`.
    #[cfg(not(feature = "tls12"))]
    #[test]
    fn a_server_of_tls_1_2_only_is_an_error_naming_the_feature() {
        let (ca, server) = server_config(&[&rustls::version::TLS12]);
        let e = hand_shake(trusting(Some(&ca)), server).unwrap_err();
        assert_eq!(
            e.kind(),
            &TransportErrorKind::TlsVersionUnsupported {
                host: "localhost".to_owned()
            },
            "{e}"
        );
        let text = e.to_string();
        assert!(
            text.starts_with("`localhost` speaks no TLS version this program offers: ")
                && text.contains("TLS 1.3 only")
                && text.contains("the feature `tls12` of stsgen-runtime"),
            "{text}"
        );
        assert!(!e.is_transient(), "another attempt would fail the same way");
    }

    /// With `tls12` the same server hand-shakes, in TLS 1.2.
    #[cfg(feature = "tls12")]
    #[test]
    fn with_the_feature_a_server_of_tls_1_2_only_hand_shakes() {
        let (ca, server) = server_config(&[&rustls::version::TLS12]);
        let client = hand_shake(trusting(Some(&ca)), server).unwrap();
        assert_eq!(
            client.protocol_version(),
            Some(rustls::ProtocolVersion::TLSv1_2)
        );
    }

    /// Without any root certificate the configuration is built (plain-HTTP endpoints need
    /// none), and a handshake fails with a typed error that names the remedies.
    #[test]
    fn no_root_certificate_is_an_error_naming_the_remedies() {
        let (_, server) = server_config(rustls::DEFAULT_VERSIONS);
        let e = hand_shake(trusting(None), server).unwrap_err();
        assert_eq!(
            e.kind(),
            &TransportErrorKind::NoRootCertificates {
                host: "localhost".to_owned()
            },
            "{e}"
        );
        let text = e.to_string();
        for remedy in [
            "`ca-certificates`",
            "SSL_CERT_FILE",
            "AWS_CA_BUNDLE",
            "the feature `bundled-roots`",
        ] {
            assert!(text.contains(remedy), "{remedy}: {text}");
        }
        assert!(!e.is_transient(), "another attempt would fail the same way");
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

    #[test]
    fn handshake_errors_name_the_host() {
        use rustls::{Error, PeerIncompatible};
        let io = |e: Error| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        let e = handshake_error(
            "sts.example",
            &io(Error::PeerIncompatible(
                PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
            )),
        );
        assert_eq!(
            e.kind(),
            &TransportErrorKind::TlsVersionUnsupported {
                host: "sts.example".to_owned()
            }
        );
        let e = handshake_error("sts.example", &io(Error::DecryptError));
        assert_eq!(e.kind(), &TransportErrorKind::Connect);
        assert!(
            e.to_string()
                .contains("TLS handshake with `sts.example`: cannot decrypt peer's message"),
            "{e}"
        );
        let e = handshake_error("sts.example", &std::io::ErrorKind::ConnectionReset.into());
        assert_eq!(e.kind(), &TransportErrorKind::Connect, "{e}");
        let e = handshake_error(
            "sts.example",
            &io(Error::AlertReceived(
                rustls::AlertDescription::HandshakeFailure,
            )),
        );
        assert_eq!(e.kind(), &TransportErrorKind::Connect, "{e}");
        assert_eq!(
            e.to_string().contains("the feature `tls12` adds TLS 1.2"),
            cfg!(not(feature = "tls12")),
            "{e}"
        );
    }
}
