//! Running a search against the store: match, sort, page, include and shape, with the search
//! defects applied. `_summary` and `_elements` shape the matches; included resources are
//! returned whole.
//!
//! The matches are the store's shared resources: they are sorted and paged as pointers, only
//! those up to the end of the page are put in order, and only the page's resources (and what
//! they include) are copied into the Bundle.

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

/// Reads `params` as a search on `resource_type`, as `state`'s defects misread them.
pub fn prepare(
    state: &ServerState,
    resource_type: &'static ResourceType,
    params: &[(String, String)],
    handling: Handling,
) -> Result<SearchRequest, FhirError> {
    SearchRequest::parse(resource_type, params, &options(state, handling))
}

/// Runs `request` on `resource_type` (sent by `POST [type]/_search` when `posted`) and builds
/// the searchset Bundle. Reads the store (through its index where it can): call it off the
/// async workers. Stops, with an error nobody receives, once `abandoned` says the client has
/// gone.
pub fn execute(
    state: &ServerState,
    resource_type: &'static ResourceType,
    mut request: SearchRequest,
    posted: bool,
    abandoned: &Abandoned,
) -> Result<Value, FhirError> {
    let gone = || FhirError::internal("the client left before the search finished");
    let store = state.store();
    let find = |target: &ResourceType, criterion: &Criterion| {
        store.live_matching(target.name, std::slice::from_ref(criterion), |_| true)
    };
    request.resolve_chains(find);
    if abandoned.is_set() {
        return Err(gone());
    }
    let mut matches = store.live_matching(resource_type.name, &request.criteria, |_| {
        !abandoned.is_set()
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
    let page = page_of(state, &request);
    let served = if state.has(Defect::NextRepeatsPage) && page.count > 0 {
        PageRequest {
            offset: page.offset.saturating_sub(page.count),
            ..page
        }
    } else {
        page
    };
    let drops_last = posted && state.has(Defect::PostSearchDiffers);
    if !state.has(Defect::SortIgnored) {
        // The defect drops the last match in order, so it needs them all in order.
        let upto = if drops_last {
            matches.len()
        } else {
            served.offset.saturating_add(served.count)
        };
        sort::sort(&mut matches, &request.sort, upto);
    }
    if drops_last {
        matches.pop();
    }
    let on_page = served.slice(&matches);
    let included = if state.has(Defect::IncludeMissing) {
        include::Included::default()
    } else {
        let read = |resource_type: &str, id: &str| match store.current(resource_type, id) {
            Current::Live(version) => version.resource,
            Current::Deleted(_) | Current::Missing => None,
        };
        include::collect(&request.includes, on_page, find, read)
    };
    let ignore_elements = state.has(Defect::ElementsIgnored) && request.subset.is_elements();
    let shaped: Vec<Value> = on_page
        .iter()
        .map(|resource| {
            let copy = Value::clone(resource);
            if ignore_elements {
                copy
            } else {
                request.subset.apply(copy, resource_type)
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
        shaped,
        &included.resources,
        included.truncated.then(included_left_out),
        total,
        links,
        BundleType::of(state),
    ))
}

/// The OperationOutcome of a page whose `_include`/`_revinclude` would add more resources
/// than the server adds to one page.
fn included_left_out() -> Value {
    serde_json::json!({
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "warning",
            "code": "too-costly",
            "diagnostics": format!(
                "_include and _revinclude added the first {} resources to this page and left \
                 the others out; ask for smaller pages to have them all",
                include::MAX_INCLUDED
            )
        }]
    })
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
        let request = prepare(&state, patient, &params, Handling::Lenient)?;
        execute(&state, patient, request, false, abandoned)
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

    /// Ten thousand Patients named `Pagetest`, each born on a different day, in an order
    /// unlike their ids'; their ids, by birth date.
    fn ten_thousand() -> (ServerState, Vec<String>) {
        let state =
            ServerState::new("http://127.0.0.1/fhir", &[], &Fixtures::embedded().unwrap()).unwrap();
        let mut born = Vec::new();
        for n in 0..10_000_u32 {
            let day = n * 7919 % 10_000;
            let birth_date = format!(
                "{}-{:02}-{:02}",
                1900 + day / 100,
                1 + day / 10 % 10,
                1 + day % 10
            );
            let patient = serde_json::json!({
                "resourceType": "Patient",
                "name": [{"family": "Pagetest", "given": [format!("P{n}")]}],
                "birthDate": birth_date,
            });
            let version = state.store().create("Patient", patient).unwrap();
            born.push((day, version.id));
        }
        born.sort();
        (state, born.into_iter().map(|(_, id)| id).collect())
    }

    fn page(state: &ServerState, query: &[(&str, &str)]) -> Value {
        let params: Vec<(String, String)> = query
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        let patient = served("Patient").unwrap();
        let request = prepare(state, patient, &params, Handling::Lenient).unwrap();
        execute(state, patient, request, false, &Abandoned::default()).unwrap()
    }

    fn entry_ids(bundle: &Value) -> Vec<&str> {
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["resource"]["id"].as_str().unwrap())
            .collect()
    }

    fn link<'a>(bundle: &'a Value, relation: &str) -> Option<&'a str> {
        bundle["link"]
            .as_array()?
            .iter()
            .find(|link| link["relation"] == relation)?["url"]
            .as_str()
    }

    #[test]
    fn a_page_of_ten_thousand_matches_holds_exactly_its_entries() {
        let (state, by_birth) = ten_thousand();
        let indexed = page(
            &state,
            &[
                ("family", "pagetest"),
                ("_sort", "birthdate"),
                ("_count", "10"),
                ("_offset", "4990"),
            ],
        );
        assert_eq!(indexed["total"], 10_000);
        assert_eq!(entry_ids(&indexed), by_birth[4990..5000]);
        assert!(
            link(&indexed, "next")
                .unwrap()
                .ends_with("_count=10&_offset=5000")
        );
        assert_eq!(indexed["entry"][0]["search"]["mode"], "match");

        let scanned = page(
            &state,
            &[
                ("name:contains", "agetes"),
                ("_sort", "-birthdate"),
                ("_count", "7"),
                ("_offset", "9996"),
            ],
        );
        assert_eq!(scanned["total"], 10_000);
        let oldest: Vec<&String> = by_birth[..4].iter().rev().collect();
        assert_eq!(entry_ids(&scanned), oldest);
        assert!(link(&scanned, "next").is_none());

        let mut by_id: Vec<&String> = by_birth.iter().collect();
        by_id.sort();
        let unsorted = page(
            &state,
            &[
                ("family", "pagetest"),
                ("_count", "100"),
                ("_offset", "9900"),
            ],
        );
        assert_eq!(entry_ids(&unsorted), by_id[9900..]);
        let elements = page(
            &state,
            &[
                ("family", "pagetest"),
                ("_elements", "birthDate"),
                ("_count", "3"),
            ],
        );
        assert_eq!(entry_ids(&elements), by_id[..3]);
        assert!(elements["entry"][0]["resource"].get("name").is_none());
    }
}
