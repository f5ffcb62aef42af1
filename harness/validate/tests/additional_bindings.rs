//! Additional bindings (the tools IG's `additional-binding` extension on
//! `ElementDefinition.binding`, R5's `binding.additional`): a `required` or `maximum` one must
//! be met whatever the base binding's strength, an `extensible` one should be, and the other
//! purposes, or one limited to a usage context, say nothing of a single value. Uses the
//! built-in R4 definitions.

mod issues;
use issues::issues;

use std::sync::Arc;

use assure_model::Format;
use assure_validate::{Definitions, Options, Outcome, Severity, Validator, bundled};
use serde_json::{Value, json};

const CATEGORIES: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const VITAL_SIGNS_ONLY: &str = "http://example.org/fhir/ValueSet/vital-signs-category";
const PROFILE: &str = "http://example.org/fhir/StructureDefinition/additionally-bound";

/// One `additional-binding` extension with `purpose` to the vital-signs-only value set, and
/// `more` sub-extensions.
fn additional(purpose: &str, more: &[Value]) -> Value {
    let mut parts = vec![
        json!({"url": "purpose", "valueCode": purpose}),
        json!({"url": "valueSet", "valueCanonical": VITAL_SIGNS_ONLY}),
    ];
    parts.extend_from_slice(more);
    json!({"url": "http://hl7.org/fhir/tools/StructureDefinition/additional-binding",
        "extension": parts})
}

/// Validates an Observation of `category` against a profile that binds `category` to the
/// observation categories (preferred) with `extensions` on the binding.
fn validate(extensions: Vec<Value>, category: &str) -> Outcome {
    let value_set = json!({"resourceType": "ValueSet", "url": VITAL_SIGNS_ONLY,
        "status": "active",
        "compose": {"include": [{"system": CATEGORIES, "concept": [{"code": "vital-signs"}]}]}});
    let profile = json!({"resourceType": "StructureDefinition", "url": PROFILE,
        "name": "AdditionallyBound", "status": "active", "kind": "resource", "abstract": false,
        "type": "Observation", "derivation": "constraint",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
        "differential": {"element": [
            {"id": "Observation.category", "path": "Observation.category",
             "binding": {"strength": "preferred",
                "valueSet": "http://hl7.org/fhir/ValueSet/observation-category",
                "extension": extensions}}]}});
    let mut definitions: Definitions = bundled::definitions().unwrap();
    definitions.add_json(value_set, "test");
    definitions.add_json(profile, "test");
    let observation = format!(
        r#"{{"resourceType": "Observation", "status": "final", "code": {{"text": "x"}},
            "category": [{{"coding": [{{"system": "{CATEGORIES}", "code": "{category}"}}]}}]}}"#
    );
    let options = Options {
        profiles: vec![PROFILE.into()],
        ..Options::default()
    };
    Validator::new(Arc::new(definitions)).validate_bytes(
        observation.as_bytes(),
        Format::Json,
        &options,
    )
}

/// The issues of `severity` at `Observation.category`.
fn at_category(outcome: &Outcome, severity: Severity) -> Vec<String> {
    issues(outcome, severity)
        .into_iter()
        .filter(|i| i.starts_with("Observation.category"))
        .collect()
}

#[test]
fn required_and_maximum_additional_bindings_must_be_met() {
    for purpose in ["required", "maximum"] {
        let inside = validate(vec![additional(purpose, &[])], "vital-signs");
        assert!(
            at_category(&inside, Severity::Error).is_empty(),
            "{purpose}: {:?}",
            inside.issues
        );
        let outside = validate(vec![additional(purpose, &[])], "laboratory");
        assert_eq!(
            at_category(&outside, Severity::Error),
            vec![format!(
                "Observation.category[0]: The value '{CATEGORIES}#laboratory' is not in the \
                 value set {VITAL_SIGNS_ONLY}, an additional binding with the purpose \
                 '{purpose}'"
            )]
        );
    }
}

#[test]
fn an_extensible_additional_binding_is_a_warning() {
    let outcome = validate(vec![additional("extensible", &[])], "laboratory");
    assert!(at_category(&outcome, Severity::Error).is_empty());
    assert_eq!(at_category(&outcome, Severity::Warning).len(), 1);
}

#[test]
fn other_purposes_and_usage_limited_bindings_say_nothing() {
    for extension in [
        additional("preferred", &[]),
        additional("ui", &[]),
        additional("minimum", &[]),
        additional(
            "required",
            &[json!({"url": "usage", "valueUsageContext": {
                "code": {"system": "http://terminology.hl7.org/CodeSystem/usage-context-type",
                         "code": "focus"},
                "valueCodeableConcept": {"text": "x"}}})],
        ),
    ] {
        let outcome = validate(vec![extension], "laboratory");
        assert!(
            at_category(&outcome, Severity::Error).is_empty()
                && at_category(&outcome, Severity::Warning).is_empty(),
            "{:?}",
            outcome.issues
        );
    }
}
