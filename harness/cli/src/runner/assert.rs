//! Assertions on a response: one function per assertion kind, each producing an
//! [`AssertionResult`] (description, expected, actual) and a one-line failure message such as
//! `expected status 201, got 200`.
//!
//! Assertions arrive already interpolated. An `Err` means the assertion itself is unusable (an
//! invalid regular expression after interpolation, no FHIR definitions for `conforms`): a
//! harness error, not a server failure.

mod conforms;
mod fhirpath;
mod internals;

use std::sync::Arc;

use assure_validate::ReferenceResolver;
use regex::Regex;
use serde_json::Value;

use super::json_path;
use super::response::ResponseView;
use crate::results::AssertionResult;
use crate::suite::{Assertion, CountBounds, HeaderMatch, JsonCheck, JsonMatch, StatusMatch};
use crate::validation::Validation;

/// JSON values quoted in messages are cut to this many characters.
const MAX_QUOTED_CHARS: usize = 120;

/// An evaluated assertion and the sentence that explains its failure.
#[derive(Debug, Clone)]
pub struct Checked {
    pub result: AssertionResult,
    /// `expected <subject> <expected>, got <actual>`; meaningful when the assertion failed.
    pub failure: String,
}

impl Checked {
    /// `subject` names what is inspected (`status`); `claim` completes the description
    /// (`is 201`); `expected` and `actual` are the values compared.
    pub fn new(
        subject: &str,
        claim: &str,
        expected: String,
        actual: String,
        passed: bool,
    ) -> Checked {
        let (description, failure) = if subject.is_empty() {
            (
                claim.to_string(),
                format!("expected {expected}, got {actual}"),
            )
        } else {
            (
                format!("{subject} {claim}"),
                format!("expected {subject} {expected}, got {actual}"),
            )
        };
        Checked {
            result: AssertionResult {
                description,
                passed,
                expected,
                actual,
                locations: Vec::new(),
            },
            failure,
        }
    }
}

/// Evaluates one assertion against a response; `conforms` validates with `validation`,
/// resolving references outside the body with `received`.
pub async fn evaluate(
    assertion: &Assertion,
    view: &ResponseView<'_>,
    validation: &Validation,
    received: Option<Arc<dyn ReferenceResolver>>,
) -> Result<Checked, String> {
    match assertion {
        Assertion::Conforms(expectation) => {
            conforms::conforms(expectation, view.response, validation, received).await
        }
        Assertion::Status(accepted) => Ok(status(accepted, view)),
        Assertion::Header(header_match) => header(header_match, view),
        Assertion::ContentType(media_type) => Ok(content_type(media_type, view)),
        Assertion::ResourceType(resource_type) => Ok(resource_type_is(resource_type, view)),
        Assertion::BundleType(bundle_type) => Ok(bundle_type_is(bundle_type, view)),
        Assertion::EntryCount(bounds) => Ok(entry_count(bounds, view)),
        Assertion::OperationOutcome => Ok(operation_outcome(view)),
        Assertion::Json(json_match) => json(json_match, view),
        Assertion::FhirPath(check) => fhirpath::fhirpath(check, view),
        Assertion::NoInternals => Ok(internals::no_internals(view)),
    }
}

fn status(accepted: &StatusMatch, view: &ResponseView<'_>) -> Checked {
    let actual = view.response.status;
    let passed = accepted.codes.contains(&actual)
        || accepted
            .ranges
            .iter()
            .any(|(low, high)| (*low..=*high).contains(&actual));
    let expected = describe_statuses(accepted);
    let claim = format!("is {expected}");
    Checked::new("status", &claim, expected, actual.to_string(), passed)
}

/// `200`, `200 or 201`, `2xx`, `200-204`.
fn describe_statuses(accepted: &StatusMatch) -> String {
    let codes = accepted.codes.iter().map(u16::to_string);
    let ranges = accepted.ranges.iter().map(|&(low, high)| {
        if low % 100 == 0 && high == low + 99 {
            format!("{}xx", low / 100)
        } else {
            format!("{low}-{high}")
        }
    });
    let parts: Vec<String> = codes.chain(ranges).collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(" or ")
    }
}

fn header(expectation: &HeaderMatch, view: &ResponseView<'_>) -> Result<Checked, String> {
    let subject = format!("header {}", expectation.name);
    let values = view.response.header_values(&expectation.name);
    let actual = if values.is_empty() {
        "absent".to_string()
    } else {
        values.join(", ")
    };
    if !expectation.present {
        let passed = values.is_empty();
        return Ok(Checked::new(
            &subject,
            "is absent",
            "absent".into(),
            actual,
            passed,
        ));
    }
    if let Some(pattern) = &expectation.not_matches {
        let regex = compile(pattern)?;
        let passed = !values.iter().any(|value| regex.is_match(value));
        return Ok(Checked::new(
            &subject,
            &format!("does not match {pattern}"),
            format!("absent or not matching {pattern}"),
            actual,
            passed,
        ));
    }
    let regex = expectation.matches.as_deref().map(compile).transpose()?;
    let satisfies = |value: &str| {
        expectation
            .equals
            .as_deref()
            .is_none_or(|equals| value == equals)
            && regex.as_ref().is_none_or(|regex| regex.is_match(value))
    };
    let passed = values.iter().any(|value| satisfies(value));
    let (claim, expected) = match (&expectation.equals, &expectation.matches) {
        (None, None) => ("is present".to_string(), "present".to_string()),
        (Some(equals), None) => (format!("is {equals}"), equals.clone()),
        (None, Some(pattern)) => (format!("matches {pattern}"), format!("matching {pattern}")),
        (Some(equals), Some(pattern)) => (
            format!("is {equals} and matches {pattern}"),
            format!("{equals} (matching {pattern})"),
        ),
    };
    Ok(Checked::new(&subject, &claim, expected, actual, passed))
}

fn content_type(expected: &str, view: &ResponseView<'_>) -> Checked {
    let actual = match view.response.header("content-type") {
        Some(value) => media_type(value).to_string(),
        None => "no Content-Type header".to_string(),
    };
    let passed = actual.eq_ignore_ascii_case(expected.trim());
    Checked::new(
        "Content-Type",
        &format!("is {expected}"),
        expected.to_string(),
        actual,
        passed,
    )
}

/// The media type of a `Content-Type` value, without parameters.
fn media_type(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}

fn resource_type_is(expected: &str, view: &ResponseView<'_>) -> Checked {
    let (actual, passed) = match view.resource_type() {
        Ok(actual) => (actual.to_string(), actual == expected),
        Err(not_a_resource) => (not_a_resource, false),
    };
    Checked::new(
        "resourceType",
        &format!("is {expected}"),
        expected.to_string(),
        actual,
        passed,
    )
}

/// The body as a Bundle, or what it is instead (phrased to follow "got").
fn bundle<'v>(view: &'v ResponseView<'_>) -> Result<&'v Value, String> {
    match view.resource_type()? {
        "Bundle" => Ok(view.json().map_err(str::to_string)?),
        other => Err(format!("resourceType {other}")),
    }
}

fn bundle_type_is(expected: &str, view: &ResponseView<'_>) -> Checked {
    let (actual, passed) = match bundle(view) {
        Ok(bundle) => match bundle.get("type").and_then(Value::as_str) {
            Some(actual) => (actual.to_string(), actual == expected),
            None => ("a Bundle without a type".to_string(), false),
        },
        Err(not_a_bundle) => (not_a_bundle, false),
    };
    Checked::new(
        "Bundle.type",
        &format!("is {expected}"),
        expected.to_string(),
        actual,
        passed,
    )
}

/// Counts `Bundle.entry`; with `matches_only`, entries whose `search.mode` is `include` or
/// `outcome` are left out (an entry without a mode counts as a match).
fn entry_count(bounds: &CountBounds, view: &ResponseView<'_>) -> Checked {
    let subject = if bounds.matches_only {
        "matching entry count"
    } else {
        "entry count"
    };
    let expected = describe_bounds(bounds);
    let claim = format!("is {expected}");
    let (actual, passed) = match bundle(view) {
        Ok(bundle) => {
            let entries = bundle
                .get("entry")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let count = entries
                .iter()
                .filter(|entry| {
                    !bounds.matches_only
                        || !matches!(
                            entry.pointer("/search/mode").and_then(Value::as_str),
                            Some("include" | "outcome")
                        )
                })
                .count();
            let passed = bounds.min.is_none_or(|min| count >= min)
                && bounds.max.is_none_or(|max| count <= max);
            (count.to_string(), passed)
        }
        Err(not_a_bundle) => (not_a_bundle, false),
    };
    Checked::new(subject, &claim, expected, actual, passed)
}

/// `exactly 3`, `at least 1`, `at most 10`, `between 1 and 10`, `any number`.
fn describe_bounds(bounds: &CountBounds) -> String {
    match (bounds.min, bounds.max) {
        (Some(min), Some(max)) if min == max => format!("exactly {min}"),
        (Some(min), Some(max)) => format!("between {min} and {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "any number".to_string(),
    }
}

fn operation_outcome(view: &ResponseView<'_>) -> Checked {
    let (actual, passed) = match view.resource_type() {
        Ok("OperationOutcome") => {
            let issues = view
                .json()
                .ok()
                .and_then(|json| json.get("issue"))
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            (
                format!("an OperationOutcome with {issues} issues"),
                issues > 0,
            )
        }
        Ok(other) => (format!("resourceType {other}"), false),
        Err(not_a_resource) => (not_a_resource, false),
    };
    Checked::new(
        "",
        "body is an OperationOutcome with at least one issue",
        "an OperationOutcome with at least one issue".to_string(),
        actual,
        passed,
    )
}

/// A JSON path check: the path must reach at least one value and every value it reaches must
/// pass. `actual` shows the first value that does not (and, when the path may reach several
/// values through `*` or `[key=value]`, how many there were).
fn json(expectation: &JsonMatch, view: &ResponseView<'_>) -> Result<Checked, String> {
    let path = expectation.path.as_str();
    let document = match view.json() {
        Ok(document) => document,
        Err(not_json) => {
            let (claim, expected) = describe_json_check(&expectation.check);
            return Ok(Checked::new(
                path,
                &claim,
                expected,
                not_json.to_string(),
                false,
            ));
        }
    };
    let values = json_path::resolve(document, path);
    let several = json_path::may_reach_several(path) && values.len() > 1;
    let (claim, expected) = describe_json_check(&expectation.check);
    let predicate: Box<dyn Fn(&Value) -> bool> = match &expectation.check {
        JsonCheck::Exists(exists) => {
            let passed = values.is_empty() != *exists;
            let actual = match values.first() {
                Some(value) => quote(value),
                None => "absent".to_string(),
            };
            return Ok(Checked::new(path, &claim, expected, actual, passed));
        }
        JsonCheck::Equals(wanted) => Box::new(move |value| loosely_equal(value, wanted)),
        JsonCheck::Matches(pattern) => {
            let regex = compile(pattern)?;
            Box::new(move |value| value.as_str().is_some_and(|text| regex.is_match(text)))
        }
        JsonCheck::Contains(wanted) => Box::new(move |value| contains(value, wanted)),
    };
    let offending = values.iter().find(|value| !predicate(value));
    let (actual, passed) = match (values.first(), offending) {
        (None, _) => ("absent".to_string(), false),
        (Some(first), None) => (quote(first), true),
        (Some(_), Some(bad)) if several => (
            format!("{} (one of {} values)", quote(bad), values.len()),
            false,
        ),
        (Some(_), Some(bad)) => (quote(bad), false),
    };
    Ok(Checked::new(path, &claim, expected, actual, passed))
}

/// The claim (after the path) and the expected value of a JSON check.
fn describe_json_check(check: &JsonCheck) -> (String, String) {
    match check {
        JsonCheck::Exists(true) => ("exists".into(), "present".into()),
        JsonCheck::Exists(false) => ("does not exist".into(), "absent".into()),
        JsonCheck::Equals(value) => (
            format!("equals {}", quote(value)),
            format!("equal to {}", quote(value)),
        ),
        JsonCheck::Matches(pattern) => {
            (format!("matches {pattern}"), format!("matching {pattern}"))
        }
        JsonCheck::Contains(value) => (
            format!("contains {}", quote(value)),
            format!("containing {}", quote(value)),
        ),
    }
}

/// Equality, except that an expected string also matches a number or boolean written the same
/// way: variables are text, and `"{{ total }}"` must be able to equal `3`.
fn loosely_equal(actual: &Value, expected: &Value) -> bool {
    actual == expected
        || match (actual, expected) {
            (Value::Number(_) | Value::Bool(_), Value::String(text)) => {
                serde_json::from_str::<Value>(text).is_ok_and(|parsed| parsed == *actual)
            }
            _ => false,
        }
}

/// An array containing `wanted`, or a string containing `wanted` as text.
fn contains(actual: &Value, wanted: &Value) -> bool {
    match actual {
        Value::Array(items) => items.iter().any(|item| loosely_equal(item, wanted)),
        Value::String(text) => match wanted {
            Value::String(needle) => text.contains(needle.as_str()),
            other => text.contains(&other.to_string()),
        },
        _ => false,
    }
}

pub(super) fn compile(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("invalid regular expression `{pattern}`: {e}"))
}

/// A JSON value as compact text, cut to [`MAX_QUOTED_CHARS`].
pub(super) fn quote(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests;
