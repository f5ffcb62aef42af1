//! String search: case- and accent-insensitive starts-with, `:exact` and `:contains`.

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How a string parameter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringMode {
    /// The element starts with the value, ignoring case and accents (the default).
    StartsWith,
    /// The element equals the value exactly (`:exact`).
    Exact,
    /// The element contains the value, ignoring case and accents (`:contains`).
    Contains,
}

/// One value of a string parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringQuery {
    mode: StringMode,
    value: String,
}

/// The parts of a HumanName or Address that string search looks at.
const TEXT_PARTS: &[&str] = &[
    "text",
    "family",
    "given",
    "prefix",
    "suffix",
    "line",
    "city",
    "district",
    "state",
    "postalCode",
    "country",
];

impl StringQuery {
    /// A query for `value` compared with `mode`.
    pub fn new(mode: StringMode, value: &str) -> Self {
        let value = match mode {
            StringMode::Exact => value.to_owned(),
            StringMode::StartsWith | StringMode::Contains => normalise(value),
        };
        Self { mode, value }
    }

    /// How it compares.
    pub fn mode(&self) -> StringMode {
        self.mode
    }

    /// The value compared: as given for [`StringMode::Exact`], otherwise [`normalise`]d.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether `element` (a string, HumanName or Address) matches.
    pub fn matches(&self, element: &Value) -> bool {
        texts(element).into_iter().any(|text| match self.mode {
            StringMode::Exact => text == self.value,
            StringMode::StartsWith => normalise(text).starts_with(&self.value),
            StringMode::Contains => normalise(text).contains(&self.value),
        })
    }
}

/// Lower-cases `text` and strips accents (combining marks after canonical decomposition).
pub fn normalise(text: &str) -> String {
    #[cfg(test)]
    NORMALISED.with(|count| count.set(count.get() + 1));
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
thread_local! {
    /// How many texts [`normalise`] has normalised on this thread, for tests that a search
    /// normalises no stored text.
    pub static NORMALISED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The texts of `element` a string search compares: the string itself, or the parts of a
/// HumanName or Address.
pub fn texts(element: &Value) -> Vec<&str> {
    match element {
        Value::String(text) => vec![text],
        Value::Object(fields) => TEXT_PARTS
            .iter()
            .filter_map(|part| fields.get(*part))
            .flat_map(|value| match value {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>(),
                other => other.as_str().into_iter().collect(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn starts_with_ignores_case_and_accents() {
        let name = json!({"family": "Lefèvre", "given": ["Chloé"]});
        assert!(StringQuery::new(StringMode::StartsWith, "lefe").matches(&name));
        assert!(StringQuery::new(StringMode::StartsWith, "CHLOE").matches(&name));
        assert!(StringQuery::new(StringMode::StartsWith, "Chloé").matches(&name));
        assert!(!StringQuery::new(StringMode::StartsWith, "fevre").matches(&name));
    }

    #[test]
    fn exact_is_case_and_accent_sensitive() {
        let family = json!("Lefèvre");
        assert!(StringQuery::new(StringMode::Exact, "Lefèvre").matches(&family));
        assert!(!StringQuery::new(StringMode::Exact, "Lefevre").matches(&family));
        assert!(!StringQuery::new(StringMode::Exact, "lefèvre").matches(&family));
        assert!(!StringQuery::new(StringMode::Exact, "Lef").matches(&family));
    }

    #[test]
    fn contains_matches_inside() {
        let family = json!("MacDonald");
        assert!(StringQuery::new(StringMode::Contains, "donald").matches(&family));
        assert!(!StringQuery::new(StringMode::Contains, "ronald").matches(&family));
    }

    #[test]
    fn non_text_elements_never_match() {
        assert!(!StringQuery::new(StringMode::StartsWith, "1").matches(&json!(12)));
        assert!(!StringQuery::new(StringMode::StartsWith, "").matches(&json!({"use": "x"})));
    }
}
