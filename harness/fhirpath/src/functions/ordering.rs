//! `sort()` and `sort(key, -key, ...)`: a stable sort, descending for negated keys; items
//! with an empty key come first either way, keys that cannot be ordered count as equal.

use super::Call;
use crate::ast::Ast;
use crate::compare::order_items;
use crate::error::EvalResult;
use crate::value::{Collection, Item};
use std::cmp::Ordering;

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    let mut keyed: Vec<(Vec<Collection<'a>>, Item<'a>)> = Vec::with_capacity(call.focus.len());
    for (i, item) in call.focus.iter().enumerate() {
        let mut keys = Vec::with_capacity(call.args.len().max(1));
        if call.args.is_empty() {
            keys.push(vec![item.clone()]);
        }
        for (index, arg) in call.args.iter().enumerate() {
            let key = match arg {
                Ast::Negate(inner) => {
                    let this = std::slice::from_ref(item);
                    let frame = crate::eval::Frame {
                        this,
                        index: Some(i),
                        total: None,
                    };
                    call.ev.eval(inner, this, &frame)?
                }
                _ => call.arg_for(index, item, i, None)?,
            };
            keys.push(key);
        }
        keyed.push((keys, item.clone()));
    }
    let descending: Vec<bool> = call
        .args
        .iter()
        .map(|arg| matches!(arg, Ast::Negate(_)))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        for (position, (x, y)) in a.iter().zip(b).enumerate() {
            let ordering = match (x.first(), y.first()) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => return Ordering::Less,
                (Some(_), None) => return Ordering::Greater,
                (Some(x), Some(y)) => order_items(x, y).ok().flatten().unwrap_or(Ordering::Equal),
            };
            if ordering != Ordering::Equal {
                return if descending.get(position) == Some(&true) {
                    ordering.reverse()
                } else {
                    ordering
                };
            }
        }
        Ordering::Equal
    });
    Ok(keyed.into_iter().map(|(_, item)| item).collect())
}
