//! Holding a request made under `patient/` scopes to the patient's compartment: searches are
//! narrowed to it (and their results filtered), instances outside it are refused, and writes
//! must stay inside it.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::uri::PathAndQuery;
use axum::http::{Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::compartment::Compartment;
use super::refusal::forbidden;
use super::scope::Interaction;
use super::target::Target;
use crate::outcome::FhirError;
use crate::state::ServerState;
use crate::store::HistoryScope;

/// Largest request or response body examined, in bytes.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Runs `request` for a token whose access is limited to `patient`'s compartment.
pub(crate) async fn guard(
    state: &ServerState,
    patient: &str,
    target: &Target,
    request: Request,
    next: Next,
) -> Response {
    let compartment = Compartment::new(patient, state.base_url());
    let Some(resource_type) = target.resource_type.as_deref() else {
        return forbidden(
            state,
            "system-level interactions reach beyond the patient compartment the token allows",
        );
    };
    match target.interaction {
        Interaction::Search => {
            let Some((name, value)) = compartment.search_restriction(resource_type) else {
                return forbidden(
                    state,
                    &format!("{resource_type} resources are outside the patient compartment"),
                );
            };
            let request = with_query_param(request, name, &value);
            filter_results(next.run(request).await, &compartment).await
        }
        Interaction::HistoryType => forbidden(
            state,
            "type-level history is not limited to one patient's compartment; search instead",
        ),
        Interaction::Read
        | Interaction::VRead
        | Interaction::HistoryInstance
        | Interaction::Create
        | Interaction::Update
        | Interaction::Delete => {
            if let Some(id) = &target.id {
                let outside = state
                    .store()
                    .history(HistoryScope::Instance(resource_type, id))
                    .iter()
                    .filter_map(|version| version.resource.as_ref())
                    .any(|resource| !compartment.contains(resource));
                if outside {
                    return forbidden(
                        state,
                        &format!("{resource_type}/{id} is outside the patient compartment"),
                    );
                }
            }
            if !matches!(
                target.interaction,
                Interaction::Create | Interaction::Update
            ) {
                return next.run(request).await;
            }
            let (parts, body) = request.into_parts();
            let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
                return FhirError::payload_too_large(format!(
                    "a request body may hold at most {MAX_BODY_BYTES} bytes"
                ))
                .into_response();
            };
            // A body that is not JSON is left to the interaction to refuse.
            let inside = serde_json::from_slice::<Value>(&bytes)
                .map(|resource| compartment.contains(&resource))
                .unwrap_or(true);
            if !inside {
                return forbidden(
                    state,
                    "the resource written must belong to the patient compartment",
                );
            }
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    }
}

/// `request` with `name=value` added to its query.
fn with_query_param(mut request: Request, name: &str, value: &str) -> Request {
    let pair = form_urlencoded::Serializer::new(String::new())
        .append_pair(name, value)
        .finish();
    let uri = request.uri();
    let path_and_query = match uri.query() {
        Some(query) if !query.is_empty() => format!("{}?{query}&{pair}", uri.path()),
        _ => format!("{}?{pair}", uri.path()),
    };
    let mut parts = uri.clone().into_parts();
    if let Ok(path_and_query) = PathAndQuery::try_from(path_and_query) {
        parts.path_and_query = Some(path_and_query);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}

/// A search response without the entries (included resources) outside the compartment.
async fn filter_results(response: Response, compartment: &Compartment<'_>) -> Response {
    if !response.status().is_success() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return FhirError::internal("the search result could not be read").into_response();
    };
    let mut bundle = match serde_json::from_slice::<Value>(&bytes) {
        Ok(bundle) => bundle,
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    if !compartment.filter_bundle(&mut bundle) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bundle.to_string()))
}
