//! The summary printed after a run: the data phase in one line, verdict counts overall and by
//! requirement level, every failed or errored SHALL/SHOULD test with its message, then the
//! SHALL tests that were skipped (not assessed).

use std::fmt::Write;

use super::escape::{terminal_line, terminal_safe};
use crate::results::{ClaimCounts, Counts, DataResult, DataStatus, RunResult, Status, TestResult};
use crate::suite::Level;

/// The summary of `run` as text (lines end with `\n`).
pub fn render_summary(run: &RunResult) -> String {
    let mut out = String::new();
    let target = &run.target;
    let mut about = Vec::new();
    if let Some(version) = &target.fhir_version {
        about.push(format!("FHIR {version}"));
    }
    if let Some(software) = &target.software {
        about.push(software.clone());
    }
    if target.insecure {
        about.push("certificate not verified: --insecure".to_string());
    }
    let about = if about.is_empty() {
        String::new()
    } else {
        format!(" ({})", about.join(", "))
    };
    let _ = writeln!(out, "Target: {}{about}", target.base_url);
    if let Some(reason) = &run.aborted {
        if run.suites.iter().all(|suite| suite.tests.is_empty()) {
            let _ = writeln!(out, "Run aborted before any test: {reason}");
        } else {
            let _ = writeln!(out, "Run stopped early: {reason}");
        }
    }
    if !run.data.is_empty() {
        let _ = writeln!(out, "{}", data_line(&run.data));
    }

    let overall = run.summary.overall;
    let _ = writeln!(
        out,
        "{} {} in {:.2}s: {} passed, {} failed, {} skipped, {} errored",
        overall.total,
        if overall.total == 1 { "test" } else { "tests" },
        run.duration_ms as f64 / 1000.0,
        overall.pass,
        overall.fail,
        overall.skip,
        overall.error
    );
    if !run.claims.is_empty() {
        let claims = ClaimCounts::of(&run.claims);
        let _ = writeln!(
            out,
            "claims: {} proven, {} failed, {} not assessed",
            claims.proven, claims.failed, claims.not_assessed
        );
    }
    if !run.unchecked_codes.is_empty() {
        let systems: Vec<String> = run
            .unchecked_codes
            .iter()
            .map(|(system, count)| format!("{system} {count}"))
            .collect();
        let _ = writeln!(
            out,
            "codes not checked (code system not available offline): {}",
            systems.join(", ")
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{:<8}{:>6}{:>6}{:>6}{:>6}{:>6}",
        "", "total", "pass", "fail", "skip", "error"
    );
    let rows = [
        (Level::Shall.as_str(), run.summary.shall),
        (Level::Should.as_str(), run.summary.should),
        (Level::May.as_str(), run.summary.may),
        ("all", overall),
    ];
    for (label, counts) in rows {
        let Counts {
            total,
            pass,
            fail,
            skip,
            error,
        } = counts;
        let _ = writeln!(
            out,
            "{label:<8}{total:>6}{pass:>6}{fail:>6}{skip:>6}{error:>6}"
        );
    }

    let problems: Vec<_> = run
        .suites
        .iter()
        .flat_map(|suite| &suite.tests)
        .filter(|test| matches!(test.level, Level::Shall | Level::Should))
        .filter(|test| matches!(test.status, Status::Fail | Status::Error))
        .collect();
    if !problems.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "Failed or errored SHALL/SHOULD tests:");
        for test in problems {
            let verdict = if test.status == Status::Fail {
                "FAIL"
            } else {
                "ERROR"
            };
            let _ = writeln!(
                out,
                "  {verdict:<5} {:<6} {}  {}",
                test.level.as_str(),
                test.id,
                test.title
            );
            if let Some(message) = &test.message {
                let _ = writeln!(out, "        {}", terminal_line(message));
            }
        }
    }
    let not_assessed: Vec<_> = run
        .suites
        .iter()
        .flat_map(|suite| &suite.tests)
        .filter(|test| test.level == Level::Shall && test.status == Status::Skip)
        .collect();
    if !not_assessed.is_empty() {
        out.push('\n');
        let _ = writeln!(
            out,
            "Not assessed: {} SHALL {} skipped (--require-complete fails the run on them):",
            not_assessed.len(),
            if not_assessed.len() == 1 {
                "test"
            } else {
                "tests"
            }
        );
        // Tests skipped for the same reason (a checklist that does not apply) share one entry.
        let mut groups: Vec<(Option<&String>, Vec<&TestResult>)> = Vec::new();
        for test in not_assessed {
            match groups.iter_mut().find(|(m, _)| *m == test.message.as_ref()) {
                Some((_, tests)) => tests.push(test),
                None => groups.push((test.message.as_ref(), vec![test])),
            }
        }
        for (message, tests) in groups {
            match tests.as_slice() {
                [test] => {
                    let _ = writeln!(out, "  SKIP  {}  {}", test.id, test.title);
                }
                _ => {
                    let ids: Vec<&str> = tests.iter().map(|t| t.id.as_str()).collect();
                    let _ = writeln!(out, "  SKIP  {} tests: {}", ids.len(), ids.join(", "));
                }
            }
            if let Some(message) = message {
                let _ = writeln!(out, "        {}", terminal_line(message));
            }
        }
    }
    terminal_safe(&out).into_owned()
}

/// `data: 9 found, 1 missing (allergy_id: no AllergyIntolerance for the test patient)`.
fn data_line(data: &[DataResult]) -> String {
    let statuses = [
        DataStatus::Found,
        DataStatus::Supplied,
        DataStatus::Missing,
        DataStatus::Error,
    ];
    let counts: Vec<String> = statuses
        .iter()
        .filter_map(|status| {
            let count = data.iter().filter(|item| item.status == *status).count();
            (count > 0).then(|| format!("{count} {}", status.as_str()))
        })
        .collect();
    let unavailable: Vec<String> = data
        .iter()
        .filter(|item| matches!(item.status, DataStatus::Missing | DataStatus::Error))
        .map(|item| format!("{}: {}", item.name, item.message.as_deref().unwrap_or("")))
        .collect();
    let mut line = format!("data: {}", counts.join(", "));
    if !unavailable.is_empty() {
        let _ = write!(line, " ({})", unavailable.join("; "));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{
        Claim, ClaimKind, ClaimStatus, RunOptions, SuiteResult, Summary, TargetInfo, TestResult,
        ToolInfo,
    };

    fn test(id: &str, level: Level, status: Status, message: Option<&str>) -> TestResult {
        TestResult {
            id: id.into(),
            title: format!("Title of {id}"),
            level,
            tags: vec![],
            requirement: None,
            status,
            message: message.map(str::to_string),
            duration_ms: 5,
            steps: vec![],
        }
    }

    fn run(tests: Vec<TestResult>) -> RunResult {
        let suites = vec![SuiteResult {
            id: "core".into(),
            title: "Core".into(),
            source: "embedded:core/core.yaml".into(),
            sha256: "00".into(),
            tests,
        }];
        RunResult {
            schema_version: 1,
            tool: ToolInfo {
                name: "assure".into(),
                version: "0.1.0".into(),
            },
            started_at: "2026-01-01T00:00:00Z".into(),
            duration_ms: 1234,
            target: TargetInfo {
                base_url: "http://localhost:8080/fhir".into(),
                embedded: false,
                insecure: false,
                fhir_version: Some("4.0.1".into()),
                software: Some("Example FHIR 1.2".into()),
                clock: None,
            },
            options: RunOptions::default(),
            aborted: None,
            data: vec![],
            summary: Summary::of(&suites),
            claims: Vec::new(),
            unchecked_codes: Default::default(),
            suites,
        }
    }

    #[test]
    fn lists_counts_by_level_and_shall_should_problems() {
        let summary = render_summary(&run(vec![
            test("CORE-CAP-01", Level::Shall, Status::Pass, None),
            test(
                "CORE-PAT-01",
                Level::Shall,
                Status::Fail,
                Some("read Patient/1: expected status 200, got 404"),
            ),
            test(
                "CORE-PAT-02",
                Level::Shall,
                Status::Skip,
                Some("needs CORE-PAT-01 which failed"),
            ),
            test(
                "CORE-HIS-01",
                Level::Should,
                Status::Error,
                Some("history: timed out after 5s"),
            ),
            test(
                "CORE-MAY-01",
                Level::May,
                Status::Fail,
                Some("expected status 200, got 501"),
            ),
        ]));
        insta::assert_snapshot!(summary, @r"
        Target: http://localhost:8080/fhir (FHIR 4.0.1, Example FHIR 1.2)
        5 tests in 1.23s: 1 passed, 2 failed, 1 skipped, 1 errored

                 total  pass  fail  skip error
        SHALL        3     1     1     1     0
        SHOULD       1     0     0     0     1
        MAY          1     0     1     0     0
        all          5     1     2     1     1

        Failed or errored SHALL/SHOULD tests:
          FAIL  SHALL  CORE-PAT-01  Title of CORE-PAT-01
                read Patient/1: expected status 200, got 404
          ERROR SHOULD CORE-HIS-01  Title of CORE-HIS-01
                history: timed out after 5s

        Not assessed: 1 SHALL test skipped (--require-complete fails the run on them):
          SKIP  CORE-PAT-02  Title of CORE-PAT-02
                needs CORE-PAT-01 which failed
        ");
    }

    #[test]
    fn skips_for_one_reason_share_one_entry() {
        let reason = Some("the checklist applies to servers claiming P");
        let summary = render_summary(&run(vec![
            test("UK-1", Level::Shall, Status::Skip, reason),
            test("UK-2", Level::Shall, Status::Skip, Some("another reason")),
            test("UK-3", Level::Shall, Status::Skip, reason),
        ]));
        assert!(
            summary.contains(
                "  SKIP  2 tests: UK-1, UK-3\n        the checklist applies to servers claiming P\n  SKIP  UK-2  Title of UK-2\n        another reason\n"
            ),
            "{summary}"
        );
    }

    #[test]
    fn the_data_phase_is_one_line_naming_what_is_missing() {
        let item = |name: &str, status: DataStatus, message: Option<&str>| DataResult {
            name: name.into(),
            description: String::new(),
            status,
            value: None,
            message: message.map(str::to_string),
            exchanges: vec![],
        };
        let mut with_data = run(vec![]);
        with_data.data = vec![
            item("patient_id", DataStatus::Supplied, None),
            item("observation_id", DataStatus::Found, None),
            item("encounter_id", DataStatus::Found, None),
            item(
                "allergy_id",
                DataStatus::Missing,
                Some("no AllergyIntolerance for the test patient"),
            ),
        ];
        assert!(render_summary(&with_data).contains(
            "\ndata: 2 found, 1 supplied, 1 missing (allergy_id: no AllergyIntolerance for the \
             test patient)\n"
        ));
    }

    #[test]
    fn an_aborted_run_says_why() {
        let mut aborted = run(vec![]);
        aborted.aborted = Some("target http://x is unreachable: connection failed".into());
        let summary = render_summary(&aborted);
        assert!(summary.contains(
            "Run aborted before any test: target http://x is unreachable: connection failed"
        ));
        assert!(summary.contains("0 tests in"));
        let mut stopped = run(vec![test("CORE-1", Level::Shall, Status::Error, None)]);
        stopped.aborted = Some("interrupted by SIGINT".into());
        assert!(render_summary(&stopped).contains("Run stopped early: interrupted by SIGINT"));
    }

    #[test]
    fn claims_are_counted_in_one_line() {
        let claim = |code: &str, status: ClaimStatus| Claim {
            resource_type: "Patient".into(),
            kind: ClaimKind::Interaction,
            code: code.into(),
            status,
            tests: vec![],
        };
        let mut claimed = run(vec![test("CORE-CAP-01", Level::Shall, Status::Pass, None)]);
        claimed.claims = vec![
            claim("read", ClaimStatus::Proven),
            claim("vread", ClaimStatus::Proven),
            claim("update", ClaimStatus::Failed),
            claim("delete", ClaimStatus::NotAssessed),
        ];
        insta::assert_snapshot!(render_summary(&claimed), @r"
        Target: http://localhost:8080/fhir (FHIR 4.0.1, Example FHIR 1.2)
        1 test in 1.23s: 1 passed, 0 failed, 0 skipped, 0 errored
        claims: 2 proven, 1 failed, 1 not assessed

                 total  pass  fail  skip error
        SHALL        1     1     0     0     0
        SHOULD       0     0     0     0     0
        MAY          0     0     0     0     0
        all          1     1     0     0     0
        ");
        assert!(!render_summary(&run(vec![])).contains("claims:"));
    }

    #[test]
    fn unchecked_codes_are_counted_by_code_system() {
        let mut unchecked = run(vec![]);
        unchecked.unchecked_codes = [("http://snomed.info/sct".to_owned(), 12)].into();
        assert!(render_summary(&unchecked).contains(
            "codes not checked (code system not available offline): http://snomed.info/sct 12"
        ));
        assert!(!render_summary(&run(vec![])).contains("codes not checked"));
    }

    #[test]
    fn a_clean_run_has_no_problem_list() {
        let summary = render_summary(&run(vec![test(
            "CORE-CAP-01",
            Level::Shall,
            Status::Pass,
            None,
        )]));
        assert!(summary.contains("1 test in 1.23s: 1 passed, 0 failed, 0 skipped, 0 errored"));
        assert!(!summary.contains("Failed or errored"));
    }
}
