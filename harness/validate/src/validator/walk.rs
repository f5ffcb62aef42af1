//! The walk over an instance (`Validator::validate`): every node is matched to its element
//! definition, and the structural rules (known elements, cardinality, types, primitive
//! formats, fixed/pattern values, maximum length, bindings, invariants, slicing, extensions,
//! references) are checked. Slicing and reference targets walk on through it (trial walks);
//! the other rules get only the run's `Context` and `Report`.

use std::sync::Arc;

use assure_fhirpath::{EvalContext, Item, ModelInfo, Node};
use assure_model::{Element, Primitive};
use rayon::prelude::*;

use super::bundle_rule::EntryRules;
use super::context::{Context, Scope};
use super::element_ids;
use super::extension::{self, Host};
use super::issue::{Issue, Severity};
use super::pattern::{describe, matches};
use super::policy::{html_tag_at, is_example_url};
use super::profile::{ElementDef, Profile, TypeRef, node_type_ref};
use super::profile_ref::ProfileRef;
use super::report::{Report, element_location};
use super::stop::{POLL_EVERY, STOPPED_RULE};
use super::{
    CheckReferences, Options, Validator, attachment, binding, bounds, bundle, coding, differential,
    narrative_language, narrative_links, nhs_identifier, obligations, reference, slicing, ucum,
    unique_full_urls, uri, vital_signs,
};

/// Deepest resource nesting (contained, bundled) followed.
const MAX_DEPTH: usize = 24;

/// A Bundle with at least this many entries has them validated in parallel.
const PARALLEL_ENTRIES: usize = 64;

/// Parts per thread that the entries of a large Bundle are split into, so that threads that
/// finish early take over the parts of others (entries differ widely in size).
const PARTS_PER_THREAD: usize = 8;

impl Validator {
    /// Validates one resource (the root of a parsed document).
    pub fn validate(&self, resource: &Element, options: &Options) -> Vec<Issue> {
        let mut walk = Walk::new(Context::new(self, options));
        walk.entry_rules = walk.bundle_rules(resource).map(Arc::new);
        walk.resource(
            resource,
            resource,
            resource,
            &resource.name.clone(),
            &options.profiles,
        );
        let stopped = options.stop.is_stopped();
        let mut issues = walk.report.finish();
        if stopped {
            issues.push(Issue {
                severity: Severity::Error,
                location: resource.name.as_str().into(),
                line: resource.pos.line,
                col: resource.pos.col,
                message: options.stop.reason().into(),
                rule: STOPPED_RULE.into(),
            });
        }
        issues
    }
}

/// One validation run, or a trial walk within one: what it reads, the issues it collects and
/// where the traversal is.
pub struct Walk<'v> {
    /// What the rules read.
    pub cx: Context<'v>,
    /// The issues found so far.
    pub report: Report,
    depth: usize,
    /// Reference targets being checked against a target profile (resource address,
    /// profile URL), so that circular references end.
    target_checks: Vec<(usize, String)>,
    /// Elements this walk has entered, to poll the [`Stop`](super::Stop) now and then.
    visits: u32,
    /// The entries of the validated Bundle that `--bundle` rules select, with their
    /// profiles; `None` in trial walks, so that slice matching is not changed by them.
    entry_rules: Option<Arc<EntryRules<'v>>>,
}

impl<'v> Walk<'v> {
    fn new(cx: Context<'v>) -> Self {
        Self {
            cx,
            report: Report::default(),
            depth: 0,
            target_checks: Vec::new(),
            visits: 0,
            entry_rules: None,
        }
    }

    /// The `--bundle` rules of the run matched to the entries of `root`, when it is a Bundle;
    /// a rule whose type is no resource type, or whose profile cannot be used, is an error on
    /// the Bundle and selects nothing.
    fn bundle_rules(&mut self, root: &Element) -> Option<EntryRules<'v>> {
        let rules = &self.cx.switches.bundle_rules;
        if rules.is_empty() || root.resource_type.as_deref() != Some("Bundle") {
            return None;
        }
        let mut usable = Vec::with_capacity(rules.len());
        for rule in rules {
            match self.cx.validator.bundle_rule_problem(rule) {
                None => usable.push(rule),
                Some(problem) => {
                    self.report
                        .add(Severity::Error, root, &root.name, "bundle-rule", problem);
                }
            }
        }
        EntryRules::new(root, usable)
    }

    /// Whether the run has been stopped; reads the clock once every [`POLL_EVERY`] elements.
    fn must_stop(&mut self) -> bool {
        self.visits = self.visits.wrapping_add(1);
        if self.visits.is_multiple_of(POLL_EVERY) {
            self.cx.stop.poll();
        }
        self.cx.stop.is_stopped()
    }

    /// A walk with the same settings and no issues (for trial validation in slicing).
    pub fn trial(&self) -> Walk<'v> {
        Walk {
            cx: self.cx.clone(),
            report: Report::default(),
            depth: self.depth,
            target_checks: self.target_checks.clone(),
            visits: 0,
            entry_rules: None,
        }
    }

    /// A walk with the same settings and no issues that goes on with part of this one (some
    /// of a large Bundle's entries), the `--bundle` rules included.
    fn part(&self) -> Walk<'v> {
        Walk {
            entry_rules: self.entry_rules.clone(),
            ..self.trial()
        }
    }

    /// Whether the resource `target` (in `scope`) conforms to `profile`, by a trial walk. A
    /// check of the same pair already under way (a reference cycle) counts as conforming.
    pub fn conforms(&self, target: &Element, profile: &Arc<Profile>, scope: Scope<'_>) -> bool {
        let key = (std::ptr::from_ref(target) as usize, profile.url.clone());
        if self.target_checks.contains(&key) {
            return true;
        }
        let mut trial = self.trial();
        trial.target_checks.push(key);
        trial.against(target, profile, &target.name, scope);
        !trial.report.has_errors()
    }

    /// Validates a resource against its type, its `meta.profile`s and `extra` profiles.
    pub fn resource(
        &mut self,
        resource: &Element,
        root: &Element,
        document: &Element,
        location: &str,
        extra: &[String],
    ) {
        let Some(type_name) = resource.resource_type.clone() else {
            self.report.add(
                Severity::Error,
                resource,
                location,
                "resource",
                "The element is not a resource (no resourceType)".into(),
            );
            return;
        };
        if self.depth >= MAX_DEPTH {
            self.report.add(
                Severity::Error,
                resource,
                location,
                "resource",
                "Resources are nested too deeply".into(),
            );
            return;
        }
        self.depth += 1;
        let scope = Scope {
            resource,
            root,
            document,
        };
        if let Some(id) = resource.child("id")
            && let Some(text) = id.text()
            && let Err(why) = assure_model::check_primitive("id", text)
        {
            let loc = format!("{location}.id");
            self.report.add(
                Severity::Error,
                id,
                &loc,
                "Resource.id",
                format!("Invalid resource id: {why}"),
            );
        }
        element_ids::check(&mut self.report, resource, location);
        if type_name == "Bundle" {
            bundle::check(&self.cx, &mut self.report, resource, location);
        }
        if type_name == "StructureDefinition" {
            differential::check(&self.cx, &mut self.report, resource, location);
            obligations::check(&self.cx, &mut self.report, resource, location);
        }
        match self.cx.validator.type_profile(&type_name) {
            Some(base) => self.against(resource, &base, location, scope),
            None => self.report.add(
                Severity::Error,
                resource,
                location,
                "resource",
                format!("Unknown resource type '{type_name}'"),
            ),
        }
        // Declared profiles (a missing one is a warning: its package may not be loaded), and
        // the loaded ones that ImplementationGuides make global for this type.
        let declared: Vec<String> = resource
            .child("meta")
            .into_iter()
            .flat_map(|meta| meta.children_named("profile"))
            .filter_map(|p| p.text().map(str::to_owned))
            .chain(
                self.cx
                    .validator
                    .global_profiles(&type_name)
                    .iter()
                    .filter(|p| self.cx.validator.profile(p).is_some())
                    .cloned(),
            )
            .collect();
        for (canonical, is_extra) in declared
            .iter()
            .map(|p| (p, false))
            .chain(extra.iter().map(|p| (p, true)))
        {
            match self.cx.validator.profile(canonical) {
                Some(profile) if profile.type_name == type_name || profile.kind == "logical" => {
                    self.against(resource, &profile, location, scope)
                }
                Some(profile) => self.report.add(
                    Severity::Error,
                    resource,
                    location,
                    &profile.url,
                    format!(
                        "Profile {canonical} is for {}, not {type_name}",
                        profile.type_name
                    ),
                ),
                None => self.report.add(
                    if is_extra {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    resource,
                    location,
                    "meta.profile",
                    format!(
                        "{}, so the resource was not checked against it",
                        self.cx.validator.profile_problem(canonical)
                    ),
                ),
            }
        }
        // A vital sign must meet its profile even when it does not claim it.
        for sign in vital_signs::recorded(self.cx.validator, resource) {
            if declared.contains(&sign.profile) || extra.contains(&sign.profile) {
                continue;
            }
            if let Some(profile) = self.cx.validator.profile(&sign.profile) {
                self.report.add(
                    Severity::Information,
                    resource,
                    location,
                    "vital-signs",
                    sign.reason(),
                );
                self.against(resource, &profile, location, scope);
            }
        }
        self.depth -= 1;
    }

    /// Validates `node` against the root of `profile`.
    pub fn against(
        &mut self,
        node: &Element,
        profile: &Arc<Profile>,
        location: &str,
        scope: Scope<'_>,
    ) {
        self.element(node, profile, profile.root(), location, scope);
    }

    /// Validates `node` against element definition `index` of `profile`.
    pub fn element(
        &mut self,
        node: &Element,
        profile: &Arc<Profile>,
        index: usize,
        location: &str,
        scope: Scope<'_>,
    ) {
        if self.must_stop() {
            return;
        }
        let def = &profile.elements[index];
        let type_code = node_type_ref(def, node);
        if def.is_choice && type_code.is_none() {
            let allowed: Vec<&str> = def.types.iter().map(|t| t.code.as_str()).collect();
            self.report.add(
                Severity::Error,
                node,
                location,
                &def.id,
                format!(
                    "'{}' is not an allowed type for {} (allowed: {})",
                    node.name,
                    def.path,
                    allowed.join(", ")
                ),
            );
            return;
        }
        self.value_rules(node, def, type_code, location);
        self.invariants(node, def, type_code, location, scope);
        if let Some(code) = type_code {
            if code == "Attachment" {
                attachment::check(&mut self.report, node, location, &def.id);
            }
            if code == "Coding" {
                coding::check(&self.cx, &mut self.report, node, location);
            }
            if ucum::applies_to(code) {
                ucum::check(&mut self.report, node, location);
            }
            if code == "Reference" && self.cx.switches.check_references != CheckReferences::None {
                reference::check(self, node, def, location, scope);
            }
            if code == "Identifier" {
                nhs_identifier::check(&mut self.report, node, location);
            }
            if let Some(b) = &def.binding {
                binding::check(&self.cx, &mut self.report, node, code, b, location, &def.id);
            }
            if code != "Extension" && node.resource_type.is_none() {
                self.type_profiles_known(node, def, code, location);
            }
            if let Some(control) = &def.narrative_languages {
                narrative_language::check(
                    &mut self.report,
                    node,
                    scope.resource,
                    control,
                    location,
                    &def.id,
                );
            }
        }
        // Which definitions describe the children?
        let (child_profile, child_parent) =
            match self.children_source(node, profile, index, type_code) {
                ChildSource::Definitions(p, i) => (p, i),
                ChildSource::Resource => {
                    // A nested resource (contained, Bundle.entry.resource, Parameters...).
                    if node.resource_type.is_some() {
                        let root = scope.nested(node).root;
                        // Profiles the definition puts on the nested resource's type (or a
                        // type it derives from, such as `Resource`) apply too.
                        let resource_type = node.resource_type.as_deref().unwrap_or_default();
                        let model = self.cx.validator.model();
                        let mut profiles: Vec<String> = def
                            .types
                            .iter()
                            .filter(|t| model.is_subtype(resource_type, &t.code))
                            .flat_map(|t| t.profiles.iter().cloned())
                            .collect();
                        // One that is not loaded is a warning, not a failure of the resource.
                        let (usable, missing): (Vec<String>, Vec<String>) = profiles
                            .drain(..)
                            .partition(|p| self.cx.validator.profile(p).is_some());
                        for canonical in missing {
                            let message = format!(
                                "{}, so the resource was not checked against it",
                                self.cx.validator.profile_problem(&canonical)
                            );
                            self.report
                                .add(Severity::Warning, node, location, &def.id, message);
                        }
                        let mut profiles = usable;
                        // An entry of the validated Bundle that a `--bundle` rule selects.
                        if let Some(rules) = &self.entry_rules {
                            for profile in rules.profiles_for(node) {
                                if !profiles.iter().any(|p| p == profile) {
                                    profiles.push(profile.to_owned());
                                }
                            }
                        }
                        self.resource(node, root, scope.document, location, &profiles);
                    } else {
                        self.report.add(
                            Severity::Error,
                            node,
                            location,
                            &def.id,
                            "Expected a resource here".into(),
                        );
                    }
                    return;
                }
                ChildSource::Unknown(why) => {
                    if !node.children.is_empty() {
                        self.report
                            .add(Severity::Warning, node, location, &def.id, why);
                    }
                    return;
                }
            };
        if !Arc::ptr_eq(&child_profile, profile) && child_parent == child_profile.root() {
            // The type's own invariants (per-1 on Period, ext-1 on Extension, ...).
            let type_root = &child_profile.elements[child_parent];
            self.invariants(node, type_root, type_code, location, scope);
        }
        let host = HostInfo {
            path: &def.path,
            type_name: type_code.unwrap_or(&profile.type_name),
        };
        self.children(node, &child_profile, child_parent, location, &host, scope);
        // Definitions of its own do not free the value from the element of a type profile
        // it must conform to (`elementdefinition-profile-element`).
        if child_parent == index
            && Arc::ptr_eq(&child_profile, profile)
            && let Some((library, at)) = def.types.iter().find_map(|t| self.profile_element(t))
        {
            self.children(node, &library, at, location, &host, scope);
        }
    }

    /// The element of another profile that values of type `t` conform to, when `t` names
    /// one with `elementdefinition-profile-element` and it defines children.
    pub(super) fn profile_element(&self, t: &TypeRef) -> Option<(Arc<Profile>, usize)> {
        let id = t.profile_element.as_deref()?;
        let library = self.cx.validator.profile(t.profiles.first()?)?;
        let at = library.element_with_children(id)?;
        Some((library, at))
    }

    /// The profiles `def` puts on the data type `code` must be available: the value is
    /// checked against them (a resource's or extension's missing profile is reported where
    /// it is used).
    fn type_profiles_known(
        &mut self,
        node: &Element,
        def: &ElementDef,
        code: &str,
        location: &str,
    ) {
        let declared = def
            .types
            .iter()
            .filter(|t| t.code == code)
            .flat_map(|t| t.profiles.iter());
        for canonical in declared {
            if self.cx.validator.profile(canonical).is_none() {
                let message = format!(
                    "Unknown profile {canonical}: {}",
                    self.cx.validator.profile_problem(canonical)
                );
                self.report
                    .add(Severity::Error, node, location, &def.id, message);
            }
        }
    }

    fn children_source<'p>(
        &self,
        node: &Element,
        profile: &'p Arc<Profile>,
        index: usize,
        type_code: Option<&str>,
    ) -> ChildSource<'p>
    where
        'v: 'p,
    {
        let def = &profile.elements[index];
        if let Some(reference) = &def.content_reference {
            let id = reference.rsplit('#').next().unwrap_or_default();
            return match profile.by_id(id) {
                Some(target) => ChildSource::Definitions(ProfileRef::Borrowed(profile), target),
                None => ChildSource::Unknown(format!("contentReference {reference} not found")),
            };
        }
        if !def.children.is_empty() {
            return ChildSource::Definitions(ProfileRef::Borrowed(profile), index);
        }
        let Some(code) = type_code else {
            return match def.types.len() {
                0 if index == profile.root() => {
                    ChildSource::Unknown(format!("{} has no type", def.path))
                }
                0 => ChildSource::Definitions(ProfileRef::Borrowed(profile), index),
                _ => ChildSource::Unknown(format!("Cannot tell the type of {}", def.path)),
            };
        };
        let is_resource =
            code == "Resource" || code == "DomainResource" || node.resource_type.is_some();
        if is_resource && index != profile.root() {
            return ChildSource::Resource;
        }
        // An extension with a known definition is checked against it.
        if code == "Extension"
            && let Some(url) = node.child("url").and_then(Element::text)
        {
            let declared = def
                .types
                .iter()
                .find(|t| t.code == "Extension")
                .and_then(|t| t.profiles.first());
            let absolute = url.contains(':').then_some(url);
            if let Some(ext) = absolute
                .and_then(|url| self.cx.validator.profile(url))
                .or_else(|| declared.and_then(|d| self.cx.validator.profile(d)))
                && ext.url != profile.url
            {
                let root = ext.root();
                return ChildSource::Definitions(ProfileRef::Shared(ext), root);
            }
        }
        let declared = def
            .types
            .iter()
            .find(|t| t.code == code)
            .filter(|_| code != "Extension");
        // The value may conform to an element of its type profile rather than to its root.
        if let Some((p, at)) = declared.and_then(|t| self.profile_element(t)) {
            return ChildSource::Definitions(ProfileRef::Shared(p), at);
        }
        let type_profile = declared
            .and_then(|t| t.profiles.first())
            .and_then(|p| self.cx.validator.profile(p))
            .map(ProfileRef::Shared)
            .or_else(|| self.cx.validator.type_profile_ref(code));
        match type_profile {
            Some(p) if !Arc::ptr_eq(&p, profile) || index != p.root() => {
                let root = p.root();
                ChildSource::Definitions(p, root)
            }
            Some(_) => ChildSource::Unknown(format!("{code} refers to itself")),
            None => ChildSource::Unknown(format!("No definition for type {code}")),
        }
    }

    /// Matches the children of `node` to the child definitions of `parent` in `profile`.
    /// In JSON, an element that repeats is an array even with one item, and one that does not
    /// is never an array (R4 json.html, "JSON representation of elements").
    fn json_shape(&mut self, matched: &[&Element], def: &ElementDef, location: &str) {
        let Some(wrong) = matched
            .iter()
            .find(|child| child.index.is_some() != def.repeats)
        else {
            return;
        };
        let message = if def.repeats {
            format!(
                "The property '{}' repeats, so JSON holds it as an array, not a single value",
                wrong.name
            )
        } else {
            format!(
                "The property '{}' does not repeat, so JSON holds it as a single value, not an \
                 array",
                wrong.name
            )
        };
        let loc = element_location(location, wrong);
        self.report
            .add(Severity::Error, wrong, &loc, &def.id, message);
    }

    fn children(
        &mut self,
        node: &Element,
        profile: &Arc<Profile>,
        parent: usize,
        location: &str,
        host_info: &HostInfo<'_>,
        scope: Scope<'_>,
    ) {
        let parent_def = &profile.elements[parent];
        let primitive = profile.kind == "primitive-type";
        // A primitive's value is the node's own value, never a child element; a property named
        // `resourceType` is the node's resource type, checked apart.
        let skipped = |def: &ElementDef| {
            (primitive && def.name == "value")
                || (node.resource_type.is_some() && def.name == "resourceType")
        };
        // Each child with the position (among the definition's children) of the first
        // definition that describes it, in the order of the definitions, then of the
        // document; the children no definition describes come last.
        let mut claims: Vec<(usize, usize)> = node
            .children
            .iter()
            .enumerate()
            .map(|(i, child)| {
                let claimant = parent_def.child_names.claimant(
                    &profile.elements,
                    &parent_def.children,
                    &child.name,
                    skipped,
                );
                (claimant.unwrap_or(usize::MAX), i)
            })
            .collect();
        claims.sort_unstable();
        let mut next = 0;
        for (position, &child_index) in parent_def.children.iter().enumerate() {
            let child_def = &profile.elements[child_index];
            if primitive && child_def.name == "value" {
                continue;
            }
            if let Some(resource_type) = &node.resource_type
                && child_def.name == "resourceType"
            {
                // A property named `resourceType` (ExampleScenario.instance) is kept by the
                // JSON parser as the node's resource type: check it as the element it is.
                let mut property = Element::new("resourceType", None, node.pos);
                property.value = Some(Primitive::String(resource_type.as_str().into()));
                let loc = element_location(location, &property);
                self.cardinality(node, child_def, 1, location);
                self.element(&property, profile, child_index, &loc, scope);
                continue;
            }
            let start = next;
            while claims
                .get(next)
                .is_some_and(|&(claimant, _)| claimant == position)
            {
                next += 1;
            }
            let claimed = &claims[start..next];
            self.cardinality(node, child_def, claimed.len(), location);
            if claimed.is_empty() && child_def.slices.is_empty() {
                // No child to check, and no slice that could miss its minimum.
                continue;
            }
            let matched: Vec<&Element> = claimed.iter().map(|&(_, i)| &node.children[i]).collect();
            let child_location = |e: &Element| element_location(location, e);
            if self.cx.json {
                self.json_shape(&matched, child_def, location);
            }
            if matches!(child_def.name.as_str(), "extension" | "modifierExtension") {
                let host = Host {
                    node,
                    path: host_info.path,
                    type_name: host_info.type_name,
                    location,
                };
                for child in &matched {
                    extension::check(
                        &self.cx,
                        &mut self.report,
                        child,
                        &child_location(child),
                        &host,
                        scope,
                    );
                }
            }
            if child_def.slices.is_empty() {
                if node.resource_type.as_deref() == Some("Bundle")
                    && child_def.name == "entry"
                    && matched.len() >= PARALLEL_ENTRIES
                {
                    self.elements_in_parallel(&matched, profile, child_index, location, scope);
                    continue;
                }
                for child in matched {
                    let loc = child_location(child);
                    self.element(child, profile, child_index, &loc, scope);
                }
            } else {
                slicing::check(self, node, &matched, profile, child_index, location, scope);
            }
        }
        for &(_, i) in &claims[next..] {
            let child = &node.children[i];
            if child.name == "value" && node.value.is_some() {
                continue;
            }
            // An element the definitions do not have has no FHIRPath location of its own: the
            // issue is located at its parent (and at the child's line and column).
            let message = if parent_def.children.is_empty() && profile.kind != "primitive-type" {
                format!(
                    "Unexpected element '{}': {} has no children",
                    child.name, parent_def.path
                )
            } else {
                format!("Unrecognized element '{}'", child.name)
            };
            self.report
                .add(Severity::Error, child, location, &parent_def.id, message);
        }
    }

    /// Validates `nodes` (a large Bundle's entries, children of the node at `location`)
    /// against element definition `index` of `profile` on the rayon pool, in parts; the
    /// issues are kept in document order, as a walk one by one would report them.
    fn elements_in_parallel(
        &mut self,
        nodes: &[&Element],
        profile: &Arc<Profile>,
        index: usize,
        location: &str,
        scope: Scope<'_>,
    ) {
        let part = nodes
            .len()
            .div_ceil(rayon::current_num_threads() * PARTS_PER_THREAD);
        let this = &*self;
        let reports: Vec<Report> = nodes
            .par_chunks(part.max(1))
            .map(|part| {
                let mut walk = this.part();
                for node in part {
                    let loc = element_location(location, node);
                    walk.element(node, profile, index, &loc, scope);
                }
                walk.report
            })
            .collect();
        self.report.append_all(reports);
    }

    /// Checks a count of repetitions against `min..max`.
    #[inline]
    pub fn cardinality(
        &mut self,
        parent: &Element,
        def: &ElementDef,
        count: usize,
        location: &str,
    ) {
        let count = count as u64;
        if count < def.min || def.max.is_some_and(|max| count > max) {
            self.cardinality_issues(parent, def, count, location);
        }
    }

    /// Reports a count of repetitions outside `min..max`.
    fn cardinality_issues(
        &mut self,
        parent: &Element,
        def: &ElementDef,
        count: u64,
        location: &str,
    ) {
        if count < def.min {
            let what = def
                .slice_name
                .as_ref()
                .map(|s| format!(" (slice '{s}')"))
                .unwrap_or_default();
            self.report.add(
                Severity::Error,
                parent,
                location,
                &def.id,
                format!(
                    "{}{what}: minimum required = {}, but only found {count}",
                    def.path, def.min
                ),
            );
        }
        if let Some(max) = def.max
            && count > max
        {
            let what = def
                .slice_name
                .as_ref()
                .map(|s| format!(" (slice '{s}')"))
                .unwrap_or_default();
            self.report.add(
                Severity::Error,
                parent,
                location,
                &def.id,
                format!(
                    "{}{what}: maximum allowed = {max}, but found {count}",
                    def.path
                ),
            );
        }
    }

    /// Primitive format, JSON kind, fixed/pattern and maxLength.
    fn value_rules(
        &mut self,
        node: &Element,
        def: &ElementDef,
        type_code: Option<&str>,
        location: &str,
    ) {
        if let (Some(code), Some(value)) = (type_code, &node.value)
            && is_primitive_code(code)
        {
            self.primitive(node, code, value, location, &def.id);
        }
        if let Some(fixed) = &def.fixed
            && !matches(node, fixed, true)
        {
            self.report.add(
                Severity::Error,
                node,
                location,
                &def.id,
                format!("Value does not match the fixed value {}", describe(fixed)),
            );
        }
        if let Some(pattern) = &def.pattern
            && !matches(node, pattern, false)
        {
            self.report.add(
                Severity::Error,
                node,
                location,
                &def.id,
                format!(
                    "Value does not match the required pattern {}",
                    describe(pattern)
                ),
            );
        }
        if let (Some(min), Some(text)) = (def.min_length, node.text())
            && (text.chars().count() as u64) < min
        {
            self.report.add(
                Severity::Error,
                node,
                location,
                &def.id,
                format!("Value is shorter than the minimum length of {min}"),
            );
        }
        if let (Some(max), Some(text)) = (def.max_length, node.text())
            && text.chars().count() as u64 > max
        {
            self.report.add(
                Severity::Error,
                node,
                location,
                &def.id,
                format!("Value is longer than the maximum length of {max}"),
            );
        }
        bounds::check(&mut self.report, node, def, type_code, location);
    }

    fn primitive(
        &mut self,
        node: &Element,
        code: &str,
        value: &Primitive,
        location: &str,
        rule: &str,
    ) {
        if self.cx.json {
            let expected = match code {
                "boolean" => "boolean",
                "integer" | "decimal" | "positiveInt" | "unsignedInt" => "number",
                _ => "string",
            };
            let actual = match value {
                Primitive::Bool(_) => "boolean",
                Primitive::Number(_) => "number",
                Primitive::String(_) | Primitive::Xhtml(_) => "string",
            };
            if code != "xhtml" && expected != actual {
                self.report.add(
                    Severity::Error,
                    node,
                    location,
                    rule,
                    format!("A {code} must be a JSON {expected}, not a {actual}"),
                );
                return;
            }
        }
        if code == "xhtml" {
            self.narrative(node, value, location, rule);
            return;
        }
        if let Some(text) = node.text() {
            if let Err(why) = assure_model::check_primitive(code, text) {
                self.report.add(Severity::Error, node, location, rule, why);
            } else if matches!(code, "uri" | "url" | "canonical" | "oid" | "uuid")
                && let Some(why) = uri::value_problem(text)
            {
                self.report.add(Severity::Error, node, location, rule, why);
            }
        }
        self.policy_checks(node, code, location, rule);
    }

    /// Markup in markdown and string values and example URLs, when the switches or the
    /// policy forbid them.
    fn policy_checks(&mut self, node: &Element, code: &str, location: &str, rule: &str) {
        let policy = self.cx.policy;
        let Some(text) = node.text() else {
            return;
        };
        let mut severity = Severity::Error;
        let message = match code {
            "markdown" => {
                let reported = if policy.no_html_in_markdown {
                    Some(Severity::Error)
                } else {
                    self.cx.switches.html_in_markdown.severity()
                };
                reported.and_then(|reported| {
                    severity = reported;
                    html_tag_at(text).map(|at| {
                        let start: String = text[at..].chars().take(2).collect();
                        format!(
                            "The markdown contains what looks like an embedded HTML tag starting \
                             at '{start}'; markdown processors show such tags as text"
                        )
                    })
                })
            }
            "uri" | "url" if policy.no_example_urls && is_example_url(text) => {
                Some(format!("Example URLs are not allowed here ({text})"))
            }
            "string" if policy.security_checks => html_tag_at(text).map(|_| {
                "The string contains what looks like embedded HTML tags, which are not allowed for security reasons".to_owned()
            }),
            _ => None,
        };
        if let Some(message) = message {
            self.report.add(severity, node, location, rule, message);
        }
    }

    /// FHIR's narrative rules (txt-1 allowed elements and attributes, txt-2 content).
    fn narrative(&mut self, node: &Element, value: &Primitive, location: &str, rule: &str) {
        let Primitive::Xhtml(xhtml) = value else {
            return;
        };
        let checked = assure_model::check_xhtml_links(xhtml, node.pos, location);
        for issue in checked.issues {
            self.report
                .add(issue.severity, node, location, rule, issue.message);
        }
        narrative_links::check(&mut self.report, node, &checked.hrefs, location, rule);
    }

    fn invariants(
        &mut self,
        node: &Element,
        def: &ElementDef,
        type_code: Option<&str>,
        location: &str,
        scope: Scope<'_>,
    ) {
        if def.constraints.is_empty() {
            return;
        }
        // Backbone elements are typed by their defining path.
        let focus_type = match type_code {
            _ if node.resource_type.is_some() => node.resource_type.as_deref(),
            Some("BackboneElement" | "Element") if def.path.contains('.') => Some(&*def.path),
            other => other,
        };
        // The focus and the context (building it reads the clock), made for the first
        // constraint that needs the FHIRPath engine and shared by the others.
        let mut engine: Option<([Item; 1], EvalContext)> = None;
        for constraint in &def.constraints {
            let Ok(expr) = &constraint.expression else {
                self.report.unsupported_invariant();
                continue;
            };
            let native = constraint
                .is_bdl_7
                .then(|| unique_full_urls::holds(node))
                .flatten();
            let result = if constraint.is_ele_1 {
                Ok(Some(has_value_or_children(node, focus_type.is_some())))
            } else if let Some(answer) = native {
                Ok(answer)
            } else {
                let (focus, ctx) = engine.get_or_insert_with(|| {
                    let model = self.cx.validator.model();
                    // The model's copy of the name: the model finds it faster than a new one.
                    let focus_node = Node {
                        element: node,
                        type_name: focus_type
                            .map(|t| model.shared_type_name(t).unwrap_or_else(|| Arc::from(t))),
                    };
                    let mut ctx = EvalContext::new(model)
                        .with_resource(scope.resource)
                        .as_filters_collections(true);
                    if !std::ptr::eq(scope.root, scope.resource) {
                        ctx = ctx.with_root_resource(scope.root);
                    }
                    ([Item::Node(focus_node)], ctx)
                });
                // An empty result is no failure (the data the invariant reads is absent),
                // unless a comparison of present values had no answer: such an invariant
                // cannot be shown to hold (FHIRPath N1 §6.1-6.2; constraints "must evaluate to
                // true", ElementDefinition.constraint).
                match expr.evaluate_boolean(ctx, focus) {
                    Ok(None) if ctx.take_unknown_comparison() => Ok(Some(false)),
                    verdict => {
                        ctx.take_unknown_comparison();
                        verdict
                    }
                }
            };
            match result {
                Ok(Some(false)) => {
                    let severity = if constraint.best_practice {
                        match self.cx.switches.best_practice.severity() {
                            Some(severity) => severity,
                            None => continue,
                        }
                    } else if constraint.severity == "error" {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    self.report.add(
                        severity,
                        node,
                        location,
                        &constraint.key,
                        format!(
                            "Constraint failed: {}: '{}'",
                            constraint.key, constraint.human
                        ),
                    );
                }
                Ok(_) => {}
                Err(_) => self.report.unsupported_invariant(),
            }
        }
    }
}

/// [`ELE_1`](super::profile::ELE_1) evaluated without the FHIRPath engine, with the engine's result (the invariant
/// is evaluated on nearly every node, and this is most of the time it took): the node has a
/// value, or a child that `id` does not select. A typed focus's `id` is its children named
/// `id`; an untyped focus's also takes those named like a choice of `id` (`idString`).
fn has_value_or_children(node: &Element, typed: bool) -> bool {
    let selected_by_id = |child: &Element| match child.name.strip_prefix("id") {
        Some("") => true,
        Some(suffix) => !typed && suffix.starts_with(|c: char| c.is_ascii_uppercase()),
        None => false,
    };
    node.value.is_some() || node.children.iter().any(|child| !selected_by_id(child))
}

/// The element definition path and type of a node whose children are being matched.
struct HostInfo<'d> {
    path: &'d str,
    type_name: &'d str,
}

/// Where the children of a node are defined.
enum ChildSource<'p> {
    Definitions(ProfileRef<'p>, usize),
    Resource,
    Unknown(String),
}

/// FHIR primitive types are spelled with a lower-case initial.
pub fn is_primitive_code(code: &str) -> bool {
    code.starts_with(|c: char| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;
    use std::sync::Arc;

    use assure_model::Format;

    use crate::{Definitions, Options, Validator};

    /// A collection of `n` Patients, each linked to the first; every seventh has an invalid
    /// gender, every eleventh an unknown element, and every thirteenth names the first as its
    /// general practitioner (which resolves, to a type not allowed there).
    fn bundle(n: usize) -> Vec<u8> {
        let mut json =
            String::from(r#"{"resourceType": "Bundle", "type": "collection", "entry": ["#);
        for i in 0..n {
            let gender = if i.is_multiple_of(7) {
                "robot"
            } else {
                "female"
            };
            let extra = if i.is_multiple_of(11) {
                r#", "colour": "blue""#
            } else {
                ""
            };
            let practitioner = if i.is_multiple_of(13) {
                r#", "generalPractitioner": [{"reference": "Patient/p0"}]"#
            } else {
                ""
            };
            let _ = write!(
                json,
                r#"{}{{"fullUrl": "http://x/fhir/Patient/p{i}", "resource": {{"resourceType": "Patient",
                "id": "p{i}", "gender": "{gender}"{extra}{practitioner},
                "link": [{{"other": {{"reference": "Patient/p0"}}, "type": "seealso"}}]}}}}"#,
                if i == 0 { "" } else { "," }
            );
        }
        json.push_str("]}");
        json.into_bytes()
    }

    #[test]
    fn ele_1_without_the_engine_agrees_with_the_engine() {
        use assure_fhirpath::{EvalContext, Item, NoModel, Node};
        let json = br#"{"resourceType": "Patient", "id": "p", "active": true,
            "_birthDate": {"id": "b1"}, "_gender": {"id": "g", "extension": [{"url": "x"}]},
            "name": [{"id": "n"}, {"idString": "s"}, {"id": "n2", "text": "T"}],
            "contact": [{"id": "c", "idString": "s"}, {}],
            "extension": [{"url": "http://x", "valueString": "y"}]}"#;
        let parsed = assure_model::parse(json, Format::Json).expect("parses");
        let expr = assure_fhirpath::parse(crate::validator::profile::ELE_1).expect("ele-1 parses");
        let ctx = EvalContext::new(&NoModel);
        let mut pending = vec![&parsed.root];
        let mut checked = 0;
        while let Some(node) = pending.pop() {
            pending.extend(&node.children);
            for type_name in [None, Some("Element")] {
                let mut focus = Node::new(node);
                focus.type_name = focus.type_name.or(type_name.map(Arc::from));
                let typed = focus.type_name.is_some();
                let engine = expr.evaluate_boolean(&ctx, &[Item::Node(focus)]);
                assert_eq!(
                    engine.expect("evaluates"),
                    Some(super::has_value_or_children(node, typed)),
                    "{} (typed: {typed})",
                    node.name
                );
                checked += 1;
            }
        }
        assert!(checked > 30);
    }

    #[test]
    fn entries_validated_in_parallel_report_as_one_by_one() {
        let mut definitions = Definitions::new();
        definitions.add_package(crate::bundled::package().expect("built-in bundle"));
        let validator = Validator::new(Arc::new(definitions));
        let bytes = bundle(3 * super::PARALLEL_ENTRIES);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            pool.install(|| validator.validate_bytes(&bytes, Format::Json, &Options::default()))
                .issues
        };
        let one_by_one = run(1);
        let errors: Vec<&str> = one_by_one
            .iter()
            .filter(|i| i.severity == super::Severity::Error)
            .map(|i| &*i.location)
            .collect();
        assert_eq!(errors[0], "Bundle.entry[0].resource.gender");
        assert!(errors.contains(&"Bundle.entry[182].resource.generalPractitioner[0]"));
        assert!(errors.contains(&"Bundle.entry[187].resource"));
        assert_eq!(run(4), one_by_one);
    }
}
