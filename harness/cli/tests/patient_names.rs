//! The Patient name searches judge names as FHIR does: any HumanName of a result may match,
//! case and accents folded (R4 search.html#string), against a stub target whose patient lists
//! her maiden name first.

use std::collections::BTreeMap;

use assert_cmd::Command;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Value, json};

/// The name searches of the built-in checklist.
const NAME_CHECKS: &[&str] = &[
    "CORE-SRCH-PAT-FAMILY",
    "CORE-SRCH-PAT-FAMILY-GENDER",
    "CORE-SRCH-PAT-GIVEN",
    "CORE-SRCH-PAT-GIVEN-GENDER",
    "CORE-SRCH-PAT-NAME",
    "CORE-SRCH-PAT-NAME-BIRTHDATE",
    "CORE-SRCH-PAT-NAME-GENDER",
    "CORE-SRCH-PAT-POST",
];

/// Starts a stub answering a read of the patient with the patient and every other request with
/// a searchset holding her, runs the name checks against it with `vars`, and returns each
/// check's status.
fn statuses(names: Value, vars: &[&str]) -> BTreeMap<String, String> {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}/fhir", listener.local_addr().expect("addr"));
    let patient = json!({
        "resourceType": "Patient",
        "id": "amelia-jones",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"}],
        "gender": "female",
        "birthDate": "1984-03-12",
        "name": names
    });
    let bundle = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": patient, "search": {"mode": "match"}}]
    })
    .to_string();
    let patient = patient.to_string();
    let app = Router::new().fallback(move |uri: axum::http::Uri| {
        let body = if uri.path().ends_with("/Patient/amelia-jones") {
            patient.clone()
        } else {
            bundle.clone()
        };
        async move { ([(header::CONTENT_TYPE, "application/fhir+json")], body).into_response() }
    });
    runtime.spawn(async move { axum::serve(listener, app).await });
    let out = tempfile::tempdir().expect("temp dir");
    let mut command = Command::cargo_bin("assure").expect("assure binary");
    command.args(["run", "--no-progress", "--target", &base, "--out"]);
    command.arg(out.path());
    for id in NAME_CHECKS {
        command.args(["--id", id]);
    }
    for var in vars {
        command.args(["--var", var]);
    }
    command.output().expect("assure runs");
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).expect("report"))
            .expect("json");
    report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|suite| suite["tests"].as_array().expect("tests").iter())
        .map(|test| {
            let status = test["status"].as_str().expect("status");
            let message = test["message"].as_str().unwrap_or_default();
            (
                test["id"].as_str().expect("id").to_string(),
                format!("{status} {message}").trim().to_string(),
            )
        })
        .collect()
}

fn all_pass(statuses: &BTreeMap<String, String>) {
    let ids: Vec<&str> = statuses.keys().map(String::as_str).collect();
    assert_eq!(ids, NAME_CHECKS);
    for (id, status) in statuses {
        assert_eq!(status, "pass", "{id}");
    }
}

#[test]
fn a_maiden_name_listed_first_does_not_fail_the_name_searches() {
    all_pass(&statuses(
        json!([
            {"use": "maiden", "family": "Evans", "given": ["Millie"]},
            {"use": "official", "family": "Jones", "given": ["Amelia"], "prefix": ["Mrs"]}
        ]),
        &[],
    ));
}

#[test]
fn names_match_by_prefix_whatever_the_case_and_accents() {
    all_pass(&statuses(
        json!([{"family": "JÖNES-SMITH", "given": ["Amélia"]}]),
        &["family=jones", "given=AMELIA"],
    ));
    all_pass(&statuses(
        json!([{"family": "Jones", "given": ["Amelia"]}]),
        &["family=Jönes", "given=amélia"],
    ));
}

#[test]
fn a_patient_without_a_matching_name_fails_them() {
    let statuses = statuses(
        json!([{"family": "Evans", "given": ["Millie"], "text": "Millie Evans"}]),
        &["family=Jones", "given=Amelia"],
    );
    for (id, status) in &statuses {
        assert!(status.starts_with("fail "), "{id}: {status}");
        assert!(
            status.contains("fold()"),
            "the message quotes the expression: {status}"
        );
    }
}
