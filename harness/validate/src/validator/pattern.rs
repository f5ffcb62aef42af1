//! Comparing an instance element with a `fixed[x]` or `pattern[x]` value.

use assure_model::Element;
use serde_json::Value;

/// Whether `node` matches `expected`. A pattern only requires what it names; a fixed value
/// also forbids extra repetitions of the properties it names.
pub fn matches(node: &Element, expected: &Value, exact: bool) -> bool {
    match expected {
        Value::Object(members) => members.iter().all(|(name, value)| {
            let found: Vec<&Element> = node.children_named(name).collect();
            match value {
                Value::Array(items) => {
                    let each_found = items
                        .iter()
                        .all(|item| found.iter().any(|f| matches(f, item, exact)));
                    each_found && (!exact || found.len() == items.len())
                }
                single => match found.as_slice() {
                    [] => false,
                    [one] => matches(one, single, exact),
                    many => !exact && many.iter().any(|f| matches(f, single, exact)),
                },
            }
        }),
        Value::Array(items) => items.iter().any(|item| matches(node, item, exact)),
        primitive => node
            .text()
            .is_some_and(|actual| primitive_equal(actual, primitive)),
    }
}

/// Textual equality of a primitive, with numeric comparison for JSON numbers.
pub fn primitive_equal(actual: &str, expected: &Value) -> bool {
    match expected {
        Value::String(s) => actual == s,
        Value::Bool(b) => actual == if *b { "true" } else { "false" },
        Value::Number(n) => {
            actual == n.to_string()
                || matches!((actual.parse::<f64>(), n.as_f64()), (Ok(a), Some(b)) if a == b)
        }
        _ => false,
    }
}

/// A short rendering of a JSON value for messages.
pub fn describe(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 200 {
        format!("{}...", &text[..text.floor_char_boundary(200)])
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use assure_model::{Pos, Primitive};
    use serde_json::json;

    fn leaf(name: &str, value: &str) -> Element {
        Element {
            name: name.into(),
            index: None,
            value: Some(Primitive::String(value.into())),
            children: Vec::new(),
            resource_type: None,
            pos: Pos::default(),
        }
    }

    fn coding(system: &str, code: &str) -> Element {
        Element {
            name: "coding".into(),
            index: Some(0),
            value: None,
            children: vec![leaf("system", system), leaf("code", code)],
            resource_type: None,
            pos: Pos::default(),
        }
    }

    #[test]
    fn pattern_needs_only_what_it_names() {
        let concept = Element {
            name: "code".into(),
            index: None,
            value: None,
            children: vec![
                coding("http://loinc.org", "1-8"),
                coding("http://x", "y"),
                leaf("text", "t"),
            ],
            resource_type: None,
            pos: Pos::default(),
        };
        let pattern = json!({"coding": [{"system": "http://loinc.org", "code": "1-8"}]});
        assert!(matches(&concept, &pattern, false));
        assert!(!matches(&concept, &pattern, true));
        assert!(!matches(
            &concept,
            &json!({"coding": [{"code": "2-9"}]}),
            false
        ));
        assert!(matches(&leaf("v", "1.50"), &json!(1.5), true));
        assert!(!matches(&leaf("v", "x"), &json!(true), false));
    }
}
