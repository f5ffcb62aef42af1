//! How validation time and memory grow with the number of entries in a Bundle: synthetic
//! searchsets (Patients and Observations with fullUrls, ids and references between entries)
//! and collections of tiny entries, each validated in a fresh child process against the
//! built-in R4 definitions. Prints per size the input, the time (parse and validate), the time
//! per entry, the ratio of time to that of the previous size over the ratio of sizes (the
//! slope: 1.0 is linear, 2.0 quadratic), the CPU time the child spent validating (above the
//! wall time when entries are validated in parallel; the steadier figure on a busy machine),
//! and the child's resident memory after loading the definitions and at its peak.
//!
//! Run: `cargo run --release -p assure-devtools --example bundle_scaling [-- --searchset
//! 1000,10000,100000,133000 --tiny 1000,10000,32000,64000 --limit SECONDS --threads N]`
//! (a size that takes longer than `--limit`, default 120, is stopped and reported as such;
//! `--threads` sets the validating pool's size, default all cores).

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use assure_devtools::process_stats::{cpu_seconds, status_kib};
use assure_devtools::synthetic_bundle::{searchset, tiny_entries};
use assure_model::Format;
use assure_validate::{Definitions, Options, Validator};

/// The allocator `assure` itself uses, so that the figures are those a user sees.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The hidden flag that makes this program the child measuring one Bundle.
const CHILD_FLAG: &str = "--one";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == CHILD_FLAG) {
        let kind = args.get(at + 1).expect("kind");
        let entries = args.get(at + 2).and_then(|n| n.parse().ok()).expect("size");
        measure_one(kind, entries);
        return;
    }
    let sizes = |flag: &str, default: &[usize]| -> Vec<usize> {
        value_after(&args, flag).map_or_else(
            || default.to_vec(),
            |list| list.split(',').filter_map(|n| n.parse().ok()).collect(),
        )
    };
    let limit = Duration::from_secs(
        value_after(&args, "--limit")
            .and_then(|s| s.parse().ok())
            .unwrap_or(120),
    );
    let threads = value_after(&args, "--threads");
    for (kind, default) in [
        ("searchset", &[1_000, 10_000, 100_000, 133_000][..]),
        ("tiny", &[1_000, 10_000, 32_000, 64_000][..]),
    ] {
        let sizes = sizes(&format!("--{kind}"), default);
        if sizes.is_empty() {
            continue;
        }
        println!(
            "{kind}: entries | MB | time | per entry | slope vs previous | CPU | RSS defs / peak MiB | issues (errors)"
        );
        let mut previous: Option<(usize, f64)> = None;
        for entries in sizes {
            let Some(line) = run_child(kind, entries, limit, threads.as_deref()) else {
                println!("{entries:>8} | stopped after {limit:?}");
                previous = None;
                continue;
            };
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [mb, secs, cpu, base_kib, peak_kib, issues, errors] = fields[..] else {
                println!("{entries:>8} | unexpected child output: {line}");
                continue;
            };
            let secs: f64 = secs.parse().unwrap_or(f64::NAN);
            let slope = previous.map_or(String::from("-"), |(n, t)| {
                format!(
                    "{:.2} ({:.1}x time for {:.1}x entries)",
                    (secs / t).ln() / (entries as f64 / n as f64).ln(),
                    secs / t,
                    entries as f64 / n as f64
                )
            });
            let mib = |kib: &str| kib.parse::<f64>().unwrap_or(f64::NAN) / 1024.0;
            println!(
                "{entries:>8} | {mb} | {:.3} s | {:.2} µs | {slope} | {cpu} s | {:.0} / {:.0} | {issues} ({errors})",
                secs,
                secs * 1e6 / entries as f64,
                mib(base_kib),
                mib(peak_kib),
            );
            previous = Some((entries, secs));
        }
    }
}

/// Runs the child for one Bundle; its one line of figures, or `None` when it ran past `limit`.
fn run_child(kind: &str, entries: usize, limit: Duration, threads: Option<&str>) -> Option<String> {
    let mut command = Command::new(std::env::current_exe().expect("own path"));
    command
        .args([CHILD_FLAG, kind, &entries.to_string()])
        .stdout(Stdio::piped());
    if let Some(threads) = threads {
        command.env("RAYON_NUM_THREADS", threads);
    }
    let mut child = command.spawn().expect("child process");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("child status").is_some() {
            let output = child.wait_with_output().expect("child output");
            return Some(String::from_utf8_lossy(&output.stdout).trim().to_string());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// In the child: validates one generated Bundle and prints its size in MB, the seconds taken,
/// the CPU seconds spent, the resident memory after loading the definitions and at the peak (KiB), the number of
/// issues and of errors.
fn measure_one(kind: &str, entries: usize) {
    let mut definitions = Definitions::new();
    definitions.add_package(assure_validate::bundled::package().expect("built-in bundle"));
    let validator = Validator::new(Arc::new(definitions));
    let bytes = match kind {
        "searchset" => searchset(entries),
        _ => tiny_entries(entries),
    };
    let base = status_kib("VmRSS:");
    let (started, cpu_before) = (Instant::now(), cpu_seconds());
    let outcome = validator.validate_bytes(&bytes, Format::Json, &Options::default());
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let errors = outcome.errors().count();
    if errors > 0 {
        for issue in outcome.errors().take(5) {
            eprintln!("  {} {}: {}", issue.location, issue.rule, issue.message);
        }
    }
    println!(
        "{:.1} {secs:.4} {cpu:.2} {base} {} {} {errors}",
        bytes.len() as f64 / 1e6,
        status_kib("VmHWM:"),
        outcome.issues.len(),
    );
}

fn value_after(args: &[String], flag: &str) -> Option<String> {
    let at = args.iter().position(|a| a == flag)?;
    args.get(at + 1).cloned()
}
