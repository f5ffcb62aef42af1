//! `assure run --waivers FILE`: a waived failure is reported as waived in every report and
//! does not fail the run; an expired waiver fails it; a bad file is a usage error naming
//! `file:line:column`.

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

/// The read checks against the embedded server with `bare-404` on: CORE-READ-404 (SHALL)
/// fails.
fn run_waived(waivers: &Path, out: &Path) -> assert_cmd::assert::Assert {
    assure()
        .arg("run")
        .args([
            "--suite",
            &suite("data.yaml"),
            "--suite",
            &suite("read.yaml"),
        ])
        .args(["--defect", "bare-404", "--no-progress", "--waivers"])
        .arg(waivers)
        .arg("--out")
        .arg(out)
        .assert()
}

fn waiver_file(dir: &Path, expires: &str) -> std::path::PathBuf {
    let path = dir.join("waivers.yaml");
    fs::write(
        &path,
        format!(
            "waivers:\n  - id: CORE-READ-404\n    reason: bodies on 404 come with release 4.2\n    \
             owner: fhir-team@example.org\n    expires: {expires}\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_waived_failure_is_shown_everywhere_and_does_not_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let done = run_waived(&waiver_file(dir.path(), "2999-12-31"), &out).code(0);
    let stdout = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    assert!(
        stdout.contains("Waived failures (do not fail the run):\n  WAIVED SHALL  CORE-READ-404"),
        "{stdout}"
    );
    assert!(stdout.contains("waived until 2999-12-31 (owner: fhir-team@example.org)"));

    let report: Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let test = report["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|suite| suite["tests"].as_array().unwrap())
        .find(|test| test["id"] == "CORE-READ-404")
        .unwrap();
    assert_eq!(test["status"], "fail");
    assert_eq!(test["exemption"]["kind"], "waived");
    assert_eq!(report["options"]["waivers"][0]["expired"], false);
    assert!(
        report["options"]["waivers"][0]["source"]
            .as_str()
            .unwrap()
            .ends_with("waivers.yaml:2:5")
    );

    let junit = fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(junit.contains(r#"<failure type="waived" message="waived until 2999-12-31"#));
    let csv = fs::read_to_string(out.join("checklist.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",exemption"));
    let row = csv.lines().find(|l| l.contains("CORE-READ-404")).unwrap();
    assert!(
        row.contains(",fail,") && row.contains("waived until 2999-12-31"),
        "{row}"
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(r#"<span class="badge exempt">waived</span>"#));
    assert!(html.contains(r#"id="waivers""#) && html.contains(">applied<"));
    let testreport = fs::read_to_string(out.join("testreport.json")).unwrap();
    assert!(testreport.contains("this failure does not fail the run: waived until 2999-12-31"));
}

#[test]
fn an_expired_waiver_fails_the_run_and_names_itself() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let done = run_waived(&waiver_file(dir.path(), "2001-01-31"), &out).code(1);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "waivers.yaml:2:5: the waiver of CORE-READ-404 (owner: fhir-team@example.org) \
             expired after 2001-01-31"
        ),
        "{stderr}"
    );
    let report: Value =
        serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["options"]["waivers"][0]["expired"], true);
    // Not applied: the failure is a plain one.
    let csv = fs::read_to_string(out.join("checklist.csv")).unwrap();
    let row = csv.lines().find(|l| l.contains("CORE-READ-404")).unwrap();
    assert!(!row.contains("waived"), "{row}");
}

#[test]
fn a_bad_waiver_file_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waivers.yaml");
    fs::write(
        &path,
        "waivers:\n\
         \x20 - id: CORE-READ-4O4\n\
         \x20   reason: a typo\n\
         \x20   owner: me\n\
         \x20   expires: 2999-12-31\n\
         \x20 - id: SRCH-Patient-family-exact\n\
         \x20   reason: a generated check, accepted by its id's pattern\n\
         \x20   owner: me\n\
         \x20   expires: 2999-12-31\n\
         \x20 - id: CORE-READ-PAT\n\
         \x20   owner: ''\n\
         \x20   expires: 31/12/2999\n\
         \x20   colour: red\n\
         \x20 - id: CORE-READ-PAT\n\
         \x20   reason: r\n\
         \x20   owner: o\n\
         \x20   expires: 12/31/2999\n",
    )
    .unwrap();
    let done = assure()
        .arg("run")
        .args([
            "--suite",
            &suite("read.yaml"),
            "--suite",
            &suite("data.yaml"),
        ])
        .args(["--suite", &suite("search-generated.yaml"), "--waivers"])
        .arg(&path)
        .args(["--target", "http://127.0.0.1:9", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    let file = path.display().to_string();
    let expected = [
        format!(
            "error: {file}:2:9: no check has the id `CORE-READ-4O4`, and no generator of the \
             loaded suites makes it (did you mean `CORE-READ-404`?)"
        ),
        format!("error: {file}:10:5: the waiver has no `reason`"),
        format!("error: {file}:11:12: `owner` must be non-empty text"),
        format!(
            "error: {file}:13:5: unknown key `colour`: a waiver has id, reason, owner and expires"
        ),
        format!("error: {file}:17:14: `expires` must be a date as YYYY-MM-DD, not `12/31/2999`"),
    ];
    assert_eq!(stderr.lines().collect::<Vec<_>>(), expected, "{stderr}");
    assert!(!dir.path().join("out").exists(), "nothing ran");
}
