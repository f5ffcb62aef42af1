//! Obligation profiles: a StructureDefinition that inherits the obligations of other profiles
//! (`inherit-obligations` extension) may only name obligation profiles
//! (`obligation-profile` = true) built on the same base definition as itself.

use assure_model::Element;
use serde_json::Value;

use super::context::Context;
use super::issue::Severity;
use super::report::{Report, element_location};

/// Extension naming a profile whose obligations a StructureDefinition inherits.
const INHERIT_OBLIGATIONS: &str = "http://hl7.org/fhir/StructureDefinition/inherit-obligations";

/// Extension marking a StructureDefinition as an obligation profile.
const OBLIGATION_PROFILE: &str = "http://hl7.org/fhir/StructureDefinition/obligation-profile";

/// Checks every `inherit-obligations` extension of the StructureDefinition `sd` at `location`.
pub fn check(cx: &Context<'_>, report: &mut Report, sd: &Element, location: &str) {
    let base = sd.child("baseDefinition").and_then(Element::text);
    for extension in sd.children_named("extension") {
        if extension.child("url").and_then(Element::text) != Some(INHERIT_OBLIGATIONS) {
            continue;
        }
        let Some(named) = extension.child("valueCanonical").and_then(Element::text) else {
            continue;
        };
        let at = element_location(location, extension);
        let Some(profile) = cx.validator.definitions().structure_definition(named) else {
            report.add(
                Severity::Warning,
                extension,
                &at,
                INHERIT_OBLIGATIONS,
                format!("The profile '{named}' whose obligations are inherited could not be found"),
            );
            continue;
        };
        if !is_obligation_profile(&profile) {
            report.add(
                Severity::Error,
                extension,
                &at,
                INHERIT_OBLIGATIONS,
                format!("The profile '{named}' is not marked as an obligation profile"),
            );
        } else if let Some(base) = base
            && profile["baseDefinition"].as_str() != Some(base)
        {
            report.add(
                Severity::Error,
                extension,
                &at,
                INHERIT_OBLIGATIONS,
                format!(
                    "The obligation profile '{named}' is based on '{}', not on '{base}' like \
                     the profile that inherits from it",
                    profile["baseDefinition"].as_str().unwrap_or("nothing")
                ),
            );
        }
    }
}

/// Whether a StructureDefinition carries `obligation-profile` = true.
fn is_obligation_profile(sd: &Value) -> bool {
    sd["extension"].as_array().into_iter().flatten().any(|e| {
        e["url"].as_str() == Some(OBLIGATION_PROFILE) && e["valueBoolean"].as_bool() == Some(true)
    })
}
