//! The plan: which tests run, in which order.
//!
//! `--id` patterns and `--tag`s select tests; every test a selected test `needs` (directly or
//! transitively) is pulled in, so its prerequisites and captures are there. Order is suite
//! order, then file order within a suite. Planning only selects: the suites come from the
//! loader, which has already checked ids and `needs` (unique ids, no unknown needs, no cycles).
//! [`plan_shard`] keeps one shard's part of the plan ([`shard`]).

mod shard;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;
use thiserror::Error;

use crate::results::{PlannedSuite, ShardRecord};
use crate::suite::{
    DataItem, Generators, Suite, TestCase, data_variables, test_variables, variables_in,
};

pub use shard::Shard;

/// Which tests to run. Empty lists select everything; when both are given a test must match
/// an id pattern *and* carry one of the tags.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Exact ids or patterns with `*` (`CORE-PAT-*`), case-sensitive.
    pub ids: Vec<String>,
    /// Tags, exact.
    pub tags: Vec<String>,
}

impl Filter {
    /// True when `test` is selected by this filter (before `needs` are pulled in).
    pub fn selects(&self, test: &TestCase) -> bool {
        let id_ok = self.ids.is_empty() || self.ids.iter().any(|p| glob_matches(p, &test.id));
        let tag_ok = self.tags.is_empty() || self.tags.iter().any(|t| test.tags.contains(t));
        id_ok && tag_ok
    }
}

impl Filter {
    /// Whether a test the `generators` make at run time may be selected: search checks
    /// (`<prefix>-<Type>-…`, tagged `search`, `generated` and the type in lower case) and
    /// profile checks (`<prefix>-<Name>-…`, tagged `profile`, `generated`, the type and the
    /// id prefix in lower case).
    pub(crate) fn may_select_generated(&self, generators: &Generators) -> bool {
        let search = generators.search.as_ref().is_some_and(|generator| {
            self.may_select_prefixed(&generator.id_prefix, |tag| {
                matches!(tag, "search" | "generated")
                    || generator
                        .types
                        .as_ref()
                        .is_none_or(|types| types.iter().any(|t| t.to_ascii_lowercase() == tag))
            })
        });
        let profiles = generators.profiles.as_ref().is_some_and(|generator| {
            // The types covered are known only once the target is read: any tag may match.
            self.may_select_prefixed(&generator.id_prefix, |_| true)
        });
        search || profiles
    }

    /// Whether some id pattern may match an id starting with `prefix-`, and some tag passes
    /// `tag_may_match`.
    fn may_select_prefixed(&self, prefix: &str, tag_may_match: impl Fn(&str) -> bool) -> bool {
        let head_of_ids = format!("{prefix}-");
        let id_ok = self.ids.is_empty()
            || self.ids.iter().any(|pattern| {
                let head = pattern.split('*').next().unwrap_or_default();
                head.starts_with(&head_of_ids) || head_of_ids.starts_with(head)
            });
        let tag_ok = self.tags.is_empty() || self.tags.iter().any(|tag| tag_may_match(tag));
        id_ok && tag_ok
    }
}

/// The selected tests, grouped by suite in run order, and the data they read.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Suites with at least one planned test or a generator; each holds only its planned tests.
    pub suites: Vec<Suite>,
    /// The data items the planned tests read (directly or through other items), each after
    /// the items it reads.
    pub data: Vec<PlannedItem>,
    /// What selects the tests generators make at run time.
    pub filter: Selection,
}

/// The filter of a plan and, for a shard, its share of the generated tests.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub filter: Filter,
    pub shard: Option<Shard>,
    /// The generated ids the filter selected, in the order the generators made them (recorded
    /// for a shard only; shared by the clones of this selection).
    made: Arc<Mutex<Vec<String>>>,
}

impl Selection {
    /// Whether the generated `test` runs: the filter selects it and, in a shard, it is the
    /// shard's ([`Shard::owns_generated`]). A generated test that needs another (a profile
    /// check needs its INSTANCES check) goes where the one it needs goes.
    pub fn selects(&self, test: &TestCase) -> bool {
        if !self.filter.selects(test) {
            return false;
        }
        let Some(shard) = self.shard else {
            return true;
        };
        self.made
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(test.id.clone());
        shard.owns_generated(test.needs.first().unwrap_or(&test.id))
    }

    /// The ids of every generated test the filter selected so far, in every shard, in the order
    /// made; empty unless sharded.
    pub fn made(&self) -> Vec<String> {
        let made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        let mut seen = HashSet::new();
        made.iter().filter(|id| seen.insert(*id)).cloned().collect()
    }
}

/// A data item to discover, with the variables of the suite that declares it.
#[derive(Debug, Clone)]
pub struct PlannedItem {
    pub item: DataItem,
    /// Its suite's `variables` (with `--var` values), which its requests may read.
    pub variables: IndexMap<String, String>,
}

impl Plan {
    /// Number of planned tests.
    pub fn len(&self) -> usize {
        self.suites.iter().map(|s| s.tests.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why no plan could be made.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("no test matches the filter (ids: {ids:?}, tags: {tags:?})")]
    NothingSelected { ids: Vec<String>, tags: Vec<String> },
}

/// Plans the tests of `suites` that `filter` selects, plus everything they need.
///
/// `suites` are loaded suites (see [`crate::suite::load_paths`]): test ids are unique and every
/// `needs` names a test among them, without cycles.
pub fn plan(suites: &[Suite], filter: &Filter) -> Result<Plan, PlanError> {
    let by_id: HashMap<&str, &TestCase> = suites
        .iter()
        .flat_map(|s| &s.tests)
        .map(|test| (test.id.as_str(), test))
        .collect();
    let mut selected: HashSet<&str> = HashSet::new();
    let mut pending: Vec<&str> = suites
        .iter()
        .flat_map(|s| &s.tests)
        .filter(|t| filter.selects(t))
        .map(|t| t.id.as_str())
        .collect();
    let generates = |suite: &Suite| filter.may_select_generated(&suite.generate);
    if pending.is_empty() && !suites.iter().any(generates) {
        return Err(PlanError::NothingSelected {
            ids: filter.ids.clone(),
            tags: filter.tags.clone(),
        });
    }
    while let Some(id) = pending.pop() {
        if selected.insert(id)
            && let Some(test) = by_id.get(id)
        {
            pending.extend(test.needs.iter().map(String::as_str));
        }
    }
    Ok(assemble(
        suites,
        &selected,
        Selection {
            filter: filter.clone(),
            ..Selection::default()
        },
    ))
}

/// The part of the plan of `suites` and `filter` that is `shard`'s, and the whole plan's
/// order for the shard's report (its generated checks left for the run to record).
pub fn plan_shard(
    suites: &[Suite],
    filter: &Filter,
    shard: Shard,
) -> Result<(Plan, ShardRecord), PlanError> {
    let whole = plan(suites, filter)?;
    let tests: Vec<&TestCase> = whole.suites.iter().flat_map(|s| &s.tests).collect();
    let share = shard::written_share(&tests, shard);
    let record = ShardRecord {
        index: shard.index,
        count: shard.count,
        suites: whole
            .suites
            .iter()
            .map(|suite| PlannedSuite {
                id: suite.id.clone(),
                tests: suite.tests.iter().map(|t| t.id.clone()).collect(),
            })
            .collect(),
        generated: Vec::new(),
        data: whole.data.iter().map(|d| d.item.name.clone()).collect(),
    };
    let selection = Selection {
        filter: filter.clone(),
        shard: Some(shard),
        ..Selection::default()
    };
    Ok((assemble(suites, &share, selection), record))
}

/// The plan of the `selected` tests of `suites` (with the suites that may generate tests).
fn assemble(suites: &[Suite], selected: &HashSet<&str>, selection: Selection) -> Plan {
    let generates = |suite: &Suite| selection.filter.may_select_generated(&suite.generate);
    let data = planned_data(suites, selected, &generates);
    let suites = suites
        .iter()
        .filter_map(|suite| {
            let tests: Vec<TestCase> = suite
                .tests
                .iter()
                .filter(|t| selected.contains(t.id.as_str()))
                .cloned()
                .collect();
            (!tests.is_empty() || generates(suite)).then(|| Suite {
                tests,
                ..suite.clone()
            })
        })
        .collect();
    Plan {
        suites,
        data,
        filter: selection,
    }
}

/// The data items the `selected` tests and the planned generators' samples read, with the
/// items those read, dependencies first.
fn planned_data(
    suites: &[Suite],
    selected: &HashSet<&str>,
    generates: &dyn Fn(&Suite) -> bool,
) -> Vec<PlannedItem> {
    let items: HashMap<&str, (&DataItem, &Suite)> = suites
        .iter()
        .flat_map(|suite| {
            suite
                .data
                .iter()
                .map(move |item| (item.name.as_str(), (item, suite)))
        })
        .collect();
    let mut ordered = Vec::new();
    let mut placed = HashSet::new();
    let wanted = suites
        .iter()
        .flat_map(|s| &s.tests)
        .filter(|test| selected.contains(test.id.as_str()))
        .flat_map(test_variables)
        .chain(
            suites
                .iter()
                .filter(|suite| generates(suite))
                .filter_map(|suite| suite.generate.search.as_ref())
                .flat_map(|generator| generator.sample.values())
                .flat_map(|template| variables_in(template)),
        );
    for name in wanted {
        place(name, &items, &mut placed, &mut ordered);
    }
    ordered
}

/// Appends item `name` (if it is one) after the items it reads. The loader has ruled out
/// cycles between items.
fn place<'a>(
    name: &'a str,
    items: &HashMap<&'a str, (&'a DataItem, &'a Suite)>,
    placed: &mut HashSet<&'a str>,
    ordered: &mut Vec<PlannedItem>,
) {
    let Some(&(item, suite)) = items.get(name) else {
        return;
    };
    if !placed.insert(name) {
        return;
    }
    for read in data_variables(item) {
        place(read, items, placed, ordered);
    }
    ordered.push(PlannedItem {
        item: item.clone(),
        variables: suite.variables.clone(),
    });
}

/// `*` matches any run of characters (including none); everything else matches itself.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, inner)) = middle.split_last() else {
        return rest.is_empty();
    };
    for part in inner {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::{Action, Level, Step, SuiteSource};
    use indexmap::IndexMap;

    fn test_case(id: &str, tags: &[&str], needs: &[&str]) -> TestCase {
        TestCase {
            id: id.into(),
            title: format!("title of {id}"),
            level: Level::Shall,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            requirement: None,
            description: None,
            needs: needs.iter().map(|n| n.to_string()).collect(),
            steps: vec![Step {
                name: None,
                action: Action::Capabilities,
                headers: IndexMap::new(),
                expect: vec![],
                capture: IndexMap::new(),
                for_each: None,
                setup: false,
                skip_unless: None,
                auth: Default::default(),
            }],
        }
    }

    fn suite(id: &str, tests: Vec<TestCase>) -> Suite {
        Suite {
            id: id.into(),
            title: id.into(),
            fhir_version: "4.0.1".into(),
            description: None,
            variables: IndexMap::new(),
            data: Vec::new(),
            tests,
            generate: Generators::default(),
            source: SuiteSource::default(),
        }
    }

    fn ids(plan: &Plan) -> Vec<&str> {
        plan.suites
            .iter()
            .flat_map(|s| &s.tests)
            .map(|t| t.id.as_str())
            .collect()
    }

    fn suites() -> Vec<Suite> {
        vec![
            suite(
                "a",
                vec![
                    test_case("CORE-CAP-01", &["capabilities"], &[]),
                    test_case("CORE-PAT-01", &["patient"], &["CORE-CAP-01"]),
                    test_case("CORE-PAT-02", &["patient", "search"], &["CORE-PAT-01"]),
                ],
            ),
            suite(
                "b",
                vec![
                    test_case("SEC-01", &["security"], &[]),
                    test_case("SEC-02", &["security"], &["CORE-PAT-02"]),
                ],
            ),
        ]
    }

    #[test]
    fn no_filter_plans_everything_in_suite_then_file_order() {
        let plan = plan(&suites(), &Filter::default()).unwrap();
        assert_eq!(
            ids(&plan),
            [
                "CORE-CAP-01",
                "CORE-PAT-01",
                "CORE-PAT-02",
                "SEC-01",
                "SEC-02"
            ]
        );
        assert_eq!(plan.len(), 5);
    }

    #[test]
    fn needs_are_pulled_in_transitively_across_suites() {
        let filter = Filter {
            ids: vec!["SEC-02".into()],
            tags: vec![],
        };
        let plan = plan(&suites(), &filter).unwrap();
        assert_eq!(
            ids(&plan),
            ["CORE-CAP-01", "CORE-PAT-01", "CORE-PAT-02", "SEC-02"]
        );
        assert_eq!(plan.suites.len(), 2);
    }

    #[test]
    fn id_patterns_and_tags_combine() {
        let by_prefix = Filter {
            ids: vec!["CORE-PAT-*".into()],
            tags: vec![],
        };
        assert_eq!(
            ids(&plan(&suites(), &by_prefix).unwrap()),
            ["CORE-CAP-01", "CORE-PAT-01", "CORE-PAT-02"]
        );
        let by_tag = Filter {
            ids: vec![],
            tags: vec!["security".into()],
        };
        assert_eq!(ids(&plan(&suites(), &by_tag).unwrap()).len(), 5);
        let both = Filter {
            ids: vec!["SEC-0*".into()],
            tags: vec!["capabilities".into()],
        };
        assert_eq!(
            plan(&suites(), &both).unwrap_err(),
            PlanError::NothingSelected {
                ids: vec!["SEC-0*".into()],
                tags: vec!["capabilities".into()]
            }
        );
    }

    #[test]
    fn shards_split_the_plan_keeping_tests_joined_by_needs_together() {
        let suites = suites();
        let whole = plan(&suites, &Filter::default()).unwrap();
        let mut seen: Vec<String> = Vec::new();
        for index in 1..=3 {
            let shard = Shard { index, count: 3 };
            let (part, record) = plan_shard(&suites, &Filter::default(), shard).unwrap();
            let part_ids: Vec<String> = ids(&part).into_iter().map(str::to_owned).collect();
            // CORE-CAP-01 ← CORE-PAT-01 ← CORE-PAT-02 ← SEC-02 are one group; SEC-01 alone.
            let joined = part_ids.iter().any(|id| id == "CORE-PAT-02");
            assert_eq!(part_ids.iter().any(|id| id == "SEC-02"), joined);
            assert_eq!(part_ids.iter().any(|id| id == "CORE-CAP-01"), joined);
            assert_eq!(record.suites.len(), whole.suites.len());
            assert_eq!(
                record.suites[0].tests,
                ["CORE-CAP-01", "CORE-PAT-01", "CORE-PAT-02"]
            );
            seen.extend(part_ids);
        }
        seen.sort();
        let mut all: Vec<&str> = ids(&whole);
        all.sort();
        assert_eq!(seen, all, "each test in exactly one shard");
    }

    #[test]
    fn generated_checks_go_to_one_shard_by_a_stable_hash_of_their_id() {
        for id in [
            "SRCH-Patient-family",
            "SRCH-Observation-code-text",
            "UKCORE-X-CONFORMS",
        ] {
            let owners = (1..=4)
                .filter(|index| {
                    Shard {
                        index: *index,
                        count: 4,
                    }
                    .owns_generated(id)
                })
                .count();
            assert_eq!(owners, 1, "{id}");
        }
        // FNV-1a 64 of "SRCH-Patient-family" is fixed: the assignment never changes.
        assert!(Shard { index: 1, count: 1 }.owns_generated("anything"));
        let owner = (1..=4)
            .find(|index| {
                Shard {
                    index: *index,
                    count: 4,
                }
                .owns_generated("SRCH-Patient-family")
            })
            .unwrap();
        assert_eq!(owner, 1 + (0xbb7a_954f_6e5a_f03e_u64 % 4) as u32);
    }

    #[test]
    fn a_generated_check_goes_with_the_one_it_needs() {
        let check = |id: &str, needs: &[&str]| TestCase {
            id: id.into(),
            title: String::new(),
            level: crate::suite::Level::Shall,
            tags: Vec::new(),
            requirement: None,
            description: None,
            needs: needs.iter().map(|n| (*n).to_owned()).collect(),
            steps: Vec::new(),
        };
        let instances = check("UK-P-INSTANCES", &[]);
        let conforms = check("UK-P-CONFORMS", &["UK-P-INSTANCES"]);
        for index in 1..=4 {
            let selection = Selection {
                shard: Some(Shard { index, count: 4 }),
                ..Selection::default()
            };
            assert_eq!(
                selection.selects(&instances),
                selection.selects(&conforms),
                "shard {index}/4"
            );
        }
    }

    #[test]
    fn a_shard_is_index_of_count() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "4", "a/4", "1/0"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn glob_patterns() {
        assert!(glob_matches("CORE-PAT-*", "CORE-PAT-01"));
        assert!(glob_matches("CORE-PAT-01", "CORE-PAT-01"));
        assert!(!glob_matches("CORE-PAT", "CORE-PAT-01"));
        assert!(glob_matches("*-01", "CORE-PAT-01"));
        assert!(glob_matches("C*PAT*1", "CORE-PAT-01"));
        assert!(!glob_matches("C*PAT*2", "CORE-PAT-01"));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches("A*A", "A"));
    }
}
