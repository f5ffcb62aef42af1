//! The measurement harness over the reference validator's test cases: each case's instance
//! is validated (against the base definitions plus its supporting files, and against its
//! profile when it names one) and our verdict is compared with the recorded outcome.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use assure_model::Format;
use rayon::prelude::*;
use serde_json::Value;

use crate::{Definitions, Options, Policy, Validator};

/// The result of one validation of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Case name, with `(profile)` for the profile step.
    pub name: String,
    /// Error count recorded for the reference validator.
    pub expected_errors: usize,
    /// Our error-level issues, rendered.
    pub errors: Vec<String>,
}

impl CaseResult {
    /// Whether both agree on "has errors" vs "has none".
    pub fn agrees(&self) -> bool {
        (self.expected_errors > 0) != self.errors.is_empty()
    }
}

/// Runs every R4 case of `<dir>/manifest.json` whose files are present.
pub fn run_cases(dir: &Path, base: &Arc<Definitions>) -> Vec<CaseResult> {
    let manifest: Value = match std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
    {
        Some(m) => m,
        None => return Vec::new(),
    };
    let cases: Vec<&Value> = manifest["test-cases"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    cases
        .par_iter()
        .flat_map_iter(|case| run_case(dir, base, case))
        .collect()
}

fn run_case(dir: &Path, base: &Arc<Definitions>, case: &Value) -> Vec<CaseResult> {
    let name = case["name"].as_str().unwrap_or("?").to_owned();
    let Some(file) = case["file"].as_str() else {
        return Vec::new();
    };
    let Ok(instance) = std::fs::read(dir.join(file)) else {
        return Vec::new();
    };
    let format = Format::sniff(&instance, Some(file)).unwrap_or(Format::Json);
    let mut results = Vec::new();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let mut supporting = strings(&case["supporting"]);
    supporting.extend(strings(&case["profiles"]));
    let defs = with_files(dir, base, &supporting);
    let policy = Policy {
        security_checks: case["security-checks"].as_bool() == Some(true),
        no_html_in_markdown: case["noHtmlInMarkdown"].as_bool() == Some(true),
        no_example_urls: case["examples"].as_bool() == Some(false),
        references_must_resolve: matches!(
            case["validateReference"].as_str(),
            Some("CHECK_EXISTS" | "CHECK_EXISTS_AND_TYPE" | "CHECK_VALID")
        ),
    };
    if let Some(expected) = case["java"].as_str().and_then(|p| expected_errors(dir, p)) {
        let validator = Validator::new(defs.clone()).with_policy(policy);
        let outcome = validator.validate_bytes(&instance, format, &Options::default());
        results.push(CaseResult {
            name: name.clone(),
            expected_errors: expected,
            errors: render(&outcome),
        });
    }
    let profile = &case["profile"];
    if let (Some(source), Some(expected)) = (
        profile["source"].as_str(),
        profile["java"]
            .as_str()
            .and_then(|p| expected_errors(dir, p)),
    ) {
        let mut files = strings(&profile["supporting"]);
        files.push(source.to_owned());
        let defs = with_files(dir, &defs, &files);
        let validator = Validator::new(defs).with_policy(policy);
        let url = read_resource(dir, source, &validator)
            .and_then(|json| json["url"].as_str().map(str::to_owned));
        let options = Options {
            profiles: url.into_iter().collect(),
            ..Options::default()
        };
        let outcome = validator.validate_bytes(&instance, format, &options);
        results.push(CaseResult {
            name: format!("{name} (profile)"),
            expected_errors: expected,
            errors: render(&outcome),
        });
    }
    results
}

fn render(outcome: &crate::Outcome) -> Vec<String> {
    outcome
        .errors()
        .map(|i| format!("{} [{}] {}", i.location, i.rule, i.message))
        .collect()
}

/// `base` plus every conformance resource (JSON or XML) found in `folders`.
pub fn with_folders(base: &Arc<Definitions>, folders: &[PathBuf]) -> Arc<Definitions> {
    let reader = Validator::new(base.clone());
    let mut defs = (**base).clone();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(folder) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(json) = read_resource(folder, &name, &reader) {
                defs.add_json(json, &path.display().to_string());
            }
        }
    }
    Arc::new(defs)
}

/// `base` plus the conformance resources in `files` (JSON or XML).
fn with_files(dir: &Path, base: &Arc<Definitions>, files: &[String]) -> Arc<Definitions> {
    if files.is_empty() {
        return base.clone();
    }
    let reader = Validator::new(base.clone());
    let mut defs = (**base).clone();
    for file in files {
        if let Some(json) = read_resource(dir, file, &reader) {
            defs.add_json(json, file);
        }
    }
    Arc::new(defs)
}

/// A resource file as JSON (XML files are converted using the definitions).
fn read_resource(dir: &Path, file: &str, reader: &Validator) -> Option<Value> {
    let bytes = std::fs::read(dir.join(file)).ok()?;
    match Format::sniff(&bytes, Some(file))? {
        Format::Json => serde_json::from_slice(&bytes).ok(),
        Format::Xml => assure_model::parse(&bytes, Format::Xml)
            .ok()
            .map(|parsed| reader.to_json(&parsed.root)),
    }
}

/// The error count of a recorded outcome: `errorCount`, or error/fatal issues of an
/// OperationOutcome.
fn expected_errors(dir: &Path, relative: &str) -> Option<usize> {
    let path = dir.join("outcomes").join(relative);
    let json: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    if let Some(n) = json["errorCount"].as_u64() {
        return Some(n as usize);
    }
    Some(
        json["issue"]
            .as_array()?
            .iter()
            .filter(|i| matches!(i["severity"].as_str(), Some("error" | "fatal")))
            .count(),
    )
}
