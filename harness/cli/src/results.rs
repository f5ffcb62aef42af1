//! The result model of a run: what the runner produces and every report renders.
//!
//! It serialises as `report.json` (schema version [`SCHEMA_VERSION`]); the HTML, JUnit and
//! FHIR TestReport renderers read the same structure.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::suite::{Level, TestCase};

/// Version of the `report.json` schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// The oldest `report.json` schema version this build still reads (version 1 kept every
/// body inline; version 2 keeps long ones in the `evidence/` folder).
pub const OLDEST_READABLE_SCHEMA_VERSION: u32 = 1;

/// A whole run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunResult {
    pub schema_version: u32,
    pub tool: ToolInfo,
    /// RFC 3339 UTC start time.
    pub started_at: String,
    pub duration_ms: u64,
    pub target: TargetInfo,
    /// How the run was asked for: its options and `--var` values (secrets redacted). Set by
    /// the command that started the run; empty (the default) for a run started otherwise.
    pub options: RunOptions,
    /// Why the run stopped before any test ran (e.g. the target was unreachable); `None` for
    /// a run that went ahead.
    pub aborted: Option<String>,
    /// The data discovered before the tests ran, one entry per planned data item, in the
    /// order discovered.
    pub data: Vec<DataResult>,
    pub suites: Vec<SuiteResult>,
    pub summary: Summary,
    /// What the target's CapabilityStatement claims (per resource type of the `server` rest:
    /// each interaction and each search parameter), with what the tests showed of each; empty
    /// when the target served no CapabilityStatement.
    pub claims: Vec<Claim>,
    /// Codes the run's validations could not check because their code system is not
    /// available offline (SNOMED CT, dm+d …): code system URL → number of coded elements.
    pub unchecked_codes: BTreeMap<String, usize>,
}

/// The options a run was started with, so that a report says how its verdict was reached.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOptions {
    /// `--suite` paths; empty for the built-in suites.
    pub suites: Vec<String>,
    /// `--id` and `--tag` filters.
    pub ids: Vec<String>,
    pub tags: Vec<String>,
    /// `--var` values, by name, secrets redacted.
    pub variables: IndexMap<String, String>,
    /// The names of the `--header` headers sent with every request (their values are not kept).
    pub headers: Vec<String>,
    pub concurrency: u32,
    pub timeout_ms: u64,
    pub retries: u32,
    pub max_fan_out: u64,
    pub deadline_ms: Option<u64>,
    /// `shall`, `should` or `may`.
    pub fail_on: String,
    pub require_complete: bool,
    /// Defects switched on in the embedded reference server.
    pub defects: Vec<String>,
    /// `--waivers`: the known failures accepted for a time, in the order written.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
    /// `--baseline`: the earlier run whose failures do not fail this one.
    #[serde(default)]
    pub baseline: Option<BaselineRecord>,
    /// `--shard`: which part of the plan this run was, with the whole plan's order.
    #[serde(default)]
    pub shard: Option<ShardRecord>,
    /// `--record`: the folder the run's exchanges were recorded in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// `assure replay`: the recording that answered instead of a server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
}

/// A known failure accepted until a date (`--waivers`): while it lasts, the failure of its
/// check is reported as waived and does not fail the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// The id of the check it waives.
    pub id: String,
    /// Why the failure is accepted.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// The last day it applies (UTC), `YYYY-MM-DD`.
    pub expires: String,
    /// True when the run started after `expires`: the waiver did not apply and the run failed.
    pub expired: bool,
    /// Where it is written, `file:line:column`.
    pub source: String,
}

/// The earlier run a run was gated against (`--baseline`): only failures it did not have
/// fail the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineRecord {
    /// The report folder or `report.json` given.
    pub source: String,
    /// When the baseline run started.
    pub started_at: String,
    /// The ids of the checks that failed in it, in its order.
    pub failing: Vec<String>,
}

/// One part of a plan split for parallel runs (`--shard INDEX/COUNT`), with the order of the
/// whole plan so that `assure report merge` can put the parts back together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRecord {
    /// 1-based.
    pub index: u32,
    pub count: u32,
    /// Every suite of the whole plan, in order, with its written tests in plan order.
    pub suites: Vec<PlannedSuite>,
    /// The generated checks of the whole plan, in the order they were made.
    pub generated: Vec<String>,
    /// The data items of the whole plan, in the order they are settled.
    pub data: Vec<String>,
}

/// A suite of a plan and its written tests, in plan order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedSuite {
    pub id: String,
    pub tests: Vec<String>,
}

/// One thing the CapabilityStatement claims, and whether the tests bore it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub resource_type: String,
    pub kind: ClaimKind,
    /// The interaction code (`read`, `search-type`, …) or the search parameter's name.
    pub code: String,
    pub status: ClaimStatus,
    /// The tests that exercised it, in plan order.
    pub tests: Vec<String>,
}

impl Claim {
    /// `read` or `search-param family`, as shown in reports.
    pub fn label(&self) -> String {
        match self.kind {
            ClaimKind::Interaction => self.code.clone(),
            ClaimKind::SearchParam => format!("search-param {}", self.code),
        }
    }
}

/// How many claims the tests proved, showed failing, and left unassessed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimCounts {
    pub proven: usize,
    pub failed: usize,
    pub not_assessed: usize,
}

impl ClaimCounts {
    pub fn of(claims: &[Claim]) -> ClaimCounts {
        let mut counts = ClaimCounts::default();
        for claim in claims {
            match claim.status {
                ClaimStatus::Proven => counts.proven += 1,
                ClaimStatus::Failed => counts.failed += 1,
                ClaimStatus::NotAssessed => counts.not_assessed += 1,
            }
        }
        counts
    }
}

/// What is claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimKind {
    /// `rest.resource.interaction.code`.
    Interaction,
    /// `rest.resource.searchParam.name`.
    SearchParam,
}

impl ClaimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Interaction => "interaction",
            ClaimKind::SearchParam => "search-param",
        }
    }
}

/// What the tests showed of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimStatus {
    /// At least one exercising test passed and none failed.
    Proven,
    /// An exercising test failed: claimed but does not work.
    Failed,
    /// No exercising test passed or failed (only skipped or errored ones, or none at all).
    NotAssessed,
}

impl ClaimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Proven => "proven",
            ClaimStatus::Failed => "failed",
            ClaimStatus::NotAssessed => "not-assessed",
        }
    }

    /// As shown to people: `not assessed` with a space.
    pub fn describe(self) -> &'static str {
        match self {
            ClaimStatus::NotAssessed => "not assessed",
            other => other.as_str(),
        }
    }
}

/// What the data phase found for one data item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataResult {
    /// The variable name.
    pub name: String,
    pub description: String,
    pub status: DataStatus,
    /// The value the tests ran with: text, or every value of a list item; `None` unless found
    /// or supplied.
    pub value: Option<DataValue>,
    /// Why it is missing, or what went wrong; `None` when found or supplied.
    pub message: Option<String>,
    /// The requests sent to find it, in order (the last one found it); empty when supplied.
    pub exchanges: Vec<Exchange>,
}

/// How a data item was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataStatus {
    /// Discovered from the server.
    Found,
    /// Given with `--var`; not looked for.
    Supplied,
    /// The server has no such record: the checks that read it are skipped.
    Missing,
    /// The harness or the server failed while looking (transport error, an error status, a
    /// body that is not JSON): the checks that read it end in `error`.
    Error,
}

impl DataStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DataStatus::Found => "found",
            DataStatus::Supplied => "supplied",
            DataStatus::Missing => "missing",
            DataStatus::Error => "error",
        }
    }
}

/// A data item's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DataValue {
    Text(String),
    /// Every value found, for an item with `all: true`.
    List(Vec<String>),
}

impl DataValue {
    /// The value as shown in reports: the text, or `N values: a, b, c`.
    pub fn display(&self) -> String {
        match self {
            DataValue::Text(text) => text.clone(),
            DataValue::List(items) => format!(
                "{} value{}: {}",
                items.len(),
                if items.len() == 1 { "" } else { "s" },
                items.join(", ")
            ),
        }
    }
}

/// The harness that produced the run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

/// The server under test.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetInfo {
    pub base_url: String,
    /// True when the run used the embedded reference server.
    pub embedded: bool,
    /// True when the server's certificate was not verified (`--insecure`).
    #[serde(default)]
    pub insecure: bool,
    /// From the CapabilityStatement, when the target served one.
    pub fhir_version: Option<String>,
    /// `CapabilityStatement.software.name` and version, when present.
    pub software: Option<String>,
    /// How far the server's clock is from the harness's, from the `Date` headers of its
    /// responses; `None` when it sent none.
    #[serde(default)]
    pub clock: Option<ClockOffset>,
}

/// The server's clock against the harness's: the median over responses of the server's
/// `Date` (which has whole seconds, so the figure is good to about a second) minus the time
/// the response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockOffset {
    /// Positive when the server's clock is ahead.
    pub offset_ms: i64,
    /// How many responses it is taken from.
    pub samples: usize,
}

/// Results of one suite, tests in plan order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SuiteResult {
    pub id: String,
    pub title: String,
    pub source: String,
    pub sha256: String,
    pub tests: Vec<TestResult>,
}

/// Verdict of one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every assertion held.
    Pass,
    /// The server did something the checklist forbids.
    Fail,
    /// Not run to its end: a prerequisite or a setup step did not pass, the server does not
    /// claim the feature checked, or a filter left it out.
    Skip,
    /// The harness or the network failed; no verdict on the server.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Error => "error",
        }
    }
}

/// One checklist item's outcome with its evidence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestResult {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub tags: Vec<String>,
    pub requirement: Option<String>,
    pub status: Status,
    /// Why it failed, errored or was skipped, in one line.
    pub message: Option<String>,
    pub duration_ms: u64,
    pub steps: Vec<StepResult>,
}

impl TestResult {
    /// The outcome of `test`: its identity (id, title, level, tags, requirement) with a verdict
    /// and the evidence.
    pub fn of(
        test: &TestCase,
        status: Status,
        message: Option<String>,
        duration_ms: u64,
        steps: Vec<StepResult>,
    ) -> TestResult {
        TestResult {
            id: test.id.clone(),
            title: test.title.clone(),
            level: test.level,
            tags: test.tags.clone(),
            requirement: test.requirement.clone(),
            status,
            message,
            duration_ms,
            steps,
        }
    }
}

/// One step: its exchanges with the target and the assertions checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepResult {
    /// e.g. `read Patient/123`.
    pub name: String,
    pub exchanges: Vec<Exchange>,
    pub assertions: Vec<AssertionResult>,
    /// Set when the step could not be carried out (transport error, bad interpolation).
    pub error: Option<String>,
}

/// One assertion's outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssertionResult {
    /// e.g. `status is 200`.
    pub description: String,
    pub passed: bool,
    pub expected: String,
    pub actual: String,
    /// Where in the step's response body the assertion found its errors, so that reports can
    /// point at the lines; empty for assertions that judge no element.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<IssueLocation>,
}

/// Where an issue is in a body: its element path, and its position in the body as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueLocation {
    /// FHIRPath of the element, e.g. `Patient.identifier[0].value`.
    pub path: String,
    /// 1-based line and column (in characters) in the body as sent; 0 when not known.
    #[serde(default)]
    pub line: u32,
    #[serde(default)]
    pub column: u32,
}

/// One HTTP request/response pair (secrets already redacted).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exchange {
    pub request: RecordedRequest,
    pub response: Option<RecordedResponse>,
    /// Transport error, when there was no response.
    pub error: Option<String>,
    pub duration_ms: u64,
    /// 1 for the first try; higher after retries of connection errors.
    pub attempt: u32,
}

/// A request as sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The body as text when it is short enough to keep inline; see `body_file`.
    pub body: Option<String>,
    /// Where a longer body is kept, in the report folder's `evidence/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_file: Option<BodyFile>,
    /// True when the body kept is not the whole body sent (a long one is kept in part).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub body_truncated: bool,
}

/// A response as received.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Body as text (lossy UTF-8) when it is short enough to keep inline; see `body_file`.
    pub body: Option<String>,
    /// Where a longer body is kept, in the report folder's `evidence/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_file: Option<BodyFile>,
    /// True when the body kept (inline or in `body_file`) is not the whole body the server
    /// sent: it was longer than the harness reads, or than it keeps without an evidence folder.
    pub body_truncated: bool,
}

/// A body kept once, by its content, in the report folder's `evidence/` folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyFile {
    /// Relative to the report folder: `evidence/<sha256>.<json|xml|txt>`.
    pub path: String,
    /// SHA-256 of the file, lower-case hex (also its name).
    pub sha256: String,
    /// Its length in bytes.
    pub bytes: u64,
}

/// Counts of verdicts.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub skip: usize,
    pub error: usize,
}

impl Counts {
    /// Adds one verdict.
    pub fn add(&mut self, status: Status) {
        self.total += 1;
        match status {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Skip => self.skip += 1,
            Status::Error => self.error += 1,
        }
    }
}

/// Totals overall and by requirement level.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    pub overall: Counts,
    #[serde(rename = "SHALL")]
    pub shall: Counts,
    #[serde(rename = "SHOULD")]
    pub should: Counts,
    #[serde(rename = "MAY")]
    pub may: Counts,
}

impl Summary {
    /// Tallies every test of every suite.
    pub fn of(suites: &[SuiteResult]) -> Summary {
        let mut summary = Summary::default();
        for test in suites.iter().flat_map(|s| &s.tests) {
            summary.overall.add(test.status);
            match test.level {
                Level::Shall => summary.shall.add(test.status),
                Level::Should => summary.should.add(test.status),
                Level::May => summary.may.add(test.status),
            }
        }
        summary
    }
}
