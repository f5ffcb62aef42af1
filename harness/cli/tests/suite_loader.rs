//! The suite loader: the format of `suites/README.md` into the suite model, and every kind of
//! malformed suite reported at its `file:line:column` with what was expected.

use assure::suite::{
    Action, Assertion, Body, Capture, CaptureSource, CertificateProbe, ClientCertificate,
    ClientKind, CountBounds, ForEach, ForgeKind, HeaderMatch, JsonCheck, JsonMatch, Level,
    LoadError, MintSpec, Position, SearchMethod, StatusMatch, Step, StepAuth, Suite, SuiteSet,
    TestCase, TlsOffer, TlsVersion, TokenCall, TokenFault, load_embedded, load_paths, load_str,
};
use indexmap::IndexMap;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/suites")
}

fn no_overrides() -> IndexMap<String, String> {
    IndexMap::new()
}

/// The first three lines of every inline suite; tests start on line 4.
const HEAD: &str = "id: s\ntitle: S\ntests:\n";

/// Loads `HEAD` + `tests` as `s.yaml` and returns the error text.
fn error_of(tests: &str) -> String {
    load_str("s.yaml", &format!("{HEAD}{tests}"), &no_overrides())
        .expect_err("the suite should not load")
        .to_string()
}

/// One test `T` whose steps are `steps` (indented as list items under `steps:`, from line 9).
fn with_steps(steps: &str) -> String {
    format!("  - id: T\n    title: t\n    level: SHALL\n    steps:\n{steps}")
}

fn text(value: &str) -> String {
    value.to_owned()
}

fn step(action: Action) -> Step {
    Step {
        name: None,
        action,
        headers: IndexMap::new(),
        expect: Vec::new(),
        capture: IndexMap::new(),
        for_each: None,
        setup: false,
        skip_unless: None,
        auth: StepAuth::Default,
    }
}

fn status(codes: &[u16], ranges: &[(u16, u16)]) -> Assertion {
    Assertion::Status(StatusMatch {
        codes: codes.to_vec(),
        ranges: ranges.to_vec(),
    })
}

fn json_check(path: &str, check: JsonCheck) -> Assertion {
    Assertion::Json(JsonMatch {
        path: text(path),
        check,
    })
}

fn header(name: &str, present: bool, equals: Option<&str>, matches: Option<&str>) -> Assertion {
    Assertion::Header(HeaderMatch {
        name: text(name),
        present,
        equals: equals.map(text),
        matches: matches.map(text),
        not_matches: None,
    })
}

fn capture(source: CaptureSource, regex: Option<&str>, all: bool) -> Capture {
    Capture {
        source,
        regex: regex.map(text),
        all,
    }
}

fn map<V>(entries: Vec<(&str, V)>) -> IndexMap<String, V> {
    entries.into_iter().map(|(k, v)| (text(k), v)).collect()
}

fn expected_full_suite(path: &Path) -> Suite {
    let new_id = "{{ new_id }}";
    let patient = || text("Patient");
    let capabilities = Step {
        name: Some(text("fetch metadata")),
        headers: map(vec![("Accept", text("application/fhir+json"))]),
        expect: vec![
            status(&[200], &[]),
            status(&[200, 201], &[]),
            status(&[], &[(200, 299)]),
            status(&[], &[(200, 299)]),
            Assertion::ContentType(text("application/fhir+json")),
            Assertion::ResourceType(text("CapabilityStatement")),
            json_check("fhirVersion", JsonCheck::Equals(json!("4.0.1"))),
            json_check("rest.0.mode", JsonCheck::Exists(true)),
            json_check("software.name", JsonCheck::Matches(text("^[A-Za-z]"))),
            json_check("format", JsonCheck::Contains(json!("json"))),
            header("ETag", false, None, None),
        ],
        capture: map(vec![
            (
                "types",
                capture(
                    CaptureSource::Json(text("rest.0.resource.*.type")),
                    None,
                    true,
                ),
            ),
            (
                "software",
                capture(CaptureSource::Json(text("software.name")), None, false),
            ),
        ]),
        ..step(Action::Capabilities)
    };
    let create = Step {
        expect: vec![
            status(&[201], &[]),
            header("Location", true, None, Some("Patient/[^/]+")),
        ],
        capture: map(vec![(
            "new_id",
            capture(
                CaptureSource::Header(text("Location")),
                Some("Patient/([^/]+)"),
                false,
            ),
        )]),
        ..step(Action::Create {
            resource_type: patient(),
            body: Body::Json(json!({
                "resourceType": "Patient",
                "active": true,
                "name": [{ "family": "Example", "given": ["{{ patient_id }}"] }]
            })),
        })
    };
    let read = Step {
        expect: vec![
            json_check("id", JsonCheck::Equals(json!(new_id))),
            header("ETag", true, Some(r#"W/"1""#), None),
        ],
        capture: map(vec![(
            "version",
            capture(CaptureSource::Json(text("meta.versionId")), None, false),
        )]),
        ..step(Action::Read {
            resource_type: patient(),
            id: text(new_id),
        })
    };
    let update = Step {
        headers: map(vec![
            ("Content-Type", text("application/fhir+json")),
            ("If-Match", text(r#"W/"{{ version }}""#)),
        ]),
        ..step(Action::Update {
            resource_type: patient(),
            id: text(new_id),
            body: Body::Raw(text(r#"{"resourceType": "Patient", "id": "{{ new_id }}"}"#)),
        })
    };
    let history = Step {
        expect: vec![
            Assertion::BundleType(text("history")),
            Assertion::EntryCount(CountBounds {
                min: Some(2),
                max: None,
                matches_only: false,
            }),
        ],
        ..step(Action::History {
            resource_type: Some(patient()),
            id: Some(text(new_id)),
        })
    };
    let search_each = Step {
        for_each: Some(ForEach {
            var: text("type"),
            over: text("types"),
        }),
        expect: vec![
            Assertion::BundleType(text("searchset")),
            Assertion::EntryCount(CountBounds {
                min: Some(3),
                max: Some(3),
                matches_only: false,
            }),
            Assertion::EntryCount(CountBounds {
                min: None,
                max: Some(10),
                matches_only: true,
            }),
        ],
        ..step(Action::Search {
            resource_type: Some(text("{{ type }}")),
            params: vec![
                (text("_count"), text("{{ count }}")),
                (text("birthdate"), text("ge1980-01-01")),
                (text("birthdate"), text("le1990-12-31")),
                (text("value-quantity"), text("5.40")),
                (text("active"), text("true")),
            ],
            method: SearchMethod::Post,
        })
    };
    let bytes = std::fs::read(path).unwrap();
    Suite {
        id: text("full"),
        title: text("Every construct"),
        fhir_version: text("4.0.1"),
        description: Some(text("Exercises each action, assertion and capture.\n")),
        variables: map(vec![("patient_id", text("example")), ("count", text("5"))]),
        data: Vec::new(),
        tests: vec![
            TestCase {
                id: text("FULL-CAP-01"),
                title: text("Read the CapabilityStatement"),
                level: Level::Shall,
                tags: vec![text("capabilities"), text("smoke")],
                requirement: Some(text("https://hl7.org/fhir/R4/http.html#capabilities")),
                description: Some(text("The server publishes its capabilities.")),
                needs: vec![],
                steps: vec![capabilities],
            },
            TestCase {
                id: text("FULL-PAT-01"),
                title: text("Create, read, update and delete a Patient"),
                level: Level::Should,
                tags: vec![],
                requirement: None,
                description: None,
                needs: vec![text("FULL-CAP-01")],
                steps: vec![
                    create,
                    read,
                    step(Action::Vread {
                        resource_type: patient(),
                        id: text(new_id),
                        version: text("{{ version }}"),
                    }),
                    update,
                    history,
                    Step {
                        expect: vec![status(&[200, 204], &[])],
                        ..step(Action::Delete {
                            resource_type: patient(),
                            id: text(new_id),
                        })
                    },
                ],
            },
            TestCase {
                id: text("FULL-SEARCH-01"),
                title: text("Search every declared type"),
                level: Level::May,
                tags: vec![],
                requirement: None,
                description: None,
                needs: vec![text("FULL-PAT-01")],
                steps: vec![
                    search_each,
                    Step {
                        expect: vec![Assertion::OperationOutcome],
                        ..step(Action::Search {
                            resource_type: None,
                            params: vec![],
                            method: SearchMethod::Get,
                        })
                    },
                    step(Action::History {
                        resource_type: None,
                        id: None,
                    }),
                    step(Action::Request {
                        method: text("PATCH"),
                        path: text("Patient/{{ new_id }}?_format=json"),
                        body: Some(Body::Json(json!({ "op": "test" }))),
                    }),
                    step(Action::Request {
                        method: text("GET"),
                        path: text("$everything"),
                        body: None,
                    }),
                ],
            },
        ],
        generate: Default::default(),
        source: assure::suite::SuiteSource {
            path: path.display().to_string(),
            sha256: hex::encode(Sha256::digest(&bytes)),
        },
    }
}

#[test]
fn a_full_suite_round_trips_into_the_model() {
    let path = fixtures().join("good/full.yaml");
    let suites = load_paths(std::slice::from_ref(&path), &no_overrides()).unwrap();
    assert_eq!(suites, vec![expected_full_suite(&path)]);
}

#[test]
fn a_directory_loads_every_yaml_file_below_it_sorted() {
    let dir = fixtures().join("good");
    let suites = load_paths(std::slice::from_ref(&dir), &no_overrides()).unwrap();
    let sources: Vec<&str> = suites.iter().map(|s| s.source.path.as_str()).collect();
    let full = dir.join("full.yaml").display().to_string();
    let second = dir.join("nested/second.yml").display().to_string();
    assert_eq!(sources, [full.as_str(), second.as_str()]);
}

#[test]
fn needs_and_captures_reach_across_suites() {
    let good = fixtures().join("good");
    let alone = load_paths(&[good.join("nested/second.yml")], &no_overrides())
        .unwrap_err()
        .to_string();
    let file = good.join("nested/second.yml").display().to_string();
    assert_eq!(
        alone,
        format!(
            "{file}:7:13: `needs` names `FULL-CAP-01`, but no loaded suite has a test with that id\n\
             {file}:9:39: undefined variable `software`: not a suite variable, a `--var`, nor a \
             capture of an earlier step or of a needed test"
        )
    );
}

#[test]
fn the_sha256_is_that_of_the_file_bytes() {
    let yaml = format!("{HEAD}{}", with_steps("      - capabilities: {}\n"));
    let suites = load_str("s.yaml", &yaml, &no_overrides()).unwrap();
    assert_eq!(
        suites[0].source.sha256,
        hex::encode(Sha256::digest(yaml.as_bytes()))
    );
    assert_eq!(suites[0].source.path, "s.yaml");
    assert_eq!(suites[0].fhir_version, "4.0.1", "the default FHIR version");
}

#[test]
fn overrides_replace_defaults_and_define_variables() {
    let yaml = "\
id: s
title: S
variables: { id: default, kept: yes }
tests:
  - id: T
    title: t
    level: SHALL
    steps:
      - read: { type: Patient, id: \"{{ id }}{{ extra }}\" }
";
    let overrides = map(vec![("id", text("given")), ("extra", text("more"))]);
    let loaded = load_str("s.yaml", yaml, &overrides).unwrap();
    assert_eq!(
        loaded[0].variables,
        map(vec![
            ("id", text("given")),
            ("kept", text("yes")),
            ("extra", text("more"))
        ])
    );
    let without = load_str("s.yaml", yaml, &no_overrides())
        .unwrap_err()
        .to_string();
    assert_eq!(
        without,
        "s.yaml:9:36: undefined variable `extra`: not a suite variable, a `--var`, nor a capture \
         of an earlier step or of a needed test"
    );
}

#[test]
fn embedded_suites_are_every_yaml_file_in_the_suites_folder() {
    let suites = load_embedded(&no_overrides()).unwrap_or_else(|e| panic!("{e}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../suites");
    let mut expected = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                let relative = path.strip_prefix(&root).unwrap();
                expected.push(format!("suites/{}", relative.display()));
            }
        }
    }
    expected.sort();
    let sources: Vec<&str> = suites.iter().map(|s| s.source.path.as_str()).collect();
    assert_eq!(sources, expected);
    for suite in &suites {
        assert_eq!(suite.source.sha256.len(), 64);
    }
}

// ---- malformed files: the first problem of a file, where it is ----

#[test]
fn yaml_syntax_error() {
    assert_eq!(
        error_of(&with_steps("      - read: { type: Patient, id: x\n")),
        "s.yaml:9:1: did not find expected ',' or '}', while parsing a flow mapping at line 8 \
         column 15"
    );
}

#[test]
fn unknown_key_in_a_test() {
    assert_eq!(
        error_of("  - id: T\n    title: t\n    level: SHALL\n    stepz: []\n"),
        "s.yaml:7:5: unknown key `stepz` in test, expected one of `id`, `title`, `level`, \
         `tags`, `requirement`, `description`, `needs`, `steps`"
    );
}

#[test]
fn unknown_key_in_a_step() {
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        expects: []\n"
        )),
        "s.yaml:9:9: unknown key `expects` in step, expected one of `name`, `capabilities`, \
         `read`, `vread`, `search`, `create`, `update`, `delete`, `history`, `request`, \
         `token`, `tls`, `certificate`, `plain_http`, `headers`, `expect`, `capture`, \
         `for_each`, `setup`, `skip_unless`, `auth`"
    );
}

#[test]
fn unknown_key_in_an_action() {
    assert_eq!(
        error_of(&with_steps("      - read: { type: Patient, ids: x }\n")),
        "s.yaml:8:32: unknown key `ids` in read, expected one of `type`, `id`"
    );
    assert_eq!(
        error_of(&with_steps("      - capabilities: { mode: full }\n")),
        "s.yaml:8:25: unknown key `mode`: capabilities takes no keys"
    );
}

#[test]
fn duplicate_key() {
    assert_eq!(
        error_of("  - id: T\n    id: U\n"),
        "s.yaml:5:5: duplicate key `id` in test"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        headers: { Accept: a, Accept: b }\n"
        )),
        "s.yaml:9:31: duplicate key `Accept` in headers"
    );
}

#[test]
fn missing_key() {
    assert_eq!(
        error_of("  - id: T\n    title: t\n    steps: [capabilities: {}]\n"),
        "s.yaml:4:5: missing key `level` in test"
    );
    assert_eq!(
        error_of(&with_steps("      - read:\n          type: Patient\n")),
        "s.yaml:9:11: missing key `id` in read"
    );
}

#[test]
fn wrong_type() {
    assert_eq!(
        error_of("  - id: T\n    title: t\n    level: SHALL\n    tags: smoke\n"),
        "s.yaml:7:11: invalid type: string \"smoke\", expected a list of tags"
    );
    assert_eq!(
        error_of(&with_steps("      - read: Patient\n")),
        "s.yaml:8:15: invalid type: string \"Patient\", expected a mapping with `type` and `id`"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - create: { type: Patient, body: [1] }\n"
        )),
        "s.yaml:8:40: invalid type: sequence, expected a mapping (sent as a JSON object); use \
         `raw` for other bodies"
    );
}

#[test]
fn invalid_test_id() {
    assert_eq!(
        error_of("  - id: my test\n"),
        "s.yaml:4:9: expected a test id (letters, digits, `.`, `_` and `-`), found `my test`"
    );
}

#[test]
fn unknown_level() {
    assert_eq!(
        error_of("  - id: T\n    title: t\n    level: MUST\n"),
        "s.yaml:6:12: unknown level `MUST`, expected SHALL, SHOULD or MAY"
    );
}

#[test]
fn a_test_needs_steps() {
    assert_eq!(
        error_of("  - id: T\n    title: t\n    level: SHALL\n    steps: []\n"),
        "s.yaml:7:12: expected a list of steps, found an empty list"
    );
}

#[test]
fn a_step_needs_an_action() {
    assert_eq!(
        error_of(&with_steps(
            "      - name: nothing to do\n        expect: []\n"
        )),
        "s.yaml:8:9: a step needs exactly one action (`capabilities`, `read`, `vread`, \
         `search`, `create`, `update`, `delete`, `history`, `request`, `token`, `tls`, `certificate`, `plain_http`), found none"
    );
}

#[test]
fn a_step_takes_one_action() {
    assert_eq!(
        error_of(&with_steps(
            "      - read: { type: Patient, id: x }\n        search: { type: Patient }\n"
        )),
        "s.yaml:9:9: a step needs exactly one action, found `read` and `search`"
    );
}

#[test]
fn unknown_assertion() {
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        expect:\n          - statos: 200\n"
        )),
        "s.yaml:10:13: unknown assertion `statos`, expected one of `status`, `header`, \
         `content_type`, `resource_type`, `bundle_type`, `entry_count`, `operation_outcome`, \
         `json`, `fhirpath`, `conforms`, `no_internals`"
    );
}

#[test]
fn setup_skip_unless_and_first_of_are_checked() {
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        setup: yes please\n"
        )),
        "s.yaml:9:16: invalid type: string \"yes please\", expected a boolean"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        skip_unless: { fhirpath: \"rest.exists()\" }\n"
        )),
        "s.yaml:9:22: missing key `reason` in skip_unless"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        skip_unless: { fhirpath: \"rest.(\", reason: r }\n"
        )),
        "s.yaml:9:34: invalid FHIRPath expression `rest.(`: expected an identifier, found '(' (at character 6)"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        capture:\n          x: { first_of: [{ json: id }], regex: a }\n"
        )),
        "s.yaml:10:14: `first_of` takes no `regex` or `all`: give each item its own `regex`"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        capture:\n          x: { first_of: [{ json: id, all: true }] }\n"
        )),
        "s.yaml:10:27: a `first_of` item reads `json` or `header` (with an optional `regex`)"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        capture:\n          x: { first_of: [{ header: Location, regex: \"(\" }] }\n"
        )),
        "s.yaml:10:54: invalid regular expression `(`: unclosed group"
    );
}

#[test]
fn fhirpath_expressions_parse_at_load_time() {
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        expect:\n          - fhirpath: \"rest.resource.where(type = 'Patient'\"\n"
        )),
        "s.yaml:10:23: invalid FHIRPath expression `rest.resource.where(type = 'Patient'`: \
         expected ',', found end of expression (at character 37)"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        expect:\n          - fhirpath: { path: x }\n"
        )),
        "s.yaml:10:23: invalid type: map, expected a FHIRPath expression"
    );
    let suite = load_str(
        "s.yaml",
        &format!(
            "{HEAD}{}",
            with_steps(
                "      - capabilities: {}\n        expect:\n          - fhirpath: \"rest.mode = %mode\"\n"
            )
        ),
        &no_overrides(),
    )
    .expect("loads");
    let Assertion::FhirPath(check) = &suite[0].tests[0].steps[0].expect[0] else {
        panic!("a fhirpath assertion");
    };
    assert_eq!(check.expression.source(), "rest.mode = %mode");
    assert!(check.variables.is_empty());
}

#[test]
fn an_assertion_has_one_key() {
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        expect:\n          - status: 200\n            resource_type: Patient\n"
        )),
        "s.yaml:11:13: an assertion has exactly one key, found `status` and `resource_type` \
         (start each assertion with `- `)"
    );
}

#[test]
fn invalid_status() {
    let expect = |status: &str| {
        error_of(&with_steps(&format!(
            "      - capabilities: {{}}\n        expect:\n          - status: {status}\n"
        )))
    };
    assert_eq!(
        expect("2xy"),
        "s.yaml:10:21: invalid status `2xy`, expected a code (200), a class (2xx) or a range \
         (200-299)"
    );
    assert_eq!(
        expect("[200, 700]"),
        "s.yaml:10:27: invalid status 700, expected a code from 100 to 599"
    );
    assert_eq!(
        expect("299-200"),
        "s.yaml:10:21: invalid status range `299-200`: 299 is above 200"
    );
}

#[test]
fn invalid_entry_count() {
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        expect:\n          - entry_count: { min: 5, max: 1 }\n"
        )),
        "s.yaml:10:26: entry_count `min` (5) is above `max` (1)"
    );
}

#[test]
fn a_capture_reads_json_or_a_header() {
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        capture:\n          x: { json: a, header: b }\n"
        )),
        "s.yaml:10:25: a capture reads one of `json`, `header` or `first_of`, found `json` and `header`"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        capture:\n          x: { regex: a }\n"
        )),
        "s.yaml:10:14: a capture needs `json` (a path into the body), `header` (a header name) or \
         `first_of` (a list of those)"
    );
}

#[test]
fn a_body_is_json_or_raw() {
    assert_eq!(
        error_of(&with_steps(
            "      - create: { type: Patient, body: {}, raw: x }\n"
        )),
        "s.yaml:8:44: create takes one body, found both `body` and `raw`"
    );
    assert_eq!(
        error_of(&with_steps("      - create: { type: Patient }\n")),
        "s.yaml:8:17: create needs `body` (a mapping sent as JSON) or `raw` (text sent as is)"
    );
}

#[test]
fn other_malformed_values() {
    let cases = [
        (
            "      - history: { id: x }\n",
            "s.yaml:8:18: history of one resource needs `type` with `id`",
        ),
        (
            "      - request: { method: 'GE T', path: x }\n",
            "s.yaml:8:28: invalid HTTP method `GE T`, expected a method such as GET or POST",
        ),
        (
            "      - search: { method: put }\n",
            "s.yaml:8:27: unknown search method `put`, expected `get` or `post`",
        ),
        (
            "      - search: { params: { a: { b: c } } }\n",
            "s.yaml:8:32: invalid type: map, expected a search parameter value or a list of values",
        ),
        (
            "      - search: { params: { a: [] } }\n",
            "s.yaml:8:32: expected at least one search parameter value, found an empty list",
        ),
        (
            "      - capabilities: {}\n        capture: { x: { header: L, all: true } }\n",
            "s.yaml:9:23: `all: true` only applies to `json` captures",
        ),
        (
            "      - capabilities: {}\n        capture: { 'bad name': { json: a } }\n",
            "s.yaml:9:20: expected a variable name (letters, digits, `.`, `_` and `-`), found \
             `bad name`",
        ),
        (
            "      - capabilities: {}\n        for_each: { var: x }\n",
            "s.yaml:9:19: missing key `over` in for_each",
        ),
        (
            "      - capabilities: {}\n        expect:\n          - header: { name: E, present: false, equals: x }\n",
            "s.yaml:10:21: `present: false` asserts the header is absent: drop `equals`/`matches`/`not_matches`",
        ),
        (
            "      - capabilities: {}\n        expect:\n          - json: { path: x }\n",
            "s.yaml:10:19: a json assertion needs one of `equals`, `exists`, `matches`, `contains`",
        ),
        (
            "      - capabilities: {}\n        expect:\n          - json: { path: x, exists: true, equals: 1 }\n",
            "s.yaml:10:44: a json assertion checks one thing, found `exists` and `equals`",
        ),
        (
            "      - capabilities: {}\n        expect:\n          - operation_outcome: false\n",
            "s.yaml:10:32: invalid value: boolean `false`, expected `true` (`operation_outcome` \
             takes no other value)",
        ),
        (
            "      - capabilities: {}\n        expect:\n          - {}\n",
            "s.yaml:10:13: an assertion needs one key (`status`, `header`, `content_type`, \
             `resource_type`, `bundle_type`, `entry_count`, `operation_outcome`, `json`, `fhirpath`, `conforms`, `no_internals`), found none",
        ),
        (
            "      - capabilities: {}\n        expect:\n          - status\n",
            "s.yaml:10:13: invalid type: string \"status\", expected an assertion: a single-key \
             mapping such as `status: 200`",
        ),
    ];
    for (steps, expected) in cases {
        assert_eq!(error_of(&with_steps(steps)), expected, "for {steps:?}");
    }
}

#[test]
fn several_documents_in_one_file() {
    let yaml = format!(
        "{HEAD}{}---\nid: other\n",
        with_steps("      - capabilities: {}\n")
    );
    let line = yaml
        .lines()
        .position(|line| line == "---")
        .expect("separator")
        + 1;
    let error = load_str("s.yaml", &yaml, &no_overrides()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "s.yaml:{line}:1: a second YAML document starts here: a suite file holds one document"
        )
    );
}

#[test]
fn a_nul_character_is_located() {
    let yaml = format!(
        "{HEAD}{}",
        with_steps("      - read: { type: \"P\0\", id: x }\n")
    );
    let line = yaml
        .lines()
        .position(|line| line.contains('\0'))
        .expect("NUL")
        + 1;
    let column = yaml
        .lines()
        .nth(line - 1)
        .expect("line")
        .find('\0')
        .expect("NUL")
        + 1;
    let error = load_str("s.yaml", &yaml, &no_overrides()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("s.yaml:{line}:{column}: a NUL character: suite files are text")
    );
}

#[test]
fn aliases_repeat_steps_and_their_captures() {
    let yaml = with_steps(
        "      - &probe { capabilities: {}, capture: { v: { json: a } } }\n      - *probe\n      - read: { type: P, id: '{{ v }}' }\n",
    );
    let suite = load_str("s.yaml", &format!("{HEAD}{yaml}"), &no_overrides()).unwrap();
    assert_eq!(suite[0].tests[0].steps[0], suite[0].tests[0].steps[1]);
}

#[test]
fn an_empty_file() {
    let error = load_str("s.yaml", "", &no_overrides()).unwrap_err();
    assert_eq!(error.to_string(), "s.yaml:1:1: missing key `id` in suite");
}

#[test]
fn a_file_that_is_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, b"id: s\ntitle: caf\xe9\n").unwrap();
    let error = load_paths(std::slice::from_ref(&path), &no_overrides()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:2:11: not UTF-8 text: suite files must be UTF-8",
            path.display()
        )
    );
}

#[test]
fn missing_paths_and_empty_directories() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.yaml");
    let error = load_paths(
        &[missing.clone(), dir.path().to_path_buf()],
        &no_overrides(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: no such file or directory\n{}: no suite files (*.yaml, *.yml) in this directory",
            missing.display(),
            dir.path().display()
        )
    );
}

// ---- checks across the whole suite: every problem, sorted ----

#[test]
fn needs_naming_no_test() {
    assert_eq!(
        error_of(
            "  - id: A\n    title: a\n    level: SHALL\n    needs: [B]\n    steps: [capabilities: {}]\n"
        ),
        "s.yaml:7:13: `needs` names `B`, but no loaded suite has a test with that id"
    );
}

#[test]
fn needs_cycle() {
    let test = |id: &str, needs: &str| {
        format!(
            "  - id: {id}\n    title: t\n    level: SHALL\n    needs: [{needs}]\n    steps: [capabilities: {{}}]\n"
        )
    };
    assert_eq!(
        error_of(
            &[
                test("A", "B"),
                test("B", "C"),
                test("C", "A"),
                test("D", "D")
            ]
            .concat()
        ),
        "s.yaml:17:13: `needs` cycle: A → B → C → A\n\
         s.yaml:22:13: `needs` cycle: D → D"
    );
}

#[test]
fn duplicate_test_id_across_files() {
    let bad = fixtures().join("bad/duplicate");
    let error = load_paths(std::slice::from_ref(&bad), &no_overrides()).unwrap_err();
    let first = bad.join("first.yaml").display().to_string();
    let second = bad.join("second.yaml").display().to_string();
    assert_eq!(
        error.to_string(),
        format!(
            "{second}:1:5: duplicate suite id `dup` (first defined at {first}:1:5)\n\
             {second}:4:9: duplicate test id `DUP-01` (first defined at {first}:4:9)"
        )
    );
}

#[test]
fn invalid_regular_expressions() {
    assert_eq!(
        error_of(&with_steps(
            "      - capabilities: {}\n        expect:\n          - header: { name: ETag, matches: \"W/(\" }\n          - json: { path: id, matches: \"[{{ x }}\" }\n        capture:\n          x: { header: Location, regex: \"*\" }\n"
        )),
        "s.yaml:10:44: invalid regular expression `W/(`: unclosed group\n\
         s.yaml:11:40: invalid regular expression `[{{ x }}`: unclosed character class\n\
         s.yaml:11:40: undefined variable `x`: not a suite variable, a `--var`, nor a capture \
         of an earlier step or of a needed test\n\
         s.yaml:13:41: invalid regular expression `*`: repetition operator missing expression"
    );
}

#[test]
fn undefined_variables_follow_the_scoping_rule() {
    let yaml = "  - id: A
    title: a
    level: SHALL
    steps:
      - read: { type: Patient, id: \"{{ later }}\" }
        capture: { later: { json: id } }
      - read: { type: Patient, id: \"{{ later }}\" }
  - id: B
    title: b
    level: SHALL
    needs: [A]
    steps:
      - read: { type: Patient, id: \"{{ later }}{{ C_only }}\" }
  - id: C
    title: c
    level: SHALL
    steps:
      - read: { type: Patient, id: x }
        capture: { C_only: { json: id } }
";
    assert_eq!(
        error_of(yaml),
        "s.yaml:8:36: undefined variable `later`: not a suite variable, a `--var`, nor a \
         capture of an earlier step or of a needed test\n\
         s.yaml:16:36: undefined variable `C_only`: not a suite variable, a `--var`, nor a \
         capture of an earlier step or of a needed test"
    );
}

#[test]
fn names_keys_and_paths_are_checked_for_variables_too() {
    let yaml = with_steps(
        "      - name: \"step {{ a }}\"
        search: { params: { \"{{ b }}\": x } }
        expect:
          - json: { path: \"entry.{{ c }}\", exists: true }
          - header: { name: \"X-{{ d }}\" }
      - create: { type: Patient, body: { \"{{ e }}\": 1 } }
",
    );
    let undefined = |name: &str, at: &str| {
        format!(
            "s.yaml:{at}: undefined variable `{name}`: not a suite variable, a `--var`, nor a \
             capture of an earlier step or of a needed test"
        )
    };
    assert_eq!(
        error_of(&yaml),
        [
            undefined("a", "8:15"),
            undefined("b", "9:40"),
            undefined("c", "11:27"),
            undefined("d", "12:29"),
            undefined("e", "13:53"),
        ]
        .join("\n")
    );
}

#[test]
fn for_each_needs_a_list_in_scope_and_lists_interpolate_as_text() {
    let yaml = "  - id: A
    title: a
    level: SHALL
    steps:
      - capabilities: {}
        capture:
          one: { json: id }
          many: { json: \"entry.*.id\", all: true }
      - for_each: { var: item, over: one }
        read: { type: Patient, id: \"{{ item }}\" }
      - for_each: { var: item, over: nothing }
        read: { type: Patient, id: \"{{ many }}\" }
      - read: { type: Patient, id: \"{{ item }}\" }
";
    assert_eq!(
        error_of(yaml),
        "s.yaml:12:38: `for_each.over` names `one`, which is not a list (capture it with \
         `all: true`)\n\
         s.yaml:14:38: `for_each.over` names `nothing`, which no earlier step or needed test \
         captures (capture a list with `all: true`)\n\
         s.yaml:16:36: undefined variable `item`: not a suite variable, a `--var`, nor a \
         capture of an earlier step or of a needed test"
    );
}

#[test]
fn every_problem_of_a_file_is_reported_in_order() {
    let path = fixtures().join("bad/many.yaml");
    let error: LoadError = load_paths(std::slice::from_ref(&path), &no_overrides()).unwrap_err();
    let positions: Vec<Position> = error
        .diagnostics()
        .iter()
        .map(|d| d.position.unwrap())
        .collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted);
    let file = path.display().to_string();
    assert_eq!(
        error.to_string(),
        format!(
            "{file}:9:15: undefined variable `patient`: not a suite variable, a `--var`, nor a \
             capture of an earlier step or of a needed test\n\
             {file}:12:9: duplicate test id `MANY-01` (first defined at {file}:4:9)\n\
             {file}:15:9: `needs` names `MANY-99`, but no loaded suite has a test with that id\n\
             {file}:18:41: invalid regular expression `(`: unclosed group"
        )
    );
}

#[test]
fn truncated_and_mangled_files_never_panic() {
    let full = std::fs::read_to_string(fixtures().join("good/full.yaml")).unwrap();
    let cuts = full.char_indices().map(|(index, _)| index);
    for cut in cuts.step_by(7) {
        let _ = load_str("cut.yaml", &full[..cut], &no_overrides());
        let mangled = format!("{}\t: [{{ *x\n{}", &full[..cut], &full[cut..]);
        let _ = load_str("mangled.yaml", &mangled, &no_overrides());
    }
}

#[test]
fn deep_nesting_is_refused_quickly() {
    let body = |depth: usize| {
        with_steps(&format!(
            "      - create: {{ type: Patient, body: {{ a: {}{} }} }}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ))
    };
    assert_eq!(
        error_of(&body(200)),
        "s.yaml:8:166: nested too deeply: at most 128 levels of sequences and mappings"
    );
    let started = std::time::Instant::now();
    error_of(&body(1_000_000));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn data_items_are_checked_across_suites_with_positions() {
    let first = "\
id: a
title: A
variables: { nhs: \"1\", id: x }
data:
  - name: id
    description: d
    search: { type: Patient, params: { identifier: \"{{ nhs }}{{ nope }}\" } }
    json: entry.0.resource.id
    missing: none
  - name: x
    description: d
    read: { type: Patient, id: \"{{ y }}\" }
    json: id
    missing: none
  - name: y
    description: d
    read: { type: Patient, id: \"{{ x }}\" }
    json: id
    regex: \"(\"
    missing: none
tests: []
";
    let second = "\
id: b
title: B
data:
  - name: id
    description: d
    request: { method: GET, path: Patient }
    json: entry.0.resource.id
    missing: none
tests: []
";
    let error = assure::suite::load_paths(
        &[write_temp("a.yaml", first), write_temp("b.yaml", second)],
        &no_overrides(),
    )
    .unwrap_err()
    .to_string();
    let folder = path_of("");
    assert_eq!(
        error.replace(&folder, ""),
        "a.yaml:3:28: `id` is a data item (defined at a.yaml:5:11); choose another name\n\
         a.yaml:7:52: undefined variable `nope`: not a suite variable, a `--var`, nor a data \
         item\n\
         a.yaml:15:11: data item cycle: x → y → x\n\
         a.yaml:19:12: invalid regular expression `(`: unclosed group\n\
         b.yaml:4:11: duplicate data item `id` (first defined at a.yaml:5:11)"
    );
}

#[test]
fn a_data_item_only_reads() {
    let yaml = "\
id: s
title: S
data:
  - name: id
    description: d
    request: { method: POST, path: Patient }
    json: id
    missing: none
tests: []
";
    assert_eq!(
        load_str("s.yaml", yaml, &no_overrides())
            .unwrap_err()
            .to_string(),
        "s.yaml:6:24: a data item only reads: `request` takes method GET, found `POST`"
    );
}

/// Writes `text` as `name` in a folder that lives for the test run.
fn write_temp(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::path::PathBuf::from(path_of(name));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// Where [`write_temp`] puts `name`.
fn path_of(name: &str) -> String {
    std::env::temp_dir()
        .join(format!("assure-data-items-{}", std::process::id()))
        .join(name)
        .display()
        .to_string()
}

#[test]
fn security_steps_load() {
    let tests = "  - id: T\n    title: t\n    level: SHALL\n    steps:\n\
         \x20     - read: { type: Patient, id: x }\n        auth: none\n\
         \x20     - read: { type: Patient, id: x }\n        auth: { forge: alg-none }\n\
         \x20     - read: { type: Patient, id: x }\n        auth: { mint: { exp_in: -600, omit: [jti], patient: p } }\n\
         \x20     - read: { type: Patient, id: x }\n        auth: query\n\
         \x20     - token: { client: jwt, fault: reused-assertion }\n\
         \x20     - tls: { version: tls1.0 }\n\
         \x20     - certificate: { client: other-authority }\n\
         \x20     - plain_http: {}\n        expect:\n          - no_internals: true\n";
    let suite = load_str("s.yaml", &format!("{HEAD}{tests}"), &no_overrides()).expect("loads");
    let steps = &suite[0].tests[0].steps;
    assert_eq!(steps[0].auth, StepAuth::None);
    assert_eq!(steps[1].auth, StepAuth::Forged(ForgeKind::AlgNone));
    assert_eq!(
        steps[2].auth,
        StepAuth::Minted(MintSpec {
            lifetime: Some(-600),
            patient: Some("p".into()),
            omit: vec!["jti".into()],
            ..MintSpec::default()
        })
    );
    assert_eq!(steps[3].auth, StepAuth::InQuery);
    assert_eq!(
        steps[4].action,
        Action::Token(TokenCall {
            client: ClientKind::Jwt,
            scope: None,
            fault: Some(TokenFault::ReusedAssertion)
        })
    );
    assert_eq!(
        steps[5].action,
        Action::TlsOffer(TlsOffer {
            version: TlsVersion::Tls10,
            suites: SuiteSet::Strong
        })
    );
    assert_eq!(
        steps[6].action,
        Action::Certificate(CertificateProbe {
            client: ClientCertificate::OtherAuthority
        })
    );
    assert_eq!(steps[7].action, Action::PlainHttp { url: String::new() });
    assert_eq!(steps[7].expect, vec![Assertion::NoInternals]);
}

#[test]
fn security_step_errors_name_the_place() {
    assert_eq!(
        error_of(&with_steps(
            "      - read: { type: Patient, id: x }\n        auth: { forge: nonsense }\n"
        )),
        "s.yaml:9:24: unknown forgery `nonsense`, expected `malformed`, `alg-none` or `wrong-signature`"
    );
    assert_eq!(
        error_of(&with_steps("      - tls: { version: tls9 }\n")),
        "s.yaml:8:25: unknown TLS version `tls9`, expected TLS version: `ssl3`, `tls1.0`, `tls1.1`, `tls1.2`, `tls1.3`"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - token: { client: secret, fault: reused-assertion }\n"
        )),
        "s.yaml:8:16: `wrong-secret` goes with `client: secret`; the assertion faults with `client: jwt`"
    );
    assert_eq!(
        error_of(&with_steps(
            "      - read: { type: Patient, id: x }\n        auth: { mint: { exp_in: soon } }\n"
        )),
        "s.yaml:9:33: invalid type: string \"soon\", expected seconds from now (an integer, negative for the past)"
    );
}
