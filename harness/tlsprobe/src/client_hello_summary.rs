//! Reading what a client's ClientHello offers, for a server that answers it by hand.

use crate::client_hello::CLIENT_HELLO;
use crate::extension::{SUPPORTED_VERSIONS, extensions};
use crate::record::{HANDSHAKE, first_record};
use crate::version::ProtocolVersion;
use crate::wire::Reader;

/// What a ClientHello offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHelloSummary {
    /// The highest version offered: the newest known one in the supported_versions extension
    /// when the hello has one, otherwise the hello's own (legacy) version.
    pub max_version: ProtocolVersion,
    /// The cipher suites offered, in the client's order (signalling values included).
    pub suites: Vec<u16>,
}

/// Reads the ClientHello at the start of `first_record`, the first record a client sent.
///
/// Tolerant of a hello cut short after its suite list (extensions are read as far as they
/// go); `None` when the bytes are not a TLS handshake record starting a ClientHello with a
/// complete suite list and a known version. Never panics, whatever the bytes.
pub fn parse_client_hello(first_record_bytes: &[u8]) -> Option<ClientHelloSummary> {
    let (content_type, _, fragment) = first_record(first_record_bytes)?;
    if content_type != HANDSHAKE {
        return None;
    }
    let mut reader = Reader::new(fragment);
    if reader.u8()? != CLIENT_HELLO {
        return None;
    }
    reader.u24()?;
    let legacy_version = reader.u16()?;
    reader.take(32)?;
    reader.vec8()?;
    let suites = reader
        .vec16()?
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect();
    let offered_versions = reader.vec8().and_then(|_| {
        let length = reader.u16()?;
        extensions(reader.take_up_to(usize::from(length)))
            .find(|(kind, _)| *kind == SUPPORTED_VERSIONS)
            .map(|(_, data)| newest_listed(data))
    });
    let max_version = match offered_versions {
        Some(Some(version)) => version,
        _ => ProtocolVersion::from_wire(legacy_version)?,
    };
    Some(ClientHelloSummary {
        max_version,
        suites,
    })
}

/// The newest known version in a supported_versions list (GREASE and unknown values skipped).
fn newest_listed(data: &[u8]) -> Option<ProtocolVersion> {
    let mut reader = Reader::new(data);
    reader
        .vec8()?
        .chunks_exact(2)
        .filter_map(|pair| ProtocolVersion::from_wire(u16::from_be_bytes([pair[0], pair[1]])))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client_hello::client_hello;

    #[test]
    fn reads_the_hellos_the_prober_writes() {
        for version in ProtocolVersion::ALL {
            let hello = client_hello(version, &[0xC02F, 0x000A], "example.org");
            let summary = parse_client_hello(&hello).unwrap();
            assert_eq!(summary.max_version, version);
            assert_eq!(summary.suites, [0xC02F, 0x000A]);
        }
    }

    #[test]
    fn never_panics_on_cut_or_damaged_hellos() {
        let hello = client_hello(ProtocolVersion::Tls13, &[0x1301, 0x1302], "example.org");
        for end in 0..hello.len() {
            let summary = parse_client_hello(&hello[..end]);
            if let Some(summary) = summary {
                assert_eq!(summary.suites, [0x1301, 0x1302]);
            }
        }
        for position in 0..hello.len() {
            for value in [0x00, 0x7F, 0xFF] {
                let mut damaged = hello.clone();
                damaged[position] = value;
                let _ = parse_client_hello(&damaged);
            }
        }
        assert_eq!(parse_client_hello(b""), None);
        assert_eq!(parse_client_hello(b"GET / HTTP/1.1\r\n\r\n"), None);
        assert_eq!(parse_client_hello(&[0x16, 3, 1, 0xFF, 0xFF, 1]), None);
    }

    #[test]
    fn a_hello_cut_in_its_extensions_falls_back_to_its_own_version() {
        let hello = client_hello(ProtocolVersion::Tls11, &[0x002F], "example.org");
        let suites_end = 5 + 4 + 2 + 32 + 1 + 2 + 2;
        let summary = parse_client_hello(&hello[..suites_end]).unwrap();
        assert_eq!(summary.max_version, ProtocolVersion::Tls11);
        assert_eq!(summary.suites, [0x002F]);
    }
}
