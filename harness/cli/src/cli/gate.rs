//! What the terminal adds to the run summary about waivers and the baseline: the failures
//! that do not fail the run and why, the new failures against the baseline, and the expired
//! waivers that fail it.

use std::fmt::Write as _;

use crate::display::{terminal_line, terminal_safe};
use crate::report::exemption::{Exemption, exemption};
use crate::results::{RunResult, Status, TestResult};

/// The lines (each ending with `\n`, after a blank line); empty without waivers or a baseline.
pub fn render_gate(run: &RunResult) -> String {
    let mut out = String::new();
    let tests: Vec<&TestResult> = run.suites.iter().flat_map(|s| &s.tests).collect();
    let exempt = |kind: &str| -> Vec<(&TestResult, Exemption<'_>)> {
        tests
            .iter()
            .filter_map(|test| Some((*test, exemption(run, test)?)))
            .filter(|(_, exempt)| exempt.kind() == kind)
            .collect()
    };
    let waived = exempt("waived");
    if !waived.is_empty() {
        let _ = writeln!(out, "\nWaived failures (do not fail the run):");
        for (test, why) in waived {
            line(&mut out, "WAIVED", test, &why.describe());
        }
    }
    if let Some(baseline) = &run.options.baseline {
        let pre_existing = exempt("pre-existing");
        let failures = tests.iter().filter(|t| t.status == Status::Fail).count();
        let _ = writeln!(
            out,
            "\nBaseline {} (run of {}): {} failure(s) pre-existing, {} not in the baseline",
            baseline.source,
            baseline.started_at,
            pre_existing.len(),
            failures - pre_existing.len() - exempt("waived").len()
        );
        for (test, _) in pre_existing {
            let why = "pre-existing: it failed in the baseline too";
            line(&mut out, "FAIL", test, why);
        }
        let new = tests
            .iter()
            .filter(|test| test.status == Status::Fail && exemption(run, test).is_none());
        for test in new {
            line(&mut out, "NEW", test, "not failing in the baseline");
        }
    }
    let expired: Vec<_> = run.options.waivers.iter().filter(|w| w.expired).collect();
    if !expired.is_empty() {
        let _ = writeln!(
            out,
            "\nExpired waivers (they fail the run; renew or remove them):"
        );
        for waiver in expired {
            let _ = writeln!(
                out,
                "  {}  expired after {} (owner: {}), {}",
                terminal_line(&waiver.id),
                waiver.expires,
                terminal_line(&waiver.owner),
                terminal_line(&waiver.source)
            );
        }
    }
    terminal_safe(&out).into_owned()
}

fn line(out: &mut String, verdict: &str, test: &TestResult, why: &str) {
    let _ = writeln!(
        out,
        "  {verdict:<6} {:<6} {}  {}\n        {}",
        test.level.as_str(),
        terminal_line(&test.id),
        terminal_line(&test.title),
        terminal_line(why)
    );
}
