//! Hello extensions: their numbers, writing one and reading a block of them.

use crate::wire::{Reader, put_vec16};

/// server_name (SNI).
pub(crate) const SERVER_NAME: u16 = 0;
/// supported_groups.
pub(crate) const SUPPORTED_GROUPS: u16 = 10;
/// ec_point_formats.
pub(crate) const EC_POINT_FORMATS: u16 = 11;
/// signature_algorithms.
pub(crate) const SIGNATURE_ALGORITHMS: u16 = 13;
/// supported_versions.
pub(crate) const SUPPORTED_VERSIONS: u16 = 43;
/// key_share.
pub(crate) const KEY_SHARE: u16 = 51;
/// renegotiation_info.
pub(crate) const RENEGOTIATION_INFO: u16 = 0xFF01;

/// The x25519 group, the one key shares are made for.
pub(crate) const X25519: u16 = 0x001D;

/// Appends extension `kind` with body `data`.
pub(crate) fn put_extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    put_vec16(out, data);
}

/// The extensions of a block (without its length prefix) as `(kind, data)`, up to the first
/// one that is cut short.
pub(crate) fn extensions(block: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut reader = Reader::new(block);
    std::iter::from_fn(move || {
        let kind = reader.u16()?;
        let data = reader.vec16()?;
        Some((kind, data))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes_and_stops_at_a_cut() {
        let mut block = Vec::new();
        put_extension(&mut block, SUPPORTED_VERSIONS, &[2, 3, 4]);
        put_extension(&mut block, KEY_SHARE, &[]);
        let all: Vec<_> = extensions(&block).collect();
        assert_eq!(
            all,
            [(SUPPORTED_VERSIONS, &[2, 3, 4][..]), (KEY_SHARE, &[][..])]
        );
        assert_eq!(extensions(&block[..block.len() - 1]).count(), 1);
    }
}
