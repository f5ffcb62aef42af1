//! `Coding.system`: the code system a code comes from is named by an absolute URI (R4
//! datatypes.html#Coding, terminologies.html#system), and that URI names a CodeSystem, not a
//! ValueSet.

use assure_model::Element;

use super::context::Context;
use super::issue::Severity;
use super::report::{Report, element_location};
use super::uri;

/// Checks the `system` of a `Coding` element.
pub fn check(cx: &Context<'_>, report: &mut Report, node: &Element, location: &str) {
    let Some(system_node) = node.child("system") else {
        return;
    };
    let Some(system) = system_node.text() else {
        return;
    };
    let system_location = element_location(location, system_node);
    let message = if uri::scheme(system).is_none() {
        format!("Coding.system must be an absolute URI, not a relative reference ('{system}')")
    } else if names_value_set(cx, system) {
        format!(
            "Coding.system names a value set, not a code system ('{system}'); a code's system is \
             the CodeSystem it is defined in"
        )
    } else {
        return;
    };
    report.add(
        Severity::Error,
        system_node,
        &system_location,
        "Coding.system",
        message,
    );
}

/// Whether the loaded definitions know `system` as a ValueSet and not as a CodeSystem.
fn names_value_set(cx: &Context<'_>, system: &str) -> bool {
    let definitions = cx.validator.definitions();
    definitions
        .resolve(system)
        .is_some_and(|found| found.resource_type() == "ValueSet")
        && definitions.code_system(system).is_none()
}
