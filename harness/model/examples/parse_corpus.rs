//! Measures parsing speed on the R4 examples package: every JSON file as published, the
//! example instances alone (the package is mostly definitions and terminology), and the same
//! resources written as FHIR XML.
//!
//! `cargo run --release -p assure-model --example parse_corpus`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use assure_model::{Format, parse};

/// Definition and terminology resource types: the package's bulk, not example instances.
const DEFINITION_TYPES: [&str; 14] = [
    "StructureDefinition",
    "SearchParameter",
    "ValueSet",
    "CodeSystem",
    "ConceptMap",
    "OperationDefinition",
    "CapabilityStatement",
    "CompartmentDefinition",
    "NamingSystem",
    "ImplementationGuide",
    "StructureMap",
    "GraphDefinition",
    "MessageDefinition",
    "TerminologyCapabilities",
];

/// Bundles larger than this are the specification's aggregates of its definitions.
const AGGREGATE_BUNDLE_BYTES: usize = 2_000_000;

/// Best wall time of a few runs of parsing every document.
fn best_time(documents: &[Vec<u8>], format: Format) -> Duration {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            for document in documents {
                parse(document, format).expect("corpus documents parse");
            }
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn report(label: &str, documents: &[Vec<u8>], format: Format) {
    let bytes: usize = documents.iter().map(Vec::len).sum();
    let time = best_time(documents, format);
    println!(
        "{label}: {} documents, {:.1} MB in {:.0} ms ({:.0} MB/s)",
        documents.len(),
        bytes as f64 / 1e6,
        time.as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / time.as_secs_f64()
    );
}

fn main() {
    let Some(files) = common::r4_examples() else {
        return;
    };
    let json: Vec<Vec<u8>> = files.into_iter().map(|(_, content)| content).collect();
    report("JSON, whole package", &json, Format::Json);
    let instances: Vec<Vec<u8>> = json
        .iter()
        .filter(|document| {
            let parsed = parse(document, Format::Json).expect("examples parse");
            let resource_type = parsed.root.resource_type.unwrap_or_default();
            let is_definition = DEFINITION_TYPES.contains(&resource_type.as_str());
            let is_aggregate = resource_type == "Bundle" && document.len() > AGGREGATE_BUNDLE_BYTES;
            !is_definition && !is_aggregate
        })
        .cloned()
        .collect();
    report("JSON, example instances", &instances, Format::Json);
    let xml: Vec<Vec<u8>> = json
        .iter()
        .map(|document| {
            let parsed = parse(document, Format::Json).expect("examples parse");
            common::to_fhir_xml(&parsed.root).into_bytes()
        })
        .collect();
    report("XML (same resources)", &xml, Format::Xml);
}
