//! Variables visible to a step: suite defaults, `--var` overrides, captures, `for_each` bindings.

use std::collections::HashMap;

use indexmap::IndexMap;

/// A variable's value: text, or a list captured with `all: true` (for `for_each`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarValue {
    Text(String),
    List(Vec<String>),
}

impl VarValue {
    /// The value as it is interpolated into text: a list becomes comma-separated, which is
    /// how FHIR search expresses "any of".
    pub fn as_text(&self) -> String {
        match self {
            VarValue::Text(text) => text.clone(),
            VarValue::List(items) => items.join(","),
        }
    }
}

/// A set of named values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    values: HashMap<String, VarValue>,
}

impl Scope {
    /// A scope holding `variables` as text values.
    pub fn from_text(variables: &IndexMap<String, String>) -> Scope {
        let mut scope = Scope::default();
        for (name, value) in variables {
            scope.set(name, VarValue::Text(value.clone()));
        }
        scope
    }

    pub fn get(&self, name: &str) -> Option<&VarValue> {
        self.values.get(name)
    }

    pub fn set(&mut self, name: &str, value: VarValue) {
        self.values.insert(name.to_string(), value);
    }

    /// Adds every value of `other`, replacing values of the same name.
    pub fn extend(&mut self, other: &Scope) {
        for (name, value) in &other.values {
            self.values.insert(name.clone(), value.clone());
        }
    }
}

/// The layered view a step resolves names in, innermost first: the `for_each` binding, the
/// captures (own and inherited through `needs`), `--var` overrides, the suite's defaults.
pub struct Lookup<'a> {
    pub binding: Option<(&'a str, &'a str)>,
    pub captures: &'a Scope,
    pub overrides: &'a Scope,
    pub defaults: &'a Scope,
}

impl Lookup<'_> {
    /// The value of `name`, if any layer defines it.
    pub fn value(&self, name: &str) -> Option<VarValue> {
        if let Some((bound, value)) = self.binding
            && bound == name
        {
            return Some(VarValue::Text(value.to_string()));
        }
        [self.captures, self.overrides, self.defaults]
            .into_iter()
            .find_map(|scope| scope.get(name))
            .cloned()
    }

    /// The text of `name`, as interpolation needs it.
    pub fn text(&self, name: &str) -> Option<String> {
        self.value(name).map(|value| value.as_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_layers_win() {
        let defaults = Scope::from_text(&IndexMap::from([
            ("a".to_string(), "default".to_string()),
            ("b".to_string(), "default".to_string()),
            ("c".to_string(), "default".to_string()),
        ]));
        let overrides = Scope::from_text(&IndexMap::from([
            ("b".to_string(), "override".to_string()),
            ("c".to_string(), "override".to_string()),
        ]));
        let mut captures = Scope::default();
        captures.set("c", VarValue::List(vec!["x".into(), "y".into()]));
        let lookup = Lookup {
            binding: Some(("d", "bound")),
            captures: &captures,
            overrides: &overrides,
            defaults: &defaults,
        };
        assert_eq!(lookup.text("a").as_deref(), Some("default"));
        assert_eq!(lookup.text("b").as_deref(), Some("override"));
        assert_eq!(lookup.text("c").as_deref(), Some("x,y"));
        assert_eq!(lookup.text("d").as_deref(), Some("bound"));
        assert_eq!(lookup.text("e"), None);
    }
}
