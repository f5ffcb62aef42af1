//! `report.html`: a self-contained page for people, from `reports/report.html.tera`.
//!
//! The template and stylesheet are compiled into the binary, so the report renders from any
//! working directory and needs no external assets. Every value from the run is HTML-escaped by
//! the template engine (a server's response body is hostile input); only the stylesheet, which
//! ships with the harness, is inserted verbatim. Status filters work without JavaScript.

use anyhow::{Result, anyhow};
use serde::Serialize;
use tera::{Context, Tera};

use std::collections::HashMap;

use super::conformance::{Conformance, Entry, ProfileClaim};
use super::exemption::exemption;
use super::html_bodies::{BodySource, BodyView, BodyViews, LocatedIssue};
use super::lines::exchange_line;
use super::matrix::{self, Row};
use super::test_anchor;
use super::timing::Timing;
use crate::evidence::Bodies;
use crate::results::{
    AssertionResult, Claim, ClaimCounts, ClaimKind, ClockOffset, Counts, DataResult, Exchange,
    IssueLocation, RunResult, Status, StepResult, TestResult, Waiver,
};

const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("../../../../reports/report.html.tera");
const STYLESHEET: &str = include_str!("../../../../reports/report.css");
const SCRIPT: &str = include_str!("../../../../reports/report.js");

/// Bodies longer than this many bytes start collapsed.
pub const COLLAPSE_BODY_OVER_CHARS: usize = 1500;

/// Renders the run as one HTML page, its bodies read from `bodies`.
pub fn render(result: &RunResult, bodies: &Bodies) -> Result<String> {
    let mut tera = Tera::new();
    tera.add_raw_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(|error| anyhow!("HTML report template is invalid: {error}"))?;
    let page = Page::of(result, bodies);
    let context = Context::from_serialize(&page)
        .map_err(|error| anyhow!("cannot prepare the HTML report data: {error}"))?;
    tera.render(TEMPLATE_NAME, &context)
        .map_err(|error| anyhow!("cannot render the HTML report: {error}"))
}

/// Everything the template reads: the run plus values derived for display.
#[derive(Serialize)]
struct Page<'a> {
    run: &'a RunResult,
    stylesheet: &'static str,
    /// The test finder; the page works without it.
    script: &'static str,
    duration: String,
    /// The server's clock against the harness's, in words; `None` when it sent no `Date`.
    clock: Option<String>,
    /// Every tag of the run's tests, sorted, for the tag filter.
    tags: Vec<&'a str>,
    /// Response times of the tests' exchanges.
    timing: Timing,
    levels: [LevelRow; 3],
    /// The data phase, one row per item.
    data: Vec<DataView<'a>>,
    /// The CapabilityStatement's claims by resource type, in its order.
    claims: Vec<ClaimGroup<'a>>,
    claim_counts: ClaimCounts,
    /// Failures and errors first, then skips, then passes; plan order within each.
    tests: Vec<TestView<'a>>,
    waivers: Vec<WaiverView<'a>>,
    /// Failures that do not fail the run, by kind: `[waived, pre-existing]`.
    exempt_counts: [usize; 2],
    /// The checklist matrix, one row per test in plan order (as `checklist.csv`).
    matrix: Vec<Row<'a>>,
    /// What `conformance.json` adds to the claims: where the statement was read and what the
    /// checks exercised that it does not claim.
    conformance: ConformanceView,
}

/// The verified conformance statement beyond the claims table, each test linked to its
/// evidence.
#[derive(Serialize)]
struct ConformanceView {
    /// The check whose evidence holds the statement, its request and the element id of its
    /// detail section; `None` when not kept.
    source: Option<(String, String, Option<String>)>,
    /// What the checks exercised that the statement does not claim, sorted.
    not_claimed: Vec<UnclaimedView>,
}

#[derive(Serialize)]
struct UnclaimedView {
    entry: Entry,
    /// `read`, or `search-param family`.
    label: String,
    /// The exercising tests, each with the element id of its detail section.
    tests: Vec<(String, Option<String>)>,
}

impl ConformanceView {
    /// The view of `conformance`, and the profiles it lists by resource type.
    fn of(
        conformance: Conformance,
        anchors: &HashMap<&str, &str>,
    ) -> (ConformanceView, HashMap<String, Vec<ProfileView>>) {
        let profiles = conformance
            .resources
            .into_iter()
            .map(|r| {
                let views = r
                    .profiles
                    .into_iter()
                    .map(|claim| ProfileView {
                        status: if claim.status == "not-assessed" {
                            "not assessed"
                        } else {
                            claim.status
                        },
                        tests: claim
                            .tests
                            .iter()
                            .map(|id| (id.clone(), anchors.get(id.as_str()).map(|a| a.to_string())))
                            .collect(),
                        claim,
                    })
                    .collect();
                (r.resource_type, views)
            })
            .collect();
        let not_claimed = conformance
            .not_claimed
            .into_iter()
            .map(|entry| UnclaimedView {
                label: match entry.kind {
                    ClaimKind::Interaction => entry.code.clone(),
                    ClaimKind::SearchParam => format!("search-param {}", entry.code),
                },
                tests: entry
                    .tests
                    .iter()
                    .map(|id| (id.clone(), anchors.get(id.as_str()).map(|a| a.to_string())))
                    .collect(),
                entry,
            })
            .collect();
        let view = ConformanceView {
            source: conformance.source.map(|s| {
                let anchor = anchors.get(s.test.as_str()).map(|a| a.to_string());
                (s.test, s.request, anchor)
            }),
            not_claimed,
        };
        (view, profiles)
    }
}

#[derive(Serialize)]
struct LevelRow {
    level: &'static str,
    counts: Counts,
}

#[derive(Serialize)]
struct DataView<'a> {
    item: &'a DataResult,
    /// The value as text (a list as its count and values); empty when there is none.
    value: String,
    /// Each request sent for it, as `METHOD URL → status (N ms)`.
    requests: Vec<String>,
}

#[derive(Serialize)]
struct ClaimGroup<'a> {
    resource_type: &'a str,
    /// Its `profile` and `supportedProfile`s with their verdicts, when the statement was
    /// kept; each test with the element id of its detail section.
    profiles: Vec<ProfileView>,
    claims: Vec<ClaimView<'a>>,
}

#[derive(Serialize)]
struct ProfileView {
    claim: ProfileClaim,
    /// `proven`, `failed` or `not assessed`.
    status: &'static str,
    tests: Vec<(String, Option<String>)>,
}

#[derive(Serialize)]
struct ClaimView<'a> {
    claim: &'a Claim,
    /// `read`, or `search-param family`.
    label: String,
    /// `proven`, `failed` or `not assessed`.
    status: &'static str,
    /// The exercising tests, each with the element id of its detail section.
    tests: Vec<(&'a str, Option<String>)>,
}

#[derive(Serialize)]
struct TestView<'a> {
    /// Element id of the test's detail section.
    anchor: String,
    suite: &'a str,
    test: &'a TestResult,
    /// The requirement when it is an http(s) link, safe to use as `href`.
    requirement_url: Option<&'a str>,
    duration: String,
    /// For a failure that does not fail the run: `waived` or `pre-existing`, and why.
    exemption: Option<(&'static str, String)>,
    /// Lower-case text the page's search box matches: id, title, suite, message.
    search: String,
    /// Its steps with their evidence laid out; filled in page order.
    steps: Vec<StepView<'a>>,
}

/// A step as shown: its assertions with the body lines they point at, its exchanges.
#[derive(Serialize)]
struct StepView<'a> {
    step: &'a StepResult,
    assertions: Vec<AssertionView<'a>>,
    exchanges: Vec<ExchangeView<'a>>,
}

#[derive(Serialize)]
struct AssertionView<'a> {
    assertion: &'a AssertionResult,
    /// The issue locations found in the step's response body, linked to their lines.
    located: Vec<LocatedIssue>,
}

#[derive(Serialize)]
struct ExchangeView<'a> {
    exchange: &'a Exchange,
    request_body: Option<BodyView>,
    response_body: Option<BodyView>,
}

/// A waiver given with `--waivers` and what became of it in this run.
#[derive(Serialize)]
struct WaiverView<'a> {
    waiver: &'a Waiver,
    /// `applied` (its check failed), `not-needed` (it did not) or `expired`.
    state: &'static str,
}

impl<'a> Page<'a> {
    fn of(run: &'a RunResult, bodies: &Bodies) -> Page<'a> {
        let mut tests: Vec<TestView<'a>> = run
            .suites
            .iter()
            .flat_map(|suite| {
                suite
                    .tests
                    .iter()
                    .map(move |test| (suite.id.as_str(), test))
            })
            .enumerate()
            .map(|(index, (suite, test))| TestView {
                anchor: test_anchor(index),
                suite,
                test,
                requirement_url: test.requirement.as_deref().filter(|r| is_web_link(r)),
                duration: format_duration(test.duration_ms),
                exemption: exemption(run, test).map(|exempt| (exempt.kind(), exempt.describe())),
                search: [
                    test.id.as_str(),
                    &test.title,
                    suite,
                    test.message.as_deref().unwrap_or(""),
                ]
                .join(" ")
                .to_lowercase(),
                steps: Vec::new(),
            })
            .collect();
        let anchors: HashMap<&str, &str> = tests
            .iter()
            .map(|view| (view.test.id.as_str(), view.anchor.as_str()))
            .collect();
        let (conformance, mut profiles) =
            ConformanceView::of(Conformance::of(run, bodies), &anchors);
        let mut claims: Vec<ClaimGroup<'a>> = Vec::new();
        for claim in &run.claims {
            let view = ClaimView {
                claim,
                label: claim.label(),
                status: claim.status.describe(),
                tests: claim
                    .tests
                    .iter()
                    .map(|id| (id.as_str(), anchors.get(id.as_str()).map(|a| a.to_string())))
                    .collect(),
            };
            match claims
                .iter_mut()
                .find(|group| group.resource_type == claim.resource_type)
            {
                Some(group) => group.claims.push(view),
                None => claims.push(ClaimGroup {
                    resource_type: &claim.resource_type,
                    profiles: profiles.remove(&claim.resource_type).unwrap_or_default(),
                    claims: vec![view],
                }),
            }
        }
        tests.sort_by_key(|view| display_rank(view.test.status));
        let mut body_views = BodyViews::new(bodies, COLLAPSE_BODY_OVER_CHARS);
        for view in &mut tests {
            view.steps = step_views(view.test, &mut body_views);
        }
        let tags: Vec<&str> = tests
            .iter()
            .flat_map(|view| view.test.tags.iter().map(String::as_str))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let timing = Timing::of(tests.iter().map(|view| (view.test, view.anchor.as_str())));
        let exempt_count = |kind: &str| {
            tests
                .iter()
                .filter(|view| view.exemption.as_ref().is_some_and(|(k, _)| *k == kind))
                .count()
        };
        let exempt_counts = [exempt_count("waived"), exempt_count("pre-existing")];
        let waivers = run
            .options
            .waivers
            .iter()
            .map(|waiver| {
                let failed = tests
                    .iter()
                    .any(|view| view.test.id == waiver.id && view.test.status == Status::Fail);
                let state = match (waiver.expired, failed) {
                    (true, _) => "expired",
                    (false, true) => "applied",
                    (false, false) => "not-needed",
                };
                WaiverView { waiver, state }
            })
            .collect();
        let summary = &run.summary;
        Page {
            run,
            stylesheet: STYLESHEET,
            script: SCRIPT,
            duration: format_duration(run.duration_ms),
            clock: run.target.clock.map(describe_clock),
            tags,
            timing,
            levels: [
                LevelRow {
                    level: "SHALL",
                    counts: summary.shall,
                },
                LevelRow {
                    level: "SHOULD",
                    counts: summary.should,
                },
                LevelRow {
                    level: "MAY",
                    counts: summary.may,
                },
            ],
            data: run
                .data
                .iter()
                .map(|item| DataView {
                    item,
                    value: item.value.as_ref().map(|v| v.display()).unwrap_or_default(),
                    requests: item.exchanges.iter().map(exchange_line).collect(),
                })
                .collect(),
            claims,
            claim_counts: ClaimCounts::of(&run.claims),
            tests,
            waivers,
            exempt_counts,
            matrix: matrix::rows(run),
            conformance,
        }
    }
}

/// The steps of `test` with their bodies laid out, in page order. A failed assertion's issue
/// locations are marked in the step's response bodies.
fn step_views<'a>(test: &'a TestResult, body_views: &mut BodyViews<'_>) -> Vec<StepView<'a>> {
    let prominent = matches!(test.status, Status::Fail | Status::Error);
    test.steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let place = format!("{} step {}", test.id, index + 1);
            let locations: Vec<IssueLocation> = step
                .assertions
                .iter()
                .filter(|a| !a.passed)
                .flat_map(|a| a.locations.iter().cloned())
                .collect();
            let mut located: Vec<LocatedIssue> = Vec::new();
            let exchanges = step
                .exchanges
                .iter()
                .map(|exchange| {
                    let request = &exchange.request;
                    let request_body = (request.body.is_some() || request.body_file.is_some())
                        .then(|| {
                            body_views
                                .view(BodySource {
                                    label: "Request body",
                                    inline: request.body.as_deref(),
                                    file: request.body_file.as_ref(),
                                    truncated: request.body_truncated,
                                    place: place.clone(),
                                    locations: &[],
                                    prominent,
                                })
                                .0
                        });
                    let response_body = exchange.response.as_ref().and_then(|response| {
                        (response.body.is_some() || response.body_file.is_some()).then(|| {
                            let (view, found) = body_views.view(BodySource {
                                label: "Response body",
                                inline: response.body.as_deref(),
                                file: response.body_file.as_ref(),
                                truncated: response.body_truncated,
                                place: place.clone(),
                                locations: &locations,
                                prominent,
                            });
                            located.extend(found);
                            view
                        })
                    });
                    ExchangeView {
                        exchange,
                        request_body,
                        response_body,
                    }
                })
                .collect();
            let assertions = step
                .assertions
                .iter()
                .map(|assertion| AssertionView {
                    assertion,
                    located: if assertion.passed {
                        Vec::new()
                    } else {
                        located
                            .iter()
                            .filter(|l| assertion.locations.contains(&l.location))
                            .cloned()
                            .collect()
                    },
                })
                .collect();
            StepView {
                step,
                assertions,
                exchanges,
            }
        })
        .collect()
}

/// `12 s ahead of the harness`, or `within a second of the harness`, with the sample size.
fn describe_clock(clock: ClockOffset) -> String {
    let seconds = (clock.offset_ms.abs() + 500) / 1000;
    let relation = match (seconds, clock.offset_ms > 0) {
        (0, _) => "within a second of the harness".to_owned(),
        (_, true) => format!("{seconds} s ahead of the harness"),
        (_, false) => format!("{seconds} s behind the harness"),
    };
    format!(
        "{relation} (from the Date header of {} response{})",
        clock.samples,
        if clock.samples == 1 { "" } else { "s" }
    )
}

fn display_rank(status: Status) -> u8 {
    match status {
        Status::Fail => 0,
        Status::Error => 1,
        Status::Skip => 2,
        Status::Pass => 3,
    }
}

/// Only plain web links become `href`s; `javascript:` and the like stay text.
fn is_web_link(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !text.chars().any(char::is_whitespace)
}

fn format_duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{}.{:02} s", ms / 1000, (ms % 1000) / 10)
    }
}
