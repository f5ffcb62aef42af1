//! The rustls configuration of a secure server: TLS 1.2 and 1.3 only, the generated server
//! certificate, and the client-certificate check that mutual TLS asks for.

use std::sync::Arc;

use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::ClientCertVerifier;
use rustls::version::{TLS12, TLS13};
use rustls::{RootCertStore, ServerConfig};

use super::any_client_cert::AnyClientCert;
use super::certificates::Certificates;
use crate::defect::Defect;
use crate::state::ServerState;

/// The server configuration for `certificates`. With `mutual_tls` a client certificate from
/// the test CA is required, unless `mutual-tls-not-enforced` (none needed) or
/// `mutual-tls-any-ca` (any CA will do) is on.
pub fn server_config(
    certificates: &Certificates,
    mutual_tls: bool,
    state: &ServerState,
) -> anyhow::Result<Arc<ServerConfig>> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let versions: &[&rustls::SupportedProtocolVersion] = if state.has(Defect::Tls12Refused) {
        &[&TLS13]
    } else {
        &[&TLS13, &TLS12]
    };
    let builder =
        ServerConfig::builder_with_provider(provider.clone()).with_protocol_versions(versions)?;
    let builder = if mutual_tls {
        let verifier: Arc<dyn ClientCertVerifier> = if state.has(Defect::MutualTlsAnyCa) {
            Arc::new(AnyClientCert::new(provider.clone()))
        } else {
            let mut roots = RootCertStore::empty();
            roots.add(certificates.ca_cert.clone())?;
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            if state.has(Defect::MutualTlsNotEnforced) {
                verifier.allow_unauthenticated().build()?
            } else {
                verifier.build()?
            }
        };
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let mut config = builder.with_single_cert(
        vec![certificates.server_cert.clone()],
        certificates.server_key.clone_key(),
    )?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
