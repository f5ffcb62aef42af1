//! Property tests standing in for fuzzing the suite loader: any text, and mutations of a
//! valid suite, load or fail with a located error, never panic, and fail fast.

use std::time::{Duration, Instant};

use assure::suite::load_str;
use indexmap::IndexMap;
use proptest::prelude::*;

const SUITE: &str = "id: s\ntitle: S\nfhir_version: 4.0.1\nvariables:\n  v: x\ntests:\n  - id: T1\n    title: t\n    level: SHALL\n    steps:\n      - read: { type: Patient, id: \"{{ v }}\" }\n        capture:\n          c: { json: id }\n        expect:\n          - status: [200, 4xx]\n          - json: { path: a.*.b, matches: \"^x+$\" }\n  - id: T2\n    title: u\n    level: MAY\n    needs: [T1]\n    steps:\n      - search: { type: Patient, params: { name: \"{{ c }}\" } }\n        auth: { mint: { exp_in: -60 } }\n";

proptest! {
    #[test]
    fn any_text_loads_or_fails_with_a_position(text in "\\PC{0,300}") {
        let started = Instant::now();
        if let Err(error) = load_str("f.yaml", &text, &IndexMap::new()) {
            prop_assert!(error.to_string().starts_with("f.yaml"), "{error}");
        }
        prop_assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_mutated_suite_loads_or_fails_with_a_position(
        edits in prop::collection::vec((any::<prop::sample::Index>(), "[\\[\\]{}:,&*!|>\\-\"' \\n#%@a-z0-9]"), 1..6),
    ) {
        let mut text: Vec<char> = SUITE.chars().collect();
        for (at, replacement) in edits {
            let index = at.index(text.len());
            text.splice(index..=index, replacement.chars());
        }
        let text: String = text.into_iter().collect();
        let started = Instant::now();
        if let Err(error) = load_str("f.yaml", &text, &IndexMap::new()) {
            prop_assert!(error.to_string().starts_with("f.yaml"), "{error}");
        }
        prop_assert!(started.elapsed() < Duration::from_secs(2));
    }
}

#[test]
fn the_seed_suite_loads() {
    load_str("f.yaml", SUITE, &IndexMap::new()).expect("the seed is valid");
}
