//! Additional bindings: value sets a profile binds an element to besides its binding, each with
//! a purpose (the `additional-binding` extension of the FHIR tools IG on
//! `ElementDefinition.binding`, which carries R5's `binding.additional` into R4).

use serde_json::Value;

use super::issue::Severity;

/// The extension on `ElementDefinition.binding` that holds one additional binding.
const EXTENSION: &str = "http://hl7.org/fhir/tools/StructureDefinition/additional-binding";

/// One additional binding that applies to every value of the element.
#[derive(Debug, Clone)]
pub struct AdditionalBinding {
    /// `required`, `maximum`, `extensible`, `current`, `preferred`, `ui`, ...
    pub purpose: String,
    pub value_set: String,
}

impl AdditionalBinding {
    /// How a value outside the value set is reported: `required` and `maximum` bindings must be
    /// met, `extensible` and `current` ones should be; the other purposes (`minimum`,
    /// `preferred`, `ui`, `starter`, `component`, `candidate`) say nothing of a single value.
    pub fn failure_severity(&self) -> Option<Severity> {
        match self.purpose.as_str() {
            "required" | "maximum" => Some(Severity::Error),
            "extensible" | "current" => Some(Severity::Warning),
            _ => None,
        }
    }
}

/// The additional bindings of an `ElementDefinition.binding`. Those limited to a usage context
/// (`usage`) or met by any one repetition (`any`) are left out: neither can be told of a
/// single value.
pub fn read(binding: &Value) -> Vec<AdditionalBinding> {
    binding["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["url"] == EXTENSION)
        .filter_map(|e| {
            let parts = e["extension"].as_array()?;
            let part = |name: &str| parts.iter().find(|p| p["url"] == name);
            if part("usage").is_some()
                || part("any").is_some_and(|p| p["valueBoolean"] == Value::Bool(true))
            {
                return None;
            }
            let purpose = part("purpose")?["valueCode"].as_str()?;
            let value_set = part("valueSet").and_then(|p| {
                p["valueCanonical"]
                    .as_str()
                    .or_else(|| p["valueUri"].as_str())
            })?;
            Some(AdditionalBinding {
                purpose: purpose.to_owned(),
                value_set: value_set.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::read;
    use serde_json::json;

    #[test]
    fn reads_purpose_and_value_set_and_skips_conditional_ones() {
        let binding = json!({"strength": "preferred", "valueSet": "http://x/vs0", "extension": [
            {"url": super::EXTENSION, "extension": [
                {"url": "purpose", "valueCode": "required"},
                {"url": "valueSet", "valueCanonical": "http://x/vs1"}]},
            {"url": super::EXTENSION, "extension": [
                {"url": "purpose", "valueCode": "required"},
                {"url": "valueSet", "valueCanonical": "http://x/vs2"},
                {"url": "usage", "valueUsageContext": {"code": {"code": "focus"}}}]},
            {"url": super::EXTENSION, "extension": [
                {"url": "purpose", "valueCode": "maximum"},
                {"url": "valueSet", "valueCanonical": "http://x/vs3"},
                {"url": "any", "valueBoolean": true}]}]});
        let found = read(&binding);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].purpose, "required");
        assert_eq!(found[0].value_set, "http://x/vs1");
    }
}
