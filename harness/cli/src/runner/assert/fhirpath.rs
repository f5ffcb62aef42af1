//! The `fhirpath` assertion: an expression evaluated over the response body (read with
//! `assure-model`, evaluated by `assure-fhirpath` without type information: paths navigate by
//! element name) must give exactly `true`. Variables in scope are its `%name` constants, and
//! the host function `fold()` compares text as FHIR string search does.

use assure_fhirpath::{EvalContext, Item, NoModel, Node, Value};
use assure_model::{Format, parse};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::Checked;
use crate::runner::response::ResponseView;
use crate::suite::FhirPathCheck;

/// Items of a result quoted in a failure message; the rest are counted.
const MAX_QUOTED_ITEMS: usize = 5;

/// Evaluates `check` over the body. A body that is not a FHIR JSON resource fails the
/// assertion; an expression that cannot be evaluated on it (wrong cardinality, unknown
/// function or `%name`) is an `Err`: the suite, not the server, is at fault.
pub(super) fn fhirpath(check: &FhirPathCheck, view: &ResponseView<'_>) -> Result<Checked, String> {
    let source = check.expression.source();
    let expected = format!("FHIRPath `{source}` to be true");
    let claim = format!("FHIRPath `{source}` is true");
    let verdict =
        |actual: String, passed: bool| Checked::new("", &claim, expected.clone(), actual, passed);
    if view.response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(verdict("an empty body".into(), false));
    }
    let parsed = match parse(&view.response.body, Format::Json) {
        Ok(parsed) => parsed,
        Err(error) => {
            return Ok(verdict(
                format!("a body that is not FHIR JSON ({error})"),
                false,
            ));
        }
    };
    let mut context = EvalContext::new(&NoModel)
        .with_resource(&parsed.root)
        .with_string_function("fold", fold);
    for (name, values) in &check.variables {
        let items = values
            .iter()
            .map(|value| Item::Value(Value::String(value.clone())))
            .collect();
        context = context.with_variable(name, items);
    }
    let result = check
        .expression
        .evaluate(&context, &[Item::Node(Node::new(&parsed.root))])
        .map_err(|error| {
            format!("FHIRPath `{source}` cannot be evaluated on this response: {error}")
        })?;
    let passed =
        matches!(result.as_slice(), [item] if item.to_value() == Some(Value::Boolean(true)));
    Ok(verdict(describe(&result), passed))
}

/// `text` compared as FHIR string search compares: lower case, without accents (canonical
/// decomposition with the combining marks dropped, so `Élise` folds to `elise`).
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// A result as a failure message quotes it: `false`, `empty`, `'a'`, `3 items: ...`.
fn describe(result: &[Item<'_>]) -> String {
    let quoted: Vec<String> = result
        .iter()
        .take(MAX_QUOTED_ITEMS)
        .map(|item| match item.to_value() {
            Some(Value::String(text)) => format!("'{text}'"),
            Some(value) => value.to_string(),
            None => match item {
                Item::Node(node) => format!("a {} element", node.element.name),
                Item::Value(_) => "a value".to_string(),
            },
        })
        .collect();
    match result.len() {
        0 => "empty".to_string(),
        1 => quoted.join(""),
        n if n > MAX_QUOTED_ITEMS => format!("{n} items: {}, …", quoted.join(", ")),
        n => format!("{n} items: {}", quoted.join(", ")),
    }
}
