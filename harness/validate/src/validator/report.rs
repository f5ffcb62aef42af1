//! The issues one validation run (or one trial walk) collects, each at a FHIRPath-style
//! location, with a count of invariants that could not be evaluated.

use std::hash::BuildHasher;

use foldhash::HashSet;
use hashbrown::HashTable;

use assure_model::Element;

use super::issue::{Issue, Severity};
use super::shared_text::shared;
use super::unchecked::UNCHECKED_RULE;

/// Issues found so far.
#[derive(Default)]
pub struct Report {
    issues: Vec<Issue>,
    unsupported_invariants: usize,
}

impl Report {
    /// Records an issue about `node` at `location`, found by `rule`.
    pub fn add(
        &mut self,
        severity: Severity,
        node: &Element,
        location: &str,
        rule: &str,
        message: String,
    ) {
        self.issues.push(Issue {
            severity,
            location: location.into(),
            line: node.pos.line,
            col: node.pos.col,
            message: shared(&message),
            rule: shared(rule),
        });
    }

    /// Whether an issue of `rule` has been recorded at `location`.
    pub fn has(&self, location: &str, rule: &str) -> bool {
        self.issues
            .iter()
            .any(|issue| &*issue.location == location && &*issue.rule == rule)
    }

    /// Counts an invariant whose expression could not be evaluated.
    pub fn unsupported_invariant(&mut self) {
        self.unsupported_invariants += 1;
    }

    /// Adds the issues of `later`, found after these, and its count of invariants not
    /// evaluated.
    pub fn append(&mut self, mut later: Report) {
        self.issues.append(&mut later.issues);
        self.unsupported_invariants += later.unsupported_invariants;
    }

    /// Adds the issues of `later`, reports of parts found after these one after the other,
    /// making room for all of them at once.
    pub fn append_all(&mut self, later: Vec<Report>) {
        self.issues
            .reserve_exact(later.iter().map(|r| r.issues.len()).sum());
        for report in later {
            self.append(report);
        }
    }

    /// Whether any issue is an error.
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    /// The issues, with a note on invariants that could not be evaluated.
    pub fn finish(mut self) -> Vec<Issue> {
        // A rule reached through both the base type and a profile reports once, and so does a
        // code not checked offline (one issue per coded element, whichever binding found it).
        // The issues seen are remembered by index: a large Bundle can have millions of issues.
        let keep: Vec<bool> = {
            fn key(i: &Issue) -> (Severity, &str, &str) {
                (i.severity, &i.location, &i.message)
            }
            let hasher = foldhash::fast::FixedState::default();
            let mut seen: HashTable<u32> = HashTable::with_capacity(self.issues.len());
            let mut unchecked = HashSet::default();
            let issues = &self.issues;
            issues
                .iter()
                .enumerate()
                .map(|(at, i)| {
                    let hash = hasher.hash_one(key(i));
                    let first = seen
                        .find(hash, |&other| key(&issues[other as usize]) == key(i))
                        .is_none();
                    if first {
                        seen.insert_unique(hash, at as u32, |&other| {
                            hasher.hash_one(key(&issues[other as usize]))
                        });
                    }
                    first && (*i.rule != *UNCHECKED_RULE || unchecked.insert(&*i.location))
                })
                .collect()
        };
        let mut keep = keep.into_iter();
        self.issues.retain(|_| keep.next().unwrap_or(true));
        if self.unsupported_invariants > 0 {
            self.issues.push(Issue {
                severity: Severity::Information,
                location: "".into(),
                line: 0,
                col: 0,
                message: format!(
                    "{} invariant evaluation(s) were skipped: the expression is not supported",
                    self.unsupported_invariants
                )
                .into(),
                rule: "invariants".into(),
            });
        }
        self.issues
    }
}

/// `Patient.name[0]`: the parent location plus the child's name and index.
pub fn element_location(parent: &str, child: &Element) -> String {
    // Built without the formatting machinery: the walk makes one for every node it visits.
    let mut location = String::with_capacity(parent.len() + child.name.len() + 8);
    location.push_str(parent);
    location.push('.');
    location.push_str(&child.name);
    if let Some(index) = child.index {
        location.push('[');
        push_decimal(&mut location, index);
        location.push(']');
    }
    location
}

/// Appends the decimal digits of `n`.
fn push_decimal(out: &mut String, n: u32) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use assure_model::{Element, Pos};

    use super::element_location;

    #[test]
    fn locations_name_the_child_and_its_index() {
        let at = |index| element_location("Bundle", &Element::new("entry", index, Pos::default()));
        assert_eq!(at(None), "Bundle.entry");
        assert_eq!(at(Some(0)), "Bundle.entry[0]");
        assert_eq!(at(Some(10)), "Bundle.entry[10]");
        assert_eq!(at(Some(132_999)), "Bundle.entry[132999]");
    }
}
