//! Re-slicing (R4 profiling.html#reslicing): a slice sliced again names its re-slices
//! `slice/reslice`. A repetition in a re-slice is also in its slice, so it counts toward both
//! cardinalities, is checked against the re-slice's definition, and a closed re-slicing takes
//! no other members of the slice. Uses the built-in R4 definitions.

mod issues;
use issues::issues;

use std::sync::{Arc, OnceLock};

use assure_model::Format;
use assure_validate::{Definitions, Options, Severity, Validator, bundled};
use serde_json::json;

const PROFILE: &str = "http://example.org/fhir/StructureDefinition/resliced";

/// Patient identifiers sliced by system (`mrn` at most twice, `ssn`), the `mrn` slice sliced
/// again, closed, by use: exactly one `mrn/official`, which has a value, and at most one
/// `mrn/old`.
fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let profile = json!({"resourceType": "StructureDefinition", "url": PROFILE,
        "name": "Resliced", "status": "active", "kind": "resource", "abstract": false,
        "type": "Patient", "derivation": "constraint",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
        "differential": {"element": [
        {"id": "Patient.identifier", "path": "Patient.identifier",
         "slicing": {"discriminator": [{"type": "value", "path": "system"}],
                     "rules": "open"}},
        {"id": "Patient.identifier:mrn", "path": "Patient.identifier", "sliceName": "mrn",
         "min": 1, "max": "2",
         "slicing": {"discriminator": [{"type": "value", "path": "use"}],
                     "rules": "closed"}},
        {"id": "Patient.identifier:mrn.system", "path": "Patient.identifier.system",
         "min": 1, "fixedUri": "http://example.org/mrn"},
        {"id": "Patient.identifier:mrn/official", "path": "Patient.identifier",
         "sliceName": "mrn/official", "min": 1, "max": "1"},
        {"id": "Patient.identifier:mrn/official.use", "path": "Patient.identifier.use",
         "fixedCode": "official"},
        {"id": "Patient.identifier:mrn/official.value", "path": "Patient.identifier.value",
         "min": 1},
        {"id": "Patient.identifier:mrn/old", "path": "Patient.identifier",
         "sliceName": "mrn/old", "max": "1"},
        {"id": "Patient.identifier:mrn/old.use", "path": "Patient.identifier.use",
         "fixedCode": "old"},
        {"id": "Patient.identifier:ssn", "path": "Patient.identifier", "sliceName": "ssn",
         "max": "1"},
        {"id": "Patient.identifier:ssn.system", "path": "Patient.identifier.system",
         "min": 1, "fixedUri": "http://example.org/ssn"}
        ]}});
        let mut definitions: Definitions = bundled::definitions().unwrap();
        definitions.add_json(profile, "test");
        Validator::new(Arc::new(definitions))
    })
}

/// The errors of a Patient with `identifiers` (`(system, use, value)`) against the profile.
fn errors(identifiers: &[(&str, &str, Option<&str>)]) -> Vec<String> {
    let identifiers: Vec<_> = identifiers
        .iter()
        .map(|(system, usage, value)| {
            let mut identifier = json!({"system": format!("http://example.org/{system}"),
                "use": usage});
            if let Some(value) = value {
                identifier["value"] = json!(value);
            }
            identifier
        })
        .collect();
    let patient = json!({"resourceType": "Patient", "identifier": identifiers}).to_string();
    let options = Options {
        profiles: vec![PROFILE.into()],
        ..Options::default()
    };
    let outcome = validator().validate_bytes(patient.as_bytes(), Format::Json, &options);
    issues(&outcome, Severity::Error)
}

#[test]
fn members_of_re_slices_are_members_of_their_slice() {
    assert_eq!(
        errors(&[
            ("mrn", "official", Some("1")),
            ("mrn", "old", Some("2")),
            ("ssn", "usual", Some("3")),
        ]),
        Vec::<String>::new()
    );
}

#[test]
fn a_re_slice_has_its_own_cardinality() {
    assert_eq!(
        errors(&[("mrn", "old", Some("2"))]),
        vec![
            "Patient: Patient.identifier (slice 'mrn/official'): minimum required = 1, but \
              only found 0"
        ]
    );
    assert_eq!(
        errors(&[
            ("mrn", "official", Some("1")),
            ("mrn", "official", Some("2")),
            ("mrn", "old", Some("3")),
        ]),
        vec![
            "Patient: Patient.identifier (slice 'mrn'): maximum allowed = 2, but found 3",
            "Patient: Patient.identifier (slice 'mrn/official'): maximum allowed = 1, but found 2"
        ]
    );
}

#[test]
fn a_member_is_checked_against_its_re_slice() {
    assert_eq!(
        errors(&[("mrn", "official", None)]),
        vec![
            "Patient.identifier[0]: Patient.identifier.value: minimum required = 1, but only \
              found 0"
        ]
    );
}

#[test]
fn a_closed_re_slicing_takes_no_other_members_of_its_slice() {
    assert_eq!(
        errors(&[("mrn", "official", Some("1")), ("mrn", "usual", Some("2"))]),
        vec![
            "Patient.identifier[1]: This element does not match any known slice of \
              Patient.identifier:mrn and the slicing is closed"
        ]
    );
}
