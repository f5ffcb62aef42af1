//! Precision functions: `precision()`, `lowBoundary(p)`, `highBoundary(p)`, `comparable(q)`.

use super::{Call, maybe, one};
use crate::error::{EvalError, EvalResult};
use crate::quantity::Quantity;
use crate::temporal::{PartialDateTime, PartialTime, Precision};
use crate::value::{Collection, Value};
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

/// Largest number of decimal places a boundary may ask for.
const MAX_DECIMAL_PLACES: i64 = 28;

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    match call.name {
        "precision" => {
            call.arity(0, 0)?;
            maybe(
                call.focus_value()?
                    .and_then(|v| precision_digits(&v))
                    .map(Value::Integer),
            )
        }
        "comparable" => {
            call.arity(1, 1)?;
            match (call.focus_value()?, call.arg_value(0)?) {
                (Some(Value::Quantity(a)), Some(Value::Quantity(b))) => {
                    one(Value::Boolean(a.compare(&b, false).is_some()))
                }
                (None, _) | (_, None) => Ok(Vec::new()),
                _ => Err(EvalError::new("comparable() needs two Quantities")),
            }
        }
        _ => {
            call.arity(0, 1)?;
            let high = call.name == "highBoundary";
            let places = if call.args.is_empty() {
                None
            } else {
                call.arg_integer(0)?
            };
            let Some(value) = call.focus_value()? else {
                return Ok(Vec::new());
            };
            maybe(boundary(&value, places, high))
        }
    }
}

fn date_time_digits(precision: Precision) -> i64 {
    match precision {
        Precision::Year => 4,
        Precision::Month => 6,
        Precision::Day => 8,
        Precision::Hour => 10,
        Precision::Minute => 12,
        Precision::Second => 14,
        Precision::Millisecond => 17,
    }
}

fn time_digits(precision: Precision) -> i64 {
    match precision {
        Precision::Hour => 2,
        Precision::Minute => 4,
        Precision::Second => 6,
        _ => 9,
    }
}

fn precision_digits(value: &Value) -> Option<i64> {
    Some(match value {
        Value::Integer(_) => 0,
        Value::Decimal(d) => i64::from(d.scale()),
        Value::Quantity(q) => i64::from(q.value.scale()),
        Value::Date(d) | Value::DateTime(d) => date_time_digits(d.precision),
        Value::Time(t) => time_digits(t.precision),
        _ => return None,
    })
}

fn boundary(value: &Value, places: Option<i64>, high: bool) -> Option<Value> {
    match value {
        Value::Integer(i) => decimal_boundary(Decimal::from(*i), places, high).map(Value::Decimal),
        Value::Decimal(d) => decimal_boundary(*d, places, high).map(Value::Decimal),
        Value::Quantity(q) => decimal_boundary(q.value, places, high)
            .map(|v| Value::Quantity(Quantity::new(v, &q.unit))),
        Value::Date(d) | Value::DateTime(d) => date_time_boundary(d, places.unwrap_or(17), high),
        Value::Time(t) => time_boundary(t, places.unwrap_or(9), high).map(Value::Time),
        _ => None,
    }
}

/// The value widened by half a unit of its last digit, rounded outwards to `places`.
fn decimal_boundary(value: Decimal, places: Option<i64>, high: bool) -> Option<Decimal> {
    let places = places.unwrap_or(8);
    if !(0..=MAX_DECIMAL_PLACES).contains(&places) {
        return None;
    }
    let half = Decimal::new(5, value.scale().checked_add(1)?);
    let widened = if high {
        value.checked_add(half)?
    } else {
        value.checked_sub(half)?
    };
    let strategy = if high {
        RoundingStrategy::ToPositiveInfinity
    } else {
        RoundingStrategy::ToNegativeInfinity
    };
    let mut rounded = widened.round_dp_with_strategy(places as u32, strategy);
    rounded.rescale(places as u32);
    Some(rounded)
}

fn precision_for_digits(digits: i64) -> Option<Precision> {
    Some(match digits {
        4 => Precision::Year,
        6 => Precision::Month,
        8 => Precision::Day,
        10 => Precision::Hour,
        12 => Precision::Minute,
        14 => Precision::Second,
        17 => Precision::Millisecond,
        _ => return None,
    })
}

/// Fills the components the value does not have with their lowest (or highest) value.
fn date_time_boundary(value: &PartialDateTime, digits: i64, high: bool) -> Option<Value> {
    let target = precision_for_digits(digits)?;
    let mut result = *value;
    let known = value.precision;
    if known < Precision::Month {
        result.month = if high { 12 } else { 1 };
    }
    if known < Precision::Day {
        result.day = if high {
            last_day(result.year, result.month)?
        } else {
            1
        };
    }
    if known < Precision::Hour {
        result.hour = if high { 23 } else { 0 };
    }
    if known < Precision::Minute {
        result.minute = if high { 59 } else { 0 };
    }
    if known < Precision::Second {
        result.second = if high { 59 } else { 0 };
    }
    if known < Precision::Millisecond {
        result.millisecond = if high { 999 } else { 0 };
    }
    result.precision = target;
    if target <= Precision::Day {
        result.offset_minutes = None;
        return Some(Value::Date(result));
    }
    if result.offset_minutes.is_none() {
        result.offset_minutes = Some(if high { -12 * 60 } else { 14 * 60 });
    }
    Some(Value::DateTime(result))
}

fn last_day(year: i32, month: u32) -> Option<u32> {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let first_of_next = NaiveDate::from_ymd_opt(next_year, next_month, 1)?;
    Some(first_of_next.pred_opt()?.day())
}

fn time_boundary(value: &PartialTime, digits: i64, high: bool) -> Option<PartialTime> {
    let target = match digits {
        2 => Precision::Hour,
        4 => Precision::Minute,
        6 => Precision::Second,
        9 => Precision::Millisecond,
        _ => return None,
    };
    let mut result = *value;
    if value.precision < Precision::Minute {
        result.minute = if high { 59 } else { 0 };
    }
    if value.precision < Precision::Second {
        result.second = if high { 59 } else { 0 };
    }
    if value.precision < Precision::Millisecond {
        result.millisecond = if high { 999 } else { 0 };
    }
    result.precision = target;
    Some(result)
}
