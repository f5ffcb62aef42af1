//! Times parsing and evaluating typical FHIR invariants on the example Patient, and
//! `isDistinct()` over a Bundle-sized collection of strings.
//! Run with `cargo bench -p assure-fhirpath`.

use assure_fhirpath::{EvalContext, Item, Node, StaticModel, Value, parse};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

const INVARIANTS: [(&str, &str); 5] = [
    (
        "pat-1",
        "contact.all(name.exists() or telecom.exists() or address.exists() or organization.exists())",
    ),
    ("dom-6", "text.`div`.exists()"),
    (
        "ele-1",
        "descendants().all(hasValue() or (children().count() > id.count()))",
    ),
    // The R4 `string` regex on every primitive: a literal pattern, compiled once per parse.
    (
        "string-regex",
        r"descendants().where(hasValue()).all(toString().matches('^[ \\r\\n\\t\\S]+$'))",
    ),
    // The same pattern computed, so compiled at every call.
    (
        "string-regex-computed",
        r"descendants().where(hasValue()).all(toString().matches('^[ \\r\\n\\t\\S]' + '+$'))",
    ),
];

fn main() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let package = shared.join("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    let patient_file = shared.join("fhirpath/patient-example.xml");
    let (Ok(model), Ok(bytes)) = (
        StaticModel::from_package(&package),
        std::fs::read(&patient_file),
    ) else {
        println!("skipped: shared FHIR package or patient example not found");
        return;
    };
    let patient = assure_model::parse(&bytes, assure_model::Format::Xml)
        .expect("patient example parses")
        .root;
    let ctx = EvalContext::new(&model).with_resource(&patient);
    let focus = [Item::Node(Node::new(&patient))];
    for (key, source) in INVARIANTS {
        let iterations = 2_000;
        let start = Instant::now();
        for _ in 0..iterations {
            black_box(parse(black_box(source)).expect("invariant parses"));
        }
        let parse_time = start.elapsed() / iterations;
        let expr = parse(source).expect("invariant parses");
        let start = Instant::now();
        for _ in 0..iterations {
            black_box(expr.evaluate(&ctx, &focus).expect("invariant evaluates"));
        }
        let eval_time = start.elapsed() / iterations;
        let verdict = expr
            .evaluate_boolean(&ctx, &focus)
            .expect("invariant evaluates");
        println!("{key} ({verdict:?}): parse {parse_time:?}, evaluate {eval_time:?} per run");
    }
    bench_is_distinct(&model);
}

/// `isDistinct()` on 10,000 distinct full URLs, the shape of R4 invariant bdl-7 on a
/// large Bundle.
fn bench_is_distinct(model: &StaticModel) {
    let urls = (0..10_000)
        .map(|i| Item::Value(Value::String(format!("urn:uuid:entry-{i:05}"))))
        .collect();
    let ctx = EvalContext::new(model).with_variable("urls", urls);
    let expr = parse("%urls.isDistinct()").expect("expression parses");
    let iterations = 5;
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(expr.evaluate(&ctx, &[]).expect("isDistinct evaluates"));
    }
    let eval_time = start.elapsed() / iterations;
    let verdict = expr
        .evaluate_boolean(&ctx, &[])
        .expect("isDistinct evaluates");
    println!("isDistinct-10000-strings ({verdict:?}): evaluate {eval_time:?} per run");
}
