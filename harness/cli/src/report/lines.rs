//! One-line plain-text renderings of evidence, shared by the text-based renderers.

use crate::results::{AssertionResult, DataResult, Exchange};

/// `METHOD URL → status (N ms)`, or the transport error when there was no response.
pub fn exchange_line(exchange: &Exchange) -> String {
    let outcome = match (&exchange.response, &exchange.error) {
        (Some(response), _) => response.status.to_string(),
        (None, Some(error)) => format!("no response: {error}"),
        (None, None) => "no response".to_string(),
    };
    let retry = if exchange.attempt > 1 {
        format!(", attempt {}", exchange.attempt)
    } else {
        String::new()
    };
    format!(
        "{} {} → {outcome} ({} ms{retry})",
        exchange.request.method, exchange.request.url, exchange.duration_ms
    )
}

/// `description: expected X, got Y`.
pub fn assertion_line(assertion: &AssertionResult) -> String {
    format!(
        "{}: expected {}, got {}",
        assertion.description, assertion.expected, assertion.actual
    )
}

/// `name = value (found)`, or `name: reason (missing)`.
pub fn data_line(item: &DataResult) -> String {
    let settled = match (&item.value, &item.message) {
        (Some(value), _) => format!("{} = {}", item.name, value.display()),
        (None, Some(message)) => format!("{}: {message}", item.name),
        (None, None) => item.name.clone(),
    };
    format!("{settled} ({})", item.status.as_str())
}
