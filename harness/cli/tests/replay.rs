//! `assure run --record DIR` and `assure replay DIR`: a recorded run judged again offline gives
//! the same verdicts; a suite changed since is judged against the answers recorded; a request
//! the recording does not hold is an error that says so, never a failure of the server.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn assure() -> Command {
    Command::cargo_bin("assure").expect("assure binary")
}

fn suite(name: &str) -> String {
    format!("{}/../../suites/core/{name}", env!("CARGO_MANIFEST_DIR"))
}

const SUITES: [&str; 4] = [
    "data.yaml",
    "read.yaml",
    "capabilities.yaml",
    "profiles.yaml",
];

/// Every test's id → status and message.
fn verdicts(out: &Path) -> BTreeMap<String, (String, Option<String>)> {
    let report: Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    report["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tests"].as_array().unwrap())
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_owned(),
                (
                    t["status"].as_str().unwrap().to_owned(),
                    t["message"].as_str().map(str::to_owned),
                ),
            )
        })
        .collect()
}

#[test]
fn a_replay_gives_the_recorded_runs_verdicts_offline() {
    let dir = tempfile::tempdir().unwrap();
    let (recording, live, replayed) = (
        dir.path().join("recording"),
        dir.path().join("live"),
        dir.path().join("replayed"),
    );
    let mut run = assure();
    run.args(["run", "--no-progress", "--defect", "nonconformant-patients"]);
    for name in SUITES {
        run.args(["--suite", &suite(name)]);
    }
    run.arg("--record").arg(&recording).arg("--out").arg(&live);
    run.assert().code(1);
    assert!(recording.join("recording.jsonl").is_file());

    // The embedded server is gone; the replay needs no server.
    let mut replay = assure();
    replay.args(["replay"]).arg(&recording).arg("--no-progress");
    for name in SUITES {
        replay.args(["--suite", &suite(name)]);
    }
    replay.arg("--out").arg(&replayed);
    replay.assert().code(1);
    let (live, replayed_verdicts) = (verdicts(&live), verdicts(&replayed));
    assert_eq!(live, replayed_verdicts);
    assert_eq!(live["CORE-PROF-PAT"].0, "fail");
    let report: Value =
        serde_json::from_str(&fs::read_to_string(replayed.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        report["options"]["replay"],
        Value::from(recording.display().to_string())
    );
    // Twice the same.
    let again = dir.path().join("again");
    let mut replay = assure();
    replay.args(["replay"]).arg(&recording).arg("--no-progress");
    for name in SUITES {
        replay.args(["--suite", &suite(name)]);
    }
    replay.arg("--out").arg(&again).assert().code(1);
    assert_eq!(verdicts(&again), replayed_verdicts);
}

#[test]
fn a_changed_suite_is_judged_against_the_recorded_answers_and_an_unrecorded_request_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("recording");
    assure()
        .args(["run", "--no-progress", "--suite", &suite("data.yaml")])
        .args(["--suite", &suite("read.yaml")])
        .arg("--record")
        .arg(&recording)
        .arg("--out")
        .arg(dir.path().join("live"))
        .assert()
        .code(0);

    let suite_file = dir.path().join("changed.yaml");
    fs::write(
        &suite_file,
        r#"id: changed
title: Checks written after the run
fhir_version: 4.0.1
tests:
  - id: LATER-FAMILY
    title: The test patient's family name is Jones
    level: SHALL
    steps:
      - read: { type: Patient, id: "{{ patient_id }}" }
        expect:
          - status: 200
          - fhirpath: "name.first().family = 'Jones'"
  - id: LATER-UNRECORDED
    title: A read the recorded run never made
    level: SHALL
    steps:
      - read: { type: Patient, id: never-read-by-the-recorded-run }
        expect:
          - status: 404
"#,
    )
    .unwrap();
    let out = dir.path().join("replayed");
    let done = assure()
        .args(["replay"])
        .arg(&recording)
        .args(["--no-progress", "--suite", &suite("data.yaml"), "--suite"])
        .arg(&suite_file)
        .arg("--out")
        .arg(&out)
        .assert();
    let verdicts = verdicts(&out);
    assert_eq!(verdicts["LATER-FAMILY"].0, "pass", "{verdicts:?}");
    let (status, message) = &verdicts["LATER-UNRECORDED"];
    assert_eq!(status, "error");
    assert!(
        message.as_deref().unwrap().contains("not in the recording"),
        "{message:?}"
    );
    assert_ne!(done.get_output().status.code(), Some(2));
}

#[test]
fn a_replay_has_no_target_and_a_broken_recording_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("recording");
    fs::create_dir_all(&recording).unwrap();
    fs::write(recording.join("recording.jsonl"), "not a header\n").unwrap();
    let broken = assure().arg("replay").arg(&recording).assert().code(2);
    let stderr = String::from_utf8_lossy(&broken.get_output().stderr).into_owned();
    assert!(
        stderr.contains("recording.jsonl:1: expected the recording's header"),
        "{stderr}"
    );

    let with_target = assure()
        .arg("replay")
        .arg(&recording)
        .args(["--target", "http://127.0.0.1:9/fhir"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&with_target.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--target cannot be used with replay"),
        "{stderr}"
    );
}
