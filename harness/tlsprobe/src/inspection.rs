//! The report of a certificate inspection.

use serde::Serialize;

use crate::certificate::CertificateInfo;
use crate::key::KeyInfo;
use crate::verdict::Verdict;
use crate::version::ProtocolVersion;

/// What a full TLS handshake with a server showed: the connection and, as separate verdicts,
/// what its certificate is worth. A bad certificate is reported here, never as an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// Whether the handshake completed and the server answered an HTTP request over it.
    pub connected: bool,
    /// What stopped the connection, e.g. `alert: certificate_required` when the server
    /// refused to go on without a (trusted) client certificate, or `cannot connect: …`.
    pub error: Option<String>,
    /// The negotiated version, once the handshake completed.
    pub version: Option<ProtocolVersion>,
    /// The negotiated cipher suite's name, once the handshake completed.
    pub suite: Option<String>,
    /// Whether the chain leads to one of the given roots. Judged at a time when the chain
    /// is valid, so that an expired certificate shows in `in_date` only.
    pub trusted: Verdict,
    /// Whether the server certificate is valid for the name connected to.
    pub hostname: Verdict,
    /// Whether every presented certificate is valid now.
    pub in_date: Verdict,
    /// The server certificate's key.
    pub key: Option<KeyInfo>,
    /// Whether that key is strong enough (see [`crate::key_is_strong`]).
    pub key_strong: Verdict,
    /// The presented certificates, server certificate first.
    pub chain: Vec<CertificateInfo>,
}
