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
        let newlines = bytecount::count(skipped, b'\n');
        if newlines == 0 {
            self.col += bytecount::num_chars(skipped);
        } else {
            let last_newline = skipped.iter().rposition(|&b| b == b'\n').unwrap_or(0);
            self.line += newlines;
            self.col = 1 + bytecount::num_chars(&skipped[last_newline + 1..]);
        }
        self.offset = offset;
        Pos {
            line: saturate(self.line),
            col: saturate(self.col),
        }
    }
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
}
