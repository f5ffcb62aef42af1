//! The reference server over real HTTP: every interaction, every error, every defect, and the
//! validity of the shipped fixtures.

use std::collections::BTreeSet;
use std::path::PathBuf;

use assure_reference::{Defect, Fixtures, RunningServer, SOFTWARE_NAME, ServerOptions, start};
use assure_validate::nhs::check_nhs_number;
use reqwest::header::{ACCEPT, CONTENT_TYPE, ETAG, HeaderMap, IF_MATCH, LAST_MODIFIED, LOCATION};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";
const NHS_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
const ODS_SYSTEM: &str = "https://fhir.nhs.uk/Id/ods-organization-code";
const UKCORE: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-";

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("body is not JSON ({error}): {:?}", self.body))
    }

    fn header(&self, name: reqwest::header::HeaderName) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    fn assert_outcome(&self, status: StatusCode) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.header(CONTENT_TYPE), Some(FHIR_JSON));
        let outcome = self.json();
        assert_eq!(outcome["resourceType"], "OperationOutcome", "{outcome}");
        assert_eq!(outcome["issue"][0]["severity"], "error");
    }
}

struct Harness {
    server: RunningServer,
    client: Client,
}

impl Harness {
    async fn start(defects: &[Defect]) -> Self {
        let server = start(ServerOptions {
            defects: defects.to_vec(),
            ..ServerOptions::default()
        })
        .await
        .expect("server starts");
        Self {
            server,
            client: Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Reply {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            self.url(path)
        };
        let mut request = self.client.request(method, url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("request succeeds");
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body reads"),
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, &[], None).await
    }

    async fn write(&self, method: Method, path: &str, resource: &Value) -> Reply {
        self.send(
            method,
            path,
            &[("content-type", "application/fhir+json")],
            Some(resource.to_string()),
        )
        .await
    }

    async fn search_ids(&self, query: &str) -> Vec<String> {
        let reply = self.get(query).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
        entry_ids(&reply.json())
    }
}

fn entry_ids(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| entry["resource"]["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    ids.sort();
    ids
}

fn link<'a>(bundle: &'a Value, relation: &str) -> Option<&'a str> {
    bundle["link"]
        .as_array()?
        .iter()
        .find(|link| link["relation"] == relation)?["url"]
        .as_str()
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn new_patient(family: &str) -> Value {
    json!({
        "resourceType": "Patient",
        "name": [{"family": family, "given": ["Test"]}],
        "gender": "unknown",
        "birthDate": "2020-02-29"
    })
}

// ---- fixtures ----

#[test]
fn fixture_files_are_valid_resources_named_by_folder_and_id() {
    let mut count = 0;
    for folder in std::fs::read_dir(fixtures_dir()).unwrap() {
        let folder = folder.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        let type_name = folder.file_name().unwrap().to_str().unwrap().to_owned();
        if !type_name.starts_with(|c: char| c.is_ascii_uppercase()) {
            // Lower-case folders hold other data (fixtures/README.md); the server ignores them.
            continue;
        }
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            let id = file.file_stem().unwrap().to_str().unwrap();
            assert_eq!(file.extension().unwrap(), "json", "{}", file.display());
            let resource: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            assert_eq!(
                resource["resourceType"],
                type_name.as_str(),
                "{}",
                file.display()
            );
            assert_eq!(resource["id"], id, "{}", file.display());
            assert_eq!(resource["meta"]["versionId"], "1", "{}", file.display());
            let updated = resource["meta"]["lastUpdated"].as_str().unwrap();
            assert!(
                time::OffsetDateTime::parse(
                    updated,
                    &time::format_description::well_known::Rfc3339
                )
                .is_ok(),
                "{}",
                file.display()
            );
            count += 1;
        }
    }
    assert_eq!(
        count,
        Fixtures::from_dir(&fixtures_dir())
            .unwrap()
            .resources()
            .len()
    );
}

#[test]
fn embedded_fixtures_match_the_fixtures_folder() {
    assert_eq!(
        Fixtures::embedded().unwrap(),
        Fixtures::from_dir(&fixtures_dir()).unwrap(),
        "rebuild after editing fixtures/ (touch harness/src/reference/fixtures.rs)"
    );
}

#[test]
fn fixture_facts_the_checklist_relies_on() {
    let fixtures = Fixtures::embedded().unwrap();
    let of_type = |name: &str| -> Vec<&Value> {
        fixtures
            .resources()
            .iter()
            .filter(|resource| resource["resourceType"] == name)
            .collect()
    };
    let patients = of_type("Patient");
    assert!(patients.len() >= 6);
    let mut nhs_numbers = BTreeSet::new();
    for patient in &patients {
        let identifier = &patient["identifier"][0];
        assert_eq!(identifier["system"], NHS_SYSTEM);
        let number = identifier["value"].as_str().unwrap();
        // Numbers starting 999 are reserved for testing and never issued.
        assert!(number.starts_with("999"), "{number}");
        assert_eq!(check_nhs_number(number), Ok(()), "{number}");
        assert!(nhs_numbers.insert(number));
        assert!(patient["address"][0]["postalCode"].is_string());
    }
    let shares = |a: &Value, b: &Value, element: &str| {
        a["id"] != b["id"] && a.pointer(element) == b.pointer(element)
    };
    assert!(patients.iter().any(|a| {
        patients
            .iter()
            .any(|b| shares(a, b, "/name/0/family") && a["gender"] != b["gender"])
    }));
    assert!(
        patients
            .iter()
            .any(|a| patients.iter().any(|b| shares(a, b, "/birthDate")))
    );
    for organization in of_type("Organization") {
        assert_eq!(organization["identifier"][0]["system"], ODS_SYSTEM);
    }
    for resource in fixtures.resources() {
        assert_eq!(
            resource["meta"]["profile"],
            json!([format!(
                "{UKCORE}{}",
                resource["resourceType"].as_str().unwrap()
            )]),
            "{}",
            resource["id"]
        );
    }
    for name in [
        "Practitioner",
        "Observation",
        "Condition",
        "AllergyIntolerance",
        "MedicationRequest",
        "Encounter",
    ] {
        assert!(!of_type(name).is_empty(), "no {name} fixtures");
    }
}

#[test]
fn fixture_references_resolve() {
    let fixtures = Fixtures::embedded().unwrap();
    let known: BTreeSet<String> = fixtures
        .resources()
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["resourceType"].as_str().unwrap(),
                r["id"].as_str().unwrap()
            )
        })
        .collect();
    fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(fields) => {
                if let Some(Value::String(reference)) = fields.get("reference") {
                    found.push(reference);
                }
                fields.values().for_each(|v| references(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for resource in fixtures.resources() {
        references(resource, &mut found);
    }
    assert!(found.len() > 20);
    for reference in found {
        assert!(known.contains(reference), "dangling reference {reference}");
    }
}

#[tokio::test]
async fn a_fixtures_directory_replaces_the_embedded_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("Patient")).unwrap();
    std::fs::write(
        dir.path().join("Patient/solo.json"),
        json!({"resourceType": "Patient", "id": "solo"}).to_string(),
    )
    .unwrap();
    std::fs::write(dir.path().join("README.md"), "ignored").unwrap();
    let server = start(ServerOptions {
        fixtures_dir: Some(dir.path().to_owned()),
        ..ServerOptions::default()
    })
    .await
    .unwrap();
    let harness = Harness {
        server,
        client: Client::new(),
    };
    assert_eq!(harness.search_ids("/Patient").await, ["solo"]);
    let read = harness.get("/Patient/solo").await;
    assert_eq!(read.json()["meta"]["versionId"], "1");

    std::fs::write(dir.path().join("Patient/solo.json"), "{not json").unwrap();
    let error = start(ServerOptions {
        fixtures_dir: Some(dir.path().to_owned()),
        ..ServerOptions::default()
    })
    .await
    .unwrap_err();
    assert!(
        format!("{error:#}").contains("Patient/solo.json"),
        "{error:#}"
    );
}

// ---- interactions ----

#[tokio::test]
async fn metadata_is_a_truthful_capability_statement() {
    let harness = Harness::start(&[]).await;
    let reply = harness.get("/metadata").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(CONTENT_TYPE), Some(FHIR_JSON));
    let statement = reply.json();
    assert_eq!(statement["resourceType"], "CapabilityStatement");
    assert_eq!(statement["status"], "active");
    assert_eq!(statement["kind"], "instance");
    assert_eq!(statement["fhirVersion"], "4.0.1");
    assert_eq!(
        statement["format"],
        json!(["application/fhir+json", "json"])
    );
    assert_eq!(statement["software"]["name"], SOFTWARE_NAME);
    assert_eq!(statement["software"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        statement["implementation"]["url"],
        harness.server.base_url()
    );
    let rest = &statement["rest"][0];
    assert_eq!(rest["mode"], "server");
    let resources = rest["resource"].as_array().unwrap();
    assert_eq!(resources.len(), 8);
    for resource in resources {
        let type_name = resource["type"].as_str().unwrap();
        let search = harness.get(&format!("/{type_name}")).await;
        assert_eq!(search.status, StatusCode::OK, "{type_name}");
        assert!(search.json()["total"].as_u64().unwrap() > 0, "{type_name}");
        let codes: Vec<&str> = resource["interaction"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"read") && codes.contains(&"search-type"));
        assert!(!resource["searchParam"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn read_returns_the_resource_with_version_headers() {
    let harness = Harness::start(&[]).await;
    let reply = harness.get("/Patient/amelia-jones").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(CONTENT_TYPE), Some(FHIR_JSON));
    assert_eq!(reply.header(ETAG), Some("W/\"1\""));
    assert_eq!(
        reply.header(LAST_MODIFIED),
        Some("Thu, 01 Feb 2024 08:15:00 GMT")
    );
    let patient = reply.json();
    assert_eq!(patient["id"], "amelia-jones");
    assert_eq!(patient["meta"]["versionId"], "1");
    assert_eq!(patient["identifier"][0]["value"], "9990000018");
}

#[tokio::test]
async fn unknown_ids_types_and_routes_are_404_with_outcome() {
    let harness = Harness::start(&[]).await;
    for path in [
        "/Patient/nobody",
        "/Spaceship/1",
        "/Spaceship",
        "/Patient/amelia-jones/_history/9",
        "/Patient/amelia-jones/_history/x",
    ] {
        harness
            .get(path)
            .await
            .assert_outcome(StatusCode::NOT_FOUND);
    }
    harness
        .get("/Patient/%FF%FE")
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
    let root = harness
        .get(&format!(
            "http://{}/nothing-here",
            harness.server.local_addr()
        ))
        .await;
    root.assert_outcome(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unsupported_methods_are_405_with_outcome() {
    let harness = Harness::start(&[]).await;
    for (method, path) in [
        (Method::PATCH, "/Patient/amelia-jones"),
        (Method::DELETE, "/Patient"),
        (Method::PUT, "/Patient"),
        (Method::POST, "/metadata"),
        (Method::GET, "/Patient/_search"),
    ] {
        harness
            .send(method.clone(), path, &[], None)
            .await
            .assert_outcome(StatusCode::METHOD_NOT_ALLOWED);
    }
}

#[tokio::test]
async fn create_returns_201_location_etag_and_the_resource() {
    let harness = Harness::start(&[]).await;
    let mut patient = new_patient("Created");
    patient["id"] = json!("ignored-client-id");
    let reply = harness.write(Method::POST, "/Patient", &patient).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.header(ETAG), Some("W/\"1\""));
    assert!(reply.header(LAST_MODIFIED).unwrap().ends_with(" GMT"));
    let created = reply.json();
    let id = created["id"].as_str().unwrap();
    assert_ne!(id, "ignored-client-id");
    assert_eq!(created["meta"]["versionId"], "1");
    let location = reply.header(LOCATION).unwrap();
    assert_eq!(location, harness.url(&format!("/Patient/{id}/_history/1")));
    let read_back = harness.get(location).await;
    assert_eq!(read_back.status, StatusCode::OK);
    assert_eq!(read_back.json(), created);
}

#[tokio::test]
async fn create_refuses_bad_bodies() {
    let harness = Harness::start(&[]).await;
    let json_type = [("content-type", "application/fhir+json")];
    for body in [
        "{\"resourceType\":",
        "[]",
        "{\"resourceType\":\"Observation\"}",
        "{}",
    ] {
        harness
            .send(Method::POST, "/Patient", &json_type, Some(body.to_owned()))
            .await
            .assert_outcome(StatusCode::BAD_REQUEST);
    }
    harness
        .send(
            Method::POST,
            "/Patient",
            &[("content-type", "application/fhir+xml")],
            Some("<Patient xmlns=\"http://hl7.org/fhir\"/>".to_owned()),
        )
        .await
        .assert_outcome(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    harness
        .write(
            Method::POST,
            "/Spaceship",
            &json!({"resourceType": "Spaceship"}),
        )
        .await
        .assert_outcome(StatusCode::NOT_FOUND);
    let huge = format!(
        "{{\"resourceType\":\"Patient\",\"text\":\"{}\"}}",
        "x".repeat(5 << 20)
    );
    harness
        .send(Method::POST, "/Patient", &json_type, Some(huge))
        .await
        .assert_outcome(StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn update_bumps_the_version_and_keeps_history() {
    let harness = Harness::start(&[]).await;
    let mut patient = harness.get("/Patient/gareth-jones").await.json();
    patient["telecom"][0]["value"] = json!("07700 900999");
    let reply = harness
        .write(Method::PUT, "/Patient/gareth-jones", &patient)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header(ETAG), Some("W/\"2\""));
    assert_eq!(reply.json()["meta"]["versionId"], "2");

    let current = harness.get("/Patient/gareth-jones").await.json();
    assert_eq!(current["telecom"][0]["value"], "07700 900999");
    let first = harness.get("/Patient/gareth-jones/_history/1").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.json()["telecom"][0]["value"], "07700 900102");
    assert_eq!(first.header(ETAG), Some("W/\"1\""));

    let history = harness.get("/Patient/gareth-jones/_history").await.json();
    assert_eq!(history["type"], "history");
    assert_eq!(history["total"], 2);
    let versions: Vec<&str> = history["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["resource"]["meta"]["versionId"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["2", "1"]);
    assert_eq!(history["entry"][0]["request"]["method"], "PUT");
    assert_eq!(history["entry"][0]["response"]["etag"], "W/\"2\"");
    assert_eq!(
        history["entry"][0]["fullUrl"],
        harness.url("/Patient/gareth-jones")
    );

    let type_history = harness.get("/Patient/_history").await.json();
    assert_eq!(type_history["type"], "history");
    assert_eq!(type_history["total"], 9);
    assert_eq!(type_history["entry"][0]["resource"]["id"], "gareth-jones");

    let stale = harness
        .send(
            Method::PUT,
            "/Patient/gareth-jones",
            &[
                ("content-type", "application/fhir+json"),
                (IF_MATCH.as_str(), "W/\"1\""),
            ],
            Some(patient.to_string()),
        )
        .await;
    stale.assert_outcome(StatusCode::PRECONDITION_FAILED);
    let fresh = harness
        .send(
            Method::PUT,
            "/Patient/gareth-jones",
            &[
                ("content-type", "application/fhir+json"),
                (IF_MATCH.as_str(), "W/\"2\""),
            ],
            Some(patient.to_string()),
        )
        .await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(fresh.header(ETAG), Some("W/\"3\""));
}

#[tokio::test]
async fn update_with_a_new_client_id_creates() {
    let harness = Harness::start(&[]).await;
    let mut patient = new_patient("Chosen");
    patient["id"] = json!("client-chosen-1");
    let reply = harness
        .write(Method::PUT, "/Patient/client-chosen-1", &patient)
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(
        reply.header(LOCATION),
        Some(harness.url("/Patient/client-chosen-1/_history/1").as_str())
    );
    assert_eq!(reply.json()["meta"]["versionId"], "1");
}

#[tokio::test]
async fn update_refuses_mismatches() {
    let harness = Harness::start(&[]).await;
    let mut patient = new_patient("Mismatch");
    patient["id"] = json!("someone-else");
    harness
        .write(Method::PUT, "/Patient/amelia-jones", &patient)
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
    harness
        .write(Method::PUT, "/Patient/amelia-jones", &new_patient("NoId"))
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
    let mut observation = harness.get("/Observation/obs-amelia-bmi").await.json();
    observation["id"] = json!("amelia-jones");
    harness
        .write(Method::PUT, "/Patient/amelia-jones", &observation)
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
    harness
        .send(
            Method::PUT,
            "/Patient/amelia-jones",
            &[("content-type", "text/plain")],
            Some("hello".to_owned()),
        )
        .await
        .assert_outcome(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mut bad_id = new_patient("BadId");
    bad_id["id"] = json!("has_underscore");
    harness
        .write(Method::PUT, "/Patient/has_underscore", &bad_id)
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn delete_makes_reads_gone() {
    let harness = Harness::start(&[]).await;
    let reply = harness
        .send(Method::DELETE, "/Patient/sam-taylor", &[], None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    harness
        .get("/Patient/sam-taylor")
        .await
        .assert_outcome(StatusCode::GONE);
    harness
        .get("/Patient/sam-taylor/_history/2")
        .await
        .assert_outcome(StatusCode::GONE);
    assert_eq!(
        harness.get("/Patient/sam-taylor/_history/1").await.status,
        StatusCode::OK
    );
    let history = harness.get("/Patient/sam-taylor/_history").await.json();
    assert_eq!(history["entry"][0]["request"]["method"], "DELETE");
    assert!(history["entry"][0].get("resource").is_none());
    assert!(
        !harness
            .search_ids("/Patient")
            .await
            .contains(&"sam-taylor".to_owned())
    );
    let again = harness
        .send(Method::DELETE, "/Patient/sam-taylor", &[], None)
        .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    harness
        .send(Method::DELETE, "/Patient/nobody", &[], None)
        .await
        .assert_outcome(StatusCode::NOT_FOUND);
}

// ---- search ----

#[tokio::test]
async fn search_bundle_shape() {
    let harness = Harness::start(&[]).await;
    let reply = harness.get("/Patient?gender=male").await;
    assert_eq!(reply.header(CONTENT_TYPE), Some(FHIR_JSON));
    let bundle = reply.json();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], 3);
    for entry in bundle["entry"].as_array().unwrap() {
        let id = entry["resource"]["id"].as_str().unwrap();
        assert_eq!(entry["fullUrl"], harness.url(&format!("/Patient/{id}")));
        assert_eq!(entry["search"]["mode"], "match");
        assert_eq!(entry["resource"]["gender"], "male");
    }
    assert_eq!(
        link(&bundle, "self"),
        Some(harness.url("/Patient?gender=male&_count=50").as_str())
    );
}

#[tokio::test]
async fn searches_follow_creates_updates_and_deletes() {
    let harness = Harness::start(&[]).await;
    let created = harness
        .write(Method::POST, "/Patient", &new_patient("Ångström"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let mut patient = created.json();
    let id = patient["id"].as_str().unwrap().to_owned();
    assert_eq!(
        harness.search_ids("/Patient?family=ANGST").await,
        [id.as_str()]
    );
    assert_eq!(
        harness
            .search_ids(&format!("/Patient?_id={id},amelia-jones&gender=unknown"))
            .await,
        [id.as_str()]
    );
    let observation = json!({
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "index check"},
        "subject": {"reference": format!("Patient/{id}")}
    });
    let observed = harness
        .write(Method::POST, "/Observation", &observation)
        .await;
    let observation_id = observed.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        harness
            .search_ids(&format!("/Observation?patient={id}"))
            .await,
        [observation_id.as_str()]
    );

    patient["name"][0]["family"] = json!("Nakamura");
    let updated = harness
        .write(Method::PUT, &format!("/Patient/{id}"), &patient)
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert!(harness.search_ids("/Patient?family=angst").await.is_empty());
    assert_eq!(
        harness.search_ids("/Patient?family:exact=Nakamura").await,
        [id.as_str()]
    );
    assert_eq!(
        harness.search_ids("/Observation?patient.family=naka").await,
        [observation_id.as_str()]
    );
    let revincluded = harness
        .get(&format!(
            "/Patient?_id={id}&_revinclude=Observation:patient"
        ))
        .await
        .json();
    assert_eq!(
        ids_by_mode(&revincluded, "include"),
        [observation_id.as_str()]
    );

    let deleted = harness
        .send(Method::DELETE, &format!("/Patient/{id}"), &[], None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(harness.search_ids("/Patient?family=naka").await.is_empty());
    assert!(
        harness
            .search_ids(&format!("/Patient?_id={id}"))
            .await
            .is_empty()
    );
    let first = harness
        .get(&format!("/Patient/{id}/_history/1"))
        .await
        .json();
    assert_eq!(first["name"][0]["family"], "Ångström");
}

#[tokio::test]
async fn search_parameters_select_the_right_resources() {
    let harness = Harness::start(&[]).await;
    let cases: &[(&str, &[&str])] = &[
        (
            "/Patient?gender=male",
            &["gareth-jones", "mohammed-khan", "oliver-smith"],
        ),
        ("/Patient?gender=other", &["sam-taylor"]),
        ("/Patient?family=jones", &["amelia-jones", "gareth-jones"]),
        ("/Patient?family=JON&gender=female", &["amelia-jones"]),
        ("/Patient?family=lefevre", &["chloe-lefevre"]),
        ("/Patient?family:exact=Lef%C3%A8vre", &["chloe-lefevre"]),
        ("/Patient?family:exact=Lefevre", &[]),
        ("/Patient?family:contains=donal", &["eilidh-macdonald"]),
        ("/Patient?given=chloe", &["chloe-lefevre"]),
        ("/Patient?given=rose", &["amelia-jones"]),
        ("/Patient?name=smi", &["oliver-smith"]),
        (
            "/Patient?name=patel,khan",
            &["mohammed-khan", "priya-patel"],
        ),
        (
            "/Patient?birthdate=1990-07-21",
            &["oliver-smith", "priya-patel"],
        ),
        ("/Patient?birthdate=1990", &["oliver-smith", "priya-patel"]),
        (
            "/Patient?birthdate=eq1990-07",
            &["oliver-smith", "priya-patel"],
        ),
        (
            "/Patient?birthdate=ge2001-01-30",
            &["chloe-lefevre", "sam-taylor"],
        ),
        ("/Patient?birthdate=gt2001-01-30", &["sam-taylor"]),
        (
            "/Patient?birthdate=lt1960",
            &["eilidh-macdonald", "gareth-jones"],
        ),
        (
            "/Patient?birthdate=le1956-11-02",
            &["eilidh-macdonald", "gareth-jones"],
        ),
        (
            "/Patient?birthdate=ge1970&birthdate=lt1990",
            &["amelia-jones", "mohammed-khan"],
        ),
        (
            "/Patient?birthdate=ne1990-07-21",
            &[
                "amelia-jones",
                "chloe-lefevre",
                "eilidh-macdonald",
                "gareth-jones",
                "mohammed-khan",
                "sam-taylor",
            ],
        ),
        (
            "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000042",
            &["oliver-smith"],
        ),
        ("/Patient?identifier=9990000042", &["oliver-smith"]),
        (
            "/Patient?identifier=https://example.org/other|9990000042",
            &[],
        ),
        (
            "/Patient?_id=priya-patel,sam-taylor",
            &["priya-patel", "sam-taylor"],
        ),
        (
            "/Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|Y90001",
            &["riverside-medical-centre"],
        ),
        ("/Organization?name=northgate", &["northgate-hospital"]),
        ("/Practitioner?family=evans", &["sarah-evans"]),
        (
            "/Observation?patient=Patient/amelia-jones",
            &["obs-amelia-bmi", "obs-amelia-height", "obs-amelia-weight"],
        ),
        (
            "/Observation?subject=amelia-jones",
            &["obs-amelia-bmi", "obs-amelia-height", "obs-amelia-weight"],
        ),
        (
            "/Observation?subject:Patient=gareth-jones&code=http://snomed.info/sct|364075005",
            &["obs-gareth-heart-rate"],
        ),
        ("/Observation?date=2024-04-02", &["obs-oliver-temperature"]),
        (
            "/Condition?patient=mohammed-khan",
            &["cond-mohammed-diabetes"],
        ),
        (
            "/AllergyIntolerance?patient=chloe-lefevre",
            &["allergy-chloe-peanut"],
        ),
        (
            "/MedicationRequest?subject=Patient/priya-patel",
            &["medreq-priya-salbutamol"],
        ),
        (
            "/Encounter?patient=oliver-smith",
            &["enc-oliver-2024-04-02"],
        ),
        ("/Patient?colour=blue&gender=other", &["sam-taylor"]),
    ];
    for (query, expected) in cases {
        assert_eq!(harness.search_ids(query).await, sorted(expected), "{query}");
    }
}

#[tokio::test]
async fn unknown_parameters_are_left_out_of_the_self_link() {
    let harness = Harness::start(&[]).await;
    let bundle = harness
        .get("/Patient?colour=blue&family=jones")
        .await
        .json();
    assert_eq!(
        link(&bundle, "self"),
        Some(harness.url("/Patient?family=jones&_count=50").as_str())
    );
    let strict = harness
        .send(
            Method::GET,
            "/Patient?colour=blue",
            &[("prefer", "handling=strict")],
            None,
        )
        .await;
    strict.assert_outcome(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_search_values_are_400_with_outcome() {
    let harness = Harness::start(&[]).await;
    for query in [
        "/Patient?birthdate=1990-13-01",
        "/Patient?birthdate=yesterday",
        "/Patient?birthdate=xx1990",
        "/Patient?gender:exact=male",
        "/Patient?_count=many",
        "/Patient?_count=-2",
    ] {
        harness
            .get(query)
            .await
            .assert_outcome(StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn paging_with_count_walks_every_result_once() {
    let harness = Harness::start(&[]).await;
    let first = harness.get("/Patient?_count=2").await.json();
    assert_eq!(first["total"], 8);
    assert_eq!(first["entry"].as_array().unwrap().len(), 2);
    assert!(link(&first, "previous").is_none());
    let mut seen = entry_ids(&first);
    let mut next = link(&first, "next").map(str::to_owned);
    let mut previous_of_last = None;
    while let Some(url) = next {
        let page = harness.get(&url).await;
        assert_eq!(page.status, StatusCode::OK, "{url}");
        let page = page.json();
        assert_eq!(link(&page, "self"), Some(url.as_str()));
        seen.extend(entry_ids(&page));
        previous_of_last = link(&page, "previous").map(str::to_owned);
        next = link(&page, "next").map(str::to_owned);
        assert!(seen.len() <= 8, "paging does not end");
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (8, 8));
    let previous = harness.get(&previous_of_last.unwrap()).await.json();
    assert_eq!(entry_ids(&previous), seen[4..6]);

    let capped = harness.get("/Observation?_count=1000").await.json();
    assert_eq!(
        link(&capped, "self"),
        Some(harness.url("/Observation?_count=100").as_str())
    );
    let summary = harness.get("/Patient?_count=0").await.json();
    assert_eq!(summary["total"], 8);
    assert!(summary.get("entry").is_none());
}

#[tokio::test]
async fn post_search_reads_the_form_body() {
    let harness = Harness::start(&[]).await;
    let reply = harness
        .send(
            Method::POST,
            "/Patient/_search?_count=10",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some("gender=female&family=jon%2Cpat".to_owned()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(entry_ids(&reply.json()), ["amelia-jones", "priya-patel"]);
    harness
        .send(
            Method::POST,
            "/Patient/_search",
            &[("content-type", "application/fhir+json")],
            Some("{}".to_owned()),
        )
        .await
        .assert_outcome(StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

// ---- content negotiation ----

#[tokio::test]
async fn json_is_negotiated_and_xml_refused() {
    let harness = Harness::start(&[]).await;
    for accept in [
        "*/*",
        "application/json",
        "application/fhir+json",
        "application/fhir+json;fhirVersion=4.0",
    ] {
        let reply = harness
            .send(
                Method::GET,
                "/Patient/amelia-jones",
                &[(ACCEPT.as_str(), accept)],
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{accept}");
        assert_eq!(reply.header(CONTENT_TYPE), Some(FHIR_JSON));
    }
    for format in ["json", "application/json", "application/fhir%2Bjson"] {
        let reply = harness
            .get(&format!("/Patient/amelia-jones?_format={format}"))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{format}");
    }
    harness
        .send(
            Method::GET,
            "/metadata",
            &[(ACCEPT.as_str(), "application/fhir+xml")],
            None,
        )
        .await
        .assert_outcome(StatusCode::NOT_ACCEPTABLE);
    for format in ["xml", "application/fhir%2Bxml"] {
        harness
            .get(&format!("/Patient?_format={format}"))
            .await
            .assert_outcome(StatusCode::NOT_ACCEPTABLE);
    }
}

// ---- server life ----

#[tokio::test]
async fn concurrent_creates_get_distinct_ids() {
    let harness = Harness::start(&[]).await;
    let creates = (0..20).map(|n| {
        let harness = &harness;
        async move {
            let reply = harness
                .write(
                    Method::POST,
                    "/Patient",
                    &new_patient(&format!("Parallel{n}")),
                )
                .await;
            assert_eq!(reply.status, StatusCode::CREATED);
            reply.json()["id"].as_str().unwrap().to_owned()
        }
    });
    let ids: BTreeSet<String> = futures::future::join_all(creates)
        .await
        .into_iter()
        .collect();
    assert_eq!(ids.len(), 20);
    let bundle = harness.get("/Patient?_count=0").await.json();
    assert_eq!(bundle["total"], 28);
}

#[tokio::test]
async fn every_start_is_fresh_and_shutdown_stops_serving() {
    let harness = Harness::start(&[]).await;
    let reply = harness
        .send(Method::DELETE, "/Patient/amelia-jones", &[], None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let url = harness.url("/metadata");
    harness.server.shutdown().await.unwrap();
    assert!(harness.client.get(&url).send().await.is_err());

    let fresh = Harness::start(&[]).await;
    assert!(fresh.server.base_url().starts_with("http://127.0.0.1:"));
    assert!(fresh.server.base_url().ends_with("/fhir"));
    assert_eq!(
        fresh.get("/Patient/amelia-jones").await.status,
        StatusCode::OK
    );
}

// ---- defects ----

#[tokio::test]
async fn defect_wrong_content_type() {
    let harness = Harness::start(&[Defect::WrongContentType]).await;
    for path in [
        "/metadata",
        "/Patient/amelia-jones",
        "/Patient?gender=male",
        "/Patient/nobody",
    ] {
        assert_eq!(
            harness.get(path).await.header(CONTENT_TYPE),
            Some("text/plain"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn defect_missing_bundle_type() {
    let harness = Harness::start(&[Defect::MissingBundleType]).await;
    for path in [
        "/Patient?gender=male",
        "/Patient/_history",
        "/Patient/amelia-jones/_history",
    ] {
        let bundle = harness.get(path).await.json();
        assert_eq!(bundle["resourceType"], "Bundle");
        assert!(bundle.get("type").is_none(), "{path}");
        assert!(bundle["total"].as_u64().unwrap() > 0);
    }
}

#[tokio::test]
async fn defect_bare_404() {
    let harness = Harness::start(&[Defect::Bare404]).await;
    for path in [
        "/Patient/nobody",
        "/Spaceship",
        "/Patient/amelia-jones/_history/7",
    ] {
        let reply = harness.get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert!(reply.body.is_empty(), "{path}: {}", reply.body);
    }
    harness
        .get("/Patient?birthdate=bad")
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn defect_search_ignores_gender() {
    let harness = Harness::start(&[Defect::SearchIgnoresGender]).await;
    let bundle = harness.get("/Patient?gender=male").await.json();
    assert_eq!(bundle["total"], 8);
    assert!(
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["resource"]["gender"] != "male")
    );
    assert_eq!(
        harness.search_ids("/Patient?family=jones").await,
        ["amelia-jones", "gareth-jones"]
    );
}

#[tokio::test]
async fn defect_capability_lies() {
    let harness = Harness::start(&[Defect::CapabilityLies]).await;
    let statement = harness.get("/metadata").await.json();
    let immunization = statement["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .find(|resource| resource["type"] == "Immunization")
        .expect("Immunization advertised");
    let codes: Vec<&str> = immunization["interaction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["read", "search-type"]);
    harness
        .get("/Immunization")
        .await
        .assert_outcome(StatusCode::NOT_FOUND);
    harness
        .get("/Immunization/any")
        .await
        .assert_outcome(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn defect_no_location_on_create() {
    let harness = Harness::start(&[Defect::NoLocationOnCreate]).await;
    let reply = harness
        .write(Method::POST, "/Patient", &new_patient("Nowhere"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert!(reply.header(LOCATION).is_none());
    assert_eq!(reply.header(ETAG), Some("W/\"1\""));
}

#[tokio::test]
async fn defect_update_keeps_version() {
    let harness = Harness::start(&[Defect::UpdateKeepsVersion]).await;
    let mut patient = harness.get("/Patient/priya-patel").await.json();
    patient["gender"] = json!("unknown");
    let reply = harness
        .write(Method::PUT, "/Patient/priya-patel", &patient)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["meta"]["versionId"], "1");
    assert_eq!(
        harness.get("/Patient/priya-patel").await.json()["gender"],
        "unknown"
    );
    let history = harness.get("/Patient/priya-patel/_history").await.json();
    assert_eq!(history["total"], 1);
}

#[tokio::test]
async fn defect_delete_not_effective() {
    let harness = Harness::start(&[Defect::DeleteNotEffective]).await;
    let reply = harness
        .send(Method::DELETE, "/Patient/oliver-smith", &[], None)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(
        harness.get("/Patient/oliver-smith").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn defect_no_next_link() {
    let harness = Harness::start(&[Defect::NoNextLink]).await;
    let bundle = harness.get("/Patient?_count=2").await.json();
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 2);
    assert_eq!(bundle["total"], 8);
    assert!(link(&bundle, "next").is_none());
    assert!(link(&bundle, "self").is_some());
}

#[tokio::test]
async fn defect_ignores_format() {
    let harness = Harness::start(&[Defect::IgnoresFormat]).await;
    let reply = harness.get("/Patient/amelia-jones?_format=xml").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["id"], "amelia-jones");
}

#[tokio::test]
async fn defect_nonconformant_patients() {
    let harness = Harness::start(&[Defect::NonconformantPatients]).await;
    let patient = harness.get("/Patient/amelia-jones").await.json();
    assert_eq!(patient["nickname"], "Nonconformant");
    let practitioner = harness.get("/Practitioner/emma-wilson").await.json();
    assert!(practitioner.get("nickname").is_none());
}

#[tokio::test]
async fn profile_search_matches_uris_exactly_below_and_above() {
    let harness = Harness::start(&[]).await;
    let patient = format!("{UKCORE}Patient");
    let all = harness.search_ids("/Patient?_count=20").await;
    assert_eq!(all.len(), 8);
    let bundle = harness
        .get(&format!("/Patient?_profile={patient}&_count=20"))
        .await
        .json();
    assert_eq!(entry_ids(&bundle), all);
    assert!(link(&bundle, "self").unwrap().contains("_profile="));
    for (query, found) in [
        (
            "_profile:below=https://fhir.hl7.org.uk/StructureDefinition/".to_owned(),
            true,
        ),
        ("_profile:below=https://fhir.hl7.org.uk".to_owned(), true),
        (format!("_profile:below={UKCORE}"), false),
        (format!("_profile:above={patient}/assure-child"), true),
        (format!("_profile:above={patient}-Child"), false),
        (
            format!("_profile={patient}&_profile:below=https://fhir.hl7.org.uk/"),
            true,
        ),
        (
            "_profile=http://hl7.org/fhir/StructureDefinition/Patient".to_owned(),
            false,
        ),
        (format!("_profile={UKCORE}Practitioner"), false),
        ("_profile:missing=false".to_owned(), true),
        ("_profile:missing=true".to_owned(), false),
    ] {
        let ids = harness
            .search_ids(&format!("/Patient?{query}&_count=20"))
            .await;
        assert_eq!(ids == all, found, "{query}: {ids:?}");
        assert!(found || ids.is_empty(), "{query}: {ids:?}");
    }
    let sorted_by_profile = harness
        .search_ids("/Observation?_sort=-_profile&_count=20")
        .await;
    assert_eq!(sorted_by_profile.len(), 8);
    harness
        .get("/Patient?_profile:exact=x")
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn capability_statement_claims_ukcore_profiles() {
    let harness = Harness::start(&[]).await;
    let statement = harness.get("/metadata").await.json();
    for resource in statement["rest"][0]["resource"].as_array().unwrap() {
        let type_name = resource["type"].as_str().unwrap();
        assert_eq!(
            resource["supportedProfile"],
            json!([format!("{UKCORE}{type_name}")])
        );
        let ids = harness
            .search_ids(&format!(
                "/{type_name}?_profile={UKCORE}{type_name}&_count=20"
            ))
            .await;
        assert!(!ids.is_empty(), "{type_name}");
    }
}

#[tokio::test]
async fn defect_ukcore_no_instances() {
    let harness = Harness::start(&[Defect::UkcoreNoInstances]).await;
    let statement = harness.get("/metadata").await.json();
    let practitioner = statement["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .find(|resource| resource["type"] == "Practitioner")
        .unwrap();
    assert_eq!(
        practitioner["supportedProfile"],
        json!([format!("{UKCORE}Practitioner")])
    );
    let query = format!("/Practitioner?_profile={UKCORE}Practitioner");
    assert!(harness.search_ids(&query).await.is_empty());
    let read = harness.get("/Practitioner/emma-wilson").await.json();
    assert!(read["meta"].get("profile").is_none());
    assert_eq!(harness.search_ids("/Practitioner").await.len(), 3);
}

#[tokio::test]
async fn defect_ukcore_claims_unserved_profile() {
    let harness = Harness::start(&[Defect::UkcoreClaimsUnservedProfile]).await;
    let statement = harness.get("/metadata").await.json();
    let lab = format!("{UKCORE}Observation-Lab");
    let observation = statement["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .find(|resource| resource["type"] == "Observation")
        .unwrap();
    assert_eq!(
        observation["supportedProfile"],
        json!([format!("{UKCORE}Observation"), lab])
    );
    assert!(
        harness
            .search_ids(&format!("/Observation?_profile={lab}"))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn defect_ukcore_dangling_reference() {
    let harness = Harness::start(&[Defect::UkcoreDanglingReference]).await;
    let patient = harness.get("/Patient/eilidh-macdonald").await.json();
    let reference = patient["managingOrganization"]["reference"]
        .as_str()
        .unwrap();
    assert_eq!(reference, "Organization/no-such-org");
    harness
        .get(&format!("/{reference}"))
        .await
        .assert_outcome(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn defects_ukcore_patient_data() {
    let harness = Harness::start(&[
        Defect::UkcoreNhsNumberCheckDigit,
        Defect::UkcoreMustSupportMissing,
        Defect::UkcoreProfileNotMet,
    ])
    .await;
    let patients = harness.get("/Patient?_count=20").await.json();
    let mut invalid = Vec::new();
    for entry in patients["entry"].as_array().unwrap() {
        let patient = &entry["resource"];
        assert!(patient.get("telecom").is_none(), "{}", patient["id"]);
        let numbers: Vec<&str> = patient["identifier"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|identifier| identifier["system"] == NHS_SYSTEM)
            .map(|identifier| identifier["value"].as_str().unwrap())
            .collect();
        let expected_numbers = if patient["id"] == "sam-taylor" { 2 } else { 1 };
        assert_eq!(numbers.len(), expected_numbers, "{}", patient["id"]);
        invalid.extend(
            numbers
                .iter()
                .filter(|number| check_nhs_number(number).is_err())
                .map(|_| patient["id"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(invalid, ["priya-patel"]);
    assert_eq!(
        harness
            .search_ids("/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9990000018")
            .await,
        ["amelia-jones"]
    );
}

#[tokio::test]
async fn defects_change_nothing_else() {
    let harness = Harness::start(Defect::all()).await;
    let reply = harness.get("/Patient/amelia-jones").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["id"], "amelia-jones");
    for defect in Defect::all() {
        assert_eq!(defect.name().parse::<Defect>().unwrap(), *defect);
    }
}

// ---- search semantics (R4 search.html) ----

/// Ids of the entries with `search.mode` `mode`, in Bundle order.
fn ids_by_mode(bundle: &Value, mode: &str) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .filter(|entry| entry["search"]["mode"] == mode)
                .map(|entry| entry["resource"]["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn assert_cases(harness: &Harness, cases: &[(&str, &[&str])]) {
    for (query, expected) in cases {
        assert_eq!(harness.search_ids(query).await, sorted(expected), "{query}");
    }
}

#[tokio::test]
async fn string_search_is_starts_with_over_every_name_part_ignoring_case_and_accents() {
    let harness = Harness::start(&[]).await;
    assert_cases(
        &harness,
        &[
            // eilidh-macdonald's first name entry is her maiden name; the official one is second.
            ("/Patient?family=macdonald", &["eilidh-macdonald"]),
            ("/Patient?family=stewart", &["eilidh-macdonald"]),
            ("/Patient?name=STEW", &["eilidh-macdonald"]),
            ("/Patient?name:exact=Stewart", &["eilidh-macdonald"]),
            ("/Patient?family:exact=MacDonald", &["eilidh-macdonald"]),
            ("/Patient?family:exact=macdonald", &[]),
            ("/Patient?family:exact=MacDon", &[]),
            ("/Patient?given=CHLO%C3%89", &["chloe-lefevre"]),
            ("/Patient?name=lef%C3%A8", &["chloe-lefevre"]),
            ("/Patient?family=LEF%C3%88VRE", &["chloe-lefevre"]),
            ("/Patient?family:contains=EVR", &["chloe-lefevre"]),
            ("/Patient?family=evre", &[]),
            ("/Patient?address-postalcode=ls1", &["oliver-smith"]),
            (
                "/Patient?address-postalcode:exact=LS1%206HD",
                &["oliver-smith"],
            ),
            ("/Patient?address-postalcode:exact=ls1%206hd", &[]),
            ("/Patient?name=mrs", &["amelia-jones", "eilidh-macdonald"]),
            ("/Practitioner?name=evans", &["sarah-evans"]),
            ("/Practitioner?family=kum", &["rajesh-kumar"]),
            ("/Organization?name=harbour", &["harbour-view-surgery"]),
        ],
    )
    .await;
}

#[tokio::test]
async fn token_search_forms_and_modifiers() {
    let harness = Harness::start(&[]).await;
    let all_patients: &[&str] = &[
        "amelia-jones",
        "chloe-lefevre",
        "eilidh-macdonald",
        "gareth-jones",
        "mohammed-khan",
        "oliver-smith",
        "priya-patel",
        "sam-taylor",
    ];
    let vital_signs: &[&str] = &[
        "obs-amelia-bmi",
        "obs-amelia-height",
        "obs-amelia-weight",
        "obs-eilidh-blood-pressure",
        "obs-gareth-heart-rate",
        "obs-gareth-systolic",
        "obs-oliver-temperature",
    ];
    assert_cases(
        &harness,
        &[
            ("/Patient?identifier=%7C9990000018", &[]),
            ("/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C", all_patients),
            (
                "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9990000018,9990000026",
                &["amelia-jones", "gareth-jones"],
            ),
            (
                "/Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203%7CNH%7C9990000018",
                &[],
            ),
            (
                "/Patient?gender:not=female",
                &["gareth-jones", "mohammed-khan", "oliver-smith", "sam-taylor"],
            ),
            ("/Patient?telecom=07700%20900101", &["amelia-jones"]),
            ("/Patient?telecom=phone%7C07700%20900101", &["amelia-jones"]),
            ("/Patient?telecom=email%7C07700%20900101", &[]),
            (
                "/Practitioner?identifier=https://fhir.hl7.org.uk/Id/gmc-number%7C",
                &["rajesh-kumar", "sarah-evans"],
            ),
            (
                "/Observation?code:text=body",
                &["obs-amelia-bmi", "obs-amelia-height", "obs-amelia-weight", "obs-oliver-temperature"],
            ),
            ("/Observation?code:text=haemoglobin", &["obs-mohammed-hba1c"]),
            ("/Observation?category=laboratory", &["obs-mohammed-hba1c"]),
            (
                "/Observation?category=http://terminology.hl7.org/CodeSystem/observation-category%7Cvital-signs",
                vital_signs,
            ),
            ("/Observation?status=preliminary", &["obs-mohammed-hba1c"]),
            ("/Observation?status:not=final", &["obs-mohammed-hba1c"]),
            ("/Condition?clinical-status=resolved", &["cond-oliver-ankle-sprain"]),
            ("/Condition?code=http://snomed.info/sct%7C44465007", &["cond-oliver-ankle-sprain"]),
            ("/AllergyIntolerance?code=91935009", &["allergy-chloe-peanut"]),
            (
                "/AllergyIntolerance?clinical-status=active",
                &["allergy-amelia-penicillin", "allergy-chloe-peanut", "allergy-sam-latex"],
            ),
            ("/MedicationRequest?code=http://snomed.info/sct%7C109081006", &["medreq-mohammed-metformin"]),
            ("/MedicationRequest?intent=plan", &[]),
            (
                "/MedicationRequest?intent=order&status=active&patient=priya-patel",
                &["medreq-priya-salbutamol"],
            ),
            (
                "/Encounter?class=http://terminology.hl7.org/CodeSystem/v3-ActCode%7CAMB&status=finished",
                &["enc-amelia-2024-03-04", "enc-gareth-2024-03-11", "enc-oliver-2024-04-02"],
            ),
            ("/Encounter?class=IMP", &[]),
            ("/Organization?_id=northgate-hospital", &["northgate-hospital"]),
        ],
    )
    .await;
}

#[tokio::test]
async fn date_search_compares_ranges_by_precision_zone_and_prefix() {
    let harness = Harness::start(&[]).await;
    assert_cases(
        &harness,
        &[
            ("/Patient?birthdate=ap1984-03-10", &["amelia-jones"]),
            (
                "/Patient?birthdate=sa2001-01-29",
                &["chloe-lefevre", "sam-taylor"],
            ),
            (
                "/Patient?birthdate=eb1956-11-03",
                &["eilidh-macdonald", "gareth-jones"],
            ),
            ("/Patient?birthdate=le1948-09-15", &["eilidh-macdonald"]),
            (
                "/Patient?birthdate=lt1950,gt2005",
                &["eilidh-macdonald", "sam-taylor"],
            ),
            // Encounter.period: 09:10-09:25Z, 14:00-14:20Z on 03-11, 10:00-10:45Z on 04-02.
            ("/Encounter?date=2024-03-04", &["enc-amelia-2024-03-04"]),
            (
                "/Encounter?date=ge2024-03-11",
                &["enc-gareth-2024-03-11", "enc-oliver-2024-04-02"],
            ),
            ("/Encounter?date=2024-03-11T14:10:00Z", &[]),
            (
                "/Encounter?date=sa2024-03-11T14:10:00Z",
                &["enc-oliver-2024-04-02"],
            ),
            (
                "/Encounter?date=eb2024-03-11T14:10:00Z",
                &["enc-amelia-2024-03-04"],
            ),
            (
                "/Encounter?date=gt2024-03-11T14:10:00Z",
                &["enc-gareth-2024-03-11", "enc-oliver-2024-04-02"],
            ),
            (
                "/Encounter?date=lt2024-03-11T14:10:00Z",
                &["enc-amelia-2024-03-04", "enc-gareth-2024-03-11"],
            ),
            ("/Encounter?date=2024-04-02T10:00:00Z", &[]),
            // 11:05 at +01:00 is 10:05 UTC.
            (
                "/Observation?date=2024-04-02T10:05:00Z",
                &["obs-oliver-temperature"],
            ),
            (
                "/Observation?date=2024-04-02T11:05:00%2B01:00",
                &["obs-oliver-temperature"],
            ),
            ("/Observation?date=2024-04-02T11:05:00Z", &[]),
            ("/Observation?date=2024-02-19", &["obs-mohammed-hba1c"]),
            ("/Observation?date=2024-02-19T08:15:00Z", &[]),
            (
                "/Observation?date=gt2024-02-19T08:15:00Z&date=lt2024-02-20",
                &["obs-mohammed-hba1c"],
            ),
            (
                "/Condition?onset-date=2015-06-01",
                &["cond-amelia-migraine", "cond-gareth-hypertension"],
            ),
            ("/Condition?onset-date=2023-05", &[]),
            ("/Condition?onset-date=2023", &["cond-oliver-ankle-sprain"]),
            (
                "/Condition?onset-date=ge2023-06-01",
                &["cond-oliver-ankle-sprain"],
            ),
            (
                "/MedicationRequest?authoredon=lt2024-03",
                &["medreq-mohammed-metformin", "medreq-priya-salbutamol"],
            ),
            (
                "/Observation?_lastUpdated=lt2024-03",
                &["obs-mohammed-hba1c"],
            ),
            (
                "/Organization?_lastUpdated=2024-01-10T09:00:00Z",
                &[
                    "harbour-view-surgery",
                    "northgate-hospital",
                    "riverside-medical-centre",
                ],
            ),
            ("/Organization?_lastUpdated=gt2024-01-10T09:00:00Z", &[]),
        ],
    )
    .await;
    let mut born = new_patient("Eighty");
    born["birthDate"] = json!("1980-05");
    let created = harness.write(Method::POST, "/Patient", &born).await.json();
    let id = created["id"].as_str().unwrap();
    let has = |ids: &[String]| ids.iter().any(|found| found == id);
    // A 1980-05 birth date is a month-long range: not after 1980, but within it.
    for (query, expected) in [
        ("gt1980", false),
        ("ge1980", true),
        ("eq1980", true),
        ("gt1980-04", true),
        ("eq1980-05-10", false),
        ("ne1980-05-10", true),
        ("sa1979", true),
        ("lt1980-05-10", true),
        ("eb1980-05-10", false),
        ("ap1980-05", true),
    ] {
        let ids = harness
            .search_ids(&format!("/Patient?birthdate={query}"))
            .await;
        assert_eq!(has(&ids), expected, "birthdate={query}");
    }
    let missing = harness
        .search_ids("/Patient?general-practitioner:missing=true")
        .await;
    assert_eq!(missing, [id]);
}

#[tokio::test]
async fn reference_search_by_id_type_url_modifier_and_chain() {
    let harness = Harness::start(&[]).await;
    let gareth_obs: &[&str] = &["obs-gareth-heart-rate", "obs-gareth-systolic"];
    let absolute = format!(
        "/Observation?subject={}",
        harness.url("/Patient/gareth-jones")
    );
    assert_eq!(harness.search_ids(&absolute).await, sorted(gareth_obs));
    assert_cases(
        &harness,
        &[
            ("/Observation?patient=Patient/mohammed-khan", &["obs-mohammed-hba1c"]),
            ("/Observation?subject:Patient=oliver-smith", &["obs-oliver-temperature"]),
            ("/Observation?subject:Group=oliver-smith", &[]),
            ("/Observation?patient=Group/oliver-smith", &[]),
            (
                "/Patient?general-practitioner=Organization/northgate-hospital",
                &["eilidh-macdonald", "oliver-smith", "priya-patel"],
            ),
            (
                "/Patient?general-practitioner:Organization=harbour-view-surgery",
                &["chloe-lefevre", "mohammed-khan", "sam-taylor"],
            ),
            ("/Patient?general-practitioner:Practitioner=harbour-view-surgery", &[]),
            ("/Observation?patient:identifier=9990000026", &[]),
            (
                "/Observation?subject:Patient.identifier=https://fhir.nhs.uk/Id/nhs-number%7C9990000026",
                gareth_obs,
            ),
            (
                "/Observation?patient.name=jones",
                &[
                    "obs-amelia-bmi",
                    "obs-amelia-height",
                    "obs-amelia-weight",
                    "obs-gareth-heart-rate",
                    "obs-gareth-systolic",
                ],
            ),
            (
                "/Condition?patient.birthdate=lt1960",
                &["cond-eilidh-hypothyroidism", "cond-gareth-hypertension"],
            ),
            (
                "/Patient?general-practitioner.name=riverside",
                &["amelia-jones", "gareth-jones"],
            ),
            (
                "/Patient?general-practitioner:Organization.identifier=https://fhir.nhs.uk/Id/ods-organization-code%7CRZZ",
                &["eilidh-macdonald", "oliver-smith", "priya-patel"],
            ),
            ("/Observation?patient.family:exact=jones", &[]),
        ],
    )
    .await;
}

#[tokio::test]
async fn quantity_search_with_prefixes_precision_and_units() {
    let harness = Harness::start(&[]).await;
    assert_cases(
        &harness,
        &[
            ("/Observation?value-quantity=68.5", &["obs-amelia-weight"]),
            (
                "/Observation?value-quantity=68.5%7Chttp://unitsofmeasure.org%7Ckg",
                &["obs-amelia-weight"],
            ),
            (
                "/Observation?value-quantity=68.5%7Chttp://unitsofmeasure.org%7Cg",
                &[],
            ),
            (
                "/Observation?value-quantity=gt100",
                &["obs-amelia-height", "obs-gareth-systolic"],
            ),
            (
                "/Observation?value-quantity=lt30%7C%7Ckg/m2",
                &["obs-amelia-bmi"],
            ),
            (
                "/Observation?value-quantity=148%7Chttp://unitsofmeasure.org%7Cmm%5BHg%5D",
                &["obs-gareth-systolic"],
            ),
            (
                "/Observation?value-quantity=ap70",
                &["obs-amelia-weight", "obs-gareth-heart-rate"],
            ),
            (
                "/Observation?value-quantity=38",
                &["obs-oliver-temperature"],
            ),
            ("/Observation?value-quantity=38.0", &[]),
            (
                "/Observation?value-quantity=le53,ge165&category=laboratory",
                &["obs-mohammed-hba1c"],
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn get_and_post_search_find_the_same_resources() {
    let harness = Harness::start(&[]).await;
    for query in [
        "family=jones&gender=female",
        "birthdate=ge1990&birthdate=lt2005",
        "general-practitioner.name=northgate",
        "identifier=https://fhir.nhs.uk/Id/nhs-number%7C9990000069",
        "_sort=-birthdate&_count=3",
    ] {
        let get = harness.get(&format!("/Patient?{query}")).await.json();
        let post = harness
            .send(
                Method::POST,
                "/Patient/_search",
                &[("content-type", "application/x-www-form-urlencoded")],
                Some(query.to_owned()),
            )
            .await;
        assert_eq!(post.status, StatusCode::OK, "{query}: {}", post.body);
        let post = post.json();
        assert_eq!(entry_ids(&get), entry_ids(&post), "{query}");
        assert_eq!(get["total"], post["total"], "{query}");
        assert_eq!(link(&get, "self"), link(&post, "self"), "{query}");
    }
}

#[tokio::test]
async fn sort_orders_by_parameter_values_in_both_directions() {
    let harness = Harness::start(&[]).await;
    assert_eq!(
        harness
            .search_ids("/Patient?gender=female&_sort=birthdate")
            .await,
        [
            "eilidh-macdonald",
            "amelia-jones",
            "priya-patel",
            "chloe-lefevre"
        ]
    );
    assert_eq!(
        harness
            .search_ids("/Patient?gender=female&_sort=-birthdate")
            .await,
        [
            "chloe-lefevre",
            "priya-patel",
            "amelia-jones",
            "eilidh-macdonald"
        ]
    );
    assert_eq!(
        harness.search_ids("/Patient?_sort=gender,-birthdate").await,
        [
            "chloe-lefevre",
            "priya-patel",
            "amelia-jones",
            "eilidh-macdonald",
            "oliver-smith",
            "mohammed-khan",
            "gareth-jones",
            "sam-taylor"
        ]
    );
    assert_eq!(
        harness
            .search_ids("/Observation?patient=amelia-jones&_sort=-value-quantity")
            .await,
        ["obs-amelia-height", "obs-amelia-weight", "obs-amelia-bmi"]
    );
    assert_eq!(
        harness.search_ids("/Practitioner?_sort=family").await,
        ["sarah-evans", "rajesh-kumar", "emma-wilson"]
    );
    let paged = harness
        .get("/Patient?_sort=birthdate&_count=3")
        .await
        .json();
    assert_eq!(
        entry_ids(&paged),
        ["eilidh-macdonald", "gareth-jones", "mohammed-khan"]
    );
    assert!(link(&paged, "next").unwrap().contains("_sort=birthdate"));
}

#[tokio::test]
async fn include_and_revinclude_add_referenced_resources_once() {
    let harness = Harness::start(&[]).await;
    let bundle = harness
        .get("/Observation?patient=gareth-jones&_include=Observation:patient")
        .await
        .json();
    assert_eq!(bundle["total"], 2);
    assert_eq!(
        ids_by_mode(&bundle, "match"),
        ["obs-gareth-heart-rate", "obs-gareth-systolic"]
    );
    assert_eq!(ids_by_mode(&bundle, "include"), ["gareth-jones"]);
    let included = bundle["entry"].as_array().unwrap().last().unwrap();
    assert_eq!(included["fullUrl"], harness.url("/Patient/gareth-jones"));
    assert!(
        link(&bundle, "self")
            .unwrap()
            .contains("_include=Observation%3Apatient")
    );

    let none = harness
        .get("/Observation?patient=gareth-jones&_include=Observation:subject:Group")
        .await
        .json();
    assert!(ids_by_mode(&none, "include").is_empty());

    let rev = harness
        .get("/Patient?_id=amelia-jones&_revinclude=Observation:patient&_revinclude=Condition:subject")
        .await
        .json();
    assert_eq!(ids_by_mode(&rev, "match"), ["amelia-jones"]);
    assert_eq!(
        sorted(
            &ids_by_mode(&rev, "include")
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        ),
        sorted(&[
            "cond-amelia-migraine",
            "obs-amelia-bmi",
            "obs-amelia-height",
            "obs-amelia-weight"
        ])
    );

    let iterate = harness
        .get("/Observation?_id=obs-oliver-temperature&_include=Observation:patient&_include:iterate=Patient:general-practitioner")
        .await
        .json();
    assert_eq!(
        ids_by_mode(&iterate, "include"),
        ["oliver-smith", "northgate-hospital"]
    );

    // Only the page's matches pull in includes.
    let paged = harness
        .get("/Observation?patient.name=jones&_sort=-_id&_count=1&_include=Observation:patient")
        .await
        .json();
    assert_eq!(ids_by_mode(&paged, "match"), ["obs-gareth-systolic"]);
    assert_eq!(ids_by_mode(&paged, "include"), ["gareth-jones"]);
}

#[tokio::test]
async fn summary_and_elements_cut_resources_down() {
    let harness = Harness::start(&[]).await;
    let count = harness
        .get("/Patient?gender=female&_summary=count")
        .await
        .json();
    assert_eq!(count["total"], 4);
    assert!(count.get("entry").is_none());
    assert!(link(&count, "self").unwrap().contains("_summary=count"));

    let elements = harness
        .get("/Patient?_id=amelia-jones&_elements=gender,birthDate")
        .await
        .json();
    let patient = &elements["entry"][0]["resource"];
    let keys: Vec<&str> = patient
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["resourceType", "id", "meta", "gender", "birthDate"]);
    assert_eq!(patient["meta"]["tag"][0]["code"], "SUBSETTED");

    let summary = harness
        .get("/Observation?_id=obs-amelia-weight&_summary=true")
        .await
        .json();
    let observation = &summary["entry"][0]["resource"];
    assert!(observation.get("category").is_none());
    assert!(observation.get("valueQuantity").is_some());
    assert_eq!(observation["meta"]["tag"][0]["code"], "SUBSETTED");

    let full = harness
        .get("/Observation?_id=obs-amelia-weight")
        .await
        .json();
    assert!(full["entry"][0]["resource"]["meta"].get("tag").is_none());
}

#[tokio::test]
async fn paging_a_filtered_search_reports_the_true_total_and_only_used_parameters() {
    let harness = Harness::start(&[]).await;
    let first = harness
        .get("/Patient?gender=female&colour=blue&_count=1")
        .await
        .json();
    assert_eq!(first["total"], 4);
    assert_eq!(
        link(&first, "self"),
        Some(harness.url("/Patient?gender=female&_count=1").as_str())
    );
    let mut seen = entry_ids(&first);
    let mut next = link(&first, "next").map(str::to_owned);
    while let Some(url) = next {
        assert!(!url.contains("colour"), "{url}");
        let page = harness.get(&url).await.json();
        assert_eq!(page["total"], 4);
        seen.extend(entry_ids(&page));
        next = link(&page, "next").map(str::to_owned);
        assert!(seen.len() <= 4);
    }
    assert_eq!(
        seen,
        [
            "amelia-jones",
            "chloe-lefevre",
            "eilidh-macdonald",
            "priya-patel"
        ]
    );
}

#[tokio::test]
async fn malformed_search_values_are_400_with_outcome_never_500() {
    let harness = Harness::start(&[]).await;
    for query in [
        "/Patient?birthdate=1990-02-30",
        "/Patient?birthdate=xx1990",
        "/Patient?birthdate=1990-07-21T25:00Z",
        "/Patient?_lastUpdated=yesterday",
        "/Patient?gender=a%7Cb%7Cc",
        "/Patient?identifier=%7C",
        "/Patient?identifier:of-type=NH%7C1",
        "/Patient?family:fuzzy=jones",
        "/Patient?gender:missing=maybe",
        "/Patient?general-practitioner:Patient=x",
        "/Patient?general-practitioner=Organization/",
        "/Patient?general-practitioner.name.family=x",
        "/Patient?family.name=x",
        "/Observation?value-quantity=heavy",
        "/Observation?value-quantity=5%7Ckg",
        "/Observation?value-quantity=zz5",
        "/Observation?patient:Organization=x",
        "/Observation?patient.colour=red",
        "/Patient?_sort=colour",
        "/Patient?_include=Observation:patient",
        "/Patient?_include=Patient:name",
        "/Patient?_include:recurse=Patient:general-practitioner",
        "/Patient?_summary=maybe",
        "/Patient?_summary=true&_elements=name",
        "/Patient?_elements=name,,gender",
        "/Patient?_count=ten",
    ] {
        let reply = harness.get(query).await;
        reply.assert_outcome(StatusCode::BAD_REQUEST);
        let diagnostics = reply.json()["issue"][0]["diagnostics"].to_string();
        assert!(!diagnostics.contains("panicked"), "{query}: {diagnostics}");
    }
}

#[tokio::test]
async fn strict_handling_refuses_what_lenient_handling_ignores() {
    let harness = Harness::start(&[]).await;
    for query in ["/Patient?colour=blue", "/Observation?_has:Patient:x=y"] {
        harness
            .send(Method::GET, query, &[("prefer", "handling=strict")], None)
            .await
            .assert_outcome(StatusCode::BAD_REQUEST);
        let lenient = harness.get(query).await;
        assert_eq!(lenient.status, StatusCode::OK, "{query}");
        let self_link = link(&lenient.json(), "self").unwrap().to_owned();
        assert!(self_link.ends_with("?_count=50"), "{self_link}");
    }
    let strict_known = harness
        .send(
            Method::GET,
            "/Patient?family=jones",
            &[("prefer", "return=representation; handling=strict")],
            None,
        )
        .await;
    assert_eq!(strict_known.status, StatusCode::OK);
}

/// The `fullUrl`s with the `etag`s of a history page's entries, as `Type/id W/"n"`.
fn history_entries(bundle: &Value, base: &str) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| {
                    let url = entry["fullUrl"].as_str().unwrap();
                    let etag = entry["response"]["etag"].as_str().unwrap();
                    format!("{} {etag}", url.strip_prefix(base).unwrap())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn history_pages_at_every_level_follow_count_offset_and_next() {
    let harness = Harness::start(&[]).await;
    let base = format!("{}/", harness.server.base_url());
    let mut patient = harness.get("/Patient/amelia-jones").await.json();
    for n in 0..24 {
        patient["gender"] = json!(if n % 2 == 0 { "other" } else { "female" });
        let reply = harness
            .write(Method::PUT, "/Patient/amelia-jones", &patient)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }

    // Instance: 25 versions, newest first, walked ten at a time by the next links.
    let mut walked = Vec::new();
    let mut next = Some(harness.url("/Patient/amelia-jones/_history?_count=10"));
    let mut pages = 0;
    while let Some(url) = next {
        let page = harness.get(&url).await.json();
        assert_eq!(page["total"], 25);
        let entries = history_entries(&page, &base);
        assert!(entries.len() <= 10);
        walked.extend(entries);
        next = link(&page, "next").map(str::to_owned);
        pages += 1;
    }
    let expected: Vec<String> = (1..=25)
        .rev()
        .map(|n| format!("Patient/amelia-jones W/\"{n}\""))
        .collect();
    assert_eq!((pages, walked), (3, expected));
    let capped = harness
        .get("/Patient/amelia-jones/_history?_count=500")
        .await
        .json();
    assert_eq!(history_entries(&capped, &base).len(), 25);
    let counted = harness
        .get("/Patient/amelia-jones/_history?_count=0")
        .await
        .json();
    assert_eq!(counted["total"], 25);
    assert!(counted.get("entry").is_none());

    // Type and system: any page is the same slice of the whole, newest first.
    for (endpoint, total) in [("/Patient/_history", 8 + 24), ("/_history", 0)] {
        let whole = harness.get(&format!("{endpoint}?_count=100")).await.json();
        let all = history_entries(&whole, &base);
        if total > 0 {
            assert_eq!(whole["total"], total);
        }
        assert_eq!(all.len(), whole["total"].as_u64().unwrap() as usize);
        assert_eq!(all[0], "Patient/amelia-jones W/\"25\"");
        let page = harness
            .get(&format!("{endpoint}?_count=4&_offset=2"))
            .await
            .json();
        assert_eq!(history_entries(&page, &base), all[2..6]);
        assert!(link(&page, "next").unwrap().ends_with("_count=4&_offset=6"));
    }
    let statement = harness.get("/metadata").await.json();
    let mut type_totals = 0;
    for resource in statement["rest"][0]["resource"].as_array().unwrap() {
        let resource_type = resource["type"].as_str().unwrap();
        let history = harness
            .get(&format!("/{resource_type}/_history"))
            .await
            .json();
        type_totals += history["total"].as_u64().unwrap();
    }
    assert_eq!(harness.get("/_history").await.json()["total"], type_totals);
    assert_eq!(
        statement["rest"][0]["interaction"],
        json!([{"code": "history-system"}])
    );
}

#[tokio::test]
async fn history_since_filters_and_refuses_garbage() {
    let harness = Harness::start(&[]).await;
    let all = harness.get("/Organization/_history").await.json();
    assert_eq!(all["total"], 3);
    let none = harness
        .get("/Organization/_history?_since=2024-01-10T09:00:01Z")
        .await
        .json();
    assert_eq!(none["total"], 0);
    let since = harness
        .get("/Organization/_history?_since=2024-01-10T09:00:00Z")
        .await
        .json();
    assert_eq!(since["total"], 3);
    assert!(link(&since, "self").unwrap().contains("_since="));
    for garbage in ["garbage", "2024-13-01", ""] {
        harness
            .get(&format!("/Patient/_history?_since={garbage}"))
            .await
            .assert_outcome(StatusCode::BAD_REQUEST);
    }
    harness
        .get("/Patient/amelia-jones/_history?_since=soon")
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
    harness
        .get("/_history?_since=garbage")
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn writes_without_content_type_are_415_with_outcome() {
    let harness = Harness::start(&[]).await;
    let body = new_patient("Untyped").to_string();
    harness
        .send(Method::POST, "/Patient", &[], Some(body.clone()))
        .await
        .assert_outcome(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mut patient = harness.get("/Patient/sam-taylor").await.json();
    patient["gender"] = json!("unknown");
    harness
        .send(
            Method::PUT,
            "/Patient/sam-taylor",
            &[],
            Some(patient.to_string()),
        )
        .await
        .assert_outcome(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        harness.get("/Patient/sam-taylor").await.json()["gender"],
        "other"
    );
}

#[tokio::test]
async fn capability_statement_claims_exactly_the_search_implemented() {
    let harness = Harness::start(&[]).await;
    let statement = harness.get("/metadata").await.json();
    let expected: &[(&str, &[&str])] = &[
        (
            "AllergyIntolerance",
            &[
                "_id",
                "_lastUpdated",
                "_profile",
                "clinical-status",
                "code",
                "patient",
            ],
        ),
        (
            "Condition",
            &[
                "_id",
                "_lastUpdated",
                "_profile",
                "clinical-status",
                "code",
                "onset-date",
                "patient",
                "subject",
            ],
        ),
        (
            "Encounter",
            &[
                "_id",
                "_lastUpdated",
                "_profile",
                "class",
                "date",
                "patient",
                "status",
                "subject",
            ],
        ),
        (
            "MedicationRequest",
            &[
                "_id",
                "_lastUpdated",
                "_profile",
                "authoredon",
                "code",
                "intent",
                "patient",
                "status",
                "subject",
            ],
        ),
        (
            "Observation",
            &[
                "_id",
                "_lastUpdated",
                "_profile",
                "category",
                "code",
                "date",
                "patient",
                "status",
                "subject",
                "value-quantity",
            ],
        ),
        (
            "Organization",
            &["_id", "_lastUpdated", "_profile", "identifier", "name"],
        ),
        (
            "Patient",
            &[
                "_id",
                "_lastUpdated",
                "_profile",
                "address-postalcode",
                "birthdate",
                "family",
                "gender",
                "general-practitioner",
                "given",
                "identifier",
                "name",
                "telecom",
            ],
        ),
        (
            "Practitioner",
            &[
                "_id",
                "_lastUpdated",
                "_profile",
                "family",
                "gender",
                "given",
                "identifier",
                "name",
            ],
        ),
    ];
    let resources = statement["rest"][0]["resource"].as_array().unwrap();
    for (resource, (type_name, names)) in resources.iter().zip(expected) {
        assert_eq!(resource["type"], *type_name);
        let params = resource["searchParam"].as_array().unwrap();
        let found: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(found, *names, "{type_name}");
        for param in params {
            let name = param["name"].as_str().unwrap();
            assert!(
                param["definition"]
                    .as_str()
                    .unwrap()
                    .starts_with("http://hl7.org/fhir/SearchParameter/"),
                "{type_name}.{name}"
            );
            assert!(param["type"].is_string() && param["documentation"].is_string());
            let reply = harness
                .get(&format!("/{type_name}?{name}:missing=false"))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{type_name}.{name}");
            assert!(
                reply.json()["total"].as_u64().unwrap() > 0,
                "{type_name}.{name}"
            );
        }
        // An absent list claims nothing (FHIR JSON has no empty arrays).
        for include in resource["searchInclude"].as_array().into_iter().flatten() {
            let include = include.as_str().unwrap();
            let reply = harness
                .get(&format!("/{type_name}?_include={include}"))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{include}");
            assert!(
                !ids_by_mode(&reply.json(), "include").is_empty(),
                "{include}"
            );
        }
        for rev in resource["searchRevInclude"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let rev = rev.as_str().unwrap();
            let reply = harness
                .get(&format!("/{type_name}?_revinclude={rev}"))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{rev}");
        }
    }
    let patient = &resources[6];
    let birthdate = patient["searchParam"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "birthdate")
        .unwrap();
    assert_eq!(
        birthdate["definition"],
        "http://hl7.org/fhir/SearchParameter/individual-birthdate"
    );
    assert_eq!(birthdate["type"], "date");
    assert_eq!(
        patient["searchInclude"],
        json!(["Patient:general-practitioner"])
    );
}

#[tokio::test]
async fn searches_do_not_block_other_requests() {
    let harness = Harness::start(&[]).await;
    let searches = (0..16).map(|n| {
        let harness = &harness;
        async move {
            let query = if n % 2 == 0 {
                "/Observation?patient.name=jones&_include=Observation:patient"
            } else {
                "/Patient?_sort=-birthdate&_revinclude=Observation:patient"
            };
            harness.get(query).await.status
        }
    });
    let (statuses, read) = futures::join!(
        futures::future::join_all(searches),
        harness.get("/Patient/amelia-jones")
    );
    assert!(statuses.iter().all(|status| *status == StatusCode::OK));
    assert_eq!(read.status, StatusCode::OK);
}

// ---- search defects ----

#[tokio::test]
async fn defect_search_ignores_identifier() {
    let harness = Harness::start(&[Defect::SearchIgnoresIdentifier]).await;
    let bundle = harness
        .get("/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9990000018")
        .await
        .json();
    assert_eq!(bundle["total"], 8);
    assert!(link(&bundle, "self").unwrap().contains("identifier="));
    assert_eq!(
        harness.search_ids("/Patient?family=jones").await,
        ["amelia-jones", "gareth-jones"]
    );
}

#[tokio::test]
async fn defect_exact_as_default() {
    let harness = Harness::start(&[Defect::ExactAsDefault]).await;
    assert_eq!(
        harness.search_ids("/Patient?family:exact=lefevre").await,
        ["chloe-lefevre"]
    );
    assert_eq!(
        harness.search_ids("/Patient?family:exact=Mac").await,
        ["eilidh-macdonald"]
    );
}

#[tokio::test]
async fn defect_unknown_modifier_ignored() {
    let clean = Harness::start(&[]).await;
    clean
        .get("/Patient?family:fuzzy=Jones")
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
    let harness = Harness::start(&[Defect::UnknownModifierIgnored]).await;
    assert_eq!(
        harness.search_ids("/Patient?family:fuzzy=Jones").await,
        ["amelia-jones", "gareth-jones"]
    );
}

#[tokio::test]
async fn defect_date_gt_as_ge() {
    let harness = Harness::start(&[Defect::DateGtAsGe]).await;
    assert_eq!(
        harness.search_ids("/Patient?birthdate=gt2001-01-30").await,
        ["chloe-lefevre", "sam-taylor"]
    );
    assert_eq!(
        harness.search_ids("/Patient?birthdate=lt1950").await,
        ["eilidh-macdonald"]
    );
}

#[tokio::test]
async fn defect_next_repeats_page() {
    let harness = Harness::start(&[Defect::NextRepeatsPage]).await;
    let first = harness.get("/Patient?_count=3").await.json();
    let second = harness.get(link(&first, "next").unwrap()).await.json();
    assert_eq!(entry_ids(&first), entry_ids(&second));
    let third = harness.get(link(&second, "next").unwrap()).await.json();
    assert_eq!(
        entry_ids(&third),
        ["gareth-jones", "mohammed-khan", "oliver-smith"]
    );
    assert!(link(&third, "next").is_none());
}

#[tokio::test]
async fn defect_ignores_count() {
    let harness = Harness::start(&[Defect::IgnoresCount]).await;
    let bundle = harness.get("/Patient?_count=2").await.json();
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 8);
    assert!(link(&bundle, "next").is_none());
}

#[tokio::test]
async fn defect_include_missing() {
    let harness = Harness::start(&[Defect::IncludeMissing]).await;
    let bundle = harness
        .get("/Observation?patient=gareth-jones&_include=Observation:patient")
        .await
        .json();
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 2);
    assert!(ids_by_mode(&bundle, "include").is_empty());
    assert!(link(&bundle, "self").unwrap().contains("_include="));
    harness
        .get("/Observation?_include=Observation:code")
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn defect_strict_handling_ignored() {
    let harness = Harness::start(&[Defect::StrictHandlingIgnored]).await;
    let reply = harness
        .send(
            Method::GET,
            "/Patient?colour=blue",
            &[("prefer", "handling=strict")],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["total"], 8);
}

#[tokio::test]
async fn defect_malformed_date_500() {
    let harness = Harness::start(&[Defect::MalformedDate500]).await;
    let reply = harness.get("/Patient?birthdate=1990-13-45").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        reply
            .header(CONTENT_TYPE)
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(reply.body.contains("stack backtrace"), "{}", reply.body);
    harness
        .get("/Patient?gender=a%7Cb%7Cc")
        .await
        .assert_outcome(StatusCode::BAD_REQUEST);
    assert_eq!(
        harness.search_ids("/Patient?birthdate=1990-07-21").await,
        ["oliver-smith", "priya-patel"]
    );
}

#[tokio::test]
async fn defect_search_adds_non_match() {
    let harness = Harness::start(&[Defect::SearchAddsNonMatch]).await;
    let bundle = harness.get("/Patient?gender=male").await.json();
    let genders: Vec<&str> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            assert_eq!(entry["search"]["mode"], "match");
            entry["resource"]["gender"].as_str().unwrap()
        })
        .collect();
    assert_eq!(genders.len(), 4);
    assert!(genders.iter().any(|gender| *gender != "male"));
    assert_eq!(bundle["total"], 4);
    assert_eq!(harness.get("/Patient").await.json()["total"], 8);
}

#[tokio::test]
async fn defect_search_drops_match() {
    let harness = Harness::start(&[Defect::SearchDropsMatch]).await;
    assert_eq!(
        harness.search_ids("/Patient?family=jones").await,
        ["gareth-jones"]
    );
    assert!(
        harness
            .search_ids("/Patient?identifier=9990000018")
            .await
            .is_empty()
    );
    assert_eq!(harness.get("/Patient").await.json()["total"], 8);
}

#[tokio::test]
async fn defect_sort_ignored() {
    let harness = Harness::start(&[Defect::SortIgnored]).await;
    let bundle = harness
        .get("/Patient?gender=female&_sort=-birthdate")
        .await
        .json();
    assert_eq!(
        entry_ids(&bundle),
        [
            "amelia-jones",
            "chloe-lefevre",
            "eilidh-macdonald",
            "priya-patel"
        ]
    );
    assert!(link(&bundle, "self").unwrap().contains("_sort=-birthdate"));
}

#[tokio::test]
async fn defect_wrong_total() {
    let harness = Harness::start(&[Defect::WrongTotal]).await;
    let bundle = harness.get("/Patient?gender=female").await.json();
    assert_eq!(bundle["total"], 5);
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn defect_self_link_claims_ignored() {
    let harness = Harness::start(&[Defect::SelfLinkClaimsIgnored]).await;
    let bundle = harness
        .get("/Patient?colour=blue&gender=other")
        .await
        .json();
    assert_eq!(entry_ids(&bundle), ["sam-taylor"]);
    assert_eq!(
        link(&bundle, "self"),
        Some(
            harness
                .url("/Patient?colour=blue&gender=other&_count=50")
                .as_str()
        )
    );
}

#[tokio::test]
async fn defect_summary_count_ignored() {
    let query = "/Patient?gender=female&_summary=count";
    let clean = Harness::start(&[]).await.get(query).await.json();
    assert!(clean["total"].as_u64().unwrap() > 0);
    assert!(clean.get("entry").is_none(), "{clean}");
    let harness = Harness::start(&[Defect::SummaryCountIgnored]).await;
    let bundle = harness.get(query).await.json();
    assert_eq!(bundle["total"], clean["total"]);
    assert_eq!(
        entry_ids(&bundle).len() as u64,
        bundle["total"].as_u64().unwrap()
    );
    assert!(link(&bundle, "self").unwrap().contains("_summary=count"));
}

#[tokio::test]
async fn defect_elements_ignored() {
    let query = "/Patient?_id=amelia-jones&_elements=identifier";
    let clean = Harness::start(&[]).await.get(query).await.json();
    let subsetted = &clean["entry"][0]["resource"];
    assert!(subsetted.get("name").is_none(), "{subsetted}");
    assert_eq!(subsetted["meta"]["tag"][0]["code"], "SUBSETTED");
    let harness = Harness::start(&[Defect::ElementsIgnored]).await;
    let bundle = harness.get(query).await.json();
    let whole = &bundle["entry"][0]["resource"];
    assert_eq!(whole["name"][0]["family"], "Jones");
    assert!(whole["meta"].get("tag").is_none(), "{whole}");
    assert!(
        link(&bundle, "self")
            .unwrap()
            .contains("_elements=identifier")
    );
}

#[tokio::test]
async fn defect_post_search_differs() {
    let harness = Harness::start(&[Defect::PostSearchDiffers]).await;
    let query = "gender=female&_count=100";
    let get = harness.search_ids(&format!("/Patient?{query}")).await;
    let post = harness
        .send(
            Method::POST,
            "/Patient/_search",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(query.to_owned()),
        )
        .await;
    assert_eq!(post.status, StatusCode::OK, "{}", post.body);
    let post = entry_ids(&post.json());
    assert!(get.len() > 1, "{get:?}");
    assert_eq!(post, get[..get.len() - 1]);
}
