//! Test ids and the `needs` graph: duplicate ids (suite and test), `needs` naming no test, and
//! `needs` cycles.

use super::{Report, TestRef};
use std::collections::{HashMap, HashSet, VecDeque};

/// Which tests each test needs, resolved to the tests themselves.
pub(crate) struct NeedsGraph {
    /// For each test, the tests it needs with the index of the `needs` entry naming them.
    edges: HashMap<TestRef, Vec<(TestRef, usize)>>,
}

impl NeedsGraph {
    /// Every test `test` needs, directly or through other tests, without `test` itself.
    pub(crate) fn closure(&self, test: TestRef) -> Vec<TestRef> {
        let mut seen = HashSet::from([test]);
        let mut queue = VecDeque::from([test]);
        let mut closure = Vec::new();
        while let Some(current) = queue.pop_front() {
            for &(needed, _) in self.edges.get(&current).into_iter().flatten() {
                if seen.insert(needed) {
                    closure.push(needed);
                    queue.push_back(needed);
                }
            }
        }
        closure
    }
}

/// Reports duplicate ids, unresolved `needs` and cycles; returns the resolved graph.
pub(crate) fn check(report: &mut Report<'_>) -> NeedsGraph {
    check_suite_ids(report);
    let defined = report
        .tests()
        .map(|(test, case)| (test, case.id.as_str()))
        .collect();
    let first_by_id = report.first_definitions(
        defined,
        |test: TestRef| test.suite,
        |report, test| report.test_node(test).field("id"),
        "test id",
    );
    let mut edges = HashMap::new();
    for (test, case) in report.tests() {
        let mut needed = Vec::new();
        for (entry, id) in case.needs.iter().enumerate() {
            match first_by_id.get(id.as_str()) {
                Some(&target) => needed.push((target, entry)),
                None => report.error(
                    test.suite,
                    report.test_node(test).field("needs").item(entry),
                    format!("`needs` names `{id}`, but no loaded suite has a test with that id"),
                ),
            }
        }
        edges.insert(test, needed);
    }
    let graph = NeedsGraph { edges };
    report_cycles(report, &graph);
    graph
}

fn check_suite_ids(report: &mut Report<'_>) {
    let mut first_by_id: HashMap<&str, usize> = HashMap::new();
    for (index, parsed) in report.suites.iter().enumerate() {
        match first_by_id.get(parsed.suite.id.as_str()) {
            Some(&first) => {
                let first_at = report.locate(first, report.suites[first].root.field("id"));
                report.error(
                    index,
                    parsed.root.field("id"),
                    format!(
                        "duplicate suite id `{}` (first defined at {first_at})",
                        parsed.suite.id
                    ),
                );
            }
            None => {
                first_by_id.insert(&parsed.suite.id, index);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    Active,
    Done,
}

/// Reports each `needs` entry that closes a cycle, at that entry, with the whole cycle.
fn report_cycles(report: &mut Report<'_>, graph: &NeedsGraph) {
    let mut visits: HashMap<TestRef, Visit> = HashMap::new();
    let starts: Vec<TestRef> = report.tests().map(|(test, _)| test).collect();
    for start in starts {
        if visits.contains_key(&start) {
            continue;
        }
        visits.insert(start, Visit::Active);
        let mut stack: Vec<(TestRef, usize)> = vec![(start, 0)];
        while let Some((test, next_edge)) = stack.last_mut() {
            let test = *test;
            let Some(&(target, entry)) = graph.edges.get(&test).and_then(|e| e.get(*next_edge))
            else {
                visits.insert(test, Visit::Done);
                stack.pop();
                continue;
            };
            *next_edge += 1;
            match visits.get(&target) {
                None => {
                    visits.insert(target, Visit::Active);
                    stack.push((target, 0));
                }
                Some(Visit::Active) => {
                    let from = stack.iter().position(|(t, _)| *t == target).unwrap_or(0);
                    let cycle: Vec<&str> = stack[from..]
                        .iter()
                        .map(|(t, _)| report.test(*t).id.as_str())
                        .chain([report.test(target).id.as_str()])
                        .collect();
                    report.error(
                        test.suite,
                        report.test_node(test).field("needs").item(entry),
                        format!("`needs` cycle: {}", cycle.join(" → ")),
                    );
                }
                Some(Visit::Done) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::suite::load::{SourceFile, load_sources};
    use indexmap::IndexMap;

    /// A suite file with tests `(id, needs)`.
    fn suite(id: &str, tests: &[(&str, &[&str])]) -> SourceFile {
        let mut text = format!("id: {id}\ntitle: {id}\ntests:\n");
        for (test, needs) in tests {
            text.push_str(&format!(
                "  - {{ id: {test}, title: t, level: SHALL, needs: [{}], steps: [capabilities: {{}}] }}\n",
                needs.join(", ")
            ));
        }
        SourceFile {
            name: format!("{id}.yaml"),
            bytes: text.into_bytes(),
        }
    }

    fn errors(files: Vec<SourceFile>) -> String {
        load_sources(files, &IndexMap::new())
            .expect_err("the suites should not load")
            .to_string()
    }

    #[test]
    fn unknown_needs_duplicates_and_cycles_are_errors() {
        assert_eq!(
            errors(vec![suite("a", &[("X", &["NOPE"])])]),
            "a.yaml:4:46: `needs` names `NOPE`, but no loaded suite has a test with that id"
        );
        assert_eq!(
            errors(vec![suite("a", &[("X", &[])]), suite("b", &[("X", &[])])]),
            "b.yaml:4:11: duplicate test id `X` (first defined at a.yaml:4:11)"
        );
        let cycle = suite("a", &[("X", &["Y"]), ("Y", &["Z"]), ("Z", &["X"])]);
        assert_eq!(
            errors(vec![cycle]),
            "a.yaml:6:46: `needs` cycle: X → Y → Z → X"
        );
    }
}
