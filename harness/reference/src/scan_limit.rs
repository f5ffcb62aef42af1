//! The cap on concurrent full scans, so that a flood of expensive requests cannot take every
//! blocking thread, nor every core, from the requests that are cheap.
//!
//! A scan is work that walks every resource of a type, or may test more than [`LARGE_SEARCH`]
//! of them: a search that no index can narrow (no criteria, or only criteria such as
//! `:contains`, `:missing`, `:not`, dates, quantities and URIs), a chained parameter whose own
//! criterion no index can narrow, a search whose index lookups offer more than
//! [`LARGE_SEARCH`] resources (to test, count, sort and page), and a type- or system-level
//! `_history`. At most [`ScanLimit::for_this_machine`] permits (one per core the machine
//! offers) are out at once. A scan waits for a permit for at most [`SCAN_WAIT`]
//! (2 s); one that gets none in that time is refused with 503, `Retry-After: 1` and an
//! OperationOutcome (`throttled`), before it takes a blocking thread. A scan waiting for a
//! permit holds no thread. Reads, vreads, writes, instance history and searches an index
//! narrows to at most [`LARGE_SEARCH`] resources never wait for a permit.

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::outcome::FhirError;

/// The most resources a search may test (as its index lookups tell before it runs) without a
/// scan permit; one that may test more is as much work as a scan, and waits as one does.
pub const LARGE_SEARCH: usize = 1_000;

/// The longest a scan waits for a permit before it is refused with 503.
pub const SCAN_WAIT: Duration = Duration::from_secs(2);

/// The seconds a refused client is told to wait (`Retry-After`).
const RETRY_AFTER_SECONDS: u32 = 1;

/// The permits for full scans; cheap to clone, clones share the permits.
#[derive(Debug, Clone)]
pub struct ScanLimit {
    permits: Arc<Semaphore>,
    size: usize,
    wait: Duration,
}

/// Held by a scan for as long as it runs; dropping it returns the permit.
#[derive(Debug)]
pub struct ScanPermit {
    _permit: OwnedSemaphorePermit,
}

impl ScanLimit {
    /// `permits` concurrent scans (at least one), each waiting at most `wait` for its turn.
    pub fn new(permits: usize, wait: Duration) -> Self {
        let size = permits.max(1);
        Self {
            permits: Arc::new(Semaphore::new(size)),
            size,
            wait,
        }
    }

    /// One permit per core the machine offers, waiting at most [`SCAN_WAIT`].
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Self::new(cores, SCAN_WAIT)
    }

    /// A permit to scan, waited for at most this limit's wait; a 503 when none comes in time.
    pub async fn admit(&self) -> Result<ScanPermit, FhirError> {
        match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(ScanPermit { _permit: permit }),
            // The semaphore is never closed; a closed one would refuse as a busy one does.
            Ok(Err(_)) | Err(_) => Err(FhirError::service_unavailable(
                format!(
                    "the server is running as many full scans as it allows ({}) and none \
                     finished within {} ms; narrow the search with an indexed parameter, or \
                     try again",
                    self.size,
                    self.wait.as_millis()
                ),
                RETRY_AFTER_SECONDS,
            )),
        }
    }

    /// A permit now, if one is free.
    #[cfg(test)]
    pub fn try_admit(&self) -> Option<ScanPermit> {
        self.permits
            .clone()
            .try_acquire_owned()
            .ok()
            .map(|permit| ScanPermit { _permit: permit })
    }
}

#[cfg(test)]
mod tests {
    //! Over real HTTP, with the permits held by the test (as running scans hold them) or by
    //! scanning searches: scans wait and are refused in turn; nothing else waits.

    use std::time::Instant;

    use axum::http::StatusCode;
    use serde_json::{Value, json};
    use tokio::net::TcpListener;

    use super::*;
    use crate::base_path::BASE_PATH;
    use crate::fixtures::Fixtures;
    use crate::routes::router;
    use crate::state::ServerState;

    /// A server with `scans`, and `extra` generated Patients beside the fixtures; its state
    /// and FHIR base URL.
    async fn serve(scans: ScanLimit, extra: usize) -> (ServerState, String) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}{BASE_PATH}", listener.local_addr().unwrap());
        let state = ServerState::new(base.clone(), &[], &Fixtures::embedded().unwrap())
            .unwrap()
            .with_scans(scans);
        for n in 0..extra {
            let patient =
                json!({"resourceType": "Patient", "name": [{"family": format!("Generated{n}")}]});
            state.store().create("Patient", patient).unwrap();
        }
        let app = router(state.clone(), None);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (state, base)
    }

    async fn get(base: &str, path: &str) -> (StatusCode, Option<String>, Value) {
        let response = reqwest::get(format!("{base}{path}")).await.unwrap();
        let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|value| value.to_str().unwrap().to_owned());
        let body = response.text().await.unwrap();
        (status, retry_after, serde_json::from_str(&body).unwrap())
    }

    /// Every permit of `scans`, held until dropped.
    fn hold_all(scans: &ScanLimit) -> Vec<ScanPermit> {
        std::iter::from_fn(|| scans.try_admit()).collect()
    }

    const SCANS: [&str; 5] = [
        "/Patient?name:contains=e",
        "/Patient?birthdate=ge1900",
        "/Patient?_count=5",
        "/Patient/_history",
        "/_history",
    ];

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_scan_without_a_permit_in_time_is_refused_with_503_and_retry_after() {
        let wait = Duration::from_millis(200);
        let (state, base) = serve(ScanLimit::new(2, wait), 0).await;
        let held = hold_all(state.scans());
        assert_eq!(held.len(), 2);
        for path in SCANS {
            let started = Instant::now();
            let (status, retry_after, outcome) = get(&base, path).await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {outcome}");
            assert!(
                started.elapsed() >= wait,
                "{path} was refused before the wait"
            );
            assert_eq!(retry_after.as_deref(), Some("1"), "{path}");
            assert_eq!(outcome["resourceType"], "OperationOutcome");
            assert_eq!(outcome["issue"][0]["code"], "throttled");
        }
        drop(held);
        for path in SCANS {
            assert_eq!(get(&base, path).await.0, StatusCode::OK, "{path}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_and_indexed_searches_do_not_wait_for_a_permit() {
        // Were any of these to wait, it would be refused after 20 s.
        let (state, base) = serve(ScanLimit::new(1, Duration::from_secs(20)), 0).await;
        let _held = hold_all(state.scans());
        let started = Instant::now();
        for path in [
            "/metadata",
            "/Patient/amelia-jones",
            "/Patient/amelia-jones/_history/1",
            "/Patient/amelia-jones/_history",
            "/Patient?family=jones",
            "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018",
            "/Patient?_id=amelia-jones&name:contains=e",
            "/Patient?general-practitioner.name=surgery",
            "/Observation?patient=amelia-jones&_include=Observation:patient",
        ] {
            let (status, _, body) = get(&base, path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
        }
        let created = reqwest::Client::new()
            .post(format!("{base}/Patient"))
            .header("content-type", "application/fhir+json")
            .body(json!({"resourceType": "Patient"}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(created.status().as_u16(), 201);
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_search_its_index_narrows_to_more_than_the_large_search_limit_waits_as_a_scan() {
        let wait = Duration::from_millis(200);
        let (state, base) = serve(ScanLimit::new(1, wait), 2_000).await;
        let held = hold_all(state.scans());
        // `Generated1…` names 1,111 Patients; `Generated14…` 111.
        let large = [
            "/Patient?family=generated",
            "/Patient?family=generated1&_sort=birthdate",
            "/Patient?name=generated,zzz",
            "/Observation?patient.family=generated",
            "/Observation?patient.family=generated&patient.family=generated14",
        ];
        for path in large {
            let (status, retry_after, outcome) = get(&base, path).await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {outcome}");
            assert_eq!(retry_after.as_deref(), Some("1"), "{path}");
            assert_eq!(outcome["issue"][0]["code"], "throttled", "{path}");
        }
        let started = Instant::now();
        for (path, total) in [
            ("/Patient?family=generated14&_sort=-family", 111),
            ("/Patient?family=generated&family=generated14", 111),
            ("/Patient?family=generated&_id=amelia-jones", 0),
            ("/Observation?patient.family=generated14", 0),
        ] {
            let (status, _, bundle) = get(&base, path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {bundle}");
            assert_eq!(bundle["total"], total, "{path}");
        }
        assert!(
            started.elapsed() < wait * 4,
            "a small search waited for a permit"
        );
        drop(held);
        for path in large {
            assert_eq!(get(&base, path).await.0, StatusCode::OK, "{path}");
        }
        let (_, _, bundle) = get(&base, "/Patient?family=generated1&_count=3&_offset=1000").await;
        assert_eq!(bundle["total"], 1_111);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_waiting_scan_runs_when_a_permit_is_returned() {
        let (state, base) = serve(ScanLimit::new(1, Duration::from_secs(30)), 0).await;
        let held = hold_all(state.scans());
        let waiting = tokio::spawn(async move { get(&base, "/Patient?name:contains=e").await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "the scan ran without a permit");
        drop(held);
        let (status, _, bundle) = waiting.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{bundle}");
        assert!(bundle["total"].as_u64().unwrap() > 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_are_answered_while_scanning_searches_queue_for_the_only_permit() {
        let (_state, base) = serve(ScanLimit::new(1, Duration::from_secs(60)), 5_000).await;
        let scans: Vec<_> = (0..6)
            .map(|_| {
                let base = base.clone();
                tokio::spawn(async move {
                    // Every Patient is tested and keyed for the sort: a slow scan.
                    let (status, _, _) = get(&base, "/Patient?name:missing=false&_sort=name").await;
                    assert_eq!(status, StatusCode::OK);
                    Instant::now()
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut reads_done = Instant::now();
        for _ in 0..5 {
            assert_eq!(get(&base, "/Patient/amelia-jones").await.0, StatusCode::OK);
            assert_eq!(get(&base, "/Patient?family=jones").await.0, StatusCode::OK);
            reads_done = Instant::now();
        }
        let mut scans_done = Vec::new();
        for scan in scans {
            scans_done.push(scan.await.unwrap());
        }
        let last_scan = scans_done.into_iter().max().unwrap();
        assert!(
            reads_done < last_scan,
            "the reads waited behind the scans queued for the permit"
        );
    }
}
