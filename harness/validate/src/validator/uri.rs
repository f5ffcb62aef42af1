//! The scheme of a URI (RFC 3986 §3.1), which tells an absolute URI from a relative
//! reference.

/// The scheme of `uri` (`http`, `urn`), lower-cased; `None` for a relative reference
/// (`Patient/1`, `#frag`, `other.html`). A scheme is a letter followed by letters, digits,
/// `+`, `-` or `.`, ended by `:` before any `/`, `?` or `#`.
pub fn scheme(uri: &str) -> Option<String> {
    let (head, _) = uri.split_once(':')?;
    let mut chars = head.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| head.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::scheme;

    #[test]
    fn schemes_end_before_the_first_path_character() {
        assert_eq!(scheme("http://x.org/a").as_deref(), Some("http"));
        assert_eq!(scheme("URN:uuid:1").as_deref(), Some("urn"));
        assert_eq!(scheme("a+b-c.d:x").as_deref(), Some("a+b-c.d"));
        assert_eq!(scheme("Patient/1"), None);
        assert_eq!(scheme("Patient/1:x"), None);
        assert_eq!(scheme("#frag"), None);
        assert_eq!(scheme(":x"), None);
        assert_eq!(scheme("1abc:x"), None);
    }
}
