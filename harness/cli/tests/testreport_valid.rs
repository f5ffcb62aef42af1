//! `testreport.json` is a valid FHIR R4 resource: a `collection` Bundle of one TestReport per
//! suite, each judged by the project's own validator with the built-in R4 definitions, for a
//! clean run, a run against a server with defects and a run whose target is unreachable.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use assert_cmd::Command;
use assure_model::Format;
use assure_validate::{Options, Severity, Validator, bundled};
use serde_json::Value;

/// Runs `assure run` with `args` into `out` and returns its exit code.
fn run(out: &Path, args: &[&str]) -> i32 {
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args(["run", "--no-progress"])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("runs");
    output.status.code().expect("exit code")
}

/// A 127.0.0.1 URL on which nothing listens.
fn dead_target() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/fhir")
}

/// The error-level issues the validator finds in `out/testreport.json`, as
/// `location: message [rule]`, and the file parsed.
fn errors(validator: &Validator, out: &Path) -> (Vec<String>, Value) {
    let bytes = std::fs::read(out.join("testreport.json")).expect("testreport.json");
    let outcome = validator.validate_bytes(&bytes, Format::Json, &Options::default());
    let errors = outcome
        .issues
        .iter()
        .filter(|issue| issue.severity == Severity::Error)
        .map(|issue| format!("{}: {} [{}]", issue.location, issue.message, issue.rule))
        .collect();
    (errors, serde_json::from_slice(&bytes).expect("JSON"))
}

/// The suite ids of `report.json`, in order.
fn suite_ids(out: &Path) -> Vec<String> {
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
            .expect("JSON");
    report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .map(|suite| suite["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The TestReports of the bundle, checking the bundle's shape on the way.
fn test_reports(bundle: &Value) -> Vec<&Value> {
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| {
            let report = &entry["resource"];
            assert_eq!(report["resourceType"], "TestReport");
            report
        })
        .collect()
}

#[test]
fn every_testreport_is_valid_r4_with_one_testreport_per_suite() {
    let validator = Validator::new(Arc::new(bundled::definitions().expect("R4 definitions")));
    let dir = tempfile::tempdir().expect("temp dir");

    // A clean run of the built-in suites: one TestReport per suite, each passing.
    let clean = dir.path().join("clean");
    assert_eq!(run(&clean, &[]), 0);
    let (found, bundle) = errors(&validator, &clean);
    assert!(found.is_empty(), "clean run:\n{}", found.join("\n"));
    let reports = test_reports(&bundle);
    let suites = suite_ids(&clean);
    assert!(suites.len() > 1, "{suites:?}");
    let identified: Vec<&str> = reports
        .iter()
        .map(|report| report["identifier"]["value"].as_str().expect("suite id"))
        .collect();
    assert_eq!(identified, suites);
    assert!(reports.iter().all(|report| report["status"] == "completed"));
    assert!(reports.iter().all(|report| report["result"] == "pass"));

    // Defects make failures: the suites holding them fail, the others still pass.
    let broken = dir.path().join("broken");
    assert_eq!(
        run(
            &broken,
            &[
                "--defect",
                "bare-404",
                "--defect",
                "nonconformant-patients",
                "--defect",
                "no-location-on-create",
            ]
        ),
        1
    );
    let (found, bundle) = errors(&validator, &broken);
    assert!(found.is_empty(), "run with defects:\n{}", found.join("\n"));
    let reports = test_reports(&bundle);
    assert_eq!(reports.len(), suite_ids(&broken).len());
    let failing: Vec<&Value> = reports
        .iter()
        .copied()
        .filter(|report| report["result"] == "fail")
        .collect();
    assert!(!failing.is_empty() && failing.len() < reports.len());
    let read = failing
        .iter()
        .find(|report| report["identifier"]["value"] == "core-read")
        .expect("the read suite fails");
    assert!(read["score"].as_f64().expect("score") < 100.0);

    // An unreachable target stops the run before any suite: one stopped TestReport.
    let dead = dir.path().join("dead");
    assert_eq!(
        run(&dead, &["--retries", "0", "--target", &dead_target()]),
        3
    );
    let (found, bundle) = errors(&validator, &dead);
    assert!(found.is_empty(), "aborted run:\n{}", found.join("\n"));
    let reports = test_reports(&bundle);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["status"], "stopped");
    assert_eq!(reports[0]["result"], "fail");
    assert!(
        reports[0]["testScript"]["display"]
            .as_str()
            .expect("display")
            .contains("unreachable")
    );
}
