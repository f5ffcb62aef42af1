//! The protocol versions a probe can offer.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An SSL/TLS protocol version.
///
/// Ordered from oldest to newest. Displayed and serialised as `SSLv3`, `TLSv1.0`, `TLSv1.1`,
/// `TLSv1.2` and `TLSv1.3` (and read back from those names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ProtocolVersion {
    /// SSL 3.0.
    #[serde(rename = "SSLv3")]
    Ssl3,
    /// TLS 1.0.
    #[serde(rename = "TLSv1.0")]
    Tls10,
    /// TLS 1.1.
    #[serde(rename = "TLSv1.1")]
    Tls11,
    /// TLS 1.2.
    #[serde(rename = "TLSv1.2")]
    Tls12,
    /// TLS 1.3.
    #[serde(rename = "TLSv1.3")]
    Tls13,
}

impl ProtocolVersion {
    /// Every version, oldest first.
    pub const ALL: [ProtocolVersion; 5] = [
        ProtocolVersion::Ssl3,
        ProtocolVersion::Tls10,
        ProtocolVersion::Tls11,
        ProtocolVersion::Tls12,
        ProtocolVersion::Tls13,
    ];

    /// The two-byte version number on the wire (`0x0300` for SSLv3 … `0x0304` for TLS 1.3).
    pub fn wire(self) -> u16 {
        match self {
            ProtocolVersion::Ssl3 => 0x0300,
            ProtocolVersion::Tls10 => 0x0301,
            ProtocolVersion::Tls11 => 0x0302,
            ProtocolVersion::Tls12 => 0x0303,
            ProtocolVersion::Tls13 => 0x0304,
        }
    }

    /// The version with wire number `wire`, if it is one of the five.
    pub fn from_wire(wire: u16) -> Option<ProtocolVersion> {
        ProtocolVersion::ALL.into_iter().find(|v| v.wire() == wire)
    }

    /// The version's usual name, as displayed.
    pub fn name(self) -> &'static str {
        match self {
            ProtocolVersion::Ssl3 => "SSLv3",
            ProtocolVersion::Tls10 => "TLSv1.0",
            ProtocolVersion::Tls11 => "TLSv1.1",
            ProtocolVersion::Tls12 => "TLSv1.2",
            ProtocolVersion::Tls13 => "TLSv1.3",
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_numbers_round_trip() {
        for version in ProtocolVersion::ALL {
            assert_eq!(ProtocolVersion::from_wire(version.wire()), Some(version));
        }
        assert_eq!(ProtocolVersion::from_wire(0x0200), None);
    }

    #[test]
    fn display_and_serde_agree() {
        for version in ProtocolVersion::ALL {
            let json = serde_json::to_string(&version).unwrap();
            assert_eq!(json, format!("\"{version}\""));
        }
    }
}
