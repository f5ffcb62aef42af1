//! `elementdefinition-profile-element` (R4 extension on `ElementDefinition.type.profile`): the
//! value conforms to the named element of the profile, not to the profile's root. Uses the
//! built-in R4 definitions.

mod issues;
use issues::issues;

use std::sync::{Arc, OnceLock};

use assure_model::Format;
use assure_validate::{Definitions, Options, Severity, Validator, bundled};
use serde_json::json;

const PATIENT_CITY: &str = "http://example.org/fhir/StructureDefinition/patient-city";
const PERSON_CITY: &str = "http://example.org/fhir/StructureDefinition/person-city";

/// A Patient profile whose addresses need a city (and whose root needs a name), and a Person
/// profile whose addresses conform to that profile's `Patient.address`.
fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let patient_city = json!({"resourceType": "StructureDefinition", "url": PATIENT_CITY,
            "name": "PatientCity", "status": "active", "kind": "resource", "abstract": false,
            "type": "Patient", "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
            "differential": {"element": [
                {"id": "Patient", "path": "Patient", "constraint": [{"key": "pc-1",
                    "severity": "error", "human": "A name", "expression": "name.exists()"}]},
                {"id": "Patient.address", "path": "Patient.address"},
                {"id": "Patient.address.city", "path": "Patient.address.city", "min": 1}]}});
        let person_city = json!({"resourceType": "StructureDefinition", "url": PERSON_CITY,
            "name": "PersonCity", "status": "active", "kind": "resource", "abstract": false,
            "type": "Person", "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Person",
            "differential": {"element": [
                {"id": "Person.address", "path": "Person.address", "type": [{
                    "code": "Address", "profile": [PATIENT_CITY],
                    "_profile": [{"extension": [{"url":
                        "http://hl7.org/fhir/StructureDefinition/elementdefinition-profile-element",
                        "valueString": "Patient.address"}]}]}]}]}});
        let mut definitions: Definitions = bundled::definitions().unwrap();
        definitions.add_json(patient_city, "test");
        definitions.add_json(person_city, "test");
        Validator::new(Arc::new(definitions))
    })
}

fn errors(person: &str) -> Vec<String> {
    let options = Options {
        profiles: vec![PERSON_CITY.into()],
        ..Options::default()
    };
    let outcome = validator().validate_bytes(person.as_bytes(), Format::Json, &options);
    issues(&outcome, Severity::Error)
}

#[test]
fn a_value_meeting_the_named_element_conforms() {
    // Checked against the profile's root, the address would lack the Patient's name and its
    // city would be no Patient element.
    assert_eq!(
        errors(r#"{"resourceType": "Person", "address": [{"city": "Leeds"}]}"#),
        Vec::<String>::new()
    );
}

#[test]
fn a_value_is_checked_against_the_named_element() {
    assert_eq!(
        errors(r#"{"resourceType": "Person", "address": [{"line": ["1 Road"]}]}"#),
        vec!["Person.address[0]: Patient.address.city: minimum required = 1, but only found 0"]
    );
}
