//! `junit.xml`: one `<testsuite>` per suite, one `<testcase>` per checklist item, for CI UIs.
//!
//! Each `<testsuite>` counts its tests, failures, errors and skipped tests. A test case is
//! named `ID title` with class name `suite.LEVEL` (e.g. `core.SHALL`), so CI
//! tools group results by suite and requirement level. Failures carry a one-line message such
//! as `[SHALL] expected status 201, got 200` and a body listing each step's exchanges and the
//! assertions that did not hold; a failure that does not fail the run (waived, pre-existing in
//! the baseline) keeps its `<failure>`, typed `waived` or `pre-existing`. A run aborted before
//! any test (e.g. an unreachable target) becomes a `run` suite with one `<error>` test case, so
//! CI shows it as broken, not empty.
//! When the run discovered data, every `<testsuite>` carries it in `<system-out>`, one line per
//! item (`name = value (found)`, `name: reason (missing)`), since its checks ran with it.

use std::fmt::Write as _;

use anyhow::{Context, Result, anyhow};
use junit_report::{Report, TestCase, TestCaseBuilder, TestSuite};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::exemption::{Exemption, exemption};
use super::lines::{assertion_line, data_line, exchange_line};
use crate::results::{DataResult, RunResult, Status, SuiteResult, TestResult};

/// Renders the run as a JUnit XML document.
pub fn render(result: &RunResult) -> Result<String> {
    let started = OffsetDateTime::parse(&result.started_at, &Rfc3339).with_context(|| {
        format!(
            "run start time {:?} is not an RFC 3339 timestamp",
            result.started_at
        )
    })?;
    let mut report = Report::new();
    let data = data_lines(&result.data);
    report.add_testsuites(result.suites.iter().map(|suite| {
        let mut junit_suite = test_suite(result, suite, started);
        if !data.is_empty() {
            junit_suite.set_system_out(&data);
        }
        junit_suite
    }));
    if let Some(reason) = &result.aborted {
        report.add_testsuite(aborted_suite(reason, result.duration_ms, started));
    }
    let mut xml = Vec::new();
    report
        .write_xml(&mut xml)
        .map_err(|error| anyhow!("cannot write JUnit XML: {error}"))?;
    let mut skipped: Vec<usize> = result
        .suites
        .iter()
        .map(|suite| {
            suite
                .tests
                .iter()
                .filter(|t| t.status == Status::Skip)
                .count()
        })
        .collect();
    if result.aborted.is_some() {
        skipped.push(0);
    }
    let xml = with_skipped_counts(&xml, &skipped)?;
    let mut text = String::from_utf8(xml).context("JUnit XML writer produced invalid UTF-8")?;
    text.push('\n');
    Ok(text)
}

/// Adds `skipped="N"` to each `<testsuite>`, in document order (the JUnit schema has the
/// attribute and CI views show it; the writer leaves it out). Rewritten event by event, so
/// text inside the suites, however hostile, is never mistaken for a tag.
fn with_skipped_counts(xml: &[u8], skipped: &[usize]) -> Result<Vec<u8>> {
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len() + 16 * skipped.len()));
    let mut counts = skipped.iter();
    let mut buffer = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .context("cannot re-read the JUnit XML written")?;
        let mut counted = |start: BytesStart<'_>| {
            let mut start = start.into_owned();
            let count = counts.next().copied().unwrap_or(0).to_string();
            start.push_attribute(("skipped", count.as_str()));
            start
        };
        let event = match event {
            Event::Eof => break,
            Event::Start(start) if start.name().as_ref() == "testsuite" => {
                Event::Start(counted(start))
            }
            Event::Empty(start) if start.name().as_ref() == "testsuite" => {
                Event::Empty(counted(start))
            }
            other => other,
        };
        writer
            .write_event(event)
            .context("cannot write the JUnit XML")?;
        buffer.clear();
    }
    Ok(writer.into_inner())
}

fn test_suite(run: &RunResult, suite: &SuiteResult, started: OffsetDateTime) -> TestSuite {
    let mut junit_suite = TestSuite::new(&xml_safe(&suite.id));
    junit_suite.set_timestamp(started);
    junit_suite.add_testcases(
        suite
            .tests
            .iter()
            .map(|test| test_case(&suite.id, test, exemption(run, test))),
    );
    junit_suite
}

/// The data phase as text: a heading, then one line per item with its requests.
fn data_lines(data: &[DataResult]) -> String {
    if data.is_empty() {
        return String::new();
    }
    let mut text = String::from("Test data:\n");
    for item in data {
        let _ = writeln!(text, "  {}", data_line(item));
        for exchange in &item.exchanges {
            let _ = writeln!(text, "    {}", exchange_line(exchange));
        }
    }
    cdata_safe(&text)
}

fn aborted_suite(reason: &str, duration_ms: u64, started: OffsetDateTime) -> TestSuite {
    let mut suite = TestSuite::new("run");
    suite.set_timestamp(started);
    let mut case = TestCaseBuilder::error(
        "run aborted",
        milliseconds(duration_ms),
        "aborted",
        &one_line(reason),
    );
    case.set_classname("run");
    suite.add_testcase(case.build());
    suite
}

fn milliseconds(ms: u64) -> time::Duration {
    time::Duration::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// A failure that does not gate keeps its `<failure>`, typed `waived` or `pre-existing` and
/// with why in its message.
fn test_case(suite_id: &str, test: &TestResult, exempt: Option<Exemption<'_>>) -> TestCase {
    let name = xml_safe(&format!("{} {}", test.id, test.title));
    let time = milliseconds(test.duration_ms);
    let mut builder = match test.status {
        Status::Pass => TestCaseBuilder::success(&name, time),
        Status::Fail => {
            let (kind, message) = match exempt {
                Some(exempt) => (
                    exempt.kind(),
                    format!("{} — {}", exempt.describe(), headline(test, "failed")),
                ),
                None => ("assertion", headline(test, "failed")),
            };
            let mut builder = TestCaseBuilder::failure(&name, time, kind, &one_line(&message));
            builder.set_trace(&cdata_safe(&evidence(test)));
            builder
        }
        Status::Error => {
            let mut builder =
                TestCaseBuilder::error(&name, time, "error", &headline(test, "error"));
            builder.set_trace(&cdata_safe(&evidence(test)));
            builder
        }
        Status::Skip => {
            let reason = test.message.as_deref().unwrap_or("skipped");
            TestCaseBuilder::skipped_with_cause(&name, "skipped", &one_line(reason))
        }
    };
    builder.set_classname(&xml_safe(&format!("{suite_id}.{}", test.level.as_str())));
    builder.build()
}

/// `[LEVEL] message`, on one line; the message falls back to the first failed assertion.
fn headline(test: &TestResult, fallback: &str) -> String {
    let detail = test
        .message
        .clone()
        .or_else(|| {
            test.steps
                .iter()
                .flat_map(|step| &step.assertions)
                .find(|assertion| !assertion.passed)
                .map(assertion_line)
        })
        .or_else(|| test.steps.iter().find_map(|step| step.error.clone()))
        .unwrap_or_else(|| fallback.to_string());
    one_line(&format!("[{}] {detail}", test.level.as_str()))
}

/// The failure body: requirement, then per step its exchanges, error and failed assertions.
fn evidence(test: &TestResult) -> String {
    let mut body = String::new();
    if let Some(requirement) = &test.requirement {
        let _ = writeln!(body, "Requirement: {requirement}");
    }
    for (number, step) in test.steps.iter().enumerate() {
        let _ = writeln!(body, "Step {}: {}", number + 1, step.name);
        for exchange in &step.exchanges {
            let _ = writeln!(body, "  {}", exchange_line(exchange));
        }
        if let Some(error) = &step.error {
            let _ = writeln!(body, "  error: {error}");
        }
        for assertion in step.assertions.iter().filter(|a| !a.passed) {
            let _ = writeln!(body, "  FAILED {}", assertion_line(assertion));
        }
    }
    body
}

fn one_line(text: &str) -> String {
    xml_safe(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Replaces characters XML 1.0 cannot carry (most control characters) with U+FFFD.
fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
            _ => c,
        })
        .collect()
}

/// Makes text safe inside one CDATA section: XML-safe, and `]]>` can no longer close it.
fn cdata_safe(text: &str) -> String {
    xml_safe(text).replace("]]>", "]] >")
}
