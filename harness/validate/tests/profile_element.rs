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

const SECTION_LIBRARY: &str = "http://example.org/fhir/StructureDefinition/section-library";
const DOCUMENT: &str = "http://example.org/fhir/StructureDefinition/document";

/// A library of section definitions (section `a` has code `a` and a focus), and a document
/// profile whose closed slices on `Composition.section`, by pattern on `code`, each conform
/// to an element of the library.
fn sections_validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let code = |c: &str| json!({"coding": [{"system": "http://example.org/cs", "code": c}]});
        let library = json!({"resourceType": "StructureDefinition", "url": SECTION_LIBRARY,
            "name": "SectionLibrary", "status": "active", "kind": "resource", "abstract": true,
            "type": "Composition", "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Composition",
            "differential": {"element": [
                {"path": "Composition.section", "slicing": {"discriminator": [
                    {"type": "pattern", "path": "code"}], "rules": "open"}},
                {"path": "Composition.section", "sliceName": "a"},
                {"path": "Composition.section.code", "min": 1,
                    "patternCodeableConcept": code("a")},
                {"path": "Composition.section.focus", "min": 1},
                {"path": "Composition.section", "sliceName": "b"},
                {"path": "Composition.section.code", "min": 1,
                    "patternCodeableConcept": code("b")}]}});
        let slice = |name: &str, min: u32| {
            json!({"path": "Composition.section",
            "sliceName": name, "min": min, "type": [{"code": "BackboneElement",
                "profile": [SECTION_LIBRARY],
                "_profile": [{"extension": [{"url":
                    "http://hl7.org/fhir/StructureDefinition/elementdefinition-profile-element",
                    "valueString": format!("Composition.section:{name}")}]}]}]})
        };
        let document = json!({"resourceType": "StructureDefinition", "url": DOCUMENT,
            "name": "Document", "status": "active", "kind": "resource", "abstract": false,
            "type": "Composition", "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Composition",
            "differential": {"element": [
                {"path": "Composition.section", "slicing": {"discriminator": [
                    {"type": "pattern", "path": "code"}], "rules": "closed"}},
                slice("a", 1),
                slice("b", 0)]}});
        let mut definitions: Definitions = bundled::definitions().unwrap();
        definitions.add_json(library, "test");
        definitions.add_json(document, "test");
        Validator::new(Arc::new(definitions))
    })
}

fn document_errors(sections: &str) -> Vec<String> {
    let composition = format!(
        r#"{{"resourceType": "Composition", "status": "final", "type": {{"text": "t"}},
        "date": "2026-01-01", "author": [{{"display": "A"}}], "title": "T",
        "section": [{sections}]}}"#
    );
    let options = Options {
        profiles: vec![DOCUMENT.into()],
        ..Options::default()
    };
    let outcome =
        sections_validator().validate_bytes(composition.as_bytes(), Format::Json, &options);
    issues(&outcome, Severity::Error)
}

// Each section has an entry, as cmp-1 asks.
const CODE_A: &str = r#""entry": [{"display": "e"}],
    "code": {"coding": [{"system": "http://example.org/cs", "code": "a"}]}"#;
const CODE_B: &str = r#""entry": [{"display": "e"}],
    "code": {"coding": [{"system": "http://example.org/cs", "code": "b"}]}"#;

#[test]
fn slices_typed_by_library_elements_take_the_sections_the_library_describes() {
    assert_eq!(
        document_errors(&format!(
            r#"{{{CODE_A}, "focus": {{"display": "f"}}}}, {{{CODE_B}}}"#
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        document_errors(
            r#"{"code": {"text": "neither"}, "entry": [{"display": "e"}]},
            {"title": "no code", "entry": [{"display": "e"}]}"#
        ),
        [
            "Composition.section[0]: This element does not match any known slice of \
             Composition.section and the slicing is closed",
            "Composition.section[1]: This element does not match any known slice of \
             Composition.section and the slicing is closed",
            "Composition: Composition.section (slice 'a'): minimum required = 1, but only found 0",
        ]
    );
}

#[test]
fn a_section_is_held_to_the_library_element_of_its_slice() {
    assert_eq!(
        document_errors(&format!(r#"{{{CODE_A}}}"#)),
        [
            "Composition.section[0]: Composition.section.focus: minimum required = 1, but only found 0"
        ]
    );
}
