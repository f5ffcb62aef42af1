//! Lookups of a Bundle's entries, built once per document so that resolving its references
//! takes constant time per reference instead of a scan of every entry; and the `Type/id` that
//! entry URLs and references end with.

use std::hash::{BuildHasher, Hash};

use assure_model::Element;
use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// Where each entry of one Bundle sits among the Bundle's children: by `fullUrl`, by the
/// type and id of its resource, and by its resource's address. The first entry wins when
/// several share a key. Only positions are stored: keys are read from the Bundle (which every
/// lookup is given), so the URLs and ids of a Bundle of millions of entries are not copied.
#[derive(Debug)]
pub struct BundleIndex {
    by_full_url: Positions,
    by_type_and_id: Positions,
    by_resource: Positions,
}

impl BundleIndex {
    /// Indexes the entries of `bundle`.
    pub fn new(bundle: &Element) -> Self {
        let mut index = BundleIndex {
            by_full_url: Positions::default(),
            by_type_and_id: Positions::default(),
            by_resource: Positions::default(),
        };
        for (at, entry) in bundle.children.iter().enumerate() {
            if entry.name != "entry" {
                continue;
            }
            let Ok(at) = u32::try_from(at) else {
                break;
            };
            if let Some(full_url) = full_url(entry) {
                index
                    .by_full_url
                    .insert_first(at, full_url, |other| full_url_at(bundle, other));
            }
            let Some(resource) = entry.child("resource") else {
                continue;
            };
            index
                .by_resource
                .insert_first(at, address(resource), |other| resource_at(bundle, other));
            if let Some(key) = type_and_id(resource) {
                index
                    .by_type_and_id
                    .insert_first(at, key, |other| type_and_id_at(bundle, other));
            }
        }
        index
    }

    /// The entry resource of `bundle` (the indexed one) that `reference`, made in the entry
    /// holding `from`, points to, by the rules for resolving references in bundles (R4
    /// section 3.3.1): an absolute reference is looked up as a `fullUrl`; a relative
    /// `Type/id` is made absolute against the referring entry's `fullUrl` (its RESTful base,
    /// or its `urn:uuid:`/`urn:oid:` prefix) and looked up as a `fullUrl`. Only when the
    /// referring resource has no `fullUrl` is a relative reference matched by type and id.
    pub fn resolve<'e>(
        &self,
        bundle: &'e Element,
        reference: &str,
        from: &Element,
    ) -> Option<&'e Element> {
        let at = self.resolve_entry(bundle, reference, from)?;
        bundle.children.get(at)?.child("resource")
    }

    /// Like [`BundleIndex::resolve`], giving the position of the target entry among the
    /// Bundle's children.
    pub fn resolve_entry(
        &self,
        bundle: &Element,
        reference: &str,
        from: &Element,
    ) -> Option<usize> {
        let reference = reference.split('#').next().unwrap_or_default();
        if reference.contains(':')
            && let Some(at) = self
                .by_full_url
                .find(reference, |at| full_url_at(bundle, at))
        {
            return Some(at);
        }
        // A version-specific reference matches the fullUrl without its version, and then the
        // version with the target's `meta.versionId` (R4 bundle.html#references).
        let (unversioned, version) = split_version(reference);
        let at = self.resolve_unversioned(bundle, unversioned, from)?;
        match version {
            None => Some(at),
            Some(version) => {
                let version_id = bundle
                    .children
                    .get(at)?
                    .child("resource")?
                    .child("meta")?
                    .child("versionId")?
                    .text()?;
                (version_id == version).then_some(at)
            }
        }
    }

    /// The entry a reference without a version points to.
    fn resolve_unversioned(
        &self,
        bundle: &Element,
        reference: &str,
        from: &Element,
    ) -> Option<usize> {
        if reference.contains(':') {
            return self
                .by_full_url
                .find(reference, |at| full_url_at(bundle, at));
        }
        let from_full_url = self
            .by_resource
            .find(address(from), |at| resource_at(bundle, at))
            .and_then(|at| bundle.children.get(at))
            .and_then(full_url);
        let Some(from_full_url) = from_full_url else {
            let (kind, id) = restful_tail(reference).or_else(|| reference.split_once('/'))?;
            return self
                .by_type_and_id
                .find((kind, id), |at| type_and_id_at(bundle, at));
        };
        let target = absolute_target(from_full_url, reference)?;
        self.by_full_url
            .find(target.as_str(), |at| full_url_at(bundle, at))
    }

    /// Says that `reference` does not resolve in `bundle`, and why when an entry holds a
    /// resource of the named type and id under a `fullUrl` the reference does not stand for.
    pub fn unresolved_message(&self, bundle: &Element, reference: &str) -> String {
        let plain = format!("Unable to resolve the reference '{reference}' within the document");
        if let (_, Some(version)) = split_version(reference) {
            return format!(
                "{plain}: a version-specific reference matches only an entry whose resource has \
                 meta.versionId '{version}'"
            );
        }
        if reference.contains(':') {
            return plain;
        }
        let near = restful_tail(reference)
            .and_then(|key| {
                self.by_type_and_id
                    .find(key, |at| type_and_id_at(bundle, at))
            })
            .and_then(|at| bundle.children.get(at))
            .and_then(full_url);
        match near {
            Some(full_url) => format!(
                "{plain}: an entry holds a resource with that type and id, but its fullUrl \
                 '{full_url}' is not what the reference stands for, given the fullUrl of the \
                 entry that makes it"
            ),
            None => plain,
        }
    }
}

/// Entry positions in a Bundle by a key read from the entry at each position, so that the
/// table holds the positions alone.
#[derive(Debug, Default)]
struct Positions(HashTable<u32>);

impl Positions {
    /// Records that the entry at `at` has `key`, unless one recorded before has it;
    /// `key_at` reads the key of the entry at a position.
    fn insert_first<K: Hash + Eq>(&mut self, at: u32, key: K, key_at: impl Fn(u32) -> Option<K>) {
        let key_hash = hash(&key);
        if self
            .0
            .find(key_hash, |&other| key_at(other).as_ref() == Some(&key))
            .is_none()
        {
            self.0
                .insert_unique(key_hash, at, |&other| key_at(other).map_or(0, |k| hash(&k)));
        }
    }

    /// The position of the first entry recorded with `key`.
    fn find<K: Hash + Eq>(&self, key: K, key_at: impl Fn(u32) -> Option<K>) -> Option<usize> {
        self.0
            .find(hash(&key), |&other| key_at(other).as_ref() == Some(&key))
            .map(|&at| at as usize)
    }
}

/// The hash of a key in [`Positions`].
fn hash(key: &impl Hash) -> u64 {
    FixedState::default().hash_one(key)
}

/// The `fullUrl` of an entry.
fn full_url(entry: &Element) -> Option<&str> {
    entry.child("fullUrl").and_then(Element::text)
}

/// The resource type and id of an entry's resource.
fn type_and_id(resource: &Element) -> Option<(&str, &str)> {
    Some((
        resource.resource_type.as_deref()?,
        resource.child("id").and_then(Element::text)?,
    ))
}

/// The `fullUrl` of the child of `bundle` at `at`.
fn full_url_at(bundle: &Element, at: u32) -> Option<&str> {
    full_url(bundle.children.get(at as usize)?)
}

/// The resource type and id of the resource of the child of `bundle` at `at`.
fn type_and_id_at(bundle: &Element, at: u32) -> Option<(&str, &str)> {
    type_and_id(bundle.children.get(at as usize)?.child("resource")?)
}

/// The address of the resource of the child of `bundle` at `at`.
fn resource_at(bundle: &Element, at: u32) -> Option<usize> {
    bundle
        .children
        .get(at as usize)?
        .child("resource")
        .map(address)
}

/// A reference without its `/_history/<version>` tail, and the version.
fn split_version(reference: &str) -> (&str, Option<&str>) {
    match reference.rsplit_once("/_history/") {
        Some((base, version)) if !version.is_empty() && !version.contains('/') => {
            (base, Some(version))
        }
        _ => (reference, None),
    }
}

/// The `fullUrl` a relative reference `Type/id[/_history/v]` made in the entry whose
/// `fullUrl` is `from` stands for: the RESTful base of `from` followed by `Type/id`, or, when
/// `from` is a URN, its prefix up to the last `:` followed by the id.
fn absolute_target(from: &str, reference: &str) -> Option<String> {
    let (kind, id) = restful_tail(reference)?;
    if from.starts_with("urn:") {
        let prefix = &from[..=from.rfind(':')?];
        return Some(format!("{prefix}{id}"));
    }
    let (from_kind, from_id) = restful_tail(from)?;
    let tail_at = from.rfind(&format!("{from_kind}/{from_id}"))?;
    Some(format!("{}{kind}/{id}", &from[..tail_at]))
}

/// `(type, id)` from the end of a RESTful URL (`.../Patient/1` or `.../Patient/1/_history/2`).
pub fn restful_tail(url: &str) -> Option<(&str, &str)> {
    if url.starts_with("urn:") {
        return None;
    }
    let parts: Vec<&str> = url.split('/').collect();
    let n = parts.len();
    let (type_at, id_at) = if n >= 4 && parts[n - 2] == "_history" {
        (n - 4, n - 3)
    } else {
        (n.checked_sub(2)?, n - 1)
    };
    let kind = parts.get(type_at)?;
    kind.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some((*kind, parts[id_at]))
}

/// The identity of an element within one parsed document.
fn address(element: &Element) -> usize {
    std::ptr::from_ref(element) as usize
}

#[cfg(test)]
mod tests {
    use assure_model::{Element, Format};

    use super::{BundleIndex, restful_tail};

    fn bundle() -> Element {
        let json = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": "http://x/fhir/Observation/o1", "resource":
                {"resourceType": "Observation", "id": "o1"}},
            {"fullUrl": "http://x/fhir/Patient/p1", "resource":
                {"resourceType": "Patient", "id": "p1", "gender": "male",
                 "meta": {"versionId": "3"}}},
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
    fn resolves_references_by_the_full_url_rules() {
        let bundle = bundle();
        let index = BundleIndex::new(&bundle);
        let mut entries = bundle.children_named("entry");
        let observation = entries.next().unwrap();
        let from = observation.child("resource").unwrap();
        // Relative to the referring entry's base; the first of two equal fullUrls wins.
        let found = index.resolve(&bundle, "Patient/p1", from);
        assert_eq!(gender(found), Some("male"));
        let found = index.resolve(&bundle, "Patient/p1/_history/3", from);
        assert_eq!(gender(found), Some("male"));
        // A version-specific reference matches the target's meta.versionId too.
        let found = index.resolve(&bundle, "http://x/fhir/Patient/p1/_history/3", from);
        assert_eq!(gender(found), Some("male"));
        assert!(
            index
                .resolve(&bundle, "Patient/p1/_history/4", from)
                .is_none()
        );
        assert!(
            index
                .resolve(&bundle, "http://x/fhir/Observation/o1/_history/1", from)
                .is_none()
        );
        // Absolute references match a fullUrl and nothing else.
        let found = index.resolve(&bundle, "urn:uuid:9", from);
        assert_eq!(found.and_then(|r| r.child("id")?.text()), Some("p2"));
        assert!(
            index
                .resolve(&bundle, "http://elsewhere/Patient/p2", from)
                .is_none()
        );
        // A resource with the right type and id but another fullUrl is not the target.
        assert!(index.resolve(&bundle, "Patient/p2", from).is_none());
        assert!(
            index
                .unresolved_message(&bundle, "Patient/p2")
                .contains("its fullUrl 'urn:uuid:9'")
        );
        assert!(index.resolve(&bundle, "Patient/p3", from).is_none());
    }

    #[test]
    fn relative_references_from_urns_keep_the_urn_prefix() {
        let json = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
            {"fullUrl": "urn:uuid:a1", "resource": {"resourceType": "Patient"}},
            {"fullUrl": "urn:uuid:b2", "resource": {"resourceType": "Organization"}},
            {"resource": {"resourceType": "Practitioner", "id": "c3"}}
        ]}"#;
        let bundle = assure_model::parse(json.as_bytes(), Format::Json)
            .unwrap()
            .root;
        let index = BundleIndex::new(&bundle);
        let entries: Vec<&Element> = bundle.children_named("entry").collect();
        let patient = entries[0].child("resource").unwrap();
        let found = index.resolve(&bundle, "Practitioner/b2", patient);
        assert_eq!(
            found.and_then(|r| r.resource_type.as_deref()),
            Some("Organization")
        );
        assert!(index.resolve(&bundle, "Practitioner/c3", patient).is_none());
        // Without a fullUrl of its own, a resource's references match by type and id.
        let no_full_url = entries[2].child("resource").unwrap();
        let found = index.resolve(&bundle, "Practitioner/c3", no_full_url);
        assert_eq!(found.and_then(|r| r.child("id")?.text()), Some("c3"));
    }

    #[test]
    fn reads_type_and_id_from_full_urls() {
        assert_eq!(
            restful_tail("http://x/fhir/Patient/1"),
            Some(("Patient", "1"))
        );
        assert_eq!(
            restful_tail("http://x/Patient/1/_history/2"),
            Some(("Patient", "1"))
        );
        assert_eq!(restful_tail("urn:uuid:1234"), None);
        assert_eq!(restful_tail("http://x/fhir/patient"), None);
    }
}
