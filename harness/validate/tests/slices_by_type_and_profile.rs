//! Slices told apart by type and by profile (R4 profiling.html#discriminator): `type`
//! compares the type of the element, `profile` whether it conforms; with `resolve()` both are
//! asked of the resource a reference points to. Uses the built-in R4 definitions.

mod issues;
use issues::issues;

use std::sync::Arc;

use assure_model::Format;
use assure_validate::{Definitions, Options, Outcome, Severity, Validator, bundled};
use serde_json::{Value, json};

/// A constraint on `type` named `name` with `elements` as its differential.
fn profile(name: &str, kind: &str, elements: Value) -> Value {
    json!({"resourceType": "StructureDefinition",
        "url": format!("http://example.org/fhir/StructureDefinition/{name}"),
        "name": name, "status": "active", "kind": "resource", "abstract": false,
        "type": kind, "derivation": "constraint",
        "baseDefinition": format!("http://hl7.org/fhir/StructureDefinition/{kind}"),
        "differential": {"element": elements}})
}

/// Validates `instance` against the profile `name`, defined with the others in `profiles`.
fn validate(profiles: &[Value], name: &str, instance: &str) -> Outcome {
    let mut definitions: Definitions = bundled::definitions().unwrap();
    for p in profiles {
        definitions.add_json(p.clone(), "test");
    }
    let options = Options {
        profiles: vec![format!(
            "http://example.org/fhir/StructureDefinition/{name}"
        )],
        ..Options::default()
    };
    Validator::new(Arc::new(definitions)).validate_bytes(
        instance.as_bytes(),
        Format::Json,
        &options,
    )
}

fn errors(outcome: &Outcome) -> Vec<String> {
    issues(outcome, Severity::Error)
}

#[test]
fn a_type_slice_takes_the_values_of_its_type() {
    let sliced = profile(
        "quantity-valued",
        "Observation",
        json!([
            {"id": "Observation.value[x]", "path": "Observation.value[x]",
             "slicing": {"discriminator": [{"type": "type", "path": "$this"}],
                         "rules": "open"}},
            {"id": "Observation.value[x]:valueQuantity", "path": "Observation.value[x]",
             "sliceName": "valueQuantity", "min": 1, "type": [{"code": "Quantity"}]}]),
    );
    let observation = |value: &str| {
        format!(
            r#"{{"resourceType": "Observation", "status": "final", "code": {{"text": "x"}},
                {value}}}"#
        )
    };
    let quantity = validate(
        std::slice::from_ref(&sliced),
        "quantity-valued",
        &observation(r#""valueQuantity": {"value": 1}"#),
    );
    assert!(errors(&quantity).is_empty(), "{:?}", errors(&quantity));
    let string = validate(
        &[sliced],
        "quantity-valued",
        &observation(r#""valueString": "one""#),
    );
    assert_eq!(
        errors(&string),
        vec![
            "Observation: Observation.value[x] (slice 'valueQuantity'): minimum required = 1, \
             but only found 0"
        ]
    );
}

/// A document whose Composition has one section entry pointing at an Observation of
/// `category` (JSON members ending with a comma, or nothing).
fn document(category: &str) -> String {
    format!(
        r#"{{"resourceType": "Bundle", "type": "document",
          "identifier": {{"system": "urn:ietf:rfc:3986",
            "value": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"}},
          "timestamp": "2026-11-26T10:00:00Z", "entry": [
            {{"fullUrl": "http://x/fhir/Composition/c1", "resource": {{
              "resourceType": "Composition", "id": "c1", "status": "final",
              "type": {{"text": "Summary"}}, "date": "2026-11-26", "title": "Summary",
              "author": [{{"display": "Dr X"}}], "subject": {{"reference": "Patient/p1"}},
              "section": [{{"title": "Vitals", "entry": [{{"reference": "Observation/w1"}}]}}]}}}},
            {{"fullUrl": "http://x/fhir/Patient/p1", "resource": {{"resourceType": "Patient",
              "id": "p1"}}}},
            {{"fullUrl": "http://x/fhir/Observation/w1", "resource": {{
              "resourceType": "Observation", "id": "w1", "status": "final", {category}
              "code": {{"coding": [{{"system": "http://loinc.org", "code": "29463-7"}}]}},
              "subject": {{"reference": "Patient/p1"}}, "effectiveDateTime": "2026-11-26",
              "valueQuantity": {{"value": 70, "unit": "kg",
                "system": "http://unitsofmeasure.org", "code": "kg"}}}}}}]}}"#
    )
}

#[test]
fn a_profile_slice_through_resolve_checks_the_referenced_resource() {
    let composition = profile(
        "vitals-composition",
        "Composition",
        json!([
            {"id": "Composition.section.entry", "path": "Composition.section.entry",
             "slicing": {"discriminator": [{"type": "profile", "path": "resolve()"}],
                         "rules": "open"}},
            {"id": "Composition.section.entry:weight", "path": "Composition.section.entry",
             "sliceName": "weight", "min": 1,
             "type": [{"code": "Reference", "targetProfile":
                ["http://hl7.org/fhir/StructureDefinition/bodyweight"]}]}]),
    );
    let document_profile = profile(
        "vitals-document",
        "Bundle",
        json!([
            {"id": "Bundle.entry", "path": "Bundle.entry",
             "slicing": {"discriminator": [{"type": "type", "path": "resource"}],
                         "rules": "open"}},
            {"id": "Bundle.entry:composition", "path": "Bundle.entry",
             "sliceName": "composition", "min": 1, "max": "1"},
            {"id": "Bundle.entry:composition.resource", "path": "Bundle.entry.resource",
             "type": [{"code": "Composition", "profile":
                ["http://example.org/fhir/StructureDefinition/vitals-composition"]}]}]),
    );
    let profiles = [composition, document_profile];
    let category = r#""category": [{"coding": [{"system":
        "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],"#;
    let outcome = validate(&profiles, "vitals-document", &document(category));
    assert!(errors(&outcome).is_empty(), "{:?}", errors(&outcome));
    // Without the vital signs category the weight is no body weight by the profile, so the
    // section has no entry in the slice (and the Observation itself breaks its profile).
    let outcome = validate(&profiles, "vitals-document", &document(""));
    let found = errors(&outcome);
    assert!(
        found.iter().any(|e| e.contains(
            "Composition.section.entry (slice 'weight'): minimum required = 1, but only found 0"
        )),
        "{found:?}"
    );
}

/// A collection of resources with the given types, ids `r0`, `r1` ...
fn collection_of(types: &[&str]) -> String {
    let entries: Vec<Value> = types
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            json!({"fullUrl": format!("http://x.org/fhir/{kind}/r{i}"),
                "resource": {"resourceType": kind, "id": format!("r{i}"),
                    "text": {"status": "generated",
                        "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}})
        })
        .collect();
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries}).to_string()
}

#[test]
fn a_profile_slice_takes_a_resource_that_meets_any_of_its_types_profiles() {
    // Three constraints that ask nothing more of their type, so only the type decides.
    let plain = |name: &str, kind: &str| profile(name, kind, json!([]));
    let people = profile(
        "people",
        "Bundle",
        json!([
            {"id": "Bundle.entry", "path": "Bundle.entry",
             "slicing": {"discriminator": [{"type": "profile", "path": "resource"}],
                         "rules": "open"}},
            {"id": "Bundle.entry:patient", "path": "Bundle.entry", "sliceName": "patient",
             "min": 1, "max": "1"},
            {"id": "Bundle.entry:patient.resource", "path": "Bundle.entry.resource",
             "type": [{"code": "Patient",
                       "profile": ["http://example.org/fhir/StructureDefinition/a-patient"]}]},
            {"id": "Bundle.entry:staff", "path": "Bundle.entry", "sliceName": "staff",
             "min": 1, "max": "1"},
            {"id": "Bundle.entry:staff.resource", "path": "Bundle.entry.resource",
             "type": [
                {"code": "Practitioner",
                 "profile": ["http://example.org/fhir/StructureDefinition/a-practitioner"]},
                {"code": "PractitionerRole",
                 "profile": ["http://example.org/fhir/StructureDefinition/a-role"]}]}]),
    );
    let profiles = [
        plain("a-patient", "Patient"),
        plain("a-practitioner", "Practitioner"),
        plain("a-role", "PractitionerRole"),
        people,
    ];
    // A Practitioner is not taken into the Patient slice, however little the Patient
    // profile asks; it meets the staff slice through its own type's profile.
    let outcome = validate(
        &profiles,
        "people",
        &collection_of(&["Patient", "Practitioner"]),
    );
    assert!(errors(&outcome).is_empty(), "{:?}", errors(&outcome));
    let outcome = validate(
        &profiles,
        "people",
        &collection_of(&["Patient", "PractitionerRole"]),
    );
    assert!(errors(&outcome).is_empty(), "{:?}", errors(&outcome));
    let outcome = validate(
        &profiles,
        "people",
        &collection_of(&["Patient", "Practitioner", "PractitionerRole"]),
    );
    assert_eq!(
        errors(&outcome),
        ["Bundle: Bundle.entry (slice 'staff'): maximum allowed = 1, but found 2"]
    );
}
