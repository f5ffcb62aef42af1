//! `Bundle.link` (R4 bundle.html, documents.html#presentation): paging relations belong to
//! search and history results, a relation naming one page occurs once, and a document's
//! stylesheet is in the bundle or is the specification's own. Uses the built-in R4
//! definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use assure_model::Format;
use assure_validate::{Options, Outcome, Severity};

fn validate(json: &str) -> Outcome {
    validator().validate_bytes(json.as_bytes(), Format::Json, &Options::default())
}

fn errors(outcome: &Outcome) -> Vec<String> {
    issues(outcome, Severity::Error)
}

/// `{"relation": r, "url": u}` for each pair.
fn links(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(relation, url)| format!(r#"{{"relation": "{relation}", "url": "{url}"}}"#))
        .collect::<Vec<_>>()
        .join(",")
}

fn bundle(kind: &str, links: &str) -> String {
    format!(r#"{{"resourceType": "Bundle", "type": "{kind}", "link": [{links}]}}"#)
}

/// A document holding a Composition about a Patient, two stylesheets (`Binary/css1`,
/// `Binary/css2`), and `links`.
fn document(links: &str) -> String {
    format!(
        r#"{{"resourceType": "Bundle", "type": "document", "timestamp": "2026-11-26T10:00:00Z",
          "identifier": {{"system": "urn:ietf:rfc:3986",
            "value": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"}},
          "link": [{links}],
          "entry": [
            {{"fullUrl": "http://x/fhir/Composition/c1", "resource": {{
              "resourceType": "Composition", "id": "c1", "status": "final",
              "type": {{"text": "note"}}, "date": "2026-11-26", "title": "Note",
              "subject": {{"reference": "Patient/p1"}}, "author": [{{"reference": "Patient/p1"}}]}}}},
            {{"fullUrl": "http://x/fhir/Patient/p1", "resource": {{"resourceType": "Patient",
              "id": "p1"}}}},
            {{"fullUrl": "http://x/fhir/Binary/css1", "resource": {{"resourceType": "Binary",
              "id": "css1", "contentType": "text/css"}}}},
            {{"fullUrl": "http://x/fhir/Binary/css2", "resource": {{"resourceType": "Binary",
              "id": "css2", "contentType": "text/css"}}}}
          ]}}"#
    )
}

#[test]
fn search_results_page_but_each_page_link_occurs_once() {
    let once = links(&[
        ("self", "http://x/fhir/Patient?page=2"),
        ("first", "http://x/fhir/Patient?page=1"),
        ("next", "http://x/fhir/Patient?page=3"),
    ]);
    assert!(errors(&validate(&bundle("searchset", &once))).is_empty());
    let twice = links(&[
        ("next", "http://x/fhir/Patient?page=3"),
        ("next", "http://x/fhir/Patient?page=4"),
    ]);
    assert_eq!(
        errors(&validate(&bundle("history", &twice))),
        vec!["Bundle.link[1]: The link relation 'next' can only occur once"]
    );
}

#[test]
fn other_bundles_do_not_page_and_have_one_self_link() {
    let paging = links(&[
        ("self", "http://x/fhir/b1"),
        ("previous", "http://x/fhir/b0"),
        ("self", "http://x/fhir/b1"),
    ]);
    for kind in ["collection", "transaction", "batch-response"] {
        assert_eq!(
            errors(&validate(&bundle(kind, &paging))),
            vec![
                format!(
                    "Bundle.link[1].relation: The link relation 'previous' pages through search \
                     results, which a {kind} bundle is not"
                ),
                "Bundle.link[2].relation: The link relation 'self' can only occur once".into(),
            ]
        );
    }
    // Relations other than paging and self are not restricted.
    let other = links(&[("alternate", "http://x/a"), ("alternate", "http://x/b")]);
    assert!(errors(&validate(&bundle("collection", &other))).is_empty());
}

#[test]
fn a_document_stylesheet_in_the_bundle_links_its_entry() {
    let outcome = validate(&document(&links(&[
        ("stylesheet", "Binary/css1"),
        ("stylesheet", "Binary/css2"),
        ("stylesheet", "https://hl7.org/fhir/fhir.css"),
    ])));
    assert!(errors(&outcome).is_empty(), "{:?}", errors(&outcome));
    assert!(
        issues(&outcome, Severity::Warning)
            .iter()
            .all(|w| !w.contains("stylesheet")),
        "{:?}",
        outcome.issues
    );
}

#[test]
fn a_document_stylesheet_must_resolve_and_should_be_the_specifications() {
    let outcome = validate(&document(&links(&[
        ("stylesheet", "Binary/css1"),
        ("stylesheet", "Binary/missing"),
        ("stylesheet", "http://example.org/style.css"),
    ])));
    assert_eq!(
        errors(&outcome),
        vec![
            "Bundle.link[1].url: The stylesheet 'Binary/missing' is not a resource in this bundle",
            "Bundle.entry[3]: The entry 'http://x/fhir/Binary/css2' is not linked, forwards or \
             backwards, to the Composition at the start of the bundle"
        ]
    );
    let warnings: Vec<String> = issues(&outcome, Severity::Warning)
        .into_iter()
        .filter(|w| w.starts_with("Bundle.link"))
        .collect();
    assert_eq!(
        warnings,
        vec![
            "Bundle.link[2].url: A document should not use an external stylesheet other than \
             https://hl7.org/fhir/fhir.css ('http://example.org/style.css')",
            "Bundle.link[2].url: The stylesheet 'http://example.org/style.css' is not fetched \
             securely (http)"
        ]
    );
}
