//! The cipher suite table: IANA numbers, names and what makes a suite weak.

use serde::Serialize;

/// A TLS cipher suite as registered with IANA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CipherSuite {
    /// The suite's two-byte number.
    pub id: u16,
    /// The IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    pub name: &'static str,
    /// Why the suite must not be negotiated: `NULL`, `EXPORT`, `anonymous`, `RC4`, `DES`,
    /// `3DES` or `CBC with SHA-1`; `None` for a suite without a known weakness.
    pub weakness: Option<&'static str>,
}

const fn suite(id: u16, name: &'static str, weakness: Option<&'static str>) -> CipherSuite {
    CipherSuite { id, name, weakness }
}

const NULL: Option<&str> = Some("NULL");
const EXPORT: Option<&str> = Some("EXPORT");
const ANONYMOUS: Option<&str> = Some("anonymous");
const RC4: Option<&str> = Some("RC4");
const DES: Option<&str> = Some("DES");
const TRIPLE_DES: Option<&str> = Some("3DES");
const CBC_SHA1: Option<&str> = Some("CBC with SHA-1");

/// TLS 1.2 suites with an ephemeral elliptic-curve key exchange and an AEAD cipher.
static STRONG_TLS12: [CipherSuite; 6] = [
    suite(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", None),
    suite(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", None),
    suite(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", None),
    suite(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", None),
    suite(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", None),
    suite(
        0xCCA9,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        None,
    ),
];

/// The TLS 1.3 suites.
static TLS13: [CipherSuite; 5] = [
    suite(0x1301, "TLS_AES_128_GCM_SHA256", None),
    suite(0x1302, "TLS_AES_256_GCM_SHA384", None),
    suite(0x1303, "TLS_CHACHA20_POLY1305_SHA256", None),
    suite(0x1304, "TLS_AES_128_CCM_SHA256", None),
    suite(0x1305, "TLS_AES_128_CCM_8_SHA256", None),
];

/// Suites that are neither strong nor known to be weak, named so that reports can say which
/// one a server chose.
static OTHER: [CipherSuite; 15] = [
    suite(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", None),
    suite(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", None),
    suite(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", None),
    suite(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", None),
    suite(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", None),
    suite(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", None),
    suite(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", None),
    suite(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", None),
    suite(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", None),
    suite(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", None),
    suite(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", None),
    suite(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", None),
    suite(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", None),
    suite(0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", None),
    suite(0x5600, "TLS_FALLBACK_SCSV", None),
];

/// Suites with a known weakness; a suite with several carries the gravest.
static WEAK: [CipherSuite; 55] = [
    suite(0x0000, "TLS_NULL_WITH_NULL_NULL", NULL),
    suite(0x0001, "TLS_RSA_WITH_NULL_MD5", NULL),
    suite(0x0002, "TLS_RSA_WITH_NULL_SHA", NULL),
    suite(0x003B, "TLS_RSA_WITH_NULL_SHA256", NULL),
    suite(0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", NULL),
    suite(0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", NULL),
    suite(0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA", NULL),
    suite(0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", NULL),
    suite(0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", NULL),
    suite(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", EXPORT),
    suite(0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", EXPORT),
    suite(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", EXPORT),
    suite(0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", EXPORT),
    suite(0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", EXPORT),
    suite(0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", EXPORT),
    suite(0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", EXPORT),
    suite(0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", EXPORT),
    suite(0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", EXPORT),
    suite(0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", ANONYMOUS),
    suite(0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA", ANONYMOUS),
    suite(0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", ANONYMOUS),
    suite(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", ANONYMOUS),
    suite(0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", ANONYMOUS),
    suite(0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", ANONYMOUS),
    suite(0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", ANONYMOUS),
    suite(0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", ANONYMOUS),
    suite(0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", ANONYMOUS),
    suite(0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA", ANONYMOUS),
    suite(0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", ANONYMOUS),
    suite(0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", ANONYMOUS),
    suite(0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", ANONYMOUS),
    suite(0x0004, "TLS_RSA_WITH_RC4_128_MD5", RC4),
    suite(0x0005, "TLS_RSA_WITH_RC4_128_SHA", RC4),
    suite(0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", RC4),
    suite(0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", RC4),
    suite(0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA", RC4),
    suite(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", RC4),
    suite(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", DES),
    suite(0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", DES),
    suite(0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", DES),
    suite(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", TRIPLE_DES),
    suite(0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", TRIPLE_DES),
    suite(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", TRIPLE_DES),
    suite(0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", TRIPLE_DES),
    suite(0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", TRIPLE_DES),
    suite(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", CBC_SHA1),
    suite(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", CBC_SHA1),
    suite(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", CBC_SHA1),
    suite(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", CBC_SHA1),
    suite(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", CBC_SHA1),
    suite(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", CBC_SHA1),
    suite(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", CBC_SHA1),
    suite(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", CBC_SHA1),
    suite(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", CBC_SHA1),
    suite(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", CBC_SHA1),
];

/// The suite numbered `id`, if the table knows it.
pub fn cipher_suite(id: u16) -> Option<&'static CipherSuite> {
    all().find(|suite| suite.id == id)
}

/// The suite's IANA name, or its number as `0x....` when the table does not know it.
pub fn suite_name(id: u16) -> String {
    cipher_suite(id).map_or_else(|| format!("0x{id:04X}"), |suite| suite.name.to_owned())
}

/// Every suite with a weakness: what the weak-suite probe offers.
pub fn weak_suites() -> impl Iterator<Item = &'static CipherSuite> {
    WEAK.iter()
}

/// The TLS 1.2 suites with ECDHE key exchange and an AEAD cipher.
pub fn strong_tls12_suites() -> impl Iterator<Item = &'static CipherSuite> {
    STRONG_TLS12.iter()
}

/// The TLS 1.3 suites.
pub fn tls13_suites() -> impl Iterator<Item = &'static CipherSuite> {
    TLS13.iter()
}

fn all() -> impl Iterator<Item = &'static CipherSuite> {
    STRONG_TLS12.iter().chain(&TLS13).chain(&OTHER).chain(&WEAK)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn numbers_are_unique() {
        let mut seen = HashSet::new();
        for suite in all() {
            assert!(seen.insert(suite.id), "0x{:04X} twice", suite.id);
        }
    }

    #[test]
    fn weak_suites_say_why_and_others_do_not() {
        assert!(weak_suites().all(|suite| suite.weakness.is_some()));
        assert!(
            strong_tls12_suites()
                .chain(tls13_suites())
                .chain(&OTHER)
                .all(|suite| suite.weakness.is_none())
        );
    }

    #[test]
    fn names_match_weaknesses() {
        for suite in weak_suites() {
            let name = suite.name;
            let expected = match suite.weakness.unwrap() {
                "NULL" => name.contains("NULL"),
                "EXPORT" => name.contains("EXPORT"),
                "anonymous" => name.contains("_anon_"),
                "RC4" => name.contains("RC4"),
                "DES" => name.contains("_DES_CBC"),
                "3DES" => name.contains("3DES"),
                "CBC with SHA-1" => name.contains("CBC_SHA") && name.ends_with("_SHA"),
                other => panic!("unknown weakness {other}"),
            };
            assert!(expected, "{name}");
        }
    }

    #[test]
    fn lookup_and_names() {
        assert_eq!(
            cipher_suite(0xC02F).map(|suite| suite.name),
            Some("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        );
        assert_eq!(suite_name(0x1301), "TLS_AES_128_GCM_SHA256");
        assert_eq!(suite_name(0xABCD), "0xABCD");
    }
}
