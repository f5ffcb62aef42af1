//! `minValue[x]` / `maxValue[x]`: an instance date, time, number or Quantity must lie within
//! the bounds its element definition sets (both inclusive). Dates and times compare as far
//! as both precisions go; quantities with UCUM codes are converted to common units first.

use std::cmp::Ordering;
use std::str::FromStr;

use assure_fhirpath::{
    PartialDateTime, PartialTime, Quantity, UnitMismatch, parse_date_time, parse_time,
};
use assure_model::Element;
use rust_decimal::Decimal;
use serde_json::Value;

use super::issue::Severity;
use super::profile::{ElementDef, ValueBound};
use super::report::Report;

/// The UCUM code system.
const UCUM: &str = "http://unitsofmeasure.org";

/// Checks `node` (of type `type_code`) against the `minValue[x]` and `maxValue[x]` of `def`.
pub fn check(
    report: &mut Report,
    node: &Element,
    def: &ElementDef,
    type_code: Option<&str>,
    location: &str,
) {
    let Some(type_code) = type_code else {
        return;
    };
    let bounds = [(Side::Min, &def.min_value), (Side::Max, &def.max_value)];
    for (side, bound) in bounds {
        if let Some((severity, message)) = bound
            .as_ref()
            .and_then(|bound| judge(node, type_code, bound, side))
        {
            report.add(severity, node, location, &def.id, message);
        }
    }
}

/// Which end of the range a bound limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Min,
    Max,
}

impl Side {
    fn element_name(self) -> &'static str {
        match self {
            Side::Min => "minValue",
            Side::Max => "maxValue",
        }
    }

    /// How the instance value compares with the bound when it breaks it.
    fn breaking(self) -> Ordering {
        match self {
            Side::Min => Ordering::Less,
            Side::Max => Ordering::Greater,
        }
    }

    fn relation(self) -> &'static str {
        match self {
            Side::Min => "less than",
            Side::Max => "greater than",
        }
    }
}

/// The kinds of value a bound can apply to (R4: date, dateTime, instant, time, decimal,
/// integer and its restrictions, Quantity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    DateTime,
    Time,
    Number,
    Quantity,
}

fn kind_of(type_code: &str) -> Option<Kind> {
    Some(match type_code {
        "date" | "dateTime" | "instant" => Kind::DateTime,
        "time" => Kind::Time,
        "decimal" | "integer" | "positiveInt" | "unsignedInt" => Kind::Number,
        "Quantity" | "Age" | "Count" | "Distance" | "Duration" | "SimpleQuantity"
        | "MoneyQuantity" => Kind::Quantity,
        _ => return None,
    })
}

/// The issue, if any, for `node` against one bound. A value of another kind than the bound
/// (a `valueString` where the bound is a Quantity) is not constrained by it; a value that
/// does not parse is reported by the primitive format check instead.
fn judge(
    node: &Element,
    type_code: &str,
    bound: &ValueBound,
    side: Side,
) -> Option<(Severity, String)> {
    let Some(kind) = kind_of(&bound.type_code) else {
        return Some((
            Severity::Warning,
            format!(
                "The specified {} has type {}, which cannot bound a value",
                side.element_name(),
                bound.type_code
            ),
        ));
    };
    if kind_of(type_code) != Some(kind) {
        return None;
    }
    if kind == Kind::Quantity {
        return judge_quantity(node, &bound.value, side);
    }
    let value = node.text()?;
    let shown_limit = scalar_text(&bound.value).unwrap_or_else(|| bound.value.to_string());
    let limit = shown_limit.as_str();
    let comparison = match kind {
        Kind::DateTime => compare(
            parse_date_time(value),
            parse_date_time(limit),
            PartialDateTime::compare,
        ),
        Kind::Time => compare(parse_time(value), parse_time(limit), PartialTime::compare),
        _ => compare(decimal(value), decimal(limit), |v, b| Some(v.cmp(b))),
    }?;
    match comparison {
        Comparison::BadBound => Some(unusable_bound(side, limit, &bound.type_code)),
        Comparison::Ordered(found) if found == side.breaking() => {
            Some((Severity::Error, outside(side, value, limit, "")))
        }
        Comparison::Ordered(_) => None,
        Comparison::Undecided => Some((
            Severity::Warning,
            format!(
                "Could not decide whether the value in the instance ({value}) is {} the \
                 specified {} ({shown_limit}): they differ in precision or in having a time zone",
                side.relation(),
                side.element_name()
            ),
        )),
    }
}

/// How an instance value relates to a bound.
enum Comparison {
    Ordered(Ordering),
    /// Equal as far as the coarser precision goes (or only one has a time zone).
    Undecided,
    /// The bound is not a valid value of its type.
    BadBound,
}

/// Compares parsed values; `None` when the instance value did not parse.
fn compare<T>(
    value: Option<T>,
    limit: Option<T>,
    order: impl Fn(&T, &T) -> Option<Ordering>,
) -> Option<Comparison> {
    let value = value?;
    Some(match limit {
        None => Comparison::BadBound,
        Some(limit) => order(&value, &limit).map_or(Comparison::Undecided, Comparison::Ordered),
    })
}

/// Quantities: same system and code compare by value; UCUM codes after conversion; anything
/// else cannot be compared. With a comparator (`<`, `>=`, ...) the instance only breaks the
/// bound when every value it allows does.
fn judge_quantity(node: &Element, bound: &Value, side: Side) -> Option<(Severity, String)> {
    let value = decimal(node.child("value")?.text()?)?;
    let field = |name: &str| node.child(name).and_then(Element::text);
    let (system, code, comparator) = (field("system"), field("code"), field("comparator"));
    let shown_value = show_quantity(
        &format!("{}{}", comparator.unwrap_or_default(), value),
        code.or(field("unit")),
    );
    let Some(limit) = scalar_text(&bound["value"]).as_deref().and_then(decimal) else {
        return Some(unusable_bound(side, &bound.to_string(), "Quantity"));
    };
    let (limit_system, limit_code) = (bound["system"].as_str(), bound["code"].as_str());
    let shown_limit = show_quantity(&limit.to_string(), limit_code.or(bound["unit"].as_str()));
    let (ordering, note) = if (system, code) == (limit_system, limit_code) {
        (value.cmp(&limit), "")
    } else if let (Some(UCUM), Some(UCUM), Some(code), Some(limit_code)) =
        (system, limit_system, code, limit_code)
    {
        let compared = Quantity::new(value, code).compare_ucum(&Quantity::new(limit, limit_code));
        match compared {
            Ok(ordering) => (ordering, " after UCUM conversion"),
            Err(UnitMismatch::DifferentDimensions) => {
                return Some((
                    Severity::Error,
                    format!(
                        "The value in the instance ({shown_value}) cannot be compared with the \
                         specified {} ({shown_limit}): the UCUM units measure different things",
                        side.element_name()
                    ),
                ));
            }
            Err(UnitMismatch::UnknownUnit(unit)) => {
                return Some(not_compared(
                    side,
                    &shown_value,
                    &shown_limit,
                    &format!("the UCUM unit '{unit}' is not supported for conversion"),
                ));
            }
        }
    } else {
        return Some(not_compared(
            side,
            &shown_value,
            &shown_limit,
            "both need a UCUM code (system http://unitsofmeasure.org) to be converted",
        ));
    };
    let strict = match side {
        Side::Min => "<",
        Side::Max => ">",
    };
    let breaks = match comparator {
        None | Some("ad") => ordering == side.breaking(),
        Some(c) if c.starts_with(strict) => {
            ordering == side.breaking() || (ordering == Ordering::Equal && c == strict)
        }
        Some(_) => false,
    };
    breaks.then(|| {
        (
            Severity::Error,
            outside(side, &shown_value, &shown_limit, note),
        )
    })
}

fn outside(side: Side, value: &str, limit: &str, note: &str) -> String {
    format!(
        "The value in the instance ({value}) is {} the specified {} ({limit}){note}",
        side.relation(),
        side.element_name()
    )
}

fn not_compared(side: Side, value: &str, limit: &str, why: &str) -> (Severity, String) {
    (
        Severity::Warning,
        format!(
            "The value in the instance ({value}) could not be compared with the specified {} \
             ({limit}): {why}",
            side.element_name()
        ),
    )
}

fn unusable_bound(side: Side, limit: &str, type_code: &str) -> (Severity, String) {
    (
        Severity::Warning,
        format!(
            "The specified {} ({limit}) is not a valid {type_code}, so the value was not \
             checked against it",
            side.element_name()
        ),
    )
}

fn show_quantity(value: &str, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => format!("{value} {unit}"),
        None => value.to_owned(),
    }
}

/// A bound's primitive value as text (JSON numbers and strings alike).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A FHIR decimal or integer (exponent notation allowed).
fn decimal(text: &str) -> Option<Decimal> {
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str(text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use assure_model::{Pos, Primitive};
    use serde_json::json;

    fn primitive(value: &str) -> Element {
        let mut node = Element::new("value", None, Pos::default());
        node.value = Some(Primitive::String(value.into()));
        node
    }

    fn quantity(fields: &[(&str, &str)]) -> Element {
        let mut node = Element::new("valueQuantity", None, Pos::default());
        node.children = fields
            .iter()
            .map(|(name, value)| {
                let mut child = primitive(value);
                child.name = (*name).into();
                child
            })
            .collect();
        node
    }

    fn ucum(value: &str, code: &str) -> Element {
        quantity(&[("value", value), ("system", UCUM), ("code", code)])
    }

    fn bound(type_code: &str, value: Value) -> ValueBound {
        ValueBound {
            type_code: type_code.to_owned(),
            value,
        }
    }

    fn kg(value: i64) -> ValueBound {
        bound(
            "Quantity",
            json!({"value": value, "system": UCUM, "code": "kg"}),
        )
    }

    fn severity_of(result: Option<(Severity, String)>) -> Option<Severity> {
        result.map(|(severity, _)| severity)
    }

    #[test]
    fn quantities_compare_after_ucum_conversion() {
        let (severity, message) = judge(&ucum("-1", "g"), "Quantity", &kg(0), Side::Min).unwrap();
        assert_eq!(severity, Severity::Error);
        assert_eq!(
            message,
            "The value in the instance (-1 g) is less than the specified minValue (0 kg) \
             after UCUM conversion"
        );
        assert_eq!(
            judge(&ucum("500", "g"), "Quantity", &kg(0), Side::Min),
            None
        );
        assert_eq!(
            judge(&ucum("500", "g"), "Quantity", &kg(1), Side::Max),
            None
        );
        let (_, message) = judge(&ucum("1500", "g"), "Quantity", &kg(1), Side::Max).unwrap();
        assert!(message.contains("(1500 g) is greater than the specified maxValue (1 kg)"));
        let litres = bound(
            "Quantity",
            json!({"value": 1.5, "system": UCUM, "code": "L"}),
        );
        assert_eq!(
            severity_of(judge(&ucum("1501", "mL"), "Quantity", &litres, Side::Max)),
            Some(Severity::Error)
        );
        assert_eq!(
            judge(&ucum("1500", "mL"), "Quantity", &litres, Side::Max),
            None
        );
        let hour = bound("Quantity", json!({"value": 1, "system": UCUM, "code": "h"}));
        assert_eq!(
            severity_of(judge(&ucum("59", "min"), "Age", &hour, Side::Min)),
            Some(Severity::Error)
        );
    }

    #[test]
    fn quantities_in_other_dimensions_are_an_error_unknown_units_a_warning() {
        let (severity, message) = judge(&ucum("3", "m"), "Quantity", &kg(0), Side::Min).unwrap();
        assert_eq!(severity, Severity::Error);
        assert!(message.contains("measure different things"), "{message}");
        let (severity, message) =
            judge(&ucum("3", "[foo]"), "Quantity", &kg(0), Side::Min).unwrap();
        assert_eq!(severity, Severity::Warning);
        assert!(message.contains("'[foo]' is not supported"), "{message}");
    }

    #[test]
    fn quantities_without_ucum_codes_are_not_compared() {
        let unit_only = quantity(&[("value", "-1"), ("unit", "grams")]);
        let (severity, message) = judge(&unit_only, "Quantity", &kg(0), Side::Min).unwrap();
        assert_eq!(severity, Severity::Warning);
        assert!(message.contains("could not be compared"), "{message}");
        // The same code in the same system needs no conversion.
        let local =
            |value: &str| quantity(&[("value", value), ("system", "http://x"), ("code", "box")]);
        let boxes = bound(
            "Quantity",
            json!({"value": 2, "system": "http://x", "code": "box"}),
        );
        assert_eq!(
            severity_of(judge(&local("1"), "Quantity", &boxes, Side::Min)),
            Some(Severity::Error)
        );
        assert_eq!(judge(&local("2"), "Quantity", &boxes, Side::Min), None);
    }

    #[test]
    fn comparators_break_a_bound_only_when_every_allowed_value_does() {
        let with = |comparator: &str, value: &str| {
            quantity(&[
                ("value", value),
                ("comparator", comparator),
                ("system", UCUM),
                ("code", "g"),
            ])
        };
        let judged = |node: &Element| severity_of(judge(node, "Quantity", &kg(0), Side::Min));
        assert_eq!(judged(&with("<", "0")), Some(Severity::Error));
        assert_eq!(judged(&with("<=", "0")), None);
        assert_eq!(judged(&with("<=", "-1")), Some(Severity::Error));
        assert_eq!(judged(&with(">", "-1")), None);
        assert_eq!(judged(&with("<", "5")), None);
    }

    #[test]
    fn numbers_compare_by_value() {
        let minimum = bound("integer", json!(1));
        let (severity, message) = judge(&primitive("0"), "integer", &minimum, Side::Min).unwrap();
        assert_eq!(severity, Severity::Error);
        assert_eq!(
            message,
            "The value in the instance (0) is less than the specified minValue (1)"
        );
        assert_eq!(judge(&primitive("1"), "integer", &minimum, Side::Min), None);
        let maximum = bound("decimal", json!(2.5));
        assert_eq!(
            severity_of(judge(&primitive("2.51"), "decimal", &maximum, Side::Max)),
            Some(Severity::Error)
        );
        assert_eq!(
            judge(&primitive("2.50"), "decimal", &maximum, Side::Max),
            None
        );
        assert_eq!(
            severity_of(judge(&primitive("3e0"), "decimal", &maximum, Side::Max)),
            Some(Severity::Error)
        );
        // Malformed values are the format check's business.
        assert_eq!(judge(&primitive("x"), "integer", &minimum, Side::Min), None);
    }

    #[test]
    fn dates_compare_with_precision_awareness() {
        let minimum = bound("date", json!("2020-03-01"));
        assert_eq!(
            severity_of(judge(&primitive("2020-02-29"), "date", &minimum, Side::Min)),
            Some(Severity::Error)
        );
        assert_eq!(
            severity_of(judge(&primitive("2019"), "date", &minimum, Side::Min)),
            Some(Severity::Error)
        );
        assert_eq!(
            judge(&primitive("2020-03-01"), "date", &minimum, Side::Min),
            None
        );
        assert_eq!(
            judge(
                &primitive("2021-01-01T00:00:00Z"),
                "dateTime",
                &minimum,
                Side::Min
            ),
            None
        );
        let (severity, message) = judge(&primitive("2020"), "date", &minimum, Side::Min).unwrap();
        assert_eq!(severity, Severity::Warning);
        assert!(message.starts_with("Could not decide"), "{message}");
        let maximum = bound("dateTime", json!("2020-03-01T10:00:00+01:00"));
        assert_eq!(
            severity_of(judge(
                &primitive("2020-03-01T09:30:00Z"),
                "instant",
                &maximum,
                Side::Max
            )),
            Some(Severity::Error)
        );
    }

    #[test]
    fn times_compare_by_clock() {
        let maximum = bound("time", json!("17:00:00"));
        assert_eq!(
            severity_of(judge(&primitive("17:00:01"), "time", &maximum, Side::Max)),
            Some(Severity::Error)
        );
        assert_eq!(
            judge(&primitive("16:59:59"), "time", &maximum, Side::Max),
            None
        );
    }

    #[test]
    fn values_of_another_kind_are_not_bounded() {
        assert_eq!(judge(&primitive("-5"), "string", &kg(0), Side::Min), None);
        let date = bound("date", json!("2020-01-01"));
        assert_eq!(judge(&primitive("2019"), "integer", &date, Side::Min), None);
    }

    #[test]
    fn unusable_bounds_are_warnings() {
        let broken = bound("date", json!("yesterday"));
        let (severity, message) =
            judge(&primitive("2020-01-01"), "date", &broken, Side::Min).unwrap();
        assert_eq!(severity, Severity::Warning);
        assert!(
            message.contains("(yesterday) is not a valid date"),
            "{message}"
        );
        let no_value = bound("Quantity", json!({"code": "kg"}));
        assert_eq!(
            severity_of(judge(&ucum("1", "g"), "Quantity", &no_value, Side::Min)),
            Some(Severity::Warning)
        );
        let wrong_type = bound("string", json!("a"));
        assert_eq!(
            severity_of(judge(&primitive("b"), "string", &wrong_type, Side::Min)),
            Some(Severity::Warning)
        );
    }
}
