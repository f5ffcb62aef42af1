//! One search criterion: a parameter with its modifier and values, and how it tests a
//! resource.

use serde_json::Value;

use super::date::DateQuery;
use super::escape::{split_alternatives, unescape};
use super::path;
use super::quantity::QuantityQuery;
use super::reference::ReferenceQuery;
use super::string::{StringMode, StringQuery};
use super::token::TokenQuery;
use super::uri::{UriMode, UriQuery};
use super::{SearchOptions, bad_value};
use crate::outcome::FhirError;
use crate::resource_types::{self, ParamKind, ResourceType, SearchParam};

/// A parameter and the test its values make.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// The parameter tested.
    pub param: &'static SearchParam,
    /// What its values ask.
    pub test: Test,
}

/// What a criterion asks of the values at its parameter's paths.
#[derive(Debug, Clone)]
pub enum Test {
    /// `:missing=true` (no value) or `:missing=false` (some value).
    Missing(bool),
    /// Some value matches one of these (comma-separated values are alternatives).
    AnyOf(Vec<Matcher>),
    /// No value matches any of these (`:not`).
    NoneOf(Vec<Matcher>),
    /// A chained parameter: the reference points to a resource of one of these types that
    /// meets its criterion. Resolved against the store into [`Test::AnyOf`] before matching.
    Chain(Vec<(&'static ResourceType, Criterion)>),
}

/// One value of a parameter, typed.
#[derive(Debug, Clone)]
pub enum Matcher {
    String(StringQuery),
    Token(TokenQuery),
    Date(DateQuery),
    Reference(ReferenceQuery),
    Quantity(QuantityQuery),
    Uri(UriQuery),
    /// `:identifier` on a reference: the token is tested against `Reference.identifier`.
    ReferenceIdentifier(TokenQuery),
}

impl Criterion {
    /// Parses `param[:modifier][.chained]=value` for `param`. The value is not empty.
    pub fn parse(
        param: &'static SearchParam,
        modifier: Option<&str>,
        chained: Option<&str>,
        value: &str,
        options: &SearchOptions,
    ) -> Result<Self, FhirError> {
        if let Some(chained) = chained {
            return Self::parse_chain(param, modifier, chained, value, options);
        }
        if modifier == Some("missing") {
            let missing = match value {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(FhirError::bad_request(format!(
                        "{}:missing takes true or false, not {value:?}",
                        param.name
                    )));
                }
            };
            return Ok(Self {
                param,
                test: Test::Missing(missing),
            });
        }
        let negated = param.kind == ParamKind::Token && modifier == Some("not");
        let matchers = split_alternatives(value)
            .iter()
            .map(|value| parse_matcher(param, modifier, value, options))
            .collect::<Result<Vec<_>, _>>()?;
        let test = if negated {
            Test::NoneOf(matchers)
        } else {
            Test::AnyOf(matchers)
        };
        Ok(Self { param, test })
    }

    fn parse_chain(
        param: &'static SearchParam,
        modifier: Option<&str>,
        chained: &str,
        value: &str,
        options: &SearchOptions,
    ) -> Result<Self, FhirError> {
        if param.kind != ParamKind::Reference {
            return Err(FhirError::bad_request(format!(
                "{} is not a reference parameter and cannot be chained",
                param.name
            )));
        }
        if chained.contains('.') {
            return Err(FhirError::bad_request(format!(
                "only one level of chaining is supported, not {}.{chained}",
                param.name
            )));
        }
        let targets = match modifier {
            Some(named) => vec![target_type(param, named)?],
            None => param.targets.to_vec(),
        };
        let (name, chained_modifier) = match chained.split_once(':') {
            Some((name, modifier)) => (name, Some(modifier)),
            None => (chained, None),
        };
        let mut chain = Vec::new();
        for target in targets {
            let Some(resource_type) = resource_types::served(target) else {
                continue;
            };
            if let Some(chained_param) = resource_type.search_param(name) {
                let criterion = Self::parse(chained_param, chained_modifier, None, value, options)?;
                chain.push((resource_type, criterion));
            }
        }
        if chain.is_empty() {
            return Err(FhirError::bad_request(format!(
                "{}.{name}: no type {} may point to has a search parameter {name:?}",
                param.name, param.name
            )));
        }
        Ok(Self {
            param,
            test: Test::Chain(chain),
        })
    }

    /// Whether `resource` meets the criterion. An unresolved chain matches nothing.
    pub fn matches(&self, resource: &Value) -> bool {
        let values: Vec<&Value> = self
            .param
            .paths
            .iter()
            .flat_map(|path| path::values(resource, path))
            .collect();
        let any = |matchers: &[Matcher]| {
            matchers
                .iter()
                .any(|matcher| values.iter().any(|value| matcher.matches(value)))
        };
        match &self.test {
            Test::Missing(missing) => values.is_empty() == *missing,
            Test::AnyOf(matchers) => any(matchers),
            Test::NoneOf(matchers) => !any(matchers),
            Test::Chain(_) => false,
        }
    }
}

impl Matcher {
    fn matches(&self, value: &Value) -> bool {
        match self {
            Self::String(query) => query.matches(value),
            Self::Token(query) => query.matches(value),
            Self::Date(query) => query.matches(value),
            Self::Reference(query) => query.matches(value),
            Self::Quantity(query) => query.matches(value),
            Self::Uri(query) => query.matches(value),
            Self::ReferenceIdentifier(query) => {
                value.get("identifier").is_some_and(|id| query.matches(id))
            }
        }
    }
}

fn parse_matcher(
    param: &'static SearchParam,
    modifier: Option<&str>,
    value: &str,
    options: &SearchOptions,
) -> Result<Matcher, FhirError> {
    let bad = |reason: String| bad_value(param, value, &reason);
    match (param.kind, modifier) {
        (ParamKind::String, None) => Ok(Matcher::String(StringQuery::new(
            StringMode::StartsWith,
            &unescape(value),
        ))),
        (ParamKind::String, Some("exact")) => {
            let mode = if options.exact_as_default {
                StringMode::StartsWith
            } else {
                StringMode::Exact
            };
            Ok(Matcher::String(StringQuery::new(mode, &unescape(value))))
        }
        (ParamKind::String, Some("contains")) => Ok(Matcher::String(StringQuery::new(
            StringMode::Contains,
            &unescape(value),
        ))),
        (ParamKind::Token, None | Some("not")) => {
            TokenQuery::parse(value).map(Matcher::Token).map_err(bad)
        }
        (ParamKind::Token, Some("text")) => Ok(Matcher::Token(TokenQuery::text(value))),
        (ParamKind::Token, Some("of-type")) if param.modifiers().contains(&"of-type") => {
            TokenQuery::of_type(value).map(Matcher::Token).map_err(bad)
        }
        (ParamKind::Date, None) => match DateQuery::parse(value, options.now) {
            Ok(query) if options.gt_as_ge => Ok(Matcher::Date(query.with_gt_as_ge())),
            Ok(query) => Ok(Matcher::Date(query)),
            Err(reason) if options.crash_on_bad_date => Err(FhirError::crash(&reason)),
            Err(reason) => Err(bad(reason)),
        },
        (ParamKind::Quantity, None) => match QuantityQuery::parse(value) {
            Ok(query) if options.quantity_ignores_unit => {
                Ok(Matcher::Quantity(query.with_unit_ignored_with_prefix()))
            }
            Ok(query) => Ok(Matcher::Quantity(query)),
            Err(reason) => Err(bad(reason)),
        },
        (ParamKind::Uri, None | Some("below" | "above")) => {
            let mode = match modifier {
                Some("below") => UriMode::Below,
                Some("above") => UriMode::Above,
                _ => UriMode::Exact,
            };
            Ok(Matcher::Uri(UriQuery::new(mode, &unescape(value))))
        }
        (ParamKind::Reference, None) => ReferenceQuery::parse(value, param.targets)
            .map(Matcher::Reference)
            .map_err(bad),
        (ParamKind::Reference, Some("identifier")) => TokenQuery::parse(value)
            .map(Matcher::ReferenceIdentifier)
            .map_err(bad),
        (ParamKind::Reference, Some(named)) if is_type_name(named) => {
            let target = target_type(param, named)?;
            ReferenceQuery::parse(value, &[target])
                .map(Matcher::Reference)
                .map_err(bad)
        }
        (_, Some(_)) if options.ignore_unknown_modifiers => {
            parse_matcher(param, None, value, options)
        }
        (_, modifier) => Err(FhirError::bad_request(format!(
            "modifier {:?} is not supported on {} (a {} parameter)",
            modifier.unwrap_or_default(),
            param.name,
            param.kind.code()
        ))),
    }
}

/// The target type `named` by a `:Type` modifier, if the parameter may point to it.
fn target_type(param: &SearchParam, named: &str) -> Result<&'static str, FhirError> {
    param
        .targets
        .iter()
        .copied()
        .find(|target| *target == named)
        .ok_or_else(|| {
            FhirError::bad_request(format!(
                "{} cannot point to {named:?}; its targets are {}",
                param.name,
                param.targets.join(", ")
            ))
        })
}

fn is_type_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_uppercase())
}
