//! The `leaks-stack-trace` defect: hostile-looking ids, search values and headers crash the
//! request, and the crash report goes to the client.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use crate::defect::Defect;
use crate::outcome::FhirError;
use crate::state::ServerState;

/// What makes a careless server fall over: quotes, markup, path traversal, operation names.
const HOSTILE: &[&str] = &["'", "<", "../", "$"];

/// Middleware: with `leaks-stack-trace`, a request whose decoded path or query, or any header
/// but `Authorization`, holds one of `'`, `<`, `../` or `$` answers 500 with a plain-text
/// stack trace naming the input.
pub async fn leak_stack_traces(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    if state.has(Defect::LeaksStackTrace) {
        let uri = request.uri();
        let path = percent_decode_str(uri.path()).decode_utf8_lossy();
        let query = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&");
        let headers = request
            .headers()
            .iter()
            .filter(|(name, _)| *name != header::AUTHORIZATION)
            .filter_map(|(_, value)| value.to_str().ok())
            .collect::<Vec<_>>()
            .join("\n");
        let input = format!("{path}?{query}");
        if HOSTILE
            .iter()
            .any(|hostile| input.contains(hostile) || headers.contains(hostile))
        {
            return FhirError::panic(
                "src/store.rs:212:40",
                &[
                    "assure_reference::store::Store::lookup",
                    "assure_reference::interactions::read",
                ],
                &format!("SyntaxError(\"unexpected input in {input}\")"),
            )
            .into_response();
        }
    }
    next.run(request).await
}
