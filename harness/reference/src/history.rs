//! `_history` answers: the versions in a scope, filtered by `_since` and paged by `_count` and
//! `_offset`, as a history Bundle. The versions are the store's shared ones; only those on the
//! page returned have their resources copied into the Bundle.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;

use super::bundle::{self, BundleType};
use super::defect::Defect;
use super::outcome::FhirError;
use super::page::PageRequest;
use super::response::fhir_json;
use super::search;
use super::state::ServerState;
use super::store::Version;

/// What a history request asks for, read before any work is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    page: PageRequest,
    /// The `_since` parameter as given, and the instant it names (ms since the epoch).
    since: Option<((String, String), i64)>,
}

impl HistoryPage {
    /// Reads `_count`, `_offset` and `_since`; a `_since` that is not an instant is a 400.
    pub fn parse(params: &[(String, String)]) -> Result<Self, FhirError> {
        let page = PageRequest::from_params(params)?;
        let since = params
            .iter()
            .find(|(key, _)| key == "_since")
            .map(|(key, since)| {
                let range = search::parse_range(since).ok_or_else(|| {
                    FhirError::bad_request(format!("_since must be an instant, not {since:?}"))
                })?;
                Ok::<_, FhirError>(((key.clone(), since.clone()), range.start))
            })
            .transpose()?;
        Ok(Self { page, since })
    }

    /// The page asked for of `versions` (newest first) at `endpoint`, as a history Bundle.
    pub fn response(
        &self,
        state: &ServerState,
        endpoint: &str,
        mut versions: Vec<Arc<Version>>,
    ) -> Response {
        let mut applied = Vec::new();
        if let Some((param, start)) = &self.since {
            versions.retain(|version| {
                version.last_updated.unix_timestamp_nanos() / 1_000_000 >= i128::from(*start)
            });
            applied.push(param.clone());
        }
        let links = self.page.links(
            endpoint,
            &applied,
            versions.len(),
            !state.has(Defect::NoNextLink),
        );
        let bundle = bundle::history(
            state.base_url(),
            self.page.slice(&versions),
            versions.len(),
            links,
            BundleType::of(state),
        );
        fhir_json(StatusCode::OK, &bundle)
    }
}
