//! References: the literal reference's form, contained targets and target types; a resolved
//! target is checked against the target profiles by a trial walk.

use std::sync::Arc;

use assure_model::{Element, Name};

use super::CheckReferences;
use super::context::{Context, Scope};
use super::issue::Severity;
use super::profile::{ElementDef, TypeRef};
use super::walk::Walk;
use crate::definitions::CORE_SD_BASE;

/// Checks a `Reference` element.
pub fn check(
    walk: &mut Walk<'_>,
    node: &Element,
    def: &ElementDef,
    location: &str,
    scope: Scope<'_>,
) {
    let Some(reference) = node.child("reference").and_then(Element::text) else {
        return;
    };
    check_aggregation(walk, node, def, location, reference, scope);
    if let Some(problem) = type_disagrees(node, reference) {
        walk.report
            .add(Severity::Error, node, location, &def.id, problem);
    }
    let targets: Vec<&str> = reference_types(def)
        .flat_map(|t| t.target_profiles.iter().map(String::as_str))
        .collect();
    // A target outside the document, from the caller's resolver (looked up only when the
    // document does not hold the target).
    let external: Option<Arc<Element>>;
    // The resource the reference resolves to, when it does.
    let mut resolved: Option<(&Element, Scope<'_>)> = None;
    let target_type = if let Some(id) = reference.strip_prefix('#') {
        if id.is_empty() {
            // `#` points at the container: the resource itself, or the resource that
            // contains it (R4 references.html#contained).
            scope.root.resource_type.clone()
        } else {
            // Contained resources resolve within their container, which may be the root.
            let found = [scope.resource, scope.root]
                .into_iter()
                .find_map(|container| {
                    container
                        .children_named("contained")
                        .find(|c| c.child("id").and_then(Element::text) == Some(id))
                });
            match found {
                Some(target) => {
                    let target_scope = Scope {
                        resource: target,
                        ..scope
                    };
                    resolved = Some((target, target_scope));
                    target.resource_type.clone()
                }
                None => {
                    walk.report.add(
                        Severity::Error,
                        node,
                        location,
                        &def.id,
                        format!(
                            "The reference '{reference}' does not resolve to a contained resource"
                        ),
                    );
                    return;
                }
            }
        }
    } else if let Some(target) =
        in_bundle(&walk.cx, reference, scope).or_else(|| in_parameters(reference, scope))
    {
        // An absolute reference matched a fullUrl, whose agreement with its resource the
        // Bundle rules check.
        if !reference.contains(':')
            && let Some(problem) = names_another_type(reference, target)
        {
            walk.report
                .add(Severity::Error, node, location, &def.id, problem);
            return;
        }
        let target_scope = Scope {
            resource: target,
            root: target,
            document: scope.document,
        };
        resolved = Some((target, target_scope));
        target.resource_type.clone()
    } else if reference.starts_with("urn:") {
        None
    } else if let Some(target) = {
        external = walk.cx.external_target(reference);
        external.as_deref()
    } {
        if let Some(problem) = names_another_type(reference, target) {
            walk.report
                .add(Severity::Error, node, location, &def.id, problem);
            return;
        }
        let target_scope = Scope {
            resource: target,
            root: target,
            document: target,
        };
        resolved = Some((target, target_scope));
        target.resource_type.clone()
    } else {
        let relative = !reference.contains(':') && literal_type(reference).is_some();
        let holds_targets = matches!(
            scope.document.resource_type.as_deref(),
            Some("Bundle" | "Parameters")
        );
        let must_resolve = walk.cx.switches.check_references == CheckReferences::Exists
            || (relative && holds_targets && walk.cx.policy.references_must_resolve);
        if must_resolve {
            walk.report.add(
                Severity::Error,
                node,
                location,
                &def.id,
                unresolved_message(&walk.cx, reference, scope),
            );
        }
        literal_type(reference).map(Name::from)
    };
    let Some(target_type) = target_type else {
        return;
    };
    if walk.cx.validator.type_profile(&target_type).is_none() {
        if !reference.contains("://") {
            walk.report.add(
                Severity::Error,
                node,
                location,
                &def.id,
                format!(
                    "The reference '{reference}' names an unknown resource type '{target_type}'"
                ),
            );
        }
        return;
    }
    let allowed = targets.is_empty()
        || targets.iter().any(|t| {
            let base = t.split('|').next().unwrap_or_default();
            base == format!("{CORE_SD_BASE}{target_type}")
                || base == format!("{CORE_SD_BASE}Resource")
                || walk
                    .cx
                    .validator
                    .profile(t)
                    .is_some_and(|p| p.type_name == target_type)
        });
    if allowed && let Some(resolved) = resolved {
        conforms_to_target_profiles(walk, node, def, location, &targets, &target_type, resolved);
    }
    if allowed {
        return;
    }
    // A target profile that is not loaded leaves the allowed targets unknown; like the
    // reference validator, that is an error, and the message says why.
    let unknown: Vec<&str> = targets
        .iter()
        .copied()
        .filter(|t| !t.starts_with(CORE_SD_BASE) && walk.cx.validator.profile(t).is_none())
        .collect();
    let message = if unknown.is_empty() {
        format!(
            "The reference points to {}, which is not an allowed target ({})",
            with_article(&target_type),
            targets.join(", ")
        )
    } else {
        format!(
            "Whether {} is an allowed target cannot be told: the target \
             profiles {} could not be found",
            with_article(&target_type),
            unknown.join(", ")
        )
    };
    walk.report
        .add(Severity::Error, node, location, &def.id, message);
}

/// The `Reference` types of a definition.
fn reference_types(def: &ElementDef) -> impl Iterator<Item = &TypeRef> {
    def.types.iter().filter(|t| t.code == "Reference")
}

/// Where a reference's target is held, in the terms of `ElementDefinition.type.aggregation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// A `#id` reference to a contained resource.
    Contained,
    /// A reference resolved to an entry of the Bundle the resource is in.
    Bundled,
    /// Anything else: the target is outside the document.
    Remote,
}

/// `ElementDefinition.type.aggregation` (R4 codesystem-resource-aggregation-mode): when the
/// element lists aggregation modes, the target must be held one of those ways. `referenced`
/// accepts a target outside the resource, in the Bundle or not; `bundled` one in the same
/// Bundle. Outside a Bundle, `bundled` binds only while `aggregation_outside_bundles` is on
/// (R4's meaning; R5 limits `bundled` to resources in a Bundle).
fn check_aggregation(
    walk: &mut Walk<'_>,
    node: &Element,
    def: &ElementDef,
    location: &str,
    reference: &str,
    scope: Scope<'_>,
) {
    let modes: Vec<&str> = reference_types(def)
        .flat_map(|t| t.aggregation.iter().map(String::as_str))
        .collect();
    if modes.is_empty() {
        return;
    }
    let in_a_bundle = scope.document.resource_type.as_deref() == Some("Bundle");
    let held = if reference.starts_with('#') {
        Held::Contained
    } else if in_bundle(&walk.cx, reference, scope).is_some() {
        Held::Bundled
    } else {
        Held::Remote
    };
    let allows = |mode: &str| modes.contains(&mode);
    let allowed = match held {
        Held::Contained => allows("contained"),
        Held::Bundled => allows("bundled") || allows("referenced"),
        Held::Remote => {
            allows("referenced")
                || (allows("bundled")
                    && !in_a_bundle
                    && !walk.cx.switches.aggregation_outside_bundles)
        }
    };
    if allowed {
        return;
    }
    let (held, detail) = match held {
        Held::Contained => ("a contained resource", ""),
        Held::Bundled => ("an entry of the Bundle", ""),
        Held::Remote if in_a_bundle => ("outside the Bundle", ""),
        Held::Remote => (
            "outside the resource",
            " (the resource is not in a Bundle, so no target can be bundled)",
        ),
    };
    walk.report.add(
        Severity::Error,
        node,
        location,
        &def.id,
        format!(
            "The reference '{reference}' points to {held}, which the element's aggregation \
             mode(s) ({}) do not allow{detail}",
            modes.join(", ")
        ),
    );
}

/// R4 Reference.type: "If both Reference.type and Reference.reference are populated and
/// Reference.reference is a FHIR URL, both SHALL be consistent". Says so when the type a
/// literal reference names is not the one `type` gives (a type name, or its canonical URL
/// under `http://hl7.org/fhir/StructureDefinition/`).
fn type_disagrees(node: &Element, reference: &str) -> Option<String> {
    if reference.starts_with('#') || reference.starts_with("urn:") {
        return None;
    }
    let given = node.child("type").and_then(Element::text)?;
    let given_type = given.strip_prefix(CORE_SD_BASE).unwrap_or(given);
    if given_type.contains(':') || given_type.contains('/') {
        // A logical model's type: not a FHIR resource type to compare with.
        return None;
    }
    let named = literal_type(reference)?;
    (named != given_type).then(|| {
        format!(
            "The reference '{reference}' names the type {named}, but Reference.type says \
             {given}; the two must agree"
        )
    })
}

/// Says so when `reference` names a type other than that of the resource it resolved to.
fn names_another_type(reference: &str, target: &Element) -> Option<String> {
    let named = literal_type(reference)?;
    let actual = target.resource_type.as_deref()?;
    (named != actual).then(|| {
        format!(
            "The reference '{reference}' names the type {named}, but resolves to a resource of \
             type {actual}"
        )
    })
}

/// A resource type name with its indefinite article: `a Patient`, `an Encounter`.
fn with_article(type_name: &str) -> String {
    let article = if type_name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {type_name}")
}

/// The resource a literal reference points to within the document, contained or bundled, with
/// its scope (for a trial walk against a profile).
pub fn resolve_target<'e>(
    cx: &Context<'_>,
    reference: &str,
    scope: Scope<'e>,
) -> Option<(&'e Element, Scope<'e>)> {
    if let Some(id) = reference.strip_prefix('#') {
        if id.is_empty() {
            return Some((
                scope.root,
                Scope {
                    resource: scope.root,
                    ..scope
                },
            ));
        }
        let target = [scope.resource, scope.root]
            .into_iter()
            .find_map(|container| {
                container
                    .children_named("contained")
                    .find(|c| c.child("id").and_then(Element::text) == Some(id))
            })?;
        return Some((
            target,
            Scope {
                resource: target,
                ..scope
            },
        ));
    }
    let target = in_bundle(cx, reference, scope)?;
    Some((
        target,
        Scope {
            resource: target,
            root: target,
            document: scope.document,
        },
    ))
}

/// The resource type a literal reference points to: its contained or bundled target's type,
/// else the type named in the reference. `None` when it cannot be told.
pub fn target_type(cx: &Context<'_>, reference: &str, scope: Scope<'_>) -> Option<String> {
    if let Some((target, _)) = resolve_target(cx, reference, scope) {
        return target.resource_type.as_deref().map(str::to_owned);
    }
    if reference.starts_with('#') {
        return None;
    }
    literal_type(reference).map(str::to_owned)
}

/// A resolved target must conform to one of the target profiles on its type, unless the
/// definition also allows its type without a profile.
fn conforms_to_target_profiles(
    walk: &mut Walk<'_>,
    node: &Element,
    def: &ElementDef,
    location: &str,
    targets: &[&str],
    target_type: &str,
    (target, target_scope): (&Element, Scope<'_>),
) {
    let plain_type_allowed = targets.iter().any(|t| {
        let base = t.split('|').next().unwrap_or_default();
        base == format!("{CORE_SD_BASE}{target_type}") || base == format!("{CORE_SD_BASE}Resource")
    });
    let profiles: Vec<_> = targets
        .iter()
        .filter(|t| !t.starts_with(CORE_SD_BASE))
        .filter_map(|t| walk.cx.validator.profile(t))
        .filter(|p| p.type_name == target_type)
        .collect();
    if plain_type_allowed || profiles.is_empty() {
        return;
    }
    if !profiles
        .iter()
        .any(|p| walk.conforms(target, p, target_scope))
    {
        let urls: Vec<&str> = profiles.iter().map(|p| p.url.as_str()).collect();
        walk.report.add(
            Severity::Error,
            node,
            location,
            &def.id,
            format!(
                "The {target_type} this reference points to does not conform to any of its target profiles ({})",
                urls.join(", ")
            ),
        );
    }
}

/// The resource types that `targetProfile` canonicals name (core types by their URL, other
/// profiles by the type they constrain, when loaded).
pub fn target_types(cx: &Context<'_>, target_profiles: &[String]) -> Vec<String> {
    target_profiles
        .iter()
        .filter_map(|t| {
            let base = t.split('|').next().unwrap_or_default();
            match base.strip_prefix(CORE_SD_BASE) {
                Some(core) => Some(core.to_owned()),
                None => cx.validator.profile(t).map(|p| p.type_name.clone()),
            }
        })
        .collect()
}

/// The bundle entry resource a reference points to, when the document is a bundle.
fn in_bundle<'e>(cx: &Context<'_>, reference: &str, scope: Scope<'e>) -> Option<&'e Element> {
    if scope.document.resource_type.as_deref() != Some("Bundle") {
        return None;
    }
    // A contained resource's references resolve against the fullUrl of the entry holding
    // its container, the root resource of its scope.
    cx.bundle_index(scope.document)
        .resolve(scope.document, reference, scope.root)
}

/// Says that `reference` does not resolve within the document of `scope`.
fn unresolved_message(cx: &Context<'_>, reference: &str, scope: Scope<'_>) -> String {
    if scope.document.resource_type.as_deref() == Some("Bundle") {
        cx.bundle_index(scope.document)
            .unresolved_message(scope.document, reference)
    } else {
        format!("Unable to resolve the reference '{reference}' within the document")
    }
}

/// The resource of a Parameters document (`parameter.resource`, also within `part`s) that
/// a relative reference `Type/id` points to.
fn in_parameters<'e>(reference: &str, scope: Scope<'e>) -> Option<&'e Element> {
    if scope.document.resource_type.as_deref() != Some("Parameters") {
        return None;
    }
    let (kind, id) = reference.split_once('/')?;
    let mut pending: Vec<&Element> = scope.document.children_named("parameter").collect();
    while let Some(parameter) = pending.pop() {
        pending.extend(parameter.children_named("part"));
        if let Some(resource) = parameter.child("resource")
            && resource.resource_type.as_deref() == Some(kind)
            && resource.child("id").and_then(Element::text) == Some(id)
        {
            return Some(resource);
        }
    }
    None
}

/// The resource type of a relative or absolute RESTful reference (`Patient/1`,
/// `http://x/fhir/Patient/1/_history/2`).
fn literal_type(reference: &str) -> Option<&str> {
    let path = reference.split(['?', '#']).next()?;
    let segments: Vec<&str> = path.split('/').collect();
    let n = segments.len();
    let type_at = if n >= 4 && segments[n - 2] == "_history" {
        n.checked_sub(4)?
    } else {
        n.checked_sub(2)?
    };
    let candidate = segments.get(type_at)?;
    candidate
        .starts_with(|c: char| c.is_ascii_uppercase())
        .then_some(*candidate)
}

#[cfg(test)]
mod tests {
    use super::literal_type;

    #[test]
    fn reads_the_type_of_literal_references() {
        assert_eq!(literal_type("Patient/1"), Some("Patient"));
        assert_eq!(
            literal_type("http://x/fhir/Observation/2/_history/3"),
            Some("Observation")
        );
        assert_eq!(literal_type("patient/1"), None);
        assert_eq!(literal_type("1"), None);
    }
}
