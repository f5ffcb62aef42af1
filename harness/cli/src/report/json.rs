//! `report.json`: the run result as pretty-printed JSON (schema in `reports/report-schema.md`).

use anyhow::{Context, Result};

use crate::results::RunResult;

/// Serialises the run result, ending with a newline.
pub fn render(result: &RunResult) -> Result<String> {
    let mut text =
        serde_json::to_string_pretty(result).context("cannot serialise the run result to JSON")?;
    text.push('\n');
    Ok(text)
}
