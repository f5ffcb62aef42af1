//! Reading an outcome in the integration tests: the issues of one severity as
//! `location: message` lines.

use assure_validate::{Outcome, Severity};

/// `location: message` of the issues of `severity`, in order.
pub fn issues(outcome: &Outcome, severity: Severity) -> Vec<String> {
    outcome
        .issues
        .iter()
        .filter(|i| i.severity == severity)
        .map(|i| format!("{}: {}", i.location, i.message))
        .collect()
}
