//! FHIR XML → `Element` for tests (the project's real parsers live in `assure-model`).

use assure_model::{Element, Pos, Primitive};
use std::collections::HashMap;

const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Parses a FHIR XML resource.
pub fn parse(text: &str) -> Result<Element, String> {
    let document = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
    let root = document.root_element();
    let mut element = resource(root);
    element.name = root.tag_name().name().to_string();
    Ok(element)
}

fn position(node: roxmltree::Node) -> Pos {
    let p = node.document().text_pos_at(node.range().start);
    Pos {
        line: p.row,
        col: p.col,
    }
}

/// A resource element: its children become the properties.
fn resource(node: roxmltree::Node) -> Element {
    let mut element = Element {
        name: String::new(),
        index: None,
        value: None,
        children: properties(node),
        resource_type: Some(node.tag_name().name().to_string()),
        pos: position(node),
    };
    element.children.sort_by_key(|c| c.name == "resourceType");
    element
}

fn properties(node: roxmltree::Node) -> Vec<Element> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut children = Vec::new();
    for child in node.children().filter(|c| c.is_element()) {
        let name = child.tag_name().name().to_string();
        let index = counts.entry(name.clone()).or_insert(0);
        let mut element = property(child);
        element.index = Some(*index);
        *index += 1;
        children.push(element);
    }
    children
}

fn property(node: roxmltree::Node) -> Element {
    let name = node.tag_name().name().to_string();
    if node.tag_name().namespace() == Some(XHTML_NS) {
        let source = &node.document().input_text()[node.range()];
        return Element {
            name,
            index: None,
            value: Some(Primitive::Xhtml(source.to_string())),
            children: Vec::new(),
            resource_type: None,
            pos: position(node),
        };
    }
    let is_resource_wrapper = matches!(name.as_str(), "contained" | "resource" | "outcome")
        && node.first_element_child().is_some_and(|c| {
            c.tag_name()
                .name()
                .starts_with(|ch: char| ch.is_ascii_uppercase())
        });
    if is_resource_wrapper {
        let inner = node.first_element_child().expect("checked above");
        let mut element = resource(inner);
        element.name = name;
        return element;
    }
    let mut children = Vec::new();
    for attribute in ["id", "url"] {
        if let Some(value) = node.attribute(attribute) {
            children.push(Element {
                name: attribute.to_string(),
                index: None,
                value: Some(Primitive::String(value.to_string())),
                children: Vec::new(),
                resource_type: None,
                pos: position(node),
            });
        }
    }
    children.extend(properties(node));
    Element {
        name,
        index: None,
        value: node
            .attribute("value")
            .map(|v| Primitive::String(v.to_string())),
        children,
        resource_type: None,
        pos: position(node),
    }
}
