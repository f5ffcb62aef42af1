//! The data phase end to end: the `assure` binary against the embedded reference server, with
//! only the test patient's NHS number supplied (or nothing).

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

fn assure() -> Command {
    Command::cargo_bin("assure").expect("assure binary")
}

/// `assure run` with `args`, reports in `out`.
fn run(out: &Path, args: &[&str]) -> Output {
    assure()
        .args(["run", "--no-progress", "--out"])
        .arg(out)
        .args(args)
        .output()
        .expect("assure runs")
}

fn report(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
        .expect("report.json is JSON")
}

/// The data item `name` of a report.
fn item<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|item| item["name"] == name)
        .unwrap_or_else(|| panic!("no data item {name}"))
}

/// Every test of a report as (id, status, message).
/// The written checks of a report (generated checks, which take their values from any
/// resource on the server and not from the data items, are left out) with status and message.
fn tests(report: &Value) -> Vec<(String, String, String)> {
    report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|suite| suite["tests"].as_array().expect("tests"))
        .filter(|test| {
            !test["tags"]
                .as_array()
                .expect("tags")
                .contains(&Value::from("generated"))
        })
        .map(|test| {
            (
                test["id"].as_str().unwrap().to_string(),
                test["status"].as_str().unwrap().to_string(),
                test["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_default_run_discovers_the_reference_patient_and_records_how() {
    let out = tempfile::tempdir().unwrap();
    let output = run(out.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    let report = report(out.path());
    let patient = item(&report, "patient_id");
    assert_eq!(patient["status"], "found");
    assert_eq!(patient["value"], "amelia-jones");
    let request = &patient["exchanges"][0];
    assert_eq!(request["request"]["method"], "GET");
    assert!(
        request["request"]["url"].as_str().unwrap().ends_with(
            "/Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9990000018"
        )
    );
    assert_eq!(request["response"]["status"], 200);
    assert_eq!(item(&report, "family")["value"], "Jones");
    assert_eq!(
        item(&report, "organization_id")["value"],
        "riverside-medical-centre"
    );
    let practitioner = item(&report, "practitioner_id");
    assert_eq!(practitioner["status"], "found");
    assert_eq!(
        practitioner["exchanges"].as_array().unwrap().len(),
        2,
        "the patient names no GP Practitioner, so any Practitioner is searched for"
    );
    assert_eq!(report["data"].as_array().unwrap().len(), 13);
    assert!(tests(&report).iter().all(|(_, status, _)| status == "pass"));
    assert!(text(&output.stdout).contains("data: 13 found\n"));
}

#[test]
fn another_nhs_number_runs_every_check_against_that_patient() {
    let out = tempfile::tempdir().unwrap();
    // Gareth Jones has every kind of clinical record but an AllergyIntolerance.
    let output = run(out.path(), &["--var", "nhs_number=9990000026"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let report = report(out.path());
    assert_eq!(item(&report, "patient_id")["value"], "gareth-jones");
    assert_eq!(
        item(&report, "condition_id")["value"],
        "cond-gareth-hypertension"
    );
    assert_eq!(
        item(&report, "encounter_id")["value"],
        "enc-gareth-2024-03-11"
    );
    assert_eq!(item(&report, "given")["value"], "Gareth");
    let allergy = item(&report, "allergy_id");
    assert_eq!(allergy["status"], "missing");
    assert_eq!(
        allergy["message"],
        "no AllergyIntolerance for the test patient"
    );
    let reason = "data item `allergy_id` is missing: no AllergyIntolerance for the test patient";
    for (id, status, message) in tests(&report) {
        if id.contains("ALLERGY") {
            assert_eq!(
                (status.as_str(), message.as_str()),
                ("skip", reason),
                "{id}"
            );
        } else {
            assert_eq!(status, "pass", "{id}: {message}");
        }
    }
    assert!(stdout.contains(
        "data: 12 found, 1 missing (allergy_id: no AllergyIntolerance for the test patient)"
    ));
    // The three allergy checks, and the eight UK Core conformance checks (UK Core is not
    // loaded: no `--package`).
    assert!(
        stdout.contains("Not assessed: 11 SHALL tests skipped"),
        "{stdout}"
    );
}

#[test]
fn an_unknown_patient_skips_its_checks_and_only_require_complete_fails_the_run() {
    let out = tempfile::tempdir().unwrap();
    let output = run(out.path(), &["--var", "nhs_number=9990000999"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    let report = report(out.path());
    let patient = item(&report, "patient_id");
    assert_eq!(patient["status"], "missing");
    assert_eq!(
        patient["message"],
        "no Patient has the NHS number 9990000999"
    );
    assert_eq!(item(&report, "family")["status"], "missing");
    let statuses = tests(&report);
    assert!(statuses.iter().all(|(_, status, _)| status != "fail"));
    let read = statuses
        .iter()
        .find(|(id, _, _)| id == "CORE-READ-PAT")
        .unwrap();
    assert_eq!(read.1, "skip");
    assert_eq!(
        read.2,
        "data item `patient_id` is missing: no Patient has the NHS number 9990000999"
    );
    let family = statuses
        .iter()
        .find(|(id, _, _)| id == "CORE-SRCH-PAT-FAMILY")
        .unwrap();
    assert!(
        family
            .2
            .contains("no Patient has the NHS number 9990000999"),
        "{family:?}"
    );
    let capabilities = statuses
        .iter()
        .find(|(id, _, _)| id == "CORE-CAP-01")
        .unwrap();
    assert_eq!(
        capabilities.1, "pass",
        "checks that read no test data still run"
    );

    let output = run(
        out.path(),
        &["--var", "nhs_number=9990000999", "--require-complete"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
}

#[test]
fn a_supplied_patient_id_is_not_looked_for() {
    let out = tempfile::tempdir().unwrap();
    let output = run(out.path(), &["--var", "patient_id=gareth-jones"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    let report = report(out.path());
    let patient = item(&report, "patient_id");
    assert_eq!(patient["status"], "supplied");
    assert_eq!(patient["value"], "gareth-jones");
    assert!(patient["exchanges"].as_array().unwrap().is_empty());
    assert_eq!(item(&report, "patient_nhs_number")["value"], "9990000026");
}

#[test]
fn a_misspelt_var_is_a_usage_error_with_a_suggestion() {
    let output = assure()
        .args(["run", "--var", "nhs_numbr=9990000026"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("unknown variable `nhs_numbr`: did you mean `nhs_number`?"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn list_vars_names_defaults_sources_and_readers() {
    let output = assure().args(["list", "--vars"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("nhs_number  default: 9990000018\n    used by: data patient_id\n"));
    assert!(stdout.contains(
        "allergy_id  discovered from: search AllergyIntolerance?patient={{ patient_id }}\n"
    ));
    assert!(
        stdout
            .contains("used by: CORE-PROF-ALLERGY, CORE-READ-ALLERGY, CORE-SRCH-ALLERGY-PATIENT\n")
    );

    let output = assure()
        .args(["list", "--vars", "--format", "json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let family = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "family")
        .expect("family");
    assert_eq!(family["kind"], "data");
    assert_eq!(family["default"], Value::Null);
    assert_eq!(
        family["discovered_from"][0],
        "read Patient/{{ patient_id }}"
    );
    assert!(
        family["used_by"]
            .as_array()
            .unwrap()
            .contains(&Value::from("CORE-SRCH-PAT-FAMILY"))
    );
}
