//! Loads `report.html` in real headless Chromium and reads back the DOM it built.
//!
//! Proves the page parses in a browser the way the renderer intends: the summary numbers and
//! the failing test are there, and markup hidden in a server's response body stayed text; and,
//! on a real run's report, that a link to a failed validation's line opens the evidence that
//! holds it, the page's script lays out JSON and shows the test finder. A screenshot of that
//! page is kept as `target/tmp/report-screenshot.png` (a CI artifact). Without Chromium the
//! tests fail under `CI=true` (install it with `.ci/install-packages.sh`) and are skipped
//! elsewhere.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assure::evidence::Bodies;
use assure::report::html;
use assure::results::{
    AssertionResult, Exchange, RecordedRequest, RecordedResponse, RunOptions, RunResult,
    SCHEMA_VERSION, Status, StepResult, SuiteResult, Summary, TargetInfo, TestResult, ToolInfo,
};
use assure::suite::Level;

/// Would mark the document if a browser ever ran it.
const INJECTED: &str = r#"<script>document.documentElement.setAttribute("data-pwned","yes")</script><img src=x onerror="document.documentElement.setAttribute('data-pwned','img')">"#;

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

fn test_result(id: &str, status: Status, body: &str) -> TestResult {
    TestResult {
        id: id.into(),
        title: format!("title of {id}"),
        level: Level::Shall,
        tags: Vec::new(),
        requirement: None,
        status,
        message: (status == Status::Fail).then(|| "expected status 201, got 200".into()),
        duration_ms: 5,
        steps: vec![StepResult {
            name: "create Patient".into(),
            exchanges: vec![Exchange {
                request: RecordedRequest {
                    method: "POST".into(),
                    url: "http://127.0.0.1:8080/Patient".into(),
                    headers: vec![("Content-Type".into(), "application/fhir+json".into())],
                    body: Some(r#"{"resourceType":"Patient"}"#.into()),
                    body_file: None,
                    body_truncated: false,
                },
                response: Some(RecordedResponse {
                    status: 200,
                    headers: vec![("X-Evil".into(), INJECTED.into())],
                    body: Some(body.into()),
                    body_file: None,
                    body_truncated: false,
                }),
                error: None,
                duration_ms: 3,
                attempt: 1,
            }],
            assertions: vec![AssertionResult {
                description: "status is 201".into(),
                passed: status == Status::Pass,
                expected: "201".into(),
                actual: if status == Status::Pass { "201" } else { "200" }.into(),
                locations: Vec::new(),
            }],
            error: None,
        }],
    }
}

fn hostile_run() -> RunResult {
    let suites = vec![SuiteResult {
        id: "core".into(),
        title: "Core".into(),
        source: "embedded:core/core.yaml".into(),
        sha256: "00".repeat(32),
        tests: vec![
            test_result("CORE-OK-01", Status::Pass, "{}"),
            test_result("CORE-OK-02", Status::Pass, "{}"),
            test_result("CORE-BAD-01", Status::Fail, INJECTED),
        ],
    }];
    RunResult {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "assure".into(),
            version: "0.1.0".into(),
        },
        started_at: "2026-11-26T20:00:00Z".into(),
        duration_ms: 42,
        target: TargetInfo {
            base_url: "http://127.0.0.1:8080".into(),
            embedded: true,
            insecure: false,
            fhir_version: Some("4.0.1".into()),
            software: Some(INJECTED.into()),
            clock: None,
        },
        options: RunOptions::default(),
        aborted: None,
        data: Vec::new(),
        summary: Summary::of(&suites),
        claims: Vec::new(),
        unchecked_codes: Default::default(),
        suites,
    }
}

/// Longest a healthy Chromium takes to load a local page and print its DOM, with margin.
const CHROMIUM_DEADLINE: Duration = Duration::from_secs(60);

/// Runs Chromium on `url` and returns the DOM it serialised; the output goes through a file so
/// a large DOM cannot block on a full pipe, and a hung browser is killed at the deadline.
fn dump_dom(chromium: &Path, url: &str, work: &Path) -> String {
    let dom_path = work.join("dom.html");
    chromium_run(chromium, url, work, &["--dump-dom"], Some(&dom_path));
    std::fs::read_to_string(&dom_path).expect("DOM is UTF-8")
}

/// Runs Chromium on `url` with `extra` arguments, its standard output to `stdout_to`, and waits
/// for it (killing it at the deadline).
fn chromium_run(chromium: &Path, url: &str, work: &Path, extra: &[&str], stdout_to: Option<&Path>) {
    let log_path = work.join("chromium.log");
    let stdout = match stdout_to {
        Some(path) => Stdio::from(File::create(path).unwrap()),
        None => Stdio::null(),
    };
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(File::create(&log_path).unwrap())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHROMIUM_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {CHROMIUM_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "chromium failed ({status}): {}",
        std::fs::read_to_string(&log_path).unwrap_or_default()
    );
}

#[test]
fn report_renders_in_headless_chromium_without_running_injected_markup() {
    let Some(chromium) = find_chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium not found on PATH; CI must install it with .ci/install-packages.sh"
        );
        println!("skipped: chromium not found");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(
        &page,
        html::render(&hostile_run(), &Bodies::inline_only()).unwrap(),
    )
    .unwrap();
    let dom = dump_dom(&chromium, &format!("file://{}", page.display()), dir.path());

    assert!(
        dom.contains(r#"<span class="number" id="count-total">3</span>"#),
        "{dom}"
    );
    assert!(dom.contains(r#"<span class="number" id="count-pass">2</span>"#));
    assert!(dom.contains(r#"<span class="number" id="count-fail">1</span>"#));
    assert!(dom.contains(r#"<code class="test-id">CORE-BAD-01</code>"#));
    assert!(dom.contains("expected status 201, got 200"));
    assert!(
        dom.contains("&lt;script&gt;document.documentElement"),
        "the hostile body is shown as text"
    );
    assert!(
        !dom.contains("data-pwned=\""),
        "injected code ran in the browser"
    );
    assert_eq!(
        dom.matches("<script").count(),
        1,
        "only the page's own script is an element; injected <script> stayed text"
    );
    assert!(!dom.contains("<img"), "injected <img> became an element");
}

/// The path of Chromium, or `None` (after failing under `CI=true`) when it is not installed.
fn chromium_or_skip() -> Option<PathBuf> {
    let chromium = find_chromium();
    if chromium.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium not found on PATH; CI must install it with .ci/install-packages.sh"
        );
        println!("skipped: chromium not found");
    }
    chromium
}

#[test]
fn a_link_to_a_failed_validations_line_opens_its_evidence_in_chromium() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let suites = format!("{}/../../suites/core", env!("CARGO_MANIFEST_DIR"));
    assert_cmd::Command::cargo_bin("assure")
        .unwrap()
        .args(["run", "--no-progress", "--defect", "nonconformant-patients"])
        .args(["--suite", &format!("{suites}/data.yaml")])
        .args(["--suite", &format!("{suites}/capabilities.yaml")])
        .args(["--suite", &format!("{suites}/profiles.yaml")])
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    let start = page.find("<mark id=\"").expect("a marked line") + "<mark id=\"".len();
    let mark = &page[start..start + page[start..].find('"').unwrap()];
    let raw = page
        .find("\" class=\"raw-json\">")
        .expect("a body the script lays out");
    let raw_id = &page[page[..raw].rfind('"').unwrap() + 1..raw];
    let url = format!("file://{}#{mark}", out.join("report.html").display());

    let dom = dump_dom(&chromium, &url, dir.path());
    assert!(
        dom.contains(r#"<p class="filters" id="finder">"#),
        "the finder is shown"
    );
    let at = dom
        .find(&format!("<mark id=\"{mark}\""))
        .expect("the mark is in the page");
    let holder = dom[..at].rfind("<details").unwrap();
    assert!(
        dom[holder..at].starts_with("<details class=\"payload\" open"),
        "the body holding the marked line is open: {}",
        &dom[holder..at.min(holder + 200)]
    );
    let evidence = dom[..holder].rfind("<details class=\"evidence\"").unwrap();
    assert!(dom[evidence..].starts_with("<details class=\"evidence\" open"));

    // A link to a collapsed body opens it, and the script lays its JSON out.
    let raw_url = format!("file://{}#{raw_id}", out.join("report.html").display());
    let dom = dump_dom(&chromium, &raw_url, dir.path());
    let at = dom.find(&format!("<pre id=\"{raw_id}\"")).unwrap();
    let shown = &dom[at..at + dom[at..].find("</pre>").unwrap()];
    assert!(
        !shown.contains("raw-json"),
        "{}",
        &shown[..shown.len().min(300)]
    );
    assert!(
        shown.contains("{\n  \""),
        "laid out: {}",
        &shown[..shown.len().min(300)]
    );

    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&screenshot);
    let top = format!("file://{}", out.join("report.html").display());
    chromium_run(
        &chromium,
        &top,
        dir.path(),
        &[
            &format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,1600",
            "--hide-scrollbars",
        ],
        None,
    );
    let png = std::fs::read(&screenshot).expect("a screenshot is written");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(
        png.len() > 10_000,
        "a page, not a blank: {} bytes",
        png.len()
    );
}
