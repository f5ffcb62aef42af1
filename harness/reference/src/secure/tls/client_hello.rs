//! Just enough of the TLS wire format to read what a ClientHello offers and to answer it with a
//! ServerHello, for protocol versions and suites that rustls will not speak.
//!
//! These two functions follow the contract of `assure-tlsprobe`'s `parse_client_hello` and
//! `server_hello` (the prober's side of the same exchange).

use rustls::ProtocolVersion;

/// Record content type of a handshake.
const HANDSHAKE: u8 = 22;
/// Handshake message types.
const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
/// The `supported_versions` extension (TLS 1.3).
const SUPPORTED_VERSIONS: u16 = 43;

/// What a ClientHello offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHelloSummary {
    /// The highest version offered: from `supported_versions` if present, else the hello's
    /// legacy version field.
    pub max_version: ProtocolVersion,
    /// The cipher suites offered, in the client's order.
    pub suites: Vec<u16>,
}

/// Reads the ClientHello in a TLS record (header included). `None` for anything else or a
/// truncated message; never panics.
pub fn parse_client_hello(record: &[u8]) -> Option<ClientHelloSummary> {
    let mut reader = Reader(record);
    if reader.u8()? != HANDSHAKE {
        return None;
    }
    reader.take(2)?;
    let mut message = Reader(reader.prefixed(2)?);
    if message.u8()? != CLIENT_HELLO {
        return None;
    }
    let mut hello = Reader(message.prefixed(3)?);
    let legacy_version = hello.u16()?;
    hello.take(32)?;
    hello.prefixed(1)?;
    let mut suite_bytes = Reader(hello.prefixed(2)?);
    let mut suites = Vec::new();
    while let Some(suite) = suite_bytes.u16() {
        suites.push(suite);
    }
    hello.prefixed(1)?;
    let mut max_version = legacy_version;
    if !hello.0.is_empty() {
        let mut extensions = Reader(hello.prefixed(2)?);
        while let Some(kind) = extensions.u16() {
            let mut data = Reader(extensions.prefixed(2)?);
            if kind == SUPPORTED_VERSIONS {
                let mut versions = Reader(data.prefixed(1)?);
                max_version = std::iter::from_fn(|| versions.u16())
                    .filter(|version| !is_grease(*version))
                    .max()
                    .unwrap_or(legacy_version);
            }
        }
    }
    Some(ClientHelloSummary {
        max_version: ProtocolVersion::from(max_version),
        suites,
    })
}

/// A handshake record holding a ServerHello that picks `version` and `suite` (empty session
/// id, no compression, no extensions): what a prober reads as the server accepting them.
pub fn server_hello(version: ProtocolVersion, suite: u16) -> Vec<u8> {
    let version = u16::from(version).to_be_bytes();
    let mut body = Vec::with_capacity(38);
    body.extend_from_slice(&version);
    body.extend(
        std::iter::successors(Some(0x5au8), |byte| {
            Some(byte.wrapping_mul(31).wrapping_add(7))
        })
        .take(32),
    );
    body.push(0);
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0);
    let body_length = u32::try_from(body.len()).unwrap_or_default().to_be_bytes();
    let mut message = vec![SERVER_HELLO];
    message.extend_from_slice(&body_length[1..]);
    message.extend_from_slice(&body);
    let message_length = u16::try_from(message.len())
        .unwrap_or_default()
        .to_be_bytes();
    let mut record = vec![HANDSHAKE];
    record.extend_from_slice(&version);
    record.extend_from_slice(&message_length);
    record.extend_from_slice(&message);
    record
}

/// GREASE values (RFC 8701) look like versions and suites but mean nothing.
pub fn is_grease(value: u16) -> bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

/// A cursor over bytes whose reads fail, rather than panic, past the end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        if count > self.0.len() {
            return None;
        }
        let (head, tail) = self.0.split_at(count);
        self.0 = tail;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|bytes| bytes[0])
    }

    /// A vector whose big-endian length takes the first `width` bytes.
    fn prefixed(&mut self, width: usize) -> Option<&'a [u8]> {
        let length = self
            .take(width)?
            .iter()
            .fold(0usize, |length, byte| length << 8 | usize::from(*byte));
        self.take(length)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2)
            .map(|bytes| u16::from_be_bytes([bytes[0], bytes[1]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ClientHello record for `version` offering `suites`, with the given extensions.
    fn hello(version: u16, suites: &[u16], extensions: &[u8]) -> Vec<u8> {
        let mut body = version.to_be_bytes().to_vec();
        body.extend_from_slice(&[7; 32]);
        body.push(0);
        body.extend_from_slice(&u16::try_from(suites.len() * 2).unwrap().to_be_bytes());
        for suite in suites {
            body.extend_from_slice(&suite.to_be_bytes());
        }
        body.extend_from_slice(&[1, 0]);
        if !extensions.is_empty() {
            body.extend_from_slice(&u16::try_from(extensions.len()).unwrap().to_be_bytes());
            body.extend_from_slice(extensions);
        }
        let mut message = vec![CLIENT_HELLO, 0];
        message.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
        message.extend_from_slice(&body);
        let mut record = vec![HANDSHAKE, 3, 1];
        record.extend_from_slice(&u16::try_from(message.len()).unwrap().to_be_bytes());
        record.extend_from_slice(&message);
        record
    }

    #[test]
    fn reads_legacy_version_and_suites() {
        let summary = parse_client_hello(&hello(0x0301, &[0x000a, 0x002f], &[])).unwrap();
        assert_eq!(summary.max_version, ProtocolVersion::TLSv1_0);
        assert_eq!(summary.suites, vec![0x000a, 0x002f]);
    }

    #[test]
    fn supported_versions_wins_and_grease_is_skipped() {
        let extension = [0, 43, 0, 7, 6, 0x7a, 0x7a, 3, 4, 3, 3];
        let summary = parse_client_hello(&hello(0x0303, &[0x1301], &extension)).unwrap();
        assert_eq!(summary.max_version, ProtocolVersion::TLSv1_3);
    }

    #[test]
    fn truncated_or_foreign_bytes_are_none() {
        let record = hello(0x0301, &[0x000a], &[]);
        for cut in 0..record.len() {
            assert_eq!(parse_client_hello(&record[..cut]), None, "cut at {cut}");
        }
        assert_eq!(parse_client_hello(b"GET / HTTP/1.1\r\n\r\n"), None);
    }

    #[test]
    fn server_hello_names_version_and_suite() {
        let record = server_hello(ProtocolVersion::TLSv1_0, 0x000a);
        assert_eq!(&record[..3], &[HANDSHAKE, 3, 1]);
        assert_eq!(
            usize::from(u16::from_be_bytes([record[3], record[4]])),
            record.len() - 5
        );
        assert_eq!(record[5], SERVER_HELLO);
        assert_eq!(&record[9..11], &[3, 1]);
        assert_eq!(&record[44..46], &[0, 0x0a]);
    }
}
