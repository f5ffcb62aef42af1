//! `assure report diff --format json` and `assure report annotations --format json`: the
//! structure scripts read, for a run with a defect against a clean run.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

fn assure() -> Command {
    Command::cargo_bin("assure").expect("assure binary")
}

/// The read suite's file, as the runs below load it.
fn read_suite() -> String {
    format!("{}/../../suites/core/read.yaml", env!("CARGO_MANIFEST_DIR"))
}

/// Runs the read checks against the embedded server with `defects` on; returns the exit code.
fn run(out: &Path, defects: &[&str]) -> i32 {
    let data = format!("{}/../../suites/core/data.yaml", env!("CARGO_MANIFEST_DIR"));
    let mut command = assure();
    command
        .args(["run", "--no-progress", "--suite", &data, "--suite"])
        .arg(read_suite());
    for defect in defects {
        command.args(["--defect", defect]);
    }
    let output = command.arg("--out").arg(out).output().expect("runs");
    output.status.code().expect("exit code")
}

/// Runs `assure report ARGS…`: its exit code and its standard output parsed as JSON.
fn report(args: &[&str], paths: &[&Path]) -> (i32, Value) {
    let output = assure()
        .arg("report")
        .args(args)
        .args(paths)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (output.status.code().expect("exit code"), value)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).expect("readable")).expect("JSON")
}

/// The `old_run`/`new_run` object a diff gives a report folder.
fn identity(path: &Path) -> Value {
    let report = read_json(&path.join("report.json"));
    json!({
        "path": path.display().to_string(),
        "started_at": report["started_at"],
        "target": report["target"]["base_url"],
    })
}

#[test]
fn diff_as_json_names_both_runs_and_each_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (clean, broken) = (dir.path().join("clean"), dir.path().join("broken"));
    assert_eq!(run(&clean, &[]), 0);
    assert_eq!(run(&broken, &["bare-404"]), 1);
    let failure = read_json(&broken.join("report.json"))["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|suite| suite["tests"].as_array().expect("tests"))
        .find(|test| test["id"] == "CORE-READ-404")
        .expect("CORE-READ-404")["message"]
        .clone();
    assert!(failure.as_str().is_some_and(|m| m.contains("empty body")));

    // A regression: exit 1, as with text.
    let (code, diff) = report(&["diff"], &[&clean, &broken]);
    assert_eq!(code, 1);
    let keys: Vec<&str> = diff
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "old_run",
            "new_run",
            "newly_failing",
            "newly_passing",
            "new",
            "removed",
            "regression"
        ]
    );
    assert_eq!(diff["old_run"], identity(&clean));
    assert_eq!(diff["new_run"], identity(&broken));
    assert_ne!(diff["old_run"]["started_at"], diff["new_run"]["started_at"]);
    assert_eq!(
        diff["newly_failing"],
        json!([{
            "id": "CORE-READ-404",
            "level": "SHALL",
            "title": "Reading an unknown id returns 404 with an OperationOutcome",
            "old_status": "pass",
            "new_status": "fail",
            "message": failure,
        }])
    );
    for list in ["newly_passing", "new", "removed"] {
        assert_eq!(diff[list], json!([]), "{list}");
    }
    assert_eq!(diff["regression"], true);

    // The other way round: newly passing, no regression, exit 0.
    let (code, back) = report(&["diff"], &[&broken.join("report.json"), &clean]);
    assert_eq!(code, 0);
    assert_eq!(back["old_run"]["path"], json!(broken.join("report.json")));
    assert_eq!(back["newly_passing"][0]["id"], "CORE-READ-404");
    assert_eq!(back["newly_passing"][0]["old_status"], "fail");
    assert_eq!(back["newly_passing"][0]["new_status"], "pass");
    assert_eq!(back["newly_failing"], json!([]));
    assert_eq!(back["regression"], false);

    // A check only in NEW (failing: a regression) and one only in OLD.
    let mut edited = read_json(&broken.join("report.json"));
    let test = edited["suites"]
        .as_array_mut()
        .expect("suites")
        .iter_mut()
        .flat_map(|suite| suite["tests"].as_array_mut().expect("tests"))
        .find(|test| test["id"] == "CORE-READ-404")
        .expect("CORE-READ-404");
    test["id"] = json!("CORE-READ-404-RENAMED");
    let renamed = dir.path().join("renamed.json");
    fs::write(&renamed, edited.to_string()).expect("written");
    let (code, moved) = report(&["diff"], &[&clean, &renamed]);
    assert_eq!(code, 1);
    assert_eq!(moved["newly_failing"], json!([]));
    assert_eq!(moved["new"][0]["id"], "CORE-READ-404-RENAMED");
    assert_eq!(moved["new"][0]["old_status"], Value::Null);
    assert_eq!(moved["new"][0]["new_status"], "fail");
    assert_eq!(moved["new"][0]["message"], failure);
    assert_eq!(moved["removed"][0]["id"], "CORE-READ-404");
    assert_eq!(moved["removed"][0]["old_status"], "pass");
    assert_eq!(moved["removed"][0]["new_status"], Value::Null);
    assert_eq!(moved["removed"][0]["message"], Value::Null);
    assert_eq!(moved["regression"], true);

    // Two identical runs: empty lists.
    let (code, same) = report(&["diff"], &[&clean, &clean]);
    assert_eq!(code, 0);
    for list in ["newly_failing", "newly_passing", "new", "removed"] {
        assert_eq!(same[list], json!([]), "{list}");
    }
    assert_eq!(same["regression"], false);

    // Annotations: one error for the failure, naming the suite file; none for a clean run.
    let (code, annotations) = report(&["annotations"], &[&broken]);
    assert_eq!(code, 0);
    assert_eq!(
        annotations,
        json!([{
            "level": "error",
            "file": read_suite(),
            "title": "CORE-READ-404",
            "id": "CORE-READ-404",
            "message": format!(
                "[SHALL] Reading an unknown id returns 404 with an OperationOutcome: {}",
                failure.as_str().unwrap()
            ),
        }])
    );
    let (code, none) = report(&["annotations"], &[&clean]);
    assert_eq!(code, 0);
    assert_eq!(none, json!([]));
}

#[test]
fn annotations_as_json_say_why_a_run_stopped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}/fhir", listener.local_addr().expect("addr"));
    drop(listener);
    let out = dir.path().join("dead");
    let code = assure()
        .args(["run", "--no-progress", "--retries", "0", "--target", &dead])
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs")
        .status
        .code();
    assert_eq!(code, Some(3));
    let (code, annotations) = report(&["annotations"], &[&out]);
    assert_eq!(code, 0);
    let items = annotations.as_array().expect("a list");
    assert_eq!(items.len(), 1, "{annotations:#}");
    assert_eq!(items[0]["level"], "error");
    assert_eq!(items[0]["title"], "assure run stopped");
    assert_eq!(items[0]["id"], Value::Null);
    assert_eq!(items[0]["file"], Value::Null);
    assert!(
        items[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("unreachable"))
    );
}
