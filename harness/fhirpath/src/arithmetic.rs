//! Arithmetic operators on single values: `* / div mod + - &`.

use crate::ast::BinaryOp;
use crate::error::{EvalError, EvalResult};
use crate::quantity::Quantity;
use crate::temporal::CalendarUnit;
use crate::value::Value;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Applies an arithmetic operator; `Ok(None)` means an empty result (division by zero,
/// overflow, incompatible units).
pub(crate) fn apply(op: BinaryOp, left: &Value, right: &Value) -> EvalResult<Option<Value>> {
    use Value::{Date, DateTime, Decimal as Dec, Integer, Quantity as Qty, String as Str, Time};
    let result = match (op, left, right) {
        (BinaryOp::Add, Str(a), Str(b)) => Some(Str(format!("{a}{b}"))),
        (BinaryOp::Add | BinaryOp::Subtract, Date(d), Qty(q)) => {
            return shift_date_time(*d, q, op == BinaryOp::Subtract).map(|r| r.map(Date));
        }
        (BinaryOp::Add | BinaryOp::Subtract, DateTime(d), Qty(q)) => {
            return shift_date_time(*d, q, op == BinaryOp::Subtract).map(|r| r.map(DateTime));
        }
        (BinaryOp::Add | BinaryOp::Subtract, Time(t), Qty(q)) => {
            let unit = calendar_unit(q)?;
            let amount = whole_amount(q, op == BinaryOp::Subtract)?;
            t.add(amount, unit).map(Time)
        }
        (_, Integer(a), Integer(b)) => integer_op(op, *a, *b),
        (_, Integer(_) | Dec(_), Integer(_) | Dec(_)) => {
            decimal_op(op, to_decimal(left), to_decimal(right)).map(Dec)
        }
        (_, Qty(a), Qty(b)) => quantity_op(op, a, b),
        (BinaryOp::Multiply | BinaryOp::Divide, Qty(a), Integer(_) | Dec(_)) => {
            decimal_op(op, a.value, to_decimal(right)).map(|v| Qty(Quantity::new(v, &a.unit)))
        }
        (BinaryOp::Multiply, Integer(_) | Dec(_), Qty(b)) => {
            decimal_op(op, to_decimal(left), b.value).map(|v| Qty(Quantity::new(v, &b.unit)))
        }
        _ => {
            return Err(EvalError::new(format!(
                "operator {op:?} is not defined for {} and {}",
                left.type_name(),
                right.type_name()
            )));
        }
    };
    Ok(result)
}

fn to_decimal(value: &Value) -> Decimal {
    match value {
        Value::Integer(i) => Decimal::from(*i),
        Value::Decimal(d) => *d,
        _ => Decimal::ZERO,
    }
}

fn integer_op(op: BinaryOp, a: i64, b: i64) -> Option<Value> {
    match op {
        BinaryOp::Add => a.checked_add(b).map(Value::Integer),
        BinaryOp::Subtract => a.checked_sub(b).map(Value::Integer),
        BinaryOp::Multiply => a.checked_mul(b).map(Value::Integer),
        BinaryOp::Div => a.checked_div(b).map(Value::Integer),
        BinaryOp::Mod => a.checked_rem(b).map(Value::Integer),
        BinaryOp::Divide => decimal_op(op, Decimal::from(a), Decimal::from(b)).map(Value::Decimal),
        _ => None,
    }
}

fn decimal_op(op: BinaryOp, a: Decimal, b: Decimal) -> Option<Decimal> {
    match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Subtract => a.checked_sub(b),
        BinaryOp::Multiply => a.checked_mul(b),
        BinaryOp::Divide => a.checked_div(b).map(|d| d.normalize()),
        BinaryOp::Div => a.checked_div(b).map(|d| d.trunc()),
        BinaryOp::Mod => a.checked_rem(b),
        _ => None,
    }
}

fn quantity_op(op: BinaryOp, a: &Quantity, b: &Quantity) -> Option<Value> {
    match op {
        BinaryOp::Add | BinaryOp::Subtract => {
            let b = b.convert_to(&a.unit)?;
            decimal_op(op, a.value, b.value).map(|v| Value::Quantity(Quantity::new(v, &a.unit)))
        }
        BinaryOp::Multiply | BinaryOp::Divide => {
            let separator = if op == BinaryOp::Multiply { "." } else { "/" };
            let unit = match (a.unit.as_str(), b.unit.as_str()) {
                (x, "1") => x.to_string(),
                ("1", y) if op == BinaryOp::Multiply => y.to_string(),
                (x, y) if x == y && op == BinaryOp::Divide => "1".to_string(),
                (x, y) => format!("{x}{separator}{y}"),
            };
            decimal_op(op, a.value, b.value).map(|v| Value::Quantity(Quantity::new(v, &unit)))
        }
        _ => None,
    }
}

fn calendar_unit(quantity: &Quantity) -> EvalResult<CalendarUnit> {
    CalendarUnit::from_unit(&quantity.unit).ok_or_else(|| {
        EvalError::new(format!(
            "'{}' is not a time unit usable in date arithmetic",
            quantity.unit
        ))
    })
}

fn whole_amount(quantity: &Quantity, negate: bool) -> EvalResult<i64> {
    let amount = quantity
        .value
        .trunc()
        .to_i64()
        .ok_or_else(|| EvalError::new("date arithmetic amount out of range"))?;
    Ok(if negate { -amount } else { amount })
}

/// Adds (or subtracts) a time quantity to a date/date-time. Units finer than the value's
/// precision are converted to whole units of that precision first.
fn shift_date_time(
    value: crate::temporal::PartialDateTime,
    quantity: &Quantity,
    negate: bool,
) -> EvalResult<Option<crate::temporal::PartialDateTime>> {
    let unit = calendar_unit(quantity)?;
    if unit.precision() > value.precision {
        let seconds_per = |u: CalendarUnit| match u {
            CalendarUnit::Week => Some(604_800),
            CalendarUnit::Day => Some(86_400),
            CalendarUnit::Hour => Some(3_600),
            CalendarUnit::Minute => Some(60),
            CalendarUnit::Second => Some(1),
            _ => None,
        };
        let target = match value.precision {
            crate::temporal::Precision::Year => CalendarUnit::Year,
            crate::temporal::Precision::Month => CalendarUnit::Month,
            crate::temporal::Precision::Day => CalendarUnit::Day,
            crate::temporal::Precision::Hour => CalendarUnit::Hour,
            crate::temporal::Precision::Minute => CalendarUnit::Minute,
            _ => CalendarUnit::Second,
        };
        let seconds = match unit {
            CalendarUnit::Millisecond => quantity.value / Decimal::from(1000),
            other => quantity.value * Decimal::from(seconds_per(other).unwrap_or(1)),
        };
        let Some(per_target) = seconds_per(target) else {
            return Ok(Some(value));
        };
        let converted = Quantity::new(seconds / Decimal::from(per_target), "1");
        let amount = whole_amount(&converted, negate)?;
        return Ok(value.add(amount, target));
    }
    Ok(value.add(whole_amount(quantity, negate)?, unit))
}
