//! Loading real FHIR packages from the shared test data.

mod common;

use std::sync::Arc;
use std::time::Instant;

use assure_validate::Definitions;
use assure_validate::package::{Package, PackageCache, archive_files};
use common::shared_path;

#[test]
fn loads_r4_core_from_the_examples_package() {
    let Some(path) = shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz") else {
        return;
    };
    let started = Instant::now();
    let package = Package::from_tarball(&path).unwrap();
    println!("loaded {} in {:?}", package.id(), started.elapsed());
    assert_eq!(package.manifest.name, "hl7.fhir.r4.examples");
    let mut defs = Definitions::new();
    defs.add_package(package);
    assert!(defs.structure_definitions().count() >= 640);
    assert!(defs.value_sets().count() >= 1300);
    assert!(defs.code_systems().count() >= 1000);
    let patient = defs
        .structure_definition("http://hl7.org/fhir/StructureDefinition/Patient|4.0.1")
        .unwrap();
    assert_eq!(patient["snapshot"]["element"][0]["path"], "Patient");
    assert!(defs.type_definition("HumanName").is_some());
    assert!(
        defs.value_set("http://hl7.org/fhir/ValueSet/administrative-gender")
            .is_some()
    );
    assert!(
        defs.structure_definition("http://hl7.org/fhir/StructureDefinition/Nope")
            .is_none()
    );
}

#[test]
fn package_examples_are_readable() {
    let Some(path) = shared_path("fhir-packages/hl7.fhir.uv.ips-2.0.0.tgz") else {
        return;
    };
    let examples = archive_files(&path, |p| p.starts_with("package/example/")).unwrap();
    assert!(examples.len() >= 40, "{}", examples.len());
    let package = Arc::new(Package::from_tarball(&path).unwrap());
    assert_eq!(
        package
            .manifest
            .dependencies
            .get("hl7.fhir.r4.core")
            .map(String::as_str),
        Some("4.0.1")
    );
    assert!(
        package
            .resources
            .iter()
            .any(|r| r.resource_type() == "StructureDefinition")
    );
}

#[test]
fn rejects_what_is_not_a_package() {
    let err = Package::from_tarball_bytes(b"definitely not gzip").unwrap_err();
    assert!(err.to_string().contains("not a FHIR package"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    assert!(Package::from_dir(dir.path()).is_err());
}

#[test]
fn cached_r4_loads_fast_from_its_index() {
    let Some(path) = shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz") else {
        return;
    };
    let cache = PackageCache::new(tempfile::tempdir().unwrap().keep());
    let folder = cache.import_tarball(&path).unwrap();
    assert!(folder.join("package/.index.json").is_file());
    let started = Instant::now();
    let package = cache.load("hl7.fhir.r4.examples", "4.0.1").unwrap();
    let elapsed = started.elapsed();
    println!("loaded {} from the cache in {elapsed:?}", package.id());
    let mut defs = Definitions::new();
    defs.add_package(package);
    assert!(defs.type_definition("Observation").is_some());
    assert!(defs.structure_definitions().count() >= 640);
    let _ = std::fs::remove_dir_all(cache.dir());
}
