//! Extensions whose definition is not loaded, and obligation profiles that inherit from
//! others. Uses the built-in R4 definitions.

mod issues;
use issues::issues;

use std::sync::Arc;

use assure_model::Format;
use assure_validate::package::{Manifest, Package};
use assure_validate::{Definitions, Options, Outcome, Severity, Validator, bundled};
use serde_json::json;

fn validate_with(defs: Definitions, json: &str) -> Outcome {
    Validator::new(Arc::new(defs)).validate_bytes(
        json.as_bytes(),
        Format::Json,
        &Options::default(),
    )
}

fn patient_with_extension(url: &str) -> String {
    format!(
        r#"{{"resourceType": "Patient", "extension": [{{"url": "{url}", "valueString": "x"}}]}}"#
    )
}

#[test]
fn unknown_extensions_in_the_core_namespace_are_errors() {
    let outcome = validate_with(
        bundled::definitions().unwrap(),
        &patient_with_extension("http://hl7.org/fhir/StructureDefinition/no-such-extension"),
    );
    assert_eq!(
        issues(&outcome, Severity::Error),
        vec![
            "Patient.extension[0]: The extension \
             http://hl7.org/fhir/StructureDefinition/no-such-extension is not defined by the \
             FHIR specification, its extensions pack or any loaded package, so it is not \
             allowed here"
        ]
    );
}

#[test]
fn extensions_pack_and_other_namespaces_are_warnings() {
    for (url, says) in [
        (
            "http://hl7.org/fhir/StructureDefinition/organization-brand",
            "is defined in the FHIR extensions pack (hl7.fhir.uv.extensions.r4), which is not \
             loaded",
        ),
        (
            "https://fhir.example.org/StructureDefinition/local-extension",
            "could not be found, so it was not checked",
        ),
    ] {
        let outcome = validate_with(
            bundled::definitions().unwrap(),
            &patient_with_extension(url),
        );
        assert!(
            issues(&outcome, Severity::Error).is_empty(),
            "{url}: {:?}",
            outcome.issues
        );
        assert!(
            issues(&outcome, Severity::Warning)
                .iter()
                .any(|w| w.contains(says)),
            "{url}: {:?}",
            outcome.issues
        );
    }
}

#[test]
fn a_missing_dependency_turns_unknown_core_extensions_into_warnings() {
    let mut defs = bundled::definitions().unwrap();
    defs.add_package(Package {
        manifest: Manifest {
            name: "uk.example.guide".into(),
            version: "1.0.0".into(),
            dependencies: [("uk.example.base".to_string(), "2.0.0".to_string())].into(),
            ..Default::default()
        },
        resources: Vec::new(),
    });
    let outcome = validate_with(
        defs,
        &patient_with_extension("http://hl7.org/fhir/StructureDefinition/no-such-extension"),
    );
    assert!(
        issues(&outcome, Severity::Error).is_empty(),
        "{:?}",
        outcome.issues
    );
    assert!(
        issues(&outcome, Severity::Warning)
            .iter()
            .any(|w| w.contains("packages depended on but not loaded: uk.example.base")),
        "{:?}",
        outcome.issues
    );
}

/// A Patient profile on `base` marked (or not) as an obligation profile.
fn patient_profile(url: &str, base: &str, obligation: bool) -> serde_json::Value {
    let mut sd = json!({"resourceType": "StructureDefinition", "url": url, "name": "P",
        "status": "draft", "kind": "resource", "abstract": false, "type": "Patient",
        "derivation": "constraint", "baseDefinition": base,
        "differential": {"element": [{"id": "Patient", "path": "Patient"}]}});
    if obligation {
        sd["extension"] = json!([{
            "url": "http://hl7.org/fhir/StructureDefinition/obligation-profile",
            "valueBoolean": true}]);
    }
    sd
}

#[test]
fn inherited_obligations_come_from_obligation_profiles_on_the_same_base() {
    let core = "http://hl7.org/fhir/StructureDefinition/Patient";
    let mut defs = bundled::definitions().unwrap();
    for (url, base, obligation) in [
        ("http://example.org/sd/base", core, false),
        (
            "http://example.org/sd/same-base",
            "http://example.org/sd/base",
            true,
        ),
        ("http://example.org/sd/other-base", core, true),
        (
            "http://example.org/sd/not-obligation",
            "http://example.org/sd/base",
            false,
        ),
    ] {
        defs.add_json(patient_profile(url, base, obligation), "test");
    }
    let mut inheriting = patient_profile(
        "http://example.org/sd/inheriting",
        "http://example.org/sd/base",
        false,
    );
    inheriting["extension"] = json!(
        [
            "http://example.org/sd/same-base",
            "http://example.org/sd/other-base",
            "http://example.org/sd/not-obligation"
        ]
        .iter()
        .map(
            |p| json!({"url": "http://hl7.org/fhir/StructureDefinition/inherit-obligations",
        "valueCanonical": p})
        )
        .collect::<Vec<_>>()
    );
    let outcome = validate_with(defs, &inheriting.to_string());
    let errors: Vec<String> = issues(&outcome, Severity::Error)
        .into_iter()
        .filter(|e| e.starts_with("StructureDefinition.extension"))
        .collect();
    assert_eq!(
        errors,
        vec![
            "StructureDefinition.extension[1]: The obligation profile \
             'http://example.org/sd/other-base' is based on \
             'http://hl7.org/fhir/StructureDefinition/Patient', not on \
             'http://example.org/sd/base' like the profile that inherits from it",
            "StructureDefinition.extension[2]: The profile 'http://example.org/sd/not-obligation' \
             is not marked as an obligation profile",
        ],
        "{:?}",
        outcome.issues
    );
}
