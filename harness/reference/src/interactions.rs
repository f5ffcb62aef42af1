//! The FHIR RESTful interactions: one handler each.

use axum::body::Body;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::abandon::ClientWatch;
use super::capability::{Overclaims, capability_statement};
use super::defect::Defect;
use super::history::HistoryPage;
use super::negotiation::{check_acceptable, check_form_body, check_json_body};
use super::outcome::FhirError;
use super::resource_types::{self, ResourceType};
use super::response::{fhir_json, insert_version_headers};
use super::search::{self, Handling};
use super::secure::MAX_BODY_BYTES;
use super::state::ServerState;
use super::store::{
    Current, Deletion, HistoryScope, MAX_VERSIONS, StoreFull, UpdateRefused, Version,
};

type Reply = Result<Response, FhirError>;
type Params = Vec<(String, String)>;

/// Path segments, with a malformed path answered as a FHIR 400.
pub struct Segments<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Segments<T> {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(segments)) => Ok(Self(segments)),
            Err(rejection) => Err(FhirError::bad_request(rejection.body_text())),
        }
    }
}

/// `GET /metadata`.
pub async fn metadata(
    State(state): State<ServerState>,
    headers: HeaderMap,
    query: RawQuery,
) -> Reply {
    negotiate(&state, &headers, &params_of(query))?;
    let statement = capability_statement(
        state.base_url(),
        state.started(),
        Overclaims {
            immunization: state.has(Defect::CapabilityLies),
            observation_lab: state.has(Defect::UkcoreClaimsUnservedProfile),
        },
    );
    Ok(fhir_json(StatusCode::OK, &statement))
}

/// `GET /{type}?params`.
pub async fn search_get(
    State(state): State<ServerState>,
    Segments(type_name): Segments<String>,
    headers: HeaderMap,
    query: RawQuery,
) -> Reply {
    run_search(state, &type_name, &headers, params_of(query), false).await
}

/// `POST /{type}/_search` with a form-encoded body; query parameters count too.
pub async fn search_post(
    State(state): State<ServerState>,
    Segments(type_name): Segments<String>,
    headers: HeaderMap,
    query: RawQuery,
    body: Body,
) -> Reply {
    let mut params = params_of(query);
    check_form_body(&headers)?;
    let form = read_body(body).await?;
    params.extend(form_urlencoded::parse(&form).into_owned());
    run_search(state, &type_name, &headers, params, true).await
}

/// `POST /{type}`.
pub async fn create(
    State(state): State<ServerState>,
    Segments(type_name): Segments<String>,
    headers: HeaderMap,
    query: RawQuery,
    body: Body,
) -> Reply {
    negotiate(&state, &headers, &params_of(query))?;
    let resource_type = served(&type_name)?;
    check_json_body(&headers)?;
    let resource = parse_resource(resource_type, &read_body(body).await?)?;
    let version = state
        .store()
        .create(resource_type.name, resource)
        .map_err(|StoreFull| store_full())?;
    Ok(resource_response(&state, StatusCode::CREATED, &version))
}

/// `GET /{type}/{id}`.
pub async fn read(
    State(state): State<ServerState>,
    Segments((type_name, id)): Segments<(String, String)>,
    headers: HeaderMap,
    query: RawQuery,
) -> Reply {
    negotiate(&state, &headers, &params_of(query))?;
    let resource_type = served(&type_name)?;
    match state.store().current(resource_type.name, &id) {
        Current::Live(version) => Ok(resource_response(&state, StatusCode::OK, &version)),
        Current::Deleted(_) => Err(deleted(resource_type, &id)),
        Current::Missing => Err(missing(resource_type, &id)),
    }
}

/// `GET /{type}/{id}/_history/{vid}`.
pub async fn vread(
    State(state): State<ServerState>,
    Segments((type_name, id, version_id)): Segments<(String, String, String)>,
    headers: HeaderMap,
    query: RawQuery,
) -> Reply {
    negotiate(&state, &headers, &params_of(query))?;
    let resource_type = served(&type_name)?;
    let version = version_id
        .parse::<u64>()
        .ok()
        .and_then(|number| state.store().version(resource_type.name, &id, number))
        .ok_or_else(|| {
            FhirError::not_found(format!(
                "{}/{id} has no version {version_id:?}",
                resource_type.name
            ))
        })?;
    match version.resource {
        Some(_) => Ok(resource_response(&state, StatusCode::OK, &version)),
        None => Err(FhirError::gone(format!(
            "version {version_id} of {}/{id} is its deletion",
            resource_type.name
        ))),
    }
}

/// `PUT /{type}/{id}`: replace, or create with the client's id.
pub async fn update(
    State(state): State<ServerState>,
    Segments((type_name, id)): Segments<(String, String)>,
    headers: HeaderMap,
    query: RawQuery,
    body: Body,
) -> Reply {
    negotiate(&state, &headers, &params_of(query))?;
    let resource_type = served(&type_name)?;
    check_json_body(&headers)?;
    if !is_valid_id(&id) {
        return Err(FhirError::bad_request(format!(
            "{id:?} is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .)"
        )));
    }
    let resource = parse_resource(resource_type, &read_body(body).await?)?;
    match resource.get("id").and_then(Value::as_str) {
        Some(body_id) if body_id == id => {}
        Some(body_id) => {
            return Err(FhirError::bad_request(format!(
                "the body's id {body_id:?} differs from the URL's {id:?}"
            )));
        }
        None => {
            return Err(FhirError::bad_request(
                "an update body must carry the resource id",
            ));
        }
    }
    let if_match = if_match_version(&headers)?;
    let (version, created) = state
        .store()
        .update(
            resource_type.name,
            &id,
            resource,
            if_match,
            state.has(Defect::UpdateKeepsVersion),
        )
        .map_err(|refused| match refused {
            UpdateRefused::Conflict {
                current: Some(current),
            } => FhirError::precondition_failed(format!(
                "If-Match names another version; current is {current}"
            )),
            UpdateRefused::Conflict { current: None } => FhirError::precondition_failed(format!(
                "If-Match given but {}/{id} does not exist",
                resource_type.name
            )),
            UpdateRefused::Full => store_full(),
        })?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(resource_response(&state, status, &version))
}

/// `DELETE /{type}/{id}`.
pub async fn delete(
    State(state): State<ServerState>,
    Segments((type_name, id)): Segments<(String, String)>,
    headers: HeaderMap,
    query: RawQuery,
) -> Reply {
    negotiate(&state, &headers, &params_of(query))?;
    let resource_type = served(&type_name)?;
    let store = state.store();
    let deletion = if state.has(Defect::DeleteNotEffective) {
        match store.current(resource_type.name, &id) {
            Current::Live(_) => Deletion::Deleted,
            Current::Deleted(_) => Deletion::AlreadyDeleted,
            Current::Missing => Deletion::Missing,
        }
    } else {
        store.delete(resource_type.name, &id)
    };
    match deletion {
        Deletion::Deleted | Deletion::AlreadyDeleted => Ok(StatusCode::NO_CONTENT.into_response()),
        Deletion::Missing => Err(missing(resource_type, &id)),
    }
}

/// `GET /{type}/{id}/_history`.
pub async fn history_instance(
    State(state): State<ServerState>,
    Segments((type_name, id)): Segments<(String, String)>,
    headers: HeaderMap,
    query: RawQuery,
) -> Reply {
    let params = params_of(query);
    negotiate(&state, &headers, &params)?;
    let resource_type = served(&type_name)?;
    let page = HistoryPage::parse(&params)?;
    blocking(move || {
        let versions = state
            .store()
            .history(HistoryScope::Instance(resource_type.name, &id));
        if versions.is_empty() {
            return Err(missing(resource_type, &id));
        }
        let endpoint = format!("{}/{}/{id}/_history", state.base_url(), resource_type.name);
        Ok(page.response(&state, &endpoint, versions))
    })
    .await
}

/// `GET /{type}/_history`: walks every version of the type, so it waits for a scan permit.
pub async fn history_type(
    State(state): State<ServerState>,
    Segments(type_name): Segments<String>,
    headers: HeaderMap,
    query: RawQuery,
) -> Reply {
    let params = params_of(query);
    negotiate(&state, &headers, &params)?;
    let resource_type = served(&type_name)?;
    let page = HistoryPage::parse(&params)?;
    let permit = state.scans().admit().await?;
    blocking(move || {
        let versions = state
            .store()
            .history(HistoryScope::Type(resource_type.name));
        drop(permit);
        let endpoint = format!("{}/{}/_history", state.base_url(), resource_type.name);
        Ok(page.response(&state, &endpoint, versions))
    })
    .await
}

/// `GET /_history`: walks every version, so it waits for a scan permit.
pub async fn history_system(
    State(state): State<ServerState>,
    headers: HeaderMap,
    query: RawQuery,
) -> Reply {
    let params = params_of(query);
    negotiate(&state, &headers, &params)?;
    let page = HistoryPage::parse(&params)?;
    let permit = state.scans().admit().await?;
    blocking(move || {
        let versions = state.store().history(HistoryScope::System);
        drop(permit);
        let endpoint = format!("{}/_history", state.base_url());
        Ok(page.response(&state, &endpoint, versions))
    })
    .await
}

/// Any path that is not a FHIR endpoint.
pub async fn unknown_route(uri: axum::http::Uri) -> FhirError {
    FhirError::not_found(format!("no FHIR endpoint at {}", uri.path()))
}

/// A FHIR endpoint called with a method it does not support.
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> FhirError {
    FhirError::method_not_allowed(format!("{method} is not supported on {}", uri.path()))
}

async fn run_search(
    state: ServerState,
    type_name: &str,
    headers: &HeaderMap,
    params: Params,
    posted: bool,
) -> Reply {
    negotiate(&state, headers, &params)?;
    let resource_type = served(type_name)?;
    let handling = if prefers_strict(headers) {
        Handling::Strict
    } else {
        Handling::Lenient
    };
    let request = search::prepare(&state, resource_type, &params, handling)?;
    let permit = if request.is_heavy(|criteria, limit| {
        state
            .store()
            .tests_more_than(resource_type.name, criteria, limit)
    }) {
        Some(state.scans().admit().await?)
    } else {
        None
    };
    // Dropped with this handler when the client disconnects, which stops the scan.
    let watch = ClientWatch::default();
    let abandoned = watch.abandoned();
    blocking(move || {
        let bundle = search::execute(&state, resource_type, request, posted, &abandoned);
        drop(permit);
        Ok(fhir_json(StatusCode::OK, &bundle?))
    })
    .await
}

/// Runs `work`, which reads the store and builds a response, on a blocking thread, so that the
/// async workers stay free for cheap requests.
async fn blocking(work: impl FnOnce() -> Reply + Send + 'static) -> Reply {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| FhirError::internal("the request failed unexpectedly"))?
}

/// A resource body with `ETag`, `Last-Modified` and, on 201, `Location`.
fn resource_response(state: &ServerState, status: StatusCode, version: &Version) -> Response {
    let body = version.resource.as_deref().unwrap_or(&Value::Null);
    let mut response = fhir_json(status, body);
    let headers = response.headers_mut();
    insert_version_headers(headers, version.version_id, version.last_updated);
    if status == StatusCode::CREATED && !state.has(Defect::NoLocationOnCreate) {
        let location = format!(
            "{}/{}/{}/_history/{}",
            state.base_url(),
            version.resource_type,
            version.id,
            version.version_id
        );
        if let Ok(value) = HeaderValue::from_str(&location) {
            headers.insert(header::LOCATION, value);
        }
    }
    response
}

fn negotiate(
    state: &ServerState,
    headers: &HeaderMap,
    params: &[(String, String)],
) -> Result<(), FhirError> {
    let format = params
        .iter()
        .find(|(key, _)| key == "_format")
        .map(|(_, value)| value.as_str());
    check_acceptable(headers, format, state.has(Defect::IgnoresFormat))
}

fn served(type_name: &str) -> Result<&'static ResourceType, FhirError> {
    resource_types::served(type_name).ok_or_else(|| {
        FhirError::not_found(format!("resource type {type_name:?} is not served here"))
    })
}

fn missing(resource_type: &ResourceType, id: &str) -> FhirError {
    FhirError::not_found(format!("{}/{id} does not exist", resource_type.name))
}

fn deleted(resource_type: &ResourceType, id: &str) -> FhirError {
    FhirError::gone(format!("{}/{id} has been deleted", resource_type.name))
}

fn params_of(RawQuery(query): RawQuery) -> Params {
    query
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

async fn read_body(body: Body) -> Result<axum::body::Bytes, FhirError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|error| {
            FhirError::payload_too_large(format!(
                "could not read a request body of at most {MAX_BODY_BYTES} bytes: {error}"
            ))
        })
}

fn parse_resource(resource_type: &ResourceType, body: &[u8]) -> Result<Value, FhirError> {
    let resource: Value = serde_json::from_slice(body)
        .map_err(|error| FhirError::bad_request(format!("the body is not valid JSON: {error}")))?;
    let found = resource.get("resourceType").and_then(Value::as_str);
    if !resource.is_object() || found != Some(resource_type.name) {
        return Err(FhirError::bad_request(format!(
            "the body must be a {} resource, found resourceType {found:?}",
            resource_type.name
        )));
    }
    Ok(resource)
}

/// The version named by `If-Match: W/"n"` (or `"n"`), if the header is present.
fn if_match_version(headers: &HeaderMap) -> Result<Option<u64>, FhirError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(|text| text.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|number| number.parse().ok())
        .map(Some)
        .ok_or_else(|| FhirError::bad_request("If-Match must be an ETag such as W/\"1\""))
}

fn prefers_strict(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split([',', ';']))
        .any(|preference| preference.trim().eq_ignore_ascii_case("handling=strict"))
}

fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// 507: the store holds [`MAX_VERSIONS`] versions already.
fn store_full() -> FhirError {
    FhirError::insufficient_storage(format!(
        "the server keeps at most {MAX_VERSIONS} versions and has no room for more"
    ))
}
