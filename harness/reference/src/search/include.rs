//! `_include` and `_revinclude`: the resources a page's matches refer to, and the resources
//! that refer to them, added with `search.mode = include`. `:iterate` applies a rule to
//! included resources too, until nothing new is found.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;

use super::criterion::{Criterion, Matcher, Test};
use super::path;
use super::reference::{ReferenceQuery, target_of};
use crate::outcome::FhirError;
use crate::resource_types::{self, ParamKind, ResourceType, SearchParam};

/// One `_include` or `_revinclude` rule: `Source:param[:Target]`.
#[derive(Debug, Clone, Copy)]
pub struct Include {
    reverse: bool,
    iterate: bool,
    source: &'static ResourceType,
    param: &'static SearchParam,
    target: Option<&'static str>,
}

impl Include {
    /// Parses an `_include` (or, `reverse`, `_revinclude`) value for a search on `searched`.
    pub fn parse(
        searched: &ResourceType,
        reverse: bool,
        modifier: Option<&str>,
        value: &str,
    ) -> Result<Self, FhirError> {
        let name = if reverse { "_revinclude" } else { "_include" };
        let bad = |reason: String| FhirError::bad_request(format!("{name}={value:?}: {reason}"));
        let iterate = match modifier {
            None => false,
            Some("iterate") => true,
            Some(other) => return Err(bad(format!("unknown modifier {other:?}"))),
        };
        let mut parts = value.split(':');
        let (Some(source), Some(param_name)) = (parts.next(), parts.next()) else {
            return Err(bad("expected Type:parameter[:targetType]".to_owned()));
        };
        let target = parts.next();
        if parts.next().is_some() {
            return Err(bad("expected Type:parameter[:targetType]".to_owned()));
        }
        let source = resource_types::served(source)
            .ok_or_else(|| bad(format!("{source:?} is not served here")))?;
        let param = source
            .search_param(param_name)
            .filter(|param| param.kind == ParamKind::Reference)
            .ok_or_else(|| {
                bad(format!(
                    "{param_name:?} is not a reference parameter of {}",
                    source.name
                ))
            })?;
        let target = match target {
            Some(target) => Some(
                param
                    .targets
                    .iter()
                    .copied()
                    .find(|t| *t == target)
                    .ok_or_else(|| bad(format!("{} cannot point to {target:?}", param.name)))?,
            ),
            None => None,
        };
        let relevant = if reverse {
            target.map_or(param.targets.contains(&searched.name), |t| {
                t == searched.name
            })
        } else {
            source.name == searched.name
        };
        if !relevant && !iterate {
            return Err(bad(format!(
                "it does not apply to a search on {}",
                searched.name
            )));
        }
        Ok(Self {
            reverse,
            iterate,
            source,
            param,
            target,
        })
    }

    /// Whether a reference to `resource_type` is one this rule follows.
    fn follows(&self, resource_type: &str) -> bool {
        self.param.targets.contains(&resource_type)
            && self.target.is_none_or(|target| target == resource_type)
    }

    /// A criterion on the rule's parameter that holds for the resources referring to one of
    /// `targets` through a reference the rule follows.
    fn referring_to(&self, targets: &[Arc<Value>]) -> Criterion {
        let references = targets
            .iter()
            .filter_map(|target| {
                let resource_type = resource_types::served(target["resourceType"].as_str()?)?;
                let id = target["id"].as_str()?;
                self.follows(resource_type.name)
                    .then(|| Matcher::Reference(ReferenceQuery::to(resource_type.name, id)))
            })
            .collect();
        Criterion {
            param: self.param,
            test: Test::AnyOf(references),
        }
    }

    fn references<'a>(&self, resource: &'a Value) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.param
            .paths
            .iter()
            .flat_map(move |path| path::values(resource, path))
            .filter_map(target_of)
            .filter(|(resource_type, _)| self.follows(resource_type))
    }
}

/// The most resources `_include` and `_revinclude` add to one page: a page's matches may be
/// referred to by any number of resources, and each one added is copied into the Bundle.
pub const MAX_INCLUDED: usize = 1_000;

/// What `_include` and `_revinclude` add to a page.
#[derive(Debug, Default)]
pub struct Included {
    /// The resources added, at most [`MAX_INCLUDED`], none of them a match, each once.
    pub resources: Vec<Arc<Value>>,
    /// Whether more would have been added than [`MAX_INCLUDED`].
    pub truncated: bool,
}

/// The resources `rules` add to `matches`, none of them a match, each once, up to
/// [`MAX_INCLUDED`]. `find` lists the live resources of a type that meet a criterion; `read`
/// fetches one live resource. The resources are the store's shared ones: none is copied.
pub fn collect(
    rules: &[Include],
    matches: &[Arc<Value>],
    find: impl Fn(&ResourceType, &Criterion) -> Vec<Arc<Value>>,
    read: impl Fn(&str, &str) -> Option<Arc<Value>>,
) -> Included {
    let mut seen: BTreeSet<(String, String)> =
        matches.iter().map(|resource| key(resource)).collect();
    let mut frontier: Vec<Arc<Value>> = matches.to_vec();
    let mut included = Vec::new();
    let mut first = true;
    while !frontier.is_empty() {
        let mut found = Vec::new();
        for rule in rules.iter().filter(|rule| first || rule.iterate) {
            if rule.reverse {
                for candidate in find(rule.source, &rule.referring_to(&frontier)) {
                    if seen.insert(key(&candidate)) {
                        found.push(candidate);
                    }
                }
            } else {
                for resource in frontier
                    .iter()
                    .filter(|r| r["resourceType"] == rule.source.name)
                {
                    for (resource_type, id) in rule.references(resource) {
                        if seen.contains(&(resource_type.to_owned(), id.to_owned())) {
                            continue;
                        }
                        if let Some(target) = read(resource_type, id) {
                            seen.insert(key(&target));
                            found.push(target);
                        }
                    }
                }
            }
        }
        if included.len() + found.len() > MAX_INCLUDED {
            found.truncate(MAX_INCLUDED - included.len());
            included.extend(found);
            return Included {
                resources: included,
                truncated: true,
            };
        }
        included.extend(found.iter().cloned());
        frontier = found;
        first = false;
    }
    Included {
        resources: included,
        truncated: false,
    }
}

fn key(resource: &Value) -> (String, String) {
    let field = |name: &str| resource[name].as_str().unwrap_or_default().to_owned();
    (field("resourceType"), field("id"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource_types::served;
    use serde_json::json;

    fn store() -> Vec<Value> {
        vec![
            json!({"resourceType": "Patient", "id": "p", "generalPractitioner": [{"reference": "Organization/o"}]}),
            json!({"resourceType": "Organization", "id": "o"}),
            json!({"resourceType": "Observation", "id": "x", "subject": {"reference": "Patient/p"}}),
        ]
    }

    fn run(searched: &str, rules: &[(&str, &str, Option<&str>)], matches: &[Value]) -> Vec<String> {
        let searched = served(searched).unwrap();
        let rules: Vec<Include> = rules
            .iter()
            .map(|(name, value, modifier)| {
                Include::parse(searched, *name == "_revinclude", *modifier, value).unwrap()
            })
            .collect();
        let find = |t: &ResourceType, criterion: &Criterion| {
            store()
                .into_iter()
                .filter(|r| r["resourceType"] == t.name && criterion.matches(r))
                .map(Arc::new)
                .collect()
        };
        let read = |t: &str, id: &str| {
            store()
                .into_iter()
                .find(|r| r["resourceType"] == t && r["id"] == id)
                .map(Arc::new)
        };
        let matches: Vec<Arc<Value>> = matches.iter().cloned().map(Arc::new).collect();
        collect(&rules, &matches, find, read)
            .resources
            .iter()
            .map(|r| {
                format!(
                    "{}/{}",
                    r["resourceType"].as_str().unwrap(),
                    r["id"].as_str().unwrap()
                )
            })
            .collect()
    }

    #[test]
    fn revinclude_adds_at_most_the_cap_and_says_it_left_some_out() {
        let patient = Arc::new(json!({"resourceType": "Patient", "id": "p"}));
        let referring = |count: usize| -> Vec<Arc<Value>> {
            (0..count)
                .map(|n| {
                    Arc::new(json!({"resourceType": "Observation", "id": format!("o{n}"),
                        "subject": {"reference": "Patient/p"}}))
                })
                .collect()
        };
        let rule = Include::parse(
            served("Patient").unwrap(),
            true,
            None,
            "Observation:subject",
        )
        .unwrap();
        for (count, expected, truncated) in [
            (MAX_INCLUDED, MAX_INCLUDED, false),
            (MAX_INCLUDED + 1, MAX_INCLUDED, true),
            (5 * MAX_INCLUDED, MAX_INCLUDED, true),
        ] {
            let included = collect(
                std::slice::from_ref(&rule),
                std::slice::from_ref(&patient),
                |_: &ResourceType, _: &Criterion| referring(count),
                |_: &str, _: &str| None,
            );
            assert_eq!(included.resources.len(), expected, "{count} referring");
            assert_eq!(included.truncated, truncated, "{count} referring");
        }
    }

    #[test]
    fn include_revinclude_and_iterate() {
        let observation = store()[2].clone();
        let patient = store()[0].clone();
        assert_eq!(
            run(
                "Observation",
                &[("_include", "Observation:patient", None)],
                std::slice::from_ref(&observation)
            ),
            ["Patient/p"]
        );
        assert_eq!(
            run(
                "Observation",
                &[("_include", "Observation:subject:Group", None)],
                std::slice::from_ref(&observation)
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            run(
                "Observation",
                &[
                    ("_include", "Observation:patient", None),
                    ("_include", "Patient:general-practitioner", Some("iterate"))
                ],
                &[observation]
            ),
            ["Patient/p", "Organization/o"]
        );
        assert_eq!(
            run(
                "Patient",
                &[("_revinclude", "Observation:subject", None)],
                &[patient]
            ),
            ["Observation/x"]
        );
    }

    #[test]
    fn malformed_rules_are_refused() {
        let observation = served("Observation").unwrap();
        for value in [
            "Observation",
            "Observation:code",
            "Observation:patient:Group",
            "Patient:general-practitioner",
            "Spaceship:x",
            "Observation:subject:Patient:x",
        ] {
            assert!(
                Include::parse(observation, false, None, value).is_err(),
                "{value}"
            );
        }
        assert!(
            Include::parse(observation, false, Some("recurse"), "Observation:patient").is_err()
        );
        assert!(Include::parse(observation, true, None, "Condition:patient").is_err());
    }
}
