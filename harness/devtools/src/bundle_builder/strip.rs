//! Removing what validation never reads from conformance resources: narratives, mappings,
//! publication metadata and element prose. Constraints, bindings, slicing, types, cardinality,
//! fixed and pattern values stay.

use serde_json::{Map, Value};

/// Top-level members kept on every resource type.
const IDENTITY: &[&str] = &["resourceType", "id", "url", "version", "name", "status"];

/// Further top-level members kept on a StructureDefinition (its `snapshot` is stripped).
const STRUCTURE_DEFINITION: &[&str] = &[
    "fhirVersion",
    "kind",
    "abstract",
    "context",
    "contextInvariant",
    "type",
    "baseDefinition",
    "derivation",
];

/// Element definition members dropped: prose, mappings, examples and extensions on the
/// element itself (those on `type` stay: they name the System types of primitive values).
const ELEMENT_PROSE: &[&str] = &[
    "extension",
    "definition",
    "comment",
    "requirements",
    "alias",
    "mapping",
    "example",
    "meaningWhenMissing",
    "orderMeaning",
    "isModifierReason",
    "label",
    "code",
];

/// Members kept on an element constraint.
const CONSTRAINT: &[&str] = &["key", "severity", "human", "expression"];

/// Members kept on an element binding.
const BINDING: &[&str] = &["strength", "valueSet"];

/// Further top-level members kept on a CodeSystem.
const CODE_SYSTEM: &[&str] = &[
    "caseSensitive",
    "hierarchyMeaning",
    "compositional",
    "content",
    "count",
    "property",
];

/// Members kept on a code system concept (nested `concept` is stripped the same way).
const CONCEPT: &[&str] = &["code", "display", "property"];

/// Members kept on a value set expansion entry (nested `contains` is stripped the same way).
const CONTAINS: &[&str] = &[
    "system", "version", "code", "display", "abstract", "inactive",
];

/// Further top-level members kept on a SearchParameter.
const SEARCH_PARAMETER: &[&str] = &[
    "code",
    "base",
    "type",
    "expression",
    "target",
    "multipleOr",
    "multipleAnd",
    "comparator",
    "modifier",
    "chain",
    "component",
];

/// The stripped copy of a StructureDefinition, ValueSet, CodeSystem or SearchParameter;
/// `None` for other resource types.
pub fn strip(resource: &Value) -> Option<Value> {
    match resource["resourceType"].as_str()? {
        "StructureDefinition" => Some(structure_definition(resource)),
        "ValueSet" => Some(value_set(resource)),
        "CodeSystem" => Some(code_system(resource)),
        "SearchParameter" => Some(keep(resource, &[IDENTITY, SEARCH_PARAMETER])),
        _ => None,
    }
}

fn structure_definition(sd: &Value) -> Value {
    let mut out = keep(sd, &[IDENTITY, STRUCTURE_DEFINITION]);
    if let Some(elements) = sd["snapshot"]["element"].as_array() {
        let elements: Vec<Value> = elements.iter().map(element).collect();
        out["snapshot"] = serde_json::json!({ "element": elements });
    }
    out
}

fn element(raw: &Value) -> Value {
    let Some(members) = raw.as_object() else {
        return raw.clone();
    };
    let mut out: Map<String, Value> = members
        .iter()
        .filter(|(key, _)| !ELEMENT_PROSE.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if let Some(Value::Array(constraints)) = out.get_mut("constraint") {
        for constraint in constraints.iter_mut() {
            *constraint = keep(constraint, &[CONSTRAINT]);
        }
    }
    if let Some(binding) = out.get_mut("binding") {
        *binding = keep(binding, &[BINDING]);
    }
    Value::Object(out)
}

fn value_set(vs: &Value) -> Value {
    let mut out = keep(vs, &[IDENTITY]);
    if let Some(compose) = vs.get("compose") {
        out["compose"] = compose_without_designations(compose);
    }
    if let Some(expansion) = vs.get("expansion") {
        let mut kept = keep(expansion, &[&["total", "offset"]]);
        if let Some(contains) = expansion["contains"].as_array() {
            kept["contains"] = nested(contains, CONTAINS, "contains");
        }
        out["expansion"] = kept;
    }
    out
}

fn compose_without_designations(compose: &Value) -> Value {
    let mut compose = compose.clone();
    for part in ["include", "exclude"] {
        for set in compose[part].as_array_mut().into_iter().flatten() {
            for concept in set["concept"].as_array_mut().into_iter().flatten() {
                if let Some(members) = concept.as_object_mut() {
                    members.retain(|key, _| key == "code" || key == "display");
                }
            }
        }
    }
    compose
}

fn code_system(cs: &Value) -> Value {
    let mut out = keep(cs, &[IDENTITY, CODE_SYSTEM]);
    if let Some(concepts) = cs["concept"].as_array() {
        out["concept"] = nested(concepts, CONCEPT, "concept");
    }
    out
}

/// A tree of concepts or expansion entries, each reduced to `members` plus its `child` list.
fn nested(items: &[Value], members: &[&str], child: &str) -> Value {
    Value::Array(
        items
            .iter()
            .map(|item| {
                let mut kept = keep(item, &[members]);
                if let Some(children) = item[child].as_array() {
                    kept[child] = nested(children, members, child);
                }
                kept
            })
            .collect(),
    )
}

/// An object holding only the members of `source` named in `lists`.
fn keep(source: &Value, lists: &[&[&str]]) -> Value {
    let members = source
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| lists.iter().any(|list| list.contains(&key.as_str())))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Value::Object(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn element_prose_goes_and_rules_stay() {
        let sd = json!({
            "resourceType": "StructureDefinition", "url": "u", "text": {"div": "x"},
            "mapping": [{"identity": "rim"}], "kind": "resource",
            "differential": {"element": []},
            "snapshot": {"element": [{
                "id": "Patient.gender", "path": "Patient.gender", "short": "s",
                "definition": "d", "comment": "c", "alias": ["a"], "min": 0, "max": "1",
                "type": [{"code": "code", "extension": [{"url": "t"}]}],
                "constraint": [{"key": "k", "severity": "error", "human": "h",
                                "expression": "e", "xpath": "x", "source": "s"}],
                "binding": {"strength": "required", "valueSet": "vs", "description": "d"},
                "fixedCode": "f", "mapping": [{"map": "m"}]
            }]}
        });
        let stripped = strip(&sd).unwrap();
        assert_eq!(
            stripped,
            json!({
                "resourceType": "StructureDefinition", "url": "u", "kind": "resource",
                "snapshot": {"element": [{
                    "id": "Patient.gender", "path": "Patient.gender", "short": "s",
                    "min": 0, "max": "1",
                    "type": [{"code": "code", "extension": [{"url": "t"}]}],
                    "constraint": [{"key": "k", "severity": "error", "human": "h",
                                    "expression": "e"}],
                    "binding": {"strength": "required", "valueSet": "vs"},
                    "fixedCode": "f"
                }]}
            })
        );
    }

    #[test]
    fn nested_concepts_and_expansions_keep_codes() {
        let cs = json!({"resourceType": "CodeSystem", "content": "complete", "concept": [
            {"code": "a", "definition": "d", "concept": [{"code": "b", "designation": []}]}
        ]});
        assert_eq!(
            strip(&cs).unwrap()["concept"],
            json!([{"code": "a", "concept": [{"code": "b"}]}])
        );
        let vs = json!({"resourceType": "ValueSet", "expansion": {"total": 1, "timestamp": "t",
            "contains": [{"system": "s", "code": "c", "designation": []}]}});
        assert_eq!(
            strip(&vs).unwrap()["expansion"],
            json!({"total": 1, "contains": [{"system": "s", "code": "c"}]})
        );
        assert!(strip(&json!({"resourceType": "Patient"})).is_none());
    }
}
