//! `report.json`: the run result as pretty-printed JSON (schema in `reports/report-schema.md`).
//!
//! Each test object ends with `exemption`: `null`, or `{ "kind", "description" }` for a failure
//! that does not fail the run ([`exemption`]).

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::exemption::exemption;
use crate::results::RunResult;

/// Serialises the run result, ending with a newline.
pub fn render(result: &RunResult) -> Result<String> {
    let mut value = serde_json::to_value(result).context("cannot serialise the run result")?;
    let suites = value
        .get_mut("suites")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten();
    for (suite, results) in suites.zip(result.suites.iter()) {
        let objects = suite
            .get_mut("tests")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten();
        for (object, test) in objects.zip(&results.tests) {
            let exempt = exemption(result, test)
                .map(|exempt| json!({ "kind": exempt.kind(), "description": exempt.describe() }));
            if let Value::Object(fields) = object {
                fields.insert("exemption".into(), exempt.unwrap_or(Value::Null));
            }
        }
    }
    let mut text =
        serde_json::to_string_pretty(&value).context("cannot serialise the run result to JSON")?;
    text.push('\n');
    Ok(text)
}
