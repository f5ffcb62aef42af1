//! Composite parameters (R4 search.html#composite): the value `a$b` matches when one item
//! the composite's expression selects has, for every component, a value matching that
//! component's part (evaluated relative to the same item, with the component's type rules).

use std::sync::Arc;

use assure_fhirpath::EvalContext;

use crate::by_type::verdict;
use crate::criterion::{Criterion, SearchValue};
use crate::found::Found;
use crate::judgement::{Verdict, listed};
use crate::parameter::SearchParameter;

/// The verdict of one composite value on every item found.
pub(crate) fn verdicts<'a>(
    parameter: &SearchParameter,
    components: &[Arc<SearchParameter>],
    parts: &[SearchValue],
    found: &[Found<'a>],
    ctx: &EvalContext<'a>,
    criterion: &Criterion,
) -> Vec<(Verdict, Option<String>)> {
    found
        .iter()
        .map(|item| {
            (
                item_verdict(parameter, components, parts, item, ctx, criterion),
                item.doubt.clone(),
            )
        })
        .collect()
}

/// Every component of one item against its part.
fn item_verdict<'a>(
    parameter: &SearchParameter,
    components: &[Arc<SearchParameter>],
    parts: &[SearchValue],
    item: &Found<'a>,
    ctx: &EvalContext<'a>,
    criterion: &Criterion,
) -> Verdict {
    let mut unknown = Vec::new();
    for ((component, definition), part) in parameter.component.iter().zip(components).zip(parts) {
        let expr = match &component.parsed {
            Ok(expr) => expr,
            Err(why) => return Verdict::Unknown(why.clone()),
        };
        let values = match expr.evaluate(ctx, std::slice::from_ref(&item.item)) {
            Ok(values) => values,
            Err(e) => {
                return Verdict::Unknown(format!(
                    "the component '{}' failed: {e}",
                    component.expression
                ));
            }
        };
        let found: Vec<Found> = values
            .into_iter()
            .map(|v| Found {
                item: v,
                doubt: None,
            })
            .collect();
        let part_verdict = Verdict::any(
            found
                .iter()
                .map(|f| verdict(part, definition.kind, criterion, f)),
            || {
                format!(
                    "no value for the component {} ({})",
                    definition.code, component.expression
                )
            },
        );
        match part_verdict {
            Verdict::Yes => {}
            Verdict::No(why) => return Verdict::No(why),
            Verdict::Unknown(why) => unknown.push(why),
        }
    }
    if unknown.is_empty() {
        Verdict::Yes
    } else {
        Verdict::Unknown(listed(&unknown))
    }
}
