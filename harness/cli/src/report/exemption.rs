//! Failures that do not fail the run: those a waiver covers (`--waivers`) and those the
//! baseline already had (`--baseline`). They stay failures in every report, marked with why
//! they do not gate.

use crate::results::{BaselineRecord, RunResult, Status, TestResult, Waiver};

/// Why a failure does not fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exemption<'a> {
    /// A waiver that has not expired covers it.
    Waived(&'a Waiver),
    /// The check failed in the baseline too.
    PreExisting(&'a BaselineRecord),
}

impl Exemption<'_> {
    /// `waived` or `pre-existing`.
    pub fn kind(self) -> &'static str {
        match self {
            Exemption::Waived(_) => "waived",
            Exemption::PreExisting(_) => "pre-existing",
        }
    }

    /// One line for people, e.g. `waived until 2026-06-30 (owner: a@b): known issue`.
    pub fn describe(self) -> String {
        match self {
            Exemption::Waived(waiver) => format!(
                "waived until {} (owner: {}): {}",
                waiver.expires, waiver.owner, waiver.reason
            ),
            Exemption::PreExisting(baseline) => format!(
                "pre-existing: it failed in the baseline too ({}, run of {})",
                baseline.source, baseline.started_at
            ),
        }
    }
}

/// Why `test` of `run` is a failure that does not gate; `None` when it is not a failure or
/// when it gates. A waiver wins over the baseline.
pub fn exemption<'a>(run: &'a RunResult, test: &TestResult) -> Option<Exemption<'a>> {
    if test.status != Status::Fail {
        return None;
    }
    let options = &run.options;
    if let Some(waiver) = options
        .waivers
        .iter()
        .find(|waiver| waiver.id == test.id && !waiver.expired)
    {
        return Some(Exemption::Waived(waiver));
    }
    let baseline = options.baseline.as_ref()?;
    baseline
        .failing
        .contains(&test.id)
        .then_some(Exemption::PreExisting(baseline))
}
