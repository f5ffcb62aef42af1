//! Criteria the harness may send malformed on purpose: each must be refused with a reason,
//! and what the judge cannot evaluate offline must be undecided, not refused.

use assure_search::{Modifier, Prefix, SearchValue, Test};

use crate::common::*;

#[test]
fn malformed_criteria_are_errors() {
    let patient = resource(r#"{"resourceType": "Patient"}"#);
    let observation = resource(r#"{"resourceType": "Observation"}"#);
    for (on, name, value, says) in [
        (&patient, "birthdate", "1980-13-01", "not a date"),
        (&patient, "birthdate", "xx1980", "not a search prefix"),
        (&patient, "birthdate", "gte1980", "not a search prefix"),
        (&patient, "birthdate", "1980,foo", "not a search prefix"),
        (&patient, "birthdate", "1980,20", "not a date"),
        (&patient, "family:below", "x", "cannot be used on a string"),
        (&patient, "family:foo", "x", "not a search modifier"),
        (
            &patient,
            "birthdate:exact",
            "1980",
            "cannot be used on a date",
        ),
        (
            &patient,
            "gender:contains",
            "ma",
            "cannot be used on a token",
        ),
        (&patient, "gender:missing", "maybe", "true or false"),
        (&patient, "identifier", "a|b|c", "not a token"),
        (&patient, "identifier:of-type", "a|b", "not an :of-type"),
        (
            &patient,
            "general-practitioner",
            "Foo/1",
            "not a resource type",
        ),
        (
            &patient,
            "general-practitioner",
            "Practitioner/",
            "not an id",
        ),
        (
            &patient,
            "general-practitioner:Patient",
            "1",
            "not a target",
        ),
        (&observation, "value-quantity", "5.4|mg", "not a quantity"),
        (&observation, "value-quantity", "abc", "not a search prefix"),
        (&observation, "value-quantity", "12x", "not a number"),
        (&observation, "value-quantity", "gt1.", "not a number"),
        (
            &observation,
            "code-value-quantity",
            "8867-4",
            "components joined by '$'",
        ),
        (
            &observation,
            "code-value-quantity",
            "8867-4$72,1$2",
            "multipleOr is false",
        ),
    ] {
        let error = criterion(on, name, value).expect_err(&format!("{name}={value} accepted"));
        assert!(error.to_string().contains(says), "{name}={value}: {error}");
        assert!(
            error.to_string().starts_with(&format!("{name}={value}: ")),
            "{error}"
        );
    }
}

#[test]
fn criteria_are_typed() {
    let patient = resource(r#"{"resourceType": "Patient"}"#);
    let c = criterion(&patient, "birthdate", "ge1980-05,lt1970").unwrap();
    let Test::Values {
        values, parameter, ..
    } = &c.test
    else {
        panic!("{c:?}")
    };
    assert_eq!(parameter.code, "birthdate");
    assert!(matches!(&values[0], SearchValue::Date(d) if d.prefix == Prefix::Ge));
    assert_eq!(values.len(), 2);
    let c = criterion(&patient, "general-practitioner:Practitioner", "7").unwrap();
    assert_eq!(c.modifier, Some(Modifier::Type("Practitioner".into())));
    let c = criterion(&patient, "family", r"a\,b").unwrap();
    let Test::Values { values, .. } = &c.test else {
        panic!()
    };
    assert_eq!(values, &[SearchValue::String("a,b".into())]);
}

#[test]
fn what_cannot_be_judged_offline_is_undecided_and_result_parameters_do_not_filter() {
    let patient = resource(
        r#"{"resourceType": "Patient", "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}"#,
    );
    table(
        &patient,
        &[
            ("_count", "10", Match),
            ("_sort", "-birthdate", Match),
            ("_include", "Patient:organization", Match),
            ("_text", "x", Undecided),
            ("_content", "x", Undecided),
            ("_has:Observation:patient:code", "x", Undecided),
            ("unknown-parameter", "x", Undecided),
            ("family", "", Undecided),
            ("organization.name", "x", Undecided),
        ],
    );
}

#[test]
fn server_declared_parameters_are_judged_by_their_definition() {
    let mut parameters = R4.clone();
    parameters
        .add_json(&serde_json::json!({
            "resourceType": "SearchParameter",
            "url": "https://example.org/SearchParameter/patient-nickname",
            "code": "nickname", "base": ["Patient"], "type": "string",
            "expression": "Patient.name.where(use = 'nickname').given"
        }))
        .unwrap();
    let patient = resource(
        r#"{"resourceType": "Patient", "name": [{"use": "official", "given": ["Robert"]}, {"use": "nickname", "given": ["Bob"]}]}"#,
    );
    let judge = |value: &str| {
        let c = assure_search::Criterion::parse(&parameters, "Patient", "nickname", value).unwrap();
        assure_search::judge(&patient, &parameters, &c)
    };
    assert!(judge("bob").is_match());
    assert!(judge("rob").is_mismatch());
    assert!(
        parameters
            .add_json(&serde_json::json!({"resourceType": "Patient"}))
            .is_err()
    );
}
