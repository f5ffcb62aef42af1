//! Token endpoint errors as RFC 6749 §5.2 JSON.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The challenge sent with a 401 to a client that may authenticate with HTTP Basic.
const BASIC_CHALLENGE: &str = "Basic realm=\"assure-reference\"";

/// An error response of the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
    basic_challenge: bool,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            basic_challenge: false,
        }
    }

    /// 400 `invalid_request`: a parameter is missing, repeated or malformed.
    pub(crate) fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 401 `invalid_client`: client authentication failed; `basic` adds a Basic challenge.
    pub(crate) fn invalid_client(description: impl Into<String>, basic: bool) -> Self {
        Self {
            basic_challenge: basic,
            ..Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
        }
    }

    /// 400 `invalid_grant`, which the `bad-secret-wrong-error` defect answers for a bad secret.
    pub(crate) fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    /// 400 `unsupported_grant_type`.
    pub(crate) fn unsupported_grant_type(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            description,
        )
    }

    /// 500 `server_error`: the server failed to answer the request.
    pub(crate) fn server_error(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            description,
        )
    }

    /// 400 `invalid_scope`.
    pub(crate) fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.error, "error_description": self.description });
        let mut response = (self.status, Json(body)).into_response();
        if self.basic_challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(BASIC_CHALLENGE),
            );
        }
        response
    }
}
