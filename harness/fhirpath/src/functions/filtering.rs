//! Filtering and projection: `where`, `select`, `repeat`, `ofType`, `aggregate`.
//! `repeat` tells nodes apart by identity and values by equality.

use super::Call;
use crate::error::{EvalError, EvalResult};
use crate::value::{Collection, Item, Value};
use assure_model::Element;
use std::collections::HashSet;

/// Upper bound on the items `repeat()` may produce, against runaway recursion.
const REPEAT_LIMIT: usize = 10_000;

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    let focus = call.focus;
    match call.name {
        "where" => {
            call.arity(1, 1)?;
            let mut out = Vec::new();
            for (i, item) in focus.iter().enumerate() {
                if call.ev.truth_for(&call.args[0], item, i)? == Some(true) {
                    out.push(item.clone());
                }
            }
            Ok(out)
        }
        "select" => {
            call.arity(1, 1)?;
            let mut out = Vec::new();
            for (i, item) in focus.iter().enumerate() {
                out.extend(call.arg_for(0, item, i, None)?);
            }
            Ok(out)
        }
        "repeat" => {
            call.arity(1, 1)?;
            let mut out: Collection<'a> = Vec::new();
            let mut seen_nodes: HashSet<*const Element> = HashSet::new();
            let mut seen_values: HashSet<String> = HashSet::new();
            let mut pending: Collection<'a> = focus.to_vec();
            while !pending.is_empty() {
                let mut next = Vec::new();
                for (i, item) in pending.iter().enumerate() {
                    for produced in call.arg_for(0, item, i, None)? {
                        let new = match &produced {
                            Item::Node(node) => seen_nodes.insert(node.element),
                            Item::Value(value) => seen_values.insert(value_key(value)),
                        };
                        if !new {
                            continue;
                        }
                        out.push(produced.clone());
                        next.push(produced);
                    }
                }
                if out.len() > REPEAT_LIMIT {
                    return Err(EvalError::new("repeat() produced too many items"));
                }
                pending = next;
            }
            Ok(out)
        }
        "ofType" => {
            let type_name = call.type_argument()?;
            Ok(focus
                .iter()
                .filter(|item| call.ev.casts_to(item, &type_name))
                .cloned()
                .collect())
        }
        _ => {
            call.arity(1, 2)?;
            let mut total = if call.args.len() == 2 {
                call.arg(1)?
            } else {
                Vec::new()
            };
            for (i, item) in focus.iter().enumerate() {
                total = call.arg_for(0, item, i, Some(total))?;
            }
            Ok(total)
        }
    }
}

/// A key under which equal values coincide (`1` and `1.0` share one).
fn value_key(value: &Value) -> String {
    match value {
        Value::Integer(i) => format!("number:{i}"),
        Value::Decimal(d) => format!("number:{}", d.normalize()),
        other => format!("{}:{other}", other.type_name()),
    }
}
