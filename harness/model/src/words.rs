//! The byte scan of JSON strings, reading a word of eight bytes at a time instead of one byte.

/// Every byte of a word set to `byte`.
const fn repeated(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Every byte of a word with its high bit set.
const HIGH_BITS: u64 = repeated(0x80);

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
