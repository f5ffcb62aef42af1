//! `iif` and the conversion functions (`toX`, `convertsToX`).

use super::{Call, maybe, one};
use crate::error::{EvalError, EvalResult};
use crate::eval::single;
use crate::quantity::Quantity;
use crate::temporal::{Precision, parse_date_time, parse_time};
use crate::value::{Collection, Value, parse_decimal};
use rust_decimal::Decimal;

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    if call.name == "iif" {
        return iif(call);
    }
    let (converts, target) = match call.name.strip_prefix("convertsTo") {
        Some(target) => (true, target),
        None => (false, &call.name[2..]),
    };
    call.arity(0, if target == "Quantity" { 1 } else { 0 })?;
    let Some(item) = single(call.focus)? else {
        return Ok(Vec::new());
    };
    let Some(value) = item.to_value() else {
        return if converts {
            one(Value::Boolean(false))
        } else {
            Ok(Vec::new())
        };
    };
    let unit = if call.args.is_empty() {
        None
    } else {
        call.arg_string(0)?
    };
    let converted = match target {
        "Boolean" => to_boolean(&value).map(Value::Boolean),
        "Integer" => to_integer(&value).map(Value::Integer),
        "Decimal" => to_decimal(&value).map(Value::Decimal),
        "String" => to_string(&value).map(Value::String),
        "Date" => to_date(&value).map(Value::Date),
        "DateTime" => to_date_time(&value).map(Value::DateTime),
        "Time" => to_time(&value).map(Value::Time),
        _ => to_quantity(&value, unit.as_deref()).map(Value::Quantity),
    };
    if converts {
        one(Value::Boolean(converted.is_some()))
    } else {
        maybe(converted)
    }
}

/// `iif(criterion, then [, otherwise])`: only the chosen branch is evaluated.
/// On an explicit target (`x.iif(...)`) the arguments see the target as `$this`.
fn iif<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    call.arity(2, 3)?;
    let argument = |index: usize| match (call.has_target, call.focus) {
        (false, _) => call.arg(index),
        (true, [item]) => call.arg_for(index, item, 0, None),
        (true, []) => {
            let frame = crate::eval::Frame {
                this: &[],
                index: None,
                total: None,
            };
            call.ev.eval(&call.args[index], &[], &frame)
        }
        (true, _) => Err(EvalError::new("iif() needs a single input item")),
    };
    let criterion = argument(0)?;
    let chosen = match single(&criterion)
        .map_err(|_| EvalError::new("iif() criterion must be a single Boolean"))?
        .map(|item| item.to_value())
    {
        None => false,
        Some(Some(Value::Boolean(b))) => b,
        Some(_) if call.ev.ctx.strict => {
            return Err(EvalError::new("iif() criterion must be a Boolean"));
        }
        Some(_) => true,
    };
    if chosen {
        argument(1)
    } else if call.args.len() == 3 {
        argument(2)
    } else {
        Ok(Vec::new())
    }
}

fn to_boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Boolean(b) => Some(*b),
        Value::Integer(1) => Some(true),
        Value::Integer(0) => Some(false),
        Value::Decimal(d) if *d == Decimal::ONE => Some(true),
        Value::Decimal(d) if d.is_zero() => Some(false),
        Value::String(s) => match s.to_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "1" | "1.0" => Some(true),
            "false" | "f" | "no" | "n" | "0" | "0.0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn is_integer_text(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn to_integer(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(i) => Some(*i),
        Value::Boolean(b) => Some(i64::from(*b)),
        Value::String(s) if is_integer_text(s) => s.parse().ok(),
        _ => None,
    }
}

fn to_decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Integer(i) => Some(Decimal::from(*i)),
        Value::Decimal(d) => Some(*d),
        Value::Boolean(b) => Some(if *b { Decimal::ONE } else { Decimal::ZERO }),
        Value::String(s) => {
            let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
            let valid = is_integer_text(whole)
                && !fraction.is_empty()
                && fraction.bytes().all(|b| b.is_ascii_digit());
            if valid { parse_decimal(s) } else { None }
        }
        _ => None,
    }
}

fn to_string(value: &Value) -> Option<String> {
    match value {
        Value::TypeInfo { .. } => None,
        other => Some(other.to_string()),
    }
}

fn to_date(value: &Value) -> Option<crate::temporal::PartialDateTime> {
    let mut date = match value {
        Value::Date(d) | Value::DateTime(d) => *d,
        Value::String(s) => parse_date_time(s)?,
        _ => return None,
    };
    if date.precision > Precision::Day {
        date.precision = Precision::Day;
        date.hour = 0;
        date.minute = 0;
        date.second = 0;
        date.millisecond = 0;
        date.offset_minutes = None;
    }
    Some(date)
}

fn to_date_time(value: &Value) -> Option<crate::temporal::PartialDateTime> {
    match value {
        Value::Date(d) | Value::DateTime(d) => Some(*d),
        Value::String(s) => parse_date_time(s),
        _ => None,
    }
}

fn to_time(value: &Value) -> Option<crate::temporal::PartialTime> {
    match value {
        Value::Time(t) => Some(*t),
        Value::String(s) => parse_time(s),
        _ => None,
    }
}

/// Converts to a Quantity, then to `unit` when one is given.
fn to_quantity(value: &Value, unit: Option<&str>) -> Option<Quantity> {
    let quantity = match value {
        Value::Integer(i) => Quantity::new(Decimal::from(*i), "1"),
        Value::Decimal(d) => Quantity::new(*d, "1"),
        Value::Boolean(b) => Quantity::new(if *b { Decimal::ONE } else { Decimal::ZERO }, "1"),
        Value::Quantity(q) => q.clone(),
        Value::String(s) => parse_quantity_text(s)?,
        _ => return None,
    };
    match unit {
        Some(unit) => quantity.convert_to(unit),
        None => Some(quantity),
    }
}

/// Parses `5`, `5.5 'mg'` or `3 days`.
fn parse_quantity_text(text: &str) -> Option<Quantity> {
    let text = text.trim();
    let (number, unit) = match text.split_once(' ') {
        Some((n, u)) => (n, u.trim()),
        None => (text, ""),
    };
    let value = to_decimal(&Value::String(number.to_string()))?;
    let unit = if unit.is_empty() {
        "1".to_string()
    } else if let Some(quoted) = unit.strip_prefix('\'').and_then(|u| u.strip_suffix('\'')) {
        quoted.to_string()
    } else if crate::quantity::calendar_keyword(unit).is_some() {
        unit.to_string()
    } else {
        return None;
    };
    Some(Quantity::new(value, &unit))
}
