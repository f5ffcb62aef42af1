//! What every request handler shares: the store, the base URL, the active defects and the
//! permits for full scans.

use std::collections::BTreeSet;
use std::sync::Arc;

use time::OffsetDateTime;

use super::defect::Defect;
use super::fixtures::Fixtures;
use super::scan_limit::ScanLimit;
use super::store::{Store, now};

/// Shared server state; cheap to clone.
#[derive(Debug, Clone)]
pub struct ServerState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    base_url: String,
    defects: BTreeSet<Defect>,
    store: Store,
    started: OffsetDateTime,
    scans: ScanLimit,
}

impl ServerState {
    /// A fresh state for a server reachable at `base_url` (e.g. `http://127.0.0.1:8080/fhir`,
    /// no trailing slash), holding `fixtures` and misbehaving as `defects` say.
    pub fn new(
        base_url: impl Into<String>,
        defects: &[Defect],
        fixtures: &Fixtures,
    ) -> anyhow::Result<Self> {
        let started = now();
        let store = Store::default();
        fixtures.with_defects(defects).load_into(&store, started)?;
        Ok(Self {
            inner: Arc::new(Inner {
                base_url: base_url.into().trim_end_matches('/').to_owned(),
                defects: defects.iter().copied().collect(),
                store,
                started,
                scans: ScanLimit::for_this_machine(),
            }),
        })
    }

    /// The FHIR base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Whether `defect` is switched on.
    pub fn has(&self, defect: Defect) -> bool {
        self.inner.defects.contains(&defect)
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn started(&self) -> OffsetDateTime {
        self.inner.started
    }

    /// The permits that full scans wait for.
    pub(crate) fn scans(&self) -> &ScanLimit {
        &self.inner.scans
    }

    /// This fresh state with `scans` for its full scans instead.
    #[cfg(test)]
    pub(crate) fn with_scans(mut self, scans: ScanLimit) -> Self {
        Arc::get_mut(&mut self.inner)
            .expect("a fresh state is not shared yet")
            .scans = scans;
        self
    }
}
