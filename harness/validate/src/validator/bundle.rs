//! Bundle rules: each entry's `fullUrl` agrees with its resource, search results carry ids,
//! links are not repeated, and references resolve to entries.

use std::collections::HashSet;

use assure_model::Element;

use super::bundle_index::restful_tail;
use super::context::Context;
use super::document;
use super::issue::Severity;
use super::report::{Report, element_location};

/// Link relations that may occur only once in a bundle.
const SINGLE_LINKS: &[&str] = &["self", "first", "previous", "next", "last"];

/// Checks the bundle-level rules of `bundle` at `location`.
pub fn check(cx: &Context<'_>, report: &mut Report, bundle: &Element, location: &str) {
    let kind = bundle
        .child("type")
        .and_then(Element::text)
        .unwrap_or_default();
    let mut relations = HashSet::new();
    for link in bundle.children_named("link") {
        let Some(relation) = link.child("relation").and_then(Element::text) else {
            continue;
        };
        if SINGLE_LINKS.contains(&relation) && !relations.insert(relation) {
            let loc = element_location(location, link);
            report.add(
                Severity::Error,
                link,
                &loc,
                "Bundle.link",
                format!("The link relation '{relation}' can only occur once"),
            );
        }
    }
    if let Some(kind) = document::Kind::of(kind) {
        document::check(cx, report, bundle, location, kind);
    }
    for entry in bundle.children_named("entry") {
        let entry_location = element_location(location, entry);
        let Some(resource) = entry.child("resource") else {
            continue;
        };
        let resource_type = resource.resource_type.as_deref().unwrap_or_default();
        let id = resource.child("id").and_then(Element::text);
        if let Some(full_url) = entry.child("fullUrl").and_then(Element::text)
            && !is_absolute_url(full_url)
        {
            report.add(
                Severity::Error,
                entry,
                &entry_location,
                "Bundle.entry.fullUrl",
                format!("The fullUrl must be an absolute URL (not '{full_url}')"),
            );
        } else if let Some(full_url) = entry.child("fullUrl").and_then(Element::text)
            && let Some((url_type, url_id)) = restful_tail(full_url)
            && cx.validator.type_profile(url_type).is_some()
            && (url_type != resource_type || id.is_some_and(|id| id != url_id))
        {
            report.add(
                Severity::Error,
                entry,
                &entry_location,
                "Bundle.entry.fullUrl",
                format!(
                    "The fullUrl '{full_url}' does not match the resource ({resource_type}/{})",
                    id.unwrap_or("no id")
                ),
            );
        }
        let mode = entry
            .child("search")
            .and_then(|s| s.child("mode"))
            .and_then(Element::text);
        if kind == "searchset"
            && id.is_none()
            && mode != Some("outcome")
            && resource_type != "OperationOutcome"
        {
            report.add(
                Severity::Error,
                resource,
                &format!("{entry_location}.resource"),
                "Bundle.entry.resource",
                "Search results must have ids".into(),
            );
        }
    }
}

/// Whether `url` starts with a scheme (`http:`, `urn:`, ...), as a `fullUrl` must.
fn is_absolute_url(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_absolute_url;

    #[test]
    fn full_urls_must_be_absolute() {
        assert!(is_absolute_url("http://x/fhir/Patient/1"));
        assert!(is_absolute_url("urn:uuid:1234"));
        assert!(!is_absolute_url("Patient/1"));
        assert!(!is_absolute_url("1:2"));
    }
}
