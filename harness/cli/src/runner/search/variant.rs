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
}

impl Variant {
    /// The variants generated for a parameter type; none for composite and special ones.
    pub(crate) fn for_type(kind: ParamType) -> &'static [Variant] {
        use Variant::*;
        match kind {
            ParamType::String => &[Plain, Exact, ExactCase, Contains],
            ParamType::Token => &[Plain, System],
            ParamType::Date => &[Plain, Ge, Le, Gt, Lt],
            ParamType::Reference => &[Plain, Id],
            ParamType::Number | ParamType::Quantity | ParamType::Uri => &[Plain],
            ParamType::Composite | ParamType::Special => &[],
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
        })
    }

    /// The modifier sent after the parameter's name.
    pub(crate) fn modifier(self) -> Option<&'static str> {
        match self {
            Variant::Exact | Variant::ExactCase => Some("exact"),
            Variant::Contains => Some("contains"),
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
            Variant::Ge => "date, ge".to_owned(),
            Variant::Le => "date, le".to_owned(),
            Variant::Gt => "date, gt the sample's own value".to_owned(),
            Variant::Lt => "date, lt the sample's own value".to_owned(),
            Variant::Id => "reference, id alone".to_owned(),
        }
    }

    /// The section of R4 search.html the check cites.
    pub(crate) fn section(self, kind: ParamType) -> String {
        match self {
            Variant::Exact | Variant::Contains => "modifiers".to_owned(),
            Variant::Ge | Variant::Le => "prefix".to_owned(),
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
        ];
        let names: Vec<&str> = all.iter().filter_map(|v| v.name()).collect();
        assert_eq!(names, SEARCH_VARIANTS);
    }
}
