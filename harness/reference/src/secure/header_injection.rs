//! The `header-injection` defect: a search value with CR LF in it is copied into the
//! response's headers, so whatever follows the line break becomes a header of its own.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::defect::Defect;
use crate::state::ServerState;

/// Middleware: with `header-injection`, every `Name: value` line after a CR LF in a decoded
/// query value is added to the response as a header.
pub async fn inject_headers(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    if !state.has(Defect::HeaderInjection) {
        return next.run(request).await;
    }
    let injected: Vec<(HeaderName, HeaderValue)> =
        form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
            .flat_map(|(_, value)| {
                value
                    .split("\r\n")
                    .skip(1)
                    .filter_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        Some((
                            HeaderName::from_bytes(name.trim().as_bytes()).ok()?,
                            HeaderValue::from_str(value.trim()).ok()?,
                        ))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
    let mut response = next.run(request).await;
    for (name, value) in injected {
        response.headers_mut().append(name, value);
    }
    response
}
