//! The CapabilityStatement served at `/metadata`: exactly what the server does.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::resource_types::{INTERACTIONS, ResourceType, SERVED};
use super::store::format_instant;

/// The software name the CapabilityStatement reports.
pub const SOFTWARE_NAME: &str = "assure reference server";

/// Builds the CapabilityStatement for a server at `base_url` started at `started`.
/// With `advertise_immunization` (a defect) it also claims Immunization read and search.
pub fn capability_statement(
    base_url: &str,
    started: OffsetDateTime,
    advertise_immunization: bool,
) -> Value {
    let mut resources: Vec<Value> = SERVED.iter().map(resource_entry).collect();
    if advertise_immunization {
        resources.push(json!({
            "type": "Immunization",
            "profile": "http://hl7.org/fhir/StructureDefinition/Immunization",
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{
                "name": "patient",
                "definition": "http://hl7.org/fhir/SearchParameter/clinical-patient",
                "type": "reference"
            }]
        }));
        resources.sort_by(|a, b| a["type"].as_str().cmp(&b["type"].as_str()));
    }
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": format_instant(started),
        "publisher": "assure",
        "kind": "instance",
        "software": {
            "name": SOFTWARE_NAME,
            "version": env!("CARGO_PKG_VERSION")
        },
        "implementation": {
            "description": "In-memory FHIR R4 reference server embedded in assure",
            "url": base_url
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [{
            "mode": "server",
            "resource": resources
        }]
    })
}

fn resource_entry(resource_type: &ResourceType) -> Value {
    let interactions: Vec<Value> = INTERACTIONS
        .iter()
        .map(|code| json!({"code": code}))
        .collect();
    let search_params: Vec<Value> = resource_type
        .search_params
        .iter()
        .map(|param| {
            json!({
                "name": param.name,
                "definition": param.definition,
                "type": param.kind.code()
            })
        })
        .collect();
    json!({
        "type": resource_type.name,
        "profile": format!("http://hl7.org/fhir/StructureDefinition/{}", resource_type.name),
        "interaction": interactions,
        "versioning": "versioned",
        "readHistory": true,
        "updateCreate": true,
        "conditionalCreate": false,
        "conditionalUpdate": false,
        "conditionalDelete": "not-supported",
        "searchParam": search_params
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(statement: &Value) -> Vec<&str> {
        statement["rest"][0]["resource"]
            .as_array()
            .unwrap()
            .iter()
            .map(|resource| resource["type"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn lists_exactly_the_served_types() {
        let statement = capability_statement("http://h/fhir", OffsetDateTime::UNIX_EPOCH, false);
        let served: Vec<&str> = SERVED.iter().map(|t| t.name).collect();
        assert_eq!(types(&statement), served);
        assert_eq!(statement["fhirVersion"], "4.0.1");
        assert_eq!(statement["date"], "1970-01-01T00:00:00Z");
    }

    #[test]
    fn the_lie_adds_immunization() {
        let statement = capability_statement("http://h/fhir", OffsetDateTime::UNIX_EPOCH, true);
        assert!(types(&statement).contains(&"Immunization"));
        assert_eq!(types(&statement).len(), SERVED.len() + 1);
    }
}
