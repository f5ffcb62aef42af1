//! Loading suites: from files and directories, from text, and the built-in ones.
//!
//! Loading happens in two passes. Each file is parsed on its own, once, into YAML nodes that keep
//! their positions, then read into the model; a malformed file is reported at its first problem
//! (`file:line:column: message`). When every file parses, the suites are
//! checked together (duplicate ids, `needs`, regular expressions, variables) and every problem
//! found is reported. Nothing is returned unless all of it is clean.

use super::check::{self, Parsed};
use super::convert;
use super::error::{Diagnostic, LoadError, Position};
use super::model::{Suite, SuiteSource};
use super::yaml;
use indexmap::IndexMap;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The text of one suite file and the name it is reported under.
pub(crate) struct SourceFile {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
}

/// Loads every suite named by `paths`: a file is loaded whatever its extension; a directory
/// contributes every `*.yaml` and `*.yml` file under it (recursively, hidden entries skipped,
/// sorted by path). `overrides` (`--var name=value`) replace or add suite variables, or supply
/// data items (which then keep their definition: the runner skips their discovery); a name no
/// suite uses is an error.
pub fn load_paths(
    paths: &[PathBuf],
    overrides: &IndexMap<String, String>,
) -> Result<Vec<Suite>, LoadError> {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        if path.is_dir() {
            let before = files.len();
            collect_suite_files(path, &mut files, &mut diagnostics, &mut HashSet::new());
            if files.len() == before {
                diagnostics.push(whole_file(
                    &name,
                    "no suite files (*.yaml, *.yml) in this directory",
                ));
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            diagnostics.push(whole_file(&name, "no such file or directory"));
        }
    }
    let mut seen = HashSet::new();
    let mut sources = Vec::new();
    for file in files {
        let name = file.display().to_string();
        if !seen.insert(name.clone()) {
            continue;
        }
        match std::fs::read(&file) {
            Ok(bytes) => sources.push(SourceFile { name, bytes }),
            Err(error) => diagnostics.push(whole_file(&name, &format!("cannot read: {error}"))),
        }
    }
    if !diagnostics.is_empty() {
        let order: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(LoadError::new(diagnostics, &order));
    }
    load_sources(sources, overrides)
}

/// Loads one suite from `text`, reported under `name` (for tests and tools).
pub fn load_str(
    name: &str,
    text: &str,
    overrides: &IndexMap<String, String>,
) -> Result<Vec<Suite>, LoadError> {
    load_sources(
        vec![SourceFile {
            name: name.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }],
        overrides,
    )
}

/// Parses and checks `sources` together.
pub(crate) fn load_sources(
    sources: Vec<SourceFile>,
    overrides: &IndexMap<String, String>,
) -> Result<Vec<Suite>, LoadError> {
    let order: Vec<String> = sources.iter().map(|s| s.name.clone()).collect();
    let mut parsed = Vec::new();
    let mut diagnostics = Vec::new();
    for source in sources {
        match parse_source(source) {
            Ok(suite) => parsed.push(suite),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if diagnostics.is_empty() {
        diagnostics = check::check(&parsed, overrides);
    }
    if !diagnostics.is_empty() {
        return Err(LoadError::new(diagnostics, &order));
    }
    let items: HashSet<String> = parsed
        .iter()
        .flat_map(|p| &p.suite.data)
        .map(|item| item.name.clone())
        .collect();
    Ok(parsed
        .into_iter()
        .map(|p| {
            let mut suite = p.suite;
            for (name, value) in overrides {
                if !items.contains(name) {
                    suite.variables.insert(name.clone(), value.clone());
                }
            }
            suite
        })
        .collect())
}

fn parse_source(source: SourceFile) -> Result<Parsed, Diagnostic> {
    let sha256 = hex::encode(Sha256::digest(&source.bytes));
    let text = std::str::from_utf8(&source.bytes).map_err(|error| Diagnostic {
        file: source.name.clone(),
        position: Some(position_of_byte(&source.bytes, error.valid_up_to())),
        message: "not UTF-8 text: suite files must be UTF-8".to_owned(),
    })?;
    let at = |position: Position, message: String| Diagnostic {
        file: source.name.clone(),
        position: Some(position),
        message,
    };
    if let Some(nul) = text.find('\0') {
        return Err(at(
            position_of_byte(&source.bytes, nul),
            "a NUL character: suite files are text".to_owned(),
        ));
    }
    let parsed = yaml::parse(text).map_err(|error| at(error.position, error.message))?;
    let document =
        convert::document(&parsed.root).map_err(|problem| at(problem.position, problem.message))?;
    if let Some(second) = parsed.more_documents {
        return Err(at(
            second,
            "a second YAML document starts here: a suite file holds one document".to_owned(),
        ));
    }
    let suite = Suite {
        id: document.id,
        title: document.title,
        fhir_version: document.fhir_version,
        description: document.description,
        variables: document.variables,
        data: document.data,
        tests: document.tests,
        generate: document.generate,
        source: SuiteSource {
            path: source.name,
            sha256,
        },
    };
    Ok(Parsed {
        suite,
        root: parsed.root,
    })
}

/// The line and column of byte `offset` of `bytes`.
fn position_of_byte(bytes: &[u8], offset: usize) -> Position {
    let before = String::from_utf8_lossy(&bytes[..offset.min(bytes.len())]);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Position { line, column }
}

fn whole_file(name: &str, message: &str) -> Diagnostic {
    Diagnostic {
        file: name.to_owned(),
        position: None,
        message: message.to_owned(),
    }
}

/// Whether `path` names a suite file.
pub(crate) fn is_suite_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Appends the suite files under `dir`, sorted, skipping hidden entries and directories
/// already visited (symbolic link loops).
fn collect_suite_files(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    diagnostics: &mut Vec<Diagnostic>,
    visited: &mut HashSet<PathBuf>,
) {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if !visited.insert(canonical) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            diagnostics.push(whole_file(
                &dir.display().to_string(),
                &format!("cannot read directory: {error}"),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .map(|entry| entry.path())
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_suite_files(&path, files, diagnostics, visited);
        } else if is_suite_file(&path) {
            files.push(path);
        }
    }
}
