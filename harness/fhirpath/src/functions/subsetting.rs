//! Subsetting and combining: `single`, `first`, `last`, `tail`, `skip`, `take`,
//! `intersect`, `exclude`, `union`, `combine`.

use super::Call;
use crate::compare::collection_contains;
use crate::distinct::distinct;
use crate::error::{EvalError, EvalResult};
use crate::eval::union;
use crate::value::Collection;

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    let focus = call.focus;
    let count = |call: &Call<'_, '_, 'a>| -> EvalResult<usize> {
        call.arity(1, 1)?;
        let n = call.arg_integer(0)?.unwrap_or(0);
        Ok(usize::try_from(n).unwrap_or(0))
    };
    match call.name {
        "single" => {
            call.arity(0, 0)?;
            if focus.len() > 1 {
                return Err(EvalError::new(format!(
                    "single() found {} items",
                    focus.len()
                )));
            }
            Ok(focus.to_vec())
        }
        "first" => {
            call.arity(0, 0)?;
            Ok(focus.first().cloned().into_iter().collect())
        }
        "last" => {
            call.arity(0, 0)?;
            Ok(focus.last().cloned().into_iter().collect())
        }
        "tail" => {
            call.arity(0, 0)?;
            Ok(focus.iter().skip(1).cloned().collect())
        }
        "skip" => Ok(focus.iter().skip(count(call)?).cloned().collect()),
        "take" => Ok(focus.iter().take(count(call)?).cloned().collect()),
        "intersect" => {
            call.arity(1, 1)?;
            let other = call.arg(0)?;
            Ok(distinct(
                focus
                    .iter()
                    .filter(|item| collection_contains(&other, item))
                    .cloned(),
            ))
        }
        "exclude" => {
            call.arity(1, 1)?;
            let other = call.arg(0)?;
            Ok(focus
                .iter()
                .filter(|item| !collection_contains(&other, item))
                .cloned()
                .collect())
        }
        "union" => {
            call.arity(1, 1)?;
            Ok(union(focus.to_vec(), call.arg(0)?))
        }
        _ => {
            call.arity(1, 1)?;
            let mut out = focus.to_vec();
            out.extend(call.arg(0)?);
            Ok(out)
        }
    }
}
