//! Converting a parsed element tree back to FHIR JSON, using the definitions to tell arrays
//! from single values and numbers/booleans from strings (needed for definitions read from
//! XML).

use assure_model::{Element, Primitive};
use serde_json::{Map, Value};

use super::Validator;
use super::profile::{Profile, name_matches, node_type};
use super::walk::is_primitive_code;
use std::sync::Arc;

impl Validator {
    /// The JSON form of a resource element.
    pub fn to_json(&self, resource: &Element) -> Value {
        let type_name = resource.resource_type.clone().unwrap_or_default();
        let mut object = Map::new();
        object.insert("resourceType".into(), Value::String(type_name.to_string()));
        let profile = self.type_profile(&type_name);
        self.fill(
            resource,
            profile.as_ref().map(|p| (p, p.root())),
            &mut object,
            0,
        );
        Value::Object(object)
    }

    fn fill(
        &self,
        node: &Element,
        def: Option<(&Arc<Profile>, usize)>,
        object: &mut Map<String, Value>,
        depth: usize,
    ) {
        for child in &node.children {
            let child_def = def.and_then(|(p, i)| self.child_def(p, i, &child.name));
            let child_def = child_def.as_ref().map(|(p, i)| (p, *i));
            let repeats = child_def
                .map(|(p, i)| p.elements[i].max != Some(1) && p.elements[i].path.contains('.'))
                .unwrap_or(child.index.is_some());
            let (value, extras) = self.value_of(child, child_def, depth + 1);
            let name = child.name.as_str();
            // A primitive's id and extensions go to `_name`, item by item (R4 json.html,
            // "Representation of primitive elements").
            let extras_key = format!("_{name}");
            if repeats {
                let slot = object
                    .entry(name.to_owned())
                    .or_insert_with(|| Value::Array(Vec::new()));
                let before = slot.as_array().map_or(0, Vec::len);
                if let Some(items) = slot.as_array_mut() {
                    items.push(value);
                }
                // The `_name` array, begun with nulls at the first item that has extras.
                let extras_slot = match extras {
                    Some(_) => Some(
                        object
                            .entry(extras_key)
                            .or_insert_with(|| Value::Array(vec![Value::Null; before])),
                    ),
                    None => object.get_mut(&extras_key),
                };
                if let Some(items) = extras_slot.and_then(Value::as_array_mut) {
                    items.push(extras.unwrap_or(Value::Null));
                }
            } else {
                if !value.is_null() {
                    object.insert(name.to_owned(), value);
                }
                if let Some(extras) = extras {
                    object.insert(extras_key, extras);
                }
            }
        }
    }

    /// The JSON value of `node`, and for a primitive with an id or extensions the object
    /// holding them (its value is then `null` when it has none).
    fn value_of(
        &self,
        node: &Element,
        def: Option<(&Arc<Profile>, usize)>,
        depth: usize,
    ) -> (Value, Option<Value>) {
        if node.resource_type.is_some() {
            return (self.to_json(node), None);
        }
        let type_code = def.and_then(|(p, i)| node_type(&p.elements[i], node));
        let primitive = match type_code.as_deref() {
            Some(code) => is_primitive_code(code),
            None => node.value.is_some(),
        };
        if node.children.is_empty() || depth > 64 {
            return (primitive_json(node, type_code.as_deref()), None);
        }
        let mut object = Map::new();
        let inner = def.and_then(|(p, i)| {
            if !p.elements[i].children.is_empty() {
                return Some((p.clone(), i));
            }
            let code = type_code.as_deref()?;
            self.type_profile(code).map(|t| (t.clone(), t.root()))
        });
        self.fill(
            node,
            inner.as_ref().map(|(p, i)| (p, *i)),
            &mut object,
            depth,
        );
        if primitive {
            let value = match node.value {
                Some(_) => primitive_json(node, type_code.as_deref()),
                None => Value::Null,
            };
            return (value, Some(Value::Object(object)));
        }
        (Value::Object(object), None)
    }

    fn child_def(
        &self,
        profile: &Arc<Profile>,
        parent: usize,
        name: &str,
    ) -> Option<(Arc<Profile>, usize)> {
        let def = &profile.elements[parent];
        if let Some(reference) = &def.content_reference {
            let target = profile.by_id(reference.rsplit('#').next()?)?;
            return self.child_def(profile, target, name);
        }
        def.children
            .iter()
            .find(|&&c| name_matches(&profile.elements[c], name))
            .map(|&c| (profile.clone(), c))
    }
}

fn primitive_json(node: &Element, type_code: Option<&str>) -> Value {
    match &node.value {
        Some(Primitive::Bool(b)) => Value::Bool(*b),
        Some(Primitive::Number(n)) => {
            serde_json::from_str(n).unwrap_or_else(|_| Value::String(n.to_string()))
        }
        Some(Primitive::String(s)) | Some(Primitive::Xhtml(s)) => match type_code {
            Some("boolean") => s
                .parse()
                .map(Value::Bool)
                .unwrap_or_else(|_| Value::String(s.to_string())),
            Some("integer" | "positiveInt" | "unsignedInt" | "decimal") => {
                serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string()))
            }
            _ => Value::String(s.to_string()),
        },
        None => Value::Object(Map::new()),
    }
}
