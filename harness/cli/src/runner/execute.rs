//! Runs one test: its steps in order (each `for_each` repetition recorded), assertions,
//! captures, and the verdict.
//!
//! Verdicts: a failed assertion (or a capture that finds nothing, or a link outside the
//! server's base) fails the test, with the step and its first failure as the message (`step 2
//! "read back" (read Patient/1): expected status 200, got 404`); in a `setup` step it skips the
//! test instead ("setup failed: ..."), as does a `skip_unless` condition that does not hold. A
//! transport error, a timeout or an unusable step (undefined variable, invalid regular
//! expression) makes it an error. Each stops the test after the step (all repetitions of a
//! `for_each` step still run when one fails, for the evidence).

use std::sync::Arc;
use std::time::Instant;

use assure_validate::{KnownResources, ReferenceResolver};

use super::assert::{self, Checked};
use super::capture::{self, Captured};
use super::request;
use super::response::ResponseView;
use super::template;
use super::variables::{Lookup, Scope, VarValue};
use crate::http::{Client, NotSent};
use crate::redact::Redactor;
use crate::results::{Status, StepResult, TestResult};
use crate::suite::{Action, Assertion, Step, TestCase};
use crate::validation::{Validation, remember};

/// What a test runs against: the client and the variables it does not capture itself.
pub struct Context<'a> {
    pub client: &'a Client,
    /// The suite's `variables`.
    pub defaults: &'a Scope,
    /// `--var` values.
    pub overrides: &'a Scope,
    /// Validates bodies for `conforms` assertions.
    pub validation: &'a Validation,
}

/// How a step (or test) ended.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Passed,
    Failed(String),
    /// The test does not apply or could not reach what it checks.
    Skipped(String),
    Errored(String),
}

/// One step repetition's result, verdict, captured values and the response body received.
struct StepOutcome {
    /// How messages name the step: `step 2 "read back" (read Patient/1)`.
    title: String,
    result: StepResult,
    verdict: Verdict,
    captured: Vec<(String, VarValue)>,
    body: Option<Vec<u8>>,
}

/// Runs `test` with `inherited` captures (from the tests it needs). Returns the result and the
/// captures it passes on to tests that need it (inherited plus its own).
pub async fn execute(
    test: &TestCase,
    context: &Context<'_>,
    inherited: Scope,
) -> (TestResult, Scope) {
    let started = Instant::now();
    let mut captures = inherited;
    let mut steps = Vec::new();
    let mut verdict = Verdict::Passed;
    // Resources the server returned in earlier steps: `conforms` resolves references to them,
    // so bodies are kept only up to the last step that has a `conforms` assertion.
    let last_conforms = test.steps.iter().rposition(uses_conforms);
    let mut received = Arc::new(KnownResources::new());
    for (index, step) in test.steps.iter().enumerate() {
        let bindings = match repetitions(step, context, &captures) {
            Ok(bindings) => bindings,
            Err(error) => {
                let name = fallback_name(step);
                verdict =
                    Verdict::Errored(format!("{}: {error}", step_title(index, step, &name, None)));
                steps.push(StepResult {
                    name,
                    exchanges: vec![],
                    assertions: vec![],
                    error: Some(error),
                });
                break;
            }
        };
        if let (Some(for_each), true) = (&step.for_each, bindings.is_empty()) {
            let name = fallback_name(step);
            steps.push(StepResult {
                name: format!("{name} (no values in `{}`, nothing sent)", for_each.over),
                exchanges: vec![],
                assertions: vec![],
                error: None,
            });
        }
        for binding in &bindings {
            let lookup = Lookup {
                binding: binding
                    .as_ref()
                    .map(|(var, value)| (var.as_str(), value.as_str())),
                captures: &captures,
                overrides: context.overrides,
                defaults: context.defaults,
            };
            let outcome = run_step(index, step, &lookup, context, &received).await;
            if last_conforms.is_some_and(|last| index < last)
                && let Some(body) = &outcome.body
            {
                remember(Arc::make_mut(&mut received), body);
            }
            for (name, value) in outcome.captured {
                captures.set(&name, value);
            }
            let title = outcome.title;
            steps.push(outcome.result);
            let stop = matches!(outcome.verdict, Verdict::Errored(_) | Verdict::Skipped(_));
            if verdict == Verdict::Passed {
                verdict = match outcome.verdict {
                    Verdict::Passed => Verdict::Passed,
                    Verdict::Failed(message) if step.setup => {
                        Verdict::Skipped(format!("setup failed: {title}: {message}"))
                    }
                    Verdict::Failed(message) => Verdict::Failed(format!("{title}: {message}")),
                    Verdict::Skipped(message) => Verdict::Skipped(message),
                    Verdict::Errored(message) => Verdict::Errored(format!("{title}: {message}")),
                };
            }
            if stop {
                break;
            }
        }
        if verdict != Verdict::Passed {
            break;
        }
    }
    let (status, message) = match verdict {
        Verdict::Passed => (Status::Pass, None),
        Verdict::Failed(message) => (Status::Fail, Some(message)),
        Verdict::Skipped(message) => (Status::Skip, Some(message)),
        Verdict::Errored(message) => (Status::Error, Some(message)),
    };
    let duration_ms = started.elapsed().as_millis() as u64;
    let result = TestResult::of(test, status, message, duration_ms, steps);
    (result, captures)
}

/// The `for_each` bindings of a step (`(var, value)` pairs), or a single unbound run.
fn repetitions(
    step: &Step,
    context: &Context<'_>,
    captures: &Scope,
) -> Result<Vec<Option<(String, String)>>, String> {
    let Some(for_each) = &step.for_each else {
        return Ok(vec![None]);
    };
    let lookup = Lookup {
        binding: None,
        captures,
        overrides: context.overrides,
        defaults: context.defaults,
    };
    match lookup.value(&for_each.over) {
        Some(VarValue::List(items)) => Ok(items
            .into_iter()
            .map(|item| Some((for_each.var.clone(), item)))
            .collect()),
        Some(VarValue::Text(_)) => Err(format!(
            "for_each over `{}`: not a list variable (capture it with `all: true`)",
            for_each.over
        )),
        None => Err(format!(
            "for_each over `{}`: undefined variable",
            for_each.over
        )),
    }
}

/// Whether `step` has a `conforms` assertion.
fn uses_conforms(step: &Step) -> bool {
    step.expect
        .iter()
        .any(|assertion| matches!(assertion, Assertion::Conforms(_)))
}

/// How messages name step `index`: `step 2 (read Patient/1)`, or with its own name
/// `step 2 "read back" (read Patient/1)`.
fn step_title(index: usize, step: &Step, name: &str, action: Option<&str>) -> String {
    let number = index + 1;
    match action {
        Some(action) if step.name.is_some() => format!("step {number} \"{name}\" ({action})"),
        _ => format!("step {number} ({name})"),
    }
}

/// Sends one request (step `index`) and checks the response; `conforms` resolves references
/// to the resources in `received`.
async fn run_step(
    index: usize,
    step: &Step,
    lookup: &Lookup<'_>,
    context: &Context<'_>,
    received: &Arc<KnownResources>,
) -> StepOutcome {
    let client = context.client;
    let built = match request::build(step, lookup) {
        Ok(built) => built,
        Err(error) => {
            let name = fallback_name(step);
            let title = step_title(index, step, &name, None);
            return errored(title, name, vec![], vec![], client.redactor(), error);
        }
    };
    let redactor = client.redactor().with_request_headers(&built.spec.headers);
    let title = redactor.redact_text(&step_title(index, step, &built.name, Some(&built.action)));
    let sent = match client.send(&built.spec).await {
        Ok(sent) => sent,
        Err(NotSent::OutsideBase { url, base }) => {
            return outside_base(title, built.name, &url, &base, &redactor);
        }
        Err(invalid) => {
            return errored(
                title,
                built.name,
                vec![],
                vec![],
                &redactor,
                invalid.to_string(),
            );
        }
    };
    let exchanges = vec![sent.exchange];
    let Some(response) = sent.response else {
        let error = exchanges[0]
            .error
            .clone()
            .unwrap_or_else(|| "no response".to_string());
        return errored(title, built.name, exchanges, vec![], &redactor, error);
    };
    let view = ResponseView::new(&response);
    let resolver = (uses_conforms(step) && !received.is_empty())
        .then(|| received.clone() as Arc<dyn ReferenceResolver>);
    let mut checks: Vec<Checked> = Vec::new();
    for expectation in &step.expect {
        let evaluated = match template::assertion(expectation, lookup) {
            Ok(assertion) => {
                assert::evaluate(&assertion, &view, context.validation, resolver.clone()).await
            }
            Err(error) => Err(error),
        };
        match evaluated {
            Ok(checked) => checks.push(checked),
            Err(error) => return errored(title, built.name, exchanges, checks, &redactor, error),
        }
    }
    let mut captured = Vec::new();
    for (name, capture) in &step.capture {
        match capture::capture(name, capture, &view) {
            Ok(Captured::Value(value)) => captured.push((name.clone(), value)),
            Ok(Captured::Missing(checked)) => checks.push(checked),
            Err(error) => return errored(title, built.name, exchanges, checks, &redactor, error),
        }
    }
    let mut verdict = match checks.iter().find(|c| !c.result.passed) {
        Some(failed) => Verdict::Failed(redactor.redact_text(&failed.failure)),
        None => Verdict::Passed,
    };
    if let (Verdict::Passed, Some(condition)) = (&verdict, &step.skip_unless) {
        let claim = Assertion::FhirPath(condition.fhirpath.clone());
        let evaluated = match template::assertion(&claim, lookup) {
            Ok(claim) => assert::evaluate(&claim, &view, context.validation, None).await,
            Err(error) => Err(error),
        };
        match evaluated {
            Ok(checked) if checked.result.passed => {}
            Ok(checked) => {
                verdict = Verdict::Skipped(redactor.redact_text(&format!(
                    "{}: {title}: FHIRPath `{}` gave {}",
                    condition.reason,
                    condition.fhirpath.expression.source(),
                    checked.result.actual
                )))
            }
            Err(error) => return errored(title, built.name, exchanges, checks, &redactor, error),
        }
    }
    StepOutcome {
        title,
        result: StepResult {
            name: redactor.redact_text(&built.name),
            exchanges,
            assertions: checks
                .into_iter()
                .map(|c| redact_check(c, &redactor).result)
                .collect(),
            error: None,
        },
        verdict,
        captured,
        body: Some(response.body),
    }
}

/// A step whose request would have left the server's base URL: not sent, and the server's
/// failure (the link it handed out is not its own).
fn outside_base(
    title: String,
    name: String,
    url: &str,
    base: &str,
    redactor: &Redactor,
) -> StepOutcome {
    let mut checked = Checked::new(
        "",
        "the link is under the server's base URL",
        format!("a URL under {base}"),
        url.to_string(),
        false,
    );
    checked.failure = NotSent::OutsideBase {
        url: url.to_string(),
        base: base.to_string(),
    }
    .to_string();
    let checked = redact_check(checked, redactor);
    StepOutcome {
        title,
        result: StepResult {
            name: redactor.redact_text(&name),
            exchanges: vec![],
            assertions: vec![checked.result],
            error: None,
        },
        verdict: Verdict::Failed(checked.failure),
        captured: Vec::new(),
        body: None,
    }
}

/// A step that could not be carried out.
fn errored(
    title: String,
    name: String,
    exchanges: Vec<crate::results::Exchange>,
    checks: Vec<Checked>,
    redactor: &Redactor,
    error: String,
) -> StepOutcome {
    let error = redactor.redact_text(&error);
    StepOutcome {
        title: redactor.redact_text(&title),
        result: StepResult {
            name: redactor.redact_text(&name),
            exchanges,
            assertions: checks
                .into_iter()
                .map(|c| redact_check(c, redactor).result)
                .collect(),
            error: Some(error.clone()),
        },
        verdict: Verdict::Errored(error),
        captured: Vec::new(),
        body: None,
    }
}

/// An assertion with secrets removed from what it quotes of the response.
fn redact_check(mut checked: Checked, redactor: &Redactor) -> Checked {
    redactor.redact_assertion(&mut checked.result);
    checked.failure = redactor.redact_text(&checked.failure);
    checked
}

/// The name of a step whose request could not be built: its own, or its action's keyword.
fn fallback_name(step: &Step) -> String {
    step.name
        .clone()
        .unwrap_or_else(|| action_label(&step.action).to_string())
}

/// The action's keyword.
fn action_label(action: &Action) -> &'static str {
    match action {
        Action::Capabilities => "capabilities",
        Action::Read { .. } => "read",
        Action::Vread { .. } => "vread",
        Action::Search { .. } => "search",
        Action::Create { .. } => "create",
        Action::Update { .. } => "update",
        Action::Delete { .. } => "delete",
        Action::History { .. } => "history",
        Action::Request { .. } => "request",
        Action::Token(_) => "token",
        Action::TlsOffer(_) => "tls",
        Action::Certificate(_) => "certificate",
        Action::PlainHttp { .. } => "plain_http",
    }
}
