//! Converting byte offsets into line/column positions.

use crate::Pos;

/// Turns byte offsets of one document into 1-based line/column [`Pos`]itions, with columns
/// counted in characters. Offsets are expected in (mostly) increasing order: each call scans
/// only from the previous offset, so a whole parse costs one pass over the document.
pub(crate) struct PosTracker<'a> {
    source: &'a [u8],
    offset: usize,
    line: usize,
    col: usize,
}

impl<'a> PosTracker<'a> {
    pub(crate) fn new(source: &'a [u8]) -> Self {
        PosTracker {
            source,
            offset: 0,
            line: 1,
            col: 1,
        }
    }

    /// The position of the byte at `offset` (clamped to the end of the document).
    pub(crate) fn pos(&mut self, offset: usize) -> Pos {
        let offset = offset.min(self.source.len());
        if offset < self.offset {
            *self = PosTracker::new(self.source);
        }
        let skipped = &self.source[self.offset..offset];
        let newlines = count_newlines(skipped);
        if newlines == 0 {
            self.col += count_chars(skipped);
        } else {
            let last_newline = skipped.iter().rposition(|&b| b == b'\n').unwrap_or(0);
            self.line += newlines;
            self.col = 1 + count_chars(&skipped[last_newline + 1..]);
        }
        self.offset = offset;
        Pos {
            line: saturate(self.line),
            col: saturate(self.col),
        }
    }
}

/// Every byte of a word with its high bit set.
const HIGH_BITS: u64 = u64::from_ne_bytes([0x80; 8]);
/// Every byte of a word with its low seven bits set.
const LOW_BITS: u64 = u64::from_ne_bytes([0x7F; 8]);

/// Number of `\n` bytes in `bytes`, counted a word of eight bytes at a time.
fn count_newlines(bytes: &[u8]) -> usize {
    let (words, tail) = bytes.as_chunks::<8>();
    let newlines = u64::from_ne_bytes([b'\n'; 8]);
    let in_words: usize = words
        .iter()
        .map(|word| {
            let x = u64::from_ne_bytes(*word) ^ newlines;
            // A byte of `x` is zero exactly when its high bit stays clear here (no carry
            // crosses a byte: each sum is at most 0xFE).
            marked_bytes(!(((x & LOW_BITS) + LOW_BITS) | x) & HIGH_BITS)
        })
        .sum();
    in_words + tail.iter().filter(|&&b| b == b'\n').count()
}

/// Number of UTF-8 characters in `bytes` (continuation bytes, `10xxxxxx`, are not counted),
/// counted a word of eight bytes at a time.
fn count_chars(bytes: &[u8]) -> usize {
    let (words, tail) = bytes.as_chunks::<8>();
    let continuations: usize = words
        .iter()
        .map(|word| {
            let w = u64::from_ne_bytes(*word);
            // Bit 7 set and bit 6 (shifted into bit 7's place) clear.
            marked_bytes(w & !(w << 1) & HIGH_BITS)
        })
        .sum();
    let tail_continuations = tail.iter().filter(|&&b| (b & 0xC0) == 0x80).count();
    bytes.len() - continuations - tail_continuations
}

/// Number of bytes of `marks` (only high bits set) that are marked: the bytes are summed by a
/// multiplication, which unlike `count_ones` needs no `popcnt` instruction.
fn marked_bytes(marks: u64) -> usize {
    ((marks >> 7).wrapping_mul(u64::from_ne_bytes([1; 8])) >> 56) as usize
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_character_columns() {
        let text = "ab\nçd\n\nxyz".as_bytes();
        let mut tracker = PosTracker::new(text);
        assert_eq!(tracker.pos(0), Pos { line: 1, col: 1 });
        assert_eq!(tracker.pos(1), Pos { line: 1, col: 2 });
        assert_eq!(tracker.pos(3), Pos { line: 2, col: 1 });
        // 'ç' is two bytes: 'd' is at byte 5, column 2.
        assert_eq!(tracker.pos(5), Pos { line: 2, col: 2 });
        assert_eq!(tracker.pos(9), Pos { line: 4, col: 2 });
        // Going backwards rescans from the start.
        assert_eq!(tracker.pos(2), Pos { line: 1, col: 3 });
        assert_eq!(tracker.pos(1000), Pos { line: 4, col: 4 });
    }

    #[test]
    fn word_counts_match_byte_counts() {
        let text =
            "{\n  \"name\": \"Ça va, 日本語\",\n\n\t\"x\": [1, 2]\r\n}\n\u{1F600}é\n".as_bytes();
        for start in 0..text.len() {
            for end in start..=text.len() {
                let bytes = &text[start..end];
                let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
                let chars = bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
                assert_eq!(count_newlines(bytes), newlines, "{start}..{end}");
                assert_eq!(count_chars(bytes), chars, "{start}..{end}");
            }
        }
    }
}
