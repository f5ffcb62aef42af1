//! What a request under the FHIR base path touches: a resource type (or the whole system), a
//! resource id, and the interaction.

use axum::http::Method;

use super::scope::Interaction;

/// The resource and interaction a FHIR request is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The resource type; `None` for system-level requests (`/fhir`, `/fhir/_history`).
    pub(crate) resource_type: Option<String>,
    /// The resource id, for instance-level requests.
    pub(crate) id: Option<String>,
    /// What the request does.
    pub(crate) interaction: Interaction,
}

impl Target {
    /// The target of `method` on `path` relative to the FHIR base (`/Patient/x`, `` for the
    /// base itself).
    pub(crate) fn of(method: &Method, relative_path: &str) -> Self {
        let segments: Vec<&str> = relative_path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .collect();
        let reading = method == Method::GET || method == Method::HEAD;
        let by_method = |read: Interaction, write: Interaction| {
            if reading {
                read
            } else if method == Method::DELETE {
                Interaction::Delete
            } else {
                write
            }
        };
        let system = |interaction| Self {
            resource_type: None,
            id: None,
            interaction,
        };
        let Some((&first, rest)) = segments.split_first() else {
            return system(by_method(Interaction::Search, Interaction::Create));
        };
        if first.starts_with(['_', '$']) {
            return system(match first {
                "_history" => Interaction::HistoryType,
                "_search" => Interaction::Search,
                _ => by_method(Interaction::Search, Interaction::Create),
            });
        }
        let resource_type = Some(first.to_owned());
        let (id, interaction) = match rest {
            [] => (None, by_method(Interaction::Search, Interaction::Create)),
            ["_search"] => (None, Interaction::Search),
            ["_history"] => (None, Interaction::HistoryType),
            [operation] if operation.starts_with('$') => {
                (None, by_method(Interaction::Search, Interaction::Create))
            }
            [id] => (
                Some(*id),
                by_method(
                    Interaction::Read,
                    if method == Method::POST {
                        Interaction::Create
                    } else {
                        Interaction::Update
                    },
                ),
            ),
            [id, "_history"] => (Some(*id), Interaction::HistoryInstance),
            [id, "_history", _] => (Some(*id), Interaction::VRead),
            [id, ..] => (Some(*id), by_method(Interaction::Read, Interaction::Update)),
        };
        Self {
            resource_type,
            id: id.map(str::to_owned),
            interaction,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(resource_type: Option<&str>, id: Option<&str>, interaction: Interaction) -> Target {
        Target {
            resource_type: resource_type.map(str::to_owned),
            id: id.map(str::to_owned),
            interaction,
        }
    }

    #[test]
    fn routes_map_to_interactions() {
        let cases = [
            (
                Method::GET,
                "/Patient",
                expect(Some("Patient"), None, Interaction::Search),
            ),
            (
                Method::POST,
                "/Patient/_search",
                expect(Some("Patient"), None, Interaction::Search),
            ),
            (
                Method::POST,
                "/Patient",
                expect(Some("Patient"), None, Interaction::Create),
            ),
            (
                Method::GET,
                "/Patient/p1",
                expect(Some("Patient"), Some("p1"), Interaction::Read),
            ),
            (
                Method::PUT,
                "/Patient/p1",
                expect(Some("Patient"), Some("p1"), Interaction::Update),
            ),
            (
                Method::DELETE,
                "/Patient/p1",
                expect(Some("Patient"), Some("p1"), Interaction::Delete),
            ),
            (
                Method::GET,
                "/Patient/p1/_history",
                expect(Some("Patient"), Some("p1"), Interaction::HistoryInstance),
            ),
            (
                Method::GET,
                "/Patient/p1/_history/2",
                expect(Some("Patient"), Some("p1"), Interaction::VRead),
            ),
            (
                Method::GET,
                "/Patient/_history",
                expect(Some("Patient"), None, Interaction::HistoryType),
            ),
            (Method::GET, "", expect(None, None, Interaction::Search)),
            (
                Method::GET,
                "/_history",
                expect(None, None, Interaction::HistoryType),
            ),
            (Method::POST, "/", expect(None, None, Interaction::Create)),
        ];
        for (method, path, expected) in cases {
            assert_eq!(Target::of(&method, path), expected, "{method} {path}");
        }
    }
}
