//! `assure validate`, `assure packages` and the `conforms` assertion, against the R4
//! definitions of the shared test data (`<repo>/../shared/fhir-packages`).

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, OnceLock};

use assert_cmd::Command;
use assure::http::{Client, ClientOptions};
use assure::results::{RunResult, Status, TargetInfo, TestResult};
use assure::runner::{Filter, RunConfig, RunEvent, plan, run};
use assure::suite::{Assertion, ConformsTo, load_str};
use assure::validation::{DefinitionSources, Validation};
use assure_validate::package::archive_files;
use axum::Router;
use axum::http::header;
use axum::routing::get;
use indexmap::IndexMap;
use serde_json::{Value, json};

const SHARED_PACKAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fhir-packages");
const R4_EXAMPLES: &str = "hl7.fhir.r4.examples-4.0.1.tgz";

// ----- shared data ------------------------------------------------------------------------

/// The R4 examples tarball, or `None` (after a `skipped:` line) when the shared data is
/// missing outside CI.
fn r4_tarball() -> Option<PathBuf> {
    let path = Path::new(SHARED_PACKAGES).join(R4_EXAMPLES);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "test data missing under CI: {}",
        path.display()
    );
    println!("skipped: {} not found", path.display());
    None
}

/// A package cache holding the R4 examples package, imported once with `assure packages
/// import` and kept across test runs.
fn r4_cache() -> Option<PathBuf> {
    static CACHE: OnceLock<Option<PathBuf>> = OnceLock::new();
    CACHE
        .get_or_init(|| {
            let tarball = r4_tarball()?;
            let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("validate-cli-cache");
            if !cache
                .join("hl7.fhir.r4.examples#4.0.1/package/package.json")
                .is_file()
            {
                let output = assure()
                    .args(["packages", "import"])
                    .arg(&tarball)
                    .arg("--cache")
                    .arg(&cache)
                    .output()
                    .unwrap();
                assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
                assert!(text(&output.stdout).contains("imported hl7.fhir.r4.examples#4.0.1"));
            }
            Some(cache)
        })
        .clone()
}

/// The spec's `Patient/example`, as published.
fn example_patient() -> Option<Value> {
    let tarball = r4_tarball()?;
    let files = archive_files(&tarball, |path| path == "package/Patient-example.json").unwrap();
    Some(serde_json::from_slice(&files[0].bytes).unwrap())
}

// ----- helpers ----------------------------------------------------------------------------

fn assure() -> Command {
    let mut command = Command::cargo_bin("assure").unwrap();
    command.env_remove("FHIR_PACKAGE_CACHE");
    command.env_remove("FHIR_PACKAGE_REGISTRY");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// `assure validate FILES --package-dir CACHE ARGS`.
fn validate(cache: &Path, files: &[&Path], args: &[&str]) -> Output {
    assure()
        .arg("validate")
        .args(files)
        .arg("--package-dir")
        .arg(cache)
        .args(args)
        .output()
        .unwrap()
}

/// The example Patient with `gender: robot` (not in the required value set) and a second
/// given name that is a number: two errors with known locations.
fn broken_patient(good: &Value) -> Value {
    let mut broken = good.clone();
    broken["gender"] = json!("robot");
    broken["name"][0]["given"][1] = json!(42);
    broken
}

// ----- assure validate --------------------------------------------------------------------

#[test]
fn a_valid_example_passes_and_a_broken_copy_fails_with_locations() {
    let (Some(cache), Some(good)) = (r4_cache(), example_patient()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let good_file = write(
        dir.path(),
        "good.json",
        &serde_json::to_string_pretty(&good).unwrap(),
    );
    let output = validate(&cache, &[&good_file], &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    assert!(
        !text(&output.stdout).contains("  error  "),
        "{}",
        text(&output.stdout)
    );
    assert!(text(&output.stdout).ends_with(": no issues\n"));

    let broken = serde_json::to_string_pretty(&broken_patient(&good)).unwrap();
    let broken_file = write(dir.path(), "broken.json", &broken);
    let output = validate(&cache, &[&good_file, &broken_file], &[]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        text(&output.stderr)
    );
    let gender_line = broken
        .lines()
        .position(|line| line.contains("\"robot\""))
        .unwrap()
        + 1;
    let gender = stdout
        .lines()
        .find(|line| line.contains("  error    Patient.gender  "))
        .unwrap_or_else(|| panic!("no gender error in:\n{stdout}"));
    assert!(
        gender.starts_with(&format!("{}:{gender_line}:", broken_file.display())),
        "{gender}"
    );
    assert!(
        stdout.contains("Patient.name[0].given[1]"),
        "no given-name error in:\n{stdout}"
    );
    assert!(
        stdout.contains(&format!("{}: 2 errors\n", broken_file.display())),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("{}: no issues\n", good_file.display())));
}

#[test]
fn xml_is_sniffed_and_validated() {
    let Some(cache) = r4_cache() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "patient.txt",
        "<Patient xmlns=\"http://hl7.org/fhir\">\n  <active value=\"true\"/>\n  <gender value=\"robot\"/>\n</Patient>\n",
    );
    let output = validate(&cache, &[&file], &[]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(
        stdout
            .lines()
            .any(|line| line.starts_with(&format!("{}:3:", file.display()))
                && line.contains("Patient.gender")),
        "{stdout}"
    );
}

#[test]
fn operation_outcome_and_json_formats() {
    let (Some(cache), Some(good)) = (r4_cache(), example_patient()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let broken = write(
        dir.path(),
        "broken.json",
        &broken_patient(&good).to_string(),
    );
    let output = validate(&cache, &[&broken], &["--format", "operationoutcome"]);
    assert_eq!(output.status.code(), Some(1));
    let outcome: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    let issues = outcome["issue"].as_array().unwrap();
    assert!(
        issues
            .iter()
            .any(|i| i["severity"] == "error" && i["expression"][0] == "Patient.gender"),
        "{outcome:#}"
    );

    let good_file = write(dir.path(), "good.json", &good.to_string());
    let output = validate(
        &cache,
        &[&good_file, &broken],
        &["--format", "operationoutcome"],
    );
    let bundle: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(bundle["type"], "collection");
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 2);
    assert!(
        bundle["entry"][0]["fullUrl"]
            .as_str()
            .unwrap()
            .ends_with("/good.json")
    );

    let output = validate(&cache, &[&good_file, &broken], &["--format", "json"]);
    let files: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(files[0]["valid"], true);
    assert_eq!(files[1]["valid"], false);
    assert!(files[1]["issues"][0]["line"].as_u64().unwrap() > 0);
}

#[test]
fn a_profile_from_the_command_line_is_applied() {
    let (Some(cache), Some(good)) = (r4_cache(), example_patient()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "patient.json", &good.to_string());
    // The core "shareable" profiles do not apply to Patient: asking for one is an error.
    let output = validate(
        &cache,
        &[&file],
        &[
            "--profile",
            "http://hl7.org/fhir/StructureDefinition/shareablevalueset",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    assert!(text(&output.stdout).contains("shareablevalueset"));

    let output = validate(
        &cache,
        &[&file],
        &["--profile", "http://example.org/no-such-profile"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("http://example.org/no-such-profile is not defined"));
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let Some(cache) = r4_cache() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.json", r#"{"resourceType":"Patient"}"#);

    let output = validate(&cache, &[&dir.path().join("missing.json")], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("cannot read"),
        "{}",
        text(&output.stderr)
    );

    let output = validate(&cache, &[&file], &["--package", "example.no.such@1.0.0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("package example.no.such@1.0.0: not in the package cache"),
        "{}",
        text(&output.stderr)
    );

    let output = validate(&cache, &[&file], &["--package", "not-a-spec"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn without_r4_definitions_the_error_says_how_to_get_them() {
    let empty = tempfile::tempdir().unwrap();
    let file = write(empty.path(), "p.json", r#"{"resourceType":"Patient"}"#);
    let cache = empty.path().join("cache");
    let output = validate(&cache, &[&file], &["--no-builtin-core"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no FHIR R4 base definitions"), "{stderr}");
    assert!(
        stderr.contains("assure packages install hl7.fhir.r4.core@4.0.1 --registry <URL>"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--package path/to/hl7.fhir.r4.examples-4.0.1.tgz"),
        "{stderr}"
    );
}

#[test]
fn the_builtin_r4_core_needs_no_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let empty_cache = dir.path().join("cache");
    let good = write(
        dir.path(),
        "good.json",
        r#"{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1974-12-25"}"#,
    );
    let output = validate(&empty_cache, &[&good], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let broken = write(
        dir.path(),
        "broken.json",
        "{\"resourceType\":\"Patient\",\n \"gender\":\"robot\"}",
    );
    let output = validate(&empty_cache, &[&broken], &[]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{}:2:2  error    Patient.gender  ",
            broken.display()
        )),
        "{stdout}"
    );
}

#[test]
fn codes_of_systems_not_available_offline_are_counted_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    let empty_cache = dir.path().join("cache");
    // Attachment.contentType is bound (required) to MIME types, a code system no one can
    // enumerate offline.
    let photo = write(
        dir.path(),
        "photo.json",
        r#"{"resourceType":"Patient","id":"p1","photo":[{"contentType":"image/png","url":"http://example.org/p.png"}]}"#,
    );
    let output = validate(&empty_cache, &[&photo], &[]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("not checked: "), "{stdout}");
    assert!(
        stdout.ends_with("unchecked codes: urn:ietf:bcp:13 1\n"),
        "{stdout}"
    );
    let output = validate(&empty_cache, &[&photo], &["--format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json[0]["unchecked_codes"]["urn:ietf:bcp:13"], 1, "{json}");
}

#[test]
fn packages_list_and_install_errors() {
    let Some(cache) = r4_cache() else {
        return;
    };
    let output = assure()
        .args(["packages", "list", "--cache"])
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        text(&output.stdout)
            .lines()
            .any(|l| l == "hl7.fhir.r4.examples#4.0.1")
    );

    let output = assure()
        .args(["packages", "install", "hl7.fhir.r4.core@4.0.1", "--cache"])
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("FHIR_PACKAGE_REGISTRY"));

    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), b"not a tarball").unwrap();
    let output = assure()
        .args(["packages", "import"])
        .arg(bad.path())
        .arg("--cache")
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
}

// ----- the conforms assertion ---------------------------------------------------------------

/// Serves `good` at `/fhir/Patient/good`, its broken copy at `/fhir/Patient/bad`, and a
/// searchset Bundle of both at `/fhir/Patient`.
async fn serve(good: Value) -> String {
    let fhir = |body: Value| {
        (
            [(header::CONTENT_TYPE, "application/fhir+json")],
            body.to_string(),
        )
    };
    let bad = broken_patient(&good);
    let bundle = json!({"resourceType": "Bundle", "type": "searchset", "entry": [
        {"fullUrl": "http://example.org/fhir/Patient/example", "resource": good, "search": {"mode": "match"}},
        {"fullUrl": "http://example.org/fhir/Patient/broken", "resource": bad, "search": {"mode": "match"}},
    ]});
    let router = Router::new()
        .route(
            "/fhir/Patient/good",
            get({
                let body = fhir(good);
                move || async move { body }
            }),
        )
        .route(
            "/fhir/Patient/bad",
            get({
                let body = fhir(bad);
                move || async move { body }
            }),
        )
        .route(
            "/fhir/Patient",
            get({
                let body = fhir(bundle);
                move || async move { body }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}/fhir")
}

const CONFORMS_SUITE: &str = r#"
id: conformance
title: Conformance
tests:
  - id: GOOD
    title: a valid Patient conforms
    level: SHALL
    steps:
      - read: { type: Patient, id: good }
        expect:
          - conforms: {}
          - conforms: { profile: "{{ patient_profile }}" }
  - id: BAD
    title: a broken Patient does not
    level: SHALL
    steps:
      - read: { type: Patient, id: bad }
        expect:
          - conforms: {}
  - id: BUNDLE
    title: every entry of a searchset must conform
    level: SHALL
    steps:
      - search: { type: Patient }
        expect:
          - conforms: { profile: "{{ patient_profile }}" }
variables:
  patient_profile: http://hl7.org/fhir/StructureDefinition/Patient
"#;

async fn run_conforms_suite(base: &str, sources: DefinitionSources) -> RunResult {
    let suites = load_str("conformance.yaml", CONFORMS_SUITE, &IndexMap::new()).unwrap();
    let plan = plan(&suites, &Filter::default()).unwrap();
    let client = Client::new(
        base,
        ClientOptions {
            timeout: std::time::Duration::from_secs(30),
            retries: 0,
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let target = TargetInfo {
        base_url: base.into(),
        embedded: false,
        insecure: false,
        fhir_version: None,
        software: None,
        clock: None,
    };
    let mut config = RunConfig::new(client, target);
    config.validation = Arc::new(Validation::new(sources));
    run(plan, config, Arc::new(|_: &RunEvent| {})).await
}

fn test_result<'r>(result: &'r RunResult, id: &str) -> &'r TestResult {
    result.suites[0].tests.iter().find(|t| t.id == id).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conforms_passes_on_a_valid_resource_and_fails_on_an_invalid_one() {
    let (Some(cache), Some(good)) = (r4_cache(), example_patient()) else {
        return;
    };
    let base = serve(good).await;
    let sources = DefinitionSources {
        cache_dir: Some(cache),
        ..DefinitionSources::default()
    };
    let result = run_conforms_suite(&base, sources).await;

    let good = test_result(&result, "GOOD");
    assert_eq!(good.status, Status::Pass, "{good:#?}");

    let bad = test_result(&result, "BAD");
    assert_eq!(bad.status, Status::Fail, "{bad:#?}");
    let actual = &bad.steps[0].assertions[0].actual;
    assert!(actual.starts_with("2 errors"), "{actual}");
    assert!(
        actual
            .lines()
            .any(|l| l.contains("error") && l.contains("Patient.gender")),
        "{actual}"
    );
    let message = bad.message.as_deref().unwrap();
    assert!(
        message.contains("body does not conform (2 errors)"),
        "{message}"
    );

    let bundle = test_result(&result, "BUNDLE");
    assert_eq!(bundle.status, Status::Fail, "{bundle:#?}");
    let actual = &bundle.steps[0].assertions[0].actual;
    assert!(
        actual.contains("Bundle.entry[1].resource.gender"),
        "{actual}"
    );
    assert!(!actual.contains("Bundle.entry[0]"), "{actual}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conforms_without_definitions_is_a_harness_error_not_a_failure() {
    let Some(good) = example_patient() else {
        return;
    };
    let base = serve(good).await;
    let empty = tempfile::tempdir().unwrap();
    let sources = DefinitionSources {
        packages: vec![],
        cache_dir: Some(empty.path().to_owned()),
        builtin: false,
    };
    let result = run_conforms_suite(&base, sources).await;
    for test in &result.suites[0].tests {
        assert_eq!(test.status, Status::Error, "{test:#?}");
        let message = test.message.as_deref().unwrap();
        assert!(
            message.contains("assure packages install hl7.fhir.r4.core@4.0.1"),
            "{message}"
        );
    }
}

#[test]
fn conforms_assertions_load_and_reject_unknown_keys() {
    let suites = load_str("conformance.yaml", CONFORMS_SUITE, &IndexMap::new()).unwrap();
    let expect = &suites[0].tests[0].steps[0].expect;
    assert_eq!(expect[0], Assertion::Conforms(ConformsTo::default()));
    assert_eq!(
        expect[1],
        Assertion::Conforms(ConformsTo {
            profile: Some("{{ patient_profile }}".into()),
            ..ConformsTo::default()
        })
    );
    for (broken, problem) in [
        ("conforms: { profil: x }", "unknown"),
        ("conforms: { profile: \"\" }", "profile"),
        (
            "conforms: true",
            "`{}` or `{ profile: <canonical URL>, options: {...} }`",
        ),
        ("conforms: { profile: \"{{ nope }}\" }", "nope"),
    ] {
        let text = CONFORMS_SUITE.replace("conforms: {}", broken);
        let error = load_str("conformance.yaml", &text, &IndexMap::new())
            .unwrap_err()
            .to_string();
        assert!(error.contains(problem), "{broken}: {error}");
        assert!(error.contains("conformance.yaml:11:"), "{broken}: {error}");
    }
}

// ----- installing from a registry -----------------------------------------------------------

/// A one-package npm-style registry serving `tarball` as `name@version`, with its sha512
/// integrity. Returns the registry's base URL.
async fn registry(name: &'static str, version: &'static str, tarball: Vec<u8>) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha512};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let integrity = format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&tarball))
    );
    let metadata = json!({
        "name": name,
        "dist-tags": {"latest": version},
        "versions": {version: {"dist": {
            "tarball": format!("{base}/{name}/-/{name}-{version}.tgz"),
            "integrity": integrity,
        }}},
    })
    .to_string();
    let router = Router::new()
        .route(&format!("/{name}"), get(move || async move { metadata }))
        .route(
            &format!("/{name}/-/{name}-{version}.tgz"),
            get(move || async move { tarball }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_installed_guide_profile_is_applied() {
    let Some(r4_cache) = r4_cache() else {
        return;
    };
    let ips = Path::new(SHARED_PACKAGES).join("hl7.fhir.uv.ips-2.0.0.tgz");
    let registry = registry("hl7.fhir.uv.ips", "2.0.0", std::fs::read(&ips).unwrap()).await;
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        let install = assure()
            .args(["packages", "install", "hl7.fhir.uv.ips@2.0.0", "--cache"])
            .arg(&cache_dir)
            .env("FHIR_PACKAGE_REGISTRY", &registry)
            .output()
            .unwrap();
        assert_eq!(install.status.code(), Some(0), "{}", text(&install.stderr));
        assert!(text(&install.stdout).starts_with("installed hl7.fhir.uv.ips#2.0.0"));

        let file = write(
            &cache_dir,
            "p.json",
            r#"{"resourceType":"Patient","name":[{"family":"Chalmers"}]}"#,
        );
        assure()
            .arg("validate")
            .arg(&file)
            .args(["--package", "hl7.fhir.uv.ips@2.0.0", "--package-dir"])
            .arg(&cache_dir)
            .args([
                "--package",
                &format!("{}", r4_cache.join("hl7.fhir.r4.examples#4.0.1").display()),
            ])
            .args([
                "--profile",
                "http://hl7.org/fhir/uv/ips/StructureDefinition/Patient-uv-ips",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("error") && l.contains("birthDate")),
        "{stdout}"
    );
    assert!(
        text(&output.stderr)
            .contains("warning: dependency hl7.terminology.r4#6.5.0 is not in the package cache"),
        "{}",
        text(&output.stderr)
    );
}
