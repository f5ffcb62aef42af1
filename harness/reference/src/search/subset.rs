//! `_summary` and `_elements`: how much of each matched resource a search returns. Subsetted
//! resources carry the `SUBSETTED` tag.

use serde_json::{Map, Value, json};

use crate::outcome::FhirError;
use crate::resource_types::ResourceType;

/// What a search returns of each match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subset {
    /// Whole resources (no `_summary`, or `_summary=false`).
    Full,
    /// No resources, only the total (`_summary=count`).
    Count,
    /// The summary elements (`_summary=true`).
    Summary,
    /// Text, id, meta and mandatory elements (`_summary=text`).
    Text,
    /// Everything but the text (`_summary=data`).
    Data,
    /// These top-level elements, plus id, meta and mandatory elements (`_elements`).
    Elements(Vec<String>),
}

impl Subset {
    /// Reads the `_summary` and `_elements` values, if given.
    pub fn parse(summary: Option<&str>, elements: Option<&str>) -> Result<Self, FhirError> {
        let summary = match summary {
            None | Some("false") => None,
            Some("true") => Some(Self::Summary),
            Some("text") => Some(Self::Text),
            Some("data") => Some(Self::Data),
            Some("count") => Some(Self::Count),
            Some(other) => {
                return Err(FhirError::bad_request(format!(
                    "_summary must be true, text, data, count or false, not {other:?}"
                )));
            }
        };
        match (summary, elements) {
            (Some(Self::Count), _) => Ok(Self::Count),
            (Some(_), Some(_)) => Err(FhirError::bad_request(
                "_summary and _elements cannot be used together",
            )),
            (Some(summary), None) => Ok(summary),
            (None, None) => Ok(Self::Full),
            (None, Some(elements)) => {
                let names: Vec<String> = elements
                    .split(',')
                    .map(|name| name.rsplit('.').next().unwrap_or(name).to_owned())
                    .collect();
                if names
                    .iter()
                    .any(|name| name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()))
                {
                    return Err(FhirError::bad_request(format!(
                        "_elements must list element names, not {elements:?}"
                    )));
                }
                Ok(Self::Elements(names))
            }
        }
    }

    /// Whether only the total is returned.
    pub fn is_count(&self) -> bool {
        *self == Self::Count
    }

    /// Whether only some elements were asked for (`_elements`).
    pub fn is_elements(&self) -> bool {
        matches!(self, Self::Elements(_))
    }

    /// `resource` (of `resource_type`) cut down as asked.
    pub fn apply(&self, resource: Value, resource_type: &ResourceType) -> Value {
        let Value::Object(fields) = resource else {
            return resource;
        };
        let kept: Map<String, Value> = match self {
            Self::Full | Self::Count => return Value::Object(fields),
            Self::Data => fields
                .into_iter()
                .filter(|(name, _)| name != "text")
                .collect(),
            Self::Summary => keep(fields, resource_type, |name| {
                name == "implicitRules" || is_listed(name, resource_type.summary)
            }),
            Self::Text => keep(fields, resource_type, |name| name == "text"),
            Self::Elements(names) => keep(fields, resource_type, |name| {
                names
                    .iter()
                    .any(|wanted| is_listed(name, &[wanted.as_str()]))
            }),
        };
        tag_subsetted(Value::Object(kept))
    }
}

/// Keeps resourceType, id, meta, the mandatory elements and those `wanted` says.
fn keep(
    fields: Map<String, Value>,
    resource_type: &ResourceType,
    wanted: impl Fn(&str) -> bool,
) -> Map<String, Value> {
    fields
        .into_iter()
        .filter(|(name, _)| {
            matches!(name.as_str(), "resourceType" | "id" | "meta")
                || is_listed(name, resource_type.mandatory)
                || wanted(name)
        })
        .collect()
}

/// Whether JSON property `name` is one of `listed`, where `value[x]` stands for `valueQuantity`
/// and the other choices and `value` alone stands for them too.
fn is_listed(name: &str, listed: &[&str]) -> bool {
    listed.iter().any(|listed| {
        let stem = listed.strip_suffix("[x]").unwrap_or(listed);
        name == stem
            || name
                .strip_prefix(stem)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

fn tag_subsetted(mut resource: Value) -> Value {
    let tag = json!({
        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
        "code": "SUBSETTED"
    });
    if let Some(fields) = resource.as_object_mut() {
        let meta = fields.entry("meta").or_insert_with(|| json!({}));
        if let Some(meta) = meta.as_object_mut() {
            match meta.entry("tag").or_insert_with(|| json!([])) {
                Value::Array(tags) => tags.push(tag),
                other => *other = json!([tag]),
            }
        }
    }
    resource
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource_types::served;

    fn observation() -> Value {
        json!({
            "resourceType": "Observation", "id": "o", "meta": {"versionId": "1"},
            "text": {"status": "generated"}, "status": "final", "code": {"text": "x"},
            "category": [{"text": "c"}], "valueQuantity": {"value": 1}, "note": [{"text": "n"}]
        })
    }

    fn keys(subset: &Subset) -> Vec<String> {
        let resource = subset.apply(observation(), served("Observation").unwrap());
        assert_eq!(resource["meta"]["tag"][0]["code"], "SUBSETTED");
        resource.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn each_subset_keeps_its_elements() {
        assert_eq!(
            keys(&Subset::Summary),
            [
                "resourceType",
                "id",
                "meta",
                "status",
                "code",
                "valueQuantity"
            ]
        );
        assert_eq!(
            keys(&Subset::Text),
            ["resourceType", "id", "meta", "text", "status", "code"]
        );
        assert_eq!(keys(&Subset::Data).len(), 8);
        let elements = Subset::parse(None, Some("category,value")).unwrap();
        assert_eq!(
            keys(&elements),
            [
                "resourceType",
                "id",
                "meta",
                "status",
                "code",
                "category",
                "valueQuantity"
            ]
        );
    }

    #[test]
    fn bad_combinations_and_values() {
        assert!(Subset::parse(Some("maybe"), None).is_err());
        assert!(Subset::parse(Some("true"), Some("name")).is_err());
        assert!(Subset::parse(None, Some("name,,gender")).is_err());
        assert_eq!(
            Subset::parse(Some("count"), Some("name")).unwrap(),
            Subset::Count
        );
        assert_eq!(Subset::parse(Some("false"), None).unwrap(), Subset::Full);
    }
}
