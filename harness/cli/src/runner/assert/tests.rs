//! Every assertion kind, passing and failing, on crafted responses.

use serde_json::{Value, json};

use super::*;
use crate::http::Response;

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec().into(),
    }
}

fn fhir(body: Value) -> Response {
    response(
        200,
        &[("content-type", "application/fhir+json; charset=utf-8")],
        &body.to_string(),
    )
}

/// Evaluates with a checker that has no definitions: only `conforms` would need them.
fn evaluate_now(assertion: &Assertion, response: &Response) -> Result<Checked, String> {
    let validation = Validation::default();
    futures::executor::block_on(evaluate(
        assertion,
        &ResponseView::new(response),
        &validation,
        None,
    ))
}

fn check(assertion: Assertion, response: &Response) -> Checked {
    evaluate_now(&assertion, response).unwrap()
}

fn passes(assertion: Assertion, response: &Response) {
    let checked = check(assertion, response);
    assert!(checked.result.passed, "{checked:?}");
}

fn fails_with(assertion: Assertion, response: &Response, failure: &str) {
    let checked = check(assertion, response);
    assert!(!checked.result.passed, "{checked:?}");
    assert_eq!(checked.failure, failure);
}

fn bundle(entries: Value) -> Response {
    fhir(json!({"resourceType": "Bundle", "type": "searchset", "entry": entries}))
}

#[test]
fn status_codes_and_ranges() {
    let created = response(201, &[], "");
    let statuses =
        |codes: Vec<u16>, ranges: Vec<(u16, u16)>| Assertion::Status(StatusMatch { codes, ranges });
    passes(statuses(vec![201], vec![]), &created);
    passes(statuses(vec![200], vec![(200, 299)]), &created);
    fails_with(
        statuses(vec![200], vec![]),
        &created,
        "expected status 200, got 201",
    );
    fails_with(
        statuses(vec![200, 204], vec![(400, 499)]),
        &created,
        "expected status 200 or 204 or 4xx, got 201",
    );
    let described = check(statuses(vec![], vec![(200, 204)]), &created).result;
    assert_eq!(described.description, "status is 200-204");
}

#[test]
fn headers_presence_absence_value_and_pattern() {
    let with_etag = response(200, &[("etag", "W/\"3\""), ("etag", "W/\"4\"")], "");
    let header = |present: bool, equals: Option<&str>, matches: Option<&str>| {
        Assertion::Header(HeaderMatch {
            name: "ETag".into(),
            present,
            equals: equals.map(str::to_string),
            matches: matches.map(str::to_string),
            not_matches: None,
        })
    };
    passes(header(true, None, None), &with_etag);
    passes(header(true, Some("W/\"4\""), None), &with_etag);
    passes(header(true, None, Some(r#"^W/"\d+"$"#)), &with_etag);
    passes(header(false, None, None), &response(200, &[], ""));
    fails_with(
        header(true, None, None),
        &response(200, &[], ""),
        "expected header ETag present, got absent",
    );
    fails_with(
        header(false, None, None),
        &with_etag,
        r#"expected header ETag absent, got W/"3", W/"4""#,
    );
    fails_with(
        header(true, Some("W/\"5\""), None),
        &with_etag,
        r#"expected header ETag W/"5", got W/"3", W/"4""#,
    );
    fails_with(
        header(true, None, Some("^\"")),
        &with_etag,
        r#"expected header ETag matching ^", got W/"3", W/"4""#,
    );
    let invalid = evaluate_now(&header(true, None, Some("(")), &with_etag);
    assert!(
        invalid
            .unwrap_err()
            .starts_with("invalid regular expression `(`")
    );
}

#[test]
fn content_type_ignores_parameters_and_case() {
    let ok = fhir(json!({}));
    passes(Assertion::ContentType("application/fhir+json".into()), &ok);
    passes(Assertion::ContentType("Application/FHIR+json".into()), &ok);
    fails_with(
        Assertion::ContentType("application/fhir+json".into()),
        &response(200, &[("content-type", "text/html")], "<html>"),
        "expected Content-Type application/fhir+json, got text/html",
    );
    fails_with(
        Assertion::ContentType("application/fhir+json".into()),
        &response(200, &[], ""),
        "expected Content-Type application/fhir+json, got no Content-Type header",
    );
}

#[test]
fn resource_type_of_json_and_non_json_bodies() {
    let patient = fhir(json!({"resourceType": "Patient", "id": "1"}));
    passes(Assertion::ResourceType("Patient".into()), &patient);
    fails_with(
        Assertion::ResourceType("Observation".into()),
        &patient,
        "expected resourceType Observation, got Patient",
    );
    fails_with(
        Assertion::ResourceType("Patient".into()),
        &response(200, &[], "  "),
        "expected resourceType Patient, got an empty body",
    );
    let html = check(
        Assertion::ResourceType("Patient".into()),
        &response(200, &[], "<html>"),
    );
    assert!(
        html.failure
            .starts_with("expected resourceType Patient, got a body that is not JSON (")
    );
    fails_with(
        Assertion::ResourceType("Patient".into()),
        &fhir(json!({"id": "1"})),
        "expected resourceType Patient, got JSON without a resourceType",
    );
}

#[test]
fn bundle_type() {
    passes(
        Assertion::BundleType("searchset".into()),
        &bundle(json!([])),
    );
    fails_with(
        Assertion::BundleType("history".into()),
        &bundle(json!([])),
        "expected Bundle.type history, got searchset",
    );
    fails_with(
        Assertion::BundleType("searchset".into()),
        &fhir(json!({"resourceType": "Patient"})),
        "expected Bundle.type searchset, got resourceType Patient",
    );
}

#[test]
fn entry_count_bounds_and_matches_only() {
    let entries = bundle(json!([
        {"search": {"mode": "match"}},
        {"search": {"mode": "include"}},
        {},
    ]));
    let count = |min: Option<usize>, max: Option<usize>, matches_only: bool| {
        Assertion::EntryCount(CountBounds {
            min,
            max,
            matches_only,
        })
    };
    passes(count(Some(3), Some(3), false), &entries);
    passes(count(Some(2), Some(2), true), &entries);
    passes(count(Some(1), None, false), &entries);
    passes(
        count(None, Some(0), false),
        &fhir(json!({"resourceType": "Bundle", "type": "searchset"})),
    );
    fails_with(
        count(Some(3), Some(3), true),
        &entries,
        "expected matching entry count exactly 3, got 2",
    );
    fails_with(
        count(Some(4), None, false),
        &entries,
        "expected entry count at least 4, got 3",
    );
    fails_with(
        count(None, Some(1), false),
        &entries,
        "expected entry count at most 1, got 3",
    );
    fails_with(
        count(Some(5), Some(9), false),
        &entries,
        "expected entry count between 5 and 9, got 3",
    );
    fails_with(
        count(Some(1), None, false),
        &fhir(json!({"resourceType": "OperationOutcome"})),
        "expected entry count at least 1, got resourceType OperationOutcome",
    );
}

#[test]
fn operation_outcome_with_issues() {
    let outcome =
        fhir(json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error"}]}));
    passes(Assertion::OperationOutcome, &outcome);
    fails_with(
        Assertion::OperationOutcome,
        &fhir(json!({"resourceType": "OperationOutcome", "issue": []})),
        "expected an OperationOutcome with at least one issue, got an OperationOutcome with 0 issues",
    );
    fails_with(
        Assertion::OperationOutcome,
        &fhir(json!({"resourceType": "Patient"})),
        "expected an OperationOutcome with at least one issue, got resourceType Patient",
    );
}

fn json_check(path: &str, check: JsonCheck) -> Assertion {
    Assertion::Json(JsonMatch {
        path: path.into(),
        check,
    })
}

#[test]
fn json_exists_and_equals() {
    let patient = fhir(
        json!({"resourceType": "Patient", "id": "7", "active": true, "total": 3, "deceased": null}),
    );
    passes(json_check("id", JsonCheck::Exists(true)), &patient);
    passes(json_check("birthDate", JsonCheck::Exists(false)), &patient);
    passes(json_check("deceased", JsonCheck::Exists(false)), &patient);
    fails_with(
        json_check("birthDate", JsonCheck::Exists(true)),
        &patient,
        "expected birthDate present, got absent",
    );
    fails_with(
        json_check("id", JsonCheck::Exists(false)),
        &patient,
        r#"expected id absent, got "7""#,
    );
    passes(json_check("id", JsonCheck::Equals(json!("7"))), &patient);
    passes(json_check("total", JsonCheck::Equals(json!(3))), &patient);
    passes(json_check("total", JsonCheck::Equals(json!("3"))), &patient);
    passes(
        json_check("active", JsonCheck::Equals(json!("true"))),
        &patient,
    );
    fails_with(
        json_check("id", JsonCheck::Equals(json!("8"))),
        &patient,
        r#"expected id equal to "8", got "7""#,
    );
    fails_with(
        json_check("id", JsonCheck::Equals(json!(7))),
        &patient,
        r#"expected id equal to 7, got "7""#,
    );
    fails_with(
        json_check("nope", JsonCheck::Equals(json!(1))),
        &patient,
        "expected nope equal to 1, got absent",
    );
}

#[test]
fn json_matches_and_contains() {
    let patient = fhir(json!({
        "resourceType": "Patient",
        "id": "abc-123",
        "name": [{"given": ["Ann", "Marie"], "family": "Smith"}],
    }));
    passes(
        json_check("id", JsonCheck::Matches("^[a-z]+-\\d+$".into())),
        &patient,
    );
    fails_with(
        json_check("id", JsonCheck::Matches("^\\d+$".into())),
        &patient,
        r#"expected id matching ^\d+$, got "abc-123""#,
    );
    fails_with(
        json_check("name", JsonCheck::Matches("x".into())),
        &patient,
        r#"expected name matching x, got [{"given":["Ann","Marie"],"family":"Smith"}]"#,
    );
    passes(
        json_check("name.0.given", JsonCheck::Contains(json!("Marie"))),
        &patient,
    );
    passes(
        json_check("name.0.family", JsonCheck::Contains(json!("mit"))),
        &patient,
    );
    fails_with(
        json_check("name.0.given", JsonCheck::Contains(json!("Bob"))),
        &patient,
        r#"expected name.0.given containing "Bob", got ["Ann","Marie"]"#,
    );
}

#[test]
fn json_wildcards_need_every_value_to_pass() {
    let results = bundle(json!([
        {"resource": {"gender": "female"}},
        {"resource": {"gender": "female"}},
        {"resource": {"gender": "male"}},
    ]));
    passes(
        json_check(
            "entry.*.resource.gender",
            JsonCheck::Matches("male$".into()),
        ),
        &results,
    );
    fails_with(
        json_check(
            "entry.*.resource.gender",
            JsonCheck::Equals(json!("female")),
        ),
        &results,
        r#"expected entry.*.resource.gender equal to "female", got "male" (one of 3 values)"#,
    );
    fails_with(
        json_check("entry.*.resource.id", JsonCheck::Equals(json!("x"))),
        &results,
        r#"expected entry.*.resource.id equal to "x", got absent"#,
    );
}

#[test]
fn long_values_are_cut_in_messages() {
    let long = "x".repeat(500);
    let checked = check(
        json_check("id", JsonCheck::Equals(json!("y"))),
        &fhir(json!({"id": long})),
    );
    assert!(checked.result.actual.chars().count() <= MAX_QUOTED_CHARS + 1);
    assert!(checked.result.actual.ends_with('…'));
}

fn fhirpath_check(expression: &str, variables: &[(&str, &[&str])]) -> Assertion {
    Assertion::FhirPath(crate::suite::FhirPathCheck {
        expression: assure_fhirpath::parse(expression).unwrap(),
        variables: variables
            .iter()
            .map(|(name, values)| {
                let values = values.iter().map(|v| v.to_string()).collect();
                (name.to_string(), values)
            })
            .collect(),
    })
}

fn patients(names: Value) -> Response {
    let entries: Vec<Value> = names
        .as_array()
        .unwrap()
        .iter()
        .map(|name| json!({"resource": {"resourceType": "Patient", "name": name}}))
        .collect();
    bundle(Value::Array(entries))
}

#[test]
fn fhirpath_holds_when_the_expression_is_true() {
    let searchset = patients(json!([
        [{"family": "Evans", "given": ["Mary"]}, {"family": "Smith", "given": ["Mary"]}],
        [{"family": "smithson"}]
    ]));
    let family = "entry.resource.all(name.family.exists($this.fold().startsWith(%family.fold())))";
    passes(
        fhirpath_check(family, &[("family", &["Smith"])]),
        &searchset,
    );
    fails_with(
        fhirpath_check(family, &[("family", &["Evans"])]),
        &searchset,
        &format!("expected FHIRPath `{family}` to be true, got false"),
    );
}

#[test]
fn fhirpath_folds_case_and_accents() {
    let searchset = patients(json!([[{"family": "Ælfríc"}], [{"family": "ÉLISE"}]]));
    passes(
        fhirpath_check("entry.resource.name.family.last().fold() = 'elise'", &[]),
        &searchset,
    );
    passes(
        fhirpath_check(
            "entry.resource.name.family.first().fold().startsWith(%v.fold())",
            &[("v", &["æLFRIC"])],
        ),
        &searchset,
    );
}

#[test]
fn fhirpath_failures_quote_what_it_evaluated_to() {
    let searchset = patients(json!([[{"family": "A"}], [{"family": "B"}]]));
    let fails = |expression: &str, got: &str| {
        fails_with(
            fhirpath_check(expression, &[]),
            &searchset,
            &format!("expected FHIRPath `{expression}` to be true, got {got}"),
        )
    };
    fails("entry.resource.name.family", "2 items: 'A', 'B'");
    fails("entry.resource.gender", "empty");
    fails("entry.count()", "2");
    fails_with(
        fhirpath_check("total.exists()", &[]),
        &response(500, &[], ""),
        "expected FHIRPath `total.exists()` to be true, got an empty body",
    );
    let not_fhir = check(fhirpath_check("true", &[]), &response(200, &[], "<html/>"));
    assert!(
        not_fhir
            .failure
            .contains("got a body that is not FHIR JSON"),
        "{not_fhir:?}"
    );
}

#[test]
fn fhirpath_that_cannot_be_evaluated_is_a_harness_error() {
    let searchset = patients(json!([[{"family": "A"}], [{"family": "B"}]]));
    let error = evaluate_now(
        &fhirpath_check("entry.resource.name.family.lower() = 'a'", &[]),
        &searchset,
    )
    .unwrap_err();
    assert!(
        error
            .starts_with("FHIRPath `entry.resource.name.family.lower() = 'a'` cannot be evaluated"),
        "{error}"
    );
    let unbound = evaluate_now(&fhirpath_check("%nobody.exists()", &[]), &searchset).unwrap_err();
    assert!(
        unbound.contains("unknown external constant %nobody"),
        "{unbound}"
    );
}
