//! Every shared FHIR example parses: the R4 examples package (JSON), UK Core (XML), and the
//! validator and FHIRPath test files (JSON and XML).

mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use assure_model::{Element, Format, Primitive, Severity, check_primitive, check_xhtml, parse};

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
    let (mut errors, mut narrative_issues) = (0, 0);
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
                visit(&parsed.root, &mut |element, _| {
                    if let Some(Primitive::Xhtml(xhtml)) = &element.value {
                        for issue in check_xhtml(xhtml, element.pos, "div") {
                            eprintln!("{name}: narrative: {issue}");
                            narrative_issues += 1;
                        }
                    }
                });
            }
            Err(error) if expected_to_fail => eprintln!("{name} (malformed on purpose): {error}"),
            Ok(_) => unexpected.push(format!("{name}: parsed, but is malformed")),
            Err(error) => unexpected.push(format!("{name}: {error}")),
        }
    }
    eprintln!(
        "parsed {} shared files: {errors} error-level issues, {narrative_issues} narrative issues",
        files.len()
    );
    assert_eq!(unexpected, Vec::<String>::new());
}

/// The narratives of the R4 examples pass the narrative rules, and values of a few
/// unambiguously typed elements pass their primitive type's rules, except for the published
/// examples' own defects (empty narratives, an id longer than 64 characters).
#[test]
fn r4_narratives_and_primitives_conform() {
    let Some(files) = common::r4_examples() else {
        return;
    };
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut checked = (0, 0);
    for (name, content) in &files {
        let parsed = parse(content, Format::Json).expect("examples parse");
        visit(&parsed.root, &mut |element, resource| {
            if let Some(Primitive::Xhtml(xhtml)) = &element.value {
                checked.0 += 1;
                for issue in check_xhtml(xhtml, element.pos, "div") {
                    problems
                        .entry(issue.message)
                        .or_default()
                        .push(name.clone());
                }
            }
            let type_code = match element.name.as_str() {
                "id" if resource => "id",
                "lastUpdated" => "instant",
                "birthDate" => "date",
                "versionId" | "status" | "gender" => "code",
                "system" | "profile" => "uri",
                _ => return,
            };
            if let Some(text) = element.text() {
                checked.1 += 1;
                if let Err(message) = check_primitive(type_code, text) {
                    problems.entry(message).or_default().push(name.clone());
                }
            }
        });
    }
    eprintln!(
        "checked {} narratives and {} typed values",
        checked.0, checked.1
    );
    let known_defects = BTreeMap::from([
        (
            "'questionnaireresponse-extensions-QuestionnaireResponse-item-subj…' is not a valid id"
                .to_owned(),
            vec![
                "package/SearchParameter-questionnaireresponse-extensions-QuestionnaireResponse-item-subject.json"
                    .to_owned(),
            ],
        ),
        (
            "the narrative SHALL have some non-whitespace content (txt-2)".to_owned(),
            [
                "ActivityDefinition-blood-tubes-supply",
                "ActivityDefinition-heart-valve-replacement",
                "EventDefinition-example",
                "Questionnaire-zika-virus-exposure-assessment",
            ]
            .iter()
            .map(|name| format!("package/{name}.json"))
            .collect(),
        ),
    ]);
    assert_eq!(problems, known_defects);
}

/// Calls `action` on every element, with whether its parent is a resource.
fn visit(element: &Element, action: &mut impl FnMut(&Element, bool)) {
    for child in &element.children {
        action(child, element.resource_type.is_some());
        visit(child, action);
    }
}
