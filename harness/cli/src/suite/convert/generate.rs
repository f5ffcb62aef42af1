//! `generate:` of a suite: `search` with its types, levels and samples; `profiles` with the
//! canonical prefix of the profiles it covers.

use indexmap::IndexMap;

use super::keys::Keys;
use super::level::level;
use super::values::{Text, boolean, count, entries, list, mapping};
use super::{Problem, Result};
use crate::suite::model::Level;
use crate::suite::yaml::Node;
use crate::suite::{
    DEFAULT_PROFILE_INSTANCES, Generators, ProfileGenerator, SEARCH_ID_PREFIX, SEARCH_VARIANTS,
    SearchGenerator,
};

/// The level of a generated check that `levels` does not pin.
const DEFAULT_LEVEL: Level = Level::Should;

#[derive(Debug, Clone, Copy, PartialEq)]
enum GenerateKey {
    Search,
    Profiles,
}

const GENERATE_KEYS: Keys<GenerateKey> = Keys::new(
    "generate",
    &[
        ("search", GenerateKey::Search),
        ("profiles", GenerateKey::Profiles),
    ],
);

#[derive(Debug, Clone, Copy, PartialEq)]
enum ProfilesKey {
    CanonicalPrefix,
    IdPrefix,
    Instances,
}

const PROFILES_KEYS: Keys<ProfilesKey> = Keys::new(
    "generate.profiles",
    &[
        ("canonical_prefix", ProfilesKey::CanonicalPrefix),
        ("id_prefix", ProfilesKey::IdPrefix),
        ("instances", ProfilesKey::Instances),
    ],
);

#[derive(Debug, Clone, Copy, PartialEq)]
enum SearchKey {
    Types,
    Level,
    Levels,
    Sample,
    Combinations,
    IdPrefix,
    PinnedOnly,
    RequiresProfile,
}

const SEARCH_KEYS: Keys<SearchKey> = Keys::new(
    "generate.search",
    &[
        ("types", SearchKey::Types),
        ("level", SearchKey::Level),
        ("levels", SearchKey::Levels),
        ("sample", SearchKey::Sample),
        ("combinations", SearchKey::Combinations),
        ("id_prefix", SearchKey::IdPrefix),
        ("pinned_only", SearchKey::PinnedOnly),
        ("requires_profile", SearchKey::RequiresProfile),
    ],
);

/// A resource type name as written in `types`, `levels` and `sample`.
const RESOURCE_TYPE: Text = Text::name("a resource type");

/// A test id prefix: letters, digits, `.`, `_` and `-`.
const ID_PREFIX: Text = Text::name("an id prefix");

/// Reads `generate:`, which must say what to generate.
pub(crate) fn generate(node: &Node) -> Result<Generators> {
    let mut seen = Vec::new();
    let mut generators = Generators::default();
    for (key, value) in mapping(node, "a mapping with `search` or `profiles`")? {
        match GENERATE_KEYS.check(key, &mut seen)? {
            GenerateKey::Search => generators.search = Some(search(value)?),
            GenerateKey::Profiles => generators.profiles = Some(profiles(value)?),
        }
    }
    if generators.is_empty() {
        return Err(Problem::at(
            node,
            "expected `search` or `profiles` in `generate`".to_owned(),
        ));
    }
    Ok(generators)
}

fn profiles(node: &Node) -> Result<ProfileGenerator> {
    let mut seen = Vec::new();
    let (mut canonical_prefix, mut id_prefix) = (None, None);
    let mut instances = DEFAULT_PROFILE_INSTANCES;
    let expected = "a mapping with `canonical_prefix`, `id_prefix` and `instances`";
    for (key, value) in mapping(node, expected)? {
        match PROFILES_KEYS.check(key, &mut seen)? {
            ProfilesKey::CanonicalPrefix => {
                canonical_prefix = Some(Text::non_empty("a canonical URL prefix").read(value)?)
            }
            ProfilesKey::IdPrefix => id_prefix = Some(ID_PREFIX.read(value)?),
            ProfilesKey::Instances => {
                instances = count(value)?;
                if instances == 0 {
                    return Err(Problem::at(
                        value,
                        "expected at least 1 instance to inspect".to_owned(),
                    ));
                }
            }
        }
    }
    Ok(ProfileGenerator {
        canonical_prefix: PROFILES_KEYS.required(
            canonical_prefix,
            ProfilesKey::CanonicalPrefix,
            node,
        )?,
        id_prefix: PROFILES_KEYS.required(id_prefix, ProfilesKey::IdPrefix, node)?,
        instances,
    })
}

fn search(node: &Node) -> Result<SearchGenerator> {
    let mut seen = Vec::new();
    let mut generator = SearchGenerator {
        types: None,
        level: DEFAULT_LEVEL,
        levels: IndexMap::new(),
        sample: IndexMap::new(),
        combinations: IndexMap::new(),
        id_prefix: SEARCH_ID_PREFIX.to_owned(),
        pinned_only: false,
        requires_profile: IndexMap::new(),
    };
    let expected = "a mapping with `types`, `level`, `levels`, `sample`, `combinations`, `id_prefix`, `pinned_only` or `requires_profile`";
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
            SearchKey::IdPrefix => generator.id_prefix = ID_PREFIX.read(value)?,
            SearchKey::PinnedOnly => generator.pinned_only = boolean(value)?,
            SearchKey::RequiresProfile => {
                generator.requires_profile =
                    entries(value, "profiles by resource type", RESOURCE_TYPE, |url| {
                        Text::non_empty("a profile's canonical URL").read(url)
                    })?;
                for (name, _) in mapping(value, "")? {
                    resource_type(name)?;
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
