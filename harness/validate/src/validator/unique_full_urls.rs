//! The R4 invariant bdl-7, "FullUrl must be unique in a bundle, or else entries with the same
//! fullUrl must have different meta.versionId (except in history bundles)", answered without
//! the FHIRPath engine. The engine evaluates it by building collections of every entry, of
//! their `fullUrl & resource.meta.versionId` strings and of a set of those: several hundred
//! bytes an entry at once, the most a Bundle of millions of tiny entries needs anywhere.
//! Here only the positions of the entries are kept, in a hash table.

use std::hash::BuildHasher;

use assure_model::{Element, Primitive};
use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// bdl-7's expression in the R4 definitions.
pub const BDL_7: &str = "(type = 'history') or entry.where(fullUrl.exists())\
    .select(fullUrl&resource.meta.versionId).isDistinct()";

/// What the FHIRPath engine answers for [`BDL_7`] on `bundle`: `Some(Some(true))` or
/// `Some(Some(false))`, `Some(None)` for no answer (a Bundle without a `type` whose entries'
/// URLs are not distinct). `None` when the Bundle is not plain enough to answer without the
/// engine: an element the expression reads repeats, or has no string value.
pub fn holds(bundle: &Element) -> Option<Option<bool>> {
    // `type = 'history'`: empty without a type, so that `or` is true or has no answer.
    let history = match single(bundle, "type")? {
        Some(kind) => Some(text(kind)? == "history"),
        None => None,
    };
    if history == Some(true) {
        return Some(Some(true));
    }
    let distinct = entry_keys_distinct(bundle)?;
    Some(match (history, distinct) {
        (_, true) => Some(true),
        (Some(_), false) => Some(false),
        (None, false) => None,
    })
}

/// Whether no two entries with a `fullUrl` have the same `fullUrl & resource.meta.versionId`;
/// `None` when an entry is not plain.
fn entry_keys_distinct(bundle: &Element) -> Option<bool> {
    let mut seen: HashTable<u32> = HashTable::new();
    let key_at = |at: u32| key(&bundle.children[at as usize]).flatten();
    for (at, entry) in bundle.children.iter().enumerate() {
        if entry.name != "entry" {
            continue;
        }
        let Some(entry_key) = key(entry)? else {
            continue;
        };
        let at = u32::try_from(at).ok()?;
        let entry_hash = hash(entry_key);
        if seen
            .find(entry_hash, |&other| {
                key_at(other).is_some_and(|k| same(k, entry_key))
            })
            .is_some()
        {
            return Some(false);
        }
        seen.insert_unique(entry_hash, at, |&other| key_at(other).map_or(0, hash));
    }
    Some(true)
}

/// The `fullUrl` and `resource.meta.versionId` (empty when absent) of an entry, whose
/// concatenation the engine compares; `Some(None)` for an entry without a `fullUrl`, `None`
/// for one that is not plain.
fn key(entry: &Element) -> Option<Option<(&str, &str)>> {
    let Some(full_url) = single(entry, "fullUrl")? else {
        return Some(None);
    };
    let mut version = "";
    if let Some(resource) = single(entry, "resource")?
        && let Some(meta) = single(resource, "meta")?
        && let Some(version_id) = single(meta, "versionId")?
    {
        version = text(version_id)?;
    }
    Some(Some((text(full_url)?, version)))
}

/// The one child named `name` (`Some(None)` when there is none); `None` when it repeats.
fn single<'e>(parent: &'e Element, name: &str) -> Option<Option<&'e Element>> {
    let mut named = parent.children.iter().filter(|c| c.name == name);
    let first = named.next();
    named.next().is_none().then_some(first)
}

/// The string value of a primitive; `None` for any other value or none.
fn text(element: &Element) -> Option<&str> {
    match &element.value {
        Some(Primitive::String(text)) => Some(text),
        _ => None,
    }
}

/// The hash of the concatenation of a key's two parts.
fn hash((full_url, version): (&str, &str)) -> u64 {
    let hasher = FixedState::default();
    if version.is_empty() {
        hasher.hash_one(full_url)
    } else {
        hasher.hash_one(format!("{full_url}{version}").as_str())
    }
}

/// Whether two keys concatenate to the same string.
fn same((a, b): (&str, &str), (c, d): (&str, &str)) -> bool {
    a.len() + b.len() == c.len() + d.len()
        && a.bytes().chain(b.bytes()).eq(c.bytes().chain(d.bytes()))
}

#[cfg(test)]
mod tests {
    use assure_model::{Element, Format};

    use super::holds;

    fn bundle(kind: Option<&str>, entries: &[(&str, Option<&str>)]) -> Element {
        let entries: Vec<String> = entries
            .iter()
            .map(|(url, version)| {
                let meta = version
                    .map(|v| format!(r#","meta":{{"versionId":"{v}"}}"#))
                    .unwrap_or_default();
                format!(r#"{{"fullUrl":"{url}","resource":{{"resourceType":"Patient"{meta}}}}}"#)
            })
            .collect();
        let kind = kind
            .map(|k| format!(r#""type":"{k}","#))
            .unwrap_or_default();
        let json = format!(
            r#"{{"resourceType":"Bundle",{kind}"entry":[{}]}}"#,
            entries.join(",")
        );
        assure_model::parse(json.as_bytes(), Format::Json)
            .unwrap()
            .root
    }

    #[test]
    fn full_urls_are_distinct_with_their_versions() {
        let twice = [("urn:uuid:1", None), ("urn:uuid:1", None)];
        assert_eq!(
            holds(&bundle(Some("collection"), &twice)),
            Some(Some(false))
        );
        assert_eq!(holds(&bundle(Some("history"), &twice)), Some(Some(true)));
        assert_eq!(holds(&bundle(None, &twice)), Some(None));
        let versions = [("urn:uuid:1", Some("1")), ("urn:uuid:1", Some("2"))];
        assert_eq!(
            holds(&bundle(Some("collection"), &versions)),
            Some(Some(true))
        );
        assert_eq!(holds(&bundle(None, &versions)), Some(Some(true)));
        // The engine compares the concatenations: `urn:uuid:1` & `1` = `urn:uuid:11` & ``.
        let run_together = [("urn:uuid:1", Some("1")), ("urn:uuid:11", None)];
        assert_eq!(
            holds(&bundle(Some("collection"), &run_together)),
            Some(Some(false))
        );
    }

    #[test]
    fn bundles_that_are_not_plain_are_left_to_the_engine() {
        let json = br#"{"resourceType":"Bundle","type":"collection","entry":[
            {"fullUrl":"urn:uuid:1","_fullUrl":{"id":"a"}},{"_fullUrl":{"id":"b"}}]}"#;
        let root = assure_model::parse(json, Format::Json).unwrap().root;
        assert_eq!(holds(&root), None);
        let json = br#"{"resourceType":"Bundle","type":7,"entry":[{"fullUrl":"urn:uuid:1"}]}"#;
        let root = assure_model::parse(json, Format::Json).unwrap().root;
        assert_eq!(holds(&root), None);
    }
}
