//! Process exit codes: the gate a CI pipeline reads.

use crate::cli::args::FailOn;
use crate::results::Status;
use crate::suite::Level;

/// Every checked requirement at or above the `--fail-on` level passed.
pub const PASSED: u8 = 0;
/// At least one check at or above the `--fail-on` level failed.
pub const CHECK_FAILED: u8 = 1;
/// Bad command line or a suite that does not load.
pub const USAGE_ERROR: u8 = 2;
/// The target could not be reached, or the harness itself failed.
pub const TARGET_ERROR: u8 = 3;

/// The exit code for a finished run: a gated failure wins over errors; errors (the harness's or
/// the network's fault, so no verdict) come next.
pub fn for_run(fail_on: FailOn, statuses: impl Iterator<Item = (Level, Status)>) -> u8 {
    let gated = |level: Level| match fail_on {
        FailOn::Shall => level == Level::Shall,
        FailOn::Should => level != Level::May,
        FailOn::May => true,
    };
    let mut errored = false;
    for (level, status) in statuses {
        if status == Status::Fail && gated(level) {
            return CHECK_FAILED;
        }
        errored |= status == Status::Error;
    }
    if errored { TARGET_ERROR } else { PASSED }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gated_failure_beats_an_error() {
        let run = [(Level::Shall, Status::Error), (Level::Shall, Status::Fail)];
        assert_eq!(for_run(FailOn::Shall, run.into_iter()), CHECK_FAILED);
    }

    #[test]
    fn should_failures_gate_only_when_asked() {
        let run = [(Level::Shall, Status::Pass), (Level::Should, Status::Fail)];
        assert_eq!(for_run(FailOn::Shall, run.into_iter()), PASSED);
        assert_eq!(for_run(FailOn::Should, run.into_iter()), CHECK_FAILED);
    }

    #[test]
    fn errors_without_failures_are_harness_errors() {
        let run = [(Level::May, Status::Error), (Level::Shall, Status::Skip)];
        assert_eq!(for_run(FailOn::Shall, run.into_iter()), TARGET_ERROR);
    }
}
