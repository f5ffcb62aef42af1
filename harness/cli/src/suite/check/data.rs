//! Data items: names unique across every loaded suite and taken by nothing else (a suite
//! variable, a capture, a `for_each.var`), every variable their requests read defined, and no
//! cycle between items.
//!
//! An item's requests may read its suite's variables, `--var` names and other data items.

use super::strings::data_item;
use super::{ItemRef, Report};
use crate::suite::interpolate::variables_in;
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};

pub(crate) fn check(report: &mut Report<'_>, overrides: &IndexMap<String, String>) {
    let defined = report
        .items()
        .map(|(item, data)| (item, data.name.as_str()))
        .collect();
    let first_by_name = report.first_definitions(
        defined,
        |item: ItemRef| item.suite,
        |report, item| report.item_node(item).field("name"),
        "data item",
    );
    check_names_taken(report, &first_by_name);
    let edges = check_variables(report, &first_by_name, overrides);
    report_cycles(report, &edges);
}

/// A suite variable, capture or `for_each.var` with the name of a data item would hide it.
fn check_names_taken(report: &mut Report<'_>, items: &HashMap<&str, ItemRef>) {
    let taken = |report: &Report<'_>, name: &str| -> Option<String> {
        let item = *items.get(name)?;
        let at = report.locate(item.suite, report.item_node(item).field("name"));
        Some(format!(
            "`{name}` is a data item (defined at {at}); choose another name"
        ))
    };
    for (index, parsed) in report.suites.iter().enumerate() {
        for name in parsed.suite.variables.keys() {
            if let Some(message) = taken(report, name) {
                report.error(index, parsed.root.field("variables").field(name), message);
            }
        }
    }
    for (test, case) in report.tests() {
        for (index, step) in case.steps.iter().enumerate() {
            let step_node = report.test_node(test).field("steps").item(index);
            for name in step.capture.keys() {
                if let Some(message) = taken(report, name) {
                    report.error(test.suite, step_node.field("capture").field(name), message);
                }
            }
            if let Some(each) = &step.for_each
                && let Some(message) = taken(report, &each.var)
            {
                report.error(
                    test.suite,
                    step_node.field("for_each").field("var"),
                    message,
                );
            }
        }
    }
}

/// Reports undefined variables in the items' strings; returns, for each item, the items it
/// reads with the node that reads them.
fn check_variables<'a>(
    report: &mut Report<'a>,
    items: &HashMap<&str, ItemRef>,
    overrides: &IndexMap<String, String>,
) -> HashMap<ItemRef, Vec<ItemRef>> {
    let mut edges: HashMap<ItemRef, Vec<ItemRef>> = HashMap::new();
    for (item, data) in report.items() {
        let variables = &report.suites[item.suite].suite.variables;
        let mut reported = HashSet::new();
        let mut reads = Vec::new();
        for string in data_item(data, report.item_node(item)) {
            for name in variables_in(string.text) {
                if let Some(&read) = items.get(name) {
                    if !reads.contains(&read) {
                        reads.push(read);
                    }
                } else if !variables.contains_key(name)
                    && !overrides.contains_key(name)
                    && reported.insert(name)
                {
                    report.error(
                        item.suite,
                        string.node,
                        format!(
                            "undefined variable `{name}`: not a suite variable, a `--var`, nor \
                             a data item"
                        ),
                    );
                }
            }
        }
        edges.insert(item, reads);
    }
    edges
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    Active,
    Done,
}

/// Reports each cycle between items once, at the name of the item that closes it.
fn report_cycles(report: &mut Report<'_>, edges: &HashMap<ItemRef, Vec<ItemRef>>) {
    let mut visits: HashMap<ItemRef, Visit> = HashMap::new();
    let starts: Vec<ItemRef> = report.items().map(|(item, _)| item).collect();
    for start in starts {
        if visits.contains_key(&start) {
            continue;
        }
        visits.insert(start, Visit::Active);
        let mut stack: Vec<(ItemRef, usize)> = vec![(start, 0)];
        while let Some((item, next)) = stack.last_mut() {
            let item = *item;
            let Some(&target) = edges.get(&item).and_then(|reads| reads.get(*next)) else {
                visits.insert(item, Visit::Done);
                stack.pop();
                continue;
            };
            *next += 1;
            match visits.get(&target) {
                None => {
                    visits.insert(target, Visit::Active);
                    stack.push((target, 0));
                }
                Some(Visit::Active) => {
                    let from = stack.iter().position(|(i, _)| *i == target).unwrap_or(0);
                    let name = |item: ItemRef| {
                        report.suites[item.suite].suite.data[item.item]
                            .name
                            .as_str()
                    };
                    let cycle: Vec<&str> = stack[from..]
                        .iter()
                        .map(|(i, _)| name(*i))
                        .chain([name(target)])
                        .collect();
                    let message = format!("data item cycle: {}", cycle.join(" → "));
                    report.error(item.suite, report.item_node(item).field("name"), message);
                }
                Some(Visit::Done) => {}
            }
        }
    }
}
