//! String parameters (search.html#string).

use crate::common::*;

/// Maiden name first, official name second; accented given name.
const PATIENT: &str = r#"{
  "resourceType": "Patient",
  "name": [
    {"use": "maiden", "family": "Brontë", "given": ["Zoë", "Anne"]},
    {"use": "official", "family": "O'Brien-Smith", "given": ["Zoë"], "prefix": ["Dr"], "suffix": ["PhD"]},
    {"text": "Zoë Anne O'Brien-Smith"}],
  "address": [{"line": ["1 Rue Éclair"], "city": "Montréal", "postalCode": "H2X 1Y4", "country": "CA"}]
}"#;

#[test]
fn starts_with_ignoring_case_and_accents() {
    let patient = resource(PATIENT);
    table(
        &patient,
        &[
            ("family", "Brontë", Match),
            ("family", "bronte", Match),
            ("family", "BRON", Match),
            ("family", "o'brien", Match),
            ("family", "O'Brien-Smith", Match),
            ("family", "smith", NoMatch),
            ("family", "obriensmith", Undecided),
            ("family", "jones", NoMatch),
            ("family", "jones,bront", Match),
            ("given", "zoe", Match),
            ("given", "ann", Match),
            ("given", "an", Match),
            ("given", "bob", NoMatch),
            ("name", "zoe", Match),
            ("name", "dr", Match),
            ("name", "phd", Match),
            ("name", "zoë anne o", Match),
            ("name", "smith", NoMatch),
            ("address", "montreal", Match),
            ("address-city", "MONTRÉAL", Match),
            ("address-city", "toronto", NoMatch),
            ("address", "1 rue eclair", Match),
            ("address-postalcode", "h2x", Match),
            ("address-country", "ca", Match),
            ("phonetic", "bronty", Undecided),
        ],
    );
}

#[test]
fn exact_and_contains() {
    let patient = resource(PATIENT);
    table(
        &patient,
        &[
            ("family:exact", "Brontë", Match),
            ("family:exact", "Bronte", NoMatch),
            ("family:exact", "brontë", NoMatch),
            ("family:exact", "Bront", NoMatch),
            ("family:exact", "Bronte\u{308}", Undecided),
            ("family:exact", "O'Brien-Smith", Match),
            ("family:contains", "smith", Match),
            ("family:contains", "RONT", Match),
            ("family:contains", "xyz", NoMatch),
            ("given:contains", "oe", Match),
            ("name:contains", "brien", Match),
        ],
    );
}

#[test]
fn the_reason_names_the_values_and_the_rule() {
    let patient = resource(PATIENT);
    let judgement = judged(&patient, "family", "jones");
    let reason = judgement.reason().unwrap();
    assert!(
        reason.contains("'Brontë'") && reason.contains("'O'Brien-Smith'"),
        "{reason}"
    );
    assert!(reason.contains("search.html#string"), "{reason}");
}

#[test]
fn a_practitioner_is_judged_by_its_own_part_of_a_shared_expression() {
    let practitioner =
        resource(r#"{"resourceType": "Practitioner", "name": [{"family": "Núñez"}]}"#);
    table(
        &practitioner,
        &[
            ("family", "nunez", Match),
            ("family", "nun", Match),
            ("family", "x", NoMatch),
        ],
    );
}
