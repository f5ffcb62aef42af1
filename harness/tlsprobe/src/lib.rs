//! TLS probes for certifying a server's transport security.
//!
//! [`offer`] sends a hand-built ClientHello offering exactly one protocol version (SSLv3 to
//! TLS 1.3) and a chosen set of cipher suites, and classifies the server's first answer as a
//! [`HandshakeOutcome`]. Hand-built because no maintained TLS library will offer SSLv3,
//! TLS 1.0/1.1 or the weak suites of [`weak_suites`].
//!
//! [`inspect`] completes a real TLS 1.2/1.3 handshake and reports the certificate chain, whether
//! it is trusted, valid for the host name and in date, the key's strength and, when the server
//! asks for a client certificate, whether the one presented (or its absence) was accepted, as
//! an [`Inspection`] whose verdicts are data rather than errors.
//!
//! For servers that answer probes by hand, [`parse_client_hello`] reads what a client offers
//! and [`server_hello`] writes a ServerHello that [`offer`] reads as acceptance.

mod alert;
mod answer;
mod certificate;
mod chain;
mod client_hello;
mod client_hello_summary;
mod extension;
mod inspect;
mod inspection;
mod key;
mod offer;
mod outcome;
mod random;
mod record;
mod recorder;
mod server_hello;
mod suites;
mod verdict;
mod version;
mod wire;

pub use certificate::{CertificateInfo, certificate_info};
pub use client_hello_summary::{ClientHelloSummary, parse_client_hello};
pub use inspect::inspect;
pub use inspection::Inspection;
pub use key::{KeyInfo, key_is_strong};
pub use offer::offer;
pub use outcome::HandshakeOutcome;
pub use server_hello::server_hello;
pub use suites::{
    CipherSuite, cipher_suite, strong_tls12_suites, suite_name, tls13_suites, weak_suites,
};
pub use verdict::Verdict;
pub use version::ProtocolVersion;

/// DER certificates and private keys, as [`inspect`] takes them.
pub use rustls::pki_types;
