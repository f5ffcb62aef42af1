//! Errors as FHIR OperationOutcome responses (or, for one defect, as a crash report).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::response::fhir_json;

/// A request the server refuses, rendered as an OperationOutcome with an HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirError {
    status: StatusCode,
    issue_code: &'static str,
    diagnostics: String,
    /// Rendered as a plain-text stack trace instead of an OperationOutcome (a defect).
    crash: bool,
    /// Seconds the client should wait before trying again (`Retry-After`).
    retry_after: Option<u32>,
}

impl FhirError {
    fn new(status: StatusCode, issue_code: &'static str, diagnostics: impl Into<String>) -> Self {
        Self {
            status,
            issue_code,
            diagnostics: diagnostics.into(),
            crash: false,
            retry_after: None,
        }
    }

    /// 500: the server failed; the OperationOutcome says so without internals.
    pub fn internal(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "exception", diagnostics)
    }

    /// 500 with a plain-text panic message and stack trace, as a careless server leaks them
    /// (the `malformed-date-500` defect).
    pub fn crash(reason: &str) -> Self {
        Self::panic(
            "src/search/date.rs:41:18",
            &[
                "assure_reference::search::date::DateQuery::parse",
                "assure_reference::search::execute::execute",
            ],
            reason,
        )
    }

    /// 500 with a plain-text panic at `location` (`file:line:column`) on unwrapping `reason`,
    /// and a stack trace whose innermost frames are `frames` (innermost first).
    pub fn panic(location: &str, frames: &[&str], reason: &str) -> Self {
        let mut trace = format!(
            "thread 'tokio-runtime-worker' panicked at {location}:\n\
             called `Result::unwrap()` on an `Err` value: {reason:?}\n\
             stack backtrace:\n   \
             0: rust_begin_unwind\n   \
             1: core::result::unwrap_failed\n"
        );
        for (index, frame) in frames.iter().enumerate() {
            trace.push_str(&format!("  {:>2}: {frame}\n", index + 2));
        }
        Self {
            crash: true,
            ..Self::internal(trace)
        }
    }

    /// 400: the request is malformed (bad JSON, wrong resource type, bad parameter value).
    pub fn bad_request(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid", diagnostics)
    }

    /// 404: no such resource type, resource, version or route.
    pub fn not_found(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", diagnostics)
    }

    /// 405: the route exists but not for this HTTP method.
    pub fn method_not_allowed(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "not-supported", diagnostics)
    }

    /// 406: the client accepts no format the server can produce.
    pub fn not_acceptable(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_ACCEPTABLE, "not-supported", diagnostics)
    }

    /// 410: the resource existed and was deleted.
    pub fn gone(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::GONE, "deleted", diagnostics)
    }

    /// 412: an `If-Match` precondition does not hold.
    pub fn precondition_failed(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::PRECONDITION_FAILED, "conflict", diagnostics)
    }

    /// 413: the request body exceeds the server's limit.
    pub fn payload_too_large(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too-costly", diagnostics)
    }

    /// 507: the server has no room left to store what was sent.
    pub fn insufficient_storage(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::INSUFFICIENT_STORAGE, "too-costly", diagnostics)
    }

    /// 503 with `Retry-After: retry_after` seconds: the server is too busy to take the request
    /// now.
    pub fn service_unavailable(diagnostics: impl Into<String>, retry_after: u32) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "throttled", diagnostics)
        }
    }

    /// 415: the request body is in a format the server does not read.
    pub fn unsupported_media_type(diagnostics: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-supported",
            diagnostics,
        )
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The OperationOutcome describing the error.
    pub fn to_operation_outcome(&self) -> Value {
        json!({
            "resourceType": "OperationOutcome",
            "issue": [{
                "severity": "error",
                "code": self.issue_code,
                "diagnostics": self.diagnostics,
            }]
        })
    }
}

impl std::fmt::Display for FhirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.diagnostics)
    }
}

impl std::error::Error for FhirError {}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        if self.crash {
            let mut response = (self.status, self.diagnostics).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            return response;
        }
        let mut response = fhir_json(self.status(), &self.to_operation_outcome());
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
