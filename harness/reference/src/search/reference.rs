//! Reference search: `Type/id`, a bare `id`, or an absolute URL ending in `Type/id`.

use serde_json::Value;

/// One value of a reference parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceQuery {
    resource_type: Option<String>,
    id: String,
}

impl ReferenceQuery {
    /// Parses a reference value; `target` is the only type the parameter may point to.
    pub fn parse(value: &str, target: Option<&str>) -> Self {
        match split_reference(value) {
            Some((resource_type, id)) => Self {
                resource_type: Some(resource_type.to_owned()),
                id: id.to_owned(),
            },
            None => Self {
                resource_type: target.map(str::to_owned),
                id: value.to_owned(),
            },
        }
    }

    /// Whether `element` (a Reference) points at the queried resource.
    pub fn matches(&self, element: &Value) -> bool {
        let Some((resource_type, id)) = element
            .get("reference")
            .and_then(Value::as_str)
            .and_then(split_reference)
        else {
            return false;
        };
        id == self.id
            && self
                .resource_type
                .as_deref()
                .is_none_or(|wanted| wanted == resource_type)
    }
}

/// Splits `[base/]Type/id[/_history/version]` into type and id.
fn split_reference(reference: &str) -> Option<(&str, &str)> {
    let without_version = match reference.rsplit_once("/_history/") {
        Some((resource, _)) => resource,
        None => reference,
    };
    let (rest, id) = without_version.rsplit_once('/')?;
    let resource_type = rest.rsplit('/').next()?;
    let is_type = resource_type
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_uppercase());
    (is_type && !id.is_empty()).then_some((resource_type, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_by_type_and_id_bare_id_or_url() {
        let subject = json!({"reference": "Patient/amelia-jones"});
        assert!(ReferenceQuery::parse("Patient/amelia-jones", None).matches(&subject));
        assert!(ReferenceQuery::parse("amelia-jones", None).matches(&subject));
        assert!(ReferenceQuery::parse("amelia-jones", Some("Patient")).matches(&subject));
        assert!(
            ReferenceQuery::parse("http://example.org/fhir/Patient/amelia-jones", None)
                .matches(&subject)
        );
        assert!(!ReferenceQuery::parse("Group/amelia-jones", None).matches(&subject));
        assert!(!ReferenceQuery::parse("gareth-jones", None).matches(&subject));
    }

    #[test]
    fn target_type_restricts_bare_ids() {
        let subject = json!({"reference": "Group/amelia-jones"});
        assert!(!ReferenceQuery::parse("amelia-jones", Some("Patient")).matches(&subject));
    }

    #[test]
    fn versioned_and_absolute_references_in_the_resource() {
        let subject = json!({"reference": "https://example.org/fhir/Patient/x/_history/2"});
        assert!(ReferenceQuery::parse("Patient/x", None).matches(&subject));
        assert!(!ReferenceQuery::parse("x", None).matches(&json!({"display": "x"})));
        assert!(!ReferenceQuery::parse("x", None).matches(&json!({"reference": "#x"})));
    }
}
