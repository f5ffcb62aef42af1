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

mod support;
use support::SECURITY_SKIPS;

/// The generated search checks (`search-generated.yaml`) skipped on the reference server, with
/// the reason: no value of that form to search by.
const GENERATED_SKIPS: &[&str] = &[
    // Its codes carry no system (or are codes and ContactPoints, whose system is not a code
    // system), so there is no `system|code` to send.
    "SRCH-Encounter-status-system",
    "SRCH-MedicationRequest-intent-system",
    "SRCH-MedicationRequest-status-system",
    "SRCH-Observation-status-system",
    "SRCH-Patient-gender-system",
    "SRCH-Patient-telecom-system",
    "SRCH-Practitioner-gender-system",
    // Every coding and identifier it has carries a system, so there is no `|code` to send;
    // codes and ContactPoints are not sent as `|code`.
    "SRCH-AllergyIntolerance-clinical-status-no-system",
    "SRCH-AllergyIntolerance-code-no-system",
    "SRCH-Condition-clinical-status-no-system",
    "SRCH-Condition-code-no-system",
    "SRCH-Encounter-class-no-system",
    "SRCH-Encounter-status-no-system",
    "SRCH-MedicationRequest-code-no-system",
    "SRCH-MedicationRequest-intent-no-system",
    "SRCH-MedicationRequest-status-no-system",
    "SRCH-Observation-category-no-system",
    "SRCH-Observation-code-no-system",
    "SRCH-Observation-status-no-system",
    "SRCH-Organization-identifier-no-system",
    "SRCH-Patient-gender-no-system",
    "SRCH-Patient-identifier-no-system",
    "SRCH-Patient-telecom-no-system",
    "SRCH-Practitioner-gender-no-system",
    "SRCH-Practitioner-identifier-no-system",
    // Codes and ContactPoints have no code system of their own to send as `system|`.
    "SRCH-Encounter-status-system-only",
    "SRCH-MedicationRequest-intent-system-only",
    "SRCH-MedicationRequest-status-system-only",
    "SRCH-Observation-status-system-only",
    "SRCH-Patient-gender-system-only",
    "SRCH-Patient-telecom-system-only",
    "SRCH-Practitioner-gender-system-only",
    // Its Encounters' periods have different starts and ends, which `eq` would have to cover
    // (and `ne` and the repeated plain value are made from `eq`).
    "SRCH-Encounter-date",
    "SRCH-Encounter-date-and",
    "SRCH-Encounter-date-ne",
    // Codes and ContactPoints have no text or display to send as `:text`.
    "SRCH-Encounter-status-text",
    "SRCH-MedicationRequest-intent-text",
    "SRCH-MedicationRequest-status-text",
    "SRCH-Observation-status-text",
    "SRCH-Patient-gender-text",
    "SRCH-Patient-telecom-text",
    "SRCH-Practitioner-gender-text",
];

/// The generated search checks each defect fails (none for a defect not listed). `*` is every
/// generated check that is not skipped, less the ones listed after it with a `-`: for example a
/// result with an extra non-matching resource cannot be seen by a search whose criterion that
/// resource happens to satisfy, and a dropped match cannot be seen by a search that expects no
/// match. `?ID` marks a check that may fail or pass with the defect, as the write checks'
/// timing decides.
const GENERATED_FAILURES: &[(&str, &[&str])] = &[
    ("missing-bundle-type", &["*"]),
    (
        "search-ignores-gender",
        &[
            "SRCH-Patient-family+gender",
            "SRCH-Patient-gender",
            "SRCH-Patient-gender-and",
            "SRCH-Patient-gender-not",
            "SRCH-Patient-gender-or",
            "SRCH-Patient-name+gender",
            "SRCH-Practitioner-gender",
            "SRCH-Practitioner-gender-and",
            "SRCH-Practitioner-gender-not",
            "SRCH-Practitioner-gender-or",
        ],
    ),
    (
        "search-ignores-identifier",
        &[
            "SRCH-Organization-identifier",
            "SRCH-Organization-identifier-and",
            "SRCH-Organization-identifier-not",
            "SRCH-Organization-identifier-of-type",
            "SRCH-Organization-identifier-or",
            "SRCH-Organization-identifier-system",
            "SRCH-Patient-identifier",
            "SRCH-Patient-identifier-and",
            "SRCH-Patient-identifier-not",
            "SRCH-Patient-identifier-of-type",
            "SRCH-Patient-identifier-or",
            "SRCH-Patient-identifier-system",
            "SRCH-Practitioner-identifier",
            "SRCH-Practitioner-identifier-and",
            "SRCH-Practitioner-identifier-not",
            "SRCH-Practitioner-identifier-of-type",
            "SRCH-Practitioner-identifier-or",
            "SRCH-Practitioner-identifier-system",
            "SRCH-Practitioner-identifier-system-only",
            // These judge every Patient the ignored parameter lets through: they fail only
            // while a Patient without an identifier, made by a write check, exists.
            "?SRCH-Patient-identifier-missing",
            "?SRCH-Patient-identifier-system-only",
            "?SRCH-Patient-identifier-text",
        ],
    ),
    (
        "exact-as-default",
        &[
            "SRCH-Organization-name-exact-case",
            "SRCH-Patient-address-postalcode-exact-case",
            "SRCH-Patient-family-exact-case",
            "SRCH-Patient-given-exact-case",
            "SRCH-Patient-name-exact-case",
            "SRCH-Practitioner-family-exact-case",
            "SRCH-Practitioner-given-exact-case",
            "SRCH-Practitioner-name-exact-case",
        ],
    ),
    (
        "date-gt-as-ge",
        &[
            "SRCH-AllergyIntolerance-_lastUpdated-gt",
            "SRCH-Condition-_lastUpdated-gt",
            "SRCH-Condition-onset-date-gt",
            "SRCH-Encounter-_lastUpdated-gt",
            "SRCH-MedicationRequest-_lastUpdated-gt",
            "SRCH-MedicationRequest-authoredon-gt",
            "SRCH-Observation-_lastUpdated-gt",
            "SRCH-Observation-date-gt",
            "SRCH-Organization-_lastUpdated-gt",
            "SRCH-Patient-_lastUpdated-gt",
            "SRCH-Patient-birthdate-gt",
            "SRCH-Practitioner-_lastUpdated-gt",
        ],
    ),
    (
        "quantity-ignores-unit",
        &["SRCH-Observation-value-quantity-ge"],
    ),
    (
        "search-adds-non-match",
        &[
            "*",
            // Every resource of a type claims the same profile, so the one added matches.
            "-SRCH-*-_profile*",
            "-SRCH-AllergyIntolerance-_lastUpdated",
            "-SRCH-AllergyIntolerance-_lastUpdated-and",
            "-SRCH-AllergyIntolerance-_lastUpdated-ap",
            "-SRCH-AllergyIntolerance-_lastUpdated-eb",
            "-SRCH-AllergyIntolerance-_lastUpdated-ge",
            "-SRCH-AllergyIntolerance-_lastUpdated-le",
            "-SRCH-AllergyIntolerance-_lastUpdated-missing",
            "-SRCH-AllergyIntolerance-_lastUpdated-sa",
            "-SRCH-AllergyIntolerance-clinical-status",
            "-SRCH-AllergyIntolerance-clinical-status-and",
            "-SRCH-AllergyIntolerance-clinical-status-missing",
            "-SRCH-AllergyIntolerance-clinical-status-or",
            "-SRCH-AllergyIntolerance-clinical-status-system",
            "-SRCH-AllergyIntolerance-clinical-status-system-only",
            "-SRCH-AllergyIntolerance-clinical-status-text",
            "-SRCH-AllergyIntolerance-code-missing",
            "-SRCH-AllergyIntolerance-code-system-only",
            "-SRCH-AllergyIntolerance-code-text",
            "-SRCH-AllergyIntolerance-patient-chain",
            "-SRCH-AllergyIntolerance-patient-missing",
            "-SRCH-Condition-_lastUpdated-ap",
            "-SRCH-Condition-_lastUpdated-eb",
            "-SRCH-Condition-_lastUpdated-le",
            "-SRCH-Condition-_lastUpdated-missing",
            "-SRCH-Condition-_lastUpdated-sa",
            "-SRCH-Condition-clinical-status-missing",
            "-SRCH-Condition-clinical-status-system-only",
            "-SRCH-Condition-clinical-status-text",
            "-SRCH-Condition-code-missing",
            "-SRCH-Condition-code-system-only",
            "-SRCH-Condition-code-text",
            "-SRCH-Condition-onset-date-ap",
            "-SRCH-Condition-onset-date-missing",
            "-SRCH-Condition-patient-chain",
            "-SRCH-Condition-patient-missing",
            "-SRCH-Condition-subject-chain",
            "-SRCH-Condition-subject-missing",
            "-SRCH-Encounter-_lastUpdated",
            "-SRCH-Encounter-_lastUpdated-and",
            "-SRCH-Encounter-_lastUpdated-ap",
            "-SRCH-Encounter-_lastUpdated-eb",
            "-SRCH-Encounter-_lastUpdated-ge",
            "-SRCH-Encounter-_lastUpdated-le",
            "-SRCH-Encounter-_lastUpdated-missing",
            "-SRCH-Encounter-_lastUpdated-sa",
            "-SRCH-Encounter-class",
            "-SRCH-Encounter-class-and",
            "-SRCH-Encounter-class-missing",
            "-SRCH-Encounter-class-or",
            "-SRCH-Encounter-class-system",
            "-SRCH-Encounter-class-system-only",
            "-SRCH-Encounter-class-text",
            "-SRCH-Encounter-date-ap",
            "-SRCH-Encounter-date-eb",
            "-SRCH-Encounter-date-ge",
            "-SRCH-Encounter-date-missing",
            "-SRCH-Encounter-date-sa",
            "-SRCH-Encounter-patient-chain",
            "-SRCH-Encounter-patient-missing",
            "-SRCH-Encounter-status",
            "-SRCH-Encounter-status-and",
            "-SRCH-Encounter-status-missing",
            "-SRCH-Encounter-status-or",
            "-SRCH-Encounter-subject-chain",
            "-SRCH-Encounter-subject-missing",
            "-SRCH-MedicationRequest-_lastUpdated-ap",
            "-SRCH-MedicationRequest-_lastUpdated-eb",
            "-SRCH-MedicationRequest-_lastUpdated-ge",
            "-SRCH-MedicationRequest-_lastUpdated-missing",
            "-SRCH-MedicationRequest-_lastUpdated-sa",
            "-SRCH-MedicationRequest-authoredon-ap",
            "-SRCH-MedicationRequest-authoredon-eb",
            "-SRCH-MedicationRequest-authoredon-missing",
            "-SRCH-MedicationRequest-authoredon-sa",
            "-SRCH-MedicationRequest-code-missing",
            "-SRCH-MedicationRequest-code-system-only",
            "-SRCH-MedicationRequest-code-text",
            "-SRCH-MedicationRequest-intent",
            "-SRCH-MedicationRequest-intent-and",
            "-SRCH-MedicationRequest-intent-missing",
            "-SRCH-MedicationRequest-intent-or",
            "-SRCH-MedicationRequest-patient-chain",
            "-SRCH-MedicationRequest-patient-missing",
            "-SRCH-MedicationRequest-status",
            "-SRCH-MedicationRequest-status-and",
            "-SRCH-MedicationRequest-status-missing",
            "-SRCH-MedicationRequest-status-or",
            "-SRCH-MedicationRequest-subject-chain",
            "-SRCH-MedicationRequest-subject-missing",
            "-SRCH-Observation-_lastUpdated-ap",
            "-SRCH-Observation-_lastUpdated-eb",
            "-SRCH-Observation-_lastUpdated-le",
            "-SRCH-Observation-_lastUpdated-missing",
            "-SRCH-Observation-_lastUpdated-sa",
            "-SRCH-Observation-category-missing",
            "-SRCH-Observation-category-system-only",
            "-SRCH-Observation-category-text",
            "-SRCH-Observation-code-missing",
            "-SRCH-Observation-code-system-only",
            "-SRCH-Observation-code-text",
            "-SRCH-Observation-date-ap",
            "-SRCH-Observation-date-eb",
            "-SRCH-Observation-date-missing",
            "-SRCH-Observation-date-sa",
            "-SRCH-Observation-patient-chain",
            "-SRCH-Observation-patient-missing",
            "-SRCH-Observation-status-missing",
            "-SRCH-Observation-subject-chain",
            "-SRCH-Observation-subject-missing",
            "-SRCH-Observation-value-quantity",
            "-SRCH-Observation-value-quantity-and",
            "-SRCH-Observation-value-quantity-ge",
            "-SRCH-Observation-value-quantity-le",
            "-SRCH-Organization-_lastUpdated",
            "-SRCH-Organization-_lastUpdated-and",
            "-SRCH-Organization-_lastUpdated-ap",
            "-SRCH-Organization-_lastUpdated-eb",
            "-SRCH-Organization-_lastUpdated-ge",
            "-SRCH-Organization-_lastUpdated-le",
            "-SRCH-Organization-_lastUpdated-missing",
            "-SRCH-Organization-_lastUpdated-sa",
            "-SRCH-Organization-identifier-missing",
            "-SRCH-Organization-identifier-system-only",
            "-SRCH-Organization-identifier-text",
            "-SRCH-Organization-name-missing",
            "-SRCH-Patient-_lastUpdated",
            "-SRCH-Patient-_lastUpdated-and",
            "-SRCH-Patient-_lastUpdated-ap",
            "-SRCH-Patient-_lastUpdated-eb",
            "-SRCH-Patient-_lastUpdated-ge",
            "-SRCH-Patient-_lastUpdated-le",
            "-SRCH-Patient-_lastUpdated-missing",
            "-SRCH-Patient-_lastUpdated-sa",
            "-SRCH-Patient-address-postalcode-missing",
            "-SRCH-Patient-birthdate-ap",
            "-SRCH-Patient-birthdate-missing",
            "-SRCH-Patient-family-missing",
            "-SRCH-Patient-gender-missing",
            "-SRCH-Patient-general-practitioner-chain",
            "-SRCH-Patient-general-practitioner-missing",
            "-SRCH-Patient-given-missing",
            "-SRCH-Patient-identifier-missing",
            "-SRCH-Patient-identifier-system-only",
            "-SRCH-Patient-identifier-text",
            "-SRCH-Patient-name-missing",
            "-SRCH-Patient-telecom-missing",
            "-SRCH-Practitioner-_lastUpdated",
            "-SRCH-Practitioner-_lastUpdated-and",
            "-SRCH-Practitioner-_lastUpdated-ap",
            "-SRCH-Practitioner-_lastUpdated-eb",
            "-SRCH-Practitioner-_lastUpdated-ge",
            "-SRCH-Practitioner-_lastUpdated-le",
            "-SRCH-Practitioner-_lastUpdated-missing",
            "-SRCH-Practitioner-_lastUpdated-sa",
            "-SRCH-Practitioner-family-missing",
            "-SRCH-Practitioner-gender-missing",
            "-SRCH-Practitioner-given-missing",
            "-SRCH-Practitioner-identifier-missing",
            "-SRCH-Practitioner-identifier-text",
            "-SRCH-Practitioner-name-missing",
        ],
    ),
    (
        "search-drops-match",
        &[
            "*",
            "-SRCH-AllergyIntolerance-_id-not",
            "-SRCH-AllergyIntolerance-_lastUpdated-gt",
            "-SRCH-AllergyIntolerance-_lastUpdated-lt",
            "-SRCH-AllergyIntolerance-_lastUpdated-ne",
            "-SRCH-AllergyIntolerance-clinical-status-not",
            "-SRCH-AllergyIntolerance-code-not",
            "-SRCH-Condition-_id-not",
            "-SRCH-Condition-_lastUpdated-gt",
            "-SRCH-Condition-_lastUpdated-lt",
            "-SRCH-Condition-_lastUpdated-ne",
            "-SRCH-Condition-clinical-status-not",
            "-SRCH-Condition-code-not",
            "-SRCH-Condition-onset-date-gt",
            "-SRCH-Condition-onset-date-lt",
            "-SRCH-Condition-onset-date-ne",
            "-SRCH-Encounter-_id-not",
            "-SRCH-Encounter-_lastUpdated-gt",
            "-SRCH-Encounter-_lastUpdated-lt",
            "-SRCH-Encounter-_lastUpdated-ne",
            "-SRCH-Encounter-class-not",
            "-SRCH-Encounter-date-gt",
            "-SRCH-Encounter-date-lt",
            "-SRCH-Encounter-status-not",
            "-SRCH-MedicationRequest-_id-not",
            "-SRCH-MedicationRequest-_lastUpdated-gt",
            "-SRCH-MedicationRequest-_lastUpdated-lt",
            "-SRCH-MedicationRequest-_lastUpdated-ne",
            "-SRCH-MedicationRequest-authoredon-gt",
            "-SRCH-MedicationRequest-authoredon-lt",
            "-SRCH-MedicationRequest-authoredon-ne",
            "-SRCH-MedicationRequest-code-not",
            "-SRCH-MedicationRequest-intent-not",
            "-SRCH-MedicationRequest-status-not",
            "-SRCH-Observation-_id-not",
            "-SRCH-Observation-_lastUpdated-gt",
            "-SRCH-Observation-_lastUpdated-lt",
            "-SRCH-Observation-_lastUpdated-ne",
            "-SRCH-Observation-category-not",
            "-SRCH-Observation-code-not",
            "-SRCH-Observation-date-gt",
            "-SRCH-Observation-date-lt",
            "-SRCH-Observation-date-ne",
            "-SRCH-Observation-status-not",
            "-SRCH-Organization-_id-not",
            "-SRCH-Organization-_lastUpdated-gt",
            "-SRCH-Organization-_lastUpdated-lt",
            "-SRCH-Organization-_lastUpdated-ne",
            "-SRCH-Organization-identifier-not",
            "-SRCH-Organization-name-exact-case",
            "-SRCH-Patient-_id-not",
            "-SRCH-Patient-_lastUpdated-gt",
            "-SRCH-Patient-_lastUpdated-lt",
            "-SRCH-Patient-_lastUpdated-ne",
            "-SRCH-Patient-address-postalcode-exact-case",
            "-SRCH-Patient-birthdate-gt",
            "-SRCH-Patient-birthdate-lt",
            "-SRCH-Patient-birthdate-ne",
            "-SRCH-Patient-family-exact-case",
            "-SRCH-Patient-gender-not",
            "-SRCH-Patient-given-exact-case",
            "-SRCH-Patient-identifier-not",
            "-SRCH-Patient-name-exact-case",
            "-SRCH-Patient-telecom-not",
            "-SRCH-Practitioner-_id-not",
            "-SRCH-Practitioner-_lastUpdated-gt",
            "-SRCH-Practitioner-_lastUpdated-lt",
            "-SRCH-Practitioner-_lastUpdated-ne",
            "-SRCH-Practitioner-family-exact-case",
            "-SRCH-Practitioner-gender-not",
            "-SRCH-Practitioner-given-exact-case",
            "-SRCH-Practitioner-identifier-not",
            "-SRCH-Practitioner-name-exact-case",
        ],
    ),
];

/// Whether `id` is a generated search check.
fn generated(id: &str) -> bool {
    id.starts_with("SRCH-")
}

/// Runs the built-in checklist against the reference server with `defects` on, with the extra
/// command-line `args`.
fn run_against(defects: &[Defect], args: &[&str], out: &Path) -> Output {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime
        .block_on(start(ServerOptions {
            defects: defects.to_vec(),
            ..ServerOptions::default()
        }))
        .expect("reference server starts");
    let suites = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../suites");
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args([
            "run",
            "--no-progress",
            // Some defects break only SHOULD checks; they must still gate a run that asks.
            "--fail-on",
            "should",
            "--target",
            &server.base_url(),
            "--out",
        ])
        .arg(out)
        // The core and security checklists; the UK Core one has its defects in uk_core.rs.
        .arg("--suite")
        .arg(suites.join("core"))
        .arg("--suite")
        .arg(suites.join("security"))
        .args(args)
        .output()
        .expect("assure runs");
    runtime.block_on(server.shutdown()).expect("server stops");
    output
}

/// Test ids by status (failed, skipped, errored), from a report.json.
fn statuses(out: &Path) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let (failed, skipped, other, _) = all_statuses(out);
    (failed, skipped, other)
}

/// Test ids by status (failed, skipped, errored) and every test id, from a report.json.
fn all_statuses(
    out: &Path,
) -> (
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
) {
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
            .expect("report.json is JSON");
    let (mut failed, mut skipped, mut other) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let mut all = BTreeSet::new();
    for test in report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|s| s["tests"].as_array().expect("tests").iter())
    {
        let id = test["id"].as_str().expect("id").to_string();
        all.insert(id.clone());
        match test["status"].as_str().expect("status") {
            "fail" => failed.insert(id),
            "skip" => skipped.insert(id),
            "pass" => false,
            _ => other.insert(id),
        };
    }
    (failed, skipped, other, all)
}

/// Whether the exception `-PATTERN` of a `*` list names `id`; `*` in the pattern stands for
/// any run of characters.
fn excepts(exception: &str, id: &str) -> bool {
    let Some(pattern) = exception.strip_prefix('-') else {
        return false;
    };
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = id.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (index, part) in parts.iter().enumerate() {
        if index + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Asserts that `defect` fails exactly `failing`, skips exactly `skipped`, and gates the run.
fn assert_defect_breaks(defect: &str, failing: &[&str], skipped: &[&str]) {
    assert_defect_breaks_with(defect, &[], failing, skipped);
}

/// [`assert_defect_breaks`] with extra command-line `args`.
fn assert_defect_breaks_with(defect: &str, args: &[&str], failing: &[&str], skipped: &[&str]) {
    let defect: Defect = defect.parse().expect("a known defect");
    let out = tempfile::tempdir().expect("temp dir");
    let output = run_against(&[defect], args, out.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (failed, was_skipped, errored, all) = all_statuses(out.path());
    let (generated_failed, failed): (BTreeSet<String>, BTreeSet<String>) =
        failed.into_iter().partition(|id| generated(id));
    let expected_generated = GENERATED_FAILURES
        .iter()
        .find(|(name, _)| *name == defect.name())
        .map_or(&[][..], |(_, ids)| *ids);
    // `?ID`: a check that may fail or pass, depending on what other checks have written by then.
    let racy: BTreeSet<String> = expected_generated
        .iter()
        .filter_map(|id| id.strip_prefix('?'))
        .map(str::to_owned)
        .collect();
    let expected_generated: BTreeSet<String> = match expected_generated.split_first() {
        Some((&"*", except)) => all
            .iter()
            .filter(|id| generated(id) && !GENERATED_SKIPS.contains(&id.as_str()))
            .filter(|id| !except.iter().any(|e| excepts(e, id)))
            .cloned()
            .collect(),
        _ => ids(expected_generated)
            .into_iter()
            .filter(|id| !id.starts_with('?'))
            .collect(),
    };
    let generated_failed: BTreeSet<String> = generated_failed
        .into_iter()
        .filter(|id| !racy.contains(id))
        .collect();
    assert_eq!(
        generated_failed, expected_generated,
        "failing generated checks with {defect}\n{stdout}"
    );
    let skipped: Vec<&str> = skipped
        .iter()
        .chain(GENERATED_SKIPS)
        .chain(SECURITY_SKIPS)
        .copied()
        .collect();
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
    let output = run_against(&[], &[], out.path());
    let (failed, skipped, errored) = statuses(out.path());
    assert!(
        failed.is_empty()
            && skipped == &ids(GENERATED_SKIPS) | &ids(SECURITY_SKIPS)
            && errored.is_empty(),
        "failed {failed:?} skipped {skipped:?} errored {errored:?}"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn every_defect_has_a_test_here() {
    // Security defects are switched on in security.rs, against the secure embedded server;
    // UK Core defects in uk_core.rs.
    let source = [
        include_str!("defects.rs"),
        include_str!("security.rs"),
        include_str!("uk_core.rs"),
    ]
    .concat();
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
        &[
            "CORE-CAP-01",
            "CORE-FMT-01",
            "CORE-FMT-02",
            "CORE-FMT-03",
            "SEC-HDR-CHARSET",
            "SEC-INPUT-SCRIPT",
        ],
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
            "CORE-SRCH-POST-SAME-01",
            "CORE-SRCH-SUMMARY-COUNT-01",
        ],
        &["CORE-SRCH-LENIENT-01"],
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
    // Only the check that asks for `Location` fails: the checks that create a resource to work
    // on take its id from the body (`first_of`) and run.
    assert_defect_breaks("no-location-on-create", &["CORE-CREATE-01"], &[]);
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
    assert_defect_breaks(
        "no-next-link",
        &["CORE-SRCH-PAGE-01", "CORE-SRCH-PAGE-02"],
        &[],
    );
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

#[test]
fn search_ignores_identifier() {
    assert_defect_breaks(
        "search-ignores-identifier",
        &["CORE-SRCH-PAT-IDENT", "CORE-SRCH-PAT-NHS"],
        &[],
    );
}

#[test]
fn exact_as_default() {
    assert_defect_breaks("exact-as-default", &[], &[]);
}

#[test]
fn date_gt_as_ge() {
    assert_defect_breaks("date-gt-as-ge", &[], &[]);
}

#[test]
fn quantity_ignores_unit() {
    assert_defect_breaks("quantity-ignores-unit", &[], &[]);
}

#[test]
fn next_repeats_page() {
    assert_defect_breaks("next-repeats-page", &["CORE-SRCH-PAGE-02"], &[]);
}

#[test]
fn ignores_count() {
    assert_defect_breaks(
        "ignores-count",
        &["CORE-SRCH-PAGE-01", "CORE-SRCH-PAGE-02"],
        &[],
    );
}

#[test]
fn include_missing() {
    assert_defect_breaks(
        "include-missing",
        &["CORE-SRCH-INCLUDE-01", "CORE-SRCH-REVINCLUDE-01"],
        &[],
    );
}

#[test]
fn strict_handling_ignored() {
    assert_defect_breaks("strict-handling-ignored", &["CORE-SRCH-STRICT-01"], &[]);
}

#[test]
fn malformed_date_500() {
    assert_defect_breaks("malformed-date-500", &["CORE-SRCH-MALFORMED-01"], &[]);
}

#[test]
fn search_adds_non_match() {
    assert_defect_breaks(
        "search-adds-non-match",
        &[
            "CORE-SRCH-ALLERGY-PATIENT",
            "CORE-SRCH-COND-PATIENT",
            "CORE-SRCH-ENC-PATIENT",
            "CORE-SRCH-MEDREQ-PATIENT",
            "CORE-SRCH-OBS-PATIENT",
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
fn search_drops_match() {
    // The test patient is supplied: found by a search that drops it, every check would be
    // skipped for want of test data. The clinical items are still found by searches that drop
    // their only match, so their checks are skipped.
    assert_defect_breaks_with(
        "search-drops-match",
        &["--var", "patient_id=amelia-jones"],
        &[
            "CORE-SRCH-INCLUDE-01",
            "CORE-SRCH-PAT-BIRTHDATE",
            "CORE-SRCH-PAT-FAMILY-GENDER",
            "CORE-SRCH-PAT-GIVEN",
            "CORE-SRCH-PAT-GIVEN-GENDER",
            "CORE-SRCH-PAT-ID",
            "CORE-SRCH-PAT-IDENT",
            "CORE-SRCH-PAT-NAME-BIRTHDATE",
            "CORE-SRCH-PAT-NAME-GENDER",
            "CORE-SRCH-PAT-NHS",
            "CORE-SRCH-REVINCLUDE-01",
        ],
        &[
            "CORE-PROF-ALLERGY",
            "CORE-PROF-COND",
            "CORE-PROF-ENC",
            "CORE-PROF-MEDREQ",
            "CORE-READ-ALLERGY",
            "CORE-READ-COND",
            "CORE-READ-ENC",
            "CORE-READ-MEDREQ",
            "CORE-SRCH-ALLERGY-PATIENT",
            "CORE-SRCH-COND-PATIENT",
            "CORE-SRCH-ENC-PATIENT",
            "CORE-SRCH-MEDREQ-PATIENT",
        ],
    );
}

#[test]
fn sort_ignored() {
    assert_defect_breaks("sort-ignored", &["CORE-SRCH-SORT-01"], &[]);
}

#[test]
fn wrong_total() {
    assert_defect_breaks("wrong-total", &["CORE-SRCH-TOTAL-01"], &[]);
}

#[test]
fn self_link_claims_ignored() {
    assert_defect_breaks("self-link-claims-ignored", &["CORE-SRCH-LENIENT-01"], &[]);
}

#[test]
fn unknown_modifier_ignored() {
    assert_defect_breaks("unknown-modifier-ignored", &["CORE-SRCH-MODIFIER-01"], &[]);
}

#[test]
fn summary_count_ignored() {
    assert_defect_breaks(
        "summary-count-ignored",
        &["CORE-SRCH-SUMMARY-COUNT-01"],
        &[],
    );
}

#[test]
fn elements_ignored() {
    assert_defect_breaks("elements-ignored", &["CORE-SRCH-ELEMENTS-01"], &[]);
}

#[test]
fn post_search_differs() {
    assert_defect_breaks("post-search-differs", &["CORE-SRCH-POST-SAME-01"], &[]);
}
