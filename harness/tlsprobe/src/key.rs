//! A certificate's public key: its algorithm, size and curve, and whether it is strong enough.

use serde::Serialize;
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521,
    OID_PKCS1_RSAENCRYPTION, OID_SIG_ED448, OID_SIG_ED25519,
};
use x509_parser::prelude::SubjectPublicKeyInfo;
use x509_parser::public_key::PublicKey;

use crate::verdict::Verdict;

/// What kind of public key a certificate carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// `RSA`, `EC`, `Ed25519`, `Ed448`, `DSA`, or the algorithm's OID when none of these.
    pub algorithm: String,
    /// The key size in bits: the modulus for RSA, the curve's order size for EC.
    pub bits: u32,
    /// The curve of an EC key: `P-256`, `P-384`, `P-521`, or its OID when another.
    pub curve: Option<String>,
}

/// Whether `key` is strong enough: RSA of at least 2048 bits, EC of at least 256 bits,
/// Ed25519 or Ed448. Anything else fails, saying what the key is.
pub fn key_is_strong(key: &KeyInfo) -> Verdict {
    let strong = match key.algorithm.as_str() {
        "RSA" => key.bits >= 2048,
        "EC" => key.bits >= 256,
        "Ed25519" | "Ed448" => true,
        _ => false,
    };
    if strong {
        return Verdict::pass();
    }
    match (key.algorithm.as_str(), &key.curve) {
        ("RSA", _) => Verdict::fail(format!("RSA key of {} bits, fewer than 2048", key.bits)),
        ("EC", Some(curve)) => Verdict::fail(format!(
            "EC key on {curve} of {} bits, fewer than 256",
            key.bits
        )),
        (algorithm, _) => Verdict::fail(format!(
            "{algorithm} key of {} bits is not an accepted kind (RSA, EC, Ed25519)",
            key.bits
        )),
    }
}

/// Describes the key in `spki`.
pub(crate) fn key_info(spki: &SubjectPublicKeyInfo<'_>) -> KeyInfo {
    let algorithm = &spki.algorithm.algorithm;
    let simple = |name: &str, bits: u32| KeyInfo {
        algorithm: name.to_owned(),
        bits,
        curve: None,
    };
    if *algorithm == OID_PKCS1_RSAENCRYPTION {
        let bits = match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => significant_bits(rsa.modulus),
            _ => 0,
        };
        simple("RSA", bits)
    } else if *algorithm == OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|parameters| parameters.as_oid().ok());
        let named = curve.as_ref().and_then(|oid| {
            if *oid == OID_EC_P256 {
                Some(("P-256", 256))
            } else if *oid == OID_NIST_EC_P384 {
                Some(("P-384", 384))
            } else if *oid == OID_NIST_EC_P521 {
                Some(("P-521", 521))
            } else {
                None
            }
        });
        let (curve, bits) = match (named, curve) {
            (Some((name, bits)), _) => (Some(name.to_owned()), bits),
            (None, curve) => {
                let bits = match spki.parsed() {
                    Ok(key) => u32::try_from(key.key_size()).unwrap_or(0),
                    Err(_) => 0,
                };
                (curve.map(|oid| oid.to_id_string()), bits)
            }
        };
        KeyInfo {
            algorithm: "EC".to_owned(),
            bits,
            curve,
        }
    } else if *algorithm == OID_SIG_ED25519 {
        simple("Ed25519", 256)
    } else if *algorithm == OID_SIG_ED448 {
        simple("Ed448", 456)
    } else {
        match spki.parsed() {
            Ok(key @ PublicKey::DSA(_)) => {
                simple("DSA", u32::try_from(key.key_size()).unwrap_or(0))
            }
            _ => simple(&algorithm.to_id_string(), 0),
        }
    }
}

/// The number of bits of a big-endian unsigned number, leading zeros left out.
fn significant_bits(number: &[u8]) -> u32 {
    let digits = match number.iter().position(|byte| *byte != 0) {
        Some(first) => &number[first..],
        None => return 0,
    };
    let whole_bytes = u32::try_from(digits.len() - 1).unwrap_or(u32::MAX / 8);
    whole_bytes * 8 + (8 - digits[0].leading_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(algorithm: &str, bits: u32, curve: Option<&str>) -> KeyInfo {
        KeyInfo {
            algorithm: algorithm.to_owned(),
            bits,
            curve: curve.map(str::to_owned),
        }
    }

    #[test]
    fn strength_thresholds() {
        assert!(key_is_strong(&key("RSA", 2048, None)).ok);
        assert!(key_is_strong(&key("EC", 256, Some("P-256"))).ok);
        assert!(key_is_strong(&key("Ed25519", 256, None)).ok);
        let weak = key_is_strong(&key("RSA", 1024, None));
        assert_eq!(
            weak.reason.as_deref(),
            Some("RSA key of 1024 bits, fewer than 2048")
        );
        assert!(!key_is_strong(&key("EC", 192, Some("1.2.840.10045.3.1.1"))).ok);
        assert!(!key_is_strong(&key("DSA", 2048, None)).ok);
    }

    #[test]
    fn counts_significant_bits() {
        assert_eq!(significant_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(significant_bits(&[0x7F, 0xFF]), 15);
        assert_eq!(significant_bits(&[0, 0]), 0);
        assert_eq!(significant_bits(&[]), 0);
    }
}
