//! NHS identifier rules, applied to every Identifier of an instance whatever its profiles:
//! rule `nhs-number` (an NHS number has a valid Modulus 11 check digit) and rule `ods-code`
//! (an ODS organisation or site code is well formed). Both are errors.

use assure_model::Element;

use super::issue::Severity;
use super::report::Report;
use crate::nhs::{
    NHS_NUMBER_SYSTEM, ODS_ORGANIZATION_CODE_SYSTEM, ODS_SITE_CODE_SYSTEM, check_nhs_number,
    check_ods_code,
};

/// Rule id of the NHS number check.
pub const NHS_NUMBER_RULE: &str = "nhs-number";
/// Rule id of the ODS code check.
pub const ODS_CODE_RULE: &str = "ods-code";

/// Checks the `value` of the Identifier `node` when its `system` is one the NHS rules know.
pub fn check(report: &mut Report, node: &Element, location: &str) {
    let Some(system) = node.child("system").and_then(Element::text) else {
        return;
    };
    let Some(value_node) = node.child("value") else {
        return;
    };
    let Some(value) = value_node.text() else {
        return;
    };
    let (rule, problem) = match system {
        NHS_NUMBER_SYSTEM => (
            NHS_NUMBER_RULE,
            check_nhs_number(value)
                .err()
                .map(|e| format!("'{value}' is not a valid NHS number: {e}")),
        ),
        ODS_ORGANIZATION_CODE_SYSTEM | ODS_SITE_CODE_SYSTEM => (
            ODS_CODE_RULE,
            check_ods_code(value)
                .err()
                .map(|e| format!("'{value}' is not a well-formed ODS code: {e}")),
        ),
        _ => return,
    };
    if let Some(message) = problem {
        report.add(
            Severity::Error,
            value_node,
            &format!("{location}.value"),
            rule,
            message,
        );
    }
}
