//! Expansion: the suites' `generate.profiles` turned into tests, from the target's
//! CapabilityStatement, when the run starts.
//!
//! Per profile a type claims (`rest.resource.profile` or `supportedProfile`) under the
//! generator's canonical prefix: four tests `<prefix>-<Name>-INSTANCES`, `-CONFORMS`,
//! `-MUST-SUPPORT` and `-REFERENCES`; the last three need the first. A target that claims
//! none (or has no usable CapabilityStatement) gets one test `<prefix>-PROFILES`, skipped with
//! the reason.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value;

use crate::runner::capability::claimed_types;
use crate::runner::plan::Plan;
use crate::suite::{Level, PROFILE_CHECKS, ProfileGenerator, TestCase};

/// What a generated profile test checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CheckKind {
    /// Instances are found by `_profile` (or `meta.profile`) and the first can be read.
    Instances,
    /// Every instance inspected validates against the profile.
    Conforms,
    /// Every must-support element is populated in some instance.
    MustSupport,
    /// References in must-support elements resolve on the server.
    References,
}

impl CheckKind {
    const ALL: [CheckKind; 4] = [
        CheckKind::Instances,
        CheckKind::Conforms,
        CheckKind::MustSupport,
        CheckKind::References,
    ];

    /// The last part of the test id.
    fn suffix(self) -> &'static str {
        PROFILE_CHECKS[self as usize]
    }
}

/// A generated profile test.
#[derive(Debug)]
pub(crate) struct ProfileCheck {
    pub(crate) kind: CheckKind,
    pub(crate) resource_type: String,
    /// The profile's canonical URL, as claimed.
    pub(crate) profile: String,
    /// Whether it is the type's `profile` (every resource of the type conforms to it) rather
    /// than a `supportedProfile`.
    pub(crate) whole_type: bool,
    /// Most instances inspected.
    pub(crate) instances: usize,
    /// Set when the test cannot run: why it is skipped.
    pub(crate) skip: Option<String>,
}

/// The generated profile tests of a run, by id.
#[derive(Debug, Default)]
pub(crate) struct ProfileChecks {
    checks: HashMap<String, Arc<ProfileCheck>>,
}

impl ProfileChecks {
    /// The check of the generated test `id`.
    pub(crate) fn get(&self, id: &str) -> Option<Arc<ProfileCheck>> {
        self.checks.get(id).cloned()
    }
}

/// A claimed profile under a generator's prefix.
struct Claimed {
    resource_type: String,
    url: String,
    whole_type: bool,
}

/// `plan` with every profile generator's tests added (those its filter selects and whose id no
/// other test has). `statement` is the target's CapabilityStatement (or why there is none).
pub(crate) fn expand(mut plan: Plan, statement: &Result<Value, String>) -> (Plan, ProfileChecks) {
    let mut checks = ProfileChecks::default();
    let mut ids: HashSet<String> = plan
        .suites
        .iter()
        .flat_map(|s| &s.tests)
        .map(|t| t.id.clone())
        .collect();
    for suite in &mut plan.suites {
        let Some(generator) = &suite.generate.profiles else {
            continue;
        };
        for (test, check) in tests(generator, statement) {
            if plan.filter.selects(&test) && ids.insert(test.id.clone()) {
                checks.checks.insert(test.id.clone(), Arc::new(check));
                suite.tests.push(test);
            }
        }
    }
    plan.suites.retain(|s| !s.tests.is_empty());
    (plan, checks)
}

/// The tests of `generator` for the profiles `statement` claims.
fn tests(
    generator: &ProfileGenerator,
    statement: &Result<Value, String>,
) -> Vec<(TestCase, ProfileCheck)> {
    let claimed = statement
        .as_ref()
        .map_err(Clone::clone)
        .and_then(claimed_types);
    let claimed: Vec<Claimed> = match claimed {
        Ok(types) => types
            .into_iter()
            .flat_map(|t| {
                let whole = t.profile.clone().map(|url| (url, true));
                let supported = t.supported_profiles.iter().map(|url| (url.clone(), false));
                let mut seen = HashSet::new();
                whole
                    .into_iter()
                    .chain(supported)
                    .filter(|(url, _)| url.starts_with(&generator.canonical_prefix))
                    .filter(|(url, _)| seen.insert(url.clone()))
                    .map(|(url, whole_type)| Claimed {
                        resource_type: t.name.clone(),
                        url,
                        whole_type,
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
        Err(reason) => {
            return vec![nothing_claimed(
                generator,
                format!("no CapabilityStatement to read the claimed profiles from: {reason}"),
            )];
        }
    };
    if claimed.is_empty() {
        return vec![nothing_claimed(
            generator,
            format!(
                "the CapabilityStatement claims no profile under {} (rest.resource.profile or supportedProfile): this checklist applies to servers that claim them",
                generator.canonical_prefix
            ),
        )];
    }
    let mut out = Vec::new();
    for profile in &claimed {
        let name = id_name(&profile.url, &generator.canonical_prefix);
        let instances_id = format!(
            "{}-{name}-{}",
            generator.id_prefix,
            CheckKind::Instances.suffix()
        );
        for kind in CheckKind::ALL {
            let mut test = test_case(generator, &name, kind, profile);
            if kind != CheckKind::Instances {
                test.needs = vec![instances_id.clone()];
            }
            out.push((
                test,
                ProfileCheck {
                    kind,
                    resource_type: profile.resource_type.clone(),
                    profile: profile.url.clone(),
                    whole_type: profile.whole_type,
                    instances: generator.instances,
                    skip: None,
                },
            ));
        }
    }
    out
}

/// The one skipped test of a generator that has nothing to check.
fn nothing_claimed(generator: &ProfileGenerator, reason: String) -> (TestCase, ProfileCheck) {
    let test = TestCase {
        id: format!("{}-PROFILES", generator.id_prefix),
        title: format!("Profiles claimed under {}", generator.canonical_prefix),
        level: Level::Shall,
        tags: vec!["profile".into(), "generated".into(), generator.id_prefix.to_ascii_lowercase()],
        requirement: Some(
            "https://hl7.org/fhir/R4/capabilitystatement-definitions.html#CapabilityStatement.rest.resource.supportedProfile".into(),
        ),
        description: None,
        needs: Vec::new(),
        steps: Vec::new(),
    };
    let check = ProfileCheck {
        kind: CheckKind::Instances,
        resource_type: String::new(),
        profile: String::new(),
        whole_type: false,
        instances: generator.instances,
        skip: Some(reason),
    };
    (test, check)
}

/// The test case of one check of one claimed profile.
fn test_case(
    generator: &ProfileGenerator,
    name: &str,
    kind: CheckKind,
    profile: &Claimed,
) -> TestCase {
    let (url, resource_type) = (&profile.url, &profile.resource_type);
    let claim = if profile.whole_type {
        "profile"
    } else {
        "supportedProfile"
    };
    let claim_rule = format!(
        "https://hl7.org/fhir/R4/capabilitystatement-definitions.html#CapabilityStatement.rest.resource.{claim}"
    );
    let (level, title, requirement, description) = match kind {
        CheckKind::Instances => (
            Level::Shall,
            format!("Serve and read {resource_type} instances of {url}"),
            claim_rule,
            format!(
                "The CapabilityStatement claims {url} as the {claim} of {resource_type}: the server hosts resources conformant to it and a client can search by it (`_profile`) and read them. Instances are searched with `_profile`, else taken from the first resources of the type by their meta.profile{}; the first is read.",
                if profile.whole_type { " (the type's profile: every resource)" } else { "" }
            ),
        ),
        CheckKind::Conforms => (
            Level::Shall,
            format!("{resource_type} instances conform to {url}"),
            claim_rule,
            format!("Every instance inspected (at most {}) validates against {url} with no error. Needs the profile's definitions (`--package`).", generator.instances),
        ),
        CheckKind::MustSupport => (
            Level::Should,
            format!("Must-support elements of {url} are populated"),
            "https://hl7.org/fhir/R4/profiling.html#mustsupport".to_owned(),
            format!("Each element the profile flags mustSupport is populated in at least one instance inspected (at most {}); the failure lists those never seen and the instances inspected.", generator.instances),
        ),
        CheckKind::References => (
            Level::Should,
            format!("References in must-support elements of {url} resolve"),
            "https://hl7.org/fhir/R4/references.html#Reference".to_owned(),
            "Each relative reference (`Type/id`, or an absolute URL on the server's base) in a must-support element of an instance inspected is read: it must answer with a resource of that type. Contained references (`#id`) must name a contained resource.".to_owned(),
        ),
    };
    TestCase {
        id: format!("{}-{name}-{}", generator.id_prefix, kind.suffix()),
        title,
        level,
        tags: vec![
            "profile".into(),
            "generated".into(),
            resource_type.to_ascii_lowercase(),
            generator.id_prefix.to_ascii_lowercase(),
        ],
        requirement: Some(requirement),
        description: Some(description),
        needs: Vec::new(),
        steps: Vec::new(),
    }
}

/// The profile's part of a test id: its URL after the canonical prefix (else its last path
/// segment), with characters an id cannot hold replaced by `-`.
fn id_name(url: &str, canonical_prefix: &str) -> String {
    let url = url.split('|').next().unwrap_or_default();
    let name = url
        .strip_prefix(canonical_prefix)
        .filter(|rest| !rest.is_empty())
        .unwrap_or_else(|| url.rsplit('/').next().unwrap_or(url));
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn generator() -> ProfileGenerator {
        ProfileGenerator {
            canonical_prefix: "https://example.org/SD/UK-".into(),
            id_prefix: "UK".into(),
            instances: 5,
        }
    }

    #[test]
    fn four_checks_per_claimed_profile_under_the_prefix() {
        let statement = json!({"resourceType": "CapabilityStatement", "rest": [{"mode": "server", "resource": [
            {"type": "Patient", "profile": "http://hl7.org/fhir/StructureDefinition/Patient",
             "supportedProfile": ["https://example.org/SD/UK-Patient", "https://example.org/SD/UK-Patient"]},
            {"type": "Observation", "profile": "https://example.org/SD/UK-Observation|2.0"}
        ]}]});
        let made = tests(&generator(), &Ok(statement));
        let ids: Vec<&str> = made.iter().map(|(t, _)| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "UK-Patient-INSTANCES",
                "UK-Patient-CONFORMS",
                "UK-Patient-MUST-SUPPORT",
                "UK-Patient-REFERENCES",
                "UK-Observation-INSTANCES",
                "UK-Observation-CONFORMS",
                "UK-Observation-MUST-SUPPORT",
                "UK-Observation-REFERENCES"
            ]
        );
        assert_eq!(made[1].0.needs, ["UK-Patient-INSTANCES"]);
        assert!(made[4].1.whole_type && !made[0].1.whole_type);
        assert_eq!(made[2].0.level, Level::Should);
    }

    #[test]
    fn nothing_claimed_is_one_skipped_test_saying_so() {
        let statement = json!({"resourceType": "CapabilityStatement", "rest": [{"mode": "server", "resource": [{"type": "Patient"}]}]});
        let made = tests(&generator(), &Ok(statement));
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].0.id, "UK-PROFILES");
        assert!(
            made[0]
                .1
                .skip
                .as_deref()
                .unwrap()
                .contains("claims no profile under https://example.org/SD/UK-")
        );
        let made = tests(&generator(), &Err("status 500".into()));
        assert!(made[0].1.skip.as_deref().unwrap().contains("status 500"));
    }
}
