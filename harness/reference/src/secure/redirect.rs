//! The plain-HTTP side of a secure server: every request is sent to HTTPS, with no data.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::auth::Authority;
use crate::defect::Defect;
use crate::routes::router;
use crate::state::ServerState;

/// The application behind the plain-HTTP listener: a 301 to the same path and query on
/// `https_origin` (e.g. `https://127.0.0.1:8443`) for any request, or, with
/// `plain-http-served`, the FHIR API itself (guarded by `authority` as over HTTPS).
pub fn plain_http_app(
    https_origin: String,
    state: ServerState,
    authority: Option<Arc<Authority>>,
) -> Router {
    if state.has(Defect::PlainHttpServed) {
        return router(state, authority);
    }
    Router::new().fallback(redirect).with_state(https_origin)
}

async fn redirect(State(https_origin): State<String>, request: Request) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |path_and_query| path_and_query.as_str());
    match HeaderValue::from_str(&format!("{https_origin}{target}")) {
        Ok(location) => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}
