//! `assure run --baseline DIR` fails only on regressions; `assure report diff OLD NEW` lists
//! what changed; `assure report annotations DIR` prints GitHub workflow commands.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn assure() -> Command {
    Command::cargo_bin("assure").expect("assure binary")
}

/// Runs the read checks against the embedded server with `defects` on.
fn run(out: &Path, defects: &[&str], baseline: Option<&Path>) -> assert_cmd::assert::Assert {
    let suites = format!("{}/../../suites/core", env!("CARGO_MANIFEST_DIR"));
    let mut command = assure();
    command
        .arg("run")
        .args(["--suite", &format!("{suites}/data.yaml")])
        .args(["--suite", &format!("{suites}/read.yaml"), "--no-progress"]);
    for defect in defects {
        command.args(["--defect", defect]);
    }
    if let Some(baseline) = baseline {
        command.arg("--baseline").arg(baseline);
    }
    command.arg("--out").arg(out).assert()
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

#[test]
fn only_regressions_fail_a_run_with_a_baseline_and_the_diff_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let (clean, broken) = (dir.path().join("clean"), dir.path().join("broken"));
    run(&clean, &[], None).code(0);
    run(&broken, &["bare-404"], None).code(1);

    // The same failure as the baseline's: pre-existing, the run passes.
    let again = dir.path().join("again");
    let done = run(&again, &["bare-404"], Some(&broken)).code(0);
    assert!(stdout(&done).contains("1 failure(s) pre-existing, 0 not in the baseline"));
    let report: Value =
        serde_json::from_str(&fs::read_to_string(again.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        report["options"]["baseline"]["failing"],
        serde_json::json!(["CORE-READ-404"])
    );
    let junit = fs::read_to_string(again.join("junit.xml")).unwrap();
    assert!(junit.contains(r#"<failure type="pre-existing""#));

    // Against a clean baseline the same failure is new: the run fails and says so.
    let regressed = dir.path().join("regressed");
    let done = run(&regressed, &["bare-404"], Some(&clean.join("report.json"))).code(1);
    let text = stdout(&done);
    assert!(
        text.contains("0 failure(s) pre-existing, 1 not in the baseline"),
        "{text}"
    );
    assert!(text.contains("  NEW    SHALL  CORE-READ-404"), "{text}");

    let diff = assure()
        .args(["report", "diff"])
        .arg(&clean)
        .arg(&broken)
        .assert()
        .code(1);
    let text = stdout(&diff);
    assert!(
        text.starts_with(
            "Newly failing (1):\n  FAIL  SHALL  CORE-READ-404  Reading an unknown id returns 404 \
             with an OperationOutcome (was pass)\n"
        ),
        "{text}"
    );
    assert!(text.ends_with("1 regression: failing now, not failing before.\n"));
    let back = assure()
        .args(["report", "diff"])
        .arg(broken.join("report.json"))
        .arg(&clean)
        .assert()
        .code(0);
    let text = stdout(&back);
    assert!(text.starts_with("Newly passing (1):\n  PASS  SHALL  CORE-READ-404"));
    assert!(text.ends_with("No regression.\n"));

    let annotations = assure()
        .args(["report", "annotations"])
        .arg(&broken)
        .assert()
        .code(0);
    let text = stdout(&annotations);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("::error file="));
    assert!(text.contains(",title=CORE-READ-404::[SHALL] Reading an unknown id"));
}

#[test]
fn a_report_that_cannot_be_read_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("report.json"), "{}").unwrap();
    assure()
        .args(["report", "diff"])
        .arg(dir.path())
        .arg(dir.path().join("nowhere"))
        .assert()
        .code(2);
}
