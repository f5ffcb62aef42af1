//! The in-memory, versioned resource store. Every write keeps the previous versions, so read,
//! vread and history all come from the same record. Safe to share between requests.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::search::{Criterion, Index};

/// The kind of write that produced a version, as a history entry reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Created (fixture load or POST).
    Create,
    /// Replaced or created with a client-chosen id (PUT).
    Update,
    /// Deleted: the version has no resource.
    Delete,
}

/// One version of one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// Resource type.
    pub resource_type: String,
    /// Logical id.
    pub id: String,
    /// Version number, from 1.
    pub version_id: u64,
    /// When this version was written.
    pub last_updated: OffsetDateTime,
    /// What produced it.
    pub change: Change,
    /// The resource with `id` and `meta` filled in, shared and never changed; `None` for a
    /// deletion.
    pub resource: Option<Arc<Value>>,
    sequence: u64,
}

/// Whose versions a history lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryScope<'a> {
    /// One resource: its type and id.
    Instance(&'a str, &'a str),
    /// Every resource of a type.
    Type(&'a str),
    /// Every resource.
    System,
}

/// The state of a resource now.
#[derive(Debug, Clone, PartialEq)]
pub enum Current {
    /// It exists; the latest version.
    Live(Version),
    /// It was deleted; the deletion version.
    Deleted(Version),
    /// It never existed.
    Missing,
}

/// The most versions (of every resource, history included) the store keeps, so that a client
/// that creates without end cannot exhaust the server's memory; past it, writes are refused.
pub const MAX_VERSIONS: u64 = 100_000;

/// Why an update was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateRefused {
    /// The version named in `If-Match` is not the current one.
    Conflict {
        /// The current version, or `None` when the resource does not exist.
        current: Option<u64>,
    },
    /// The store holds [`MAX_VERSIONS`] already.
    Full,
}

/// The store holds [`MAX_VERSIONS`] already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreFull;

/// What a delete did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// The resource was live and is now deleted.
    Deleted,
    /// It had already been deleted.
    AlreadyDeleted,
    /// It never existed.
    Missing,
}

/// Resources by type and id, each with its versions oldest first, and an [`Index`] of the live
/// ones that every write keeps up to date.
#[derive(Debug, Default)]
pub struct Store {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    resources: BTreeMap<String, BTreeMap<String, Vec<Arc<Version>>>>,
    index: Index,
    next_sequence: u64,
    next_id: u64,
}

impl Store {
    /// Adds `resource` (which must carry its `resourceType` and `id`) as version 1.
    pub fn load(&self, resource: Value, last_updated: OffsetDateTime) -> Result<(), String> {
        let resource_type = string_field(&resource, "resourceType")?;
        let id = string_field(&resource, "id")?;
        let mut inner = self.write();
        if inner.history_of(&resource_type, &id).is_some() {
            return Err(format!("{resource_type}/{id} is loaded twice"));
        }
        inner.append(
            resource_type,
            id,
            Change::Create,
            Some(resource),
            last_updated,
        );
        Ok(())
    }

    /// The current state of `resource_type/id`.
    pub fn current(&self, resource_type: &str, id: &str) -> Current {
        let inner = self.read();
        match inner.history_of(resource_type, id).and_then(|v| v.last()) {
            Some(version) if version.resource.is_some() => Current::Live(Version::clone(version)),
            Some(version) => Current::Deleted(Version::clone(version)),
            None => Current::Missing,
        }
    }

    /// Version `version_id` of `resource_type/id`.
    pub fn version(&self, resource_type: &str, id: &str, version_id: u64) -> Option<Version> {
        let inner = self.read();
        inner
            .history_of(resource_type, id)?
            .iter()
            .find(|version| version.version_id == version_id)
            .map(|version| Version::clone(version))
    }

    /// The live resources of a type for which `keep` holds, ordered by id. The read lock is held
    /// only to take the resources, which are shared: testing them happens after, so a long
    /// search never holds up writes, and nothing is copied.
    pub fn live_where(
        &self,
        resource_type: &str,
        keep: impl FnMut(&Value) -> bool,
    ) -> Vec<Arc<Value>> {
        self.live_matching(resource_type, &[], keep)
    }

    /// The live resources of a type that meet all of `criteria` and for which `keep` holds,
    /// ordered by id: only the resources the index offers for the criteria are tested, or every
    /// one when it offers none, and a criterion the index settles is not tested again. The
    /// result is the same either way. `keep` is asked first.
    pub fn live_matching(
        &self,
        resource_type: &str,
        criteria: &[Criterion],
        mut keep: impl FnMut(&Value) -> bool,
    ) -> Vec<Arc<Value>> {
        let (candidates, settled): (Vec<Arc<Value>>, _) = {
            let inner = self.read();
            let Some(by_id) = inner.resources.get(resource_type) else {
                return Vec::new();
            };
            match inner.index.candidates(resource_type, criteria) {
                Some(candidates) => (
                    candidates
                        .ids
                        .into_iter()
                        .filter_map(|id| live(by_id.get(id)?))
                        .collect(),
                    candidates.settled,
                ),
                None => (
                    by_id
                        .values()
                        .filter_map(|versions| live(versions))
                        .collect(),
                    None,
                ),
            }
        };
        candidates
            .into_iter()
            .filter(|resource| {
                keep(resource)
                    && criteria
                        .iter()
                        .enumerate()
                        .all(|(at, criterion)| settled == Some(at) || criterion.matches(resource))
            })
            .collect()
    }

    /// Whether a search with `criteria` on `resource_type` may test more than `limit` of its
    /// resources, as the index tells before it runs ([`Index::tests_more_than`]).
    pub fn tests_more_than(
        &self,
        resource_type: &str,
        criteria: &[Criterion],
        limit: usize,
    ) -> bool {
        self.read()
            .index
            .tests_more_than(resource_type, criteria, limit)
    }

    /// The versions in `scope`, newest first. They are shared: the read lock is held only to
    /// take them, ordering them happens after, and no resource is copied.
    pub fn history(&self, scope: HistoryScope<'_>) -> Vec<Arc<Version>> {
        let mut versions: Vec<Arc<Version>> = {
            let inner = self.read();
            match scope {
                HistoryScope::Instance(resource_type, id) => inner
                    .history_of(resource_type, id)
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect(),
                HistoryScope::Type(resource_type) => inner
                    .resources
                    .get(resource_type)
                    .into_iter()
                    .flat_map(BTreeMap::values)
                    .flatten()
                    .cloned()
                    .collect(),
                HistoryScope::System => inner
                    .resources
                    .values()
                    .flat_map(BTreeMap::values)
                    .flatten()
                    .cloned()
                    .collect(),
            }
        };
        versions.sort_unstable_by_key(|version| std::cmp::Reverse(version.sequence));
        versions
    }

    /// Stores `resource` under a new server-assigned id as version 1.
    pub fn create(&self, resource_type: &str, resource: Value) -> Result<Version, StoreFull> {
        let mut inner = self.write();
        if inner.next_sequence >= MAX_VERSIONS {
            return Err(StoreFull);
        }
        let id = inner.fresh_id(resource_type);
        Ok(inner.append(
            resource_type.to_owned(),
            id,
            Change::Create,
            Some(resource),
            now(),
        ))
    }

    /// Stores `resource` as the next version of `resource_type/id`, creating it if absent or
    /// deleted. `if_match` requires the current version to be that one. With `keep_version`
    /// (a defect) a live resource is overwritten in place under its current version.
    /// Returns the version and whether the resource was created.
    pub fn update(
        &self,
        resource_type: &str,
        id: &str,
        resource: Value,
        if_match: Option<u64>,
        keep_version: bool,
    ) -> Result<(Version, bool), UpdateRefused> {
        let mut inner = self.write();
        let latest = inner.history_of(resource_type, id).and_then(|v| v.last());
        let live_version = latest
            .filter(|version| version.resource.is_some())
            .map(|version| version.version_id);
        if let Some(expected) = if_match
            && live_version != Some(expected)
        {
            return Err(UpdateRefused::Conflict {
                current: live_version,
            });
        }
        if inner.next_sequence >= MAX_VERSIONS {
            return Err(UpdateRefused::Full);
        }
        if keep_version && live_version.is_some() {
            let inner = &mut *inner;
            let versions = inner
                .resources
                .get_mut(resource_type)
                .and_then(|by_id| by_id.get_mut(id))
                .expect("a live version was found above");
            let last = Arc::make_mut(versions.last_mut().expect("a live version was found above"));
            last.last_updated = now();
            let stamped = Arc::new(stamp(resource, id, last.version_id, last.last_updated));
            if let Some(previous) = last.resource.replace(stamped) {
                inner.index.remove(resource_type, id, &previous);
            }
            let version = last.clone();
            if let Some(resource) = &version.resource {
                inner.index.insert(resource_type, id, resource);
            }
            return Ok((version, false));
        }
        let version = inner.append(
            resource_type.to_owned(),
            id.to_owned(),
            Change::Update,
            Some(resource),
            now(),
        );
        Ok((version, live_version.is_none()))
    }

    /// Deletes `resource_type/id`, keeping its history.
    pub fn delete(&self, resource_type: &str, id: &str) -> Deletion {
        let mut inner = self.write();
        match inner.history_of(resource_type, id).and_then(|v| v.last()) {
            None => Deletion::Missing,
            Some(version) if version.resource.is_none() => Deletion::AlreadyDeleted,
            Some(_) => {
                inner.append(
                    resource_type.to_owned(),
                    id.to_owned(),
                    Change::Delete,
                    None,
                    now(),
                );
                Deletion::Deleted
            }
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    fn history_of(&self, resource_type: &str, id: &str) -> Option<&Vec<Arc<Version>>> {
        self.resources.get(resource_type)?.get(id)
    }

    fn fresh_id(&mut self, resource_type: &str) -> String {
        loop {
            self.next_id += 1;
            let id = self.next_id.to_string();
            if self.history_of(resource_type, &id).is_none() {
                return id;
            }
        }
    }

    fn append(
        &mut self,
        resource_type: String,
        id: String,
        change: Change,
        resource: Option<Value>,
        last_updated: OffsetDateTime,
    ) -> Version {
        self.next_sequence += 1;
        let versions = self
            .resources
            .entry(resource_type.clone())
            .or_default()
            .entry(id.clone())
            .or_default();
        let version_id = versions.last().map_or(1, |last| last.version_id + 1);
        if let Some(previous) = versions.last().and_then(|last| last.resource.as_ref()) {
            self.index.remove(&resource_type, &id, previous);
        }
        let resource =
            resource.map(|resource| Arc::new(stamp(resource, &id, version_id, last_updated)));
        if let Some(resource) = &resource {
            self.index.insert(&resource_type, &id, resource);
        }
        let version = Version {
            resource,
            resource_type,
            id,
            version_id,
            last_updated,
            change,
            sequence: self.next_sequence,
        };
        versions.push(Arc::new(version.clone()));
        version
    }
}

/// The resource of the latest of `versions`, unless that is a deletion.
fn live(versions: &[Arc<Version>]) -> Option<Arc<Value>> {
    versions.last()?.resource.clone()
}

/// Formats an instant as a FHIR `instant` (RFC 3339, UTC).
pub fn format_instant(instant: OffsetDateTime) -> String {
    instant
        .to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The current time, to the millisecond.
pub fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.millisecond() as u32 * 1_000_000)
        .unwrap_or(now)
}

/// Puts `resourceType`, `id` and `meta` (with `versionId` and `lastUpdated`, other meta
/// elements kept) first in the resource.
fn stamp(resource: Value, id: &str, version_id: u64, last_updated: OffsetDateTime) -> Value {
    let Value::Object(mut fields) = resource else {
        return resource;
    };
    let mut meta = match fields.shift_remove("meta") {
        Some(Value::Object(meta)) => meta,
        _ => Map::new(),
    };
    meta.insert("versionId".into(), Value::String(version_id.to_string()));
    meta.insert(
        "lastUpdated".into(),
        Value::String(format_instant(last_updated)),
    );
    let mut stamped = Map::new();
    if let Some(resource_type) = fields.shift_remove("resourceType") {
        stamped.insert("resourceType".into(), resource_type);
    }
    fields.shift_remove("id");
    stamped.insert("id".into(), Value::String(id.to_owned()));
    stamped.insert("meta".into(), Value::Object(meta));
    stamped.extend(fields);
    Value::Object(stamped)
}

fn string_field(resource: &Value, name: &str) -> Result<String, String> {
    resource
        .get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("resource has no {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patient(id: &str, family: &str) -> Value {
        json!({"resourceType": "Patient", "id": id, "name": [{"family": family}]})
    }

    fn loaded() -> Store {
        let store = Store::default();
        store.load(patient("a", "Jones"), now()).unwrap();
        store
    }

    #[test]
    fn update_adds_versions_and_history_is_newest_first() {
        let store = loaded();
        let (version, created) = store
            .update("Patient", "a", patient("a", "Smith"), Some(1), false)
            .unwrap();
        assert_eq!((version.version_id, created), (2, false));
        assert_eq!(version.resource.as_ref().unwrap()["meta"]["versionId"], "2");
        let history = store.history(HistoryScope::Instance("Patient", "a"));
        assert_eq!(
            history.iter().map(|v| v.version_id).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(
            store.version("Patient", "a", 1).unwrap().resource.unwrap()["name"][0]["family"],
            "Jones"
        );
    }

    #[test]
    fn if_match_must_name_the_current_version() {
        let store = loaded();
        let conflict = store
            .update("Patient", "a", patient("a", "X"), Some(7), false)
            .unwrap_err();
        assert_eq!(conflict, UpdateRefused::Conflict { current: Some(1) });
    }

    #[test]
    fn a_full_store_refuses_writes() {
        let store = loaded();
        store.write().next_sequence = MAX_VERSIONS;
        assert_eq!(store.create("Patient", patient("n", "New")), Err(StoreFull));
        assert_eq!(
            store.update("Patient", "a", patient("a", "X"), None, false),
            Err(UpdateRefused::Full)
        );
        assert_eq!(store.delete("Patient", "a"), Deletion::Deleted);
    }

    #[test]
    fn delete_then_update_recreates_with_the_next_version() {
        let store = loaded();
        assert_eq!(store.delete("Patient", "a"), Deletion::Deleted);
        assert_eq!(store.delete("Patient", "a"), Deletion::AlreadyDeleted);
        assert_eq!(store.delete("Patient", "zz"), Deletion::Missing);
        assert!(matches!(store.current("Patient", "a"), Current::Deleted(_)));
        assert!(store.live_where("Patient", |_| true).is_empty());
        let (version, created) = store
            .update("Patient", "a", patient("a", "Back"), None, false)
            .unwrap();
        assert_eq!((version.version_id, created), (3, true));
    }

    #[test]
    fn keep_version_overwrites_in_place() {
        let store = loaded();
        let (version, _) = store
            .update("Patient", "a", patient("a", "Smith"), None, true)
            .unwrap();
        assert_eq!(version.version_id, 1);
        assert_eq!(
            store.history(HistoryScope::Instance("Patient", "a")).len(),
            1
        );
        assert_eq!(
            store.live_where("Patient", |_| true)[0]["name"][0]["family"],
            "Smith"
        );
    }

    #[test]
    fn create_assigns_fresh_ids_and_stamps_meta_first() {
        let store = loaded();
        store
            .update("Patient", "1", patient("1", "Taken"), None, false)
            .unwrap();
        let version = store
            .create(
                "Patient",
                json!({
                    "active": true,
                    "resourceType": "Patient",
                    "gender": "male",
                    "id": "x",
                    "meta": {"profile": ["http://example.org/p"], "versionId": "9"},
                    "birthDate": "2000"
                }),
            )
            .expect("room");
        assert_eq!(version.id, "2");
        let resource = version.resource.unwrap();
        let keys: Vec<_> = resource.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "resourceType",
                "id",
                "meta",
                "active",
                "gender",
                "birthDate"
            ]
        );
        assert_eq!(resource["meta"]["versionId"], "1");
        assert_eq!(resource["meta"]["profile"][0], "http://example.org/p");
        assert_eq!(resource["id"], "2");
    }

    #[test]
    fn loading_twice_is_an_error() {
        let store = loaded();
        assert!(store.load(patient("a", "Again"), now()).is_err());
        assert!(
            store
                .load(json!({"resourceType": "Patient"}), now())
                .is_err()
        );
    }
}
