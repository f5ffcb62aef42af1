//! Regenerates the built-in R4 base definitions (`assure_validate::bundled`) from the
//! published R4 packages and writes `data/r4-core.bundle.tgz` with its `.sha256`.
//!
//! Run: `cargo run --release -p assure-devtools --example make_r4_core_bundle [-- PACKAGES_DIR]`
//! where PACKAGES_DIR holds `hl7.fhir.r4.examples-4.0.1.tgz` and
//! `hl7.fhir.r4.expansions-4.0.1.tgz` (default: the shared test data folder).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use assure_devtools::bundle_builder;
use assure_validate::package::Package;
use assure_validate::{Definitions, bundled};

fn main() -> ExitCode {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let packages = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../../../shared/fhir-packages"));
    let started = Instant::now();
    let built = match bundle_builder::build(
        &packages.join("hl7.fhir.r4.examples-4.0.1.tgz"),
        &packages.join("hl7.fhir.r4.expansions-4.0.1.tgz"),
    ) {
        Ok(built) => built,
        Err(e) => {
            eprintln!("make_r4_core_bundle: {e}");
            return ExitCode::FAILURE;
        }
    };
    let data = manifest_dir.join("../validate/data");
    let bundle = data.join(bundled::FILE_NAME);
    let checksum = data.join("r4-core.bundle.sha256");
    let written = std::fs::create_dir_all(&data)
        .and_then(|()| std::fs::write(&bundle, &built.bytes))
        .and_then(|()| std::fs::write(&checksum, bundled::checksum_line(&built.bytes)));
    if let Err(e) = written {
        eprintln!("make_r4_core_bundle: {}: {e}", data.display());
        return ExitCode::FAILURE;
    }
    println!(
        "{}: {} StructureDefinitions, {} ValueSets, {} CodeSystems, {} SearchParameters; \
         {} bytes of JSON, {} bytes compressed, sha256 {} ({:?})",
        bundle.display(),
        built.structure_definitions,
        built.value_sets,
        built.code_systems,
        built.search_parameters,
        built.json_bytes,
        built.bytes.len(),
        bundled::sha256_hex(&built.bytes),
        started.elapsed()
    );
    report_load_time(&built.bytes)
}

/// Loads the new bundle the way `bundled::definitions` does (checksum, unpack, index) and
/// prints how long that took.
fn report_load_time(bytes: &[u8]) -> ExitCode {
    let started = Instant::now();
    let loaded = bundled::verify(bytes, &bundled::checksum_line(bytes))
        .map_err(|e| e.to_string())
        .and_then(|()| Package::from_tarball_bytes(bytes).map_err(|e| e.to_string()));
    match loaded {
        Ok(package) => {
            let mut definitions = Definitions::new();
            definitions.add_package(package);
            println!(
                "verified, unpacked and indexed {} resources in {:?}",
                definitions.len(),
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("make_r4_core_bundle: the new bundle does not load: {e}");
            ExitCode::FAILURE
        }
    }
}
