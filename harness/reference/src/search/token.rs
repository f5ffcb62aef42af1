//! Token search: codes, Codings, CodeableConcepts, Identifiers and ContactPoints, with the
//! `:text` and `:of-type` forms.

use serde_json::Value;

use super::escape::{split_unescaped, unescape};
use super::string::normalise;

/// One value of a token parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenQuery {
    /// `system|code`, `code`, `system|` or `|code`.
    Code {
        /// `None`: any system; `Some("")`: no system; otherwise that system.
        system: Option<String>,
        /// `None`: any code in the system.
        code: Option<String>,
    },
    /// `:text`: the text, display or identifier type text starts with this (normalised).
    Text(String),
    /// `:of-type`: an Identifier whose type has `system|code` and whose value is `value`.
    OfType {
        system: String,
        code: String,
        value: String,
    },
}

impl TokenQuery {
    /// Parses a plain token value.
    pub fn parse(value: &str) -> Result<Self, String> {
        let parts = split_unescaped(value, '|');
        match parts.as_slice() {
            [code] if !code.is_empty() => Ok(Self::Code {
                system: None,
                code: Some(unescape(code)),
            }),
            [system, code] if !(system.is_empty() && code.is_empty()) => Ok(Self::Code {
                system: Some(unescape(system)),
                code: (!code.is_empty()).then(|| unescape(code)),
            }),
            _ => Err(format!(
                "{value:?} is not a token (code, system|code, system| or |code)"
            )),
        }
    }

    /// Parses a `:text` value.
    pub fn text(value: &str) -> Self {
        Self::Text(normalise(&unescape(value)))
    }

    /// Parses an `:of-type` value, `system|code|value`, all three required.
    pub fn of_type(value: &str) -> Result<Self, String> {
        match split_unescaped(value, '|').as_slice() {
            [system, code, identifier]
                if !system.is_empty() && !code.is_empty() && !identifier.is_empty() =>
            {
                Ok(Self::OfType {
                    system: unescape(system),
                    code: unescape(code),
                    value: unescape(identifier),
                })
            }
            _ => Err(format!(
                "{value:?} is not an identifier type and value (system|code|value)"
            )),
        }
    }

    /// Whether `element` (a code, Coding, CodeableConcept, Identifier or ContactPoint)
    /// matches.
    pub fn matches(&self, element: &Value) -> bool {
        match self {
            Self::Code { system, code } => {
                matches_code(element, system.as_deref(), code.as_deref())
            }
            Self::Text(text) => texts_of(element)
                .into_iter()
                .any(|candidate| normalise(candidate).starts_with(text.as_str())),
            Self::OfType {
                system,
                code,
                value,
            } => {
                element.get("value").and_then(Value::as_str) == Some(value.as_str())
                    && element.get("type").is_some_and(|kind| {
                        matches_code(kind, Some(system.as_str()), Some(code.as_str()))
                    })
            }
        }
    }
}

fn matches_code(element: &Value, system: Option<&str>, code: Option<&str>) -> bool {
    codings(element)
        .into_iter()
        .any(|(found_system, found_code)| pair_matches(system, code, found_system, found_code))
}

/// The `(system, code)` pairs a token search compares against in `element`: a code or boolean
/// (no system), each Coding of a CodeableConcept, or a Coding, Identifier or ContactPoint
/// (`value` standing in for `code`).
pub fn codings(element: &Value) -> Vec<(Option<&str>, Option<&str>)> {
    match element {
        Value::String(found) => vec![(None, Some(found))],
        Value::Bool(flag) => vec![(None, Some(if *flag { "true" } else { "false" }))],
        Value::Object(fields) => match fields.get("coding") {
            Some(Value::Array(codings)) => codings.iter().flat_map(self::codings).collect(),
            _ => {
                let found_system = fields.get("system").and_then(Value::as_str);
                let found_code = fields
                    .get("code")
                    .or_else(|| fields.get("value"))
                    .and_then(Value::as_str);
                vec![(found_system, found_code)]
            }
        },
        _ => Vec::new(),
    }
}

fn pair_matches(
    system: Option<&str>,
    code: Option<&str>,
    found_system: Option<&str>,
    found_code: Option<&str>,
) -> bool {
    let system_matches = match system {
        None => true,
        Some("") => found_system.is_none(),
        Some(wanted) => found_system == Some(wanted),
    };
    system_matches && code.is_none_or(|wanted| found_code == Some(wanted))
}

/// The texts `:text` looks at: CodeableConcept.text, Coding.display, Identifier.type.text.
fn texts_of(element: &Value) -> Vec<&str> {
    let mut texts = Vec::new();
    if let Some(text) = element.get("text").and_then(Value::as_str) {
        texts.push(text);
    }
    if let Some(display) = element.get("display").and_then(Value::as_str) {
        texts.push(display);
    }
    if let Some(Value::Array(codings)) = element.get("coding") {
        texts.extend(
            codings
                .iter()
                .filter_map(|coding| coding.get("display").and_then(Value::as_str)),
        );
    }
    if let Some(text) = element.pointer("/type/text").and_then(Value::as_str) {
        texts.push(text);
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number";

    fn token(value: &str) -> TokenQuery {
        TokenQuery::parse(value).unwrap()
    }

    #[test]
    fn identifier_by_system_and_value_or_value_alone() {
        let identifier = json!({"system": NHS, "value": "9990000018"});
        assert!(token(&format!("{NHS}|9990000018")).matches(&identifier));
        assert!(token("9990000018").matches(&identifier));
        assert!(token(&format!("{NHS}|")).matches(&identifier));
        assert!(!token("other|9990000018").matches(&identifier));
        assert!(!token("|9990000018").matches(&identifier));
        assert!(!token("9990000026").matches(&identifier));
    }

    #[test]
    fn codeable_concept_matches_any_coding() {
        let concept = json!({"coding": [
            {"system": "http://snomed.info/sct", "code": "27113001"},
            {"system": "http://loinc.org", "code": "29463-7"}
        ]});
        assert!(token("http://loinc.org|29463-7").matches(&concept));
        assert!(token("27113001").matches(&concept));
        assert!(!token("http://loinc.org|27113001").matches(&concept));
    }

    #[test]
    fn plain_codes_have_no_system() {
        assert!(token("male").matches(&json!("male")));
        assert!(token("|male").matches(&json!("male")));
        assert!(!token("Male").matches(&json!("male")));
        assert!(!token("male").matches(&json!(1)));
        assert!(token("true").matches(&json!(true)));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in ["", "|", "a|b|c"] {
            assert!(TokenQuery::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(token(r"a\|b"), token(r"a\|b"));
        assert!(token(r"a\|b").matches(&json!("a|b")));
    }

    #[test]
    fn text_looks_at_text_and_display() {
        let concept =
            json!({"coding": [{"code": "1", "display": "Body weight"}], "text": "Weight"});
        assert!(TokenQuery::text("body").matches(&concept));
        assert!(TokenQuery::text("WEIGHT").matches(&concept));
        assert!(!TokenQuery::text("height").matches(&concept));
    }

    #[test]
    fn of_type_needs_type_and_value() {
        let identifier = json!({
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
            "value": "123"
        });
        let of_type = |value: &str| TokenQuery::of_type(value).unwrap();
        assert!(
            of_type("http://terminology.hl7.org/CodeSystem/v2-0203|MR|123").matches(&identifier)
        );
        assert!(
            !of_type("http://terminology.hl7.org/CodeSystem/v2-0203|MR|124").matches(&identifier)
        );
        assert!(TokenQuery::of_type("MR|123").is_err());
        assert!(TokenQuery::of_type("|MR|123").is_err());
    }
}
