//! Filtering and projection: `where`, `select`, `repeat`, `ofType`, `aggregate`.

use super::Call;
use crate::compare::collection_contains;
use crate::error::{EvalError, EvalResult};
use crate::eval::to_boolean;
use crate::value::Collection;

/// Upper bound on the items `repeat()` may produce, against runaway recursion.
const REPEAT_LIMIT: usize = 100_000;

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    let focus = call.focus;
    match call.name {
        "where" => {
            call.arity(1, 1)?;
            let mut out = Vec::new();
            for (i, item) in focus.iter().enumerate() {
                if to_boolean(&call.arg_for(0, item, i, None)?)? == Some(true) {
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
            let mut pending: Collection<'a> = focus.to_vec();
            while !pending.is_empty() {
                let mut next = Vec::new();
                for (i, item) in pending.iter().enumerate() {
                    for produced in call.arg_for(0, item, i, None)? {
                        if !collection_contains(&out, &produced) {
                            out.push(produced.clone());
                            next.push(produced);
                        }
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
                .filter(|item| call.ev.is_type(item, &type_name))
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
