//! The CapabilityStatement served at `/metadata`: exactly what the server does.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::resource_types::{INTERACTIONS, ParamKind, ResourceType, SERVED, SearchParam};
use super::store::format_instant;
use super::ukcore;

/// The software name the CapabilityStatement reports.
pub const SOFTWARE_NAME: &str = "assure reference server";

/// What the CapabilityStatement claims beyond what the server serves, as defects ask.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overclaims {
    /// Immunization read and search (`capability-lies`).
    pub immunization: bool,
    /// UKCore-Observation-Lab as a supported Observation profile, which no instance carries
    /// (`ukcore-claims-unserved-profile`).
    pub observation_lab: bool,
}

/// Builds the CapabilityStatement for a server at `base_url` started at `started`, claiming
/// also what `overclaims` asks.
pub fn capability_statement(
    base_url: &str,
    started: OffsetDateTime,
    overclaims: Overclaims,
) -> Value {
    let mut resources: Vec<Value> = SERVED.iter().map(resource_entry).collect();
    if overclaims.observation_lab
        && let Some(observation) = resources
            .iter_mut()
            .find(|resource| resource["type"] == "Observation")
        && let Some(profiles) = observation["supportedProfile"].as_array_mut()
    {
        profiles.push(json!(ukcore::OBSERVATION_LAB));
    }
    if overclaims.immunization {
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
            "resource": resources,
            "interaction": [{"code": "history-system"}]
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
                "type": param.kind.code(),
                "documentation": documentation(param)
            })
        })
        .collect();
    let mut entry = json!({
        "type": resource_type.name,
        "profile": format!("http://hl7.org/fhir/StructureDefinition/{}", resource_type.name),
        "supportedProfile": [ukcore::profile(resource_type.name)],
        "interaction": interactions,
        "versioning": "versioned",
        "readHistory": true,
        "updateCreate": true,
        "conditionalCreate": false,
        "conditionalUpdate": false,
        "conditionalDelete": "not-supported",
        "searchParam": search_params
    });
    // FHIR JSON has no empty arrays (json.html): a type with nothing to include says nothing.
    for (name, values) in [
        ("searchInclude", search_includes(resource_type)),
        ("searchRevInclude", search_rev_includes(resource_type)),
    ] {
        if !values.is_empty() {
            entry[name] = json!(values);
        }
    }
    entry
}

/// What a parameter supports, in words: R4 has no element for modifiers or prefixes.
fn documentation(param: &SearchParam) -> String {
    let mut modifiers = vec!["missing"];
    modifiers.extend(param.modifiers());
    let mut text = format!("Modifiers: {}", modifiers.join(", "));
    match param.kind {
        ParamKind::Reference => text.push_str(&format!(
            ", and a target type ({}). Chaining: one level.",
            param.targets.join(", ")
        )),
        ParamKind::Date | ParamKind::Quantity => {
            text.push_str(". Prefixes: eq, ne, gt, lt, ge, le, sa, eb, ap.");
        }
        ParamKind::Uri => {
            text.push_str(". Plain values match exactly; :below and :above by whole path segments.")
        }
        ParamKind::String | ParamKind::Token => text.push('.'),
    }
    text
}

/// `Type:param` for every reference parameter of the type.
fn search_includes(resource_type: &ResourceType) -> Vec<String> {
    reference_params(resource_type)
        .map(|param| format!("{}:{}", resource_type.name, param.name))
        .collect()
}

/// `Other:param` for every reference parameter of a served type that may point to this one.
fn search_rev_includes(resource_type: &ResourceType) -> Vec<String> {
    SERVED
        .iter()
        .flat_map(|source| {
            reference_params(source)
                .filter(|param| param.targets.contains(&resource_type.name))
                .map(|param| format!("{}:{}", source.name, param.name))
        })
        .collect()
}

fn reference_params(resource_type: &ResourceType) -> impl Iterator<Item = &'static SearchParam> {
    resource_type
        .search_params
        .iter()
        .filter(|param| param.kind == ParamKind::Reference)
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
        let statement = capability_statement(
            "http://h/fhir",
            OffsetDateTime::UNIX_EPOCH,
            Overclaims::default(),
        );
        let served: Vec<&str> = SERVED.iter().map(|t| t.name).collect();
        assert_eq!(types(&statement), served);
        assert_eq!(statement["fhirVersion"], "4.0.1");
        assert_eq!(statement["date"], "1970-01-01T00:00:00Z");
    }

    #[test]
    fn includes_follow_reference_parameters_both_ways() {
        let patient = SERVED.iter().find(|t| t.name == "Patient").unwrap();
        let entry = resource_entry(patient);
        assert_eq!(
            entry["searchInclude"],
            json!(["Patient:general-practitioner"])
        );
        let rev = entry["searchRevInclude"].as_array().unwrap();
        assert!(rev.contains(&json!("Observation:patient")));
        assert!(rev.contains(&json!("Condition:subject")));
        assert!(!rev.contains(&json!("Observation:code")));
    }

    #[test]
    fn no_array_is_empty() {
        fn check(value: &Value, path: &str) {
            match value {
                Value::Array(items) => {
                    assert!(!items.is_empty(), "empty array at {path}");
                    for (index, item) in items.iter().enumerate() {
                        check(item, &format!("{path}[{index}]"));
                    }
                }
                Value::Object(members) => {
                    for (name, member) in members {
                        check(member, &format!("{path}.{name}"));
                    }
                }
                _ => {}
            }
        }
        let statement = capability_statement(
            "http://h/fhir",
            OffsetDateTime::UNIX_EPOCH,
            Overclaims::default(),
        );
        check(&statement, "CapabilityStatement");
    }

    #[test]
    fn the_lie_adds_immunization() {
        let overclaims = Overclaims {
            immunization: true,
            ..Overclaims::default()
        };
        let statement =
            capability_statement("http://h/fhir", OffsetDateTime::UNIX_EPOCH, overclaims);
        assert!(types(&statement).contains(&"Immunization"));
        assert_eq!(types(&statement).len(), SERVED.len() + 1);
    }

    #[test]
    fn every_type_claims_its_ukcore_profile_and_profile_search() {
        let statement = capability_statement(
            "http://h/fhir",
            OffsetDateTime::UNIX_EPOCH,
            Overclaims::default(),
        );
        for resource in statement["rest"][0]["resource"].as_array().unwrap() {
            let name = resource["type"].as_str().unwrap();
            assert_eq!(
                resource["profile"],
                format!("http://hl7.org/fhir/StructureDefinition/{name}")
            );
            assert_eq!(resource["supportedProfile"], json!([ukcore::profile(name)]));
            let profile = resource["searchParam"]
                .as_array()
                .unwrap()
                .iter()
                .find(|param| param["name"] == "_profile")
                .unwrap();
            assert_eq!(
                profile["definition"],
                "http://hl7.org/fhir/SearchParameter/Resource-profile"
            );
            assert_eq!(profile["type"], "uri");
            assert!(
                profile["documentation"]
                    .as_str()
                    .unwrap()
                    .starts_with("Modifiers: missing, below, above."),
                "{profile}"
            );
        }
    }

    #[test]
    fn the_unserved_profile_is_claimed_on_observation_only() {
        let overclaims = Overclaims {
            observation_lab: true,
            ..Overclaims::default()
        };
        let statement =
            capability_statement("http://h/fhir", OffsetDateTime::UNIX_EPOCH, overclaims);
        for resource in statement["rest"][0]["resource"].as_array().unwrap() {
            let claims_lab = resource["supportedProfile"]
                .as_array()
                .unwrap()
                .contains(&json!(ukcore::OBSERVATION_LAB));
            assert_eq!(claims_lab, resource["type"] == "Observation");
        }
        assert_eq!(types(&statement).len(), SERVED.len());
    }
}
