//! The simplest R4 primitive patterns matched without the regex engine: a validation checks
//! the lexical form of nearly every primitive, most of them `code`, `uri` or `id`. Each
//! function answers exactly as the anchored, translated R4 regex of its type does (the tests
//! of `primitive` compare them on tricky values).

/// Java's `\s`, which the R4 patterns mean: ASCII space, tab, line feed, vertical tab, form
/// feed and carriage return.
fn is_java_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// Whether `lexical` matches the R4 pattern of `type_code`; `None` when the type has no
/// pattern simple enough to be matched here.
pub(crate) fn matches_simple_pattern(type_code: &str, lexical: &str) -> Option<bool> {
    let bytes = lexical.as_bytes();
    Some(match type_code {
        // `\S*`
        "uri" | "url" | "canonical" => !bytes.iter().copied().any(is_java_space),
        // `[^\s]+(\s[^\s]+)*`: no whitespace at either end, nor two in a row.
        "code" => {
            !bytes.is_empty()
                && !is_java_space(bytes[0])
                && !is_java_space(bytes[bytes.len() - 1])
                && !bytes
                    .windows(2)
                    .any(|pair| is_java_space(pair[0]) && is_java_space(pair[1]))
        }
        // `[A-Za-z0-9\-\.]{1,64}`
        "id" => {
            (1..=64).contains(&bytes.len())
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
        }
        "boolean" => matches!(lexical, "true" | "false"),
        // `-?([0]|([1-9][0-9]*))`
        "integer" => is_unsigned(lexical.strip_prefix('-').unwrap_or(lexical)),
        // `[0]|([1-9][0-9]*)`
        "unsignedInt" => is_unsigned(lexical),
        // `[1-9][0-9]*`
        "positiveInt" => is_unsigned(lexical) && lexical != "0",
        _ => return None,
    })
}

/// `[0]|([1-9][0-9]*)`: digits, with no leading zero unless the number is `0`.
fn is_unsigned(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    !bytes.is_empty()
        && bytes.iter().all(u8::is_ascii_digit)
        && (bytes[0] != b'0' || bytes.len() == 1)
}
