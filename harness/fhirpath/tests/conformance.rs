//! Runs the official FHIRPath R4 test suite (`shared/fhirpath/tests-fhir-r4.xml`) and
//! guards the pass count. `cargo test -p assure-fhirpath --test conformance -- --nocapture`
//! prints the failing test names.

use assure_fhirpath::{EvalContext, Item, Node, StaticModel, Value, parse};
use assure_model::{Element, Format};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Tests that must pass; raise it when the engine improves, never lower it.
const PASS_FLOOR: usize = 926;

fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// One `<test>` of the suite.
struct Case {
    name: String,
    input_file: String,
    expression: String,
    invalid: bool,
    predicate: bool,
    ordered: bool,
    outputs: Vec<(String, String)>,
}

fn load_cases(text: &str) -> Vec<Case> {
    let document = roxmltree::Document::parse(text).expect("the suite is well-formed XML");
    document
        .descendants()
        .filter(|n| n.has_tag_name("test"))
        .map(|test| {
            let expression = test
                .children()
                .find(|c| c.has_tag_name("expression"))
                .expect("every test has an expression");
            Case {
                name: test.attribute("name").unwrap_or("?").to_string(),
                input_file: test.attribute("inputfile").unwrap_or("").to_string(),
                expression: expression.text().unwrap_or("").to_string(),
                invalid: expression.attribute("invalid").is_some(),
                predicate: test.attribute("predicate") == Some("true"),
                ordered: test.attribute("ordered") != Some("false"),
                outputs: test
                    .children()
                    .filter(|c| c.has_tag_name("output"))
                    .map(|o| {
                        (
                            o.attribute("type").unwrap_or("").to_string(),
                            o.text().unwrap_or("").to_string(),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Reads an input resource with the project's own JSON/XML parsers; an input missing beside
/// the suite is taken from its JSON twin in the examples package (`codesystem-example.xml` →
/// `package/CodeSystem-example.json`).
fn load_input(dir: &Path, package: &Path, file: &str) -> Option<Element> {
    let (bytes, name) = match std::fs::read(dir.join(file)) {
        Ok(bytes) => (bytes, file.to_string()),
        Err(_) => json_twin(package, file)?,
    };
    let format = Format::sniff(&bytes, Some(&name))?;
    assure_model::parse(&bytes, format)
        .ok()
        .map(|parsed| parsed.root)
}

fn json_twin(package: &Path, file: &str) -> Option<(Vec<u8>, String)> {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let wanted = format!("package/{stem}.json").to_lowercase();
    let archive = std::fs::File::open(package).ok()?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    for entry in archive.entries().ok()? {
        let mut entry = entry.ok()?;
        let name = entry.path().ok()?.to_string_lossy().to_lowercase();
        if name == wanted {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).ok()?;
            return Some((bytes, name));
        }
    }
    None
}

/// The expected output as a value, parsed with the engine's own literal syntax.
fn expected_value(kind: &str, text: &str) -> Option<Value> {
    let ctx_model = assure_fhirpath::NoModel;
    let ctx = EvalContext::new(&ctx_model);
    match kind {
        "boolean" | "integer" | "decimal" | "date" | "dateTime" | "time" | "Quantity" | "" => {
            let literal = parse(text).ok().and_then(|e| e.evaluate(&ctx, &[]).ok());
            match literal.as_ref().and_then(|l| l.first()) {
                Some(item) => item.to_value(),
                None if kind.is_empty() => Some(Value::String(text.to_string())),
                None => None,
            }
        }
        _ => Some(Value::String(text.to_string())),
    }
}

fn matches_output(item: &Item, kind: &str, text: &str) -> bool {
    let (Some(actual), Some(expected)) = (item.to_value(), expected_value(kind, text)) else {
        return false;
    };
    match (&actual, &expected) {
        (Value::Date(a) | Value::DateTime(a), Value::Date(b) | Value::DateTime(b)) => {
            a.compare(b) == Some(Ordering::Equal)
        }
        (Value::Time(a), Value::Time(b)) => a.compare(b) == Some(Ordering::Equal),
        (Value::Decimal(a), Value::Decimal(b)) => a == b,
        (Value::Integer(a), Value::Decimal(b)) | (Value::Decimal(b), Value::Integer(a)) => {
            rust_decimal::Decimal::from(*a) == *b
        }
        _ => actual == expected,
    }
}

/// Runs one case; `Err` explains the failure.
fn run_case(case: &Case, model: &StaticModel, root: Option<&Element>) -> Result<(), String> {
    let mut ctx = EvalContext::new(model)
        .strict(true)
        .with_conforms_to(|item, url| {
            let profile = url
                .strip_prefix("http://hl7.org/fhir/StructureDefinition/")
                .ok_or_else(|| format!("unknown profile {url}"))?;
            let resource_type = item
                .as_node()
                .and_then(|node| node.element.resource_type.as_deref());
            Ok(resource_type.map(|t| t == profile))
        });
    let mut focus = Vec::new();
    if let Some(root) = root {
        ctx = ctx.with_resource(root);
        focus.push(Item::Node(Node::new(root)));
    }
    let outcome = parse(&case.expression)
        .map_err(|e| e.to_string())
        .and_then(|expr| expr.evaluate(&ctx, &focus).map_err(|e| e.to_string()));
    let result = match (outcome, case.invalid) {
        (Err(_), true) => return Ok(()),
        (Ok(result), true) => return Err(format!("expected an error, got {result:?}")),
        (Err(e), false) => return Err(format!("error: {e}")),
        (Ok(result), false) => result,
    };
    let result = if case.predicate {
        vec![Item::Value(Value::Boolean(!result.is_empty()))]
    } else {
        result
    };
    if result.len() != case.outputs.len() {
        return Err(format!(
            "expected {} item(s), got {}: {:?}",
            case.outputs.len(),
            result.len(),
            result.iter().map(Item::to_value).collect::<Vec<_>>()
        ));
    }
    let all_match = if case.ordered {
        result
            .iter()
            .zip(&case.outputs)
            .all(|(item, (kind, text))| matches_output(item, kind, text))
    } else {
        case.outputs
            .iter()
            .all(|(kind, text)| result.iter().any(|item| matches_output(item, kind, text)))
    };
    if all_match {
        Ok(())
    } else {
        Err(format!(
            "expected {:?}, got {:?}",
            case.outputs,
            result.iter().map(Item::to_value).collect::<Vec<_>>()
        ))
    }
}

#[test]
fn official_r4_suite() {
    let shared = shared_dir();
    let suite_dir = shared.join("fhirpath");
    let package = shared.join("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    let suite = std::fs::read_to_string(suite_dir.join("tests-fhir-r4.xml"));
    let (Ok(suite), true) = (suite, package.exists()) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "FHIRPath suite or R4 package missing under {}",
            shared.display()
        );
        println!(
            "skipped: FHIRPath suite or R4 package missing under {}",
            shared.display()
        );
        return;
    };
    let model = StaticModel::from_package(&package).expect("R4 package loads");
    let cases = load_cases(&suite);
    let mut inputs: HashMap<String, Option<Element>> = HashMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        let outcome = if case.input_file.is_empty() {
            run_case(case, &model, None)
        } else {
            let input = inputs
                .entry(case.input_file.clone())
                .or_insert_with(|| load_input(&suite_dir, &package, &case.input_file));
            match input {
                Some(root) => run_case(case, &model, Some(root)),
                None => Err(format!("input file {} not available", case.input_file)),
            }
        };
        if let Err(reason) = outcome {
            failures.push(format!(
                "{}: {} => {reason}",
                case.name,
                case.expression.trim()
            ));
        }
    }
    let passed = cases.len() - failures.len();
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!(
        "FHIRPath R4 conformance: {passed} of {} tests pass ({:.1}%)",
        cases.len(),
        passed as f64 * 100.0 / cases.len() as f64
    );
    assert!(
        passed >= PASS_FLOOR,
        "conformance regressed: {passed} tests pass, the floor is {PASS_FLOOR}"
    );
}
