//! UCUM unit codes (`http://unitsofmeasure.org`): a Quantity or Coding from UCUM must carry a
//! valid code (rule `ucum-code`), and a value set including all of UCUM holds exactly the
//! valid codes. Codes follow the UCUM specification's grammar and tables.

use std::sync::Arc;

use assure_model::Format;
use assure_validate::validator::{UCUM_RULE, UNCHECKED_RULE};
use assure_validate::{Issue, Options, Outcome, Severity, Validator, bundled};
use serde_json::{Value, json};

const UCUM: &str = "http://unitsofmeasure.org";
const PROFILE: &str = "https://example.org/StructureDefinition/ucum-observation";
const ALL_UCUM: &str = "https://example.org/ValueSet/all-ucum";

/// R4 core plus an Observation profile binding `valueQuantity` (required) to a value set
/// including all of UCUM.
fn validator() -> Validator {
    let mut defs = bundled::definitions().unwrap();
    defs.add_json(
        json!({"resourceType": "StructureDefinition", "url": PROFILE, "name": "UcumObservation",
        "status": "active", "kind": "resource", "abstract": false, "type": "Observation",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
        "derivation": "constraint",
        "differential": {"element": [
            {"id": "Observation", "path": "Observation"},
            {"id": "Observation.value[x]", "path": "Observation.value[x]",
                "type": [{"code": "Quantity"}],
                "binding": {"strength": "required", "valueSet": ALL_UCUM}},
        ]}}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": ALL_UCUM, "status": "active",
            "compose": {"include": [{"system": UCUM}]}}),
        "test",
    );
    Validator::new(Arc::new(defs))
}

fn observation(value: Value) -> Value {
    json!({"resourceType": "Observation", "id": "o", "status": "final",
        "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">o</div>"},
        "code": {"text": "a measurement"}, "valueQuantity": value})
}

fn validate(resource: &Value, profiles: &[&str]) -> Outcome {
    let options = Options {
        profiles: profiles.iter().map(|p| (*p).to_owned()).collect(),
        ..Options::default()
    };
    validator().validate_bytes(resource.to_string().as_bytes(), Format::Json, &options)
}

fn quantity(system: &str, code: &str) -> Value {
    json!({"value": 1, "unit": code, "system": system, "code": code})
}

fn errors(outcome: &Outcome) -> Vec<&Issue> {
    outcome
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .collect()
}

const VALID: [&str; 12] = [
    "mg/dL",
    "mm[Hg]",
    "/min",
    "10*3/uL",
    "{score}",
    "%",
    "kg/m2",
    "Cel",
    "[degF]",
    "ug/(24.h)",
    "mL/min/{1.73_m2}",
    "[iU]/L",
];

const INVALID: [&str; 6] = ["mg/dl/", "kgg", "[foo]", "m/s)", "mcg", "ml/hr"];

#[test]
fn valid_codes_are_in_a_value_set_of_all_ucum() {
    for code in VALID {
        let outcome = validate(&observation(quantity(UCUM, code)), &[PROFILE]);
        assert!(!outcome.has_errors(), "{code}: {:?}", outcome.issues);
        assert!(
            outcome.issues.iter().all(|i| &*i.rule != UNCHECKED_RULE),
            "{code}: {:?}",
            outcome.issues
        );
    }
}

#[test]
fn invalid_codes_are_one_error_each() {
    for code in INVALID {
        for profiles in [&[][..], &[PROFILE][..]] {
            let outcome = validate(&observation(quantity(UCUM, code)), profiles);
            let errors = errors(&outcome);
            assert_eq!(errors.len(), 1, "{code}: {:?}", outcome.issues);
            assert_eq!(&*errors[0].rule, UCUM_RULE);
            assert_eq!(&*errors[0].location, "Observation.valueQuantity.code");
            assert!(
                errors[0]
                    .message
                    .starts_with(&format!("'{code}' is not a valid UCUM unit code: ")),
                "{}",
                errors[0].message
            );
        }
    }
}

#[test]
fn the_message_says_what_is_wrong() {
    let outcome = validate(&observation(quantity(UCUM, "[foo]")), &[]);
    let errors = errors(&outcome);
    assert!(
        errors[0].message.contains("unknown"),
        "{}",
        errors[0].message
    );
}

#[test]
fn quantity_subtypes_and_codings_are_checked() {
    let age = json!({"resourceType": "Condition", "id": "c",
        "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">c</div>"},
        "subject": {"reference": "Patient/p"},
        "onsetAge": {"value": 3, "system": UCUM, "code": "years"},
        "code": {"coding": [{"system": UCUM, "code": "kgg"}]}});
    let outcome = validate(&age, &[]);
    let mut located: Vec<&str> = errors(&outcome)
        .iter()
        .filter(|i| &*i.rule == UCUM_RULE)
        .map(|i| &*i.location)
        .collect();
    located.sort_unstable();
    assert_eq!(
        located,
        ["Condition.code.coding[0].code", "Condition.onsetAge.code"],
        "{:?}",
        outcome.issues
    );
}

#[test]
fn other_systems_are_not_checked_as_ucum() {
    let local = quantity("https://example.org/units", "kgg");
    let outcome = validate(&observation(local), &[]);
    assert!(!outcome.has_errors(), "{:?}", outcome.issues);
    let outcome = validate(&observation(quantity(UCUM, "kgg")), &[]);
    assert!(outcome.has_errors(), "{:?}", outcome.issues);
}

#[test]
fn a_code_bound_to_listed_ucum_units_is_reported_once() {
    let body_height = "http://hl7.org/fhir/StructureDefinition/bodyheight";
    let mut resource = observation(quantity(UCUM, "cmm"));
    resource["code"] = json!({"coding": [{"system": "http://loinc.org", "code": "8302-2"}]});
    let outcome = validate(&resource, &[body_height]);
    let at_code: Vec<&Issue> = errors(&outcome)
        .into_iter()
        .filter(|i| &*i.location == "Observation.valueQuantity.code")
        .collect();
    assert_eq!(at_code.len(), 1, "{:?}", outcome.issues);
    assert_eq!(&*at_code[0].rule, UCUM_RULE);
    resource["valueQuantity"] = quantity(UCUM, "m");
    let outcome = validate(&resource, &[body_height]);
    assert!(
        errors(&outcome)
            .iter()
            .any(|i| &*i.location == "Observation.valueQuantity.code"
                && i.message.contains("ucum-bodylength")),
        "{:?}",
        outcome.issues
    );
}

#[test]
fn an_invalid_code_is_not_in_a_value_set_of_all_ucum() {
    let outcome = validate(&observation(quantity(UCUM, "kgg")), &[PROFILE]);
    assert!(
        outcome.issues.iter().all(|i| &*i.rule != UNCHECKED_RULE),
        "{:?}",
        outcome.issues
    );
    assert!(outcome.has_errors(), "{:?}", outcome.issues);
}
