//! A value the parameter's expression found in the resource, with what the judge needs of it.

use assure_fhirpath::{Item, Value};
use assure_model::Element;

/// One item of the expression's result.
#[derive(Debug, Clone)]
pub(crate) struct Found<'a> {
    pub(crate) item: Item<'a>,
    /// Why a match on this value would not be certain (a reference whose type cannot be told
    /// from the reference itself, under a `resolve() is T` filter).
    pub(crate) doubt: Option<String>,
}

impl<'a> Found<'a> {
    /// The FHIR type code (`HumanName`, `date`); system values are named by the FHIR primitive
    /// they come from (`boolean`, `string`, `dateTime`).
    pub(crate) fn type_name(&self) -> Option<&str> {
        match &self.item {
            Item::Node(node) => node.type_name.as_deref(),
            Item::Value(value) => Some(match value {
                Value::Boolean(_) => "boolean",
                Value::Integer(_) => "integer",
                Value::Decimal(_) => "decimal",
                Value::String(_) => "string",
                Value::Date(_) => "date",
                Value::DateTime(_) => "dateTime",
                Value::Time(_) => "time",
                Value::Quantity(_) => "Quantity",
                Value::TypeInfo { .. } => return None,
            }),
        }
    }

    /// The element, when the item is one.
    pub(crate) fn element(&self) -> Option<&'a Element> {
        self.item.as_node().map(|node| node.element)
    }

    /// The primitive value as text (a system value in its string form).
    pub(crate) fn text(&self) -> Option<String> {
        match &self.item {
            Item::Node(node) => node.element.text().map(str::to_owned),
            Item::Value(value) => Some(value.to_string()),
        }
    }

    /// How the value is named in reasons: the element name and its type
    /// (`birthDate (date)`), or the system type of a computed value.
    pub(crate) fn label(&self) -> String {
        match (&self.item, self.type_name()) {
            (Item::Node(node), Some(t)) => format!("{} ({t})", node.element.name),
            (Item::Node(node), None) => node.element.name.to_string(),
            (Item::Value(_), t) => format!("computed {}", t.unwrap_or("value")),
        }
    }
}

/// The text of the child `name` of `element`.
pub(crate) fn child_text<'e>(element: &'e Element, name: &str) -> Option<&'e str> {
    element.child(name).and_then(Element::text)
}

/// The texts of every child `name` of `element`.
pub(crate) fn child_texts<'e>(
    element: &'e Element,
    name: &'e str,
) -> impl Iterator<Item = &'e str> {
    element.children_named(name).filter_map(Element::text)
}
