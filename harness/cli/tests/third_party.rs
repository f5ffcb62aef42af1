//! The default checklist against a real third-party FHIR server that nobody here wrote:
//! sekmet-fhir, started by `.ci/run` with the UK test data set of
//! `fixtures/third-party/uk-test-data.json` loaded, its base URL in `ASSURE_THIRD_PARTY_URL`.
//! Only the test patient's NHS number is supplied; everything else is discovered.
//!
//! The checks that fail are pinned: each is triaged in `docs/findings/sekmet-fhir.md` with the
//! exchange and the rule of the specification it breaks. A new failure is either a harness bug
//! (a false failure, to fix) or a finding (to triage, then pin here).

use std::collections::BTreeSet;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/report_files.rs"]
mod report_files;
use report_files::report_files;

/// The test patient of the data set (Harriet Walsh).
const NHS_NUMBER: &str = "9991001018";

/// The checks sekmet-fhir 0.1.1 fails, each a finding in `docs/findings/sekmet-fhir.md`.
const FAILING: &[&str] = &[
    "CORE-SRCH-MODIFIER-01",
    "SEC-HDR-NOSNIFF",
    "SRCH-Observation-value-quantity-ge",
    "SRCH-Observation-value-quantity-le",
];

/// The security checks sekmet-fhir 0.1.1 fails in its SMART mode, each a finding in
/// `docs/findings/sekmet-fhir.md`.
const SMART_FAILING: &[&str] = &[
    "SEC-AUTHN-INVALID-401",
    "SEC-HDR-NOSNIFF",
    "SEC-SMART-PRAGMA",
];

/// The security checks that cannot be assessed on it: it is served over plain HTTP in CI (no
/// TLS, no mutual TLS), has no private-key client or trusted issuer configured (no minted
/// tokens), and is no NHS service.
const SMART_SKIPPED: &[&str] = &[
    "SEC-AUTHN-AUDIENCE",
    "SEC-AUTHN-EXPIRED",
    "SEC-AUTHN-ISSUER",
    "SEC-AUTHN-MINTED-VALID",
    "SEC-AUTHN-NOT-YET-VALID",
    "SEC-AUTHZ-PATIENT",
    "SEC-MTLS-NO-CERT",
    "SEC-MTLS-OTHER-CA",
    "SEC-NHS-CLAIMS",
    "SEC-NHS-LIFETIME",
    "SEC-NHS-VALID",
    "SEC-SMART-EXPIRED-ASSERTION",
    "SEC-SMART-JWT",
    "SEC-SMART-REUSED-ASSERTION",
    "SEC-TLS-10",
    "SEC-TLS-11",
    "SEC-TLS-12",
    "SEC-TLS-CERT-DATE",
    "SEC-TLS-CERT-HOST",
    "SEC-TLS-CERT-KEY",
    "SEC-TLS-CERT-TRUST",
    "SEC-TLS-CIPHER-DISCOURAGED",
    "SEC-TLS-CIPHER-FORBIDDEN",
    "SEC-TLS-HSTS",
    "SEC-TLS-PLAIN-HTTP",
    "SEC-TLS-SSL3",
];

/// The value of the environment variable `name` that `.ci/run` sets, or why there is none.
fn from_ci(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Some(value),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{name} is not set under CI: .ci/run starts the server"
            );
            println!("skipped: no third-party server ({name} unset; .ci/run starts one)");
            None
        }
    }
}

/// The base URL of the running third-party server, or why there is none.
fn target() -> Option<String> {
    from_ci("ASSURE_THIRD_PARTY_URL")
}

/// Test ids by status (failed, skipped, errored) and the number passed, from a report.json.
fn statuses(report: &Value) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>, usize) {
    let (mut failed, mut skipped, mut errored, mut passed) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new(), 0);
    for test in report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|suite| suite["tests"].as_array().expect("tests"))
    {
        let id = test["id"].as_str().expect("id").to_owned();
        match test["status"].as_str().expect("status") {
            "fail" => {
                failed.insert(id);
            }
            "skip" => {
                skipped.insert(id);
            }
            "error" => {
                errored.insert(id);
            }
            _ => passed += 1,
        }
    }
    (failed, skipped, errored, passed)
}

#[test]
fn the_default_checklist_against_sekmet_fails_only_the_triaged_checks() {
    let Some(base) = target() else {
        return;
    };
    let out = tempfile::tempdir().expect("temp dir");
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args(["run", "--no-progress", "--target", &base])
        .args(["--var", &format!("nhs_number={NHS_NUMBER}")])
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("assure runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).expect("report"))
            .expect("report.json is JSON");

    let data = report["data"].as_array().expect("data table");
    let patient = data
        .iter()
        .find(|item| item["name"] == "patient_id")
        .expect("patient_id item");
    assert_eq!(patient["value"], "tp-harriet-walsh", "{stdout}");
    for item in data {
        assert_eq!(item["status"], "found", "every data item is found: {item}");
    }

    let (failed, _, errored, passed) = statuses(&report);
    let pinned: BTreeSet<String> = FAILING.iter().map(|id| id.to_string()).collect();
    assert_eq!(
        failed, pinned,
        "failing checks against sekmet-fhir\n{stdout}"
    );
    assert!(errored.is_empty(), "errors: {errored:?}\n{stdout}");
    assert!(passed > 250, "only {passed} checks passed\n{stdout}");
    // It claims no UK Core profile: the UK checklist says so, check by check, and judges none.
    let uk_core: Vec<&Value> = report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|suite| suite["tests"].as_array().expect("tests"))
        .filter(|test| {
            test["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("UKCORE-"))
        })
        .collect();
    assert!(!uk_core.is_empty(), "the UK Core checklist runs by default");
    for test in uk_core {
        let message = test["message"].as_str().unwrap_or_default();
        assert_eq!(test["status"], "skip", "{test}");
        assert!(
            message.contains("claims no profile under https://fhir.hl7.org.uk/StructureDefinition/UKCore-")
                || message.contains("applies to servers claiming https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"),
            "{message}"
        );
    }
    assert_eq!(
        output.status.code(),
        Some(1),
        "a SHALL failure gates the run"
    );
}

/// The security checklist against sekmet-fhir in its SMART mode, as a supplier would run it:
/// the client's id and secret in the environment, nothing else.
#[test]
fn the_security_checklist_against_sekmet_in_smart_mode_fails_only_the_triaged_checks() {
    let (Some(base), Some(state)) = (
        from_ci("ASSURE_THIRD_PARTY_SMART_URL"),
        from_ci("ASSURE_THIRD_PARTY_SMART_STATE"),
    ) else {
        return;
    };
    let read = |name: &str| {
        std::fs::read_to_string(std::path::Path::new(&state).join(name))
            .expect("the SMART client's credentials")
            .trim()
            .to_string()
    };
    let secret = read("client_secret");
    let out = tempfile::tempdir().expect("temp dir");
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args([
            "run",
            "--no-progress",
            "--tag",
            "security",
            "--target",
            &base,
        ])
        .args(["--var", &format!("nhs_number={NHS_NUMBER}")])
        .env("ASSURE_CLIENT_ID", read("client_id"))
        .env("ASSURE_CLIENT_SECRET", &secret)
        .env("ASSURE_SCOPE", "system/*.read system/*.write")
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("assure runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).expect("report"))
            .expect("report.json is JSON");
    let (failed, skipped, errored, passed) = statuses(&report);
    let ids = |list: &[&str]| {
        list.iter()
            .map(|id| id.to_string())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(failed, ids(SMART_FAILING), "failing checks\n{stdout}");
    assert_eq!(skipped, ids(SMART_SKIPPED), "skipped checks\n{stdout}");
    assert!(errored.is_empty(), "errors: {errored:?}\n{stdout}");
    assert!(passed >= 20, "only {passed} checks passed\n{stdout}");
    for path in report_files(out.path()) {
        let text = std::fs::read_to_string(path).expect("report");
        assert!(!text.contains(&secret), "the client secret leaked");
    }
}
