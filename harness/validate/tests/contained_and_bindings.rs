//! False errors the reference validator does not give: references and invariants inside
//! contained resources (their container is `%rootResource` and what `#` points to), profile
//! slices discriminated by profile whose members hold contained resources, and codes outside
//! a value set bound less strongly than `required`. Uses the built-in R4 definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use std::sync::Arc;

use assure_model::Format;
use assure_validate::{Definitions, Options, Outcome, Severity, Validator, bundled};
use serde_json::{Value, json};

fn validate(json: &str) -> Outcome {
    validator().validate_bytes(json.as_bytes(), Format::Json, &Options::default())
}

/// `reference` made inside a contained resource of the given container type.
fn contained_reference(container: &str, contained: &str, element: &str) -> String {
    format!(
        r##"{{"resourceType": "{container}", "id": "c1",
            "contained": [{contained}],
            "extension": [{{"url": "http://example.org/ext",
                "valueReference": {{"reference": "#x1"}}}}]{element}}}"##
    )
}

#[test]
fn a_hash_reference_in_a_contained_resource_points_at_its_container() {
    // R4 references.html#contained: `#` alone refers to the containing resource. An
    // OrganizationAffiliation contained in an Organization may name it as its organization.
    let good = contained_reference(
        "Organization",
        r##"{"resourceType": "OrganizationAffiliation", "id": "x1",
            "organization": {"reference": "#"}}"##,
        r#", "name": "Acme""#,
    );
    let outcome = validate(&good);
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
    // The same reference inside a Patient points at the Patient, not an allowed target.
    let bad = contained_reference(
        "Patient",
        r##"{"resourceType": "OrganizationAffiliation", "id": "x1",
            "organization": {"reference": "#"}}"##,
        "",
    );
    let errors = issues(&validate(&bad), Severity::Error);
    assert_eq!(
        errors,
        vec![
            "Patient.contained[0].organization: The reference points to a Patient, which is not \
             an allowed target (http://hl7.org/fhir/StructureDefinition/Organization)"
        ],
    );
}

#[test]
fn contained_resources_resolve_their_siblings_through_the_root_resource() {
    // ref-1 reads %rootResource.contained: for a contained resource that is its container, so
    // a reference from one contained resource to another resolves.
    let good = contained_reference(
        "Organization",
        r##"{"resourceType": "OrganizationAffiliation", "id": "x1",
              "participatingOrganization": {"reference": "#x2"}},
            {"resourceType": "Organization", "id": "x2", "name": "Sub",
              "extension": [{"url": "http://example.org/ext",
                "valueReference": {"reference": "#x1"}}]}"##,
        r#", "name": "Acme""#,
    );
    let outcome = validate(&good);
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
    // A contained resource's reference to an id no resource in the container has fails.
    let bad = good.replace("#x2\"}", "#x9\"}");
    let errors = issues(&validate(&bad), Severity::Error);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("Organization.contained[0].participatingOrganization:")),
        "{errors:?}"
    );
}

#[test]
fn invariants_of_a_contained_resource_read_the_contained_resource_as_resource() {
    // obs-7 compares component codes with %resource.code: for a contained Observation that
    // is the Observation, not its container (whose code differs).
    let report = r##"{"resourceType": "DiagnosticReport", "id": "r1", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
        "result": [{"reference": "#o1"}],
        "contained": [{"resourceType": "Observation", "id": "o1", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "9999-9"}]},
            "valueString": "x",
            "component": [{"code": {"coding": [{"system": "http://loinc.org",
                "code": "8480-6"}]}, "valueString": "y"}]}]}"##;
    let outcome = validate(report);
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
    // With the component coded like the Observation itself, obs-7 fails on the contained one.
    let bad = report.replace("\"9999-9\"", "\"8480-6\"");
    let errors = issues(&validate(&bad), Severity::Error);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("DiagnosticReport.contained[0]: Constraint failed: obs-7")),
        "{errors:?}"
    );
}

/// The built-in definitions plus `profiles`.
fn with_profiles(profiles: &[Value]) -> Validator {
    let mut definitions: Definitions = bundled::definitions().unwrap();
    for profile in profiles {
        definitions.add_json(profile.clone(), "test");
    }
    Validator::new(Arc::new(definitions))
}

#[test]
fn a_profile_slice_member_is_its_own_root_resource() {
    // Bundle entries sliced by the profile of their resource: the trial walk of an entry's
    // Observation must read the Observation's own contained resources (ref-1), not the
    // Bundle's.
    let bundle_profile = json!({"resourceType": "StructureDefinition",
        "url": "http://example.org/fhir/StructureDefinition/obs-bundle",
        "name": "ObsBundle", "status": "active", "kind": "resource", "abstract": false,
        "type": "Bundle", "derivation": "constraint",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Bundle",
        "differential": {"element": [
            {"id": "Bundle.entry", "path": "Bundle.entry",
             "slicing": {"discriminator": [{"type": "profile", "path": "resource"}],
                         "rules": "open"}},
            {"id": "Bundle.entry:obs", "path": "Bundle.entry", "sliceName": "obs",
             "min": 1, "max": "1"},
            {"id": "Bundle.entry:obs.resource", "path": "Bundle.entry.resource",
             "type": [{"code": "Observation",
                "profile": ["http://hl7.org/fhir/StructureDefinition/Observation"]}]}]}});
    let validator = with_profiles(&[bundle_profile]);
    let instance = r##"{"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1",
         "resource": {"resourceType": "Observation", "status": "final",
            "code": {"text": "weight"}, "subject": {"reference": "#p"},
            "contained": [{"resourceType": "Patient", "id": "p"}]}}]}"##;
    let options = Options {
        profiles: vec!["http://example.org/fhir/StructureDefinition/obs-bundle".into()],
        ..Options::default()
    };
    let outcome = validator.validate_bytes(instance.as_bytes(), Format::Json, &options);
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
}

/// An Observation profile binding `category` to the observation category value set with
/// `strength`.
fn category_bound(strength: &str) -> Value {
    json!({"resourceType": "StructureDefinition",
        "url": format!("http://example.org/fhir/StructureDefinition/category-{strength}"),
        "name": format!("Category{strength}"), "status": "active", "kind": "resource",
        "abstract": false, "type": "Observation", "derivation": "constraint",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
        "differential": {"element": [
            {"id": "Observation.category", "path": "Observation.category",
             "binding": {"strength": strength,
                "valueSet": "http://hl7.org/fhir/ValueSet/observation-category"}}]}})
}

#[test]
fn only_a_required_binding_makes_a_code_outside_its_value_set_an_error() {
    // R4 terminologies.html#strength: required codes SHALL come from the value set;
    // extensible ones SHALL unless none fits (a warning: the validator cannot judge that);
    // preferred and example bindings are only guidance.
    let strengths = ["required", "extensible", "preferred", "example"];
    let validator = with_profiles(&strengths.map(category_bound));
    let observation = r#"{"resourceType": "Observation", "status": "final",
        "category": [{"coding": [{"system":
            "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"},
            {"system": "http://terminology.hl7.org/CodeSystem/observation-category",
             "code": "not-a-category"}]},
          {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
             "code": "not-a-category"}]}],
        "code": {"text": "x"}}"#;
    for strength in strengths {
        let options = Options {
            profiles: vec![format!(
                "http://example.org/fhir/StructureDefinition/category-{strength}"
            )],
            ..Options::default()
        };
        let outcome = validator.validate_bytes(observation.as_bytes(), Format::Json, &options);
        let at_category = |severity| -> Vec<String> {
            issues(&outcome, severity)
                .into_iter()
                .filter(|i| i.starts_with("Observation.category"))
                .collect()
        };
        let (errors, warnings) = (at_category(Severity::Error), at_category(Severity::Warning));
        match strength {
            "required" => assert_eq!(
                errors.len(),
                1,
                "{strength}: only the second category fails: {errors:?}"
            ),
            "extensible" => {
                assert!(errors.is_empty(), "{strength}: {errors:?}");
                assert_eq!(warnings.len(), 1, "{strength}: {warnings:?}");
                assert!(
                    warnings[0].starts_with("Observation.category[1]"),
                    "{warnings:?}"
                );
            }
            _ => assert!(
                errors.is_empty() && warnings.is_empty(),
                "{strength}: {errors:?} {warnings:?}"
            ),
        }
    }
}

#[test]
fn codes_outside_a_bindings_maximum_value_set_are_errors() {
    // R4 elementdefinition-maxValueSet: an extensible binding lets other codes be used, but
    // only from the maximum value set.
    let vital_signs_only = json!({"resourceType": "ValueSet",
        "url": "http://example.org/fhir/ValueSet/vital-signs-category", "status": "active",
        "compose": {"include": [{"system":
            "http://terminology.hl7.org/CodeSystem/observation-category",
            "concept": [{"code": "vital-signs"}]}]}});
    let bounded = json!({"resourceType": "StructureDefinition",
        "url": "http://example.org/fhir/StructureDefinition/category-bounded",
        "name": "CategoryBounded", "status": "active", "kind": "resource", "abstract": false,
        "type": "Observation", "derivation": "constraint",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
        "differential": {"element": [
            {"id": "Observation.category", "path": "Observation.category",
             "binding": {"strength": "extensible",
                "valueSet": "http://example.org/fhir/ValueSet/vital-signs-category",
                "extension": [{"url":
                    "http://hl7.org/fhir/StructureDefinition/elementdefinition-maxValueSet",
                    "valueCanonical": "http://hl7.org/fhir/ValueSet/observation-category"}]}}]}});
    let validator = with_profiles(&[vital_signs_only, bounded]);
    let options = Options {
        profiles: vec!["http://example.org/fhir/StructureDefinition/category-bounded".into()],
        ..Options::default()
    };
    let observation = |category: &str| {
        format!(
            r#"{{"resourceType": "Observation", "status": "final", "code": {{"text": "x"}},
                "category": [{{"coding": [{{"system":
                "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "{category}"}}]}}]}}"#
        )
    };
    let run = |category: &str| {
        validator.validate_bytes(observation(category).as_bytes(), Format::Json, &options)
    };
    let at_category = |outcome: &Outcome, severity| -> Vec<String> {
        issues(outcome, severity)
            .into_iter()
            .filter(|i| i.starts_with("Observation.category"))
            .collect()
    };
    let in_value_set = run("vital-signs");
    assert!(
        at_category(&in_value_set, Severity::Error).is_empty()
            && at_category(&in_value_set, Severity::Warning).is_empty(),
        "{:?}",
        in_value_set.issues
    );
    // Outside the value set, inside the maximum: the extensible binding's warning only.
    let in_maximum = run("laboratory");
    assert!(
        issues(&in_maximum, Severity::Error).is_empty(),
        "{:?}",
        in_maximum.issues
    );
    assert_eq!(at_category(&in_maximum, Severity::Warning).len(), 1);
    // Outside the maximum value set too: an error.
    let errors = issues(&run("not-a-category"), Severity::Error);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("Observation.category[0]: The value ")
            && errors[0].contains("the maximum value set of the extensible binding"),
        "{errors:?}"
    );
}
