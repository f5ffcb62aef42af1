//! Quantity parameters (R4 search.html#quantity): `[prefix]number|system|code`,
//! `[prefix]number||code` (code or unit text, any system) or `[prefix]number` (any unit).
//! The number follows the number rules (implicit range, prefixes). With UCUM
//! (`http://unitsofmeasure.org`) on both sides the values are compared after unit
//! conversion (`0.006 g` is `6 mg`); with other systems the system and code must be equal.

use rust_decimal::Decimal;

use assure_fhirpath::{Item, Quantity, UnitMismatch, Value};

use crate::escape::{split, unescape};
use crate::found::{Found, child_text};
use crate::judgement::Verdict;
use crate::number::{self, Number};
use crate::prefix::Prefix;

/// The UCUM code system.
pub const UCUM: &str = "http://unitsofmeasure.org";

/// A quantity parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityValue {
    pub prefix: Prefix,
    pub number: Number,
    /// `None` when not written (`5.4` or `5.4||mg`).
    pub system: Option<String>,
    /// `None` when not written (`5.4`).
    pub code: Option<String>,
}

impl QuantityValue {
    /// Reads `[prefix]number[|system|code]`.
    pub(crate) fn parse(text: &str) -> Result<QuantityValue, String> {
        let parts = split(text, '|');
        let (number, system, code) = match parts.as_slice() {
            [number] => (*number, None, None),
            [number, system, code] if !code.is_empty() => (
                *number,
                (!system.is_empty()).then(|| unescape(system)),
                Some(unescape(code)),
            ),
            _ => {
                return Err(format!(
                    "'{text}' is not a quantity ([prefix]number|system|code, search.html#quantity)"
                ));
            }
        };
        let (prefix, number) = Prefix::split(number)?;
        Ok(QuantityValue {
            prefix,
            number: Number::parse(number)?,
            system,
            code,
        })
    }

    fn written(&self) -> String {
        let unit = match (&self.system, &self.code) {
            (_, None) => String::new(),
            (system, Some(code)) => format!("|{}|{code}", system.as_deref().unwrap_or("")),
        };
        format!("{}{}{unit}", self.prefix, self.number.text)
    }
}

/// The value, system, code and unit text of a quantity found.
struct FoundQuantity {
    value: Decimal,
    system: Option<String>,
    code: Option<String>,
    unit: Option<String>,
}

fn found_quantity(found: &Found) -> Result<FoundQuantity, String> {
    let label = found.label();
    if let Item::Value(Value::Quantity(q)) = &found.item {
        return Ok(FoundQuantity {
            value: q.value,
            system: Some(UCUM.to_owned()),
            code: Some(q.unit.clone()),
            unit: None,
        });
    }
    let quantity_type = matches!(
        found.type_name(),
        Some(
            "Quantity"
                | "Age"
                | "Duration"
                | "Distance"
                | "Count"
                | "SimpleQuantity"
                | "MoneyQuantity"
        )
    );
    let element = found.element().filter(|_| quantity_type).ok_or_else(|| {
        format!(
            "{label}: quantity search on {} is not judged",
            found.type_name().unwrap_or("a value of unknown type")
        )
    })?;
    if child_text(element, "comparator").is_some() {
        return Err(format!(
            "{label} has a comparator, so its value is a bound, not a value"
        ));
    }
    let text = child_text(element, "value").ok_or_else(|| format!("{label} has no value"))?;
    let value = text
        .parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|_| format!("{label} value '{text}' is not a number"))?;
    let owned = |name| child_text(element, name).map(str::to_owned);
    Ok(FoundQuantity {
        value,
        system: owned("system"),
        code: owned("code"),
        unit: owned("unit"),
    })
}

/// One quantity parameter value against one value found.
pub(crate) fn verdict(value: &QuantityValue, found: &Found) -> Verdict {
    let label = found.label();
    let q = match found_quantity(found) {
        Ok(q) => q,
        Err(why) => return Verdict::Unknown(why),
    };
    let shown = format!(
        "{label} {} {}{}",
        q.value,
        q.code.as_deref().or(q.unit.as_deref()).unwrap_or(""),
        q.system
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default()
    );
    let written = value.written();
    let Some(code) = &value.code else {
        return number::compare(value.prefix, &value.number, q.value, &shown);
    };
    let wrong_unit = |rule: &str| {
        Verdict::No(format!(
            "{shown} is not in the unit of {written} ({rule}, search.html#quantity)"
        ))
    };
    match value.system.as_deref() {
        None => {
            if q.code.as_ref() == Some(code) || q.unit.as_ref() == Some(code) {
                number::compare(value.prefix, &value.number, q.value, &shown)
            } else {
                wrong_unit("number||code: the code or the unit must be the code")
            }
        }
        Some(UCUM) if q.system.as_deref() == Some(UCUM) => {
            let Some(found_code) = &q.code else {
                return wrong_unit("a UCUM quantity needs a code");
            };
            ucum(value, code, Quantity::new(q.value, found_code), &shown)
        }
        Some(system) => {
            if q.system.as_deref() == Some(system) && q.code.as_ref() == Some(code) {
                number::compare(value.prefix, &value.number, q.value, &shown)
            } else {
                wrong_unit("number|system|code: the system and code must be equal")
            }
        }
    }
}

/// Compares after converting the value found to the parameter's UCUM unit.
fn ucum(value: &QuantityValue, code: &str, found: Quantity, shown: &str) -> Verdict {
    if found.unit == code {
        return number::compare(value.prefix, &value.number, found.value, shown);
    }
    match found.compare_ucum(&Quantity::new(Decimal::ONE, code)) {
        Err(UnitMismatch::DifferentDimensions) => Verdict::No(format!(
            "{shown} measures something other than {code} (UCUM units of different dimensions, search.html#quantity)"
        )),
        Err(UnitMismatch::UnknownUnit(unit)) => Verdict::Unknown(format!(
            "{shown}: the UCUM unit '{unit}' cannot be converted here"
        )),
        Ok(_) => match found.convert_to(code) {
            Some(converted) => number::compare(
                value.prefix,
                &value.number,
                converted.value,
                &format!("{shown} (= {} {code})", converted.value),
            ),
            None => Verdict::Unknown(format!("{shown} cannot be converted to {code}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_quantity_forms() {
        let q = QuantityValue::parse("gt5.4|http://unitsofmeasure.org|mg").unwrap();
        assert_eq!(q.prefix, Prefix::Gt);
        assert_eq!(q.system.as_deref(), Some(UCUM));
        assert_eq!(q.code.as_deref(), Some("mg"));
        let q = QuantityValue::parse("5.4||mg").unwrap();
        assert_eq!((q.system, q.code.as_deref()), (None, Some("mg")));
        assert!(QuantityValue::parse("5.4").unwrap().code.is_none());
        for bad in [
            "5.4|mg",
            "5.4|http://unitsofmeasure.org|",
            "x5|||",
            "mg",
            "5.4|a|b|c",
        ] {
            assert!(QuantityValue::parse(bad).is_err(), "{bad}");
        }
    }
}
