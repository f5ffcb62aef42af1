//! Resources outside the validated document that its references point to, supplied by the
//! caller (for example, resources a test run has already read from the server), so that the
//! type and target profiles of such references can be checked too.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Arc;

use assure_model::Element;

use super::bundle_index::restful_tail;

/// Finds the resource a literal reference outside the document points to.
pub trait ReferenceResolver: Send + Sync + Debug {
    /// The resource `reference` (relative `Type/id` or absolute) points to, when known.
    fn resolve(&self, reference: &str) -> Option<Arc<Element>>;
}

/// A resolver over resources the caller holds, found by the `Type/id` a reference ends with
/// (a version in the reference is ignored). A later resource with the same type and id
/// replaces an earlier one.
#[derive(Debug, Default, Clone)]
pub struct KnownResources {
    by_type_and_id: HashMap<(String, String), Arc<Element>>,
}

impl KnownResources {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a resource; one without a resource type or id cannot be referred to and is skipped.
    pub fn add(&mut self, resource: Arc<Element>) {
        let (Some(kind), Some(id)) = (
            resource.resource_type.as_deref().map(str::to_owned),
            resource
                .child("id")
                .and_then(Element::text)
                .map(str::to_owned),
        ) else {
            return;
        };
        self.by_type_and_id.insert((kind, id), resource);
    }

    /// Adds a resource and, when it is a Bundle, every entry's resource.
    pub fn add_with_entries(&mut self, resource: Element) {
        if resource.resource_type.as_deref() == Some("Bundle") {
            for entry in resource.children_named("entry") {
                if let Some(inner) = entry.child("resource") {
                    self.add(Arc::new(inner.clone()));
                }
            }
        }
        self.add(Arc::new(resource));
    }

    /// How many resources are held.
    pub fn len(&self) -> usize {
        self.by_type_and_id.len()
    }

    /// Whether none are held.
    pub fn is_empty(&self) -> bool {
        self.by_type_and_id.is_empty()
    }
}

impl ReferenceResolver for KnownResources {
    fn resolve(&self, reference: &str) -> Option<Arc<Element>> {
        let path = reference.split(['?', '#']).next()?;
        let (kind, id) = restful_tail(path)?;
        self.by_type_and_id
            .get(&(kind.to_owned(), id.to_owned()))
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use assure_model::Format;

    use super::{KnownResources, ReferenceResolver};

    #[test]
    fn finds_resources_by_the_type_and_id_a_reference_ends_with() {
        let bundle = assure_model::parse(
            br#"{"resourceType": "Bundle", "type": "searchset", "entry": [
                {"resource": {"resourceType": "Patient", "id": "p1"}},
                {"resource": {"resourceType": "Organization"}}]}"#,
            Format::Json,
        )
        .unwrap()
        .root;
        let mut known = KnownResources::new();
        known.add_with_entries(bundle);
        assert_eq!(known.len(), 1);
        for reference in [
            "Patient/p1",
            "https://fhir.example.org/r4/Patient/p1",
            "Patient/p1/_history/3",
        ] {
            let found = known.resolve(reference).expect(reference);
            assert_eq!(found.resource_type.as_deref(), Some("Patient"));
        }
        assert!(known.resolve("Patient/p2").is_none());
        assert!(known.resolve("Patient?identifier=x").is_none());
        let patient = known.resolve("Patient/p1").unwrap();
        let mut replaced = (*patient).clone();
        replaced.children.push(assure_model::Element::new(
            "active",
            None,
            Default::default(),
        ));
        known.add(Arc::new(replaced));
        assert!(
            known
                .resolve("Patient/p1")
                .unwrap()
                .child("active")
                .is_some()
        );
    }
}
