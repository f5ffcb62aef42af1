//! `testreport.json`: the run as a FHIR R4 `TestReport` resource, for FHIR-native tooling.
//!
//! Each checklist item becomes one `test`. Every step becomes an `operation` action (result
//! `error` when the step could not be carried out, else `pass`) followed by one `assert` action
//! per assertion (`pass`/`fail`). When those actions do not already show the test's verdict
//! (a skipped test, a failure reported only as a message), a final `assert` carries it, with the
//! verdict mapped to the R4 action result codes: pass→`pass`, fail→`fail`, skip→`skip`,
//! error→`error`. The report's `result` is `pass` only when nothing failed or errored; `score`
//! is the percentage of tests that passed. The data phase is the `setup`: one `operation` per
//! data item (found or supplied→`pass`, missing→`skip`, error→`error`) whose message gives the
//! value or the reason and the requests sent. A failure that does not fail the run (waived, or
//! pre-existing in the baseline) ends with an `assert` of result `warning` saying why. A run
//! aborted before any test has status `stopped` and result `fail`, with the reason as the
//! TestScript reference's display text.

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::evidence::{assertion_line, data_line, exchange_line};
use super::exemption::exemption;
use crate::results::{DataResult, DataStatus, RunResult, Status, StepResult, TestResult};

/// The `tester` recorded in the resource.
pub const TESTER: &str = "assure";

/// Renders the run as a pretty-printed FHIR R4 TestReport JSON resource.
pub fn render(result: &RunResult) -> Result<String> {
    let mut text = serde_json::to_string_pretty(&test_report(result))
        .context("cannot serialise the FHIR TestReport")?;
    text.push('\n');
    Ok(text)
}

fn test_report(run: &RunResult) -> Value {
    let overall = run.summary.overall;
    let passed = run.aborted.is_none() && overall.fail == 0 && overall.error == 0;
    let suites: Vec<String> = run
        .suites
        .iter()
        .map(|suite| format!("{} (sha256 {})", suite.id, suite.sha256))
        .collect();
    let mut report = Map::new();
    report.insert("resourceType".into(), json!("TestReport"));
    report.insert(
        "name".into(),
        json!(format!(
            "{} run against {}",
            run.tool.name, run.target.base_url
        )),
    );
    let (status, script) = match &run.aborted {
        Some(reason) => ("stopped", format!("run aborted: {reason}")),
        None => (
            "completed",
            format!("{} checklist: {}", run.tool.name, suites.join(", ")),
        ),
    };
    report.insert("status".into(), json!(status));
    report.insert("testScript".into(), json!({ "display": script }));
    report.insert("result".into(), json!(if passed { "pass" } else { "fail" }));
    if overall.total > 0 {
        let score = (overall.pass as f64 * 10_000.0 / overall.total as f64).round() / 100.0;
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
    let tests: Vec<Value> = run
        .suites
        .iter()
        .flat_map(|suite| &suite.tests)
        .map(|test| test_entry(run, test))
        .collect();
    if !tests.is_empty() {
        report.insert("test".into(), Value::Array(tests));
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
