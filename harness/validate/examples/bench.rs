//! Measures the validator's speed and memory on the R4 example corpus and prints the figures
//! beside their targets: definition load time (examples tarball, package cache, the built-in
//! bundle with its checksum check), resources validated per second on one thread and on all cores, and
//! peak resident memory. Instances up to 1 MB ("typical") are timed apart from the
//! specification's large definition Bundles.
//! Run: `cargo run --release -p assure-validate --example bench [-- --slowest N --typical-only
//! --bundle]` (`--bundle` validates against the built-in bundle instead of the R4 tarballs).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use assure_model::Format;
use assure_validate::package::{
    ArchiveFile, Package, PackageCache, archive_files, header_resource_type, is_conformance_type,
};
use assure_validate::{Definitions, Options, Validator};
use rayon::prelude::*;

/// Loading the R4 definitions must take less than this.
const LOAD_TARGET: Duration = Duration::from_millis(300);
/// Resources validated per second on one core, at least.
const PER_CORE_TARGET: f64 = 2_000.0;
/// Peak resident memory, at most (MiB).
const RSS_TARGET_MIB: f64 = 300.0;

/// Files larger than this (the specification's definition Bundles) are measured apart.
const LARGE_BYTES: usize = 1_000_000;

fn main() {
    let slowest = flag("--slowest").unwrap_or(10);
    let with_large = !std::env::args().any(|a| a == "--typical-only");
    let use_bundle = std::env::args().any(|a| a == "--bundle");
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fhir-packages");
    let examples = shared.join("hl7.fhir.r4.examples-4.0.1.tgz");
    if !examples.exists() {
        println!("skipped: {} not found", examples.display());
        return;
    }

    let (from_tarball, r4) = timed(|| Package::from_tarball(&examples).expect("R4 package"));
    let from_cache = cache_load_time(&examples);
    let (from_bundle, bundled) = timed(assure_validate::bundled::package);
    let bundle_status = bundled.as_ref().map(|_| ()).map_err(ToString::to_string);
    let mut defs = Definitions::new();
    let source = if use_bundle {
        defs.add_package(bundled.expect("built-in bundle"));
        drop(r4);
        "the built-in bundle"
    } else {
        defs.add_package(r4);
        if let Ok(expansions) =
            Package::from_tarball(&shared.join("hl7.fhir.r4.expansions-4.0.1.tgz"))
        {
            defs.add_package(expansions);
        }
        "the examples and expansions tarballs"
    };
    let validator = Validator::new(Arc::new(defs));
    let with_definitions = status_kib("VmRSS");

    let (typical, large): (Vec<ArchiveFile>, Vec<ArchiveFile>) = example_instances(&examples)
        .into_iter()
        .partition(|f| f.bytes.len() <= LARGE_BYTES);
    let large = if with_large { large } else { Vec::new() };
    let cores = rayon::current_num_threads();
    let held = status_kib("VmRSS");
    let loading_peak = status_kib("VmHWM");
    let reset = reset_peak();
    let (first, _) = timed(|| validate(&validator, &typical[0]));
    let (cold, _) = timed(|| typical.iter().filter(|f| validate(&validator, f)).count());
    let mut per_file: Vec<(Duration, &ArchiveFile)> = typical
        .iter()
        .map(|f| (timed(|| validate(&validator, f)).0, f))
        .collect();
    let warm: Duration = per_file.iter().map(|(d, _)| *d).sum();
    let (parallel, _) = timed(|| {
        typical
            .par_iter()
            .filter(|f| validate(&validator, f))
            .count()
    });
    let typical_peak = status_kib("VmHWM");
    if with_large {
        per_file.extend(
            large
                .iter()
                .map(|f| (timed(|| validate(&validator, f)).0, f)),
        );
    }
    let all_peak = status_kib("VmHWM").max(loading_peak);

    let bytes = |files: &[ArchiveFile]| files.iter().map(|f| f.bytes.len()).sum::<usize>();
    println!("definitions validated against: {source}");
    println!(
        "R4 example instances: {} of at most {} MB ({:.1} MB), {} larger ({:.1} MB); {cores} core(s)",
        typical.len(),
        LARGE_BYTES / 1_000_000,
        bytes(&typical) as f64 / 1e6,
        large.len(),
        bytes(&large) as f64 / 1e6,
    );
    println!();
    println!(
        "{:<48} {:>14} {:>14} {:>8}",
        "measure", "figure", "target", "ratio"
    );
    let load_row = |name: &str, d: Duration| {
        row(
            name,
            format!("{:.1} ms", ms(d)),
            format!("< {:.0} ms", ms(LOAD_TARGET)),
            ms(LOAD_TARGET) / ms(d),
        )
    };
    load_row("load R4 definitions: examples tarball", from_tarball);
    match from_cache {
        Ok(d) => load_row("load R4 definitions: package cache", d),
        Err(e) => println!("{:<48} {e}", "load R4 definitions: package cache"),
    }
    match bundle_status {
        Ok(()) => load_row("load R4 definitions: built-in bundle", from_bundle),
        Err(e) => println!("{:<48} {e}", "load R4 definitions: built-in bundle"),
    }
    println!(
        "{:<48} {:>14}",
        "first resource validated (compiles profiles)",
        format!("{:.1} ms", ms(first))
    );
    let rate_row = |name: &str, count: usize, d: Duration, threads: usize| {
        let target = PER_CORE_TARGET * threads as f64;
        let rate = count as f64 / d.as_secs_f64();
        row(
            name,
            format!("{rate:.0} /s"),
            format!(">= {target:.0} /s"),
            rate / target,
        )
    };
    let n = typical.len();
    rate_row("validate typical, 1 thread, cold caches", n, cold, 1);
    rate_row("validate typical, 1 thread, warm caches", n, warm, 1);
    rate_row(
        &format!("validate typical, {cores} threads, warm caches"),
        n,
        parallel,
        cores,
    );
    if with_large {
        let all: Duration = per_file.iter().map(|(d, _)| *d).sum();
        rate_row(
            "validate all instances, 1 thread, warm caches",
            n + large.len(),
            all,
            1,
        );
        println!(
            "{:<48} {:>14}",
            "  of which the larger files",
            format!("{:.1} s", (all - warm).as_secs_f64())
        );
    }
    let rss_row = |name: &str, kib: Option<u64>| match kib {
        Some(kib) => {
            let mib = kib as f64 / 1024.0;
            row(
                name,
                format!("{mib:.0} MiB"),
                format!("< {RSS_TARGET_MIB:.0} MiB"),
                RSS_TARGET_MIB / mib,
            )
        }
        None => println!("{name:<48} {:>14}", "unavailable"),
    };
    rss_row("RSS with the definitions loaded", with_definitions);
    rss_row("RSS with the corpus bytes held too", held);
    match reset {
        Ok(()) => rss_row("peak RSS while validating typical instances", typical_peak),
        Err(e) => println!("{:<48} {e}", "peak RSS while validating typical instances"),
    }
    rss_row("peak RSS over the whole run (VmHWM)", all_peak);
    println!(
        "(ratio = target / figure for times and memory, figure / target for rates; >= 1 meets)"
    );

    per_file.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    println!();
    println!("slowest {slowest} (warm, 1 thread):");
    for (d, f) in per_file.iter().take(slowest) {
        println!("  {:>9.1} ms  {:>9} B  {}", ms(*d), f.bytes.len(), f.path);
    }
}

/// The number after `name` on the command line.
fn flag(name: &str) -> Option<usize> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1)?.parse().ok()
}

/// Imports the tarball into a throw-away package cache, then times loading it from there.
fn cache_load_time(tarball: &Path) -> Result<Duration, String> {
    let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
    let cache = PackageCache::new(folder.path());
    cache.import_tarball(tarball).map_err(|e| e.to_string())?;
    let (elapsed, loaded) = timed(|| cache.load("hl7.fhir.r4.examples", "4.0.1"));
    let package = loaded.map_err(|e| e.to_string())?;
    if package.resources.is_empty() {
        return Err("the cached package holds no definitions".into());
    }
    Ok(elapsed)
}

/// The example instances (JSON, not conformance resources) of the R4 package.
fn example_instances(tarball: &Path) -> Vec<ArchiveFile> {
    archive_files(tarball, |p| {
        p.starts_with("package/") && p.ends_with(".json")
    })
    .expect("R4 archive")
    .into_iter()
    .filter(|f| header_resource_type(&f.bytes).is_some_and(|t| !is_conformance_type(&t)))
    .collect()
}

/// Whether the file has errors.
fn validate(validator: &Validator, file: &ArchiveFile) -> bool {
    validator
        .validate_bytes(&file.bytes, Format::Json, &Options::default())
        .has_errors()
}

fn timed<T>(work: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let value = work();
    (started.elapsed(), value)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn row(name: &str, figure: String, target: String, ratio: f64) {
    println!(
        "{name:<48} {figure:>14} {target:>14} {ratio:>8.2} {}",
        if ratio >= 1.0 { "meets" } else { "misses" }
    );
}

/// Resets `VmHWM` to the current resident set (Linux `clear_refs`), so later peaks measure
/// validation rather than the loading before it.
fn reset_peak() -> Result<(), String> {
    std::fs::write("/proc/self/clear_refs", "5").map_err(|e| format!("cannot reset the peak: {e}"))
}

/// A memory figure of this process from `/proc/self/status` in KiB (Linux): `VmHWM` is the
/// peak resident set, `VmRSS` the current one.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
