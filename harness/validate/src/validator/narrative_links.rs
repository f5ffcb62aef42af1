//! Hyperlinks in narratives: the `href` of an `<a>` must be a relative reference or use a
//! scheme a reader can follow (`http`, `https`, `mailto`, ...). A `urn:` (or any other
//! identifier scheme) names something but links nowhere, so it is an error, as in the
//! reference validator. Script schemes are left to the narrative rules (txt-1).

use assure_model::Element;

use super::issue::Severity;
use super::report::Report;
use super::uri;

/// Schemes a narrative hyperlink may use.
const HYPERLINKABLE: [&str; 9] = [
    "http", "https", "ftp", "ftps", "sftp", "mailto", "tel", "fax", "sms",
];

/// Schemes the narrative rules already reject.
const SCRIPT: [&str; 2] = ["javascript", "vbscript"];

/// Checks the `<a href>` values of a narrative `div` (`node`), as
/// [`assure_model::check_xhtml_links`] reads them.
pub fn check(report: &mut Report, node: &Element, hrefs: &[String], location: &str, rule: &str) {
    for href in hrefs {
        let Some(scheme) = uri::scheme(href.trim()) else {
            continue;
        };
        if HYPERLINKABLE.contains(&scheme.as_str()) || SCRIPT.contains(&scheme.as_str()) {
            continue;
        }
        report.add(
            Severity::Error,
            node,
            location,
            rule,
            format!(
                "The hyperlink '{href}' in the narrative uses the scheme '{scheme}', which cannot \
                 be followed (allowed: {} or a relative reference)",
                HYPERLINKABLE.join(", ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use assure_model::Pos;

    fn errors(xhtml: &str) -> Vec<String> {
        let mut report = Report::default();
        let node = Element::new("div", None, Pos { line: 1, col: 1 });
        let hrefs = assure_model::check_xhtml_links(xhtml, node.pos, "div").hrefs;
        check(
            &mut report,
            &node,
            &hrefs,
            "Patient.text.div",
            "Narrative.div",
        );
        report
            .finish()
            .into_iter()
            .map(|i| i.message.to_string())
            .collect()
    }

    #[test]
    fn identifier_schemes_are_not_hyperlinks() {
        let found = errors(
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><a href="urn:uuid:1">x</a><p><a href="file:///etc/passwd"/></p></div>"#,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("'urn'"), "{found:?}");
        assert!(found[1].contains("'file'"), "{found:?}");
    }

    #[test]
    fn web_links_and_relative_references_pass() {
        let found = errors(
            r##"<div xmlns="http://www.w3.org/1999/xhtml"><a href="https://x.org">a</a><a href="mailto:a@b.org">b</a><a href="Patient/1">c</a><a href="#s1">d</a><a name="urn:x">e</a><a href="javascript:x()">f</a></div>"##,
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
