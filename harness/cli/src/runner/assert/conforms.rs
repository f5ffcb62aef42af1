//! `conforms`: the body validates against the FHIR definitions. Validation runs off the async
//! runtime (see [`Validation`]); every issue, with its position, goes into `actual`.

use std::sync::Arc;

use assure_validate::ReferenceResolver;

use super::Checked;
use crate::http::Response;
use crate::results::IssueLocation;
use crate::suite::ConformsTo;
use crate::validation::{Validation, issue_line, summary};

/// Most issues listed in `actual`; the rest are counted.
const MAX_LISTED_ISSUES: usize = 50;

/// Passes when validation finds no error-level issue. References outside the body resolve
/// with `received` (resources from the test's earlier steps). The assertion's `options` apply
/// over the run's validator settings; their `level` limits the issues listed, never the
/// verdict. `Err` when validation could not run (no definitions, unknown profile): a harness
/// error, never a failure of the server.
pub async fn conforms(
    expectation: &ConformsTo,
    response: &Response,
    validation: &Validation,
    received: Option<Arc<dyn ReferenceResolver>>,
) -> Result<Checked, String> {
    let settings = validation.settings(&expectation.options);
    let outcome = validation
        .validate_with(
            response.body.clone(),
            expectation.profile.clone(),
            received,
            &settings,
        )
        .await?;
    let level = settings.level();
    let listed: Vec<_> = outcome
        .issues
        .iter()
        .filter(|issue| level.shows(issue.severity))
        .collect();
    let (claim, expected) = match &expectation.profile {
        Some(profile) => (
            format!("conforms to {profile}"),
            format!("conformant to {profile}"),
        ),
        None => (
            "conforms to its base type and meta.profile".to_owned(),
            "conformant to its base type and meta.profile".to_owned(),
        ),
    };
    let mut actual = summary(&outcome.issues);
    for issue in listed.iter().take(MAX_LISTED_ISSUES) {
        actual.push('\n');
        actual.push_str(&issue_line("", issue));
    }
    if listed.len() > MAX_LISTED_ISSUES {
        actual.push_str(&format!(
            "\n… and {} more",
            listed.len() - MAX_LISTED_ISSUES
        ));
    }
    let mut checked = Checked::new("body", &claim, expected, actual, !outcome.has_errors());
    checked.result.locations = outcome
        .errors()
        .take(MAX_LISTED_ISSUES)
        .map(|issue| IssueLocation {
            path: issue.location.to_string(),
            line: issue.line,
            column: issue.col,
        })
        .collect();
    if let Some(first) = outcome.errors().next() {
        checked.failure = format!(
            "body does not conform ({}): {} at {}",
            summary(&outcome.issues),
            first.message,
            first.location
        );
    }
    Ok(checked)
}
