//! The data phase: before any test runs, each planned data item is looked for on the server,
//! after the items it reads. A `--var` of its name supplies it instead. Identical requests are
//! sent once.

use std::collections::HashMap;

use super::assert::compile;
use super::cancel::Cancellation;
use super::capture::as_text;
use super::json_path;
use super::json_reach::Reach;
use super::plan::PlannedItem;
use super::request;
use super::response::ResponseView;
use super::template;
use super::variables::{Lookup, Scope, VarValue};
use crate::http::{Client, Sent};
use crate::results::{DataResult, DataStatus, DataValue, Exchange};
use crate::suite::{DataItem, DataSource, data_variables};

/// What the data phase settled.
pub struct Discovered {
    /// One result per planned item, in discovery order.
    pub results: Vec<DataResult>,
    /// The values found (supplied ones are `--var` values already).
    pub values: Scope,
    /// The items that could not be had, with why.
    pub unavailable: HashMap<String, Unavailable>,
}

/// Why a data item has no value.
#[derive(Debug, Clone)]
pub struct Unavailable {
    /// [`DataStatus::Missing`] or [`DataStatus::Error`].
    pub status: DataStatus,
    pub message: String,
}

/// What one source gave: values, or what went wrong.
type Looked = Result<Vec<String>, String>;

/// Where `source` looks, as a request with its placeholders left in, e.g.
/// `search Patient?identifier={{ nhs_number }}`.
pub fn describe(source: &DataSource) -> String {
    let mut placeholders = Scope::default();
    for name in source_variables(source) {
        placeholders.set(&name, VarValue::Text(format!("{{{{ {name} }}}}")));
    }
    let empty = Scope::default();
    let lookup = Lookup {
        binding: None,
        captures: &placeholders,
        overrides: &empty,
        defaults: &empty,
    };
    request::for_action(&source.action, &lookup)
        .map(|built| built.name)
        .unwrap_or_else(|problem| problem)
}

/// The variables a source's request reads.
fn source_variables(source: &DataSource) -> Vec<String> {
    let item = DataItem {
        name: String::new(),
        description: String::new(),
        sources: vec![source.clone()],
        all: false,
        missing: String::new(),
    };
    data_variables(&item)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// Settles every item of `items` (ordered so that an item comes after those it reads).
pub async fn discover(
    items: &[PlannedItem],
    overrides: &Scope,
    client: &Client,
    cancellation: &Cancellation,
) -> Discovered {
    let mut discovered = Discovered {
        results: Vec::new(),
        values: Scope::default(),
        unavailable: HashMap::new(),
    };
    let mut sent = SentCache::default();
    for planned in items {
        let item = &planned.item;
        let result = if let Some(value) = overrides.get(&item.name) {
            let value = DataValue::from(value.clone());
            settled(item, DataStatus::Supplied, Some(value), None, vec![])
        } else if let Some((read, why)) = data_variables(item)
            .into_iter()
            .find_map(|name| Some((name, discovered.unavailable.get(name)?)))
        {
            let message = format!("needs `{read}`: {}", why.message);
            settled(item, why.status, None, Some(message), vec![])
        } else {
            let defaults = Scope::from_text(&planned.variables);
            let lookup = Lookup {
                binding: None,
                captures: &discovered.values,
                overrides,
                defaults: &defaults,
            };
            tokio::select! {
                biased;
                () = cancellation.cancelled() => {
                    let message = format!(
                        "not looked for: the run was stopped ({})",
                        cancellation.reason().unwrap_or("cancelled")
                    );
                    settled(item, DataStatus::Error, None, Some(message), vec![])
                }
                found = look_for(item, &lookup, client, &mut sent) => found,
            }
        };
        match (&result.value, result.status) {
            (Some(value), DataStatus::Found) => {
                let value = match value {
                    DataValue::Text(text) => VarValue::Text(text.clone()),
                    DataValue::List(items) => VarValue::List(items.clone()),
                };
                discovered.values.set(&item.name, value);
            }
            (_, status @ (DataStatus::Missing | DataStatus::Error)) => {
                discovered.unavailable.insert(
                    item.name.clone(),
                    Unavailable {
                        status,
                        message: result.message.clone().unwrap_or_default(),
                    },
                );
            }
            _ => {}
        }
        discovered.results.push(result);
    }
    discovered
}

/// Tries the item's sources in order until one yields a value.
async fn look_for(
    item: &DataItem,
    lookup: &Lookup<'_>,
    client: &Client,
    sent: &mut SentCache,
) -> DataResult {
    let mut exchanges = Vec::new();
    let mut error = None;
    for source in &item.sources {
        let (exchange, looked) = look(source, lookup, client, sent).await;
        exchanges.extend(exchange);
        match looked {
            Ok(values) if !values.is_empty() => {
                let value = match item.all {
                    true => DataValue::List(values),
                    false => DataValue::Text(values.into_iter().next().unwrap_or_default()),
                };
                return settled(item, DataStatus::Found, Some(value), None, exchanges);
            }
            Ok(_) => {}
            Err(problem) => {
                error.get_or_insert(problem);
            }
        }
    }
    let redactor = client.redactor();
    match error {
        Some(problem) => settled(
            item,
            DataStatus::Error,
            None,
            Some(redactor.redact_text(&problem)),
            exchanges,
        ),
        None => {
            let reason = template::text(&item.missing, lookup).unwrap_or(item.missing.clone());
            let reason = redactor.redact_text(&reason);
            settled(item, DataStatus::Missing, None, Some(reason), exchanges)
        }
    }
}

/// Sends a source's request (or reuses the response to the same request) and takes its values.
async fn look(
    source: &DataSource,
    lookup: &Lookup<'_>,
    client: &Client,
    sent: &mut SentCache,
) -> (Option<Exchange>, Looked) {
    let built = match request::for_action(&source.action, lookup) {
        Ok(built) => built,
        Err(problem) => return (None, Err(problem)),
    };
    let answer = match sent.answers.get(&built.name) {
        Some(answer) => answer.clone(),
        None => match client.send(&built.spec).await {
            Ok(answer) => {
                sent.keep(&built.name, &answer);
                answer
            }
            Err(invalid) => return (None, Err(invalid.to_string())),
        },
    };
    let looked = take(source, &answer, &built.name);
    (Some(answer.exchange), looked)
}

/// The answers already received, so that items read from the same request send it once. Bodies
/// are kept up to [`SentCache::MAX_BODY_BYTES`] in all; past that, a request is sent again.
#[derive(Default)]
struct SentCache {
    answers: HashMap<String, Sent>,
    body_bytes: usize,
}

impl SentCache {
    /// 32 MiB of bodies at most.
    const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

    fn keep(&mut self, request: &str, answer: &Sent) {
        let size = answer.response.as_ref().map_or(0, |r| r.body.len());
        if self.body_bytes + size <= Self::MAX_BODY_BYTES {
            self.body_bytes += size;
            self.answers.insert(request.to_owned(), answer.clone());
        }
    }
}

/// The values `source` takes from the response to `request`. A 404 or 410 finds nothing; other
/// error statuses, no response and a body that is not JSON are problems.
fn take(source: &DataSource, answer: &Sent, request: &str) -> Looked {
    let Some(response) = &answer.response else {
        let error = answer.exchange.error.as_deref().unwrap_or("no response");
        return Err(format!("{request}: {error}"));
    };
    match response.status {
        200..=299 => {}
        404 | 410 => return Ok(Vec::new()),
        status => return Err(format!("{request}: the server answered {status}")),
    }
    let view = ResponseView::reaching(response, Reach::of_path(&source.json));
    let document = view
        .json()
        .map_err(|not_json| format!("{request}: got {not_json}"))?;
    let regex = source.regex.as_deref().map(compile).transpose()?;
    Ok(json_path::resolve(document, &source.json)
        .into_iter()
        .map(as_text)
        .filter_map(|text| match &regex {
            None => Some(text),
            Some(regex) => {
                let found = regex.captures(&text)?;
                let chosen = found.get(1).or_else(|| found.get(0))?;
                Some(chosen.as_str().to_string())
            }
        })
        .collect())
}

fn settled(
    item: &DataItem,
    status: DataStatus,
    value: Option<DataValue>,
    message: Option<String>,
    exchanges: Vec<Exchange>,
) -> DataResult {
    DataResult {
        name: item.name.clone(),
        description: item.description.clone(),
        status,
        value,
        message,
        exchanges,
    }
}

impl From<VarValue> for DataValue {
    fn from(value: VarValue) -> DataValue {
        match value {
            VarValue::Text(text) => DataValue::Text(text),
            VarValue::List(items) => DataValue::List(items),
        }
    }
}
