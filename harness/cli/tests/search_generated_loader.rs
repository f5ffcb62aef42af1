//! `generate.search` and `generate.profiles` in a suite file: what loads, and every malformed
//! part reported at its `file:line:column`.

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
    let generator = suites[0].generate.search.as_ref().unwrap();
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
    let generator = suites[0].generate.search.as_ref().unwrap();
    assert_eq!(generator.types, None);
    assert_eq!(generator.level, Level::Should);
}

#[test]
fn a_national_search_generator_loads_its_prefix_pins_and_profile() {
    let suites = load(&with_search(
        "    id_prefix: UK-SRCH\n    pinned_only: true\n    requires_profile: { Patient: https://example.org/P }\n",
    ))
    .unwrap();
    let generator = suites[0].generate.search.as_ref().unwrap();
    assert_eq!(generator.id_prefix, "UK-SRCH");
    assert!(generator.pinned_only);
    assert_eq!(
        generator.requires_profile["Patient"],
        "https://example.org/P"
    );
    let plain = load(&with_search("")).unwrap();
    assert_eq!(plain[0].generate.search.as_ref().unwrap().id_prefix, "SRCH");
}

#[test]
fn a_profile_generator_loads_with_its_default_instances() {
    let text = "id: g\ntitle: G\ngenerate:\n  profiles:\n    canonical_prefix: https://example.org/SD/\n    id_prefix: EX\n";
    let suites = load(text).unwrap();
    let generator = suites[0].generate.profiles.as_ref().unwrap();
    assert_eq!(generator.canonical_prefix, "https://example.org/SD/");
    assert_eq!(generator.id_prefix, "EX");
    assert_eq!(generator.instances, 20);
    assert!(suites[0].generate.search.is_none() && suites[0].tests.is_empty());
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
            "id: g\ntitle: G\ngenerate: {}\n",
            "g.yaml:3:11: expected `search` or `profiles` in `generate`",
        ),
        (
            "id: g\ntitle: G\ngenerate:\n  profiles:\n    id_prefix: EX\n",
            "g.yaml:5:5: missing key `canonical_prefix` in generate.profiles",
        ),
        (
            "id: g\ntitle: G\ngenerate:\n  profiles:\n    canonical_prefix: x\n    id_prefix: E X\n",
            "g.yaml:6:16:",
        ),
        (
            "id: g\ntitle: G\ngenerate:\n  profiles:\n    canonical_prefix: x\n    id_prefix: EX\n    instances: 0\n",
            "g.yaml:7:16: expected at least 1 instance to inspect",
        ),
        (
            &with_search("    requires_profile: { patient: x }\n"),
            "g.yaml:5:25: expected a resource type such as `Patient`, found `patient`",
        ),
        (&with_search("    pinned_only: maybe\n"), "g.yaml:5:18:"),
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
