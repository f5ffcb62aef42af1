//! Dotted JSON paths as written in suites: `entry.0.resource.id`, `entry.*.resource.gender`,
//! `link.[relation=next].url`.
//!
//! A segment that is a number indexes an array (on an object it is an ordinary key); `*` takes
//! every item of an array; `[key=value]` keeps the items of an array (or the object itself)
//! whose `key` is `value` (dots inside the brackets belong to the value); any other segment is
//! an object key. A JSON `null` counts as absent, as FHIR never sends `null` for a value. The
//! empty path is the whole document.

use serde_json::Value;

/// The wildcard segment.
pub(super) const EVERY_ITEM: &str = "*";

/// Every value `path` reaches in `root`, in document order; empty when it reaches nothing.
pub fn resolve<'a>(root: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![root];
    if !path.is_empty() {
        for segment in segments(path) {
            current = current
                .into_iter()
                .flat_map(|value| step(value, segment))
                .collect();
        }
    }
    current.retain(|value| !value.is_null());
    current
}

/// True when `path` has a `*` or `[key=value]` segment, i.e. may reach several values.
pub fn may_reach_several(path: &str) -> bool {
    segments(path)
        .into_iter()
        .any(|segment| segment == EVERY_ITEM || filter(segment).is_some())
}

/// The segments of `path`: split on dots, except inside `[...]`.
pub(super) fn segments(path: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (at, character) in path.char_indices() {
        match character {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                segments.push(&path[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    segments.push(&path[start..]);
    segments
}

/// The key and value of a `[key=value]` segment.
pub(super) fn filter(segment: &str) -> Option<(&str, &str)> {
    segment
        .strip_prefix('[')?
        .strip_suffix(']')?
        .split_once('=')
}

/// True when `item` is an object whose `key` holds `wanted` (a string, or a number or boolean
/// written that way).
fn has_field(item: &Value, key: &str, wanted: &str) -> bool {
    match item.get(key) {
        Some(Value::String(text)) => text == wanted,
        Some(scalar @ (Value::Number(_) | Value::Bool(_))) => {
            serde_json::from_str::<Value>(wanted).is_ok_and(|parsed| parsed == *scalar)
        }
        _ => false,
    }
}

fn step<'a>(value: &'a Value, segment: &str) -> Vec<&'a Value> {
    if let Some((key, wanted)) = filter(segment) {
        return match value {
            Value::Array(items) => items
                .iter()
                .filter(|item| has_field(item, key, wanted))
                .collect(),
            single if has_field(single, key, wanted) => vec![single],
            _ => Vec::new(),
        };
    }
    match value {
        Value::Array(items) if segment == EVERY_ITEM => items.iter().collect(),
        Value::Array(items) => segment
            .parse::<usize>()
            .ok()
            .and_then(|index| items.get(index))
            .into_iter()
            .collect(),
        Value::Object(fields) => fields.get(segment).into_iter().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bundle() -> Value {
        json!({
            "resourceType": "Bundle",
            "entry": [
                {"resource": {"id": "a", "gender": "male"}},
                {"resource": {"id": "b", "gender": null}},
                {"resource": {"id": "c", "gender": "female"}}
            ],
            "meta": {"0": "key"}
        })
    }

    #[test]
    fn keys_and_indexes() {
        let doc = bundle();
        assert_eq!(resolve(&doc, "entry.1.resource.id"), vec![&json!("b")]);
        assert_eq!(resolve(&doc, "meta.0"), vec![&json!("key")]);
        assert!(resolve(&doc, "entry.9.resource.id").is_empty());
        assert!(resolve(&doc, "entry.x").is_empty());
        assert!(resolve(&doc, "resourceType.length").is_empty());
    }

    #[test]
    fn wildcard_takes_every_item_and_drops_nulls() {
        let doc = bundle();
        assert_eq!(
            resolve(&doc, "entry.*.resource.gender"),
            vec![&json!("male"), &json!("female")]
        );
        assert!(may_reach_several("entry.*.resource"));
        assert!(may_reach_several("link.[relation=next].url"));
        assert!(!may_reach_several("entry.0.resource"));
        assert!(resolve(&doc, "meta.*").is_empty());
    }

    #[test]
    fn filters_keep_matching_items_even_with_dots_in_the_value() {
        let doc = json!({
            "link": [{"relation": "self", "url": "s"}, {"relation": "next", "url": "n"}],
            "identifier": [
                {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"},
                {"system": "urn:other", "value": "x"},
                {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000026"}
            ],
            "rank": [{"n": 1, "v": "one"}, {"n": 2, "v": "two"}],
            "meta": {"versionId": "3", "source": "a"}
        });
        assert_eq!(resolve(&doc, "link.[relation=next].url"), vec![&json!("n")]);
        assert_eq!(
            resolve(
                &doc,
                "identifier.[system=https://fhir.nhs.uk/Id/nhs-number].value"
            ),
            vec![&json!("9990000018"), &json!("9990000026")]
        );
        assert_eq!(resolve(&doc, "rank.[n=2].v"), vec![&json!("two")]);
        assert_eq!(
            resolve(&doc, "meta.[versionId=3].source"),
            vec![&json!("a")]
        );
        assert!(resolve(&doc, "link.[relation=previous].url").is_empty());
        assert!(resolve(&doc, "link.[relation].url").is_empty());
        assert!(resolve(&doc, "link.[relation=next.url").is_empty());
    }

    #[test]
    fn empty_path_is_the_document_and_odd_paths_do_not_panic() {
        let doc = bundle();
        assert_eq!(resolve(&doc, ""), vec![&doc]);
        assert!(resolve(&doc, "..").is_empty());
        assert!(resolve(&doc, "entry.-1").is_empty());
        assert!(resolve(&doc, "entry.99999999999999999999999").is_empty());
    }
}
