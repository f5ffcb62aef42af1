//! FHIR JSON → `Element` for tests (the project's real parsers live in `assure-model`).

use assure_model::{Element, Pos, Primitive};
use serde_json::{Map, Value};

/// Parses a FHIR JSON resource.
pub fn parse(text: &str) -> Result<Element, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let object = json.as_object().ok_or("a resource must be a JSON object")?;
    let mut element = object_element(String::new(), None, object);
    element.name = element.resource_type.clone().unwrap_or_default();
    Ok(element)
}

fn object_element(name: String, index: Option<usize>, object: &Map<String, Value>) -> Element {
    let resource_type = object
        .get("resourceType")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut children = Vec::new();
    for (key, value) in object {
        if key == "resourceType" || key.starts_with('_') {
            continue;
        }
        let extra = object.get(&format!("_{key}"));
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let extra_item = extra.and_then(|e| e.get(i));
                    children.push(value_element(key, Some(i), item, extra_item));
                }
            }
            other => children.push(value_element(key, None, other, extra)),
        }
    }
    Element {
        name,
        index,
        value: None,
        children,
        resource_type,
        pos: Pos::default(),
    }
}

fn value_element(
    name: &str,
    index: Option<usize>,
    value: &Value,
    extra: Option<&Value>,
) -> Element {
    let primitive = match value {
        Value::Object(object) => return object_element(name.to_string(), index, object),
        Value::String(s) if name == "div" => Some(Primitive::Xhtml(s.clone())),
        Value::String(s) => Some(Primitive::String(s.clone())),
        Value::Number(n) => Some(Primitive::Number(n.to_string())),
        Value::Bool(b) => Some(Primitive::Bool(*b)),
        _ => None,
    };
    let children = match extra.and_then(Value::as_object) {
        Some(object) => object_element(String::new(), None, object).children,
        None => Vec::new(),
    };
    Element {
        name: name.to_string(),
        index,
        value: primitive,
        children,
        resource_type: None,
        pos: Pos::default(),
    }
}
