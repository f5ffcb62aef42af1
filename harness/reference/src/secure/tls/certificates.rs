//! The certificates generated at each secure start: a test CA, the server's certificate
//! (P-256, for `127.0.0.1` and `localhost`) and a client certificate for mutual TLS.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

use super::credentials::TlsCredentials;
use crate::defect::Defect;
use crate::state::ServerState;

/// The names the server certificate is valid for.
const SERVER_NAMES: &[&str] = &["127.0.0.1", "localhost"];

/// The only name of the server certificate with `wrong-host-certificate`.
const WRONG_HOST: &str = "wrong.example";

/// A secure server's certificates and keys.
pub struct Certificates {
    /// The server's certificate (the CA is the trust anchor, so the chain is the leaf alone).
    pub server_cert: CertificateDer<'static>,
    /// The server certificate's key.
    pub server_key: PrivateKeyDer<'static>,
    /// The test CA's certificate, trusted for client certificates.
    pub ca_cert: CertificateDer<'static>,
    /// The CA and client identity as PEM, for clients.
    pub credentials: TlsCredentials,
}

impl Certificates {
    /// Generates fresh keys and certificates. The server certificate follows the defects
    /// `expired-certificate`, `wrong-host-certificate` and `untrusted-certificate` of `state`.
    pub fn generate(state: &ServerState) -> anyhow::Result<Self> {
        let now = OffsetDateTime::now_utc();
        let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.distinguished_name = distinguished_name("assure test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca_params.not_before = now - Duration::hours(1);
        ca_params.not_after = now + Duration::days(365);
        let ca_cert = ca_params.self_signed(&ca_key)?;
        let ca = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let names: Vec<String> = if state.has(Defect::WrongHostCertificate) {
            vec![WRONG_HOST.to_owned()]
        } else {
            SERVER_NAMES.iter().map(|name| (*name).to_owned()).collect()
        };
        let mut server_params = CertificateParams::new(names)?;
        server_params.distinguished_name = distinguished_name("assure reference server");
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        (server_params.not_before, server_params.not_after) =
            if state.has(Defect::ExpiredCertificate) {
                (now - Duration::days(30), now - Duration::days(1))
            } else {
                (now - Duration::hours(1), now + Duration::days(30))
            };
        let server_cert = if state.has(Defect::UntrustedCertificate) {
            server_params.self_signed(&server_key)?
        } else {
            server_params.signed_by(&server_key, &ca)?
        };

        let client_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let mut client_params = CertificateParams::new(Vec::<String>::new())?;
        client_params.distinguished_name = distinguished_name("assure client");
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        client_params.not_before = now - Duration::hours(1);
        client_params.not_after = now + Duration::days(30);
        let client_cert = client_params.signed_by(&client_key, &ca)?;

        Ok(Self {
            credentials: TlsCredentials {
                ca_cert_pem: ca_cert.pem(),
                client_cert_pem: client_cert.pem(),
                client_key_pem: client_key.serialize_pem(),
            },
            server_cert: server_cert.der().clone(),
            server_key: PrivatePkcs8KeyDer::from(server_key.serialize_der()).into(),
            ca_cert: ca_cert.der().clone(),
        })
    }
}

fn distinguished_name(common_name: &str) -> rcgen::DistinguishedName {
    let mut name = rcgen::DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name
}
