//! Reference search: `Type/id`, a bare `id`, or an absolute URL ending in `Type/id`.

use serde_json::Value;

/// One value of a reference parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceQuery {
    /// The type named in the value, if any.
    resource_type: Option<String>,
    id: String,
    /// The types a matching reference may point to (the parameter's targets, or the one named
    /// by a `:Type` modifier).
    allowed: Vec<&'static str>,
}

impl ReferenceQuery {
    /// Parses a reference value for a parameter whose references may point to `allowed`.
    pub fn parse(value: &str, allowed: &[&'static str]) -> Result<Self, String> {
        if !value.contains('/') {
            return Ok(Self {
                resource_type: None,
                id: value.to_owned(),
                allowed: allowed.to_vec(),
            });
        }
        let (resource_type, id) = split_reference(value)
            .ok_or_else(|| format!("{value:?} is not a reference (id, Type/id or a URL)"))?;
        Ok(Self {
            resource_type: Some(resource_type.to_owned()),
            id: id.to_owned(),
            allowed: allowed.to_vec(),
        })
    }

    /// A query for exactly `resource_type/id`.
    pub fn to(resource_type: &'static str, id: &str) -> Self {
        Self {
            resource_type: Some(resource_type.to_owned()),
            id: id.to_owned(),
            allowed: vec![resource_type],
        }
    }

    /// The id of the resource the query points at.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether `element` (a Reference) points at the queried resource.
    pub fn matches(&self, element: &Value) -> bool {
        let Some((resource_type, id)) = target_of(element) else {
            return false;
        };
        id == self.id
            && self.allowed.contains(&resource_type)
            && self
                .resource_type
                .as_deref()
                .is_none_or(|wanted| wanted == resource_type)
    }
}

/// The `Type` and `id` a Reference element points to, if it is a literal resource reference.
pub fn target_of(element: &Value) -> Option<(&str, &str)> {
    element
        .get("reference")
        .and_then(Value::as_str)
        .and_then(split_reference)
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

    const SUBJECT: &[&str] = &["Group", "Patient"];

    fn query(value: &str, allowed: &[&'static str]) -> ReferenceQuery {
        ReferenceQuery::parse(value, allowed).unwrap()
    }

    #[test]
    fn matches_by_type_and_id_bare_id_or_url() {
        let subject = json!({"reference": "Patient/amelia-jones"});
        assert!(query("Patient/amelia-jones", SUBJECT).matches(&subject));
        assert!(query("amelia-jones", SUBJECT).matches(&subject));
        assert!(query("amelia-jones", &["Patient"]).matches(&subject));
        assert!(query("http://example.org/fhir/Patient/amelia-jones", SUBJECT).matches(&subject));
        assert!(!query("Group/amelia-jones", SUBJECT).matches(&subject));
        assert!(!query("gareth-jones", SUBJECT).matches(&subject));
    }

    #[test]
    fn allowed_types_restrict_matches() {
        let subject = json!({"reference": "Group/amelia-jones"});
        assert!(!query("amelia-jones", &["Patient"]).matches(&subject));
        assert!(!query("Group/amelia-jones", &["Patient"]).matches(&subject));
        assert!(ReferenceQuery::to("Group", "amelia-jones").matches(&subject));
    }

    #[test]
    fn versioned_and_absolute_references_in_the_resource() {
        let subject = json!({"reference": "https://example.org/fhir/Patient/x/_history/2"});
        assert!(query("Patient/x", SUBJECT).matches(&subject));
        assert!(!query("x", SUBJECT).matches(&json!({"display": "x"})));
        assert!(!query("x", SUBJECT).matches(&json!({"reference": "#x"})));
    }

    #[test]
    fn malformed_references_are_refused() {
        for bad in ["Patient/", "patient/x", "/x"] {
            assert!(ReferenceQuery::parse(bad, SUBJECT).is_err(), "{bad:?}");
        }
    }
}
