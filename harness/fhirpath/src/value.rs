//! Evaluation results: items that are either tree nodes or plain values.

use crate::quantity::Quantity;
use crate::temporal::{PartialDateTime, PartialTime, parse_date_time, parse_time};
use assure_model::{Element, Primitive};
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// A FHIRPath system value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Boolean(bool),
    Integer(i64),
    Decimal(Decimal),
    String(String),
    Date(PartialDateTime),
    DateTime(PartialDateTime),
    Time(PartialTime),
    Quantity(Quantity),
    /// The result of `type()`: a namespace (`System`, `FHIR`) and a type name.
    TypeInfo {
        namespace: String,
        name: String,
    },
}

impl Value {
    /// The System type name (`Integer`, `DateTime`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Boolean(_) => "Boolean",
            Value::Integer(_) => "Integer",
            Value::Decimal(_) => "Decimal",
            Value::String(_) => "String",
            Value::Date(_) => "Date",
            Value::DateTime(_) => "DateTime",
            Value::Time(_) => "Time",
            Value::Quantity(_) => "Quantity",
            Value::TypeInfo { .. } => "TypeInfo",
        }
    }

    /// The arithmetic negation of a number or quantity.
    pub(crate) fn negated(&self) -> Option<Value> {
        match self {
            Value::Integer(i) => i.checked_neg().map(Value::Integer),
            Value::Decimal(d) => Some(Value::Decimal(-*d)),
            Value::Quantity(q) => Some(Value::Quantity(Quantity::new(-q.value, &q.unit))),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// The `toString()` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::String(s) => f.write_str(s),
            Value::Date(d) | Value::DateTime(d) => write!(f, "{d}"),
            Value::Time(t) => write!(f, "{t}"),
            Value::Quantity(q) => write!(f, "{q}"),
            Value::TypeInfo { namespace, name } => write!(f, "{namespace}.{name}"),
        }
    }
}

/// A reference to an element of a resource tree with its FHIR type, when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub element: &'a Element,
    /// FHIR type code (`date`, `HumanName`, `Patient`) or, for backbone elements, the
    /// defining element path (`Patient.contact`).
    pub type_name: Option<Arc<str>>,
}

impl<'a> Node<'a> {
    /// A node typed from its resource type (for resources) or untyped.
    pub fn new(element: &'a Element) -> Node<'a> {
        Node {
            element,
            type_name: element.resource_type.as_deref().map(Arc::from),
        }
    }

    /// The node's primitive value converted to a system value per its FHIR type;
    /// quantity-typed nodes become a [`Quantity`].
    pub fn to_value(&self) -> Option<Value> {
        let type_name = self.type_name.as_deref().unwrap_or("");
        if is_quantity_type(type_name) {
            return quantity_of(self.element).map(Value::Quantity);
        }
        let primitive = self.element.value.as_ref()?;
        let text = self.element.text()?;
        Some(match type_name {
            "boolean" => Value::Boolean(text == "true"),
            "integer" | "positiveInt" | "unsignedInt" | "integer64" => {
                Value::Integer(text.parse().ok()?)
            }
            "decimal" => Value::Decimal(parse_decimal(text)?),
            "date" => Value::Date(parse_date_time(text)?),
            "dateTime" | "instant" => Value::DateTime(parse_date_time(text)?),
            "time" => Value::Time(parse_time(text)?),
            "" => match primitive {
                Primitive::Bool(b) => Value::Boolean(*b),
                Primitive::Number(n) if n.contains(['.', 'e', 'E']) => {
                    Value::Decimal(parse_decimal(n)?)
                }
                Primitive::Number(n) => Value::Integer(n.parse().ok()?),
                Primitive::String(s) | Primitive::Xhtml(s) => Value::String(s.to_string()),
            },
            _ => Value::String(text.to_string()),
        })
    }
}

impl<'a> Node<'a> {
    /// The text [`Node::to_value`] gives as a String, borrowed; `None` when the node's
    /// value is not a String.
    pub(crate) fn string_text(&self) -> Option<&'a str> {
        let element = self.element;
        match self.type_name.as_deref().unwrap_or("") {
            "" => match element.value.as_ref()? {
                Primitive::String(s) | Primitive::Xhtml(s) => Some(s),
                Primitive::Bool(_) | Primitive::Number(_) => None,
            },
            "boolean" | "integer" | "positiveInt" | "unsignedInt" | "integer64" | "decimal"
            | "date" | "dateTime" | "instant" | "time" => None,
            type_name if is_quantity_type(type_name) => None,
            _ => element.value.as_ref().and(element.text()),
        }
    }
}

/// Parses a decimal in plain or scientific notation.
pub(crate) fn parse_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

/// FHIR types whose instances behave as a FHIRPath Quantity.
pub(crate) fn is_quantity_type(type_name: &str) -> bool {
    matches!(
        type_name,
        "Quantity" | "Age" | "Duration" | "Distance" | "Count" | "SimpleQuantity" | "MoneyQuantity"
    )
}

/// Builds a Quantity from a FHIR Quantity element: its `value` and its UCUM `code`
/// (falling back to `unit`, then to `'1'`).
fn quantity_of(element: &Element) -> Option<Quantity> {
    let value = parse_decimal(element.child("value")?.text()?)?;
    let unit = element
        .child("code")
        .and_then(Element::text)
        .or_else(|| element.child("unit").and_then(Element::text))
        .unwrap_or("1");
    Some(Quantity::new(value, unit))
}

/// One member of a collection.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'a> {
    Node(Node<'a>),
    Value(Value),
}

impl<'a> Item<'a> {
    /// The item as a system value (nodes convert through their FHIR type).
    pub fn to_value(&self) -> Option<Value> {
        match self {
            Item::Node(node) => node.to_value(),
            Item::Value(value) => Some(value.clone()),
        }
    }

    /// The node, when this item is one.
    pub fn as_node(&self) -> Option<&Node<'a>> {
        match self {
            Item::Node(node) => Some(node),
            Item::Value(_) => None,
        }
    }
}

/// An ordered FHIRPath collection.
pub type Collection<'a> = Vec<Item<'a>>;
