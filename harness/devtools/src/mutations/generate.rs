//! Every single mutation a resource admits: its JSON is walked alongside the snapshots of its
//! type (and of the data types it uses), and each matched element yields the faults its
//! definition makes checkable — required elements to drop, `max = 1` elements to repeat,
//! primitives to garble, required codes to replace, reference targets to retype, invariants
//! to break, and a place for an unknown member.

use std::sync::Arc;

use assure_validate::Validator;
use assure_validate::definitions::CORE_SD_BASE;
use serde_json::{Map, Value, json};

use super::edit::{Edit, Kind, Mutation, child_pointer};

/// Resource types tried, in order, as the wrong target of a reference.
const WRONG_TARGETS: [&str; 6] = [
    "Medication",
    "Location",
    "Device",
    "Group",
    "Patient",
    "Organization",
];

/// Data types whose `qty-3` invariant (a code needs a system) is broken by dropping `system`.
const QUANTITY_TYPES: [&str; 5] = ["Quantity", "Age", "Duration", "Distance", "Count"];

/// The mutations of one base resource (index `base`), in document order.
pub fn mutations(validator: &Validator, base: usize, resource: &Value) -> Vec<Mutation> {
    let Some(object) = resource.as_object() else {
        return Vec::new();
    };
    let Some(kind) = object.get("resourceType").and_then(Value::as_str) else {
        return Vec::new();
    };
    let Some(sd) = validator.with_snapshot(&format!("{CORE_SD_BASE}{kind}")) else {
        return Vec::new();
    };
    let mut walk = Walk {
        validator,
        base,
        resource_type: kind.to_owned(),
        found: Vec::new(),
    };
    let node = Node {
        object,
        pointer: String::new(),
        display: kind.to_owned(),
        sd,
        path: kind.to_owned(),
        type_code: kind.to_owned(),
    };
    walk.object(&node);
    walk.found
}

/// A JSON object matched to the definition of its children.
struct Node<'j> {
    object: &'j Map<String, Value>,
    /// JSON Pointer of the object.
    pointer: String,
    /// FHIRPath-style location, for descriptions.
    display: String,
    /// The StructureDefinition whose elements `path.<name>` define the children.
    sd: Arc<Value>,
    path: String,
    type_code: String,
}

/// One member of a node matched to its element definition.
struct Member<'j> {
    key: &'j str,
    value: &'j Value,
    def: &'j Value,
    /// The type of the value (from the `[x]` suffix for choice elements).
    type_code: String,
}

struct Walk<'v> {
    validator: &'v Validator,
    base: usize,
    resource_type: String,
    found: Vec<Mutation>,
}

impl Walk<'_> {
    fn push(&mut self, kind: Kind, node: &Node<'_>, description: String, edits: Vec<Edit>) {
        self.push_variant(kind, self.resource_type.clone(), node, description, edits);
    }

    fn push_variant(
        &mut self,
        kind: Kind,
        variant: String,
        node: &Node<'_>,
        description: String,
        edits: Vec<Edit>,
    ) {
        self.found.push(Mutation {
            kind,
            base: self.base,
            variant,
            site: node.display.clone(),
            description: format!("{}: {description}", node.display),
            edits,
        });
    }

    fn set(node: &Node<'_>, key: &str, value: Option<Value>) -> Edit {
        Edit {
            object: node.pointer.clone(),
            key: key.to_owned(),
            value,
        }
    }

    fn object(&mut self, node: &Node<'_>) {
        self.push(
            Kind::UnknownElement,
            node,
            "member fooBar added".into(),
            vec![Self::set(node, "fooBar", Some(json!(1)))],
        );
        self.invariants(node);
        let sd = node.sd.clone();
        let Some(elements) = sd["snapshot"]["element"].as_array() else {
            return;
        };
        let prefix = format!("{}.", node.path);
        for def in elements {
            let Some(name) = def["path"]
                .as_str()
                .and_then(|p| p.strip_prefix(&prefix))
                .filter(|n| !n.contains('.'))
            else {
                continue;
            };
            if def.get("sliceName").is_some() || name == "extension" || name == "modifierExtension"
            {
                continue;
            }
            for member in members(node.object, name, def) {
                self.member(node, &member);
            }
        }
    }

    fn member(&mut self, node: &Node<'_>, member: &Member<'_>) {
        let key = member.key;
        let shadow = format!("_{key}");
        let def = member.def;
        if def["min"].as_u64().unwrap_or(0) >= 1 {
            let mut edits = vec![Self::set(node, key, None)];
            if node.object.contains_key(&shadow) {
                edits.push(Self::set(node, &shadow, None));
            }
            self.push(
                Kind::DropRequired,
                node,
                format!("{key} removed (min {})", def["min"]),
                edits,
            );
        }
        if def["max"] == "1" && !member.value.is_array() {
            let twice = |v: &Value| Some(Value::Array(vec![v.clone(), v.clone()]));
            let mut edits = vec![Self::set(node, key, twice(member.value))];
            if let Some(extension) = node.object.get(&shadow) {
                edits.push(Self::set(node, &shadow, twice(extension)));
            }
            self.push(
                Kind::Cardinality,
                node,
                format!("{key} repeated (max 1)"),
                edits,
            );
        }
        let first = match member.value {
            Value::Array(items) => items.first(),
            single => Some(single),
        };
        let Some(first) = first else { return };
        if let Some(bad) = bad_primitive(&member.type_code, self.found.len()) {
            let description = format!("{key} {first} -> {bad} ({})", member.type_code);
            let value = replace_first(member.value, bad);
            self.push_variant(
                Kind::PrimitiveFormat,
                member.type_code.clone(),
                node,
                description,
                vec![Self::set(node, key, Some(value))],
            );
        }
        self.binding(node, member, first);
        self.reference(node, member, first);
        self.descend(node, member);
    }

    /// Replaces the code(s) of an element bound to a required value set that expands fully.
    fn binding(&mut self, node: &Node<'_>, member: &Member<'_>, first: &Value) {
        let binding = &member.def["binding"];
        let Some(value_set) = binding["valueSet"].as_str() else {
            return;
        };
        if binding["strength"] != "required" {
            return;
        }
        let expansion = self.validator.terminology().expand(value_set);
        if !expansion.is_complete() || expansion.codes.is_empty() {
            return;
        }
        const BAD: &str = "not-in-value-set";
        let replaced = match member.type_code.as_str() {
            "code" if first.is_string() => json!(BAD),
            "Coding" if first.get("code").is_some() => with_code(first, BAD),
            "CodeableConcept" => {
                let Some(codings) = first["coding"].as_array().filter(|c| !c.is_empty()) else {
                    return;
                };
                let mut concept = first.clone();
                concept["coding"] =
                    Value::Array(codings.iter().map(|c| with_code(c, BAD)).collect());
                concept
            }
            _ => return,
        };
        let key = member.key;
        self.push(
            Kind::RequiredBinding,
            node,
            format!("{key} code -> '{BAD}' (required {value_set})"),
            vec![Self::set(
                node,
                key,
                Some(replace_first(member.value, replaced)),
            )],
        );
    }

    /// Retypes a relative literal reference to a type its target profiles do not allow.
    fn reference(&mut self, node: &Node<'_>, member: &Member<'_>, first: &Value) {
        if member.type_code != "Reference" {
            return;
        }
        let allowed: Vec<&str> = member.def["type"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["code"] == "Reference")
            .flat_map(|t| t["targetProfile"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .filter_map(|p| p.strip_prefix(CORE_SD_BASE))
            .collect();
        if allowed.is_empty() || allowed.contains(&"Resource") {
            return;
        }
        let Some((target, id)) = first["reference"].as_str().and_then(|r| r.split_once('/')) else {
            return;
        };
        let relative = target
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
            && target.chars().all(|c| c.is_ascii_alphabetic())
            && !id.is_empty();
        let wrong_targets: Vec<&&str> = WRONG_TARGETS
            .iter()
            .filter(|t| !allowed.contains(t))
            .collect();
        if wrong_targets.is_empty() {
            return;
        }
        let wrong = wrong_targets[self.found.len() % wrong_targets.len()];
        if !relative {
            return;
        }
        let mut retyped = first.clone();
        retyped["reference"] = json!(format!("{wrong}/{id}"));
        let key = member.key;
        self.push(
            Kind::ReferenceTarget,
            node,
            format!(
                "{key} {target}/{id} -> {wrong}/{id} (allowed: {})",
                allowed.join(", ")
            ),
            vec![Self::set(
                node,
                key,
                Some(replace_first(member.value, retyped)),
            )],
        );
    }

    /// Walks into the object(s) of a complex member.
    fn descend(&mut self, node: &Node<'_>, member: &Member<'_>) {
        let (sd, path) = if let Some(reference) = member.def["contentReference"].as_str() {
            (
                node.sd.clone(),
                reference.trim_start_matches('#').to_owned(),
            )
        } else if matches!(member.type_code.as_str(), "BackboneElement" | "Element") {
            (
                node.sd.clone(),
                member.def["path"].as_str().unwrap_or("").to_owned(),
            )
        } else if is_data_type(&member.type_code) {
            let Some(sd) = self
                .validator
                .with_snapshot(&format!("{CORE_SD_BASE}{}", member.type_code))
            else {
                return;
            };
            (sd, member.type_code.clone())
        } else {
            return;
        };
        let pointer = child_pointer(&node.pointer, member.key);
        let display = format!("{}.{}", node.display, member.key);
        let children: Vec<(String, String, &Value)> = match member.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        child_pointer(&pointer, &i.to_string()),
                        format!("{display}[{i}]"),
                        v,
                    )
                })
                .collect(),
            single => vec![(pointer, display, single)],
        };
        for (pointer, display, value) in children {
            if let Some(object) = value.as_object() {
                self.object(&Node {
                    object,
                    pointer,
                    display,
                    sd: sd.clone(),
                    path: path.clone(),
                    type_code: member.type_code.clone(),
                });
            }
        }
    }

    /// Breaks the invariants this node's type or path carries, where the data allows.
    fn invariants(&mut self, node: &Node<'_>) {
        let o = node.object;
        let text = |k: &str| o.get(k).and_then(Value::as_str);
        let number = |k: &str| o.get(k).and_then(|v| v["value"].as_f64());
        let mut broken = |rule: &str, edits: Vec<Edit>| {
            let key = rule.split(':').next().unwrap_or(rule).to_owned();
            self.push_variant(Kind::Invariant, key, node, rule.to_owned(), edits);
        };
        match node.type_code.as_str() {
            "Period" => {
                if let (Some(start), Some(end)) = (text("start"), text("end"))
                    && start.len() == end.len()
                    && start < end
                    && start.get(19..) == end.get(19..)
                {
                    broken(
                        "per-1: start and end swapped",
                        vec![
                            Self::set(node, "start", Some(json!(end))),
                            Self::set(node, "end", Some(json!(start))),
                        ],
                    );
                }
            }
            "Range" => {
                if let (Some(low), Some(high)) = (number("low"), number("high"))
                    && low < high
                {
                    broken(
                        "rng-2: low and high swapped",
                        vec![
                            Self::set(node, "low", o.get("high").cloned()),
                            Self::set(node, "high", o.get("low").cloned()),
                        ],
                    );
                }
            }
            "ContactPoint" if o.contains_key("value") && o.contains_key("system") => broken(
                "cpt-2: system removed while value is present",
                vec![Self::set(node, "system", None)],
            ),
            "Attachment" if o.contains_key("data") && o.contains_key("contentType") => broken(
                "att-1: contentType removed while data is present",
                vec![Self::set(node, "contentType", None)],
            ),
            code if QUANTITY_TYPES.contains(&code)
                && o.contains_key("code")
                && o.contains_key("system") =>
            {
                broken(
                    "qty-3: system removed while code is present",
                    vec![Self::set(node, "system", None)],
                )
            }
            _ => {}
        }
        match node.path.as_str() {
            "Patient.contact" => {
                let details = ["name", "telecom", "address", "organization"];
                let present: Vec<Edit> = details
                    .iter()
                    .filter(|k| o.contains_key(**k))
                    .map(|k| Self::set(node, k, None))
                    .collect();
                if !present.is_empty() && o.keys().any(|k| !details.contains(&k.as_str())) {
                    broken(
                        "pat-1: name, telecom, address and organization removed",
                        present,
                    );
                }
            }
            "Observation"
                if o.keys().any(|k| k.starts_with("value"))
                    && !o.contains_key("dataAbsentReason") =>
            {
                broken(
                    "obs-6: dataAbsentReason added beside value[x]",
                    vec![Self::set(
                        node,
                        "dataAbsentReason",
                        Some(json!({"text": "unknown"})),
                    )],
                );
            }
            _ => {}
        }
    }
}

/// The members of `object` that `def` (named `name`, maybe a `[x]` choice) defines.
fn members<'j>(object: &'j Map<String, Value>, name: &str, def: &'j Value) -> Vec<Member<'j>> {
    let types: Vec<&str> = def["type"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["code"].as_str())
        .collect();
    match name.strip_suffix("[x]") {
        Some(stem) => object
            .iter()
            .filter_map(|(key, value)| {
                let suffix = key.strip_prefix(stem)?;
                let code = types.iter().find(|t| capitalized(t) == suffix)?;
                Some(Member {
                    key,
                    value,
                    def,
                    type_code: (*code).to_owned(),
                })
            })
            .collect(),
        None => object
            .get_key_value(name)
            .map(|(key, value)| Member {
                key,
                value,
                def,
                type_code: match types.as_slice() {
                    [single] => (*single).to_owned(),
                    _ => String::new(),
                },
            })
            .into_iter()
            .collect(),
    }
}

fn capitalized(code: &str) -> String {
    let mut chars = code.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Complex data types walked into through their own StructureDefinition.
fn is_data_type(code: &str) -> bool {
    code.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && !matches!(
            code,
            "Resource" | "Extension" | "BackboneElement" | "Element"
        )
}

/// A value of the wrong format (or JSON kind) for a primitive type; `pick` chooses among
/// the variants.
fn bad_primitive(code: &str, pick: usize) -> Option<Value> {
    let variants: Vec<Value> = match code {
        "boolean" => vec![json!("true"), json!("yes")],
        "integer" => vec![json!("abc"), json!(1.5)],
        "positiveInt" => vec![json!(0), json!("abc")],
        "unsignedInt" => vec![json!(-1), json!(1.5)],
        "decimal" => vec![json!("abc"), json!(true)],
        "date" => vec![json!("2020-13-45"), json!("2021-02-29"), json!("20200101")],
        "dateTime" => vec![
            json!("2020-13-45T10:00:00Z"),
            json!("2020-01-01T25:00:00Z"),
            json!("2020-01-01T10:00"),
        ],
        "instant" => vec![json!("2020-01-01T10:00:00"), json!("2020-13-45T10:00:00Z")],
        "time" => vec![json!("25:61:00"), json!("10:00")],
        "code" => vec![json!("two  spaces"), json!(" leading")],
        "id" => vec![json!("not a valid id!")],
        "uri" | "url" | "canonical" => vec![json!("has a space")],
        "oid" => vec![json!("1.2.3")],
        "uuid" => vec![json!("not-a-uuid")],
        "base64Binary" => vec![json!("not base64!")],
        "string" | "markdown" => vec![json!(42), json!(true)],
        _ => return None,
    };
    Some(variants[pick % variants.len()].clone())
}

/// `value` with its first item (or itself, when not an array) replaced.
fn replace_first(value: &Value, replacement: Value) -> Value {
    match value {
        Value::Array(items) => {
            let mut items = items.clone();
            items[0] = replacement;
            Value::Array(items)
        }
        _ => replacement,
    }
}

fn with_code(coding: &Value, code: &str) -> Value {
    let mut coding = coding.clone();
    coding["code"] = json!(code);
    coding
}
