//! The variants of a generated search check: how the value taken from the sample is sent.

use assure_search::ParamType;

/// One way of searching by a parameter (R4 search.html, per parameter type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    /// The plain form: a string's start, a token's code, a date's `eq`, a reference's
    /// `Type/id`, a number or quantity's `eq`, a uri as is.
    Plain,
    /// String `:exact`.
    Exact,
    /// String `:exact` with the value's letters in another case: the sample must not match
    /// (`:exact` is case-sensitive), so a server treating `:exact` as the default is caught.
    ExactCase,
    /// String `:contains`, with a part from inside the value.
    Contains,
    /// Token `system|code`.
    System,
    /// Date `ge` the sample's value.
    Ge,
    /// Date `le` the sample's value.
    Le,
    /// Date `gt` the sample's value: the sample itself must not be returned.
    Gt,
    /// Date `lt` the sample's value: the sample itself must not be returned.
    Lt,
    /// Reference by id alone.
    Id,
    /// Token `|code`: a code without a system, for a sample value that has none.
    NoSystem,
    /// Token `system|`: any code of the sample value's system.
    SystemOnly,
    /// Token `:not` the sample's code: the sample itself must not be returned.
    Not,
    /// Token or string: the sample's value OR one no resource has (`value,assure-no-such-…`).
    Or,
    /// Date `ne` the sample's value: the sample itself must not be returned.
    Ne,
    /// Date `ap` the sample's value.
    Ap,
    /// Reference by absolute URL: `<target base>/Type/id`.
    Url,
    /// Reference with the `:Type` modifier and the id alone.
    Type,
    /// Any type: the plain value sent twice, as a repeated parameter (AND): the same matches.
    And,
    /// Any type: `:missing=false`: every match has a value.
    Missing,
    /// Date `sa` a year two before the sample's start: the sample starts after it ends.
    Sa,
    /// Date `eb` a year two after the sample's end: the sample ends before it starts.
    Eb,
    /// Token `:text` with the sample's text or display.
    Text,
    /// Token `:of-type` with an Identifier's type and value (`system|code|value`).
    OfType,
    /// Uri `:below` the sample's uri with its last path segment dropped: the sample is below it.
    Below,
    /// Uri `:above` a uri one segment below the sample's: the sample is above it.
    Above,
    /// Reference chained one level: `:Type.identifier` with an identifier of the resource the
    /// sample refers to (read from the target).
    Chain,
}

impl Variant {
    /// The variants generated for a parameter type; none for special ones.
    pub(crate) fn for_type(kind: ParamType) -> &'static [Variant] {
        use Variant::*;
        match kind {
            ParamType::String => &[Plain, Exact, ExactCase, Contains, Or, And, Missing],
            ParamType::Token => &[
                Plain, System, NoSystem, SystemOnly, Not, Text, OfType, Or, And, Missing,
            ],
            ParamType::Date => &[Plain, Ge, Le, Gt, Lt, Ne, Ap, Sa, Eb, And, Missing],
            ParamType::Reference => &[Plain, Id, Url, Type, Chain, And, Missing],
            ParamType::Number | ParamType::Quantity => &[Plain, Ge, Le, And, Missing],
            ParamType::Uri => &[Plain, Below, Above, And, Missing],
            ParamType::Composite => &[Plain],
            ParamType::Special => &[],
        }
    }

    /// The name in test ids and `levels` keys (`crate::suite::SEARCH_VARIANTS`); none for the
    /// plain variant.
    pub(crate) fn name(self) -> Option<&'static str> {
        Some(match self {
            Variant::Plain => return None,
            Variant::Exact => "exact",
            Variant::ExactCase => "exact-case",
            Variant::Contains => "contains",
            Variant::System => "system",
            Variant::Ge => "ge",
            Variant::Le => "le",
            Variant::Gt => "gt",
            Variant::Lt => "lt",
            Variant::Id => "id",
            Variant::NoSystem => "no-system",
            Variant::SystemOnly => "system-only",
            Variant::Not => "not",
            Variant::Or => "or",
            Variant::Ne => "ne",
            Variant::Ap => "ap",
            Variant::Url => "url",
            Variant::Type => "type",
            Variant::And => "and",
            Variant::Missing => "missing",
            Variant::Sa => "sa",
            Variant::Eb => "eb",
            Variant::Text => "text",
            Variant::OfType => "of-type",
            Variant::Chain => "chain",
            Variant::Below => "below",
            Variant::Above => "above",
        })
    }

    /// The modifier sent after the parameter's name (`:Type` comes with the value instead).
    pub(crate) fn modifier(self) -> Option<&'static str> {
        match self {
            Variant::Exact | Variant::ExactCase => Some("exact"),
            Variant::Contains => Some("contains"),
            Variant::Not => Some("not"),
            Variant::Missing => Some("missing"),
            Variant::Text => Some("text"),
            Variant::OfType => Some("of-type"),
            Variant::Below => Some("below"),
            Variant::Above => Some("above"),
            _ => None,
        }
    }

    /// What the search asks, in titles.
    pub(crate) fn describe(self, kind: ParamType) -> String {
        match self {
            Variant::Plain => match kind {
                ParamType::String => "string, starts with".to_owned(),
                ParamType::Token => "token, code".to_owned(),
                ParamType::Date | ParamType::Number | ParamType::Quantity => format!("{kind}, eq"),
                ParamType::Reference => "reference, Type/id".to_owned(),
                _ => kind.to_string(),
            },
            Variant::Exact => "string, :exact".to_owned(),
            Variant::ExactCase => "string, :exact in another case".to_owned(),
            Variant::Contains => "string, :contains".to_owned(),
            Variant::System => "token, system|code".to_owned(),
            Variant::Ge => format!("{kind}, ge"),
            Variant::Le => format!("{kind}, le"),
            Variant::Gt => "date, gt the sample's own value".to_owned(),
            Variant::Lt => "date, lt the sample's own value".to_owned(),
            Variant::Id => "reference, id alone".to_owned(),
            Variant::NoSystem => "token, |code (no system)".to_owned(),
            Variant::SystemOnly => "token, system| (any code of the system)".to_owned(),
            Variant::Not => "token, :not the sample's code".to_owned(),
            Variant::Or => format!("{kind}, the value OR one no resource has"),
            Variant::Ne => "date, ne the sample's own value".to_owned(),
            Variant::Ap => "date, ap".to_owned(),
            Variant::Url => "reference, absolute URL".to_owned(),
            Variant::Type => "reference, :Type with the id".to_owned(),
            Variant::And => format!("{kind}, the value twice (AND)"),
            Variant::Missing => format!("{kind}, :missing=false"),
            Variant::Sa => "date, sa two years before the value".to_owned(),
            Variant::Eb => "date, eb two years after the value".to_owned(),
            Variant::Text => "token, :text with the text or display".to_owned(),
            Variant::OfType => "token, :of-type with the identifier's type and value".to_owned(),
            Variant::Chain => "reference, chained :Type.identifier".to_owned(),
            Variant::Below => "uri, :below its parent path".to_owned(),
            Variant::Above => "uri, :above a path under it".to_owned(),
        }
    }

    /// The section of R4 search.html the check cites.
    pub(crate) fn section(self, kind: ParamType) -> String {
        match self {
            Variant::Exact
            | Variant::Contains
            | Variant::Not
            | Variant::Missing
            | Variant::Text
            | Variant::OfType
            | Variant::Below
            | Variant::Above => "modifiers".to_owned(),
            Variant::Ge | Variant::Le | Variant::Ne | Variant::Ap | Variant::Sa | Variant::Eb => {
                "prefix".to_owned()
            }
            Variant::Or | Variant::And => "combining".to_owned(),
            Variant::Chain => "chaining".to_owned(),
            _ => kind.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::SEARCH_VARIANTS;

    #[test]
    fn variant_names_are_those_the_loader_accepts() {
        let all = [
            Variant::Exact,
            Variant::ExactCase,
            Variant::Contains,
            Variant::System,
            Variant::Ge,
            Variant::Le,
            Variant::Gt,
            Variant::Lt,
            Variant::Id,
            Variant::NoSystem,
            Variant::SystemOnly,
            Variant::Not,
            Variant::Or,
            Variant::Ne,
            Variant::Ap,
            Variant::Url,
            Variant::Type,
            Variant::And,
            Variant::Missing,
            Variant::Sa,
            Variant::Eb,
            Variant::Text,
            Variant::OfType,
            Variant::Chain,
            Variant::Below,
            Variant::Above,
        ];
        let names: Vec<&str> = all.iter().filter_map(|v| v.name()).collect();
        assert_eq!(names, SEARCH_VARIANTS);
    }
}
