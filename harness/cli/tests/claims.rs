//! The claims table end to end: the `assure` binary against the embedded reference server,
//! whose CapabilityStatement claims what the suites then prove (or, with a defect, disprove).

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// `assure run` with `args`; the report it wrote.
fn run(out: &Path, args: &[&str]) -> Value {
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args(["run", "--no-progress", "--out"])
        .arg(out)
        .args(args)
        .output()
        .expect("assure runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("\nclaims: "),
        "the summary counts claims:\n{stdout}"
    );
    serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
        .expect("report.json is JSON")
}

/// The claim of `resource_type` with `kind` and `code`.
fn claim<'a>(report: &'a Value, resource_type: &str, kind: &str, code: &str) -> &'a Value {
    report["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .find(|c| c["resource_type"] == resource_type && c["kind"] == kind && c["code"] == code)
        .unwrap_or_else(|| panic!("no claim {resource_type} {kind} {code}"))
}

fn tests(claim: &Value) -> Vec<&str> {
    claim["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect()
}

#[test]
fn the_reference_server_proves_its_patient_claims() {
    let out = tempfile::tempdir().unwrap();
    let report = run(out.path(), &[]);
    let read = claim(&report, "Patient", "interaction", "read");
    assert_eq!(read["status"], "proven", "{read}");
    assert!(tests(read).contains(&"CORE-READ-PAT"), "{read}");
    let family = claim(&report, "Patient", "search-param", "family");
    assert_eq!(family["status"], "proven", "{family}");
    assert!(tests(family).contains(&"SRCH-Patient-family"), "{family}");
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(html.contains("<section id=\"claims\">"));
}

#[test]
fn a_search_that_ignores_gender_fails_the_gender_claim() {
    let out = tempfile::tempdir().unwrap();
    let report = run(out.path(), &["--defect", "search-ignores-gender"]);
    let gender = claim(&report, "Patient", "search-param", "gender");
    assert_eq!(gender["status"], "failed", "{gender}");
    assert!(tests(gender).contains(&"SRCH-Patient-gender"), "{gender}");
    let read = claim(&report, "Patient", "interaction", "read");
    assert_eq!(read["status"], "proven", "{read}");
}
