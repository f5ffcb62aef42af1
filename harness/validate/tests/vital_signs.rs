//! Core profiles the specification imposes: an Observation recording a vital sign SHALL
//! conform to that vital sign's profile (R4 observation-vitalsigns.html), whether or not it
//! claims it; the blood pressure profile slices its components by codes fixed inside a
//! coding slice. Uses the built-in R4 definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use assure_model::Format;
use assure_validate::{Options, Outcome, Severity};

fn validate(json: &str) -> Outcome {
    validator().validate_bytes(json.as_bytes(), Format::Json, &Options::default())
}

const VITAL_SIGNS_CATEGORY: &str = r#""category": [{"coding": [{"system":
    "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],"#;

/// An Observation of `code` (a LOINC code) valued by `value`, with `category` (JSON members
/// ending with a comma, or nothing).
fn observation(category: &str, code: &str, value: &str) -> String {
    format!(
        r#"{{"resourceType": "Observation", "status": "final", {category}
            "code": {{"coding": [{{"system": "http://loinc.org", "code": "{code}"}}]}},
            "subject": {{"reference": "Patient/p1"}}, "effectiveDateTime": "2026-11-26",
            {value}}}"#
    )
}

const HEART_RATE: &str = r#""valueQuantity": {"value": 60, "unit": "beats/minute",
    "system": "http://unitsofmeasure.org", "code": "/min"}"#;

#[test]
fn a_vital_sign_must_meet_its_profile_without_claiming_it() {
    let outcome = validate(&observation("", "8867-4", HEART_RATE));
    assert!(
        issues(&outcome, Severity::Information)
            .iter()
            .any(|i| i.contains("http://hl7.org/fhir/StructureDefinition/heartrate")),
        "{:?}",
        outcome.issues
    );
    let errors = issues(&outcome, Severity::Error);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Observation.category (slice 'VSCat'): minimum required = 1")),
        "{errors:?}"
    );
    let conforming = validate(&observation(VITAL_SIGNS_CATEGORY, "8867-4", HEART_RATE));
    assert!(
        issues(&conforming, Severity::Error).is_empty(),
        "{:?}",
        conforming.issues
    );
}

#[test]
fn other_observations_are_not_held_to_a_vital_signs_profile() {
    // A LOINC code outside the vital signs table (haemoglobin A1c).
    let outcome = validate(&observation("", "4548-4", r#""valueString": "x""#));
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
    assert!(
        !issues(&outcome, Severity::Information)
            .iter()
            .any(|i| i.contains("vital sign")),
        "{:?}",
        outcome.issues
    );
}

/// A blood pressure component of `code` in mm[Hg].
fn component(code: &str) -> String {
    format!(
        r#"{{"code": {{"coding": [{{"system": "http://loinc.org", "code": "{code}"}}]}},
            "valueQuantity": {{"value": 120, "unit": "mmHg",
              "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}}}"#
    )
}

#[test]
fn blood_pressure_components_are_sliced_by_their_fixed_codes() {
    // The bp profile fixes each component's code in a slice of `code.coding`
    // (SystolicBP: 8480-6, DiastolicBP: 8462-4); both slices are required.
    let both = format!(
        r#""component": [{}, {}]"#,
        component("8480-6"),
        component("8462-4")
    );
    let outcome = validate(&observation(VITAL_SIGNS_CATEGORY, "85354-9", &both));
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
    let systolic_only = format!(r#""component": [{}]"#, component("8480-6"));
    let errors = issues(
        &validate(&observation(
            VITAL_SIGNS_CATEGORY,
            "85354-9",
            &systolic_only,
        )),
        Severity::Error,
    );
    assert_eq!(
        errors,
        vec![
            "Observation: Observation.component: minimum required = 2, but only found 1",
            "Observation: Observation.component (slice 'DiastolicBP'): minimum required = 1, \
             but only found 0"
        ]
    );
}

#[test]
fn component_units_outside_the_vital_signs_units_are_warnings() {
    // A component measured in a unit the UCUM vital signs value set lacks (an oxygen flow
    // rate with an oxygen saturation) is not an error; the unit is only questioned.
    let flow = r#""valueQuantity": {"value": 97, "unit": "%", "system":
        "http://unitsofmeasure.org", "code": "%"}, "component": [{"code": {"coding":
        [{"system": "http://loinc.org", "code": "3151-8"}]}, "valueQuantity": {"value": 2,
        "unit": "L/min", "system": "http://unitsofmeasure.org", "code": "L/min"}}]"#;
    let outcome = validate(&observation(VITAL_SIGNS_CATEGORY, "2708-6", flow));
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
    assert!(
        issues(&outcome, Severity::Warning)
            .iter()
            .any(|w| w.starts_with(
                "Observation.component[0].valueQuantity: The value \
                'http://unitsofmeasure.org#L/min'"
            )),
        "{:?}",
        outcome.issues
    );
}
