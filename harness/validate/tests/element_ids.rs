//! Element ids (R4 `Element.id`, "unique id for the element within a resource") do not repeat
//! among the elements of one parent. Uses the built-in R4 definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use assure_model::Format;
use assure_validate::{Options, Severity};

fn errors(json: &str) -> Vec<String> {
    let outcome = validator().validate_bytes(json.as_bytes(), Format::Json, &Options::default());
    issues(&outcome, Severity::Error)
}

fn patient(properties: &str) -> String {
    format!(
        r#"{{"resourceType": "Patient", "id": "a", "text": {{"status": "generated",
        "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}, {properties}}}"#
    )
}

#[test]
fn an_id_repeated_among_the_elements_of_one_parent_is_an_error() {
    assert_eq!(
        errors(&patient(
            r#""identifier": [{"id": "2", "value": "1"}], "name": [{"id": "2", "family": "Ames"}]"#
        )),
        [
            "Patient.name[0]: Duplicate element id '2': Patient.identifier[0] has it already, and \
          the ids of the elements of one parent are unique"
        ]
    );
    // Items of one list are elements of one parent too, and primitives have ids.
    assert_eq!(
        errors(&patient(
            r#""name": [{"given": ["A", "B"], "_given": [{"id": "g"}, {"id": "g"}]}]"#
        )),
        [
            "Patient.name[0].given[1]: Duplicate element id 'g': Patient.name[0].given[0] has it \
          already, and the ids of the elements of one parent are unique"
        ]
    );
}

#[test]
fn ids_under_different_parents_and_in_nested_resources_are_apart() {
    assert_eq!(
        errors(&patient(
            r##""identifier": [{"id": "2", "value": "1", "period": {"id": "2", "start": "2020"}}],
            "maritalStatus": {"coding": [{"id": "2", "code": "M"}]},
            "contained": [{"resourceType": "Organization", "id": "o",
                "identifier": [{"id": "2", "value": "x"}]}],
            "managingOrganization": {"reference": "#o"}"##
        )),
        Vec::<String>::new()
    );
}

#[test]
fn bundle_entries_with_one_id_are_an_error() {
    let bundle = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
        {"id": "e", "fullUrl": "urn:uuid:3b4c3f4e-5d60-4c57-9c38-a3e3b6a4b001",
         "resource": {"resourceType": "Basic", "id": "1", "code": {"text": "x"}}},
        {"id": "e", "fullUrl": "urn:uuid:3b4c3f4e-5d60-4c57-9c38-a3e3b6a4b002",
         "resource": {"resourceType": "Basic", "id": "2", "code": {"text": "y"}}}]}"#;
    assert_eq!(
        errors(bundle),
        [
            "Bundle.entry[1]: Duplicate element id 'e': Bundle.entry[0] has it already, and the \
          ids of the elements of one parent are unique"
        ]
    );
}
