//! Date parameters (search.html#date, #prefix).

use crate::common::*;

#[test]
fn birth_dates_by_prefix() {
    let patient = resource(r#"{"resourceType": "Patient", "birthDate": "1980-05-12"}"#);
    table(
        &patient,
        &[
            ("birthdate", "1980-05-12", Match),
            ("birthdate", "1980-05", Match),
            ("birthdate", "1980", Match),
            ("birthdate", "eq1980", Match),
            ("birthdate", "1981", NoMatch),
            // A one-second range cannot contain a whole day, in any zone.
            ("birthdate", "1980-05-12T10:00:00Z", NoMatch),
            ("birthdate", "ne1980", NoMatch),
            ("birthdate", "ne1981", Match),
            // gt: the range above the parameter value must overlap the value's range.
            ("birthdate", "gt1980", NoMatch),
            ("birthdate", "gt1980-05-11", Match),
            ("birthdate", "gt1980-05-12", NoMatch),
            ("birthdate", "lt1980", NoMatch),
            ("birthdate", "lt1980-05-13", Match),
            ("birthdate", "lt1980-05-12", NoMatch),
            ("birthdate", "ge1980", Match),
            ("birthdate", "ge1980-05-12", Match),
            ("birthdate", "ge1980-05-13", NoMatch),
            ("birthdate", "le1980", Match),
            ("birthdate", "le1980-05-11", NoMatch),
            ("birthdate", "sa1979", Match),
            ("birthdate", "sa1980-05-11", Match),
            ("birthdate", "sa1980-05", NoMatch),
            ("birthdate", "eb1981", Match),
            ("birthdate", "eb1980", NoMatch),
            ("birthdate", "ge1980,lt1970", Match),
        ],
    );
}

#[test]
fn the_reason_names_the_value_and_the_prefix_rule() {
    let patient = resource(r#"{"resourceType": "Patient", "birthDate": "1980-05-12"}"#);
    let reason = judged(&patient, "birthdate", "gt1980")
        .reason()
        .unwrap()
        .to_owned();
    assert!(reason.contains("birthDate (date) 1980-05-12"), "{reason}");
    assert!(
        reason.contains("prefix gt") && reason.contains("search.html#prefix"),
        "{reason}"
    );
}

#[test]
fn time_zones() {
    // 2024-01-31T23:00:00-02:00 is 2024-02-01T01:00:00Z.
    let obs = resource(
        r#"{"resourceType": "Observation", "status": "final", "code": {"text": "x"},
            "effectiveDateTime": "2024-01-31T23:00:00-02:00"}"#,
    );
    table(
        &obs,
        &[
            // In any zone the value is on or after the start of January 2024.
            ("date", "ge2024-01", Match),
            ("date", "ge2024-01-31T00:00:00Z", Match),
            ("date", "lt2024-01-01", NoMatch),
            // With zones on both sides, exact: it is February in UTC.
            ("date", "ge2024-02-01T00:00:00Z", Match),
            ("date", "lt2024-02-01T00:00:00Z", NoMatch),
            ("date", "lt2024-02-01T00:00:00-03:00", Match),
            ("date", "eq2024-01-31T23:00:00-02:00", Match),
            ("date", "eq2024-02-01T01:00:00Z", Match),
            // Without a zone the parameter is in the server's local time: January 31 or
            // February 1 depending on it.
            ("date", "2024-01-31", Undecided),
            ("date", "2024-02-01", Undecided),
            ("date", "lt2024-02", Undecided),
            ("date", "2024-01-30", NoMatch),
            ("date", "2024-02-02", NoMatch),
            ("date", "2024", Match),
        ],
    );
}

#[test]
fn periods_are_ranges_open_where_an_end_is_missing() {
    let encounter = resource(
        r#"{"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"},
            "period": {"start": "2024-03-01", "end": "2024-03-05"}}"#,
    );
    table(
        &encounter,
        &[
            ("date", "2024-03", Match),
            ("date", "2024-03-03", NoMatch),
            ("date", "ge2024-03-03", Match),
            ("date", "le2024-03-03", Match),
            ("date", "gt2024-03-05", NoMatch),
            ("date", "sa2024-02", Match),
            ("date", "sa2024-03-01", NoMatch),
            ("date", "eb2024-03-06", Match),
            ("date", "eb2024-03-05", NoMatch),
            ("date", "ap2024-03-03", Match),
        ],
    );
    let ongoing = resource(
        r#"{"resourceType": "Encounter", "status": "in-progress", "class": {"code": "AMB"},
            "period": {"start": "2024-03-01"}}"#,
    );
    table(
        &ongoing,
        &[
            ("date", "gt2030", Match),
            ("date", "lt2024-03-01", NoMatch),
            ("date", "2024-03", NoMatch),
            ("date", "eb2030", NoMatch),
        ],
    );
}

#[test]
fn approximately() {
    // search.html#prefix recommends 10% of the gap between now and the value "but systems may
    // choose other values": the judge matches inside the value's range and is undecided
    // outside it, however far.
    let patient = resource(r#"{"resourceType": "Patient", "birthDate": "2015-01-01"}"#);
    table(
        &patient,
        &[
            ("birthdate", "ap2015-01-01", Match),
            ("birthdate", "ap2015", Match),
            ("birthdate", "ap2014-10-01", Undecided),
            ("birthdate", "ap2000", Undecided),
        ],
    );
}

#[test]
fn last_updated_and_instants() {
    let patient = resource(
        r#"{"resourceType": "Patient", "meta": {"lastUpdated": "2024-06-01T12:00:00.123+00:00"}}"#,
    );
    table(
        &patient,
        &[
            ("_lastUpdated", "ge2024-06-01T12:00:00Z", Match),
            // The value's range (one millisecond) is inside the parameter's second: eq, not gt.
            ("_lastUpdated", "gt2024-06-01T12:00:00Z", NoMatch),
            ("_lastUpdated", "gt2024-06-01T11:59:59Z", Match),
            ("_lastUpdated", "eq2024-06-01T12:00:00Z", Match),
            ("_lastUpdated", "lt2024-06-01T12:00:00Z", NoMatch),
            ("_lastUpdated", "gt2024-06-01T12:00:00.123Z", NoMatch),
            // Without a zone, 2024-06-02 starts at 2024-06-01T10:00Z in +14:00: undecided.
            ("_lastUpdated", "ge2024-06-02", Undecided),
            ("_lastUpdated", "ge2024-06-03", NoMatch),
            ("_lastUpdated", "2024-06", Match),
        ],
    );
}

#[test]
fn timing_and_missing_values() {
    let request = resource(
        r#"{"resourceType": "MedicationRequest", "status": "active", "intent": "order",
            "medicationCodeableConcept": {"text": "x"}, "subject": {"reference": "Patient/1"},
            "authoredOn": "2024-05-01"}"#,
    );
    table(
        &request,
        &[
            ("authoredon", "2024-05", Match),
            ("authoredon", "2023", NoMatch),
        ],
    );
    let patient = resource(r#"{"resourceType": "Patient"}"#);
    table(
        &patient,
        &[
            ("birthdate", "1980", NoMatch),
            ("birthdate", "ne1980", Undecided),
        ],
    );
}
