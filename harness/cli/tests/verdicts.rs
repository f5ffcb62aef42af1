//! Verdicts blame the right thing: setup steps and unclaimed features skip, a create's id is
//! taken from its body when `Location` is missing, a link outside the server's base is the
//! server's failure, and a failure names its step.

use std::collections::BTreeMap;

use assert_cmd::Command;
use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const SUITE: &str = r#"
id: verdicts
title: Verdicts
tests:
  - id: SETUP-FAILS
    title: A setup step whose expectations fail skips the test
    level: SHALL
    steps:
      - name: create the patient
        setup: true
        create: { type: Patient, body: { resourceType: Patient } }
        expect:
          - status: 200
      - read: { type: Patient, id: p }
  - id: SETUP-PASSES
    title: A setup step whose expectations hold lets the test go on
    level: SHALL
    steps:
      - setup: true
        create: { type: Patient, body: { resourceType: Patient } }
        expect:
          - status: 201
      - read: { type: Patient, id: p }
        expect:
          - status: 404
  - id: ID-FROM-BODY
    title: A created id comes from the body when Location is missing
    level: SHALL
    steps:
      - create: { type: Patient, body: { resourceType: Patient } }
        headers: { Prefer: return=representation }
        capture:
          new_id:
            first_of:
              - { header: Location, regex: "Patient/([^/]+)" }
              - { json: id }
      - read: { type: Patient, id: "{{ new_id }}" }
        expect:
          - json: { path: id, equals: from-body }
  - id: NO-ID-AT-ALL
    title: A capture finding nothing in any source fails, listing every source
    level: SHALL
    steps:
      - read: { type: Patient, id: p }
        capture:
          new_id:
            first_of:
              - { header: Location }
              - { json: meta.versionId }
  - id: NOT-CLAIMED
    title: A feature the CapabilityStatement does not claim skips the test
    level: SHALL
    steps:
      - capabilities: {}
        expect:
          - status: 200
        skip_unless:
          fhirpath: "rest.resource.where(type = 'Patient').interaction.code contains 'history-instance'"
          reason: history of Patient is not claimed
      - history: { type: Patient, id: p }
        expect:
          - status: 200
  - id: CLAIMED
    title: A claimed feature is tested
    level: SHALL
    steps:
      - capabilities: {}
        skip_unless:
          fhirpath: "rest.resource.where(type = 'Patient').interaction.code contains %interaction"
          reason: read of Patient is not claimed
      - read: { type: Patient, id: p }
        expect:
          - status: 200
  - id: FOREIGN-NEXT
    title: A next link on another origin is not followed and fails
    level: SHALL
    steps:
      - search: { type: Patient }
        capture:
          next_page: { json: "link.[relation=next].url" }
      - request: { method: GET, path: "{{ next_page }}" }
        expect:
          - status: 200
  - id: NAMED-FAIL
    title: A failure names its step by number, name and action
    level: SHALL
    steps:
      - capabilities: {}
      - name: read it back
        read: { type: Patient, id: p }
        expect:
          - status: 404
"#;

/// The stub: a CapabilityStatement claiming `read` and `create` of Patient, creates that
/// answer 201 with the resource but no `Location`, reads that echo the id, and a searchset
/// whose next link points at another server.
async fn answer(method: Method, request: Request) -> Response {
    let fhir = |status: StatusCode, body: Value| {
        (
            status,
            [(header::CONTENT_TYPE, "application/fhir+json")],
            body.to_string(),
        )
            .into_response()
    };
    let path = request
        .uri()
        .path()
        .trim_start_matches("/fhir/")
        .to_string();
    let segments: Vec<&str> = path.split('/').collect();
    match (method, segments.as_slice()) {
        (Method::GET, ["metadata"]) => fhir(
            StatusCode::OK,
            json!({"resourceType": "CapabilityStatement", "rest": [{"mode": "server",
                "resource": [{"type": "Patient",
                    "interaction": [{"code": "read"}, {"code": "create"}]}]}]}),
        ),
        (Method::POST, ["Patient"]) => fhir(
            StatusCode::CREATED,
            json!({"resourceType": "Patient", "id": "from-body"}),
        ),
        (Method::GET, ["Patient"]) => fhir(
            StatusCode::OK,
            json!({"resourceType": "Bundle", "type": "searchset", "link": [
                {"relation": "next", "url": "http://other.invalid:8080/fhir/Patient?page=2"}]}),
        ),
        (Method::GET, ["Patient", id]) => {
            fhir(StatusCode::OK, json!({"resourceType": "Patient", "id": id}))
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Runs the suite against the stub; returns each test's `(status, message)` and the report.
fn run() -> (BTreeMap<String, (String, String)>, Value) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}/fhir", listener.local_addr().expect("addr"));
    runtime.spawn(async move { axum::serve(listener, Router::new().fallback(answer)).await });
    let dir = tempfile::tempdir().expect("temp dir");
    let suite = dir.path().join("verdicts.yaml");
    std::fs::write(&suite, SUITE).expect("suite written");
    let out = dir.path().join("out");
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args([
            "run",
            "--no-progress",
            "--var",
            "interaction=read",
            "--target",
            &base,
        ])
        .arg("--suite")
        .arg(&suite)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("assure runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report"))
            .expect("json");
    let verdicts = report["suites"][0]["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .map(|test| {
            (
                test["id"].as_str().expect("id").to_string(),
                (
                    test["status"].as_str().expect("status").to_string(),
                    test["message"].as_str().unwrap_or_default().to_string(),
                ),
            )
        })
        .collect();
    (verdicts, report)
}

fn verdict<'a>(verdicts: &'a BTreeMap<String, (String, String)>, id: &str) -> (&'a str, &'a str) {
    let (status, message) = &verdicts[id];
    (status, message)
}

fn test_result<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["suites"][0]["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .find(|test| test["id"] == id)
        .expect("the test is reported")
}

#[test]
fn setup_failures_skip_with_the_step_and_keep_the_evidence() {
    let (verdicts, report) = run();
    assert_eq!(
        verdict(&verdicts, "SETUP-FAILS"),
        (
            "skip",
            "setup failed: step 1 \"create the patient\" (create Patient): expected status 200, got 201"
        )
    );
    let steps = test_result(&report, "SETUP-FAILS")["steps"]
        .as_array()
        .expect("steps");
    assert_eq!(steps.len(), 1, "the checked step was not reached");
    assert_eq!(
        steps[0]["exchanges"].as_array().expect("exchanges").len(),
        1
    );
    assert_eq!(
        verdict(&verdicts, "SETUP-PASSES"),
        (
            "fail",
            "step 2 (read Patient/p): expected status 404, got 200"
        )
    );
}

#[test]
fn a_created_id_falls_back_to_the_body() {
    let (verdicts, _) = run();
    assert_eq!(verdict(&verdicts, "ID-FROM-BODY"), ("pass", ""));
    assert_eq!(
        verdict(&verdicts, "NO-ID-AT-ALL"),
        (
            "fail",
            "step 1 (read Patient/p): expected a value for new_id from header Location or \
             meta.versionId, got nothing from header Location; nothing from meta.versionId"
        )
    );
}

#[test]
fn unclaimed_features_skip_and_claimed_ones_run() {
    let (verdicts, _) = run();
    assert_eq!(
        verdict(&verdicts, "NOT-CLAIMED"),
        (
            "skip",
            "history of Patient is not claimed: step 1 (capabilities): FHIRPath \
             `rest.resource.where(type = 'Patient').interaction.code contains 'history-instance'` \
             gave false"
        )
    );
    assert_eq!(verdict(&verdicts, "CLAIMED"), ("pass", ""));
}

#[test]
fn a_link_outside_the_base_is_the_servers_failure_and_is_not_followed() {
    let (verdicts, report) = run();
    let (status, message) = verdict(&verdicts, "FOREIGN-NEXT");
    assert_eq!(status, "fail");
    assert!(
        message.starts_with(
            "step 2 (GET http://other.invalid:8080/fhir/Patient?page=2): link \
             http://other.invalid:8080/fhir/Patient?page=2 is not under the server's base http://127.0.0.1:"
        ),
        "{message}"
    );
    assert!(
        message
            .ends_with("/fhir; not followed (R4 http.html: links are absolute URLs of the server)"),
        "{message}"
    );
    let step = &test_result(&report, "FOREIGN-NEXT")["steps"][1];
    assert!(step["exchanges"].as_array().expect("exchanges").is_empty());
    assert_eq!(step["assertions"][0]["passed"], false);
}

#[test]
fn a_failure_names_its_step() {
    let (verdicts, _) = run();
    assert_eq!(
        verdict(&verdicts, "NAMED-FAIL"),
        (
            "fail",
            "step 2 \"read it back\" (read Patient/p): expected status 404, got 200"
        )
    );
}
