//! Reusable seeds for the values suites are made of: checked text, lists and string-keyed
//! mappings, each failing at the offending node with what was expected.

use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// What a piece of text must look like.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anything, including the empty string.
    Any,
    /// At least one non-blank character.
    NonEmpty,
    /// An identifier: ASCII letters, digits, `.`, `_` and `-`.
    Name,
}

/// Any YAML scalar read as its text (`123` and `true` are the strings `"123"` and `"true"`),
/// checked against a [`Rule`]. `what` names the value in messages ("a test id").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Text {
    what: &'static str,
    rule: Rule,
}

impl Text {
    pub(crate) const fn any(what: &'static str) -> Text {
        Text {
            what,
            rule: Rule::Any,
        }
    }

    pub(crate) const fn non_empty(what: &'static str) -> Text {
        Text {
            what,
            rule: Rule::NonEmpty,
        }
    }

    pub(crate) const fn name(what: &'static str) -> Text {
        Text {
            what,
            rule: Rule::Name,
        }
    }

    /// Why `text` breaks the rule, if it does.
    fn problem(self, text: &str) -> Option<String> {
        let what = self.what;
        match self.rule {
            Rule::Any => None,
            Rule::NonEmpty | Rule::Name if text.trim().is_empty() => {
                Some(format!("expected {what}, found an empty value"))
            }
            Rule::NonEmpty => None,
            Rule::Name => (!text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .then(|| {
                format!("expected {what} (letters, digits, `.`, `_` and `-`), found `{text}`")
            }),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Text {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Text {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
        match self.problem(text) {
            Some(message) => Err(E::custom(message)),
            None => Ok(text.to_owned()),
        }
    }
}

/// A YAML list whose items are read with `item`; `expecting` names the list ("a list of tags").
#[derive(Debug, Clone, Copy)]
pub(crate) struct List<S> {
    pub(crate) item: S,
    pub(crate) expecting: &'static str,
    /// Whether `[]` is accepted.
    pub(crate) allow_empty: bool,
}

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for List<S> {
    type Value = Vec<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for List<S> {
    type Value = Vec<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.item)? {
            items.push(item);
        }
        if items.is_empty() && !self.allow_empty {
            return Err(de::Error::custom(format!(
                "expected {}, found an empty list",
                self.expecting
            )));
        }
        Ok(items)
    }
}

/// A YAML mapping from text keys (checked with `key`, no repeats) to values read with `value`,
/// in the order written. `what` names the mapping in messages ("headers").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entries<S> {
    pub(crate) what: &'static str,
    pub(crate) key: Text,
    pub(crate) value: S,
}

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for Entries<S> {
    type Value = IndexMap<String, S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for Entries<S> {
    type Value = IndexMap<String, S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a mapping of {}", self.what)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = IndexMap::new();
        while let Some(key) = map.next_key_seed(UniqueKey {
            text: self.key,
            seen: &entries,
            what: self.what,
        })? {
            let value = map.next_value_seed(self.value)?;
            entries.insert(key, value);
        }
        Ok(entries)
    }
}

/// A key of [`Entries`]: checked text that is not already a key.
struct UniqueKey<'a, V> {
    text: Text,
    seen: &'a IndexMap<String, V>,
    what: &'static str,
}

impl<'de, V> DeserializeSeed<'de> for UniqueKey<'_, V> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<V> Visitor<'_> for UniqueKey<'_, V> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text.what)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
        if self.seen.contains_key(text) {
            return Err(E::custom(format!(
                "duplicate key `{text}` in {}",
                self.what
            )));
        }
        self.text.visit_str(text)
    }
}

/// A `true` flag that only has one meaning (e.g. `operation_outcome: true`): `false` and other
/// values are rejected.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OnlyTrue {
    pub(crate) key: &'static str,
}

impl<'de> DeserializeSeed<'de> for OnlyTrue {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_bool(self)
    }
}

impl Visitor<'_> for OnlyTrue {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`true` (`{}` takes no other value)", self.key)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        if value {
            Ok(())
        } else {
            Err(E::invalid_value(de::Unexpected::Bool(false), &self))
        }
    }
}

/// Any YAML value as JSON (`equals: 3`, `contains: { system: x }`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Json;

impl<'de> DeserializeSeed<'de> for Json {
    type Value = serde_json::Value;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<serde_json::Value, D::Error> {
        serde::Deserialize::deserialize(deserializer)
    }
}

/// A YAML mapping as a JSON object (a request `body`); anything else is rejected at the node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JsonObject;

impl<'de> DeserializeSeed<'de> for JsonObject {
    type Value = serde_json::Value;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<serde_json::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for JsonObject {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping (sent as a JSON object); use `raw` for other bodies")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<serde_json::Value, A::Error> {
        serde::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}
