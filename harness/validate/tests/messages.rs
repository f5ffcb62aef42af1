//! Message bundles (R4 messaging.html, bundle.html bdl-12): the first entry is the
//! MessageHeader, what it focuses on is in the bundle, the other entries are linked to it, and
//! a message does not page like a search result. Uses the built-in R4 definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use assure_model::Format;
use assure_validate::{Options, Outcome, Severity};

fn validate(json: &str) -> Outcome {
    validator().validate_bytes(json.as_bytes(), Format::Json, &Options::default())
}

const HEADER_URL: &str = "urn:uuid:a1000000-0000-4000-8000-000000000001";
const PATIENT_URL: &str = "urn:uuid:a1000000-0000-4000-8000-000000000002";
const ORGANIZATION_URL: &str = "urn:uuid:a1000000-0000-4000-8000-000000000003";

/// A MessageHeader entry focused on `focus`.
fn header(focus: &str) -> String {
    format!(
        r#"{{"fullUrl": "{HEADER_URL}", "resource": {{"resourceType": "MessageHeader",
            "eventCoding": {{"system": "http://example.org/events", "code": "admit"}},
            "source": {{"endpoint": "http://example.org/source"}},
            "focus": [{{"reference": "{focus}"}}]}}}}"#
    )
}

/// A Patient entry, managed by `organization` when given.
fn patient(organization: Option<&str>) -> String {
    let managed = organization
        .map(|o| format!(r#", "managingOrganization": {{"reference": "{o}"}}"#))
        .unwrap_or_default();
    format!(r#"{{"fullUrl": "{PATIENT_URL}", "resource": {{"resourceType": "Patient"{managed}}}}}"#)
}

fn organization() -> String {
    format!(
        r#"{{"fullUrl": "{ORGANIZATION_URL}", "resource": {{"resourceType": "Organization",
            "name": "x"}}}}"#
    )
}

/// A message bundle with `entries` and `extra` top-level properties.
fn message(entries: &[String], extra: &str) -> String {
    format!(
        r#"{{"resourceType": "Bundle", "type": "message", "timestamp": "2026-11-26T10:00:00Z",
            "identifier": {{"value": "m1"}}, {extra} "entry": [{}]}}"#,
        entries.join(",")
    )
}

#[test]
fn a_message_whose_entries_hang_off_its_header_has_no_errors() {
    let outcome = validate(&message(
        &[
            header(PATIENT_URL),
            patient(Some(ORGANIZATION_URL)),
            organization(),
        ],
        "",
    ));
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
    assert!(
        issues(&outcome, Severity::Warning)
            .iter()
            .all(|w| !w.contains("is not linked")),
        "{:?}",
        outcome.issues
    );
}

#[test]
fn the_first_entry_must_be_the_message_header() {
    let outcome = validate(&message(&[patient(None), header(PATIENT_URL)], ""));
    assert_eq!(
        issues(&outcome, Severity::Error),
        vec![
            "Bundle.entry[0].resource: The first entry of a message bundle must be a \
             MessageHeader, not Patient",
            "Bundle: Constraint failed: bdl-12: 'A message must have a MessageHeader as the \
             first resource'"
        ]
    );
}

#[test]
fn the_focus_must_be_in_the_message() {
    let outcome = validate(&message(&[header(ORGANIZATION_URL), patient(None)], ""));
    assert_eq!(
        issues(&outcome, Severity::Error),
        vec![format!(
            "Bundle.entry[0].resource.focus[0]: Unable to resolve the reference \
             '{ORGANIZATION_URL}' within the document"
        )]
    );
}

#[test]
fn an_entry_nothing_links_to_is_only_a_warning() {
    let outcome = validate(&message(
        &[header(PATIENT_URL), patient(None), organization()],
        "",
    ));
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
    assert_eq!(
        issues(&outcome, Severity::Warning)
            .into_iter()
            .filter(|w| w.contains("is not linked"))
            .collect::<Vec<_>>(),
        vec![format!(
            "Bundle.entry[2]: The entry '{ORGANIZATION_URL}' is not linked, forwards or \
             backwards, to the MessageHeader at the start of the bundle"
        )]
    );
}

#[test]
fn a_message_has_no_paging_links() {
    let outcome = validate(&message(
        &[header(PATIENT_URL), patient(None)],
        r#""link": [{"relation": "self", "url": "http://example.org/m1"},
                    {"relation": "next", "url": "http://example.org/m2"}],"#,
    ));
    assert_eq!(
        issues(&outcome, Severity::Error),
        vec![
            "Bundle.link[1].relation: The link relation 'next' pages through search results, \
             which a message bundle is not"
        ]
    );
}
