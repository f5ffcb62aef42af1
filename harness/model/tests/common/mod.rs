//! Helpers shared by the integration tests: the shared FHIR test data and a position-free
//! view of element trees.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;

use assure_model::{Element, Primitive, canonical_xhtml};

/// `/work/shared` next to the repository: the shared FHIR packages and test files.
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// The FHIR R4 examples package, as (file name, content) for every JSON file in it; `None`
/// (after saying so) when the package is absent, except in CI where that is a failure.
pub fn r4_examples() -> Option<Vec<(String, Vec<u8>)>> {
    let path = shared_dir().join("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    let Ok(file) = std::fs::File::open(&path) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} is required in CI",
            path.display()
        );
        eprintln!("skipped: {} not found", path.display());
        return None;
    };
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut files = Vec::new();
    for entry in archive.entries().expect("readable tar") {
        let mut entry = entry.expect("readable tar entry");
        let name = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        // package.json is the package manifest, not a resource.
        if name.ends_with(".json") && name != "package/package.json" {
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("readable entry");
            files.push((name, content));
        }
    }
    Some(files)
}

/// Files under `shared_dir()/folder` (recursively) with the given extension.
pub fn shared_files(folder: &str, extension: &str) -> Vec<PathBuf> {
    fn walk(dir: PathBuf, extension: &str, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(path, extension, found);
            } else if path.extension().is_some_and(|e| e == extension) {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(shared_dir().join(folder), extension, &mut found);
    found.sort();
    found
}

/// The tree as sorted `path = value` lines, without positions: equal for equivalent JSON
/// and XML. Indices are shown only for names that repeat (XML cannot tell a one-item array
/// from a single value); values as text (XML has no JSON kinds); narratives in canonical form
/// with whitespace runs collapsed (pretty-printers re-indent them); the order of different
/// names does not matter (the order of a repeating name does).
pub fn flatten(root: &Element) -> Vec<String> {
    let mut lines = Vec::new();
    flatten_into(root, root.name.to_string(), &mut lines);
    lines.sort();
    lines
}

fn flatten_into(element: &Element, path: String, lines: &mut Vec<String>) {
    if let Some(resource_type) = &element.resource_type {
        lines.push(format!("{path} : {resource_type}"));
    }
    match &element.value {
        Some(Primitive::Xhtml(xhtml)) => {
            let canonical = canonical_xhtml(xhtml).unwrap_or_else(|e| format!("INVALID {e}"));
            lines.push(format!("{path} = {}", collapse_whitespace(&canonical)));
        }
        Some(_) => lines.push(format!("{path} = {}", element.text().unwrap_or_default())),
        None => {}
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for child in &element.children {
        *counts.entry(&child.name).or_default() += 1;
    }
    for child in &element.children {
        let child_path = match child.index {
            Some(index) if counts[child.name.as_str()] > 1 => {
                format!("{path}.{}[{index}]", child.name)
            }
            _ => format!("{path}.{}", child.name),
        };
        flatten_into(child, child_path, lines);
    }
}

/// Collapses whitespace runs to one space and drops whitespace next to tags.
fn collapse_whitespace(xhtml: &str) -> String {
    let mut out = String::with_capacity(xhtml.len());
    let mut pending_space = false;
    for c in xhtml.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && c != '<' && !out.ends_with('>') && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// The lines only one of two flattened trees has, marked `-` (left) and `+` (right).
pub fn difference(left: &[String], right: &[String]) -> Vec<String> {
    let left_set: HashSet<&String> = left.iter().collect();
    let right_set: HashSet<&String> = right.iter().collect();
    let mut only = Vec::new();
    only.extend(
        left.iter()
            .filter(|l| !right_set.contains(l))
            .map(|l| format!("- {l}")),
    );
    only.extend(
        right
            .iter()
            .filter(|r| !left_set.contains(r))
            .map(|r| format!("+ {r}")),
    );
    only
}

/// Writes an element tree as FHIR XML, the way the specification's XML form lays it out:
/// primitives as `value` attributes, `id` as an attribute except on resources, extension `url`
/// as an attribute, nested resources wrapped in their property element.
pub fn to_fhir_xml(root: &Element) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let name = root.resource_type.as_deref().unwrap_or(&root.name);
    write_element(root, name, true, &mut out);
    out
}

fn write_element(element: &Element, name: &str, is_root: bool, out: &mut String) {
    if element.resource_type.is_some() && !is_root {
        out.push_str(&format!("<{name}>"));
        let resource_type = element.resource_type.as_deref().unwrap_or_default();
        write_element(element, resource_type, true, out);
        out.push_str(&format!("</{name}>"));
        return;
    }
    if let Some(Primitive::Xhtml(xhtml)) = &element.value {
        out.push_str(xhtml);
        return;
    }
    out.push('<');
    out.push_str(name);
    if is_root {
        out.push_str(" xmlns=\"http://hl7.org/fhir\"");
    }
    let is_resource = element.resource_type.is_some();
    let is_extension = name == "extension" || name == "modifierExtension";
    let as_attribute = |child: &Element| {
        (child.name == "id" && !is_resource) || (child.name == "url" && is_extension)
    };
    for child in element.children.iter().filter(|c| as_attribute(c)) {
        write_attribute(&child.name, child.text().unwrap_or_default(), out);
    }
    if let Some(value) = element.text() {
        write_attribute("value", value, out);
    }
    let content: Vec<&Element> = element
        .children
        .iter()
        .filter(|c| !as_attribute(c))
        .collect();
    if content.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for child in content {
        write_element(child, &child.name, false, out);
    }
    out.push_str(&format!("</{name}>"));
}

fn write_attribute(name: &str, value: &str, out: &mut String) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            '\t' => out.push_str("&#x9;"),
            _ => out.push(c),
        }
    }
    out.push('"');
}
