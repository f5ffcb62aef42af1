//! Every `{{ name }}` must be defined where it is used, and `for_each.over` must name a list.
//!
//! In scope for a step: the suite's variables (with `--var` overrides), the captures of the
//! earlier steps of its test, the captures of every test its test needs (directly or through
//! other tests), and the step's own `for_each.var`. A list variable (a capture with `all: true`)
//! may be interpolated too: its values are joined with commas, FHIR search's "any of".

use super::needs::NeedsGraph;
use super::strings::interpolated;
use super::{Report, TestRef, test_path};
use crate::suite::interpolate::variables_in;
use crate::suite::model::Step;
use std::collections::{HashMap, HashSet};

/// What a variable in scope holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    Text,
    /// A capture with `all: true`: what `for_each` iterates over.
    List,
}

type Scope<'a> = HashMap<&'a str, Holds>;

fn add_captures<'a>(scope: &mut Scope<'a>, step: &'a Step) {
    for (name, capture) in &step.capture {
        let holds = if capture.all {
            Holds::List
        } else {
            Holds::Text
        };
        scope.insert(name, holds);
    }
}

pub(crate) fn check(report: &mut Report<'_>, graph: &NeedsGraph) {
    for (test, case) in report.tests() {
        let mut scope: Scope<'_> = report.suites[test.suite]
            .suite
            .variables
            .keys()
            .map(|name| (name.as_str(), Holds::Text))
            .collect();
        for needed in graph.closure(test) {
            for step in &report.test(needed).steps {
                add_captures(&mut scope, step);
            }
        }
        for (index, step) in case.steps.iter().enumerate() {
            check_step(report, test, index, step, &scope);
            add_captures(&mut scope, step);
        }
    }
}

fn check_step<'a>(
    report: &mut Report<'_>,
    test: TestRef,
    index: usize,
    step: &'a Step,
    scope: &Scope<'a>,
) {
    let step_path = format!("{}.steps[{index}]", test_path(test));
    let mut step_scope = scope.clone();
    if let Some(for_each) = &step.for_each {
        let problem = match scope.get(for_each.over.as_str()) {
            Some(Holds::List) => None,
            Some(Holds::Text) => Some("which is not a list (capture it with `all: true`)"),
            None => Some(
                "which no earlier step or needed test captures (capture a list with `all: true`)",
            ),
        };
        if let Some(problem) = problem {
            report.error(
                test.suite,
                &format!("{step_path}.for_each.over"),
                format!("`for_each.over` names `{}`, {problem}", for_each.over),
            );
        }
        step_scope.insert(&for_each.var, Holds::Text);
    }
    for string in interpolated(step, &step_path) {
        let mut reported = HashSet::new();
        for name in variables_in(string.text) {
            if step_scope.contains_key(name) || !reported.insert(name) {
                continue;
            }
            report.error(
                test.suite,
                &string.path,
                format!(
                    "undefined variable `{name}`: not a suite variable, a `--var`, nor a capture \
                     of an earlier step or of a needed test"
                ),
            );
        }
    }
}
