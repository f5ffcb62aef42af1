//! `Bundle.link` (R4 bundle.html#searchset, documents.html#presentation): the paging
//! relations (`first`, `previous`, `next`, `last`) belong to search and history results only,
//! each relation that names one page occurs once, and a document's stylesheet is either in the
//! bundle or, preferably, the specification's own.

use assure_model::Element;

use super::issue::Severity;
use super::report::{Report, element_location};

/// Relations that page through a result set.
const PAGING: [&str; 4] = ["first", "previous", "next", "last"];

/// The stylesheet a document may point at outside the bundle without a warning.
const FHIR_STYLESHEET: &str = "https://hl7.org/fhir/fhir.css";

/// Checks the links of `bundle` (at `location`), of type `kind`.
pub fn check(report: &mut Report, bundle: &Element, location: &str, kind: &str) {
    let paged = matches!(kind, "searchset" | "history");
    let fixed_contents = matches!(
        kind,
        "document"
            | "message"
            | "collection"
            | "subscription-notification"
            | "transaction"
            | "transaction-response"
            | "batch"
            | "batch-response"
    );
    let mut seen: Vec<&str> = Vec::new();
    for link in bundle.children_named("link") {
        let link_location = element_location(location, link);
        let Some(relation_node) = link.child("relation") else {
            continue;
        };
        let Some(relation) = relation_node.text() else {
            continue;
        };
        let repeated = seen.contains(&relation);
        seen.push(relation);
        let relation_location = element_location(&link_location, relation_node);
        if paged {
            if repeated && (relation == "self" || PAGING.contains(&relation)) {
                report.add(
                    Severity::Error,
                    link,
                    &link_location,
                    "Bundle.link",
                    format!("The link relation '{relation}' can only occur once"),
                );
            }
        } else if fixed_contents {
            if PAGING.contains(&relation) {
                report.add(
                    Severity::Error,
                    relation_node,
                    &relation_location,
                    "Bundle.link",
                    format!(
                        "The link relation '{relation}' pages through search results, which a \
                         {kind} bundle is not"
                    ),
                );
            } else if relation == "self" && repeated {
                report.add(
                    Severity::Error,
                    relation_node,
                    &relation_location,
                    "Bundle.link",
                    "The link relation 'self' can only occur once".into(),
                );
            }
        }
        if kind == "document" && relation == "stylesheet" {
            stylesheet(report, bundle, link, &link_location);
        }
    }
}

/// A document's stylesheet link: a relative URL names a resource in the bundle (`Binary/css`);
/// an absolute one other than the specification's stylesheet is warned about, the more so when
/// it is not fetched securely.
fn stylesheet(report: &mut Report, bundle: &Element, link: &Element, link_location: &str) {
    let Some(url_node) = link.child("url") else {
        return;
    };
    let Some(url) = url_node.text() else {
        return;
    };
    let url_location = element_location(link_location, url_node);
    let mut add = |severity: Severity, message: String| {
        report.add(severity, url_node, &url_location, "Bundle.link", message);
    };
    if super::uri::scheme(url).is_none() {
        if stylesheet_entry(bundle, url).is_none() {
            add(
                Severity::Error,
                format!("The stylesheet '{url}' is not a resource in this bundle"),
            );
        }
        return;
    }
    if url == FHIR_STYLESHEET {
        return;
    }
    add(
        Severity::Warning,
        format!(
            "A document should not use an external stylesheet other than {FHIR_STYLESHEET} \
             ('{url}')"
        ),
    );
    if url.starts_with("http://") {
        add(
            Severity::Warning,
            format!("The stylesheet '{url}' is not fetched securely (http)"),
        );
    }
}

/// The position among `bundle`'s children of the entry whose resource a relative stylesheet
/// URL (`Binary/css`) names.
pub fn stylesheet_entry(bundle: &Element, url: &str) -> Option<usize> {
    let (kind, id) = url.split_once('/')?;
    bundle.children.iter().position(|entry| {
        entry.name == "entry"
            && entry.child("resource").is_some_and(|resource| {
                resource.resource_type.as_deref() == Some(kind)
                    && resource.child("id").and_then(Element::text) == Some(id)
            })
    })
}

/// The relative stylesheet URLs of a document's links.
pub fn stylesheets(bundle: &Element) -> impl Iterator<Item = &str> {
    bundle
        .children_named("link")
        .filter(|link| link.child("relation").and_then(Element::text) == Some("stylesheet"))
        .filter_map(|link| link.child("url").and_then(Element::text))
        .filter(|url| super::uri::scheme(url).is_none())
}
