//! One parameter value against one value found, by the rules of the parameter's type.

use assure_fhirpath::{Item, Node};

use crate::criterion::{Criterion, SearchValue};
use crate::found::Found;
use crate::judgement::Verdict;
use crate::parameter::ParamType;
use crate::{date, number, quantity, reference, string, token, uri};

/// One parameter value against one value found, by the parameter's type.
pub(crate) fn verdict(
    value: &SearchValue,
    kind: ParamType,
    criterion: &Criterion,
    found: &Found,
) -> Verdict {
    let modifier = criterion.modifier.as_ref();
    match value {
        SearchValue::String(text) if kind == ParamType::Token => token::text_verdict(text, found),
        SearchValue::String(text) => string::verdict(text, modifier, found),
        SearchValue::Token(t) if kind == ParamType::Reference => reference_identifier(t, found),
        SearchValue::Token(t) => token::verdict(t, found),
        SearchValue::Date(d) => date::verdict(d, found),
        SearchValue::Number { prefix, number } => number::verdict(*prefix, number, found),
        SearchValue::Quantity(q) => quantity::verdict(q, found),
        SearchValue::Reference(r) => reference::verdict(r, found),
        SearchValue::Uri(u) => uri::verdict(u, modifier, found),
        SearchValue::Composite(_) => Verdict::Unknown("a composite inside a composite".into()),
    }
}

/// `:identifier`: the token against Reference.identifier.
fn reference_identifier(token: &token::Token, found: &Found) -> Verdict {
    let Some(reference) = found
        .element()
        .filter(|_| found.type_name() == Some("Reference"))
    else {
        return Verdict::Unknown(format!(
            "{}: :identifier is defined on Reference values only",
            found.label()
        ));
    };
    match reference.child("identifier") {
        Some(identifier) => {
            let node = Node {
                element: identifier,
                type_name: Some("Identifier".into()),
            };
            token::verdict(
                token,
                &Found {
                    item: Item::Node(node),
                    doubt: None,
                },
            )
        }
        None => Verdict::No(format!(
            "{} has no identifier (:identifier matches Reference.identifier, search.html#reference)",
            found.label()
        )),
    }
}
