//! Reading the concepts of a CodeSystem resource and applying value set filters to them.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

/// The concepts of a CodeSystem with complete content, flattened with their hierarchy.
#[derive(Debug, Default)]
pub struct Concepts {
    /// code → parent codes.
    parents: HashMap<String, Vec<String>>,
    /// code → (property code → values as text).
    properties: HashMap<String, Vec<(String, String)>>,
    /// Codes in document order.
    codes: Vec<String>,
}

impl Concepts {
    /// The concepts of `code_system`, or why they cannot be used.
    pub fn read(code_system: &Value) -> Result<Self, String> {
        let content = code_system["content"].as_str().unwrap_or("complete");
        if content != "complete" {
            return Err(format!("its content is '{content}', not complete"));
        }
        let mut concepts = Self::default();
        if let Some(list) = code_system["concept"].as_array() {
            concepts.add_all(list, None);
        }
        Ok(concepts)
    }

    fn add_all(&mut self, list: &[Value], parent: Option<&str>) {
        for concept in list {
            let Some(code) = concept["code"].as_str() else {
                continue;
            };
            self.codes.push(code.to_owned());
            let parents = self.parents.entry(code.to_owned()).or_default();
            parents.extend(parent.map(str::to_owned));
            let mut props = Vec::new();
            for property in concept["property"].as_array().into_iter().flatten() {
                let Some(name) = property["code"].as_str() else {
                    continue;
                };
                let value = [
                    "valueCode",
                    "valueString",
                    "valueBoolean",
                    "valueInteger",
                    "valueCoding",
                ]
                .iter()
                .find_map(|key| property.get(*key))
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    Value::Object(o) => o
                        .get("code")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    other => other.to_string(),
                });
                if let Some(value) = value {
                    if matches!(name, "parent" | "subsumedBy") {
                        parents.push(value.clone());
                    }
                    props.push((name.to_owned(), value));
                }
            }
            self.properties.insert(code.to_owned(), props);
            if let Some(children) = concept["concept"].as_array() {
                self.add_all(children, Some(code));
            }
        }
    }

    /// Every code.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.codes.iter().map(String::as_str)
    }

    /// Whether `code` is `ancestor` or below it.
    fn is_a(&self, code: &str, ancestor: &str) -> bool {
        let mut stack = vec![code];
        let mut seen = HashSet::new();
        while let Some(current) = stack.pop() {
            if current == ancestor {
                return true;
            }
            if seen.insert(current) {
                stack.extend(
                    self.parents
                        .get(current)
                        .into_iter()
                        .flatten()
                        .map(String::as_str),
                );
            }
        }
        false
    }

    /// Codes passing one `compose.include.filter`, or why the filter is not supported.
    pub fn filter(&self, property: &str, op: &str, value: &str) -> Result<HashSet<String>, String> {
        let keep: Box<dyn Fn(&str) -> bool> = match (property, op) {
            ("concept", "is-a") => Box::new(|c| self.is_a(c, value)),
            ("concept", "descendent-of") => Box::new(|c| c != value && self.is_a(c, value)),
            ("concept", "is-not-a") => Box::new(|c| !self.is_a(c, value)),
            ("concept", "in") => {
                let set: HashSet<&str> = value.split(',').map(str::trim).collect();
                Box::new(move |c| set.contains(c))
            }
            ("concept", "=") | ("code", "=") => Box::new(|c| c == value),
            (_, "=") => Box::new(|c| self.has_property(c, property, |v| v == value)),
            (_, "in") => {
                let set: HashSet<&str> = value.split(',').map(str::trim).collect();
                Box::new(move |c| self.has_property(c, property, |v| set.contains(v)))
            }
            (_, "exists") => {
                let wanted = value == "true";
                Box::new(move |c| self.has_property(c, property, |_| true) == wanted)
            }
            _ => {
                return Err(format!(
                    "filter '{property} {op} {value}' is not supported locally"
                ));
            }
        };
        Ok(self.all().filter(|c| keep(c)).map(str::to_owned).collect())
    }

    fn has_property(&self, code: &str, property: &str, test: impl Fn(&str) -> bool) -> bool {
        self.properties
            .get(code)
            .is_some_and(|props| props.iter().any(|(name, v)| name == property && test(v)))
    }
}
