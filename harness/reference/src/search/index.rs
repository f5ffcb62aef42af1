//! Indexes over the live resources for the search parameters where a lookup beats a scan:
//! token parameters by code, string parameters by normalised text (so a starts-with search is
//! one range of keys), reference parameters by the id referred to. `_id` needs no index of its
//! own: the ids it names are the candidates, found in the store's own map.
//!
//! The normalised texts are computed once, when a resource is indexed: a starts-with search
//! takes a range of them and a `:contains` search tests each of them for the value, so neither
//! normalises a stored text again. Those two offer exactly the resources that meet them, so
//! their criterion needs no further test (it is *settled*). Every other offer only narrows a
//! search: the resources it offers include every match, and each is still tested as a scan
//! tests it. Either way matches, their order, paging and totals are the scan's. A search with
//! no criterion an index can answer scans.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use serde_json::Value;

use super::criterion::{Criterion, Matcher, Test};
use super::path;
use super::reference::target_of;
use super::string::{StringMode, normalise, texts};
use super::token::{TokenQuery, codings};
use crate::resource_types::{self, ParamKind, SearchParam};

/// The ids of the live resources under each key of each indexed parameter, by type. The store
/// keeps it in step with every write.
#[derive(Debug, Default)]
pub struct Index {
    types: HashMap<&'static str, HashMap<&'static str, Keys>>,
}

/// The ids under each key of one parameter.
type Keys = BTreeMap<String, Ids>;

/// The ids under one key, in order: a sorted list while there are few, a tree once there are
/// many. Most keys (an identifier, a name) have one resource and stay small; the few that many
/// resources share (a gender, a status) stay quick to change.
#[derive(Debug)]
enum Ids {
    Few(Vec<Arc<str>>),
    Many(BTreeSet<Arc<str>>),
}

/// The most ids [`Ids::Few`] holds.
const FEW: usize = 32;

/// Where a criterion's value finds its candidates.
enum Lookup<'a> {
    /// Under exactly this key.
    Key(String),
    /// Under every key that starts with this.
    Prefix(String),
    /// Under every key that contains this: a walk over every key of the parameter.
    Containing(String),
    /// The resource with this id (`_id`).
    Id(&'a str),
}

/// The candidates one criterion offers: the ids under some keys, and ids it names outright;
/// `exact` when they are exactly the resources that meet the criterion.
struct Offer<'a> {
    sets: Vec<&'a Ids>,
    named: Vec<&'a str>,
    exact: bool,
}

/// How an index answers a criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// By looking up keys: the criterion narrows a search.
    Lookup,
    /// By testing every key of the parameter (`:contains`): cheaper than testing every
    /// resource, but still a walk over all of a parameter's texts.
    KeyWalk,
}

/// The candidates for a search: the ids to test, in order, and the criterion (its position)
/// they are known to meet, which needs no test.
#[derive(Debug)]
pub struct Candidates<'a> {
    /// The ids, in order; some may have no live resource.
    pub ids: Vec<&'a str>,
    /// The criterion every candidate meets, if the index knows one.
    pub settled: Option<usize>,
}

impl Index {
    /// Indexes `resource`, now the live version of `resource_type/id`.
    pub fn insert(&mut self, resource_type: &str, id: &str, resource: &Value) {
        let Some(served) = resource_types::served(resource_type) else {
            return;
        };
        let id: Arc<str> = Arc::from(id);
        let params = self.types.entry(served.name).or_default();
        for param in served.search_params {
            for key in keys_of(param, resource) {
                params
                    .entry(param.name)
                    .or_default()
                    .entry(key)
                    .or_default()
                    .insert(&id);
            }
        }
    }

    /// Forgets `resource`, until now the live version of `resource_type/id`.
    pub fn remove(&mut self, resource_type: &str, id: &str, resource: &Value) {
        let Some(served) = resource_types::served(resource_type) else {
            return;
        };
        let Some(params) = self.types.get_mut(served.name) else {
            return;
        };
        for param in served.search_params {
            let Some(keys) = params.get_mut(param.name) else {
                continue;
            };
            for key in keys_of(param, resource) {
                if let Some(ids) = keys.get_mut(&key) {
                    ids.remove(id);
                    if ids.is_empty() {
                        keys.remove(&key);
                    }
                }
            }
        }
    }

    /// The ids, in order, of the live resources of `resource_type` that may meet all of
    /// `criteria` (among them every one that does, and perhaps ids no live resource has), from
    /// the criterion that offers the fewest: one looked up if any is, else one whose keys are
    /// walked; `None` when no criterion can be answered.
    pub fn candidates<'a>(
        &'a self,
        resource_type: &str,
        criteria: &'a [Criterion],
    ) -> Option<Candidates<'a>> {
        let params = self.types.get(resource_type);
        let fewest = |how: Answer| {
            criteria
                .iter()
                .enumerate()
                .filter(|(_, criterion)| answer(criterion) == Some(how))
                .filter_map(|(at, criterion)| Some((at, offer_for(params, criterion)?)))
                .min_by_key(|(_, offer)| offer.len())
        };
        let (at, offer) = fewest(Answer::Lookup).or_else(|| fewest(Answer::KeyWalk))?;
        Some(Candidates {
            settled: offer.exact.then_some(at),
            ids: offer.ids(),
        })
    }

    /// Whether a search with `criteria` on `resource_type` may test more than `limit`
    /// resources, as far as the index can tell before it runs: the resources its chains look
    /// up, plus the fewest any criterion it looks up offers (for a chained one, the resources
    /// referring to those its lookups offer). A search that looks up no criterion, or a chain
    /// that looks up none, tests every resource of a type and is counted as more.
    pub fn tests_more_than(
        &self,
        resource_type: &str,
        criteria: &[Criterion],
        limit: usize,
    ) -> bool {
        let params = self.types.get(resource_type);
        let mut chained = 0_usize;
        let mut fewest = None::<usize>;
        for criterion in criteria {
            let offered = match &criterion.test {
                Test::Chain(chain) => {
                    let keys = params.and_then(|params| params.get(criterion.param.name));
                    let mut referring = 0_usize;
                    for (target, looked_up) in chain {
                        if !narrows(looked_up) {
                            return true;
                        }
                        let Some(offer) = offer_for(self.types.get(target.name), looked_up) else {
                            return true;
                        };
                        chained = chained.saturating_add(offer.len());
                        if chained > limit {
                            return true;
                        }
                        for id in offer.ids() {
                            let under = keys.and_then(|keys| keys.get(id)).map_or(0, Ids::len);
                            referring = referring.saturating_add(under);
                        }
                    }
                    Some(referring)
                }
                _ if narrows(criterion) => offer_for(params, criterion).map(|offer| offer.len()),
                _ => None,
            };
            fewest = match (fewest, offered) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        fewest.is_none_or(|fewest| chained.saturating_add(fewest) > limit)
    }
}

impl Default for Ids {
    fn default() -> Self {
        Self::Few(Vec::new())
    }
}

impl Ids {
    fn insert(&mut self, id: &Arc<str>) {
        match self {
            Self::Few(ids) => match ids.binary_search(id) {
                Ok(_) => {}
                Err(at) if ids.len() < FEW => {
                    ids.reserve_exact(1);
                    ids.insert(at, id.clone());
                }
                Err(_) => {
                    let mut many: BTreeSet<Arc<str>> = ids.drain(..).collect();
                    many.insert(id.clone());
                    *self = Self::Many(many);
                }
            },
            Self::Many(ids) => {
                ids.insert(id.clone());
            }
        }
    }

    fn remove(&mut self, id: &str) {
        match self {
            Self::Few(ids) => {
                if let Ok(at) = ids.binary_search_by(|held| (**held).cmp(id)) {
                    ids.remove(at);
                }
            }
            Self::Many(ids) => {
                ids.remove(id);
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Few(ids) => ids.len(),
            Self::Many(ids) => ids.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        let (few, many) = match self {
            Self::Few(ids) => (Some(ids.iter()), None),
            Self::Many(ids) => (None, Some(ids.iter())),
        };
        few.into_iter()
            .flatten()
            .chain(many.into_iter().flatten())
            .map(|id| &**id)
    }
}

impl<'a> Offer<'a> {
    fn len(&self) -> usize {
        self.sets.iter().map(|ids| ids.len()).sum::<usize>() + self.named.len()
    }

    /// Every id offered, once each, in order.
    fn ids(self) -> Vec<&'a str> {
        match (self.sets.as_slice(), self.named.is_empty()) {
            ([ids], true) => ids.iter().collect(),
            _ => {
                let union: BTreeSet<&str> = self
                    .sets
                    .iter()
                    .flat_map(|ids| ids.iter())
                    .chain(self.named)
                    .collect();
                union.into_iter().collect()
            }
        }
    }
}

/// Whether an index answers `criterion` by lookups, so that a search with it tests only the
/// resources the index offers rather than every one, and walks no index either.
pub fn narrows(criterion: &Criterion) -> bool {
    answer(criterion) == Some(Answer::Lookup)
}

/// How an index answers `criterion`, if it does: [`Index::candidates`] can take an offer from
/// it exactly then.
pub fn answer(criterion: &Criterion) -> Option<Answer> {
    let Test::AnyOf(matchers) = &criterion.test else {
        return None;
    };
    let mut how = Answer::Lookup;
    for matcher in matchers {
        if let Lookup::Containing(_) = lookup(criterion.param, matcher)? {
            how = Answer::KeyWalk;
        }
    }
    Some(how)
}

/// What `criterion` offers, or `None` when it is not one an index answers (`:missing`,
/// `:not`, `:text`, dates …).
fn offer_for<'a>(
    params: Option<&'a HashMap<&'static str, Keys>>,
    criterion: &'a Criterion,
) -> Option<Offer<'a>> {
    let Test::AnyOf(matchers) = &criterion.test else {
        return None;
    };
    let lookups = matchers
        .iter()
        .map(|matcher| lookup(criterion.param, matcher))
        .collect::<Option<Vec<_>>>()?;
    let keys = params.and_then(|params| params.get(criterion.param.name));
    let mut offer = Offer {
        sets: Vec::new(),
        named: Vec::new(),
        exact: lookups
            .iter()
            .all(|lookup| matches!(lookup, Lookup::Prefix(_) | Lookup::Containing(_))),
    };
    for lookup in lookups {
        match (lookup, keys) {
            (Lookup::Id(id), _) => offer.named.push(id),
            (Lookup::Key(key), Some(keys)) => offer.sets.extend(keys.get(&key)),
            (Lookup::Prefix(prefix), Some(keys)) => offer.sets.extend(
                keys.range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                    .take_while(|(key, _)| key.starts_with(prefix.as_str()))
                    .map(|(_, ids)| ids),
            ),
            (Lookup::Containing(part), Some(keys)) => offer.sets.extend(
                keys.iter()
                    .filter(|(key, _)| key.contains(part.as_str()))
                    .map(|(_, ids)| ids),
            ),
            (Lookup::Key(_) | Lookup::Prefix(_) | Lookup::Containing(_), None) => {}
        }
    }
    Some(offer)
}

/// Where the matches for `matcher` on `param` are found, if the index can find them all: a
/// value that matches it always has the key [`keys_of`] gives, or (`_id`) the id it names. A
/// string's keys are its texts as it matches them, so the keys found for a starts-with or
/// `:contains` value are exactly those of the values that match it.
fn lookup<'a>(param: &SearchParam, matcher: &'a Matcher) -> Option<Lookup<'a>> {
    match (param.kind, matcher) {
        (
            ParamKind::Token,
            Matcher::Token(TokenQuery::Code {
                code: Some(code), ..
            }),
        ) if param.name == "_id" => Some(Lookup::Id(code)),
        (
            ParamKind::Token,
            Matcher::Token(TokenQuery::Code {
                code: Some(code), ..
            }),
        ) => Some(Lookup::Key(code.clone())),
        (ParamKind::String, Matcher::String(query)) => match query.mode() {
            StringMode::StartsWith => Some(Lookup::Prefix(query.value().to_owned())),
            StringMode::Exact => Some(Lookup::Key(normalise(query.value()))),
            StringMode::Contains => Some(Lookup::Containing(query.value().to_owned())),
        },
        (ParamKind::Reference, Matcher::Reference(query)) => {
            Some(Lookup::Key(query.id().to_owned()))
        }
        _ => None,
    }
}

/// The keys `resource` is indexed under for `param`: the codes of a token parameter, the
/// normalised texts of a string parameter, the ids a reference parameter points to. `_id`,
/// dates, quantities and URIs are not indexed.
fn keys_of(param: &SearchParam, resource: &Value) -> Vec<String> {
    let values = param
        .paths
        .iter()
        .flat_map(|element| path::values(resource, element));
    match param.kind {
        _ if param.name == "_id" => Vec::new(),
        ParamKind::Token => values
            .flat_map(codings)
            .filter_map(|(_, code)| code.map(str::to_owned))
            .collect(),
        ParamKind::String => values.flat_map(texts).map(normalise).collect(),
        ParamKind::Reference => values
            .filter_map(target_of)
            .map(|(_, id)| id.to_owned())
            .collect(),
        ParamKind::Date | ParamKind::Quantity | ParamKind::Uri => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    //! The index must never change a search's answer: every query below, run against fixtures
    //! and generated look-alikes, before and after writes, must find the same resources in the
    //! same order with the index as by a scan. Sorting, paging and totals work on that list
    //! alone, so they follow.

    use serde_json::{Map, Value};

    use super::super::{SearchOptions, SearchRequest};
    use super::*;
    use crate::fixtures::Fixtures;
    use crate::resource_types::{ResourceType, SERVED};
    use crate::store::{Store, now};

    /// xorshift64: the same resources and queries on every run.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }

        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    type Query = (&'static ResourceType, Vec<(String, String)>);

    /// `text` changed in the ways search must see through or tell apart: case, accents,
    /// length, additions.
    fn vary(rng: &mut Rng, text: &str) -> String {
        let length = text.chars().count();
        match rng.below(7) {
            0 => text.to_uppercase(),
            1 => text.to_lowercase(),
            2 => text.replace('e', "é").replace('a', "\u{0061}\u{0300}"),
            3 => text.chars().take(1 + rng.below(length)).collect(),
            4 => text.chars().skip(rng.below(length)).collect(),
            5 => format!("{text}{}", rng.pick(&["x", "ß", "\u{301}", " Jr", ",|$"])),
            _ => text.to_owned(),
        }
    }

    /// A copy of `value` with strings varied, some elements dropped, some one-item arrays
    /// unwrapped, and references pointing at one of `patients` in one of several spellings.
    fn mutate(rng: &mut Rng, value: &Value, key: &str, patients: &[String]) -> Value {
        match value {
            Value::String(_) if key == "reference" => {
                let id = rng.pick(patients);
                let reference = match rng.below(5) {
                    0 => format!("Patient/{id}"),
                    1 => format!("https://example.org/fhir/Patient/{id}"),
                    2 => format!("Patient/{id}/_history/1"),
                    3 => format!("Group/{id}"),
                    _ => format!("Practitioner/{id}"),
                };
                Value::String(reference)
            }
            Value::String(text) if key != "resourceType" && rng.chance(30) => {
                Value::String(vary(rng, text))
            }
            Value::Object(fields) => {
                let mut copy = Map::new();
                for (name, field) in fields {
                    if name == "resourceType" || !rng.chance(5) {
                        copy.insert(name.clone(), mutate(rng, field, name, patients));
                    }
                }
                Value::Object(copy)
            }
            Value::Array(items) if items.len() == 1 && rng.chance(10) => {
                mutate(rng, &items[0], key, patients)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| mutate(rng, item, key, patients))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// `text` as a search value, its separators escaped.
    fn escape(text: &str) -> String {
        text.chars()
            .flat_map(|c| match c {
                '\\' | ',' | '|' | '$' => vec!['\\', c],
                _ => vec![c],
            })
            .collect()
    }

    /// `name[:modifier]` and value pairs for `param`, made from what `resource` holds there.
    fn params_for(rng: &mut Rng, param: &SearchParam, resource: &Value) -> Vec<(String, String)> {
        let name = param.name;
        let elements: Vec<&Value> = param
            .paths
            .iter()
            .flat_map(|element| path::values(resource, element))
            .collect();
        let mut params = vec![(
            format!("{name}:missing"),
            rng.pick(&["true", "false"]).to_string(),
        )];
        match param.kind {
            ParamKind::Token => {
                for (system, code) in elements.iter().flat_map(|element| codings(element)) {
                    let code = code.unwrap_or("x");
                    let varied = vary(rng, code);
                    let system = system.unwrap_or("");
                    params.extend([
                        (name.to_owned(), escape(code)),
                        (name.to_owned(), escape(&varied)),
                        (
                            name.to_owned(),
                            format!("{}|{}", escape(system), escape(code)),
                        ),
                        (name.to_owned(), format!("|{}", escape(code))),
                        (name.to_owned(), format!("{}|", escape(system))),
                        (format!("{name}:not"), escape(code)),
                        (format!("{name}:text"), escape(&varied)),
                    ]);
                }
            }
            ParamKind::String => {
                for text in elements.iter().flat_map(|element| texts(element)) {
                    let varied = vary(rng, text);
                    params.extend([
                        (name.to_owned(), escape(&varied)),
                        (name.to_owned(), escape(text)),
                        (format!("{name}:exact"), escape(text)),
                        (format!("{name}:exact"), escape(&varied)),
                        (format!("{name}:contains"), escape(&varied)),
                    ]);
                }
            }
            ParamKind::Reference => {
                for (resource_type, id) in elements.iter().filter_map(|element| target_of(element))
                {
                    params.extend([
                        (name.to_owned(), id.to_owned()),
                        (name.to_owned(), format!("{resource_type}/{id}")),
                        (
                            name.to_owned(),
                            format!("http://elsewhere.org/r4/{resource_type}/{id}"),
                        ),
                        (format!("{name}:Patient"), id.to_owned()),
                        (format!("{name}:identifier"), id.to_owned()),
                    ]);
                }
                let name_part = *rng.pick(&["Amelia", "jones", "Chloé", "given1", "Load"]);
                let given = vary(rng, name_part);
                params.extend([
                    (format!("{name}.name"), escape(&given)),
                    (format!("{name}:Patient.family"), escape(&given)),
                    (
                        format!("{name}.gender"),
                        rng.pick(&["male", "female"]).to_string(),
                    ),
                    (
                        format!("{name}._id"),
                        rng.pick(&["amelia-jones", "1", "2"]).to_string(),
                    ),
                ]);
            }
            ParamKind::Date | ParamKind::Quantity | ParamKind::Uri => {}
        }
        params
    }

    /// Queries on every served type: single parameters, alternatives and combinations.
    fn queries(rng: &mut Rng, store: &Store) -> Vec<Query> {
        let mut queries = Vec::new();
        for resource_type in SERVED {
            let live = live(store, resource_type.name);
            let mut singles = Vec::new();
            for _ in 0..6 {
                let resource = rng.pick(&live).clone();
                for param in resource_type.search_params {
                    singles.extend(params_for(rng, param, &resource));
                }
                singles.push((
                    "_id".to_owned(),
                    resource["id"].as_str().unwrap().to_owned(),
                ));
            }
            for index in 0..singles.len() {
                let (name, value) = singles[index].clone();
                let mut query = vec![(name.clone(), value.clone())];
                if rng.chance(25) {
                    let (other_name, other_value) = rng.pick(&singles).clone();
                    if other_name == name {
                        query[0].1 = format!("{value},{other_value}");
                    } else {
                        query.push((other_name, other_value));
                    }
                }
                queries.push((resource_type, query));
            }
        }
        queries
    }

    fn live(store: &Store, resource_type: &str) -> Vec<Arc<Value>> {
        store.live_where(resource_type, |_| true)
    }

    fn ids(resources: &[Arc<Value>]) -> Vec<&str> {
        resources
            .iter()
            .map(|resource| resource["id"].as_str().unwrap())
            .collect()
    }

    /// Runs every query both ways under `options`; returns how many parsed and, of those, how
    /// many a fresh index narrowed to fewer resources than the type has.
    fn compare(store: &Store, queries: &[Query], options: &SearchOptions) -> (usize, usize) {
        let mut fresh = Index::default();
        let mut totals = HashMap::new();
        for resource_type in SERVED {
            let resources = live(store, resource_type.name);
            for resource in &resources {
                fresh.insert(
                    resource_type.name,
                    resource["id"].as_str().unwrap(),
                    resource,
                );
            }
            totals.insert(resource_type.name, resources.len());
        }
        let (mut parsed, mut narrowed) = (0, 0);
        for (resource_type, params) in queries {
            let Ok(request) = SearchRequest::parse(resource_type, params, options) else {
                continue;
            };
            parsed += 1;
            let scans = request.scans();
            let chain_scans = request
                .criteria
                .iter()
                .any(|criterion| match &criterion.test {
                    Test::Chain(chain) => chain.iter().any(|(target, looked_up)| {
                        fresh
                            .candidates(target.name, std::slice::from_ref(looked_up))
                            .is_none()
                    }),
                    _ => false,
                });
            let mut scanned = request.clone();
            scanned.resolve_chains(|target, criterion| {
                store.live_where(target.name, |resource| criterion.matches(resource))
            });
            let expected =
                store.live_where(resource_type.name, |resource| scanned.matches(resource));
            let mut looked_up = request;
            looked_up.resolve_chains(|target, criterion| {
                store.live_matching(target.name, std::slice::from_ref(criterion), |_| true)
            });
            let found = store.live_matching(resource_type.name, &looked_up.criteria, |_| true);
            assert_eq!(
                ids(&found),
                ids(&expected),
                "{}?{params:?}",
                resource_type.name
            );
            let offered = fresh.candidates(resource_type.name, &looked_up.criteria);
            assert_eq!(
                scans,
                chain_scans || !looked_up.criteria.iter().any(narrows),
                "{}?{params:?}",
                resource_type.name
            );
            assert_eq!(
                offered.is_some(),
                looked_up
                    .criteria
                    .iter()
                    .any(|criterion| answer(criterion).is_some()),
                "{}?{params:?}",
                resource_type.name
            );
            if offered.is_some_and(|candidates| candidates.ids.len() < totals[resource_type.name]) {
                narrowed += 1;
            }
        }
        (parsed, narrowed)
    }

    fn generated_store(rng: &mut Rng) -> Store {
        let store = Store::default();
        let fixtures = Fixtures::embedded().unwrap();
        fixtures.load_into(&store, now()).unwrap();
        let mut patients: Vec<String> = ids(&live(&store, "Patient"))
            .into_iter()
            .map(str::to_owned)
            .collect();
        patients.extend(["nobody".to_owned(), "1".to_owned()]);
        for round in 0..15 {
            for resource in fixtures.resources() {
                let resource_type = resource["resourceType"].as_str().unwrap();
                let copy = mutate(rng, resource, "", &patients);
                let created = store.create(resource_type, copy).unwrap();
                if resource_type == "Patient" && round % 3 == 0 {
                    patients.push(created.id);
                }
            }
        }
        store
    }

    /// Updates (some in place, as the `update-keeps-version` defect does), deletes and
    /// re-creates, so the index has to follow every kind of write.
    fn rewrite(rng: &mut Rng, store: &Store) {
        let patients: Vec<String> = ids(&live(store, "Patient"))
            .into_iter()
            .map(str::to_owned)
            .collect();
        for resource_type in SERVED {
            let live = live(store, resource_type.name);
            for _ in 0..live.len() / 3 {
                let resource = rng.pick(&live);
                let id = resource["id"].as_str().unwrap();
                match rng.below(4) {
                    0 => {
                        store.delete(resource_type.name, id);
                    }
                    choice => {
                        let copy = mutate(rng, resource, "", &patients);
                        store
                            .update(resource_type.name, id, copy, None, choice == 1)
                            .unwrap();
                    }
                }
            }
        }
    }

    #[test]
    fn the_index_finds_what_a_scan_finds_before_and_after_writes() {
        let mut rng = Rng(0x5eed_1dea_0001);
        let store = generated_store(&mut rng);
        let variants = [
            SearchOptions::default(),
            SearchOptions {
                exact_as_default: true,
                ignore_unknown_modifiers: true,
                ..SearchOptions::default()
            },
        ];
        for pass in 0..3 {
            let queries = queries(&mut rng, &store);
            for options in &variants {
                let (parsed, narrowed) = compare(&store, &queries, options);
                assert!(parsed > 2000, "pass {pass}: only {parsed} queries parsed");
                assert!(
                    narrowed * 3 > parsed,
                    "pass {pass}: the index narrowed only {narrowed} of {parsed} queries"
                );
            }
            rewrite(&mut rng, &store);
        }
    }

    #[test]
    fn starts_with_and_contains_searches_normalise_no_stored_text() {
        let store = Store::default();
        for n in 0..2_000 {
            let patient = serde_json::json!({
                "resourceType": "Patient",
                "name": [{"family": format!("Généré{n}"), "given": ["Zoë", "Ann"]}],
            });
            store.create("Patient", patient).unwrap();
        }
        let patient = crate::resource_types::served("Patient").unwrap();
        for (key, value, found) in [
            ("name:contains", "ÉRÉ1", 1_111),
            ("name:contains", "oe", 2_000),
            ("name:contains", "ann,e19", 2_000),
            ("name:contains", "nowhere", 0),
            ("family", "GENERE19", 111),
            ("name", "zoe", 2_000),
        ] {
            let params = [(key.to_owned(), value.to_owned())];
            let request =
                SearchRequest::parse(patient, &params, &SearchOptions::default()).unwrap();
            let before = super::super::string::NORMALISED.get();
            let matches = store.live_matching("Patient", &request.criteria, |_| true);
            let normalised = super::super::string::NORMALISED.get() - before;
            assert_eq!(normalised, 0, "{key}={value}");
            assert_eq!(matches.len(), found, "{key}={value}");
            let scanned = store.live_where("Patient", |resource| request.matches(resource));
            assert_eq!(ids(&matches), ids(&scanned), "{key}={value}");
        }
    }

    #[test]
    fn prefix_lookups_take_exactly_the_keys_that_start_with_the_value() {
        let mut index = Index::default();
        for (id, family) in [("a", "Jones"), ("b", "Jónsson"), ("c", "Jo"), ("d", "Kim")] {
            let patient = serde_json::json!({"id": id, "name": [{"family": family}]});
            index.insert("Patient", id, &patient);
        }
        let family = |value: &str| {
            let request = SearchRequest::parse(
                crate::resource_types::served("Patient").unwrap(),
                &[("family".to_owned(), value.to_owned())],
                &SearchOptions::default(),
            )
            .unwrap();
            index
                .candidates("Patient", &request.criteria)
                .unwrap()
                .ids
                .join(",")
        };
        assert_eq!(family("JO"), "a,b,c");
        assert_eq!(family("jon"), "a,b");
        assert_eq!(family("Jó"), "a,b,c");
        assert_eq!(family("Jones,Kim"), "a,d");
        assert_eq!(family("Ka"), "");
    }
}
