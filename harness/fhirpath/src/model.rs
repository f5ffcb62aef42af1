//! What the engine needs to know about FHIR types, supplied by the caller.

use std::borrow::Cow;
use std::sync::Arc;

/// The FHIR type(s) of one child element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementTypeInfo {
    /// Type codes (`HumanName`, `date`); backbone elements use their defining path
    /// (`Patient.contact`). A choice element lists every allowed type.
    pub types: Vec<Arc<str>>,
    /// Whether the element is a choice (`value[x]`): instances are named `valueQuantity`.
    pub is_choice: bool,
}

/// FHIR type information, typically derived from StructureDefinitions.
pub trait ModelInfo {
    /// The type(s) of the child `name` of a `parent_type` (`("Patient", "birthDate")` →
    /// `date`; `("Observation", "value")` → the choice types). `None` when there is no such
    /// element.
    fn element_type(&self, parent_type: &str, name: &str) -> Option<ElementTypeInfo>;

    /// [`ModelInfo::element_type`], borrowed when the model holds the answer: the evaluator
    /// asks this for every node it navigates to. The default copies `element_type`'s answer.
    fn element_type_ref(&self, parent_type: &str, name: &str) -> Option<Cow<'_, ElementTypeInfo>> {
        self.element_type(parent_type, name).map(Cow::Owned)
    }

    /// Whether `type_name` is `base` or derives from it (`Age` → `Quantity`,
    /// `Patient` → `DomainResource`, `Patient.contact` → `BackboneElement`).
    fn is_subtype(&self, type_name: &str, base: &str) -> bool;

    /// Whether `type_name` is a FHIR primitive type (`string`, `date`, ...).
    fn is_primitive(&self, type_name: &str) -> bool;

    /// The model's own copy of a type name, when it keeps one: a node typed with it (as the
    /// nodes typed through [`ModelInfo::element_type_ref`] are) may be looked up faster than
    /// one typed with a copy made elsewhere. The default keeps none.
    fn shared_type_name(&self, _type_name: &str) -> Option<Arc<str>> {
        None
    }
}

/// `type_name` as the model shares it, or a new copy when the model keeps none.
pub(crate) fn shared_or_new(model: &dyn ModelInfo, type_name: &str) -> Arc<str> {
    model
        .shared_type_name(type_name)
        .unwrap_or_else(|| Arc::from(type_name))
}

/// A model that knows no types: navigation goes by element names only and resources are
/// typed by their `resourceType`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoModel;

impl ModelInfo for NoModel {
    fn element_type(&self, _parent_type: &str, _name: &str) -> Option<ElementTypeInfo> {
        None
    }

    fn is_subtype(&self, type_name: &str, base: &str) -> bool {
        type_name == base
    }

    fn is_primitive(&self, _type_name: &str) -> bool {
        false
    }
}

/// FHIR primitive type codes, used to name the type behind a choice suffix
/// (`valueDateTime` → `dateTime`) when no model is at hand.
pub(crate) const PRIMITIVE_TYPES: [&str; 20] = [
    "base64Binary",
    "boolean",
    "canonical",
    "code",
    "date",
    "dateTime",
    "decimal",
    "id",
    "instant",
    "integer",
    "integer64",
    "markdown",
    "oid",
    "positiveInt",
    "string",
    "time",
    "unsignedInt",
    "uri",
    "url",
    "uuid",
];

/// The type named by a choice suffix (`Quantity` → `Quantity`, `DateTime` → `dateTime`).
pub(crate) fn type_from_choice_suffix(suffix: &str) -> Arc<str> {
    PRIMITIVE_TYPES
        .iter()
        .find(|p| capitalizes_to(p, suffix))
        .map_or_else(|| Arc::from(suffix), |p| Arc::from(*p))
}

/// Whether `candidate` is `name` with its first letter in upper case (`dateTime` →
/// `DateTime`), compared without building the capitalized name.
pub(crate) fn capitalizes_to(name: &str, candidate: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return candidate.is_empty();
    };
    let mut rest = candidate;
    for upper in first.to_uppercase() {
        match rest.strip_prefix(upper) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest == chars.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalizes_to_compares_with_the_first_letter_in_upper_case() {
        for (name, candidate, expected) in [
            ("dateTime", "DateTime", true),
            ("dateTime", "Datetime", false),
            ("string", "String", true),
            ("Quantity", "Quantity", true),
            ("", "", true),
            ("a", "", false),
            ("ß", "SS", true),
            ("code", "Codeable", false),
            ("code", "Cod", false),
        ] {
            assert_eq!(
                capitalizes_to(name, candidate),
                expected,
                "{name} / {candidate}"
            );
        }
    }
}
