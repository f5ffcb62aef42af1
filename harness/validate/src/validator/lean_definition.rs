//! A StructureDefinition read for compiling: its JSON tree without the documentation the
//! validator never reads (narrative, descriptions, element definitions and comments,
//! mappings). In the specification's packages these are most of each definition's bytes, so
//! skipping them while parsing makes compiling profiles much cheaper.

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Top-level members left out.
const DEFINITION_DOCUMENTATION: [&str; 7] = [
    "text",
    "description",
    "purpose",
    "copyright",
    "contact",
    "mapping",
    "keyword",
];

/// Members of an element definition (in `snapshot` or `differential`) left out. Values inside
/// kept members (`fixed[x]`, `pattern[x]`, ...) are never pruned.
const ELEMENT_DOCUMENTATION: [&str; 9] = [
    "short",
    "definition",
    "comment",
    "requirements",
    "alias",
    "mapping",
    "meaningWhenMissing",
    "orderMeaning",
    "isModifierReason",
];

/// A StructureDefinition's JSON tree without its documentation members.
pub struct LeanDefinition(pub Value);

impl<'de> Deserialize<'de> for LeanDefinition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Pruned(Level::Definition)
            .deserialize(deserializer)
            .map(LeanDefinition)
    }
}

/// Where in the definition an object sits.
#[derive(Clone, Copy)]
enum Level {
    /// The StructureDefinition itself.
    Definition,
    /// `snapshot` or `differential`.
    ElementList,
    /// The `element` array.
    Elements,
    /// One element definition.
    Element,
}

impl Level {
    fn dropped(self) -> &'static [&'static str] {
        match self {
            Level::Definition => &DEFINITION_DOCUMENTATION,
            Level::Element => &ELEMENT_DOCUMENTATION,
            Level::ElementList | Level::Elements => &[],
        }
    }

    /// The level of the value of member `key` of an object at this level.
    fn member(self, key: &str) -> Option<Level> {
        match (self, key) {
            (Level::Definition, "snapshot" | "differential") => Some(Level::ElementList),
            (Level::ElementList, "element") => Some(Level::Elements),
            _ => None,
        }
    }
}

/// Deserializes a value at a level; anything else is read as plain JSON.
struct Pruned(Level);

impl<'de> DeserializeSeed<'de> for Pruned {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pruned {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a StructureDefinition")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if self.0.dropped().contains(&key.as_str()) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value = match self.0.member(&key) {
                Some(level) => map.next_value_seed(Pruned(level))?,
                None => map.next_value::<Value>()?,
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let item_level = match self.0 {
            Level::Elements => Some(Level::Element),
            _ => None,
        };
        let mut items = Vec::new();
        loop {
            let item = match item_level {
                Some(level) => seq.next_element_seed(Pruned(level))?,
                None => seq.next_element::<Value>()?,
            };
            match item {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documentation_is_left_out_and_values_are_kept() {
        let full = json!({
            "resourceType": "StructureDefinition",
            "url": "http://x/sd",
            "text": {"status": "generated", "div": "<div>long</div>"},
            "description": "long",
            "snapshot": {"element": [{
                "id": "Patient.name", "path": "Patient.name",
                "short": "s", "definition": "d", "comment": "c",
                "mapping": [{"identity": "rim", "map": "x"}],
                "min": 1, "max": "*",
                "patternCodeableConcept": {"text": "kept", "coding": [{"code": "a"}]},
                "constraint": [{"key": "k-1", "expression": "true", "human": "h"}]
            }]},
            "differential": {"element": [{"path": "Patient.name", "definition": "d"}]}
        });
        let parse = |text: &str| serde_json::from_str::<LeanDefinition>(text).map(|d| d.0);
        let lean = parse(&full.to_string()).unwrap();
        let from_tree = LeanDefinition::deserialize(&full).unwrap().0;
        assert_eq!(lean, from_tree);
        assert_eq!(
            lean,
            json!({
                "resourceType": "StructureDefinition",
                "url": "http://x/sd",
                "snapshot": {"element": [{
                    "id": "Patient.name", "path": "Patient.name",
                    "min": 1, "max": "*",
                    "patternCodeableConcept": {"text": "kept", "coding": [{"code": "a"}]},
                    "constraint": [{"key": "k-1", "expression": "true", "human": "h"}]
                }]},
                "differential": {"element": [{"path": "Patient.name"}]}
            })
        );
    }

    #[test]
    fn bad_json_is_an_error() {
        let parse = |text: &str| serde_json::from_str::<LeanDefinition>(text);
        assert!(parse("{\"url\": ").is_err());
        assert!(parse("{} trailing").is_err());
    }
}
