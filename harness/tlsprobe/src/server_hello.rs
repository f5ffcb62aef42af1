//! The ServerHello: writing one by hand and reading the one a server answers with.

use crate::extension::{KEY_SHARE, SUPPORTED_VERSIONS, X25519, extensions, put_extension};
use crate::random::random_bytes;
use crate::record::{HANDSHAKE, record};
use crate::version::ProtocolVersion;
use crate::wire::{Reader, put_vec8, put_vec16, put_vec24};

/// Handshake message type of a ServerHello.
pub(crate) const SERVER_HELLO: u8 = 2;

/// A handshake record holding a ServerHello that agrees to `version` and `suite`: what a
/// server that accepts an offer answers first.
///
/// Up to TLS 1.2 the record and hello carry `version` and no extensions. For TLS 1.3 they
/// carry TLS 1.2 and the hello has a supported_versions extension selecting TLS 1.3 and an
/// x25519 key share. The hello is enough for a prober to see acceptance; no handshake can
/// be completed after it.
pub fn server_hello(version: ProtocolVersion, suite: u16) -> Vec<u8> {
    let legacy_version = version.min(ProtocolVersion::Tls12).wire();
    let mut body = Vec::new();
    body.extend_from_slice(&legacy_version.to_be_bytes());
    body.extend_from_slice(&random_bytes::<32>());
    put_vec8(&mut body, &[]);
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0);
    if version == ProtocolVersion::Tls13 {
        let mut extensions = Vec::new();
        put_extension(
            &mut extensions,
            SUPPORTED_VERSIONS,
            &ProtocolVersion::Tls13.wire().to_be_bytes(),
        );
        let mut share = X25519.to_be_bytes().to_vec();
        put_vec16(&mut share, &random_bytes::<32>());
        put_extension(&mut extensions, KEY_SHARE, &share);
        put_vec16(&mut body, &extensions);
    }
    let mut message = vec![SERVER_HELLO];
    put_vec24(&mut message, &body);
    record(HANDSHAKE, legacy_version, &message)
}

/// What a server's ServerHello agreed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ServerHelloSummary {
    /// The negotiated version's wire number: the supported_versions extension's when present,
    /// otherwise the hello's own version.
    pub(crate) version: u16,
    /// The chosen cipher suite.
    pub(crate) suite: u16,
}

/// Reads a ServerHello (or HelloRetryRequest, which has the same shape) from the body of its
/// handshake message. `None` when the body is malformed.
pub(crate) fn parse_server_hello(body: &[u8]) -> Option<ServerHelloSummary> {
    let mut reader = Reader::new(body);
    let legacy_version = reader.u16()?;
    reader.take(32)?;
    reader.vec8()?;
    let suite = reader.u16()?;
    reader.u8()?;
    let mut version = legacy_version;
    if !reader.is_empty() {
        let block = reader.vec16()?;
        if let Some((_, data)) = extensions(block).find(|(kind, _)| *kind == SUPPORTED_VERSIONS) {
            version = Reader::new(data).u16()?;
        }
    }
    Some(ServerHelloSummary { version, suite })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(record: &[u8]) -> &[u8] {
        assert_eq!(record[0], HANDSHAKE);
        assert_eq!(record[5], SERVER_HELLO);
        &record[9..]
    }

    #[test]
    fn reads_what_it_writes() {
        for version in ProtocolVersion::ALL {
            let hello = server_hello(version, 0xC02F);
            let summary = parse_server_hello(body_of(&hello)).unwrap();
            assert_eq!(summary.version, version.wire());
            assert_eq!(summary.suite, 0xC02F);
        }
    }

    #[test]
    fn never_panics_on_cut_hellos() {
        let hello = server_hello(ProtocolVersion::Tls13, 0x1301);
        let body = body_of(&hello);
        for end in 0..body.len() {
            let _ = parse_server_hello(&body[..end]);
        }
    }
}
