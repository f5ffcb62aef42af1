//! Checks that need a whole parsed suite, or every loaded suite: test ids and `needs`, regular
//! expressions, variables in scope. Every problem is reported (not just the first) at the node
//! it concerns.

mod generated;
mod needs;
mod regexes;
mod strings;
mod variables;

use super::error::Diagnostic;
use super::model::{Suite, TestCase};
use super::yaml::Node;

/// A parsed suite and the YAML it was read from, for positions.
pub(crate) struct Parsed {
    pub(crate) suite: Suite,
    pub(crate) root: Node,
}

/// Every problem in `suites`, unordered.
pub(crate) fn check(suites: &[Parsed]) -> Vec<Diagnostic> {
    let mut report = Report {
        suites,
        diagnostics: Vec::new(),
    };
    let graph = needs::check(&mut report);
    regexes::check(&mut report);
    variables::check(&mut report, &graph);
    generated::check(&mut report);
    report.diagnostics
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

    /// Records a problem at `node` in suite `suite`.
    pub(crate) fn error(&mut self, suite: usize, node: &Node, message: String) {
        self.diagnostics.push(Diagnostic {
            file: self.suites[suite].suite.source.path.clone(),
            position: Some(node.position),
            message,
        });
    }
}
