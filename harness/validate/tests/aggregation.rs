//! How a reference's target may be held (R4 `ElementDefinition.type.aggregation`, code system
//! resource-aggregation-mode: `contained`, `referenced`, `bundled`), slices typed by an
//! abstract resource type, and markdown that embeds HTML (R4 datatypes.html#markdown: HTML
//! tags are shown as text). Uses the built-in R4 definitions.

mod issues;
use issues::issues;

use std::sync::Arc;

use assure_model::Format;
use assure_validate::{
    Definitions, HtmlInMarkdown, Options, Outcome, Severity, Switches, Validator, bundled,
};
use serde_json::{Value, json};

const BASE: &str = "http://example.org/fhir/StructureDefinition/";

/// A constraint on `kind` named `name` with `elements` as its differential.
fn profile(name: &str, kind: &str, elements: Value) -> Value {
    json!({"resourceType": "StructureDefinition",
        "url": format!("{BASE}{name}"),
        "name": name, "status": "active", "kind": "resource", "abstract": false,
        "type": kind, "derivation": "constraint",
        "baseDefinition": format!("http://hl7.org/fhir/StructureDefinition/{kind}"),
        "differential": {"element": elements}})
}

/// An Encounter profile whose `subject` may be held only the ways `modes` name.
fn encounter_subject(modes: &[&str]) -> Value {
    profile(
        "encounter-subject",
        "Encounter",
        json!([{"id": "Encounter.subject", "path": "Encounter.subject",
            "type": [{"code": "Reference",
                      "targetProfile": ["http://hl7.org/fhir/StructureDefinition/Patient"],
                      "aggregation": modes}]}]),
    )
}

/// A collection Bundle profile whose entries must all be Encounters of `encounter-subject`,
/// through a slice typed `Resource`.
fn bundle_of_encounters() -> Value {
    profile(
        "encounter-bundle",
        "Bundle",
        json!([
            {"id": "Bundle.entry", "path": "Bundle.entry",
             "slicing": {"discriminator": [{"type": "type", "path": "resource"}],
                         "rules": "open"}},
            {"id": "Bundle.entry:encounter", "path": "Bundle.entry", "sliceName": "encounter"},
            {"id": "Bundle.entry:encounter.resource", "path": "Bundle.entry.resource",
             "type": [{"code": "Resource",
                       "profile": [format!("{BASE}encounter-subject")]}]}]),
    )
}

fn validate(profiles: &[Value], name: &str, instance: &Value, switches: Switches) -> Outcome {
    let mut definitions: Definitions = bundled::definitions().unwrap();
    for p in profiles {
        definitions.add_json(p.clone(), "test");
    }
    let options = Options {
        profiles: vec![format!("{BASE}{name}")],
        switches,
        ..Options::default()
    };
    Validator::new(Arc::new(definitions)).validate_bytes(
        instance.to_string().as_bytes(),
        Format::Json,
        &options,
    )
}

fn aggregation_errors(outcome: &Outcome) -> Vec<String> {
    issues(outcome, Severity::Error)
        .into_iter()
        .filter(|e| e.contains("aggregation"))
        .collect()
}

const NARRATIVE: &str =
    r#"{"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}"#;

fn encounter(subject: &str, contained: Option<Value>) -> Value {
    let mut encounter = json!({"resourceType": "Encounter", "id": "e1",
        "text": serde_json::from_str::<Value>(NARRATIVE).unwrap(),
        "status": "planned",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": {"reference": subject}});
    if let Some(contained) = contained {
        encounter["contained"] = json!([contained]);
    }
    encounter
}

fn patient(id: &str) -> Value {
    json!({"resourceType": "Patient", "id": id,
        "text": serde_json::from_str::<Value>(NARRATIVE).unwrap()})
}

fn collection(entries: &[(&str, Value)]) -> Value {
    let entries: Vec<Value> = entries
        .iter()
        .map(|(url, resource)| json!({"fullUrl": url, "resource": resource}))
        .collect();
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

#[test]
fn a_contained_only_reference_must_point_at_a_contained_resource() {
    let profiles = [encounter_subject(&["contained"])];
    let contained = encounter("#p1", Some(patient("p1")));
    let outcome = validate(
        &profiles,
        "encounter-subject",
        &contained,
        Switches::default(),
    );
    assert!(
        aggregation_errors(&outcome).is_empty(),
        "{:?}",
        outcome.issues
    );
    let remote = encounter("Patient/p1", None);
    let found = aggregation_errors(&validate(
        &profiles,
        "encounter-subject",
        &remote,
        Switches::default(),
    ));
    assert_eq!(
        found,
        [
            "Encounter.subject: The reference 'Patient/p1' points to outside the resource, which \
          the element's aggregation mode(s) (contained) do not allow (the resource is not in a \
          Bundle, so no target can be bundled)"
        ]
    );
}

#[test]
fn referenced_accepts_targets_outside_the_resource_in_the_bundle_or_not() {
    let profiles = [encounter_subject(&["referenced"]), bundle_of_encounters()];
    let alone = encounter("Patient/p1", None);
    let outcome = validate(&profiles, "encounter-subject", &alone, Switches::default());
    assert!(
        aggregation_errors(&outcome).is_empty(),
        "{:?}",
        outcome.issues
    );
    let bundle = collection(&[
        ("http://x.org/fhir/Encounter/e1", alone),
        ("http://x.org/fhir/Patient/p1", patient("p1")),
    ]);
    let outcome = validate(&profiles, "encounter-bundle", &bundle, Switches::default());
    assert!(
        aggregation_errors(&outcome).is_empty(),
        "{:?}",
        outcome.issues
    );
    // A contained target is not "referenced".
    let contained = encounter("#p1", Some(patient("p1")));
    let found = aggregation_errors(&validate(
        &profiles,
        "encounter-subject",
        &contained,
        Switches::default(),
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("points to a contained resource"),
        "{found:?}"
    );
}

#[test]
fn bundled_needs_the_target_in_the_same_bundle() {
    let profiles = [encounter_subject(&["bundled"]), bundle_of_encounters()];
    let with_patient = collection(&[
        (
            "http://x.org/fhir/Encounter/e1",
            encounter("Patient/p1", None),
        ),
        ("http://x.org/fhir/Patient/p1", patient("p1")),
    ]);
    let outcome = validate(
        &profiles,
        "encounter-bundle",
        &with_patient,
        Switches::default(),
    );
    assert!(
        aggregation_errors(&outcome).is_empty(),
        "{:?}",
        outcome.issues
    );
    let without = collection(&[(
        "http://x.org/fhir/Encounter/e1",
        encounter("Patient/p1", None),
    )]);
    let found = aggregation_errors(&validate(
        &profiles,
        "encounter-bundle",
        &without,
        Switches::default(),
    ));
    assert_eq!(
        found,
        [
            "Bundle.entry[0].resource.subject: The reference 'Patient/p1' points to outside the \
          Bundle, which the element's aggregation mode(s) (bundled) do not allow"
        ]
    );
    // Inside a Bundle the switch changes nothing.
    let r5 = Switches {
        aggregation_outside_bundles: false,
        ..Switches::default()
    };
    assert_eq!(
        aggregation_errors(&validate(&profiles, "encounter-bundle", &without, r5)).len(),
        1
    );
}

#[test]
fn outside_a_bundle_bundled_binds_only_with_r4_meaning() {
    let profiles = [encounter_subject(&["bundled"])];
    let alone = encounter("Patient/p1", None);
    let r4 = aggregation_errors(&validate(
        &profiles,
        "encounter-subject",
        &alone,
        Switches::default(),
    ));
    assert_eq!(r4.len(), 1, "{r4:?}");
    let r5 = Switches {
        aggregation_outside_bundles: false,
        ..Switches::default()
    };
    let outcome = validate(&profiles, "encounter-subject", &alone, r5);
    assert!(
        aggregation_errors(&outcome).is_empty(),
        "{:?}",
        outcome.issues
    );
}

#[test]
fn a_slice_typed_resource_takes_any_resource_and_applies_its_profile() {
    // The slice's profile, and so its aggregation rule, applies only if the Encounter entry
    // is taken into the slice typed `Resource`.
    let profiles = [encounter_subject(&["contained"]), bundle_of_encounters()];
    let bundle = collection(&[(
        "http://x.org/fhir/Encounter/e1",
        encounter("Patient/p1", None),
    )]);
    let found = aggregation_errors(&validate(
        &profiles,
        "encounter-bundle",
        &bundle,
        Switches::default(),
    ));
    assert_eq!(found.len(), 1, "{found:?}");
}

fn markdown_issues(switches: Switches) -> (Vec<String>, Vec<String>) {
    let definition = json!({"resourceType": "ActivityDefinition", "status": "draft",
        "text": serde_json::from_str::<Value>(NARRATIVE).unwrap(),
        "description": "Take <b>two</b> tablets"});
    let outcome = Validator::new(Arc::new(bundled::definitions().unwrap())).validate_bytes(
        definition.to_string().as_bytes(),
        Format::Json,
        &Options {
            switches,
            ..Options::default()
        },
    );
    let keep = |found: Vec<String>| -> Vec<String> {
        found
            .into_iter()
            .filter(|m| m.contains("embedded HTML tag"))
            .collect()
    };
    (
        keep(issues(&outcome, Severity::Error)),
        keep(issues(&outcome, Severity::Warning)),
    )
}

#[test]
fn html_in_markdown_is_a_warning_unless_switched() {
    let (errors, warnings) = markdown_issues(Switches::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        warnings,
        [
            "ActivityDefinition.description: The markdown contains what looks like an embedded \
          HTML tag starting at '<b'; markdown processors show such tags as text"
        ]
    );
    let strict = Switches {
        html_in_markdown: HtmlInMarkdown::Error,
        ..Switches::default()
    };
    let (errors, warnings) = markdown_issues(strict);
    assert_eq!((errors.len(), warnings.len()), (1, 0));
    let quiet = Switches {
        html_in_markdown: HtmlInMarkdown::Ignore,
        ..Switches::default()
    };
    assert_eq!(markdown_issues(quiet), (vec![], vec![]));
}
