//! UK Core profiles are published as differentials in XML: snapshots are generated from the R4
//! base and applied.

mod common;

use std::sync::Arc;

use assure_devtools::corpus::with_folders;
use assure_model::Format;
use assure_validate::package::Package;
use assure_validate::{Definitions, Options, Validator};
use common::shared_path;

const UKCORE_PATIENT: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";

#[test]
fn ukcore_patient_profile_is_generated_and_enforced() {
    let (Some(ukcore), Some(r4)) = (
        shared_path("ukcore"),
        shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz"),
    ) else {
        return;
    };
    let mut base = Definitions::new();
    base.add_package(Package::from_tarball(&r4).unwrap());
    let defs = with_folders(
        &Arc::new(base),
        &[
            ukcore.join("structuredefinitions"),
            ukcore.join("valuesets"),
        ],
    );
    let validator = Validator::new(defs);
    let profile = validator
        .profile(UKCORE_PATIENT)
        .expect("UKCore-Patient compiles");
    assert!(
        profile
            .elements
            .iter()
            .any(|e| e.id == "Patient.identifier:nhsNumber.system")
    );
    let options = Options {
        profiles: vec![UKCORE_PATIENT.into()],
        ..Options::default()
    };
    let good = br#"{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000009"}]}"#;
    let outcome = validator.validate_bytes(good, Format::Json, &options);
    assert!(!outcome.has_errors(), "{:?}", outcome.issues);
    // Two NHS numbers: the nhsNumber slice allows one.
    let bad = br#"{"resourceType":"Patient","identifier":[
        {"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000009"},
        {"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000017"}]}"#;
    let outcome = validator.validate_bytes(bad, Format::Json, &options);
    let errors: Vec<String> = outcome.errors().map(|i| i.message.to_string()).collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("nhsNumber") && e.contains("maximum allowed = 1")),
        "{errors:?}"
    );
}
