//! Validation issues and their conversion to a FHIR OperationOutcome.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::unchecked::{self, UNCHECKED_RULE};

/// How serious an issue is: the parser's severity, so parse issues pass through unchanged.
pub use assure_model::Severity;

/// One finding about an instance. The message and the rule are shared strings: a large
/// Bundle repeats the same few of them on many entries, and equal texts found one after the
/// other share one allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub severity: Severity,
    /// FHIRPath-style location, e.g. `Patient.name[0].given[1]`.
    pub location: Box<str>,
    /// Source line and column (1-based; 0 when unknown).
    pub line: u32,
    pub col: u32,
    pub message: Arc<str>,
    /// The element definition id (or invariant key) behind the rule.
    pub rule: Arc<str>,
}

impl Issue {
    /// For a `terminology-unchecked` issue, the URL of the code system that is not available
    /// offline (read back from its message, whose form that rule fixes).
    pub fn unchecked_system(&self) -> Option<&str> {
        (*self.rule == *UNCHECKED_RULE)
            .then(|| unchecked::system_of(&self.message))
            .flatten()
    }
}

/// The result of validating one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub issues: Vec<Issue>,
}

impl Outcome {
    /// Whether any issue is an error.
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    /// Issues of error severity.
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }

    /// Codes that could not be checked because their code system is not available offline:
    /// code system URL → number of coded elements (one `terminology-unchecked` issue each).
    pub fn unchecked_codes(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for system in self.issues.iter().filter_map(Issue::unchecked_system) {
            *counts.entry(system.to_owned()).or_insert(0) += 1;
        }
        counts
    }

    /// The issues as a FHIR R4 OperationOutcome (an `information` "no issues" entry when
    /// empty, as the resource needs at least one issue).
    pub fn to_operation_outcome(&self) -> Value {
        let issues: Vec<Value> = if self.issues.is_empty() {
            vec![json!({"severity": "information", "code": "informational",
                "details": {"text": "No issues detected"}})]
        } else {
            self.issues.iter().map(issue_json).collect()
        };
        json!({"resourceType": "OperationOutcome", "issue": issues})
    }
}

fn issue_json(issue: &Issue) -> Value {
    let code = match issue.severity {
        Severity::Information => "informational",
        _ => "invalid",
    };
    let mut value = json!({
        "severity": issue.severity.code(),
        "code": code,
        "details": {"text": &*issue.message},
        "expression": [&*issue.location],
    });
    if issue.line > 0 {
        value["extension"] = json!([
            {"url": "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line",
             "valueInteger": issue.line},
            {"url": "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col",
             "valueInteger": issue.col},
        ]);
    }
    if !issue.rule.is_empty() {
        value["diagnostics"] = json!(format!("rule: {}", issue.rule));
    }
    value
}
