//! Quantity search: `[prefix]number|system|code`, `[prefix]number||code` or
//! `[prefix]number`. The number carries an implicit range from its precision (`5.4` is
//! `[5.35, 5.45)`), used by `eq` and `ne`; the other prefixes compare with the number itself,
//! and `ap` accepts values within 10% of it. Units are compared as given, without conversion.

use serde_json::Value;

use super::escape::{split_unescaped, unescape};
use super::prefix::Prefix;

/// One value of a quantity parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantityQuery {
    prefix: Prefix,
    value: f64,
    /// Half the width of the implicit range.
    half_step: f64,
    /// `None`: any system; otherwise that system (empty: code or unit alone).
    system: Option<String>,
    code: Option<String>,
    /// With a prefix other than `eq`, any unit matches (a defect).
    ignore_unit_with_prefix: bool,
}

impl QuantityQuery {
    /// Parses a quantity value, or says why it is not one.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (prefix, rest) = Prefix::split(text)?;
        let parts = split_unescaped(rest, '|');
        let (number, system, code) = match parts.as_slice() {
            [number] => (number, None, None),
            [number, system, code] if !code.is_empty() => {
                (number, Some(unescape(system)), Some(unescape(code)))
            }
            _ => {
                return Err(format!(
                    "{text:?} is not a quantity ([prefix]number, or with |system|code)"
                ));
            }
        };
        let (value, half_step) =
            parse_number(number).ok_or_else(|| format!("{number:?} is not a number"))?;
        Ok(Self {
            prefix,
            value,
            half_step,
            system,
            code,
            ignore_unit_with_prefix: false,
        })
    }

    /// The same query, but any unit matches when the prefix is not `eq` (a defect).
    pub fn with_unit_ignored_with_prefix(self) -> Self {
        Self {
            ignore_unit_with_prefix: true,
            ..self
        }
    }

    /// Whether `element` (a Quantity) satisfies the query.
    pub fn matches(&self, element: &Value) -> bool {
        let Some(found) = element.get("value").and_then(Value::as_f64) else {
            return false;
        };
        self.unit_matches(element) && self.value_matches(found)
    }

    fn unit_matches(&self, element: &Value) -> bool {
        let field = |name| element.get(name).and_then(Value::as_str);
        let Some(code) = self.code.as_deref() else {
            return true;
        };
        if self.ignore_unit_with_prefix && self.prefix != Prefix::Eq {
            return true;
        }
        match self.system.as_deref() {
            Some("") | None => field("code") == Some(code) || field("unit") == Some(code),
            Some(system) => field("system") == Some(system) && field("code") == Some(code),
        }
    }

    fn value_matches(&self, found: f64) -> bool {
        let (low, high) = (self.value - self.half_step, self.value + self.half_step);
        match self.prefix {
            Prefix::Eq => low <= found && found < high,
            Prefix::Ne => !(low <= found && found < high),
            Prefix::Gt | Prefix::Sa => found > self.value,
            Prefix::Lt | Prefix::Eb => found < self.value,
            Prefix::Ge => found >= self.value,
            Prefix::Le => found <= self.value,
            Prefix::Ap => (found - self.value).abs() <= (self.value * 0.1).abs(),
        }
    }
}

/// Parses a decimal (optionally with an exponent) and half its last significant step.
fn parse_number(text: &str) -> Option<(f64, f64)> {
    let valid = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && text.bytes().any(|b| b.is_ascii_digit());
    if !valid {
        return None;
    }
    let value: f64 = text.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let decimals = mantissa
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len() as i32);
    Some((value, 0.5 * 10_f64.powi(exponent - decimals)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const UCUM: &str = "http://unitsofmeasure.org";

    fn weight() -> Value {
        json!({"value": 68.5, "unit": "kg", "system": UCUM, "code": "kg"})
    }

    fn matches(query: &str) -> bool {
        QuantityQuery::parse(query).unwrap().matches(&weight())
    }

    #[test]
    fn precision_gives_equality_a_range() {
        assert!(matches("68.5"));
        assert!(matches("68.5|http://unitsofmeasure.org|kg"));
        assert!(matches("eq68.50") && !matches("eq68.52"));
        assert!(!matches("68.6"));
        assert!(matches("69"));
        assert!(!matches("70"));
        assert!(matches("ne70"));
        assert!(matches("7e1") && !matches("7.0e1"));
    }

    #[test]
    fn ordering_and_approximation() {
        assert!(matches("gt68") && !matches("gt68.5") && matches("ge68.5"));
        assert!(matches("lt69") && !matches("lt68.5") && matches("le68.5"));
        assert!(matches("ap63") && !matches("ap62") && !matches("ap60"));
    }

    #[test]
    fn units_compare_by_system_and_code_or_code_alone() {
        assert!(matches("68.5||kg"));
        assert!(!matches("68.5|http://unitsofmeasure.org|g"));
        assert!(!matches("68.5|http://example.org|kg"));
        assert!(
            !QuantityQuery::parse("1")
                .unwrap()
                .matches(&json!({"unit": "kg"}))
        );
    }

    #[test]
    fn malformed_quantities_are_refused() {
        for bad in [
            "", "abc", "5|kg", "5|a|", "5|a|b|c", "xx5", "1.2.3x", "ge", ".",
        ] {
            assert!(QuantityQuery::parse(bad).is_err(), "{bad:?}");
        }
    }
}
