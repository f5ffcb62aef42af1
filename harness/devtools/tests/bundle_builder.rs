//! The built-in R4 definitions bundle is reproducible: regenerating it from the published
//! packages gives the committed bytes.

mod common;

use assure_devtools::bundle_builder;
use assure_validate::bundled;

#[test]
fn regenerating_from_the_published_packages_gives_the_same_bytes() {
    let Some(packages) = common::shared_path("fhir-packages") else {
        return;
    };
    let built = bundle_builder::build(
        &packages.join("hl7.fhir.r4.examples-4.0.1.tgz"),
        &packages.join("hl7.fhir.r4.expansions-4.0.1.tgz"),
    )
    .unwrap();
    assert!(
        built.bytes == bundled::BUNDLE,
        "the committed bundle is stale: regenerate it with \
         `cargo run --release -p assure-devtools --example make_r4_core_bundle`"
    );
    assert_eq!(bundled::checksum_line(&built.bytes), bundled::CHECKSUM_FILE);
}
