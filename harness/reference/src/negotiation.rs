//! Content negotiation: the server reads and writes FHIR JSON only.
//!
//! `_format` wins over `Accept`. Accepted names for JSON: `json`, `application/json`,
//! `application/fhir+json` (and the legacy `application/json+fhir`); anything else, XML
//! included, is 406. An `Accept` header is satisfied by any of those, `*/*` or
//! `application/*` (a range with `q=0` excluded). A resource body must declare a JSON
//! `Content-Type`; a `_search` body without one is read as a form.

use axum::http::{HeaderMap, header};

use super::outcome::FhirError;

const JSON_TYPES: &[&str] = &[
    "application/fhir+json",
    "application/json",
    "application/json+fhir",
];

/// Checks that the client can take a JSON answer. With `ignore_format` (a defect), `_format`
/// is not looked at.
pub fn check_acceptable(
    headers: &HeaderMap,
    format: Option<&str>,
    ignore_format: bool,
) -> Result<(), FhirError> {
    if let Some(format) = format.filter(|_| !ignore_format) {
        let media_type = essence(format);
        return if media_type == "json" || JSON_TYPES.contains(&media_type.as_str()) {
            Ok(())
        } else {
            Err(FhirError::not_acceptable(format!(
                "_format {format:?} is not supported; this server only produces application/fhir+json"
            )))
        };
    }
    let accepts: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter(|range| !range.trim().is_empty())
        .collect();
    if accepts.is_empty() || accepts.iter().any(|range| accepts_json(range)) {
        Ok(())
    } else {
        Err(FhirError::not_acceptable(format!(
            "Accept {:?} excludes application/fhir+json, the only format this server produces",
            accepts.join(",")
        )))
    }
}

/// Checks that a resource body is declared, by `Content-Type`, as JSON.
pub fn check_json_body(headers: &HeaderMap) -> Result<(), FhirError> {
    if !headers.contains_key(header::CONTENT_TYPE) {
        return Err(FhirError::unsupported_media_type(
            "a resource body needs Content-Type: application/fhir+json",
        ));
    }
    check_content_type(headers, |media_type| JSON_TYPES.contains(&media_type))
}

/// Checks that a `_search` body is form-encoded.
pub fn check_form_body(headers: &HeaderMap) -> Result<(), FhirError> {
    check_content_type(headers, |media_type| {
        media_type == "application/x-www-form-urlencoded"
    })
}

fn check_content_type(
    headers: &HeaderMap,
    allowed: impl Fn(&str) -> bool,
) -> Result<(), FhirError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or_default();
    if allowed(&essence(text)) {
        Ok(())
    } else {
        Err(FhirError::unsupported_media_type(format!(
            "Content-Type {text:?} is not supported here"
        )))
    }
}

fn accepts_json(range: &str) -> bool {
    let mut parts = range.split(';');
    let media_type = essence(parts.next().unwrap_or_default());
    let refused = parts.any(|parameter| {
        parameter
            .trim()
            .strip_prefix("q=")
            .and_then(|q| q.trim().parse::<f32>().ok())
            .is_some_and(|q| q <= 0.0)
    });
    !refused
        && (media_type == "*/*"
            || media_type == "application/*"
            || JSON_TYPES.contains(&media_type.as_str()))
}

/// The media type without parameters, trimmed and lower-cased.
fn essence(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(name: header::HeaderName, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn accept_ranges() {
        for ok in [
            "*/*",
            "application/json",
            "application/fhir+json; fhirVersion=4.0",
            "application/fhir+xml, application/fhir+json;q=0.5",
            "application/*",
        ] {
            assert!(
                check_acceptable(&with(header::ACCEPT, ok), None, false).is_ok(),
                "{ok}"
            );
        }
        for refused in ["application/fhir+xml", "text/html", "application/json;q=0"] {
            let error = check_acceptable(&with(header::ACCEPT, refused), None, false).unwrap_err();
            assert_eq!(error.status(), 406, "{refused}");
        }
        assert!(check_acceptable(&HeaderMap::new(), None, false).is_ok());
    }

    #[test]
    fn format_overrides_accept_unless_ignored() {
        let xml_accept = with(header::ACCEPT, "application/fhir+xml");
        assert!(check_acceptable(&xml_accept, Some("json"), false).is_ok());
        assert!(check_acceptable(&HeaderMap::new(), Some("application/fhir+json"), false).is_ok());
        for format in ["xml", "application/fhir+xml", "ttl"] {
            let error = check_acceptable(&HeaderMap::new(), Some(format), false).unwrap_err();
            assert_eq!(error.status(), 406);
        }
        assert!(check_acceptable(&HeaderMap::new(), Some("xml"), true).is_ok());
    }

    #[test]
    fn body_content_types() {
        let json = with(header::CONTENT_TYPE, "application/fhir+json; charset=utf-8");
        assert!(check_json_body(&json).is_ok());
        assert_eq!(
            check_json_body(&HeaderMap::new()).unwrap_err().status(),
            415
        );
        assert!(check_form_body(&HeaderMap::new()).is_ok());
        let xml = with(header::CONTENT_TYPE, "application/fhir+xml");
        assert_eq!(check_json_body(&xml).unwrap_err().status(), 415);
        let form = with(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        assert!(check_form_body(&form).is_ok());
        assert_eq!(check_form_body(&json).unwrap_err().status(), 415);
    }
}
