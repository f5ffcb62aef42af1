//! Measures the validator on shared corpora: R4 examples against the base definitions, the
//! reference validator's test cases (verdict agreement), and IPS examples against their
//! profiles. Run: `cargo run --release -p assure-validate --example corpus [-- --verbose]`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use assure_model::Format;
use assure_validate::corpus::{self, CaseResult};
use assure_validate::package::{Package, archive_files};
use assure_validate::{Definitions, Options, Validator};
use rayon::prelude::*;

fn main() {
    let verbose = std::env::args().any(|a| a == "--verbose");
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let examples = shared.join("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    if !examples.exists() {
        println!("skipped: {} not found", examples.display());
        return;
    }
    let started = Instant::now();
    let mut defs = Definitions::new();
    defs.add_package(Package::from_tarball(&examples).expect("R4 package"));
    let expansions = shared.join("fhir-packages/hl7.fhir.r4.expansions-4.0.1.tgz");
    if let Ok(p) = Package::from_tarball(&expansions) {
        defs.add_package(p);
    }
    let base_defs = Arc::new(defs);
    println!("definitions loaded in {:?}", started.elapsed());

    // (a) R4 examples against the base definitions.
    let validator = Validator::new(base_defs.clone());
    let files = archive_files(&examples, |p| {
        p.starts_with("package/") && p.ends_with(".json")
    })
    .expect("archive");
    let instances: Vec<_> = files
        .into_iter()
        .filter(|f| {
            assure_validate::package::header_resource_type(&f.bytes)
                .is_some_and(|t| !assure_validate::package::is_conformance_type(&t))
        })
        .collect();
    let started = Instant::now();
    let results: Vec<(String, Vec<String>)> = instances
        .par_iter()
        .map(|f| {
            let outcome = validator.validate_bytes(&f.bytes, Format::Json, &Options::default());
            let errors = outcome
                .errors()
                .map(|i| format!("{} {}: {}", i.location, i.rule, i.message))
                .collect();
            (f.path.clone(), errors)
        })
        .collect();
    let failing: Vec<_> = results.iter().filter(|(_, e)| !e.is_empty()).collect();
    println!(
        "(a) R4 examples: {} instances, {} with errors, {:?}",
        results.len(),
        failing.len(),
        started.elapsed()
    );
    for (path, errors) in &failing {
        println!("  {path}: {} error(s)", errors.len());
        for e in errors.iter().take(if verbose { 50 } else { 3 }) {
            println!("      {e}");
        }
    }

    // (b) Reference validator cases.
    let cases_dir = shared.join("validator-cases");
    if cases_dir.exists() {
        let results = corpus::run_cases(&cases_dir, &base_defs);
        let agree = results.iter().filter(|r| r.agrees()).count();
        println!(
            "(b) validator cases: {agree}/{} verdicts agree",
            results.len()
        );
        for r in results.iter().filter(|r| !r.agrees() || verbose) {
            print_case(r, verbose);
        }
    }

    // (c) IPS examples against their meta.profile.
    let ips = shared.join("fhir-packages/hl7.fhir.uv.ips-2.0.0.tgz");
    if ips.exists() {
        ips_examples(&ips, &base_defs, verbose);
    }
}

fn print_case(r: &CaseResult, verbose: bool) {
    println!(
        "  {} {}: expected {} error(s), got {}",
        if r.agrees() { "ok " } else { "MISMATCH" },
        r.name,
        r.expected_errors,
        r.errors.len()
    );
    for e in r.errors.iter().take(if verbose { 20 } else { 3 }) {
        println!("      {e}");
    }
}

fn ips_examples(ips: &Path, base: &Arc<Definitions>, verbose: bool) {
    let mut defs = Definitions::new();
    for resource in base.all() {
        defs.add(resource.clone());
    }
    defs.add_package(Package::from_tarball(ips).expect("IPS package"));
    let validator = Validator::new(Arc::new(defs));
    let files = archive_files(ips, |p| {
        p.starts_with("package/example/") && p.ends_with(".json")
    })
    .expect("archive");
    let results: Vec<(String, Vec<String>)> = files
        .par_iter()
        .map(|f| {
            let outcome = validator.validate_bytes(&f.bytes, Format::Json, &Options::default());
            (
                f.path.clone(),
                outcome
                    .errors()
                    .map(|i| format!("{}: {}", i.location, i.message))
                    .collect(),
            )
        })
        .collect();
    let total: usize = results.iter().map(|(_, e)| e.len()).sum();
    let failing = results.iter().filter(|(_, e)| !e.is_empty()).count();
    println!(
        "(c) IPS examples: {} instances, {failing} with errors, {total} errors",
        results.len()
    );
    for (path, errors) in results.iter().filter(|(_, e)| !e.is_empty()) {
        println!("  {path}: {} error(s)", errors.len());
        for e in errors.iter().take(if verbose { 20 } else { 2 }) {
            println!("      {e}");
        }
    }
}
