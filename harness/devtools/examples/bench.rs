//! Measures the validator's speed and memory on the R4 example corpus and prints each figure
//! beside its target: definition load time (examples tarball, package cache, the built-in
//! bundle with its checksum check); resources validated per second on one thread with cold
//! caches (profiles compiled as they are met) and warm, and on all cores, with the scaling
//! ratio; peak resident memory. Instances up to 1 MB ("typical") are timed apart from the
//! specification's large definition Bundles.
//!
//! Rates are given per second of wall time and per second of CPU time the process got: on a
//! machine shared with other work the second is the steadier figure, and the CPU share shows
//! how many cores the process actually had. Memory is measured in a fresh child process that
//! loads only the definitions in use and the typical instances, so the figure is the
//! validator's own, not that of this bench's other loads.
//!
//! Run: `cargo run --release -p assure-devtools --example bench [-- --slowest N --typical-only
//! --bundle]` (`--bundle` validates against the built-in bundle instead of the R4 tarballs).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use assure_model::Format;
use assure_validate::package::{
    ArchiveFile, Package, PackageCache, archive_files, header_resource_type, is_conformance_type,
};
use assure_validate::{Definitions, Options, Validator};
use flate2::read::GzDecoder;
use rayon::prelude::*;

/// Loading the R4 definitions must take less than this.
const LOAD_TARGET: Duration = Duration::from_millis(300);
/// Resources validated per second on one core, at least.
const PER_CORE_TARGET: f64 = 2_000.0;
/// Peak resident memory, at most (MiB).
const RSS_TARGET_MIB: f64 = 300.0;
/// All cores must validate at least this many times as fast as one thread, per core.
const SCALING_TARGET_PER_CORE: f64 = 0.8;

/// Files larger than this (the specification's definition Bundles) are measured apart.
const LARGE_BYTES: usize = 1_000_000;

/// The hidden flag that makes this program the memory-measuring child.
const FOOTPRINT_FLAG: &str = "--footprint";

fn main() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fhir-packages");
    let examples = shared.join("hl7.fhir.r4.examples-4.0.1.tgz");
    if !examples.exists() {
        println!("skipped: {} not found", examples.display());
        return;
    }
    let use_bundle = has_flag("--bundle");
    if has_flag(FOOTPRINT_FLAG) {
        footprint(&shared, use_bundle);
        return;
    }
    let slowest = number_after("--slowest").unwrap_or(10);
    let with_large = !has_flag("--typical-only");

    let (from_tarball, r4) = timed(|| Package::from_tarball(&examples).expect("R4 package"));
    let from_cache = cache_load_time(&examples);
    let (from_bundle, bundled) = timed(assure_validate::bundled::package);
    let bundle_status = bundled.as_ref().map(|_| ()).map_err(ToString::to_string);
    let (source, defs) = if use_bundle {
        drop(r4);
        let mut defs = Definitions::new();
        defs.add_package(bundled.expect("built-in bundle"));
        ("the built-in bundle", defs)
    } else {
        (
            "the examples and expansions tarballs",
            tarball_definitions(&shared, r4),
        )
    };
    let defs = Arc::new(defs);

    let (typical, large) = if with_large {
        example_instances(&examples)
            .into_iter()
            .partition(|f| f.bytes.len() <= LARGE_BYTES)
    } else {
        (typical_instances(&examples), Vec::new())
    };
    let cores = rayon::current_num_threads();

    // One thread, cold: a fresh validator compiles profiles as the instances need them.
    let validator = Validator::new(defs.clone());
    let cold = measure(|| {
        typical
            .iter()
            .map(|f| timed(|| validate(&validator, f)).0)
            .collect::<Vec<_>>()
    });
    let first = cold.value[0];
    // One thread, warm: the same validator again, each file timed.
    let warm = measure(|| {
        typical
            .iter()
            .map(|f| (timed(|| validate(&validator, f)).0, f))
            .collect::<Vec<_>>()
    });
    // All cores, warm; then all cores on a fresh validator (cold), which shows whether
    // compiling profiles behind shared caches holds the threads up.
    let parallel = measure(|| {
        typical
            .par_iter()
            .filter(|f| validate(&validator, f))
            .count()
    });
    let fresh = Validator::new(defs.clone());
    let parallel_cold = measure(|| typical.par_iter().filter(|f| validate(&fresh, f)).count());
    let mut per_file = warm.value.clone();
    let large_time = with_large.then(|| {
        let (time, timings) = timed(|| {
            large
                .iter()
                .map(|f| (timed(|| validate(&validator, f)).0, f))
                .collect::<Vec<_>>()
        });
        per_file.extend(timings);
        time
    });
    let memory = child_footprint(use_bundle, with_large);

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
        "{:<52} {:>14} {:>14} {:>8}",
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
        Err(e) => println!("{:<52} {e}", "load R4 definitions: package cache"),
    }
    match bundle_status {
        Ok(()) => load_row("load R4 definitions: built-in bundle", from_bundle),
        Err(e) => println!("{:<52} {e}", "load R4 definitions: built-in bundle"),
    }
    info_row(
        "first resource validated (compiles its profiles)",
        format!("{:.1} ms", ms(first)),
    );
    let n = typical.len();
    let rate_rows = |name: &str, run: &Run, threads: usize| {
        let target = PER_CORE_TARGET * threads as f64;
        let rate = n as f64 / run.wall.as_secs_f64();
        row(
            &format!("{name}, wall time"),
            format!("{rate:.0} /s"),
            format!(">= {target:.0} /s"),
            rate / target,
        );
        match run.cpu {
            Some(cpu) => {
                let per_cpu = n as f64 / cpu.as_secs_f64();
                row(
                    &format!("{name}, per CPU second"),
                    format!("{per_cpu:.0} /s"),
                    format!(">= {PER_CORE_TARGET:.0} /s"),
                    per_cpu / PER_CORE_TARGET,
                );
            }
            None => info_row(&format!("{name}, per CPU second"), "unavailable".into()),
        }
    };
    rate_rows("typical, 1 thread, cold caches", &cold.run(), 1);
    rate_rows("typical, 1 thread, warm caches", &warm.run(), 1);
    let all_cores = format!("typical, {cores} threads");
    rate_rows(&format!("{all_cores}, warm caches"), &parallel.run(), cores);
    rate_rows(
        &format!("{all_cores}, cold caches"),
        &parallel_cold.run(),
        cores,
    );
    let scaling = warm.wall.as_secs_f64() / parallel.wall.as_secs_f64();
    let scaling_target = SCALING_TARGET_PER_CORE * cores as f64;
    row(
        &format!("scaling: {cores} threads / 1 thread, warm, wall"),
        format!("{scaling:.2}x"),
        format!(">= {scaling_target:.1}x"),
        scaling / scaling_target,
    );
    if let (Some(one), Some(all)) = (warm.cpu, parallel.cpu) {
        let efficiency = one.as_secs_f64() / all.as_secs_f64();
        row(
            &format!("scaling: CPU per resource, 1 / {cores} threads"),
            format!("{efficiency:.2}"),
            format!(">= {SCALING_TARGET_PER_CORE:.1}"),
            efficiency / SCALING_TARGET_PER_CORE,
        );
        info_row(
            &format!("  cores this process got ({cores} threads, warm)"),
            format!("{:.2}", all.as_secs_f64() / parallel.wall.as_secs_f64()),
        );
    }
    if let Some(large_time) = large_time {
        let all = warm.wall + large_time;
        let rate = (n + large.len()) as f64 / all.as_secs_f64();
        row(
            "all instances, 1 thread, warm caches, wall time",
            format!("{rate:.0} /s"),
            format!(">= {PER_CORE_TARGET:.0} /s"),
            rate / PER_CORE_TARGET,
        );
        info_row(
            "  of which the larger files",
            format!("{:.1} s", large_time.as_secs_f64()),
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
        None => info_row(name, "unavailable".into()),
    };
    match memory {
        Ok(memory) => {
            rss_row("fresh process: RSS, definitions loaded", memory.definitions);
            rss_row(
                "fresh process: RSS, + typical instances held",
                memory.corpus,
            );
            rss_row(
                &format!("fresh process: peak RSS, validated on 1 and {cores} threads"),
                memory.peak,
            );
            if with_large {
                rss_row(
                    "fresh process: peak RSS, + larger files one by one",
                    memory.large_peak,
                );
            }
        }
        Err(e) => info_row("fresh process: memory", e),
    }
    rss_row(
        "this bench: peak RSS (every load above)",
        status_kib("VmHWM"),
    );
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

/// The child's part: load the definitions in use and the typical instances, validate them on
/// one thread and on all, then (unless `--typical-only`) the larger files one at a time, and
/// print the memory figures for the parent to read.
fn footprint(shared: &Path, use_bundle: bool) {
    let examples = shared.join("hl7.fhir.r4.examples-4.0.1.tgz");
    let defs = if use_bundle {
        let mut defs = Definitions::new();
        defs.add_package(assure_validate::bundled::package().expect("built-in bundle"));
        defs
    } else {
        tarball_definitions(
            shared,
            Package::from_tarball(&examples).expect("R4 package"),
        )
    };
    let validator = Validator::new(Arc::new(defs));
    let definitions = status_kib("VmRSS");
    let typical = typical_instances(&examples);
    let corpus = status_kib("VmRSS");
    typical.iter().for_each(|f| {
        validate(&validator, f);
    });
    typical.par_iter().for_each(|f| {
        validate(&validator, f);
    });
    let peak = status_kib("VmHWM");
    let large_peak = if has_flag("--typical-only") {
        None
    } else {
        each_instance(
            &examples,
            |size| size > LARGE_BYTES as u64,
            |file| {
                validate(&validator, &file);
            },
        );
        status_kib("VmHWM")
    };
    let show = |kib: Option<u64>| kib.map_or_else(|| "-".to_owned(), |k| k.to_string());
    println!(
        "{} {} {} {}",
        show(definitions),
        show(corpus),
        show(peak),
        show(large_peak)
    );
}

/// Memory figures of the child process, in KiB.
struct Footprint {
    definitions: Option<u64>,
    corpus: Option<u64>,
    peak: Option<u64>,
    /// After validating the larger files too (`None` with `--typical-only`).
    large_peak: Option<u64>,
}

/// Runs this program again as the memory-measuring child and reads its figures.
fn child_footprint(use_bundle: bool, with_large: bool) -> Result<Footprint, String> {
    let program = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = std::process::Command::new(program);
    command.arg(FOOTPRINT_FLAG);
    if use_bundle {
        command.arg("--bundle");
    }
    if !with_large {
        command.arg("--typical-only");
    }
    let output = command.output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "the child failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let figures: Vec<Option<u64>> = text.split_whitespace().map(|w| w.parse().ok()).collect();
    match figures.as_slice() {
        [definitions, corpus, peak, large_peak] => Ok(Footprint {
            definitions: *definitions,
            corpus: *corpus,
            peak: *peak,
            large_peak: *large_peak,
        }),
        _ => Err(format!("unexpected child output: {}", text.trim())),
    }
}

/// The R4 examples package plus, when present, the expansions package.
fn tarball_definitions(shared: &Path, r4: Package) -> Definitions {
    let mut defs = Definitions::new();
    defs.add_package(r4);
    if let Ok(expansions) = Package::from_tarball(&shared.join("hl7.fhir.r4.expansions-4.0.1.tgz"))
    {
        defs.add_package(expansions);
    }
    defs
}

/// Whether the flag is on the command line.
fn has_flag(name: &str) -> bool {
    std::env::args().skip(1).any(|a| a == name)
}

/// The number after `name` on the command line.
fn number_after(name: &str) -> Option<usize> {
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
    archive_files(tarball, is_package_json)
        .expect("R4 archive")
        .into_iter()
        .filter(is_instance)
        .collect()
}

/// The example instances of at most [`LARGE_BYTES`]; larger entries are skipped unread.
fn typical_instances(tarball: &Path) -> Vec<ArchiveFile> {
    let mut files = Vec::new();
    each_instance(
        tarball,
        |size| size <= LARGE_BYTES as u64,
        |file| files.push(file),
    );
    files
}

/// Calls `visit` with each example instance whose size `wanted` accepts, one at a time;
/// other entries are skipped unread.
fn each_instance(tarball: &Path, wanted: impl Fn(u64) -> bool, mut visit: impl FnMut(ArchiveFile)) {
    let bytes = std::fs::read(tarball).expect("R4 archive");
    let mut archive = tar::Archive::new(GzDecoder::new(bytes.as_slice()));
    for entry in archive.entries().expect("R4 archive") {
        let mut entry = entry.expect("R4 archive entry");
        let path = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        let size = entry.header().size().unwrap_or(u64::MAX);
        if !is_package_json(&path) || !wanted(size) {
            continue;
        }
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("R4 archive entry");
        let file = ArchiveFile {
            path,
            bytes: content,
        };
        if is_instance(&file) {
            visit(file);
        }
    }
}

fn is_package_json(path: &str) -> bool {
    path.starts_with("package/") && path.ends_with(".json")
}

/// Whether the file is a resource other than a conformance resource.
fn is_instance(file: &ArchiveFile) -> bool {
    header_resource_type(&file.bytes).is_some_and(|t| !is_conformance_type(&t))
}

/// Whether the file has errors.
fn validate(validator: &Validator, file: &ArchiveFile) -> bool {
    validator
        .validate_bytes(&file.bytes, Format::Json, &Options::default())
        .has_errors()
}

/// Wall and CPU time of a piece of work and its result.
struct Measured<T> {
    wall: Duration,
    /// CPU time of the whole process over the work (`None` off Linux).
    cpu: Option<Duration>,
    value: T,
}

impl<T> Measured<T> {
    fn run(&self) -> Run {
        Run {
            wall: self.wall,
            cpu: self.cpu,
        }
    }
}

/// The times of one measured run.
struct Run {
    wall: Duration,
    cpu: Option<Duration>,
}

fn measure<T>(work: impl FnOnce() -> T) -> Measured<T> {
    let cpu_before = process_cpu();
    let (wall, value) = timed(work);
    let cpu = process_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    Measured { wall, cpu, value }
}

/// CPU time used so far by the live threads of this process (Linux `schedstat`, ns). The
/// rayon workers live as long as the process, so differences are exact.
fn process_cpu() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
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
        "{name:<52} {figure:>14} {target:>14} {ratio:>8.2} {}",
        if ratio >= 1.0 { "meets" } else { "misses" }
    );
}

fn info_row(name: &str, figure: String) {
    println!("{name:<52} {figure:>14}");
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
