//! Search: turning query parameters into criteria and result controls, and running them.
//!
//! Repeated parameters must all match (AND); comma-separated values within one parameter
//! match if any does (OR). Parameters with an empty value and parameters the type does not
//! support are ignored and left out of the `self` link (with `Prefer: handling=strict` an
//! unsupported parameter is an error instead). A supported parameter with a bad value or an
//! unsupported modifier is a 400. Result parameters (`_sort`, `_include`, `_revinclude`,
//! `_summary`, `_elements`) are validated too and, like criteria, echoed in the links;
//! `_count` and `_offset` are the page's own.

mod chain;
mod criterion;
mod date;
mod escape;
mod execute;
mod include;
mod index;
mod path;
mod prefix;
mod quantity;
mod reference;
mod sort;
mod string;
mod subset;
mod token;
mod uri;

use serde_json::Value;
use time::OffsetDateTime;

use super::outcome::FhirError;
use super::page::PageRequest;
use super::resource_types::{ResourceType, SearchParam};
use super::scan_limit::LARGE_SEARCH;
pub use criterion::Criterion;
use criterion::Test;
pub use date::parse_range;
pub use execute::{execute, prepare};
use include::Include;
pub use index::Index;
use index::narrows;
use sort::SortKey;
use subset::Subset;

/// Parameters that control the response and are not echoed in links.
const CONTROL_PARAMS: &[&str] = &["_count", "_offset", "_format", "_pretty", "_total"];

/// How parameters the type does not support are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// Ignore them (the FHIR default).
    Lenient,
    /// Refuse the search with 400 (`Prefer: handling=strict`).
    Strict,
}

/// How a search is read, including the misreadings defects ask for.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// What to do with unsupported parameters.
    pub handling: Handling,
    /// Parameters the server claims to apply but does not (a defect).
    pub ignored: Vec<&'static str>,
    /// `:exact` compares like the default starts-with (a defect).
    pub exact_as_default: bool,
    /// Date `gt` behaves as `ge` (a defect).
    pub gt_as_ge: bool,
    /// Quantity searches with a prefix other than `eq` ignore the unit (a defect).
    pub quantity_ignores_unit: bool,
    /// A malformed date crashes the server (a defect).
    pub crash_on_bad_date: bool,
    /// Unsupported parameters are echoed in links as if applied (a defect).
    pub claim_unsupported: bool,
    /// An unsupported modifier is dropped instead of refused (a defect).
    pub ignore_unknown_modifiers: bool,
    /// The present, for `ap` on dates.
    pub now: OffsetDateTime,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self {
            handling: Handling::Lenient,
            ignored: Vec::new(),
            exact_as_default: false,
            gt_as_ge: false,
            quantity_ignores_unit: false,
            crash_on_bad_date: false,
            claim_unsupported: false,
            ignore_unknown_modifiers: false,
            now: OffsetDateTime::now_utc(),
        }
    }
}

/// A parsed search on one resource type.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    criteria: Vec<Criterion>,
    /// The page asked for.
    pub page: PageRequest,
    sort: Vec<SortKey>,
    includes: Vec<Include>,
    subset: Subset,
    applied: Vec<(String, String)>,
}

impl SearchRequest {
    /// Parses query (or form) parameters for a search on `resource_type`.
    pub fn parse(
        resource_type: &'static ResourceType,
        params: &[(String, String)],
        options: &SearchOptions,
    ) -> Result<Self, FhirError> {
        let page = PageRequest::from_params(params)?;
        let mut request = Self {
            criteria: Vec::new(),
            page,
            sort: Vec::new(),
            includes: Vec::new(),
            subset: Subset::Full,
            applied: Vec::new(),
        };
        let mut summary = None;
        let mut elements = None;
        for (key, value) in params {
            let (head, chained) = match key.split_once('.') {
                Some((head, chained)) => (head, Some(chained)),
                None => (key.as_str(), None),
            };
            let (name, modifier) = match head.split_once(':') {
                Some((name, modifier)) => (name, Some(modifier)),
                None => (head, None),
            };
            if CONTROL_PARAMS.contains(&name) || value.is_empty() {
                continue;
            }
            match name {
                "_sort" => request.sort = sort::parse(resource_type, value)?,
                "_include" | "_revinclude" => request.includes.push(Include::parse(
                    resource_type,
                    name == "_revinclude",
                    modifier,
                    value,
                )?),
                "_summary" => summary = Some(value.as_str()),
                "_elements" => elements = Some(value.as_str()),
                _ => match resource_type.search_param(name) {
                    Some(param) => {
                        let criterion = Criterion::parse(param, modifier, chained, value, options)?;
                        if !options.ignored.contains(&param.name) {
                            request.criteria.push(criterion);
                        }
                    }
                    None if options.handling == Handling::Strict => {
                        return Err(FhirError::bad_request(format!(
                            "unknown search parameter {key:?} for {}",
                            resource_type.name
                        )));
                    }
                    None if options.claim_unsupported => {}
                    None => continue,
                },
            }
            request.applied.push((key.clone(), value.clone()));
        }
        request.subset = Subset::parse(summary, elements)?;
        Ok(request)
    }

    /// Whether the search selects anything (has criteria), rather than listing every resource.
    pub fn has_criteria(&self) -> bool {
        !self.criteria.is_empty()
    }

    /// Whether running the search walks every resource of a type (a full scan): no index
    /// narrows any of its criteria, or one of its chains looks up a criterion no index narrows.
    /// A chained criterion narrows the search once resolved, into references.
    pub fn scans(&self) -> bool {
        let mut chains = self
            .criteria
            .iter()
            .filter_map(|criterion| match &criterion.test {
                Test::Chain(chain) => Some(chain),
                _ => None,
            });
        let chain_scans =
            chains.any(|chain| chain.iter().any(|(_, looked_up)| !narrows(looked_up)));
        let narrowed = self
            .criteria
            .iter()
            .any(|criterion| matches!(criterion.test, Test::Chain(_)) || narrows(criterion));
        chain_scans || !narrowed
    }

    /// Whether running the search is heavy work: a full scan, or a search that may test more
    /// than [`LARGE_SEARCH`] resources, as `tests_more_than(criteria, limit)` tells from the
    /// store's indexes. Heavy work waits for a scan permit.
    pub fn is_heavy(&self, tests_more_than: impl FnOnce(&[Criterion], usize) -> bool) -> bool {
        self.scans() || tests_more_than(&self.criteria, LARGE_SEARCH)
    }

    /// Whether `resource` satisfies every criterion.
    pub fn matches(&self, resource: &Value) -> bool {
        self.criteria
            .iter()
            .all(|criterion| criterion.matches(resource))
    }

    /// The parameters applied, as they belong in paging links.
    pub fn applied(&self) -> &[(String, String)] {
        &self.applied
    }
}

/// A 400 for a value a parameter cannot take.
fn bad_value(param: &SearchParam, value: &str, reason: &str) -> FhirError {
    FhirError::bad_request(format!(
        "bad value {value:?} for {} ({} parameter): {reason}",
        param.name,
        param.kind.code()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource_types::served;
    use serde_json::json;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn search(pairs: &[(&str, &str)]) -> Result<SearchRequest, FhirError> {
        SearchRequest::parse(
            served("Patient").unwrap(),
            &params(pairs),
            &SearchOptions::default(),
        )
    }

    fn patient() -> Value {
        json!({
            "resourceType": "Patient", "id": "chloe-lefevre",
            "meta": {"profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]},
            "name": [{"family": "Lefèvre", "given": ["Chloé"]}],
            "gender": "female", "birthDate": "2001-01-30"
        })
    }

    #[test]
    fn repeated_parameters_and_comma_values() {
        assert!(
            search(&[("gender", "male,female")])
                .unwrap()
                .matches(&patient())
        );
        assert!(
            !search(&[("gender", "female"), ("birthdate", "1990")])
                .unwrap()
                .matches(&patient())
        );
        assert!(
            search(&[("birthdate", "ge2001"), ("birthdate", "lt2002")])
                .unwrap()
                .matches(&patient())
        );
    }

    #[test]
    fn unknown_and_empty_parameters_are_ignored_and_not_applied() {
        let request = search(&[("colour", "blue"), ("family", ""), ("_count", "2")]).unwrap();
        assert!(request.matches(&patient()));
        assert!(request.applied().is_empty());
        assert_eq!(request.page.count, 2);
    }

    #[test]
    fn strict_handling_refuses_unknown_parameters() {
        let options = SearchOptions {
            handling: Handling::Strict,
            ..SearchOptions::default()
        };
        let error = SearchRequest::parse(
            served("Patient").unwrap(),
            &params(&[("colour", "blue")]),
            &options,
        )
        .unwrap_err();
        assert_eq!(error.status(), 400);
    }

    #[test]
    fn bad_values_and_modifiers_are_refused() {
        for (key, value) in [
            ("birthdate", "yesterday"),
            ("birthdate", "xx2001"),
            ("gender:exact", "male"),
            ("gender:missing", "maybe"),
            ("gender", "a|b|c"),
            ("identifier:of-type", "MR|1"),
            ("general-practitioner:Patient", "x"),
            ("general-practitioner.name.family", "x"),
            ("family.name", "x"),
            ("family:fuzzy", "x"),
            ("_lastUpdated", "2024-13"),
            ("_profile:exact", "http://x"),
            ("_profile:not", "http://x"),
            ("_profile:missing", "yes"),
        ] {
            let error = search(&[(key, value)]).unwrap_err();
            assert_eq!(error.status(), 400, "{key}={value}");
        }
    }

    #[test]
    fn missing_not_and_exact_modifiers() {
        let matches = |key, value| search(&[(key, value)]).unwrap().matches(&patient());
        assert!(matches("birthdate:missing", "false"));
        assert!(!matches("birthdate:missing", "true"));
        assert!(matches("family:exact", "Lefèvre"));
        assert!(!matches("family:exact", "Lefevre"));
        assert!(matches("gender:not", "male"));
        assert!(!matches("gender:not", "male,female"));
        assert!(matches("identifier:not", "123"));
    }

    #[test]
    fn ignored_parameter_is_still_reported_as_applied() {
        let options = SearchOptions {
            ignored: vec!["gender"],
            ..SearchOptions::default()
        };
        let request = SearchRequest::parse(
            served("Patient").unwrap(),
            &params(&[("gender", "male")]),
            &options,
        )
        .unwrap();
        assert!(request.matches(&patient()));
        assert_eq!(request.applied().len(), 1);
    }

    #[test]
    fn profile_is_a_uri_parameter_with_below_above_and_missing() {
        let matches = |key: &str, value: &str| search(&[(key, value)]).unwrap().matches(&patient());
        let ukcore = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";
        assert!(matches("_profile", ukcore));
        assert!(matches(
            "_profile",
            "http://x,https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
        ));
        assert!(!matches(
            "_profile",
            "http://hl7.org/fhir/StructureDefinition/Patient"
        ));
        assert!(!matches(
            "_profile",
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
        ));
        assert!(matches(
            "_profile:below",
            "https://fhir.hl7.org.uk/StructureDefinition/"
        ));
        assert!(!matches(
            "_profile:below",
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
        ));
        assert!(matches("_profile:above", &format!("{ukcore}/child")));
        assert!(!matches("_profile:above", &format!("{ukcore}-Child")));
        assert!(matches("_profile:missing", "false"));
        assert!(!matches("_profile:missing", "true"));
        let both = search(&[
            ("_profile", ukcore),
            ("_profile:below", "https://fhir.hl7.org.uk"),
        ])
        .unwrap();
        assert!(both.matches(&patient()));
        assert_eq!(both.applied().len(), 2);
    }
}
