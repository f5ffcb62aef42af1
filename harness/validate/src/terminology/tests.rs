use std::sync::Arc;

use serde_json::json;

use super::{CodeCheck, Terminology};
use crate::Definitions;

fn terminology() -> Terminology {
    let mut defs = Definitions::new();
    defs.add_json(
        json!({"resourceType": "CodeSystem", "url": "http://cs/colour", "content": "complete",
        "concept": [
            {"code": "warm", "concept": [{"code": "red"}, {"code": "orange"}]},
            {"code": "cold", "concept": [{"code": "blue",
                "property": [{"code": "status", "valueCode": "retired"}]}]}
        ]}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": "http://vs/warm",
            "compose": {"include": [{"system": "http://cs/colour",
                "filter": [{"property": "concept", "op": "is-a", "value": "warm"}]}],
                "exclude": [{"system": "http://cs/colour", "concept": [{"code": "orange"}]}]}}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": "http://vs/all",
            "compose": {"include": [{"system": "http://cs/colour"}]}}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": "http://vs/mixed",
            "compose": {"include": [{"valueSet": ["http://vs/warm"]},
                {"system": "http://snomed.info/sct"}]}}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": "http://vs/expanded",
            "compose": {"include": [{"system": "http://loinc.org"}]},
            "expansion": {"contains": [{"system": "http://loinc.org", "code": "1-8"}]}}),
        "test",
    );
    Terminology::new(Arc::new(defs))
}

#[test]
fn filters_and_excludes() {
    let tx = terminology();
    let colour = Some("http://cs/colour");
    assert_eq!(
        tx.validate_code("http://vs/warm", colour, "red"),
        CodeCheck::InValueSet
    );
    assert_eq!(
        tx.validate_code("http://vs/warm", colour, "warm"),
        CodeCheck::InValueSet
    );
    assert_eq!(
        tx.validate_code("http://vs/warm", colour, "orange"),
        CodeCheck::NotInValueSet
    );
    assert_eq!(
        tx.validate_code("http://vs/warm", colour, "blue"),
        CodeCheck::NotInValueSet
    );
    assert_eq!(
        tx.validate_code("http://vs/all", None, "blue"),
        CodeCheck::InValueSet
    );
    assert_eq!(
        tx.validate_code("http://vs/all", Some("http://other"), "blue"),
        CodeCheck::NotInValueSet
    );
}

#[test]
fn missing_content_cannot_tell() {
    let tx = terminology();
    assert!(matches!(
        tx.validate_code("http://vs/none", None, "x"),
        CodeCheck::CannotTell(_)
    ));
    assert_eq!(
        tx.validate_code("http://vs/mixed", Some("http://cs/colour"), "red"),
        CodeCheck::InValueSet
    );
    assert_eq!(
        tx.validate_code("http://vs/mixed", Some("http://cs/colour"), "blue"),
        CodeCheck::NotInValueSet
    );
    assert_eq!(
        tx.validate_code("http://vs/mixed", Some("http://snomed.info/sct"), "123"),
        CodeCheck::SystemUnavailable("http://snomed.info/sct".into())
    );
    assert_eq!(
        tx.validate_code("http://vs/mixed", None, "123"),
        CodeCheck::SystemUnavailable("http://snomed.info/sct".into())
    );
}

#[test]
fn falls_back_to_stored_expansion() {
    let tx = terminology();
    assert_eq!(
        tx.validate_code("http://vs/expanded", Some("http://loinc.org"), "1-8"),
        CodeCheck::InValueSet
    );
    assert_eq!(
        tx.validate_code("http://vs/expanded", Some("http://loinc.org"), "2-9"),
        CodeCheck::NotInValueSet
    );
}

#[test]
fn all_of_ucum_holds_the_valid_codes() {
    let ucum = "http://unitsofmeasure.org";
    let mut defs = Definitions::new();
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": "http://vs/ucum",
            "compose": {"include": [{"system": ucum}],
                "exclude": [{"system": ucum, "concept": [{"code": "g"}]}]}}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": "http://vs/listed",
            "compose": {"include": [{"system": ucum,
                "concept": [{"code": "kg"}, {"code": "kgg"}]}]}}),
        "test",
    );
    defs.add_json(
        json!({"resourceType": "ValueSet", "url": "http://vs/both",
            "compose": {"include": [{"system": ucum, "valueSet": ["http://vs/listed"]}]}}),
        "test",
    );
    let tx = Terminology::new(Arc::new(defs));
    let check = |value_set: &str, system: Option<&str>, code: &str| {
        tx.validate_code(value_set, system, code)
    };
    assert_eq!(
        check("http://vs/ucum", Some(ucum), "mg/dL"),
        CodeCheck::InValueSet
    );
    assert_eq!(
        check("http://vs/ucum", None, "10*3/uL"),
        CodeCheck::InValueSet
    );
    assert_eq!(
        check("http://vs/ucum", Some(ucum), "kgg"),
        CodeCheck::NotInValueSet
    );
    assert_eq!(
        check("http://vs/ucum", Some(ucum), "g"),
        CodeCheck::NotInValueSet
    );
    assert_eq!(
        check("http://vs/ucum", Some("http://x"), "mg"),
        CodeCheck::NotInValueSet
    );
    assert!(tx.expand("http://vs/ucum").is_complete());
    assert_eq!(
        check("http://vs/both", Some(ucum), "kg"),
        CodeCheck::InValueSet
    );
    assert_eq!(
        check("http://vs/both", Some(ucum), "kgg"),
        CodeCheck::NotInValueSet
    );
    assert_eq!(
        check("http://vs/both", Some(ucum), "mg"),
        CodeCheck::NotInValueSet
    );
}
