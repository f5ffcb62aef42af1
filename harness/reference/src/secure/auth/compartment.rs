//! The patient compartment as this server draws it: the Patient itself, and resources whose
//! `subject` or `patient` reference points to that Patient.

use serde_json::Value;

use crate::resource_types;

/// The compartment of one patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Compartment<'a> {
    patient: &'a str,
    base_url: &'a str,
}

impl<'a> Compartment<'a> {
    /// The compartment of `Patient/<patient>` on the server at `base_url`.
    pub(crate) fn new(patient: &'a str, base_url: &'a str) -> Self {
        Self { patient, base_url }
    }

    /// Whether `resource` belongs to the compartment.
    pub(crate) fn contains(&self, resource: &Value) -> bool {
        if resource.get("resourceType").and_then(Value::as_str) == Some("Patient") {
            return resource.get("id").and_then(Value::as_str) == Some(self.patient);
        }
        ["subject", "patient"].iter().any(|field| {
            resource
                .get(field)
                .and_then(|reference| reference.get("reference"))
                .and_then(Value::as_str)
                .is_some_and(|reference| self.is_patient_reference(reference))
        })
    }

    fn is_patient_reference(&self, reference: &str) -> bool {
        let relative = reference
            .strip_prefix(self.base_url)
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(reference);
        relative
            .strip_prefix("Patient/")
            .is_some_and(|id| id == self.patient)
    }

    /// The search parameter that limits a search of `resource_type` to the compartment, with
    /// its value; `None` when the type has no link to a patient.
    pub(crate) fn search_restriction(&self, resource_type: &str) -> Option<(&'static str, String)> {
        if resource_type == "Patient" {
            return Some(("_id", self.patient.to_owned()));
        }
        let served = resource_types::served(resource_type)?;
        ["patient", "subject"]
            .into_iter()
            .filter_map(|name| served.search_param(name))
            .find(|param| param.targets.contains(&"Patient"))
            .map(|param| (param.name, format!("Patient/{}", self.patient)))
    }

    /// Drops from a Bundle every entry whose resource is outside the compartment (entries
    /// without a resource included); whether any was dropped.
    pub(crate) fn filter_bundle(&self, bundle: &mut Value) -> bool {
        let Some(entries) = bundle.get_mut("entry").and_then(Value::as_array_mut) else {
            return false;
        };
        let before = entries.len();
        entries.retain(|entry| {
            entry
                .get("resource")
                .is_some_and(|resource| self.contains(resource))
        });
        entries.len() != before
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const BASE: &str = "http://127.0.0.1:1/fhir";

    #[test]
    fn membership() {
        let compartment = Compartment::new("p1", BASE);
        assert!(compartment.contains(&json!({"resourceType": "Patient", "id": "p1"})));
        assert!(!compartment.contains(&json!({"resourceType": "Patient", "id": "p2"})));
        let observation = |reference: &str| json!({"resourceType": "Observation", "subject": {"reference": reference}});
        assert!(compartment.contains(&observation("Patient/p1")));
        assert!(compartment.contains(&observation(&format!("{BASE}/Patient/p1"))));
        assert!(!compartment.contains(&observation("Patient/p10")));
        assert!(!compartment.contains(&observation("http://elsewhere/fhir/Patient/p1")));
        assert!(compartment.contains(&json!({
            "resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/p1"}
        })));
        assert!(!compartment.contains(&json!({"resourceType": "Practitioner", "id": "p1"})));
    }

    #[test]
    fn restrictions_by_type() {
        let compartment = Compartment::new("p1", BASE);
        assert_eq!(
            compartment.search_restriction("Patient"),
            Some(("_id", "p1".to_owned()))
        );
        assert_eq!(
            compartment.search_restriction("Observation"),
            Some(("patient", "Patient/p1".to_owned()))
        );
        assert_eq!(
            compartment.search_restriction("AllergyIntolerance"),
            Some(("patient", "Patient/p1".to_owned()))
        );
        assert_eq!(compartment.search_restriction("Practitioner"), None);
    }

    #[test]
    fn bundles_lose_other_patients_entries() {
        let compartment = Compartment::new("p1", BASE);
        let mut bundle = json!({"resourceType": "Bundle", "entry": [
            {"resource": {"resourceType": "Patient", "id": "p1"}},
            {"resource": {"resourceType": "Patient", "id": "p2"}},
            {"request": {"method": "DELETE"}},
        ]});
        assert!(compartment.filter_bundle(&mut bundle));
        assert_eq!(bundle["entry"].as_array().unwrap().len(), 1);
        assert!(!compartment.filter_bundle(&mut bundle));
    }
}
