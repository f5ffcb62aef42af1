//! Behaviour of the public API on small hand-built trees: typing through a model, host
//! callbacks, strictness, empty propagation and hostile input.

use assure_fhirpath::{ElementTypeInfo, EvalContext, Item, ModelInfo, NoModel, Node, Value, parse};
use assure_model::{Element, Pos, Primitive};
use std::cell::RefCell;
use std::sync::Arc;

fn leaf(name: &str, value: &str) -> Element {
    Element {
        name: name.into(),
        index: None,
        value: Some(Primitive::String(value.into())),
        children: Vec::new(),
        resource_type: None,
        pos: Pos::default(),
    }
}

fn branch(name: &str, children: Vec<Element>) -> Element {
    Element {
        name: name.into(),
        index: None,
        value: None,
        children,
        resource_type: None,
        pos: Pos::default(),
    }
}

fn resource(resource_type: &str, name: &str, children: Vec<Element>) -> Element {
    Element {
        resource_type: Some(resource_type.into()),
        ..branch(name, children)
    }
}

/// Observation with `value[x]` (Quantity | string) and `effectiveDateTime`.
struct TinyModel;

impl ModelInfo for TinyModel {
    fn element_type(&self, parent: &str, name: &str) -> Option<ElementTypeInfo> {
        let types: &[&str] = match (parent, name) {
            ("Observation", "value") => &["Quantity", "string"],
            ("Observation", "effective") => &["dateTime", "Period"],
            ("Observation", "status") => &["code"],
            ("Observation", "id") => &["id"],
            ("Observation", "contained") => &["Resource"],
            ("Observation", "subject") => &["Reference"],
            ("Reference", "reference") => &["string"],
            ("Quantity", "value") => &["decimal"],
            ("Quantity", "code") => &["code"],
            ("Quantity", "id") => &["string"],
            _ => return None,
        };
        Some(ElementTypeInfo {
            types: types.iter().map(|t| Arc::from(*t)).collect(),
            is_choice: matches!(name, "value" | "effective") && parent == "Observation",
        })
    }

    fn is_subtype(&self, type_name: &str, base: &str) -> bool {
        type_name == base || (base == "Resource" && matches!(type_name, "Observation" | "Patient"))
    }

    fn is_primitive(&self, type_name: &str) -> bool {
        type_name.starts_with(|c: char| c.is_ascii_lowercase())
    }
}

fn observation() -> Element {
    resource(
        "Observation",
        "Observation",
        vec![
            leaf("id", "obs1"),
            resource("Patient", "contained", vec![leaf("id", "p1")]),
            leaf("status", "final"),
            branch("subject", vec![leaf("reference", "#p1")]),
            leaf("effectiveDateTime", "2020-02-03T10:00:00Z"),
            branch(
                "valueQuantity",
                vec![
                    Element {
                        value: Some(Primitive::Number("185".into())),
                        ..leaf("value", "")
                    },
                    leaf("code", "[lb_av]"),
                ],
            ),
        ],
    )
}

fn eval<'a>(ctx: &EvalContext<'a>, root: &'a Element, source: &str) -> Vec<Option<Value>> {
    parse(source)
        .unwrap_or_else(|e| panic!("{source}: {e}"))
        .evaluate(ctx, &[Item::Node(Node::new(root))])
        .unwrap_or_else(|e| panic!("{source}: {e}"))
        .iter()
        .map(Item::to_value)
        .collect()
}

fn yes<'a>(ctx: &EvalContext<'a>, root: &'a Element, source: &str) {
    assert_eq!(
        eval(ctx, root, source),
        vec![Some(Value::Boolean(true))],
        "{source}"
    );
}

#[test]
fn types_choices_and_primitives_through_the_model() {
    let obs = observation();
    let ctx = EvalContext::new(&TinyModel).with_resource(&obs);
    yes(&ctx, &obs, "Observation.value is Quantity");
    yes(&ctx, &obs, "Observation.value > 80 'kg'");
    yes(&ctx, &obs, "effective > @2020-01-01T00:00:00Z");
    yes(
        &ctx,
        &obs,
        "effective.ofType(dateTime).exists() and effective.ofType(Period).empty()",
    );
    yes(&ctx, &obs, "value.value = 185 and value.value is decimal");
    yes(
        &ctx,
        &obs,
        "status.type().name = 'code' and 1.type().namespace = 'System'",
    );
}

#[test]
fn resolves_contained_and_external_references() {
    let obs = observation();
    let other = resource("Patient", "Patient", vec![leaf("id", "p9")]);
    let asked = RefCell::new(Vec::new());
    let ctx = EvalContext::new(&TinyModel)
        .with_resource(&obs)
        .with_resolver(|reference| {
            asked.borrow_mut().push(reference.to_string());
            (reference == "Patient/p9").then_some(&other)
        })
        .with_variable(
            "target",
            vec![Item::Value(Value::String("Patient/p9".into()))],
        );
    yes(
        &ctx,
        &obs,
        "subject.resolve().id = 'p1' and subject.resolve() is Patient",
    );
    yes(&ctx, &obs, "%target.resolve().id = 'p9'");
    assert_eq!(
        eval(&ctx, &obs, "'Patient/none'.resolve()"),
        Vec::<Option<Value>>::new()
    );
    assert_eq!(*asked.borrow(), vec!["Patient/p9", "Patient/none"]);
}

#[test]
fn lenient_by_default_strict_on_request() {
    let obs = observation();
    let lenient = EvalContext::new(&TinyModel);
    yes(
        &lenient,
        &obs,
        "Observation.nonsense.empty() and Patient.id.empty()",
    );
    yes(&lenient, &obs, "valueQuantity.code = '[lb_av]'");
    let strict = EvalContext::new(&TinyModel).strict(true);
    let focus = [Item::Node(Node::new(&obs))];
    for bad in [
        "Observation.nonsense",
        "Patient.id",
        "value.ofType(Unknown)",
    ] {
        let error = parse(bad).unwrap().evaluate(&strict, &focus);
        assert!(error.is_err(), "{bad} must fail in strict mode");
    }
}

#[test]
fn three_valued_logic_and_empty_propagation() {
    let obs = observation();
    let ctx = EvalContext::new(&NoModel);
    let cases = [
        ("{} and true", None),
        ("{} and false", Some(false)),
        ("{} or true", Some(true)),
        ("{} implies false", None),
        ("false implies {}", Some(true)),
        ("true xor {}", None),
        ("({} = 1)", None),
        ("(1 | 2) ~ (2 | 1)", Some(true)),
        ("@2012 = @2012-01", None),
        ("@2012 ~ @2012-01", Some(false)),
    ];
    for (source, expected) in cases {
        let result = eval(&ctx, &obs, source);
        assert_eq!(
            result,
            expected
                .map(Value::Boolean)
                .into_iter()
                .map(Some)
                .collect::<Vec<_>>(),
            "{source}"
        );
    }
}

#[test]
fn callbacks_answer_member_of_and_trace() {
    let obs = observation();
    let traced = RefCell::new(Vec::new());
    let ctx = EvalContext::new(&TinyModel)
        .with_member_of(|item, url| match url {
            "http://hl7.org/fhir/ValueSet/observation-status" => {
                Ok(Some(item.to_value() == Some(Value::String("final".into()))))
            }
            other => Err(format!("unknown value set {other}")),
        })
        .with_tracer(|label, items| traced.borrow_mut().push((label.to_string(), items.len())));
    yes(
        &ctx,
        &obs,
        "status.trace('s').memberOf(%`vs-observation-status`)",
    );
    assert_eq!(*traced.borrow(), vec![("s".to_string(), 1)]);
    let focus = [Item::Node(Node::new(&obs))];
    let unknown = parse("status.memberOf('urn:x')")
        .unwrap()
        .evaluate(&ctx, &focus);
    assert_eq!(unknown.unwrap_err().message, "unknown value set urn:x");
    let without = EvalContext::new(&TinyModel);
    assert!(
        parse("status.memberOf('urn:x')")
            .unwrap()
            .evaluate(&without, &focus)
            .is_err()
    );
}

#[test]
fn hostile_input_fails_cleanly() {
    let obs = observation();
    let ctx = EvalContext::new(&NoModel);
    let focus = [Item::Node(Node::new(&obs))];
    for source in [
        "-".repeat(5000) + "1",
        "(".repeat(5000),
        "a.".repeat(3000) + "b(",
        "'unterminated".into(),
        "@2020-13-45".into(),
        "99999999999999999999999".into(),
    ] {
        assert!(parse(&source).is_err(), "{source:.40} must not parse");
    }
    for source in [
        "1 / 0",
        "(1 | 2) + 1",
        "'a'.matches('(')",
        "unknownFunction()",
        "1.repeat($this + 1)",
        "%undefined",
        "9223372036854775807 + 1",
    ] {
        let outcome = parse(source).unwrap().evaluate(&ctx, &focus);
        assert!(
            outcome.as_ref().is_err() || outcome.as_ref().is_ok_and(|r| r.is_empty()),
            "{source} must give an error or empty, got {outcome:?}"
        );
    }
}

#[test]
fn regex_functions_give_the_same_answers_for_literal_and_computed_patterns() {
    let obs = observation();
    let ctx = EvalContext::new(&TinyModel).with_resource(&obs);
    for _ in 0..3 {
        yes(
            &ctx,
            &obs,
            "status.matches('^fin') and status.matches('in')",
        );
        yes(
            &ctx,
            &obs,
            "status.matches('^f' + 'in') and status.matches(status)",
        );
        yes(
            &ctx,
            &obs,
            "status.matchesFull('f.*l') and status.matchesFull('fin').not()",
        );
        yes(
            &ctx,
            &obs,
            "'a\nb'.matches('a.b') and 'a\nb'.matchesFull('a.b')",
        );
        yes(
            &ctx,
            &obs,
            "status.replaceMatches('[aeiou]', '_') = 'f_n_l'",
        );
        yes(
            &ctx,
            &obs,
            "status.replaceMatches('[ae' + 'iou]', '-') = 'f-n-l'",
        );
        yes(&ctx, &obs, "status.replaceMatches('', 'x') = 'final'");
        yes(
            &ctx,
            &obs,
            "status.matches({}).empty() and {}.matches('x').empty()",
        );
    }
    let bad = parse("status.matches('(')").unwrap();
    let focus = [Item::Node(Node::new(&obs))];
    for _ in 0..2 {
        let error = bad.evaluate(&ctx, &focus).unwrap_err();
        assert!(
            error.message.contains("invalid regular expression"),
            "{error}"
        );
    }
}

#[test]
fn one_parsed_pattern_serves_many_threads() {
    let expr = parse("matches('^[A-Z][a-z]+$')").unwrap();
    assert_eq!(expr, parse("matches('^[A-Z][a-z]+$')").unwrap());
    std::thread::scope(|scope| {
        for word in ["Peter", "james", "Jim", "X"] {
            let expr = &expr;
            scope.spawn(move || {
                let ctx = EvalContext::new(&NoModel);
                let focus = [Item::Value(Value::String(word.into()))];
                for _ in 0..100 {
                    let result = expr.evaluate_boolean(&ctx, &focus).unwrap();
                    assert_eq!(result, Some(word == "Peter" || word == "Jim"), "{word}");
                }
            });
        }
    });
}

#[test]
fn is_operator_reads_system_type_names_on_fhir_primitives() {
    let obs = observation();
    let ctx = EvalContext::new(&TinyModel).with_resource(&obs);
    let no = |source: &str| {
        assert_eq!(
            eval(&ctx, &obs, source),
            vec![Some(Value::Boolean(false))],
            "{source}"
        );
    };
    // A FHIR dateTime is `DateTime` for the operator, as FHIR invariants are written
    // (R4 que-7: `answer is Boolean`), ...
    yes(&ctx, &obs, "effective is DateTime");
    yes(
        &ctx,
        &obs,
        "effective is dateTime and effective is FHIR.dateTime",
    );
    yes(&ctx, &obs, "true is Boolean and @2020 is Date");
    // ... but only under its own name, never qualified as a System type, and not in the
    // function form, which the official suite keeps strict.
    no("effective is Date");
    no("effective is System.DateTime");
    no("effective.is(DateTime)");
    no("status is String");
    no("Observation.value is Decimal");
}

#[test]
fn matches_can_be_read_as_a_whole_string_test() {
    use assure_fhirpath::{ParseOptions, parse_with};
    let ctx = EvalContext::new(&NoModel);
    let eval = |options: ParseOptions, source: &str| {
        let expr = parse_with(source, options).unwrap();
        expr.evaluate_boolean(&ctx, &[]).unwrap()
    };
    let searching = ParseOptions::default();
    let whole = ParseOptions {
        whole_string_matches: true,
    };
    // eld-19's pattern, without anchors, against a path with empty segments.
    let eld_19 = r#"'Observation...unit'.matches('[^\\s\\.,:;\\\'"\\/|?!@#$%&*()\\[\\]{}]{1,64}(\\.[^\\s\\.,:;\\\'"\\/|?!@#$%&*()\\[\\]{}]{1,64}(\\[x\\])?(\\:[^\\s\\.]+)?)*')"#;
    assert_eq!(eval(searching, eld_19), Some(true));
    assert_eq!(eval(whole, eld_19), Some(false));
    let pattern = "'Library/x'.matches('Library')";
    assert_eq!(eval(searching, pattern), Some(true));
    assert_eq!(eval(whole, pattern), Some(false));
    // A pattern that is not a literal is read the same way.
    let computed = "'Library/x'.matches('Lib' + 'rary.*')";
    assert_eq!(eval(whole, computed), Some(true));
    assert_eq!(
        eval(whole, "'Library/x'.matches('Lib' + 'rary')"),
        Some(false)
    );
}

#[test]
fn host_string_functions_map_a_string_focus() {
    let name = resource("Patient", "Patient", vec![leaf("family", "Smith")]);
    let ctx = EvalContext::new(&NoModel).with_string_function("shout", |text| text.to_uppercase());
    let focus = [Item::Node(Node::new(&name))];
    let shouted = parse("family.shout()")
        .unwrap()
        .evaluate(&ctx, &focus)
        .unwrap();
    assert_eq!(shouted, vec![Item::Value(Value::String("SMITH".into()))]);
    let empty = parse("given.shout()")
        .unwrap()
        .evaluate(&ctx, &focus)
        .unwrap();
    assert!(empty.is_empty());
    let error = parse("family.shout(1)").unwrap().evaluate(&ctx, &focus);
    assert!(error.is_err(), "a host function takes no arguments");
    let unknown = parse("family.whisper()").unwrap().evaluate(&ctx, &focus);
    assert!(
        unknown
            .unwrap_err()
            .to_string()
            .contains("unknown function whisper()")
    );
    let standard = EvalContext::new(&NoModel).with_string_function("lower", |_| "x".into());
    let lowered = parse("family.lower()")
        .unwrap()
        .evaluate(&standard, &focus)
        .unwrap();
    assert_eq!(lowered, vec![Item::Value(Value::String("smith".into()))]);
}

#[test]
fn external_constants_are_listed_once_in_order() {
    let expr = parse(
        "name.where(family = %family or %`given-name` in given).exists(%family.length() > 0)",
    )
    .unwrap();
    assert_eq!(expr.external_constants(), vec!["family", "given-name"]);
    assert!(
        parse("name.family")
            .unwrap()
            .external_constants()
            .is_empty()
    );
}

#[test]
fn as_on_a_collection_fails_unless_the_host_asks_for_a_filter() {
    // FHIRPath N1 lets as() take one item; FHIR R4's dom-3 applies it to whole collections.
    let obs = observation();
    let source = "descendants().as(string)";
    let expr = parse(source).unwrap();
    let focus = [Item::Node(Node::new(&obs))];
    let ctx = EvalContext::new(&TinyModel);
    assert!(expr.evaluate(&ctx, &focus).is_err());
    let filtering = EvalContext::new(&TinyModel).as_filters_collections(true);
    assert!(eval(&filtering, &obs, source).contains(&Some(Value::String("#p1".into()))));
}

#[test]
fn a_comparison_without_an_answer_is_marked() {
    // N1 §6.1-6.2: values of different precision compare to empty ("unknown"); absent
    // operands give empty too, but that is no unknown comparison.
    let obs = observation();
    let ctx = EvalContext::new(&TinyModel);
    assert!(eval(&ctx, &obs, "effective <= @2020-02-03").is_empty());
    assert!(ctx.take_unknown_comparison());
    assert!(!ctx.take_unknown_comparison(), "taking clears the mark");
    assert!(eval(&ctx, &obs, "effective = @2020-02-03").is_empty());
    assert!(ctx.take_unknown_comparison());
    assert!(eval(&ctx, &obs, "issued <= @2020-02-03").is_empty());
    assert!(eval(&ctx, &obs, "effective = issued").is_empty());
    assert!(!ctx.take_unknown_comparison());
    yes(&ctx, &obs, "effective <= @2020-02-04T00:00:00Z");
    assert!(!ctx.take_unknown_comparison());
}
