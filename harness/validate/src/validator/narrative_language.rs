//! Language sections of a narrative (`<div lang="de">` children of the narrative's `div`)
//! against a profile's `narrative-language-control`: `_no` forbids them, `_resource` requires
//! one for the resource's `language`, and a list of language codes requires one for each.

use assure_model::{Element, Primitive};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::issue::Severity;
use super::report::Report;

/// Checks the narrative `node` (a `Narrative`) of `resource` against `control`.
pub fn check(
    report: &mut Report,
    node: &Element,
    resource: &Element,
    control: &str,
    location: &str,
    rule: &str,
) {
    let Some(Primitive::Xhtml(xhtml)) = node.child("div").and_then(|d| d.value.as_ref()) else {
        return;
    };
    let sections = language_sections(xhtml);
    let required: Vec<String> = match control {
        "_no" => {
            if !sections.is_empty() {
                report.add(
                    Severity::Error,
                    node,
                    location,
                    rule,
                    format!(
                        "The narrative has language sections ({}), but the profile prohibits them",
                        sections.join(", ")
                    ),
                );
            }
            return;
        }
        "_resource" => resource
            .child("language")
            .and_then(Element::text)
            .map(str::to_owned)
            .into_iter()
            .collect(),
        codes => codes
            .split([' ', ','])
            .filter(|c| !c.is_empty() && !c.starts_with('_'))
            .map(str::to_owned)
            .collect(),
    };
    for language in required {
        if !sections.contains(&language) {
            report.add(
                Severity::Error,
                node,
                location,
                rule,
                format!(
                    "The profile requires a narrative section for the language {language}, but it was not found (found: {})",
                    if sections.is_empty() {
                        "none".to_owned()
                    } else {
                        sections.join(", ")
                    }
                ),
            );
        }
    }
}

/// The `lang` (or `xml:lang`) of each `div` directly inside the narrative's root `div`.
fn language_sections(xhtml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xhtml);
    let mut depth = 0usize;
    let mut sections = Vec::new();
    loop {
        let (tag, is_start) = match reader.read_event() {
            Ok(Event::Start(tag)) => (tag, true),
            Ok(Event::Empty(tag)) => (tag, false),
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        if depth == 1 && tag.local_name().into_inner() == "div" {
            let lang = tag.attributes().flatten().find_map(|a| {
                matches!(a.key.into_inner(), "lang" | "xml:lang")
                    .then(|| a.value.clone().into_owned())
            });
            if let Some(lang) = lang.filter(|l| !sections.contains(l)) {
                sections.push(lang);
            }
        }
        if is_start {
            depth += 1;
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::language_sections;

    #[test]
    fn reads_the_sections_directly_inside_the_narrative() {
        let xhtml = r#"<div xmlns="http://www.w3.org/1999/xhtml"><div xml:lang="en" lang="en">a<div lang="fr">nested</div></div><div lang="de"/><p lang="it">p</p></div>"#;
        assert_eq!(language_sections(xhtml), ["en", "de"]);
        assert!(language_sections("<div>plain</div>").is_empty());
        assert!(language_sections("<div><unclosed").is_empty());
    }
}
