//! Agreement with the reference validator's recorded outcomes. The floor only goes up: raise
//! it when the validator improves.

mod common;

use std::sync::Arc;

use assure_devtools::corpus::{LocationAgreement, run_cases};
use assure_validate::Definitions;
use assure_validate::package::Package;
use common::shared_path;

/// Cases (base and profile steps) whose verdict (errors vs none) matches the reference.
const AGREEMENT_FLOOR: usize = 118;

/// Error locations of the reference (normalised, once per step) where we report an error too.
const LOCATION_RECALL_FLOOR: usize = 91;

#[test]
fn validator_cases_agree_with_the_reference() {
    let (Some(cases), Some(r4)) = (
        shared_path("validator-cases"),
        shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz"),
    ) else {
        return;
    };
    let mut defs = Definitions::new();
    defs.add_package(Package::from_tarball(&r4).unwrap());
    let results = run_cases(&cases, &Arc::new(defs));
    let agree = results.iter().filter(|r| r.agrees()).count();
    println!("validator cases: {agree}/{} verdicts agree", results.len());
    for r in results.iter().filter(|r| !r.agrees()) {
        println!(
            "  mismatch {}: expected {}, got {:?}",
            r.name, r.expected_errors, r.errors
        );
    }
    assert!(results.len() >= 120, "only {} cases ran", results.len());
    assert!(
        agree >= AGREEMENT_FLOOR,
        "agreement fell to {agree} (floor {AGREEMENT_FLOOR})"
    );
    let locations = LocationAgreement::measure(&results);
    println!("{locations}");
    assert!(
        locations.found >= LOCATION_RECALL_FLOOR,
        "location recall fell to {}/{} (floor {LOCATION_RECALL_FLOOR})",
        locations.found,
        locations.expected
    );
}

/// IPS examples validated against the profiles they declare (with R4 and the IPS package).
#[test]
fn ips_examples_validate_against_their_profiles() {
    use assure_model::Format;
    use assure_validate::package::archive_files;
    use assure_validate::{Options, Validator};
    use rayon::prelude::*;

    let (Some(ips), Some(r4)) = (
        shared_path("fhir-packages/hl7.fhir.uv.ips-2.0.0.tgz"),
        shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz"),
    ) else {
        return;
    };
    let mut defs = Definitions::new();
    defs.add_package(Package::from_tarball(&r4).unwrap());
    defs.add_package(Package::from_tarball(&ips).unwrap());
    let validator = Validator::new(Arc::new(defs));
    let examples = archive_files(&ips, |p| {
        p.starts_with("package/example/") && p.ends_with(".json")
    })
    .unwrap();
    assert!(examples.len() >= 40);
    let errors: Vec<String> = examples
        .par_iter()
        .flat_map_iter(|file| {
            let outcome = validator.validate_bytes(&file.bytes, Format::Json, &Options::default());
            outcome
                .errors()
                .map(|i| format!("{}: {} {}", file.path, i.location, i.message))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
