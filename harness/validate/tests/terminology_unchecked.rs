//! A bound code whose code system is not available offline is reported once, as information
//! (`terminology-unchecked`), whatever the binding strength, and counted by code system.

use std::collections::BTreeMap;
use std::sync::Arc;

use assure_model::Format;
use assure_validate::validator::UNCHECKED_RULE;
use assure_validate::{Options, Outcome, Severity, Validator, bundled};
use serde_json::json;

const PROFILE: &str = "https://example.org/StructureDefinition/coded-condition";

/// R4 core plus a Condition profile binding `code` (required) and `severity` (extensible) to
/// value sets drawn from SNOMED CT, and `category` (required) to one that also lists a local
/// code.
fn validator() -> Validator {
    let mut defs = bundled::definitions().unwrap();
    let binding = |path: &str, strength: &str, value_set: &str| {
        json!({"id": path, "path": path,
            "binding": {"strength": strength, "valueSet": value_set}})
    };
    defs.add_json(
        json!({"resourceType": "StructureDefinition", "url": PROFILE, "name": "CodedCondition",
        "status": "active", "kind": "resource", "abstract": false, "type": "Condition",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Condition",
        "derivation": "constraint",
        "differential": {"element": [
            {"id": "Condition", "path": "Condition"},
            binding("Condition.code", "required", "https://example.org/ValueSet/findings"),
            binding("Condition.severity", "extensible", "https://example.org/ValueSet/findings"),
            binding("Condition.category", "required", "https://example.org/ValueSet/mixed"),
        ]}}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": "https://example.org/ValueSet/findings",
            "status": "active", "compose": {"include": [{"system": "http://snomed.info/sct",
                "filter": [{"property": "concept", "op": "is-a", "value": "404684003"}]}]}}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": "https://example.org/ValueSet/mixed",
            "status": "active", "compose": {"include": [
                {"system": "http://snomed.info/sct"},
                {"system": "https://example.org/cs", "concept": [{"code": "local"}]}]}}),
        "test",
    );
    Validator::new(Arc::new(defs))
}

fn validate(condition: serde_json::Value) -> Outcome {
    let options = Options {
        profiles: vec![PROFILE.to_owned()],
        ..Options::default()
    };
    validator().validate_bytes(condition.to_string().as_bytes(), Format::Json, &options)
}

fn condition(code: serde_json::Value, category: serde_json::Value) -> serde_json::Value {
    json!({"resourceType": "Condition", "id": "c",
        "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">c</div>"},
        "code": code, "severity": code, "category": [category],
        "subject": {"reference": "Patient/p"}})
}

#[test]
fn snomed_codes_are_one_information_issue_per_element() {
    let snomed = |code: &str| json!({"system": "http://snomed.info/sct", "code": code});
    let outcome = validate(condition(
        json!({"coding": [snomed("22298006"), snomed("1234")]}),
        json!({"coding": [snomed("439401001")]}),
    ));
    assert!(!outcome.has_errors(), "{:?}", outcome.issues);
    let unchecked: Vec<_> = outcome
        .issues
        .iter()
        .filter(|i| &*i.rule == UNCHECKED_RULE)
        .collect();
    let mut locations: Vec<&str> = unchecked.iter().map(|i| &*i.location).collect();
    locations.sort_unstable();
    assert_eq!(
        locations,
        [
            "Condition.category[0]",
            "Condition.code",
            "Condition.severity"
        ],
        "{:?}",
        outcome.issues
    );
    for issue in &unchecked {
        assert_eq!(issue.severity, Severity::Information);
        assert!(
            issue.message.starts_with(
                "not checked: SNOMED CT (http://snomed.info/sct) is not available offline"
            ),
            "{}",
            issue.message
        );
        assert_eq!(issue.unchecked_system(), Some("http://snomed.info/sct"));
    }
    assert!(
        outcome
            .issues
            .iter()
            .all(|i| !i.message.starts_with("Could not check")),
        "{:?}",
        outcome.issues
    );
    assert_eq!(
        outcome.unchecked_codes(),
        BTreeMap::from([("http://snomed.info/sct".to_owned(), 3)])
    );
}

#[test]
fn local_codes_are_still_checked() {
    let local =
        |code: &str| json!({"coding": [{"system": "https://example.org/cs", "code": code}]});
    let snomed = json!({"coding": [{"system": "http://snomed.info/sct", "code": "22298006"}]});
    let outcome = validate(condition(snomed.clone(), local("local")));
    assert!(!outcome.has_errors(), "{:?}", outcome.issues);
    assert_eq!(outcome.unchecked_codes().values().sum::<usize>(), 2);
    let outcome = validate(condition(snomed, local("other")));
    let errors: Vec<&str> = outcome.errors().map(|i| &*i.location).collect();
    assert_eq!(errors, ["Condition.category[0]"], "{:?}", outcome.issues);
}
