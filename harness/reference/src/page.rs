//! Paging of search and history results with `_count` and `_offset`, and the Bundle links
//! that walk the pages.

use serde_json::{Value, json};

use super::outcome::FhirError;

/// Page size when the client gives no `_count`.
pub const DEFAULT_COUNT: usize = 50;
/// Largest page served; a bigger `_count` is reduced to this.
pub const MAX_COUNT: usize = 100;

/// Which slice of the results the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Entries per page (`_count`, at most [`MAX_COUNT`]; 0 asks for the total only).
    pub count: usize,
    /// Entries skipped before this page (`_offset`).
    pub offset: usize,
}

impl PageRequest {
    /// Reads `_count` and `_offset` (the first of each) from query parameters.
    pub fn from_params(params: &[(String, String)]) -> Result<Self, FhirError> {
        let number = |name: &str| -> Result<Option<usize>, FhirError> {
            params
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| {
                    value.parse::<usize>().map_err(|_| {
                        FhirError::bad_request(format!(
                            "{name} must be a non-negative integer, not {value:?}"
                        ))
                    })
                })
                .transpose()
        };
        Ok(Self {
            count: number("_count")?.unwrap_or(DEFAULT_COUNT).min(MAX_COUNT),
            offset: number("_offset")?.unwrap_or(0),
        })
    }

    /// The items on this page.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = self.offset.min(items.len());
        let end = start.saturating_add(self.count).min(items.len());
        &items[start..end]
    }

    /// Bundle links (`self`, `first`, `previous`, `next`, `last`) for this page of `total`
    /// results at `endpoint`, repeating the `applied` parameters. `next` is left out when
    /// `with_next` is false.
    pub fn links(
        &self,
        endpoint: &str,
        applied: &[(String, String)],
        total: usize,
        with_next: bool,
    ) -> Vec<Value> {
        let link = |relation: &str, offset: usize| json!({"relation": relation, "url": self.url(endpoint, applied, offset)});
        let mut links = vec![link("self", self.offset)];
        if self.count == 0 {
            return links;
        }
        links.push(link("first", 0));
        if self.offset > 0 {
            links.push(link("previous", self.offset.saturating_sub(self.count)));
        }
        let next = self.offset.saturating_add(self.count);
        if with_next && next < total {
            links.push(link("next", next));
        }
        let last = total.saturating_sub(1) / self.count * self.count;
        links.push(link("last", last));
        links
    }

    fn url(&self, endpoint: &str, applied: &[(String, String)], offset: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(applied);
        query.append_pair("_count", &self.count.to_string());
        if offset > 0 {
            query.append_pair("_offset", &offset.to_string());
        }
        format!("{endpoint}?{}", query.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(count: &str, offset: &str) -> Result<PageRequest, FhirError> {
        PageRequest::from_params(&[
            ("_count".to_owned(), count.to_owned()),
            ("_offset".to_owned(), offset.to_owned()),
        ])
    }

    fn relations(links: &[Value]) -> Vec<(&str, &str)> {
        links
            .iter()
            .map(|link| {
                (
                    link["relation"].as_str().unwrap(),
                    link["url"].as_str().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn defaults_and_limits() {
        assert_eq!(
            PageRequest::from_params(&[]).unwrap(),
            PageRequest {
                count: DEFAULT_COUNT,
                offset: 0
            }
        );
        assert_eq!(request("1000", "0").unwrap().count, MAX_COUNT);
        assert_eq!(request("-1", "0").unwrap_err().status(), 400);
        assert_eq!(request("2", "x").unwrap_err().status(), 400);
    }

    #[test]
    fn middle_page_links_both_ways() {
        let page = request("2", "2").unwrap();
        let applied = [("gender".to_owned(), "female".to_owned())];
        let links = page.links("http://h/fhir/Patient", &applied, 5, true);
        assert_eq!(
            relations(&links),
            [
                (
                    "self",
                    "http://h/fhir/Patient?gender=female&_count=2&_offset=2"
                ),
                ("first", "http://h/fhir/Patient?gender=female&_count=2"),
                ("previous", "http://h/fhir/Patient?gender=female&_count=2"),
                (
                    "next",
                    "http://h/fhir/Patient?gender=female&_count=2&_offset=4"
                ),
                (
                    "last",
                    "http://h/fhir/Patient?gender=female&_count=2&_offset=4"
                ),
            ]
        );
        assert_eq!(page.slice(&[1, 2, 3, 4, 5]), [3, 4]);
    }

    #[test]
    fn last_page_has_no_next_and_next_can_be_withheld() {
        let last = request("2", "4").unwrap();
        let links = last.links("e", &[], 5, true);
        assert!(relations(&links).iter().all(|(rel, _)| *rel != "next"));
        assert_eq!(last.slice(&[1, 2, 3, 4, 5]), [5]);
        let first = request("2", "0").unwrap();
        let links = first.links("e", &[], 5, false);
        assert!(relations(&links).iter().all(|(rel, _)| *rel != "next"));
    }

    #[test]
    fn count_zero_gives_only_self_and_offsets_past_the_end_are_empty() {
        let page = request("0", "0").unwrap();
        assert_eq!(
            relations(&page.links("e", &[], 5, true)),
            [("self", "e?_count=0")]
        );
        assert!(request("2", "99").unwrap().slice(&[1, 2]).is_empty());
    }
}
