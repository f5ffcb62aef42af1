//! The reference server's fixtures claim UK Core profiles: each one must conform to the profile
//! in its `meta.profile`, and across the fixtures of a type every must-support element of that
//! type's UK Core profile must be populated at least once.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assure_devtools::corpus::with_folders;
use assure_model::Format;
use assure_validate::package::Package;
use assure_validate::{Definitions, Options, Validator};
use common::shared_path;
use serde_json::Value;

const UKCORE: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-";

#[test]
fn fixtures_conform_to_ukcore_and_populate_its_must_support_elements() {
    let (Some(ukcore), Some(r4)) = (
        shared_path("ukcore"),
        shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz"),
    ) else {
        return;
    };
    let mut base = Definitions::new();
    base.add_package(Package::from_tarball(&r4).unwrap());
    let defs = with_folders(
        &Arc::new(base),
        &[
            ukcore.join("structuredefinitions"),
            ukcore.join("valuesets"),
            ukcore.join("codesystems"),
        ],
    );
    let validator = Validator::new(defs);

    let by_type = fixtures();
    let mut errors = Vec::new();
    let mut missing = Vec::new();
    let mut checked = 0;
    for (type_name, resources) in &by_type {
        let url = format!("{UKCORE}{type_name}");
        for (file, bytes, resource) in resources {
            let profiles: Vec<String> = resource["meta"]["profile"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect();
            if !profiles.contains(&url) {
                errors.push(format!("{file}: meta.profile does not claim {url}"));
                continue;
            }
            let options = Options {
                profiles,
                ..Options::default()
            };
            let outcome = validator.validate_bytes(bytes, Format::Json, &options);
            checked += 1;
            errors.extend(
                outcome
                    .errors()
                    .map(|i| format!("{file}:{}: {}: {}", i.line, i.location, i.message)),
            );
        }
        let snapshot = validator
            .with_snapshot(&url)
            .unwrap_or_else(|| panic!("{url}: {}", validator.profile_problem(&url)));
        let instances: Vec<&Value> = resources.iter().map(|(_, _, r)| r).collect();
        let never: Vec<String> = must_support(&snapshot)
            .into_iter()
            .filter(|id| !populated(&snapshot, id, &instances))
            .collect();
        println!(
            "{type_name}: {} fixtures; must-support never populated: {}",
            resources.len(),
            if never.is_empty() {
                "none".to_owned()
            } else {
                never.join(", ")
            }
        );
        missing.extend(never.into_iter().map(|id| format!("{type_name}: {id}")));
    }
    println!("{checked} fixtures validated against UK Core");
    assert!(
        errors.is_empty(),
        "fixtures not conforming:\n{}",
        errors.join("\n")
    );
    assert!(
        missing.is_empty(),
        "must-support elements never populated:\n{}",
        missing.join("\n")
    );
}

/// `fixtures/<Type>/<id>.json`, by type: file name, bytes and parsed resource.
fn fixtures() -> BTreeMap<String, Vec<(String, Vec<u8>, Value)>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut by_type: BTreeMap<String, Vec<(String, Vec<u8>, Value)>> = BTreeMap::new();
    for folder in sorted_entries(&root) {
        let Some(type_name) = folder.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !folder.is_dir() || !type_name.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        for file in sorted_entries(&folder) {
            if file.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let bytes = std::fs::read(&file).unwrap();
            let resource: Value = serde_json::from_slice(&bytes).unwrap();
            let name = format!(
                "{type_name}/{}",
                file.file_name().unwrap().to_string_lossy()
            );
            by_type
                .entry(type_name.to_owned())
                .or_default()
                .push((name, bytes, resource));
        }
    }
    by_type
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    paths
}

/// The ids of the snapshot's elements marked must-support.
fn must_support(snapshot: &Value) -> Vec<String> {
    snapshot_elements(snapshot)
        .filter(|e| e["mustSupport"] == Value::Bool(true))
        .filter_map(|e| e["id"].as_str().map(str::to_owned))
        .collect()
}

fn snapshot_elements(snapshot: &Value) -> impl Iterator<Item = &Value> {
    snapshot["snapshot"]["element"]
        .as_array()
        .into_iter()
        .flatten()
}

/// Whether some instance has a value for the element `id` (`Type.a:slice.b[x]`): each step
/// follows an element name (a choice matching any type suffix); a slice keeps the items that
/// carry the slice's fixed or pattern children, and an extension slice those with its url.
fn populated(snapshot: &Value, id: &str, instances: &[&Value]) -> bool {
    let mut steps = id.split('.');
    steps.next();
    let mut prefix = id.split('.').next().unwrap_or_default().to_owned();
    let mut current: Vec<&Value> = instances.to_vec();
    for step in steps {
        prefix = format!("{prefix}.{step}");
        let (name, slice) = match step.split_once(':') {
            Some((name, slice)) => (name, Some(slice)),
            None => (step, None),
        };
        current = current
            .into_iter()
            .flat_map(|node| children(node, name))
            .collect();
        if slice.is_some() {
            current.retain(|item| in_slice(snapshot, &prefix, item));
        }
    }
    !current.is_empty()
}

/// The values of `name` (arrays flattened; `x[x]` any `xType`) in `node`.
fn children<'a>(node: &'a Value, name: &str) -> Vec<&'a Value> {
    let Some(object) = node.as_object() else {
        return Vec::new();
    };
    let matched = object
        .iter()
        .filter(|(key, _)| match name.strip_suffix("[x]") {
            Some(stem) => key
                .strip_prefix(stem)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase())),
            None => key.as_str() == name,
        });
    matched
        .flat_map(|(_, value)| match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        })
        .collect()
}

/// Whether `item` belongs to the slice `slice_id`: an extension's url is the slice's type
/// profile; otherwise every child with a fixed or pattern value holds it.
fn in_slice(snapshot: &Value, slice_id: &str, item: &Value) -> bool {
    let Some(slice) = snapshot_elements(snapshot).find(|e| e["id"] == slice_id) else {
        return false;
    };
    if let Some(url) = slice
        .pointer("/type/0/profile/0")
        .and_then(Value::as_str)
        .filter(|_| slice["path"].as_str().is_some_and(is_extension_path))
    {
        return item["url"] == url;
    }
    let child_prefix = format!("{slice_id}.");
    snapshot_elements(snapshot)
        .filter_map(|e| {
            let child = e["id"].as_str()?.strip_prefix(&child_prefix)?;
            let fixed = e
                .as_object()?
                .iter()
                .find(|(key, _)| key.starts_with("fixed") || key.starts_with("pattern"))?;
            (!child.contains('.')).then_some((child, fixed.1))
        })
        .all(|(child, expected)| {
            children(item, child)
                .iter()
                .any(|value| contains(value, expected))
        })
}

fn is_extension_path(path: &str) -> bool {
    path.ends_with(".extension") || path.ends_with(".modifierExtension")
}

/// Whether `value` holds everything `pattern` has (FHIR pattern matching).
fn contains(value: &Value, pattern: &Value) -> bool {
    match (value, pattern) {
        (Value::Object(value), Value::Object(pattern)) => pattern
            .iter()
            .all(|(key, want)| value.get(key).is_some_and(|have| contains(have, want))),
        (Value::Array(value), Value::Array(pattern)) => pattern
            .iter()
            .all(|want| value.iter().any(|have| contains(have, want))),
        _ => value == pattern,
    }
}
