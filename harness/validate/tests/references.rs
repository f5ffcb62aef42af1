//! References: target types against target profiles, resolution inside Bundles by the
//! fullUrl rules, the type a reference names, and the extra rules of document and message
//! bundles. Uses the built-in R4 definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use std::sync::Arc;

use assure_model::Format;
use assure_validate::{Options, Outcome, Severity, Validator, bundled};
use serde_json::json;

fn validate(json: &str) -> Outcome {
    validator().validate_bytes(json.as_bytes(), Format::Json, &Options::default())
}

/// An Observation profile whose subject may only be a Patient conforming to `target`.
fn validate_against_subject_profile(target: &str, observation: &str) -> Outcome {
    let mut defs = bundled::definitions().unwrap();
    defs.add_json(
        json!({"resourceType": "StructureDefinition",
            "url": "http://example.org/fhir/StructureDefinition/obs-subject",
            "name": "ObsSubject", "status": "active", "kind": "resource", "abstract": false,
            "type": "Observation", "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
            "differential": {"element": [
                {"id": "Observation.subject", "path": "Observation.subject",
                 "type": [{"code": "Reference", "targetProfile": [target]}]}]}}),
        "test",
    );
    let options = Options {
        profiles: vec!["http://example.org/fhir/StructureDefinition/obs-subject".into()],
        ..Options::default()
    };
    Validator::new(Arc::new(defs)).validate_bytes(observation.as_bytes(), Format::Json, &options)
}

#[test]
fn target_types_are_checked_against_target_profiles() {
    let observation = r#"{"resourceType": "Observation", "status": "final",
        "code": {"text": "x"}, "subject": {"reference": "Group/g1"}}"#;
    // A core target profile: a Group is plainly not a Patient.
    let core = validate_against_subject_profile(
        "http://hl7.org/fhir/StructureDefinition/Patient",
        observation,
    );
    assert!(
        issues(&core, Severity::Error)
            .iter()
            .any(|e| e.contains("The reference points to a Group, which is not an allowed target")),
        "{:?}",
        core.issues
    );
    // A target profile that is not loaded: the error says what is missing.
    let unknown = validate_against_subject_profile(
        "http://example.org/fhir/StructureDefinition/not-loaded",
        observation,
    );
    assert!(
        issues(&unknown, Severity::Error).iter().any(|e| e.contains(
            "the target profiles http://example.org/fhir/StructureDefinition/not-loaded could not be found"
        )),
        "{:?}",
        unknown.issues
    );
}

/// A document bundle: a Composition about `subject` by `author`, plus `extra` entries.
fn document(subject: &str, author: &str, extra: &str) -> String {
    format!(
        r#"{{"resourceType": "Bundle", "identifier": {{"system": "urn:ietf:rfc:3986",
            "value": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"}},
          "type": "document", "timestamp": "2026-11-26T10:00:00Z",
          "entry": [
            {{"fullUrl": "urn:uuid:a0000000-0000-4000-8000-000000000001",
              "resource": {{"resourceType": "Composition", "status": "final",
                "type": {{"text": "Discharge summary"}}, "date": "2026-11-26",
                "title": "Discharge", "subject": {{"reference": "{subject}"}},
                "author": [{{"reference": "{author}"}}]}}}},
            {{"fullUrl": "urn:uuid:a0000000-0000-4000-8000-000000000002",
              "resource": {{"resourceType": "Patient", "id": "p1"}}}},
            {{"fullUrl": "urn:uuid:a0000000-0000-4000-8000-000000000003",
              "resource": {{"resourceType": "Practitioner", "id": "d1"}}}}
            {extra}
          ]}}"#
    )
}

const PATIENT: &str = "urn:uuid:a0000000-0000-4000-8000-000000000002";
const AUTHOR: &str = "urn:uuid:a0000000-0000-4000-8000-000000000003";

#[test]
fn a_linked_document_has_no_errors() {
    let outcome = validate(&document(PATIENT, AUTHOR, ""));
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        issues(&outcome, Severity::Error)
    );
}

#[test]
fn composition_references_must_resolve_in_the_document() {
    // `Patient/p1` made from a urn:uuid entry stands for urn:uuid:p1, which is not there,
    // even though an entry holds a Patient with id p1.
    let outcome = validate(&document("Patient/p1", AUTHOR, ""));
    let errors = issues(&outcome, Severity::Error);
    assert!(
        errors.iter().any(|e| e.starts_with(
            "Bundle.entry[0].resource.subject: Unable to resolve the reference 'Patient/p1'"
        ) && e
            .contains("its fullUrl 'urn:uuid:a0000000-0000-4000-8000-000000000002'")),
        "{errors:?}"
    );
    // The Patient is then linked to nothing.
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("Bundle.entry[1]: The entry 'urn:uuid:a0000000")),
        "{errors:?}"
    );
}

#[test]
fn unlinked_entries_are_errors_in_documents_and_backward_links_count() {
    // An Observation about the patient is linked backwards; a lone Organization is not.
    let extra = r#",
        {"fullUrl": "urn:uuid:a0000000-0000-4000-8000-000000000004",
         "resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
           "subject": {"reference": "urn:uuid:a0000000-0000-4000-8000-000000000002"}}},
        {"fullUrl": "urn:uuid:a0000000-0000-4000-8000-000000000005",
         "resource": {"resourceType": "Organization", "name": "Lone"}}"#;
    let outcome = validate(&document(PATIENT, AUTHOR, extra));
    let errors = issues(&outcome, Severity::Error);
    assert_eq!(
        errors,
        vec![
            "Bundle.entry[4]: The entry 'urn:uuid:a0000000-0000-4000-8000-000000000005' is not \
             linked, forwards or backwards, to the Composition at the start of the bundle"
        ]
    );
}

#[test]
fn unlinked_entries_in_messages_are_warnings() {
    let message = r#"{"resourceType": "Bundle", "type": "message",
        "timestamp": "2026-11-26T10:00:00Z", "identifier": {"value": "m1"},
        "entry": [
          {"fullUrl": "urn:uuid:b0000000-0000-4000-8000-000000000001",
           "resource": {"resourceType": "MessageHeader",
             "eventCoding": {"system": "http://example.org/events", "code": "admit"},
             "source": {"endpoint": "http://example.org/source"},
             "focus": [{"reference": "urn:uuid:b0000000-0000-4000-8000-000000000009"}]}},
          {"fullUrl": "urn:uuid:b0000000-0000-4000-8000-000000000002",
           "resource": {"resourceType": "Patient"}}
        ]}"#;
    let outcome = validate(message);
    assert_eq!(
        issues(&outcome, Severity::Error),
        vec![
            "Bundle.entry[0].resource.focus[0]: Unable to resolve the reference \
             'urn:uuid:b0000000-0000-4000-8000-000000000009' within the document"
        ]
    );
    assert!(
        issues(&outcome, Severity::Warning)
            .iter()
            .any(|w| w.starts_with("Bundle.entry[1]: The entry")),
        "{:?}",
        outcome.issues
    );
}

#[test]
fn a_reference_must_name_the_type_it_resolves_to() {
    // From a urn:uuid entry, `Practitioner/<uuid>` stands for `urn:uuid:<uuid>`.
    let bundle = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:54fc3e09-e279-4b74-a8ff-2649ec968642",
         "resource": {"resourceType": "Patient", "generalPractitioner": [
           {"reference": "Practitioner/5d9588d8-3cd6-4b32-8fb7-ad13694e069d"}]}},
        {"fullUrl": "urn:uuid:5d9588d8-3cd6-4b32-8fb7-ad13694e069d",
         "resource": {"resourceType": "Organization", "name": "GP surgery"}}
    ]}"#;
    let outcome = validate(bundle);
    assert_eq!(
        issues(&outcome, Severity::Error),
        vec![
            "Bundle.entry[0].resource.generalPractitioner[0]: The reference \
             'Practitioner/5d9588d8-3cd6-4b32-8fb7-ad13694e069d' names the type Practitioner, \
             but resolves to a resource of type Organization"
        ]
    );
}

#[test]
fn references_outside_the_document_are_checked_with_the_callers_resolver() {
    use assure_validate::{KnownResources, ReferenceResolver};
    let mut defs = bundled::definitions().unwrap();
    // Observation.subject may only be a Patient conforming to a profile requiring a gender.
    defs.add_json(
        json!({"resourceType": "StructureDefinition",
            "url": "http://example.org/fhir/StructureDefinition/gendered-patient",
            "name": "GenderedPatient", "status": "active", "kind": "resource",
            "abstract": false, "type": "Patient", "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
            "differential": {"element": [
                {"id": "Patient.gender", "path": "Patient.gender", "min": 1}]}}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "StructureDefinition",
            "url": "http://example.org/fhir/StructureDefinition/obs-subject",
            "name": "ObsSubject", "status": "active", "kind": "resource", "abstract": false,
            "type": "Observation", "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
            "differential": {"element": [
                {"id": "Observation.subject", "path": "Observation.subject",
                 "type": [{"code": "Reference", "targetProfile":
                    ["http://example.org/fhir/StructureDefinition/gendered-patient"]}]}]}}),
        "test",
    );
    let validator = Validator::new(Arc::new(defs));
    let observation = br#"{"resourceType": "Observation", "status": "final",
        "code": {"text": "x"}, "subject": {"reference": "Patient/p1"}}"#;
    let check = |patient: Option<&str>| {
        let resolver = patient.map(|json| {
            let mut known = KnownResources::new();
            let parsed = assure_model::parse(json.as_bytes(), Format::Json).unwrap();
            known.add_with_entries(parsed.root);
            Arc::new(known) as Arc<dyn ReferenceResolver>
        });
        let options = Options {
            profiles: vec!["http://example.org/fhir/StructureDefinition/obs-subject".into()],
            resolver,
            ..Options::default()
        };
        let outcome = validator.validate_bytes(observation, Format::Json, &options);
        issues(&outcome, Severity::Error)
    };
    // Not known: only the type named in the reference can be checked.
    assert_eq!(check(None), Vec::<String>::new());
    // Known and conforming.
    let good = r#"{"resourceType": "Patient", "id": "p1", "gender": "female"}"#;
    assert_eq!(check(Some(good)), Vec::<String>::new());
    // Known and not conforming to the target profile.
    let bad = r#"{"resourceType": "Patient", "id": "p1"}"#;
    assert_eq!(
        check(Some(bad)),
        vec![
            "Observation.subject: The Patient this reference points to does not conform to any \
             of its target profiles (http://example.org/fhir/StructureDefinition/gendered-patient)"
        ]
    );
}

#[test]
fn reference_type_must_agree_with_the_type_the_reference_names() {
    // R4 Reference.type: with both set and a FHIR URL, "both SHALL be consistent".
    let observation = |reference: &str, kind: &str| {
        format!(
            r#"{{"resourceType": "Observation", "status": "final", "code": {{"text": "x"}},
                "subject": {{"reference": "{reference}", "type": "{kind}"}}}}"#
        )
    };
    let errors = |json: &str| issues(&validate(json), Severity::Error);
    assert_eq!(
        errors(&observation("Patient/p1", "Patient")),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(&observation(
            "http://x.org/fhir/Patient/p1",
            "http://hl7.org/fhir/StructureDefinition/Patient"
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(&observation("Patient/p1", "Group")),
        [
            "Observation.subject: The reference 'Patient/p1' names the type Patient, but \
          Reference.type says Group; the two must agree"
        ]
    );
    // A reference that names no type (a urn:uuid:) has nothing to disagree with.
    assert_eq!(
        errors(&observation(
            "urn:uuid:c757873d-ec9a-4326-a141-556f43239520",
            "Group"
        )),
        Vec::<String>::new()
    );
}
