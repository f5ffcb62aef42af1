//! Dotted JSON paths as written in suites: `entry.0.resource.id`, `entry.*.resource.gender`.
//!
//! A segment that is a number indexes an array (on an object it is an ordinary key); `*` takes
//! every item of an array; any other segment is an object key. A JSON `null` counts as absent,
//! as FHIR never sends `null` for a value. The empty path is the whole document.

use serde_json::Value;

/// The wildcard segment.
const EVERY_ITEM: &str = "*";

/// Every value `path` reaches in `root`, in document order; empty when it reaches nothing.
pub fn resolve<'a>(root: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![root];
    if !path.is_empty() {
        for segment in path.split('.') {
            current = current
                .into_iter()
                .flat_map(|value| step(value, segment))
                .collect();
        }
    }
    current.retain(|value| !value.is_null());
    current
}

/// True when `path` has a `*` segment, i.e. may reach several values.
pub fn has_wildcard(path: &str) -> bool {
    path.split('.').any(|segment| segment == EVERY_ITEM)
}

fn step<'a>(value: &'a Value, segment: &str) -> Vec<&'a Value> {
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
        assert!(has_wildcard("entry.*.resource"));
        assert!(!has_wildcard("entry.0.resource"));
        assert!(resolve(&doc, "meta.*").is_empty());
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
