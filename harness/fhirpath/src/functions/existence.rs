//! Existence functions: `empty`, `exists`, `all`, `allTrue`, `count`, `distinct`, ...

use super::{Call, one};
use crate::compare::collection_contains;
use crate::distinct::{distinct, is_distinct};
use crate::error::{EvalError, EvalResult};
use crate::value::{Collection, Item, Value};

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    let focus = call.focus;
    match call.name {
        "empty" => {
            call.arity(0, 0)?;
            one(Value::Boolean(focus.is_empty()))
        }
        "exists" => {
            call.arity(0, 1)?;
            if call.args.is_empty() {
                return one(Value::Boolean(!focus.is_empty()));
            }
            for (i, item) in focus.iter().enumerate() {
                if call.ev.truth_for(&call.args[0], item, i)? == Some(true) {
                    return one(Value::Boolean(true));
                }
            }
            one(Value::Boolean(false))
        }
        "all" => {
            call.arity(1, 1)?;
            for (i, item) in focus.iter().enumerate() {
                if call.ev.truth_for(&call.args[0], item, i)? != Some(true) {
                    return one(Value::Boolean(false));
                }
            }
            one(Value::Boolean(true))
        }
        "allTrue" | "anyTrue" | "allFalse" | "anyFalse" => {
            call.arity(0, 0)?;
            let booleans = focus
                .iter()
                .map(|item| match item.to_value() {
                    Some(Value::Boolean(b)) => Ok(b),
                    _ => Err(EvalError::new(format!("{}() needs Booleans", call.name))),
                })
                .collect::<EvalResult<Vec<bool>>>()?;
            let result = match call.name {
                "allTrue" => booleans.iter().all(|b| *b),
                "anyTrue" => booleans.iter().any(|b| *b),
                "allFalse" => booleans.iter().all(|b| !*b),
                _ => booleans.iter().any(|b| !*b),
            };
            one(Value::Boolean(result))
        }
        "subsetOf" | "supersetOf" => {
            call.arity(1, 1)?;
            let other = call.arg(0)?;
            let (small, large): (&[Item], &[Item]) = if call.name == "subsetOf" {
                (focus, &other)
            } else {
                (&other, focus)
            };
            one(Value::Boolean(
                small.iter().all(|item| collection_contains(large, item)),
            ))
        }
        "count" => {
            call.arity(0, 0)?;
            one(Value::Integer(focus.len() as i64))
        }
        "distinct" => {
            call.arity(0, 0)?;
            Ok(distinct(focus.iter().cloned()))
        }
        _ => {
            call.arity(0, 0)?;
            one(Value::Boolean(is_distinct(focus)))
        }
    }
}
