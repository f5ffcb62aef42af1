//! Lookups of a Bundle's entries, built once per document so that resolving its references
//! takes constant time per reference instead of a scan of every entry.

use std::collections::HashMap;

use assure_model::Element;

use super::bundle::restful_tail;

/// Where each entry of one Bundle sits among the Bundle's children: by `fullUrl`, by the
/// type and id of its resource, and by its resource's address. The first entry wins when
/// several share a key.
#[derive(Debug)]
pub struct BundleIndex {
    /// Address of the indexed Bundle element.
    document: usize,
    by_full_url: HashMap<String, usize>,
    by_type_and_id: HashMap<(String, String), usize>,
    by_resource: HashMap<usize, usize>,
}

impl BundleIndex {
    /// Indexes the entries of `bundle`.
    pub fn new(bundle: &Element) -> Self {
        let mut index = BundleIndex {
            document: address(bundle),
            by_full_url: HashMap::new(),
            by_type_and_id: HashMap::new(),
            by_resource: HashMap::new(),
        };
        for (at, entry) in bundle.children.iter().enumerate() {
            if entry.name != "entry" {
                continue;
            }
            if let Some(full_url) = entry.child("fullUrl").and_then(Element::text) {
                index.by_full_url.entry(full_url.to_owned()).or_insert(at);
            }
            let Some(resource) = entry.child("resource") else {
                continue;
            };
            index.by_resource.entry(address(resource)).or_insert(at);
            if let (Some(kind), Some(id)) = (
                resource.resource_type.as_deref(),
                resource.child("id").and_then(Element::text),
            ) {
                index
                    .by_type_and_id
                    .entry((kind.to_owned(), id.to_owned()))
                    .or_insert(at);
            }
        }
        index
    }

    /// Whether this index was built for `bundle`.
    pub fn indexes(&self, bundle: &Element) -> bool {
        self.document == address(bundle)
    }

    /// The entry resource of `bundle` (the indexed one) that `reference`, made in the entry
    /// holding `from`, points to: by `fullUrl`, or by type and id for relative references.
    pub fn resolve<'e>(
        &self,
        bundle: &'e Element,
        reference: &str,
        from: &Element,
    ) -> Option<&'e Element> {
        let entry_at = |at: usize| bundle.children.get(at);
        let from_full_url = self
            .by_resource
            .get(&address(from))
            .and_then(|&at| entry_at(at))
            .and_then(|e| e.child("fullUrl"))
            .and_then(Element::text);
        let absolute = if reference.contains(':') {
            reference.to_owned()
        } else {
            let base = from_full_url
                .and_then(|url| {
                    restful_tail(url).map(|(t, i)| &url[..url.len() - t.len() - i.len() - 1])
                })
                .unwrap_or_default();
            format!("{base}{reference}")
        };
        let by_url = self.by_full_url.get(&absolute).and_then(|&at| entry_at(at));
        by_url
            .or_else(|| {
                let (kind, id) = restful_tail(reference).or_else(|| reference.split_once('/'))?;
                self.by_type_and_id
                    .get(&(kind.to_owned(), id.to_owned()))
                    .and_then(|&at| entry_at(at))
            })
            .and_then(|e| e.child("resource"))
    }
}

/// The identity of an element within one parsed document.
fn address(element: &Element) -> usize {
    std::ptr::from_ref(element) as usize
}

#[cfg(test)]
mod tests {
    use assure_model::{Element, Format};

    use super::BundleIndex;

    fn bundle() -> Element {
        let json = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": "http://x/fhir/Observation/o1", "resource":
                {"resourceType": "Observation", "id": "o1"}},
            {"fullUrl": "http://x/fhir/Patient/p1", "resource":
                {"resourceType": "Patient", "id": "p1", "gender": "male"}},
            {"fullUrl": "http://x/fhir/Patient/p1", "resource":
                {"resourceType": "Patient", "id": "p1", "gender": "female"}},
            {"fullUrl": "urn:uuid:9", "resource": {"resourceType": "Patient", "id": "p2"}}
        ]}"#;
        assure_model::parse(json.as_bytes(), Format::Json)
            .expect("bundle parses")
            .root
    }

    fn gender(target: Option<&Element>) -> Option<&str> {
        target?.child("gender")?.text()
    }

    #[test]
    fn resolves_references_like_a_scan_of_the_entries() {
        let bundle = bundle();
        let index = BundleIndex::new(&bundle);
        assert!(index.indexes(&bundle));
        let observation = bundle.children_named("entry").next().unwrap();
        let from = observation.child("resource").unwrap();
        // Relative to the referring entry's base; the first of two equal fullUrls wins.
        let found = index.resolve(&bundle, "Patient/p1", from);
        assert_eq!(gender(found), Some("male"));
        // Absolute by fullUrl, and by type and id when no fullUrl matches.
        let found = index.resolve(&bundle, "urn:uuid:9", from);
        assert_eq!(found.and_then(|r| r.child("id")?.text()), Some("p2"));
        let found = index.resolve(&bundle, "http://elsewhere/Patient/p2", from);
        assert_eq!(found.and_then(|r| r.child("id")?.text()), Some("p2"));
        assert!(index.resolve(&bundle, "Patient/p3", from).is_none());
        assert!(!index.indexes(observation));
    }
}
