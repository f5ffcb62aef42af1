//! The R4 base definitions compiled into the crate: integrity, contents, validation with no
//! other definitions (reproducibility from the published packages is tested in the devtools
//! crate, which holds the generator).

use std::sync::{Arc, OnceLock};

use assure_model::Format;
use assure_validate::{Definitions, Options, Severity, Validator, bundled};

fn definitions() -> Arc<Definitions> {
    static DEFINITIONS: OnceLock<Arc<Definitions>> = OnceLock::new();
    DEFINITIONS
        .get_or_init(|| Arc::new(bundled::definitions().expect("the bundle loads")))
        .clone()
}

#[test]
fn the_checksum_verifies_and_a_changed_byte_is_caught() {
    bundled::verify(bundled::BUNDLE, bundled::CHECKSUM_FILE).unwrap();
    let mut tampered = bundled::BUNDLE.to_vec();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 1;
    let message = bundled::verify(&tampered, bundled::CHECKSUM_FILE)
        .unwrap_err()
        .to_string();
    assert!(message.contains("corrupt: SHA-256"), "{message}");
    assert!(bundled::verify(bundled::BUNDLE, "").is_err());
}

#[test]
fn it_holds_the_base_definitions_with_snapshots() {
    let defs = definitions();
    assert_eq!(defs.packages(), ["hl7.fhir.r4.core#4.0.1"]);
    for name in [
        "Patient",
        "Observation",
        "Bundle",
        "HumanName",
        "string",
        "Extension",
        "SimpleQuantity",
    ] {
        let sd = defs
            .type_definition(name)
            .unwrap_or_else(|| panic!("{name}"));
        let elements = sd["snapshot"]["element"].as_array().unwrap();
        assert!(!elements.is_empty(), "{name}");
        assert!(
            sd.get("text").is_none() && sd.get("mapping").is_none(),
            "{name}"
        );
    }
    let patient = defs.type_definition("Patient").unwrap();
    let gender = patient["snapshot"]["element"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "Patient.gender")
        .unwrap();
    assert_eq!(gender["binding"]["strength"], "required");
    assert!(gender.get("definition").is_none());
    let constraints = patient["snapshot"]["element"][0]["constraint"]
        .as_array()
        .unwrap();
    assert!(constraints.iter().any(|c| c["key"] == "dom-2"
        && c["severity"] == "error"
        && c["expression"].is_string()
        && c["human"].is_string()));
    let vital_signs = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
    assert!(defs.structure_definition(vital_signs).is_some());
    assert!(
        defs.structure_definition("http://hl7.org/fhir/StructureDefinition/patient-birthPlace")
            .is_some()
    );
    assert!(
        defs.value_set("http://hl7.org/fhir/ValueSet/administrative-gender")
            .is_some()
    );
    assert!(
        defs.code_system("http://hl7.org/fhir/administrative-gender")
            .is_some()
    );
    assert!(defs.structure_definitions().count() > 640);
    assert!(defs.of_type("SearchParameter").count() > 1000);
}

#[test]
fn a_valid_resource_passes_and_a_broken_one_fails() {
    let validator = Validator::new(definitions());
    let good = br#"{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1974-12-25",
        "name":[{"family":"Chalmers","given":["Peter"]}]}"#;
    let outcome = validator.validate_bytes(good, Format::Json, &Options::default());
    assert_eq!(outcome.errors().count(), 0, "{:?}", outcome.issues);

    let broken = br#"{"resourceType":"Patient","gender":"robot","birthDate":"1974-13-45"}"#;
    let outcome = validator.validate_bytes(broken, Format::Json, &Options::default());
    let errors: Vec<_> = outcome.errors().map(|i| &*i.location).collect();
    assert!(errors.contains(&"Patient.gender"), "{:?}", outcome.issues);
    assert!(
        errors.contains(&"Patient.birthDate"),
        "{:?}",
        outcome.issues
    );
    assert!(
        outcome
            .issues
            .iter()
            .any(|i| i.severity == Severity::Error && i.message.contains("administrative-gender")),
        "{:?}",
        outcome.issues
    );
}
