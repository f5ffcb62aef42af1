//! The `legacy-tls-accepted` and `weak-cipher-accepted` defects: before rustls sees a
//! connection, its ClientHello is peeked at, and one that rustls would refuse is answered with
//! a ServerHello instead, so that a prober sees the server accept.

use std::time::Duration;

use assure_tlsprobe::{ClientHelloSummary, ProtocolVersion, parse_client_hello, server_hello};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep};

use crate::defect::Defect;
use crate::state::ServerState;

/// How long to wait for a whole first record.
const PEEK_TIMEOUT: Duration = Duration::from_secs(5);

/// A record header and the largest record body TLS allows.
const MAX_RECORD: usize = 5 + (1 << 14) + 2048;

/// Signalling values that are listed as suites but are none: renegotiation info, fallback.
const SIGNALLING_SUITES: &[u16] = &[0x00ff, 0x5600];

/// Which refused ClientHellos get a ServerHello anyway.
#[derive(Debug, Clone)]
pub struct LegacyResponder {
    /// Answer hellos whose highest version is below TLS 1.2 (`legacy-tls-accepted`).
    legacy_versions: bool,
    /// Answer TLS 1.2 hellos offering no suite of `supported` (`weak-cipher-accepted`).
    weak_suites: bool,
    /// The suites the server really speaks.
    supported: Vec<u16>,
}

impl LegacyResponder {
    /// The responder for `state`'s defects; it does nothing when neither is on.
    pub fn new(state: &ServerState) -> Self {
        Self {
            legacy_versions: state.has(Defect::LegacyTlsAccepted),
            weak_suites: state.has(Defect::WeakCipherAccepted),
            supported: rustls::crypto::aws_lc_rs::default_provider()
                .cipher_suites
                .iter()
                .map(|suite| u16::from(suite.suite()))
                .collect(),
        }
    }

    /// With a defect on, peeks at the connection's first record; when the defect claims it,
    /// writes the ServerHello, closes the connection and returns `true`. Otherwise the stream
    /// is left untouched for the real handshake.
    pub async fn answer(&self, stream: &mut TcpStream) -> bool {
        if !self.legacy_versions && !self.weak_suites {
            return false;
        }
        let Some(reply) = peek_first_record(stream)
            .await
            .as_deref()
            .and_then(parse_client_hello)
            .and_then(|hello| self.reply_to(&hello))
        else {
            return false;
        };
        // The prober may already have gone; nothing is owed to it then.
        let _ = stream.write_all(&reply).await;
        let _ = stream.shutdown().await;
        true
    }

    fn reply_to(&self, hello: &ClientHelloSummary) -> Option<Vec<u8>> {
        let version = hello.max_version;
        let tls12 = ProtocolVersion::Tls12;
        let first = hello
            .suites
            .iter()
            .copied()
            .find(|suite| !is_grease(*suite) && !SIGNALLING_SUITES.contains(suite))?;
        if self.legacy_versions && version < tls12 {
            return Some(server_hello(hello.max_version, first));
        }
        let none_supported = !hello
            .suites
            .iter()
            .any(|suite| self.supported.contains(suite));
        (self.weak_suites && version == tls12 && none_supported)
            .then(|| server_hello(ProtocolVersion::Tls12, first))
    }
}

/// GREASE values (RFC 8701) look like versions and suites but mean nothing.
fn is_grease(value: u16) -> bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

/// The first TLS record on `stream`, read without consuming it; `None` if the peer sends
/// something else, closes, or is too slow.
async fn peek_first_record(stream: &TcpStream) -> Option<Vec<u8>> {
    let deadline = Instant::now() + PEEK_TIMEOUT;
    let mut buffer = vec![0u8; MAX_RECORD];
    loop {
        let read = tokio::time::timeout_at(deadline, stream.peek(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if read == 0 {
            return None;
        }
        if read >= 5 {
            let wanted = 5 + usize::from(u16::from_be_bytes([buffer[3], buffer[4]]));
            if wanted > MAX_RECORD {
                return None;
            }
            if read >= wanted {
                buffer.truncate(wanted);
                return Some(buffer);
            }
        }
        if Instant::now() >= deadline {
            return None;
        }
        // Peeking again at once would see the same bytes: give the rest time to arrive.
        sleep(Duration::from_millis(5)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn responder(legacy_versions: bool, weak_suites: bool) -> LegacyResponder {
        LegacyResponder {
            legacy_versions,
            weak_suites,
            supported: vec![0x1301, 0xc02b],
        }
    }

    fn hello(version: ProtocolVersion, suites: &[u16]) -> ClientHelloSummary {
        ClientHelloSummary {
            max_version: version,
            suites: suites.to_vec(),
        }
    }

    /// The record version and the suite of a ServerHello written for TLS 1.2 or older (no
    /// session id): record header 5 bytes, handshake header 4, version 2, random 32, session
    /// id length 1, then the suite.
    fn chosen(reply: &[u8]) -> (u16, u16) {
        let pair = |at: usize| u16::from_be_bytes([reply[at], reply[at + 1]]);
        (pair(1), pair(44))
    }

    #[test]
    fn legacy_versions_get_their_first_real_suite() {
        let reply = responder(true, false)
            .reply_to(&hello(
                ProtocolVersion::Tls10,
                &[0x00ff, 0x0a0a, 0x002f, 0x000a],
            ))
            .unwrap();
        assert_eq!(chosen(&reply), (0x0301, 0x002f));
        assert_eq!(
            responder(false, true).reply_to(&hello(ProtocolVersion::Tls11, &[0x002f])),
            None
        );
    }

    #[test]
    fn weak_suites_only_when_nothing_supported_is_offered() {
        let weak = responder(false, true);
        assert!(
            weak.reply_to(&hello(ProtocolVersion::Tls12, &[0x0005]))
                .is_some()
        );
        assert_eq!(
            weak.reply_to(&hello(ProtocolVersion::Tls12, &[0x0005, 0xc02b])),
            None
        );
        assert_eq!(
            weak.reply_to(&hello(ProtocolVersion::Tls13, &[0x0005])),
            None
        );
    }
}
