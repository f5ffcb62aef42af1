//! Every shared FHIR example parses: the R4 examples package (JSON), UK Core (XML), and the
//! validator and FHIRPath test files (JSON and XML).

mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use assure_model::{Format, Severity, parse};

#[test]
fn every_r4_example_parses_without_fatal_errors() {
    let Some(files) = common::r4_examples() else {
        return;
    };
    let bytes: usize = files.iter().map(|(_, content)| content.len()).sum();
    let started = Instant::now();
    let mut fatal = Vec::new();
    let mut issues: BTreeMap<String, usize> = BTreeMap::new();
    for (name, content) in &files {
        match parse(content, Format::Json) {
            Ok(parsed) => {
                assert!(
                    parsed.root.resource_type.is_some(),
                    "{name}: no resource type"
                );
                for issue in parsed.issues {
                    *issues
                        .entry(format!("{}: {}", issue.severity, issue.message))
                        .or_default() += 1;
                }
            }
            Err(error) => fatal.push(format!("{name}: {error}")),
        }
    }
    eprintln!(
        "parsed {} JSON files ({:.1} MB) in {:?}; issues: {issues:#?}",
        files.len(),
        bytes as f64 / 1e6,
        started.elapsed()
    );
    assert!(
        files.len() > 5000,
        "only {} files in the package",
        files.len()
    );
    assert_eq!(fatal, Vec::<String>::new());
}

/// Shared test files that are broken on purpose: they must fail to parse.
const MALFORMED: [&str; 3] = [
    "xml-bad-entities.xml",
    "bad-json-close-1.json",
    "bad-json-close-2.json",
];

#[test]
fn every_shared_test_file_parses() {
    let mut files = common::shared_files("ukcore", "xml");
    for folder in ["validator-cases", "fhirpath"] {
        files.extend(common::shared_files(folder, "xml"));
        files.extend(common::shared_files(folder, "json"));
    }
    // The FHIRPath test suite itself is not a resource.
    files.retain(|f| !f.ends_with("tests-fhir-r4.xml") && !f.ends_with("manifest.json"));
    files.retain(|f| !f.components().any(|c| c.as_os_str() == "outcomes"));
    if files.is_empty() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "shared test files are required in CI"
        );
        eprintln!("skipped: no shared test files");
        return;
    }
    let mut unexpected = Vec::new();
    let mut errors = 0;
    for path in &files {
        let content = std::fs::read(path).expect("readable file");
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let format = Format::sniff(&content, Some(&name)).expect("known format");
        let result = parse(&content, format);
        let expected_to_fail = MALFORMED.contains(&name.as_str());
        match result {
            Ok(parsed) if !expected_to_fail => {
                for issue in parsed
                    .issues
                    .iter()
                    .filter(|i| i.severity == Severity::Error)
                {
                    eprintln!("{name}: {issue}");
                    errors += 1;
                }
            }
            Err(error) if expected_to_fail => eprintln!("{name} (malformed on purpose): {error}"),
            Ok(_) => unexpected.push(format!("{name}: parsed, but is malformed")),
            Err(error) => unexpected.push(format!("{name}: {error}")),
        }
    }
    eprintln!(
        "parsed {} shared files, {errors} error-level issues",
        files.len()
    );
    assert_eq!(unexpected, Vec::<String>::new());
}
