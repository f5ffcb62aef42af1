//! [`ModelInfo`] built from the base StructureDefinitions of a FHIR package.

use crate::model::{ElementTypeInfo, ModelInfo};
use flate2::read::GzDecoder;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Type information for every FHIR type and resource defined in a package.
#[derive(Debug, Default, Clone)]
pub struct StaticModel {
    /// Type (or backbone element path) → child name → types.
    elements: NameMap<NameMap<ElementTypeInfo>>,
    /// Type → the type it derives from.
    bases: NameMap<String>,
    primitives: HashSet<String>,
    /// The lookup tables, built on the first lookup after the last definition was added.
    flat: OnceLock<Flat>,
}

/// A map keyed by type or element name. The keys come from the definitions, not from the
/// documents evaluated, so a fixed seed will do; foldhash reads several bytes at a step, which
/// matters for the long backbone paths (`StructureDefinition.snapshot.element`) the model is
/// asked about for every node an expression visits.
type NameMap<V> = HashMap<String, V, foldhash::fast::FixedState>;

/// Every type's children, inherited ones included, so that a lookup needs no walk up the base
/// types; and every type name the model hands out (in [`ElementTypeInfo::types`]) shared, one
/// `Arc` per name, so that the evaluator asking about a child of a node it typed through the
/// model finds the type by the address of its name instead of hashing the text.
#[derive(Debug, Default, Clone)]
struct Flat {
    /// Type name → type id, the index into `names` and `children`.
    ids: NameMap<u32>,
    /// The shared type names, by type id.
    names: Vec<Arc<str>>,
    /// Child name → types, by type id.
    children: Vec<NameMap<ElementTypeInfo>>,
    /// The shared type names by the address of their text, each in the first free slot from
    /// the one its address hashes to (see [`Flat::slot`]).
    slots: Box<[Slot]>,
    /// The shift that takes the hash of an address to its slot: 64 less the bits of a slot
    /// index.
    shift: u32,
}

/// Where a shared type name's text is, and the type's id; a free slot has address 0.
#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    address: usize,
    len: usize,
    id: u32,
}

impl Flat {
    /// The id of a type name: found by address when `type_name` is the text of one of the
    /// shared names (which the model keeps alive, so no other text can be at that address),
    /// else by its text.
    #[inline]
    fn type_id(&self, type_name: &str) -> Option<u32> {
        let address = type_name.as_ptr() as usize;
        let mut slot = self.slot(address);
        while let Some(found) = self.slots.get(slot) {
            if found.address == address && found.len == type_name.len() {
                return Some(found.id);
            }
            if found.address == 0 {
                break;
            }
            slot = (slot + 1) & (self.slots.len() - 1);
        }
        self.ids.get(type_name).copied()
    }

    /// The slot an address hashes to: the top bits of a multiplicative hash.
    #[inline]
    fn slot(&self, address: usize) -> usize {
        (address as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .checked_shr(self.shift)
            .unwrap_or(0) as usize
    }

    /// Fills `slots` once every name is shared, with four slots a name so that a lookup
    /// seldom looks past the first.
    fn place_names(&mut self) {
        let size = (self.names.len() * 4).next_power_of_two();
        self.shift = u64::BITS - size.trailing_zeros();
        self.slots = vec![Slot::default(); size].into_boxed_slice();
        for (id, name) in self.names.iter().enumerate() {
            let address = name.as_ptr() as usize;
            let mut slot = self.slot(address);
            while self.slots[slot].address != 0 {
                slot = (slot + 1) & (size - 1);
            }
            self.slots[slot] = Slot {
                address,
                len: name.len(),
                id: id as u32,
            };
        }
    }

    /// The id of `name`, assigned (with an empty table of children) on first use.
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer than 2^32 types");
        self.ids.insert(name.to_owned(), id);
        self.names.push(Arc::from(name));
        self.children.push(NameMap::default());
        id
    }

    /// `info` with its type names replaced by the shared ones.
    fn shared(&mut self, info: &ElementTypeInfo) -> ElementTypeInfo {
        let types = info
            .types
            .iter()
            .map(|t| {
                let id = self.intern(t);
                self.names[id as usize].clone()
            })
            .collect();
        ElementTypeInfo {
            types,
            is_choice: info.is_choice,
        }
    }
}

/// Why a package could not be read.
#[derive(Debug)]
pub struct StaticModelError(String);

impl fmt::Display for StaticModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StaticModelError {}

impl StaticModel {
    /// Reads `package/StructureDefinition-*.json` from an npm-style FHIR package (`.tgz`).
    pub fn from_package(path: &Path) -> Result<StaticModel, StaticModelError> {
        let error = |e: std::io::Error| StaticModelError(format!("{}: {e}", path.display()));
        let file = std::fs::File::open(path).map_err(error)?;
        let mut archive = tar::Archive::new(GzDecoder::new(file));
        let mut model = StaticModel::default();
        for entry in archive.entries().map_err(error)? {
            let mut entry = entry.map_err(error)?;
            let name = entry.path().map_err(error)?.to_string_lossy().into_owned();
            let Some(file_name) = name.strip_prefix("package/") else {
                continue;
            };
            if !file_name.starts_with("StructureDefinition-") || !file_name.ends_with(".json") {
                continue;
            }
            let mut text = String::new();
            entry.read_to_string(&mut text).map_err(error)?;
            let definition: Json = serde_json::from_str(&text)
                .map_err(|e| StaticModelError(format!("{name}: {e}")))?;
            model.add_structure_definition(&definition);
        }
        if model.elements.is_empty() {
            return Err(StaticModelError(format!(
                "{} holds no base StructureDefinitions",
                path.display()
            )));
        }
        Ok(model)
    }

    /// Adds one StructureDefinition. Base type and resource definitions (and constrained
    /// datatypes such as `Age`) contribute; other profiles are ignored.
    pub fn add_structure_definition(&mut self, definition: &Json) {
        self.flat.take();
        let text = |key: &str| definition.get(key).and_then(Json::as_str).unwrap_or("");
        let (id, kind, derivation) = (text("id"), text("kind"), text("derivation"));
        if !matches!(kind, "primitive-type" | "complex-type" | "resource") {
            return;
        }
        let base = text("baseDefinition").rsplit('/').next().unwrap_or("");
        if derivation == "constraint" {
            let datatype = kind == "complex-type"
                && id.starts_with(|c: char| c.is_ascii_uppercase())
                && !id.contains('-');
            if datatype {
                self.bases.insert(id.to_string(), base.to_string());
            }
            return;
        }
        if !base.is_empty() {
            self.bases.insert(id.to_string(), base.to_string());
        }
        if kind == "primitive-type" {
            self.primitives.insert(id.to_string());
        }
        let elements = definition
            .pointer("/snapshot/element")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for element in elements {
            self.add_element(element);
        }
    }

    /// Every type's own and inherited children: the nearest definition of a name wins, as
    /// when walking up at most 32 base types.
    fn flatten(&self) -> Flat {
        let mut flat = Flat::default();
        for type_name in self.elements.keys().chain(self.bases.keys()) {
            let id = flat.intern(type_name) as usize;
            if !flat.children[id].is_empty() {
                continue;
            }
            let mut children: NameMap<ElementTypeInfo> = NameMap::default();
            let mut current = type_name.as_str();
            for _ in 0..32 {
                for (name, info) in self.elements.get(current).into_iter().flatten() {
                    if !children.contains_key(name) {
                        children.insert(name.clone(), flat.shared(info));
                    }
                }
                let Some(base) = self.bases.get(current) else {
                    break;
                };
                current = base;
            }
            flat.children[id] = children;
        }
        flat.place_names();
        flat
    }

    fn add_element(&mut self, element: &Json) {
        let Some(path) = element.get("path").and_then(Json::as_str) else {
            return;
        };
        let Some((parent, raw_name)) = path.rsplit_once('.') else {
            return;
        };
        let (name, is_choice) = match raw_name.strip_suffix("[x]") {
            Some(stem) => (stem, true),
            None => (raw_name, false),
        };
        let content_reference = element.get("contentReference").and_then(Json::as_str);
        let types: Vec<Arc<str>> = if let Some(reference) = content_reference {
            vec![Arc::from(reference.trim_start_matches('#'))]
        } else {
            element
                .get("type")
                .and_then(Json::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|t| type_code(t, path))
                .collect()
        };
        if types.is_empty() {
            return;
        }
        // A content reference reuses a backbone element defined (and based) elsewhere.
        for t in types.iter().filter(|_| content_reference.is_none()) {
            if t.contains('.') {
                let base = if element_code_is(element, "BackboneElement") {
                    "BackboneElement"
                } else {
                    "Element"
                };
                self.bases.insert(t.to_string(), base.to_string());
            }
        }
        self.elements
            .entry(parent.to_string())
            .or_default()
            .insert(name.to_string(), ElementTypeInfo { types, is_choice });
    }
}

fn element_code_is(element: &Json, code: &str) -> bool {
    element
        .pointer("/type/0/code")
        .and_then(Json::as_str)
        .is_some_and(|c| c == code)
}

/// The type code of one `ElementDefinition.type`: nested backbone elements are named by
/// their path; FHIRPath system types map back to their FHIR primitive.
fn type_code(t: &Json, path: &str) -> Option<Arc<str>> {
    let code = t.get("code").and_then(Json::as_str)?;
    if code == "BackboneElement" || (code == "Element" && path.contains('.')) {
        return Some(Arc::from(path));
    }
    if let Some(system) = code.strip_prefix("http://hl7.org/fhirpath/System.") {
        let declared = t
            .get("extension")
            .and_then(Json::as_array)
            .and_then(|extensions| {
                extensions.iter().find_map(|e| {
                    e.get("valueUrl")
                        .or_else(|| e.get("valueUri"))
                        .and_then(Json::as_str)
                })
            });
        let fhir = declared.map_or_else(|| system_to_fhir(system), str::to_string);
        return Some(Arc::from(fhir.as_str()));
    }
    Some(Arc::from(code))
}

fn system_to_fhir(system: &str) -> String {
    match system {
        "DateTime" => "dateTime".into(),
        other => other.to_lowercase(),
    }
}

impl ModelInfo for StaticModel {
    fn element_type(&self, parent_type: &str, name: &str) -> Option<ElementTypeInfo> {
        self.element_type_ref(parent_type, name)
            .map(Cow::into_owned)
    }

    fn element_type_ref(&self, parent_type: &str, name: &str) -> Option<Cow<'_, ElementTypeInfo>> {
        let flat = self.flat.get_or_init(|| self.flatten());
        let id = flat.type_id(parent_type)?;
        flat.children[id as usize].get(name).map(Cow::Borrowed)
    }

    fn is_subtype(&self, type_name: &str, base: &str) -> bool {
        let mut current = type_name;
        for _ in 0..32 {
            if current == base {
                return true;
            }
            match self.bases.get(current) {
                Some(next) => current = next,
                None => return false,
            }
        }
        false
    }

    fn is_primitive(&self, type_name: &str) -> bool {
        self.primitives.contains(type_name)
    }

    fn shared_type_name(&self, type_name: &str) -> Option<Arc<str>> {
        let flat = self.flat.get_or_init(|| self.flatten());
        let id = flat.type_id(type_name)?;
        Some(flat.names[id as usize].clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_content_reference_keeps_the_backbone_base() {
        let mut model = StaticModel::default();
        model.add_structure_definition(&json!({
            "id": "Questionnaire", "kind": "resource", "derivation": "specialization",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/DomainResource",
            "snapshot": {"element": [
                {"path": "Questionnaire.item", "type": [{"code": "BackboneElement"}]},
                {"path": "Questionnaire.item.item", "contentReference": "#Questionnaire.item"}
            ]}
        }));
        assert!(model.is_subtype("Questionnaire.item", "BackboneElement"));
        let nested = model.element_type("Questionnaire.item", "item").unwrap();
        assert_eq!(&*nested.types[0], "Questionnaire.item");
    }

    #[test]
    fn inherited_children_are_found_and_own_children_win() {
        let mut model = StaticModel::default();
        let definition = |id: &str, base: &str, elements: Json| {
            json!({
                "id": id, "kind": "complex-type", "derivation": "specialization",
                "baseDefinition": format!("http://hl7.org/fhir/StructureDefinition/{base}"),
                "snapshot": {"element": elements}
            })
        };
        model.add_structure_definition(&definition(
            "Base",
            "",
            json!([{"path": "Base.x", "type": [{"code": "string"}]},
                   {"path": "Base.y", "type": [{"code": "string"}]}]),
        ));
        model.add_structure_definition(&definition(
            "Derived",
            "Base",
            json!([{"path": "Derived.x", "type": [{"code": "code"}]}]),
        ));
        let type_of = |model: &StaticModel, parent: &str, name: &str| {
            model
                .element_type(parent, name)
                .map(|info| info.types[0].to_string())
        };
        assert_eq!(type_of(&model, "Derived", "x").as_deref(), Some("code"));
        assert_eq!(type_of(&model, "Derived", "y").as_deref(), Some("string"));
        assert_eq!(type_of(&model, "Derived", "z"), None);
        // A definition added after a lookup is seen by the next one.
        model.add_structure_definition(&definition(
            "Derived2",
            "Derived",
            json!([{"path": "Derived2.z", "type": [{"code": "uri"}]}]),
        ));
        assert_eq!(type_of(&model, "Derived2", "z").as_deref(), Some("uri"));
        assert_eq!(type_of(&model, "Derived2", "x").as_deref(), Some("code"));
    }

    #[test]
    fn shared_type_names_are_found_by_address_and_text_alike() {
        let mut model = StaticModel::default();
        model.add_structure_definition(&json!({
            "id": "Thing", "kind": "complex-type", "derivation": "specialization",
            "snapshot": {"element": [
                {"path": "Thing.part", "type": [{"code": "BackboneElement"}]},
                {"path": "Thing.part.when", "type": [{"code": "dateTime"}]}
            ]}
        }));
        let thing = model.shared_type_name("Thing").expect("a defined type");
        assert!(Arc::ptr_eq(
            &thing,
            &model.shared_type_name("Thing").unwrap()
        ));
        assert!(model.shared_type_name("Nothing").is_none());
        // The types the model hands out are its shared names.
        let part = model.element_type("Thing", "part").unwrap().types[0].clone();
        assert!(Arc::ptr_eq(
            &part,
            &model.shared_type_name("Thing.part").unwrap()
        ));
        let by_address = model.element_type(&part, "when");
        assert_eq!(
            by_address,
            model.element_type(&String::from("Thing.part"), "when")
        );
        assert_eq!(&*by_address.unwrap().types[0], "dateTime");
        // The start of a shared name is not taken for the whole name.
        assert!(model.element_type(&part[..5], "part").is_some());
        assert!(model.element_type(&part[..5], "when").is_none());
    }
}
