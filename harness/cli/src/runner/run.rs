//! The scheduler: first the data phase settles every planned data item; then every planned
//! test is a task: a test that reads a data item that was not found is skipped (or errored,
//! when looking for it failed), else it waits for the tests it needs, then for a slot among
//! `concurrency`, then runs. Results come out in plan order whatever the order of completion.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::{Semaphore, watch};

use super::claims::claims;
use super::config::RunConfig;
use super::data::{Discovered, Unavailable, discover};
use super::events::{EventSink, RunEvent};
use super::execute::{Context, execute};
use super::plan::Plan;
use super::profiles;
use super::search;
use super::variables::Scope;
use crate::http::BodyBudget;
use crate::results::{
    DataStatus, RunOptions, RunResult, SCHEMA_VERSION, Status, SuiteResult, Summary, TestResult,
    ToolInfo,
};
use crate::suite::{TestCase, test_variables, variables_in};

/// What a finished test tells the tests that need it.
#[derive(Debug)]
struct Outcome {
    status: Status,
    /// Its captures, including those it inherited.
    exports: Scope,
}

type OutcomeReceiver = watch::Receiver<Option<Arc<Outcome>>>;

/// Runs every test of `plan` and returns the results in plan order. Progress goes to `sink`.
pub async fn run(plan: Plan, config: RunConfig, sink: Arc<dyn EventSink>) -> RunResult {
    let started_at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    let clock = Instant::now();
    let cancellation = config.cancellation;
    let (plan, generated) = tokio::select! {
        biased;
        () = cancellation.cancelled() => (plan.clone(), search::Generated::default()),
        expanded = search::expand(plan.clone(), &config.client, &config.capability_statement) => {
            expanded
        }
    };
    let (plan, profile_checks) = profiles::expand(plan, &config.capability_statement);
    let generated = Arc::new(generated);
    sink.emit(&RunEvent::Started { total: plan.len() });

    let semaphore = Arc::new(Semaphore::new(config.concurrency.max(1)));
    let body_budget = BodyBudget::default();
    let client = Arc::new(config.client);
    let validation = config.validation;
    let session = config.auth;
    let max_fan_out = config.max_fan_out;
    let capability_statement = config.capability_statement;
    let run_validation = validation.clone();
    let mut overrides = Scope::from_text(&config.variables);
    let Discovered {
        results: data,
        values,
        unavailable,
    } = discover(&plan.data, &overrides, &client, &cancellation).await;
    overrides.extend(&values);
    let overrides = Arc::new(overrides);

    let mut senders = HashMap::new();
    let mut receivers: HashMap<String, OutcomeReceiver> = HashMap::new();
    for test in plan.suites.iter().flat_map(|s| &s.tests) {
        let (sender, receiver) = watch::channel(None);
        senders.insert(test.id.clone(), sender);
        receivers.insert(test.id.clone(), receiver);
    }

    let mut handles = Vec::new();
    for suite in &plan.suites {
        let defaults = Arc::new(Scope::from_text(&suite.variables));
        for test in &suite.tests {
            // The plan holds every test its tests need, so each need has a receiver.
            let needs: Vec<(String, OutcomeReceiver)> = test
                .needs
                .iter()
                .filter_map(|need| Some((need.clone(), receivers.get(need)?.clone())))
                .collect();
            let sender = senders.remove(&test.id);
            let unassessable = unassessable(test, &unavailable).or_else(|| {
                let (check, _) = generated.get(&test.id)?;
                unassessable_sample(test, check.sample.as_deref()?, &unavailable)
            });
            let test = Arc::new(test.clone());
            let task = {
                let (test, semaphore, sink) = (test.clone(), semaphore.clone(), sink.clone());
                let (client, defaults, overrides, validation, generated, session) = (
                    client.clone(),
                    defaults.clone(),
                    overrides.clone(),
                    validation.clone(),
                    generated.get(&test.id),
                    session.clone(),
                );
                let profile_check = profile_checks.get(&test.id);
                let (cancellation, body_budget) = (cancellation.clone(), body_budget.clone());
                async move {
                    let work = async {
                        let settled = match unassessable {
                            Some(result) => Err(result),
                            None => inherit(&needs)
                                .await
                                .map_err(|reason| skipped(&test, reason)),
                        };
                        match settled {
                            Err(result) => (result, Scope::default()),
                            Ok(inherited) => {
                                let _permit = semaphore.acquire_owned().await;
                                sink.emit(&RunEvent::TestStarted {
                                    id: test.id.clone(),
                                    title: test.title.clone(),
                                });
                                let context = Context {
                                    client: &client,
                                    defaults: &defaults,
                                    overrides: &overrides,
                                    validation: &validation,
                                    session: session.as_ref(),
                                    max_fan_out,
                                };
                                match (generated, profile_check) {
                                    (Some((check, parameters)), _) => {
                                        let result = search::execute(
                                            &test,
                                            &check,
                                            parameters.as_deref(),
                                            &context,
                                        )
                                        .await;
                                        (result, inherited)
                                    }
                                    (None, Some(check)) => (
                                        profiles::execute(&test, &check, &context).await,
                                        inherited,
                                    ),
                                    (None, None) => execute(&test, &context, inherited).await,
                                }
                            }
                        }
                    };
                    let work = body_budget.scope(work);
                    // Dropping `work` on cancellation cancels its requests.
                    let (result, exports) = tokio::select! {
                        biased;
                        () = cancellation.cancelled() => {
                            (errored(&test, cancellation.test_message()), Scope::default())
                        }
                        done = work => done,
                    };
                    if let Some(sender) = sender {
                        sender.send_replace(Some(Arc::new(Outcome {
                            status: result.status,
                            exports,
                        })));
                    }
                    sink.emit(&RunEvent::TestFinished {
                        result: result.clone(),
                    });
                    result
                }
            };
            handles.push((test, tokio::spawn(task)));
        }
    }
    drop(receivers);

    let mut results = Vec::with_capacity(handles.len());
    for (test, handle) in handles {
        let result = match handle.await {
            Ok(result) => result,
            Err(join_error) => errored(&test, format!("internal error: {join_error}")),
        };
        results.push(result);
    }
    let mut results = results.into_iter();
    let suites: Vec<SuiteResult> = plan
        .suites
        .iter()
        .map(|suite| SuiteResult {
            id: suite.id.clone(),
            title: suite.title.clone(),
            source: suite.source.path.clone(),
            sha256: suite.source.sha256.clone(),
            tests: results.by_ref().take(suite.tests.len()).collect(),
        })
        .collect();
    let summary = Summary::of(&suites);
    let claims = claims(
        capability_statement.as_ref().ok(),
        plan.suites.iter().flat_map(|s| &s.tests),
        &generated,
        &suites,
    );
    let duration_ms = clock.elapsed().as_millis() as u64;
    sink.emit(&RunEvent::Finished {
        summary: summary.clone(),
        duration_ms,
    });
    RunResult {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "assure".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        started_at,
        duration_ms,
        target: config.target,
        options: RunOptions::default(),
        aborted: cancellation
            .reason()
            .map(|reason| format!("stopped early: {reason}")),
        data,
        suites,
        summary,
        claims,
        unchecked_codes: run_validation.unchecked_codes(),
    }
}

/// The result of `test` when it reads a data item that could not be had: skipped when the
/// item is missing, errored when looking for it failed.
fn unassessable(test: &TestCase, unavailable: &HashMap<String, Unavailable>) -> Option<TestResult> {
    unassessable_because(test, test_variables(test), unavailable)
}

/// Like [`unassessable`], for a generated check whose sample id template reads a data item.
fn unassessable_sample(
    test: &TestCase,
    sample: &str,
    unavailable: &HashMap<String, Unavailable>,
) -> Option<TestResult> {
    unassessable_because(test, variables_in(sample), unavailable)
}

/// The verdict of `test` when one of the variables it `reads` is an unavailable data item.
fn unassessable_because(
    test: &TestCase,
    reads: Vec<&str>,
    unavailable: &HashMap<String, Unavailable>,
) -> Option<TestResult> {
    let (name, why) = reads
        .into_iter()
        .find_map(|name| Some((name, unavailable.get(name)?)))?;
    Some(match why.status {
        DataStatus::Error => errored(
            test,
            format!(
                "data item `{name}` could not be discovered: {}",
                why.message
            ),
        ),
        _ => skipped(
            test,
            format!("data item `{name}` is missing: {}", why.message),
        ),
    })
}

/// Waits for every need; the captures they pass on, or why this test is skipped.
async fn inherit(needs: &[(String, OutcomeReceiver)]) -> Result<Scope, String> {
    let mut inherited = Scope::default();
    for (need, receiver) in needs {
        let mut receiver = receiver.clone();
        let outcome = receiver
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|outcome| outcome.clone());
        match outcome {
            Some(outcome) if outcome.status == Status::Pass => inherited.extend(&outcome.exports),
            Some(outcome) => {
                let what = match outcome.status {
                    Status::Fail => "failed",
                    Status::Skip => "was skipped",
                    Status::Error | Status::Pass => "errored",
                };
                return Err(format!("needs {need} which {what}"));
            }
            None => return Err(format!("needs {need} which did not finish")),
        }
    }
    Ok(inherited)
}

fn skipped(test: &TestCase, reason: String) -> TestResult {
    verdict_only(test, Status::Skip, reason)
}

fn errored(test: &TestCase, reason: String) -> TestResult {
    verdict_only(test, Status::Error, reason)
}

/// A result without steps: the test did not run.
fn verdict_only(test: &TestCase, status: Status, message: String) -> TestResult {
    TestResult::of(test, status, Some(message), 0, Vec::new())
}
