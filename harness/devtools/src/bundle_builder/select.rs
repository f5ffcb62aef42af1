//! Choosing the conformance resources the validator needs from the full R4 specification
//! package: the StructureDefinitions of resources and data types (with snapshots), the
//! logical models they reference, the value sets their bindings name with everything those
//! import, the code systems those draw from, and the search parameters.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Resources picked for the bundle, keyed by canonical URL (so iteration order is stable).
#[derive(Debug, Default)]
pub struct Selection {
    pub structure_definitions: BTreeMap<String, Value>,
    pub value_sets: BTreeMap<String, Value>,
    pub code_systems: BTreeMap<String, Value>,
    pub search_parameters: BTreeMap<String, Value>,
}

/// Picks from `specification` (every resource of the R4 package); a value set in
/// `expansions` replaces the specification's copy of the same URL.
pub fn select(specification: Vec<Value>, expansions: Vec<Value>) -> Selection {
    let mut by_type: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for resource in specification {
        let (Some(kind), Some(url)) = (resource["resourceType"].as_str(), canonical(&resource))
        else {
            continue;
        };
        by_type
            .entry(kind.to_owned())
            .or_default()
            .insert(url, resource);
    }
    let mut take = |kind: &str| by_type.remove(kind).unwrap_or_default();
    let (all_sds, mut all_vs, all_cs) = (
        take("StructureDefinition"),
        take("ValueSet"),
        take("CodeSystem"),
    );
    let search_parameters = take("SearchParameter");
    for expanded in expansions {
        if expanded["resourceType"] == "ValueSet"
            && let Some(url) = canonical(&expanded)
        {
            all_vs.insert(url, expanded);
        }
    }
    let structure_definitions = structure_definitions(all_sds);
    let value_sets = bound_value_sets(&structure_definitions, &all_vs);
    let code_systems = value_sets
        .values()
        .flat_map(compose_parts)
        .filter_map(|part| part["system"].as_str())
        .filter_map(|system| Some((system.to_owned(), all_cs.get(system)?.clone())))
        .collect();
    Selection {
        structure_definitions,
        value_sets,
        code_systems,
        search_parameters,
    }
}

/// Resource, data type and extension definitions with snapshots, plus the logical models
/// one of them names in a type, profile or target profile.
fn structure_definitions(all: BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    let has_snapshot = |sd: &Value| sd["snapshot"]["element"].is_array();
    let (logical, mut kept): (BTreeMap<_, _>, BTreeMap<_, _>) = all
        .into_iter()
        .filter(|(_, sd)| has_snapshot(sd))
        .partition(|(_, sd)| sd["kind"] == "logical");
    let referenced: BTreeSet<String> = kept
        .values()
        .flat_map(|sd| sd["snapshot"]["element"].as_array().into_iter().flatten())
        .flat_map(|element| element["type"].as_array().into_iter().flatten())
        .flat_map(type_references)
        .collect();
    kept.extend(logical.into_iter().filter(|(url, sd)| {
        referenced.contains(url) || sd["type"].as_str().is_some_and(|t| referenced.contains(t))
    }));
    kept
}

/// The type code and the profiles a type reference names.
fn type_references(type_ref: &Value) -> Vec<String> {
    let profiles = ["profile", "targetProfile"]
        .into_iter()
        .flat_map(|key| type_ref[key].as_array().into_iter().flatten())
        .filter_map(Value::as_str);
    type_ref["code"]
        .as_str()
        .into_iter()
        .chain(profiles)
        .map(|url| without_version(url).to_owned())
        .collect()
}

/// Value sets named by any binding of the kept definitions, and those they import.
fn bound_value_sets(
    structure_definitions: &BTreeMap<String, Value>,
    all: &BTreeMap<String, Value>,
) -> BTreeMap<String, Value> {
    let mut pending: Vec<String> = structure_definitions
        .values()
        .flat_map(|sd| sd["snapshot"]["element"].as_array().into_iter().flatten())
        .filter_map(|element| element["binding"]["valueSet"].as_str())
        .map(|url| without_version(url).to_owned())
        .collect();
    let mut kept = BTreeMap::new();
    while let Some(url) = pending.pop() {
        if kept.contains_key(&url) {
            continue;
        }
        let Some(value_set) = all.get(&url) else {
            continue;
        };
        pending.extend(
            compose_parts(value_set)
                .flat_map(|part| part["valueSet"].as_array().into_iter().flatten())
                .filter_map(Value::as_str)
                .map(|import| without_version(import).to_owned()),
        );
        kept.insert(url, value_set.clone());
    }
    kept
}

/// The `include` and `exclude` entries of a value set's `compose`.
fn compose_parts(value_set: &Value) -> impl Iterator<Item = &Value> {
    ["include", "exclude"]
        .into_iter()
        .flat_map(|key| value_set["compose"][key].as_array().into_iter().flatten())
}

fn canonical(resource: &Value) -> Option<String> {
    resource["url"].as_str().map(str::to_owned)
}

fn without_version(canonical: &str) -> &str {
    canonical.split_once('|').map_or(canonical, |(url, _)| url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sd(url: &str, kind: &str, binding: Option<&str>, type_code: &str) -> Value {
        json!({"resourceType": "StructureDefinition", "url": url, "kind": kind,
               "type": url.rsplit('/').next().unwrap(),
               "snapshot": {"element": [{"path": "X.a", "type": [{"code": type_code}],
                                          "binding": {"strength": "required", "valueSet": binding}}]}})
    }

    #[test]
    fn follows_bindings_imports_and_code_systems() {
        let specification = vec![
            sd(
                "http://x/SD/A",
                "resource",
                Some("http://x/VS/a|4.0.1"),
                "http://x/SD/M",
            ),
            sd("http://x/SD/M", "logical", None, "string"),
            sd("http://x/SD/Unused", "logical", None, "string"),
            json!({"resourceType": "StructureDefinition", "url": "http://x/SD/NoSnapshot", "kind": "resource"}),
            json!({"resourceType": "ValueSet", "url": "http://x/VS/a",
                   "compose": {"include": [{"system": "http://x/CS/a", "valueSet": ["http://x/VS/b"]}]}}),
            json!({"resourceType": "ValueSet", "url": "http://x/VS/b", "compose": {"include": [{"system": "http://x/CS/b"}]}}),
            json!({"resourceType": "ValueSet", "url": "http://x/VS/unbound"}),
            json!({"resourceType": "CodeSystem", "url": "http://x/CS/a"}),
            json!({"resourceType": "CodeSystem", "url": "http://x/CS/unused"}),
            json!({"resourceType": "SearchParameter", "url": "http://x/SP/a"}),
            json!({"resourceType": "Patient", "id": "example"}),
        ];
        let expansions =
            vec![json!({"resourceType": "ValueSet", "url": "http://x/VS/b", "expansion": {}})];
        let picked = select(specification, expansions);
        let urls = |map: &BTreeMap<String, Value>| map.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            urls(&picked.structure_definitions),
            ["http://x/SD/A", "http://x/SD/M"]
        );
        assert_eq!(urls(&picked.value_sets), ["http://x/VS/a", "http://x/VS/b"]);
        assert!(
            picked.value_sets["http://x/VS/b"]
                .get("expansion")
                .is_some()
        );
        assert_eq!(urls(&picked.code_systems), ["http://x/CS/a"]);
        assert_eq!(urls(&picked.search_parameters), ["http://x/SP/a"]);
    }
}
