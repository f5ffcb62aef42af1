//! Writing a ClientHello that offers exactly one protocol version and a chosen list of suites.

use std::net::IpAddr;

use crate::extension::{self, X25519, put_extension};
use crate::random::random_bytes;
use crate::record::{HANDSHAKE, record};
use crate::version::ProtocolVersion;
use crate::wire::{put_u16_list, put_vec8, put_vec16, put_vec24};

/// Handshake message type of a ClientHello.
pub(crate) const CLIENT_HELLO: u8 = 1;

/// The groups offered: x25519, secp256r1, secp384r1, secp521r1.
const GROUPS: [u16; 4] = [X25519, 0x0017, 0x0018, 0x0019];
/// The signature schemes offered: ECDSA with SHA-2, RSA-PSS, Ed25519, then PKCS#1 v1.5 and the
/// SHA-1 schemes older servers still sign with.
const SIGNATURE_SCHEMES: [u16; 12] = [
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0401, 0x0501, 0x0601, 0x0201, 0x0203,
];

/// A ClientHello record offering exactly `version` and `suites`.
///
/// Up to TLS 1.2 the record and hello carry `version` and there is no supported_versions
/// extension; SSLv3 hellos carry no extensions at all. A TLS 1.3 hello has the legacy version
/// TLS 1.2 (record version TLS 1.0, as clients send), supported_versions listing only TLS 1.3
/// and an x25519 key share. SNI is sent when `server_name` is a DNS name rather than an IP
/// address; signature_algorithms from TLS 1.2 on.
pub(crate) fn client_hello(version: ProtocolVersion, suites: &[u16], server_name: &str) -> Vec<u8> {
    let tls13 = version == ProtocolVersion::Tls13;
    let legacy_version = version.min(ProtocolVersion::Tls12).wire();

    let mut body = Vec::new();
    body.extend_from_slice(&legacy_version.to_be_bytes());
    body.extend_from_slice(&random_bytes::<32>());
    let session_id: &[u8] = if tls13 { &random_bytes::<32>() } else { &[] };
    put_vec8(&mut body, session_id);
    put_u16_list(&mut body, suites);
    put_vec8(&mut body, &[0]);
    if version > ProtocolVersion::Ssl3 {
        put_vec16(&mut body, &extensions(version, server_name));
    }

    let mut message = vec![CLIENT_HELLO];
    put_vec24(&mut message, &body);
    let record_version = if tls13 {
        ProtocolVersion::Tls10.wire()
    } else {
        legacy_version
    };
    record(HANDSHAKE, record_version, &message)
}

fn extensions(version: ProtocolVersion, server_name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    if server_name.parse::<IpAddr>().is_err() && !server_name.is_empty() {
        let mut name = vec![0];
        put_vec16(&mut name, server_name.as_bytes());
        let mut list = Vec::new();
        put_vec16(&mut list, &name);
        put_extension(&mut out, extension::SERVER_NAME, &list);
    }
    let mut groups = Vec::new();
    put_u16_list(&mut groups, &GROUPS);
    put_extension(&mut out, extension::SUPPORTED_GROUPS, &groups);
    let mut formats = Vec::new();
    put_vec8(&mut formats, &[0]);
    put_extension(&mut out, extension::EC_POINT_FORMATS, &formats);
    if version >= ProtocolVersion::Tls12 {
        let mut schemes = Vec::new();
        put_u16_list(&mut schemes, &SIGNATURE_SCHEMES);
        put_extension(&mut out, extension::SIGNATURE_ALGORITHMS, &schemes);
    }
    if version == ProtocolVersion::Tls13 {
        let mut versions = Vec::new();
        put_vec8(&mut versions, &ProtocolVersion::Tls13.wire().to_be_bytes());
        put_extension(&mut out, extension::SUPPORTED_VERSIONS, &versions);
        let mut share = X25519.to_be_bytes().to_vec();
        put_vec16(&mut share, &random_bytes::<32>());
        let mut shares = Vec::new();
        put_vec16(&mut shares, &share);
        put_extension(&mut out, extension::KEY_SHARE, &shares);
    } else {
        put_extension(&mut out, extension::RENEGOTIATION_INFO, &[0]);
    }
    out
}
