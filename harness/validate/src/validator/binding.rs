//! Terminology bindings: coded values checked against their value set.

use assure_model::Element;

use super::context::Context;
use super::issue::Severity;
use super::profile::Binding;
use super::report::Report;
use super::unchecked::{self, UNCHECKED_RULE};
use crate::terminology::CodeCheck;

/// Checks `node` (of type `type_code`) against a required or extensible binding. A code whose
/// system is not available offline is reported once, as information (rule
/// `terminology-unchecked`), never as a failure.
pub fn check(
    cx: &Context<'_>,
    report: &mut Report,
    node: &Element,
    type_code: &str,
    binding: &Binding,
    location: &str,
    rule: &str,
) {
    let failure_severity = match binding.strength.as_str() {
        "required" => Severity::Error,
        "extensible" => Severity::Warning,
        _ => return,
    };
    let codings: Vec<(Option<&str>, &str)> = match type_code {
        "code" | "string" | "uri" => node.text().map(|c| (None, c)).into_iter().collect(),
        "Coding" | "Quantity" => coding_of(node).into_iter().collect(),
        "CodeableConcept" => node
            .children_named("coding")
            .filter_map(coding_of)
            .collect(),
        _ => return,
    };
    if codings.is_empty() {
        return;
    }
    let terminology = cx.validator.terminology();
    let mut cannot_tell = None;
    let mut unavailable = None;
    for (system, code) in &codings {
        match terminology.validate_code(&binding.value_set, *system, code) {
            CodeCheck::InValueSet => return,
            CodeCheck::NotInValueSet => {}
            CodeCheck::SystemUnavailable(system) => unavailable = Some(system),
            CodeCheck::CannotTell(reason) => cannot_tell = Some(reason),
        }
    }
    if let Some(system) = unavailable {
        report.add(
            Severity::Information,
            node,
            location,
            UNCHECKED_RULE,
            unchecked::message(&system, &binding.value_set),
        );
        return;
    }
    let shown: Vec<String> = codings
        .iter()
        .map(|(s, c)| match s {
            Some(s) => format!("{s}#{c}"),
            None => (*c).to_owned(),
        })
        .collect();
    match cannot_tell {
        Some(reason) => report.add(
            Severity::Warning,
            node,
            location,
            rule,
            format!(
                "Could not check '{}' against the {} value set {}: {reason}",
                shown.join(", "),
                binding.strength,
                binding.value_set
            ),
        ),
        None => report.add(
            failure_severity,
            node,
            location,
            rule,
            format!(
                "The value '{}' is not in the value set {}, which is bound {}",
                shown.join(", "),
                binding.value_set,
                binding.strength
            ),
        ),
    }
}

/// `(system, code)` of a Coding or Quantity, when it has a code.
fn coding_of(node: &Element) -> Option<(Option<&str>, &str)> {
    let code = node.child("code")?.text()?;
    Some((node.child("system").and_then(Element::text), code))
}
