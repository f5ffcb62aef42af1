//! Reference parameters (search.html#reference).

use crate::common::*;

fn observation(subject: &str) -> String {
    format!(
        r#"{{"resourceType": "Observation", "status": "final", "code": {{"text": "x"}}, "subject": {subject}}}"#
    )
}

#[test]
fn relative_absolute_and_typed_forms() {
    let obs = resource(&observation(r#"{"reference": "Patient/1"}"#));
    table(
        &obs,
        &[
            ("subject", "Patient/1", Match),
            ("subject", "1", Match),
            ("subject", "Patient/2", NoMatch),
            ("subject", "Group/1", NoMatch),
            ("subject:Patient", "1", Match),
            ("subject:Group", "1", NoMatch),
            ("subject", "http://server/fhir/Patient/1", Match),
            ("subject", "http://server/fhir/Patient/2", NoMatch),
            ("patient", "Patient/1", Match),
            ("patient", "1", Match),
            ("patient", "Patient/1,Patient/2", Match),
            ("subject", "Patient/1/_history/2", Undecided),
        ],
    );
    let absolute = resource(&observation(
        r#"{"reference": "http://server/fhir/Patient/1"}"#,
    ));
    table(
        &absolute,
        &[
            ("subject", "Patient/1", Match),
            ("subject", "1", Match),
            ("subject", "http://server/fhir/Patient/1", Match),
            ("subject", "http://other/fhir/Patient/1", NoMatch),
            ("patient", "Patient/1", Match),
        ],
    );
}

#[test]
fn the_resolve_filter_reads_the_reference_type() {
    let group = resource(&observation(r#"{"reference": "Group/1"}"#));
    table(
        &group,
        &[
            // `patient` is `Observation.subject.where(resolve() is Patient)`.
            ("patient", "1", NoMatch),
            ("subject", "Group/1", Match),
        ],
    );
    let typed = resource(&observation(
        r#"{"reference": "urn:uuid:3f1c4a5e-0c1a-4d47-9a43-6b8e2c3b1d7f", "type": "Patient"}"#,
    ));
    table(&typed, &[("patient", "1", Undecided)]);
    let untyped = resource(&observation(
        r#"{"reference": "urn:uuid:3f1c4a5e-0c1a-4d47-9a43-6b8e2c3b1d7f"}"#,
    ));
    table(
        &untyped,
        &[
            ("patient", "Patient/1", Undecided),
            ("subject", "Patient/1", Undecided),
        ],
    );
}

#[test]
fn identifier_modifier_and_logical_references() {
    let logical = resource(&observation(
        r#"{"identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"}, "type": "Patient"}"#,
    ));
    table(
        &logical,
        &[
            (
                "subject:identifier",
                "https://fhir.nhs.uk/Id/nhs-number|9990000018",
                Match,
            ),
            ("subject:identifier", "9990000018", Match),
            (
                "subject:identifier",
                "https://fhir.nhs.uk/Id/nhs-number|9990000026",
                NoMatch,
            ),
            ("patient:identifier", "9990000018", Match),
            ("subject", "Patient/1", Undecided),
        ],
    );
}

#[test]
fn chained_and_reverse_chained_parameters_are_undecided() {
    let obs = resource(&observation(r#"{"reference": "Patient/1"}"#));
    table(
        &obs,
        &[
            ("subject.name", "smith", Undecided),
            ("subject:Patient.name", "smith", Undecided),
            ("_has:Observation:patient:code", "1234", Undecided),
            ("subject:above", "Patient/1", Undecided),
        ],
    );
}

#[test]
fn canonical_references() {
    let plan = resource(
        r#"{"resourceType": "PlanDefinition", "status": "active",
            "library": ["http://example.org/Library/lib|2.0"]}"#,
    );
    table(
        &plan,
        &[
            ("depends-on", "http://example.org/Library/lib", Match),
            ("depends-on", "http://example.org/Library/lib|2.0", Match),
            ("depends-on", "http://example.org/Library/lib|1.0", NoMatch),
            ("depends-on", "http://example.org/Library/other", NoMatch),
        ],
    );
}
