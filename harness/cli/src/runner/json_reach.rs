//! A JSON body parsed only as far as the paths a step reads. A parsed JSON tree costs about
//! ten times the text it comes from, so a large body (a searchset of 32 MiB) is not parsed
//! whole when its step reads, say, `entry.0.resource.id` and `total`.
//!
//! The pruned tree answers every path of its [`Reach`] exactly as the whole tree would
//! ([`json_path::resolve`]): what a path ends on is kept whole; an array keeps its length, its
//! items off every path becoming `null` (which paths treat as absent); an object keeps only
//! the members some path goes through, and for a `[key=value]` segment the `key` member.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::json_path;
use crate::suite::{Assertion, Capture, CaptureSource};

/// The JSON paths a step reads from its response body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    paths: Vec<String>,
    /// Some reader needs the whole document.
    whole: bool,
}

impl Reach {
    /// What `assertions` and `captures` read of a body.
    pub fn of<'s>(
        assertions: impl IntoIterator<Item = &'s Assertion>,
        captures: impl IntoIterator<Item = &'s Capture>,
    ) -> Reach {
        let mut reach = Reach::default();
        reach.add("resourceType");
        for assertion in assertions {
            match assertion {
                Assertion::Json(check) => reach.add(&check.path),
                Assertion::BundleType(_) => reach.add("type"),
                Assertion::EntryCount(_) => reach.add("entry.*.search.mode"),
                Assertion::OperationOutcome => reach.add("issue.*.severity"),
                _ => {}
            }
        }
        for capture in captures {
            reach.add_capture(capture);
        }
        reach
    }

    /// What reading `path` alone reads of a body.
    pub fn of_path(path: &str) -> Reach {
        let mut reach = Reach::default();
        reach.add(path);
        reach
    }

    fn add_capture(&mut self, capture: &Capture) {
        match &capture.source {
            CaptureSource::Json(path) => self.add(path),
            CaptureSource::Header(_) => {}
            CaptureSource::FirstOf(sources) => {
                for source in sources {
                    self.add_capture(source);
                }
            }
        }
    }

    fn add(&mut self, path: &str) {
        if path.is_empty() {
            self.whole = true;
        } else if !self.paths.iter().any(|known| known == path) {
            self.paths.push(path.to_owned());
        }
    }

    /// `bytes` parsed as JSON, keeping what this reach reads.
    pub fn parse(&self, bytes: &[u8]) -> serde_json::Result<Value> {
        if self.whole {
            return serde_json::from_slice(bytes);
        }
        let segments: Vec<Vec<&str>> = self
            .paths
            .iter()
            .map(|path| json_path::segments(path))
            .collect();
        let ways = segments.iter().map(|path| Way::Path(path)).collect();
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let value = Pruned(ways).deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(value)
    }
}

/// How a path goes on from a value.
#[derive(Clone, Copy)]
enum Way<'p> {
    /// The segments still to follow; none: the value is kept whole.
    Path(&'p [&'p str]),
    /// The value is an object whose member of this name a `[key=value]` segment tests.
    Field(&'p str),
}

/// The ways at an object: a `[key=value]` segment applies to the object itself (it is kept
/// when its `key` is `value`), so it needs the `key` member and the path goes on from there.
fn at_object<'p>(ways: &[Way<'p>]) -> Vec<Way<'p>> {
    let mut out = Vec::new();
    for way in ways {
        let mut way = *way;
        while let Way::Path([segment, rest @ ..]) = way {
            let Some((key, _)) = json_path::filter(segment) else {
                break;
            };
            out.push(Way::Field(key));
            way = Way::Path(rest);
        }
        out.push(way);
    }
    out
}

/// The ways into member `name` of an object.
fn into_member<'p>(ways: &[Way<'p>], name: &str) -> Vec<Way<'p>> {
    ways.iter()
        .filter_map(|way| match way {
            Way::Path([segment, rest @ ..]) if *segment == name => Some(Way::Path(rest)),
            Way::Field(field) if *field == name => Some(Way::Path(&[])),
            _ => None,
        })
        .collect()
}

/// The ways into item `index` of an array.
fn into_item<'p>(ways: &[Way<'p>], index: usize) -> Vec<Way<'p>> {
    let mut out = Vec::new();
    for way in ways {
        let Way::Path([segment, rest @ ..]) = way else {
            continue;
        };
        if let Some((key, _)) = json_path::filter(segment) {
            out.push(Way::Field(key));
            out.push(Way::Path(rest));
        } else if *segment == json_path::EVERY_ITEM || segment.parse::<usize>() == Ok(index) {
            out.push(Way::Path(rest));
        }
    }
    out
}

/// Parses one value, keeping what `ways` go through.
struct Pruned<'p>(Vec<Way<'p>>);

impl<'de> DeserializeSeed<'de> for Pruned<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.0.iter().any(|way| matches!(way, Way::Path([]))) {
            return serde::Deserialize::deserialize(deserializer);
        }
        deserializer.deserialize_any(self)
    }
}

/// A value off every path, kept in its place (an array's item) as `null`.
fn skip<'de, A: SeqAccess<'de>>(items: &mut A) -> Result<Option<Value>, A::Error> {
    Ok(items.next_element::<IgnoredAny>()?.map(|_| Value::Null))
}

impl<'de> Visitor<'de> for Pruned<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Value, A::Error> {
        let ways = at_object(&self.0);
        let mut object = Map::new();
        while let Some(name) = members.next_key::<String>()? {
            let inner = into_member(&ways, &name);
            if inner.is_empty() {
                members.next_value::<IgnoredAny>()?;
            } else {
                object.insert(name, members.next_value_seed(Pruned(inner))?);
            }
        }
        Ok(Value::Object(object))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut array = Vec::new();
        loop {
            let inner = into_item(&self.0, array.len());
            let item = if inner.is_empty() {
                skip(&mut items)?
            } else {
                items.next_element_seed(Pruned(inner))?
            };
            match item {
                Some(item) => array.push(item),
                None => return Ok(Value::Array(array)),
            }
        }
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reach(paths: &[&str]) -> Reach {
        let mut reach = Reach::default();
        for path in paths {
            reach.add(path);
        }
        reach
    }

    fn document() -> Value {
        json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "total": 3,
            "link": [
                {"relation": "self", "url": "http://x/fhir/Patient?a=1"},
                {"relation": "next", "url": "http://x/fhir/Patient?page=2"}
            ],
            "entry": [
                {"resource": {"resourceType": "Patient", "id": "a", "name": [{"family": "Lee"}]},
                 "search": {"mode": "match"}},
                {"resource": {"resourceType": "Patient", "id": "b", "active": true},
                 "search": {"mode": "include"}},
                {"resource": {"resourceType": "Patient", "id": "c", "meta": {"0": "zero"}}}
            ],
            "meta": {"0": "key", "*": "star"},
            "issue": [{"severity": "error"}, {"severity": "warning"}]
        })
    }

    const PATHS: &[&str] = &[
        "resourceType",
        "total",
        "entry.0.resource.id",
        "entry.*.resource.id",
        "entry.*.search.mode",
        "entry.[search.mode=match].resource.id",
        "entry.[resource.id=b].resource",
        "entry.2.resource.meta.0",
        "entry.1.resource.[active=true].id",
        "link.[relation=next].url",
        "meta.0",
        "meta.*",
        "entry.9.resource.id",
        "entry.x",
        "issue.*.severity",
        "resourceType.length",
        "[type=searchset].total",
    ];

    #[test]
    fn every_path_reads_the_same_in_the_pruned_tree_as_in_the_whole() {
        let whole = document();
        let text = serde_json::to_vec(&whole).unwrap();
        // Each path alone, and all of them together.
        let mut sets: Vec<Vec<&str>> = PATHS.iter().map(|path| vec![*path]).collect();
        sets.push(PATHS.to_vec());
        for set in sets {
            let pruned = reach(&set).parse(&text).unwrap();
            for path in &set {
                assert_eq!(
                    json_path::resolve(&pruned, path),
                    json_path::resolve(&whole, path),
                    "{path} read from the tree pruned to {set:?}"
                );
            }
        }
    }

    #[test]
    fn what_no_path_reads_is_left_out() {
        let text = serde_json::to_vec(&document()).unwrap();
        let pruned = reach(&["entry.*.search.mode", "total"])
            .parse(&text)
            .unwrap();
        assert_eq!(
            pruned,
            json!({
                "total": 3,
                "entry": [
                    {"search": {"mode": "match"}},
                    {"search": {"mode": "include"}},
                    {}
                ]
            })
        );
        let pruned = reach(&["entry.1.resource.id"]).parse(&text).unwrap();
        assert_eq!(
            pruned,
            json!({"entry": [null, {"resource": {"id": "b"}}, null]})
        );
    }

    #[test]
    fn the_empty_path_keeps_the_whole_document_and_bad_json_is_an_error() {
        let text = serde_json::to_vec(&document()).unwrap();
        assert_eq!(reach(&[""]).parse(&text).unwrap(), document());
        assert!(reach(&["total"]).parse(b"{\"total\": 3").is_err());
        assert!(reach(&["total"]).parse(b"{\"total\": 3} trailing").is_err());
    }
}
