//! The command line end to end: exit codes, reports, redaction and the plan.

use std::net::TcpListener;

use assert_cmd::Command;
use predicates::prelude::*;

#[path = "support/report_files.rs"]
mod report_files;
use report_files::report_files;

fn assure() -> Command {
    Command::cargo_bin("assure").expect("assure binary")
}

/// A 127.0.0.1 URL on which nothing listens.
fn dead_target() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/fhir")
}

#[test]
fn a_default_run_passes_and_writes_every_report() {
    let out = tempfile::tempdir().expect("temp dir");
    assure()
        .args(["run", "--no-progress", "--out"])
        .arg(out.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 failed"));
    for file in ["report.html", "junit.xml", "report.json", "testreport.json"] {
        let path = out.path().join(file);
        assert!(
            path.metadata().map(|m| m.len() > 0).unwrap_or(false),
            "{file} written"
        );
    }
    // The report records how the run was asked for.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).expect("report"))
            .expect("JSON");
    assert_eq!(report["options"]["fail_on"], "shall");
    assert_eq!(report["options"]["concurrency"], 8);
    assert_eq!(report["options"]["suites"], serde_json::json!([]));
    // The manifest covers every report, and `report verify` tells an edited folder.
    let manifest = std::fs::read_to_string(out.path().join("manifest.sha256")).expect("manifest");
    for file in [
        "report.html",
        "junit.xml",
        "report.json",
        "testreport.json",
        "checklist.csv",
        "conformance.json",
    ] {
        assert!(
            manifest.contains(&format!("  {file}\n")),
            "{file} in {manifest}"
        );
    }
    // … and every body kept in evidence/.
    let evidence = std::fs::read_dir(out.path().join("evidence"))
        .expect("evidence folder")
        .count();
    assert!(evidence > 0, "long bodies are kept in evidence/");
    assure()
        .args(["report", "verify"])
        .arg(out.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "{} files match manifest.sha256",
            6 + evidence
        )));
    std::fs::write(out.path().join("report.html"), "<html>edited</html>").expect("edit");
    assure()
        .args(["report", "verify"])
        .arg(out.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "report.html: changed since the run",
        ));
    assure()
        .args(["report", "verify"])
        .arg(out.path().join("nowhere"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("manifest.sha256"));
}

#[test]
fn an_unreachable_target_is_one_error_with_exit_3_and_a_report() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = assure()
        .args([
            "run",
            "--no-progress",
            "--retries",
            "0",
            "--target",
            &dead_target(),
            "--out",
        ])
        .arg(out.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "exactly one error line:\n{stderr}");
    assert!(errors[0].contains("unreachable"), "{stderr}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).expect("report"))
            .expect("json");
    assert!(
        report["aborted"]
            .as_str()
            .expect("aborted reason")
            .contains("unreachable")
    );
}

#[test]
fn a_broken_suite_names_file_line_and_column_and_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let suite = dir.path().join("broken.yaml");
    std::fs::write(
        &suite,
        "id: broken\ntitle: Broken\ntests:\n  - id: T-1\n    title: t\n    level: MUST\n    steps: []\n",
    )
    .expect("write");
    assure()
        .args(["run", "--suite"])
        .arg(&suite)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.yaml:6:").and(predicate::str::contains("SHALL")));
}

#[test]
fn usage_errors_exit_2() {
    assure()
        .args(["run", "--defect", "no-such-defect"])
        .assert()
        .code(2);
    assure()
        .args([
            "run",
            "--defect",
            "bare-404",
            "--target",
            "http://127.0.0.1:9/fhir",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--target"));
    assure().args(["run", "--timeout", "soon"]).assert().code(2);
    assure()
        .args(["run", "--id", "NO-SUCH-TEST"])
        .assert()
        .code(2);
    assure()
        .args(["run", "--target", "not a url"])
        .assert()
        .code(2);
}

#[test]
fn a_gated_failure_exits_1_and_should_failures_gate_only_when_asked() {
    let out = tempfile::tempdir().expect("temp dir");
    // update-keeps-version breaks a SHALL (history) and a SHOULD (vread) check.
    assure()
        .args([
            "run",
            "--no-progress",
            "--defect",
            "update-keeps-version",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .code(1);
    // Only the SHOULD check, selected alone, fails: the default gate lets it through.
    assure()
        .args([
            "run",
            "--no-progress",
            "--defect",
            "update-keeps-version",
            "--id",
            "CORE-VREAD-02",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .code(0);
    assure()
        .args([
            "run",
            "--no-progress",
            "--defect",
            "update-keeps-version",
            "--id",
            "CORE-VREAD-02",
            "--fail-on",
            "should",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .code(1);
}

#[test]
fn secrets_given_as_headers_never_reach_a_report() {
    let out = tempfile::tempdir().expect("temp dir");
    let secret = "s3cr3t-token-value-42";
    let output = assure()
        .args(["run", "--no-progress", "--header"])
        // Not `Authorization`: the embedded server's own tokens are needed to pass.
        .arg(format!("X-Api-Key: {secret}"))
        .args([
            "--header",
            &format!("X-Custom-Key: {secret}-custom"),
            "--out",
        ])
        .arg(out.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let logs = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!logs.contains(secret), "secret in the terminal output");
    let mut redacted_somewhere = false;
    for path in report_files(out.path()) {
        let text = std::fs::read_to_string(path).expect("report text");
        assert!(!text.contains(secret), "secret in a report");
        redacted_somewhere |= text.contains("[REDACTED]");
    }
    assert!(redacted_somewhere, "the header is recorded, redacted");
}

#[test]
fn list_prints_the_plan_without_a_server() {
    assure()
        .args(["list", "--tag", "capabilities"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("CORE-CAP-01").and(predicate::str::contains("SHALL")))
        .stdout(predicate::str::contains("CORE-READ-PAT").not());
    let output = assure()
        .args(["list", "--format", "json"])
        .output()
        .expect("runs");
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json plan");
    assert!(plan["tests"].as_array().expect("tests").len() >= 40);
    // The search generator is listed with the ids it will make and its pinned levels.
    let generated = plan["generated"].as_array().expect("generated");
    let search = generated
        .iter()
        .find(|g| g["suite"] == "core-search-generated")
        .unwrap_or_else(|| panic!("no generator in {generated:?}"));
    assert_eq!(search["ids"], "SRCH-<Type>-<code>[-<variant>]");
    assert_eq!(search["combinations"]["Patient.name+gender"], "SHOULD");
    // The UK Core checklist pins the Care Connect Patient parameters, under its own prefix.
    let uk = generated
        .iter()
        .find(|g| g["suite"] == "uk-core-patient-search")
        .unwrap_or_else(|| panic!("no UK Core search generator in {generated:?}"));
    assert_eq!(uk["ids"], "UKCORE-SRCH-<Type>-<code>[-<variant>]");
    assert_eq!(uk["levels"]["Patient.family"], "SHALL");
    assert_eq!(uk["combinations"]["Patient.name+gender"], "SHALL");
    let profiles = plan["profiles"].as_array().expect("profiles");
    assert_eq!(
        profiles[0]["ids"],
        "UKCORE-<Name>-{INSTANCES,CONFORMS,MUST-SUPPORT,REFERENCES}"
    );
    assert_eq!(
        profiles[0]["canonical_prefix"],
        "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
    );
    assert!(
        search["variants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "chain")
    );
}

#[test]
fn serve_lists_its_defects() {
    assure()
        .args(["serve", "--list-defects"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("bare-404").and(predicate::str::contains("no-next-link")));
}

#[test]
fn control_characters_from_a_file_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("hostile.json");
    // An element name that would clear the screen, and one that would forge a line.
    std::fs::write(
        &file,
        r#"{"resourceType":"Patient","\u001b[2J\u0007":1,"x\nALL FILES VALID":2}"#,
    )
    .expect("file");
    let output = assure()
        .args(["validate"])
        .arg(&file)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.stdout.iter().any(|b| *b == 0x1b || *b == 0x07),
        "{stdout}"
    );
    assert!(stdout.contains("\\u{1b}[2J\\u{7}"), "{stdout}");
    assert!(
        !stdout
            .lines()
            .any(|line| line.starts_with("ALL FILES VALID")),
        "{stdout}"
    );
}

#[test]
fn validate_refuses_what_is_not_a_regular_file_or_too_large() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; 2 * 1024 * 1024]).expect("file");
    let started = std::time::Instant::now();
    for (args, says) in [
        (vec!["/dev/zero".to_string()], "not a regular file"),
        (vec![dir.path().display().to_string()], "not a regular file"),
        (
            vec![
                big.display().to_string(),
                "--max-file-mib".to_string(),
                "1".to_string(),
            ],
            "larger than 1 MiB",
        ),
    ] {
        let output = assure().arg("validate").args(&args).output().expect("runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}
