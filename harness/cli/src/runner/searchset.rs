//! Reading a searchset Bundle: the resources it returns as matches.

use serde_json::Value;

/// The resources of `bundle`'s entries whose `search.mode` is `match` (or absent) that are
/// of `resource_type` and have an id, in order.
pub(crate) fn matches_of_type(bundle: &Value, resource_type: &str) -> Vec<Value> {
    bundle
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| {
            e.pointer("/search/mode")
                .and_then(Value::as_str)
                .is_none_or(|mode| mode == "match")
        })
        .filter_map(|e| e.get("resource"))
        .filter(|r| {
            r.get("resourceType").and_then(Value::as_str) == Some(resource_type)
                && r.get("id").and_then(Value::as_str).is_some()
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_matches_of_the_type_with_an_id() {
        let bundle = json!({"resourceType": "Bundle", "entry": [
            {"resource": {"resourceType": "Patient", "id": "a"}},
            {"resource": {"resourceType": "Patient", "id": "b"}, "search": {"mode": "include"}},
            {"resource": {"resourceType": "Organization", "id": "c"}, "search": {"mode": "match"}},
            {"resource": {"resourceType": "Patient"}},
            {"resource": {"resourceType": "Patient", "id": "d"}, "search": {"mode": "match"}}
        ]});
        let ids: Vec<Value> = matches_of_type(&bundle, "Patient")
            .into_iter()
            .map(|r| r["id"].clone())
            .collect();
        assert_eq!(ids, [json!("a"), json!("d")]);
    }
}
