//! Real R4 invariants, read from the StructureDefinitions of the R4 examples package and
//! evaluated on that package's own examples, where they must hold.

use assure_fhirpath::{EvalContext, Expr, Item, Node, StaticModel, parse};
use assure_model::{Element, Format};
use serde_json::Value as Json;
use std::io::Read;
use std::path::{Path, PathBuf};

fn examples_package() -> Option<PathBuf> {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    if package.exists() {
        return Some(package);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "R4 examples package missing: {}",
        package.display()
    );
    println!("skipped: {} not found", package.display());
    None
}

/// The bytes of `package/<name>` in the tarball.
fn package_file(package: &Path, name: &str) -> Vec<u8> {
    let wanted = format!("package/{name}");
    let file = std::fs::File::open(package).expect("package opens");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in archive.entries().expect("package is a tar archive") {
        let mut entry = entry.expect("archive entry reads");
        if entry.path().expect("entry path").to_string_lossy() == wanted {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("entry reads");
            return bytes;
        }
    }
    panic!("{wanted} not in the package");
}

/// The expression of invariant `key` in the snapshot of StructureDefinition `type_name`.
fn invariant(package: &Path, type_name: &str, key: &str) -> Expr {
    let bytes = package_file(package, &format!("StructureDefinition-{type_name}.json"));
    let definition: Json = serde_json::from_slice(&bytes).expect("definition is JSON");
    let elements = definition["snapshot"]["element"]
        .as_array()
        .expect("snapshot");
    let expression = elements
        .iter()
        .flat_map(|e| e["constraint"].as_array().into_iter().flatten())
        .find(|c| c["key"] == key)
        .and_then(|c| c["expression"].as_str())
        .unwrap_or_else(|| panic!("{type_name} has no invariant {key}"));
    parse(expression).unwrap_or_else(|e| panic!("{key}: {e}"))
}

fn example(package: &Path, name: &str) -> Element {
    assure_model::parse(&package_file(package, name), Format::Json)
        .expect("example parses")
        .root
}

/// Evaluates `invariant` on every node `path` selects in `root`; the verdicts in order.
fn verdicts(model: &StaticModel, root: &Element, path: &str, invariant: &Expr) -> Vec<bool> {
    let ctx = EvalContext::new(model).with_resource(root);
    let focus = [Item::Node(Node::new(root))];
    let nodes = parse(path).unwrap().evaluate(&ctx, &focus).unwrap();
    nodes
        .iter()
        .map(|node| {
            let verdict = invariant.evaluate_boolean(&ctx, std::slice::from_ref(node));
            verdict.unwrap_or_else(|e| panic!("{}: {e}", invariant.source())) != Some(false)
        })
        .collect()
}

#[test]
fn que_7_holds_on_the_blood_bank_questionnaire() {
    let Some(package) = examples_package() else {
        return;
    };
    let model = StaticModel::from_package(&package).expect("R4 package loads");
    let que_7 = invariant(&package, "Questionnaire", "que-7");
    assert_eq!(
        que_7.source(),
        "operator = 'exists' implies (answer is Boolean)"
    );
    let enable_when = "Questionnaire.repeat(item).enableWhen";
    let mut questionnaire = example(&package, "Questionnaire-bb.json");
    let exists_checks = verdicts(
        &model,
        &questionnaire,
        &format!("{enable_when}.where(operator = 'exists')"),
        &que_7,
    );
    assert_eq!(
        exists_checks,
        vec![true],
        "the one 'exists' condition holds"
    );
    assert!(
        verdicts(&model, &questionnaire, enable_when, &que_7)
            .iter()
            .all(|&v| v)
    );

    // The same condition with a string answer breaks the invariant.
    let condition = find(&mut questionnaire, "answerBoolean").expect("answerBoolean");
    condition.name = "answerString".into();
    let broken = verdicts(&model, &questionnaire, enable_when, &que_7);
    assert_eq!(broken.iter().filter(|&&v| !v).count(), 1, "{broken:?}");
}

fn find<'e>(element: &'e mut Element, name: &str) -> Option<&'e mut Element> {
    if element.name == name {
        return Some(element);
    }
    element.children.iter_mut().find_map(|c| find(c, name))
}
