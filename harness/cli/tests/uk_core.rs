//! The UK Core checklist (`suites/uk-core`) against the reference server, with UK Core loaded
//! from its published source folder (`../shared/ukcore`): clean, every check passes; each UK
//! Core defect makes its check fail, and nothing else.
//!
//! Without the shared folder the tests skip with a one-line reason, except under `CI=true`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use assure_reference::{Defect, ServerOptions, start};
use serde_json::Value;

/// The UK Core source folder, or `None` (and why) when it is absent outside CI.
fn ukcore() -> Option<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ukcore");
    if folder.is_dir() {
        return Some(folder);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "test data missing under CI: {}",
        folder.display()
    );
    println!("skipped: {} not found", folder.display());
    None
}

fn suites() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../suites/uk-core")
}

/// Runs the UK Core checklist against the reference server with `defects` on, with the core
/// CapabilityStatement checks, whose evidence gives `conformance.json` the statement whole.
fn run_against(defects: &[Defect], ukcore: &Path, out: &Path) -> Output {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime
        .block_on(start(ServerOptions {
            defects: defects.to_vec(),
            ..ServerOptions::default()
        }))
        .expect("reference server starts");
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args(["run", "--fail-on", "should", "--target", &server.base_url()])
        .arg("--suite")
        .arg(suites())
        .arg("--suite")
        .arg(suites().join("../core/capabilities.yaml"))
        .arg("--package")
        .arg(ukcore)
        .arg("--out")
        .arg(out)
        .output()
        .expect("assure runs");
    runtime.block_on(server.shutdown()).expect("server stops");
    output
}

/// Every test's status and message, by id.
type Results = BTreeMap<String, (String, String)>;

/// The [`Results`] of the run reported in `out`.
fn results(out: &Path) -> Results {
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
            .expect("report.json is JSON");
    report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|s| s["tests"].as_array().expect("tests").iter())
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_owned(),
                (
                    t["status"].as_str().unwrap().to_owned(),
                    t["message"].as_str().unwrap_or_default().to_owned(),
                ),
            )
        })
        .collect()
}

fn with_status<'a>(results: &'a BTreeMap<String, (String, String)>, status: &str) -> Vec<&'a str> {
    results
        .iter()
        .filter(|(_, (s, _))| s == status)
        .map(|(id, _)| id.as_str())
        .collect()
}

/// The profiles the reference server claims, as the generated id part.
const CLAIMED: [&str; 8] = [
    "AllergyIntolerance",
    "Condition",
    "Encounter",
    "MedicationRequest",
    "Observation",
    "Organization",
    "Patient",
    "Practitioner",
];

#[test]
fn the_clean_reference_server_passes_the_uk_core_checklist() {
    let Some(ukcore) = ukcore() else { return };
    let out = tempfile::tempdir().unwrap();
    let output = run_against(&[], &ukcore, out.path());
    let results = results(out.path());
    // UK Core Organization and Practitioner flag no reference element mustSupport.
    let nothing_to_resolve = [
        "UKCORE-Organization-REFERENCES",
        "UKCORE-Practitioner-REFERENCES",
    ];
    for id in nothing_to_resolve {
        assert_eq!(results[id].0, "skip", "{id}");
        assert!(
            results[id]
                .1
                .starts_with("no reference in a must-support element"),
            "{id}"
        );
    }
    let not_passed: Vec<_> = results
        .iter()
        .filter(|(id, (s, _))| s != "pass" && !nothing_to_resolve.contains(&id.as_str()))
        .collect();
    assert!(not_passed.is_empty(), "{not_passed:#?}");
    for name in CLAIMED {
        for check in ["INSTANCES", "CONFORMS", "MUST-SUPPORT", "REFERENCES"] {
            let id = format!("UKCORE-{name}-{check}");
            assert!(results.contains_key(&id), "{id} is generated");
        }
    }
    for id in [
        "UKCORE-SRCH-Patient-family",
        "UKCORE-SRCH-Patient-name+gender",
    ] {
        assert_eq!(results[id].0, "pass", "{id}");
    }
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        profile_verdict(&conformance(out.path()), "Patient", UKCORE_PATIENT),
        "proven"
    );
}

/// Runs with `defect` and asserts exactly `failing` fail; returns the results and the
/// verified conformance statement.
fn assert_defect_fails(defect: &str, failing: &[&str]) -> Option<(Results, Value)> {
    let ukcore = ukcore()?;
    let out = tempfile::tempdir().unwrap();
    let parsed: Defect = defect.parse().expect("a known defect");
    let output = run_against(&[parsed], &ukcore, out.path());
    let results = results(out.path());
    assert_eq!(
        with_status(&results, "fail"),
        failing,
        "{defect}: {results:#?}"
    );
    assert!(
        with_status(&results, "error").is_empty(),
        "{defect}: {results:#?}"
    );
    assert_eq!(output.status.code(), Some(1), "{defect}");
    Some((results, conformance(out.path())))
}

fn conformance(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("conformance.json")).unwrap()).unwrap()
}

/// The verdict `conformance.json` gives the claimed profile `url` of `resource_type`.
fn profile_verdict(conformance: &Value, resource_type: &str, url: &str) -> String {
    let resource = conformance["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource_type"] == resource_type)
        .unwrap();
    let profile = resource["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["url"] == url)
        .unwrap_or_else(|| panic!("{url} is claimed: {resource}"));
    profile["status"].as_str().unwrap().to_owned()
}

const UKCORE_PATIENT: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";

#[test]
fn a_bad_nhs_number_check_digit_fails_conformance() {
    let Some((results, _)) = assert_defect_fails(
        "ukcore-nhs-number-check-digit",
        &["UKCORE-Patient-CONFORMS"],
    ) else {
        return;
    };
    let message = &results["UKCORE-Patient-CONFORMS"].1;
    assert!(
        message.contains("nhs-number") || message.contains("check digit"),
        "{message}"
    );
}

#[test]
fn a_must_support_element_never_populated_fails() {
    let Some((results, _)) = assert_defect_fails(
        "ukcore-must-support-missing",
        &["UKCORE-Patient-MUST-SUPPORT"],
    ) else {
        return;
    };
    let message = &results["UKCORE-Patient-MUST-SUPPORT"].1;
    assert!(message.contains("Patient.telecom"), "{message}");
    assert!(message.contains("never populated in the"), "{message}");
}

#[test]
fn a_profile_claimed_but_not_met_fails_conformance() {
    let Some((results, conformance)) =
        assert_defect_fails("ukcore-profile-not-met", &["UKCORE-Patient-CONFORMS"])
    else {
        return;
    };
    assert_eq!(
        profile_verdict(&conformance, "Patient", UKCORE_PATIENT),
        "failed"
    );
    let annotated = &conformance["statement"]["rest"][0]["resource"];
    let patient = annotated
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "Patient")
        .unwrap();
    assert!(
        patient["_supportedProfile"]
            .to_string()
            .contains("\"failed\""),
        "{patient}"
    );
    assert!(
        results["UKCORE-Patient-CONFORMS"]
            .1
            .contains("do not conform")
    );
}

#[test]
fn a_claimed_profile_without_instances_fails_once() {
    let Some((results, _)) =
        assert_defect_fails("ukcore-no-instances", &["UKCORE-Practitioner-INSTANCES"])
    else {
        return;
    };
    let message = &results["UKCORE-Practitioner-INSTANCES"].1;
    assert!(message.starts_with("no instance of"), "{message}");
    assert!(message.contains("supportedProfile"), "{message}");
    // The checks that need instances are skipped, not failed.
    assert_eq!(results["UKCORE-Practitioner-CONFORMS"].0, "skip");
}

#[test]
fn a_dangling_must_support_reference_fails() {
    let Some((results, _)) =
        assert_defect_fails("ukcore-dangling-reference", &["UKCORE-Patient-REFERENCES"])
    else {
        return;
    };
    let message = &results["UKCORE-Patient-REFERENCES"].1;
    assert!(message.contains("do not resolve"), "{message}");
}

#[test]
fn a_claimed_profile_nothing_carries_fails_its_instances_check() {
    let Some((results, _)) = assert_defect_fails(
        "ukcore-claims-unserved-profile",
        &["UKCORE-Observation-Lab-INSTANCES"],
    ) else {
        return;
    };
    assert_eq!(results["UKCORE-Observation-Lab-MUST-SUPPORT"].0, "skip");
}

#[test]
fn the_care_connect_patient_searches_fail_when_results_do_not_match() {
    let Some(ukcore) = ukcore() else { return };
    let out = tempfile::tempdir().unwrap();
    let defect: Defect = "search-adds-non-match".parse().unwrap();
    let output = run_against(&[defect], &ukcore, out.path());
    let results = results(out.path());
    let searches: Vec<&String> = results
        .keys()
        .filter(|id| id.starts_with("UKCORE-SRCH-"))
        .collect();
    // Six SHALL parameters, the MAY ones the server claims, and four combinations.
    assert!(searches.len() >= 10, "{searches:?}");
    for id in searches {
        let (status, message) = &results[id];
        assert_eq!(status, "fail", "{id}: {message}");
        assert!(message.starts_with("precision: "), "{id}: {message}");
    }
    assert_eq!(output.status.code(), Some(1));
}
