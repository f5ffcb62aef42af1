//! Generated search checks (`generate.search`) against a stub target that answers searches
//! badly on purpose: each way of being wrong fails its check with the entry and the rule, and
//! what the judge cannot decide, or data the server need not have, never fails.

use std::collections::BTreeMap;

use assert_cmd::Command;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// How the stub answers a search with a filter.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Only the sample, which matches every generated criterion.
    Correct,
    /// The sample and a Patient that does not match.
    ExtraEntry,
    /// A matching Patient, but not the sample.
    DropsSample,
    /// Every Patient, whatever the criterion.
    IgnoresParameter,
    /// 400 for `family` (with or without a modifier).
    RefusesFamily,
    /// The sample and a Patient whose gender differs only in case (undecided).
    Undecidable,
}

fn patients() -> Vec<Value> {
    vec![
        json!({"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1984-03-12",
               "name": [{"family": "Jones", "given": ["Amelia"]}]}),
        json!({"resourceType": "Patient", "id": "p2", "gender": "male", "birthDate": "1990-01-01",
               "name": [{"family": "Smith", "given": ["Bob"]}]}),
        json!({"resourceType": "Patient", "id": "p3", "gender": "female", "birthDate": "1984-03-12",
               "name": [{"family": "Jonesy", "given": ["Amelia"]}]}),
    ]
}

fn value_sets() -> Vec<Value> {
    vec![
        json!({"resourceType": "ValueSet", "id": "vs1", "status": "active",
               "url": "http://example.org/fhir/ValueSet/smoking-status"}),
        json!({"resourceType": "ValueSet", "id": "vs2", "status": "active",
               "url": "http://other.example.net/ValueSet/colours"}),
    ]
}

fn observations() -> Vec<Value> {
    let observation = |id: &str, code: &str, value: u32, unit: &str| {
        json!({"resourceType": "Observation", "id": id, "status": "final",
               "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
               "valueQuantity": {"value": value, "system": "http://unitsofmeasure.org", "code": unit}})
    };
    vec![
        observation("o1", "29463-7", 72, "kg"),
        observation("o2", "8302-2", 72, "cm"),
    ]
}

fn capabilities() -> Value {
    let param = |name: &str, definition: &str, kind: &str| json!({"name": name, "definition": definition, "type": kind});
    json!({
        "resourceType": "CapabilityStatement", "status": "active", "kind": "instance",
        "fhirVersion": "4.0.1", "format": ["json"],
        "rest": [{"mode": "server", "resource": [
            {"type": "Patient", "searchParam": [
                param("family", "http://hl7.org/fhir/SearchParameter/individual-family", "string"),
                param("gender", "http://hl7.org/fhir/SearchParameter/individual-gender", "token"),
                param("birthdate", "http://hl7.org/fhir/SearchParameter/individual-birthdate", "date"),
                param("nickname", "http://example.org/SearchParameter/nickname", "string")
            ]},
            {"type": "Organization", "searchParam": [
                param("name", "http://hl7.org/fhir/SearchParameter/Organization-name", "string")
            ]},
            {"type": "Observation", "searchParam": [
                param("code-value-quantity", "http://hl7.org/fhir/SearchParameter/Observation-code-value-quantity", "composite")
            ]},
            {"type": "ValueSet", "searchParam": [
                param("url", "http://hl7.org/fhir/SearchParameter/conformance-url", "uri")
            ]}
        ]}]
    })
}

fn searchset(base: &str, resources: &[Value]) -> Value {
    let entry: Vec<Value> = resources
        .iter()
        .map(|r| {
            json!({"fullUrl": format!("{base}/{}/{}", r["resourceType"].as_str().unwrap(), r["id"].as_str().unwrap()),
                   "resource": r, "search": {"mode": "match"}})
        })
        .collect();
    json!({"resourceType": "Bundle", "type": "searchset", "total": entry.len(), "entry": entry})
}

async fn answer(State((mode, base)): State<(Mode, String)>, uri: Uri) -> Response {
    let fhir_json = [(header::CONTENT_TYPE, "application/fhir+json")];
    let path: Vec<&str> = uri.path().trim_matches('/').split('/').skip(1).collect();
    let query: BTreeMap<String, String> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let all = patients();
    let body = match path.as_slice() {
        ["metadata"] => capabilities(),
        ["Patient", id] => match all.iter().find(|p| p["id"] == *id) {
            Some(patient) => patient.clone(),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
        ["Organization"] => searchset(&base, &[]),
        ["Observation", id] => match observations().into_iter().find(|o| o["id"] == *id) {
            Some(observation) => observation,
            None => return StatusCode::NOT_FOUND.into_response(),
        },
        ["Observation"] if query.keys().all(|k| k == "_count") || mode != Mode::Correct => {
            searchset(&base, &observations())
        }
        ["Observation"] => searchset(&base, &observations()[..1]),
        ["ValueSet", id] => match value_sets().into_iter().find(|v| v["id"] == *id) {
            Some(value_set) => value_set,
            None => return StatusCode::NOT_FOUND.into_response(),
        },
        ["ValueSet"] if query.keys().all(|k| k == "_count") || mode != Mode::Correct => {
            searchset(&base, &value_sets())
        }
        ["ValueSet"] => searchset(&base, &value_sets()[..1]),
        ["Patient"] if query.keys().all(|k| k == "_count") => searchset(&base, &all),
        ["Patient"] => match mode {
            Mode::Correct => searchset(&base, &all[..1]),
            Mode::ExtraEntry => searchset(&base, &all[..2]),
            Mode::DropsSample => searchset(&base, &all[2..]),
            Mode::IgnoresParameter => searchset(&base, &all),
            Mode::RefusesFamily if query.keys().any(|k| k.starts_with("family")) => {
                return StatusCode::BAD_REQUEST.into_response();
            }
            Mode::RefusesFamily => searchset(&base, &all[..1]),
            Mode::Undecidable => {
                let mut other = all[2].clone();
                other["gender"] = json!("Female");
                searchset(&base, &[all[0].clone(), other])
            }
        },
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (fhir_json, body.to_string()).into_response()
}

const SUITE: &str = r#"
id: generated
title: Generated search checks
variables:
  patient: p1
generate:
  search:
    types: [Patient, Organization]
    levels: { Patient.family: SHALL }
    sample: { Patient: "{{ patient }}" }
    combinations: { Patient.family+gender: SHALL }
"#;

/// Runs the generated suite against a stub in `mode`; the tests of the report by id.
fn run(mode: Mode, ids: &[&str]) -> BTreeMap<String, Value> {
    run_suite(mode, SUITE, ids)
}

/// Runs `suite` against a stub in `mode`; the tests of the report by id.
fn run_suite(mode: Mode, suite_text: &str, ids: &[&str]) -> BTreeMap<String, Value> {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}/fhir", listener.local_addr().expect("addr"));
    let app = Router::new()
        .fallback(answer)
        .with_state((mode, base.clone()));
    runtime.spawn(async move { axum::serve(listener, app).await });
    let dir = tempfile::tempdir().expect("temp dir");
    let suite = dir.path().join("generated.yaml");
    std::fs::write(&suite, suite_text).expect("suite written");
    let out = dir.path().join("out");
    let mut command = Command::cargo_bin("assure").expect("assure binary");
    command.args(["run", "--no-progress", "--target", &base, "--suite"]);
    command.arg(&suite).arg("--out").arg(&out);
    for id in ids {
        command.args(["--id", id]);
    }
    let output = command.output().expect("assure runs");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report"))
            .expect("report JSON");
    report["suites"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["tests"].as_array().cloned().unwrap_or_default())
        .map(|t| (t["id"].as_str().unwrap().to_owned(), t))
        .collect()
}

/// The decoded query of a generated check's search (its second step, after the sample).
fn search_query(test: &Value) -> Vec<(String, String)> {
    let url = test["steps"][1]["exchanges"][0]["request"]["url"]
        .as_str()
        .expect("a search URL");
    let query = url.split_once('?').expect("a query").1;
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn status(test: &Value) -> &str {
    test["status"].as_str().unwrap()
}

fn message(test: &Value) -> &str {
    test["message"].as_str().unwrap_or_default()
}

#[test]
fn a_correct_server_passes_and_ids_are_stable() {
    let first = run(Mode::Correct, &[]);
    let ids: Vec<&String> = first.keys().collect();
    assert_eq!(
        ids,
        [
            "SRCH-Organization-name",
            "SRCH-Organization-name-and",
            "SRCH-Organization-name-contains",
            "SRCH-Organization-name-exact",
            "SRCH-Organization-name-exact-case",
            "SRCH-Organization-name-missing",
            "SRCH-Organization-name-or",
            "SRCH-Patient-birthdate",
            "SRCH-Patient-birthdate-and",
            "SRCH-Patient-birthdate-ap",
            "SRCH-Patient-birthdate-eb",
            "SRCH-Patient-birthdate-ge",
            "SRCH-Patient-birthdate-gt",
            "SRCH-Patient-birthdate-le",
            "SRCH-Patient-birthdate-lt",
            "SRCH-Patient-birthdate-missing",
            "SRCH-Patient-birthdate-ne",
            "SRCH-Patient-birthdate-sa",
            "SRCH-Patient-family",
            "SRCH-Patient-family+gender",
            "SRCH-Patient-family-and",
            "SRCH-Patient-family-contains",
            "SRCH-Patient-family-exact",
            "SRCH-Patient-family-exact-case",
            "SRCH-Patient-family-missing",
            "SRCH-Patient-family-or",
            "SRCH-Patient-gender",
            "SRCH-Patient-gender-and",
            "SRCH-Patient-gender-missing",
            "SRCH-Patient-gender-no-system",
            "SRCH-Patient-gender-not",
            "SRCH-Patient-gender-or",
            "SRCH-Patient-gender-system",
            "SRCH-Patient-gender-system-only",
            "SRCH-Patient-gender-text",
            "SRCH-Patient-nickname",
        ]
    );
    let again = run(Mode::Correct, &[]);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        again.keys().collect::<Vec<_>>()
    );
    for id in [
        "SRCH-Patient-family",
        "SRCH-Patient-family-exact",
        "SRCH-Patient-birthdate-ge",
        "SRCH-Patient-birthdate-sa",
        "SRCH-Patient-birthdate-eb",
    ] {
        assert_eq!(status(&first[id]), "pass", "{id}: {}", first[id]);
    }
    assert_eq!(first["SRCH-Patient-family"]["level"], "SHALL");
    assert_eq!(first["SRCH-Patient-family-exact"]["level"], "SHOULD");
    assert_eq!(
        first["SRCH-Patient-family"]["requirement"],
        "https://hl7.org/fhir/R4/search.html#string"
    );
    // The evidence: the sample read, then the search with its assertions.
    let steps = first["SRCH-Patient-family"]["steps"].as_array().unwrap();
    assert_eq!(steps[0]["name"], "read the sample Patient/p1");
    assert!(
        steps[1]["exchanges"][0]["request"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/Patient?family=Jones")
    );
    assert!(steps[1]["assertions"].as_array().unwrap().len() >= 4);
}

#[test]
fn data_the_server_need_not_have_is_skipped_with_the_reason() {
    let tests = run(Mode::Correct, &[]);
    let organization = &tests["SRCH-Organization-name"];
    assert_eq!(status(organization), "skip");
    assert_eq!(
        message(organization),
        "no Organization on the server to take a value from"
    );
    let system = &tests["SRCH-Patient-gender-system"];
    assert_eq!(status(system), "skip");
    assert!(message(system).contains("has no system"), "{system}");
    let nickname = &tests["SRCH-Patient-nickname"];
    assert_eq!(status(nickname), "skip");
    assert!(
        message(nickname).starts_with("definition not available"),
        "{nickname}"
    );
}

#[test]
fn a_non_matching_extra_entry_fails_precision_naming_it_and_the_rule() {
    let tests = run(Mode::ExtraEntry, &["SRCH-Patient-family"]);
    let test = &tests["SRCH-Patient-family"];
    assert_eq!(status(test), "fail");
    let message = message(test);
    assert!(message.starts_with("precision: "), "{message}");
    assert!(message.contains("/fhir/Patient/p2"), "{message}");
    assert!(message.contains("family=Jones"), "{message}");
    assert!(message.contains("Smith"), "{message}");
}

#[test]
fn a_search_that_drops_the_sample_fails_recall() {
    let tests = run(Mode::DropsSample, &["SRCH-Patient-family"]);
    let test = &tests["SRCH-Patient-family"];
    assert_eq!(status(test), "fail");
    assert_eq!(
        message(test),
        "recall: the Patient/p1 the value was taken from is not among the 1 results of Patient?family=Jones"
    );
}

#[test]
fn a_server_ignoring_the_parameter_fails_precision() {
    let tests = run(
        Mode::IgnoresParameter,
        &["SRCH-Patient-gender", "SRCH-Patient-birthdate"],
    );
    for id in ["SRCH-Patient-gender", "SRCH-Patient-birthdate"] {
        assert_eq!(status(&tests[id]), "fail", "{id}");
        assert!(message(&tests[id]).contains("Patient/p2"), "{}", tests[id]);
    }
}

const URI_SUITE: &str = r#"
id: generated-uri
title: Generated uri checks
generate:
  search:
    types: [ValueSet]
    sample: { ValueSet: vs1 }
"#;

const COMPOSITE_SUITE: &str = r#"
id: generated-composite
title: Generated composite checks
generate:
  search:
    types: [Observation]
    sample: { Observation: o1 }
"#;

#[test]
fn a_composite_is_searched_with_its_parts_from_one_item() {
    let ids = ["SRCH-Observation-code-value-quantity"];
    let correct = run_suite(Mode::Correct, COMPOSITE_SUITE, &ids);
    let check = &correct["SRCH-Observation-code-value-quantity"];
    assert_eq!(status(check), "pass", "{check}");
    assert_eq!(
        search_query(check),
        [(
            "code-value-quantity".to_owned(),
            "29463-7$72|http://unitsofmeasure.org|kg".to_owned()
        )]
    );
    // The height has the same value in another unit, under another code: not a match.
    let ignoring = run_suite(Mode::IgnoresParameter, COMPOSITE_SUITE, &ids);
    let failed = &ignoring["SRCH-Observation-code-value-quantity"];
    assert_eq!(status(failed), "fail");
    assert!(
        message(failed).contains("Observation/o2"),
        "{}",
        message(failed)
    );
}

#[test]
fn uri_below_and_above_are_judged_by_prefix() {
    let ids = ["SRCH-ValueSet-url*"];
    let correct = run_suite(Mode::Correct, URI_SUITE, &ids);
    for id in ["SRCH-ValueSet-url-below", "SRCH-ValueSet-url-above"] {
        assert_eq!(status(&correct[id]), "pass", "{id}: {}", correct[id]);
    }
    assert_eq!(
        search_query(&correct["SRCH-ValueSet-url-below"]),
        [(
            "url:below".to_owned(),
            "http://example.org/fhir/ValueSet/".to_owned()
        )]
    );
    // A server that ignores the modifier returns a ValueSet whose url is not below the value.
    let ignoring = run_suite(Mode::IgnoresParameter, URI_SUITE, &ids);
    let failed = &ignoring["SRCH-ValueSet-url-below"];
    assert_eq!(status(failed), "fail");
    assert!(
        message(failed).contains("ValueSet/vs2") && message(failed).contains(":below"),
        "{}",
        message(failed)
    );
    assert_eq!(status(&ignoring["SRCH-ValueSet-url-above"]), "fail");
}

#[test]
fn a_claimed_parameter_refused_fails() {
    let tests = run(
        Mode::RefusesFamily,
        &["SRCH-Patient-family*", "SRCH-Patient-gender"],
    );
    let family = &tests["SRCH-Patient-family"];
    assert_eq!(status(family), "fail");
    assert_eq!(
        message(family),
        "claimed but refused: Patient?family=Jones answered 400"
    );
    // A modifier refused is one the server does not support, which R4 has it say by refusing.
    let exact = &tests["SRCH-Patient-family-exact"];
    assert_eq!(status(exact), "skip");
    assert!(
        message(exact).contains("does not support family:exact")
            && message(exact).contains("search.html#modifiers"),
        "{}",
        message(exact)
    );
    assert_eq!(status(&tests["SRCH-Patient-gender"]), "pass");
}

#[test]
fn an_undecidable_match_passes_with_a_note() {
    let tests = run(Mode::Undecidable, &["SRCH-Patient-gender"]);
    let test = &tests["SRCH-Patient-gender"];
    assert_eq!(status(test), "pass", "{test}");
    let message = message(test);
    assert!(message.starts_with("1 undecided: "), "{message}");
    assert!(message.contains("/fhir/Patient/p3"), "{message}");
}

#[test]
fn a_combination_is_judged_on_every_criterion() {
    let tests = run(Mode::Correct, &["SRCH-Patient-family+gender"]);
    let test = &tests["SRCH-Patient-family+gender"];
    assert_eq!(status(test), "pass", "{test}");
    assert_eq!(test["level"], "SHALL");
    let url = test["steps"][1]["exchanges"][0]["request"]["url"]
        .as_str()
        .unwrap();
    assert!(
        url.ends_with("/Patient?family=Jones&gender=female"),
        "{url}"
    );
    let tests = run(Mode::ExtraEntry, &["SRCH-Patient-family+gender"]);
    let message = message(&tests["SRCH-Patient-family+gender"]);
    assert!(message.starts_with("precision: "), "{message}");
    assert!(message.contains("/fhir/Patient/p2"), "{message}");
}

#[test]
fn a_required_parameter_the_server_does_not_claim_fails() {
    // The stub claims family, gender, birthdate and nickname for Patient, not name.
    let suite = SUITE.replace(
        "levels: { Patient.family: SHALL }",
        "levels: { Patient.family: SHALL, Patient.name: SHALL, Patient.telecom: SHOULD }",
    );
    let tests = run_suite(Mode::Correct, &suite, &[]);
    let name = &tests["SRCH-Patient-name"];
    assert_eq!(status(name), "fail", "{name}");
    assert!(
        message(name).starts_with("required but not claimed"),
        "{}",
        message(name)
    );
    assert_eq!(name["level"], "SHALL");
    assert!(
        !tests.contains_key("SRCH-Patient-telecom"),
        "a SHOULD parameter the server does not claim is not made"
    );
    assert_eq!(status(&tests["SRCH-Patient-family"]), "pass");
}
