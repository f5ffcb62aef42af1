//! `conformance.json`: the verified conformance statement. What the target's
//! CapabilityStatement claims (per resource type: interactions, search parameters, profiles),
//! each claim with what the tests showed of it (`run.claims`: proven, failed, not assessed), and
//! what the checks exercised that the statement does not claim (read from the requests they
//! sent).
//!
//! When a test kept the statement whole (a `GET [base]/metadata` answered 200 with a body not
//! cut to the evidence limit), the file also carries that statement, each `interaction` and
//! `searchParam` of its server rest given a [`VERDICT_URL`] extension and the statement one
//! [`NOT_CLAIMED_URL`] extension per unclaimed item. Summaries are sorted by resource type,
//! kind and code; the statement keeps the order it was served in.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{Value, json};

use super::exercised::exercised;
use crate::evidence::Bodies;
use crate::results::{Claim, ClaimCounts, ClaimKind, RunResult};

/// The url of the extension that carries a claim's verdict: sub-extensions `status` (code:
/// `proven`, `failed`, `not-assessed`) and one `test` (string: a check id) per exercising test.
pub const VERDICT_URL: &str = "urn:assure:verdict";
/// The url of the extension that names one thing the checks exercised that the statement does
/// not claim: sub-extensions `type`, `kind` (`interaction`, `search-param`), `code` and one
/// `test` per check that exercised it.
pub const NOT_CLAIMED_URL: &str = "urn:assure:not-claimed";

/// The conformance statement as verified by the run.
#[derive(Debug, Serialize)]
pub struct Conformance {
    /// The target's base URL.
    pub target: String,
    /// Where the statement was read from; `None` when no test kept it whole.
    pub source: Option<Source>,
    pub counts: Counts,
    /// Every claimed resource type, sorted, with its claims and profiles.
    pub resources: Vec<Resource>,
    /// What the checks exercised that the statement does not claim, sorted; empty when the
    /// target served no statement.
    pub not_claimed: Vec<Entry>,
    /// The statement as served, annotated; `None` when no test kept it whole.
    pub statement: Option<Value>,
}

/// The exchange the statement was read from.
#[derive(Debug, Serialize)]
pub struct Source {
    /// The check whose evidence holds it.
    pub test: String,
    /// `GET <url>`.
    pub request: String,
}

/// How many claims each verdict has, and how many unclaimed items were exercised.
#[derive(Debug, Serialize)]
pub struct Counts {
    pub proven: usize,
    pub failed: usize,
    pub not_assessed: usize,
    pub not_claimed: usize,
}

/// One claimed resource type.
#[derive(Debug, Serialize)]
pub struct Resource {
    pub resource_type: String,
    /// Its `profile` and `supportedProfile`s, as claimed (listed, not judged); empty when the
    /// statement was not kept.
    pub profiles: Vec<String>,
    /// Interactions, then search parameters, each sorted by code.
    pub claims: Vec<Entry>,
}

/// One claim, or one unclaimed thing the checks exercised.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub resource_type: String,
    pub kind: ClaimKind,
    /// The interaction code or the search parameter's name.
    pub code: String,
    /// `proven`, `failed`, `not-assessed` or `not-claimed`.
    pub status: &'static str,
    /// The checks that exercised it, in plan order.
    pub tests: Vec<String>,
}

/// Renders the verified statement as pretty-printed JSON, ending with a newline.
pub fn render(result: &RunResult, bodies: &Bodies) -> Result<String> {
    let mut text = serde_json::to_string_pretty(&Conformance::of(result, bodies))
        .context("cannot serialise the conformance statement")?;
    text.push('\n');
    Ok(text)
}

impl Conformance {
    /// The verified statement of `run`, its bodies read from `bodies`.
    pub fn of(run: &RunResult, bodies: &Bodies) -> Conformance {
        let served = served_statement(run, bodies);
        let mut by_type: BTreeMap<&str, Vec<Entry>> = BTreeMap::new();
        for claim in &run.claims {
            by_type
                .entry(&claim.resource_type)
                .or_default()
                .push(Entry {
                    resource_type: claim.resource_type.clone(),
                    kind: claim.kind,
                    code: claim.code.clone(),
                    status: claim.status.as_str(),
                    tests: claim.tests.clone(),
                });
        }
        let profiles = served
            .as_ref()
            .map(|(_, statement)| profiles(statement))
            .unwrap_or_default();
        for resource_type in profiles.keys() {
            by_type.entry(resource_type).or_default();
        }
        let resources = by_type
            .into_iter()
            .map(|(resource_type, mut claims)| {
                claims.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
                Resource {
                    resource_type: resource_type.to_owned(),
                    profiles: profiles.get(resource_type).cloned().unwrap_or_default(),
                    claims,
                }
            })
            .collect();
        let not_claimed = if run.claims.is_empty() && served.is_none() {
            Vec::new()
        } else {
            not_claimed(run)
        };
        let counts = ClaimCounts::of(&run.claims);
        let (source, statement) = match served {
            Some((source, mut statement)) => {
                annotate(&mut statement, &run.claims, &not_claimed);
                (Some(source), Some(statement))
            }
            None => (None, None),
        };
        Conformance {
            target: run.target.base_url.clone(),
            source,
            counts: Counts {
                proven: counts.proven,
                failed: counts.failed,
                not_assessed: counts.not_assessed,
                not_claimed: not_claimed.len(),
            },
            resources,
            not_claimed,
            statement,
        }
    }
}

/// Interactions before search parameters, then by code.
fn sort_key(entry: &Entry) -> (u8, &str) {
    let rank = match entry.kind {
        ClaimKind::Interaction => 0,
        ClaimKind::SearchParam => 1,
    };
    (rank, &entry.code)
}

/// The first CapabilityStatement, in plan order, that a test received whole from
/// `GET [base]/metadata` with status 200.
fn served_statement(run: &RunResult, bodies: &Bodies) -> Option<(Source, Value)> {
    let url = format!("{}/metadata", run.target.base_url.trim_end_matches('/'));
    let exchanges = run
        .suites
        .iter()
        .flat_map(|suite| &suite.tests)
        .flat_map(|test| {
            test.steps
                .iter()
                .flat_map(|step| &step.exchanges)
                .map(move |exchange| (test, exchange))
        });
    for (test, exchange) in exchanges {
        let request = &exchange.request;
        if request.method != "GET" || request.url.split('?').next() != Some(url.as_str()) {
            continue;
        }
        if let Some(response) = &exchange.response
            && response.status == 200
            && !response.body_truncated
            && let Some(body) = bodies.text(response.body.as_deref(), response.body_file.as_ref())
            && let Ok(statement) = serde_json::from_str::<Value>(&body)
            && statement.get("resourceType").and_then(Value::as_str) == Some("CapabilityStatement")
        {
            let source = Source {
                test: test.id.clone(),
                request: format!("GET {}", request.url),
            };
            return Some((source, statement));
        }
    }
    None
}

/// The index of the server rest of `statement` (the first rest when none says `server`), as
/// the claims table reads it.
fn server_rest(statement: &Value) -> Option<usize> {
    let rests = statement.get("rest")?.as_array()?;
    let server = rests
        .iter()
        .position(|rest| rest.get("mode").and_then(Value::as_str) == Some("server"));
    server.or((!rests.is_empty()).then_some(0))
}

/// The `profile` and `supportedProfile`s of each resource type of the server rest.
fn profiles(statement: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let resources = server_rest(statement)
        .and_then(|index| statement["rest"][index].get("resource"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for resource in resources {
        let Some(resource_type) = resource.get("type").and_then(Value::as_str) else {
            continue;
        };
        let urls = out.entry(resource_type.to_owned()).or_default();
        let supported = resource
            .get("supportedProfile")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for url in resource.get("profile").into_iter().chain(supported) {
            if let Some(url) = url.as_str()
                && !urls.iter().any(|u| u == url)
            {
                urls.push(url.to_owned());
            }
        }
    }
    out
}

/// What the tests' requests exercised that no claim covers, sorted, with the tests in plan
/// order.
fn not_claimed(run: &RunResult) -> Vec<Entry> {
    let claimed: BTreeSet<(&str, &str, &str)> = run
        .claims
        .iter()
        .map(|c| (c.resource_type.as_str(), c.kind.as_str(), c.code.as_str()))
        .collect();
    let mut found: BTreeMap<(String, u8, String), (ClaimKind, Vec<String>)> = BTreeMap::new();
    for test in run.suites.iter().flat_map(|suite| &suite.tests) {
        let requests = test
            .steps
            .iter()
            .flat_map(|step| &step.exchanges)
            .map(|exchange| &exchange.request);
        for request in requests {
            for (resource_type, kind, code) in exercised(&run.target.base_url, request) {
                if claimed.contains(&(resource_type.as_str(), kind.as_str(), code.as_str())) {
                    continue;
                }
                let rank = u8::from(kind == ClaimKind::SearchParam);
                let (_, tests) = found
                    .entry((resource_type, rank, code))
                    .or_insert((kind, Vec::new()));
                if !tests.contains(&test.id) {
                    tests.push(test.id.clone());
                }
            }
        }
    }
    found
        .into_iter()
        .map(|((resource_type, _, code), (kind, tests))| Entry {
            resource_type,
            kind,
            code,
            status: "not-claimed",
            tests,
        })
        .collect()
}

/// Gives each claimed interaction and search parameter of `statement` its verdict, and the
/// statement one extension per unclaimed item.
fn annotate(statement: &mut Value, claims: &[Claim], not_claimed: &[Entry]) {
    if let Some(resources) = server_rest(statement)
        .and_then(|index| statement["rest"][index].get_mut("resource"))
        .and_then(Value::as_array_mut)
    {
        for resource in resources {
            let Some(resource_type) = resource.get("type").and_then(Value::as_str) else {
                continue;
            };
            let resource_type = resource_type.to_owned();
            for (key, field, kind) in [
                ("interaction", "code", ClaimKind::Interaction),
                ("searchParam", "name", ClaimKind::SearchParam),
            ] {
                let elements = resource
                    .get_mut(key)
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten();
                for element in elements {
                    let claim = claims.iter().find(|claim| {
                        claim.resource_type == resource_type
                            && claim.kind == kind
                            && element.get(field).and_then(Value::as_str) == Some(&claim.code)
                    });
                    if let Some(claim) = claim {
                        let mut parts =
                            vec![json!({"url": "status", "valueCode": claim.status.as_str()})];
                        parts.extend(tests(&claim.tests));
                        push_extension(element, json!({"url": VERDICT_URL, "extension": parts}));
                    }
                }
            }
        }
    }
    for entry in not_claimed {
        let mut parts = vec![
            json!({"url": "type", "valueCode": entry.resource_type}),
            json!({"url": "kind", "valueCode": entry.kind.as_str()}),
            json!({"url": "code", "valueCode": entry.code}),
        ];
        parts.extend(tests(&entry.tests));
        push_extension(
            statement,
            json!({"url": NOT_CLAIMED_URL, "extension": parts}),
        );
    }
}

/// One `test` sub-extension per check id.
fn tests(ids: &[String]) -> impl Iterator<Item = Value> + '_ {
    ids.iter()
        .map(|id| json!({"url": "test", "valueString": id}))
}

/// Appends `extension` to the `extension` array of `element` (created when missing; left
/// alone when the element is not an object or its `extension` is not an array).
fn push_extension(element: &mut Value, extension: Value) {
    if let Some(object) = element.as_object_mut()
        && let Value::Array(items) = object.entry("extension").or_insert_with(|| json!([]))
    {
        items.push(extension);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extension_is_added_beside_existing_ones() {
        let mut element = json!({"code": "read", "extension": [{"url": "x"}]});
        push_extension(&mut element, json!({"url": VERDICT_URL}));
        assert_eq!(element["extension"][1]["url"], VERDICT_URL);
        let mut bare = json!({"code": "read"});
        push_extension(&mut bare, json!({"url": VERDICT_URL}));
        assert_eq!(bare["extension"].as_array().map(Vec::len), Some(1));
    }
}
