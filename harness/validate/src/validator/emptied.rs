//! One defect, one error: an element that has no content because its source held an empty
//! JSON object, an empty XML element or only an empty JSON array already has that parse
//! issue. Its ele-1 failure ("must have a @value or children") is the same defect, so it is
//! not reported a second time; the reference validator, too, reports only the empty array.

use std::collections::HashSet;

use assure_model::ParseIssue;

use super::issue::Issue;

/// Key of the invariant that every element has a value or children.
const ELE_1: &str = "ele-1";

/// Removes from `issues` each ele-1 failure on an element that a parse issue left empty.
pub fn drop_repeated_ele_1(issues: &mut Vec<Issue>, parse_issues: &[ParseIssue]) {
    let emptied: HashSet<&str> = parse_issues
        .iter()
        .filter_map(|p| p.emptied.as_deref())
        .collect();
    if emptied.is_empty() {
        return;
    }
    issues.retain(|issue| !(&*issue.rule == ELE_1 && emptied.contains(&*issue.location)));
}
