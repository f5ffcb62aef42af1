//! What the client brings to TLS besides the platform's trust store: extra trust anchors (the
//! target's private CA) and a client identity for mutual TLS. Kept after the client is built so
//! that the TLS probes can use the same material.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::error::ClientError;

/// Trust anchors added to the platform's, and an optional client identity. Cheap to clone.
/// Its `Debug` output shows counts, never the key.
#[derive(Clone, Default)]
pub struct TlsMaterial {
    roots: Vec<CertificateDer<'static>>,
    identity: Option<Arc<ClientIdentity>>,
}

/// A certificate chain and its private key, as parsed and as PEM text (which is what the HTTP
/// stack takes; the key's is what is redacted).
struct ClientIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    cert_pem: String,
    key_pem: String,
}

impl TlsMaterial {
    /// Material read from PEM files: `ca` holds one or more trust anchors; `identity` is a
    /// certificate (chain) file and its private key file. Errors name the file.
    pub fn from_files(
        ca: Option<&Path>,
        identity: Option<(&Path, &Path)>,
    ) -> Result<TlsMaterial, ClientError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|e| ClientError::Tls {
                origin: path.display().to_string(),
                reason: e.to_string(),
            })
        };
        let name = |path: &Path| path.display().to_string();
        Ok(TlsMaterial {
            roots: match ca {
                Some(path) => certificates(&read(path)?, &name(path))?,
                None => Vec::new(),
            },
            identity: match identity {
                Some((cert, key)) => Some(Arc::new(ClientIdentity::parse(
                    &read(cert)?,
                    &name(cert),
                    &read(key)?,
                    &name(key),
                )?)),
                None => None,
            },
        })
    }

    /// Material from PEM text (e.g. credentials a test server generated): `ca` holds trust
    /// anchors; `identity` is a certificate (chain) and its private key.
    pub fn from_pem(
        ca: Option<&str>,
        identity: Option<(&str, &str)>,
    ) -> Result<TlsMaterial, ClientError> {
        Ok(TlsMaterial {
            roots: match ca {
                Some(pem) => certificates(pem, "the CA certificate")?,
                None => Vec::new(),
            },
            identity: match identity {
                Some((cert, key)) => Some(Arc::new(ClientIdentity::parse(
                    cert,
                    "the client certificate",
                    key,
                    "the client key",
                )?)),
                None => None,
            },
        })
    }

    /// The trust anchors added to the platform's (empty: the platform's alone).
    pub fn roots(&self) -> &[CertificateDer<'static>] {
        &self.roots
    }

    /// The client certificate chain and private key for mutual TLS, if configured.
    pub fn identity(&self) -> Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
        self.identity
            .as_ref()
            .map(|identity| (identity.chain.clone(), identity.key.clone_key()))
    }

    /// The private key's PEM text, which must never be recorded.
    pub(super) fn secret_pem(&self) -> Option<&str> {
        self.identity
            .as_ref()
            .map(|identity| identity.key_pem.as_str())
    }

    /// `builder` trusting the extra roots and presenting the identity.
    pub(super) fn apply(
        &self,
        mut builder: reqwest::ClientBuilder,
    ) -> Result<reqwest::ClientBuilder, ClientError> {
        let mut roots = Vec::new();
        for root in &self.roots {
            roots.push(
                reqwest::Certificate::from_der(root).map_err(|e| ClientError::Tls {
                    origin: "the CA certificate".into(),
                    reason: e.to_string(),
                })?,
            );
        }
        if !roots.is_empty() {
            builder = builder.tls_certs_merge(roots);
        }
        if let Some(identity) = &self.identity {
            let pem = format!(
                "{}\n{}\n",
                identity.cert_pem.trim_end(),
                identity.key_pem.trim()
            );
            let identity =
                reqwest::Identity::from_pem(pem.as_bytes()).map_err(|e| ClientError::Tls {
                    origin: "the client certificate and key".into(),
                    reason: e.to_string(),
                })?;
            builder = builder.identity(identity);
        }
        Ok(builder)
    }
}

impl ClientIdentity {
    fn parse(
        cert_pem: &str,
        cert_source: &str,
        key_pem: &str,
        key_source: &str,
    ) -> Result<ClientIdentity, ClientError> {
        let chain = certificates(cert_pem, cert_source)?;
        let key =
            PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| ClientError::Tls {
                origin: key_source.to_string(),
                reason: format!("no PEM private key (PKCS#8, PKCS#1 or SEC1): {e}"),
            })?;
        Ok(ClientIdentity {
            chain,
            key,
            cert_pem: cert_pem.to_string(),
            key_pem: key_pem.to_string(),
        })
    }
}

/// Every certificate in `pem`; at least one.
fn certificates(pem: &str, source: &str) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    let certificates = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ClientError::Tls {
            origin: source.to_string(),
            reason: format!("invalid PEM: {e}"),
        })?;
    if certificates.is_empty() {
        return Err(ClientError::Tls {
            origin: source.to_string(),
            reason: "holds no PEM certificate".into(),
        });
    }
    Ok(certificates)
}

impl fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("roots", &self.roots.len())
            .field(
                "identity",
                &self.identity.as_ref().map(|identity| identity.chain.len()),
            )
            .finish()
    }
}
