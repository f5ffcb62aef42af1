//! One search criterion: a query parameter (`name[:modifier]=value[,value…]`) read against
//! its SearchParameter definition into typed values.
//!
//! OR: the comma-separated values of one parameter are alternatives; the resource matches
//! when any of them does (search.html#combining). AND: a repeated parameter
//! (`date=ge2024&date=lt2025`) is one criterion per occurrence; parse and judge each
//! separately, and the resource must match all of them.

use std::sync::Arc;

use crate::date::DateValue;
use crate::escape::{split, unescape};
use crate::modifier::Modifier;
use crate::number::Number;
use crate::parameter::{ParamType, SearchParameter};
use crate::prefix::Prefix;
use crate::quantity::QuantityValue;
use crate::reference::ReferenceValue;
use crate::registry::SearchParameters;
use crate::token::Token;

/// Parameters that shape the result (paging, sorting, includes, summaries), not which
/// resources match (search.html#return).
const RESULT_PARAMETERS: [&str; 12] = [
    "_count",
    "_sort",
    "_include",
    "_revinclude",
    "_summary",
    "_elements",
    "_total",
    "_contained",
    "_containedType",
    "_format",
    "_pretty",
    "_at",
];

/// Filters whose meaning the judge cannot evaluate on one resource offline.
const OPAQUE_PARAMETERS: [(&str, &str); 7] = [
    (
        "_text",
        "full-text search of the narrative is the server's own",
    ),
    (
        "_content",
        "full-text search of the whole resource is the server's own",
    ),
    ("_list", "membership of a List needs the List"),
    ("_query", "a named query is defined by the server"),
    ("_filter", "_filter expressions are not judged"),
    (
        "_type",
        "_type selects resource types across a system search",
    ),
    (
        "_has",
        "reverse chaining needs the resources that point to this one",
    ),
];

/// A typed parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchValue {
    String(String),
    Token(Token),
    Date(DateValue),
    Number {
        prefix: Prefix,
        number: Number,
    },
    Quantity(QuantityValue),
    Reference(ReferenceValue),
    Uri(String),
    /// One value per component, in the order of the definition's components.
    Composite(Vec<SearchValue>),
}

/// What a criterion asks of a resource.
#[derive(Debug, Clone)]
pub enum Test {
    /// Any of `values` (with the criterion's modifier) must match.
    Values {
        parameter: Arc<SearchParameter>,
        values: Vec<SearchValue>,
        /// The component definitions of a composite parameter, in order.
        components: Vec<Arc<SearchParameter>>,
    },
    /// `:missing=true` (no value) or `:missing=false` (some value).
    Missing {
        parameter: Arc<SearchParameter>,
        missing: bool,
    },
    /// The parameter does not filter (`_count`, `_sort` …): every resource satisfies it.
    NoFilter,
    /// The judge cannot evaluate this criterion offline; the reason says why.
    Undecidable(String),
}

/// A parsed query parameter.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// The parameter name as sent, with its modifier (`family:exact`).
    pub name: String,
    /// The value as sent (after URL decoding).
    pub value: String,
    /// The modifier, when one was given.
    pub modifier: Option<Modifier>,
    /// What the resource must satisfy.
    pub test: Test,
}

/// A criterion the harness could not read: the query itself is malformed for the parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}={value}: {problem}")]
pub struct CriterionError {
    /// The parameter name as sent.
    pub name: String,
    /// The value as sent.
    pub value: String,
    /// What is wrong.
    pub problem: String,
}

impl Criterion {
    /// Reads `name=value` (both URL-decoded) of a search on `resource_type`.
    pub fn parse(
        parameters: &SearchParameters,
        resource_type: &str,
        name: &str,
        value: &str,
    ) -> Result<Criterion, CriterionError> {
        let error = |problem: String| CriterionError {
            name: name.to_owned(),
            value: value.to_owned(),
            problem,
        };
        let (code, modifier_text) = match name.split_once(':') {
            Some((code, modifier)) => (code, Some(modifier)),
            None => (name, None),
        };
        let criterion = |modifier, test| Criterion {
            name: name.to_owned(),
            value: value.to_owned(),
            modifier,
            test,
        };
        if RESULT_PARAMETERS.contains(&code) {
            return Ok(criterion(None, Test::NoFilter));
        }
        if let Some((_, why)) = OPAQUE_PARAMETERS
            .iter()
            .find(|(opaque, _)| code == *opaque || code.starts_with(&format!("{opaque}:")))
        {
            return Ok(criterion(None, Test::Undecidable(format!("{code}: {why}"))));
        }
        if code.contains('.') || modifier_text.is_some_and(|m| m.contains('.')) {
            return Ok(criterion(
                None,
                Test::Undecidable(format!(
                    "{name} is a chained parameter: it needs the referenced resources (search.html#chaining)"
                )),
            ));
        }
        let Some(parameter) = parameters.get(resource_type, code) else {
            return Ok(criterion(
                None,
                Test::Undecidable(format!(
                    "no SearchParameter '{code}' is known for {resource_type}"
                )),
            ));
        };
        let modifier = modifier_text
            .map(|m| Modifier::parse(m, parameter, parameters))
            .transpose()
            .map_err(error)?;
        if parameter.kind == ParamType::Special {
            return Ok(criterion(
                modifier,
                Test::Undecidable(format!(
                    "{code} is a special parameter, defined by its own rules"
                )),
            ));
        }
        if modifier == Some(Modifier::Missing) && parameter.kind == ParamType::Composite {
            return Ok(criterion(
                modifier,
                Test::Undecidable(format!(
                    ":missing on the composite {code}: R4 does not say whether one component or all must be there"
                )),
            ));
        }
        if modifier == Some(Modifier::Missing) {
            let missing = match value {
                "true" => true,
                "false" => false,
                _ => return Err(error(":missing takes true or false".to_owned())),
            };
            return Ok(criterion(
                modifier,
                Test::Missing {
                    parameter: parameter.clone(),
                    missing,
                },
            ));
        }
        if parameter.url.ends_with("/individual-phonetic") {
            return Ok(criterion(
                modifier,
                Test::Undecidable(format!(
                    "{code} matches by sound, with an algorithm the server chooses"
                )),
            ));
        }
        if value.is_empty() {
            return Ok(criterion(
                modifier,
                Test::Undecidable(
                    "an empty value: servers may ignore the parameter or refuse it".to_owned(),
                ),
            ));
        }
        let parts = split(value, ',');
        if parts.len() > 1 && parameter.multiple_or == Some(false) {
            return Err(error(format!(
                "{code} does not allow several values (multipleOr is false)"
            )));
        }
        let components = if parameter.kind == ParamType::Composite {
            match component_definitions(parameters, parameter) {
                Ok(components) => components,
                Err(why) => return Ok(criterion(modifier, Test::Undecidable(why))),
            }
        } else {
            Vec::new()
        };
        let values = parts
            .iter()
            .map(|part| {
                let value = match parameter.kind {
                    ParamType::Composite => composite_value(part, &components, parameters),
                    kind => typed_value(kind, part, modifier.as_ref(), parameters),
                }?;
                check_comparator(parameter, &value)?;
                Ok(value)
            })
            .collect::<Result<Vec<_>, String>>()
            .map_err(error)?;
        Ok(criterion(
            modifier,
            Test::Values {
                parameter: parameter.clone(),
                values,
                components,
            },
        ))
    }
}

/// The definitions a composite's components name.
pub(crate) fn component_definitions(
    parameters: &SearchParameters,
    parameter: &SearchParameter,
) -> Result<Vec<Arc<SearchParameter>>, String> {
    if parameter.component.is_empty() {
        return Err(format!(
            "the composite {} declares no components",
            parameter.code
        ));
    }
    parameter
        .component
        .iter()
        .map(|c| {
            parameters
                .by_url(&c.definition)
                .cloned()
                .ok_or_else(|| format!("the component definition {} is not known", c.definition))
        })
        .collect()
}

/// Reads one `$`-joined composite value.
fn composite_value(
    text: &str,
    components: &[Arc<SearchParameter>],
    parameters: &SearchParameters,
) -> Result<SearchValue, String> {
    let parts = split(text, '$');
    if parts.len() != components.len() {
        return Err(format!(
            "'{text}' has {} part(s); the composite has {} components joined by '$' (search.html#composite)",
            parts.len(),
            components.len()
        ));
    }
    parts
        .iter()
        .zip(components)
        .map(|(part, component)| {
            if component.kind == ParamType::Composite {
                return Err("a composite of composites is not supported".to_owned());
            }
            typed_value(component.kind, part, None, parameters)
        })
        .collect::<Result<Vec<_>, _>>()
        .map(SearchValue::Composite)
}

/// Reads one value of a parameter of type `kind`.
fn typed_value(
    kind: ParamType,
    text: &str,
    modifier: Option<&Modifier>,
    parameters: &SearchParameters,
) -> Result<SearchValue, String> {
    Ok(match kind {
        ParamType::String => SearchValue::String(unescape(text)),
        ParamType::Uri => SearchValue::Uri(unescape(text)),
        ParamType::Token if modifier == Some(&Modifier::OfType) => {
            SearchValue::Token(Token::parse_of_type(text)?)
        }
        ParamType::Token if modifier == Some(&Modifier::Text) => {
            SearchValue::String(unescape(text))
        }
        ParamType::Token => SearchValue::Token(Token::parse(text)?),
        ParamType::Date => SearchValue::Date(DateValue::parse(text)?),
        ParamType::Number => {
            let (prefix, rest) = Prefix::split(text)?;
            SearchValue::Number {
                prefix,
                number: Number::parse(rest)?,
            }
        }
        ParamType::Quantity => SearchValue::Quantity(QuantityValue::parse(text)?),
        ParamType::Reference => match modifier {
            Some(Modifier::Identifier) => SearchValue::Token(Token::parse(text)?),
            Some(Modifier::Type(t)) => {
                SearchValue::Reference(ReferenceValue::parse(text, Some(t), |name| {
                    parameters.is_resource_type(name)
                })?)
            }
            _ => SearchValue::Reference(ReferenceValue::parse(text, None, |name| {
                parameters.is_resource_type(name)
            })?),
        },
        ParamType::Composite | ParamType::Special => {
            return Err(format!("a {kind} value cannot be read here"));
        }
    })
}

/// A prefix the definition's `comparator` list does not allow is refused.
fn check_comparator(parameter: &SearchParameter, value: &SearchValue) -> Result<(), String> {
    let prefix = match value {
        SearchValue::Date(d) => d.prefix,
        SearchValue::Number { prefix, .. } => *prefix,
        SearchValue::Quantity(q) => q.prefix,
        _ => return Ok(()),
    };
    let allowed = parameter.comparator.is_empty()
        || prefix == Prefix::Eq
        || parameter.comparator.iter().any(|c| c == prefix.code());
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "the prefix {prefix} is not among the comparators of {} ({})",
            parameter.code,
            parameter.comparator.join(", ")
        ))
    }
}
