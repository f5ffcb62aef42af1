//! Quantities: a decimal value with a UCUM unit or a calendar duration keyword.

use crate::temporal::CalendarUnit;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A FHIRPath Quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: Decimal,
    /// A UCUM code (`mg`, `'1'`) or a calendar keyword (`year`, `days`).
    pub unit: String,
}

/// Powers of base units, e.g. `{g: 1, m: -3}` for `g/L`.
type Dimensions = BTreeMap<&'static str, i32>;

/// Why two UCUM quantities could not be ordered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitMismatch {
    /// A unit is outside the supported UCUM subset (the quantities may still be comparable).
    UnknownUnit(String),
    /// Both units are understood but measure different things (`g` and `m`).
    DifferentDimensions,
}

impl Quantity {
    /// A quantity; plural calendar keywords are kept as written.
    pub fn new(value: Decimal, unit: &str) -> Quantity {
        Quantity {
            value,
            unit: unit.to_string(),
        }
    }

    /// Whether the unit is a calendar keyword (`year`, `months`, ...) rather than UCUM.
    pub fn is_calendar(&self) -> bool {
        calendar_keyword(&self.unit).is_some()
    }

    /// The unit with week-and-shorter calendar keywords replaced by their UCUM codes.
    fn comparable_unit(&self, equivalence: bool) -> String {
        match calendar_keyword(&self.unit) {
            Some(CalendarUnit::Year) if equivalence => "a".into(),
            Some(CalendarUnit::Month) if equivalence => "mo".into(),
            Some(CalendarUnit::Year) => "year".into(),
            Some(CalendarUnit::Month) => "month".into(),
            Some(CalendarUnit::Week) => "wk".into(),
            Some(CalendarUnit::Day) => "d".into(),
            Some(CalendarUnit::Hour) => "h".into(),
            Some(CalendarUnit::Minute) => "min".into(),
            Some(CalendarUnit::Second) => "s".into(),
            Some(CalendarUnit::Millisecond) => "ms".into(),
            None => self.unit.clone(),
        }
    }

    /// The value in base units with its dimensions, when the unit is understood.
    fn canonical(&self, equivalence: bool) -> Option<(Decimal, Dimensions)> {
        let (factor, dimensions) = parse_unit(&self.comparable_unit(equivalence))?;
        Some((factor.apply(self.value)?, dimensions))
    }

    /// Orders two quantities after unit conversion; `None` when the units are not comparable.
    /// With `equivalence`, calendar years and months compare with UCUM `a` and `mo`.
    pub fn compare(&self, other: &Quantity, equivalence: bool) -> Option<Ordering> {
        let (left_unit, right_unit) = (
            self.comparable_unit(equivalence),
            other.comparable_unit(equivalence),
        );
        if left_unit == right_unit {
            return Some(self.value.cmp(&other.value));
        }
        let (left, left_dims) = self.canonical(equivalence)?;
        let (right, right_dims) = other.canonical(equivalence)?;
        (left_dims == right_dims).then(|| left.normalize().cmp(&right.normalize()))
    }

    /// Orders two quantities whose units are UCUM codes (calendar keywords are not special),
    /// converting to common base units: `1 kg` is greater than `500 g`.
    pub fn compare_ucum(&self, other: &Quantity) -> Result<Ordering, UnitMismatch> {
        if self.unit == other.unit {
            return Ok(self.value.cmp(&other.value));
        }
        let parsed = |q: &Quantity| {
            parse_unit(&q.unit).ok_or_else(|| UnitMismatch::UnknownUnit(q.unit.clone()))
        };
        let (left, left_dims) = parsed(self)?;
        let (right, right_dims) = parsed(other)?;
        if left_dims != right_dims {
            return Err(UnitMismatch::DifferentDimensions);
        }
        // a·n1/d1 against b·n2/d2 as a·n1·d2 against b·n2·d1: no rounding by division.
        let exact = || {
            let lhs = self
                .value
                .checked_mul(left.numerator)?
                .checked_mul(right.denominator)?;
            let rhs = other
                .value
                .checked_mul(right.numerator)?
                .checked_mul(left.denominator)?;
            Some(lhs.cmp(&rhs))
        };
        let divided = || Some(left.apply(self.value)?.cmp(&right.apply(other.value)?));
        exact()
            .or_else(divided)
            .ok_or_else(|| UnitMismatch::UnknownUnit(self.unit.clone()))
    }

    /// This quantity expressed in `unit`, when the two units are commensurable.
    pub fn convert_to(&self, unit: &str) -> Option<Quantity> {
        let target = Quantity::new(Decimal::ONE, unit);
        if self.comparable_unit(false) == target.comparable_unit(false) {
            return Some(Quantity::new(self.value, unit));
        }
        let (value, dims) = self.canonical(false)?;
        let (factor, target_dims) = target.canonical(false)?;
        (dims == target_dims)
            .then(|| value.checked_div(factor))
            .flatten()
            .map(|v| Quantity::new(v.normalize(), unit))
    }
}

/// The calendar unit named by a calendar keyword (not by a UCUM code).
pub(crate) fn calendar_keyword(unit: &str) -> Option<CalendarUnit> {
    let ucum = matches!(unit, "wk" | "d" | "h" | "min" | "s" | "ms");
    if ucum {
        None
    } else {
        CalendarUnit::from_unit(unit)
    }
}

const PREFIXES: [(&str, &str); 9] = [
    ("da", "10"),
    ("k", "1000"),
    ("h", "100"),
    ("d", "0.1"),
    ("c", "0.01"),
    ("m", "0.001"),
    ("u", "0.000001"),
    ("n", "0.000000001"),
    ("p", "0.000000000001"),
];

/// Units that may carry a metric prefix: symbol, factor to base, base unit, base power.
const METRIC: [(&str, &str, &str, i32); 9] = [
    ("m", "1", "m", 1),
    ("g", "1", "g", 1),
    ("s", "1", "s", 1),
    ("L", "0.001", "m", 3),
    ("l", "0.001", "m", 3),
    ("mol", "1", "mol", 1),
    ("U", "1", "U", 1),
    ("Pa", "1000", "g.m-1.s-2", 1),
    ("eq", "1", "eq", 1),
];

/// Units that never take a prefix.
const PLAIN: [(&str, &str, &str, i32); 16] = [
    ("1", "1", "", 0),
    ("%", "0.01", "", 0),
    ("[ppm]", "0.000001", "", 0),
    ("[ppb]", "0.000000001", "", 0),
    ("min", "60", "s", 1),
    ("h", "3600", "s", 1),
    ("d", "86400", "s", 1),
    ("wk", "604800", "s", 1),
    ("mo", "2629800", "s", 1),
    ("a", "31557600", "s", 1),
    ("[in_i]", "0.0254", "m", 1),
    ("[ft_i]", "0.3048", "m", 1),
    ("[lb_av]", "453.59237", "g", 1),
    ("[oz_av]", "28.349523125", "g", 1),
    ("[iU]", "1", "[iU]", 1),
    ("mm[Hg]", "1", "mm[Hg]", 1),
];

/// A conversion factor to base units kept as a fraction, so that `/min` stays exact.
#[derive(Debug, Clone, Copy)]
struct Factor {
    numerator: Decimal,
    denominator: Decimal,
}

impl Factor {
    const ONE: Factor = Factor {
        numerator: Decimal::ONE,
        denominator: Decimal::ONE,
    };

    fn times(self, other: Factor) -> Option<Factor> {
        Some(Factor {
            numerator: self.numerator.checked_mul(other.numerator)?,
            denominator: self.denominator.checked_mul(other.denominator)?,
        })
    }

    fn inverse(self) -> Factor {
        Factor {
            numerator: self.denominator,
            denominator: self.numerator,
        }
    }

    /// `value` multiplied by the factor.
    fn apply(self, value: Decimal) -> Option<Decimal> {
        value
            .checked_mul(self.numerator)?
            .checked_div(self.denominator)
    }
}

/// Largest exponent magnitude accepted on a unit atom (`m3`, `10*-12`).
const MAX_EXPONENT: u32 = 64;

/// Parses a UCUM unit expression made of `.`-multiplied and `/`-divided atoms with integer
/// exponents (`mg/dL`, `kg.m-2`, `/min`, `10*9/L`, `{cells}/uL`) into a factor and
/// dimensions.
fn parse_unit(unit: &str) -> Option<(Factor, Dimensions)> {
    let unit = without_annotations(unit)?;
    let mut factor = Factor::ONE;
    let mut dimensions = Dimensions::new();
    for (index, part) in unit.split('/').enumerate() {
        let sign = if index == 0 { 1 } else { -1 };
        if part.is_empty() && index == 0 {
            continue;
        }
        for atom in part.split('.') {
            let (atom_factor, atom_dims) = parse_atom(atom)?;
            factor = if sign > 0 {
                factor.times(atom_factor)?
            } else {
                factor.times(atom_factor.inverse())?
            };
            for (base, power) in atom_dims {
                *dimensions.entry(base).or_insert(0) += sign * power;
            }
        }
    }
    dimensions.retain(|_, power| *power != 0);
    Some((factor, dimensions))
}

/// Drops UCUM annotations (`{creat}` in `mg{creat}`); one standing for a whole term
/// (`{cells}/uL`) means 1. `None` when the braces do not pair up.
fn without_annotations(unit: &str) -> Option<String> {
    let mut plain = String::with_capacity(unit.len());
    let mut rest = unit;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        plain.push_str(&rest[..open]);
        if matches!(plain.chars().last(), None | Some('.' | '/')) {
            plain.push('1');
        }
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return None;
    }
    plain.push_str(rest);
    Some(plain)
}

fn parse_atom(atom: &str) -> Option<(Factor, Dimensions)> {
    if let Some(exponent) = atom
        .strip_prefix("10*")
        .or_else(|| atom.strip_prefix("10^"))
    {
        let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
        return Some((
            power_of(Decimal::TEN, exponent.parse().ok()?)?,
            Dimensions::new(),
        ));
    }
    let digits_at = atom
        .find(|c: char| c.is_ascii_digit() || c == '-')
        .filter(|_| atom != "1");
    let (symbol, exponent) = match digits_at {
        Some(at) if at > 0 => (&atom[..at], atom[at..].parse::<i32>().ok()?),
        _ => (atom, 1),
    };
    let (factor, base_dims) = lookup_symbol(symbol)?;
    let factor = power_of(factor, exponent)?;
    let mut dimensions = Dimensions::new();
    for (base, power) in base_dims {
        dimensions.insert(base, power * exponent);
    }
    Some((factor, dimensions))
}

/// `factor` raised to `exponent` (at most [`MAX_EXPONENT`] in magnitude).
fn power_of(factor: Decimal, exponent: i32) -> Option<Factor> {
    if exponent.unsigned_abs() > MAX_EXPONENT {
        return None;
    }
    let mut result = Decimal::ONE;
    for _ in 0..exponent.unsigned_abs() {
        result = result.checked_mul(factor)?;
    }
    let power = Factor {
        numerator: result,
        denominator: Decimal::ONE,
    };
    Some(if exponent < 0 { power.inverse() } else { power })
}

fn lookup_symbol(symbol: &str) -> Option<(Decimal, Dimensions)> {
    let entry = |factor: &str, base: &'static str, power: i32| {
        let mut dims = Dimensions::new();
        if base == "g.m-1.s-2" {
            dims.insert("g", power);
            dims.insert("m", -power);
            dims.insert("s", -2 * power);
        } else if !base.is_empty() {
            dims.insert(base, power);
        }
        Decimal::from_str(factor).ok().map(|f| (f, dims))
    };
    if let Some((_, factor, base, power)) =
        PLAIN.iter().chain(METRIC.iter()).find(|u| u.0 == symbol)
    {
        return entry(factor, base, *power);
    }
    for (prefix, scale) in PREFIXES {
        let Some(rest) = symbol.strip_prefix(prefix) else {
            continue;
        };
        if let Some((_, factor, base, power)) = METRIC.iter().find(|u| u.0 == rest) {
            let (base_factor, dims) = entry(factor, base, *power)?;
            return Some((
                base_factor.checked_mul(Decimal::from_str(scale).ok()?)?,
                dims,
            ));
        }
    }
    None
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_calendar() {
            write!(f, "{} {}", self.value, self.unit)
        } else {
            write!(f, "{} '{}'", self.value, self.unit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(value: &str, unit: &str) -> Quantity {
        Quantity::new(Decimal::from_str(value).unwrap(), unit)
    }

    #[test]
    fn converts_metric_prefixes_and_compound_units() {
        assert_eq!(
            q("4", "g").compare(&q("4000", "mg"), false),
            Some(Ordering::Equal)
        );
        assert_eq!(
            q("1", "g/L").compare(&q("100", "mg/dL"), false),
            Some(Ordering::Equal)
        );
        assert_eq!(q("1", "m").compare(&q("1", "g"), false), None);
        assert_eq!(
            q("3", "cm").convert_to("mm").unwrap().value,
            Decimal::from(30)
        );
    }

    #[test]
    fn orders_ucum_quantities_and_says_why_not() {
        assert_eq!(q("-1", "g").compare_ucum(&q("0", "kg")), Ok(Ordering::Less));
        assert_eq!(
            q("1500", "mL").compare_ucum(&q("1.5", "L")),
            Ok(Ordering::Equal)
        );
        assert_eq!(
            q("90", "min").compare_ucum(&q("1", "h")),
            Ok(Ordering::Greater)
        );
        assert_eq!(
            q("1", "g").compare_ucum(&q("1", "m")),
            Err(UnitMismatch::DifferentDimensions)
        );
        assert_eq!(
            q("1", "Cel").compare_ucum(&q("1", "K")),
            Err(UnitMismatch::UnknownUnit("Cel".into()))
        );
        // Calendar keywords are not UCUM codes.
        assert_eq!(
            q("1", "days").compare_ucum(&q("1", "d")),
            Err(UnitMismatch::UnknownUnit("days".into()))
        );
    }

    #[test]
    fn understands_annotations_and_powers_of_ten() {
        assert_eq!(
            q("4", "10*9/L").compare_ucum(&q("4", "10*3/uL")),
            Ok(Ordering::Equal)
        );
        assert_eq!(
            q("60", "{beats}/min").compare_ucum(&q("1", "/s")),
            Ok(Ordering::Equal)
        );
        assert_eq!(
            q("2", "mg{creat}").compare_ucum(&q("0.002", "g")),
            Ok(Ordering::Equal)
        );
        assert_eq!(
            q("1", "{cells").compare_ucum(&q("1", "1")),
            Err(UnitMismatch::UnknownUnit("{cells".into()))
        );
    }

    #[test]
    fn rejects_huge_exponents_quickly() {
        assert!(matches!(
            q("1", "m999999999").compare_ucum(&q("1", "m")),
            Err(UnitMismatch::UnknownUnit(_))
        ));
        assert!(q("1", "10*-99").compare_ucum(&q("1", "1")).is_err());
    }

    #[test]
    fn relates_calendar_keywords_to_ucum() {
        assert_eq!(
            q("7", "days").compare(&q("1", "wk"), false),
            Some(Ordering::Equal)
        );
        assert_eq!(q("1", "year").compare(&q("1", "a"), false), None);
        assert_eq!(
            q("1", "year").compare(&q("1", "a"), true),
            Some(Ordering::Equal)
        );
        assert_eq!(q("1", "year").compare(&q("12", "months"), false), None);
    }
}
