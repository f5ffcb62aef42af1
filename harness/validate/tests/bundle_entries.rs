//! Bundle entries and the references between them (R4 bundle.html): a RESTful `fullUrl`
//! names its resource's type and id, version-specific references match `meta.versionId`,
//! and documents and messages start with their Composition or MessageHeader. Uses the
//! built-in R4 definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use std::sync::{Arc, OnceLock};

use assure_model::Format;
use assure_validate::{Options, Outcome, Severity, Validator, bundled};

fn validate(json: &str) -> Outcome {
    validator().validate_bytes(json.as_bytes(), Format::Json, &Options::default())
}

fn errors(outcome: &Outcome) -> Vec<String> {
    issues(outcome, Severity::Error)
}

/// A collection of `entries`.
fn collection(entries: &str) -> String {
    format!(r#"{{"resourceType": "Bundle", "type": "collection", "entry": [{entries}]}}"#)
}

#[test]
fn a_restful_full_url_needs_the_resource_to_have_that_id() {
    // bundle.html#bundle-unique: a RESTful fullUrl SHALL agree with the resource's id, so a
    // resource without an id cannot sit under one.
    let outcome = validate(&collection(
        r#"{"fullUrl": "http://x/fhir/Patient/123", "resource": {"resourceType": "Patient"}},
           {"fullUrl": "https://x/fhir/Patient/124", "resource":
              {"resourceType": "Patient", "id": "999"}}"#,
    ));
    assert_eq!(
        errors(&outcome),
        vec![
            "Bundle.entry[0]: The fullUrl 'http://x/fhir/Patient/123' looks like a RESTful \
             server URL, so the resource must have the id it names ('123'), but it has no id",
            "Bundle.entry[1]: The fullUrl 'https://x/fhir/Patient/124' does not match the \
             resource (Patient/999)"
        ]
    );
}

#[test]
fn other_full_urls_need_no_resource_id() {
    // A UUID, or a URL that does not end in a resource type and an id, says nothing of the
    // resource's id.
    let outcome = validate(&collection(
        r#"{"fullUrl": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1",
            "resource": {"resourceType": "Patient"}},
           {"fullUrl": "http://x/fhir/patients/123", "resource": {"resourceType": "Patient"}},
           {"fullUrl": "http://x/fhir/Patient/123", "resource":
              {"resourceType": "Patient", "id": "123"}}"#,
    ));
    assert!(errors(&outcome).is_empty(), "{:?}", errors(&outcome));
}

/// A document whose Composition's subject and author are `subject` and `author`; the Patient
/// and the Practitioner are at version `version`.
fn document(subject: &str, author: &str, version: &str) -> String {
    format!(
        r#"{{"resourceType": "Bundle", "identifier": {{"system": "urn:ietf:rfc:3986",
            "value": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"}},
          "type": "document", "timestamp": "2026-11-26T10:00:00Z", "entry": [
            {{"fullUrl": "http://x/fhir/Composition/c1", "resource": {{
                "resourceType": "Composition", "id": "c1", "status": "final",
                "type": {{"text": "Summary"}}, "date": "2026-11-26", "title": "Summary",
                "subject": {{"reference": "{subject}"}}, "author": [{{"reference": "{author}"}}]}}}},
            {{"fullUrl": "http://x/fhir/Patient/p1", "resource": {{"resourceType": "Patient",
                "id": "p1", "meta": {{"versionId": "{version}"}}}}}},
            {{"fullUrl": "http://x/fhir/Practitioner/d1", "resource": {{
                "resourceType": "Practitioner", "id": "d1", "meta": {{"versionId": "{version}"}}}}}}
          ]}}"#
    )
}

#[test]
fn version_specific_references_match_the_full_url_and_the_version_id() {
    // bundle.html#references: a version-specific reference matches the fullUrl without its
    // version, then the version against meta.versionId; relative or absolute alike.
    let good = document(
        "Patient/p1/_history/2",
        "http://x/fhir/Practitioner/d1/_history/2",
        "2",
    );
    assert!(
        errors(&validate(&good)).is_empty(),
        "{:?}",
        errors(&validate(&good))
    );
    let other_version = document(
        "Patient/p1/_history/2",
        "http://x/fhir/Practitioner/d1/_history/2",
        "3",
    );
    let found = errors(&validate(&other_version));
    for at in ["subject", "author[0]"] {
        assert!(
            found.iter().any(
                |e| e.starts_with(&format!("Bundle.entry[0].resource.{at}: "))
                    && e.contains("matches only an entry whose resource has meta.versionId '2'")
            ),
            "{found:?}"
        );
    }
}

#[test]
fn relative_references_resolve_against_the_referring_entrys_base() {
    // bundle.html#references: `Patient/p1` made in an entry under http://y/fhir stands for
    // http://y/fhir/Patient/p1, not for the Patient under http://x/fhir.
    let moved = document("Patient/p1", "Practitioner/d1", "1").replace(
        "http://x/fhir/Composition/c1",
        "http://y/fhir/Composition/c1",
    );
    let found = errors(&validate(&moved));
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("Bundle.entry[0].resource.subject: Unable to resolve")),
        "{found:?}"
    );
    let same_base = document("Patient/p1", "Practitioner/d1", "1");
    assert!(errors(&validate(&same_base)).is_empty());
}

#[test]
fn documents_and_messages_start_with_their_anchor_resource() {
    // bdl-11, bdl-12: the first resource is the Composition or the MessageHeader (said of the
    // bundle by the invariant, and of the entry); a bundle without entries has none.
    for (kind, anchor) in [("document", "Composition"), ("message", "MessageHeader")] {
        let empty = format!(
            r#"{{"resourceType": "Bundle", "type": "{kind}", "timestamp": "2026-11-26T10:00:00Z",
                "identifier": {{"system": "urn:ietf:rfc:3986",
                  "value": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"}}}}"#
        );
        let found = errors(&validate(&empty));
        assert_eq!(
            found,
            vec![format!(
                "Bundle: A {kind} bundle must have at least one entry, the {anchor} that starts it"
            )]
        );
        let patient_first = empty.replace(
            "\"timestamp\"",
            r#""entry": [{"fullUrl": "http://x/fhir/Patient/p1",
                "resource": {"resourceType": "Patient", "id": "p1"}}], "timestamp""#,
        );
        let found = errors(&validate(&patient_first));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0],
            format!(
                "Bundle.entry[0].resource: The first entry of a {kind} bundle must be a \
                 {anchor}, not Patient"
            )
        );
        assert!(
            found[1].starts_with("Bundle: Constraint failed: bdl-1"),
            "{found:?}"
        );
    }
}

#[test]
fn references_in_contained_resources_resolve_against_their_entrys_full_url() {
    // A Patient contained in the Observation at http://y/fhir names `Practitioner/d1`: that
    // stands for http://y/fhir/Practitioner/d1, which the bundle does not hold.
    let bundle = |base: &str| {
        collection(&format!(
            r##"{{"fullUrl": "{base}/Observation/o1", "resource": {{
                "resourceType": "Observation", "id": "o1", "status": "final",
                "code": {{"text": "x"}}, "subject": {{"reference": "#p"}},
                "contained": [{{"resourceType": "Patient", "id": "p",
                  "generalPractitioner": [{{"reference": "Practitioner/d1"}}]}}]}}}},
               {{"fullUrl": "http://x/fhir/Practitioner/d1", "resource": {{
                "resourceType": "Practitioner", "id": "d1"}}}}"##
        ))
    };
    let options = Options {
        switches: assure_validate::Switches {
            check_references: assure_validate::CheckReferences::Exists,
            ..Default::default()
        },
        ..Options::default()
    };
    let run = |json: &str| {
        static VALIDATOR: OnceLock<Validator> = OnceLock::new();
        VALIDATOR
            .get_or_init(|| Validator::new(Arc::new(bundled::definitions().unwrap())))
            .validate_bytes(json.as_bytes(), Format::Json, &options)
    };
    let same_base = run(&bundle("http://x/fhir"));
    assert!(errors(&same_base).is_empty(), "{:?}", errors(&same_base));
    let other_base = errors(&run(&bundle("http://y/fhir")));
    assert_eq!(other_base.len(), 1, "{other_base:?}");
    assert!(
        other_base[0].starts_with(
            "Bundle.entry[0].resource.contained[0].generalPractitioner[0]: Unable to resolve"
        ),
        "{other_base:?}"
    );
}

/// A searchset whose self link is `self_url`, with `entries`.
fn searchset(self_url: &str, entries: &str) -> String {
    format!(
        r#"{{"resourceType": "Bundle", "type": "searchset",
            "link": [{{"relation": "self", "url": "{self_url}"}}], "entry": [{entries}]}}"#
    )
}

#[test]
fn search_entries_follow_their_search_mode() {
    // R4 search entry modes: a `match` matched the search (so is of a type searched for) and,
    // like an `include`, was read from the server (so has an id); an `outcome` is an
    // OperationOutcome.
    let outcome = validate(&searchset(
        "http://x/fhir/Patient?name=smith",
        r#"{"fullUrl": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1",
             "search": {"mode": "match"}, "resource": {"resourceType": "Observation",
             "status": "final", "code": {"text": "x"}}},
           {"fullUrl": "http://x/fhir/Patient/p1", "search": {"mode": "outcome"},
             "resource": {"resourceType": "Patient", "id": "p1"}}"#,
    ));
    assert_eq!(
        errors(&outcome),
        vec![
            "Bundle.entry[0].resource: Search results must have ids",
            "Bundle.entry[0].resource: The entry's search mode is 'match', but the search is \
             for Patient, not Observation",
            "Bundle.entry[1].resource: An entry with the search mode 'outcome' must hold an \
             OperationOutcome, not Patient"
        ]
    );
    // `_type` names the types of a search across types; included resources may be any type.
    let outcome = validate(&searchset(
        "http://x/fhir?_type=Patient,Observation&name=smith",
        r#"{"fullUrl": "http://x/fhir/Observation/o1", "search": {"mode": "match"},
             "resource": {"resourceType": "Observation", "id": "o1", "status": "final",
             "code": {"text": "x"}}},
           {"fullUrl": "http://x/fhir/Practitioner/d1", "search": {"mode": "include"},
             "resource": {"resourceType": "Practitioner", "id": "d1"}}"#,
    ));
    assert!(errors(&outcome).is_empty(), "{:?}", errors(&outcome));
}

#[test]
fn a_search_result_without_a_mode_or_an_id_is_only_a_warning() {
    let outcome = validate(&searchset(
        "http://x/fhir/Patient?name=smith",
        r#"{"fullUrl": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1",
             "resource": {"resourceType": "Patient"}}"#,
    ));
    assert!(errors(&outcome).is_empty(), "{:?}", errors(&outcome));
    assert!(
        outcome
            .issues
            .iter()
            .any(|i| i.severity == Severity::Warning
                && &*i.location == "Bundle.entry[0].resource"
                && &*i.message == "Search results should have ids"),
        "{:?}",
        outcome.issues
    );
}
