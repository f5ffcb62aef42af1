//! Terminology bindings: coded values checked against their value set, against the additional
//! bindings a profile may add, and against the maximum value set a binding may name (R4
//! extension-elementdefinition-maxvalueset.html).

use assure_model::Element;

use super::context::Context;
use super::issue::Severity;
use super::profile::Binding;
use super::report::Report;
use super::ucum::UCUM_RULE;
use super::unchecked::{self, UNCHECKED_RULE};
use crate::terminology::CodeCheck;
use crate::terminology::ucum::{self, UCUM};

/// Checks `node` (of type `type_code`) against a required or extensible binding, and any
/// binding against its maximum value set. A code outside the value set of a required binding
/// is an error, of an extensible one a warning, of a preferred or example one nothing; a code
/// outside the maximum value set is an error, and outside an additional binding's value set
/// what its purpose makes it. A code whose system is not available offline is
/// reported once, as information (rule `terminology-unchecked`), never as a failure. An
/// invalid UCUM code is left to rule `ucum-code`, which reports it once.
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
        "required" => Some(Severity::Error),
        "extensible" => Some(Severity::Warning),
        _ => None,
    };
    let max_value_set = binding
        .max_value_set
        .as_deref()
        .filter(|_| binding.strength != "required");
    let additional: Vec<(&str, Severity, &str)> = binding
        .additional
        .iter()
        .filter_map(|a| {
            Some((
                a.value_set.as_str(),
                a.failure_severity()?,
                a.purpose.as_str(),
            ))
        })
        .collect();
    if failure_severity.is_none() && max_value_set.is_none() && additional.is_empty() {
        return;
    }
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
    let site = Site {
        cx,
        node,
        location,
        rule,
        codings: &codings,
    };
    if let Some(severity) = failure_severity {
        site.against(
            report,
            &binding.value_set,
            severity,
            &format!("which is bound {}", binding.strength),
        );
    }
    for (value_set, severity, purpose) in additional {
        site.against(
            report,
            value_set,
            severity,
            &format!("an additional binding with the purpose '{purpose}'"),
        );
    }
    if let Some(max) = max_value_set {
        site.against(
            report,
            max,
            Severity::Error,
            &format!(
                "the maximum value set of the {} binding to {}",
                binding.strength, binding.value_set
            ),
        );
    }
}

/// A coded element being checked.
struct Site<'a> {
    cx: &'a Context<'a>,
    node: &'a Element,
    location: &'a str,
    rule: &'a str,
    codings: &'a [(Option<&'a str>, &'a str)],
}

impl Site<'_> {
    /// Reports, with `severity`, when none of the codings is in `value_set` (`what` says what
    /// the value set is to the element).
    fn against(&self, report: &mut Report, value_set: &str, severity: Severity, what: &str) {
        let terminology = self.cx.validator.terminology();
        let mut cannot_tell = None;
        let mut unavailable = None;
        for (system, code) in self.codings {
            match terminology.validate_code(value_set, *system, code) {
                CodeCheck::InValueSet => return,
                CodeCheck::NotInValueSet => {}
                CodeCheck::SystemUnavailable(system) => unavailable = Some(system),
                CodeCheck::CannotTell(reason) => cannot_tell = Some(reason),
            }
        }
        if cannot_tell.is_none()
            && unavailable.is_none()
            && self
                .codings
                .iter()
                .all(|(system, code)| self.ucum_reports(report, *system, code))
        {
            return;
        }
        if let Some(system) = unavailable {
            report.add(
                Severity::Information,
                self.node,
                self.location,
                UNCHECKED_RULE,
                unchecked::message(&system, value_set),
            );
            return;
        }
        let shown: Vec<String> = self
            .codings
            .iter()
            .map(|(s, c)| match s {
                Some(s) => format!("{s}#{c}"),
                None => (*c).to_owned(),
            })
            .collect();
        let (severity, message) = match cannot_tell {
            Some(reason) => (
                Severity::Warning,
                format!(
                    "Could not check '{}' against the value set {value_set}, {what}: {reason}",
                    shown.join(", ")
                ),
            ),
            None => (
                severity,
                format!(
                    "The value '{}' is not in the value set {value_set}, {what}",
                    shown.join(", ")
                ),
            ),
        };
        report.add(severity, self.node, self.location, self.rule, message);
    }

    /// Whether rule `ucum-code` reports `code` (from `system`, when known) as an invalid
    /// UCUM code: it does for every UCUM Coding and Quantity, found before or after this
    /// binding, and has already for a bare `code` of a UCUM Quantity.
    fn ucum_reports(&self, report: &Report, system: Option<&str>, code: &str) -> bool {
        let checked = match system {
            Some(system) => system == UCUM,
            None => report.has(self.location, UCUM_RULE),
        };
        checked && !ucum::is_valid(code)
    }
}

/// `(system, code)` of a Coding or Quantity, when it has a code.
fn coding_of(node: &Element) -> Option<(Option<&str>, &str)> {
    let code = node.child("code")?.text()?;
    Some((node.child("system").and_then(Element::text), code))
}
