//! Mutation detection on a small, fixed sample of the R4 examples (the full measurement is
//! `cargo run --release -p assure-devtools --example mutations`). The floor is the detected
//! count measured on this sample: raise it when the validator improves, never lower it.

mod common;

use std::sync::Arc;

use assure_devtools::mutations::edit::Kind;
use assure_devtools::mutations::run::Plan;
use assure_devtools::mutations::{generate, run, sample};
use assure_validate::package::Package;
use assure_validate::{Definitions, Validator};
use common::shared_path;

const PLAN: Plan = Plan {
    per_kind: 15,
    max_bases: 60,
    max_base_bytes: 20_000,
    seed: 2024,
};

/// Mutants of the sample that must be detected (of `7 * PLAN.per_kind`).
const DETECTED_FLOOR: usize = 105;

#[test]
fn single_faults_in_valid_examples_are_detected() {
    let Some(examples) = shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz") else {
        return;
    };
    let Some(expansions) = shared_path("fhir-packages/hl7.fhir.r4.expansions-4.0.1.tgz") else {
        return;
    };
    let mut defs = Definitions::new();
    defs.add_package(Package::from_tarball(&examples).unwrap());
    defs.add_package(Package::from_tarball(&expansions).unwrap());
    let validator = Validator::new(Arc::new(defs));

    let bases = run::valid_bases(&validator, &run::example_files(&examples), &PLAN);
    assert!(bases.len() >= 50, "only {} valid bases", bases.len());
    let candidates = run::candidates(&validator, &bases);
    let verdicts = run::validate_all(
        &validator,
        &bases,
        sample::per_kind(candidates, PLAN.per_kind, PLAN.seed),
    );
    let tallies = run::tally(&verdicts);
    for t in &tallies {
        println!(
            "{}: {}/{} ({:.1}%), {} at the site",
            t.kind,
            t.detected,
            t.generated,
            t.share(),
            t.at_site
        );
        assert_eq!(t.generated, PLAN.per_kind, "too few {} mutations", t.kind);
    }
    let invariant_rules = run::by_variant(&verdicts, Kind::Invariant);
    assert!(
        invariant_rules.len() >= 5,
        "invariant sample not spread: {invariant_rules:?}"
    );
    for v in verdicts.iter().filter(|v| !v.detected()) {
        println!(
            "undetected [{}] {}: {}",
            v.mutation.kind, bases[v.mutation.base].path, v.mutation.description
        );
    }
    let detected = verdicts.iter().filter(|v| v.detected()).count();
    assert!(
        detected >= DETECTED_FLOOR,
        "{detected} of {} mutants detected (floor {DETECTED_FLOOR})",
        verdicts.len()
    );
}

/// Each kind yields mutations of the expected shape on a known resource.
#[test]
fn generated_mutations_hit_the_intended_elements() {
    let Some(examples) = shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz") else {
        return;
    };
    let mut defs = Definitions::new();
    defs.add_package(Package::from_tarball(&examples).unwrap());
    let validator = Validator::new(Arc::new(defs));
    let observation = serde_json::json!({
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "weight"},
        "subject": {"reference": "Patient/p1"},
        "effectivePeriod": {"start": "2020-01-01", "end": "2020-02-01"},
        "valueQuantity": {"value": 70, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}
    });
    let found = generate::mutations(&validator, 0, &observation);
    let described = |kind: Kind| -> Vec<&str> {
        found
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.description.as_str())
            .collect()
    };
    assert!(described(Kind::DropRequired).contains(&"Observation: status removed (min 1)"));
    assert!(described(Kind::DropRequired).contains(&"Observation: code removed (min 1)"));
    assert!(described(Kind::Cardinality).contains(&"Observation: subject repeated (max 1)"));
    assert!(
        described(Kind::RequiredBinding)
            .iter()
            .any(|d| d.starts_with("Observation: status code -> 'not-in-value-set'"))
    );
    let invariants = described(Kind::Invariant);
    for rule in ["per-1", "qty-3", "obs-6"] {
        assert!(
            invariants.iter().any(|d| d.contains(rule)),
            "{rule} missing from {invariants:?}"
        );
    }
    assert!(
        described(Kind::ReferenceTarget)
            .iter()
            .all(|d| d.starts_with("Observation: subject Patient/p1 -> "))
    );
    assert!(
        described(Kind::UnknownElement).contains(&"Observation.valueQuantity: member fooBar added")
    );
    for m in &found {
        let bytes = m.apply(&observation).expect("edits apply");
        assert_ne!(
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            observation,
            "{} changes nothing",
            m.description
        );
    }
}
