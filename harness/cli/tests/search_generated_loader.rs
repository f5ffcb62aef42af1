//! `generate.search` in a suite file: what loads, and every malformed part reported at its
//! `file:line:column`.

use assure::suite::{Level, load_str};
use indexmap::IndexMap;

/// Loads `text` as `g.yaml`.
fn load(text: &str) -> Result<Vec<assure::suite::Suite>, String> {
    load_str("g.yaml", text, &IndexMap::new()).map_err(|e| e.to_string())
}

/// A suite whose `generate.search` body is `search` (indented under `search:`, from line 5).
fn with_search(search: &str) -> String {
    format!("id: g\ntitle: G\ngenerate:\n  search:\n{search}")
}

#[test]
fn a_generator_loads_without_tests() {
    let suites = load(&with_search(
        "    types: [Patient, Observation]\n    level: MAY\n    levels: { Patient.family: SHALL, Patient.family:exact: SHOULD }\n    sample: { Patient: p1 }\n    combinations: { Patient.family+gender: SHALL }\n",
    ))
    .unwrap();
    let generator = suites[0].generate.as_ref().unwrap();
    assert!(suites[0].tests.is_empty());
    assert_eq!(
        generator.types.as_deref(),
        Some(&["Patient".to_owned(), "Observation".to_owned()][..])
    );
    assert_eq!(generator.level, Level::May);
    assert_eq!(generator.levels["Patient.family"], Level::Shall);
    assert_eq!(generator.levels["Patient.family:exact"], Level::Should);
    assert_eq!(generator.sample["Patient"], "p1");
    assert_eq!(
        generator.combinations["Patient.family+gender"],
        Level::Shall
    );
}

#[test]
fn defaults_cover_every_claimed_type_at_should() {
    let suites = load(&with_search("")).unwrap();
    let generator = suites[0].generate.as_ref().unwrap();
    assert_eq!(generator.types, None);
    assert_eq!(generator.level, Level::Should);
}

#[test]
fn a_suite_without_tests_or_generator_still_needs_tests() {
    let error = load("id: g\ntitle: G\n").unwrap_err();
    assert!(error.contains("`tests`"), "{error}");
}

#[test]
fn malformed_generators_are_reported_where_they_are() {
    let cases = [
        (
            "id: g\ntitle: G\ngenerate:\n  searches: {}\n",
            "g.yaml:4:3: unknown key `searches` in generate, expected one of `search`",
        ),
        (
            &with_search("    type: [Patient]\n"),
            "g.yaml:5:5: unknown key `type` in generate.search",
        ),
        (
            &with_search("    types: Patient\n"),
            "g.yaml:5:12: invalid type: string \"Patient\", expected a list of resource types",
        ),
        (
            &with_search("    types: [patient]\n"),
            "g.yaml:5:13: expected a resource type such as `Patient`, found `patient`",
        ),
        (
            &with_search("    level: MUST\n"),
            "g.yaml:5:12: unknown level `MUST`, expected SHALL, SHOULD or MAY",
        ),
        (
            &with_search("    levels: { family: SHALL }\n"),
            "g.yaml:5:15: expected `Type.code` or `Type.code:variant`",
        ),
        (
            &with_search("    levels: { Patient.family:fuzzy: SHALL }\n"),
            "g.yaml:5:15: expected `Type.code` or `Type.code:variant`",
        ),
        (
            &with_search("    combinations: { Patient.family: SHALL }\n"),
            "g.yaml:5:21: expected `Type.code+code`",
        ),
        (
            &with_search("    sample: { Patient: \"{{ nobody }}\" }\n"),
            "g.yaml:5:24: undefined variable `nobody`",
        ),
    ];
    for (text, expected) in cases {
        let error = load(text).unwrap_err();
        assert!(error.starts_with(expected), "{text}\n{error}");
    }
}
