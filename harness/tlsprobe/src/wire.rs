//! Reading and writing the TLS presentation language: big-endian integers and
//! length-prefixed vectors.

/// A cursor over untrusted bytes; every read is bounds-checked and yields `None` past the end.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader positioned at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    /// The next `n` bytes, or all that are left when fewer.
    pub(crate) fn take_up_to(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.bytes.split_at(n.min(self.bytes.len()));
        self.bytes = rest;
        head
    }

    /// The next byte.
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|bytes| bytes[0])
    }

    /// The next two bytes as a big-endian number.
    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.take(2)
            .map(|bytes| u16::from_be_bytes([bytes[0], bytes[1]]))
    }

    /// The next three bytes as a big-endian number.
    pub(crate) fn u24(&mut self) -> Option<usize> {
        self.take(3).map(|bytes| {
            usize::from(bytes[0]) << 16 | usize::from(bytes[1]) << 8 | usize::from(bytes[2])
        })
    }

    /// A vector with a one-byte length prefix.
    pub(crate) fn vec8(&mut self) -> Option<&'a [u8]> {
        let len = self.u8()?;
        self.take(usize::from(len))
    }

    /// A vector with a two-byte length prefix.
    pub(crate) fn vec16(&mut self) -> Option<&'a [u8]> {
        let len = self.u16()?;
        self.take(usize::from(len))
    }

    /// Whether every byte has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// Appends `body` to `out` behind a one-byte length.
///
/// Callers only pass bodies that fit; a longer one is cut to the largest length the prefix
/// can state.
pub(crate) fn put_vec8(out: &mut Vec<u8>, body: &[u8]) {
    let len = u8::try_from(body.len()).unwrap_or(u8::MAX);
    out.push(len);
    out.extend_from_slice(&body[..usize::from(len)]);
}

/// Appends `body` to `out` behind a two-byte length (cut as [`put_vec8`] does).
pub(crate) fn put_vec16(out: &mut Vec<u8>, body: &[u8]) {
    let len = u16::try_from(body.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&body[..usize::from(len)]);
}

/// Appends `body` to `out` behind a three-byte length (cut as [`put_vec8`] does).
pub(crate) fn put_vec24(out: &mut Vec<u8>, body: &[u8]) {
    let len = body.len().min(0xFF_FFFF);
    out.extend_from_slice(&len.to_be_bytes()[size_of::<usize>() - 3..]);
    out.extend_from_slice(&body[..len]);
}

/// Appends a list of two-byte numbers behind a two-byte length.
pub(crate) fn put_u16_list(out: &mut Vec<u8>, values: &[u16]) {
    let body: Vec<u8> = values
        .iter()
        .flat_map(|value| value.to_be_bytes())
        .collect();
    put_vec16(out, &body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end() {
        let mut reader = Reader::new(&[0, 3, 1, 2]);
        assert_eq!(reader.vec16(), None);
        let mut reader = Reader::new(&[1, 2, 3]);
        assert_eq!(reader.u24(), Some(0x010203));
        assert_eq!(reader.u8(), None);
        assert!(reader.is_empty());
        let mut reader = Reader::new(&[1, 2, 3]);
        assert_eq!(reader.take_up_to(2), [1, 2]);
        assert_eq!(reader.take_up_to(5), [3]);
    }

    #[test]
    fn vectors_round_trip() {
        let mut out = Vec::new();
        put_vec8(&mut out, b"ab");
        put_vec16(&mut out, b"cde");
        put_vec24(&mut out, b"f");
        put_u16_list(&mut out, &[0x1301, 0xC02F]);
        let mut reader = Reader::new(&out);
        assert_eq!(reader.vec8(), Some(&b"ab"[..]));
        assert_eq!(reader.vec16(), Some(&b"cde"[..]));
        assert_eq!(reader.u24(), Some(1));
        assert_eq!(reader.u8(), Some(b'f'));
        assert_eq!(reader.vec16(), Some(&[0x13, 0x01, 0xC0, 0x2F][..]));
        assert!(reader.is_empty());
    }
}
