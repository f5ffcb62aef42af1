//! The same resource read from JSON and from XML gives the same tree (positions aside): a
//! cross-check of both parsers.

mod common;

use std::collections::{HashMap, HashSet};

use assure_model::{Element, Format, Severity, parse};

/// A resource's type and id.
type Identity = (String, String);

fn identity(root: &Element) -> Option<Identity> {
    Some((
        root.resource_type.as_deref()?.to_owned(),
        root.child("id")?.text()?.to_owned(),
    ))
}

/// XML files of the shared test data that are exact translations of a JSON example. (The
/// other XML files with a JSON namesake were edited upstream: a different `fhirVersion`,
/// trimmed content, an added period, ...)
const EXACT_TRANSLATIONS: [(&str, &str); 3] = [
    (
        "fhirpath/patient-example.xml",
        "package/Patient-example.json",
    ),
    (
        "fhirpath/questionnaire-example.xml",
        "package/Questionnaire-3141.json",
    ),
    (
        "validator-cases/pat-security-bad-string1.xml",
        "validator-cases/pat-security-bad-string.json",
    ),
];

#[test]
fn shared_xml_agrees_with_json_of_the_same_resource() {
    let mut xml = Vec::new();
    for folder in ["ukcore", "validator-cases", "fhirpath"] {
        for path in common::shared_files(folder, "xml") {
            let content = std::fs::read(&path).expect("readable file");
            if let Ok(parsed) = parse(&content, Format::Xml)
                && let Some(key) = identity(&parsed.root)
            {
                xml.push((
                    path.display().to_string(),
                    key,
                    common::flatten(&parsed.root),
                ));
            }
        }
    }
    let Some(mut json_files) = common::r4_examples() else {
        return;
    };
    for folder in ["validator-cases", "fhirpath"] {
        for path in common::shared_files(folder, "json") {
            let content = std::fs::read(&path).expect("readable file");
            json_files.push((path.display().to_string(), content));
        }
    }
    let wanted: HashSet<&Identity> = xml.iter().map(|(_, key, _)| key).collect();
    let mut json: HashMap<Identity, Vec<(String, Vec<String>)>> = HashMap::new();
    for (name, content) in json_files {
        if let Ok(parsed) = parse(&content, Format::Json)
            && let Some(key) = identity(&parsed.root).filter(|key| wanted.contains(key))
        {
            json.entry(key)
                .or_default()
                .push((name, common::flatten(&parsed.root)));
        }
    }
    let mut pairs = 0;
    let mut agreeing = Vec::new();
    for (xml_name, key, xml_tree) in &xml {
        for (json_name, json_tree) in json.get(key).into_iter().flatten() {
            pairs += 1;
            let difference = common::difference(json_tree, xml_tree);
            if difference.is_empty() {
                agreeing.push((xml_name.as_str(), json_name.as_str()));
            } else {
                eprintln!(
                    "{xml_name} vs {json_name}: {} lines differ",
                    difference.len()
                );
            }
        }
    }
    eprintln!(
        "{} of {pairs} (XML, JSON) pairs with the same type and id agree: {agreeing:#?}",
        agreeing.len()
    );
    for (xml_name, json_name) in EXACT_TRANSLATIONS {
        assert!(
            agreeing
                .iter()
                .any(|(x, j)| x.ends_with(xml_name) && j.ends_with(json_name)),
            "{xml_name} and {json_name} differ"
        );
    }
}

/// Files larger than this are skipped by the round trip: they are the specification's
/// aggregate bundles (120 MB of the package's 188 MB) of resources it also has one by one.
const ROUND_TRIP_MAX_BYTES: usize = 2_000_000;

/// Every R4 example, written out as FHIR XML and read back, gives the tree the JSON gave.
#[test]
fn r4_examples_round_trip_through_xml() {
    let Some(mut files) = common::r4_examples() else {
        return;
    };
    files.retain(|(_, content)| content.len() <= ROUND_TRIP_MAX_BYTES);
    let mut failures = Vec::new();
    for (name, content) in &files {
        let from_json = parse(content, Format::Json).expect("examples parse");
        let xml = common::to_fhir_xml(&from_json.root);
        let from_xml = match parse(xml.as_bytes(), Format::Xml) {
            Ok(parsed) => parsed,
            Err(error) => {
                failures.push(format!("{name}: {error}"));
                continue;
            }
        };
        // Values with surrounding whitespace are legal in JSON but draw a warning in XML.
        if let Some(issue) = from_xml
            .issues
            .iter()
            .find(|i| i.severity == Severity::Error)
        {
            failures.push(format!("{name}: {issue}"));
        }
        let difference = common::difference(
            &common::flatten(&from_json.root),
            &common::flatten(&from_xml.root),
        );
        if !difference.is_empty() {
            failures.push(format!(
                "{name}:\n{}",
                difference[..difference.len().min(6)].join("\n")
            ));
        }
    }
    eprintln!(
        "{} of {} examples round-trip through XML",
        files.len() - failures.len(),
        files.len()
    );
    assert_eq!(failures[..failures.len().min(20)], Vec::<String>::new()[..]);
}
