//! `generate:`: tests a suite asks the runner to make at run time, from what the target
//! declares, rather than writing them out.

use indexmap::IndexMap;

use super::model::Level;

/// The variants a generated search check can have besides the plain one, as written after
/// `:` in `levels` keys and after the code in test ids: string `exact`, `exact-case` and
/// `contains`; token `system` (`system|code`), `no-system` (`|code`), `system-only`
/// (`system|`) and `not`; token and string `or`; date `ge`, `le`, `gt`, `lt`, `ne` and `ap`
/// (`ge` and `le` for numbers and quantities too); reference `id` (the id alone), `url`
/// (absolute) and `type` (`:Type`); any type `and` (the value twice) and `missing`
/// (`:missing=false`); date `sa` and `eb`; token `text` (`:text`) and `of-type` (`:of-type`);
/// reference `chain` (`:Type.identifier`); uri `below` and `above`.
pub const SEARCH_VARIANTS: [&str; 26] = [
    "exact",
    "exact-case",
    "contains",
    "system",
    "ge",
    "le",
    "gt",
    "lt",
    "id",
    "no-system",
    "system-only",
    "not",
    "or",
    "ne",
    "ap",
    "url",
    "type",
    "and",
    "missing",
    "sa",
    "eb",
    "text",
    "of-type",
    "chain",
    "below",
    "above",
];

/// `generate.search`: one search check per claimed resource type × search parameter ×
/// variant, made from the target's CapabilityStatement when the run starts.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchGenerator {
    /// Resource types to cover; `None` covers every type the target claims.
    pub types: Option<Vec<String>>,
    /// Level of a generated check that `levels` does not pin.
    pub level: Level,
    /// Levels pinned by `Type.code` (the parameter's plain variant) or `Type.code:variant`.
    pub levels: IndexMap<String, Level>,
    /// Per resource type, the id of the resource to take values from (interpolated).
    pub sample: IndexMap<String, String>,
    /// Combinations searched together (`Type.code+code…`), with their levels.
    pub combinations: IndexMap<String, Level>,
    /// The generated ids start with this (`SRCH` unless the suite says otherwise).
    pub id_prefix: String,
    /// Only the parameters and variants `levels` pins are checked (and `combinations`).
    pub pinned_only: bool,
    /// Per resource type, a profile the target must claim for the type's checks to apply;
    /// without the claim they are skipped.
    pub requires_profile: IndexMap<String, String>,
}

/// The id prefix of generated search checks unless a suite names another.
pub const SEARCH_ID_PREFIX: &str = "SRCH";

/// Everything a suite asks the runner to generate (`generate:`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Generators {
    /// `generate.search`: search checks from the claimed search parameters.
    pub search: Option<SearchGenerator>,
    /// `generate.profiles`: profile checks from the claimed profiles.
    pub profiles: Option<ProfileGenerator>,
}

impl Generators {
    /// Whether the suite generates nothing.
    pub fn is_empty(&self) -> bool {
        self.search.is_none() && self.profiles.is_none()
    }
}

/// `generate.profiles`: for every profile the target's CapabilityStatement claims
/// (`rest.resource.profile` or `supportedProfile`) whose canonical URL starts with
/// `canonical_prefix`, checks that the server serves instances of it, that they conform, that
/// its must-support elements are populated and that references in them resolve.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileGenerator {
    /// The profiles covered: canonical URLs starting with this.
    pub canonical_prefix: String,
    /// The generated ids start with this (`<id_prefix>-<Name>-<CHECK>`).
    pub id_prefix: String,
    /// Most instances inspected per profile.
    pub instances: usize,
}

/// The instances inspected per profile when `generate.profiles.instances` is not given.
pub const DEFAULT_PROFILE_INSTANCES: usize = 20;

/// The checks `generate.profiles` makes per claimed profile, as the last part of their ids:
/// instances are served and readable, they conform, must-support elements are populated,
/// references in must-support elements resolve.
pub const PROFILE_CHECKS: [&str; 4] = ["INSTANCES", "CONFORMS", "MUST-SUPPORT", "REFERENCES"];
