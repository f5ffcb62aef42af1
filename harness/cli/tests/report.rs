//! Renderers of the run result: JSON, JUnit, HTML and FHIR TestReport, fed hostile evidence.

use std::fs;

use assure::evidence::Bodies;
use assure::report::{self, conformance, html, json, junit, matrix, testreport};
use assure::results::{
    AssertionResult, BaselineRecord, Claim, ClaimKind, ClaimStatus, ClockOffset, DataResult,
    DataStatus, DataValue, Exchange, RecordedRequest, RecordedResponse, RunOptions, RunResult,
    SCHEMA_VERSION, Status, StepResult, SuiteResult, Summary, TargetInfo, TestResult, ToolInfo,
    Waiver,
};
use assure::suite::Level;
use serde_json::Value;

const HOSTILE_BODY: &str = "<script>alert('owned')</script> ]]> \u{1} & \"quoted\"";

fn exchange(method: &str, path: &str, status: Option<u16>, body: Option<&str>) -> Exchange {
    Exchange {
        request: RecordedRequest {
            method: method.into(),
            url: format!("https://fhir.example.test/r4/{path}"),
            headers: vec![
                ("Accept".into(), "application/fhir+json".into()),
                ("Authorization".into(), "Bearer [REDACTED]".into()),
            ],
            body: (method == "POST").then(|| r#"{"resourceType":"Patient"}"#.into()),
            body_file: None,
            body_truncated: false,
        },
        response: status.map(|status| RecordedResponse {
            status,
            headers: vec![("Content-Type".into(), "application/fhir+json".into())],
            body: body.map(String::from),
            body_file: None,
            body_truncated: false,
        }),
        error: status.is_none().then(|| "connection refused".into()),
        duration_ms: 12,
        attempt: if status.is_none() { 3 } else { 1 },
    }
}

fn assertion(description: &str, expected: &str, actual: &str) -> AssertionResult {
    AssertionResult {
        description: description.into(),
        passed: expected == actual,
        expected: expected.into(),
        actual: actual.into(),
        locations: Vec::new(),
    }
}

fn step(name: &str, exchanges: Vec<Exchange>, assertions: Vec<AssertionResult>) -> StepResult {
    StepResult {
        name: name.into(),
        exchanges,
        assertions,
        error: None,
    }
}

fn test(id: &str, level: Level, status: Status, message: Option<&str>) -> TestResult {
    TestResult {
        id: id.into(),
        title: format!("title of {id}"),
        level,
        tags: vec!["patient".into()],
        requirement: Some("https://example.test/checklist#item".into()),
        status,
        message: message.map(String::from),
        duration_ms: 20,
        steps: Vec::new(),
    }
}

/// Two suites; one test of each status; a hostile response body; a `javascript:` requirement.
fn sample_run() -> RunResult {
    let long_body = format!("{{\"padding\":\"{}\"}}", "x".repeat(3000));
    let mut read = test("CORE-META-01", Level::Shall, Status::Pass, None);
    read.steps = vec![step(
        "read metadata",
        vec![exchange("GET", "metadata", Some(200), Some(&long_body))],
        vec![assertion("status is 200", "200", "200")],
    )];
    let mut create = test(
        "CORE-PAT-CREATE-01",
        Level::Shall,
        Status::Fail,
        Some("expected status 201, got 200"),
    );
    create.steps = vec![step(
        "create Patient",
        vec![exchange("POST", "Patient", Some(200), Some(HOSTILE_BODY))],
        vec![
            assertion("status is 201", "201", "200"),
            assertion("body is JSON", "JSON", "JSON"),
        ],
    )];
    let search = test(
        "CORE-PAT-SEARCH-01",
        Level::Should,
        Status::Skip,
        Some("needs CORE-PAT-CREATE-01, which did not pass"),
    );
    let mut tls = test(
        "SEC-TLS-01",
        Level::May,
        Status::Error,
        Some("connection refused"),
    );
    tls.steps = vec![StepResult {
        error: Some("connection refused after 3 attempts".into()),
        ..step(
            "read Patient/1",
            vec![exchange("GET", "Patient/1", None, None)],
            vec![],
        )
    }];
    let mut uk = test("UK-PAT-01", Level::May, Status::Pass, None);
    uk.requirement = Some("javascript:alert(1)".into());
    let suites = vec![
        SuiteResult {
            id: "core".into(),
            title: "Core R4 API".into(),
            source: "embedded:core/core.yaml".into(),
            sha256: "ab".repeat(32),
            tests: vec![read, create, search, tls],
        },
        SuiteResult {
            id: "uk-core".into(),
            title: "UK Core".into(),
            source: "suites/uk-core.yaml".into(),
            sha256: "cd".repeat(32),
            tests: vec![uk],
        },
    ];
    RunResult {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "assure".into(),
            version: "0.1.0".into(),
        },
        started_at: "2026-11-26T20:00:00Z".into(),
        duration_ms: 1234,
        target: TargetInfo {
            base_url: "https://fhir.example.test/r4".into(),
            embedded: false,
            insecure: false,
            fhir_version: Some("4.0.1".into()),
            software: Some("Example FHIR Server 2.3".into()),
            clock: None,
        },
        options: RunOptions {
            variables: [("nhs_number".to_owned(), "9990000018".to_owned())]
                .into_iter()
                .collect(),
            headers: vec!["X-Api-Key".into()],
            concurrency: 8,
            timeout_ms: 30_000,
            retries: 2,
            max_fan_out: 1000,
            fail_on: "shall".into(),
            ..RunOptions::default()
        },
        aborted: None,
        data: vec![
            DataResult {
                name: "patient_id".into(),
                description: "The test patient, found by NHS number".into(),
                status: DataStatus::Found,
                value: Some(DataValue::Text("p-1".into())),
                message: None,
                exchanges: vec![exchange(
                    "GET",
                    "Patient?identifier=9990000018",
                    Some(200),
                    Some(HOSTILE_BODY),
                )],
            },
            DataResult {
                name: "allergy_id".into(),
                description: "An AllergyIntolerance <b>of the patient</b>".into(),
                status: DataStatus::Missing,
                value: None,
                message: Some("no AllergyIntolerance for <script>the test patient".into()),
                exchanges: vec![],
            },
        ],
        summary: Summary::of(&suites),
        claims: vec![
            Claim {
                resource_type: "Patient".into(),
                kind: ClaimKind::Interaction,
                code: "create".into(),
                status: ClaimStatus::Failed,
                tests: vec!["CORE-PAT-CREATE-01".into()],
            },
            Claim {
                resource_type: "Patient".into(),
                kind: ClaimKind::SearchParam,
                code: "<script>family".into(),
                status: ClaimStatus::NotAssessed,
                tests: vec!["CORE-PAT-SEARCH-01".into(), "NOT-IN-RUN-<b>".into()],
            },
            Claim {
                resource_type: "Organization".into(),
                kind: ClaimKind::Interaction,
                code: "read".into(),
                status: ClaimStatus::Proven,
                tests: vec!["UK-PAT-01".into()],
            },
        ],
        unchecked_codes: [("http://snomed.info/sct".to_owned(), 3)].into(),
        suites,
    }
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn json_report_has_every_documented_field() {
    let run = sample_run();
    let report: Value = serde_json::from_str(&json::render(&run).unwrap()).unwrap();
    assert_eq!(
        keys(&report),
        [
            "schema_version",
            "tool",
            "started_at",
            "duration_ms",
            "target",
            "options",
            "aborted",
            "data",
            "suites",
            "summary",
            "claims",
            "unchecked_codes"
        ]
    );
    assert_eq!(report["unchecked_codes"]["http://snomed.info/sct"], 3);
    assert_eq!(
        keys(&report["claims"][0]),
        ["resource_type", "kind", "code", "status", "tests"]
    );
    assert_eq!(report["claims"][1]["kind"], "search-param");
    assert_eq!(report["claims"][1]["status"], "not-assessed");
    assert_eq!(
        keys(&report["data"][0]),
        [
            "name",
            "description",
            "status",
            "value",
            "message",
            "exchanges"
        ]
    );
    assert_eq!(report["data"][1]["status"], "missing");
    assert_eq!(report["schema_version"], 2);
    assert_eq!(
        keys(&report["target"]),
        [
            "base_url",
            "embedded",
            "insecure",
            "fhir_version",
            "software",
            "clock"
        ]
    );
    assert_eq!(
        keys(&report["summary"]),
        ["overall", "SHALL", "SHOULD", "MAY"]
    );
    assert_eq!(
        keys(&report["summary"]["overall"]),
        ["total", "pass", "fail", "skip", "error"]
    );
    assert_eq!(report["summary"]["overall"]["total"], 5);
    assert_eq!(report["summary"]["SHALL"]["fail"], 1);

    let suite = &report["suites"][0];
    assert_eq!(keys(suite), ["id", "title", "source", "sha256", "tests"]);
    let tests = suite["tests"].as_array().unwrap();
    let statuses: Vec<&str> = tests
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["pass", "fail", "skip", "error"]);
    let levels: Vec<&str> = tests.iter().map(|t| t["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["SHALL", "SHALL", "SHOULD", "MAY"]);
    assert_eq!(
        keys(&tests[1]),
        [
            "id",
            "title",
            "level",
            "tags",
            "requirement",
            "status",
            "message",
            "duration_ms",
            "steps",
            "exemption"
        ]
    );
    let step = &tests[1]["steps"][0];
    assert_eq!(keys(step), ["name", "exchanges", "assertions", "error"]);
    assert_eq!(
        keys(&step["assertions"][0]),
        ["description", "passed", "expected", "actual"]
    );
    let exchange = &step["exchanges"][0];
    assert_eq!(
        keys(exchange),
        ["request", "response", "error", "duration_ms", "attempt"]
    );
    assert_eq!(
        keys(&exchange["request"]),
        ["method", "url", "headers", "body"]
    );
    assert_eq!(
        exchange["request"]["headers"][0],
        serde_json::json!(["Accept", "application/fhir+json"])
    );
    assert_eq!(
        keys(&exchange["response"]),
        ["status", "headers", "body", "body_truncated"]
    );
    assert_eq!(exchange["response"]["body"], HOSTILE_BODY);
    assert!(tests[3]["steps"][0]["exchanges"][0]["response"].is_null());
}

/// Replaces values that differ between runs, so the snapshot pins only the shape and content.
fn normalise(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match key.as_str() {
                    "duration_ms" => *field = Value::from(0),
                    "started_at" => *field = Value::from("[started_at]"),
                    "version" => *field = Value::from("[version]"),
                    _ => normalise(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        _ => {}
    }
}

#[test]
fn json_report_snapshot() {
    let mut run = sample_run();
    run.suites.truncate(1);
    run.suites[0].tests.retain(|t| t.status != Status::Pass);
    run.summary = Summary::of(&run.suites);
    let mut report: Value = serde_json::from_str(&json::render(&run).unwrap()).unwrap();
    normalise(&mut report);
    insta::assert_snapshot!(serde_json::to_string_pretty(&report).unwrap());
}

#[test]
fn junit_has_one_testsuite_per_suite_and_readable_failures() {
    let xml = junit::render(&sample_run()).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("junit.xml is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(names, ["core", "uk-core"]);
    assert_eq!(suites[0].attribute("tests"), Some("4"));
    assert_eq!(suites[0].attribute("failures"), Some("1"));
    assert_eq!(suites[0].attribute("errors"), Some("1"));
    assert_eq!(suites[0].attribute("skipped"), Some("1"));
    assert_eq!(suites[1].attribute("skipped"), Some("0"));
    assert_eq!(
        suites[0].attribute("timestamp"),
        Some("2026-11-26T20:00:00Z")
    );

    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        cases[0].attribute("name"),
        Some("CORE-META-01 title of CORE-META-01")
    );
    assert_eq!(cases[0].attribute("classname"), Some("core.SHALL"));
    assert_eq!(cases[0].attribute("time"), Some("0.02"));
    assert_eq!(cases[0].children().filter(|n| n.is_element()).count(), 0);

    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("[SHALL] expected status 201, got 200")
    );
    let body = failure.text().unwrap();
    assert!(
        body.contains("POST https://fhir.example.test/r4/Patient → 200 (12 ms)"),
        "{body}"
    );
    assert!(
        body.contains("FAILED status is 201: expected 201, got 200"),
        "{body}"
    );
    assert!(
        !body.contains("body is JSON"),
        "passed assertions are not listed: {body}"
    );

    assert_eq!(cases[2].attribute("classname"), Some("core.SHOULD"));
    let skipped = cases[2]
        .children()
        .find(|n| n.has_tag_name("skipped"))
        .unwrap();
    assert_eq!(
        skipped.attribute("message"),
        Some("needs CORE-PAT-CREATE-01, which did not pass")
    );

    let error = cases[3]
        .children()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert_eq!(error.attribute("message"), Some("[MAY] connection refused"));
    let body = error.text().unwrap();
    assert!(
        body.contains("→ no response: connection refused (12 ms, attempt 3)"),
        "{body}"
    );
    assert!(
        body.contains("error: connection refused after 3 attempts"),
        "{body}"
    );
}

#[test]
fn junit_survives_hostile_text_in_messages() {
    let mut run = sample_run();
    let failing = &mut run.suites[0].tests[1];
    failing.message = Some(HOSTILE_BODY.into());
    failing.steps[0].assertions[0].actual = HOSTILE_BODY.into();
    let xml = junit::render(&run).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("hostile text keeps the XML well-formed");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    let message = failure.attribute("message").unwrap();
    assert!(
        message.starts_with("[SHALL] <script>alert('owned')</script>"),
        "{message}"
    );
    assert!(
        message.contains('\u{fffd}'),
        "control character replaced: {message}"
    );
    assert!(failure.text().unwrap().contains("got <script>"));
}

#[test]
fn junit_falls_back_to_the_first_failed_assertion() {
    let mut run = sample_run();
    run.suites[0].tests[1].message = None;
    let xml = junit::render(&run).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("[SHALL] status is 201: expected 201, got 200")
    );
}

#[test]
fn junit_rejects_a_malformed_start_time() {
    let mut run = sample_run();
    run.started_at = "yesterday".into();
    let error = junit::render(&run).unwrap_err().to_string();
    assert!(
        error.contains("\"yesterday\" is not an RFC 3339 timestamp"),
        "{error}"
    );
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(junit::render(&sample_run()).unwrap());
}

#[test]
fn html_escapes_hostile_evidence() {
    let page = html::render(&sample_run(), &Bodies::inline_only()).unwrap();
    assert!(
        !page.contains("<script>alert"),
        "a response body must never become markup"
    );
    assert!(
        page.contains("&lt;script&gt;alert('owned')&lt;/script&gt;"),
        "the body is shown as text"
    );
    assert!(
        !page.contains("href=\"javascript:"),
        "only http(s) requirements become links"
    );
    assert!(
        page.contains("javascript:alert(1)"),
        "the requirement is still shown as text"
    );
    assert!(page.contains("href=\"https://example.test/checklist#item\""));
}

#[test]
fn html_is_self_contained() {
    let page = html::render(&sample_run(), &Bodies::inline_only()).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..80]);
    for external in ["<link", "src=", "@import", "url("] {
        assert!(!page.contains(external), "external asset via {external}");
    }
    assert!(page.contains("<style>") && page.contains(".badge.status-fail"));
}

#[test]
fn html_shows_header_summary_and_failures_first() {
    let page = html::render(&sample_run(), &Bodies::inline_only()).unwrap();
    for fact in [
        "https://fhir.example.test/r4",
        "Example FHIR Server 2.3",
        "4.0.1",
        "2026-11-26T20:00:00Z",
        "1.23 s",
        "assure 0.1.0",
        r#"<span class="number" id="count-total">5</span>"#,
        r#"<span class="number" id="count-pass">2</span>"#,
        r#"<span class="number" id="count-fail">1</span>"#,
        r#"<span class="number" id="count-error">1</span>"#,
        r#"<span class="number" id="count-skip">1</span>"#,
        r#"<tr id="level-SHALL"><th>SHALL</th><td>2</td><td>1</td><td>1</td><td>0</td><td>0</td></tr>"#,
        r#"not available offline: <code>http://snomed.info/sct</code> 3."#,
    ] {
        assert!(page.contains(fact), "missing {fact}");
    }
    let position = |id: &str| {
        page.find(&format!("<code class=\"test-id\">{id}</code>"))
            .unwrap()
    };
    assert!(position("CORE-PAT-CREATE-01") < position("SEC-TLS-01"));
    assert!(position("SEC-TLS-01") < position("CORE-PAT-SEARCH-01"));
    assert!(position("CORE-PAT-SEARCH-01") < position("CORE-META-01"));
}

#[test]
fn html_collapses_only_long_bodies() {
    let page = html::render(&sample_run(), &Bodies::inline_only()).unwrap();
    let openings: Vec<&str> = page.matches(r#"<details class="payload""#).collect();
    assert!(!openings.is_empty());
    let summaries: Vec<&str> = page
        .match_indices("<details class=\"payload\"")
        .map(|(at, _)| &page[at..at + page[at..].find("</summary>").unwrap()])
        .collect();
    assert!(
        summaries.iter().any(|s| s.starts_with(
            "<details class=\"payload\">\n<summary>Response body (2.9 KiB)"
        )),
        "{summaries:#?}"
    );
    assert!(
        summaries.iter().any(
            |s| s.starts_with("<details class=\"payload\" open>\n<summary>Request body (26 B)")
        ),
        "{summaries:#?}"
    );
    assert!(page.contains("<th>Authorization</th><td>Bearer [REDACTED]</td>"));
    assert!(page.contains("No response: connection refused"));
}

#[test]
fn testreport_maps_verdicts_to_r4_codes() {
    let bundle: Value = serde_json::from_str(&testreport::render(&sample_run()).unwrap()).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "one TestReport per suite");
    let resource = &entries[0]["resource"];
    assert_eq!(resource["resourceType"], "TestReport");
    assert_eq!(resource["identifier"]["value"], "core");
    assert_eq!(resource["status"], "completed");
    assert_eq!(resource["result"], "fail");
    assert_eq!(resource["score"], 25.0);
    assert_eq!(resource["tester"], "assure");
    assert_eq!(resource["issued"], "2026-11-26T20:00:00Z");
    assert_eq!(
        resource["participant"][0]["uri"],
        "https://fhir.example.test/r4"
    );
    let uk = &entries[1]["resource"];
    assert_eq!(uk["identifier"]["value"], "uk-core");
    assert_eq!(uk["result"], "pass");
    assert_eq!(uk["score"], 100.0);
    let tests: Vec<&Value> = entries
        .iter()
        .flat_map(|entry| entry["resource"]["test"].as_array().unwrap())
        .collect();
    assert_eq!(tests.len(), 5);
    let results = |index: usize| -> Vec<String> {
        tests[index]["action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|action| {
                let (kind, body) = action.as_object().unwrap().iter().next().unwrap();
                format!("{kind}:{}", body["result"].as_str().unwrap())
            })
            .collect()
    };
    assert_eq!(results(0), ["operation:pass", "assert:pass"]);
    assert_eq!(results(1), ["operation:pass", "assert:fail", "assert:pass"]);
    assert_eq!(results(2), ["assert:skip"]);
    assert_eq!(results(3), ["operation:error"]);
    assert_eq!(results(4), ["assert:pass"]);
    assert_eq!(
        tests[2]["action"][0]["assert"]["message"],
        "needs CORE-PAT-CREATE-01, which did not pass"
    );
    assert_eq!(
        tests[1]["name"],
        "CORE-PAT-CREATE-01 title of CORE-PAT-CREATE-01"
    );
}

#[test]
fn testreport_never_contains_null_or_empty_strings() {
    fn check(value: &Value, path: &str) {
        match value {
            Value::Null => panic!("null at {path}"),
            Value::String(text) => assert!(!text.trim().is_empty(), "empty string at {path}"),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, item)| check(item, &format!("{path}[{i}]"))),
            Value::Object(map) => map
                .iter()
                .for_each(|(key, item)| check(item, &format!("{path}.{key}"))),
            _ => {}
        }
    }
    let mut run = sample_run();
    run.suites[0].tests[2].message = Some("  ".into());
    let resource: Value = serde_json::from_str(&testreport::render(&run).unwrap()).unwrap();
    check(&resource, "TestReport");
}

#[test]
fn testreport_passes_a_clean_run() {
    let mut run = sample_run();
    for test in run.suites.iter_mut().flat_map(|s| s.tests.iter_mut()) {
        test.status = Status::Pass;
    }
    run.summary = Summary::of(&run.suites);
    let bundle: Value = serde_json::from_str(&testreport::render(&run).unwrap()).unwrap();
    for entry in bundle["entry"].as_array().unwrap() {
        assert_eq!(entry["resource"]["result"], "pass");
        assert_eq!(entry["resource"]["score"], 100.0);
    }
}

#[test]
fn write_all_writes_every_report_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested").join("assure-report");
    let written = report::write_all(&sample_run(), &out).unwrap();
    let names: Vec<_> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "report.json",
            "junit.xml",
            "report.html",
            "testreport.json",
            "checklist.csv",
            "conformance.json",
            "manifest.sha256"
        ]
    );
    let mut on_disk: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk,
        [
            "checklist.csv",
            "conformance.json",
            "junit.xml",
            "manifest.sha256",
            "report.html",
            "report.json",
            "testreport.json"
        ],
        "no temporary files are left behind"
    );
    let json_text = fs::read_to_string(out.join("report.json")).unwrap();
    assert_eq!(json_text, json::render(&sample_run()).unwrap());
}

#[test]
fn write_all_explains_an_unusable_folder() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("taken");
    fs::write(&blocker, "a file, not a folder").unwrap();
    let error = report::write_all(&sample_run(), &blocker).unwrap_err();
    assert!(
        format!("{error:#}").contains("cannot create report folder"),
        "{error:#}"
    );
}

/// Checks `value` against the subset of JSON Schema (2020-12) that `reports/report.schema.json`
/// uses, returning the first violation. Unknown keywords are violations too, so the schema
/// cannot drift into features this check ignores.
fn schema_violation(schema: &Value, root: &Value, value: &Value, path: &str) -> Option<String> {
    let rules = schema.as_object().expect("schema node is an object");
    if let Some(reference) = rules.get("$ref") {
        let name = reference.as_str()?.strip_prefix("#/$defs/")?;
        return schema_violation(&root["$defs"][name], root, value, path);
    }
    for (keyword, rule) in rules {
        let broken = match keyword.as_str() {
            "$schema" | "$id" | "$defs" | "title" | "description" | "format" => false,
            "type" => {
                let kind = match value {
                    Value::Null => "null",
                    Value::Bool(_) => "boolean",
                    Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
                    Value::Number(_) => "number",
                    Value::String(_) => "string",
                    Value::Array(_) => "array",
                    Value::Object(_) => "object",
                };
                match rule {
                    Value::String(expected) => expected != kind,
                    Value::Array(options) => !options.iter().any(|o| o == kind),
                    _ => true,
                }
            }
            "enum" => !rule.as_array()?.contains(value),
            "minimum" => value.as_f64().is_some_and(|n| n < rule.as_f64().unwrap()),
            "maximum" => value.as_f64().is_some_and(|n| n > rule.as_f64().unwrap()),
            "minItems" => value
                .as_array()
                .is_some_and(|a| a.len() < rule.as_u64().unwrap() as usize),
            "maxItems" => value
                .as_array()
                .is_some_and(|a| a.len() > rule.as_u64().unwrap() as usize),
            "required" => value.as_object().is_some_and(|object| {
                rule.as_array()
                    .unwrap()
                    .iter()
                    .any(|key| !object.contains_key(key.as_str().unwrap()))
            }),
            "additionalProperties" => value.as_object().is_some_and(|object| {
                rule == &Value::Bool(false)
                    && object
                        .keys()
                        .any(|key| rules["properties"].get(key).is_none())
            }),
            "properties" => {
                if let Some(object) = value.as_object() {
                    for (key, field) in object {
                        if let Some(sub) = rule.get(key) {
                            let found =
                                schema_violation(sub, root, field, &format!("{path}.{key}"));
                            if found.is_some() {
                                return found;
                            }
                        }
                    }
                }
                false
            }
            "items" | "prefixItems" => {
                if let Some(items) = value.as_array() {
                    for (index, item) in items.iter().enumerate() {
                        let sub = if keyword == "items" {
                            Some(rule)
                        } else {
                            rule.get(index)
                        };
                        let found = sub.and_then(|sub| {
                            schema_violation(sub, root, item, &format!("{path}[{index}]"))
                        });
                        if found.is_some() {
                            return found;
                        }
                    }
                }
                false
            }
            unknown => return Some(format!("schema uses unsupported keyword {unknown}")),
        };
        if broken {
            return Some(format!("{path}: {value} breaks {keyword}: {rule}"));
        }
    }
    None
}

fn report_schema() -> Value {
    let text = include_str!("../../../reports/report.schema.json");
    serde_json::from_str(text).expect("report.schema.json is JSON")
}

#[test]
fn json_report_matches_the_published_schema() {
    let schema = report_schema();
    let report: Value = serde_json::from_str(&json::render(&sample_run()).unwrap()).unwrap();
    assert_eq!(schema_violation(&schema, &schema, &report, "report"), None);
}

#[test]
fn the_servers_clock_offset_is_in_the_json_and_the_html() {
    let schema = report_schema();
    let mut run = sample_run();
    run.target.clock = Some(ClockOffset {
        offset_ms: 89_600,
        samples: 12,
    });
    let report: Value = serde_json::from_str(&json::render(&run).unwrap()).unwrap();
    assert_eq!(schema_violation(&schema, &schema, &report, "report"), None);
    assert_eq!(report["target"]["clock"]["offset_ms"], 89_600);
    let html = html::render(&run, &Bodies::inline_only()).unwrap();
    assert!(
        html.contains("90 s ahead of the harness (from the Date header of 12 responses)"),
        "{html}"
    );
    run.target.clock = Some(ClockOffset {
        offset_ms: -300,
        samples: 1,
    });
    let html = html::render(&run, &Bodies::inline_only()).unwrap();
    assert!(html.contains("within a second of the harness (from the Date header of 1 response)"));
}

#[test]
fn a_failure_that_does_not_gate_is_marked_in_every_report() {
    let schema = report_schema();
    let mut run = sample_run();
    let failing = run.suites[0]
        .tests
        .iter()
        .find(|test| test.status == Status::Fail)
        .unwrap()
        .id
        .clone();
    run.options.waivers = vec![Waiver {
        id: failing.clone(),
        reason: "fixed in release 4.2".into(),
        owner: "fhir-team".into(),
        expires: "2999-12-31".into(),
        expired: false,
        source: "waivers.yaml:2:5".into(),
    }];
    run.options.baseline = Some(BaselineRecord {
        source: "previous".into(),
        started_at: "2026-11-25T20:00:00Z".into(),
        failing: vec![failing.clone()],
    });
    let exemption = |run: &RunResult| {
        let report: Value = serde_json::from_str(&json::render(run).unwrap()).unwrap();
        assert_eq!(schema_violation(&schema, &schema, &report, "report"), None);
        let tests = report["suites"][0]["tests"].as_array().unwrap().clone();
        let marked: Vec<Value> = tests
            .iter()
            .filter(|test| !test["exemption"].is_null())
            .cloned()
            .collect();
        assert_eq!(marked.len(), 1);
        assert_eq!(marked[0]["id"], failing.as_str());
        marked[0]["exemption"]["kind"].as_str().unwrap().to_owned()
    };
    // A waiver wins over the baseline.
    assert_eq!(exemption(&run), "waived");
    let html = html::render(&run, &Bodies::inline_only()).unwrap();
    assert!(html.contains(r#"<span class="badge exempt">waived</span>"#));
    assert!(html.contains("Does not fail the run: waived until 2999-12-31 (owner: fhir-team)"));
    assert!(html.contains(r#"id="baseline""#));

    run.options.waivers[0].expired = true;
    assert_eq!(exemption(&run), "pre-existing");
    assert!(
        junit::render(&run)
            .unwrap()
            .contains(r#"<failure type="pre-existing""#)
    );
    let matrix = matrix::render(&run).unwrap();
    let row = matrix.lines().find(|line| line.contains(&failing)).unwrap();
    assert!(
        row.ends_with(
            "pre-existing: it failed in the baseline too (previous, run of 2026-11-25T20:00:00Z)\""
        ),
        "{row}"
    );
    assert!(
        html::render(&run, &Bodies::inline_only())
            .unwrap()
            .contains(">expired<")
    );
}

#[test]
fn schema_check_catches_drift() {
    let schema = report_schema();
    let valid: Value = serde_json::from_str(&json::render(&sample_run()).unwrap()).unwrap();
    type Mutation = fn(&mut Value);
    let mutations: [(&str, Mutation); 4] = [
        ("uppercase status", |r| {
            r["suites"][0]["tests"][0]["status"] = "PASS".into()
        }),
        ("unknown field", |r| r["target"]["extra"] = true.into()),
        ("missing field", |r| {
            r["suites"][0].as_object_mut().unwrap().remove("sha256");
        }),
        ("header not a pair", |r| {
            r["suites"][0]["tests"][0]["steps"][0]["exchanges"][0]["request"]["headers"][0] =
                serde_json::json!(["Accept"])
        }),
    ];
    for (name, mutate) in mutations {
        let mut report = valid.clone();
        mutate(&mut report);
        assert!(
            schema_violation(&schema, &schema, &report, "report").is_some(),
            "{name} went unnoticed"
        );
    }
}

/// A run that stopped before any test because the target could not be reached.
fn aborted_run() -> RunResult {
    let mut run = sample_run();
    run.aborted =
        Some("target https://fhir.example.test/r4 is unreachable: <connection refused>".into());
    run.suites.clear();
    run.data.clear();
    run.summary = Summary::default();
    run.claims.clear();
    run
}

#[test]
fn the_html_report_lists_the_claims_by_resource_type() {
    let html = html::render(&sample_run(), &Bodies::inline_only()).unwrap();
    let section = html
        .split("<section id=\"claims\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("a claims section");
    assert!(section.contains("1 proven, 1 failed, 1 not assessed"));
    let patient = section
        .find("<th colspan=\"3\">Patient</th>")
        .expect("Patient");
    let organization = section
        .find("<th colspan=\"3\">Organization</th>")
        .expect("Organization");
    assert!(patient < organization, "in the statement's order");
    assert!(section.contains("<code>create</code>"));
    assert!(section.contains("<span class=\"badge claim-failed\">failed</span>"));
    assert!(section.contains("<span class=\"badge claim-not-assessed\">not assessed</span>"));
    assert!(section.contains("<code>search-param &lt;script&gt;family</code>"));
    assert!(!section.contains("<script>"), "escaped");
    // A test of the run links to its evidence; an id it does not hold is plain text.
    assert!(section.contains(">CORE-PAT-CREATE-01</a>"));
    assert!(section.contains(", NOT-IN-RUN-&lt;b&gt;</td>"));

    let aborted = html::render(&aborted_run(), &Bodies::inline_only()).unwrap();
    assert!(
        !aborted.contains("<section id=\"claims\">"),
        "no claims, no section"
    );
}

#[test]
fn every_report_shows_the_data_table() {
    let run = sample_run();
    let html = html::render(&run, &Bodies::inline_only()).unwrap();
    assert!(html.contains("<section id=\"data\">"), "a data section");
    assert!(html.contains("<code>patient_id</code>") && html.contains("<code>p-1</code>"));
    assert!(html.contains("no AllergyIntolerance for &lt;script&gt;the test patient"));
    assert!(html.contains("GET https://fhir.example.test/r4/Patient?identifier=9990000018 → 200"));

    let bundle: Value = serde_json::from_str(&testreport::render(&run).unwrap()).unwrap();
    let setup = bundle["entry"][0]["resource"]["setup"]["action"]
        .as_array()
        .expect("setup actions");
    assert_eq!(setup.len(), 2);
    assert_eq!(setup[0]["operation"]["result"], "pass");
    assert_eq!(setup[1]["operation"]["result"], "skip");
    assert!(
        setup[0]["operation"]["message"]
            .as_str()
            .unwrap()
            .starts_with("patient_id = p-1 (found)")
    );

    let xml = junit::render(&run).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let out = doc
        .descendants()
        .find(|n| n.has_tag_name("system-out"))
        .and_then(|n| n.text())
        .expect("data in system-out");
    assert!(out.contains("patient_id = p-1 (found)"), "{out}");
    assert!(out.contains("allergy_id: no AllergyIntolerance"), "{out}");
}

#[test]
fn aborted_run_is_an_error_in_junit() {
    let xml = junit::render(&aborted_run()).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("name"), Some("run"));
    assert_eq!(suite.attribute("errors"), Some("1"));
    let case = suite
        .children()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("name"), Some("run aborted"));
    let error = case.children().find(|n| n.has_tag_name("error")).unwrap();
    assert_eq!(
        error.attribute("message"),
        Some("target https://fhir.example.test/r4 is unreachable: <connection refused>")
    );
}

#[test]
fn aborted_run_says_why_in_html_json_and_testreport() {
    let run = aborted_run();
    let page = html::render(&run, &Bodies::inline_only()).unwrap();
    assert!(page.contains(
        "Run aborted before any test: target https://fhir.example.test/r4 is unreachable: &lt;connection refused&gt;"
    ));
    assert!(page.contains(r#"<span class="number" id="count-total">0</span>"#));
    assert!(
        !html::render(&sample_run(), &Bodies::inline_only())
            .unwrap()
            .contains("Run aborted")
    );

    let report: Value = serde_json::from_str(&json::render(&run).unwrap()).unwrap();
    let schema = report_schema();
    assert_eq!(schema_violation(&schema, &schema, &report, "report"), None);
    assert!(report["aborted"].as_str().unwrap().contains("unreachable"));

    let bundle: Value = serde_json::from_str(&testreport::render(&run).unwrap()).unwrap();
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 1);
    let resource = &bundle["entry"][0]["resource"];
    assert_eq!(resource["status"], "stopped");
    assert_eq!(resource["result"], "fail");
    assert!(resource.get("score").is_none() && resource.get("test").is_none());
    assert_eq!(
        resource["testScript"]["display"],
        "run aborted: target https://fhir.example.test/r4 is unreachable: <connection refused>"
    );
}

#[test]
fn html_and_json_record_the_options_of_the_run() {
    let mut run = sample_run();
    run.options
        .variables
        .insert("family".into(), "<script>alert(1)</script>".into());
    let html = html::render(&run, &Bodies::inline_only()).unwrap();
    let options = html
        .split("<dd id=\"options\">")
        .nth(1)
        .and_then(|rest| rest.split("</dd>").next())
        .expect("an options line");
    assert!(options.contains("fail on SHALL"), "{options}");
    assert!(options.contains("<code>--var nhs_number=9990000018</code>"));
    assert!(options.contains("header <code>X-Api-Key</code>"));
    assert!(
        !options.contains("<script>"),
        "values are escaped: {options}"
    );
    let json: Value = serde_json::from_str(&json::render(&run).unwrap()).unwrap();
    assert_eq!(json["options"]["variables"]["nhs_number"], "9990000018");
    assert_eq!(json["options"]["timeout_ms"], 30_000);
}

#[test]
fn the_checklist_matrix_has_a_row_per_item_linking_to_its_evidence() {
    let mut run = sample_run();
    run.suites[0].tests[1].message = Some("=HYPERLINK(\"http://evil.example\"), got 500".into());
    let text = matrix::render(&run).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, matrix::COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let planned: usize = run.suites.iter().map(|s| s.tests.len()).sum();
    assert_eq!(rows.len(), planned);
    let html = html::render(&run, &Bodies::inline_only()).unwrap();
    for (row, test) in rows.iter().zip(run.suites.iter().flat_map(|s| &s.tests)) {
        assert_eq!(&row[1], test.id);
        assert_eq!(&row[3], test.status.as_str());
        let anchor = row[7]
            .strip_prefix("report.html#")
            .expect("a link into report.html");
        assert!(
            html.contains(&format!("id=\"{anchor}\"")),
            "{anchor} is an element of the HTML report"
        );
    }
    // A message that a spreadsheet would run as a formula is made inert; commas stay in one cell.
    assert_eq!(&rows[1][6], "'=HYPERLINK(\"http://evil.example\"), got 500");
}

#[test]
fn the_html_matrix_shows_the_rows_of_checklist_csv() {
    let run = sample_run();
    let html = html::render(&run, &Bodies::inline_only()).unwrap();
    let section = html
        .split("<section id=\"matrix\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("a matrix section");
    let rows = matrix::rows(&run);
    assert_eq!(rows.len(), 5);
    // One row per item, in plan order, each linking to its evidence as the CSV does.
    let mut from = 0;
    for row in &rows {
        let at = section[from..]
            .find(&format!("<code>{}</code>", row.id))
            .map(|at| at + from)
            .unwrap_or_else(|| panic!("{} in plan order", row.id));
        from = at;
        assert!(section.contains(&format!("<a href=\"#{0}\">{0}</a>", row.anchor)));
    }
    let csv = matrix::render(&run).unwrap();
    assert!(csv.contains(&format!("report.html#{}", rows[1].anchor)));
    assert!(section.contains("<span class=\"badge status-fail\">fail</span>"));
    assert!(
        section.contains("javascript:alert(1)"),
        "a requirement is shown as text"
    );
    assert!(!section.contains("href=\"javascript"), "never as a link");
}

/// `sample_run` with the statement its first test received from `GET /metadata`.
fn run_with_statement() -> RunResult {
    let statement = serde_json::json!({
        "resourceType": "CapabilityStatement",
        "rest": [{"mode": "server", "resource": [
            {"type": "Patient",
             "profile": "https://example.test/Patient",
             "interaction": [{"code": "create", "extension": [{"url": "https://example.test/x"}]}],
             "searchParam": [{"name": "<script>family"}]},
            {"type": "Organization", "interaction": [{"code": "read"}]}
        ]}]
    });
    let mut run = sample_run();
    let body = statement.to_string();
    run.suites[0].tests[0].steps[0].exchanges[0] =
        exchange("GET", "metadata", Some(200), Some(&body));
    // A check that deletes a Patient, which the statement does not claim.
    run.suites[0].tests[1].steps[0].exchanges.push(exchange(
        "DELETE",
        "Patient/1",
        Some(204),
        None,
    ));
    run
}

#[test]
fn conformance_annotates_the_served_statement_with_each_verdict() {
    let run = run_with_statement();
    let verified: Value =
        serde_json::from_str(&conformance::render(&run, &Bodies::inline_only()).unwrap()).unwrap();
    assert_eq!(
        keys(&verified),
        [
            "target",
            "source",
            "counts",
            "resources",
            "not_claimed",
            "statement"
        ]
    );
    assert_eq!(verified["source"]["test"], "CORE-META-01");
    assert_eq!(
        verified["source"]["request"],
        "GET https://fhir.example.test/r4/metadata"
    );
    assert_eq!(
        verified["counts"],
        serde_json::json!({"proven": 1, "failed": 1, "not_assessed": 1, "not_claimed": 2})
    );
    // Sorted by type; profiles listed.
    let types: Vec<&str> = verified["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resource_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["Organization", "Patient"]);
    assert_eq!(
        verified["resources"][1]["profiles"],
        serde_json::json!([{"url": "https://example.test/Patient", "status": "not-assessed", "tests": []}])
    );
    assert_eq!(verified["resources"][1]["claims"][0]["status"], "failed");
    assert_eq!(
        verified["not_claimed"],
        serde_json::json!([
            {"resource_type": "Patient", "kind": "interaction", "code": "delete",
             "status": "not-claimed", "tests": ["CORE-PAT-CREATE-01"]},
            {"resource_type": "Patient", "kind": "interaction", "code": "read",
             "status": "not-claimed", "tests": ["SEC-TLS-01"]}
        ])
    );
    // The statement as served, each claim with its verdict beside the server's extensions.
    let patient = &verified["statement"]["rest"][0]["resource"][0];
    let create = &patient["interaction"][0]["extension"];
    assert_eq!(create[0]["url"], "https://example.test/x");
    assert_eq!(
        create[1],
        serde_json::json!({"url": conformance::VERDICT_URL, "extension": [
            {"url": "status", "valueCode": "failed"},
            {"url": "test", "valueString": "CORE-PAT-CREATE-01"}]})
    );
    assert_eq!(
        patient["searchParam"][0]["extension"][0]["extension"][0]["valueCode"],
        "not-assessed"
    );
    let unclaimed = &verified["statement"]["extension"][0];
    assert_eq!(unclaimed["url"], conformance::NOT_CLAIMED_URL);
    assert_eq!(unclaimed["extension"][2]["valueCode"], "delete");
    assert_eq!(
        conformance::render(&run, &Bodies::inline_only()).unwrap(),
        conformance::render(&run, &Bodies::inline_only()).unwrap()
    );

    // The HTML names the source and lists what is not claimed.
    let html = html::render(&run, &Bodies::inline_only()).unwrap();
    assert!(html.contains("Statement as served to <a href=\"#test-1\">CORE-META-01</a>"));
    assert!(html.contains("<code>https://example.test/Patient</code>"));
    let not_claimed = html
        .split("<h3 id=\"not-claimed\">")
        .nth(1)
        .expect("not claimed");
    assert!(not_claimed.contains("<td>Patient</td><td><code>delete</code></td>"));
}

#[test]
fn conformance_without_the_statement_is_a_summary_of_the_claims() {
    let run = sample_run();
    let verified: Value =
        serde_json::from_str(&conformance::render(&run, &Bodies::inline_only()).unwrap()).unwrap();
    assert!(verified["source"].is_null());
    assert!(verified["statement"].is_null());
    assert_eq!(
        verified["resources"][1]["claims"][1]["code"],
        "<script>family"
    );
    assert!(
        verified["resources"][1]["profiles"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let html = html::render(&run, &Bodies::inline_only()).unwrap();
    assert!(html.contains("No test kept the statement whole"));

    let aborted: Value =
        serde_json::from_str(&conformance::render(&aborted_run(), &Bodies::inline_only()).unwrap())
            .unwrap();
    assert_eq!(aborted["resources"], serde_json::json!([]));
    assert_eq!(aborted["not_claimed"], serde_json::json!([]));
}
