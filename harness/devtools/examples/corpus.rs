//! Measures the validator on shared corpora: R4 examples against the base definitions, the
//! reference validator's test cases (verdict and error-location agreement), and IPS examples against their
//! profiles. Run: `cargo run --release -p assure-devtools --example corpus [-- --verbose]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use assure_devtools::corpus::{self, CaseResult, LocationAgreement};
use assure_model::Format;
use assure_validate::package::{Package, archive_files};
use assure_validate::source_folder::SourceFolder;
use assure_validate::{Definitions, Options, Outcome, Validator};
use rayon::prelude::*;

/// Canonical base of the UK Core StructureDefinitions.
const UKCORE_SD: &str = "https://fhir.hl7.org.uk/StructureDefinition/";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    // Sections to run (`a`..`d`); all when none is named.
    let chosen: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| ["a", "b", "c", "d"].contains(a))
        .collect();
    let run = |section: &str| chosen.is_empty() || chosen.contains(&section);
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
    if run("a") {
        r4_examples(&examples, &base_defs, verbose);
    }

    // (b) Reference validator cases.
    let cases_dir = shared.join("validator-cases");
    if run("b") && cases_dir.exists() {
        let results = corpus::run_cases(&cases_dir, &base_defs);
        let agree = results.iter().filter(|r| r.agrees()).count();
        println!(
            "(b) validator cases: {agree}/{} verdicts agree",
            results.len()
        );
        println!("    {}", LocationAgreement::measure(&results));
        for r in results.iter().filter(|r| !r.agrees() || verbose) {
            print_case(r, verbose);
        }
    }

    // (c) IPS examples against their meta.profile.
    let ips = shared.join("fhir-packages/hl7.fhir.uv.ips-2.0.0.tgz");
    if run("c") && ips.exists() {
        ips_examples(&ips, &base_defs, verbose);
    }

    // (d) UK Core examples against their differential-only profiles (snapshots generated),
    // the source folder read as `--package <folder>` reads it.
    let ukcore = shared.join("ukcore");
    if run("d") && ukcore.exists() {
        ukcore_examples(&ukcore, &base_defs, verbose);
    }
}

fn r4_examples(examples: &Path, base_defs: &Arc<Definitions>, verbose: bool) {
    let validator = Validator::new(base_defs.clone());
    let files = archive_files(examples, |p| {
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
}

/// UK Core loaded as `--package <folder>` loads it (the whole source folder, XML converted);
/// each example validated against its type and, when UK Core defines it, `UKCore-<Type>`.
fn ukcore_examples(ukcore: &Path, base: &Arc<Definitions>, verbose: bool) {
    let started = Instant::now();
    let folder = SourceFolder::read(ukcore, &Validator::new(base.clone())).expect("UK Core");
    let skipped = folder.skipped.len();
    let (name, version) = folder.default_id();
    let mut defs = (**base).clone();
    defs.add_package(folder.into_package(&name, &version));
    let defs = Arc::new(defs);
    let validator = Validator::new(defs.clone());
    let profiles: Vec<String> = defs
        .structure_definitions()
        .filter(|r| r.package().starts_with(&name))
        .filter_map(|r| r.url().map(str::to_owned))
        .collect();
    let broken: Vec<String> = profiles
        .iter()
        .filter(|url| validator.profile(url).is_none())
        .map(|url| validator.profile_problem(url))
        .collect();
    println!(
        "(d) UK Core source folder: {} profiles, {} without a usable snapshot, {skipped} files \
         skipped ({:?})",
        profiles.len(),
        broken.len(),
        started.elapsed()
    );
    for problem in broken.iter().take(if verbose { 200 } else { 5 }) {
        println!("      {problem}");
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(ukcore.join("examples"))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    let outcomes: Vec<(String, bool, Outcome)> = files
        .par_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            let format = Format::sniff(&bytes, Some(&name))?;
            let kind = assure_model::parse(&bytes, format)
                .ok()?
                .root
                .resource_type?;
            let profile = format!("{UKCORE_SD}UKCore-{kind}");
            let options = Options {
                profiles: validator
                    .profile(&profile)
                    .map(|_| profile)
                    .into_iter()
                    .collect(),
                ..Options::default()
            };
            let profiled = !options.profiles.is_empty();
            Some((
                name,
                profiled,
                validator.validate_bytes(&bytes, format, &options),
            ))
        })
        .collect();
    let mut unchecked: BTreeMap<String, usize> = BTreeMap::new();
    for (system, n) in outcomes.iter().flat_map(|(_, _, o)| o.unchecked_codes()) {
        *unchecked.entry(system).or_default() += n;
    }
    let profiled = outcomes.iter().filter(|(_, p, _)| *p).count();
    let results: Vec<(String, Vec<String>)> = outcomes
        .into_iter()
        .map(|(name, _, outcome)| {
            let errors = outcome
                .errors()
                .map(|i| format!("{}: {} [{}]", i.location, i.message, i.rule))
                .collect();
            (name, errors)
        })
        .collect();
    print_file_errors("    UK Core examples", &results, verbose);
    println!("    {profiled} of them validated against their UKCore-<Type> profile too");
    let unchecked: Vec<String> = unchecked
        .iter()
        .map(|(system, n)| format!("{system} {n}"))
        .collect();
    println!("    unchecked codes: {}", unchecked.join(", "));
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
    if verbose {
        for (side, locations) in [
            ("only reference", r.missed_locations()),
            ("only ours", r.extra_locations()),
        ] {
            if !locations.is_empty() {
                println!("      {side}: {}", locations.join(", "));
            }
        }
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
    print_file_errors("(c) IPS examples", &results, verbose);
}

/// Prints a headline with the counts, then each file with errors and its first errors.
fn print_file_errors(headline: &str, results: &[(String, Vec<String>)], verbose: bool) {
    let total: usize = results.iter().map(|(_, e)| e.len()).sum();
    let failing = results.iter().filter(|(_, e)| !e.is_empty()).count();
    println!(
        "{headline}: {} instances, {failing} with errors, {total} errors",
        results.len()
    );
    for (name, errors) in results.iter().filter(|(_, e)| !e.is_empty()) {
        println!("  {name}: {} error(s)", errors.len());
        for e in errors.iter().take(if verbose { 20 } else { 2 }) {
            println!("      {e}");
        }
    }
}
