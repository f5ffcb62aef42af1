//! The runner and HTTP client against a small in-process FHIR-like server with controlled
//! behaviour (delays, statuses, headers, echoes).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assure::display::{TerminalDisplay, render_summary};
use assure::http::{Client, ClientOptions, RequestSpec, Target};
use assure::results::{RunResult, Status, TargetInfo, TestResult};
use assure::runner::{EventSink, Filter, RunConfig, RunEvent, plan, run};
use assure::suite::{
    Action, Assertion, Body, Capture, CaptureSource, ForEach, JsonCheck, JsonMatch, Level,
    SearchMethod, StatusMatch, Step, Suite, SuiteSource, TestCase,
};
use axum::Router;
use axum::extract::{Path, Query, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use indexmap::IndexMap;
use serde_json::{Value, json};

const SECRET: &str = "tok-SECRET-123";

// ----- the test server -------------------------------------------------------------------

fn fhir_json(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/fhir+json")],
        body.to_string(),
    )
        .into_response()
}

fn router() -> Router {
    Router::new()
        .route(
            "/fhir/metadata",
            get(|| async {
                fhir_json(
                    StatusCode::OK,
                    json!({
                        "resourceType": "CapabilityStatement",
                        "fhirVersion": "4.0.1",
                        "software": {"name": "Test Server", "version": "1.0"},
                        "rest": [{"resource": [{"type": "Patient"}, {"type": "Observation"}]}]
                    }),
                )
            }),
        )
        .route(
            "/fhir/slow/{millis}",
            get(|Path(millis): Path<u64>| async move {
                tokio::time::sleep(Duration::from_millis(millis)).await;
                fhir_json(StatusCode::OK, json!({"resourceType": "Basic", "id": millis.to_string()}))
            }),
        )
        .route(
            "/fhir/Patient",
            post(|| async {
                let mut response = fhir_json(
                    StatusCode::CREATED,
                    json!({"resourceType": "Patient", "id": "p-1", "meta": {"versionId": "1"}}),
                );
                response.headers_mut().insert(
                    header::LOCATION,
                    "http://example.org/fhir/Patient/p-1/_history/1".parse().unwrap(),
                );
                response
            })
            .get(search_bundle),
        )
        .route("/fhir/Observation", get(search_bundle))
        .route(
            "/fhir/Patient/{id}",
            get(|Path(id): Path<String>| async move {
                if id == "missing" {
                    fhir_json(
                        StatusCode::NOT_FOUND,
                        json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "not-found"}]}),
                    )
                } else {
                    fhir_json(StatusCode::OK, json!({"resourceType": "Patient", "id": id}))
                }
            }),
        )
        .route("/fhir/echo", get(echo))
}

async fn search_bundle(request: Request) -> Response {
    let path = request.uri().path().to_string();
    fhir_json(
        StatusCode::OK,
        json!({"resourceType": "Bundle", "type": "searchset", "link": [{"relation": "self", "url": path}], "entry": []}),
    )
}

/// Echoes the request's headers and query in the body and one header.
async fn echo(headers: HeaderMap, Query(query): Query<Vec<(String, String)>>) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let mut response = fhir_json(
        StatusCode::OK,
        json!({"resourceType": "Basic", "authorization": authorization, "query": query}),
    );
    response
        .headers_mut()
        .insert("x-echo", authorization.parse().unwrap());
    response
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router()).await.unwrap() });
    format!("http://{address}/fhir")
}

/// A port nothing listens on.
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

// ----- suite building --------------------------------------------------------------------

fn step(action: Action, expect: Vec<Assertion>) -> Step {
    Step {
        name: None,
        action,
        headers: IndexMap::new(),
        expect,
        capture: IndexMap::new(),
        for_each: None,
        setup: false,
        skip_unless: None,
        auth: Default::default(),
    }
}

fn request(path: &str) -> Action {
    Action::Request {
        method: "GET".into(),
        path: path.into(),
        body: None,
    }
}

fn status(code: u16) -> Assertion {
    Assertion::Status(StatusMatch {
        codes: vec![code],
        ranges: vec![],
    })
}

fn json_equals(path: &str, value: Value) -> Assertion {
    Assertion::Json(JsonMatch {
        path: path.into(),
        check: JsonCheck::Equals(value),
    })
}

fn test_case(id: &str, needs: &[&str], steps: Vec<Step>) -> TestCase {
    TestCase {
        id: id.into(),
        title: format!("title of {id}"),
        level: Level::Shall,
        tags: vec![],
        requirement: None,
        description: None,
        needs: needs.iter().map(|n| n.to_string()).collect(),
        steps,
    }
}

fn suite(tests: Vec<TestCase>) -> Suite {
    Suite {
        id: "test".into(),
        title: "Test suite".into(),
        fhir_version: "4.0.1".into(),
        description: None,
        variables: IndexMap::new(),
        data: Vec::new(),
        tests,
        generate: Default::default(),
        source: SuiteSource::default(),
    }
}

fn client(base_url: &str) -> Client {
    Client::new(
        base_url,
        ClientOptions {
            timeout: Duration::from_secs(5),
            retries: 0,
            ..ClientOptions::default()
        },
    )
    .unwrap()
}

fn target(base_url: &str) -> TargetInfo {
    TargetInfo {
        base_url: base_url.into(),
        embedded: false,
        insecure: false,
        fhir_version: None,
        software: None,
        clock: None,
    }
}

/// Collects every event.
#[derive(Default)]
struct Recorder(Mutex<Vec<RunEvent>>);

impl EventSink for Recorder {
    fn emit(&self, event: &RunEvent) {
        self.0.lock().unwrap().push(event.clone());
    }
}

async fn run_suite(client: Client, suite: Suite) -> (RunResult, Vec<RunEvent>) {
    let base_url = client.base_url().to_string();
    let plan = plan(&[suite], &Filter::default()).unwrap();
    let recorder = Arc::new(Recorder::default());
    let result = run(
        plan,
        RunConfig::new(client, target(&base_url)),
        recorder.clone(),
    )
    .await;
    let events = recorder.0.lock().unwrap().clone();
    (result, events)
}

fn tests(result: &RunResult) -> Vec<&TestResult> {
    result.suites.iter().flat_map(|s| &s.tests).collect()
}

fn find<'a>(result: &'a RunResult, id: &str) -> &'a TestResult {
    tests(result).into_iter().find(|t| t.id == id).unwrap()
}

// ----- tests -----------------------------------------------------------------------------

#[tokio::test]
async fn results_follow_plan_order_when_later_tests_finish_first() {
    let base = serve().await;
    let cases: Vec<TestCase> = (0..8u64)
        .map(|i| {
            let delay = 400 - i * 50;
            test_case(
                &format!("T-{i}"),
                &[],
                vec![step(request(&format!("slow/{delay}")), vec![status(200)])],
            )
        })
        .collect();
    let started = Instant::now();
    let (result, events) = run_suite(client(&base), suite(cases)).await;
    let elapsed = started.elapsed();

    let ids: Vec<&str> = tests(&result).iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["T-0", "T-1", "T-2", "T-3", "T-4", "T-5", "T-6", "T-7"]
    );
    assert!(tests(&result).iter().all(|t| t.status == Status::Pass));
    let finished: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::TestFinished { result } => Some(result.id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        finished.first(),
        Some(&"T-7"),
        "the quickest test finishes first"
    );
    assert_eq!(finished.last(), Some(&"T-0"));
    // Run one after the other they would take 2.2 s; at concurrency 8 about 0.4 s.
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
    assert!(matches!(
        events.first(),
        Some(RunEvent::Started { total: 8 })
    ));
    assert!(matches!(events.last(), Some(RunEvent::Finished { .. })));
    assert_eq!(result.summary.overall.pass, 8);
}

#[tokio::test]
async fn concurrency_limit_is_respected() {
    let base = serve().await;
    let cases: Vec<TestCase> = (0..4)
        .map(|i| {
            test_case(
                &format!("T-{i}"),
                &[],
                vec![step(request("slow/150"), vec![status(200)])],
            )
        })
        .collect();
    let plan = plan(&[suite(cases)], &Filter::default()).unwrap();
    let mut config = RunConfig::new(client(&base), target(&base));
    config.concurrency = 1;
    let started = Instant::now();
    let result = run(plan, config, Arc::new(|_: &RunEvent| {})).await;
    assert_eq!(result.summary.overall.pass, 4);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "tests overlapped"
    );
}

#[tokio::test]
async fn tests_whose_needs_did_not_pass_are_skipped_with_the_reason() {
    let base = serve().await;
    let timing_out = Client::new(
        &base,
        ClientOptions {
            timeout: Duration::from_millis(200),
            retries: 0,
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let cases = vec![
        test_case(
            "A",
            &[],
            vec![step(request("Patient/1"), vec![status(201)])],
        ),
        test_case(
            "B",
            &["A"],
            vec![step(request("Patient/1"), vec![status(200)])],
        ),
        test_case(
            "C",
            &["B"],
            vec![step(request("Patient/1"), vec![status(200)])],
        ),
        test_case(
            "D",
            &[],
            vec![step(request("slow/1000"), vec![status(200)])],
        ),
        test_case(
            "E",
            &["D"],
            vec![step(request("Patient/1"), vec![status(200)])],
        ),
        test_case(
            "F",
            &["A", "E"],
            vec![step(request("Patient/1"), vec![status(200)])],
        ),
    ];
    let (result, events) = run_suite(timing_out, suite(cases)).await;

    let a = find(&result, "A");
    assert_eq!(a.status, Status::Fail);
    assert_eq!(
        a.message.as_deref(),
        Some("step 1 (GET /Patient/1): expected status 201, got 200")
    );
    let b = find(&result, "B");
    assert_eq!(
        (b.status, b.message.as_deref()),
        (Status::Skip, Some("needs A which failed"))
    );
    assert!(b.steps.is_empty());
    let c = find(&result, "C");
    assert_eq!(
        (c.status, c.message.as_deref()),
        (Status::Skip, Some("needs B which was skipped"))
    );
    let d = find(&result, "D");
    assert_eq!(d.status, Status::Error);
    assert_eq!(
        d.message.as_deref(),
        Some("step 1 (GET /slow/1000): timed out after 200ms")
    );
    assert_eq!(
        d.steps[0].exchanges[0].attempt, 1,
        "a timeout is never retried"
    );
    let e = find(&result, "E");
    assert_eq!(
        (e.status, e.message.as_deref()),
        (Status::Skip, Some("needs D which errored"))
    );
    assert_eq!(
        find(&result, "F").message.as_deref(),
        Some("needs A which failed")
    );
    let started: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::TestStarted { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert!(!started.contains(&"B"), "skipped tests never start");
}

#[tokio::test]
async fn captures_flow_to_tests_that_need_them_transitively() {
    let base = serve().await;
    let mut create = step(
        Action::Create {
            resource_type: "Patient".into(),
            body: Body::Json(
                json!({"resourceType": "Patient", "name": [{"family": "{{ family }}"}]}),
            ),
        },
        vec![status(201)],
    );
    create.capture.insert(
        "patient_id".into(),
        Capture {
            source: CaptureSource::Header("Location".into()),
            regex: Some("Patient/([^/]+)".into()),
            all: false,
        },
    );
    create.capture.insert(
        "version".into(),
        Capture {
            source: CaptureSource::Json("meta.versionId".into()),
            regex: None,
            all: false,
        },
    );
    let read = |expected: &str| {
        step(
            Action::Read {
                resource_type: "Patient".into(),
                id: "{{ patient_id }}".into(),
            },
            vec![status(200), json_equals("id", json!(expected))],
        )
    };
    let mut first = suite(vec![
        test_case("CREATE", &[], vec![create]),
        test_case("READ", &["CREATE"], vec![read("{{ patient_id }}")]),
        test_case("READ-AGAIN", &["READ"], vec![read("p-{{ version }}")]),
        test_case("NO-NEED", &[], vec![read("p-1")]),
    ]);
    first.variables.insert("family".into(), "Smith".into());
    let (result, _) = run_suite(client(&base), first).await;

    assert_eq!(find(&result, "CREATE").status, Status::Pass);
    let read_result = find(&result, "READ");
    assert_eq!(
        read_result.status,
        Status::Pass,
        "{:?}",
        read_result.message
    );
    assert!(
        read_result.steps[0].exchanges[0]
            .request
            .url
            .ends_with("/fhir/Patient/p-1")
    );
    assert_eq!(read_result.steps[0].name, "read Patient/p-1");
    assert_eq!(find(&result, "READ-AGAIN").status, Status::Pass);
    let create_body = find(&result, "CREATE").steps[0].exchanges[0]
        .request
        .body
        .clone()
        .unwrap();
    assert!(create_body.contains("Smith"), "{create_body}");
    let no_need = find(&result, "NO-NEED");
    assert_eq!(no_need.status, Status::Error);
    assert_eq!(
        no_need.message.as_deref(),
        Some("step 1 (read): undefined variable `patient_id`")
    );
}

#[tokio::test]
async fn for_each_repeats_a_step_over_a_list_capture() {
    let base = serve().await;
    let mut capabilities = step(Action::Capabilities, vec![status(200)]);
    capabilities.capture.insert(
        "types".into(),
        Capture {
            source: CaptureSource::Json("rest.0.resource.*.type".into()),
            regex: None,
            all: true,
        },
    );
    let mut search = step(
        Action::Search {
            resource_type: Some("{{ type }}".into()),
            params: vec![("_count".into(), "1".into())],
            method: SearchMethod::Get,
        },
        vec![status(200), Assertion::BundleType("searchset".into())],
    );
    search.for_each = Some(ForEach {
        var: "type".into(),
        over: "types".into(),
    });
    let (result, _) = run_suite(
        client(&base),
        suite(vec![test_case("EACH", &[], vec![capabilities, search])]),
    )
    .await;
    let each = find(&result, "EACH");
    assert_eq!(each.status, Status::Pass, "{:?}", each.message);
    let names: Vec<&str> = each.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "capabilities",
            "search Patient?_count=1 [type=Patient]",
            "search Observation?_count=1 [type=Observation]"
        ]
    );
    assert!(
        each.steps[2].exchanges[0]
            .request
            .url
            .ends_with("/fhir/Observation?_count=1")
    );
}

#[tokio::test]
async fn for_each_past_the_fan_out_cap_is_an_error_not_that_many_requests() {
    let base = serve().await;
    let mut capabilities = step(Action::Capabilities, vec![status(200)]);
    capabilities.capture.insert(
        "types".into(),
        Capture {
            source: CaptureSource::Json("rest.0.resource.*.type".into()),
            regex: None,
            all: true,
        },
    );
    let mut search = step(
        Action::Search {
            resource_type: Some("{{ type }}".into()),
            params: vec![],
            method: SearchMethod::Get,
        },
        vec![status(200)],
    );
    search.for_each = Some(ForEach {
        var: "type".into(),
        over: "types".into(),
    });
    let client = client(&base);
    let plan = plan(
        &[suite(vec![test_case(
            "FAN",
            &[],
            vec![capabilities, search],
        )])],
        &Filter::default(),
    )
    .unwrap();
    let mut config = RunConfig::new(client, target(&base));
    config.max_fan_out = 1;
    let result = run(plan, config, Arc::new(Recorder::default())).await;
    let fan = find(&result, "FAN");
    assert_eq!(fan.status, Status::Error);
    assert_eq!(
        fan.message.as_deref(),
        Some(
            "step 2 (search): for_each over `types`: 2 values, more than the 1 a step repeats over (--max-fan-out)"
        )
    );
    assert_eq!(fan.steps.len(), 2, "nothing sent for the step");
    assert!(fan.steps[1].exchanges.is_empty());
}

#[tokio::test]
async fn misused_for_each_errors_and_a_missing_capture_fails() {
    let base = serve().await;
    let mut over_text = step(
        Action::Read {
            resource_type: "Patient".into(),
            id: "{{ id }}".into(),
        },
        vec![status(200)],
    );
    over_text.for_each = Some(ForEach {
        var: "id".into(),
        over: "family".into(),
    });
    let mut capture_missing = step(request("Patient/1"), vec![status(200)]);
    capture_missing.capture.insert(
        "etag".into(),
        Capture {
            source: CaptureSource::Header("ETag".into()),
            regex: None,
            all: false,
        },
    );
    let mut cases = suite(vec![
        test_case("FOR-TEXT", &[], vec![over_text]),
        test_case("NO-ETAG", &[], vec![capture_missing]),
    ]);
    cases.variables.insert("family".into(), "Smith".into());
    let (result, _) = run_suite(client(&base), cases).await;

    let for_text = find(&result, "FOR-TEXT");
    assert_eq!(for_text.status, Status::Error);
    assert_eq!(
        for_text.message.as_deref(),
        Some(
            "step 1 (read): for_each over `family`: not a list variable (capture it with `all: true`)"
        )
    );
    let no_etag = find(&result, "NO-ETAG");
    assert_eq!(no_etag.status, Status::Fail);
    assert_eq!(
        no_etag.message.as_deref(),
        Some("step 1 (GET /Patient/1): expected a value for etag from header ETag, got nothing")
    );
    assert_eq!(no_etag.steps[0].assertions.len(), 2);
}

#[tokio::test]
async fn post_search_sends_form_encoded_parameters() {
    let base = serve().await;
    let search = step(
        Action::Search {
            resource_type: Some("Patient".into()),
            params: vec![
                ("name".into(), "O'Brien & Co".into()),
                ("birthdate".into(), "ge1980-01-01".into()),
            ],
            method: SearchMethod::Post,
        },
        vec![status(405)],
    );
    let (result, _) = run_suite(
        client(&base),
        suite(vec![test_case("POST", &[], vec![search])]),
    )
    .await;
    let request = &find(&result, "POST").steps[0].exchanges[0].request;
    assert_eq!(request.method, "POST");
    assert!(
        request.url.ends_with("/fhir/Patient/_search"),
        "{}",
        request.url
    );
    assert_eq!(
        request.body.as_deref(),
        Some("name=O%27Brien+%26+Co&birthdate=ge1980-01-01")
    );
    assert!(
        request
            .headers
            .iter()
            .any(|(n, v)| n == "Content-Type" && v == "application/x-www-form-urlencoded")
    );
    assert!(
        request
            .headers
            .iter()
            .any(|(n, v)| n == "Accept" && v == "application/fhir+json")
    );
}

#[tokio::test]
async fn connection_refused_is_retried_until_the_server_is_up() {
    let port = closed_port().await;
    let base = format!("http://127.0.0.1:{port}/fhir");
    let client = Client::new(
        &base,
        ClientOptions {
            timeout: Duration::from_secs(2),
            retries: 5,
            ..ClientOptions::default()
        },
    )
    .unwrap()
    .with_retry_backoff(Duration::from_millis(100));
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        axum::serve(listener, router()).await.unwrap();
    });
    let sent = client
        .send(&RequestSpec::new(
            "GET",
            Target::Segments(vec!["Patient".into(), "7".into()]),
        ))
        .await
        .unwrap();
    let response = sent.response.expect("a response after retries");
    assert_eq!(response.status, 200);
    assert!(
        sent.exchange.attempt >= 2,
        "attempt {}",
        sent.exchange.attempt
    );
    assert!(sent.exchange.error.is_none());
}

#[tokio::test]
async fn connection_refused_without_retries_is_an_error() {
    let port = closed_port().await;
    let base = format!("http://127.0.0.1:{port}/fhir");
    let (result, _) = run_suite(
        client(&base),
        suite(vec![test_case(
            "DOWN",
            &[],
            vec![step(Action::Capabilities, vec![status(200)])],
        )]),
    )
    .await;
    let down = find(&result, "DOWN");
    assert_eq!(down.status, Status::Error);
    let message = down.message.as_deref().unwrap();
    assert!(
        message.starts_with("step 1 (capabilities): connection failed: "),
        "{message}"
    );
    assert_eq!(down.steps[0].exchanges[0].attempt, 1);
}

#[tokio::test]
async fn probe_reports_target_details_or_one_clear_error() {
    let base = serve().await;
    let info = client(&base).probe().await.unwrap().target;
    assert_eq!(info.fhir_version.as_deref(), Some("4.0.1"));
    assert_eq!(info.software.as_deref(), Some("Test Server 1.0"));

    let port = closed_port().await;
    let closed = format!("http://127.0.0.1:{port}/fhir");
    let error = client(&closed).probe().await.unwrap_err();
    assert_eq!(error.url, format!("{closed}"));
    assert!(
        error.cause.starts_with("connection failed"),
        "{}",
        error.cause
    );
    assert!(
        error.to_string().starts_with(&format!(
            "target {closed} is unreachable: connection failed"
        )),
        "{error}"
    );

    let unresolvable = client("http://no-such-host.invalid/fhir")
        .probe()
        .await
        .unwrap_err();
    assert!(
        unresolvable.cause.starts_with("connection failed"),
        "{}",
        unresolvable.cause
    );
}

#[tokio::test]
async fn secrets_never_reach_the_recorded_evidence() {
    let base = serve().await;
    let client = Client::new(
        &base,
        ClientOptions {
            timeout: Duration::from_secs(5),
            default_headers: vec![("Authorization".into(), format!("Bearer {SECRET}"))],
            retries: 0,
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let echo = step(
        request(&format!("echo?access_token={SECRET}")),
        vec![
            status(200),
            json_equals("authorization", json!("something else")),
        ],
    );
    let (result, events) = run_suite(client, suite(vec![test_case("ECHO", &[], vec![echo])])).await;

    let echoed = find(&result, "ECHO");
    assert_eq!(echoed.status, Status::Fail);
    let exchange = &echoed.steps[0].exchanges[0];
    assert!(
        exchange
            .request
            .url
            .ends_with("/fhir/echo?access_token=[REDACTED]"),
        "{}",
        exchange.request.url
    );
    assert!(
        exchange
            .request
            .headers
            .iter()
            .any(|(n, v)| n == "Authorization" && v == "[REDACTED]")
    );
    let response = exchange.response.as_ref().unwrap();
    assert!(
        response
            .headers
            .iter()
            .any(|(n, v)| n == "x-echo" && v == "[REDACTED]")
    );
    assert!(
        response
            .body
            .as_deref()
            .unwrap()
            .contains(r#""authorization":"[REDACTED]""#)
    );
    assert_eq!(
        echoed.message.as_deref(),
        Some(
            r#"step 1 (GET /echo?access_token=[REDACTED]): expected authorization equal to "something else", got "[REDACTED]""#
        )
    );
    let everything = format!("{}{events:?}", serde_json::to_string(&result).unwrap());
    assert!(!everything.contains(SECRET), "the secret leaked");
}

#[tokio::test]
async fn display_prints_one_line_per_test_and_a_summary() {
    let base = serve().await;
    let cases = vec![
        test_case(
            "OK",
            &[],
            vec![step(request("Patient/1"), vec![status(200)])],
        ),
        test_case(
            "BAD",
            &[],
            vec![step(request("Patient/missing"), vec![status(200)])],
        ),
    ];
    let plan = plan(&[suite(cases)], &Filter::default()).unwrap();
    let buffer = SharedBuffer::default();
    let display = TerminalDisplay::lines(Box::new(buffer.clone()));
    let result = run(
        plan,
        RunConfig::new(client(&base), target(&base)),
        Arc::new(display),
    )
    .await;
    let mut lines: Vec<String> = buffer.text().lines().map(str::to_string).collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "FAIL  BAD  title of BAD -- step 1 (GET /Patient/missing): expected status 200, got 404",
            "PASS  OK  title of OK",
        ]
    );
    let summary = render_summary(&result);
    assert!(summary.contains("2 tests in"), "{summary}");
    assert!(
        summary.contains("FAIL  SHALL  BAD  title of BAD"),
        "{summary}"
    );
}

/// A writer whose text the test can read afterwards.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
