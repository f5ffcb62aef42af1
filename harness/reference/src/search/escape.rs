//! Search value escaping: `\,` `\|` `\$` and `\\` stand for the literal characters; an
//! unescaped `,` separates alternatives and an unescaped `|` separates token and quantity parts.

/// Splits a parameter value on unescaped commas, leaving escapes in the parts.
pub fn split_alternatives(value: &str) -> Vec<String> {
    split_unescaped(value, ',')
}

/// Splits `value` on unescaped `separator`, leaving every escape in the parts.
pub fn split_unescaped(value: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            current.push(c);
            if let Some(next) = chars.next() {
                current.push(next);
            }
        } else if c == separator {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
}

/// Removes escapes: `\x` becomes `x` for the escapable characters; any other backslash stays.
pub fn unescape(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next)) if matches!(next, ',' | '|' | '$' | '\\') => {
                text.push(next);
                chars.next();
            }
            _ => text.push(c),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_separators_stay_in_their_part() {
        assert_eq!(split_alternatives(r"a\,b,c"), [r"a\,b", "c"]);
        assert_eq!(split_unescaped(r"s|a\|b", '|'), ["s", r"a\|b"]);
        assert_eq!(split_alternatives("x\\"), ["x\\"]);
    }

    #[test]
    fn unescape_removes_only_known_escapes() {
        assert_eq!(unescape(r"a\,b\|c\$d\\e"), r"a,b|c$d\e");
        assert_eq!(unescape(r"a\nb"), r"a\nb");
    }
}
