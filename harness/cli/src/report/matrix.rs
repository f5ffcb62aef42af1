//! `checklist.csv`: the checklist matrix an assurance team files. One row per checklist item,
//! in plan order: suite, id, level, status, title, the requirement it cites, the verdict's
//! message, a link to its evidence in `report.html` and, for a failure that does not fail the
//! run, why (`waived until …`, `pre-existing: …`). [`rows`] is the one row model; the matrix
//! section of `report.html` shows the same rows.
//!
//! Cells quote what the server said, so a cell that a spreadsheet would read as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`.

use anyhow::{Context, Result};
use serde::Serialize;

use super::exemption::exemption;
use super::{HTML_FILE, test_anchor};
use crate::results::RunResult;

/// The header row.
pub const COLUMNS: [&str; 9] = [
    "suite",
    "id",
    "level",
    "status",
    "title",
    "requirement",
    "message",
    "evidence",
    "exemption",
];

/// One checklist item of the matrix, as both `checklist.csv` and the matrix section of
/// `report.html` show it.
#[derive(Debug, Clone, Serialize)]
pub struct Row<'a> {
    pub suite: &'a str,
    pub id: &'a str,
    pub level: &'static str,
    pub status: &'static str,
    pub title: &'a str,
    /// The requirement cited, or empty.
    pub requirement: &'a str,
    /// The verdict's message, or empty.
    pub message: &'a str,
    /// The element id of the test's evidence in `report.html` (`test-N`).
    pub anchor: String,
    /// Why a failure does not fail the run, or empty.
    pub exemption: String,
}

/// The rows of the matrix, one per test in plan order.
pub fn rows(result: &RunResult) -> Vec<Row<'_>> {
    result
        .suites
        .iter()
        .flat_map(|suite| suite.tests.iter().map(move |test| (suite, test)))
        .enumerate()
        .map(|(index, (suite, test))| Row {
            suite: &suite.id,
            id: &test.id,
            level: test.level.as_str(),
            status: test.status.as_str(),
            title: &test.title,
            requirement: test.requirement.as_deref().unwrap_or(""),
            message: test.message.as_deref().unwrap_or(""),
            anchor: test_anchor(index),
            exemption: exemption(result, test)
                .map(|exempt| exempt.describe())
                .unwrap_or_default(),
        })
        .collect()
}

/// Renders the run as CSV (RFC 4180, with a header row).
pub fn render(result: &RunResult) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(COLUMNS)
        .context("cannot write the checklist matrix")?;
    for row in rows(result) {
        let evidence = format!("{HTML_FILE}#{}", row.anchor);
        let cells = [
            row.suite,
            row.id,
            row.level,
            row.status,
            row.title,
            row.requirement,
            row.message,
            evidence.as_str(),
            row.exemption.as_str(),
        ];
        writer
            .write_record(cells.map(inert))
            .context("cannot write the checklist matrix")?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("cannot write the checklist matrix: {error}"))?;
    String::from_utf8(bytes).context("the checklist matrix is not UTF-8")
}

/// `text`, with `'` in front when a spreadsheet would take it for a formula.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_made_inert_and_other_text_is_left_alone() {
        assert_eq!(
            inert("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(inert("-1+2"), "'-1+2");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("expected 200, got 500"), "expected 200, got 500");
    }
}
