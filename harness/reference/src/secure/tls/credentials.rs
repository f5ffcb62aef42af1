//! What a client needs to talk to a secure server: the CA to trust and a client identity.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::secure::private_file::write_private;

/// The test CA and the mutual-TLS client identity of a secure server, as PEM.
#[derive(Clone, PartialEq, Eq)]
pub struct TlsCredentials {
    /// The test CA's certificate: the root that the server certificate chains to.
    pub ca_cert_pem: String,
    /// A client certificate issued by the test CA, for mutual TLS.
    pub client_cert_pem: String,
    /// The client certificate's private key (PKCS#8).
    pub client_key_pem: String,
}

/// Where [`TlsCredentials::write_to`] put each file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsCredentialFiles {
    /// `ca-cert.pem`.
    pub ca_cert: PathBuf,
    /// `client-cert.pem`.
    pub client_cert: PathBuf,
    /// `client-key.pem` (readable by its owner only, on Unix).
    pub client_key: PathBuf,
}

impl TlsCredentials {
    /// Writes `ca-cert.pem`, `client-cert.pem` and `client-key.pem` into `dir`, creating it if
    /// needed and replacing files of those names.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<TlsCredentialFiles> {
        std::fs::create_dir_all(dir)?;
        let files = TlsCredentialFiles {
            ca_cert: dir.join("ca-cert.pem"),
            client_cert: dir.join("client-cert.pem"),
            client_key: dir.join("client-key.pem"),
        };
        std::fs::write(&files.ca_cert, &self.ca_cert_pem)?;
        std::fs::write(&files.client_cert, &self.client_cert_pem)?;
        write_private(&files.client_key, &self.client_key_pem)?;
        Ok(files)
    }
}

impl fmt::Debug for TlsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsCredentials")
            .field("ca_cert_pem", &self.ca_cert_pem)
            .field("client_cert_pem", &self.client_cert_pem)
            .field("client_key_pem", &"<redacted>")
            .finish()
    }
}
