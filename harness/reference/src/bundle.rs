//! Search (`searchset`) and history Bundles.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::defect::Defect;
use super::response::etag;
use super::state::ServerState;
use super::store::{Change, Version, format_instant};

/// A Bundle's `type`, or none at all (a defect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleType {
    /// `searchset` or `history`, as appropriate.
    Declared,
    /// No `type` element.
    Omitted,
}

impl BundleType {
    /// The Bundle type a server with `state`'s defects declares.
    pub fn of(state: &ServerState) -> Self {
        if state.has(Defect::MissingBundleType) {
            Self::Omitted
        } else {
            Self::Declared
        }
    }
}

/// A searchset Bundle holding one page of `matches` out of `total`, then (copied) the
/// `included` resources, then the `outcome` of the search when there is one to tell (an
/// OperationOutcome, in an entry whose search mode is `outcome`).
pub fn searchset(
    base_url: &str,
    matches: Vec<Value>,
    included: &[Arc<Value>],
    outcome: Option<Value>,
    total: usize,
    links: Vec<Value>,
    bundle_type: BundleType,
) -> Value {
    let entry = |resource: Value, mode: &str| {
        json!({
            "fullUrl": full_url(base_url, resource_type_of(&resource), id_of(&resource)),
            "resource": resource,
            "search": {"mode": mode}
        })
    };
    let entries = matches
        .into_iter()
        .map(|resource| entry(resource, "match"))
        .chain(
            included
                .iter()
                .map(|resource| entry(Value::clone(resource), "include")),
        )
        .chain(outcome.map(|resource| json!({"resource": resource, "search": {"mode": "outcome"}})))
        .collect();
    bundle("searchset", total, links, entries, bundle_type)
}

/// A history Bundle holding one page of `versions` (newest first, their resources copied) out
/// of `total`.
pub fn history(
    base_url: &str,
    versions: &[Arc<Version>],
    total: usize,
    links: Vec<Value>,
    bundle_type: BundleType,
) -> Value {
    let entries = versions
        .iter()
        .map(|version| history_entry(base_url, version))
        .collect();
    bundle("history", total, links, entries, bundle_type)
}

fn history_entry(base_url: &str, version: &Version) -> Value {
    let instance = format!("{}/{}", version.resource_type, version.id);
    let (method, url, status) = match version.change {
        Change::Create => ("POST", version.resource_type.clone(), "201 Created"),
        Change::Update if version.version_id == 1 => ("PUT", instance, "201 Created"),
        Change::Update => ("PUT", instance, "200 OK"),
        Change::Delete => ("DELETE", instance, "204 No Content"),
    };
    let mut entry = Map::new();
    entry.insert(
        "fullUrl".into(),
        Value::String(full_url(base_url, &version.resource_type, &version.id)),
    );
    if let Some(resource) = &version.resource {
        entry.insert("resource".into(), Value::clone(resource));
    }
    entry.insert("request".into(), json!({"method": method, "url": url}));
    entry.insert(
        "response".into(),
        json!({
            "status": status,
            "etag": etag(version.version_id),
            "lastModified": format_instant(version.last_updated)
        }),
    );
    Value::Object(entry)
}

fn bundle(
    type_code: &str,
    total: usize,
    links: Vec<Value>,
    entries: Vec<Value>,
    bundle_type: BundleType,
) -> Value {
    let mut bundle = Map::new();
    bundle.insert("resourceType".into(), "Bundle".into());
    if bundle_type == BundleType::Declared {
        bundle.insert("type".into(), type_code.into());
    }
    bundle.insert("total".into(), total.into());
    bundle.insert("link".into(), links.into());
    if !entries.is_empty() {
        bundle.insert("entry".into(), entries.into());
    }
    Value::Object(bundle)
}

fn full_url(base_url: &str, resource_type: &str, id: &str) -> String {
    format!("{base_url}/{resource_type}/{id}")
}

fn resource_type_of(resource: &Value) -> &str {
    resource["resourceType"].as_str().unwrap_or_default()
}

fn id_of(resource: &Value) -> &str {
    resource["id"].as_str().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searchset_entries_have_full_url_and_match_mode() {
        let patient = json!({"resourceType": "Patient", "id": "a"});
        let bundle = searchset(
            "http://h/fhir",
            vec![patient],
            &[Arc::new(json!({"resourceType": "Organization", "id": "o"}))],
            Some(json!({"resourceType": "OperationOutcome"})),
            3,
            vec![],
            BundleType::Declared,
        );
        assert_eq!(bundle["type"], "searchset");
        assert_eq!(bundle["total"], 3);
        assert_eq!(bundle["entry"][0]["fullUrl"], "http://h/fhir/Patient/a");
        assert_eq!(bundle["entry"][0]["search"]["mode"], "match");
        assert_eq!(
            bundle["entry"][1]["fullUrl"],
            "http://h/fhir/Organization/o"
        );
        assert_eq!(bundle["entry"][1]["search"]["mode"], "include");
        assert_eq!(bundle["entry"][2]["search"]["mode"], "outcome");
        assert!(bundle["entry"][2].get("fullUrl").is_none());
    }

    #[test]
    fn empty_bundle_has_no_entry_and_type_can_be_omitted() {
        let bundle = searchset(
            "http://h/fhir",
            vec![],
            &[],
            None,
            0,
            vec![],
            BundleType::Omitted,
        );
        assert!(bundle.get("type").is_none());
        assert!(bundle.get("entry").is_none());
    }
}
