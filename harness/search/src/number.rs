//! Number parameters (R4 search.html#number): a parameter value stands for the range its
//! significant figures imply (`100` is [99.5, 100.5), `1e2` is [50, 150), `100.00` is
//! [99.995, 100.005)); `eq`/`ne` test a value against that range.
//!
//! For the ordering prefixes the specification gives two readings that differ near the
//! value: comparing with the exact value ("gt100: greater than 100") and comparing with the
//! implicit range (the prefix table of search.html#prefix). The judge decides only where both
//! agree: `gt100` on 100.2 is undecided, on 101 a match, on 99 not. `ap` matches inside the
//! implicit range, does not match more than 20% of the value beyond it (twice the 10% the
//! specification recommends), and is undecided between.

use std::str::FromStr;

use rust_decimal::Decimal;

use assure_fhirpath::{Item, Value};

use crate::found::Found;
use crate::judgement::Verdict;
use crate::prefix::Prefix;

/// A number with the range its precision implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    pub value: Decimal,
    /// Inclusive lower end of the implicit range.
    pub low: Decimal,
    /// Exclusive upper end of the implicit range.
    pub high: Decimal,
    /// As written.
    pub text: String,
}

impl Number {
    /// Reads a decimal in plain (`5.40`) or scientific (`5.4e-3`) notation.
    pub(crate) fn parse(text: &str) -> Result<Number, String> {
        let bad = || format!("'{text}' is not a number (search.html#number)");
        let (mantissa, exponent) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().map_err(|_| bad())?),
            None => (text, 0),
        };
        let well_formed = !mantissa.is_empty()
            && mantissa
                .trim_start_matches(['-', '+'])
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
            && !mantissa.ends_with('.')
            && !mantissa.trim_start_matches(['-', '+']).starts_with('.');
        if !well_formed || exponent.abs() > 20 {
            return Err(bad());
        }
        let mantissa = Decimal::from_str(mantissa).map_err(|_| bad())?;
        let half = Decimal::new(5, mantissa.scale() + 1);
        let scale = |d: Decimal| scale_by_ten(d, exponent).ok_or_else(bad);
        let value = scale(mantissa)?;
        let half = scale(half)?;
        Ok(Number {
            value,
            low: value - half,
            high: value + half,
            text: text.to_owned(),
        })
    }
}

/// `d × 10^exponent`, `None` on overflow.
fn scale_by_ten(d: Decimal, exponent: i32) -> Option<Decimal> {
    let ten = Decimal::TEN;
    (0..exponent.unsigned_abs()).try_fold(d, |acc, _| {
        if exponent > 0 {
            acc.checked_mul(ten)
        } else {
            acc.checked_div(ten)
        }
    })
}

/// The number a value found holds.
pub(crate) fn found_number(found: &Found) -> Result<Decimal, String> {
    let label = found.label();
    match &found.item {
        Item::Value(Value::Integer(i)) => Ok(Decimal::from(*i)),
        Item::Value(Value::Decimal(d)) => Ok(*d),
        Item::Node(_)
            if matches!(
                found.type_name(),
                Some("integer" | "decimal" | "positiveInt" | "unsignedInt" | "integer64")
            ) =>
        {
            let text = found.text().unwrap_or_default();
            Decimal::from_str(&text)
                .or_else(|_| Decimal::from_scientific(&text))
                .map_err(|_| format!("{label} '{text}' is not a number"))
        }
        _ => Err(format!(
            "{label}: number search on {} is not judged",
            found.type_name().unwrap_or("a value of unknown type")
        )),
    }
}

/// One number parameter value against one value found.
pub(crate) fn verdict(prefix: Prefix, number: &Number, found: &Found) -> Verdict {
    match found_number(found) {
        Ok(target) => compare(
            prefix,
            number,
            target,
            &format!("{} {target}", found.label()),
        ),
        Err(why) => Verdict::Unknown(why),
    }
}

/// `target` (named `shown` in reasons) against `prefix number`.
pub(crate) fn compare(prefix: Prefix, number: &Number, target: Decimal, shown: &str) -> Verdict {
    let Number {
        value, low, high, ..
    } = number;
    let (v, lo, hi, t) = (*value, *low, *high, target);
    let in_range = lo <= t && t < hi;
    let written = format!("{prefix}{}", number.text);
    let (exact, ranged) = match prefix {
        Prefix::Eq => (in_range, in_range),
        Prefix::Ne => (!in_range, !in_range),
        Prefix::Gt => (t > v, t >= hi),
        Prefix::Lt => (t < v, t < lo),
        Prefix::Ge => (t >= v, t >= lo),
        Prefix::Le => (t <= v, t < hi),
        Prefix::Sa => (t > v, t >= hi),
        Prefix::Eb => (t < v, t < lo),
        Prefix::Ap => {
            if in_range {
                return Verdict::Yes;
            }
            // R4 only recommends a tolerance for ap, so a value outside is never denied.
            return Verdict::Unknown(format!(
                "{shown} is outside the implicit range [{lo}, {hi}) of {written}; how far ap reaches is the server's choice (search.html#prefix recommends 10%, \"but systems may choose other values where appropriate\")"
            ));
        }
    };
    match (exact, ranged) {
        (true, true) => Verdict::Yes,
        (false, false) => Verdict::No(format!(
            "{shown} does not satisfy {written} (prefix {prefix} with implicit range [{lo}, {hi}), search.html#number and #prefix)"
        )),
        _ => Verdict::Unknown(format!(
            "{shown} satisfies {written} by the exact value but not by its implicit range [{lo}, {hi}) or the reverse; the specification allows both readings"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> (String, String) {
        let n = Number::parse(text).unwrap();
        (
            n.low.normalize().to_string(),
            n.high.normalize().to_string(),
        )
    }

    #[test]
    fn implicit_ranges_follow_significant_figures() {
        assert_eq!(range("100"), ("99.5".into(), "100.5".into()));
        assert_eq!(range("100.00"), ("99.995".into(), "100.005".into()));
        assert_eq!(range("1e2"), ("50".into(), "150".into()));
        assert_eq!(range("-5.4"), ("-5.45".into(), "-5.35".into()));
        assert_eq!(range("5.4e-3"), ("0.00535".into(), "0.00545".into()));
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in ["", "abc", "1.", ".5", "1e", "1,5", "0x10", "1e99"] {
            assert!(Number::parse(bad).is_err(), "{bad}");
        }
    }
}
