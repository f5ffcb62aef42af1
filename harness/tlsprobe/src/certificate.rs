//! What an X.509 certificate says: names, validity and key.

use std::net::IpAddr;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use x509_parser::prelude::{GeneralName, X509Certificate, parse_x509_certificate};

use crate::key::{KeyInfo, key_info};

/// The facts of one certificate that a report shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateInfo {
    /// The subject's distinguished name, e.g. `CN=example.org, O=Example`.
    pub subject: String,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// The subject alternative names: DNS names and IP addresses as such, e-mail addresses
    /// as `email:…` and URIs as `URI:…`.
    pub subject_alt_names: Vec<String>,
    /// The public key.
    pub key: KeyInfo,
}

/// Reads the DER certificate `der`; the error says why it is not one.
pub fn certificate_info(der: &[u8]) -> Result<CertificateInfo, String> {
    let certificate = parse(der)?;
    let validity = certificate.validity();
    let subject_alt_names = match certificate.subject_alternative_name() {
        Ok(Some(names)) => names
            .value
            .general_names
            .iter()
            .filter_map(name_text)
            .collect(),
        Ok(None) => Vec::new(),
        Err(error) => return Err(format!("unreadable subject alternative names: {error}")),
    };
    Ok(CertificateInfo {
        subject: certificate.subject().to_string(),
        issuer: certificate.issuer().to_string(),
        not_before: rfc3339(validity.not_before.to_datetime()),
        not_after: rfc3339(validity.not_after.to_datetime()),
        subject_alt_names,
        key: key_info(certificate.public_key()),
    })
}

/// The validity period of the DER certificate `der`, start and end.
pub(crate) fn validity(der: &[u8]) -> Result<(OffsetDateTime, OffsetDateTime), String> {
    let certificate = parse(der)?;
    let validity = certificate.validity();
    Ok((
        validity.not_before.to_datetime(),
        validity.not_after.to_datetime(),
    ))
}

/// The subject of the DER certificate `der`, for messages; a placeholder when unreadable.
pub(crate) fn subject(der: &[u8]) -> String {
    parse(der).map_or_else(
        |_| "an unreadable certificate".to_owned(),
        |certificate| certificate.subject().to_string(),
    )
}

/// A time as RFC 3339 text.
pub(crate) fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_else(|_| time.to_string())
}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, String> {
    parse_x509_certificate(der)
        .map(|(_, certificate)| certificate)
        .map_err(|error| format!("not an X.509 certificate: {error}"))
}

fn name_text(name: &GeneralName<'_>) -> Option<String> {
    match name {
        GeneralName::DNSName(name) => Some((*name).to_owned()),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => <[u8; 4]>::try_from(*bytes)
                .ok()
                .map(|octets| IpAddr::from(octets).to_string()),
            16 => <[u8; 16]>::try_from(*bytes)
                .ok()
                .map(|octets| IpAddr::from(octets).to_string()),
            _ => None,
        },
        GeneralName::RFC822Name(address) => Some(format!("email:{address}")),
        GeneralName::URI(uri) => Some(format!("URI:{uri}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_certificate() {
        assert!(
            certificate_info(b"not DER")
                .unwrap_err()
                .starts_with("not an X.509 certificate")
        );
        assert!(validity(&[0x30, 0x03, 0x02, 0x01]).is_err());
        assert_eq!(subject(&[]), "an unreadable certificate");
    }
}
