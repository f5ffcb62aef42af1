//! `testreport.json`: the run as FHIR R4 `TestReport` resources, for FHIR-native tooling: a
//! `Bundle` of type `collection` holding one TestReport per suite, in the order the suites were
//! loaded (one TestReport for the run when it stopped before any suite ran).
//!
//! Each checklist item of the suite becomes one `test`. Every step becomes an `operation` action
//! (result `error` when the step could not be carried out, else `pass`) followed by one `assert`
//! action per assertion (`pass`/`fail`). When those actions do not already show the test's
//! verdict (a skipped test, a failure reported only as a message), a final `assert` carries it,
//! with the verdict mapped to the R4 action result codes: pass→`pass`, fail→`fail`,
//! skip→`skip`, error→`error`. A TestReport's `result` is `pass` only when none of its tests
//! failed or errored; `score` is the percentage of its tests that passed. The data phase is the
//! `setup` of every TestReport: one `operation` per data item (found or supplied→`pass`,
//! missing→`skip`, error→`error`) whose message gives the value or the reason and the requests
//! sent. A failure that does not fail the run (waived, or pre-existing in the baseline) ends
//! with an `assert` of result `warning` saying why. Every TestReport of an aborted run has
//! status `stopped` and result `fail`, with the reason in the TestScript reference's display
//! text.

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::exemption::exemption;
use super::lines::{assertion_line, data_line, exchange_line};
use crate::results::{
    Counts, DataResult, DataStatus, RunResult, Status, StepResult, SuiteResult, TestResult,
};

/// The `tester` recorded in each resource.
pub const TESTER: &str = "assure";

/// The `identifier.system` of a TestReport: its value is the suite id.
pub const SUITE_SYSTEM: &str = "urn:assure:suite";

/// Renders the run as a pretty-printed FHIR R4 `collection` Bundle of TestReports.
pub fn render(result: &RunResult) -> Result<String> {
    let mut text = serde_json::to_string_pretty(&bundle(result))
        .context("cannot serialise the FHIR TestReport bundle")?;
    text.push('\n');
    Ok(text)
}

fn bundle(run: &RunResult) -> Value {
    let reports: Vec<Value> = if run.suites.is_empty() {
        vec![test_report(run, None)]
    } else {
        run.suites
            .iter()
            .map(|suite| test_report(run, Some(suite)))
            .collect()
    };
    let entries: Vec<Value> = reports
        .into_iter()
        .map(|report| json!({ "resource": report }))
        .collect();
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": run.started_at,
        "entry": entries,
    })
}

/// The TestReport of one suite, or of the whole run when no suite ran.
fn test_report(run: &RunResult, suite: Option<&SuiteResult>) -> Value {
    let tests: &[TestResult] = suite.map_or(&[], |suite| &suite.tests);
    let mut counts = Counts::default();
    tests.iter().for_each(|test| counts.add(test.status));
    let passed = run.aborted.is_none() && counts.fail == 0 && counts.error == 0;
    let mut report = Map::new();
    report.insert("resourceType".into(), json!("TestReport"));
    if let Some(suite) = suite {
        report.insert(
            "identifier".into(),
            json!({ "system": SUITE_SYSTEM, "value": suite.id }),
        );
    }
    let name = match suite {
        Some(suite) => format!(
            "{} suite {} run against {}",
            run.tool.name, suite.id, run.target.base_url
        ),
        None => format!("{} run against {}", run.tool.name, run.target.base_url),
    };
    report.insert("name".into(), json!(name));
    let checklist = suite.map(|suite| {
        format!(
            "{} checklist: {} (sha256 {})",
            run.tool.name, suite.id, suite.sha256
        )
    });
    let (status, script) = match (&run.aborted, checklist) {
        (Some(reason), None) => ("stopped", format!("run aborted: {reason}")),
        (Some(reason), Some(checklist)) => {
            ("stopped", format!("{checklist}; run aborted: {reason}"))
        }
        (None, Some(checklist)) => ("completed", checklist),
        (None, None) => (
            "completed",
            format!("{} checklist: no suite", run.tool.name),
        ),
    };
    report.insert("status".into(), json!(status));
    report.insert("testScript".into(), json!({ "display": script }));
    report.insert("result".into(), json!(if passed { "pass" } else { "fail" }));
    if counts.total > 0 {
        let score = (counts.pass as f64 * 10_000.0 / counts.total as f64).round() / 100.0;
        report.insert("score".into(), json!(score));
    }
    report.insert("tester".into(), json!(TESTER));
    report.insert("issued".into(), json!(run.started_at));
    report.insert(
        "participant".into(),
        json!([{ "type": "server", "uri": run.target.base_url }]),
    );
    if !run.data.is_empty() {
        let actions: Vec<Value> = run.data.iter().map(data_action).collect();
        report.insert("setup".into(), json!({ "action": actions }));
    }
    if !tests.is_empty() {
        let entries = tests.iter().map(|test| test_entry(run, test)).collect();
        report.insert("test".into(), Value::Array(entries));
    }
    Value::Object(report)
}

/// The setup action of one data item.
fn data_action(item: &DataResult) -> Value {
    let result = match item.status {
        DataStatus::Found | DataStatus::Supplied => "pass",
        DataStatus::Missing => "skip",
        DataStatus::Error => "error",
    };
    let mut lines = vec![data_line(item), item.description.clone()];
    lines.extend(item.exchanges.iter().map(exchange_line));
    json!({ "operation": { "result": result, "message": lines.join("\n\n") } })
}

fn test_entry(run: &RunResult, test: &TestResult) -> Value {
    let mut entry = Map::new();
    entry.insert("name".into(), json!(format!("{} {}", test.id, test.title)));
    let description = match &test.requirement {
        Some(requirement) => format!("{}: {requirement}", test.level.as_str()),
        None => test.level.as_str().to_string(),
    };
    entry.insert("description".into(), json!(description));
    let mut actions = actions(test);
    if let Some(exempt) = exemption(run, test) {
        actions.push(json!({ "assert": {
            "result": "warning",
            "message": format!("this failure does not fail the run: {}", exempt.describe()),
        }}));
    }
    entry.insert("action".into(), Value::Array(actions));
    Value::Object(entry)
}

fn actions(test: &TestResult) -> Vec<Value> {
    let mut actions = Vec::new();
    let mut verdict_shown = false;
    for step in &test.steps {
        let operation_result = if step.error.is_some() {
            "error"
        } else {
            "pass"
        };
        verdict_shown |= operation_result == result_code(test.status);
        actions.push(json!({ "operation": {
            "result": operation_result,
            "message": operation_message(step),
        }}));
        for assertion in &step.assertions {
            let code = if assertion.passed { "pass" } else { "fail" };
            verdict_shown |= code == result_code(test.status);
            actions.push(json!({ "assert": {
                "result": code,
                "message": assertion_line(assertion),
            }}));
        }
    }
    if actions.is_empty() || (test.status != Status::Pass && !verdict_shown) {
        let message = test
            .message
            .clone()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| format!("test {}", test.status.as_str()));
        actions.push(json!({ "assert": {
            "result": result_code(test.status),
            "message": message,
        }}));
    }
    actions
}

/// The step's name, each exchange as `METHOD URL → status`, and its error if any.
fn operation_message(step: &StepResult) -> String {
    let mut lines = vec![step.name.clone()];
    lines.extend(step.exchanges.iter().map(exchange_line));
    if let Some(error) = &step.error {
        lines.push(format!("error: {error}"));
    }
    lines.join("\n\n")
}

/// R4 `report-action-result-codes` for a verdict.
fn result_code(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Skip => "skip",
        Status::Error => "error",
    }
}
