//! References to resources outside the validated document: `conforms` resolves them to
//! resources the server returned in the test's earlier steps, and `assure validate` to the
//! other files it is given, so their target profiles are checked; a reference that cannot be
//! resolved is checked by the type it names only.

use std::sync::Arc;
use std::time::Duration;

use assure::http::{Client, ClientOptions};
use assure::results::{RunResult, Status, TargetInfo};
use assure::runner::{EventSink, Filter, RunConfig, RunEvent, plan, run};
use assure::suite::{
    Action, Assertion, ConformsTo, Level, StatusMatch, Step, Suite, SuiteSource, TestCase,
};
use assure::validation::{DefinitionSources, PackageSpec, Validation};
use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use indexmap::IndexMap;
use serde_json::{Value, json};

const SUBJECT_PROFILE: &str = "http://example.org/fhir/StructureDefinition/obs-subject";

fn fhir_json(body: Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/fhir+json")],
        body.to_string(),
    )
        .into_response()
}

/// Patients `good` (with a gender) and `bad` (without); Observations about each.
async fn serve() -> String {
    let app = Router::new()
        .route(
            "/fhir/metadata",
            get(|| async {
                fhir_json(json!({"resourceType": "CapabilityStatement", "fhirVersion": "4.0.1"}))
            }),
        )
        .route(
            "/fhir/Patient/{id}",
            get(|Path(id): Path<String>| async move {
                let mut patient = json!({"resourceType": "Patient", "id": id});
                if id == "good" {
                    patient["gender"] = json!("female");
                }
                fhir_json(patient)
            }),
        )
        .route(
            "/fhir/Observation/{id}",
            get(|Path(id): Path<String>| async move {
                fhir_json(
                    json!({"resourceType": "Observation", "id": id, "status": "final",
                    "code": {"text": "Body weight"},
                    "subject": {"reference": format!("Patient/{id}")}}),
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/fhir")
}

/// An unpacked package with a Patient profile requiring a gender and an Observation profile
/// whose subject must conform to it.
fn package(dir: &std::path::Path) {
    let folder = dir.join("package");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("package.json"),
        json!({"name": "example.references", "version": "1.0.0",
            "fhirVersions": ["4.0.1"], "dependencies": {"hl7.fhir.r4.core": "4.0.1"}})
        .to_string(),
    )
    .unwrap();
    let profiles = [
        json!({"resourceType": "StructureDefinition", "id": "gendered-patient",
            "url": "http://example.org/fhir/StructureDefinition/gendered-patient",
            "name": "GenderedPatient", "status": "active", "kind": "resource",
            "abstract": false, "type": "Patient", "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
            "differential": {"element": [
                {"id": "Patient.gender", "path": "Patient.gender", "min": 1}]}}),
        json!({"resourceType": "StructureDefinition", "id": "obs-subject",
            "url": SUBJECT_PROFILE, "name": "ObsSubject", "status": "active",
            "kind": "resource", "abstract": false, "type": "Observation",
            "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
            "differential": {"element": [
                {"id": "Observation.subject", "path": "Observation.subject",
                 "type": [{"code": "Reference", "targetProfile":
                    ["http://example.org/fhir/StructureDefinition/gendered-patient"]}]}]}}),
    ];
    for profile in profiles {
        let name = format!(
            "StructureDefinition-{}.json",
            profile["id"].as_str().unwrap()
        );
        std::fs::write(folder.join(name), profile.to_string()).unwrap();
    }
}

fn read(path: &str, expect: Vec<Assertion>) -> Step {
    Step {
        name: None,
        action: Action::Request {
            method: "GET".into(),
            path: path.into(),
            body: None,
        },
        headers: IndexMap::new(),
        expect,
        capture: IndexMap::new(),
        for_each: None,
        setup: false,
        skip_unless: None,
        auth: Default::default(),
    }
}

fn ok() -> Assertion {
    Assertion::Status(StatusMatch {
        codes: vec![200],
        ranges: vec![],
    })
}

fn conforms() -> Assertion {
    Assertion::Conforms(ConformsTo {
        profile: Some(SUBJECT_PROFILE.into()),
        ..ConformsTo::default()
    })
}

fn test_case(id: &str, steps: Vec<Step>) -> TestCase {
    TestCase {
        id: id.into(),
        title: id.into(),
        level: Level::Shall,
        tags: vec![],
        requirement: None,
        description: None,
        needs: vec![],
        steps,
    }
}

struct Quiet;

impl EventSink for Quiet {
    fn emit(&self, _event: &RunEvent) {}
}

async fn run_tests(tests: Vec<TestCase>, packages: &std::path::Path) -> RunResult {
    let base_url = serve().await;
    let suite = Suite {
        id: "references".into(),
        title: "References".into(),
        fhir_version: "4.0.1".into(),
        description: None,
        variables: IndexMap::new(),
        data: Vec::new(),
        tests,
        generate: Default::default(),
        source: SuiteSource::default(),
    };
    let client = Client::new(
        &base_url,
        ClientOptions {
            timeout: Duration::from_secs(5),
            retries: 0,
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let target = TargetInfo {
        base_url: base_url.clone(),
        embedded: false,
        insecure: false,
        fhir_version: None,
        software: None,
        clock: None,
    };
    let mut config = RunConfig::new(client, target);
    config.validation = Arc::new(Validation::new(DefinitionSources {
        packages: vec![PackageSpec::Path(packages.to_owned())],
        cache_dir: Some(packages.join("no-cache")),
        builtin: true,
    }));
    let plan = plan(&[suite], &Filter::default()).unwrap();
    run(plan, config, Arc::new(Quiet)).await
}

#[tokio::test]
async fn target_profiles_are_checked_on_resources_read_earlier_in_the_test() {
    let packages = tempfile::tempdir().unwrap();
    package(packages.path());
    let result = run_tests(
        vec![
            test_case(
                "good-subject",
                vec![
                    read("Patient/good", vec![ok()]),
                    read("Observation/good", vec![ok(), conforms()]),
                ],
            ),
            test_case(
                "bad-subject",
                vec![
                    read("Patient/bad", vec![ok()]),
                    read("Observation/bad", vec![ok(), conforms()]),
                ],
            ),
            // Without the Patient read first, only the type named in the reference is known.
            test_case(
                "unread-subject",
                vec![read("Observation/bad", vec![ok(), conforms()])],
            ),
        ],
        packages.path(),
    )
    .await;
    let status = |id: &str| {
        let test = result
            .suites
            .iter()
            .flat_map(|s| &s.tests)
            .find(|t| t.id == id)
            .unwrap();
        (test.status, test.message.clone().unwrap_or_default())
    };
    assert_eq!(
        status("good-subject").0,
        Status::Pass,
        "{:?}",
        status("good-subject")
    );
    let (bad, message) = status("bad-subject");
    assert_eq!(bad, Status::Fail);
    assert!(
        message.contains("does not conform to any of its target profiles"),
        "{message}"
    );
    assert_eq!(
        status("unread-subject").0,
        Status::Pass,
        "{:?}",
        status("unread-subject")
    );
}

#[test]
fn validate_resolves_references_between_the_files_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    package(dir.path());
    let write = |name: &str, body: Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, body.to_string()).unwrap();
        path
    };
    let observation = write(
        "observation.json",
        json!({"resourceType": "Observation", "status": "final", "code": {"text": "x"},
            "subject": {"reference": "Patient/p1"}}),
    );
    let patient = write(
        "patient.json",
        json!({"resourceType": "Patient", "id": "p1"}),
    );
    let validate = |files: &[&std::path::Path]| {
        assert_cmd::Command::cargo_bin("assure")
            .unwrap()
            .arg("validate")
            .args(files)
            .arg("--package")
            .arg(dir.path())
            .arg("--package-dir")
            .arg(dir.path().join("no-cache"))
            .arg("--profile")
            .arg(SUBJECT_PROFILE)
            .output()
            .unwrap()
    };
    let alone = validate(&[&observation]);
    assert_eq!(alone.status.code(), Some(0), "{alone:?}");
    let together = validate(&[&observation, &patient]);
    let stdout = String::from_utf8_lossy(&together.stdout);
    assert_eq!(together.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("observation.json")
            && stdout.contains("does not conform to any of its target profiles"),
        "{stdout}"
    );
}
