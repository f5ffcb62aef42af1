//! Bundle rules: each entry's `fullUrl` agrees with its resource, search results carry ids,
//! links suit the bundle's type, and references resolve to entries.

use assure_model::Element;

use super::bundle_index::restful_tail;
use super::bundle_link;
use super::context::Context;
use super::document;
use super::issue::Severity;
use super::report::{Report, element_location};

/// Checks the bundle-level rules of `bundle` at `location`.
pub fn check(cx: &Context<'_>, report: &mut Report, bundle: &Element, location: &str) {
    let kind = bundle
        .child("type")
        .and_then(Element::text)
        .unwrap_or_default();
    bundle_link::check(report, bundle, location, kind);
    if let Some(kind) = document::Kind::of(kind) {
        document::check(cx, report, bundle, location, kind);
    }
    let searched = if kind == "searchset" {
        searched_types(cx, bundle)
    } else {
        Vec::new()
    };
    for entry in bundle.children_named("entry") {
        let entry_location = element_location(location, entry);
        let Some(resource) = entry.child("resource") else {
            continue;
        };
        let resource_type = resource.resource_type.as_deref().unwrap_or_default();
        let id = resource.child("id").and_then(Element::text);
        if let Some(full_url) = entry.child("fullUrl").and_then(Element::text)
            && let Some(problem) = full_url_problem(cx, full_url, resource_type, id)
        {
            report.add(
                Severity::Error,
                entry,
                &entry_location,
                "Bundle.entry.fullUrl",
                problem,
            );
        }
        if kind == "searchset" {
            let mode = entry
                .child("search")
                .and_then(|s| s.child("mode"))
                .and_then(Element::text);
            let found = SearchEntry {
                resource,
                location: format!("{entry_location}.resource"),
                resource_type,
                has_id: id.is_some(),
            };
            found.check(report, mode, &searched);
        }
    }
}

/// A resource a search returned, in a `searchset` entry.
struct SearchEntry<'e> {
    resource: &'e Element,
    location: String,
    resource_type: &'e str,
    has_id: bool,
}

impl SearchEntry<'_> {
    /// The rules of the entry's search mode (R4 valueset-search-entry-mode): a `match` is a
    /// resource of a type the search is for, and like an `include` it has an id (it was read
    /// from a server); an `outcome` is an OperationOutcome. Without a mode an entry without an
    /// id is only a warning.
    fn check(&self, report: &mut Report, mode: Option<&str>, searched: &[String]) {
        let mut error = |message: String| {
            report.add(
                Severity::Error,
                self.resource,
                &self.location,
                "Bundle.entry.search.mode",
                message,
            );
        };
        match mode {
            Some(mode @ ("match" | "include")) => {
                if !self.has_id {
                    error("Search results must have ids".into());
                }
                if mode == "match"
                    && !searched.is_empty()
                    && !searched.iter().any(|t| t == self.resource_type)
                {
                    error(format!(
                        "The entry's search mode is 'match', but the search is for {}, not {}",
                        searched.join(", "),
                        self.resource_type
                    ));
                }
            }
            Some("outcome") if self.resource_type != "OperationOutcome" => error(format!(
                "An entry with the search mode 'outcome' must hold an OperationOutcome, not {}",
                self.resource_type
            )),
            Some(_) => {}
            None if !self.has_id && self.resource_type != "OperationOutcome" => report.add(
                Severity::Warning,
                self.resource,
                &self.location,
                "Bundle.entry.resource",
                "Search results should have ids".into(),
            ),
            None => {}
        }
    }
}

/// The resource types a searchset's `self` link searches: the type its path ends with
/// (`[base]/Patient?name=x`), else those its `_type` parameter names; none when neither tells.
fn searched_types(cx: &Context<'_>, bundle: &Element) -> Vec<String> {
    let Some(url) = bundle
        .children_named("link")
        .find(|l| l.child("relation").and_then(Element::text) == Some("self"))
        .and_then(|l| l.child("url"))
        .and_then(Element::text)
    else {
        return Vec::new();
    };
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let is_resource_type = |name: &str| {
        name.starts_with(|c: char| c.is_ascii_uppercase())
            && cx
                .validator
                .type_profile(name)
                .is_some_and(|p| p.kind == "resource")
    };
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    if is_resource_type(last) {
        return vec![last.to_owned()];
    }
    query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("_type="))
        .flat_map(|types| types.split(','))
        .filter(|t| is_resource_type(t))
        .map(str::to_owned)
        .collect()
}

/// What is wrong with an entry's `fullUrl` given its resource's type and id: it must be
/// absolute, and a RESTful URL (`http[s]://base/Type/id`) must name the resource's own type
/// and id, so a resource without an id cannot have one (R4 bundle.html#bundle-unique:
/// "fullUrl SHALL be the same as the resource's id" for RESTful identities).
fn full_url_problem(
    cx: &Context<'_>,
    full_url: &str,
    resource_type: &str,
    id: Option<&str>,
) -> Option<String> {
    if !is_absolute_url(full_url) {
        return Some(format!(
            "The fullUrl must be an absolute URL (not '{full_url}')"
        ));
    }
    let (url_type, url_id) = restful_tail(full_url)?;
    // Only a known resource type makes the URL RESTful.
    cx.validator.type_profile(url_type)?;
    match id {
        Some(id) if url_type == resource_type && id == url_id => None,
        Some(id) => Some(format!(
            "The fullUrl '{full_url}' does not match the resource ({resource_type}/{id})"
        )),
        None if is_http(full_url) && assure_model::check_primitive("id", url_id).is_ok() => {
            Some(format!(
                "The fullUrl '{full_url}' looks like a RESTful server URL, so the resource must \
                 have the id it names ('{url_id}'), but it has no id"
            ))
        }
        None if url_type != resource_type => Some(format!(
            "The fullUrl '{full_url}' does not match the resource ({resource_type}/no id)"
        )),
        None => None,
    }
}

/// Whether `url` is an `http:` or `https:` URL, the form a RESTful server's URLs take.
fn is_http(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
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
