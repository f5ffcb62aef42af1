//! The 1,000-check benchmark of the reports: writes a suite of 1,000 checks (reads and searches
//! with assertions, a fifth of them validating the response with `conforms`, one in a hundred
//! failing on purpose), runs it with `assure run` against the embedded reference server, and
//! prints the run's wall time, the part of it spent after the checks (writing the reports), the
//! time `assure report merge` takes to render every report again from a `--shard 1/1` run of the
//! same suite, and the size of the report folder: in total, per file (a folder's files
//! summed, whatever its layout), the HTML page, and the HTML bytes per check.
//!
//! Run: `cargo run --release -p assure-devtools --example report_bench [-- --assure PATH
//! --checks N --keep DIR]`. Without `--assure` it builds the `assure` binary in release mode
//! (`cargo build --release -p assure`) and runs that one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// What the command line asks for.
struct Args {
    /// The `assure` binary; built when absent.
    assure: Option<PathBuf>,
    /// How many checks the generated suite has.
    checks: usize,
    /// Where to keep the suite and the reports; a temporary folder when absent.
    keep: Option<PathBuf>,
}

fn main() {
    let args = parse_args();
    let assure = args.assure.clone().unwrap_or_else(build_assure);
    let temp = tempfile::tempdir().expect("temporary folder");
    let work = args
        .keep
        .clone()
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&work).expect("work folder");
    let suite = work.join("bench.yaml");
    std::fs::write(&suite, suite_yaml(args.checks)).expect("suite written");

    let out = work.join("report");
    let measured = run(&assure, &suite, &out, &[]);
    let recorded = recorded_duration(&out);
    let sharded = work.join("shard");
    run(&assure, &suite, &sharded, &["--shard", "1/1"]);
    let merged = work.join("merged");
    let rerender = timed(
        Command::new(&assure)
            .args(["report", "merge"])
            .arg(&sharded)
            .arg("--out")
            .arg(&merged),
    );

    let files = sizes(&out);
    let total: u64 = files.iter().map(|(_, bytes, _)| bytes).sum();
    let html = files
        .iter()
        .find(|(name, _, _)| name == "report.html")
        .map_or(0, |(_, bytes, _)| *bytes);
    println!(
        "report benchmark: {} checks, {}",
        args.checks,
        out.display()
    );
    println!();
    println!("{:<44} {:>14}", "figure", "value");
    println!("{}", "-".repeat(59));
    let row = |name: &str, value: String| println!("{name:<44} {value:>14}");
    row(
        "run wall time (assure run, spawn to exit)",
        secs(measured.0),
    );
    row("checks and data phase (report.json)", secs(recorded));
    row(
        "after the checks: reports written",
        secs(measured.0.saturating_sub(recorded)),
    );
    row("re-render (report merge of a 1/1 shard)", secs(rerender.0));
    row("exit code of the run", measured.1.to_string());
    row("report folder, total", size(total));
    row("report.html", size(html));
    row(
        "HTML bytes per check",
        format!("{}", html / args.checks.max(1) as u64),
    );
    row(
        "report folder bytes per check",
        format!("{}", total / args.checks.max(1) as u64),
    );
    println!();
    println!("{:<44} {:>14} {:>8}", "file or folder", "size", "files");
    println!("{}", "-".repeat(68));
    for (name, bytes, count) in &files {
        println!("{name:<44} {:>14} {count:>8}", size(*bytes));
    }
}

fn parse_args() -> Args {
    let mut args = Args {
        assure: None,
        checks: 1_000,
        keep: None,
    };
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        let mut value = || {
            given
                .next()
                .unwrap_or_else(|| panic!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--assure" => args.assure = Some(PathBuf::from(value())),
            "--checks" => args.checks = value().parse().expect("--checks N"),
            "--keep" => args.keep = Some(PathBuf::from(value())),
            other => panic!("unknown argument {other} (--assure PATH, --checks N, --keep DIR)"),
        }
    }
    args
}

/// Builds `assure` in release mode and returns the binary's path.
fn build_assure() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--release", "-p", "assure"])
        .current_dir(&workspace);
    // What `cargo run` sets for this example would make build scripts run again.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_TARGET_DIR" {
            build.env_remove(&*key);
        }
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "cargo build --release -p assure failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let binary = target.join("release").join("assure");
    assert!(binary.exists(), "no {}", binary.display());
    binary
}

/// Runs the suite against the embedded server into `out`: wall time and exit code.
fn run(assure: &Path, suite: &Path, out: &Path, extra: &[&str]) -> (Duration, i32) {
    let (took, code) = timed(
        Command::new(assure)
            .args(["run", "--no-progress", "--suite"])
            .arg(suite)
            .args(extra)
            .arg("--out")
            .arg(out),
    );
    assert!(
        code == 0 || code == 1,
        "assure run exited {code} (expected 0 or 1)"
    );
    (took, code)
}

/// Runs `command` with its output discarded: wall time and exit code.
fn timed(command: &mut Command) -> (Duration, i32) {
    let start = Instant::now();
    let output = command.output().expect("assure runs");
    let took = start.elapsed();
    let code = output.status.code().unwrap_or(-1);
    if code > 1 {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    }
    (took, code)
}

/// `duration_ms` of the run's report.json: the run up to its verdicts, before the reports.
fn recorded_duration(out: &Path) -> Duration {
    let text = std::fs::read_to_string(out.join("report.json")).expect("report.json");
    let report: serde_json::Value = serde_json::from_str(&text).expect("report.json is JSON");
    Duration::from_millis(report["duration_ms"].as_u64().expect("duration_ms"))
}

/// Each top-level file of the folder, and each top-level folder with every file under it
/// summed: `(name, bytes, files)`, largest first.
fn sizes(folder: &Path) -> Vec<(String, u64, usize)> {
    let mut rows: Vec<(String, u64, usize)> = std::fs::read_dir(folder)
        .expect("report folder")
        .map(|entry| {
            let entry = entry.expect("folder entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let (bytes, files) = walk(&entry.path());
            let suffix = if entry.path().is_dir() { "/" } else { "" };
            (format!("{name}{suffix}"), bytes, files)
        })
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// Bytes and number of files at `path`, folders walked recursively.
fn walk(path: &Path) -> (u64, usize) {
    let metadata = std::fs::symlink_metadata(path).expect("metadata");
    if !metadata.is_dir() {
        return (metadata.len(), 1);
    }
    std::fs::read_dir(path)
        .expect("folder")
        .map(|entry| walk(&entry.expect("folder entry").path()))
        .fold((0, 0), |(bytes, files), (b, f)| (bytes + b, files + f))
}

fn secs(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.2} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

/// A suite of `checks` checks against the reference server's test patient, cycling through
/// ten kinds: reads, searches, the CapabilityStatement, an unknown id, and two `conforms`
/// validations (a read Patient, a search Bundle). Every hundredth check expects a header the
/// server does not send, so that the reports carry failures too.
fn suite_yaml(checks: usize) -> String {
    let mut yaml = String::from(
        "id: report-bench
title: Report benchmark
description: Generated by the report_bench example of assure-devtools.
variables:
  nhs_number: \"9990000018\"
data:
  - name: patient_id
    description: The test patient, found by NHS number
    search: { type: Patient, params: { identifier: \"https://fhir.nhs.uk/Id/nhs-number|{{ nhs_number }}\" } }
    json: \"entry.*.resource.[resourceType=Patient].id\"
    missing: no Patient has the NHS number {{ nhs_number }}
  - name: observation_id
    description: An Observation of the test patient
    search: { type: Observation, params: { patient: \"{{ patient_id }}\" } }
    json: \"entry.*.resource.[resourceType=Observation].id\"
    missing: no Observation for the test patient
tests:
",
    );
    for index in 0..checks {
        let level = ["SHALL", "SHOULD", "MAY"][index % 3];
        let (title, step) = check(index % 10);
        let failing = if index % 100 == 99 {
            "\n          - header: { name: X-Bench-Never-Sent }"
        } else {
            ""
        };
        yaml.push_str(&format!(
            "  - id: BENCH-{index:04}
    title: {title} ({index})
    level: {level}
    tags: [bench]
    requirement: https://hl7.org/fhir/R4/http.html
    steps:
{step}{failing}
"
        ));
    }
    yaml
}

/// The title and the step (its action and expectations, indented) of a kind of check.
fn check(kind: usize) -> (&'static str, &'static str) {
    match kind {
        0 => (
            "Read the test Patient",
            "      - read: { type: Patient, id: \"{{ patient_id }}\" }
        expect:
          - status: 200
          - content_type: application/fhir+json
          - resource_type: Patient
          - json: { path: id, equals: \"{{ patient_id }}\" }",
        ),
        1 => (
            "Search Patients by NHS number",
            "      - search: { type: Patient, params: { identifier: \"https://fhir.nhs.uk/Id/nhs-number|{{ nhs_number }}\" } }
        expect:
          - status: 200
          - bundle_type: searchset
          - entry_count: { min: 1, matches_only: true }",
        ),
        2 => (
            "Read an Observation",
            "      - read: { type: Observation, id: \"{{ observation_id }}\" }
        expect:
          - status: 200
          - resource_type: Observation
          - fhirpath: \"subject.reference.exists()\"",
        ),
        3 => (
            "Search the Observations of the test Patient",
            "      - search: { type: Observation, params: { patient: \"{{ patient_id }}\" } }
        expect:
          - status: 200
          - bundle_type: searchset
          - json: { path: \"entry.*.resource.resourceType\", equals: Observation }",
        ),
        4 => (
            "Read the CapabilityStatement",
            "      - capabilities: {}
        expect:
          - status: 200
          - resource_type: CapabilityStatement
          - fhirpath: \"rest.where(mode = 'server').exists()\"",
        ),
        5 => (
            "The test Patient conforms to R4",
            "      - read: { type: Patient, id: \"{{ patient_id }}\" }
        expect:
          - status: 200
          - conforms: {}",
        ),
        6 => (
            "Search the Conditions of the test Patient",
            "      - search: { type: Condition, params: { patient: \"{{ patient_id }}\" } }
        expect:
          - status: 200
          - bundle_type: searchset",
        ),
        7 => (
            "Reading an unknown id answers 404",
            "      - read: { type: Patient, id: assure-bench-no-such-id }
        expect:
          - status: 404
          - operation_outcome: true",
        ),
        8 => (
            "An Observation search Bundle conforms to R4",
            "      - search: { type: Observation, params: { patient: \"{{ patient_id }}\" } }
        expect:
          - status: 200
          - conforms: {}",
        ),
        _ => (
            "Search Patients by gender",
            "      - search: { type: Patient, params: { gender: female } }
        expect:
          - status: 200
          - entry_count: { min: 1 }
          - no_internals: true",
        ),
    }
}
