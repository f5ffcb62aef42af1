//! Every defect of the reference server makes exactly the checks written against it fail.
//!
//! Each test starts the reference server with one defect switched on, runs the `assure` binary
//! against it with `--target`, and compares the failing checks in `report.json` with the ones
//! the defect is meant to break. Every other check must pass, or be skipped because a check it
//! needs failed.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use assure_reference::{Defect, ServerOptions, start};
use serde_json::Value;

/// The generated search checks (`search-generated.yaml`) skipped on the reference server: its
/// `gender` codes carry no system to search `system|code` by.
const GENERATED_SKIPS: &[&str] = &[
    "SRCH-Patient-gender-system",
    "SRCH-Practitioner-gender-system",
];

/// The generated search checks each defect fails (none for a defect not listed); `*` is every
/// generated check that is not skipped.
const GENERATED_FAILURES: &[(&str, &[&str])] = &[
    ("missing-bundle-type", &["*"]),
    (
        "search-ignores-gender",
        &[
            "SRCH-Patient-gender",
            "SRCH-Practitioner-gender",
            "SRCH-Patient-name+gender",
            "SRCH-Patient-family+gender",
        ],
    ),
];

/// Whether `id` is a generated search check.
fn generated(id: &str) -> bool {
    id.starts_with("SRCH-")
}

/// Runs the built-in checklist against the reference server with `defects` on.
fn run_against(defects: &[Defect], out: &Path) -> Output {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime
        .block_on(start(ServerOptions {
            defects: defects.to_vec(),
            ..ServerOptions::default()
        }))
        .expect("reference server starts");
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args([
            "run",
            "--no-progress",
            "--target",
            &server.base_url(),
            "--out",
        ])
        .arg(out)
        .output()
        .expect("assure runs");
    runtime.block_on(server.shutdown()).expect("server stops");
    output
}

/// Test ids by status, from a report.json.
fn statuses(out: &Path) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
            .expect("report.json is JSON");
    let (mut failed, mut skipped, mut other) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for test in report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|s| s["tests"].as_array().expect("tests").iter())
    {
        let id = test["id"].as_str().expect("id").to_string();
        match test["status"].as_str().expect("status") {
            "fail" => failed.insert(id),
            "skip" => skipped.insert(id),
            "pass" => false,
            _ => other.insert(id),
        };
    }
    (failed, skipped, other)
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Asserts that `defect` fails exactly `failing`, skips exactly `skipped`, and gates the run.
fn assert_defect_breaks(defect: &str, failing: &[&str], skipped: &[&str]) {
    let defect: Defect = defect.parse().expect("a known defect");
    let out = tempfile::tempdir().expect("temp dir");
    let output = run_against(&[defect], out.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (failed, was_skipped, errored) = statuses(out.path());
    let (generated_failed, failed): (BTreeSet<String>, BTreeSet<String>) =
        failed.into_iter().partition(|id| generated(id));
    let expected_generated = GENERATED_FAILURES
        .iter()
        .find(|(name, _)| *name == defect.name())
        .map_or(&[][..], |(_, ids)| *ids);
    if expected_generated == ["*"] {
        assert!(
            generated_failed.len() > 60,
            "every generated check fails with {defect}: only {generated_failed:?}"
        );
    } else {
        assert_eq!(
            generated_failed,
            ids(expected_generated),
            "failing generated checks with {defect}\n{stdout}"
        );
    }
    let skipped: Vec<&str> = skipped.iter().chain(GENERATED_SKIPS).copied().collect();
    let skipped = &skipped[..];
    assert_eq!(
        failed,
        ids(failing),
        "failing checks with {defect}\n{stdout}"
    );
    assert_eq!(
        was_skipped,
        ids(skipped),
        "skipped checks with {defect}\n{stdout}"
    );
    assert!(errored.is_empty(), "errors with {defect}: {errored:?}");
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit code with {defect}\n{stdout}"
    );
    for id in failing {
        assert!(stdout.contains(id), "the summary names {id}\n{stdout}");
    }
}

#[test]
fn the_clean_reference_server_passes_every_check() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = run_against(&[], out.path());
    let (failed, skipped, errored) = statuses(out.path());
    assert!(
        failed.is_empty() && skipped == ids(GENERATED_SKIPS) && errored.is_empty(),
        "failed {failed:?} skipped {skipped:?} errored {errored:?}"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn every_defect_has_a_test_here() {
    let source = include_str!("defects.rs");
    for defect in Defect::all() {
        assert!(
            source.contains(&format!("\"{}\"", defect.name())),
            "no test switches on {}",
            defect.name()
        );
    }
}

#[test]
fn wrong_content_type() {
    assert_defect_breaks(
        "wrong-content-type",
        &["CORE-CAP-01", "CORE-FMT-01", "CORE-FMT-02", "CORE-FMT-03"],
        &["CORE-CAP-06"],
    );
}

#[test]
fn missing_bundle_type() {
    assert_defect_breaks(
        "missing-bundle-type",
        &[
            "CORE-CAP-06",
            "CORE-HIST-01",
            "CORE-PROF-SEARCHSET",
            "CORE-SRCH-ALLERGY-PATIENT",
            "CORE-SRCH-COND-PATIENT",
            "CORE-SRCH-ENC-PATIENT",
            "CORE-SRCH-MEDREQ-PATIENT",
            "CORE-SRCH-OBS-PATIENT",
            "CORE-SRCH-PAGE-01",
            "CORE-SRCH-PAT-BIRTHDATE",
            "CORE-SRCH-PAT-FAMILY",
            "CORE-SRCH-PAT-FAMILY-GENDER",
            "CORE-SRCH-PAT-GENDER",
            "CORE-SRCH-PAT-GIVEN",
            "CORE-SRCH-PAT-GIVEN-GENDER",
            "CORE-SRCH-PAT-ID",
            "CORE-SRCH-PAT-IDENT",
            "CORE-SRCH-PAT-NAME",
            "CORE-SRCH-PAT-NAME-BIRTHDATE",
            "CORE-SRCH-PAT-NAME-GENDER",
            "CORE-SRCH-PAT-NHS",
            "CORE-SRCH-PAT-POST",
        ],
        &[],
    );
}

#[test]
fn bare_404() {
    assert_defect_breaks("bare-404", &["CORE-READ-404"], &[]);
}

#[test]
fn search_ignores_gender() {
    assert_defect_breaks(
        "search-ignores-gender",
        &[
            "CORE-SRCH-PAT-FAMILY-GENDER",
            "CORE-SRCH-PAT-GENDER",
            "CORE-SRCH-PAT-NAME-GENDER",
        ],
        &[],
    );
}

#[test]
fn capability_lies() {
    assert_defect_breaks("capability-lies", &["CORE-CAP-06"], &[]);
}

#[test]
fn no_location_on_create() {
    assert_defect_breaks(
        "no-location-on-create",
        &["CORE-CREATE-01", "CORE-DELETE-01"],
        &[
            "CORE-CREATE-02",
            "CORE-HIST-01",
            "CORE-UPDATE-01",
            "CORE-VREAD-02",
        ],
    );
}

#[test]
fn update_keeps_version() {
    assert_defect_breaks(
        "update-keeps-version",
        &["CORE-HIST-01", "CORE-VREAD-02"],
        &[],
    );
}

#[test]
fn delete_not_effective() {
    assert_defect_breaks("delete-not-effective", &["CORE-DELETE-01"], &[]);
}

#[test]
fn no_next_link() {
    assert_defect_breaks("no-next-link", &["CORE-SRCH-PAGE-01"], &[]);
}

#[test]
fn ignores_format() {
    assert_defect_breaks("ignores-format", &["CORE-FMT-02"], &[]);
}

#[test]
fn nonconformant_patients() {
    assert_defect_breaks(
        "nonconformant-patients",
        &["CORE-PROF-PAT", "CORE-PROF-SEARCHSET"],
        &[],
    );
}
