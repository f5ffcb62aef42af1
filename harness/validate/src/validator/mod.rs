//! Validation of parsed resources against StructureDefinition snapshots.

mod additional_binding;
mod attachment;
mod binding;
mod bounds;
mod bundle;
mod bundle_index;
mod bundle_link;
mod bundle_rule;
mod coding;
mod context;
mod differential;
mod document;
mod element_ids;
mod emptied;
mod extension;
mod issue;
mod lean_definition;
mod narrative_language;
mod narrative_links;
mod nhs_identifier;
mod obligations;
mod pattern;
mod policy;
mod profile;
mod profile_ref;
mod reference;
mod report;
mod resolver;
mod shared_text;
mod slicing;
mod snapshot;
mod stop;
mod switches;
mod to_json;
mod type_model;
mod ucum;
mod unchecked;
mod unique_full_urls;
mod uri;
mod vital_signs;
mod walk;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use assure_fhirpath::StaticModel;
use assure_model::{Element, Format, ParseError, ParseIssue};
use serde_json::Value;

use crate::Definitions;
use crate::terminology::Terminology;

pub use bundle_rule::{BundleRule, BundleRuleError};
pub use issue::{Issue, OperationOutcome, Outcome, Severity};
pub use nhs_identifier::{NHS_NUMBER_RULE, ODS_CODE_RULE};
pub use policy::Policy;
pub use profile::Profile;
use profile_ref::ProfileRef;
pub use resolver::{KnownResources, ReferenceResolver};
pub use stop::{STOPPED_RULE, Stop};
pub use switches::{BestPractice, CheckReferences, HtmlInMarkdown, Switches, UnknownValue};
pub use ucum::UCUM_RULE;
pub use unchecked::UNCHECKED_RULE;

/// What to validate against besides the resource's own type and `meta.profile`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Extra profiles (canonical URLs) the resource must conform to.
    pub profiles: Vec<String>,
    /// The format the element was parsed from; JSON value kinds (string vs number vs
    /// boolean) are checked only for JSON.
    pub format: Option<Format>,
    /// Finds resources outside the document that references point to, so that their type
    /// and target profiles are checked too.
    pub resolver: Option<Arc<dyn ReferenceResolver>>,
    /// The run's switches (unknown extensions, references, best practice, security checks).
    pub switches: Switches,
    /// When to give up: by default, never.
    pub stop: Stop,
}

/// Validates resources against the definitions it was built with. It is `Sync`: share one
/// validator across threads; compiled profiles and value set expansions are cached.
#[derive(Debug)]
pub struct Validator {
    definitions: Arc<Definitions>,
    terminology: Terminology,
    profiles: RwLock<HashMap<String, Option<Arc<Profile>>>>,
    /// `type_profile` answers by bare type name, so hot lookups build no canonical URL. One
    /// slot per core definition, made when the validator is: looking a type up takes no lock,
    /// so threads validating side by side do not contend for it.
    type_profiles: foldhash::HashMap<String, OnceLock<Option<Arc<Profile>>>>,
    snapshots: RwLock<HashMap<String, Result<Arc<Value>, String>>>,
    model: OnceLock<StaticModel>,
    global_profiles: OnceLock<HashMap<String, Vec<String>>>,
    vital_signs: OnceLock<Vec<vital_signs::VitalSign>>,
    policy: Policy,
}

impl Validator {
    /// A validator over `definitions`.
    pub fn new(definitions: Arc<Definitions>) -> Self {
        Self {
            terminology: Terminology::new(definitions.clone()),
            type_profiles: core_type_slots(&definitions),
            definitions,
            profiles: RwLock::new(HashMap::new()),
            snapshots: RwLock::new(HashMap::new()),
            model: OnceLock::new(),
            global_profiles: OnceLock::new(),
            vital_signs: OnceLock::new(),
            policy: Policy::default(),
        }
    }

    /// The same validator with the optional checks of `policy` switched on or off.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The optional checks in force.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The definitions in use.
    pub fn definitions(&self) -> &Arc<Definitions> {
        &self.definitions
    }

    /// The terminology service in use.
    pub fn terminology(&self) -> &Terminology {
        &self.terminology
    }

    // `validate`, which starts a walk over one resource, is defined with the walk.

    /// Parses and validates a document; parse problems become issues.
    pub fn validate_bytes(&self, bytes: &[u8], format: Format, options: &Options) -> Outcome {
        match assure_model::parse(bytes, format) {
            Err(error) => Outcome::unparsable(&error),
            Ok(parsed) => {
                self.validate_parsed(&parsed.root, &parsed.issues, parsed.format, options)
            }
        }
    }

    /// Validates a document parsed already from `format`: its parse issues, then `root`.
    pub fn validate_parsed(
        &self,
        root: &Element,
        parse_issues: &[ParseIssue],
        format: Format,
        options: &Options,
    ) -> Outcome {
        let options = Options {
            format: Some(format),
            ..options.clone()
        };
        let mut issues = self.validate(root, &options);
        emptied::drop_repeated_ele_1(&mut issues, parse_issues);
        // The parse issues come first; the (possibly very long) list is not copied for them.
        issues.splice(
            0..0,
            parse_issues.iter().map(|p| Issue {
                severity: p.severity,
                location: p.path.as_str().into(),
                line: p.pos.line,
                col: p.pos.col,
                message: shared_text::shared(&p.message),
                rule: shared_text::shared("format"),
            }),
        );
        Outcome { issues }
    }

    /// The compiled profile for a canonical URL (`url` or `url|version`), cached.
    pub fn profile(&self, canonical: &str) -> Option<Arc<Profile>> {
        if let Some(found) = self
            .profiles
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(canonical)
        {
            return found.clone();
        }
        // The definition's JSON tree is read for compiling and dropped after it.
        let compiled = self
            .snapshot_of(canonical, 0)
            .ok()
            .and_then(|sd| Profile::compile(&sd).ok());
        self.profiles
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(canonical.to_owned(), compiled.clone());
        compiled
    }

    /// A StructureDefinition (by canonical URL) with its snapshot, generated from the
    /// differential when it has none; cached.
    pub fn with_snapshot(&self, canonical: &str) -> Option<Arc<Value>> {
        // Definitions with a snapshot stay parsed in `definitions` for callers that ask again.
        match self.definitions.structure_definition(canonical) {
            Some(sd) if has_snapshot(&sd) => Some(sd),
            _ => self.snapshot_of(canonical, 0).ok(),
        }
    }

    /// Why a profile cannot be used, for messages: not loaded, or its snapshot could not be
    /// generated (and why).
    pub fn profile_problem(&self, canonical: &str) -> String {
        match self.snapshot_of(canonical, 0) {
            Ok(_) => format!("Profile {canonical} could not be compiled"),
            Err(why) => why,
        }
    }

    /// Whether `name` is a concrete resource type of the definitions (`Patient`; not
    /// `Resource`, `DomainResource` or a data type).
    pub fn is_resource_type(&self, name: &str) -> bool {
        !matches!(name, "Resource" | "DomainResource")
            && !name.contains(':')
            && self
                .type_profile(name)
                .is_some_and(|p| p.kind == "resource" && p.type_name == name)
    }

    /// Why a Bundle rule cannot be applied: its type is no resource type, or its profile
    /// cannot be used; `None` when it can.
    pub fn bundle_rule_problem(&self, rule: &BundleRule) -> Option<String> {
        if let Some(kind) = &rule.resource_type
            && !self.is_resource_type(kind)
        {
            return Some(format!(
                "Bundle rule {}: {kind} is not a resource type",
                rule.rule()
            ));
        }
        if self.profile(&rule.profile).is_none() {
            return Some(format!(
                "Bundle rule {}: {}",
                rule.rule(),
                self.profile_problem(&rule.profile)
            ));
        }
        None
    }

    fn snapshot_of(&self, canonical: &str, depth: usize) -> Result<Arc<Value>, String> {
        const MAX_BASE_CHAIN: usize = 16;
        if let Some(found) = self
            .snapshots
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(canonical)
        {
            return found.clone();
        }
        let sd = self
            .read_structure_definition(canonical)
            .ok_or_else(|| format!("Profile {canonical} could not be found"))?;
        if has_snapshot(&sd) {
            return Ok(sd);
        }
        if depth > MAX_BASE_CHAIN {
            return Err(format!(
                "Profile {canonical}: its base definitions nest too deeply"
            ));
        }
        let source = |url: &str| {
            let url = if url.contains(':') {
                url.to_owned()
            } else {
                format!("{}{url}", crate::definitions::CORE_SD_BASE)
            };
            self.snapshot_of(&url, depth + 1).ok()
        };
        let generated = snapshot::generate(&sd, &source)
            .map(Arc::new)
            .map_err(|why| {
                format!("Profile {canonical} has no snapshot and one could not be generated: {why}")
            });
        self.snapshots
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(canonical.to_owned(), generated.clone());
        generated
    }

    /// A StructureDefinition's JSON tree without its documentation, parsed for this call
    /// only (the definitions keep no copy), so compiled profiles do not leave whole
    /// definitions behind in memory.
    fn read_structure_definition(&self, canonical: &str) -> Option<Arc<Value>> {
        match self.definitions.resolve(canonical) {
            Some(found) if found.resource_type() == "StructureDefinition" => found
                .deserialize::<lean_definition::LeanDefinition>()
                .ok()
                .map(|lean| Arc::new(lean.0)),
            // Another resource type shares the URL: the typed lookup finds the definition.
            _ => self.definitions.structure_definition(canonical),
        }
    }

    /// The compiled core definition of a type name (`Patient`, `HumanName`, `string`).
    pub fn type_profile(&self, type_name: &str) -> Option<Arc<Profile>> {
        if type_name.contains(':') {
            return self.profile(type_name);
        }
        let canonical = || format!("{}{type_name}", crate::definitions::CORE_SD_BASE);
        match self.type_profiles.get(type_name) {
            Some(slot) => slot.get_or_init(|| self.profile(&canonical())).clone(),
            // Not a core type name (e.g. `name|version`): the cache by canonical URL answers.
            None => self.profile(&canonical()),
        }
    }

    /// [`Validator::type_profile`], borrowed from the table of core types when the name is
    /// one (no shared count to update).
    pub(crate) fn type_profile_ref(&self, type_name: &str) -> Option<ProfileRef<'_>> {
        match self.type_profiles.get(type_name) {
            Some(slot) => slot
                .get_or_init(|| {
                    self.profile(&format!("{}{type_name}", crate::definitions::CORE_SD_BASE))
                })
                .as_ref()
                .map(ProfileRef::Borrowed),
            _ => self.type_profile(type_name).map(ProfileRef::Shared),
        }
    }

    /// Profiles that ImplementationGuides among the definitions declare `global` for a
    /// resource type.
    pub fn global_profiles(&self, resource_type: &str) -> &[String] {
        let map = self.global_profiles.get_or_init(|| {
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for guide in self.definitions.of_type("ImplementationGuide") {
                let Ok(guide) = guide.deserialize::<GlobalProfiles>() else {
                    continue;
                };
                for global in guide.global {
                    if let (Some(kind), Some(profile)) = (global.kind, global.profile) {
                        map.entry(kind).or_default().push(profile);
                    }
                }
            }
            map
        });
        map.get(resource_type)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The vital signs of the core package whose profiles are loaded, built on first use.
    pub(crate) fn vital_signs(&self) -> &[vital_signs::VitalSign] {
        self.vital_signs.get_or_init(|| vital_signs::table(self))
    }

    /// FHIRPath type information from the loaded StructureDefinitions, built on first use.
    pub(crate) fn model(&self) -> &StaticModel {
        self.model
            .get_or_init(|| type_model::build(&self.definitions))
    }
}

impl Outcome {
    /// The outcome of a document that does not parse: one error where parsing stopped.
    pub fn unparsable(error: &ParseError) -> Self {
        Outcome {
            issues: vec![Issue {
                severity: Severity::Error,
                location: "(document)".into(),
                line: error.pos.line,
                col: error.pos.col,
                message: error.message.as_str().into(),
                rule: "parse".into(),
            }],
        }
    }
}

/// An empty slot for each type name with a core StructureDefinition
/// (`http://hl7.org/fhir/StructureDefinition/<name>`).
fn core_type_slots(
    definitions: &Definitions,
) -> foldhash::HashMap<String, OnceLock<Option<Arc<Profile>>>> {
    definitions
        .structure_definitions()
        .filter_map(|sd| sd.url()?.strip_prefix(crate::definitions::CORE_SD_BASE))
        .filter(|name| !name.contains(['/', ':', '|']))
        .map(|name| (name.to_owned(), OnceLock::new()))
        .collect()
}

/// Whether a StructureDefinition has a non-empty snapshot.
fn has_snapshot(sd: &Value) -> bool {
    sd["snapshot"]["element"]
        .as_array()
        .is_some_and(|e| !e.is_empty())
}

/// The `global` profiles of an ImplementationGuide, read without the rest of the guide.
#[derive(serde::Deserialize)]
struct GlobalProfiles {
    #[serde(default)]
    global: Vec<GlobalProfile>,
}

#[derive(serde::Deserialize)]
struct GlobalProfile {
    #[serde(rename = "type")]
    kind: Option<String>,
    profile: Option<String>,
}
