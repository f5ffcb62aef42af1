//! `_sort`: ordering results by search parameter values, `-` for descending, several keys in
//! priority order. Resources without a value come last either way; ties keep id order.

use std::borrow::Borrow;
use std::cmp::Ordering;

use serde_json::Value;

use super::date::element_range;
use super::path;
use super::string::normalise;
use crate::outcome::FhirError;
use crate::resource_types::{ParamKind, ResourceType, SearchParam};

/// One sort key.
#[derive(Debug, Clone, Copy)]
pub struct SortKey {
    param: &'static SearchParam,
    descending: bool,
}

/// A value compared when sorting.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum SortValue {
    Text(String),
    Number(f64),
}

/// Parses `_sort=a,-b` for `resource_type`; every key must be one of its search parameters.
pub fn parse(resource_type: &ResourceType, value: &str) -> Result<Vec<SortKey>, FhirError> {
    value
        .split(',')
        .map(|key| {
            let (name, descending) = match key.strip_prefix('-') {
                Some(name) => (name, true),
                None => (key, false),
            };
            resource_type
                .search_param(name)
                .map(|param| SortKey { param, descending })
                .ok_or_else(|| {
                    FhirError::bad_request(format!(
                        "cannot sort {} by {name:?}: not one of its search parameters",
                        resource_type.name
                    ))
                })
        })
        .collect()
}

/// Sorts `resources` (or pointers to them) by `keys` (stable: equal keys keep their order).
pub fn sort<R: Borrow<Value>>(resources: &mut Vec<R>, keys: &[SortKey]) {
    if keys.is_empty() {
        return;
    }
    let mut keyed: Vec<(Vec<Option<SortValue>>, R)> = resources
        .drain(..)
        .map(|resource| {
            let values = keys
                .iter()
                .map(|key| key.value_of(resource.borrow()))
                .collect();
            (values, resource)
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        keys.iter()
            .zip(a.iter().zip(b))
            .map(|(key, (a, b))| key.compare(a.as_ref(), b.as_ref()))
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    resources.extend(keyed.into_iter().map(|(_, resource)| resource));
}

impl SortKey {
    fn compare(&self, a: Option<&SortValue>, b: Option<&SortValue>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => {
                let ordering = a.partial_cmp(b).unwrap_or(Ordering::Equal);
                if self.descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }

    /// The resource's value for this key: the lowest of its values ascending, the highest
    /// descending (for dates, the earliest start or the latest end).
    fn value_of(&self, resource: &Value) -> Option<SortValue> {
        let values = self
            .param
            .paths
            .iter()
            .flat_map(|path| path::values(resource, path));
        let candidates: Vec<SortValue> =
            values.filter_map(|value| self.sort_value(value)).collect();
        let pick = |a: SortValue, b: SortValue| {
            let b_first = if self.descending { b > a } else { b < a };
            if b_first { b } else { a }
        };
        candidates.into_iter().reduce(pick)
    }

    fn sort_value(&self, value: &Value) -> Option<SortValue> {
        match self.param.kind {
            ParamKind::Date => element_range(value).map(|range| {
                SortValue::Number(if self.descending {
                    range.end
                } else {
                    range.start
                } as f64)
            }),
            ParamKind::Quantity => value.get("value")?.as_f64().map(SortValue::Number),
            ParamKind::String => text_of(value).map(|text| SortValue::Text(normalise(&text))),
            ParamKind::Token => token_of(value).map(SortValue::Text),
            ParamKind::Uri => value.as_str().map(|text| SortValue::Text(text.to_owned())),
            ParamKind::Reference => value
                .get("reference")?
                .as_str()
                .map(|text| SortValue::Text(text.to_owned())),
        }
    }
}

/// The text a string sorts by: the string, or a HumanName's family then given names.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(_) => {
            let parts: Vec<&str> = ["family", "given", "text"]
                .iter()
                .flat_map(|part| path::values(value, part))
                .filter_map(Value::as_str)
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        }
        _ => None,
    }
}

/// The code a token sorts by: the code, Identifier value, or first Coding's code.
fn token_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Object(fields) => fields
            .get("code")
            .or_else(|| fields.get("value"))
            .or_else(|| value.pointer("/coding/0/code"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource_types::served;
    use serde_json::json;

    fn ids(resources: &[Value]) -> Vec<&str> {
        resources
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn several_keys_and_directions_with_missing_last() {
        let patient = served("Patient").unwrap();
        let mut resources = vec![
            json!({"id": "a", "gender": "male", "birthDate": "1990"}),
            json!({"id": "b", "gender": "female", "birthDate": "1980"}),
            json!({"id": "c", "gender": "male"}),
            json!({"id": "d", "gender": "female", "birthDate": "1995-06"}),
        ];
        sort(&mut resources, &parse(patient, "birthdate").unwrap());
        assert_eq!(ids(&resources), ["b", "a", "d", "c"]);
        sort(&mut resources, &parse(patient, "-birthdate").unwrap());
        assert_eq!(ids(&resources), ["d", "a", "b", "c"]);
        sort(
            &mut resources,
            &parse(patient, "gender,-birthdate").unwrap(),
        );
        assert_eq!(ids(&resources), ["d", "b", "a", "c"]);
        assert!(parse(patient, "colour").is_err());
        assert!(parse(patient, "").is_err());
    }

    #[test]
    fn uris_sort_as_text() {
        let patient = served("Patient").unwrap();
        let mut resources = vec![
            json!({"id": "a", "meta": {"profile": ["https://b.example/P"]}}),
            json!({"id": "b"}),
            json!({"id": "c", "meta": {"profile": ["https://a.example/P", "https://c.example/P"]}}),
        ];
        sort(&mut resources, &parse(patient, "_profile").unwrap());
        assert_eq!(ids(&resources), ["c", "a", "b"]);
        sort(&mut resources, &parse(patient, "-_profile").unwrap());
        assert_eq!(ids(&resources), ["c", "a", "b"]);
    }
}
