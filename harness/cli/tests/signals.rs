//! Stopping a run: SIGINT and SIGTERM write reports marked as stopped, a second signal quits
//! at once, `--deadline` stops the run, and reports of an earlier run never outlive the start
//! of a new one.
#![cfg(unix)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{Uri, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

/// A target whose CapabilityStatement comes at once and whose every other answer takes a
/// minute: a run against it is always in flight when the signal comes.
fn slow_target(runtime: &tokio::runtime::Runtime) -> String {
    async fn answer(uri: Uri) -> axum::response::Response {
        if uri.path().ends_with("/metadata") {
            let statement = json!({"resourceType": "CapabilityStatement", "fhirVersion": "4.0.1",
                "rest": [{"mode": "server", "resource": [{"type": "Patient",
                "interaction": [{"code": "read"}, {"code": "search-type"}]}]}]});
            return (
                [(header::CONTENT_TYPE, "application/fhir+json")],
                statement.to_string(),
            )
                .into_response();
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
        "late".into_response()
    }
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}/fhir", listener.local_addr().expect("addr"));
    runtime.spawn(async move { axum::serve(listener, Router::new().fallback(answer)).await });
    base
}

/// `assure run` against `base`, writing into `out`, started in the background.
fn start_run(base: &str, out: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_assure"))
        .args([
            "run",
            "--no-progress",
            "--target",
            base,
            "--var",
            "patient_id=p1",
        ])
        .arg("--out")
        .arg(out)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("assure starts")
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{name}");
}

/// Waits at most `limit` for `child`; its exit code and how long it took.
fn finish(mut child: Child, limit: Duration) -> (Option<i32>, Duration) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return (status.code(), started.elapsed());
        }
        if started.elapsed() > limit {
            child.kill().expect("kill");
            panic!("assure did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until the run has sent its first slow request (its data phase has begun).
fn until_in_flight() {
    std::thread::sleep(Duration::from_millis(1500));
}

fn report(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
        .expect("JSON")
}

/// Asserts `report` is marked stopped for `why` and no test is left without a verdict.
fn assert_stopped(report: &Value, why: &str) {
    let aborted = report["aborted"].as_str().expect("aborted is set");
    assert!(aborted.contains(why), "{aborted}");
    let tests: Vec<&Value> = report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|suite| suite["tests"].as_array().expect("tests"))
        .collect();
    assert!(!tests.is_empty(), "every planned test is listed");
    let cancelled = tests
        .iter()
        .filter(|test| test["status"] == "error")
        .filter(|test| {
            test["message"]
                .as_str()
                .is_some_and(|message| message.starts_with("cancelled before it finished"))
        })
        .count();
    assert!(cancelled > 0, "unfinished tests are errors saying so");
}

#[test]
fn sigint_stops_the_run_and_writes_reports_marked_stopped() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let base = slow_target(&runtime);
    let out = tempfile::tempdir().expect("temp dir");
    std::fs::write(out.path().join("junit.xml"), "stale").expect("stale report");
    let child = start_run(&base, out.path(), &[]);
    until_in_flight();
    signal(&child, "INT");
    let (code, took) = finish(child, Duration::from_secs(20));
    assert_eq!(code, Some(130));
    assert!(took < Duration::from_secs(10), "stopped in {took:?}");
    assert_stopped(&report(out.path()), "interrupted by SIGINT");
    let junit = std::fs::read_to_string(out.path().join("junit.xml")).expect("junit");
    assert!(junit.contains("cancelled before it finished"), "{junit}");
    let html = std::fs::read_to_string(out.path().join("report.html")).expect("html");
    assert!(html.contains("Run stopped early"));
}

#[test]
fn sigterm_stops_the_run_with_exit_143() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let base = slow_target(&runtime);
    let out = tempfile::tempdir().expect("temp dir");
    let child = start_run(&base, out.path(), &[]);
    until_in_flight();
    signal(&child, "TERM");
    let (code, _) = finish(child, Duration::from_secs(20));
    assert_eq!(code, Some(143));
    assert_stopped(&report(out.path()), "interrupted by SIGTERM");
}

#[test]
fn a_second_signal_quits_at_once() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let base = slow_target(&runtime);
    let out = tempfile::tempdir().expect("temp dir");
    // A long timeout, so that only the signals can end the run early.
    let child = start_run(&base, out.path(), &["--timeout", "5m"]);
    until_in_flight();
    signal(&child, "INT");
    signal(&child, "INT");
    let (code, took) = finish(child, Duration::from_secs(20));
    assert_eq!(code, Some(130));
    assert!(took < Duration::from_secs(10), "quit in {took:?}");
}

#[test]
fn the_deadline_stops_the_run() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let base = slow_target(&runtime);
    let out = tempfile::tempdir().expect("temp dir");
    let child = start_run(&base, out.path(), &["--deadline", "2s"]);
    let (code, took) = finish(child, Duration::from_secs(30));
    // Unfinished tests are errors and none failed: no verdict.
    assert_eq!(code, Some(3));
    assert!(took < Duration::from_secs(15), "stopped in {took:?}");
    assert_stopped(&report(out.path()), "the run's deadline of 2s passed");
}

#[test]
fn a_run_killed_outright_leaves_no_earlier_report_behind() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let base = slow_target(&runtime);
    let out = tempfile::tempdir().expect("temp dir");
    for name in ["report.json", "junit.xml", "report.html", "testreport.json"] {
        std::fs::write(out.path().join(name), "an earlier, passing run").expect("stale");
    }
    let child = start_run(&base, out.path(), &[]);
    until_in_flight();
    signal(&child, "KILL");
    finish(child, Duration::from_secs(20));
    let left: Vec<String> = std::fs::read_dir(out.path())
        .expect("out")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != "evidence")
        .collect();
    // Bodies kept as evidence before the kill may stay; no report may.
    assert!(left.is_empty(), "left behind: {left:?}");
}
