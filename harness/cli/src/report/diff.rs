//! `assure report diff OLD NEW`: what changed between two runs, check by check. A regression
//! is a check failing in NEW that did not fail in OLD (a check new in NEW included). Rendered
//! as text for people or as JSON for scripts.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::display::terminal_line;
use crate::results::{RunResult, Status, TestResult};

/// One check whose outcome changed.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The check as NEW has it (as OLD has it for a removed one).
    pub test: &'a TestResult,
    /// Its status in OLD; `None` for a check new in NEW.
    pub before: Option<Status>,
}

/// The checks whose outcome differs between two runs, each list in NEW's plan order (OLD's for
/// removed checks).
#[derive(Debug, Default)]
pub struct Diff<'a> {
    /// In both; failing in NEW, not in OLD.
    pub newly_failing: Vec<Change<'a>>,
    /// In both; passing in NEW, not in OLD.
    pub newly_passing: Vec<Change<'a>>,
    /// Only in NEW.
    pub added: Vec<Change<'a>>,
    /// Only in OLD.
    pub removed: Vec<&'a TestResult>,
}

impl Diff<'_> {
    /// The failures NEW has and OLD did not: newly failing checks and new checks that fail.
    pub fn regressions(&self) -> usize {
        self.newly_failing.len()
            + self
                .added
                .iter()
                .filter(|change| change.test.status == Status::Fail)
                .count()
    }
}

/// Compares NEW with OLD.
pub fn diff<'a>(old: &'a RunResult, new: &'a RunResult) -> Diff<'a> {
    let before: HashMap<&str, &TestResult> = tests(old).map(|t| (t.id.as_str(), t)).collect();
    let after: HashMap<&str, &TestResult> = tests(new).map(|t| (t.id.as_str(), t)).collect();
    let mut diff = Diff::default();
    for test in tests(new) {
        let Some(old_test) = before.get(test.id.as_str()) else {
            diff.added.push(Change { test, before: None });
            continue;
        };
        let change = Change {
            test,
            before: Some(old_test.status),
        };
        match test.status {
            Status::Fail if old_test.status != Status::Fail => diff.newly_failing.push(change),
            Status::Pass if old_test.status != Status::Pass => diff.newly_passing.push(change),
            _ => {}
        }
    }
    diff.removed = tests(old)
        .filter(|test| !after.contains_key(test.id.as_str()))
        .collect();
    diff
}

fn tests(run: &RunResult) -> impl Iterator<Item = &TestResult> {
    run.suites.iter().flat_map(|suite| &suite.tests)
}

/// The diff as text: one section per kind of change that has any, then the regression count.
pub fn render(diff: &Diff<'_>) -> String {
    let mut out = String::new();
    let sections = [
        ("Newly failing", &diff.newly_failing),
        ("Newly passing", &diff.newly_passing),
        ("New checks", &diff.added),
    ];
    for (heading, changes) in sections {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{heading} ({}):", changes.len());
        for change in changes.iter() {
            let was = change
                .before
                .map(|status| format!(" (was {})", status.as_str()))
                .unwrap_or_default();
            let _ = writeln!(out, "  {}{was}", line(change.test));
            if change.test.status == Status::Fail
                && let Some(message) = &change.test.message
            {
                let _ = writeln!(out, "        {}", terminal_line(message));
            }
        }
    }
    if !diff.removed.is_empty() {
        let _ = writeln!(out, "Removed checks ({}):", diff.removed.len());
        for test in &diff.removed {
            let _ = writeln!(out, "  {}", line(test));
        }
    }
    let _ = match diff.regressions() {
        0 => writeln!(out, "No regression."),
        count => writeln!(
            out,
            "{count} regression{}: failing now, not failing before.",
            if count == 1 { "" } else { "s" }
        ),
    };
    out
}

/// One side of a diff as named on the command line.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The folder or `report.json` given.
    pub path: &'a str,
    /// The run read from it.
    pub run: &'a RunResult,
}

/// The diff as a pretty-printed JSON object: `old_run` and `new_run` (`path`, `started_at`,
/// `target`), the lists `newly_failing`, `newly_passing`, `new` and `removed` (each check as
/// `id`, `level`, `title`, `old_status`, `new_status`, `message`), and `regression`.
pub fn render_json(diff: &Diff<'_>, old: Side<'_>, new: Side<'_>) -> String {
    let changes = |changes: &[Change<'_>]| -> Vec<Value> {
        changes
            .iter()
            .map(|change| check(change.test, change.before, Some(change.test.status)))
            .collect()
    };
    let removed: Vec<Value> = diff
        .removed
        .iter()
        .map(|test| check(test, Some(test.status), None))
        .collect();
    let value = json!({
        "old_run": side(old),
        "new_run": side(new),
        "newly_failing": changes(&diff.newly_failing),
        "newly_passing": changes(&diff.newly_passing),
        "new": changes(&diff.added),
        "removed": removed,
        "regression": diff.regressions() > 0,
    });
    format!("{value:#}\n")
}

fn side(side: Side<'_>) -> Value {
    json!({
        "path": side.path,
        "started_at": side.run.started_at,
        "target": side.run.target.base_url,
    })
}

/// A check with its status in OLD and in NEW (`null` where it is absent) and its message (NEW's;
/// OLD's for a removed check).
fn check(test: &TestResult, old: Option<Status>, new: Option<Status>) -> Value {
    json!({
        "id": test.id,
        "level": test.level.as_str(),
        "title": test.title,
        "old_status": old.map(Status::as_str),
        "new_status": new.map(Status::as_str),
        "message": test.message,
    })
}

/// `FAIL  SHALL  ID  title`.
fn line(test: &TestResult) -> String {
    terminal_line(&format!(
        "{:<5} {:<6} {}  {}",
        test.status.as_str().to_ascii_uppercase(),
        test.level.as_str(),
        test.id,
        test.title
    ))
    .into_owned()
}
