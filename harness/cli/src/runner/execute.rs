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
use bytes::Bytes;

use super::assert::{self, Checked};
use super::authorize::{self, Unmet};
use super::capture::{self, Captured};
use super::json_reach::Reach;
use super::probe;
use super::request;
use super::response::ResponseView;
use super::template;
use super::variables::{Lookup, Scope, VarValue};
use crate::auth::{AuthError, Session, TokenExchange};
use crate::http::{Client, NotSent, Response, admit_body};
use crate::redact::Redactor;
use crate::results::{Exchange, Status, StepResult, TestResult};
use crate::suite::{Action, Assertion, Step, TestCase, TokenCall, TokenFault};
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
    /// The run's credentials, for steps with `auth:` and `token:` steps.
    pub session: Option<&'a Session>,
    /// The most values a `for_each` step repeats over.
    pub max_fan_out: usize,
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
    body: Option<Bytes>,
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
        Some(VarValue::List(items)) if items.len() > context.max_fan_out => Err(format!(
            "for_each over `{}`: {} values, more than the {} a step repeats over \
             (--max-fan-out)",
            for_each.over,
            items.len(),
            context.max_fan_out
        )),
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
    let obtained = match obtain(index, step, lookup, context).await {
        Ok(obtained) => obtained,
        Err(outcome) => return *outcome,
    };
    let Obtained {
        title,
        name,
        exchanges,
        response,
        redactor,
    } = obtained;
    admit_body(response.body.len()).await;
    let assertions: Vec<Result<Assertion, String>> = step
        .expect
        .iter()
        .map(|expectation| template::assertion(expectation, lookup))
        .collect();
    let reach = Reach::of(assertions.iter().flatten(), step.capture.values());
    let view = ResponseView::reaching(&response, reach);
    let resolver = (uses_conforms(step) && !received.is_empty())
        .then(|| received.clone() as Arc<dyn ReferenceResolver>);
    let mut checks: Vec<Checked> = Vec::new();
    for assertion in assertions {
        let evaluated = match assertion {
            Ok(assertion) => {
                assert::evaluate(&assertion, &view, context.validation, resolver.clone()).await
            }
            Err(error) => Err(error),
        };
        match evaluated {
            Ok(checked) => checks.push(checked),
            Err(error) => return errored(title, name, exchanges, checks, &redactor, error),
        }
    }
    let mut captured = Vec::new();
    for (variable, capture) in &step.capture {
        match capture::capture(variable, capture, &view) {
            Ok(Captured::Value(value)) => captured.push((variable.clone(), value)),
            Ok(Captured::Missing(checked)) => checks.push(checked),
            Err(error) => return errored(title, name, exchanges, checks, &redactor, error),
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
            Err(error) => return errored(title, name, exchanges, checks, &redactor, error),
        }
    }
    StepOutcome {
        title,
        result: StepResult {
            name: redactor.redact_text(&name),
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

/// What a step received: its evidence and the response its assertions read.
struct Obtained {
    title: String,
    name: String,
    exchanges: Vec<Exchange>,
    response: Response,
    /// The client's redactor, with the step's own request headers' secrets.
    redactor: Redactor,
}

/// Carries out step `index`'s action: a FHIR request with the credential its `auth:` asks
/// for, a token request, or a probe. `Err` is the step's outcome when there is no response to
/// check: not applicable on this run (skipped), not sent, or no answer.
async fn obtain(
    index: usize,
    step: &Step,
    lookup: &Lookup<'_>,
    context: &Context<'_>,
) -> Result<Obtained, Box<StepOutcome>> {
    let client = context.client;
    let fallback = || {
        let name = fallback_name(step);
        (step_title(index, step, &name, None), name)
    };
    if let Some(probed) = probe::run(&step.action, client, lookup).await {
        let (title, name) = fallback();
        let redactor = client.redactor().clone();
        return match probed {
            Ok(probed) => Ok(Obtained {
                title: step_title(index, step, &name, Some(&probed.label)),
                name,
                exchanges: probed.exchanges,
                response: probed.response,
                redactor,
            }),
            Err(unmet) => Err(Box::new(unmet_outcome(
                title,
                name,
                vec![],
                &redactor,
                unmet,
            ))),
        };
    }
    if let Action::Token(call) = &step.action {
        return token_step(index, step, call, lookup, context).await;
    }
    let built = match request::build(step, lookup) {
        Ok(built) => built,
        Err(error) => {
            let (title, name) = fallback();
            return Err(Box::new(errored(
                title,
                name,
                vec![],
                vec![],
                client.redactor(),
                error,
            )));
        }
    };
    let redactor = client.redactor().with_request_headers(&built.spec.headers);
    let title = redactor.redact_text(&step_title(index, step, &built.name, Some(&built.action)));
    let credential = match authorize::credential(&step.auth, context.session, lookup).await {
        Ok(credential) => credential,
        Err(unmet) => {
            return Err(Box::new(unmet_outcome(
                title,
                built.name,
                vec![],
                &redactor,
                unmet,
            )));
        }
    };
    let (client, spec) = authorize::apply(credential, client, built.spec);
    let sent = match client.send(&spec).await {
        Ok(sent) => sent,
        Err(NotSent::OutsideBase { url, base }) => {
            return Err(Box::new(outside_base(
                title, built.name, &url, &base, &redactor,
            )));
        }
        Err(invalid) => {
            let error = invalid.to_string();
            return Err(Box::new(errored(
                title,
                built.name,
                vec![],
                vec![],
                &redactor,
                error,
            )));
        }
    };
    received(
        title,
        built.name,
        vec![sent.exchange],
        sent.response,
        redactor,
    )
}

/// A `token:` step: the request(s) to the token endpoint the target's SMART configuration
/// names. A reused assertion is judged on its second use, and only when the first was
/// accepted.
async fn token_step(
    index: usize,
    step: &Step,
    call: &TokenCall,
    lookup: &Lookup<'_>,
    context: &Context<'_>,
) -> Result<Obtained, Box<StepOutcome>> {
    let redactor = context.client.redactor().clone();
    let name = fallback_name(step);
    let label = format!("token request as the {} client", call.client);
    let title = step_title(index, step, &name, Some(&label));
    let requested = match request_token(call, lookup, context.session).await {
        Ok(requested) => requested,
        Err(unmet) => {
            return Err(Box::new(unmet_outcome(
                title,
                name,
                vec![],
                &redactor,
                unmet,
            )));
        }
    };
    if call.fault == Some(TokenFault::ReusedAssertion)
        && let Some(first) = requested.exchanges.first()
        && !first
            .response
            .as_ref()
            .is_some_and(|response| (200..300).contains(&response.status))
    {
        let unmet = Unmet::Skip(
            "the assertion's first use was not accepted, so its reuse cannot be judged".into(),
        );
        return Err(Box::new(unmet_outcome(
            title,
            name,
            requested.exchanges,
            &redactor,
            unmet,
        )));
    }
    received(
        title,
        name,
        requested.exchanges,
        requested.response,
        redactor,
    )
}

/// The token request(s) of `call` with its scope interpolated; a skip when the run has no
/// such client or the target no SMART configuration.
async fn request_token(
    call: &TokenCall,
    lookup: &Lookup<'_>,
    session: Option<&Session>,
) -> Result<TokenExchange, Unmet> {
    let Some(session) = session else {
        return Err(Unmet::Skip("the run has no OAuth client configured".into()));
    };
    let scope = call
        .scope
        .as_deref()
        .map(|scope| template::text(scope, lookup))
        .transpose()
        .map_err(Unmet::Error)?;
    let call = TokenCall {
        scope,
        ..call.clone()
    };
    session
        .token_request(&call)
        .await
        .map_err(|error| match error {
            AuthError::Unavailable(reason) => Unmet::Skip(reason),
            AuthError::Discovery(reason) => Unmet::Skip(format!(
                "no token endpoint: the SMART configuration could not be read ({reason})"
            )),
            other => Unmet::Error(other.to_string()),
        })
}

/// The step's evidence with the response it got, or an error outcome when none arrived.
fn received(
    title: String,
    name: String,
    exchanges: Vec<Exchange>,
    response: Option<Response>,
    redactor: Redactor,
) -> Result<Obtained, Box<StepOutcome>> {
    match response {
        Some(response) => Ok(Obtained {
            title,
            name,
            exchanges,
            response,
            redactor,
        }),
        None => {
            let error = exchanges
                .last()
                .and_then(|exchange| exchange.error.clone())
                .unwrap_or_else(|| "no response".to_string());
            Err(Box::new(errored(
                title,
                name,
                exchanges,
                vec![],
                &redactor,
                error,
            )))
        }
    }
}

/// A step that does not apply to this run (skipped) or cannot be carried out (error).
fn unmet_outcome(
    title: String,
    name: String,
    exchanges: Vec<Exchange>,
    redactor: &Redactor,
    unmet: Unmet,
) -> StepOutcome {
    match unmet {
        Unmet::Error(error) => errored(title, name, exchanges, vec![], redactor, error),
        Unmet::Skip(reason) => {
            let reason = redactor.redact_text(&format!("{title}: {reason}"));
            StepOutcome {
                title: redactor.redact_text(&title),
                result: StepResult {
                    name: redactor.redact_text(&name),
                    exchanges,
                    assertions: vec![],
                    error: None,
                },
                verdict: Verdict::Skipped(reason),
                captured: Vec::new(),
                body: None,
            }
        }
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
