//! Building FHIR JSON responses and the version headers that go with resources.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use time::OffsetDateTime;
use time::macros::format_description;

/// The media type of every FHIR response the server produces.
pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

/// A response with `body` serialised as FHIR JSON.
pub fn fhir_json(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))],
        body.to_string(),
    )
        .into_response()
}

/// A weak ETag for a version id, as FHIR uses them: `W/"3"`.
pub fn etag(version_id: u64) -> String {
    format!("W/\"{version_id}\"")
}

/// Formats an instant as an HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(instant: OffsetDateTime) -> String {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    instant
        .to_offset(time::UtcOffset::UTC)
        .format(&format)
        .expect("an HTTP-date format only uses fields every UTC instant has")
}

/// Adds `ETag` and `Last-Modified` for a resource version.
pub fn insert_version_headers(
    headers: &mut HeaderMap,
    version_id: u64,
    last_updated: OffsetDateTime,
) {
    let values = [
        (header::ETAG, etag(version_id)),
        (header::LAST_MODIFIED, http_date(last_updated)),
    ];
    for (name, value) in values {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn http_date_is_imf_fixdate_in_gmt() {
        assert_eq!(
            http_date(datetime!(1994-11-06 09:49:37 +01:00)),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
    }

    #[test]
    fn etag_is_weak_and_quoted() {
        assert_eq!(etag(3), "W/\"3\"");
    }
}
