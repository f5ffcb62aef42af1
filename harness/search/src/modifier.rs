//! Search modifiers (R4 search.html#modifiers) and which parameter types take them.

use std::fmt;

use crate::parameter::{ParamType, SearchParameter};
use crate::registry::SearchParameters;

/// A modifier written after the parameter name (`family:exact`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modifier {
    /// `:missing` (every type).
    Missing,
    /// `:exact` (string).
    Exact,
    /// `:contains` (string).
    Contains,
    /// `:text` (token).
    Text,
    /// `:not` (token).
    Not,
    /// `:above` (token, uri, reference).
    Above,
    /// `:below` (token, uri, reference).
    Below,
    /// `:in` (token).
    In,
    /// `:not-in` (token).
    NotIn,
    /// `:of-type` (token on Identifier).
    OfType,
    /// `:identifier` (reference).
    Identifier,
    /// `:[type]` (reference): the resource type of the target.
    Type(String),
}

impl Modifier {
    /// Reads the modifier `text` of `parameter`; `Err` says why it cannot be used with it.
    pub(crate) fn parse(
        text: &str,
        parameter: &SearchParameter,
        parameters: &SearchParameters,
    ) -> Result<Modifier, String> {
        let modifier = match text {
            "missing" => Modifier::Missing,
            "exact" => Modifier::Exact,
            "contains" => Modifier::Contains,
            "text" => Modifier::Text,
            "not" => Modifier::Not,
            "above" => Modifier::Above,
            "below" => Modifier::Below,
            "in" => Modifier::In,
            "not-in" => Modifier::NotIn,
            "of-type" => Modifier::OfType,
            "identifier" => Modifier::Identifier,
            _ if parameter.kind == ParamType::Reference && parameters.is_resource_type(text) => {
                if !parameter.target.is_empty() && !parameter.target.iter().any(|t| t == text) {
                    return Err(format!(
                        "{text} is not a target of {} (targets: {})",
                        parameter.code,
                        parameter.target.join(", ")
                    ));
                }
                Modifier::Type(text.to_owned())
            }
            _ => return Err(format!("':{text}' is not a search modifier")),
        };
        if modifier.applies_to(parameter.kind) {
            Ok(modifier)
        } else {
            Err(format!(
                "':{text}' cannot be used on a {} parameter (search.html#modifiers)",
                parameter.kind
            ))
        }
    }

    /// Whether the modifier is defined for parameters of type `kind`.
    fn applies_to(&self, kind: ParamType) -> bool {
        use ParamType as T;
        match self {
            Modifier::Missing => true,
            Modifier::Exact | Modifier::Contains => kind == T::String,
            Modifier::Text | Modifier::Not | Modifier::In | Modifier::NotIn | Modifier::OfType => {
                kind == T::Token
            }
            Modifier::Above | Modifier::Below => {
                matches!(kind, T::Token | T::Uri | T::Reference)
            }
            Modifier::Identifier | Modifier::Type(_) => kind == T::Reference,
        }
    }
}

impl fmt::Display for Modifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Modifier::Missing => "missing",
            Modifier::Exact => "exact",
            Modifier::Contains => "contains",
            Modifier::Text => "text",
            Modifier::Not => "not",
            Modifier::Above => "above",
            Modifier::Below => "below",
            Modifier::In => "in",
            Modifier::NotIn => "not-in",
            Modifier::OfType => "of-type",
            Modifier::Identifier => "identifier",
            Modifier::Type(t) => t,
        })
    }
}
