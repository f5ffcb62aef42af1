//! Search: turning query parameters into criteria and testing resources against them.
//!
//! Repeated parameters must all match (AND); comma-separated values within one parameter
//! match if any does (OR). Parameters with an empty value and parameters the type does not
//! support are ignored and left out of the `self` link (with `Prefer: handling=strict` an
//! unsupported parameter is an error instead). A supported parameter with a bad value or an
//! unsupported modifier is a 400.

mod date;
mod path;
mod reference;
mod string;
mod token;

use serde_json::Value;

use super::outcome::FhirError;
use super::page::PageRequest;
use super::resource_types::{ParamKind, ResourceType, SearchParam};
use date::DateQuery;
use reference::ReferenceQuery;
use string::{StringMode, StringQuery};
use token::TokenQuery;

/// Parameters that control the response rather than select resources.
const RESULT_PARAMS: &[&str] = &["_count", "_offset", "_format", "_pretty"];

/// How parameters the type does not support are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// Ignore them (the FHIR default).
    Lenient,
    /// Refuse the search with 400 (`Prefer: handling=strict`).
    Strict,
}

/// A parsed search on one resource type.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    criteria: Vec<Criterion>,
    /// The page asked for.
    pub page: PageRequest,
    applied: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
struct Criterion {
    param: &'static SearchParam,
    test: Test,
}

#[derive(Debug, Clone)]
enum Test {
    Missing(bool),
    AnyOf(Vec<Matcher>),
}

#[derive(Debug, Clone)]
enum Matcher {
    String(StringQuery),
    Token(TokenQuery),
    Date(DateQuery),
    Reference(ReferenceQuery),
}

impl SearchRequest {
    /// Parses query (or form) parameters for a search on `resource_type`.
    /// `ignored` names a parameter the server pretends to apply but does not.
    pub fn parse(
        resource_type: &ResourceType,
        params: &[(String, String)],
        handling: Handling,
        ignored: Option<&str>,
    ) -> Result<Self, FhirError> {
        let page = PageRequest::from_params(params)?;
        let mut criteria = Vec::new();
        let mut applied = Vec::new();
        for (key, value) in params {
            let (name, modifier) = match key.split_once(':') {
                Some((name, modifier)) => (name, Some(modifier)),
                None => (key.as_str(), None),
            };
            if RESULT_PARAMS.contains(&name) {
                continue;
            }
            let Some(param) = resource_type.search_param(name) else {
                if handling == Handling::Strict {
                    return Err(FhirError::bad_request(format!(
                        "unknown search parameter {name:?} for {}",
                        resource_type.name
                    )));
                }
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let test = parse_test(param, modifier, value)?;
            applied.push((key.clone(), value.clone()));
            if ignored != Some(param.name) {
                criteria.push(Criterion { param, test });
            }
        }
        Ok(Self {
            criteria,
            page,
            applied,
        })
    }

    /// Whether `resource` satisfies every criterion.
    pub fn matches(&self, resource: &Value) -> bool {
        self.criteria.iter().all(|criterion| {
            let values: Vec<&Value> = criterion
                .param
                .paths
                .iter()
                .flat_map(|path| path::values(resource, path))
                .collect();
            match &criterion.test {
                Test::Missing(missing) => values.is_empty() == *missing,
                Test::AnyOf(matchers) => matchers
                    .iter()
                    .any(|matcher| values.iter().any(|value| matcher.matches(value))),
            }
        })
    }

    /// The search parameters applied, as they belong in paging links.
    pub fn applied(&self) -> &[(String, String)] {
        &self.applied
    }
}

impl Matcher {
    fn matches(&self, value: &Value) -> bool {
        match self {
            Self::String(query) => query.matches(value),
            Self::Token(query) => query.matches(value),
            Self::Date(query) => query.matches(value),
            Self::Reference(query) => query.matches(value),
        }
    }
}

fn parse_test(param: &SearchParam, modifier: Option<&str>, value: &str) -> Result<Test, FhirError> {
    if modifier == Some("missing") {
        return match value {
            "true" => Ok(Test::Missing(true)),
            "false" => Ok(Test::Missing(false)),
            _ => Err(FhirError::bad_request(format!(
                "{}:missing takes true or false, not {value:?}",
                param.name
            ))),
        };
    }
    let unsupported = || {
        FhirError::bad_request(format!(
            "modifier {:?} is not supported on {}",
            modifier.unwrap_or_default(),
            param.name
        ))
    };
    let (string_mode, type_modifier) = match (param.kind, modifier) {
        (_, None) => (StringMode::StartsWith, None),
        (ParamKind::String, Some("exact")) => (StringMode::Exact, None),
        (ParamKind::String, Some("contains")) => (StringMode::Contains, None),
        (ParamKind::Reference, Some(resource_type))
            if resource_type.starts_with(|c: char| c.is_ascii_uppercase()) =>
        {
            (StringMode::StartsWith, Some(resource_type))
        }
        _ => return Err(unsupported()),
    };
    let matchers = split_values(value)
        .into_iter()
        .map(|value| match param.kind {
            ParamKind::String => Ok(Matcher::String(StringQuery::new(string_mode, &value))),
            ParamKind::Token => Ok(Matcher::Token(TokenQuery::parse(&value))),
            ParamKind::Date => DateQuery::parse(&value)
                .map(Matcher::Date)
                .map_err(|reason| {
                    FhirError::bad_request(format!("bad value for {}: {reason}", param.name))
                }),
            ParamKind::Reference => {
                let target = type_modifier.or(param.target);
                let value = match type_modifier {
                    Some(resource_type) if !value.contains('/') => {
                        format!("{resource_type}/{value}")
                    }
                    _ => value,
                };
                Ok(Matcher::Reference(ReferenceQuery::parse(&value, target)))
            }
        })
        .collect::<Result<_, _>>()?;
    Ok(Test::AnyOf(matchers))
}

/// Splits a parameter value on unescaped commas; `\,` stands for a literal comma.
fn split_values(value: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(',') => current.push(','),
                Some(other) => {
                    current.push('\\');
                    current.push(other);
                }
                None => current.push('\\'),
            },
            ',' => values.push(std::mem::take(&mut current)),
            other => current.push(other),
        }
    }
    values.push(current);
    values
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
            Handling::Lenient,
            None,
        )
    }

    fn patient() -> Value {
        json!({
            "resourceType": "Patient", "id": "chloe-lefevre",
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
        let error = SearchRequest::parse(
            served("Patient").unwrap(),
            &params(&[("colour", "blue")]),
            Handling::Strict,
            None,
        )
        .unwrap_err();
        assert_eq!(error.status(), 400);
    }

    #[test]
    fn bad_values_and_modifiers_are_refused() {
        assert_eq!(
            search(&[("birthdate", "yesterday")]).unwrap_err().status(),
            400
        );
        assert_eq!(
            search(&[("gender:exact", "male")]).unwrap_err().status(),
            400
        );
        assert_eq!(
            search(&[("gender:missing", "maybe")]).unwrap_err().status(),
            400
        );
    }

    #[test]
    fn missing_and_exact_modifiers() {
        assert!(
            search(&[("birthdate:missing", "false")])
                .unwrap()
                .matches(&patient())
        );
        assert!(
            !search(&[("birthdate:missing", "true")])
                .unwrap()
                .matches(&patient())
        );
        assert!(
            search(&[("family:exact", "Lefèvre")])
                .unwrap()
                .matches(&patient())
        );
        assert!(
            !search(&[("family:exact", "Lefevre")])
                .unwrap()
                .matches(&patient())
        );
    }

    #[test]
    fn ignored_parameter_is_still_reported_as_applied() {
        let request = SearchRequest::parse(
            served("Patient").unwrap(),
            &params(&[("gender", "male")]),
            Handling::Lenient,
            Some("gender"),
        )
        .unwrap();
        assert!(request.matches(&patient()));
        assert_eq!(request.applied().len(), 1);
    }

    #[test]
    fn escaped_commas_stay_in_the_value() {
        assert_eq!(split_values(r"a\,b,c"), ["a,b", "c"]);
        assert_eq!(split_values(r"a\|b"), [r"a\|b"]);
        assert_eq!(split_values("x\\"), ["x\\"]);
    }
}
