//! Helpers shared by the integration tests: the shared FHIR test data and a position-free
//! view of element trees.

#![allow(dead_code)] // each test binary uses a different subset

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
/// from a single value); narratives are compared in canonical form; values as text (XML has no
/// JSON kinds); the order of different names does not matter (the order of a repeating name
/// does).
pub fn flatten(root: &Element) -> Vec<String> {
    let mut lines = Vec::new();
    flatten_into(root, root.name.clone(), &mut lines);
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
            lines.push(format!("{path} = {canonical}"));
        }
        Some(_) => lines.push(format!("{path} = {}", element.text().unwrap_or_default())),
        None => {}
    }
    for child in &element.children {
        let repeats = element.children_named(&child.name).count() > 1;
        let child_path = match child.index {
            Some(index) if repeats => format!("{path}.{}[{index}]", child.name),
            _ => format!("{path}.{}", child.name),
        };
        flatten_into(child, child_path, lines);
    }
}

/// The lines only one of two flattened trees has, marked `-` (left) and `+` (right).
pub fn difference(left: &[String], right: &[String]) -> Vec<String> {
    let mut only = Vec::new();
    only.extend(
        left.iter()
            .filter(|l| !right.contains(l))
            .map(|l| format!("- {l}")),
    );
    only.extend(
        right
            .iter()
            .filter(|r| !left.contains(r))
            .map(|r| format!("+ {r}")),
    );
    only
}
