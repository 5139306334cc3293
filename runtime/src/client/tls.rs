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
        f.debug_struct("CaBundle").field("source", &self.source).field("certificates", &self.certs.len()).finish()
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
        let fail = |reason: String| CaBundleError { source: source.clone(), reason };
        let mut certs = Vec::new();
        for (i, cert) in CertificateDer::pem_slice_iter(pem).enumerate() {
            certs.push(cert.map_err(|e| fail(format!("PEM block {} cannot be read: {e}", i + 1)))?);
        }
        if certs.is_empty() {
            return Err(fail("holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)".to_owned()));
        }
        let mut store = rustls::RootCertStore::empty();
        for (i, cert) in certs.iter().enumerate() {
            store
                .add(cert.clone())
                .map_err(|e| fail(format!("certificate {} is not a usable certificate authority: {e}", i + 1)))?;
        }
        Ok(CaBundle { source, certs: Arc::new(certs) })
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
        let pem = env.read_file(path).map_err(|e| CaBundleError { source: source.clone(), reason: format!("cannot be read: {e}") })?;
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
pub(crate) fn tls_config(extra: Option<&CaBundle>) -> Result<Arc<rustls::ClientConfig>, TransportError> {
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(bundle) = extra {
        for cert in bundle.certificates() {
            roots.add(cert.clone()).map_err(|e| {
                TransportError::new(TransportErrorKind::Connect, format!("TLS setup: CA bundle `{}`: {e}", bundle.source()))
            })?;
        }
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::new(TransportErrorKind::Connect, format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The TLS server name of `host`.
pub(crate) fn server_name(host: &str) -> Result<rustls::pki_types::ServerName<'static>, TransportError> {
    rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| TransportError::new(TransportErrorKind::InvalidRequest, format!("`{host}` is not a valid TLS server name: {e}")))
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

    #[test]
    fn bundles_hold_one_or_more_certificates() {
        let two = format!("# corporate roots\n{}\n{}", ca_pem(), ca_pem());
        let env = MemoryEnv::new().with_file("/etc/ca.pem", two.clone());
        let bundle = CaBundle::load(&env, Path::new("/etc/ca.pem")).unwrap();
        assert_eq!(bundle.certificates().len(), 2);
        assert_eq!(format!("{bundle:?}"), "CaBundle { source: \"/etc/ca.pem\", certificates: 2 }");
        assert!(tls_config(Some(&bundle)).is_ok());
    }

    #[test]
    fn unusable_bundles_are_errors_naming_the_file() {
        let env = MemoryEnv::new()
            .with_file("/empty.pem", "")
            .with_file("/key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .with_file("/broken.pem", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
            .with_file("/garbage.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        for (path, why) in [
            ("/missing.pem", "cannot be read"),
            ("/empty.pem", "no PEM certificate"),
            ("/key.pem", "no PEM certificate"),
            ("/broken.pem", "PEM block 1 cannot be read"),
            ("/garbage.pem", "certificate 1 is not a usable certificate authority"),
        ] {
            let e = CaBundle::load(&env, Path::new(path)).unwrap_err().to_string();
            assert!(e.starts_with(&format!("CA bundle `{path}`: ")) && e.contains(why), "{path}: {e}");
        }
    }
}
