//! Optional checks beyond the specification's rules, which a deployment switches on
//! (`Validator::with_policy`).

/// Which optional checks run. All are off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// String values that contain what looks like HTML markup (`<script>`) are errors, so
    /// that stored text cannot smuggle markup into a page that shows it unescaped.
    pub security_checks: bool,
    /// Markdown values that contain what looks like an HTML tag are errors.
    pub no_html_in_markdown: bool,
    /// `uri`/`url` values in the domains reserved for examples (`example.org`, ...) are
    /// errors: production data should not point at them.
    pub no_example_urls: bool,
    /// Relative references inside a Bundle or Parameters document must resolve to a
    /// resource in it; elsewhere, whether the target exists cannot be told offline.
    pub references_must_resolve: bool,
}

/// Whether `url`'s host is a domain reserved for documentation (RFC 2606): `example.org`,
/// `example.com`, `example.net` or a subdomain of one.
pub fn is_example_url(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .rsplit('@')
        .next()
        .unwrap_or_default();
    let host = host
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    ["example.org", "example.com", "example.net"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

/// Where `text` contains something that looks like an HTML tag: a `<` followed by a letter
/// (`<p`) or by `/` and a letter (`</p`), closed by a later `>`. Returns its byte offset.
pub fn html_tag_at(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().find_map(|(at, &b)| {
        if b != b'<' {
            return None;
        }
        let name_at = if bytes.get(at + 1) == Some(&b'/') {
            at + 2
        } else {
            at + 1
        };
        let starts_tag = bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic);
        (starts_tag && bytes[name_at..].contains(&b'>')).then_some(at)
    })
}

#[cfg(test)]
mod tests {
    use super::{html_tag_at, is_example_url};

    #[test]
    fn recognises_example_domains() {
        assert!(is_example_url("http://repository.example.org/fhir/x"));
        assert!(is_example_url("https://EXAMPLE.com:8080"));
        assert!(!is_example_url("http://example.organisation.uk/x"));
        assert!(!is_example_url("urn:example.org"));
        assert!(!is_example_url("http://hl7.org/fhir?x=example.org"));
    }

    #[test]
    fn finds_html_tags_only() {
        assert_eq!(html_tag_at("Standard <script>x</script>"), Some(9));
        assert_eq!(html_tag_at("see </b> here"), Some(4));
        assert_eq!(html_tag_at("a < b and c > d"), None);
        assert_eq!(html_tag_at("x <3"), None);
        assert_eq!(html_tag_at("<unclosed"), None);
        assert_eq!(html_tag_at("plain"), None);
    }
}
