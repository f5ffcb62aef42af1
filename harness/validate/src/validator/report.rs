//! The issues one validation run (or one trial walk) collects, each at a FHIRPath-style
//! location, with a count of invariants that could not be evaluated.

use foldhash::{HashSet, HashSetExt};

use assure_model::Element;

use super::issue::{Issue, Severity};
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
            location: location.to_owned(),
            line: node.pos.line,
            col: node.pos.col,
            message,
            rule: rule.to_owned(),
        });
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

    /// Whether any issue is an error.
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    /// The issues, with a note on invariants that could not be evaluated.
    pub fn finish(mut self) -> Vec<Issue> {
        // A rule reached through both the base type and a profile reports once, and so does a
        // code not checked offline (one issue per coded element, whichever binding found it).
        // The sets borrow the texts: a large Bundle can have hundreds of thousands of issues.
        let keep: Vec<bool> = {
            let mut seen = HashSet::with_capacity(self.issues.len());
            let mut unchecked = HashSet::new();
            self.issues
                .iter()
                .map(|i| {
                    seen.insert((i.severity, i.location.as_str(), i.message.as_str()))
                        && (i.rule != UNCHECKED_RULE || unchecked.insert(i.location.as_str()))
                })
                .collect()
        };
        let mut keep = keep.into_iter();
        self.issues.retain(|_| keep.next().unwrap_or(true));
        if self.unsupported_invariants > 0 {
            self.issues.push(Issue {
                severity: Severity::Information,
                location: String::new(),
                line: 0,
                col: 0,
                message: format!(
                    "{} invariant evaluation(s) were skipped: the expression is not supported",
                    self.unsupported_invariants
                ),
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
