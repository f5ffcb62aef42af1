//! Finding the instances of a claimed profile: `GET [type]?_profile=<url>`, whose matches
//! count when the Bundle's `self` link shows the parameter was applied (R4 search.html: the
//! self link holds the parameters actually used), else those whose `meta.profile` names the
//! profile; when that finds none, the first resources of the type, by their `meta.profile`
//! (all of them when the profile is the type's `profile`).

use serde_json::Value;

use super::expand::ProfileCheck;
use crate::http::admit_body;
use crate::http::{Client, RequestSpec, Target};
use crate::results::{Status, StepResult};
use crate::runner::searchset::matches_of_type;

/// The instances found, with the steps that fetched them.
pub(crate) struct Found {
    pub(crate) instances: Vec<Value>,
    pub(crate) steps: Vec<StepResult>,
}

/// Why no instance was found: the verdict a check that needs instances gives, with the steps.
pub(crate) struct NotFound {
    pub(crate) status: Status,
    pub(crate) message: String,
    pub(crate) steps: Vec<StepResult>,
}

/// One search's outcome.
enum Searched {
    /// The resources of the type it returned, and whether `_profile` was applied.
    Resources(Vec<Value>, bool),
    /// An answer that is not a searchset (status or body), in words.
    Refused(String),
}

/// Searches for the instances of `check.profile`.
pub(crate) async fn find(client: &Client, check: &ProfileCheck) -> Result<Found, NotFound> {
    let mut steps = Vec::new();
    let by_profile = vec![
        ("_profile".to_owned(), check.profile.clone()),
        ("_count".to_owned(), check.instances.to_string()),
    ];
    let first = search(client, check, by_profile, "search by _profile", &mut steps).await?;
    let mut tried = Vec::new();
    match first {
        Searched::Resources(resources, applied) => {
            let found = claiming(check, resources, applied);
            if !found.is_empty() {
                return Ok(Found {
                    instances: found,
                    steps,
                });
            }
            tried.push(format!(
                "`_profile={}` found none{}",
                check.profile,
                if applied {
                    ""
                } else {
                    " (the self link does not show it applied, and no match names the profile in meta.profile)"
                }
            ));
        }
        Searched::Refused(why) => {
            tried.push(format!("`_profile={}` was refused ({why})", check.profile))
        }
    }
    let first_page = vec![("_count".to_owned(), check.instances.to_string())];
    let second = search(
        client,
        check,
        first_page,
        "the first resources of the type",
        &mut steps,
    )
    .await?;
    match second {
        Searched::Resources(resources, _) => {
            let found = claiming(check, resources, false);
            if !found.is_empty() {
                return Ok(Found {
                    instances: found,
                    steps,
                });
            }
            tried.push(format!(
                "none of the first {} {} names it in meta.profile",
                check.instances, check.resource_type
            ));
        }
        Searched::Refused(why) => tried.push(format!(
            "searching {} was refused ({why})",
            check.resource_type
        )),
    }
    Err(NotFound {
        status: Status::Fail,
        message: format!("no instance of {}: {}", check.profile, tried.join("; ")),
        steps,
    })
}

/// The resources that count as instances: all when the search applied `_profile` or the
/// profile is the type's, else those naming it in `meta.profile`; at most `check.instances`.
fn claiming(check: &ProfileCheck, resources: Vec<Value>, applied: bool) -> Vec<Value> {
    let wanted = unversioned(&check.profile);
    resources
        .into_iter()
        .filter(|resource| {
            applied
                || check.whole_type
                || resource
                    .pointer("/meta/profile")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .any(|p| unversioned(p) == wanted)
        })
        .take(check.instances)
        .collect()
}

fn unversioned(canonical: &str) -> &str {
    canonical.split('|').next().unwrap_or_default()
}

/// `GET [type]?query`, recorded as a step named `name`. `Err` only when no response came.
async fn search(
    client: &Client,
    check: &ProfileCheck,
    query: Vec<(String, String)>,
    name: &str,
    steps: &mut Vec<StepResult>,
) -> Result<Searched, NotFound> {
    let mut spec = RequestSpec::new("GET", Target::Segments(vec![check.resource_type.clone()]));
    spec.query = query;
    let sent = match client.send(&spec).await {
        Ok(sent) => sent,
        Err(invalid) => {
            return Err(NotFound {
                status: Status::Error,
                message: invalid.to_string(),
                steps: std::mem::take(steps),
            });
        }
    };
    steps.push(StepResult {
        name: name.to_owned(),
        exchanges: vec![sent.exchange.clone()],
        assertions: Vec::new(),
        error: sent.exchange.error.clone(),
    });
    let Some(response) = sent.response else {
        return Err(NotFound {
            status: Status::Error,
            message: format!(
                "{name}: {}",
                sent.exchange.error.unwrap_or_else(|| "no response".into())
            ),
            steps: std::mem::take(steps),
        });
    };
    if response.status != 200 {
        return Ok(Searched::Refused(format!("status {}", response.status)));
    }
    admit_body(response.body.len()).await;
    let Ok(bundle) = serde_json::from_slice::<Value>(&response.body) else {
        return Ok(Searched::Refused("the body is not JSON".into()));
    };
    if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Ok(Searched::Refused("the body is not a Bundle".into()));
    }
    let applied = bundle
        .get("link")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|link| link.get("relation").and_then(Value::as_str) == Some("self"))
        .filter_map(|link| link.get("url").and_then(Value::as_str))
        .any(|url| url.contains("_profile="));
    let resources = matches_of_type(&bundle, &check.resource_type);
    Ok(Searched::Resources(resources, applied))
}
