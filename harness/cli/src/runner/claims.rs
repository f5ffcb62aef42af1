//! The claims table: what the target's CapabilityStatement claims (per resource type of the
//! `server` rest: each `interaction.code` and each `searchParam.name`), and what the tests that
//! exercised each claim showed of it: declared against observed.
//!
//! A written test exercises `(type, interaction)` by its steps' actions (`read` → `read`,
//! `search` → `search-type`, `history` → `history-instance`, or `history-type` without an id,
//! …; setup steps excepted); a generated search check exercises the search parameter it
//! searches by (a combination of parameters exercises none of them). A claim is
//! `failed` when an exercising test failed, `proven` when one passed and none failed, and `not
//! assessed` otherwise.

use std::collections::HashMap;

use serde_json::Value;

use super::capability::claimed_types;
use super::search::Generated;
use crate::results::{Claim, ClaimKind, ClaimStatus, Status, SuiteResult};
use crate::suite::{Action, StepAuth, TestCase};

/// One claim a test exercises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Exercise {
    pub(crate) test: String,
    pub(crate) resource_type: String,
    pub(crate) kind: ClaimKind,
    pub(crate) code: String,
}

/// The claims of `statement` with the verdicts of the tests of `tests` (plan order) and of the
/// generated search checks; empty when `statement` is not a CapabilityStatement.
pub(crate) fn claims<'a>(
    statement: Option<&Value>,
    tests: impl IntoIterator<Item = &'a TestCase>,
    generated: &Generated,
    suites: &[SuiteResult],
) -> Vec<Claim> {
    let Some(statement) = statement else {
        return Vec::new();
    };
    let mut exercises: Vec<Exercise> = tests.into_iter().flat_map(exercised_by).collect();
    // A combination check is the checklist's own requirement; its failure does not say which
    // of its parameters is at fault, so it assesses none of them.
    for (test, resource_type, params) in generated.searches().filter(|(_, _, p)| p.len() == 1) {
        exercises.extend(params.iter().map(|param| Exercise {
            test: test.to_owned(),
            resource_type: resource_type.to_owned(),
            kind: ClaimKind::SearchParam,
            code: param.clone(),
        }));
    }
    let order: HashMap<&str, usize> = suites
        .iter()
        .flat_map(|s| &s.tests)
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    exercises.sort_by_key(|e| order.get(e.test.as_str()).copied().unwrap_or(usize::MAX));
    let statuses: HashMap<&str, Status> = suites
        .iter()
        .flat_map(|s| &s.tests)
        .map(|t| (t.id.as_str(), t.status))
        .collect();
    judge(declared(statement), &exercises, &statuses)
}

/// What `statement` claims, in its order: per resource type of the `server` rest (the first
/// rest when none says `server`), its interactions, then its search parameters.
pub(crate) fn declared(statement: &Value) -> Vec<(String, ClaimKind, String)> {
    let mut out: Vec<(String, ClaimKind, String)> = Vec::new();
    for claimed in claimed_types(statement).unwrap_or_default() {
        let interactions = claimed
            .interactions
            .iter()
            .map(|code| (ClaimKind::Interaction, code));
        let params = claimed
            .params
            .iter()
            .map(|param| (ClaimKind::SearchParam, &param.name));
        for (kind, code) in interactions.chain(params) {
            let claim = (claimed.name.clone(), kind, code.clone());
            if !out.contains(&claim) {
                out.push(claim);
            }
        }
    }
    out
}

/// The claims a written test exercises, from its steps' actions (a templated type or a
/// system-wide action exercises no claim of a type).
pub(crate) fn exercised_by(test: &TestCase) -> Vec<Exercise> {
    let mut out = Vec::new();
    // A setup step only prepares what the test checks: the test's verdict is not about it.
    // Nor is a step sent with other credentials than the run's: its answer is about them.
    for step in test
        .steps
        .iter()
        .filter(|step| !step.setup && matches!(step.auth, StepAuth::Default | StepAuth::Run))
    {
        let (resource_type, code) = match &step.action {
            Action::Read { resource_type, .. } => (Some(resource_type), "read"),
            Action::Vread { resource_type, .. } => (Some(resource_type), "vread"),
            Action::Search { resource_type, .. } => (resource_type.as_ref(), "search-type"),
            Action::Create { resource_type, .. } => (Some(resource_type), "create"),
            Action::Update { resource_type, .. } => (Some(resource_type), "update"),
            Action::Delete { resource_type, .. } => (Some(resource_type), "delete"),
            Action::History {
                resource_type,
                id: Some(_),
            } => (resource_type.as_ref(), "history-instance"),
            Action::History {
                resource_type,
                id: None,
            } => (resource_type.as_ref(), "history-type"),
            Action::Capabilities
            | Action::Request { .. }
            | Action::Token(_)
            | Action::TlsOffer(_)
            | Action::Certificate(_)
            | Action::PlainHttp { .. } => (None, ""),
        };
        let Some(resource_type) = resource_type.filter(|t| !t.contains("{{")) else {
            continue;
        };
        let exercise = Exercise {
            test: test.id.clone(),
            resource_type: resource_type.clone(),
            kind: ClaimKind::Interaction,
            code: code.to_owned(),
        };
        if !out.contains(&exercise) {
            out.push(exercise);
        }
    }
    out
}

/// Each declared claim with its status and exercising tests (`exercises` in plan order).
pub(crate) fn judge(
    declared: Vec<(String, ClaimKind, String)>,
    exercises: &[Exercise],
    statuses: &HashMap<&str, Status>,
) -> Vec<Claim> {
    declared
        .into_iter()
        .map(|(resource_type, kind, code)| {
            let mut tests: Vec<String> = Vec::new();
            for exercise in exercises
                .iter()
                .filter(|e| e.kind == kind && e.resource_type == resource_type && e.code == code)
            {
                if !tests.contains(&exercise.test) {
                    tests.push(exercise.test.clone());
                }
            }
            let verdicts: Vec<Status> = tests
                .iter()
                .filter_map(|t| statuses.get(t.as_str()).copied())
                .collect();
            let status = if verdicts.contains(&Status::Fail) {
                ClaimStatus::Failed
            } else if verdicts.contains(&Status::Pass) {
                ClaimStatus::Proven
            } else {
                ClaimStatus::NotAssessed
            };
            Claim {
                resource_type,
                kind,
                code,
                status,
                tests,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exercise(test: &str, kind: ClaimKind, code: &str) -> Exercise {
        Exercise {
            test: test.into(),
            resource_type: "Patient".into(),
            kind,
            code: code.into(),
        }
    }

    #[test]
    fn a_failure_outweighs_a_pass_and_only_verdicts_assess() {
        use ClaimKind::{Interaction, SearchParam};
        let declared = ["read", "vread", "update", "delete", "create"]
            .iter()
            .map(|code| ("Patient".to_owned(), Interaction, (*code).to_owned()))
            .chain([("Patient".to_owned(), SearchParam, "family".to_owned())])
            .collect();
        let exercises = [
            exercise("READ-OK", Interaction, "read"),
            exercise("READ-BAD", Interaction, "read"),
            exercise("READ-OK", Interaction, "vread"),
            exercise("SKIPPED", Interaction, "update"),
            exercise("ERRORED", Interaction, "update"),
            exercise("SKIPPED", Interaction, "delete"),
            exercise("SRCH-Patient-family", SearchParam, "family"),
            exercise("SRCH-Patient-family-exact", SearchParam, "family"),
            // Another type's claim does not count.
            Exercise {
                resource_type: "Observation".into(),
                ..exercise("READ-BAD", Interaction, "create")
            },
        ];
        let statuses = HashMap::from([
            ("READ-OK", Status::Pass),
            ("READ-BAD", Status::Fail),
            ("SKIPPED", Status::Skip),
            ("ERRORED", Status::Error),
            ("SRCH-Patient-family", Status::Pass),
            ("SRCH-Patient-family-exact", Status::Pass),
        ]);
        let claims = judge(declared, &exercises, &statuses);
        let got: Vec<(&str, ClaimStatus, Vec<&str>)> = claims
            .iter()
            .map(|c| {
                (
                    c.code.as_str(),
                    c.status,
                    c.tests.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("read", ClaimStatus::Failed, vec!["READ-OK", "READ-BAD"]),
                ("vread", ClaimStatus::Proven, vec!["READ-OK"]),
                (
                    "update",
                    ClaimStatus::NotAssessed,
                    vec!["SKIPPED", "ERRORED"]
                ),
                ("delete", ClaimStatus::NotAssessed, vec!["SKIPPED"]),
                ("create", ClaimStatus::NotAssessed, vec![]),
                (
                    "family",
                    ClaimStatus::Proven,
                    vec!["SRCH-Patient-family", "SRCH-Patient-family-exact"]
                ),
            ]
        );
        assert_eq!(claims[5].kind, SearchParam);
    }

    #[test]
    fn declared_reads_the_server_rest_interactions_then_parameters() {
        let statement = json!({
            "resourceType": "CapabilityStatement",
            "rest": [
                {"mode": "client", "resource": [{"type": "Basic", "interaction": [{"code": "read"}]}]},
                {"mode": "server", "resource": [
                    {"type": "Patient",
                     "searchParam": [{"name": "family"}],
                     "interaction": [{"code": "read"}, {"code": "search-type"}, {"code": "read"}]},
                    {"type": "Organization"}
                ]}
            ]
        });
        assert_eq!(
            declared(&statement),
            vec![
                ("Patient".into(), ClaimKind::Interaction, "read".into()),
                (
                    "Patient".into(),
                    ClaimKind::Interaction,
                    "search-type".into()
                ),
                ("Patient".into(), ClaimKind::SearchParam, "family".into()),
            ]
        );
        assert!(declared(&json!({"resourceType": "Patient"})).is_empty());
    }
}
