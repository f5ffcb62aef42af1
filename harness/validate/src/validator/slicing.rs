//! Slicing: assigning repetitions to slices (and re-slices) by their discriminators, then
//! checking each slice's cardinality and each repetition against its slice.

use std::collections::HashMap;
use std::sync::Arc;

use assure_fhirpath::ModelInfo;
use assure_model::Element;
use serde_json::Value;

use super::context::Scope;
use super::issue::Severity;
use super::pattern::matches;
use super::profile::{Profile, capitalized};
use super::reference;
use super::report::element_location;
use super::walk::Walk;

/// Checks the repetitions `items` of sliced element `base` (children of `parent`): each
/// against the slice it belongs to (the re-slice, when its slice is sliced again), then the
/// cardinality of every slice and re-slice.
pub fn check(
    walk: &mut Walk<'_>,
    parent: &Element,
    items: &[&Element],
    profile: &Arc<Profile>,
    base: usize,
    location: &str,
    scope: Scope<'_>,
) {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for item in items {
        let loc = element_location(location, item);
        let def = assign(walk, item, profile, base, base, &mut counts, &loc, scope);
        walk.element(item, profile, def, &loc, scope);
    }
    cardinalities(walk, parent, profile, base, &counts, location);
}

/// The definition `item` is checked against: the slice of `sliced` it belongs to, or that
/// slice's re-slice (profiling.html#reslicing: `sliceName` `a/b`), counted in each on the way;
/// `sliced` itself when it matches none, which a closed slicing reports. Slices are told
/// apart by the discriminators of `sliced`'s own slicing, else those of `inherited`.
#[allow(clippy::too_many_arguments)]
fn assign(
    walk: &mut Walk<'_>,
    item: &Element,
    profile: &Profile,
    sliced: usize,
    inherited: usize,
    counts: &mut HashMap<usize, usize>,
    location: &str,
    scope: Scope<'_>,
) -> usize {
    let def = &profile.elements[sliced];
    let slicing_at = if def.slicing.is_some() {
        sliced
    } else {
        inherited
    };
    let slot = def
        .slices
        .iter()
        .copied()
        .find(|&slice| in_slice(walk, item, profile, slicing_at, slice, scope));
    match slot {
        Some(slice) => {
            *counts.entry(slice).or_default() += 1;
            if profile.elements[slice].slices.is_empty() {
                slice
            } else {
                assign(
                    walk, item, profile, slice, slicing_at, counts, location, scope,
                )
            }
        }
        None => {
            if def.slicing.as_ref().is_some_and(|s| s.rules == "closed") {
                walk.report.add(
                    Severity::Error,
                    item,
                    location,
                    &def.id,
                    format!(
                        "This element does not match any known slice of {} and the slicing is \
                         closed",
                        slice_label(def)
                    ),
                );
            }
            sliced
        }
    }
}

/// `Patient.identifier`, or `Patient.identifier:a` for a slice that is sliced again.
fn slice_label(def: &super::profile::ElementDef) -> String {
    match &def.slice_name {
        Some(name) => format!("{}:{name}", def.path),
        None => def.path.clone(),
    }
}

/// Checks the number of items in each slice (and re-slice) of `sliced`.
fn cardinalities(
    walk: &mut Walk<'_>,
    parent: &Element,
    profile: &Profile,
    sliced: usize,
    counts: &HashMap<usize, usize>,
    location: &str,
) {
    for &slice in &profile.elements[sliced].slices {
        let def = &profile.elements[slice];
        walk.cardinality(
            parent,
            def,
            counts.get(&slice).copied().unwrap_or(0),
            location,
        );
        cardinalities(walk, parent, profile, slice, counts, location);
    }
}

/// Whether `item` belongs to `slice` by every discriminator of the base's slicing.
fn in_slice(
    walk: &Walk<'_>,
    item: &Element,
    profile: &Profile,
    base: usize,
    slice: usize,
    scope: Scope<'_>,
) -> bool {
    let Some(slicing) = &profile.elements[base].slicing else {
        return false;
    };
    if slicing.discriminators.is_empty() {
        return false;
    }
    slicing
        .discriminators
        .iter()
        .all(|(kind, path)| discriminator_matches(walk, item, profile, slice, kind, path, scope))
}

fn discriminator_matches(
    walk: &Walk<'_>,
    item: &Element,
    profile: &Profile,
    slice: usize,
    kind: &str,
    path: &str,
    scope: Scope<'_>,
) -> bool {
    // `x.resolve()` discriminates on `x` itself, except that a type discriminator compares
    // the type of the resource `x` points to with the slice's target types.
    let path = path.trim();
    let (nav_path, resolves) = match path.strip_suffix(".resolve()") {
        Some(p) => (p, true),
        None if path == "resolve()" => ("$this", true),
        None => (path, false),
    };
    let targets = navigate(item, nav_path);
    if kind == "type" && resolves {
        let def_index = definition_at(profile, slice, nav_path).unwrap_or(slice);
        let allowed: Vec<String> = profile.elements[def_index]
            .types
            .iter()
            .filter(|t| t.code == "Reference")
            .flat_map(|t| reference::target_types(&walk.cx, &t.target_profiles))
            .collect();
        return targets.iter().any(|t| {
            t.child("reference")
                .and_then(Element::text)
                .and_then(|r| reference::target_type(&walk.cx, r, scope))
                .is_some_and(|actual| allowed.contains(&actual))
        });
    }
    match kind {
        "value" | "pattern" => {
            let mut expected = expected_values(profile, slice, nav_path);
            if expected.is_empty() {
                expected = element_profile_values(walk, profile, slice, nav_path);
            }
            targets
                .iter()
                .any(|t| expected.iter().any(|e| matches(t, e, kind == "value")))
        }
        "exists" => {
            let required =
                definition_at(profile, slice, nav_path).map(|i| profile.elements[i].min > 0);
            match required {
                Some(true) => !targets.is_empty(),
                Some(false) => {
                    let forbidden = definition_at(profile, slice, nav_path)
                        .is_some_and(|i| profile.elements[i].max == Some(0));
                    !forbidden || targets.is_empty()
                }
                None => false,
            }
        }
        "type" => {
            let def_index = definition_at(profile, slice, nav_path).unwrap_or(slice);
            let allowed: Vec<&str> = profile.elements[def_index]
                .types
                .iter()
                .map(|t| t.code.as_str())
                .collect();
            targets.iter().any(|t| {
                let actual = t.resource_type.as_deref().map(str::to_owned).or_else(|| {
                    let def = &profile.elements[def_index];
                    t.name
                        .strip_prefix(def.name.as_str())
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                });
                // A resource matches a slice typed by a resource it derives from
                // (`Resource`, `DomainResource`), as FHIRPath's `is` does.
                let model = walk.cx.validator.model();
                actual.is_some_and(|a| {
                    allowed.iter().any(|code| {
                        *code == a
                            || capitalized(code) == a
                            || (t.resource_type.is_some() && model.is_subtype(&a, code))
                    })
                })
            })
        }
        "profile" if resolves => {
            // The resource each reference points to must conform to one of the slice's
            // target profiles.
            let def_index = definition_at(profile, slice, nav_path).unwrap_or(slice);
            let wanted: Vec<_> = profile.elements[def_index]
                .types
                .iter()
                .filter(|t| t.code == "Reference")
                .flat_map(|t| &t.target_profiles)
                .filter_map(|p| walk.cx.validator.profile(p))
                .collect();
            targets.iter().any(|t| {
                t.child("reference")
                    .and_then(Element::text)
                    .and_then(|r| reference::resolve_target(&walk.cx, r, scope))
                    .is_some_and(|(target, target_scope)| {
                        wanted.iter().any(|p| {
                            p.type_name.as_str() == target.resource_type.as_deref().unwrap_or("")
                                && walk.conforms(target, p, target_scope)
                        })
                    })
            })
        }
        "profile" => {
            let def_index = definition_at(profile, slice, nav_path).unwrap_or(slice);
            let wanted: Vec<&String> = profile.elements[def_index]
                .types
                .iter()
                .flat_map(|t| &t.profiles)
                .collect();
            !wanted.is_empty()
                && targets.iter().any(|t| {
                    // The element must conform to at least one of the profiles (R4
                    // ElementDefinition.type.profile), each on its own type.
                    wanted.iter().any(|p| match walk.cx.validator.profile(p) {
                        // A resource conforms only to profiles of its own type (or of one
                        // it derives from).
                        Some(target_profile)
                            if t.resource_type.as_deref().is_some_and(|actual| {
                                !walk
                                    .cx
                                    .validator
                                    .model()
                                    .is_subtype(actual, &target_profile.type_name)
                            }) =>
                        {
                            false
                        }
                        Some(target_profile) => {
                            let mut trial = walk.trial();
                            trial.against(
                                t,
                                &target_profile,
                                &t.name,
                                if t.resource_type.is_some() {
                                    scope.nested(t)
                                } else {
                                    scope
                                },
                            );
                            !trial.report.has_errors()
                        }
                        None => false,
                    })
                })
        }
        _ => false,
    }
}

/// The nodes reached from `item` by a simple dotted path (`$this`, `url`, `code.coding`,
/// `extension('http://x').value`, `ofType(X)` steps are followed loosely).
fn navigate<'e>(item: &'e Element, path: &str) -> Vec<&'e Element> {
    let mut current = vec![item];
    if path == "$this" || path.is_empty() {
        return current;
    }
    for step in split_path(path) {
        if step == "$this" {
            continue;
        }
        if let Some(url) = step
            .strip_prefix("extension('")
            .and_then(|s| s.strip_suffix("')"))
        {
            current = current
                .iter()
                .flat_map(|n| n.children_named("extension"))
                .filter(|e| e.child("url").and_then(Element::text) == Some(url))
                .collect();
            continue;
        }
        if step.starts_with("ofType(") {
            continue;
        }
        current = current
            .iter()
            .flat_map(|n| {
                n.children.iter().filter(move |c| {
                    c.name == step
                        || c.name
                            .strip_prefix(step)
                            .is_some_and(|s| s.starts_with(|ch: char| ch.is_ascii_uppercase()))
                })
            })
            .collect();
    }
    current
}

/// Splits a path on dots outside parentheses and quotes.
fn split_path(path: &str) -> Vec<&str> {
    let mut steps = Vec::new();
    let (mut depth, mut quoted, mut start) = (0, false, 0);
    for (i, c) in path.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            '.' if !quoted && depth == 0 => {
                steps.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    steps.push(&path[start..]);
    steps
}

/// The definition inside `slice` at the relative `path`.
fn definition_at(profile: &Profile, slice: usize, path: &str) -> Option<usize> {
    if path == "$this" {
        return Some(slice);
    }
    let mut current = slice;
    for step in split_path(path) {
        let name = step
            .strip_prefix("extension('")
            .map(|_| "extension")
            .unwrap_or(step);
        if step.starts_with("ofType(") || step == "$this" {
            continue;
        }
        let def = &profile.elements[current];
        current = *def
            .children
            .iter()
            .find(|&&c| profile.elements[c].name == name)?;
        if let Some(url) = step
            .strip_prefix("extension('")
            .and_then(|s| s.strip_suffix("')"))
        {
            let slices = &profile.elements[current].slices;
            current = *slices.iter().find(|&&s| {
                profile.elements[s]
                    .types
                    .iter()
                    .any(|t| t.profiles.iter().any(|p| p == url))
            })?;
        }
    }
    Some(current)
}

/// The values a slice requires at `path`: the one [`expected_value`] finds, else the fixed
/// or pattern values of the definitions at `path` reached through the slices of the elements
/// on the way (`code.coding.code` of a slice whose `code.coding` has a slice with a fixed
/// `code`, as the R4 blood pressure profile slices `Observation.component`).
fn expected_values(profile: &Profile, slice: usize, path: &str) -> Vec<Value> {
    if let Some(value) = expected_value(profile, slice, path) {
        return vec![value];
    }
    let mut current = vec![slice];
    for step in split_path(path) {
        if step == "$this" || step.starts_with("ofType(") {
            continue;
        }
        if step.contains('(') {
            return Vec::new();
        }
        current = current
            .iter()
            .flat_map(|&at| profile.elements[at].children.iter())
            .filter(|&&child| profile.elements[child].name == step)
            .flat_map(|&child| {
                std::iter::once(child).chain(profile.elements[child].slices.iter().copied())
            })
            .collect();
    }
    current
        .into_iter()
        .filter_map(|at| {
            let def = &profile.elements[at];
            def.fixed.clone().or_else(|| def.pattern.clone())
        })
        .collect()
}

/// The values a slice requires at `path` when its type profile names one of its elements
/// for the slice to conform to (the `elementdefinition-profile-element` extension, as a
/// library of section definitions is used by the profile of a document): those that element
/// requires at `path`.
fn element_profile_values(
    walk: &Walk<'_>,
    profile: &Profile,
    slice: usize,
    path: &str,
) -> Vec<Value> {
    let types = &profile.elements[slice].types;
    match types.iter().find_map(|t| walk.profile_element(t)) {
        Some((library, at)) => expected_values(&library, at, path),
        None => Vec::new(),
    }
}

/// The fixed or pattern value a slice requires at `path`: from the definition at that path,
/// or from a pattern on an ancestor navigated down the rest of the path. For extension
/// slices discriminated by `url`, the extension's profile is the value.
fn expected_value(profile: &Profile, slice: usize, path: &str) -> Option<Value> {
    if let Some(index) = definition_at(profile, slice, path) {
        let def = &profile.elements[index];
        if let Some(v) = def.fixed.clone().or_else(|| def.pattern.clone()) {
            return Some(v);
        }
    }
    if path == "url"
        && let Some(url) = profile.elements[slice]
            .types
            .iter()
            .flat_map(|t| &t.profiles)
            .next()
    {
        return Some(Value::String(url.clone()));
    }
    let steps = split_path(path);
    for cut in (0..steps.len()).rev() {
        let head = if cut == 0 {
            "$this".to_owned()
        } else {
            steps[..cut].join(".")
        };
        let Some(index) = definition_at(profile, slice, &head) else {
            continue;
        };
        let def = &profile.elements[index];
        let Some(mut value) = def.fixed.clone().or_else(|| def.pattern.clone()) else {
            continue;
        };
        for step in &steps[cut..] {
            value = match value {
                Value::Array(items) => items.into_iter().next()?.get(*step)?.clone(),
                other => other.get(*step)?.clone(),
            };
        }
        return Some(value);
    }
    None
}
