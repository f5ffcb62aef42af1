//! Which variables tests and data items read, from the loaded model: the runner skips a test
//! that reads a data item that was not found, and `assure list --vars` says who uses what.

use super::check::strings;
use super::error::Position;
use super::interpolate::variables_in;
use super::model::{Assertion, DataItem, TestCase};
use super::yaml::{Node, Value};

/// The variables `test`'s steps read (`{{ name }}`, `for_each.over`, and `%name` in `fhirpath`
/// expressions), each once, in the order first read. A step's own `for_each.var` is not among
/// them.
pub fn test_variables(test: &TestCase) -> Vec<&str> {
    let mut names = Vec::new();
    for step in &test.steps {
        let bound = step.for_each.as_ref().map(|each| each.var.as_str());
        if let Some(each) = &step.for_each {
            names.push(each.over.as_str());
        }
        for string in strings::interpolated(step, &ANYWHERE) {
            names.extend(
                variables_in(string.text)
                    .into_iter()
                    .filter(|name| Some(*name) != bound),
            );
        }
        let checks = step
            .expect
            .iter()
            .filter_map(|assertion| match assertion {
                Assertion::FhirPath(check) => Some(check),
                _ => None,
            })
            .chain(step.skip_unless.as_ref().map(|skip| &skip.fhirpath));
        for check in checks {
            names.extend(
                check
                    .expression
                    .external_constants()
                    .into_iter()
                    .filter(|name| !is_fhirpath_environment(name) && Some(*name) != bound),
            );
        }
    }
    unique(names)
}

/// Whether `%name` is one the FHIRPath engine or FHIR itself defines (`%resource`, `%ucum`,
/// `%vs-…`), not a suite variable.
fn is_fhirpath_environment(name: &str) -> bool {
    matches!(
        name,
        "context" | "resource" | "rootResource" | "ucum" | "sct" | "loinc" | "us-zip"
    ) || name.starts_with("vs-")
        || name.starts_with("ext-")
}

/// The variables data item `item` reads (in its requests and its `missing` reason), each once.
pub fn data_variables(item: &DataItem) -> Vec<&str> {
    let names = strings::data_item(item, &ANYWHERE)
        .into_iter()
        .flat_map(|string| variables_in(string.text))
        .collect();
    unique(names)
}

/// A node that stands for every position: walking the model with it collects the strings
/// without their places.
static ANYWHERE: Node = Node {
    position: Position::START,
    tag: None,
    value: Value::Scalar {
        text: String::new(),
        plain: true,
    },
};

fn unique(names: Vec<&str>) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .filter(|name| seen.insert(*name))
        .collect()
}
