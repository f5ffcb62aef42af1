//! Running a search against the store: match, sort, page, include and shape, with the search
//! defects applied. `_summary` and `_elements` shape the matches; included resources are
//! returned whole.

use std::sync::Arc;

use serde_json::Value;

use super::{Criterion, Handling, SearchOptions, SearchRequest, include, sort};
use crate::abandon::Abandoned;
use crate::bundle::{self, BundleType};
use crate::defect::Defect;
use crate::outcome::FhirError;
use crate::page::{DEFAULT_COUNT, PageRequest};
use crate::resource_types::ResourceType;
use crate::state::ServerState;
use crate::store::Current;

/// Searches `resource_type` with `params` (sent by `POST [type]/_search` when `posted`) and
/// builds the searchset Bundle. Reads the store (through its index where it can): call it off
/// the async workers. Stops, with an error nobody receives, once `abandoned` says the client
/// has gone.
pub fn execute(
    state: &ServerState,
    resource_type: &'static ResourceType,
    params: &[(String, String)],
    handling: Handling,
    posted: bool,
    abandoned: &Abandoned,
) -> Result<Value, FhirError> {
    let gone = || FhirError::internal("the client left before the search finished");
    let mut request = SearchRequest::parse(resource_type, params, &options(state, handling))?;
    let store = state.store();
    let find = |target: &ResourceType, criterion: &Criterion| {
        store.live_matching(target.name, std::slice::from_ref(criterion), |resource| {
            criterion.matches(resource)
        })
    };
    request.resolve_chains(find);
    if abandoned.is_set() {
        return Err(gone());
    }
    let mut matches = store.live_matching(resource_type.name, &request.criteria, |resource| {
        !abandoned.is_set() && request.matches(resource)
    });
    if abandoned.is_set() {
        return Err(gone());
    }
    if request.has_criteria() {
        // The last non-matching fixture in id order, never a resource the write checks have
        // created (the server numbers those), so the defect is the same from run to run.
        if state.has(Defect::SearchAddsNonMatch)
            && let Some(extra) = store
                .live_where(resource_type.name, |resource| {
                    !is_created(resource) && !request.matches(resource)
                })
                .pop()
        {
            matches.push(extra);
        }
        // The first fixture among the matches, never a resource the write checks have
        // created (they may or may not exist yet), so the defect is the same from run to run.
        if state.has(Defect::SearchDropsMatch)
            && let Some(first) = matches
                .iter()
                .position(|resource| !is_created(resource))
                .or((!matches.is_empty()).then_some(0))
        {
            matches.remove(first);
        }
    }
    if !state.has(Defect::SortIgnored) {
        sort::sort(&mut matches, &request.sort);
    }
    if posted && state.has(Defect::PostSearchDiffers) {
        matches.pop();
    }
    let page = page_of(state, &request);
    let served = if state.has(Defect::NextRepeatsPage) && page.count > 0 {
        PageRequest {
            offset: page.offset.saturating_sub(page.count),
            ..page
        }
    } else {
        page
    };
    let on_page = served.slice(&matches);
    let included = if state.has(Defect::IncludeMissing) {
        Vec::new()
    } else {
        let read = |resource_type: &str, id: &str| match store.current(resource_type, id) {
            Current::Live(version) => version.resource.map(Arc::unwrap_or_clone),
            Current::Deleted(_) | Current::Missing => None,
        };
        include::collect(&request.includes, on_page, find, read)
    };
    let ignore_elements = state.has(Defect::ElementsIgnored) && request.subset.is_elements();
    let shaped: Vec<Value> = on_page
        .iter()
        .map(|resource| {
            if ignore_elements {
                resource.clone()
            } else {
                request.subset.apply(resource.clone(), resource_type)
            }
        })
        .collect();
    let total = if state.has(Defect::WrongTotal) {
        matches.len() + 1
    } else {
        matches.len()
    };
    let endpoint = format!("{}/{}", state.base_url(), resource_type.name);
    let links = page.links(
        &endpoint,
        request.applied(),
        matches.len(),
        !state.has(Defect::NoNextLink),
    );
    Ok(bundle::searchset(
        state.base_url(),
        &shaped,
        &included,
        total,
        links,
        BundleType::of(state),
    ))
}

fn options(state: &ServerState, handling: Handling) -> SearchOptions {
    let mut ignored = Vec::new();
    if state.has(Defect::SearchIgnoresGender) {
        ignored.push("gender");
    }
    if state.has(Defect::SearchIgnoresIdentifier) {
        ignored.push("identifier");
    }
    SearchOptions {
        handling: if state.has(Defect::StrictHandlingIgnored) {
            Handling::Lenient
        } else {
            handling
        },
        ignored,
        exact_as_default: state.has(Defect::ExactAsDefault),
        gt_as_ge: state.has(Defect::DateGtAsGe),
        quantity_ignores_unit: state.has(Defect::QuantityIgnoresUnit),
        crash_on_bad_date: state.has(Defect::MalformedDate500),
        claim_unsupported: state.has(Defect::SelfLinkClaimsIgnored),
        ignore_unknown_modifiers: state.has(Defect::UnknownModifierIgnored),
        ..SearchOptions::default()
    }
}

/// The page to serve: `_summary=count` asks for none (unless `summary-count-ignored`), and
/// `ignores-count` forgets `_count`.
fn page_of(state: &ServerState, request: &SearchRequest) -> PageRequest {
    if request.subset.is_count() && !state.has(Defect::SummaryCountIgnored) {
        PageRequest {
            count: 0,
            ..request.page
        }
    } else if state.has(Defect::IgnoresCount) {
        PageRequest {
            count: DEFAULT_COUNT,
            ..request.page
        }
    } else {
        request.page
    }
}

/// Whether `resource` was created through the API: the server gives those numeric ids, and
/// fixtures have names.
fn is_created(resource: &Value) -> bool {
    resource["id"]
        .as_str()
        .is_some_and(|id| id.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abandon::ClientWatch;
    use crate::fixtures::Fixtures;
    use crate::resource_types::served;

    fn search(abandoned: &Abandoned) -> Result<Value, FhirError> {
        let state =
            ServerState::new("http://127.0.0.1/fhir", &[], &Fixtures::embedded().unwrap()).unwrap();
        let patient = served("Patient").unwrap();
        let params = [("family".to_owned(), "Jones".to_owned())];
        execute(
            &state,
            patient,
            &params,
            Handling::Lenient,
            false,
            abandoned,
        )
    }

    #[test]
    fn a_search_whose_client_has_gone_stops_without_an_answer() {
        let watch = ClientWatch::default();
        let abandoned = watch.abandoned();
        assert!(search(&abandoned).is_ok());
        drop(watch);
        let stopped = search(&abandoned).unwrap_err();
        assert!(
            stopped
                .to_operation_outcome()
                .to_string()
                .contains("client left")
        );
    }
}
