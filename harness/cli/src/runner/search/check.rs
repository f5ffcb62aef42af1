//! Runs one generated search check: take a value from a sample resource, search by it, and
//! judge what comes back.
//!
//! - **Shape**: every page answers 200 with a `searchset` Bundle, and every entry has a
//!   `fullUrl`. A 4xx on the first page is a claimed parameter refused, unless the search
//!   carries a modifier: then the server does not support it, and the check is skipped.
//! - **Precision**: every `match` entry (or entry without a mode) satisfies the criterion, as
//!   `assure_search::judge` decides by the SearchParameter's expression. `DoesNotMatch` fails
//!   the check naming the entry and the rule; `Undecided` is noted and never fails.
//! - **Recall**: the resource the value was taken from is among the matches of the pages read,
//!   when the judge says it matches the criterion itself.
//!
//! No resource to take a value from, or none with a value, is a skip with the reason: the
//! server need not hold such data.

use std::time::Instant;

use assure_model::{Element, Format, parse};
use assure_search::{
    Criterion, Judgement, ParamType, SearchParameter, SearchParameters, composite_values, judge,
    values,
};
use serde_json::Value;

use super::expand::{Part, Planned, SearchCheck};
use super::pages::{Pages, search};
use super::sample::{Sampled, sample};
use super::value::{Sent, composite_value, escaped, query_value};
use super::variant::Variant;
use crate::http::Client;
use crate::results::{AssertionResult, Status, StepResult, TestResult};
use crate::runner::execute::Context;
use crate::runner::template;
use crate::runner::variables::{Lookup, Scope};
use crate::suite::TestCase;

/// How many undecided entries a passing check's message lists.
const NOTES_SHOWN: usize = 3;

/// Runs the generated test `test`.
pub(crate) async fn execute(
    test: &TestCase,
    check: &SearchCheck,
    parameters: Option<&SearchParameters>,
    context: &Context<'_>,
) -> TestResult {
    let started = Instant::now();
    let mut run = Run::default();
    let (status, message) = match (&check.plan, parameters) {
        (Planned::Ready(parts), Some(parameters)) => {
            run.go(check, parts, parameters, context).await
        }
        (Planned::Skip(reason), _) => (Status::Skip, reason.clone()),
        (Planned::Fail(reason), _) => (Status::Fail, reason.clone()),
        (Planned::Error(reason), _) => (Status::Error, reason.clone()),
        (Planned::Ready(_), None) => (Status::Error, "no search definitions loaded".into()),
    };
    let redactor = context.client.redactor();
    let message = (!message.is_empty()).then(|| redactor.redact_text(&message));
    let steps = run
        .steps
        .into_iter()
        .map(|mut step| {
            for assertion in &mut step.assertions {
                redactor.redact_assertion(assertion);
            }
            step
        })
        .collect();
    let duration_ms = started.elapsed().as_millis() as u64;
    TestResult::of(test, status, message, duration_ms, steps)
}

/// The steps recorded so far.
#[derive(Default)]
struct Run {
    steps: Vec<StepResult>,
}

impl Run {
    /// Turns a chain variant's `:Type` and id into `:Type.identifier=system|value`, with an
    /// identifier of the resource the sample refers to, read from the target (a step of its
    /// own). `Err` is the check's end: skipped when that resource or an identifier is missing.
    async fn chain(&mut self, client: &Client, sent: &mut Sent) -> Result<(), (Status, String)> {
        let target_type = sent.modifier.clone().unwrap_or_default();
        let id = sent.value.clone();
        let read = sample(client, &target_type, Some(&id)).await;
        let resources = self
            .record(format!("read the referenced {target_type}/{id}"), read)
            .map_err(|(status, reason)| {
                (
                    status,
                    format!("the resource the sample refers to: {reason}"),
                )
            })?;
        let identifier = resources
            .first()
            .and_then(|resource| resource.get("identifier"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|identifier| {
                let text = |name| identifier.get(name).and_then(Value::as_str);
                Some((text("system")?, text("value")?))
            });
        let Some((system, value)) = identifier else {
            return Err((
                Status::Skip,
                format!(
                    "{target_type}/{id}, which the sample refers to, has no identifier with a system and a value to chain on"
                ),
            ));
        };
        sent.value = format!("{}|{}", escaped(system), escaped(value));
        sent.modifier = Some(format!("{target_type}.identifier"));
        Ok(())
    }

    /// Records a read (or sample search) as a step of its own; its resources, or how the check
    /// ends without them: an error when no response came, a skip otherwise.
    fn record(&mut self, name: String, read: Sampled) -> Result<Vec<Value>, (Status, String)> {
        self.steps.push(StepResult {
            name,
            exchanges: read.exchange.into_iter().collect(),
            assertions: Vec::new(),
            error: None,
        });
        match read.reason {
            Some(reason) if read.transport => Err((Status::Error, reason)),
            Some(reason) => Err((Status::Skip, reason)),
            None => Ok(read.resources),
        }
    }
}

/// A value taken from a sample.
struct Taken {
    id: String,
    element: Element,
    /// One value per part.
    values: Vec<Sent>,
}

/// All of `judgements` (AND): a mismatch if one is, else undecided if one is, else a match.
fn all_of(judgements: Vec<Judgement>) -> Judgement {
    let mut undecided = None;
    for judgement in judgements {
        match judgement {
            Judgement::Matches => {}
            Judgement::DoesNotMatch { .. } => return judgement,
            Judgement::Undecided { .. } => undecided = undecided.or(Some(judgement)),
        }
    }
    undecided.unwrap_or(Judgement::Matches)
}

impl Run {
    async fn go(
        &mut self,
        check: &SearchCheck,
        parts: &[Part],
        parameters: &SearchParameters,
        context: &Context<'_>,
    ) -> (Status, String) {
        let client = context.client;
        let resource_type = &check.resource_type;
        let sample_id = match &check.sample {
            Some(template_text) => {
                let captures = Scope::default();
                let lookup = Lookup {
                    binding: None,
                    captures: &captures,
                    overrides: context.overrides,
                    defaults: context.defaults,
                };
                match template::text(template_text, &lookup) {
                    Ok(id) => Some(id),
                    Err(error) => return (Status::Error, format!("sample: {error}")),
                }
            }
            None => None,
        };
        let sampled = sample(client, resource_type, sample_id.as_deref()).await;
        let name = match &sample_id {
            Some(id) => format!("read the sample {resource_type}/{id}"),
            None => format!("take a sample {resource_type}"),
        };
        let resources = match self.record(name, sampled) {
            Ok(resources) => resources,
            Err(stopped) => return stopped,
        };
        let mut taken = match take(&resources, resource_type, parts, parameters, client) {
            Ok(taken) => taken,
            Err(reason) => return (Status::Skip, reason),
        };
        for (part, sent) in parts.iter().zip(taken.values.iter_mut()) {
            if part.variant == Variant::Chain
                && let Err(stopped) = self.chain(client, sent).await
            {
                return stopped;
            }
        }
        let mut pairs = Vec::new();
        let mut criteria = Vec::new();
        // What the sample itself must satisfy for recall: a chained criterion is undecided for
        // the judge, but the sample matches it by construction (its value was read from the
        // resource the sample refers to).
        let mut recall_criteria = Vec::new();
        for (part, sent) in parts.iter().zip(&taken.values) {
            let value = &sent.value;
            let modifier = sent.modifier.as_deref().or_else(|| part.variant.modifier());
            let (name, judged_name) = match modifier {
                Some(modifier) => (
                    format!("{}:{modifier}", part.name),
                    format!("{}:{modifier}", part.definition.code),
                ),
                None => (part.name.clone(), part.definition.code.clone()),
            };
            // `and` repeats the parameter (search.html#combining): both must hold.
            let times = if part.variant == Variant::And { 2 } else { 1 };
            for _ in 0..times {
                match Criterion::parse(parameters, resource_type, &judged_name, value) {
                    Ok(criterion) => {
                        if part.variant != Variant::Chain {
                            recall_criteria.push(criterion.clone());
                        }
                        criteria.push(criterion);
                    }
                    Err(error) => {
                        return (Status::Error, format!("cannot judge the search: {error}"));
                    }
                }
                pairs.push((name.clone(), value.clone()));
            }
        }
        let judge_all = |element: &Element| {
            all_of(
                criteria
                    .iter()
                    .map(|c| judge(element, parameters, c))
                    .collect(),
            )
        };
        let mut notes = Vec::new();
        let sample_matches = all_of(
            recall_criteria
                .iter()
                .map(|c| judge(&taken.element, parameters, c))
                .collect(),
        );
        let recall_required = match sample_matches {
            Judgement::Matches => true,
            other => {
                notes.push(format!(
                    "recall not checked: whether {resource_type}/{} itself matches is {} ({})",
                    taken.id,
                    if other.is_undecided() {
                        "undecided"
                    } else {
                        "denied by the judge"
                    },
                    other.reason().unwrap_or_default()
                ));
                false
            }
        };
        let query = pairs
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&");
        let pages = search(client, resource_type, pairs).await;
        let mut step = StepResult {
            name: format!(
                "search {resource_type}?{query} (value from {resource_type}/{})",
                taken.id
            ),
            exchanges: pages.exchanges.clone(),
            assertions: Vec::new(),
            error: None,
        };
        if let Some(error) = &pages.transport_error {
            step.error = Some(error.clone());
            self.steps.push(step);
            return (Status::Error, error.clone());
        }
        let verdict = judge_pages(
            &pages,
            resource_type,
            parts,
            &judge_all,
            &taken,
            recall_required,
            &query,
            &mut step.assertions,
            &mut notes,
        );
        self.steps.push(step);
        match verdict {
            Some((status, message)) => (status, message),
            None => (Status::Pass, notes.join("; ")),
        }
    }
}

/// The first sample with a value for every part, or why none has.
fn take(
    resources: &[Value],
    resource_type: &str,
    parts: &[Part],
    parameters: &SearchParameters,
    client: &Client,
) -> Result<Taken, String> {
    let mut first_reason = None;
    'resources: for resource in resources {
        let id = resource
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let bytes = serde_json::to_vec(resource).unwrap_or_default();
        let element = match parse(&bytes, Format::Json) {
            Ok(parsed) => parsed.root,
            Err(error) => {
                first_reason.get_or_insert(format!(
                    "the sample {resource_type}/{id} does not parse: {error}"
                ));
                continue;
            }
        };
        let mut taken = Vec::new();
        for part in parts {
            let definition = &part.definition;
            let base_url = client.base_url();
            let value = if definition.kind == ParamType::Composite {
                composite_values(&element, parameters, definition).and_then(|items| {
                    if items.is_empty() {
                        return Err(format!("{} finds nothing", expression(definition)));
                    }
                    composite_value(&items, base_url.as_str())
                })
            } else {
                values(&element, parameters, definition).and_then(|found| {
                    if found.is_empty() {
                        return Err(format!("{} finds nothing", expression(definition)));
                    }
                    query_value(&found, definition.kind, part.variant, base_url.as_str())
                })
            };
            match value {
                Ok(value) => taken.push(value),
                Err(why) => {
                    first_reason.get_or_insert(format!(
                        "the sample {resource_type}/{id} has no value for {}{}: {why}",
                        part.name,
                        match part.variant.name() {
                            Some(_) => format!(
                                " to search by ({})",
                                part.variant.describe(definition.kind)
                            ),
                            None => String::new(),
                        }
                    ));
                    continue 'resources;
                }
            }
        }
        return Ok(Taken {
            id: id.to_owned(),
            element,
            values: taken,
        });
    }
    let reason = first_reason.unwrap_or_default();
    Err(match resources.len() {
        1 => reason,
        n => format!("none of the {n} {resource_type}s sampled has a usable value; {reason}"),
    })
}

fn expression(definition: &SearchParameter) -> String {
    format!(
        "`{}`",
        definition.expression.as_deref().unwrap_or(&definition.code)
    )
}

fn assertion(
    description: impl Into<String>,
    passed: bool,
    expected: impl Into<String>,
    actual: impl Into<String>,
) -> AssertionResult {
    AssertionResult {
        description: description.into(),
        passed,
        expected: expected.into(),
        actual: actual.into(),
        locations: Vec::new(),
    }
}

/// Checks the pages; the failing (or skipping) verdict, or `None` when the check passes.
#[allow(clippy::too_many_arguments)]
fn judge_pages(
    pages: &Pages,
    resource_type: &str,
    parts: &[Part],
    judge_all: &dyn Fn(&Element) -> Judgement,
    taken: &Taken,
    recall_required: bool,
    query: &str,
    assertions: &mut Vec<AssertionResult>,
    notes: &mut Vec<String>,
) -> Option<(Status, String)> {
    let first = pages.statuses.first().copied().unwrap_or_default();
    if (400..500).contains(&first) {
        assertions.push(assertion(
            "the server accepts the search parameter it claims",
            false,
            "200",
            first.to_string(),
        ));
        // search.html#modifiers: "a server SHALL reject any search request that contains a
        // search parameter with an unsupported modifier": a refusal is how a server says it
        // does not support one, which R4 allows.
        if let Some(part) = parts
            .iter()
            .find(|p| p.variant.modifier().is_some() || p.variant == Variant::Type)
        {
            let modifier = match part.variant.modifier() {
                Some(modifier) => format!(":{modifier}"),
                None => ":[type]".to_owned(),
            };
            return Some((
                Status::Skip,
                format!(
                    "{resource_type}?{query} was refused ({first}): the server does not support {}{modifier}, and search.html#modifiers has it reject a modifier it does not support",
                    part.name
                ),
            ));
        }
        // Which chains a server supports is its own choice (a SearchParameter lists them in
        // `chain`); refusing one it does not support says so.
        if let Some(part) = parts.iter().find(|p| p.variant == Variant::Chain) {
            return Some((
                Status::Skip,
                format!(
                    "{resource_type}?{query} was refused ({first}): the server does not support this chain on {} (search.html#chaining)",
                    part.name
                ),
            ));
        }
        if let Some(part) = parts
            .iter()
            .find(|p| p.variant == Variant::Id && p.definition.target.len() != 1)
        {
            return Some((
                Status::Skip,
                format!(
                    "{resource_type}?{query} was refused ({first}): {} can refer to {} types, and a server may require the type with an id",
                    part.name,
                    part.definition.target.len()
                ),
            ));
        }
        return Some((
            Status::Fail,
            format!("claimed but refused: {resource_type}?{query} answered {first}"),
        ));
    }
    let statuses: Vec<String> = pages.statuses.iter().map(u16::to_string).collect();
    let all_ok = pages.statuses.iter().all(|s| *s == 200);
    assertions.push(assertion(
        "every page answers 200",
        all_ok,
        "200",
        statuses.join(", "),
    ));
    if !all_ok {
        return Some((
            Status::Fail,
            format!("{resource_type}?{query}: status {}", statuses.join(", ")),
        ));
    }
    let bundle_types: Vec<String> = pages
        .bodies
        .iter()
        .map(|body| match body {
            Some(body) if body.get("resourceType").and_then(Value::as_str) == Some("Bundle") => {
                body.get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("no type")
                    .to_owned()
            }
            Some(_) => "not a Bundle".to_owned(),
            None => "not JSON".to_owned(),
        })
        .collect();
    let searchsets = bundle_types.iter().all(|t| t == "searchset");
    assertions.push(assertion(
        "every page is a searchset Bundle",
        searchsets,
        "searchset",
        bundle_types.join(", "),
    ));
    if !searchsets {
        return Some((
            Status::Fail,
            format!(
                "{resource_type}?{query}: a page is {}, not a searchset Bundle",
                bundle_types.join(", ")
            ),
        ));
    }
    let entries: Vec<&Value> = pages
        .bodies
        .iter()
        .flatten()
        .filter_map(|b| b.get("entry").and_then(Value::as_array))
        .flatten()
        .collect();
    let without_full_url = entries
        .iter()
        .filter(|e| e.get("fullUrl").and_then(Value::as_str).is_none())
        .count();
    assertions.push(assertion(
        "every entry has a fullUrl",
        without_full_url == 0,
        "a fullUrl on each entry",
        format!("{without_full_url} of {} entries without", entries.len()),
    ));
    let matches: Vec<&Value> = entries
        .iter()
        .copied()
        .filter(|e| {
            e.pointer("/search/mode")
                .and_then(Value::as_str)
                .is_none_or(|m| m == "match")
        })
        .collect();
    let mut mismatches = Vec::new();
    let mut undecided = Vec::new();
    for entry in &matches {
        let label = entry_label(entry);
        let Some(resource) = entry.get("resource") else {
            mismatches.push(format!("{label}: a match entry without a resource"));
            continue;
        };
        let actual_type = resource
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or("?");
        if actual_type != resource_type {
            mismatches.push(format!(
                "{label}: a {actual_type} among the matches of a {resource_type} search"
            ));
            continue;
        }
        let bytes = serde_json::to_vec(resource).unwrap_or_default();
        match parse(&bytes, Format::Json) {
            Ok(parsed) => match judge_all(&parsed.root) {
                Judgement::Matches => {}
                Judgement::DoesNotMatch { reason } => mismatches.push(format!("{label}: {reason}")),
                Judgement::Undecided { reason } => undecided.push(format!("{label}: {reason}")),
            },
            Err(error) => undecided.push(format!("{label}: does not parse ({error})")),
        }
    }
    assertions.push(assertion(
        format!("every match satisfies {query} (precision)"),
        mismatches.is_empty(),
        "each match entry satisfies the criterion",
        if mismatches.is_empty() {
            format!("{} matches, {} undecided", matches.len(), undecided.len())
        } else {
            mismatches.join("\n")
        },
    ));
    if !undecided.is_empty() {
        let mut note = format!(
            "{} undecided: {}",
            undecided.len(),
            undecided[..undecided.len().min(NOTES_SHOWN)].join("; ")
        );
        if undecided.len() > NOTES_SHOWN {
            note.push_str("; …");
        }
        notes.push(note);
    }
    let found = matches.iter().any(|e| {
        let resource = e.get("resource");
        resource
            .and_then(|r| r.get("resourceType"))
            .and_then(Value::as_str)
            == Some(resource_type)
            && resource.and_then(|r| r.get("id")).and_then(Value::as_str) == Some(&taken.id)
    });
    if recall_required {
        let holds = found || pages.unfollowed.is_some();
        assertions.push(assertion(
            format!("{resource_type}/{} is among the matches (recall)", taken.id),
            holds,
            format!("{resource_type}/{}", taken.id),
            if found {
                "found".to_owned()
            } else if let Some(why) = &pages.unfollowed {
                format!("not in the pages read ({why})")
            } else {
                format!("not among the {} results", matches.len())
            },
        ));
        if !found && let Some(why) = &pages.unfollowed {
            notes.push(format!(
                "recall not decided: {resource_type}/{} is not in the pages read ({why})",
                taken.id
            ));
        }
    }
    if let Some(first) = mismatches.first() {
        let more = match mismatches.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Some((Status::Fail, format!("precision: {first}{more}")));
    }
    if recall_required && !found && pages.unfollowed.is_none() {
        return Some((
            Status::Fail,
            format!(
                "recall: the {resource_type}/{} the value was taken from is not among the {} results of {resource_type}?{query}",
                taken.id,
                matches.len()
            ),
        ));
    }
    if without_full_url > 0 {
        return Some((
            Status::Fail,
            format!(
                "{without_full_url} of {} entries have no fullUrl",
                entries.len()
            ),
        ));
    }
    None
}

/// An entry as named in messages: its fullUrl, else `Type/id`.
fn entry_label(entry: &Value) -> String {
    if let Some(url) = entry.get("fullUrl").and_then(Value::as_str) {
        return url.to_owned();
    }
    let resource = entry.get("resource");
    let text = |key| {
        resource
            .and_then(|r| r.get(key))
            .and_then(Value::as_str)
            .unwrap_or("?")
    };
    format!("{}/{} (no fullUrl)", text("resourceType"), text("id"))
}
