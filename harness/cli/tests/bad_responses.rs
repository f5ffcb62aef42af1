//! Every check of the built-in checklist can fail: recorded bad responses from a stub target.
//!
//! `defects.rs` breaks checks one defect at a time; here a stub server answers badly on purpose.
//! A server that answers every request with an empty 500 fails every check that stands alone;
//! the checks that need another check are made to fail by the echoing modes below, or by a
//! reference-server defect (named next to each id in `NEEDS_ANOTHER_CHECK`).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Checks that only run when another check passed, and the test that makes each fail.
const NEEDS_ANOTHER_CHECK: &[&str] = &[
    "CORE-CAP-06",    // defects.rs: capability_lies
    "CORE-CREATE-02", // here: a_forgetful_server_fails_read_back_and_vread
    "CORE-HIST-01",   // defects.rs: update_keeps_version
    "CORE-UPDATE-01", // here: a_server_refusing_updates_fails_the_update_check
    "CORE-VREAD-01",  // here: a_forgetful_server_fails_read_back_and_vread
    "CORE-VREAD-02",  // defects.rs: update_keeps_version
];

/// Checks skipped when the target serves no CapabilityStatement: the generated search checks
/// (`search-generated.yaml`) have nothing claimed to check.
const SKIPPED_WITHOUT_CAPABILITIES: &[&str] = &["SRCH-CAPABILITIES"];

/// How the stub answers.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// 500 with an empty body, whatever the request.
    AlwaysFails,
    /// Reads echo a bare resource of the requested type and id; creates answer 201 but keep
    /// nothing; everything else is a 500.
    Forgetful,
    /// Like `Forgetful`, but created resources are kept and read back; updates are a 500.
    RefusesUpdates,
}

#[derive(Clone)]
struct Stub {
    mode: Mode,
    stored: Arc<Mutex<HashMap<String, Value>>>,
}

async fn answer(State(stub): State<Stub>, method: Method, uri: Uri, body: Bytes) -> Response {
    let failure = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    if stub.mode == Mode::AlwaysFails {
        return failure;
    }
    let segments: Vec<&str> = uri.path().trim_matches('/').split('/').skip(1).collect();
    let fhir_json = [(header::CONTENT_TYPE, "application/fhir+json")];
    match (method, segments.as_slice()) {
        (Method::GET, [resource_type, id]) if *resource_type != "metadata" => {
            let key = format!("{resource_type}/{id}");
            let resource = stub
                .stored
                .lock()
                .unwrap()
                .get(&key)
                .cloned()
                .unwrap_or_else(|| {
                    json!({"resourceType": resource_type, "id": id,
                       "meta": {"versionId": "1", "lastUpdated": "2024-01-01T00:00:00Z"}})
                });
            (fhir_json, resource.to_string()).into_response()
        }
        (Method::POST, [resource_type]) => {
            let id = "stub-1";
            if stub.mode == Mode::RefusesUpdates {
                let mut resource: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                resource["id"] = json!(id);
                resource["meta"] = json!({"versionId": "1", "lastUpdated": "2024-01-01T00:00:00Z"});
                stub.stored
                    .lock()
                    .unwrap()
                    .insert(format!("{resource_type}/{id}"), resource);
            }
            let location = format!("{resource_type}/{id}/_history/1");
            (
                StatusCode::CREATED,
                [
                    (header::LOCATION, location),
                    (header::ETAG, "W/\"1\"".to_string()),
                ],
            )
                .into_response()
        }
        _ => failure,
    }
}

/// Runs the built-in checklist against the stub; returns (failed, skipped, other) test ids.
fn run_against(mode: Mode) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let stub = Stub {
        mode,
        stored: Arc::default(),
    };
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}/fhir", listener.local_addr().expect("addr"));
    let app = Router::new().fallback(answer).with_state(stub);
    runtime.spawn(async move { axum::serve(listener, app).await });
    let out = tempfile::tempdir().expect("temp dir");
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args(["run", "--no-progress", "--target", &base, "--out"])
        .arg(out.path())
        .output()
        .expect("assure runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).expect("report"))
            .expect("json");
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
            _ => other.insert(id),
        };
    }
    (failed, skipped, other)
}

#[test]
fn a_server_failing_every_request_fails_every_standalone_check() {
    let (failed, skipped, other) = run_against(Mode::AlwaysFails);
    let needing: BTreeSet<String> = NEEDS_ANOTHER_CHECK
        .iter()
        .chain(SKIPPED_WITHOUT_CAPABILITIES)
        .map(|s| s.to_string())
        .collect();
    assert!(other.is_empty(), "passed or errored: {other:?}");
    assert_eq!(
        skipped, needing,
        "only checks that need another check, or the CapabilityStatement, are skipped"
    );
    assert!(
        failed.len() >= 50,
        "every other check fails: {}",
        failed.len()
    );
}

#[test]
fn a_forgetful_server_fails_read_back_and_vread() {
    let (failed, _, _) = run_against(Mode::Forgetful);
    assert!(failed.contains("CORE-CREATE-02"), "{failed:?}");
    assert!(failed.contains("CORE-VREAD-01"), "{failed:?}");
}

#[test]
fn a_server_refusing_updates_fails_the_update_check() {
    let (failed, _, _) = run_against(Mode::RefusesUpdates);
    assert!(failed.contains("CORE-UPDATE-01"), "{failed:?}");
    assert!(!failed.contains("CORE-CREATE-02"), "{failed:?}");
}
