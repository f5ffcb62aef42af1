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
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

mod support;
use support::SECURITY_SKIPS;

/// Checks that only run when another check passed, or whose setup (the CapabilityStatement
/// claiming the feature, a resource to work on) needs a working server: skipped here, and the
/// test that makes each fail.
const NEEDS_ANOTHER_CHECK: &[&str] = &[
    "CORE-CAP-06",    // defects.rs: capability_lies
    "CORE-CREATE-01", // defects.rs: no_location_on_create
    "CORE-CREATE-02", // here: a_forgetful_server_fails_read_back_and_vread
    "CORE-CREATE-03", // here: a_forgetful_server_fails_read_back_and_vread
    "CORE-DELETE-01", // defects.rs: delete_not_effective
    "CORE-HIST-01",   // defects.rs: update_keeps_version
    "CORE-UPDATE-01", // here: a_server_refusing_updates_fails_the_update_check
    "CORE-UPDATE-02", // here: a_forgetful_server_fails_read_back_and_vread
    "CORE-VREAD-01",  // here: a_forgetful_server_fails_read_back_and_vread
    "CORE-VREAD-02",  // defects.rs: update_keeps_version
];

/// Checks skipped when the target serves no CapabilityStatement: the generated search and
/// profile checks (`search-generated.yaml`, `suites/uk-core/`) have nothing claimed to check.
const SKIPPED_WITHOUT_CAPABILITIES: &[&str] = &[
    "SRCH-CAPABILITIES",
    "UKCORE-SRCH-CAPABILITIES",
    "UKCORE-PROFILES",
    // They judge a searchset only when the server answers with one (a server may refuse an
    // unknown parameter, or leave _sort out); their defects are `self-link-claims-ignored` and
    // `sort-ignored`.
    "CORE-SRCH-LENIENT-01",
    "CORE-SRCH-SORT-01",
    // Likewise judged only when the self link says `_elements` or `_summary=count` was applied;
    // their defects are `elements-ignored` and `summary-count-ignored`.
    "CORE-SRCH-ELEMENTS-01",
    "CORE-SRCH-SUMMARY-COUNT-01",
];

/// How the stub answers.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// 500 with an empty body, whatever the request.
    AlwaysFails,
    /// The CapabilityStatement claims every interaction and versioning; reads echo a bare
    /// resource of the requested type and id; creates answer 201 (with `Location`, without
    /// `ETag`) but keep nothing; updates answer 200 without `ETag`; everything else is a 500.
    Forgetful,
    /// Like `Forgetful`, but created resources are kept and read back, creates carry an `ETag`,
    /// and updates are a 500.
    RefusesUpdates,
}

#[derive(Clone)]
struct Stub {
    mode: Mode,
    stored: Arc<Mutex<HashMap<String, Value>>>,
    /// Ids given to created resources, one each, so checks creating at once do not collide.
    created: Arc<std::sync::atomic::AtomicUsize>,
}

async fn answer(State(stub): State<Stub>, method: Method, uri: Uri, body: Bytes) -> Response {
    let failure = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    if stub.mode == Mode::AlwaysFails {
        return failure;
    }
    let segments: Vec<&str> = uri.path().trim_matches('/').split('/').skip(1).collect();
    let fhir_json = [(header::CONTENT_TYPE, "application/fhir+json")];
    match (method, segments.as_slice()) {
        (Method::GET, ["metadata"]) => {
            let interaction: Vec<Value> = [
                "read",
                "vread",
                "update",
                "delete",
                "history-instance",
                "create",
            ]
            .iter()
            .map(|code| json!({"code": code}))
            .collect();
            let statement = json!({"resourceType": "CapabilityStatement", "rest": [{"mode": "server",
                "resource": [{"type": "Patient", "versioning": "versioned", "interaction": interaction}]}]});
            (fhir_json, statement.to_string()).into_response()
        }
        (Method::PUT, [_, _]) if stub.mode == Mode::Forgetful => StatusCode::OK.into_response(),
        (Method::GET, [resource_type, id]) => {
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
            let number = stub
                .created
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                + 1;
            let id = format!("stub-{number}");
            let id = id.as_str();
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
            let mut response =
                (StatusCode::CREATED, [(header::LOCATION, location)]).into_response();
            if stub.mode == Mode::RefusesUpdates {
                response
                    .headers_mut()
                    .insert(header::ETAG, "W/\"1\"".parse().expect("an ETag"));
            }
            response
        }
        _ => failure,
    }
}

/// Runs the built-in checklist against the stub with `args`; returns (failed, skipped, other)
/// test ids.
fn run_against(
    mode: Mode,
    args: &[&str],
) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let stub = Stub {
        mode,
        stored: Arc::default(),
        created: Arc::default(),
    };
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}/fhir", listener.local_addr().expect("addr"));
    // No framework limit on bodies: the stub itself answers every request, oversized ones too.
    let app = Router::new()
        .fallback(answer)
        .layer(DefaultBodyLimit::disable())
        .with_state(stub);
    runtime.spawn(async move { axum::serve(listener, app).await });
    let out = tempfile::tempdir().expect("temp dir");
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args(["run", "--no-progress", "--target", &base, "--out"])
        .arg(out.path())
        .args(args)
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
    // Supplied, so that no check waits for test data the stub cannot give.
    let supplied = [
        "patient_id=p1",
        "patient_nhs_number=9990000018",
        "family=Jones",
        "given=Amelia",
        "gender=female",
        "birthdate=1984-03-12",
        "practitioner_id=pr1",
        "organization_id=o1",
        "observation_id=ob1",
        "condition_id=c1",
        "allergy_id=a1",
        "medication_request_id=m1",
        "encounter_id=e1",
    ];
    let args: Vec<&str> = supplied.iter().flat_map(|var| ["--var", var]).collect();
    let (failed, skipped, other) = run_against(Mode::AlwaysFails, &args);
    let needing: BTreeSet<String> = NEEDS_ANOTHER_CHECK
        .iter()
        .chain(SKIPPED_WITHOUT_CAPABILITIES)
        .chain(SECURITY_SKIPS)
        .map(|s| s.to_string())
        .collect();
    assert!(other.is_empty(), "passed or errored: {other:?}");
    assert_eq!(
        skipped, needing,
        "only checks that need another check, the CapabilityStatement, TLS or credentials are skipped"
    );
    assert!(
        failed.len() >= 45,
        "every other check fails: {}",
        failed.len()
    );
}

#[test]
fn a_server_failing_every_request_leaves_the_checks_reading_test_data_without_a_verdict() {
    let (failed, _, other) = run_against(Mode::AlwaysFails, &[]);
    assert!(other.contains("CORE-READ-PAT"), "{other:?}");
    assert!(other.contains("CORE-SRCH-OBS-PATIENT"), "{other:?}");
    assert!(failed.contains("CORE-CAP-01"), "{failed:?}");
    assert!(failed.contains("CORE-READ-404"), "{failed:?}");
}

#[test]
fn a_forgetful_server_fails_read_back_and_vread() {
    // The stub cannot search, so the test patient is supplied.
    let (failed, _, _) = run_against(Mode::Forgetful, &["--var", "patient_id=p1"]);
    for id in [
        "CORE-CREATE-02",
        "CORE-CREATE-03",
        "CORE-UPDATE-02",
        "CORE-VREAD-01",
    ] {
        assert!(failed.contains(id), "{id} fails: {failed:?}");
    }
}

#[test]
fn a_server_refusing_updates_fails_the_update_check() {
    let (failed, _, _) = run_against(Mode::RefusesUpdates, &[]);
    assert!(failed.contains("CORE-UPDATE-01"), "{failed:?}");
    assert!(!failed.contains("CORE-CREATE-02"), "{failed:?}");
}
