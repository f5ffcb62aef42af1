//! Validation issues and their conversion to a FHIR OperationOutcome.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

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
        serde_json::to_value(self.operation_outcome()).unwrap_or(Value::Null)
    }

    /// The issues as a FHIR R4 OperationOutcome, as [`Outcome::to_operation_outcome`] gives
    /// it, to serialize without building a JSON tree first (a large Bundle's outcome can have
    /// millions of issues).
    pub fn operation_outcome(&self) -> OperationOutcome<'_> {
        OperationOutcome {
            issues: &self.issues,
        }
    }
}

/// The OperationOutcome of an [`Outcome`], serialized as it is written
/// (see [`Outcome::operation_outcome`]).
#[derive(Debug, Clone, Copy)]
pub struct OperationOutcome<'a> {
    issues: &'a [Issue],
}

impl Serialize for OperationOutcome<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("resourceType", "OperationOutcome")?;
        if self.issues.is_empty() {
            map.serialize_entry("issue", &[NoIssues])?;
        } else {
            map.serialize_entry("issue", &IssueList(self.issues))?;
        }
        map.end()
    }
}

/// The one entry of an OperationOutcome without issues.
struct NoIssues;

impl Serialize for NoIssues {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("severity", "information")?;
        map.serialize_entry("code", "informational")?;
        map.serialize_entry("details", &Details("No issues detected"))?;
        map.end()
    }
}

/// The `issue` array of an OperationOutcome.
struct IssueList<'a>(&'a [Issue]);

impl Serialize for IssueList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(OutcomeIssue))
    }
}

/// One issue as an OperationOutcome `issue`: its severity, the message as `details.text`, the
/// location as `expression`, the source position as extensions (when known) and the rule as
/// `diagnostics` (when there is one).
struct OutcomeIssue<'a>(&'a Issue);

impl Serialize for OutcomeIssue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let issue = self.0;
        let code = match issue.severity {
            Severity::Information => "informational",
            _ => "invalid",
        };
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("severity", issue.severity.code())?;
        map.serialize_entry("code", code)?;
        map.serialize_entry("details", &Details(&issue.message))?;
        map.serialize_entry("expression", &[&*issue.location])?;
        if issue.line > 0 {
            map.serialize_entry("extension", &Position(issue))?;
        }
        if !issue.rule.is_empty() {
            map.serialize_entry("diagnostics", &format_args!("rule: {}", issue.rule))?;
        }
        map.end()
    }
}

/// `{"text": ...}`.
struct Details<'a>(&'a str);

impl Serialize for Details<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("text", self.0)?;
        map.end()
    }
}

/// The line and column extensions of an issue.
struct Position<'a>(&'a Issue);

impl Serialize for Position<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(2))?;
        seq.serialize_element(&IntegerExtension(LINE_EXTENSION, self.0.line))?;
        seq.serialize_element(&IntegerExtension(COL_EXTENSION, self.0.col))?;
        seq.end()
    }
}

/// The extension giving an OperationOutcome issue's line in the source.
const LINE_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line";

/// The extension giving an OperationOutcome issue's column in the source.
const COL_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col";

/// `{"url": ..., "valueInteger": ...}`.
struct IntegerExtension(&'static str, u32);

impl Serialize for IntegerExtension {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("url", self.0)?;
        map.serialize_entry("valueInteger", &self.1)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn operation_outcomes_carry_message_location_position_and_rule() {
        let outcome = Outcome {
            issues: vec![
                Issue {
                    severity: Severity::Error,
                    location: "Patient.gender".into(),
                    line: 3,
                    col: 7,
                    message: "bad code".into(),
                    rule: "Patient.gender".into(),
                },
                Issue {
                    severity: Severity::Information,
                    location: "".into(),
                    line: 0,
                    col: 0,
                    message: "note".into(),
                    rule: "".into(),
                },
            ],
        };
        let position = |what: &str, n: u32| {
            json!({"url": format!("http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-{what}"),
                   "valueInteger": n})
        };
        assert_eq!(
            outcome.to_operation_outcome(),
            json!({"resourceType": "OperationOutcome", "issue": [
                {"severity": "error", "code": "invalid", "details": {"text": "bad code"},
                 "expression": ["Patient.gender"],
                 "extension": [position("line", 3), position("col", 7)],
                 "diagnostics": "rule: Patient.gender"},
                {"severity": "information", "code": "informational", "details": {"text": "note"},
                 "expression": [""]},
            ]})
        );
        assert_eq!(
            Outcome::default().to_operation_outcome(),
            json!({"resourceType": "OperationOutcome", "issue": [
                {"severity": "information", "code": "informational",
                 "details": {"text": "No issues detected"}}]})
        );
    }
}
