//! `checklist.csv`: the checklist matrix an assurance team files. One row per checklist item,
//! in plan order: suite, id, level, status, title, the requirement it cites, the verdict's
//! message, a link to its evidence in `report.html` and, for a failure that does not fail the
//! run, why (`waived until …`, `pre-existing: …`).
//!
//! Cells quote what the server said, so a cell that a spreadsheet would read as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`.

use anyhow::{Context, Result};

use super::HTML_FILE;
use super::exemption::exemption;
use super::html::test_anchor;
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

/// Renders the run as CSV (RFC 4180, with a header row).
pub fn render(result: &RunResult) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(COLUMNS)
        .context("cannot write the checklist matrix")?;
    let tests = result
        .suites
        .iter()
        .flat_map(|suite| suite.tests.iter().map(move |test| (suite, test)));
    for (index, (suite, test)) in tests.enumerate() {
        let evidence = format!("{HTML_FILE}#{}", test_anchor(index));
        let exempt = exemption(result, test).map(|exempt| exempt.describe());
        let row = [
            suite.id.as_str(),
            test.id.as_str(),
            test.level.as_str(),
            test.status.as_str(),
            test.title.as_str(),
            test.requirement.as_deref().unwrap_or(""),
            test.message.as_deref().unwrap_or(""),
            evidence.as_str(),
            exempt.as_deref().unwrap_or(""),
        ];
        writer
            .write_record(row.map(inert))
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
