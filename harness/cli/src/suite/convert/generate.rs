//! `generate:` of a suite: `search` with its types, levels and samples.

use indexmap::IndexMap;

use super::keys::Keys;
use super::level::level;
use super::values::{Text, entries, list, mapping};
use super::{Problem, Result};
use crate::suite::model::Level;
use crate::suite::yaml::Node;
use crate::suite::{SEARCH_VARIANTS, SearchGenerator};

/// The level of a generated check that `levels` does not pin.
const DEFAULT_LEVEL: Level = Level::Should;

#[derive(Debug, Clone, Copy, PartialEq)]
enum GenerateKey {
    Search,
}

const GENERATE_KEYS: Keys<GenerateKey> = Keys::new("generate", &[("search", GenerateKey::Search)]);

#[derive(Debug, Clone, Copy, PartialEq)]
enum SearchKey {
    Types,
    Level,
    Levels,
    Sample,
    Combinations,
}

const SEARCH_KEYS: Keys<SearchKey> = Keys::new(
    "generate.search",
    &[
        ("types", SearchKey::Types),
        ("level", SearchKey::Level),
        ("levels", SearchKey::Levels),
        ("sample", SearchKey::Sample),
        ("combinations", SearchKey::Combinations),
    ],
);

/// A resource type name as written in `types`, `levels` and `sample`.
const RESOURCE_TYPE: Text = Text::name("a resource type");

/// Reads `generate:`, which must say what to generate.
pub(crate) fn generate(node: &Node) -> Result<SearchGenerator> {
    let mut seen = Vec::new();
    let mut search_generator = None;
    for (key, value) in mapping(node, "a mapping with `search`")? {
        match GENERATE_KEYS.check(key, &mut seen)? {
            GenerateKey::Search => search_generator = Some(search(value)?),
        }
    }
    GENERATE_KEYS.required(search_generator, GenerateKey::Search, node)
}

fn search(node: &Node) -> Result<SearchGenerator> {
    let mut seen = Vec::new();
    let mut generator = SearchGenerator {
        types: None,
        level: DEFAULT_LEVEL,
        levels: IndexMap::new(),
        sample: IndexMap::new(),
        combinations: IndexMap::new(),
    };
    let expected = "a mapping with `types`, `level`, `levels`, `sample` or `combinations`";
    for (key, value) in mapping(node, expected)? {
        match SEARCH_KEYS.check(key, &mut seen)? {
            SearchKey::Types => {
                generator.types = Some(list(value, "a list of resource types", false, |t| {
                    resource_type(t)
                })?)
            }
            SearchKey::Level => generator.level = level(value)?,
            SearchKey::Levels => {
                generator.levels = entries(
                    value,
                    "levels by `Type.code` or `Type.code:variant`",
                    Text::non_empty("`Type.code`"),
                    level,
                )?;
                for (name, _) in mapping(value, "")? {
                    parameter_key(name)?;
                }
            }
            SearchKey::Combinations => {
                generator.combinations = entries(
                    value,
                    "levels by `Type.code+code`",
                    Text::non_empty("`Type.code+code`"),
                    level,
                )?;
                for (name, _) in mapping(value, "")? {
                    combination_key(name)?;
                }
            }
            SearchKey::Sample => {
                generator.sample =
                    entries(value, "sample ids by resource type", RESOURCE_TYPE, |id| {
                        Text::non_empty("a resource id").read(id)
                    })?;
                for (name, _) in mapping(value, "")? {
                    resource_type(name)?;
                }
            }
        }
    }
    Ok(generator)
}

/// A resource type: a name starting with a capital letter.
fn resource_type(node: &Node) -> Result<String> {
    let text = RESOURCE_TYPE.read(node)?;
    if text.starts_with(|c: char| c.is_ascii_uppercase()) && !text.contains(['.', '-']) {
        Ok(text)
    } else {
        Err(Problem::at(
            node,
            format!("expected a resource type such as `Patient`, found `{text}`"),
        ))
    }
}

/// Checks a `combinations` key: `Type.code+code[+code…]`.
fn combination_key(node: &Node) -> Result<()> {
    let text = node.scalar().unwrap_or_default();
    let well_formed = text.split_once('.').is_some_and(|(type_name, codes)| {
        let codes: Vec<&str> = codes.split('+').collect();
        type_name.starts_with(|c: char| c.is_ascii_uppercase())
            && type_name.chars().all(|c| c.is_ascii_alphanumeric())
            && codes.len() >= 2
            && codes.iter().all(|code| {
                !code.is_empty()
                    && code
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            })
    });
    if well_formed {
        Ok(())
    } else {
        Err(Problem::at(
            node,
            format!("expected `Type.code+code` (e.g. `Patient.family+gender`), found `{text}`"),
        ))
    }
}

/// Checks a `levels` key: `Type.code` or `Type.code:variant`.
fn parameter_key(node: &Node) -> Result<()> {
    let text = node.scalar().unwrap_or_default();
    let well_formed = text.split_once('.').is_some_and(|(type_name, rest)| {
        let (code, variant) = rest.split_once(':').unwrap_or((rest, "x"));
        type_name.starts_with(|c: char| c.is_ascii_uppercase())
            && type_name.chars().all(|c| c.is_ascii_alphanumeric())
            && !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            && (variant == "x" || SEARCH_VARIANTS.contains(&variant))
    });
    if well_formed {
        Ok(())
    } else {
        Err(Problem::at(
            node,
            format!(
                "expected `Type.code` or `Type.code:variant` (e.g. `Patient.family`, `Patient.family:exact`; variants: {}), found `{text}`",
                SEARCH_VARIANTS.join(", ")
            ),
        ))
    }
}
