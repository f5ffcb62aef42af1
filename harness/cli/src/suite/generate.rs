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
}
