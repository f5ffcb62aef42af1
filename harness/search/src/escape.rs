//! The escaping of search values (R4 search.html#escaping): `\,`, `\$`, `\|` and `\\` stand
//! for the literal characters; unescaped `,` separates OR values, `|` the parts of tokens,
//! quantities and canonical versions, `$` the components of composite values.

/// Splits `text` on every `separator` not preceded by a backslash escape. The parts keep
/// their escapes, so they can be split again on another separator.
pub(crate) fn split(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == separator {
            parts.push(&text[start..at]);
            start = at + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Replaces the escapes `\,`, `\$`, `\|` and `\\` by the characters they stand for; any
/// other backslash is kept as written.
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next @ (',' | '$' | '|' | '\\'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_separators_stay_inside_a_part() {
        assert_eq!(split(r"a,b\,c,d", ','), vec!["a", r"b\,c", "d"]);
        assert_eq!(split(r"x\|y|z", '|'), vec![r"x\|y", "z"]);
        assert_eq!(split("", ','), vec![""]);
        assert_eq!(split(r"a\\,b", ','), vec![r"a\\", "b"]);
    }

    #[test]
    fn unescape_reads_the_four_escapes() {
        assert_eq!(unescape(r"b\,c\$d\|e\\f\g"), r"b,c$d|e\f\g");
    }
}
