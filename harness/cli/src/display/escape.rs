//! Text for a terminal. What is printed quotes servers, files and suites, and any of them can
//! hold control characters (ESC sequences that clear the screen or move the cursor, BEL, NUL,
//! CR that overwrites a line) or bidirectional overrides that make text read differently from
//! what it is. Those are shown as `\u{..}` escapes; line breaks and tabs are kept.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (but `\n` and `\t`) and bidirectional formatting
/// character written as a visible `\u{..}` escape.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    escaped(text, needs_escape)
}

/// Like [`terminal_safe`], with line breaks escaped too: for what must stay on one line (a
/// test's line, an issue's line), so that quoted text cannot forge lines of its own.
pub fn terminal_line(text: &str) -> Cow<'_, str> {
    escaped(text, |c| c == '\n' || needs_escape(c))
}

fn escaped(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    // Printable ASCII never needs escaping, and is checked without decoding characters.
    let printable_ascii = text.bytes().all(|b| (b' '..=b'~').contains(&b));
    if printable_ascii || !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::{terminal_line, terminal_safe};

    #[test]
    fn controls_and_bidi_overrides_become_visible_escapes() {
        assert_eq!(
            terminal_safe("\u{1b}[2Jok\u{7}\0\r\u{9b}x\u{202e}"),
            "\\u{1b}[2Jok\\u{7}\\u{0}\\u{d}\\u{9b}x\\u{202e}"
        );
        assert_eq!(terminal_safe("two\nlines\tand é"), "two\nlines\tand é");
        assert_eq!(
            terminal_line("fine\nPASS  FORGED"),
            "fine\\u{a}PASS  FORGED"
        );
    }
}
