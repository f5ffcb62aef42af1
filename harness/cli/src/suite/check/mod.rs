//! Checks that need a whole parsed suite, or every loaded suite: test ids and `needs`, data
//! items, regular expressions, variables in scope, `--var` names. Every problem is reported
//! (not just the first) at the node it concerns.

mod data;
mod generated;
mod needs;
mod overrides;
mod regexes;
pub(crate) mod strings;
mod variables;

use super::error::Diagnostic;
use super::model::{DataItem, Suite, TestCase};
use super::yaml::Node;
use indexmap::IndexMap;
use std::collections::HashMap;

/// A parsed suite and the YAML it was read from, for positions.
pub(crate) struct Parsed {
    pub(crate) suite: Suite,
    pub(crate) root: Node,
}

/// Every problem in `suites` loaded with the `--var` values `overrides`, unordered.
pub(crate) fn check(suites: &[Parsed], overrides: &IndexMap<String, String>) -> Vec<Diagnostic> {
    let mut report = Report {
        suites,
        diagnostics: Vec::new(),
    };
    let graph = needs::check(&mut report);
    data::check(&mut report, overrides);
    regexes::check(&mut report);
    variables::check(&mut report, &graph, overrides);
    overrides::check(&mut report, overrides);
    generated::check(&mut report);
    report.diagnostics
}

/// One data item among all loaded suites: indexes of its suite and of the item in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ItemRef {
    pub(crate) suite: usize,
    pub(crate) item: usize,
}

/// One test among all loaded suites: indexes of its suite and of the test in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TestRef {
    pub(crate) suite: usize,
    pub(crate) test: usize,
}

/// The suites being checked and the problems found so far.
pub(crate) struct Report<'a> {
    pub(crate) suites: &'a [Parsed],
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Report<'a> {
    /// Every test of every suite, in load order.
    pub(crate) fn tests(&self) -> impl Iterator<Item = (TestRef, &'a TestCase)> + use<'a> {
        self.suites.iter().enumerate().flat_map(|(suite, parsed)| {
            parsed
                .suite
                .tests
                .iter()
                .enumerate()
                .map(move |(test, case)| (TestRef { suite, test }, case))
        })
    }

    /// Every data item of every suite, in load order.
    pub(crate) fn items(&self) -> impl Iterator<Item = (ItemRef, &'a DataItem)> + use<'a> {
        self.suites.iter().enumerate().flat_map(|(suite, parsed)| {
            parsed
                .suite
                .data
                .iter()
                .enumerate()
                .map(move |(item, data)| (ItemRef { suite, item }, data))
        })
    }

    /// The YAML node of data item `item`.
    pub(crate) fn item_node(&self, item: ItemRef) -> &'a Node {
        self.suites[item.suite].root.field("data").item(item.item)
    }

    pub(crate) fn test(&self, test: TestRef) -> &'a TestCase {
        &self.suites[test.suite].suite.tests[test.test]
    }

    /// The YAML node of test `test`.
    pub(crate) fn test_node(&self, test: TestRef) -> &'a Node {
        self.suites[test.suite].root.field("tests").item(test.test)
    }

    /// `file:line:column` of `node` in suite `suite`.
    pub(crate) fn locate(&self, suite: usize, node: &Node) -> String {
        let position = node.position;
        format!(
            "{}:{}:{}",
            self.suites[suite].suite.source.path, position.line, position.column
        )
    }

    /// Records a problem that concerns no file (a `--var`), reported under `source`.
    pub(crate) fn error_without_place(&mut self, source: &str, message: String) {
        self.diagnostics.push(Diagnostic {
            file: source.to_owned(),
            position: None,
            message,
        });
    }

    /// Records a problem at `node` in suite `suite`.
    /// The first definition of each name among `defined` (in load order), with every later
    /// one reported at `node_of` it as a duplicate `what`, naming where the first stands.
    pub(crate) fn first_definitions<R: Copy>(
        &mut self,
        defined: Vec<(R, &'a str)>,
        suite_of: impl Fn(R) -> usize,
        node_of: impl Fn(&Self, R) -> &'a Node,
        what: &str,
    ) -> HashMap<&'a str, R> {
        let mut first_by_name: HashMap<&'a str, R> = HashMap::new();
        for (at, name) in defined {
            match first_by_name.get(name) {
                Some(&first) => {
                    let first_at = self.locate(suite_of(first), node_of(self, first));
                    self.error(
                        suite_of(at),
                        node_of(self, at),
                        format!("duplicate {what} `{name}` (first defined at {first_at})"),
                    );
                }
                None => {
                    first_by_name.insert(name, at);
                }
            }
        }
        first_by_name
    }

    pub(crate) fn error(&mut self, suite: usize, node: &Node, message: String) {
        self.diagnostics.push(Diagnostic {
            file: self.suites[suite].suite.source.path.clone(),
            position: Some(node.position),
            message,
        });
    }
}
