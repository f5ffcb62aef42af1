//! Math functions: `abs`, `ceiling`, `exp`, `floor`, `ln`, `log`, `power`, `round`, `sqrt`,
//! `truncate`.

use super::{Call, maybe};
use crate::error::{EvalError, EvalResult};
use crate::quantity::Quantity;
use crate::value::{Collection, Value};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    let arity = if matches!(call.name, "log" | "power") {
        (1, 1)
    } else if call.name == "round" {
        (0, 1)
    } else {
        (0, 0)
    };
    call.arity(arity.0, arity.1)?;
    let Some(value) = call.focus_value()? else {
        return Ok(Vec::new());
    };
    let number = match &value {
        Value::Integer(i) => Decimal::from(*i),
        Value::Decimal(d) => *d,
        Value::Quantity(q) if call.name == "abs" => {
            return maybe(Some(Value::Quantity(Quantity::new(q.value.abs(), &q.unit))));
        }
        other => {
            return Err(EvalError::new(format!(
                "{}() needs a number, not {}",
                call.name,
                other.type_name()
            )));
        }
    };
    let integer_input = matches!(value, Value::Integer(_));
    let result = match call.name {
        "abs" if integer_input => number.abs().to_i64().map(Value::Integer),
        "abs" => Some(Value::Decimal(number.abs())),
        "ceiling" => number.ceil().to_i64().map(Value::Integer),
        "floor" => number.floor().to_i64().map(Value::Integer),
        "truncate" => number.trunc().to_i64().map(Value::Integer),
        "round" => {
            let places = if call.args.is_empty() {
                0
            } else {
                call.arg_integer(0)?.unwrap_or(0)
            };
            let places = u32::try_from(places)
                .map_err(|_| EvalError::new("round() needs a non-negative precision"))?;
            Some(Value::Decimal(number.round_dp_with_strategy(
                places,
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            )))
        }
        "exp" => float_op(number, f64::exp),
        "ln" => float_op(number, f64::ln),
        "sqrt" => float_op(number, f64::sqrt),
        "log" => {
            let Some(base) = call.arg_value(0)?.and_then(|b| numeric(&b)) else {
                return Ok(Vec::new());
            };
            float_op(number, |x| x.ln() / base.ln())
        }
        _ => return power(call, &value, number),
    };
    maybe(result)
}

fn numeric(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Decimal(d) => d.to_f64(),
        _ => None,
    }
}

/// Applies a floating-point function; non-finite results (`sqrt(-1)`) are empty.
fn float_op(number: Decimal, op: impl Fn(f64) -> f64) -> Option<Value> {
    let result = op(number.to_f64()?);
    if !result.is_finite() {
        return None;
    }
    Decimal::from_f64(result).map(|d| Value::Decimal(d.round_dp(8).normalize()))
}

fn power<'a>(
    call: &Call<'_, '_, 'a>,
    value: &Value,
    number: Decimal,
) -> EvalResult<Collection<'a>> {
    let Some(exponent) = call.arg_value(0)? else {
        return Ok(Vec::new());
    };
    if let (Value::Integer(base), Value::Integer(exp)) = (value, &exponent) {
        let result = u32::try_from(*exp)
            .ok()
            .and_then(|e| base.checked_pow(e))
            .map(Value::Integer);
        return maybe(result);
    }
    let Some(exp) = numeric(&exponent) else {
        return Err(EvalError::new("power() needs a numeric exponent"));
    };
    maybe(float_op(number, |x| x.powf(exp)))
}
