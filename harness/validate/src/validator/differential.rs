//! A StructureDefinition's differential against its base: a constraint may not change a value
//! the base fixes, a renamed choice (`valueQuantity` for `value[x]`) must name one of the
//! choice's types, and a slicing discriminator must start with an element of the sliced
//! element.

use assure_model::Element;

use super::context::Context;
use super::issue::Severity;
use super::pattern::{describe, matches};
use super::profile::{Profile, capitalized};
use super::report::{Report, element_location};

/// Checks the differential of the StructureDefinition `sd` at `location`.
pub fn check(cx: &Context<'_>, report: &mut Report, sd: &Element, location: &str) {
    let text = |name: &str| sd.child(name).and_then(Element::text);
    let (Some("constraint"), Some(base_url)) = (text("derivation"), text("baseDefinition")) else {
        return;
    };
    if text("url") == Some(base_url) {
        // A definition derived from itself has no base to compare with.
        return;
    }
    let Some(base) = cx.validator.profile(base_url) else {
        return;
    };
    let Some(differential) = sd.child("differential") else {
        return;
    };
    let differential_location = format!("{location}.differential");
    for element in differential.children_named("element") {
        let Some(path) = element.child("path").and_then(Element::text) else {
            continue;
        };
        let element_loc = element_location(&differential_location, element);
        if let Some(problem) = path_problem(&base, path) {
            report.add(
                Severity::Error,
                element,
                &element_loc,
                "differential",
                problem,
            );
            continue;
        }
        for discriminator in element
            .child("slicing")
            .into_iter()
            .flat_map(|slicing| slicing.children_named("discriminator"))
        {
            let Some(discriminator_path) = discriminator.child("path").and_then(Element::text)
            else {
                continue;
            };
            if !discriminator_starts_in(cx, &base, path, discriminator_path) {
                let loc = element_location(&format!("{element_loc}.slicing"), discriminator);
                report.add(
                    Severity::Error,
                    discriminator,
                    &loc,
                    "differential",
                    format!(
                        "The discriminator path '{discriminator_path}' is not an element of the sliced element {path}"
                    ),
                );
            }
        }
        let Some(fixed) = element
            .children
            .iter()
            .find(|c| c.name.starts_with("fixed"))
        else {
            continue;
        };
        let base_fixed = base
            .elements
            .iter()
            .filter(|e| e.path == path && e.slice_name.is_none())
            .find_map(|e| e.fixed.as_ref());
        if let Some(expected) = base_fixed
            && !matches(fixed, expected, true)
        {
            let loc = element_location(&element_loc, fixed);
            report.add(
                Severity::Error,
                fixed,
                &loc,
                "differential",
                format!(
                    "{path} is fixed to {} in the base definition {base_url}; a constraint cannot change it",
                    describe(expected)
                ),
            );
        }
    }
}

/// Why `path` is not a valid renamed choice of the base: `Observation.valueBla` where the base
/// has `Observation.value[x]` without a type `Bla`.
fn path_problem(base: &Profile, path: &str) -> Option<String> {
    if base.elements.iter().any(|e| e.path == path) {
        return None;
    }
    let (parent, last) = path.rsplit_once('.')?;
    base.elements.iter().find_map(|e| {
        let stem = e.path.strip_suffix("[x]")?;
        let (choice_parent, choice_name) = stem.rsplit_once('.')?;
        let suffix = last.strip_prefix(choice_name)?;
        if choice_parent != parent || !suffix.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        let known = e.types.iter().any(|t| capitalized(&t.code) == suffix);
        (!known).then(|| {
            format!(
                "The path must be '{}' (or name one of its types), not '{path}'",
                e.path
            )
        })
    })
}

/// Whether the first step of `discriminator` names a child of the element at `path` (its own
/// children in `base`, else those of its single type). Steps that are functions, variables or
/// `$this` are not judged.
fn discriminator_starts_in(
    cx: &Context<'_>,
    base: &Profile,
    path: &str,
    discriminator: &str,
) -> bool {
    let first = discriminator.split('.').next().unwrap_or_default();
    if first.is_empty() || first.contains(['(', '$', '%']) {
        return true;
    }
    let Some(index) = base
        .elements
        .iter()
        .position(|e| e.path == path && e.slice_name.is_none())
    else {
        return true;
    };
    let def = &base.elements[index];
    let names: Vec<String> = if !def.children.is_empty() {
        def.children
            .iter()
            .map(|&c| base.elements[c].name.clone())
            .collect()
    } else {
        let [single] = def.types.as_slice() else {
            return true;
        };
        let Some(type_profile) = cx.validator.type_profile(&single.code) else {
            return true;
        };
        let root = &type_profile.elements[type_profile.root()];
        root.children
            .iter()
            .map(|&c| type_profile.elements[c].name.clone())
            .collect()
    };
    names.iter().any(|name| name == first)
}
