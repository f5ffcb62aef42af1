//! The two FHIR serialisation formats the parsers read.

/// A FHIR serialisation format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Guesses the format of a document: from the file name's extension when it has a known
    /// one (`.json`, `.xml`), otherwise from the first non-whitespace character (`{` or `<`).
    /// `None` when neither tells.
    pub fn sniff(bytes: &[u8], file_name: Option<&str>) -> Option<Format> {
        if let Some(extension) = file_name
            .and_then(|name| name.rsplit_once('.'))
            .map(|(_, e)| e)
        {
            if extension.eq_ignore_ascii_case("json") {
                return Some(Format::Json);
            }
            if extension.eq_ignore_ascii_case("xml") {
                return Some(Format::Xml);
            }
        }
        let content = bytes.strip_prefix(crate::UTF8_BOM).unwrap_or(bytes);
        match content.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Some(Format::Json),
            Some(b'<') => Some(Format::Xml),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_wins_over_content() {
        assert_eq!(Format::sniff(b"<x/>", Some("a.JSON")), Some(Format::Json));
        assert_eq!(
            Format::sniff(b"{}", Some("dir.v2/a.xml")),
            Some(Format::Xml)
        );
    }

    #[test]
    fn content_decides_without_a_known_extension() {
        assert_eq!(Format::sniff(b"\xEF\xBB\xBF \n{", None), Some(Format::Json));
        assert_eq!(
            Format::sniff(b"  <?xml?>", Some("resource.txt")),
            Some(Format::Xml)
        );
        assert_eq!(Format::sniff(b"hello", None), None);
        assert_eq!(Format::sniff(b"", None), None);
    }
}
