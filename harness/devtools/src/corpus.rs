//! The measurement harness over the reference validator's test cases: each case's instance
//! is validated (against the base definitions plus its supporting files, and against its
//! profile when it names one; its entries by its `bundle-param`) and our verdict and error
//! locations are compared with the recorded outcome.

pub mod location;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assure_model::Format;
use rayon::prelude::*;
use serde_json::Value;

use assure_validate::{BundleRule, Definitions, Options, Policy, Switches, Validator};

/// The result of one validation of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Case name, with `(profile)` for the profile step.
    pub name: String,
    /// Error count recorded for the reference validator.
    pub expected_errors: usize,
    /// Locations of the reference validator's error-level issues, as recorded (empty for an
    /// issue with no location).
    pub expected_locations: Vec<String>,
    /// Our error-level issues, rendered.
    pub errors: Vec<String>,
    /// Locations (FHIRPath) of our error-level issues.
    pub locations: Vec<String>,
}

impl CaseResult {
    /// Whether both agree on "has errors" vs "has none".
    pub fn agrees(&self) -> bool {
        (self.expected_errors > 0) != self.errors.is_empty()
    }

    /// The reference's error locations in normal form ([`location::normalise`]).
    pub fn expected_location_set(&self) -> BTreeSet<String> {
        self.expected_locations
            .iter()
            .map(|l| location::normalise(l))
            .collect()
    }

    /// Our error locations in normal form ([`location::normalise`]).
    pub fn location_set(&self) -> BTreeSet<String> {
        self.locations
            .iter()
            .map(|l| location::normalise(l))
            .collect()
    }

    /// Normalised locations where only the reference reports an error.
    pub fn missed_locations(&self) -> Vec<String> {
        let ours = self.location_set();
        self.expected_location_set()
            .into_iter()
            .filter(|l| !ours.contains(l))
            .collect()
    }

    /// Normalised locations where only we report an error.
    pub fn extra_locations(&self) -> Vec<String> {
        let expected = self.expected_location_set();
        self.location_set()
            .into_iter()
            .filter(|l| !expected.contains(l))
            .collect()
    }

    /// Whether both report errors at exactly the same (normalised) locations.
    pub fn locations_agree(&self) -> bool {
        self.expected_location_set() == self.location_set()
    }
}

/// Error-location agreement over case steps; each step counts each normalised location once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocationAgreement {
    /// Case steps measured.
    pub steps: usize,
    /// Locations where the reference reports an error.
    pub expected: usize,
    /// Of those, the ones where we report an error too (recall numerator).
    pub found: usize,
    /// Locations where we report an error.
    pub reported: usize,
    /// Of those, the ones where the reference reports an error too (precision numerator).
    pub confirmed: usize,
    /// Steps whose two sets of error locations are identical (both empty included).
    pub identical: usize,
}

impl LocationAgreement {
    /// Sums the location comparison of every step.
    pub fn measure(results: &[CaseResult]) -> Self {
        let mut totals = Self::default();
        for result in results {
            let expected = result.expected_location_set();
            let ours = result.location_set();
            let shared = expected.intersection(&ours).count();
            totals.steps += 1;
            totals.expected += expected.len();
            totals.found += shared;
            totals.reported += ours.len();
            totals.confirmed += shared;
            totals.identical += usize::from(expected == ours);
        }
        totals
    }

    /// Share of the reference's error locations we also report (1 when it reports none).
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.expected)
    }

    /// Share of our error locations the reference also reports (1 when we report none).
    pub fn precision(&self) -> f64 {
        ratio(self.confirmed, self.reported)
    }
}

impl fmt::Display for LocationAgreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error locations: recall {}/{} ({:.1}%) | precision {}/{} ({:.1}%) | \
             identical sets {}/{} steps",
            self.found,
            self.expected,
            100.0 * self.recall(),
            self.confirmed,
            self.reported,
            100.0 * self.precision(),
            self.identical,
            self.steps
        )
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
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
    let switches = Switches {
        aggregation_outside_bundles: case["enforceAggregationOutsideBundles"].as_bool()
            != Some(false),
        bundle_rules: bundle_param(&case["bundle-param"]).into_iter().collect(),
        ..Switches::default()
    };
    if let Some(expected) = case["java"].as_str().and_then(|p| expected_outcome(dir, p)) {
        let validator = Validator::new(defs.clone()).with_policy(policy);
        let options = Options {
            switches: switches.clone(),
            ..Options::default()
        };
        let outcome = validator.validate_bytes(&instance, format, &options);
        results.push(expected.compared_with(name.clone(), &outcome));
    }
    let profile = &case["profile"];
    if let (Some(source), Some(expected)) = (
        profile["source"].as_str(),
        profile["java"]
            .as_str()
            .and_then(|p| expected_outcome(dir, p)),
    ) {
        let mut files = strings(&profile["supporting"]);
        files.push(source.to_owned());
        let defs = with_files(dir, &defs, &files);
        let validator = Validator::new(defs).with_policy(policy);
        let url = read_resource(dir, source, &validator)
            .and_then(|json| json["url"].as_str().map(str::to_owned));
        let options = Options {
            profiles: url.into_iter().collect(),
            switches,
            ..Options::default()
        };
        let outcome = validator.validate_bytes(&instance, format, &options);
        results.push(expected.compared_with(format!("{name} (profile)"), &outcome));
    }
    results
}

/// A case's `bundle-param`, the reference validator's `-bundle RULE PROFILE`: an object
/// `{"rule": "Patient:0", "profile": URL}`, or the string `"Patient:0 URL"`. Anything else, or
/// a malformed rule, gives none.
fn bundle_param(param: &Value) -> Option<BundleRule> {
    match param {
        Value::Object(_) => {
            BundleRule::new(param["rule"].as_str()?, param["profile"].as_str()?).ok()
        }
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
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

/// What the reference validator recorded for one validation.
struct Expected {
    errors: usize,
    locations: Vec<String>,
}

impl Expected {
    /// The case step result of our `outcome` against this record.
    fn compared_with(self, name: String, outcome: &assure_validate::Outcome) -> CaseResult {
        CaseResult {
            name,
            expected_errors: self.errors,
            expected_locations: self.locations,
            errors: outcome
                .errors()
                .map(|i| format!("{} [{}] {}", i.location, i.rule, i.message))
                .collect(),
            locations: outcome.errors().map(|i| i.location.to_string()).collect(),
        }
    }
}

/// A recorded outcome: `{"errorCount": N, "output": [...]}` (error locations taken from the
/// output entries) or an OperationOutcome (its error and fatal issues).
fn expected_outcome(dir: &Path, relative: &str) -> Option<Expected> {
    let path = dir.join("outcomes").join(relative);
    let json: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    if let Some(n) = json["errorCount"].as_u64() {
        return Some(Expected {
            errors: usize::try_from(n).unwrap_or(usize::MAX),
            locations: json["output"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(output_error_location)
                .collect(),
        });
    }
    let errors: Vec<&Value> = json["issue"]
        .as_array()?
        .iter()
        .filter(|i| i["severity"].as_str().is_some_and(is_error_level))
        .collect();
    Some(Expected {
        errors: errors.len(),
        locations: errors.into_iter().map(issue_location).collect(),
    })
}

/// The location of an error entry of `output`: an issue object (`severity` or `level`, with
/// `expression` or `location`), or a summary line `Error @ Patient.name (line 3, col 5): ...`.
fn output_error_location(entry: &Value) -> Option<String> {
    if let Some(line) = entry.as_str() {
        let (level, rest) = line.split_once(" @ ")?;
        if !is_error_level(level.trim()) {
            return None;
        }
        let end = [" (line ", " : ", ": "]
            .iter()
            .filter_map(|marker| rest.find(marker))
            .min()
            .unwrap_or(rest.len());
        return Some(rest[..end].trim().to_owned());
    }
    let level = entry["severity"].as_str().or(entry["level"].as_str())?;
    is_error_level(level).then(|| issue_location(entry))
}

/// The first `expression` (else `location`) of an issue; empty when it has none.
fn issue_location(issue: &Value) -> String {
    ["expression", "location"]
        .iter()
        .find_map(|key| match &issue[key] {
            Value::Array(items) => items.first().and_then(Value::as_str),
            other => other.as_str(),
        })
        .unwrap_or_default()
        .to_owned()
}

fn is_error_level(level: &str) -> bool {
    level.eq_ignore_ascii_case("error") || level.eq_ignore_ascii_case("fatal")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn step(expected: &[&str], ours: &[&str]) -> CaseResult {
        CaseResult {
            name: "case".into(),
            expected_errors: expected.len(),
            expected_locations: expected.iter().map(|l| (*l).to_owned()).collect(),
            errors: ours.iter().map(|l| (*l).to_owned()).collect(),
            locations: ours.iter().map(|l| (*l).to_owned()).collect(),
        }
    }

    #[test]
    fn locations_compare_in_normal_form() {
        let result = step(
            &[
                "Bundle.entry[0].resource/*Patient/p*/.name[0]",
                "Observation.value.ofType(Quantity)",
                "Patient.gender",
            ],
            &[
                "Bundle.entry[0].resource.name[0]",
                "Observation.valueQuantity",
                "Patient",
            ],
        );
        assert_eq!(result.missed_locations(), ["Patient.gender"]);
        assert_eq!(result.extra_locations(), ["Patient"]);
        assert!(!result.locations_agree());
    }

    #[test]
    fn agreement_counts_each_location_once_per_step() {
        let results = [
            step(&["Patient.gender", "Patient.gender"], &["Patient.gender"]),
            step(&["Patient.name[1]"], &["Patient.name", "Patient.id"]),
            step(&[], &[]),
        ];
        let agreement = LocationAgreement::measure(&results);
        assert_eq!(
            agreement,
            LocationAgreement {
                steps: 3,
                expected: 2,
                found: 1,
                reported: 3,
                confirmed: 1,
                identical: 2,
            }
        );
        assert_eq!(agreement.recall(), 0.5);
        assert!((agreement.precision() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(LocationAgreement::default().recall(), 1.0);
    }

    #[test]
    fn operation_outcome_error_locations_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("outcomes")).unwrap();
        let outcome = json!({"resourceType": "OperationOutcome", "issue": [
            {"severity": "error", "expression": ["Patient.gender"]},
            {"severity": "warning", "expression": ["Patient.name"]},
            {"severity": "fatal", "details": {"text": "bad JSON"}},
        ]});
        std::fs::write(dir.path().join("outcomes/oo.json"), outcome.to_string()).unwrap();
        let expected = expected_outcome(dir.path(), "oo.json").unwrap();
        assert_eq!(expected.errors, 2);
        assert_eq!(expected.locations, ["Patient.gender", ""]);
    }

    #[test]
    fn error_count_outputs_give_locations_of_error_entries() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("outcomes")).unwrap();
        let outcome = json!({"errorCount": 3, "output": [
            "Error @ Patient.name[0] (line 3, col 5): missing family",
            "Warning @ Patient.id (line 2, col 3): short",
            "FATAL @ Patient: cannot parse",
            {"level": "error", "location": "Patient.birthDate"},
            {"severity": "information", "expression": ["Patient.text"]},
            42,
        ]});
        std::fs::write(dir.path().join("outcomes/ec.json"), outcome.to_string()).unwrap();
        let expected = expected_outcome(dir.path(), "ec.json").unwrap();
        assert_eq!(expected.errors, 3);
        assert_eq!(
            expected.locations,
            ["Patient.name[0]", "Patient", "Patient.birthDate"]
        );
    }

    #[test]
    fn a_bundle_param_becomes_a_bundle_rule() {
        let url = "http://example.org/fhir/StructureDefinition/p";
        let expected = BundleRule::new("Patient:0", url).ok();
        assert_eq!(
            bundle_param(&json!({"rule": "Patient:0", "profile": url})),
            expected
        );
        assert_eq!(bundle_param(&json!(format!("Patient:0 {url}"))), expected);
        assert_eq!(
            bundle_param(&json!({"rule": "Patient:x", "profile": url})),
            None
        );
        assert_eq!(bundle_param(&Value::Null), None);
    }

    #[test]
    fn unreadable_outcomes_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("outcomes")).unwrap();
        std::fs::write(dir.path().join("outcomes/bad.json"), "{not json").unwrap();
        assert!(expected_outcome(dir.path(), "bad.json").is_none());
        assert!(expected_outcome(dir.path(), "missing.json").is_none());
    }
}
