//! Process exit codes: the gate a CI pipeline reads (README.md, "Exit codes").

use std::process::ExitCode;

use crate::cli::args::FailOn;
use crate::report::exemption::exemption;
use crate::results::{RunOptions, RunResult, Status};
use crate::suite::Level;

/// What the process exit code says. Ordered by seriousness (the numbers): when several errors
/// stop a command, the most serious one's code is the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Every check at or above the `--fail-on` level passed (`validate`: no file has an
    /// error-level issue; other commands: done).
    Passed = 0,
    /// At least one check at or above the `--fail-on` level failed (and no waiver or baseline
    /// exempts it), a waiver has expired, or with `--require-complete` a SHALL check was
    /// skipped (`validate`: some file has an error-level issue; `report diff`: a regression).
    ChecksFailed = 1,
    /// Bad command line or input: an argument, a suite that does not load, an unreadable file,
    /// an unknown package or profile, an unusable tarball.
    Usage = 2,
    /// The target could not be reached (or the reference server could not start or stop), the
    /// package registry failed, or tests ended in `error` and none failed: no verdict.
    TargetError = 3,
    /// The harness itself failed: it could not write its output, reports or package cache, or
    /// hit an internal error.
    Internal = 4,
    /// `assure run` was stopped by SIGINT (Ctrl-C); its reports say so.
    Interrupted = 130,
    /// `assure run` was stopped by SIGTERM; its reports say so.
    Terminated = 143,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// The exit code of a finished run as its result records it: [`for_run`] with its
/// `--fail-on` and `--require-complete`, leaving out the failures a waiver or the baseline
/// exempts; an expired waiver fails the run whatever its checks did.
pub fn for_result(run: &RunResult) -> Exit {
    if run.options.waivers.iter().any(|waiver| waiver.expired) {
        return Exit::ChecksFailed;
    }
    let statuses = run
        .suites
        .iter()
        .flat_map(|suite| &suite.tests)
        .filter(|test| exemption(run, test).is_none())
        .map(|test| (test.level, test.status));
    for_run(
        fail_on_recorded(&run.options),
        run.options.require_complete,
        statuses,
    )
}

/// The `--fail-on` a report records (`shall` when it records none).
pub fn fail_on_recorded(options: &RunOptions) -> FailOn {
    match options.fail_on.as_str() {
        "should" => FailOn::Should,
        "may" => FailOn::May,
        _ => FailOn::Shall,
    }
}

/// Whether a failure of `level` fails a run with this `--fail-on`.
pub fn gates(fail_on: FailOn, level: Level) -> bool {
    match fail_on {
        FailOn::Shall => level == Level::Shall,
        FailOn::Should => level != Level::May,
        FailOn::May => true,
    }
}

/// The exit code for a finished run: a gated failure (with `require_complete`, a skipped SHALL
/// test counts as one) wins over errors; errors (the harness's or the network's fault, so no
/// verdict) come next.
pub fn for_run(
    fail_on: FailOn,
    require_complete: bool,
    statuses: impl Iterator<Item = (Level, Status)>,
) -> Exit {
    let mut errored = false;
    for (level, status) in statuses {
        if status == Status::Fail && gates(fail_on, level) {
            return Exit::ChecksFailed;
        }
        if require_complete && status == Status::Skip && level == Level::Shall {
            return Exit::ChecksFailed;
        }
        errored |= status == Status::Error;
    }
    if errored {
        Exit::TargetError
    } else {
        Exit::Passed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gated_failure_beats_an_error() {
        let run = [(Level::Shall, Status::Error), (Level::Shall, Status::Fail)];
        assert_eq!(
            for_run(FailOn::Shall, false, run.into_iter()),
            Exit::ChecksFailed
        );
    }

    #[test]
    fn should_failures_gate_only_when_asked() {
        let run = [(Level::Shall, Status::Pass), (Level::Should, Status::Fail)];
        assert_eq!(for_run(FailOn::Shall, false, run.into_iter()), Exit::Passed);
        assert_eq!(
            for_run(FailOn::Should, false, run.into_iter()),
            Exit::ChecksFailed
        );
    }

    #[test]
    fn errors_without_failures_are_harness_errors() {
        let run = [(Level::May, Status::Error), (Level::Shall, Status::Skip)];
        assert_eq!(
            for_run(FailOn::Shall, false, run.into_iter()),
            Exit::TargetError
        );
    }

    #[test]
    fn skipped_shall_tests_gate_only_when_the_run_must_be_complete() {
        let run = [(Level::Shall, Status::Pass), (Level::Shall, Status::Skip)];
        assert_eq!(for_run(FailOn::Shall, false, run.into_iter()), Exit::Passed);
        assert_eq!(
            for_run(FailOn::Shall, true, run.into_iter()),
            Exit::ChecksFailed
        );
        let should = [(Level::Should, Status::Skip)];
        assert_eq!(
            for_run(FailOn::Should, true, should.into_iter()),
            Exit::Passed
        );
    }
}
