//! Codes that cannot be checked offline: rule `terminology-unchecked`.
//!
//! When the code system a bound code would come from is not available locally (SNOMED CT and
//! dm+d never are), the binding check reports one information-level issue for the coded
//! element, whatever the binding strength. Its message always has the form
//! `not checked: <name> (<system URL>) is not available offline …`, so the system can be
//! recovered from the issue with [`system_of`] (behind [`super::Outcome::unchecked_codes`]).

/// Rule id of the issues reporting a code that could not be checked offline.
pub const UNCHECKED_RULE: &str = "terminology-unchecked";

/// What follows the system URL in the message.
const AFTER_SYSTEM: &str = ") is not available offline";

/// The message of a `terminology-unchecked` issue.
pub fn message(system: &str, value_set: &str) -> String {
    format!(
        "not checked: {} ({system}{AFTER_SYSTEM}, so the code's membership of the value set \
         {value_set} cannot be told",
        system_name(system)
    )
}

/// The code system URL named by a `terminology-unchecked` message.
pub fn system_of(message: &str) -> Option<&str> {
    let (before, _) = message.split_once(AFTER_SYSTEM)?;
    let (_, system) = before.rsplit_once(" (")?;
    Some(system)
}

/// What people call a code system; `code system` for one this rule does not know by name.
fn system_name(system: &str) -> &'static str {
    match system {
        "http://snomed.info/sct" => "SNOMED CT",
        "https://dmd.nhs.uk" => "dm+d",
        "http://loinc.org" => "LOINC",
        "http://unitsofmeasure.org" => "UCUM",
        "http://hl7.org/fhir/sid/icd-10" => "ICD-10",
        "urn:ietf:bcp:47" => "BCP 47 language tags",
        "urn:ietf:bcp:13" => "BCP 13 media types",
        _ => "code system",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_is_recovered_from_the_message() {
        let text = message("http://snomed.info/sct", "https://example.org/ValueSet/x");
        assert!(
            text.starts_with(
                "not checked: SNOMED CT (http://snomed.info/sct) is not available offline"
            ),
            "{text}"
        );
        assert_eq!(system_of(&text), Some("http://snomed.info/sct"));
        let other = message("urn:oid:1.2.3", "http://vs");
        assert_eq!(system_of(&other), Some("urn:oid:1.2.3"));
        assert_eq!(system_of("some other message"), None);
    }
}
