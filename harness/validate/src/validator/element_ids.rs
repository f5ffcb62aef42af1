//! Element ids do not repeat among the elements of one parent. R4 `Element.id` is a "unique
//! id for the element within a resource (for internal references)"; the reference validator
//! holds the ids of an element's children to it, which leaves alone the ids that a
//! StructureDefinition's snapshot and differential share (one per element definition in
//! each). A nested resource (contained, a Bundle entry's, a parameter's) has ids of its own.

use std::collections::HashMap;

use assure_model::Element;

use super::issue::Severity;
use super::report::{Report, element_location};

/// Reports each element of `resource` whose id a sibling before it has already.
pub fn check(report: &mut Report, resource: &Element, location: &str) {
    let mut path = Vec::new();
    visit(report, resource, location, &mut path);
}

/// Checks the children of `node`, then their children, up to nested resources. `path` holds
/// the elements from the resource down to `node`, for locations, which are made only where an
/// id repeats.
fn visit<'e>(report: &mut Report, node: &'e Element, location: &str, path: &mut Vec<&'e Element>) {
    let with_ids = node
        .children
        .iter()
        .filter(|c| c.resource_type.is_none() && element_id(c).is_some())
        .count();
    if with_ids > 1 {
        let mut first_at: HashMap<&str, &Element> = HashMap::with_capacity(with_ids);
        for child in node.children.iter().filter(|c| c.resource_type.is_none()) {
            let Some((id_node, id)) = element_id(child) else {
                continue;
            };
            match first_at.get(id) {
                Some(first) => {
                    let parent = path
                        .iter()
                        .fold(location.to_owned(), |at, e| element_location(&at, e));
                    report.add(
                        Severity::Error,
                        id_node,
                        &element_location(&parent, child),
                        "Element.id",
                        format!(
                            "Duplicate element id '{id}': {} has it already, and the ids of \
                             the elements of one parent are unique",
                            element_location(&parent, first)
                        ),
                    );
                }
                None => {
                    first_at.insert(id, child);
                }
            }
        }
    }
    for child in &node.children {
        // Only an element with children can hold an id.
        let holds_elements = child.children.iter().any(|c| !c.children.is_empty());
        if child.resource_type.is_none() && holds_elements {
            path.push(child);
            visit(report, child, location, path);
            path.pop();
        }
    }
}

/// The `id` child of an element and its value.
fn element_id(element: &Element) -> Option<(&Element, &str)> {
    let id = element.child("id")?;
    Some((id, id.text()?))
}
