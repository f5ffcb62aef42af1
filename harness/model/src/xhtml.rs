//! FHIR's rules for narrative XHTML (`Narrative.div`).
//!
//! Source: FHIR R4 (4.0.1), narrative.html and the `Narrative` StructureDefinition in the R4
//! package: invariant txt-1 ("only the basic html formatting elements and attributes described
//! in chapters 7-11 (except section 4 of chapter 9) and 15 of the HTML 4.0 standard, `<a>`
//! elements (either name or href), images and internally contained style attributes"), whose
//! XPath lists the element and attribute names copied into [`ALLOWED_ELEMENTS`] and
//! [`ALLOWED_ATTRIBUTES`]; invariant txt-2 ("The narrative SHALL have some non-whitespace
//! content": text, or an `img` with a `src`); and the `Narrative.div` comment ("SHALL NOT
//! contain a head, a body, external stylesheet references, scripts, forms, base/link/xlink,
//! frames, iframes and objects"), which the allow-lists already exclude.

use std::sync::LazyLock;

use foldhash::HashSet;
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::xhtml_canonical::predefined_entity;
use crate::xml::XHTML_NS;
use crate::{ParseIssue, Pos};

/// The XHTML elements a narrative may use (txt-1).
pub const ALLOWED_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "b",
    "big",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "ul",
    "var",
];

/// [`ALLOWED_ELEMENTS`] as a set: every element of every narrative is looked up.
static ALLOWED_ELEMENT_SET: LazyLock<HashSet<&str>> =
    LazyLock::new(|| ALLOWED_ELEMENTS.iter().copied().collect());
/// [`ALLOWED_ATTRIBUTES`] as a set: every attribute of every narrative is looked up.
static ALLOWED_ATTRIBUTE_SET: LazyLock<HashSet<&str>> =
    LazyLock::new(|| ALLOWED_ATTRIBUTES.iter().copied().collect());

/// The attributes a narrative element may carry (txt-1), plus `xml:lang`, the XML form of
/// `lang` that XHTML documents use alongside it. Namespace declarations are not attributes.
/// `xml:space` is legal too, but discouraged (reported as information).
pub const ALLOWED_ATTRIBUTES: &[&str] = &[
    "abbr",
    "accesskey",
    "align",
    "alt",
    "axis",
    "bgcolor",
    "border",
    "cellhalign",
    "cellpadding",
    "cellspacing",
    "cellvalign",
    "char",
    "charoff",
    "charset",
    "cite",
    "class",
    "colspan",
    "compact",
    "coords",
    "dir",
    "frame",
    "headers",
    "height",
    "href",
    "hreflang",
    "hspace",
    "id",
    "lang",
    "longdesc",
    "name",
    "nowrap",
    "rel",
    "rev",
    "rowspan",
    "rules",
    "scope",
    "shape",
    "span",
    "src",
    "start",
    "style",
    "summary",
    "tabindex",
    "title",
    "type",
    "valign",
    "value",
    "vspace",
    "width",
    "xml:lang",
];

/// Checks a narrative's XHTML against FHIR's rules. `pos` and `path` locate the `div` element
/// in the resource; every issue carries them. Returns no issues for a conforming narrative.
pub fn check_xhtml(xhtml: &str, pos: Pos, path: &str) -> Vec<ParseIssue> {
    check_xhtml_links(xhtml, pos, path).issues
}

/// A narrative's issues ([`check_xhtml`]) and its hyperlinks, read in one pass.
#[derive(Debug, Clone, Default)]
pub struct CheckedXhtml {
    /// The issues [`check_xhtml`] reports.
    pub issues: Vec<ParseIssue>,
    /// The raw `href` values of the `<a>` elements read before the end or the first
    /// well-formedness error.
    pub hrefs: Vec<String>,
}

/// [`check_xhtml`], also collecting the `<a href>` values, so a caller that checks the links
/// does not parse the narrative again.
pub fn check_xhtml_links(xhtml: &str, pos: Pos, path: &str) -> CheckedXhtml {
    let mut check = NarrativeCheck {
        issues: Vec::new(),
        hrefs: Vec::new(),
        pos,
        path,
    };
    let mut reader = NsReader::from_str(xhtml);
    let mut depth = 0usize;
    let mut seen_root = false;
    let mut has_content = false;
    loop {
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((namespace, event)) => (is_xhtml(&namespace), event),
            Err(error) => {
                check.error(format!("the narrative is not well-formed XHTML: {error}"));
                return check.finish();
            }
        };
        match event {
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                let is_start = matches!(event, Event::Start(_));
                let local = tag.local_name().into_inner();
                if depth == 0 {
                    if seen_root {
                        check.error("the narrative must be a single <div> element");
                    }
                    seen_root = true;
                    if local != "div" {
                        check.error(format!(
                            "the narrative's root element must be <div>, not <{local}>"
                        ));
                    }
                    if !namespace {
                        check.error(format!(
                            "the narrative <div> must be in the XHTML namespace {XHTML_NS}"
                        ));
                    }
                } else if !namespace {
                    let name = tag.name().into_inner();
                    check.error(format!(
                        "element <{name}> in the narrative is not in the XHTML namespace"
                    ));
                }
                if !ALLOWED_ELEMENT_SET.contains(local) {
                    check.error(format!("element <{local}> is not allowed in a narrative"));
                }
                has_content |= check.attributes(tag, local);
                if is_start {
                    depth += 1;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(text) => {
                if !text.trim_ascii().is_empty() {
                    if depth == 0 {
                        check.error("text outside the narrative <div>");
                    }
                    has_content = true;
                }
            }
            Event::CData(data) => has_content |= !data.trim_ascii().is_empty(),
            Event::GeneralRef(reference) => match reference.resolve_char_ref() {
                Ok(Some(c)) => has_content |= !c.is_whitespace(),
                Ok(None) if predefined_entity(&reference).is_some() => has_content = true,
                Ok(None) => check.error(format!(
                    "undefined entity '&{};' in the narrative",
                    &*reference
                )),
                Err(error) => check.error(format!(
                    "invalid character reference in the narrative: {error}"
                )),
            },
            Event::DocType(_) => check.error("DOCTYPE declarations are not allowed in a narrative"),
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
            Event::Eof => break,
        }
    }
    if !seen_root {
        check.error("the narrative is empty: it must be a <div> element");
    } else if !has_content {
        check.error("the narrative SHALL have some non-whitespace content (txt-2)");
    }
    check.finish()
}

fn is_xhtml(namespace: &ResolveResult<'_>) -> bool {
    matches!(namespace, ResolveResult::Bound(ns) if ns.into_inner() == XHTML_NS)
}

struct NarrativeCheck<'p> {
    issues: Vec<ParseIssue>,
    hrefs: Vec<String>,
    pos: Pos,
    path: &'p str,
}

impl NarrativeCheck<'_> {
    fn finish(self) -> CheckedXhtml {
        CheckedXhtml {
            issues: self.issues,
            hrefs: self.hrefs,
        }
    }

    fn error(&mut self, message: impl Into<String>) {
        self.issues
            .push(ParseIssue::error(self.pos, self.path, message));
    }

    /// Checks the attributes of element `local`; returns whether it is an image with a source
    /// (which counts as content).
    fn attributes(&mut self, tag: &BytesStart<'_>, local: &str) -> bool {
        let mut image_with_source = false;
        for attribute in tag.attributes() {
            let attribute = match attribute {
                Ok(attribute) => attribute,
                Err(error) => {
                    self.error(format!("malformed attribute in the narrative: {error}"));
                    continue;
                }
            };
            let key = attribute.key.into_inner();
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            if key.len() > 2 && key.as_bytes()[..2].eq_ignore_ascii_case(b"on") {
                self.error(format!(
                    "event attribute '{key}' on <{local}> is not allowed in a narrative"
                ));
                continue;
            }
            if key == "xml:space" {
                self.issues.push(ParseIssue::information(
                    self.pos,
                    self.path,
                    "the attribute 'xml:space' is legal but its use in a narrative is discouraged",
                ));
                continue;
            }
            if !ALLOWED_ATTRIBUTE_SET.contains(key) {
                self.error(format!(
                    "attribute '{key}' on <{local}> is not allowed in a narrative"
                ));
                continue;
            }
            if key == "href" && local == "a" {
                self.hrefs.push(attribute.value.to_string());
            }
            if key == "href" || key == "src" {
                let target = attribute.value.trim_start().to_ascii_lowercase();
                if ["javascript:", "vbscript:"]
                    .iter()
                    .any(|scheme| target.starts_with(scheme))
                {
                    self.error(format!(
                        "script URL in '{key}' on <{local}> is not allowed in a narrative"
                    ));
                }
                image_with_source |= local == "img" && key == "src" && !target.is_empty();
            }
        }
        image_with_source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POS: Pos = Pos { line: 3, col: 5 };

    fn messages(xhtml: &str) -> Vec<String> {
        check_xhtml(xhtml, POS, "Patient.text.div")
            .into_iter()
            .map(|i| i.message)
            .collect()
    }

    #[test]
    fn conforming_narrative_has_no_issues() {
        let xhtml = r#"<div xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><p style="color:red">Hi &amp; <a href="http://x">bye</a></p><table><tr><td>1</td></tr></table></div>"#;
        assert_eq!(messages(xhtml), Vec::<String>::new());
    }

    #[test]
    fn links_are_read_in_the_same_pass() {
        let checked = check_xhtml_links(
            r##"<div xmlns="http://www.w3.org/1999/xhtml"><a href="#s1">a</a><p><a name="n" href="urn:x"/></p><img src="x.png"/></div>"##,
            Pos::default(),
            "div",
        );
        assert!(checked.issues.is_empty(), "{:?}", checked.issues);
        assert_eq!(checked.hrefs, ["#s1", "urn:x"]);
    }

    #[test]
    fn xml_space_is_discouraged() {
        let issues = check_xhtml(
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><pre xml:space=\"preserve\">x</pre></div>",
            POS,
            "DiagnosticReport.text.div",
        );
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].severity, crate::Severity::Information);
    }

    #[test]
    fn issues_carry_position_and_path() {
        let issues = check_xhtml(
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><script/>x</div>",
            POS,
            "Patient.text.div",
        );
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].pos, POS);
        assert_eq!(issues[0].path, "Patient.text.div");
        assert_eq!(
            issues[0].message,
            "element <script> is not allowed in a narrative"
        );
    }

    #[test]
    fn forbidden_elements_and_attributes() {
        let xhtml = r#"<div xmlns="http://www.w3.org/1999/xhtml">text<iframe src="x"/><form/><style>p{}</style><p onclick="evil()" data-x="1">a</p><a href=" JavaScript:alert(1)">x</a></div>"#;
        assert_eq!(
            messages(xhtml),
            [
                "element <iframe> is not allowed in a narrative",
                "element <form> is not allowed in a narrative",
                "element <style> is not allowed in a narrative",
                "event attribute 'onclick' on <p> is not allowed in a narrative",
                "attribute 'data-x' on <p> is not allowed in a narrative",
                "script URL in 'href' on <a> is not allowed in a narrative",
            ]
        );
    }

    #[test]
    fn root_must_be_an_xhtml_div() {
        assert_eq!(
            messages("<p xmlns=\"http://www.w3.org/1999/xhtml\">x</p>"),
            ["the narrative's root element must be <div>, not <p>"]
        );
        assert_eq!(
            messages("<div>x</div>"),
            ["the narrative <div> must be in the XHTML namespace http://www.w3.org/1999/xhtml"]
        );
    }

    #[test]
    fn narrative_needs_content() {
        assert_eq!(
            messages("<div xmlns=\"http://www.w3.org/1999/xhtml\"> <p> &#160; </p></div>"),
            ["the narrative SHALL have some non-whitespace content (txt-2)"]
        );
        assert_eq!(
            messages("<div xmlns=\"http://www.w3.org/1999/xhtml\"><img src=\"#a\"/></div>"),
            Vec::<String>::new()
        );
        assert_eq!(
            messages(""),
            ["the narrative is empty: it must be a <div> element"]
        );
    }

    #[test]
    fn malformed_narrative() {
        let messages = messages("<div xmlns=\"http://www.w3.org/1999/xhtml\">a &nbsp; <b>b</div>");
        assert!(
            messages[0].starts_with("undefined entity '&nbsp;'"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("the narrative is not well-formed XHTML"),
            "{messages:?}"
        );
    }
}
