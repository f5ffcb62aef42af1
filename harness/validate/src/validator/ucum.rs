//! UCUM unit codes: a Quantity (or Age, Duration, Distance, Count, SimpleQuantity,
//! MoneyQuantity) or Coding whose `system` is `http://unitsofmeasure.org` must carry a valid
//! UCUM `code` (R4 datatypes.html#Quantity): rule `ucum-code`, reported at the `code`.

use assure_model::Element;

use super::issue::Severity;
use super::report::{Report, element_location};
use crate::terminology::ucum::{self, UCUM};

/// Rule id of the issues reporting an invalid UCUM code.
pub const UCUM_RULE: &str = "ucum-code";

/// Whether elements of `type_code` carry a unit or concept code this rule checks.
pub fn applies_to(type_code: &str) -> bool {
    matches!(
        type_code,
        "Coding"
            | "Quantity"
            | "Age"
            | "Count"
            | "Distance"
            | "Duration"
            | "SimpleQuantity"
            | "MoneyQuantity"
    )
}

/// Checks the `code` of `node` when its `system` is UCUM.
pub fn check(report: &mut Report, node: &Element, location: &str) {
    if node.child("system").and_then(Element::text) != Some(UCUM) {
        return;
    }
    let Some(code_node) = node.child("code") else {
        return;
    };
    let Some(code) = code_node.text() else {
        return;
    };
    if let Some(problem) = ucum::problem(code) {
        report.add(
            Severity::Error,
            code_node,
            &element_location(location, code_node),
            UCUM_RULE,
            format!("'{code}' is not a valid UCUM unit code: {problem}"),
        );
    }
}
