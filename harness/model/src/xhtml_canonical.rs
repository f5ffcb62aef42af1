//! One canonical text form for narrative XHTML, so that a narrative read from XML and the same
//! narrative read from JSON compare equal.

use std::fmt;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::xml::XHTML_NS;

/// Why a narrative could not be read as XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XhtmlError {
    /// Byte offset of the problem in the narrative text.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for XhtmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for XhtmlError {}

/// Re-serialises one XHTML element (a narrative `div`) in a canonical form: attributes in
/// double quotes, only `&amp;` `&lt;` `&gt;` `&quot;` escapes (character references are
/// resolved), elements without content written `<x/>`, comments and processing instructions
/// dropped, text and whitespace kept. Element and attribute names stay as written. When the
/// root element does not declare its own namespace (it inherited it from the enclosing FHIR
/// XML document), the XHTML namespace declaration is added.
pub fn canonical_xhtml(xhtml: &str) -> Result<String, XhtmlError> {
    let mut reader = Reader::from_str(xhtml);
    let mut out = String::with_capacity(xhtml.len() + 48);
    let mut depth = 0usize;
    let mut seen_root = false;
    // `<x` was written but not yet `>`: an end tag that follows directly makes it `<x/>`.
    let mut tag_open = false;
    loop {
        let start = offset(&reader);
        let event = reader.read_event().map_err(|error| XhtmlError {
            offset: usize::try_from(reader.error_position()).unwrap_or(usize::MAX),
            message: error.to_string(),
        })?;
        let error = |message: String| XhtmlError {
            offset: start,
            message,
        };
        match event {
            Event::Start(tag) | Event::Empty(tag) if depth == 0 && seen_root => {
                let name = tag.name().into_inner().to_owned();
                return Err(error(format!(
                    "<{name}> follows the root element: only one is allowed"
                )));
            }
            Event::Start(tag) => {
                finish_tag(&mut out, &mut tag_open);
                write_start(&mut out, &tag, !seen_root).map_err(error)?;
                seen_root = true;
                tag_open = true;
                depth += 1;
            }
            Event::Empty(tag) => {
                finish_tag(&mut out, &mut tag_open);
                write_start(&mut out, &tag, !seen_root).map_err(error)?;
                seen_root = true;
                out.push_str("/>");
            }
            Event::End(tag) => {
                if tag_open {
                    out.push_str("/>");
                    tag_open = false;
                } else {
                    out.push_str("</");
                    out.push_str(tag.name().into_inner());
                    out.push('>');
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(text) => {
                let content = text.xml_content(XmlVersion::Implicit1_0);
                if depth == 0 {
                    if !content.trim_ascii().is_empty() {
                        return Err(error("text outside the root element".to_owned()));
                    }
                } else if !content.is_empty() {
                    finish_tag(&mut out, &mut tag_open);
                    escape_text(&mut out, &content);
                }
            }
            Event::CData(data) => {
                finish_tag(&mut out, &mut tag_open);
                escape_text(&mut out, &data.into_inner());
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => predefined_entity(&reference).ok_or_else(|| {
                        error(format!(
                            "undefined entity '&{};' (only the five XML entities and character references are allowed)",
                            &*reference
                        ))
                    })?,
                    Err(problem) => return Err(error(problem.to_string())),
                };
                if depth == 0 {
                    return Err(error("text outside the root element".to_owned()));
                }
                finish_tag(&mut out, &mut tag_open);
                escape_text(&mut out, resolved.encode_utf8(&mut [0; 4]));
            }
            Event::DocType(_) => {
                return Err(error("DOCTYPE declarations are not allowed".to_owned()));
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
            Event::Eof => break,
        }
    }
    if !seen_root {
        return Err(XhtmlError {
            offset: 0,
            message: "no element".to_owned(),
        });
    }
    Ok(out)
}

/// The character of one of the five entities XML predefines.
pub(crate) fn predefined_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

fn offset(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

/// Writes `<name attr="…"` (without the closing `>`).
fn write_start(out: &mut String, tag: &BytesStart<'_>, is_root: bool) -> Result<(), String> {
    let name = tag.name();
    out.push('<');
    out.push_str(name.into_inner());
    if is_root {
        let declaration = match name.prefix() {
            Some(prefix) => format!("xmlns:{}", prefix.into_inner()),
            None => "xmlns".to_owned(),
        };
        let declared = tag
            .attributes()
            .flatten()
            .any(|a| a.key.into_inner() == declaration);
        if !declared {
            out.push(' ');
            out.push_str(&declaration);
            out.push_str("=\"");
            out.push_str(XHTML_NS);
            out.push('"');
        }
    }
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|error| error.to_string())?;
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|error| error.to_string())?;
        out.push(' ');
        out.push_str(attribute.key.into_inner());
        out.push_str("=\"");
        escape_attribute(out, &value);
        out.push('"');
    }
    Ok(())
}

fn finish_tag(out: &mut String, tag_open: &mut bool) {
    if *tag_open {
        out.push('>');
        *tag_open = false;
    }
}

fn escape_text(out: &mut String, text: &str) {
    escape(out, text, &['&', '<', '>']);
}

fn escape_attribute(out: &mut String, text: &str) {
    escape(out, text, &['&', '<', '>', '"']);
}

/// Appends `text` with the `special` characters replaced by their entity references.
fn escape(out: &mut String, text: &str, special: &[char]) {
    let mut rest = text;
    while let Some(at) = rest.find(special) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form() {
        let written = "<div xmlns='http://www.w3.org/1999/xhtml'><!-- note --><p class='a&amp;b'>x &#169; &lt; y</p><br></br>\n</div>";
        assert_eq!(
            canonical_xhtml(written).unwrap(),
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p class=\"a&amp;b\">x © &lt; y</p><br/>\n</div>"
        );
    }

    #[test]
    fn inherited_namespace_is_declared() {
        assert_eq!(
            canonical_xhtml("<div>a</div>").unwrap(),
            "<div xmlns=\"http://www.w3.org/1999/xhtml\">a</div>"
        );
        assert_eq!(
            canonical_xhtml("<h:div>a</h:div>").unwrap(),
            "<h:div xmlns:h=\"http://www.w3.org/1999/xhtml\">a</h:div>"
        );
    }

    #[test]
    fn errors_have_offsets() {
        let error = canonical_xhtml("<div>a &nbsp; b</div>").unwrap_err();
        assert_eq!(error.offset, 7);
        assert!(error.message.contains("&nbsp;"), "{}", error.message);
        assert!(canonical_xhtml("<div>a</div><p/>").is_err());
        assert!(canonical_xhtml("<div>a</p>").is_err());
        assert!(canonical_xhtml("").is_err());
    }
}
