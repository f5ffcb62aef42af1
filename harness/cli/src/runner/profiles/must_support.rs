//! Must-support elements: which elements of a profile's snapshot are flagged `mustSupport`, and
//! whether an instance populates each one.
//!
//! An element id (`Patient.identifier:nhsNumber.extension:verificationStatus`) is walked over
//! the instance's JSON one name at a time. A slice keeps the items it would take: an extension
//! slice the items whose `url` is the extension's, another slice the items that carry its
//! fixed and pattern values; a slice the snapshot gives no such value for keeps every item
//! (never reporting an element as missing on a guess). `name[x]` takes every `nameType` key,
//! and a primitive's `_name` sibling is walked too (its extensions).

use serde_json::{Map, Value};

/// A must-support element of a profile.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MustSupport {
    /// The element id, e.g. `Patient.identifier:nhsNumber.system`.
    pub(crate) id: String,
    /// Whether the element may hold a Reference (its references are resolved).
    pub(crate) reference: bool,
    steps: Vec<Step>,
}

/// One name of an element id, with the items it keeps.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    name: Name,
    slice: Slice,
}

#[derive(Debug, Clone, PartialEq)]
enum Name {
    /// An element name.
    Plain(String),
    /// `value[x]`: any key `value` + a type name.
    Choice(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Slice {
    /// No slice: every item.
    All,
    /// An extension slice: items whose `url` is this.
    Extension(String),
    /// Items holding each value at its relative path (`pattern` is matched as a subset).
    Values(Vec<Constraint>),
    /// A choice's type slice (`value[x]:valueQuantity`): only this key.
    Key(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Constraint {
    path: Vec<String>,
    value: Value,
    pattern: bool,
}

/// The must-support elements of a StructureDefinition with a snapshot, in snapshot order.
/// The root element is left out: an instance always populates it.
pub(crate) fn must_support_elements(structure_definition: &Value) -> Vec<MustSupport> {
    let elements: Vec<&Value> = structure_definition
        .pointer("/snapshot/element")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    elements
        .iter()
        .filter(|e| e.get("mustSupport").and_then(Value::as_bool) == Some(true))
        .filter_map(|element| {
            let id = element.get("id").and_then(Value::as_str)?;
            let steps = steps(id, &elements)?;
            let reference = element
                .get("type")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|t| t.get("code").and_then(Value::as_str) == Some("Reference"));
            Some(MustSupport {
                id: id.to_owned(),
                reference,
                steps,
            })
        })
        .collect()
}

impl MustSupport {
    /// The values the element has in `instance` (empty when it is not populated).
    pub(crate) fn values<'a>(&self, instance: &'a Value) -> Vec<&'a Value> {
        let mut nodes = vec![instance];
        for step in &self.steps {
            nodes = nodes
                .into_iter()
                .filter_map(Value::as_object)
                .flat_map(|object| children(object, step))
                .filter(|item| step.slice.keeps(item))
                .collect();
        }
        nodes
    }
}

/// The steps of element `id`, or `None` for the root element.
fn steps(id: &str, elements: &[&Value]) -> Option<Vec<Step>> {
    let parts: Vec<&str> = id.split('.').collect();
    if parts.len() < 2 {
        return None;
    }
    let mut steps = Vec::new();
    for (index, part) in parts.iter().enumerate().skip(1) {
        let (name, slice_name) = match part.split_once(':') {
            Some((name, slice)) => (name, Some(slice)),
            None => (*part, None),
        };
        let name = match name.strip_suffix("[x]") {
            Some(stem) => Name::Choice(stem.to_owned()),
            None => Name::Plain(name.to_owned()),
        };
        let slice = match (slice_name, &name) {
            (None, _) => Slice::All,
            (Some(slice), Name::Choice(_)) => Slice::Key(slice.to_owned()),
            (Some(_), Name::Plain(plain)) => {
                let slice_id = parts[..=index].join(".");
                slice_of(plain, &slice_id, elements)
            }
        };
        steps.push(Step { name, slice });
    }
    Some(steps)
}

/// What the slice `slice_id` of element `name` keeps, read from the snapshot.
fn slice_of(name: &str, slice_id: &str, elements: &[&Value]) -> Slice {
    let element = |id: &str| {
        elements
            .iter()
            .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
    };
    if matches!(name, "extension" | "modifierExtension") {
        let url = element(slice_id)
            .and_then(|e| e.pointer("/type/0/profile/0"))
            .and_then(Value::as_str);
        return match url {
            Some(url) => Slice::Extension(url.to_owned()),
            None => Slice::All,
        };
    }
    let prefix = format!("{slice_id}.");
    let constraints: Vec<Constraint> = elements
        .iter()
        .filter_map(|e| {
            let id = e.get("id").and_then(Value::as_str)?;
            let relative: Vec<String> = if id == slice_id {
                Vec::new()
            } else {
                let rest = id.strip_prefix(&prefix)?;
                if rest.contains([':', '[']) {
                    return None;
                }
                rest.split('.').map(str::to_owned).collect()
            };
            let (key, value) = e
                .as_object()?
                .iter()
                .find(|(key, _)| key.starts_with("fixed") || key.starts_with("pattern"))?;
            Some(Constraint {
                path: relative,
                value: value.clone(),
                pattern: key.starts_with("pattern"),
            })
        })
        .collect();
    if constraints.is_empty() {
        Slice::All
    } else {
        Slice::Values(constraints)
    }
}

/// The items under `step`'s name in `object` (arrays flattened), with a primitive's `_name`.
fn children<'a>(object: &'a Map<String, Value>, step: &Step) -> Vec<&'a Value> {
    let keys: Vec<&'a String> = match (&step.name, &step.slice) {
        (Name::Choice(_), Slice::Key(key)) => object.keys().filter(|k| *k == key).collect(),
        (Name::Choice(stem), _) => object
            .keys()
            .filter(|k| {
                k.strip_prefix(stem.as_str())
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            })
            .collect(),
        (Name::Plain(name), _) => object
            .keys()
            .filter(|k| *k == name || k.strip_prefix('_') == Some(name.as_str()))
            .collect(),
    };
    keys.into_iter()
        .filter_map(|key| object.get(key))
        .flat_map(|value| match value {
            Value::Array(items) => items.iter().filter(|i| !i.is_null()).collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        })
        .collect()
}

impl Slice {
    fn keeps(&self, item: &Value) -> bool {
        match self {
            Slice::All | Slice::Key(_) => true,
            Slice::Extension(url) => item.get("url").and_then(Value::as_str) == Some(url),
            Slice::Values(constraints) => constraints.iter().all(|c| c.holds(item)),
        }
    }
}

impl Constraint {
    /// Whether some value at the path equals (fixed) or contains (pattern) the value.
    fn holds(&self, item: &Value) -> bool {
        let mut nodes = vec![item];
        for name in &self.path {
            nodes = nodes
                .into_iter()
                .filter_map(|node| node.get(name))
                .flat_map(|value| match value {
                    Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                })
                .collect();
        }
        nodes.into_iter().any(|node| {
            if self.pattern {
                contains(node, &self.value)
            } else {
                node == &self.value
            }
        })
    }
}

/// FHIR pattern matching: every part of `pattern` is in `value` (arrays: each pattern item
/// matched by some item).
fn contains(value: &Value, pattern: &Value) -> bool {
    match (value, pattern) {
        (Value::Object(value), Value::Object(pattern)) => pattern
            .iter()
            .all(|(key, wanted)| value.get(key).is_some_and(|have| contains(have, wanted))),
        (Value::Array(values), Value::Array(patterns)) => patterns
            .iter()
            .all(|wanted| values.iter().any(|have| contains(have, wanted))),
        (value, pattern) => value == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn profile() -> Value {
        json!({"snapshot": {"element": [
            {"id": "Patient", "mustSupport": true},
            {"id": "Patient.identifier", "mustSupport": true},
            {"id": "Patient.identifier:nhsNumber", "mustSupport": true},
            {"id": "Patient.identifier:nhsNumber.extension:status", "mustSupport": true,
             "type": [{"code": "Extension", "profile": ["http://x/Status"]}]},
            {"id": "Patient.identifier:nhsNumber.system", "fixedUri": "https://fhir.nhs.uk/Id/nhs-number"},
            {"id": "Patient.identifier:nhsNumber.value", "mustSupport": true},
            {"id": "Patient.birthDate.extension:birthTime", "type": [{"code": "Extension", "profile": ["http://x/BirthTime"]}]},
            {"id": "Patient.birthDate.extension:birthTime.value[x]", "mustSupport": true},
            {"id": "Patient.generalPractitioner", "mustSupport": true, "type": [{"code": "Reference"}]},
            {"id": "Patient.telecom", "mustSupport": false}
        ]}})
    }

    fn populated(instance: &Value) -> Vec<String> {
        must_support_elements(&profile())
            .iter()
            .filter(|ms| !ms.values(instance).is_empty())
            .map(|ms| ms.id.clone())
            .collect()
    }

    #[test]
    fn lists_the_flagged_elements_but_the_root() {
        let ids: Vec<String> = must_support_elements(&profile())
            .into_iter()
            .map(|ms| ms.id)
            .collect();
        assert_eq!(
            ids,
            [
                "Patient.identifier",
                "Patient.identifier:nhsNumber",
                "Patient.identifier:nhsNumber.extension:status",
                "Patient.identifier:nhsNumber.value",
                "Patient.birthDate.extension:birthTime.value[x]",
                "Patient.generalPractitioner"
            ]
        );
        assert!(must_support_elements(&profile())[5].reference);
    }

    #[test]
    fn slices_keep_only_their_items() {
        let other_identifier = json!({"resourceType": "Patient",
            "identifier": [{"system": "http://other", "value": "1",
                            "extension": [{"url": "http://x/Status"}]}]});
        assert_eq!(populated(&other_identifier), ["Patient.identifier"]);
        let nhs = json!({"resourceType": "Patient",
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000009",
                            "extension": [{"url": "http://x/Other"}]}]});
        assert_eq!(
            populated(&nhs),
            [
                "Patient.identifier",
                "Patient.identifier:nhsNumber",
                "Patient.identifier:nhsNumber.value"
            ]
        );
    }

    #[test]
    fn primitive_extensions_and_choices_are_reached() {
        let patient = json!({"resourceType": "Patient", "birthDate": "1990-01-01",
            "_birthDate": {"extension": [{"url": "http://x/BirthTime", "valueDateTime": "1990-01-01T10:00:00Z"}]},
            "generalPractitioner": [{"reference": "Organization/a"}]});
        assert_eq!(
            populated(&patient),
            [
                "Patient.birthDate.extension:birthTime.value[x]",
                "Patient.generalPractitioner"
            ]
        );
    }

    #[test]
    fn patterns_match_as_subsets() {
        assert!(contains(
            &json!({"coding": [{"system": "s", "code": "c", "display": "d"}, {"code": "x"}]}),
            &json!({"coding": [{"system": "s", "code": "c"}]})
        ));
        assert!(!contains(
            &json!({"coding": [{"system": "s", "code": "other"}]}),
            &json!({"coding": [{"system": "s", "code": "c"}]})
        ));
    }
}
