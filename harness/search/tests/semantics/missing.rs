//! `:missing` (search.html#modifiers).

use crate::common::*;

#[test]
fn missing_true_and_false() {
    let with =
        resource(r#"{"resourceType": "Patient", "birthDate": "1980", "name": [{"family": "X"}]}"#);
    let without = resource(r#"{"resourceType": "Patient", "gender": "male"}"#);
    let absent = resource(
        r#"{"resourceType": "Patient", "_birthDate": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "unknown"}]}}"#,
    );
    table(
        &with,
        &[
            ("birthdate:missing", "false", Match),
            ("birthdate:missing", "true", NoMatch),
            ("family:missing", "false", Match),
            ("gender:missing", "true", Match),
            ("general-practitioner:missing", "true", Match),
        ],
    );
    table(
        &without,
        &[
            ("birthdate:missing", "true", Match),
            ("birthdate:missing", "false", NoMatch),
        ],
    );
    table(
        &absent,
        &[
            ("birthdate:missing", "true", Undecided),
            ("birthdate:missing", "false", Undecided),
        ],
    );
}
