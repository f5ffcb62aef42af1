//! Token search: codes, Codings, CodeableConcepts and Identifiers.

use serde_json::Value;

/// One value of a token parameter: `system|code`, `code`, `system|` or `|code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenQuery {
    /// `None`: any system; `Some("")`: no system; otherwise that system.
    system: Option<String>,
    /// `None`: any code in the system.
    code: Option<String>,
}

impl TokenQuery {
    /// Parses a token value. Only the first `|` separates system from code.
    pub fn parse(value: &str) -> Self {
        match value.split_once('|') {
            Some((system, code)) => Self {
                system: Some(system.to_owned()),
                code: (!code.is_empty()).then(|| code.to_owned()),
            },
            None => Self {
                system: None,
                code: Some(value.to_owned()),
            },
        }
    }

    /// Whether `element` (a code string, Coding, CodeableConcept or Identifier) matches.
    pub fn matches(&self, element: &Value) -> bool {
        match element {
            Value::String(code) => self.matches_pair(None, Some(code)),
            Value::Object(fields) => match fields.get("coding") {
                Some(Value::Array(codings)) => codings.iter().any(|coding| self.matches(coding)),
                _ => {
                    let system = fields.get("system").and_then(Value::as_str);
                    let code = fields
                        .get("code")
                        .or_else(|| fields.get("value"))
                        .and_then(Value::as_str);
                    self.matches_pair(system, code)
                }
            },
            _ => false,
        }
    }

    fn matches_pair(&self, system: Option<&str>, code: Option<&str>) -> bool {
        let system_matches = match self.system.as_deref() {
            None => true,
            Some("") => system.is_none(),
            Some(wanted) => system == Some(wanted),
        };
        let code_matches = match self.code.as_deref() {
            None => true,
            Some(wanted) => code == Some(wanted),
        };
        system_matches && code_matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number";

    #[test]
    fn identifier_by_system_and_value_or_value_alone() {
        let identifier = json!({"system": NHS, "value": "9990000018"});
        assert!(TokenQuery::parse(&format!("{NHS}|9990000018")).matches(&identifier));
        assert!(TokenQuery::parse("9990000018").matches(&identifier));
        assert!(TokenQuery::parse(&format!("{NHS}|")).matches(&identifier));
        assert!(!TokenQuery::parse("other|9990000018").matches(&identifier));
        assert!(!TokenQuery::parse("|9990000018").matches(&identifier));
        assert!(!TokenQuery::parse("9990000026").matches(&identifier));
    }

    #[test]
    fn codeable_concept_matches_any_coding() {
        let concept = json!({"coding": [
            {"system": "http://snomed.info/sct", "code": "27113001"},
            {"system": "http://loinc.org", "code": "29463-7"}
        ]});
        assert!(TokenQuery::parse("http://loinc.org|29463-7").matches(&concept));
        assert!(TokenQuery::parse("27113001").matches(&concept));
        assert!(!TokenQuery::parse("http://loinc.org|27113001").matches(&concept));
    }

    #[test]
    fn plain_codes_have_no_system() {
        assert!(TokenQuery::parse("male").matches(&json!("male")));
        assert!(TokenQuery::parse("|male").matches(&json!("male")));
        assert!(!TokenQuery::parse("Male").matches(&json!("male")));
        assert!(!TokenQuery::parse("male").matches(&json!(1)));
    }
}
