//! Attachments: the stated `size` must match the inline `data`.

use assure_model::Element;
use base64::Engine;

use super::issue::Severity;
use super::report::Report;

/// Checks an `Attachment` element.
pub fn check(report: &mut Report, node: &Element, location: &str, rule: &str) {
    let (Some(data), Some(size)) = (
        node.child("data").and_then(Element::text),
        node.child("size")
            .and_then(Element::text)
            .and_then(|s| s.parse::<u64>().ok()),
    ) else {
        return;
    };
    let compact: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    // Malformed base64 is reported by the primitive check of `data`.
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(compact) else {
        return;
    };
    if bytes.len() as u64 != size {
        report.add(
            Severity::Error,
            node,
            location,
            rule,
            format!(
                "The stated attachment size {size} does not match the size of the data ({})",
                bytes.len()
            ),
        );
    }
}
