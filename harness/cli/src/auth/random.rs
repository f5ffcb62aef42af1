//! Unpredictable identifiers (JWT ids, deliberately wrong secrets).

/// 128 random bits as 32 hex digits.
pub(super) fn random_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    hex::encode(bytes)
}
