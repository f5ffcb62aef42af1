//! Random values for hello messages.

/// `N` random bytes from the crypto provider.
///
/// The values only fill the random and key-share fields of hellos whose handshakes are never
/// completed, so should the system's generator fail the zero bytes are kept.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let _unneeded_for_security = rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(&mut bytes);
    bytes
}
