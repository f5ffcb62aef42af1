//! URI parameters (search.html#uri).

use crate::common::*;

#[test]
fn exact_above_and_below() {
    let value_set = resource(
        r#"{"resourceType": "ValueSet", "status": "active", "url": "http://acme.org/fhir/ValueSet/123"}"#,
    );
    table(
        &value_set,
        &[
            ("url", "http://acme.org/fhir/ValueSet/123", Match),
            ("url", "http://acme.org/fhir/ValueSet/12", NoMatch),
            ("url", "HTTP://ACME.ORG/fhir/ValueSet/123", NoMatch),
            ("url:below", "http://acme.org/fhir/", Match),
            ("url:below", "http://acme.org/other/", NoMatch),
            (
                "url:above",
                "http://acme.org/fhir/ValueSet/123/_history/5",
                Match,
            ),
            ("url:above", "http://acme.org/fhir/ValueSet/1", NoMatch),
        ],
    );
}

#[test]
fn profiles_are_uri_searched() {
    let patient = resource(
        r#"{"resourceType": "Patient", "meta": {"profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]}}"#,
    );
    table(
        &patient,
        &[
            (
                "_profile",
                "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient",
                Match,
            ),
            (
                "_profile",
                "http://hl7.org/fhir/StructureDefinition/Patient",
                NoMatch,
            ),
        ],
    );
}
