//! URI search (R4 search.html#uri): the value is matched exactly, case-sensitively; `:below`
//! also matches URIs under it and `:above` URIs over it, a whole path segment at a time.

use serde_json::Value;

/// How a uri parameter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriMode {
    /// The element equals the value (the default).
    Exact,
    /// The value is the element or one of its parent paths (`:below`).
    Below,
    /// The element is the value or one of its parent paths (`:above`).
    Above,
}

/// One value of a uri parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriQuery {
    mode: UriMode,
    value: String,
}

impl UriQuery {
    /// A query comparing by `mode` with `value` (already unescaped).
    pub fn new(mode: UriMode, value: &str) -> Self {
        Self {
            mode,
            value: value.to_owned(),
        }
    }

    /// Whether a uri (or canonical, url) element's value matches.
    pub fn matches(&self, element: &Value) -> bool {
        let Some(text) = element.as_str() else {
            return false;
        };
        match self.mode {
            UriMode::Exact => text == self.value,
            UriMode::Below => is_within(text, &self.value),
            UriMode::Above => is_within(&self.value, text),
        }
    }
}

/// Whether `uri` is `parent` or lies under it: `parent` is a prefix of `uri` ending where a
/// path segment does (at a `/` of either).
fn is_within(uri: &str, parent: &str) -> bool {
    match uri.strip_prefix(parent) {
        Some("") => true,
        Some(rest) => parent.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PATIENT: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";

    fn matches(mode: UriMode, value: &str, element: &str) -> bool {
        UriQuery::new(mode, value).matches(&json!(element))
    }

    #[test]
    fn plain_is_exact_and_case_sensitive() {
        assert!(matches(UriMode::Exact, PATIENT, PATIENT));
        assert!(!matches(
            UriMode::Exact,
            "https://fhir.hl7.org.uk/StructureDefinition/ukcore-patient",
            PATIENT
        ));
        assert!(!matches(
            UriMode::Exact,
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Pat",
            PATIENT
        ));
        assert!(!matches(
            UriMode::Exact,
            PATIENT,
            &format!("{PATIENT}|2.0.1")
        ));
        assert!(!UriQuery::new(UriMode::Exact, PATIENT).matches(&json!(3)));
    }

    #[test]
    fn below_matches_whole_segments_under_the_value() {
        for parent in [
            PATIENT,
            "https://fhir.hl7.org.uk/StructureDefinition/",
            "https://fhir.hl7.org.uk/StructureDefinition",
            "https://fhir.hl7.org.uk",
        ] {
            assert!(matches(UriMode::Below, parent, PATIENT), "{parent}");
        }
        for not_parent in [
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-",
            "https://fhir.hl7.org.uk/Structure",
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient/x",
            "http://fhir.hl7.org.uk/StructureDefinition/",
        ] {
            assert!(
                !matches(UriMode::Below, not_parent, PATIENT),
                "{not_parent}"
            );
        }
    }

    #[test]
    fn above_matches_whole_segments_over_the_value() {
        let child = format!("{PATIENT}/assure-child");
        assert!(matches(UriMode::Above, &child, PATIENT));
        assert!(matches(UriMode::Above, PATIENT, PATIENT));
        assert!(matches(
            UriMode::Above,
            PATIENT,
            "https://fhir.hl7.org.uk/StructureDefinition/"
        ));
        assert!(!matches(
            UriMode::Above,
            &format!("{PATIENT}-Extra"),
            PATIENT
        ));
        assert!(!matches(
            UriMode::Above,
            "https://fhir.hl7.org.uk/StructureDefinition/",
            PATIENT
        ));
    }
}
