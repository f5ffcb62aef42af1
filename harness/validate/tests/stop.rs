//! Stopping a validation: at its deadline or when cancelled, a walk ends early, the entries of
//! a large Bundle on every thread included, and the outcome says its verdict is incomplete.

mod core_validator;

use std::time::Duration;

use assure_model::Format;
use assure_validate::{Options, Outcome, STOPPED_RULE, Stop};
use serde_json::json;

/// A searchset of `entries` Patients, each with a gender outside its required value set, so
/// that a whole validation reports one error per entry.
fn searchset(entries: usize) -> Vec<u8> {
    let entry: Vec<_> = (0..entries)
        .map(|n| {
            json!({"fullUrl": format!("http://example.org/fhir/Patient/p{n}"),
                "resource": {"resourceType": "Patient", "id": format!("p{n}"), "gender": "neither"},
                "search": {"mode": "match"}})
        })
        .collect();
    json!({"resourceType": "Bundle", "type": "searchset", "total": entries, "entry": entry})
        .to_string()
        .into_bytes()
}

fn validate(bytes: &[u8], stop: Stop) -> Outcome {
    let options = Options {
        stop,
        ..Options::default()
    };
    core_validator::validator().validate_bytes(bytes, Format::Json, &options)
}

fn stopped(outcome: &Outcome) -> Vec<&str> {
    outcome
        .issues
        .iter()
        .filter(|issue| &*issue.rule == STOPPED_RULE)
        .map(|issue| &*issue.message)
        .collect()
}

#[test]
fn a_validation_that_is_never_stopped_checks_every_entry() {
    let outcome = validate(&searchset(5_000), Stop::default());
    assert_eq!(outcome.errors().count(), 5_000);
    assert!(stopped(&outcome).is_empty());
}

#[test]
fn a_validation_past_its_deadline_ends_early_and_says_so() {
    let outcome = validate(&searchset(5_000), Stop::after(Duration::ZERO));
    let messages = stopped(&outcome);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("after 0 ms, its time limit"),
        "{}",
        messages[0]
    );
    let entry_errors = outcome.errors().count() - 1;
    assert!(
        entry_errors < 5_000,
        "{entry_errors} entries were checked after the deadline"
    );
}

#[test]
fn a_cancelled_validation_checks_nothing_more() {
    let stop = Stop::default();
    stop.cancel();
    let outcome = validate(&searchset(500), stop);
    let messages = stopped(&outcome);
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("cancelled"), "{}", messages[0]);
    assert_eq!(outcome.issues.len(), 1, "{:?}", outcome.issues);
}
