//! What came of offering a handshake.

use serde::Serialize;

use crate::version::ProtocolVersion;

/// How a server answered an offer.
///
/// Serialised with a `handshake` tag: `{"handshake":"accepted","version":"TLSv1.0","suite":"…"}`,
/// `{"handshake":"refused","reason":"alert: protocol_version"}`, `{"handshake":"unreachable",…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "handshake", rename_all = "kebab-case")]
pub enum HandshakeOutcome {
    /// The server answered with a ServerHello agreeing to an offered version and suite.
    Accepted {
        /// The version the server agreed to.
        version: ProtocolVersion,
        /// The suite it chose: its IANA name, or `0x....` when unknown.
        suite: String,
    },
    /// The server speaks TLS (or at least took the connection) but did not agree to the offer.
    Refused {
        /// How: `alert: protocol_version`, `alert: handshake_failure`, `connection closed`,
        /// `connection reset`, `no answer within 5s`, or what was wrong with its answer.
        reason: String,
    },
    /// No TLS conversation took place: the connection failed or the server does not speak TLS.
    Unreachable {
        /// Why, e.g. `cannot connect: Connection refused (os error 111)` or
        /// `not TLS: the server answered "HTTP/"`.
        reason: String,
    },
}
