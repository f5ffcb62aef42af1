//! `:missing` (R4 search.html#modifiers): `true` matches resources with no value for the
//! parameter, `false` those with one. An element present only with extensions (e.g. a
//! data-absent-reason) has no value, but servers differ on it, so it is undecided; so is a
//! value the expression computes (`deceased.exists() and deceased != false` is `false` on a
//! Patient with no `deceased`), which says nothing about the element being there.

use assure_fhirpath::Item;

use crate::found::Found;
use crate::judgement::Judgement;

/// Whether an item holds a value (a primitive value, or children besides `id`/`extension`).
fn has_value(found: &Found) -> bool {
    match &found.item {
        Item::Value(_) => true,
        Item::Node(node) => {
            node.element.value.is_some()
                || node
                    .element
                    .children
                    .iter()
                    .any(|c| !matches!(c.name.as_str(), "id" | "extension" | "modifierExtension"))
        }
    }
}

/// Judges `:missing=missing` on the values found.
pub(crate) fn judge(found: &[Found], missing: bool, asked: &str, code: &str) -> Judgement {
    if let Some(computed) = found.iter().find(|f| matches!(f.item, Item::Value(_))) {
        return Judgement::Undecided {
            reason: format!(
                "{asked}: the expression of {code} computes a value ({}), not an element that is there or missing",
                computed.label()
            ),
        };
    }
    let certain = found.iter().any(|f| has_value(f) && f.doubt.is_none());
    let uncertain = found.iter().find(|f| !has_value(f) || f.doubt.is_some());
    match (certain, uncertain, missing) {
        (true, _, false) | (false, None, true) => Judgement::Matches,
        (true, _, true) => Judgement::DoesNotMatch {
            reason: format!(
                "{asked}: the resource has a value for {code}: {} (:missing=true: no value, search.html#modifiers)",
                found[0].label()
            ),
        },
        (false, None, false) => Judgement::DoesNotMatch {
            reason: format!(
                "{asked}: the resource has no value for {code} (:missing=false: some value, search.html#modifiers)"
            ),
        },
        (false, Some(f), _) => Judgement::Undecided {
            reason: format!(
                "{asked}: {}",
                f.doubt.clone().unwrap_or_else(|| format!(
                    "{} is present with extensions only; servers differ on whether that is missing",
                    f.label()
                ))
            ),
        },
    }
}
