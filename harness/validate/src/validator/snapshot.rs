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
    let specialization = sd["derivation"] == "specialization";
    let mut previous: Vec<(String, String)> = Vec::new();
    let mut renamed_choices = Vec::new();
    let differential = sd["differential"]["element"].as_array();
    let read_by_order = differential.is_some_and(|d| d.iter().any(id_contradicts_slice_name));
    for diff in differential.into_iter().flatten() {
        let diff = if read_by_order {
            without_id(diff)
        } else {
            diff.clone()
        };
        let diff = with_contextual_id(&diff, &previous);
        let path = diff["path"].as_str().unwrap_or_default().to_owned();
        previous.push((path, id_of(&diff)));
        let mut merge = Merge {
            elements: &mut elements,
            source,
            renamed_choices: &mut renamed_choices,
        };
        let id = id_of(&diff);
        let index = match merge.locate(&id) {
            Ok(index) => index,
            // A specialization defines new elements: each goes after its parent's subtree.
            Err(_) if specialization => merge.add_new(&id, &diff["path"])?,
            Err(why) => return Err(why),
        };
        overlay(&mut elements[index], &diff);
        if elements.len() > MAX_ELEMENTS {
            return Err(format!("{url}: generated snapshot is too large"));
        }
    }
    for choice in &renamed_choices {
        narrow_to_slice_types(&mut elements, choice);
    }
    let mut result = sd.clone();
    result["snapshot"] = serde_json::json!({ "element": elements });
    Ok(result)
}

/// Whether an element's `id` disagrees with its `sliceName` (`"id": "Bundle.entry"` with
/// `"sliceName": "encounter"`). Such a differential's ids cannot be trusted, so it is read as
/// ids were optional, by path and order: the slice opened by the element owns the elements
/// under its path that follow it.
fn id_contradicts_slice_name(element: &Value) -> bool {
    let (Some(id), Some(slice)) = (element["id"].as_str(), element["sliceName"].as_str()) else {
        return false;
    };
    let last = id.rsplit('.').next().unwrap_or(id);
    !last.ends_with(&format!(":{slice}"))
}

/// A copy of a differential element with its `id` removed.
fn without_id(element: &Value) -> Value {
    let mut copy = element.clone();
    if let Some(object) = copy.as_object_mut() {
        object.remove("id");
    }
    copy
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

/// The snapshot being generated while one differential element is merged into it.
struct Merge<'m, 's> {
    elements: &'m mut Vec<Value>,
    source: &'m SnapshotSource<'s>,
    /// Ids of the choice elements a renamed choice sliced (by type, closed): their types are
    /// narrowed to those of their slices once the whole differential is merged.
    renamed_choices: &'m mut Vec<String>,
}

impl Merge<'_, '_> {
    /// Finds (creating slices and expanding types as needed) the element with `id`.
    fn locate(&mut self, id: &str) -> Result<usize, String> {
        if let Some(i) = position(self.elements, id) {
            return Ok(i);
        }
        let Some((parent_id, last)) = split_id(id) else {
            return Err(format!("element {id} is not in the base definition"));
        };
        // A new slice of an existing element: `...identifier:nhs`.
        if let Some((name, slice)) = last.split_once(':') {
            let base_index = self.locate(&format!("{parent_id}.{name}"))?;
            let base_id = id_of(&self.elements[base_index]);
            if let Some(i) = position(self.elements, &format!("{base_id}:{slice}")) {
                return Ok(i);
            }
            let base = &mut self.elements[base_index];
            if matches!(name, "extension" | "modifierExtension") && base.get("slicing").is_none() {
                // Extensions are sliced by their url, open, whether the differential says so
                // or not.
                base["slicing"] = serde_json::json!({
                    "discriminator": [{"type": "value", "path": "url"}],
                    "ordered": false,
                    "rules": "open"
                });
            }
            return Ok(add_slice(self.elements, base_index, &base_id, slice));
        }
        let parent = self.locate(parent_id)?;
        // The parent may be a renamed choice, found as its type slice: its children are the
        // slice's (`Observation.valueQuantity.value` is `Observation.value[x]:valueQuantity.value`).
        let parent_id = id_of(&self.elements[parent]);
        let id = format!("{parent_id}.{last}");
        for expanded in [false, true] {
            if expanded {
                if has_children(self.elements, parent) {
                    break;
                }
                expand_type(self.elements, parent, self.source)?;
            }
            if let Some(i) = position(self.elements, &id) {
                return Ok(i);
            }
            if let Some(choice) = choice_match(self.elements, &parent_id, last) {
                return Ok(self.renamed_choice(choice, last));
            }
        }
        Err(format!("element {id} is not in the base definition"))
    }

    /// Adds an element the base does not have (its differential gives the rest) after the
    /// subtree of its parent; returns its index.
    fn add_new(&mut self, id: &str, path: &Value) -> Result<usize, String> {
        let Some((parent_id, _)) = split_id(id) else {
            return Err(format!("element {id} has no parent"));
        };
        let parent = self.locate(parent_id)?;
        let below = format!("{}.", id_of(&self.elements[parent]));
        let end = self.elements[parent + 1..]
            .iter()
            .position(|e| !id_of(e).starts_with(&below))
            .map_or(self.elements.len(), |n| parent + 1 + n);
        // Every element is an Element: it carries the constraints of Element's root (ele-1).
        let constraint = (self.source)("Element")
            .map(|element| element["snapshot"]["element"][0]["constraint"].clone())
            .filter(Value::is_array)
            .unwrap_or_else(|| Value::Array(Vec::new()));
        self.elements.insert(
            end,
            serde_json::json!({ "id": id, "path": path, "constraint": constraint }),
        );
        Ok(end)
    }

    /// A renamed choice (`Observation.valueQuantity` for `Observation.value[x]`) is a slice of
    /// the choice by type: the slice `value[x]:valueQuantity`, of that one type, and unless the
    /// choice is sliced already, a closed slicing by `type` at `$this`, so the choice allows
    /// only the types its renamed slices name. Returns the slice's index.
    fn renamed_choice(&mut self, choice: usize, renamed: &str) -> usize {
        let choice_id = id_of(&self.elements[choice]);
        if let Some(i) = position(self.elements, &format!("{choice_id}:{renamed}")) {
            return i;
        }
        if self.elements[choice].get("slicing").is_none() {
            self.elements[choice]["slicing"] = serde_json::json!({
                "discriminator": [{"type": "type", "path": "$this"}],
                "ordered": false,
                "rules": "closed"
            });
            self.renamed_choices.push(choice_id.clone());
        }
        let index = add_slice(self.elements, choice, &choice_id, renamed);
        let suffix = renamed_type(&choice_id, renamed);
        if let Some(types) = self.elements[index]["type"].as_array_mut() {
            types.retain(|t| capitalized(t["code"].as_str().unwrap_or_default()) == suffix);
        }
        index
    }
}

/// The type a renamed choice names: `Quantity` for `valueQuantity` of `Observation.value[x]`.
fn renamed_type<'a>(choice_id: &str, renamed: &'a str) -> &'a str {
    let stem = split_id(choice_id)
        .map_or(choice_id, |(_, name)| name)
        .trim_end_matches("[x]");
    renamed.strip_prefix(stem).unwrap_or(renamed)
}

/// Narrows the types of the choice element `choice_id` to those of its slices.
fn narrow_to_slice_types(elements: &mut [Value], choice_id: &str) {
    let prefix = format!("{choice_id}:");
    let sliced: Vec<Value> = elements
        .iter()
        .filter(|e| {
            id_of(e)
                .strip_prefix(&prefix)
                .is_some_and(|s| !s.contains('.'))
        })
        .flat_map(|e| e["type"].as_array().cloned().unwrap_or_default())
        .collect();
    let Some(choice) = elements.iter_mut().find(|e| id_of(e) == choice_id) else {
        return;
    };
    if let Some(types) = choice["type"].as_array_mut() {
        types.retain(|t| sliced.iter().any(|s| s["code"] == t["code"]));
    }
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

    fn source(url: &str) -> Option<Arc<Value>> {
        match url {
            "http://b/Thing" => Some(base()),
            "Coding" => Some(coding()),
            "Element" => Some(Arc::new(
                json!({"type": "Element", "snapshot": {"element": [
                    {"id": "Element", "path": "Element", "constraint": [{"key": "ele-1"}]}
                ]}}),
            )),
            _ => None,
        }
    }

    fn ids(generated: &Value) -> Vec<&str> {
        generated["snapshot"]["element"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect()
    }

    fn element<'a>(generated: &'a Value, id: &str) -> &'a Value {
        generated["snapshot"]["element"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()
    }

    #[test]
    fn merges_slices_and_types() {
        let profile = json!({"url": "http://p", "type": "Thing", "baseDefinition": "http://b/Thing",
        "differential": {"element": [
            {"id": "Thing.code", "path": "Thing.code", "min": 1,
             "slicing": {"discriminator": [{"type": "value", "path": "system"}], "rules": "open"}},
            {"id": "Thing.code:a", "path": "Thing.code", "sliceName": "a", "min": 1},
            {"id": "Thing.code:a.system", "path": "Thing.code.system", "fixedUri": "http://a"}
        ]}});
        let generated = generate(&profile, &source).unwrap();
        assert_eq!(
            ids(&generated),
            [
                "Thing",
                "Thing.code",
                "Thing.code:a",
                "Thing.code:a.system",
                "Thing.code:a.code",
                "Thing.value[x]"
            ]
        );
        assert_eq!(element(&generated, "Thing.code")["min"], 1);
        let slice = element(&generated, "Thing.code:a");
        assert_eq!(slice["sliceName"], "a");
        assert!(slice.get("slicing").is_none());
        assert_eq!(
            element(&generated, "Thing.code:a.system")["fixedUri"],
            "http://a"
        );
        let broken = json!({"url": "http://q", "baseDefinition": "http://b/Thing",
            "differential": {"element": [{"id": "Thing.nope", "path": "Thing.nope"}]}});
        assert!(
            generate(&broken, &source)
                .unwrap_err()
                .contains("Thing.nope")
        );
    }

    /// A renamed choice (`valueCoding` for `value[x]`, profiling.html "choice of data types")
    /// is a slice of the choice by type: its constraints and children are the slice's, and the
    /// choice allows only the types its renamed slices name.
    #[test]
    fn renamed_choices_are_type_slices() {
        let profile = json!({"url": "http://p", "type": "Thing", "baseDefinition": "http://b/Thing",
        "differential": {"element": [
            {"id": "Thing.valueCoding", "path": "Thing.valueCoding", "min": 1},
            {"id": "Thing.valueCoding.system", "path": "Thing.valueCoding.system", "fixedUri": "http://a"}
        ]}});
        let generated = generate(&profile, &source).unwrap();
        assert_eq!(
            ids(&generated),
            [
                "Thing",
                "Thing.code",
                "Thing.value[x]",
                "Thing.value[x]:valueCoding",
                "Thing.value[x]:valueCoding.system",
                "Thing.value[x]:valueCoding.code"
            ]
        );
        let choice = element(&generated, "Thing.value[x]");
        assert_eq!(choice["min"], 0);
        assert_eq!(choice["type"], json!([{"code": "Coding"}]));
        assert_eq!(
            choice["slicing"],
            json!({"discriminator": [{"type": "type", "path": "$this"}], "ordered": false, "rules": "closed"})
        );
        let slice = element(&generated, "Thing.value[x]:valueCoding");
        assert_eq!(slice["sliceName"], "valueCoding");
        assert_eq!(slice["min"], 1);
        assert_eq!(slice["type"], json!([{"code": "Coding"}]));
        let system = element(&generated, "Thing.value[x]:valueCoding.system");
        assert_eq!(system["path"], "Thing.value[x].system");
        assert_eq!(system["fixedUri"], "http://a");

        // Two renamed types: the choice keeps both.
        let profile = json!({"url": "http://p", "type": "Thing", "baseDefinition": "http://b/Thing",
        "differential": {"element": [
            {"id": "Thing.valueString", "path": "Thing.valueString", "maxLength": 5},
            {"id": "Thing.valueCoding", "path": "Thing.valueCoding"}
        ]}});
        let generated = generate(&profile, &source).unwrap();
        assert_eq!(
            element(&generated, "Thing.value[x]")["type"],
            json!([{"code": "string"}, {"code": "Coding"}])
        );
        let string = element(&generated, "Thing.value[x]:valueString");
        assert_eq!(string["type"], json!([{"code": "string"}]));
        assert_eq!(string["maxLength"], 5);
    }

    /// A slice of `extension` gets the slicing every extension element has (by `url`, open)
    /// when neither the base nor the differential gives one.
    #[test]
    fn extension_slices_are_sliced_by_url() {
        let base = Arc::new(
            json!({"url": "http://b/Host", "type": "Host", "snapshot": {"element": [
                {"id": "Host", "path": "Host"},
                {"id": "Host.extension", "path": "Host.extension", "min": 0, "max": "*",
                 "type": [{"code": "Extension"}]}
            ]}}),
        );
        let source = |url: &str| (url == "http://b/Host").then(|| base.clone());
        let profile = json!({"url": "http://p", "type": "Host", "baseDefinition": "http://b/Host",
        "differential": {"element": [
            {"id": "Host.extension:colour", "path": "Host.extension", "sliceName": "colour",
             "type": [{"code": "Extension", "profile": ["http://p/colour"]}]}
        ]}});
        let generated = generate(&profile, &source).unwrap();
        assert_eq!(
            element(&generated, "Host.extension")["slicing"],
            json!({"discriminator": [{"type": "value", "path": "url"}], "ordered": false, "rules": "open"})
        );
        assert!(
            element(&generated, "Host.extension:colour")
                .get("slicing")
                .is_none()
        );
    }

    /// A specialization adds the elements its differential defines, after their parent's
    /// subtree, each an Element with Element's constraints.
    #[test]
    fn specializations_add_new_elements() {
        let profile = json!({"url": "http://p/Gadget", "type": "Gadget", "baseDefinition": "http://b/Thing",
        "derivation": "specialization",
        "differential": {"element": [
            {"id": "Gadget", "path": "Gadget"},
            {"id": "Gadget.part", "path": "Gadget.part", "type": [{"code": "BackboneElement"}]},
            {"id": "Gadget.part.label", "path": "Gadget.part.label", "type": [{"code": "string"}]},
            {"id": "Gadget.size", "path": "Gadget.size", "min": 1, "max": "1", "type": [{"code": "integer"}]}
        ]}});
        let generated = generate(&profile, &source).unwrap();
        assert_eq!(
            ids(&generated),
            [
                "Gadget",
                "Gadget.code",
                "Gadget.value[x]",
                "Gadget.part",
                "Gadget.part.label",
                "Gadget.size"
            ]
        );
        let size = element(&generated, "Gadget.size");
        assert_eq!(size["path"], "Gadget.size");
        assert_eq!(size["min"], 1);
        assert_eq!(size["constraint"], json!([{"key": "ele-1"}]));
        // A constraint on a type adds nothing new.
        let constraint = json!({"url": "http://q", "type": "Thing", "baseDefinition": "http://b/Thing",
            "derivation": "constraint",
            "differential": {"element": [{"id": "Thing.size", "path": "Thing.size"}]}});
        assert!(generate(&constraint, &source).is_err());
    }

    #[test]
    fn ids_that_contradict_slice_names_give_way_to_order() {
        // The second element opens slice `a` but carries the sliced element's id, and the
        // third carries its plain path as id: read by path and order, as the ids are wrong.
        let profile = json!({"url": "http://p", "type": "Thing", "baseDefinition": "http://b/Thing",
        "differential": {"element": [
            {"id": "Thing.code", "path": "Thing.code", "slicing": {"rules": "open"}},
            {"id": "Thing.code", "path": "Thing.code", "sliceName": "a"},
            {"id": "Thing.code.system", "path": "Thing.code.system", "min": 1}
        ]}});
        let generated = generate(&profile, &source).unwrap();
        let sliced = element(&generated, "Thing.code");
        assert!(sliced.get("sliceName").is_none(), "{sliced}");
        assert_eq!(sliced["slicing"]["rules"], "open");
        assert_eq!(element(&generated, "Thing.code:a")["sliceName"], "a");
        assert_eq!(element(&generated, "Thing.code:a.system")["min"], 1);
        let elements = generated["snapshot"]["element"].as_array().unwrap();
        assert!(
            elements
                .iter()
                .all(|e| e["id"] != "Thing.code.system" || e["min"] == 0)
        );
    }

    #[test]
    fn differentials_without_ids_follow_their_slice() {
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
