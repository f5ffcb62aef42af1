//! The HTTP routes under the FHIR base path, and the defects applied to every response.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{from_fn_with_state, map_response_with_state};
use axum::response::Response;
use axum::routing::{get, post};

use std::sync::Arc;

use super::base_path::BASE_PATH;
use super::defect::Defect;
use super::interactions::{
    create, delete, history_instance, history_system, history_type, metadata, method_not_allowed,
    read, search_get, search_post, unknown_route, update, vread,
};
use super::secure::auth::{self, AuthContext, Authority};
use super::secure::{inject_headers, leak_stack_traces, limit_body, security_headers};
use super::state::ServerState;

/// The reference server's HTTP application over `state`; with an authority in `state`, also
/// the authorization server's routes, and the FHIR API needs bearer tokens.
pub fn router(state: ServerState, authority: Option<Arc<Authority>>) -> Router {
    let path = |tail: &str| format!("{BASE_PATH}{tail}");
    let mut router = Router::new()
        .route(&path("/metadata"), get(metadata))
        .route(&path("/_history"), get(history_system))
        .route(&path("/{type}"), get(search_get).post(create))
        .route(&path("/{type}/_search"), post(search_post))
        .route(&path("/{type}/_history"), get(history_type))
        .route(&path("/{type}/{id}"), get(read).put(update).delete(delete))
        .route(&path("/{type}/{id}/_history"), get(history_instance))
        .route(&path("/{type}/{id}/_history/{version}"), get(vread))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed);
    if let Some(authority) = authority {
        let context = AuthContext {
            server: state.clone(),
            authority,
        };
        router = auth::protect(router, context);
    }
    router
        .layer(from_fn_with_state(state.clone(), limit_body))
        .layer(from_fn_with_state(state.clone(), leak_stack_traces))
        .layer(from_fn_with_state(state.clone(), security_headers))
        .layer(from_fn_with_state(state.clone(), inject_headers))
        .layer(map_response_with_state(
            state.clone(),
            apply_response_defects,
        ))
        .with_state(state)
}

/// The defects that change every response of a kind: `bare-404`, `no-charset` and
/// `wrong-content-type`.
async fn apply_response_defects(
    State(state): State<ServerState>,
    mut response: Response,
) -> Response {
    if state.has(Defect::Bare404) && response.status() == StatusCode::NOT_FOUND {
        *response.body_mut() = Body::empty();
        response.headers_mut().remove(header::CONTENT_TYPE);
        response.headers_mut().remove(header::CONTENT_LENGTH);
    }
    if state.has(Defect::NoCharset)
        && let Some(media_type) = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .and_then(|media_type| HeaderValue::from_str(media_type.trim()).ok())
    {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, media_type);
    }
    if state.has(Defect::WrongContentType) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    }
    response
}
