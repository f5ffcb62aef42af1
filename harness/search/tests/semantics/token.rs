//! Token parameters (search.html#token).

use crate::common::*;

const OBSERVATION: &str = r#"{
  "resourceType": "Observation", "id": "hr", "status": "final",
  "code": {"coding": [
      {"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"},
      {"system": "http://snomed.info/sct", "code": "364075005"}],
    "text": "Heart rate"},
  "subject": {"reference": "Patient/1"},
  "valueQuantity": {"value": 72, "unit": "beats/min", "system": "http://unitsofmeasure.org", "code": "/min"}
}"#;

#[test]
fn codeable_concept_codes_and_systems() {
    let obs = resource(OBSERVATION);
    table(
        &obs,
        &[
            ("code", "8867-4", Match),
            ("code", "http://loinc.org|8867-4", Match),
            ("code", "http://snomed.info/sct|364075005", Match),
            ("code", "http://snomed.info/sct|8867-4", NoMatch),
            ("code", "http://loinc.org|", Match),
            ("code", "http://example.org|", NoMatch),
            ("code", "|8867-4", NoMatch),
            ("code", "1234-5", NoMatch),
            ("code", "1234-5,8867-4", Match),
            (
                "code",
                "http://loinc.org|8867-4,http://loinc.org|1234-5",
                Match,
            ),
            ("status", "final", Match),
            ("status", "FINAL", Undecided),
            ("status", "amended", NoMatch),
            (
                "status",
                "http://hl7.org/fhir/observation-status|final",
                Undecided,
            ),
            ("_id", "hr", Match),
            ("_id", "other", NoMatch),
        ],
    );
}

#[test]
fn not_matches_resources_without_the_code() {
    let obs = resource(OBSERVATION);
    table(
        &obs,
        &[
            ("code:not", "1234-5", Match),
            ("code:not", "8867-4", NoMatch),
            ("code:not", "http://loinc.org|8867-4", NoMatch),
            ("status:not", "final", NoMatch),
            ("status:not", "amended", Match),
            ("status:not", "amended,cancelled", Match),
            ("code:not", "8867-4,1234-5", Undecided),
            ("code:not", "8867-4,364075005", NoMatch),
        ],
    );
}

#[test]
fn text_and_terminology_modifiers() {
    let obs = resource(OBSERVATION);
    table(
        &obs,
        &[
            ("code:text", "heart", Match),
            ("code:text", "HEART RATE", Match),
            ("code:text", "pulse", Undecided),
            (
                "code:in",
                "http://hl7.org/fhir/ValueSet/observation-vitalsignresult",
                Undecided,
            ),
            ("code:below", "http://snomed.info/sct|364075005", Undecided),
            ("code:above", "http://snomed.info/sct|364075005", Undecided),
            ("code:not-in", "http://hl7.org/fhir/ValueSet/x", Undecided),
        ],
    );
}

const PATIENT: &str = r#"{
  "resourceType": "Patient", "id": "p1", "active": true, "gender": "female",
  "identifier": [
    {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"},
    {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}], "text": "Medical record number"},
     "system": "http://hospital.example/mrn", "value": "123"}],
  "telecom": [{"system": "phone", "value": "+44 1632 960000"}, {"system": "email", "value": "zoe@example.org"}]
}"#;

#[test]
fn identifiers_booleans_codes_and_contact_points() {
    let patient = resource(PATIENT);
    table(
        &patient,
        &[
            ("identifier", "9990000018", Match),
            (
                "identifier",
                "https://fhir.nhs.uk/Id/nhs-number|9990000018",
                Match,
            ),
            (
                "identifier",
                "http://hospital.example/mrn|9990000018",
                NoMatch,
            ),
            // `|123`: no system; both identifiers with value 123 have one.
            ("identifier", "|123", NoMatch),
            ("identifier", "123", Match),
            (
                "identifier:of-type",
                "http://terminology.hl7.org/CodeSystem/v2-0203|MR|123",
                Match,
            ),
            (
                "identifier:of-type",
                "http://terminology.hl7.org/CodeSystem/v2-0203|MR|999",
                NoMatch,
            ),
            (
                "identifier:of-type",
                "http://terminology.hl7.org/CodeSystem/v2-0203|NH|123",
                NoMatch,
            ),
            ("identifier:text", "medical", Match),
            ("active", "true", Match),
            ("active", "false", NoMatch),
            ("gender", "female", Match),
            ("gender", "male", NoMatch),
            ("gender:not", "male", Match),
            ("email", "zoe@example.org", Match),
            ("email", "other@example.org", NoMatch),
            ("phone", "+44 1632 960000", Match),
            ("telecom", "zoe@example.org", Match),
        ],
    );
}

#[test]
fn an_identifier_without_a_system_matches_the_no_system_form() {
    let patient = resource(r#"{"resourceType": "Patient", "identifier": [{"value": "123"}]}"#);
    table(
        &patient,
        &[
            ("identifier", "|123", Match),
            ("identifier", "http://x|123", NoMatch),
            ("gender:not", "male", Match),
            ("gender", "male", NoMatch),
        ],
    );
}
