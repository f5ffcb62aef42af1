//! Equality (`=`), equivalence (`~`) and ordering (`<`, `>`) of items.

use crate::error::{EvalError, EvalResult};
use crate::value::{Item, Value};
use assure_model::Element;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// `=` on two single items: `None` when the answer is unknown (different date precision,
/// incomparable units).
pub(crate) fn items_equal(left: &Item, right: &Item) -> Option<bool> {
    match (left.to_value(), right.to_value()) {
        (Some(a), Some(b)) => values_equal(&a, &b),
        (None, None) => match (left, right) {
            (Item::Node(a), Item::Node(b)) => Some(elements_equal(a.element, b.element)),
            _ => Some(false),
        },
        _ => Some(false),
    }
}

/// `=` on a single item and a value, as [`items_equal`] with the value as an item; a
/// string node is compared with a String without copying its text.
pub(crate) fn item_equals_value(item: &Item, value: &Value) -> Option<bool> {
    if let (Item::Node(node), Value::String(text)) = (item, value)
        && let Some(node_text) = node.string_text()
    {
        return Some(node_text == text);
    }
    match item.to_value() {
        Some(item_value) => values_equal(&item_value, value),
        None => Some(false),
    }
}

/// `~` on two single items.
pub(crate) fn items_equivalent(left: &Item, right: &Item) -> bool {
    match (left.to_value(), right.to_value()) {
        (Some(a), Some(b)) => values_equivalent(&a, &b),
        (None, None) => match (left, right) {
            (Item::Node(a), Item::Node(b)) => elements_equal(a.element, b.element),
            _ => false,
        },
        _ => false,
    }
}

/// Structural equality of two elements: same children with equal values, ignoring
/// source positions.
pub(crate) fn elements_equal(a: &Element, b: &Element) -> bool {
    a.value == b.value
        && a.resource_type == b.resource_type
        && a.children.len() == b.children.len()
        && a.children
            .iter()
            .zip(&b.children)
            .all(|(x, y)| x.name == y.name && elements_equal(x, y))
}

fn as_decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Integer(i) => Some(Decimal::from(*i)),
        Value::Decimal(d) => Some(*d),
        _ => None,
    }
}

pub(crate) fn values_equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => Some(x == y),
        (Value::Integer(_) | Value::Decimal(_), Value::Integer(_) | Value::Decimal(_)) => {
            Some(as_decimal(a)? == as_decimal(b)?)
        }
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::Boolean(x), Value::Boolean(y)) => Some(x == y),
        (Value::Date(x) | Value::DateTime(x), Value::Date(y) | Value::DateTime(y)) => {
            x.compare(y).map(Ordering::is_eq)
        }
        (Value::Time(x), Value::Time(y)) => x.compare(y).map(Ordering::is_eq),
        (Value::Quantity(x), Value::Quantity(y)) => x.compare(y, false).map(Ordering::is_eq),
        (Value::TypeInfo { .. }, Value::TypeInfo { .. }) => Some(a == b),
        _ => Some(false),
    }
}

/// Lower-cased text with runs of whitespace collapsed to one space, trimmed.
fn normalized(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(crate) fn values_equivalent(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(_) | Value::Decimal(_), Value::Integer(_) | Value::Decimal(_)) => {
            let (Some(x), Some(y)) = (as_decimal(a), as_decimal(b)) else {
                return false;
            };
            let scale = x.normalize().scale().min(y.normalize().scale());
            x.round_dp(scale) == y.round_dp(scale)
        }
        (Value::String(x), Value::String(y)) => normalized(x) == normalized(y),
        (Value::Date(x) | Value::DateTime(x), Value::Date(y) | Value::DateTime(y)) => {
            x.compare(y) == Some(Ordering::Equal)
        }
        (Value::Time(x), Value::Time(y)) => x.compare(y) == Some(Ordering::Equal),
        (Value::Quantity(x), Value::Quantity(y)) => match x.compare(y, true) {
            Some(Ordering::Equal) => true,
            None => false,
            Some(_) => y.convert_to(&x.unit).is_some_and(|y| {
                values_equivalent(&Value::Decimal(x.value), &Value::Decimal(y.value))
            }),
        },
        _ => values_equal(a, b) == Some(true),
    }
}

/// Orders two single items for `<`, `>`, `<=`, `>=`; `Ok(None)` when unknown (precision),
/// an error when the types cannot be compared.
pub(crate) fn order_items(left: &Item, right: &Item) -> EvalResult<Option<Ordering>> {
    let (Some(a), Some(b)) = (left.to_value(), right.to_value()) else {
        return Err(EvalError::new("only primitive values can be ordered"));
    };
    match (&a, &b) {
        (Value::Integer(x), Value::Integer(y)) => Ok(Some(x.cmp(y))),
        (Value::Integer(_) | Value::Decimal(_), Value::Integer(_) | Value::Decimal(_)) => {
            Ok(as_decimal(&a).zip(as_decimal(&b)).map(|(x, y)| x.cmp(&y)))
        }
        (Value::String(x), Value::String(y)) => Ok(Some(x.cmp(y))),
        (Value::Date(x) | Value::DateTime(x), Value::Date(y) | Value::DateTime(y)) => {
            Ok(x.compare(y))
        }
        (Value::Time(x), Value::Time(y)) => Ok(x.compare(y)),
        (Value::Quantity(x), Value::Quantity(y)) => match x.compare(y, false) {
            Some(ordering) => Ok(Some(ordering)),
            None => Err(EvalError::new(format!(
                "quantities in '{}' and '{}' cannot be compared",
                x.unit, y.unit
            ))),
        },
        _ => Err(EvalError::new(format!(
            "cannot compare {} with {}",
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// Whether `item` occurs in `collection` by `=` (used by `in`, `contains`, `subsetOf`, ...).
pub(crate) fn collection_contains(collection: &[Item], item: &Item) -> bool {
    collection
        .iter()
        .any(|member| items_equal(member, item) == Some(true))
}
