//! Byte scans that read a word of eight bytes at a time instead of one byte.

/// Every byte of a word set to `byte`.
const fn repeated(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Every byte of a word with its high bit set.
const HIGH_BITS: u64 = repeated(0x80);
/// Every byte of a word with its low seven bits set.
const LOW_BITS: u64 = repeated(0x7F);

/// Number of `\n` bytes in `bytes`, counted a word of eight bytes at a time.
pub(crate) fn count_newlines(bytes: &[u8]) -> usize {
    let (words, tail) = bytes.as_chunks::<8>();
    let newlines = repeated(b'\n');
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
pub(crate) fn count_chars(bytes: &[u8]) -> usize {
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
    ((marks >> 7).wrapping_mul(repeated(1)) >> 56) as usize
}

/// Length of the run at the start of `bytes` that can be copied into a JSON string as it is:
/// no quote, backslash or control character (below U+0020).
pub(crate) fn plain_string_len(bytes: &[u8]) -> usize {
    let (words, _) = bytes.as_chunks::<8>();
    let ones = repeated(1);
    // Some byte of `x` is zero exactly when this is not zero.
    let any_zero = |x: u64| x.wrapping_sub(ones) & !x & HIGH_BITS;
    let plain_words = words
        .iter()
        .take_while(|word| {
            let w = u64::from_ne_bytes(**word);
            let control = w.wrapping_sub(repeated(0x20)) & !w & HIGH_BITS;
            (any_zero(w ^ repeated(b'"')) | any_zero(w ^ repeated(b'\\')) | control) == 0
        })
        .count();
    let start = plain_words * 8;
    let rest = &bytes[start..];
    start
        + rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every slice of `text` is scanned as the byte-at-a-time versions would.
    fn each_slice(text: &[u8], check: impl Fn(&[u8], String)) {
        for start in 0..text.len() {
            for end in start..=text.len() {
                check(&text[start..end], format!("{start}..{end}"));
            }
        }
    }

    #[test]
    fn word_counts_match_byte_counts() {
        let text = "{\n  \"name\": \"Ça va, 日本語\",\n\n\t\"x\": [1, 2]\r\n}\n\u{1F600}é\n";
        each_slice(text.as_bytes(), |bytes, at| {
            let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
            let chars = bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
            assert_eq!(count_newlines(bytes), newlines, "{at}");
            assert_eq!(count_chars(bytes), chars, "{at}");
        });
    }

    #[test]
    fn plain_runs_stop_at_quotes_backslashes_and_controls() {
        let text =
            "plain text, ünïcode 日本語 and \\ a backslash\" then \u{1F} \u{7F}\u{80} \t tab ~ end";
        each_slice(text.as_bytes(), |bytes, at| {
            let plain = bytes
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(bytes.len());
            assert_eq!(plain_string_len(bytes), plain, "{at}");
        });
    }
}
