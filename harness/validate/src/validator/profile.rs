//! A StructureDefinition snapshot compiled for validation: element definitions with their
//! children, slices, types and rules in a form that is cheap to walk; and how an instance's
//! property names and choice suffixes (`valueQuantity`) name those definitions and types.

use std::collections::HashMap;
use std::sync::Arc;

use assure_fhirpath::Expr;
use assure_model::Element;
use serde_json::Value;

use super::additional_binding::{self, AdditionalBinding};
use super::unique_full_urls;

/// The extension that gives an element a minimum length.
const MIN_LENGTH_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/minLength";

/// The extension on a type's profile that names the element of that profile the value
/// conforms to (R4 extension-elementdefinition-profile-element.html).
const PROFILE_ELEMENT_EXTENSION: &str =
    "http://hl7.org/fhir/StructureDefinition/elementdefinition-profile-element";

/// The extension that marks an invariant as a best-practice guideline.
const BEST_PRACTICE_EXTENSION: &str =
    "http://hl7.org/fhir/StructureDefinition/elementdefinition-bestpractice";

/// The R4 core invariants flagged best practice, known by key because the built-in R4
/// bundle keeps no constraint extensions.
const CORE_BEST_PRACTICE: [&str; 2] = ["dom-6", "con-3"];

/// The extension that says which language sections a narrative must (not) have.
const NARRATIVE_LANGUAGE_EXTENSION: &str =
    "http://hl7.org/fhir/StructureDefinition/narrative-language-control";

/// One `type` of an element definition.
#[derive(Debug, Clone)]
pub struct TypeRef {
    /// Type code (`HumanName`, `string`, `Reference`); FHIRPath system types are mapped to
    /// their FHIR primitive.
    pub code: String,
    /// `profile`: profiles the value must conform to (e.g. an extension definition).
    pub profiles: Vec<String>,
    /// `targetProfile`: for references and canonicals.
    pub target_profiles: Vec<String>,
    /// `aggregation`: how a reference's target may be held (`contained`, `referenced`,
    /// `bundled`); any way when empty.
    pub aggregation: Vec<String>,
    /// The element of the (first) profile the value conforms to, when not its root (the
    /// `elementdefinition-profile-element` extension on `profile`).
    pub profile_element: Option<String>,
}

/// A binding to a value set.
#[derive(Debug, Clone)]
pub struct Binding {
    pub strength: String,
    pub value_set: String,
    /// From the `elementdefinition-maxValueSet` extension: the value set every code must come
    /// from even where the binding lets codes from outside `value_set` be used.
    pub max_value_set: Option<String>,
    /// Value sets the element is also bound to, each with its purpose.
    pub additional: Vec<AdditionalBinding>,
}

/// A `minValue[x]` or `maxValue[x]`.
#[derive(Debug, Clone)]
pub struct ValueBound {
    /// The type named by the suffix: `date`, `dateTime`, `integer`, `Quantity`, ...
    pub type_code: String,
    /// The bound as written in the definition.
    pub value: Value,
}

/// One invariant, with its expression parsed (or why it could not be).
#[derive(Debug)]
pub struct Constraint {
    pub key: String,
    pub severity: String,
    pub human: String,
    /// Flagged with the `elementdefinition-bestpractice` extension (its severity then comes
    /// from `Switches::best_practice`).
    pub best_practice: bool,
    /// Shared by the elements of a profile that carry the same expression (`ele-1` is on
    /// every one).
    pub expression: Result<Arc<Expr>, String>,
    /// Whether the expression is `ele-1`'s, which the walk checks without the engine.
    pub is_ele_1: bool,
    /// Whether the expression is bdl-7's, which the walk checks without the engine when the
    /// Bundle is plain enough ([`super::unique_full_urls`]).
    pub is_bdl_7: bool,
}

/// `ele-1`, the invariant of every element of every R4 definition: "All FHIR elements must
/// have a @value or children".
pub(super) const ELE_1: &str = "hasValue() or (children().count() > id.count())";

/// How an element's repetitions are sliced.
#[derive(Debug, Clone)]
pub struct Slicing {
    /// `(type, path)` pairs.
    pub discriminators: Vec<(String, String)>,
    pub rules: String,
    pub ordered: bool,
}

/// One element definition of a snapshot.
#[derive(Debug)]
pub struct ElementDef {
    pub id: String,
    pub path: String,
    /// The last path segment without `[x]` (`value` for `Observation.value[x]`).
    pub name: String,
    pub is_choice: bool,
    pub slice_name: Option<String>,
    pub min: u64,
    /// `None` for `*`.
    pub max: Option<u64>,
    /// Whether the element repeats in the definition it comes from (`base.max`, else `max`,
    /// is more than 1): JSON then holds it as an array whatever a profile allows (R4
    /// json.html).
    pub repeats: bool,
    pub types: Vec<TypeRef>,
    pub content_reference: Option<String>,
    /// `(suffix, value)` of `fixed[x]`.
    pub fixed: Option<Value>,
    pub pattern: Option<Value>,
    pub max_length: Option<u64>,
    /// `minValue[x]`: the value may not be less.
    pub min_value: Option<ValueBound>,
    /// `maxValue[x]`: the value may not be greater.
    pub max_value: Option<ValueBound>,
    /// From the `minLength` extension.
    pub min_length: Option<u64>,
    /// From the `narrative-language-control` extension (`_no`, `_resource`, or languages).
    pub narrative_languages: Option<String>,
    pub binding: Option<Binding>,
    pub constraints: Vec<Constraint>,
    pub slicing: Option<Slicing>,
    /// Indices of child definitions (no slices), in snapshot order.
    pub children: Vec<usize>,
    /// Indices of the slices of this element (definitions with the same path and a
    /// `sliceName`), in snapshot order.
    pub slices: Vec<usize>,
    /// Which of `children` describes an instance property, found by name.
    pub child_names: ChildNames,
}

/// The names of an element definition's children, so that the definition describing an
/// instance property is found by looking its name up rather than by trying every child
/// definition in turn.
#[derive(Debug, Default)]
pub struct ChildNames {
    /// Name → position in `children` of the first definition of that name that is not a
    /// choice.
    exact: foldhash::HashMap<String, usize>,
    /// Stem (`value` for `value[x]`) → position in `children` of the first choice definition
    /// with that stem.
    choices: foldhash::HashMap<String, usize>,
}

impl ChildNames {
    /// The names of the definitions `children` (indices into `elements`).
    fn new(elements: &[ElementDef], children: &[usize]) -> Self {
        let mut names = ChildNames::default();
        for (position, &child) in children.iter().enumerate() {
            let def = &elements[child];
            let map = if def.is_choice {
                &mut names.choices
            } else {
                &mut names.exact
            };
            map.entry(def.name.clone()).or_insert(position);
        }
        names
    }

    /// The position in `children` (indices into `elements`, the definitions these names were
    /// made from) of the first definition that describes the property `name`
    /// ([`name_matches`]), passing over those `skipped` says take no properties.
    pub fn claimant(
        &self,
        elements: &[ElementDef],
        children: &[usize],
        name: &str,
        skipped: impl Fn(&ElementDef) -> bool,
    ) -> Option<usize> {
        let mut first = self.exact.get(name).copied();
        if !self.choices.is_empty() {
            // A choice's stem ends where its type's capital letter starts.
            for (at, byte) in name.bytes().enumerate() {
                if byte.is_ascii_uppercase()
                    && let Some(&position) = self.choices.get(&name[..at])
                {
                    first = Some(first.map_or(position, |f| f.min(position)));
                }
            }
        }
        let first = first?;
        if !skipped(&elements[children[first]]) {
            return Some(first);
        }
        (first + 1..children.len()).find(|&position| {
            let def = &elements[children[position]];
            !skipped(def) && name_matches(def, name)
        })
    }
}

/// A compiled StructureDefinition.
#[derive(Debug)]
pub struct Profile {
    pub url: String,
    pub version: Option<String>,
    /// The type it constrains (`Patient`, `Extension`, `HumanName`).
    pub type_name: String,
    pub kind: String,
    pub elements: Vec<ElementDef>,
    /// Element id → index.
    by_id: HashMap<String, usize>,
    /// For extension definitions: the allowed contexts as `(type, expression)`.
    pub contexts: Vec<(String, String)>,
}

impl Profile {
    /// Compiles a StructureDefinition with a snapshot; errors say what is missing.
    pub fn compile(sd: &Value) -> Result<Arc<Self>, String> {
        let url = sd["url"].as_str().unwrap_or_default().to_owned();
        let raw = sd["snapshot"]["element"]
            .as_array()
            .filter(|e| !e.is_empty())
            .ok_or_else(|| format!("StructureDefinition {url} has no snapshot"))?;
        let mut expressions = Expressions::new();
        let mut elements: Vec<ElementDef> = raw
            .iter()
            .map(|e| compile_element(e, &mut expressions))
            .collect();
        link_children(&mut elements);
        let child_names: Vec<ChildNames> = elements
            .iter()
            .map(|e| ChildNames::new(&elements, &e.children))
            .collect();
        for (element, names) in elements.iter_mut().zip(child_names) {
            element.child_names = names;
        }
        relax_vital_signs_units(sd, &mut elements);
        let by_id = elements
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let contexts = sd["context"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                Some((
                    c["type"].as_str()?.to_owned(),
                    c["expression"].as_str()?.to_owned(),
                ))
            })
            .collect();
        Ok(Arc::new(Self {
            url,
            version: sd["version"].as_str().map(str::to_owned),
            type_name: sd["type"].as_str().unwrap_or_default().to_owned(),
            kind: sd["kind"].as_str().unwrap_or_default().to_owned(),
            elements,
            by_id,
            contexts,
        }))
    }

    /// The root element definition.
    pub fn root(&self) -> usize {
        0
    }

    /// An element definition by id (for `contentReference`: `#Questionnaire.item`).
    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The element `id` when the snapshot defines its children (else they are those of its
    /// type).
    pub fn element_with_children(&self, id: &str) -> Option<usize> {
        self.by_id(id)
            .filter(|&at| !self.elements[at].children.is_empty())
    }

    /// `url|version` when versioned.
    pub fn canonical(&self) -> String {
        match &self.version {
            Some(v) => format!("{}|{v}", self.url),
            None => self.url.clone(),
        }
    }
}

/// Whether an instance property name is described by `def` (`valueQuantity` by
/// `value[x]`).
pub fn name_matches(def: &ElementDef, name: &str) -> bool {
    if def.is_choice {
        name.strip_prefix(def.name.as_str())
            .is_some_and(|suffix| suffix.starts_with(|c: char| c.is_ascii_uppercase()))
    } else {
        def.name == name
    }
}

/// The type of a node under `def`: the single type, or the one named by a choice suffix.
pub fn node_type(def: &ElementDef, node: &Element) -> Option<String> {
    node_type_ref(def, node).map(str::to_owned)
}

/// [`node_type`], borrowed from the definition or the node (the walk asks it of every node).
pub fn node_type_ref<'a>(def: &'a ElementDef, node: &'a Element) -> Option<&'a str> {
    if def.is_choice {
        let suffix = node.name.strip_prefix(def.name.as_str())?;
        return def
            .types
            .iter()
            .find(|t| capitalizes_to(&t.code, suffix))
            .map(|t| t.code.as_str());
    }
    match def.types.as_slice() {
        [] => None,
        [single] => Some(&single.code),
        several => node
            .resource_type
            .as_deref()
            .filter(|rt| several.iter().any(|t| t.code == *rt))
            .or(Some(&several[0].code)),
    }
}

/// Whether `suffix` is `code` with its first letter in upper case (`dateTime` → `DateTime`),
/// compared without building the capitalized code.
fn capitalizes_to(code: &str, suffix: &str) -> bool {
    let mut chars = code.chars();
    let Some(first) = chars.next() else {
        return suffix.is_empty();
    };
    let mut rest = suffix;
    for upper in first.to_uppercase() {
        match rest.strip_prefix(upper) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest == chars.as_str()
}

/// `dateTime` → `DateTime`.
pub fn capitalized(code: &str) -> String {
    let mut chars = code.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Expressions parsed so far while compiling one profile, by their text.
type Expressions = HashMap<String, Result<Arc<Expr>, String>>;

/// The extension on a binding that names its maximum value set (R4
/// extension-elementdefinition-maxvalueset.html).
const MAX_VALUE_SET_EXTENSION: &str =
    "http://hl7.org/fhir/StructureDefinition/elementdefinition-maxValueSet";

/// The core vital signs profile, which the other core vital sign profiles derive from.
const VITAL_SIGNS: &str = "http://hl7.org/fhir/StructureDefinition/vitalsigns";

/// R4's vital signs profiles bind `Observation.component.value[x]`, whatever its type, to the
/// UCUM vital signs units as `required`, which a component valued by a CodeableConcept or
/// measured in another unit (an inhaled oxygen flow) cannot meet. The reference validator
/// reads that binding as `extensible` in the core vital signs profiles, and so is it read here.
fn relax_vital_signs_units(sd: &Value, elements: &mut [ElementDef]) {
    let url = sd["url"].as_str().unwrap_or_default();
    let base = sd["baseDefinition"].as_str().unwrap_or_default();
    if url != VITAL_SIGNS && base != VITAL_SIGNS {
        return;
    }
    for element in elements {
        if element.path == "Observation.component.value[x]"
            && let Some(binding) = &mut element.binding
            && binding.strength == "required"
        {
            binding.strength = "extensible".into();
        }
    }
}

fn compile_element(raw: &Value, expressions: &mut Expressions) -> ElementDef {
    let path = raw["path"].as_str().unwrap_or_default().to_owned();
    let last = path.rsplit('.').next().unwrap_or_default();
    let (name, is_choice) = match last.strip_suffix("[x]") {
        Some(stem) => (stem.to_owned(), true),
        None => (last.to_owned(), false),
    };
    let object = raw.as_object();
    let find_prefixed = |prefix: &str| {
        object.and_then(|o| {
            o.iter()
                .find(|(k, _)| k.starts_with(prefix) && k.len() > prefix.len())
                .map(|(_, v)| v.clone())
        })
    };
    let max = match raw["max"].as_str() {
        Some("*") | None => None,
        Some(n) => n.parse().ok(),
    };
    let repeats = !matches!(
        raw["base"]["max"].as_str().or(raw["max"].as_str()),
        Some("0" | "1") | None
    );
    ElementDef {
        id: raw["id"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| path.clone()),
        name,
        is_choice,
        slice_name: raw["sliceName"].as_str().map(str::to_owned),
        min: raw["min"].as_u64().unwrap_or(0),
        max,
        repeats,
        types: raw["type"]
            .as_array()
            .into_iter()
            .flatten()
            .map(compile_type)
            .collect(),
        content_reference: raw["contentReference"].as_str().map(str::to_owned),
        fixed: find_prefixed("fixed"),
        pattern: find_prefixed("pattern"),
        max_length: raw["maxLength"].as_u64(),
        min_value: value_bound(raw, "minValue"),
        max_value: value_bound(raw, "maxValue"),
        min_length: raw["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["url"] == MIN_LENGTH_EXTENSION)
            .and_then(|e| e["valueInteger"].as_u64()),
        narrative_languages: raw["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["url"] == NARRATIVE_LANGUAGE_EXTENSION)
            .find_map(|e| e["valueCode"].as_str().map(str::to_owned)),
        binding: raw["binding"]["valueSet"].as_str().map(|vs| Binding {
            strength: raw["binding"]["strength"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            value_set: vs.to_owned(),
            max_value_set: raw["binding"]["extension"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| e["url"] == MAX_VALUE_SET_EXTENSION)
                .find_map(|e| {
                    e["valueCanonical"]
                        .as_str()
                        .or_else(|| e["valueUri"].as_str())
                        .map(str::to_owned)
                }),
            additional: additional_binding::read(&raw["binding"]),
        }),
        constraints: raw["constraint"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| compile_constraint(c, expressions))
            .collect(),
        slicing: raw.get("slicing").map(|s| Slicing {
            discriminators: s["discriminator"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| {
                    let text = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
                    (text("type"), text("path"))
                })
                .collect(),
            rules: s["rules"].as_str().unwrap_or("open").to_owned(),
            ordered: s["ordered"].as_bool().unwrap_or(false),
        }),
        path,
        children: Vec::new(),
        slices: Vec::new(),
        child_names: ChildNames::default(),
    }
}

/// The `minValue[x]`/`maxValue[x]` (`prefix`) of an element definition.
fn value_bound(raw: &Value, prefix: &str) -> Option<ValueBound> {
    raw.as_object()?.iter().find_map(|(key, value)| {
        let suffix = key.strip_prefix(prefix).filter(|s| !s.is_empty())?;
        let type_code = if suffix == "Quantity" {
            suffix.to_owned()
        } else {
            // Primitive suffixes name their type capitalised: `DateTime` → `dateTime`.
            let mut chars = suffix.chars();
            let first = chars.next()?.to_ascii_lowercase();
            std::iter::once(first).chain(chars).collect()
        };
        Some(ValueBound {
            type_code,
            value: value.clone(),
        })
    })
}

fn compile_type(raw: &Value) -> TypeRef {
    let strings = |key: &str| -> Vec<String> {
        raw[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let code = raw["code"].as_str().unwrap_or_default();
    let code = match code.strip_prefix("http://hl7.org/fhirpath/System.") {
        Some(system) => raw["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|e| e["valueUrl"].as_str().or(e["valueUri"].as_str()))
            .map(str::to_owned)
            .unwrap_or_else(|| match system {
                "DateTime" => "dateTime".to_owned(),
                other => other.to_lowercase(),
            }),
        None => code.to_owned(),
    };
    TypeRef {
        code,
        profiles: strings("profile"),
        target_profiles: strings("targetProfile"),
        aggregation: strings("aggregation"),
        profile_element: raw["_profile"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["extension"].as_array().into_iter().flatten())
            .filter(|e| e["url"] == PROFILE_ELEMENT_EXTENSION)
            .find_map(|e| e["valueString"].as_str().map(str::to_owned)),
    }
}

/// How invariants are read: `matches()` tests the whole string, the reading the R4
/// specification's invariants were written and checked under.
const INVARIANT_READING: assure_fhirpath::ParseOptions = assure_fhirpath::ParseOptions {
    whole_string_matches: true,
};

fn compile_constraint(raw: &Value, expressions: &mut Expressions) -> Option<Constraint> {
    let source = raw["expression"].as_str()?;
    let expression = expressions
        .entry(source.to_owned())
        .or_insert_with(|| {
            assure_fhirpath::parse_with(source, INVARIANT_READING)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone();
    Some(Constraint {
        key: raw["key"].as_str().unwrap_or_default().to_owned(),
        severity: raw["severity"].as_str().unwrap_or("error").to_owned(),
        human: raw["human"].as_str().unwrap_or_default().to_owned(),
        best_practice: CORE_BEST_PRACTICE.contains(&raw["key"].as_str().unwrap_or_default())
            || raw["extension"].as_array().is_some_and(|extensions| {
                extensions.iter().any(|e| {
                    e["url"] == BEST_PRACTICE_EXTENSION && e["valueBoolean"] == Value::Bool(true)
                })
            }),
        expression,
        is_ele_1: source == ELE_1,
        is_bdl_7: source == unique_full_urls::BDL_7,
    })
}

/// Fills `children` and `slices`: a definition's subtree is the run of following definitions
/// whose path lies below its own; slices share their base's path and carry a `sliceName`, and
/// a slice's slices are its re-slices (`sliceName` `slice/reslice`, profiling.html#reslicing).
fn link_children(elements: &mut [ElementDef]) {
    let count = elements.len();
    for i in 0..count {
        let prefix = format!("{}.", elements[i].path);
        let mut children = Vec::new();
        let mut slices = Vec::new();
        // The slices of a slice are its re-slices, named `slice/reslice`.
        let reslice_prefix = elements[i].slice_name.as_ref().map(|n| format!("{n}/"));
        let mut j = i + 1;
        while j < count {
            let path = &elements[j].path;
            if path == &elements[i].path {
                let Some(name) = &elements[j].slice_name else {
                    j += 1;
                    continue;
                };
                let below = match &reslice_prefix {
                    Some(prefix) => match name.strip_prefix(prefix.as_str()) {
                        Some(rest) => rest,
                        // A sibling slice ends this slice's run.
                        None => break,
                    },
                    None => name.as_str(),
                };
                // Only the next level down: a re-slice's own re-slices are its.
                if !below.contains('/') {
                    slices.push(j);
                }
                j += 1;
                continue;
            }
            if !path.starts_with(&prefix) {
                break;
            }
            if !slices.is_empty() {
                // Children of a slice belong to the slice.
                j += 1;
                continue;
            }
            if !path[prefix.len()..].contains('.') && elements[j].slice_name.is_none() {
                children.push(j);
            }
            j += 1;
        }
        elements[i].children = children;
        elements[i].slices = slices;
    }
}
