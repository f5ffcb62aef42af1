//! What a recorded request exercised of a server's capabilities, read back from its method and
//! URL: the resource type, the interaction (`read`, `search-type`, `history-instance`, …) and,
//! for a search, the search parameters named in its query. Reports use it to tell what the
//! checks exercised that the CapabilityStatement does not claim.

use percent_encoding::percent_decode_str;

use crate::results::{ClaimKind, RecordedRequest};

/// Query parameters that shape a search's result rather than select by a search parameter.
const RESULT_PARAMETERS: [&str; 12] = [
    "_count",
    "_sort",
    "_include",
    "_revinclude",
    "_summary",
    "_elements",
    "_contained",
    "_containedType",
    "_total",
    "_format",
    "_pretty",
    "_offset",
];

/// The `(resource type, kind, code)` claims `request` exercised; empty for a request outside
/// `base_url`, a system-wide or an operation request, or one that names no resource type.
pub fn exercised(base_url: &str, request: &RecordedRequest) -> Vec<(String, ClaimKind, String)> {
    let base = base_url.trim_end_matches('/');
    let Some(rest) = request
        .url
        .strip_prefix(base)
        .filter(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
    else {
        return Vec::new();
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let Some((&resource_type, rest)) = segments.split_first() else {
        return Vec::new();
    };
    let is_type = resource_type.starts_with(|c: char| c.is_ascii_uppercase())
        && resource_type.chars().all(|c| c.is_ascii_alphanumeric());
    if !is_type || rest.iter().any(|s| s.starts_with('$')) {
        return Vec::new();
    }
    let code = match (request.method.as_str(), rest) {
        ("GET", []) | ("POST", ["_search"]) => "search-type",
        ("POST", []) => "create",
        ("GET", ["_history"]) => "history-type",
        ("GET", [_]) => "read",
        ("PUT", [_]) => "update",
        ("PATCH", [_]) => "patch",
        ("DELETE", [_]) => "delete",
        ("GET", [_, "_history"]) => "history-instance",
        ("GET", [_, "_history", _]) => "vread",
        _ => return Vec::new(),
    };
    let claim = |kind, code: &str| (resource_type.to_owned(), kind, code.to_owned());
    let mut out = vec![claim(ClaimKind::Interaction, code)];
    if code == "search-type" {
        for pair in query.split('&') {
            let name = pair.split('=').next().unwrap_or_default();
            let name = percent_decode_str(name).decode_utf8_lossy();
            // `family:exact` and `subject.name` search by `family` and `subject`.
            let name = name.split([':', '.']).next().unwrap_or_default();
            let param = claim(ClaimKind::SearchParam, name);
            if !name.is_empty() && !RESULT_PARAMETERS.contains(&name) && !out.contains(&param) {
                out.push(param);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(method: &str, url: &str) -> Vec<String> {
        let request = RecordedRequest {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            body_file: None,
            body_truncated: false,
        };
        exercised("https://x.test/r4/", &request)
            .into_iter()
            .map(|(t, kind, code)| format!("{t} {} {code}", kind.as_str()))
            .collect()
    }

    #[test]
    fn interactions_and_search_parameters_are_read_from_method_and_url() {
        assert_eq!(
            codes("GET", "https://x.test/r4/Patient/1"),
            ["Patient interaction read"]
        );
        assert_eq!(
            codes("GET", "https://x.test/r4/Patient/1/_history/2"),
            ["Patient interaction vread"]
        );
        assert_eq!(
            codes(
                "GET",
                "https://x.test/r4/Patient?family%3Aexact=X&_count=5&subject.name=Y&family=Z"
            ),
            [
                "Patient interaction search-type",
                "Patient search-param family",
                "Patient search-param subject"
            ]
        );
        assert_eq!(
            codes("DELETE", "https://x.test/r4/Patient/1"),
            ["Patient interaction delete"]
        );
        assert!(codes("GET", "https://x.test/r4/metadata").is_empty());
        assert!(codes("POST", "https://x.test/r4/Patient/$validate").is_empty());
        assert!(codes("GET", "https://other.test/r4/Patient/1").is_empty());
        assert!(codes("GET", "https://x.test/r4/").is_empty());
        assert!(codes("GET", "https://x.test/r4Patient/1").is_empty());
    }
}
