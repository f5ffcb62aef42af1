//! `_sort`: ordering results by search parameter values, `-` for descending, several keys in
//! priority order. Resources without a value come last either way; ties keep id order.
//!
//! Only the results up to the end of the page served are put in order: they are selected from
//! the rest in linear time and only they are sorted, so a page of 10 among 50,000 matches costs
//! little more than finding them.

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

/// Puts the first `upto` of `resources` (or pointers to them) in the order `keys` gives, as a
/// stable sort would (equal keys keep their order); the rest follow in no particular order.
pub fn sort<R: Borrow<Value>>(resources: &mut Vec<R>, keys: &[SortKey], upto: usize) {
    if keys.is_empty() {
        return;
    }
    let mut keyed: Vec<(Vec<Option<SortValue>>, usize, R)> = resources
        .drain(..)
        .enumerate()
        .map(|(position, resource)| {
            let values = keys
                .iter()
                .map(|key| key.value_of(resource.borrow()))
                .collect();
            (values, position, resource)
        })
        .collect();
    // The position breaks ties, so no two compare equal and an unstable order is the stable one.
    let order = |(a, a_position, _): &(Vec<Option<SortValue>>, usize, R),
                 (b, b_position, _): &(Vec<Option<SortValue>>, usize, R)| {
        #[cfg(test)]
        COMPARED.with(|count| count.set(count.get() + 1));
        keys.iter()
            .zip(a.iter().zip(b))
            .map(|(key, (a, b))| key.compare(a.as_ref(), b.as_ref()))
            .find(|ordering| ordering.is_ne())
            .unwrap_or_else(|| a_position.cmp(b_position))
    };
    let head = if upto < keyed.len() {
        keyed.select_nth_unstable_by(upto, order);
        &mut keyed[..upto]
    } else {
        &mut keyed[..]
    };
    head.sort_unstable_by(order);
    resources.extend(keyed.into_iter().map(|(_, _, resource)| resource));
}

#[cfg(test)]
thread_local! {
    /// How many comparisons [`sort`] has made on this thread, for tests of how much it orders.
    static COMPARED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
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
        sort(&mut resources, &parse(patient, "birthdate").unwrap(), 4);
        assert_eq!(ids(&resources), ["b", "a", "d", "c"]);
        sort(&mut resources, &parse(patient, "-birthdate").unwrap(), 4);
        assert_eq!(ids(&resources), ["d", "a", "b", "c"]);
        sort(
            &mut resources,
            &parse(patient, "gender,-birthdate").unwrap(),
            9,
        );
        assert_eq!(ids(&resources), ["d", "b", "a", "c"]);
        assert!(parse(patient, "colour").is_err());
        assert!(parse(patient, "").is_err());
    }

    #[test]
    fn only_the_results_up_to_the_page_end_are_ordered_as_a_stable_sort_orders_them() {
        let patient = served("Patient").unwrap();
        let keys = parse(patient, "gender,-birthdate").unwrap();
        let count = 3_000;
        let resources: Vec<Value> = (0..count)
            .map(|n| {
                let gender = ["male", "female", "other"][n * 7 % 3];
                let born = (1950 + n * 31 % 40).to_string();
                json!({"id": format!("{n:05}"), "gender": gender, "birthDate": born})
            })
            .collect();
        let mut full = resources.clone();
        sort(&mut full, &keys, count);
        for pair in full.windows(2) {
            let key =
                |resource: &Value| (resource["gender"].clone(), resource["birthDate"].clone());
            if key(&pair[0]) == key(&pair[1]) {
                assert!(
                    pair[0]["id"].as_str() < pair[1]["id"].as_str(),
                    "ties keep id order"
                );
            }
        }
        for upto in [0, 1, 10, 100, count - 1, count, count + 50] {
            let mut partial = resources.clone();
            let before = COMPARED.get();
            sort(&mut partial, &keys, upto);
            let compared = COMPARED.get() - before;
            let head = upto.min(count);
            assert_eq!(ids(&partial[..head]), ids(&full[..head]), "upto {upto}");
            let mut all = ids(&partial);
            all.sort_unstable();
            assert_eq!(all.len(), count);
            all.dedup();
            assert_eq!(all.len(), count, "upto {upto}: every result kept once");
            if upto <= 100 {
                assert!(
                    compared < 5 * count,
                    "{compared} comparisons to order the first {upto} of {count}"
                );
            }
        }
    }

    #[test]
    fn uris_sort_as_text() {
        let patient = served("Patient").unwrap();
        let mut resources = vec![
            json!({"id": "a", "meta": {"profile": ["https://b.example/P"]}}),
            json!({"id": "b"}),
            json!({"id": "c", "meta": {"profile": ["https://a.example/P", "https://c.example/P"]}}),
        ];
        sort(&mut resources, &parse(patient, "_profile").unwrap(), 3);
        assert_eq!(ids(&resources), ["c", "a", "b"]);
        sort(&mut resources, &parse(patient, "-_profile").unwrap(), 3);
        assert_eq!(ids(&resources), ["c", "a", "b"]);
    }
}
