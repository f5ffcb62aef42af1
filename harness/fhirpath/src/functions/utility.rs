//! `not`, `trace`, the clock functions and the type functions `is`, `as`, `type`.

use super::{Call, maybe, one};
use crate::error::{EvalError, EvalResult};
use crate::eval::{single, to_boolean};
use crate::temporal::{PartialTime, Precision, parse_date_time};
use crate::value::{Collection, Item, Value};
use chrono::{Datelike, Timelike};

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    match call.name {
        "not" => {
            call.arity(0, 0)?;
            maybe(to_boolean(call.focus)?.map(|b| Value::Boolean(!b)))
        }
        "trace" => {
            call.arity(1, 2)?;
            let label = call.arg_string(0)?.unwrap_or_default();
            if let Some(tracer) = &call.ev.ctx.tracer {
                if call.args.len() == 2 {
                    let mut projected = Vec::new();
                    for (i, item) in call.focus.iter().enumerate() {
                        projected.extend(call.arg_for(1, item, i, None)?);
                    }
                    tracer(&label, &projected);
                } else {
                    tracer(&label, call.focus);
                }
            }
            Ok(call.focus.to_vec())
        }
        "now" | "today" | "timeOfDay" => {
            call.arity(0, 0)?;
            let now = call.ev.ctx.now();
            match call.name {
                "now" => {
                    let text = now.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string();
                    maybe(parse_date_time(&text).map(Value::DateTime))
                }
                "today" => {
                    let text = format!("{:04}-{:02}-{:02}", now.year(), now.month(), now.day());
                    maybe(parse_date_time(&text).map(Value::Date))
                }
                _ => one(Value::Time(PartialTime {
                    hour: now.hour(),
                    minute: now.minute(),
                    second: now.second(),
                    millisecond: now.nanosecond() / 1_000_000 % 1000,
                    precision: Precision::Millisecond,
                })),
            }
        }
        "is" => {
            let type_name = call.type_argument()?;
            match single(call.focus)? {
                None => Ok(Vec::new()),
                Some(item) => one(Value::Boolean(call.ev.is_type(item, &type_name))),
            }
        }
        "as" => {
            let type_name = call.type_argument()?;
            if call.focus.len() > 1 && !call.ev.ctx.as_filters {
                return Err(EvalError::new("as() needs a single item"));
            }
            Ok(call
                .focus
                .iter()
                .filter(|item| call.ev.casts_to(item, &type_name))
                .cloned()
                .collect())
        }
        _ => {
            call.arity(0, 0)?;
            Ok(call.focus.iter().map(type_of).map(Item::Value).collect())
        }
    }
}

/// `type()`: System types for values, FHIR types for nodes.
fn type_of(item: &Item) -> Value {
    match item {
        Item::Value(value) => Value::TypeInfo {
            namespace: "System".into(),
            name: value.type_name().into(),
        },
        Item::Node(node) => Value::TypeInfo {
            namespace: "FHIR".into(),
            name: node
                .type_name
                .as_deref()
                .map_or("Element", |t| {
                    if t.contains('.') {
                        "BackboneElement"
                    } else {
                        t
                    }
                })
                .into(),
        },
    }
}
