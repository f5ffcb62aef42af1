//! Expansion: the suites' `generate.search` turned into tests, from the target's
//! CapabilityStatement, when the run starts.
//!
//! Per claimed type (∩ `types`), per claimed `searchParam` with a usable definition, per
//! [`Variant`] of its type (only those `levels` pins, with `pinned_only`): one test
//! `SRCH-<Type>-<code>[-<variant>]` (`SRCH` or the suite's `id_prefix`). A parameter whose
//! definition is neither in R4 nor served by the target (`SearchParameter?url=`) gets one test
//! that is skipped with that reason, as is every check of a type whose `requires_profile` the
//! target does not claim. The plan's filter applies to the generated tests.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use assure_search::{SearchParameter, SearchParameters};
use serde_json::Value;

use super::variant::Variant;
use crate::http::{Client, RequestSpec, Target};
use crate::runner::capability::{ClaimedParam, ClaimedType, claimed_types};
use crate::runner::plan::Plan;
use crate::suite::{Level, SearchGenerator, TestCase};

/// The last part of the id of the one test a generator makes when it cannot read the
/// CapabilityStatement.
const NO_CAPABILITIES: &str = "CAPABILITIES";

/// A generated test: what it searches and how.
#[derive(Debug)]
pub(crate) struct SearchCheck {
    pub(crate) resource_type: String,
    /// The names of the parameters it searches by (several for a combination).
    pub(crate) params: Vec<String>,
    /// Where to take the values from: a resource id template (`sample`), else a search.
    pub(crate) sample: Option<String>,
    pub(crate) plan: Planned,
}

/// One parameter of a search: one, or several for a combination (all must hold).
#[derive(Debug, Clone)]
pub(crate) struct Part {
    /// The name sent in the query.
    pub(crate) name: String,
    pub(crate) variant: Variant,
    pub(crate) definition: Arc<SearchParameter>,
}

/// Whether the check can run.
#[derive(Debug, Clone)]
pub(crate) enum Planned {
    /// With these parameters.
    Ready(Vec<Part>),
    /// Skipped, with the reason (a definition that is not available).
    Skip(String),
    /// Failed without a request, with the reason (a parameter the suite requires that the
    /// server does not claim).
    Fail(String),
    /// Errored, with the reason (the built-in R4 search definitions could not be read).
    Error(String),
}

/// The generated tests of a run, by id, and the definitions they judge with.
#[derive(Debug, Default)]
pub(crate) struct Generated {
    checks: HashMap<String, Arc<SearchCheck>>,
    parameters: Option<Arc<SearchParameters>>,
}

impl Generated {
    /// The check of the generated test `id`, with the definitions to judge it by.
    pub(crate) fn get(
        &self,
        id: &str,
    ) -> Option<(Arc<SearchCheck>, Option<Arc<SearchParameters>>)> {
        Some((self.checks.get(id)?.clone(), self.parameters.clone()))
    }

    /// Every generated test with its resource type and the parameters it searches by.
    pub(crate) fn searches(&self) -> impl Iterator<Item = (&str, &str, &[String])> {
        self.checks.iter().map(|(id, check)| {
            (
                id.as_str(),
                check.resource_type.as_str(),
                check.params.as_slice(),
            )
        })
    }
}

/// `plan` with every generator's tests added (those its filter selects and whose id no other
/// test has), and suites left empty removed. `statement` is the target's CapabilityStatement
/// (or why there is none).
pub(crate) async fn expand(
    mut plan: Plan,
    client: &Client,
    statement: &Result<Value, String>,
) -> (Plan, Generated) {
    let mut generated = Generated::default();
    if plan.suites.iter().all(|s| s.generate.search.is_none()) {
        return (plan, generated);
    }
    let claimed_profiles: HashMap<String, ClaimedType> = statement
        .as_ref()
        .ok()
        .and_then(|statement| claimed_types(statement).ok())
        .into_iter()
        .flatten()
        .map(|claimed| (claimed.name.clone(), claimed))
        .collect();
    let made = match targets(client, statement).await {
        Ok((claimed, parameters)) => {
            let parameters = Arc::new(parameters);
            generated.parameters = Some(parameters.clone());
            claimed
        }
        Err(planned) => vec![Made {
            resource_type: String::new(),
            name: String::new(),
            planned_for: Err(planned),
        }],
    };
    let mut ids: HashSet<String> = plan
        .suites
        .iter()
        .flat_map(|s| &s.tests)
        .map(|t| t.id.clone())
        .collect();
    for suite in &mut plan.suites {
        let Some(generator) = &suite.generate.search else {
            continue;
        };
        let combined = combinations(generator, &made, generated.parameters.as_deref());
        for (test, mut check) in tests(generator, &made).into_iter().chain(combined) {
            if let Some(reason) = profile_not_claimed(generator, &check, &claimed_profiles) {
                check.plan = Planned::Skip(reason);
            }
            if plan.filter.selects(&test) && ids.insert(test.id.clone()) {
                generated.checks.insert(test.id.clone(), Arc::new(check));
                suite.tests.push(test);
            }
        }
    }
    // A suite that only generates profile checks keeps its place for them.
    plan.suites
        .retain(|s| !s.tests.is_empty() || s.generate.profiles.is_some());
    (plan, generated)
}

/// One claimed parameter with its definition (or why it has none).
struct Made {
    resource_type: String,
    name: String,
    /// The definition, or why there is none; `Err` when nothing could be generated.
    planned_for: Result<Result<Arc<SearchParameter>, String>, Planned>,
}

/// The claimed parameters with their definitions, and the definitions (R4 plus those the
/// target serves). Without a usable CapabilityStatement nothing is claimed, so the one test
/// made is skipped (it errs when R4 cannot be read).
async fn targets(
    client: &Client,
    statement: &Result<Value, String>,
) -> Result<(Vec<Made>, SearchParameters), Planned> {
    let unusable = |reason: String| {
        Planned::Skip(format!(
            "no CapabilityStatement to generate the search checks from: {reason}"
        ))
    };
    let statement = statement.as_ref().map_err(|e| unusable(e.clone()))?;
    let claimed = claimed_types(statement).map_err(unusable)?;
    let mut parameters = tokio::task::spawn_blocking(SearchParameters::r4)
        .await
        .map_err(|e| Planned::Error(format!("internal error: {e}")))?
        .map_err(|e| {
            Planned::Error(format!(
                "cannot read the built-in R4 search parameters: {e}"
            ))
        })?;
    let mut fetched = HashSet::new();
    for claimed_param in claimed.iter().flat_map(|t| &t.params) {
        if let Some(url) = &claimed_param.definition
            && parameters.by_url(url).is_none()
            && fetched.insert(url.clone())
            && let Ok(json) = declared_definition(client, url).await
        {
            // An unusable declaration leaves the parameter without a definition (skipped).
            let _ = parameters.add_json(&json);
        }
    }
    let made = claimed
        .iter()
        .flat_map(|claimed_type| {
            let parameters = &parameters;
            claimed_type.params.iter().map(move |param| {
                let definition = definition(parameters, &claimed_type.name, param);
                Made {
                    resource_type: claimed_type.name.clone(),
                    name: param.name.clone(),
                    planned_for: Ok(definition),
                }
            })
        })
        .collect();
    Ok((made, parameters))
}

/// The definition of a claimed parameter: the one its `definition` names (R4 or served by the
/// target), else R4's for the type and name.
fn definition(
    parameters: &SearchParameters,
    resource_type: &str,
    param: &ClaimedParam,
) -> Result<Arc<SearchParameter>, String> {
    match &param.definition {
        Some(url) => parameters
            .by_url(url)
            .filter(|d| parameters.get(resource_type, &d.code).is_some_and(|p| p.url == d.url))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "definition not available: {url} is not an R4 definition for {resource_type}, and the target's SearchParameter?url= does not serve it"
                )
            }),
        None => parameters.get(resource_type, &param.name).cloned().ok_or_else(|| {
            format!(
                "definition not available: the CapabilityStatement names none and R4 has no {} on {resource_type}",
                param.name
            )
        }),
    }
}

/// The SearchParameter the target serves with canonical `url`.
async fn declared_definition(client: &Client, url: &str) -> Result<Value, String> {
    let bundle = fetch_json(
        client,
        Target::Segments(vec!["SearchParameter".into()]),
        vec![("url".into(), url.to_owned())],
    )
    .await
    .map_err(|e| e.to_string())?;
    bundle
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.get("resource"))
        .find(|r| r.get("url").and_then(Value::as_str) == Some(url))
        .cloned()
        .ok_or_else(|| format!("no SearchParameter with url {url}"))
}

/// Why a `GET` gave no JSON.
#[derive(Debug)]
pub(crate) enum Fetch {
    /// No response: the request could not be sent or no answer came.
    Transport(String),
    /// An answer that is not a 200 with a JSON body.
    Answer(String),
}

impl std::fmt::Display for Fetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fetch::Transport(why) | Fetch::Answer(why) => f.write_str(why),
        }
    }
}

/// `GET` of `target`; the JSON body of a 200.
async fn fetch_json(
    client: &Client,
    target: Target,
    query: Vec<(String, String)>,
) -> Result<Value, Fetch> {
    let mut spec = RequestSpec::new("GET", target);
    spec.query = query;
    let sent = client
        .send(&spec)
        .await
        .map_err(|e| Fetch::Transport(e.to_string()))?;
    let response = sent.response.ok_or_else(|| {
        Fetch::Transport(sent.exchange.error.unwrap_or_else(|| "no response".into()))
    })?;
    if response.status != 200 {
        return Err(Fetch::Answer(format!("status {}", response.status)));
    }
    serde_json::from_slice(&response.body)
        .map_err(|e| Fetch::Answer(format!("the body is not JSON: {e}")))
}

/// The tests `generator` makes from the claimed parameters.
fn tests(generator: &SearchGenerator, made: &[Made]) -> Vec<(TestCase, SearchCheck)> {
    let mut out = Vec::new();
    for param in made {
        if let Some(types) = &generator.types
            && !types.contains(&param.resource_type)
            && param.planned_for.is_ok()
        {
            continue;
        }
        let pinned_any = || {
            let key = format!("{}.{}", param.resource_type, param.name);
            generator
                .levels
                .keys()
                .any(|k| *k == key || k.strip_prefix(&key).is_some_and(|v| v.starts_with(':')))
        };
        if generator.pinned_only && param.planned_for.is_ok() && !pinned_any() {
            continue;
        }
        let sample = generator.sample.get(&param.resource_type).cloned();
        let check = |plan| SearchCheck {
            resource_type: param.resource_type.clone(),
            params: vec![param.name.clone()],
            sample: sample.clone(),
            plan,
        };
        match &param.planned_for {
            Err(planned) => out.push((
                test_case(
                    format!("{}-{NO_CAPABILITIES}", generator.id_prefix),
                    "Generate the search checks from the CapabilityStatement".to_owned(),
                    Level::Shall,
                    "search",
                    String::new(),
                ),
                check(planned.clone()),
            )),
            Ok(Err(reason)) => out.push((
                test_case(
                    id(generator, param, Variant::Plain),
                    format!("Search {} by {}", param.resource_type, param.name),
                    level(generator, param, Variant::Plain),
                    "search",
                    param.resource_type.to_ascii_lowercase(),
                ),
                check(Planned::Skip(reason.clone())),
            )),
            Ok(Ok(definition)) => {
                let kind = definition.kind;
                // Resource ids have no system and no text, and every resource has one:
                // `_id:missing` asks nothing a server need index (servers answer it
                // differently). `:of-type` is for parameters on Identifiers, which R4 names
                // `identifier`.
                let variants = Variant::for_type(kind).iter().filter(|v| {
                    let on_id = param.name == "_id"
                        && matches!(
                            v,
                            Variant::System
                                | Variant::NoSystem
                                | Variant::SystemOnly
                                | Variant::Missing
                                | Variant::Text
                        );
                    let of_type_elsewhere = **v == Variant::OfType && param.name != "identifier";
                    let unpinned = generator.pinned_only && !pinned(generator, param, **v);
                    !on_id && !of_type_elsewhere && !unpinned
                });
                for &variant in variants {
                    out.push((
                        test_case(
                            id(generator, param, variant),
                            format!(
                                "Search {} by {} ({})",
                                param.resource_type,
                                param.name,
                                variant.describe(kind)
                            ),
                            level(generator, param, variant),
                            &variant.section(kind),
                            param.resource_type.to_ascii_lowercase(),
                        )
                        .described(definition),
                        check(Planned::Ready(vec![Part {
                            name: param.name.clone(),
                            variant,
                            definition: definition.clone(),
                        }])),
                    ));
                }
            }
        }
    }
    out.extend(required_but_not_claimed(generator, made));
    out
}

/// A failing test for each parameter the suite pins at SHALL (`levels: { Type.code: SHALL }`)
/// that the CapabilityStatement does not claim: required, so not claiming it is the failure.
/// Nothing is made when no CapabilityStatement could be read (that has its own test).
fn required_but_not_claimed(
    generator: &SearchGenerator,
    made: &[Made],
) -> Vec<(TestCase, SearchCheck)> {
    if made.iter().any(|m| m.planned_for.is_err()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (key, level) in &generator.levels {
        let Some((resource_type, code)) = key.split_once('.') else {
            continue;
        };
        let claimed = made
            .iter()
            .any(|m| m.resource_type == resource_type && m.name == code);
        let wanted = generator
            .types
            .as_ref()
            .is_none_or(|types| types.iter().any(|t| t == resource_type));
        if *level != Level::Shall || code.contains(':') || claimed || !wanted {
            continue;
        }
        let reason = format!(
            "required but not claimed: the checklist requires searching {resource_type} by \
             {code} (SHALL), and the CapabilityStatement lists no searchParam {code} for \
             {resource_type}"
        );
        out.push((
            test_case(
                format!("{}-{resource_type}-{code}", generator.id_prefix),
                format!("Search {resource_type} by {code}"),
                Level::Shall,
                "search",
                resource_type.to_ascii_lowercase(),
            ),
            SearchCheck {
                resource_type: resource_type.to_owned(),
                params: vec![code.to_owned()],
                sample: None,
                plan: Planned::Fail(reason),
            },
        ));
    }
    out
}

/// The checks of `generator.combinations` (`Type.code+code…`): every parameter in its plain
/// variant, by its claimed definition, else R4's. A combination on a type the target does not
/// claim, or with a parameter without a definition, is skipped with the reason.
fn combinations(
    generator: &SearchGenerator,
    made: &[Made],
    parameters: Option<&SearchParameters>,
) -> Vec<(TestCase, SearchCheck)> {
    let Some(parameters) = parameters else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, level) in &generator.combinations {
        let Some((resource_type, codes)) = key.split_once('.') else {
            continue;
        };
        let codes: Vec<&str> = codes.split('+').collect();
        let claimed = made.iter().any(|m| m.resource_type == resource_type);
        let parts: Result<Vec<Part>, String> = codes
            .iter()
            .map(|code| {
                let claimed_definition = made
                    .iter()
                    .find(|m| m.resource_type == resource_type && m.name == *code)
                    .and_then(|m| m.planned_for.as_ref().ok()?.as_ref().ok().cloned());
                let definition = claimed_definition
                    .or_else(|| parameters.get(resource_type, code).cloned())
                    .ok_or_else(|| {
                        format!("definition not available: R4 has no {code} on {resource_type}")
                    })?;
                Ok(Part {
                    name: (*code).to_owned(),
                    variant: Variant::Plain,
                    definition,
                })
            })
            .collect();
        let plan = match parts {
            _ if !claimed => Planned::Skip(format!(
                "the CapabilityStatement does not claim {resource_type}"
            )),
            Ok(parts) => Planned::Ready(parts),
            Err(reason) => Planned::Skip(reason),
        };
        let test = test_case(
            format!(
                "{}-{resource_type}-{}",
                generator.id_prefix,
                codes.join("+")
            ),
            format!("Search {resource_type} by {} together", codes.join(" and ")),
            *level,
            "combining",
            resource_type.to_ascii_lowercase(),
        );
        out.push((
            test,
            SearchCheck {
                resource_type: resource_type.to_owned(),
                params: codes.iter().map(|c| (*c).to_owned()).collect(),
                sample: generator.sample.get(resource_type).cloned(),
                plan,
            },
        ));
    }
    out
}

/// Why the check is skipped when its type's `requires_profile` is not claimed by the target.
fn profile_not_claimed(
    generator: &SearchGenerator,
    check: &SearchCheck,
    claimed: &HashMap<String, ClaimedType>,
) -> Option<String> {
    let url = generator.requires_profile.get(&check.resource_type)?;
    let claims = claimed
        .get(&check.resource_type)
        .is_some_and(|claimed| claimed.claims_profile(url));
    (!claims).then(|| {
        format!(
            "the checklist applies to servers claiming {url}, and the CapabilityStatement lists it neither as the profile nor as a supportedProfile of {}",
            check.resource_type
        )
    })
}

/// Whether `levels` pins the variant (`Type.code` for the plain one, `Type.code:variant`).
fn pinned(generator: &SearchGenerator, param: &Made, variant: Variant) -> bool {
    generator.levels.contains_key(&level_key(param, variant))
}

/// `<prefix>-<Type>-<code>[-<variant>]`.
fn id(generator: &SearchGenerator, param: &Made, variant: Variant) -> String {
    let mut id = format!(
        "{}-{}-{}",
        generator.id_prefix, param.resource_type, param.name
    );
    if let Some(name) = variant.name() {
        id.push('-');
        id.push_str(name);
    }
    id
}

/// The level `levels` pins (`Type.code` for the plain variant, `Type.code:variant` for the
/// others), else the generator's default.
fn level(generator: &SearchGenerator, param: &Made, variant: Variant) -> Level {
    generator
        .levels
        .get(&level_key(param, variant))
        .copied()
        .unwrap_or(generator.level)
}

/// The `levels` key of a variant: `Type.code`, or `Type.code:variant`.
fn level_key(param: &Made, variant: Variant) -> String {
    let key = format!("{}.{}", param.resource_type, param.name);
    match variant.name() {
        Some(name) => format!("{key}:{name}"),
        None => key,
    }
}

/// What a generated test's description says: the definition it judges by.
trait Described {
    fn described(self, definition: &SearchParameter) -> Self;
}

impl Described for TestCase {
    fn described(mut self, definition: &SearchParameter) -> TestCase {
        self.description = Some(format!(
            "A value is taken from a resource on the server and searched by; every match must satisfy the criterion (precision), the resource the value came from must be among them (recall), the result must be a searchset whose entries have a fullUrl. Judged by the SearchParameter {} ({}): {}",
            definition.url,
            definition.kind,
            definition.expression.as_deref().unwrap_or("no expression")
        ));
        self
    }
}

fn test_case(id: String, title: String, level: Level, section: &str, tag: String) -> TestCase {
    let mut tags = vec!["search".to_owned(), "generated".to_owned()];
    if !tag.is_empty() {
        tags.push(tag);
    }
    TestCase {
        id,
        title,
        level,
        tags,
        requirement: Some(format!("https://hl7.org/fhir/R4/search.html#{section}")),
        description: None,
        needs: Vec::new(),
        steps: Vec::new(),
    }
}
