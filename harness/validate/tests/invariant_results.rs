//! How invariant results count (ElementDefinition.constraint: a condition that must evaluate
//! to true), and FHIR R4's own invariants that FHIRPath N1 alone would not evaluate. Uses the
//! built-in R4 definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use assure_model::Format;
use assure_validate::{Options, Severity};

fn errors(json: &str) -> Vec<String> {
    let outcome = validator().validate_bytes(json.as_bytes(), Format::Json, &Options::default());
    issues(&outcome, Severity::Error)
}

const NARRATIVE: &str = r#""text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}"#;

fn encounter(period: &str) -> String {
    format!(
        r#"{{"resourceType": "Encounter", {NARRATIVE}, "status": "finished",
          "class": {{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"}},
          "period": {period}}}"#
    )
}

const PER_1: &str = "Encounter.period: Constraint failed: per-1: 'If present, start SHALL have \
                     a lower value than end'";

#[test]
fn only_a_comparison_without_an_answer_fails_an_invariant_on_empty() {
    // per-1 `... or (start <= end)`: a date and a dateTime on the same day have no order
    // (FHIRPath N1 §6.2: different precision gives empty, "unknown"), so the invariant is
    // not shown to hold.
    for period in [
        r#"{"start": "2023-06-21", "end": "2023-06-21T06:20:00Z"}"#,
        r#"{"start": "2023-06-21T06:20:00Z", "end": "2023-06-21"}"#,
    ] {
        assert_eq!(errors(&encounter(period)), [PER_1], "{period}");
    }
    // Different precision that still orders: the days differ.
    let ordered = r#"{"start": "2023-06-20", "end": "2023-06-21T06:20:00Z"}"#;
    assert!(errors(&encounter(ordered)).is_empty());
    // An empty result from absent data is no failure: ref-1 `reference.startsWith('#').not()
    // or (...)` is empty on a Reference with only a display; a name-less ActivityDefinition
    // leaves adf-0 `name.matches(...)` empty.
    let json = format!(
        r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final",
          "code": {{"text": "x"}}, "subject": {{"display": "someone"}}}}"#
    );
    assert!(errors(&json).is_empty(), "{:?}", errors(&json));
    let json =
        format!(r#"{{"resourceType": "ActivityDefinition", {NARRATIVE}, "status": "draft"}}"#);
    assert!(errors(&json).is_empty(), "{:?}", errors(&json));
}

const DOM_3: &str = "Constraint failed: dom-3: 'If the resource is contained in another \
                     resource, it SHALL be referred to from elsewhere in the resource or SHALL \
                     refer to the containing resource'";

/// An Observation (in a collection Bundle when `in_bundle`) with `contained`, whose subject
/// is `#p`.
fn with_contained(contained: &str, in_bundle: bool) -> String {
    let observation = format!(
        r##"{{"resourceType": "Observation", "id": "o", {NARRATIVE}, "contained": [{contained}],
          "status": "final", "code": {{"text": "x"}}, "subject": {{"reference": "#p"}}}}"##
    );
    if in_bundle {
        format!(
            r#"{{"resourceType": "Bundle", "type": "collection", "entry": [
              {{"fullUrl": "http://x/fhir/Observation/o", "resource": {observation}}}]}}"#
        )
    } else {
        observation
    }
}

#[test]
fn dom_3_finds_contained_resources_nothing_refers_to() {
    // dom-3 reads `%resource.descendants().as(canonical)`: as() over a collection keeps the
    // items of the type, so the invariant is evaluated, with %resource the resource that
    // holds `contained` (a Bundle entry's resource, not the Bundle).
    let unreferenced = r#"{"resourceType": "Patient", "id": "p"},
                          {"resourceType": "Practitioner", "id": "pr"}"#;
    assert_eq!(
        errors(&with_contained(unreferenced, false)),
        [format!("Observation: {DOM_3}")]
    );
    assert_eq!(
        errors(&with_contained(unreferenced, true)),
        [format!("Bundle.entry[0].resource: {DOM_3}")]
    );
    // Referred to from another contained resource, or referring to its container ("#").
    let referenced = r##"{"resourceType": "Patient", "id": "p",
                           "managingOrganization": {"reference": "#org"}},
                         {"resourceType": "Organization", "id": "org", "name": "x"},
                         {"resourceType": "Practitioner", "id": "pr",
                           "extension": [{"url": "http://x/ext", "valueReference": {"reference": "#"}}]}"##;
    for in_bundle in [false, true] {
        let json = with_contained(referenced, in_bundle);
        assert!(
            !errors(&json).iter().any(|e| e.contains("dom-3")),
            "{:?}",
            errors(&json)
        );
    }
    // A canonical reference (`answerValueSet`) counts too.
    let json = format!(
        r##"{{"resourceType": "Questionnaire", {NARRATIVE}, "status": "draft",
          "contained": [{{"resourceType": "ValueSet", "id": "options", "status": "draft"}}],
          "item": [{{"linkId": "q1", "type": "choice", "answerValueSet": "#options"}}]}}"##
    );
    assert!(errors(&json).is_empty(), "{:?}", errors(&json));
}
