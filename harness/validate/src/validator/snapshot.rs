//! Snapshot generation for profiles published with a differential only: the base
//! definition's snapshot is copied and each differential element is merged into it, creating
//! slices and expanding data type children where the differential reaches into them.

use serde_json::{Map, Value};

use super::profile::capitalized;

/// Supplies the StructureDefinition (with a snapshot) for a canonical URL or type name.
pub type SnapshotSource<'a> = dyn Fn(&str) -> Option<std::sync::Arc<Value>> + 'a;

/// Most elements a generated snapshot may hold (guards against runaway expansion).
const MAX_ELEMENTS: usize = 20_000;

/// Returns `sd` with a generated `snapshot`, or why it could not be generated.
pub fn generate(sd: &Value, source: &SnapshotSource<'_>) -> Result<Value, String> {
    let url = sd["url"].as_str().unwrap_or("?");
    let base_url = sd["baseDefinition"]
        .as_str()
        .ok_or_else(|| format!("{url} has no snapshot and no baseDefinition"))?;
    let base =
        source(base_url).ok_or_else(|| format!("{url}: base definition {base_url} not found"))?;
    let mut elements: Vec<Value> = base["snapshot"]["element"]
        .as_array()
        .cloned()
        .ok_or_else(|| format!("{url}: base definition {base_url} has no snapshot"))?;
    let base_type = base["type"].as_str().unwrap_or_default().to_owned();
    let own_type = sd["type"].as_str().unwrap_or(&base_type).to_owned();
    if base_type != own_type {
        // A logical or renamed type: re-root the copied paths.
        for element in &mut elements {
            rename_prefix(element, &base_type, &own_type);
        }
    }
    let mut previous: Vec<(String, String)> = Vec::new();
    for diff in sd["differential"]["element"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let diff = with_contextual_id(diff, &previous);
        let path = diff["path"].as_str().unwrap_or_default().to_owned();
        previous.push((path, id_of(&diff)));
        merge_differential(&mut elements, &diff, source)?;
        if elements.len() > MAX_ELEMENTS {
            return Err(format!("{url}: generated snapshot is too large"));
        }
    }
    let mut result = sd.clone();
    result["snapshot"] = serde_json::json!({ "element": elements });
    Ok(result)
}

/// Gives an element without an `id` one that places it inside the slice an earlier element
/// opened (older differentials rely on order: `Bundle.entry` with `sliceName` followed by
/// `Bundle.entry.resource` means the slice's child).
fn with_contextual_id(diff: &Value, previous: &[(String, String)]) -> Value {
    if diff.get("id").is_some() {
        return diff.clone();
    }
    let path = diff["path"].as_str().unwrap_or_default();
    let own = id_of(diff);
    let context = previous
        .iter()
        .rev()
        .find(|(p, id)| path.starts_with(&format!("{p}.")) && id.contains(':'));
    let mut with_id = diff.clone();
    let id = match context {
        Some((p, id)) => format!("{id}{}", &own[p.len()..]),
        None => own,
    };
    with_id["id"] = Value::String(id);
    with_id
}

fn id_of(element: &Value) -> String {
    if let Some(id) = element["id"].as_str() {
        return id.to_owned();
    }
    let path = element["path"].as_str().unwrap_or_default();
    match element["sliceName"].as_str() {
        Some(slice) => format!("{path}:{slice}"),
        None => path.to_owned(),
    }
}

fn position(elements: &[Value], id: &str) -> Option<usize> {
    elements.iter().position(|e| id_of(e) == id)
}

/// `Patient.identifier:nhs.system` → (`Patient.identifier:nhs`, `system`).
fn split_id(id: &str) -> Option<(&str, &str)> {
    let mut depth = 0;
    let mut cut = None;
    for (i, c) in id.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => cut = Some(i),
            _ => {}
        }
    }
    cut.map(|i| (&id[..i], &id[i + 1..]))
}

fn merge_differential(
    elements: &mut Vec<Value>,
    diff: &Value,
    source: &SnapshotSource<'_>,
) -> Result<(), String> {
    let id = id_of(diff);
    let index = locate(elements, &id, source)?;
    let found_id = id_of(&elements[index]);
    let renamed_choice = found_id.ends_with("[x]") && !id.ends_with("[x]");
    overlay(&mut elements[index], diff);
    if renamed_choice && diff.get("type").is_none() {
        // `valueQuantity` restricts `value[x]` to that type.
        let suffix = split_id(&id)
            .map(|(_, last)| last)
            .unwrap_or_default()
            .to_owned();
        if let Some(types) = elements[index]["type"].as_array_mut() {
            types.retain(|t| {
                let code = t["code"].as_str().unwrap_or_default();
                suffix.ends_with(&capitalized(code))
            });
        }
    }
    Ok(())
}

/// Finds (creating slices and expanding types as needed) the element with `id`.
fn locate(
    elements: &mut Vec<Value>,
    id: &str,
    source: &SnapshotSource<'_>,
) -> Result<usize, String> {
    if let Some(i) = position(elements, id) {
        return Ok(i);
    }
    let Some((parent_id, last)) = split_id(id) else {
        return Err(format!("element {id} is not in the base definition"));
    };
    // A new slice of an existing element: `...identifier:nhs`.
    if let Some((name, slice)) = last.split_once(':') {
        let base_id = format!("{parent_id}.{name}");
        let base_index = locate(elements, &base_id, source)?;
        return Ok(add_slice(elements, base_index, &base_id, slice));
    }
    let parent = locate(elements, parent_id, source)?;
    // A renamed choice: `Observation.valueQuantity` for `Observation.value[x]`.
    if let Some(i) = choice_match(elements, parent_id, last) {
        return Ok(i);
    }
    if !has_children(elements, parent) {
        expand_type(elements, parent, source)?;
        if let Some(i) = position(elements, id) {
            return Ok(i);
        }
        if let Some(i) = choice_match(elements, parent_id, last) {
            return Ok(i);
        }
    }
    Err(format!("element {id} is not in the base definition"))
}

fn choice_match(elements: &[Value], parent_id: &str, last: &str) -> Option<usize> {
    elements.iter().position(|e| {
        let eid = id_of(e);
        let Some((p, name)) = split_id(&eid) else {
            return false;
        };
        let Some(stem) = name.strip_suffix("[x]") else {
            return false;
        };
        p == parent_id
            && last
                .strip_prefix(stem)
                .is_some_and(|suffix| suffix.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

fn has_children(elements: &[Value], index: usize) -> bool {
    let path = elements[index]["path"].as_str().unwrap_or_default();
    elements
        .get(index + 1)
        .and_then(|e| e["path"].as_str())
        .is_some_and(|p| p.starts_with(&format!("{path}.")))
}

/// Copies the children of the element's type (or type profile) below it.
fn expand_type(
    elements: &mut Vec<Value>,
    index: usize,
    source: &SnapshotSource<'_>,
) -> Result<(), String> {
    let element = &elements[index];
    let id = id_of(element);
    let path = element["path"].as_str().unwrap_or_default().to_owned();
    let types = element["type"].as_array().cloned().unwrap_or_default();
    let Some(first) = types.first() else {
        return Err(format!("element {id} has no type to expand"));
    };
    let code = first["code"].as_str().unwrap_or_default();
    let definition = first["profile"]
        .as_array()
        .and_then(|p| p.first())
        .and_then(Value::as_str)
        .filter(|_| types.len() == 1)
        .and_then(source)
        .or_else(|| source(code))
        .ok_or_else(|| format!("no definition for type {code} of {id}"))?;
    let type_elements = definition["snapshot"]["element"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let Some(root) = type_elements.first() else {
        return Err(format!("type {code} has no snapshot"));
    };
    let root_path = root["path"].as_str().unwrap_or_default().to_owned();
    let root_id = id_of(root);
    let copies: Vec<Value> = type_elements[1..]
        .iter()
        .map(|child| {
            let mut copy = child.clone();
            let child_path = child["path"].as_str().unwrap_or_default();
            copy["path"] = Value::String(format!("{path}{}", &child_path[root_path.len()..]));
            let child_id = id_of(child);
            copy["id"] = Value::String(format!(
                "{id}{}",
                &child_id[root_id.len().min(child_id.len())..]
            ));
            copy
        })
        .collect();
    elements.splice(index + 1..index + 1, copies);
    Ok(())
}

/// Adds slice `slice` of the element at `base_index` (a copy of it and its children) after
/// the base's existing subtree; returns the new slice's index.
fn add_slice(elements: &mut Vec<Value>, base_index: usize, base_id: &str, slice: &str) -> usize {
    let base_path = elements[base_index]["path"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let below = format!("{base_path}.");
    let mut end = base_index + 1;
    let mut own_children_end = None;
    while end < elements.len() {
        let path = elements[end]["path"].as_str().unwrap_or_default();
        if path == base_path {
            own_children_end.get_or_insert(end);
        } else if !path.starts_with(&below) {
            break;
        }
        end += 1;
    }
    let own_end = own_children_end.unwrap_or(end);
    let slice_id = format!("{base_id}:{slice}");
    let mut copies: Vec<Value> = elements[base_index..own_end]
        .iter()
        .map(|e| {
            let mut copy = e.clone();
            let eid = id_of(e);
            copy["id"] = Value::String(format!(
                "{slice_id}{}",
                &eid[base_id.len().min(eid.len())..]
            ));
            copy
        })
        .collect();
    if let Some(head) = copies.first_mut().and_then(Value::as_object_mut) {
        head.remove("slicing");
        head.insert("sliceName".into(), Value::String(slice.to_owned()));
        head.insert("min".into(), Value::from(0));
    }
    elements.splice(end..end, copies);
    end
}

/// Overlays a differential element's properties on a snapshot element.
fn overlay(target: &mut Value, diff: &Value) {
    let (Some(target), Some(diff)) = (target.as_object_mut(), diff.as_object()) else {
        return;
    };
    for (key, value) in diff {
        match key.as_str() {
            "id" | "path" => {}
            "constraint" => {
                let list = target
                    .entry("constraint")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let (Some(list), Some(extra)) = (list.as_array_mut(), value.as_array()) {
                    list.extend(extra.iter().cloned());
                }
            }
            k if k.starts_with("fixed") || k.starts_with("pattern") => {
                remove_prefixed(target, "fixed");
                remove_prefixed(target, "pattern");
                target.insert(key.clone(), value.clone());
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn remove_prefixed(object: &mut Map<String, Value>, prefix: &str) {
    object.retain(|k, _| !(k.starts_with(prefix) && k.len() > prefix.len()));
}

fn rename_prefix(element: &mut Value, from: &str, to: &str) {
    for key in ["id", "path"] {
        if let Some(text) = element[key].as_str()
            && let Some(rest) = text.strip_prefix(from)
        {
            element[key] = Value::String(format!("{to}{rest}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Arc;

    fn base() -> Arc<Value> {
        Arc::new(
            json!({"url": "http://b/Thing", "type": "Thing", "snapshot": {"element": [
                {"id": "Thing", "path": "Thing", "min": 0, "max": "*"},
                {"id": "Thing.code", "path": "Thing.code", "min": 0, "max": "*", "type": [{"code": "Coding"}]},
                {"id": "Thing.value[x]", "path": "Thing.value[x]", "min": 0, "max": "1",
                 "type": [{"code": "string"}, {"code": "Coding"}]}
            ]}}),
        )
    }

    fn coding() -> Arc<Value> {
        Arc::new(json!({"type": "Coding", "snapshot": {"element": [
            {"id": "Coding", "path": "Coding"},
            {"id": "Coding.system", "path": "Coding.system", "min": 0, "max": "1"},
            {"id": "Coding.code", "path": "Coding.code", "min": 0, "max": "1"}
        ]}}))
    }

    #[test]
    fn merges_slices_types_and_choices() {
        let source = |url: &str| match url {
            "http://b/Thing" => Some(base()),
            "Coding" => Some(coding()),
            _ => None,
        };
        let profile = json!({"url": "http://p", "type": "Thing", "baseDefinition": "http://b/Thing",
        "differential": {"element": [
            {"id": "Thing.code", "path": "Thing.code", "min": 1,
             "slicing": {"discriminator": [{"type": "value", "path": "system"}], "rules": "open"}},
            {"id": "Thing.code:a", "path": "Thing.code", "sliceName": "a", "min": 1},
            {"id": "Thing.code:a.system", "path": "Thing.code.system", "fixedUri": "http://a"},
            {"id": "Thing.valueString", "path": "Thing.valueString", "maxLength": 5}
        ]}});
        let generated = generate(&profile, &source).unwrap();
        let ids: Vec<&str> = generated["snapshot"]["element"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "Thing",
                "Thing.code",
                "Thing.code:a",
                "Thing.code:a.system",
                "Thing.code:a.code",
                "Thing.value[x]"
            ]
        );
        let elements = generated["snapshot"]["element"].as_array().unwrap();
        assert_eq!(elements[1]["min"], 1);
        assert_eq!(elements[2]["sliceName"], "a");
        assert!(elements[2].get("slicing").is_none());
        assert_eq!(elements[3]["fixedUri"], "http://a");
        assert_eq!(elements[5]["maxLength"], 5);
        assert_eq!(elements[5]["type"], json!([{"code": "string"}]));
        let broken = json!({"url": "http://q", "baseDefinition": "http://b/Thing",
            "differential": {"element": [{"id": "Thing.nope", "path": "Thing.nope"}]}});
        assert!(
            generate(&broken, &source)
                .unwrap_err()
                .contains("Thing.nope")
        );
    }

    #[test]
    fn differentials_without_ids_follow_their_slice() {
        let source = |url: &str| match url {
            "http://b/Thing" => Some(base()),
            "Coding" => Some(coding()),
            _ => None,
        };
        let profile = json!({"url": "http://p", "type": "Thing", "baseDefinition": "http://b/Thing",
        "differential": {"element": [
            {"path": "Thing.code", "slicing": {"rules": "closed"}},
            {"path": "Thing.code", "sliceName": "a"},
            {"path": "Thing.code.system", "min": 1}
        ]}});
        let generated = generate(&profile, &source).unwrap();
        let elements = generated["snapshot"]["element"].as_array().unwrap();
        let system = elements
            .iter()
            .find(|e| e["id"] == "Thing.code:a.system")
            .unwrap();
        assert_eq!(system["min"], 1);
        assert!(
            elements
                .iter()
                .all(|e| e["id"] != "Thing.code.system" || e["min"] == 0)
        );
    }
}
