//! Forms R4 fixes for any instance, whatever its profiles: in JSON, an element that repeats is
//! an array even with one item and one that does not is never an array (json.html); OIDs and
//! UUIDs in URI-typed values are written `urn:oid:` and `urn:uuid:` and must be well formed
//! (datatypes.html#oid, #uuid). Uses the built-in R4 definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use assure_model::Format;
use assure_validate::{Options, Severity};

const NARRATIVE: &str = r#""text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}"#;

fn errors(format: Format, text: &str) -> Vec<String> {
    let outcome = validator().validate_bytes(text.as_bytes(), format, &Options::default());
    issues(&outcome, Severity::Error)
}

fn patient(properties: &str) -> Vec<String> {
    errors(
        Format::Json,
        &format!(r#"{{"resourceType": "Patient", {NARRATIVE}, {properties}}}"#),
    )
}

#[test]
fn a_repeating_element_is_an_array_even_with_one_item() {
    assert_eq!(
        patient(r#""name": [{"family": "Ames"}]"#),
        Vec::<String>::new()
    );
    assert_eq!(
        patient(r#""name": {"family": "Ames"}"#),
        [
            "Patient.name: The property 'name' repeats, so JSON holds it as an array, not a single \
          value"
        ]
    );
    // Inside a data type too.
    assert_eq!(
        patient(r#""name": [{"given": "Ann"}]"#),
        [
            "Patient.name[0].given: The property 'given' repeats, so JSON holds it as an array, \
          not a single value"
        ]
    );
}

#[test]
fn a_single_element_is_never_an_array() {
    assert_eq!(
        patient(r#""gender": ["female"]"#),
        [
            "Patient.gender[0]: The property 'gender' does not repeat, so JSON holds it as a single \
          value, not an array"
        ]
    );
    assert_eq!(
        patient(r#""maritalStatus": [{"text": "married"}]"#).len(),
        1,
        "a complex value in an array"
    );
}

#[test]
fn a_profile_that_narrows_a_repeating_element_keeps_it_an_array() {
    // Observation.category is 0..* in R4; the vital signs profile makes it 1..*, and
    // profiles that make such an element 0..1 still leave it an array in JSON. The base
    // definition decides, so a one-item array passes as the base Observation.
    let observation = format!(
        r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final",
            "category": [{{"text": "x"}}], "code": {{"text": "x"}}}}"#
    );
    assert_eq!(errors(Format::Json, &observation), Vec::<String>::new());
}

#[test]
fn xml_has_no_arrays_to_check() {
    let xml = r#"<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">x</div></text><name><family value="Ames"/></name><gender value="female"/></Patient>"#;
    assert_eq!(errors(Format::Xml, xml), Vec::<String>::new());
}

#[test]
fn oids_and_uuids_in_uris_take_their_urn_forms() {
    let identifier = |system: &str| {
        patient(&format!(
            r#""identifier": [{{"system": "{system}", "value": "1"}}]"#
        ))
    };
    assert_eq!(
        identifier("urn:oid:2.16.840.1.113883.2.1.4.1"),
        Vec::<String>::new()
    );
    assert_eq!(
        identifier("urn:uuid:c757873d-ec9a-4326-a141-556f43239520"),
        Vec::<String>::new()
    );
    assert_eq!(
        identifier("oid:2.16.840.1.113883.2.1.4.1"),
        [
            "Patient.identifier[0].system: The URI 'oid:2.16.840.1.113883.2.1.4.1' starts with \
          'oid:'; an OID is written 'urn:oid:'"
        ]
    );
    assert_eq!(
        identifier("urn:oid:X.Y.Z"),
        ["Patient.identifier[0].system: 'X.Y.Z' in 'urn:oid:X.Y.Z' is not a valid OID"]
    );
    assert_eq!(
        identifier("urn:uuid:1234"),
        ["Patient.identifier[0].system: '1234' in 'urn:uuid:1234' is not a valid UUID"]
    );
}

#[test]
fn an_element_emptied_by_an_empty_array_or_object_is_one_error() {
    assert_eq!(
        patient(r#""maritalStatus": {"coding": []}"#),
        ["Patient.maritalStatus.coding: empty JSON array"]
    );
    assert_eq!(
        patient(r#""maritalStatus": {}"#),
        ["Patient.maritalStatus: empty JSON object"]
    );
    assert_eq!(
        patient(r#""name": [{}]"#),
        ["Patient.name[0]: empty JSON object"]
    );
    // Beside other content the empty array leaves nothing empty.
    assert_eq!(
        patient(r#""maritalStatus": {"coding": [], "text": "married"}"#),
        ["Patient.maritalStatus.coding: empty JSON array"]
    );
}

#[test]
fn an_empty_xml_element_is_one_error() {
    let xml = r#"<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">x</div></text><maritalStatus/></Patient>"#;
    assert_eq!(
        errors(Format::Xml, xml),
        ["Patient.maritalStatus: <maritalStatus> has no value attribute and no child elements"]
    );
}

#[test]
fn an_element_empty_without_a_parse_issue_still_fails_ele_1() {
    // An id alone is no content (ele-1 counts children beside the id).
    assert_eq!(
        patient(r#""maritalStatus": {"id": "a"}"#),
        [
            "Patient.maritalStatus: Constraint failed: ele-1: 'All FHIR elements must have a @value or children'"
        ]
    );
}
