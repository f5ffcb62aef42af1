//! Every `{{ name }}` must be defined where it is used, and `for_each.over` must name a list.
//!
//! In scope for a step: the suite's variables, the `--var` names, the data items of every
//! suite, the captures of the earlier steps of its test, the captures of every test its test
//! needs (directly or through other tests), and the step's own `for_each.var`. A list variable (a capture with `all: true`)
//! may be interpolated too: its values are joined with commas, FHIR search's "any of".

use super::needs::NeedsGraph;
use super::strings::interpolated;
use super::{Report, TestRef};
use crate::suite::interpolate::variables_in;
use crate::suite::model::{Capture, Step};
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};

/// What a variable in scope holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    Text,
    /// A capture with `all: true`: what `for_each` iterates over.
    List,
}

fn holds(capture: &Capture) -> Holds {
    if capture.all {
        Holds::List
    } else {
        Holds::Text
    }
}

pub(crate) fn check(
    report: &mut Report<'_>,
    graph: &NeedsGraph,
    overrides: &IndexMap<String, String>,
) {
    let mut items: HashMap<&str, Holds> = HashMap::new();
    for (_, item) in report.items() {
        let holds = if item.all { Holds::List } else { Holds::Text };
        items.entry(item.name.as_str()).or_insert(holds);
    }
    let mut captured_by: HashMap<&str, Vec<(TestRef, Holds)>> = HashMap::new();
    for (test, case) in report.tests() {
        for (name, capture) in case.steps.iter().flat_map(|step| &step.capture) {
            captured_by
                .entry(name)
                .or_default()
                .push((test, holds(capture)));
        }
    }
    for (test, case) in report.tests() {
        let mut scope = Scope {
            suite_variables: report.suites[test.suite]
                .suite
                .variables
                .keys()
                .chain(overrides.keys())
                .map(String::as_str)
                .collect(),
            items: &items,
            own_captures: HashMap::new(),
            captured_by: &captured_by,
            graph,
            test,
            needed: None,
        };
        for (index, step) in case.steps.iter().enumerate() {
            check_step(report, test, index, step, &mut scope);
            for (name, capture) in &step.capture {
                scope.own_captures.insert(name, holds(capture));
            }
        }
    }
}

/// The variables visible to the steps of one test, resolved on demand: the tests it needs are
/// only computed when a name is not defined closer.
struct Scope<'a, 'g> {
    /// The suite's variables and the `--var` names.
    suite_variables: HashSet<&'a str>,
    /// The data items of every suite.
    items: &'g HashMap<&'a str, Holds>,
    /// Captures of the steps checked so far.
    own_captures: HashMap<&'a str, Holds>,
    /// For each captured name, the tests capturing it.
    captured_by: &'g HashMap<&'a str, Vec<(TestRef, Holds)>>,
    graph: &'g NeedsGraph,
    test: TestRef,
    /// Every test `test` needs, once computed.
    needed: Option<HashSet<TestRef>>,
}

impl Scope<'_, '_> {
    /// What `name` holds here, looked up as the runner does: captures (own, then inherited
    /// through `needs`) before variables and data items.
    fn resolve(&mut self, name: &str) -> Option<Holds> {
        if let Some(&holds) = self.own_captures.get(name) {
            return Some(holds);
        }
        self.inherited(name)
            .or_else(|| self.suite_variables.contains(name).then_some(Holds::Text))
            .or_else(|| self.items.get(name).copied())
    }

    /// What `name` holds if a needed test captures it.
    fn inherited(&mut self, name: &str) -> Option<Holds> {
        let capturers = self.captured_by.get(name)?;
        let (graph, test) = (self.graph, self.test);
        let needed = self
            .needed
            .get_or_insert_with(|| graph.closure(test).into_iter().collect());
        capturers
            .iter()
            .rev()
            .find(|(capturer, _)| needed.contains(capturer))
            .map(|&(_, holds)| holds)
    }
}

fn check_step(
    report: &mut Report<'_>,
    test: TestRef,
    index: usize,
    step: &Step,
    scope: &mut Scope,
) {
    let step_node = report.test_node(test).field("steps").item(index);
    let bound = step.for_each.as_ref().map(|for_each| for_each.var.as_str());
    if let Some(for_each) = &step.for_each {
        let problem = match scope.resolve(&for_each.over) {
            Some(Holds::List) => None,
            Some(Holds::Text) => Some("which is not a list (capture it with `all: true`)"),
            None => Some(
                "which no earlier step or needed test captures (capture a list with `all: true`)",
            ),
        };
        if let Some(problem) = problem {
            report.error(
                test.suite,
                step_node.field("for_each").field("over"),
                format!("`for_each.over` names `{}`, {problem}", for_each.over),
            );
        }
    }
    for string in interpolated(step, step_node) {
        let mut reported = HashSet::new();
        for name in variables_in(string.text) {
            if bound == Some(name) || scope.resolve(name).is_some() || !reported.insert(name) {
                continue;
            }
            report.error(
                test.suite,
                string.node,
                format!(
                    "undefined variable `{name}`: not a suite variable, a `--var`, nor a capture \
                     of an earlier step or of a needed test"
                ),
            );
        }
    }
}
