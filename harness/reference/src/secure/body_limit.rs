//! Request bodies the server refuses before any handler reads them: over 1 MiB (413) or JSON
//! nested deeper than 100 levels (400), both as OperationOutcomes.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use crate::defect::Defect;
use crate::outcome::FhirError;
use crate::state::ServerState;

/// Largest request body read, in bytes (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How much of an oversized body is read before the refusal is sent (64 MiB).
const MAX_DRAINED_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting of JSON arrays and objects read.
const MAX_JSON_DEPTH: usize = 100;

/// Middleware: reads the body up to [`MAX_BODY_BYTES`] and refuses oversized bodies and deeply
/// nested JSON; with `no-body-limit` those answer 500 instead, as a server that fell over.
pub async fn limit_body(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(bytes) = read_within_limit(body).await else {
        return refuse(
            &state,
            FhirError::payload_too_large(format!(
                "the request body exceeds the limit of {MAX_BODY_BYTES} bytes"
            )),
        );
    };
    let declared_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("json"));
    if declared_json && nests_deeper_than(&bytes, MAX_JSON_DEPTH) {
        return refuse(
            &state,
            FhirError::bad_request(format!(
                "the JSON body is nested deeper than {MAX_JSON_DEPTH} levels"
            )),
        );
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The body when it holds at most [`MAX_BODY_BYTES`]; `None` when it holds more (or breaks
/// off). An oversized body is still read, and dropped, up to [`MAX_DRAINED_BYTES`]: a client
/// still sending it then reads the refusal instead of a reset connection.
async fn read_within_limit(body: Body) -> Option<Bytes> {
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.ok()?;
        seen += chunk.len();
        if seen > MAX_DRAINED_BYTES {
            return None;
        }
        if seen <= MAX_BODY_BYTES {
            kept.extend_from_slice(&chunk);
        }
    }
    (seen <= MAX_BODY_BYTES).then(|| Bytes::from(kept))
}

fn refuse(state: &ServerState, error: FhirError) -> Response {
    if state.has(Defect::NoBodyLimit) {
        FhirError::internal("the server ran out of memory reading the request").into_response()
    } else {
        error.into_response()
    }
}

/// Whether arrays and objects in `json` nest deeper than `limit`, brackets inside strings
/// aside. Malformed JSON is left to the parser.
fn nests_deeper_than(json: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in json {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::nests_deeper_than;

    #[test]
    fn counts_nesting_outside_strings() {
        let deep = format!("{}{}", "[".repeat(101), "]".repeat(101));
        assert!(nests_deeper_than(deep.as_bytes(), 100));
        let at_limit = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(!nests_deeper_than(at_limit.as_bytes(), 100));
        let in_string = format!("{{\"a\":\"{}\\\"{}\"}}", "[".repeat(200), "{".repeat(200));
        assert!(!nests_deeper_than(in_string.as_bytes(), 100));
        assert!(!nests_deeper_than(br#"{"a":[{"b":[1,2]},{}]}"#, 4));
        assert!(nests_deeper_than(br#"{"a":[{"b":[1,2]},{}]}"#, 3));
    }
}
