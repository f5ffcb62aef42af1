//! TLS for secure mode: the generated certificates, the rustls configuration, and the HTTPS
//! accept loop (with the legacy-TLS defect responder in front of it).

mod any_client_cert;
mod certificates;
mod config;
mod credentials;
mod https;
mod legacy;

pub(crate) use certificates::Certificates;
pub(crate) use config::server_config;
pub use credentials::{TlsCredentialFiles, TlsCredentials};
pub(crate) use https::serve_https;
pub(crate) use legacy::LegacyResponder;
