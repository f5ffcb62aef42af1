//! The `evidence/` folder of a run: long bodies are kept whole, once each, by their SHA-256;
//! the reports point at them; the manifest covers them; a new run into the same folder leaves
//! none of the old ones; the HTML marks the body lines a failed validation points at.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn assure() -> Command {
    Command::cargo_bin("assure").expect("assure binary")
}

/// The capability and profile checks against the embedded server with `defects` on.
fn run(out: &Path, defects: &[&str]) -> assert_cmd::assert::Assert {
    let suites = format!("{}/../../suites/core", env!("CARGO_MANIFEST_DIR"));
    let mut command = assure();
    command
        .arg("run")
        .args(["--suite", &format!("{suites}/data.yaml")])
        .args(["--suite", &format!("{suites}/capabilities.yaml")])
        .args([
            "--suite",
            &format!("{suites}/profiles.yaml"),
            "--no-progress",
        ]);
    for defect in defects {
        command.args(["--defect", defect]);
    }
    command.arg("--out").arg(out).assert()
}

fn report(out: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap()).unwrap()
}

/// Every `body_file` of every exchange of every test, with the test's id.
fn body_files(report: &Value) -> Vec<(String, Value)> {
    let mut files = Vec::new();
    for test in report["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tests"].as_array().unwrap())
    {
        for exchange in test["steps"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["exchanges"].as_array().unwrap())
        {
            for part in [&exchange["request"], &exchange["response"]] {
                if part["body_file"].is_object() {
                    files.push((
                        test["id"].as_str().unwrap().to_owned(),
                        part["body_file"].clone(),
                    ));
                }
            }
        }
    }
    files
}

#[test]
fn long_bodies_are_kept_whole_once_each_and_the_reports_point_at_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&out, &[]).code(0);
    let report = report(&out);
    let files = body_files(&report);
    assert!(
        !files.is_empty(),
        "the CapabilityStatement is longer than the inline limit"
    );

    let mut statement_tests = HashSet::new();
    let mut paths = HashSet::new();
    for (test, file) in &files {
        let path = file["path"].as_str().unwrap();
        let bytes = fs::read(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let digest = hex::encode(Sha256::digest(&bytes));
        assert_eq!(file["sha256"], Value::from(digest.clone()), "{path}");
        assert_eq!(path, format!("evidence/{digest}.json"));
        assert_eq!(file["bytes"], Value::from(bytes.len()), "{path}");
        if bytes.starts_with(br#"{"resourceType":"CapabilityStatement""#) {
            statement_tests.insert(test.clone());
            paths.insert(path.to_owned());
        }
    }
    assert!(
        statement_tests.len() > 1,
        "several tests read the statement: {statement_tests:?}"
    );
    let on_disk: Vec<_> = fs::read_dir(out.join("evidence")).unwrap().collect();
    assert_eq!(
        on_disk.len(),
        files
            .iter()
            .map(|(_, f)| f["path"].as_str().unwrap())
            .collect::<HashSet<_>>()
            .len(),
        "each body once"
    );

    // The HTML shows the statement once and links to it from the other tests.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let path = paths.iter().next().unwrap();
    assert!(
        html.contains(&format!("href=\"{path}\"")),
        "the page links the file"
    );
    assert!(html.contains("Same body as shown in"));

    // The manifest covers the evidence, and verify checks it.
    let manifest = fs::read_to_string(out.join("manifest.sha256")).unwrap();
    assert!(manifest.contains(&format!("  {path}\n")), "{manifest}");
    assure()
        .args(["report", "verify"])
        .arg(&out)
        .assert()
        .code(0);
    fs::write(out.join(path), b"{}").unwrap();
    let verify = assure()
        .args(["report", "verify"])
        .arg(&out)
        .assert()
        .code(1);
    let said = String::from_utf8_lossy(&verify.get_output().stdout).into_owned();
    assert!(
        said.contains(&format!("{path}: changed since the run")),
        "{said}"
    );
}

#[test]
fn a_new_run_leaves_no_old_evidence_and_marks_the_lines_a_failed_validation_points_at() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&out, &[]).code(0);
    fs::write(
        out.join("evidence")
            .join(format!("{}.json", "a".repeat(64))),
        "{}",
    )
    .unwrap();
    run(&out, &["nonconformant-patients"]).code(1);
    let report = report(&out);
    let listed: HashSet<String> = body_files(&report)
        .into_iter()
        .map(|(_, f)| f["path"].as_str().unwrap().to_owned())
        .collect();
    for entry in fs::read_dir(out.join("evidence")).unwrap() {
        let name = format!("evidence/{}", entry.unwrap().file_name().to_string_lossy());
        assert!(
            listed.contains(&name),
            "{name} is left from the earlier run"
        );
    }

    // CORE-PROF-PAT fails on an element R4 does not define; its assertion says where, and
    // the page marks that line of the Patient it read.
    let test = report["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tests"].as_array().unwrap())
        .find(|t| t["id"] == "CORE-PROF-PAT")
        .unwrap();
    assert_eq!(test["status"], "fail");
    let failed = test["steps"][0]["assertions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["passed"] == false)
        .unwrap();
    let location = &failed["locations"][0];
    assert!(location["line"].as_u64().unwrap() > 0, "{failed}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let mark = html.find("<mark id=\"body-").expect("a marked line");
    let marked = &html[mark..mark + html[mark..].find("</mark>").unwrap()];
    assert!(marked.contains("nickname"), "{marked}");
    assert!(html.contains("\">line "), "the assertion links to the line");
}
