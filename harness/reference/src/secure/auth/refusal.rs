//! The FHIR API's answers to requests without sufficient authorization: 401 with a Bearer
//! challenge and 403, both with an OperationOutcome.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::defect::Defect;
use crate::response::fhir_json;
use crate::state::ServerState;

/// The challenge for a request without a token.
const CHALLENGE: &str = "Bearer realm=\"assure-reference\"";
/// The challenge for a request whose token is refused.
const INVALID_TOKEN_CHALLENGE: &str = "Bearer realm=\"assure-reference\", error=\"invalid_token\"";
/// The challenge for a token whose scopes fall short.
const INSUFFICIENT_SCOPE_CHALLENGE: &str =
    "Bearer realm=\"assure-reference\", error=\"insufficient_scope\"";

/// How a request failed to authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unauthenticated {
    /// No bearer token in the `Authorization` header.
    NoToken,
    /// A token that is refused.
    InvalidToken,
}

/// 401 with an OperationOutcome saying `diagnostics` and a Bearer challenge.
pub(crate) fn unauthorized(
    state: &ServerState,
    kind: Unauthenticated,
    diagnostics: &str,
) -> Response {
    let challenge = match kind {
        Unauthenticated::NoToken => CHALLENGE,
        Unauthenticated::InvalidToken => INVALID_TOKEN_CHALLENGE,
    };
    refusal(
        state,
        StatusCode::UNAUTHORIZED,
        "login",
        diagnostics,
        challenge,
    )
}

/// 403 with an OperationOutcome saying `diagnostics`.
pub(crate) fn forbidden(state: &ServerState, diagnostics: &str) -> Response {
    refusal(
        state,
        StatusCode::FORBIDDEN,
        "forbidden",
        diagnostics,
        INSUFFICIENT_SCOPE_CHALLENGE,
    )
}

fn refusal(
    state: &ServerState,
    status: StatusCode,
    code: &str,
    diagnostics: &str,
    challenge: &'static str,
) -> Response {
    let outcome = json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": "error", "code": code, "diagnostics": diagnostics }]
    });
    let mut response = fhir_json(status, &outcome);
    if !state.has(Defect::NoWwwAuthenticate) {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
    }
    response
}
