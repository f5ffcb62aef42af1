//! The security headers of every response (HSTS in secure mode only), and the CORS answer.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::defect::Defect;
use crate::state::ServerState;

/// `Strict-Transport-Security`: HTTPS only, for a year.
const HSTS: &str = "max-age=31536000";

/// What `server-version-leak` reveals in `Server`.
const SERVER_SOFTWARE: &str = concat!("assure-reference/", env!("CARGO_PKG_VERSION"));

/// `X-Powered-By`, which [`http::header`] does not name.
const X_POWERED_BY: HeaderName = HeaderName::from_static("x-powered-by");

/// Middleware: adds `X-Content-Type-Options: nosniff` and, over HTTPS,
/// `Strict-Transport-Security`; removes
/// `Server` and `X-Powered-By`, and echoes a request's `Origin` in `Access-Control-Allow-Origin`
/// (never `*`, never with credentials), each unless a defect says otherwise.
pub async fn security_headers(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !state.has(Defect::NoNosniff) {
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    // RFC 6797 section 7.2: never over plain HTTP.
    if state.base_url().starts_with("https:") && !state.has(Defect::NoHsts) {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if state.has(Defect::ServerVersionLeak) {
        headers.insert(header::SERVER, HeaderValue::from_static(SERVER_SOFTWARE));
        headers.insert(X_POWERED_BY, HeaderValue::from_static("axum"));
    } else {
        headers.remove(header::SERVER);
        headers.remove(X_POWERED_BY);
    }
    if state.has(Defect::CorsWildcardCredentials) {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    } else if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}
