//! Following dotted element paths through a JSON resource.

use serde_json::Value;

/// The values reached by following `path` (element names separated by dots) from `resource`,
/// flattening arrays at every step, in document order.
pub fn values<'a>(resource: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![resource];
    for element in path.split('.') {
        current = current
            .into_iter()
            .filter_map(|node| node.get(element))
            .flat_map(|value| match value {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            })
            .collect();
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattens_arrays_along_the_path() {
        let patient = json!({
            "name": [
                {"family": "Jones", "given": ["Amelia", "Rose"]},
                {"given": ["Amy"]}
            ]
        });
        let given: Vec<_> = values(&patient, "name.given");
        assert_eq!(given, [&json!("Amelia"), &json!("Rose"), &json!("Amy")]);
        assert_eq!(values(&patient, "name.family"), [&json!("Jones")]);
        assert!(values(&patient, "name.suffix").is_empty());
        assert!(values(&json!("text"), "name").is_empty());
    }
}
