//! One SearchParameter definition (R4 `SearchParameter` resource): what the judge reads of it,
//! with the expression parsed once per base resource type.

use std::collections::HashMap;
use std::fmt;

use assure_fhirpath::{Expr, parse};
use serde::Deserialize;

use crate::expression::{Path, paths_for};

/// The search parameter types of R4 (search.html#ptypes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Number,
    Date,
    String,
    Token,
    Reference,
    Composite,
    Quantity,
    Uri,
    Special,
}

impl ParamType {
    fn from_code(code: &str) -> Option<ParamType> {
        Some(match code {
            "number" => ParamType::Number,
            "date" => ParamType::Date,
            "string" => ParamType::String,
            "token" => ParamType::Token,
            "reference" => ParamType::Reference,
            "composite" => ParamType::Composite,
            "quantity" => ParamType::Quantity,
            "uri" => ParamType::Uri,
            "special" => ParamType::Special,
            _ => return None,
        })
    }
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParamType::Number => "number",
            ParamType::Date => "date",
            ParamType::String => "string",
            ParamType::Token => "token",
            ParamType::Reference => "reference",
            ParamType::Composite => "composite",
            ParamType::Quantity => "quantity",
            ParamType::Uri => "uri",
            ParamType::Special => "special",
        })
    }
}

/// A component of a composite parameter: the parameter it reuses (by canonical URL) and the
/// expression, relative to each item the composite's own expression selects.
#[derive(Debug, Clone)]
pub struct Component {
    /// Canonical URL of the component's SearchParameter.
    pub definition: String,
    /// The FHIRPath expression, as declared.
    pub expression: String,
    pub(crate) parsed: Result<Expr, String>,
}

/// A search parameter definition.
#[derive(Debug, Clone)]
pub struct SearchParameter {
    /// Canonical URL (empty when the resource declares none).
    pub url: String,
    /// The name used in queries (`family`, `_lastUpdated`).
    pub code: String,
    /// The resource types it applies to.
    pub base: Vec<String>,
    /// Its type.
    pub kind: ParamType,
    /// The FHIRPath expression, as declared.
    pub expression: Option<String>,
    /// Resource types a reference parameter may point to.
    pub target: Vec<String>,
    /// Modifiers the definition lists (R4 core definitions list none).
    pub modifier: Vec<String>,
    /// Prefixes the definition allows; empty means no restriction.
    pub comparator: Vec<String>,
    /// Whether several values may be ORed (`a,b`).
    pub multiple_or: Option<bool>,
    /// Whether the parameter may repeat (AND).
    pub multiple_and: Option<bool>,
    /// The components of a composite parameter.
    pub component: Vec<Component>,
    /// The parsed paths per base type, or why there are none.
    paths: HashMap<String, Result<Vec<Path>, String>>,
}

/// Why a JSON resource is not a usable SearchParameter.
#[derive(Debug, thiserror::Error)]
pub enum DefinitionError {
    #[error("not a SearchParameter resource")]
    NotASearchParameter,
    #[error("the SearchParameter cannot be read: {0}")]
    Invalid(#[from] serde_json::Error),
    #[error("the SearchParameter {code} has an unknown type '{kind}'")]
    UnknownType { code: String, kind: String },
}

/// The fields of a SearchParameter resource the judge reads.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchParameterJson {
    #[serde(default)]
    url: String,
    code: String,
    #[serde(default)]
    base: Vec<String>,
    #[serde(rename = "type")]
    kind: String,
    expression: Option<String>,
    #[serde(default)]
    target: Vec<String>,
    #[serde(default)]
    modifier: Vec<String>,
    #[serde(default)]
    comparator: Vec<String>,
    multiple_or: Option<bool>,
    multiple_and: Option<bool>,
    #[serde(default)]
    component: Vec<ComponentJson>,
}

#[derive(Deserialize)]
struct ComponentJson {
    definition: String,
    expression: String,
}

impl SearchParameter {
    /// Reads a SearchParameter resource (R4 JSON).
    pub fn from_json(json: &serde_json::Value) -> Result<SearchParameter, DefinitionError> {
        if json.get("resourceType").and_then(|t| t.as_str()) != Some("SearchParameter") {
            return Err(DefinitionError::NotASearchParameter);
        }
        SearchParameter::from_sketch(SearchParameterJson::deserialize(json)?)
    }

    pub(crate) fn from_sketch(
        json: SearchParameterJson,
    ) -> Result<SearchParameter, DefinitionError> {
        let kind =
            ParamType::from_code(&json.kind).ok_or_else(|| DefinitionError::UnknownType {
                code: json.code.clone(),
                kind: json.kind.clone(),
            })?;
        let paths = json
            .base
            .iter()
            .map(|base| {
                let paths = match &json.expression {
                    Some(expression) => paths_for(expression, base),
                    None => Err("the definition has no expression".to_owned()),
                };
                (base.clone(), paths)
            })
            .collect();
        let component = json
            .component
            .into_iter()
            .map(|c| Component {
                parsed: parse(&c.expression)
                    .map_err(|e| format!("'{}' does not parse: {e}", c.expression)),
                definition: c.definition,
                expression: c.expression,
            })
            .collect();
        Ok(SearchParameter {
            url: json.url,
            code: json.code,
            base: json.base,
            kind,
            expression: json.expression,
            target: json.target,
            modifier: json.modifier,
            comparator: json.comparator,
            multiple_or: json.multiple_or,
            multiple_and: json.multiple_and,
            component,
            paths,
        })
    }

    /// The parsed paths that apply to `resource_type` (through a `Resource` or
    /// `DomainResource` base when the type is not a base itself), or why there are none.
    pub(crate) fn paths(&self, resource_type: &str) -> Result<&[Path], String> {
        let paths = self
            .paths
            .get(resource_type)
            .or_else(|| self.paths.get("DomainResource"))
            .or_else(|| self.paths.get("Resource"));
        match paths {
            Some(Ok(paths)) => Ok(paths),
            Some(Err(problem)) => Err(problem.clone()),
            None => Err(format!("{} does not apply to {resource_type}", self.code)),
        }
    }

    /// Why the expression (or a component's) cannot be used, per base; empty when all parse.
    pub fn expression_problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .paths
            .iter()
            .filter_map(|(base, paths)| paths.as_ref().err().map(|e| format!("{base}: {e}")))
            .collect();
        problems.extend(
            self.component
                .iter()
                .filter_map(|c| c.parsed.as_ref().err().cloned()),
        );
        problems.sort();
        problems
    }
}
