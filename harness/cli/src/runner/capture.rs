//! Captures: variables set from a response (a JSON path or a header, optionally narrowed by a
//! regular expression).

use serde_json::Value;

use super::assert::{Checked, compile};
use super::json_path;
use super::response::ResponseView;
use super::variables::VarValue;
use crate::suite::{Capture, CaptureSource};

/// What a capture produced.
#[derive(Debug, Clone)]
pub enum Captured {
    /// The variable's new value.
    Value(VarValue),
    /// The response lacks what the capture reads: recorded as a failed check, since the server
    /// did not return what the checklist relies on.
    Missing(Checked),
}

/// Reads variable `name` from the response. A list capture (`all: true`) never misses: it may
/// be empty, and values the regex does not match are left out. `first_of` takes the value of
/// the first of its captures that finds one. `Err` means the capture is unusable (an invalid
/// regular expression).
pub fn capture(name: &str, capture: &Capture, view: &ResponseView<'_>) -> Result<Captured, String> {
    let CaptureSource::FirstOf(sources) = &capture.source else {
        return single(name, capture, view);
    };
    let mut misses = Vec::new();
    for source in sources {
        match single(name, source, view)? {
            Captured::Value(value) => return Ok(Captured::Value(value)),
            Captured::Missing(checked) => {
                misses.push(format!("{} from {}", checked.result.actual, label(source)))
            }
        }
    }
    Ok(missing(name, &label(capture), misses.join("; ")))
}

/// The failed check of a capture from `source` that found nothing (`actual` says what it found).
fn missing(name: &str, source: &str, actual: String) -> Captured {
    Captured::Missing(Checked::new(
        "",
        &format!("capture {name} from {source}"),
        format!("a value for {name} from {source}"),
        actual,
        false,
    ))
}

/// Where a capture reads: `header Location`, `meta.versionId`, `header Location or id`.
fn label(capture: &Capture) -> String {
    match &capture.source {
        CaptureSource::Json(path) => path.clone(),
        CaptureSource::Header(header) => format!("header {header}"),
        CaptureSource::FirstOf(sources) => {
            sources.iter().map(label).collect::<Vec<_>>().join(" or ")
        }
    }
}

/// A capture from one source (a JSON path or a header).
fn single(name: &str, capture: &Capture, view: &ResponseView<'_>) -> Result<Captured, String> {
    let regex = capture.regex.as_deref().map(compile).transpose()?;
    let narrow = |text: String| -> Option<String> {
        let Some(regex) = &regex else {
            return Some(text);
        };
        let found = regex.captures(&text)?;
        let chosen = found.get(1).or_else(|| found.get(0))?;
        Some(chosen.as_str().to_string())
    };
    let source = label(capture);
    let raw: Result<Vec<String>, String> = match &capture.source {
        CaptureSource::Json(path) => view.json().map_err(str::to_string).map(|document| {
            json_path::resolve(document, path)
                .into_iter()
                .map(as_text)
                .collect()
        }),
        CaptureSource::Header(header) => Ok(view
            .response
            .header_values(header)
            .into_iter()
            .map(str::to_string)
            .collect()),
        CaptureSource::FirstOf(_) => return self::capture(name, capture, view),
    };
    let missing = |actual: String| missing(name, &source, actual);
    let raw = match raw {
        Ok(raw) => raw,
        Err(not_json) => return Ok(missing(not_json)),
    };
    if capture.all {
        return Ok(Captured::Value(VarValue::List(
            raw.into_iter().filter_map(narrow).collect(),
        )));
    }
    let Some(first) = raw.into_iter().next() else {
        return Ok(missing("nothing".to_string()));
    };
    match narrow(first.clone()) {
        Some(value) => Ok(Captured::Value(VarValue::Text(value))),
        None => Ok(missing(format!(
            "{} not matching {}",
            super::assert::quote(&Value::String(first)),
            capture.regex.as_deref().unwrap_or_default()
        ))),
    }
}

/// A JSON value as a variable's text: strings as they are, anything else as JSON.
pub(super) fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
