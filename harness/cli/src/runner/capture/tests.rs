//! Captures from headers and JSON, with and without regular expressions, single and lists.

use serde_json::json;

use super::*;
use crate::http::Response;

fn response() -> Response {
    Response {
        status: 201,
        headers: vec![(
            "location".to_string(),
            "http://x/fhir/Patient/p-9/_history/2".to_string(),
        )],
        body: json!({
            "resourceType": "Patient",
            "id": "p-9",
            "meta": {"versionId": 2},
            "identifier": [{"value": "A-1"}, {"value": "B-2"}, {"value": "C3"}]
        })
        .to_string()
        .into_bytes()
        .into(),
    }
}

fn take(source: CaptureSource, regex: Option<&str>, all: bool) -> Result<Captured, String> {
    let response = response();
    let capture_spec = Capture {
        source,
        regex: regex.map(str::to_string),
        all,
    };
    capture("var", &capture_spec, &ResponseView::new(&response))
}

fn value(captured: Result<Captured, String>) -> VarValue {
    match captured.unwrap() {
        Captured::Value(value) => value,
        Captured::Missing(checked) => panic!("missing: {}", checked.failure),
    }
}

fn missing(captured: Result<Captured, String>) -> String {
    match captured.unwrap() {
        Captured::Value(value) => panic!("unexpected value {value:?}"),
        Captured::Missing(checked) => {
            assert!(!checked.result.passed);
            checked.failure
        }
    }
}

#[test]
fn header_with_regex_group() {
    let captured = take(
        CaptureSource::Header("Location".into()),
        Some("Patient/([^/]+)"),
        false,
    );
    assert_eq!(value(captured), VarValue::Text("p-9".into()));
    let whole = take(
        CaptureSource::Header("Location".into()),
        Some("_history/\\d+"),
        false,
    );
    assert_eq!(value(whole), VarValue::Text("_history/2".into()));
}

#[test]
fn json_values_become_text() {
    assert_eq!(
        value(take(CaptureSource::Json("id".into()), None, false)),
        VarValue::Text("p-9".into())
    );
    assert_eq!(
        value(take(
            CaptureSource::Json("meta.versionId".into()),
            None,
            false
        )),
        VarValue::Text("2".into())
    );
}

#[test]
fn lists_keep_regex_matches_only() {
    let all = take(
        CaptureSource::Json("identifier.*.value".into()),
        Some("^[A-Z]-(\\d)$"),
        true,
    );
    assert_eq!(value(all), VarValue::List(vec!["1".into(), "2".into()]));
    let none = take(CaptureSource::Json("nothing.*".into()), None, true);
    assert_eq!(value(none), VarValue::List(vec![]));
}

#[test]
fn missing_values_are_failed_checks() {
    assert_eq!(
        missing(take(CaptureSource::Header("ETag".into()), None, false)),
        "expected a value for var from header ETag, got nothing"
    );
    assert_eq!(
        missing(take(
            CaptureSource::Json("id".into()),
            Some("^\\d+$"),
            false
        )),
        r#"expected a value for var from id, got "p-9" not matching ^\d+$"#
    );
}

#[test]
fn invalid_regex_is_an_error() {
    let error = take(CaptureSource::Json("id".into()), Some("("), false).unwrap_err();
    assert!(error.starts_with("invalid regular expression"), "{error}");
}
