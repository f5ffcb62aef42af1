//! `minValue[x]` / `maxValue[x]` through a whole validation: a differential-only Observation
//! profile bounds a Quantity (in kg), a dateTime and an integer.

mod common;

use std::sync::{Arc, OnceLock};

use assure_model::Format;
use assure_validate::package::Package;
use assure_validate::{Definitions, Issue, Options, Severity, Validator};
use common::shared_path;
use serde_json::{Value, json};

const PROFILE: &str = "http://example.org/StructureDefinition/bounded-observation";

fn profile() -> Value {
    let ucum_kg =
        |value: i64| json!({"value": value, "system": "http://unitsofmeasure.org", "code": "kg"});
    json!({
        "resourceType": "StructureDefinition",
        "url": PROFILE,
        "name": "BoundedObservation",
        "status": "draft",
        "fhirVersion": "4.0.1",
        "kind": "resource",
        "abstract": false,
        "type": "Observation",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
        "derivation": "constraint",
        "differential": {"element": [
            {"id": "Observation.effective[x]", "path": "Observation.effective[x]",
             "type": [{"code": "dateTime"}],
             "minValueDateTime": "2000-01-01", "maxValueDateTime": "2030-12-31"},
            {"id": "Observation.value[x]", "path": "Observation.value[x]",
             "type": [{"code": "Quantity"}],
             "minValueQuantity": ucum_kg(0), "maxValueQuantity": ucum_kg(5)},
            {"id": "Observation.component.value[x]", "path": "Observation.component.value[x]",
             "type": [{"code": "integer"}],
             "minValueInteger": 1, "maxValueInteger": 10}
        ]}
    })
}

fn validator() -> Option<&'static Validator> {
    static VALIDATOR: OnceLock<Option<Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let path = shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz")?;
            let mut defs = Definitions::new();
            defs.add_package(Package::from_tarball(&path).unwrap());
            assert!(defs.add_json(profile(), "test"));
            Some(Validator::new(Arc::new(defs)))
        })
        .as_ref()
}

/// Issues of `severity` about an Observation with the given extra properties.
fn issues(properties: Value, severity: Severity) -> Option<Vec<Issue>> {
    let mut observation = json!({"resourceType": "Observation", "status": "final",
        "code": {"text": "weight"}});
    for (name, value) in properties.as_object().unwrap() {
        observation[name] = value.clone();
    }
    let options = Options {
        profiles: vec![PROFILE.into()],
        ..Options::default()
    };
    let outcome =
        validator()?.validate_bytes(observation.to_string().as_bytes(), Format::Json, &options);
    Some(
        outcome
            .issues
            .into_iter()
            .filter(|i| i.severity == severity)
            .collect(),
    )
}

fn grams(value: i64, code: &str) -> Value {
    json!({"valueQuantity": {"value": value, "system": "http://unitsofmeasure.org", "code": code}})
}

#[test]
fn a_quantity_below_the_minimum_is_one_error_after_ucum_conversion() {
    let Some(errors) = issues(grams(-1, "g"), Severity::Error) else {
        return;
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(&*errors[0].location, "Observation.valueQuantity");
    assert_eq!(
        &*errors[0].message,
        "The value in the instance (-1 g) is less than the specified minValue (0 kg) after UCUM \
         conversion"
    );
    assert_eq!(&*errors[0].rule, "Observation.value[x]");
    assert!(errors[0].line > 0);
}

#[test]
fn quantities_within_the_bounds_pass_and_above_fail() {
    let Some(errors) = issues(grams(500, "g"), Severity::Error) else {
        return;
    };
    assert!(errors.is_empty(), "{errors:?}");
    let errors = issues(grams(5001, "g"), Severity::Error).unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .message
            .contains("(5001 g) is greater than the specified maxValue (5 kg)"),
        "{errors:?}"
    );
}

#[test]
fn quantities_in_another_dimension_are_an_error() {
    let Some(errors) = issues(grams(2, "m"), Severity::Error) else {
        return;
    };
    // Both bounds say so.
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .all(|e| e.message.contains("measure different things")),
        "{errors:?}"
    );
}

#[test]
fn quantities_without_a_ucum_code_are_a_warning() {
    let properties = json!({"valueQuantity": {"value": -1, "unit": "grams"}});
    let Some(errors) = issues(properties.clone(), Severity::Error) else {
        return;
    };
    assert!(errors.is_empty(), "{errors:?}");
    let warnings = issues(properties, Severity::Warning).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.message.contains("could not be compared")),
        "{warnings:?}"
    );
}

#[test]
fn date_times_are_bounded_with_precision_awareness() {
    let Some(errors) = issues(
        json!({"effectiveDateTime": "1999-12-31T23:00:00Z"}),
        Severity::Error,
    ) else {
        return;
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .message
            .contains("is less than the specified minValue (2000-01-01)"),
        "{errors:?}"
    );
    let within = issues(json!({"effectiveDateTime": "2020-05-05"}), Severity::Error).unwrap();
    assert!(within.is_empty(), "{within:?}");
    let late = issues(json!({"effectiveDateTime": "2031"}), Severity::Error).unwrap();
    assert_eq!(late.len(), 1, "{late:?}");
    // `2000` may or may not be before 2000-01-01: not an error, at most a warning.
    let coarse = json!({"effectiveDateTime": "2000"});
    assert!(issues(coarse.clone(), Severity::Error).unwrap().is_empty());
    let warnings = issues(coarse, Severity::Warning).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.message.starts_with("Could not decide")),
        "{warnings:?}"
    );
}

#[test]
fn integers_are_bounded_inclusively() {
    let component =
        |value: i64| json!({"component": [{"code": {"text": "count"}, "valueInteger": value}]});
    let Some(errors) = issues(component(0), Severity::Error) else {
        return;
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        &*errors[0].location,
        "Observation.component[0].valueInteger"
    );
    assert_eq!(
        &*errors[0].message,
        "The value in the instance (0) is less than the specified minValue (1)"
    );
    for within in [1, 10] {
        let errors = issues(component(within), Severity::Error).unwrap();
        assert!(errors.is_empty(), "{within}: {errors:?}");
    }
    assert_eq!(issues(component(11), Severity::Error).unwrap().len(), 1);
}
