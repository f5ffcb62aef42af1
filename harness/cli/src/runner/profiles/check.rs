//! Runs one generated profile test: find the profile's instances, then check what the test
//! is about — the first can be read, they conform, their must-support elements are populated,
//! references in those elements resolve.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use super::expand::{CheckKind, ProfileCheck};
use super::instances::{Found, find};
use super::must_support::{MustSupport, must_support_elements};
use crate::http::{Client, RequestSpec, Target};
use crate::results::{AssertionResult, Status, StepResult, TestResult};
use crate::runner::execute::Context;
use crate::suite::TestCase;
use crate::validation::{issue_line, summary};

/// Most references read by one test.
const MAX_REFERENCE_READS: usize = 50;
/// Most issues listed per instance in a conformance assertion.
const ISSUES_LISTED: usize = 20;
/// Most items a failure message names before "…".
const NAMED: usize = 8;

/// A verdict and its message.
type Verdict = (Status, String);

/// Runs the generated test `test`.
pub(crate) async fn execute(
    test: &TestCase,
    check: &ProfileCheck,
    context: &Context<'_>,
) -> TestResult {
    let started = Instant::now();
    let mut steps = Vec::new();
    let (status, message) = match &check.skip {
        Some(reason) => (Status::Skip, reason.clone()),
        None => run(check, context, &mut steps).await,
    };
    let redactor = context.client.redactor();
    let message = (!message.is_empty()).then(|| redactor.redact_text(&message));
    for step in &mut steps {
        for assertion in &mut step.assertions {
            redactor.redact_assertion(assertion);
        }
    }
    let duration_ms = started.elapsed().as_millis() as u64;
    TestResult::of(test, status, message, duration_ms, steps)
}

async fn run(check: &ProfileCheck, context: &Context<'_>, steps: &mut Vec<StepResult>) -> Verdict {
    let instances = match find(context.client, check).await {
        Ok(Found {
            instances,
            steps: found,
        }) => {
            steps.extend(found);
            instances
        }
        Err(not_found) => {
            steps.extend(not_found.steps);
            return match (check.kind, not_found.status) {
                (CheckKind::Instances, Status::Fail) => (
                    Status::Fail,
                    format!(
                        "{}, yet the CapabilityStatement claims it as the {} of {}: the server hosts resources conformant to it and clients can search by it (R4 CapabilityStatement.rest.resource.supportedProfile)",
                        not_found.message,
                        if check.whole_type {
                            "profile"
                        } else {
                            "supportedProfile"
                        },
                        check.resource_type
                    ),
                ),
                (_, Status::Fail) => (
                    Status::Skip,
                    format!("no instance to inspect: {}", not_found.message),
                ),
                (_, status) => (status, not_found.message),
            };
        }
    };
    match check.kind {
        CheckKind::Instances => read_first(context.client, check, &instances, steps).await,
        CheckKind::Conforms => conforms(check, context, &instances, steps).await,
        CheckKind::MustSupport => must_support(check, context, &instances, steps).await,
        CheckKind::References => references(check, context, &instances, steps).await,
    }
}

/// `Type/id` of an instance.
fn label(instance: &Value) -> String {
    format!(
        "{}/{}",
        instance
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or("?"),
        instance.get("id").and_then(Value::as_str).unwrap_or("?")
    )
}

/// The first `NAMED` of `items`, joined, with "…" when there are more.
fn named(items: &[String]) -> String {
    let mut text = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > NAMED {
        text.push_str(&format!(", … ({} in all)", items.len()));
    }
    text
}

/// INSTANCES: the first instance can be read (R4 http.html#read).
async fn read_first(
    client: &Client,
    check: &ProfileCheck,
    instances: &[Value],
    steps: &mut Vec<StepResult>,
) -> Verdict {
    let first = label(&instances[0]);
    let id = instances[0]
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let read = read(
        client,
        &check.resource_type,
        id,
        format!("read {first}"),
        steps,
    )
    .await;
    match read {
        Read::Resource(resource) if label(&resource) == first => (
            Status::Pass,
            format!("{} instance(s) found; {first} read", instances.len()),
        ),
        Read::Resource(resource) => (
            Status::Fail,
            format!(
                "reading {first}, an instance the search returned, gave {} (R4 http.html#read)",
                label(&resource)
            ),
        ),
        Read::Status(status) | Read::NotFound(status) => (
            Status::Fail,
            format!(
                "reading {first}, an instance the search returned, answered status {status} (R4 http.html#read: a read of a resource the server has answers 200)"
            ),
        ),
        Read::NoResponse(why) => (Status::Error, format!("reading {first}: {why}")),
    }
}

/// The profile's snapshot, or the verdict when it is not available.
async fn definitions(check: &ProfileCheck, context: &Context<'_>) -> Result<Arc<Value>, Verdict> {
    let validator = context
        .validation
        .validator()
        .await
        .map_err(|e| (Status::Error, e))?;
    let (url, loaded) = (check.profile.clone(), validator);
    // `None`: no loaded package defines the profile; `Some`: it is defined but unusable.
    let snapshot = tokio::task::spawn_blocking(move || {
        loaded
            .profile(&url)
            .and_then(|_| loaded.with_snapshot(&url))
            .ok_or_else(|| {
                loaded
                    .definitions()
                    .structure_definition(&url)
                    .map(|_| loaded.profile_problem(&url))
            })
    })
    .await
    .map_err(|e| (Status::Error, format!("internal error: {e}")))?;
    let snapshot = snapshot.map_err(|problem| match problem {
        // Said the same way for every profile, so that a run without the package reads as
        // one reason.
        None => (
            Status::Skip,
            "the profile is in no loaded package: load the package that defines it with `--package` (for UK Core: README, \"UK Core\")".to_owned(),
        ),
        Some(problem) => (
            Status::Error,
            format!("the definition of {} cannot be used: {problem}", check.profile),
        ),
    })?;
    Ok(snapshot)
}

/// The profile's must-support elements, or the verdict when its snapshot is not available.
async fn must_support_of(
    check: &ProfileCheck,
    context: &Context<'_>,
) -> Result<Vec<MustSupport>, Verdict> {
    Ok(must_support_elements(&*definitions(check, context).await?))
}

/// CONFORMS: every instance validates against the profile with no error.
async fn conforms(
    check: &ProfileCheck,
    context: &Context<'_>,
    instances: &[Value],
    steps: &mut Vec<StepResult>,
) -> Verdict {
    if let Err(verdict) = definitions(check, context).await {
        return verdict;
    }
    let mut assertions = Vec::new();
    let mut failing = Vec::new();
    for instance in instances {
        let bytes = serde_json::to_vec(instance).unwrap_or_default();
        let outcome = match context
            .validation
            .validate(bytes.into(), Some(check.profile.clone()), None)
            .await
        {
            Ok(outcome) => outcome,
            Err(why) => return (Status::Error, why),
        };
        let mut actual = summary(&outcome.issues);
        for issue in outcome.issues.iter().take(ISSUES_LISTED) {
            actual.push('\n');
            actual.push_str(&issue_line("", issue));
        }
        if let Some(error) = outcome.errors().next() {
            failing.push(format!(
                "{}: {} at {}",
                label(instance),
                error.message,
                error.location
            ));
        }
        assertions.push(AssertionResult {
            description: format!("{} conforms to {}", label(instance), check.profile),
            passed: !outcome.has_errors(),
            expected: "no error-level issue".into(),
            actual,
            locations: Vec::new(),
        });
    }
    steps.push(StepResult {
        name: format!(
            "validate {} instance(s) against {}",
            instances.len(),
            check.profile
        ),
        exchanges: Vec::new(),
        assertions,
        error: None,
    });
    if failing.is_empty() {
        (
            Status::Pass,
            format!(
                "{} instance(s) conform to {}",
                instances.len(),
                check.profile
            ),
        )
    } else {
        (
            Status::Fail,
            format!(
                "{} of {} instance(s) do not conform to {}, which the CapabilityStatement claims: {}",
                failing.len(),
                instances.len(),
                check.profile,
                failing.join("; ")
            ),
        )
    }
}

/// MUST-SUPPORT: every must-support element is populated in some instance.
async fn must_support(
    check: &ProfileCheck,
    context: &Context<'_>,
    instances: &[Value],
    steps: &mut Vec<StepResult>,
) -> Verdict {
    let elements = match must_support_of(check, context).await {
        Ok(elements) => elements,
        Err(verdict) => return verdict,
    };
    if elements.is_empty() {
        return (
            Status::Skip,
            format!("{} flags no element mustSupport", check.profile),
        );
    }
    let labels: Vec<String> = instances.iter().map(label).collect();
    let mut never = Vec::new();
    let assertions = elements
        .iter()
        .map(|element| {
            let seen: Vec<&str> = instances
                .iter()
                .zip(&labels)
                .filter(|(instance, _)| !element.values(instance).is_empty())
                .map(|(_, label)| label.as_str())
                .collect();
            if seen.is_empty() {
                never.push(element.id.clone());
            }
            AssertionResult {
                description: format!("{} is populated", element.id),
                passed: !seen.is_empty(),
                expected: format!("in at least one of {} instance(s)", instances.len()),
                actual: if seen.is_empty() {
                    "in none".into()
                } else {
                    format!("in {}", seen.join(", "))
                },
                locations: Vec::new(),
            }
        })
        .collect();
    steps.push(StepResult {
        name: format!("must-support elements of {}", check.profile),
        exchanges: Vec::new(),
        assertions,
        error: None,
    });
    if never.is_empty() {
        (
            Status::Pass,
            format!(
                "all {} must-support element(s) populated across {} instance(s)",
                elements.len(),
                instances.len()
            ),
        )
    } else {
        (
            Status::Fail,
            format!(
                "{} of {} must-support element(s) never populated in the {} instance(s) inspected ({}): {}",
                never.len(),
                elements.len(),
                instances.len(),
                named(&labels),
                named(&never)
            ),
        )
    }
}

/// A reference found in a must-support element.
struct ReferenceUse {
    instance: String,
    element: String,
    reference: String,
}

/// REFERENCES: relative references in must-support elements resolve.
async fn references(
    check: &ProfileCheck,
    context: &Context<'_>,
    instances: &[Value],
    steps: &mut Vec<StepResult>,
) -> Verdict {
    let elements: Vec<MustSupport> = match must_support_of(check, context).await {
        Ok(elements) => elements,
        Err(verdict) => return verdict,
    }
    .into_iter()
    .filter(|e| e.reference)
    .collect();
    let mut found = Vec::new();
    let mut broken = Vec::new();
    let mut undecided = Vec::new();
    for instance in instances {
        for element in &elements {
            for value in element.values(instance) {
                let Some(reference) = value.get("reference").and_then(Value::as_str) else {
                    continue;
                };
                let found_here = ReferenceUse {
                    instance: label(instance),
                    element: element.id.clone(),
                    reference: reference.to_owned(),
                };
                if let Some(id) = reference.strip_prefix('#') {
                    let contained = instance
                        .get("contained")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .any(|c| c.get("id").and_then(Value::as_str) == Some(id));
                    if !contained {
                        broken.push(format!(
                            "{} {} → {reference}: no contained resource has that id (R4 references.html#contained)",
                            found_here.instance, found_here.element
                        ));
                    }
                    continue;
                }
                found.push(found_here);
            }
        }
    }
    let mut targets: BTreeMap<(String, String), Vec<&ReferenceUse>> = BTreeMap::new();
    for item in &found {
        match relative(context.client, &item.reference) {
            Some(target) => targets.entry(target).or_default().push(item),
            None => undecided.push(format!(
                "{} (not on this server: not resolved)",
                item.reference
            )),
        }
    }
    if targets.is_empty() && broken.is_empty() {
        return (
            Status::Skip,
            if found.is_empty() {
                format!(
                    "no reference in a must-support element of the {} instance(s) inspected",
                    instances.len()
                )
            } else {
                format!(
                    "no reference to resolve on this server: {}",
                    named(&undecided)
                )
            },
        );
    }
    let mut assertions = Vec::new();
    let mut resolved = 0;
    for ((resource_type, id), items) in targets.iter().take(MAX_REFERENCE_READS) {
        let target = format!("{resource_type}/{id}");
        let read = read(
            context.client,
            resource_type,
            id,
            format!("resolve {target}"),
            steps,
        )
        .await;
        let users = items
            .iter()
            .map(|item| format!("{} {}", item.instance, item.element))
            .collect::<Vec<_>>()
            .join(", ");
        let (passed, actual) = match read {
            Read::Resource(resource) if label(&resource) == target => {
                resolved += 1;
                (true, "200".to_owned())
            }
            Read::Resource(resource) => {
                broken.push(format!(
                    "{users} → {target}: the server returned {}",
                    label(&resource)
                ));
                (false, format!("200 with {}", label(&resource)))
            }
            Read::NotFound(status) => {
                broken.push(format!("{users} → {target}: status {status}"));
                (false, format!("status {status}"))
            }
            Read::Status(status) => {
                undecided.push(format!("{target} (status {status})"));
                (true, format!("status {status}: not judged"))
            }
            Read::NoResponse(why) => return (Status::Error, format!("resolving {target}: {why}")),
        };
        assertions.push(AssertionResult {
            description: format!("{target} resolves"),
            passed,
            expected: format!("a {resource_type} with id {id}"),
            actual,
            locations: Vec::new(),
        });
    }
    if let Some(step) = steps.last_mut() {
        step.assertions.append(&mut assertions);
    }
    let skipped_reads = targets.len().saturating_sub(MAX_REFERENCE_READS);
    let mut notes = Vec::new();
    if !undecided.is_empty() {
        notes.push(format!("not judged: {}", named(&undecided)));
    }
    if skipped_reads > 0 {
        notes.push(format!(
            "{skipped_reads} more target(s) not read (at most {MAX_REFERENCE_READS})"
        ));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("; {}", notes.join("; "))
    };
    if broken.is_empty() {
        (
            Status::Pass,
            format!("{resolved} reference target(s) resolved{notes}"),
        )
    } else {
        (
            Status::Fail,
            format!(
                "{} reference(s) in must-support elements do not resolve (R4 references.html#Reference: a literal reference is the location of the resource): {}{notes}",
                broken.len(),
                named(&broken)
            ),
        )
    }
}

/// `(Type, id)` of a reference that points into this server: `Type/id[/_history/v]`, or an
/// absolute URL under the base URL.
fn relative(client: &Client, reference: &str) -> Option<(String, String)> {
    let base = client.base_url().as_str().trim_end_matches('/');
    let path = match reference.strip_prefix(base) {
        Some(rest) => rest.strip_prefix('/')?,
        None if reference.contains("://") || reference.starts_with("urn:") => return None,
        None => reference,
    };
    let mut parts = path.split('/');
    let (resource_type, id) = (parts.next()?, parts.next()?);
    let well_formed = resource_type.starts_with(|c: char| c.is_ascii_uppercase())
        && resource_type.chars().all(|c| c.is_ascii_alphabetic())
        && !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'));
    let rest: Vec<&str> = parts.collect();
    let versioned = rest.is_empty() || (rest.len() == 2 && rest[0] == "_history");
    (well_formed && versioned).then(|| (resource_type.to_owned(), id.to_owned()))
}

/// What a read gave.
enum Read {
    Resource(Value),
    /// 404 or 410.
    NotFound(u16),
    /// Another status, or a 200 whose body is not a resource.
    Status(u16),
    NoResponse(String),
}

/// `GET [type]/[id]`, recorded as a step named `name`.
async fn read(
    client: &Client,
    resource_type: &str,
    id: &str,
    name: String,
    steps: &mut Vec<StepResult>,
) -> Read {
    let spec = RequestSpec::new(
        "GET",
        Target::Segments(vec![resource_type.to_owned(), id.to_owned()]),
    );
    let sent = match client.send(&spec).await {
        Ok(sent) => sent,
        Err(invalid) => return Read::NoResponse(invalid.to_string()),
    };
    steps.push(StepResult {
        name,
        exchanges: vec![sent.exchange.clone()],
        assertions: Vec::new(),
        error: sent.exchange.error.clone(),
    });
    let Some(response) = sent.response else {
        return Read::NoResponse(sent.exchange.error.unwrap_or_else(|| "no response".into()));
    };
    match response.status {
        200 => match serde_json::from_slice::<Value>(&response.body) {
            Ok(resource) if resource.get("resourceType").is_some() => Read::Resource(resource),
            _ => Read::Status(200),
        },
        404 | 410 => Read::NotFound(response.status),
        status => Read::Status(status),
    }
}
